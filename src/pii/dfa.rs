//! Whether a rule can match a text at all, from its DFA built at build time
//! (`build/dfas.rs`): nothing is compiled at run time, so a rule's regex is built only
//! for a text its DFA says it matches. Rules whose DFA would be large have none (`None`
//! here), and their regex decides.

use std::sync::OnceLock;

use regex_automata::dfa::{dense::DFA, Automaton};
use regex_automata::Input;

include!(concat!(env!("OUT_DIR"), "/dfas.rs"));

/// The DFAs, each at an offset that is a multiple of 8 within bytes aligned to 8 (as
/// deserializing asks).
#[repr(C, align(8))]
struct Aligned<B: ?Sized>(B);

static DFAS: &Aligned<[u8]> = &Aligned(*include_bytes!(concat!(env!("OUT_DIR"), "/dfas.bin")));

type Dfa = DFA<&'static [u32]>;

fn load((at, len): (usize, usize)) -> Option<Dfa> {
    if len == 0 {
        return None;
    }
    // Checked as it is read (a few µs for the largest); a DFA that did not read back
    // is as none: the regex decides.
    DFA::from_bytes(DFAS.0.get(at..at + len)?)
        .ok()
        .map(|(dfa, _)| dfa)
}

fn own(i: usize) -> Option<&'static Dfa> {
    static LOADED: OnceLock<Box<[OnceLock<Option<Dfa>>]>> = OnceLock::new();
    let all = LOADED.get_or_init(|| OWN_DFAS.iter().map(|_| OnceLock::new()).collect());
    all.get(i)?.get_or_init(|| load(OWN_DFAS[i])).as_ref()
}

fn upstream(i: usize) -> Option<&'static Dfa> {
    static LOADED: OnceLock<Box<[OnceLock<Option<Dfa>>]>> = OnceLock::new();
    let all = LOADED.get_or_init(|| UPSTREAM_DFAS.iter().map(|_| OnceLock::new()).collect());
    all.get(i)?.get_or_init(|| load(UPSTREAM_DFAS[i])).as_ref()
}

/// Whether `dfa` finds a match in `span` of `hay` (a search it could not finish counts
/// as a match: the regex then decides).
fn finds(dfa: &Dfa, hay: &[u8], span: std::ops::Range<usize>) -> bool {
    let input = Input::new(hay).span(span).earliest(true);
    !matches!(dfa.try_search_fwd(&input), Ok(None))
}

/// Whether own rule `i` (of [`super::rules::RULES`]) can match in `hay`: `None` when the
/// rule has no DFA.
pub fn own_matches(i: usize, hay: &[u8]) -> Option<bool> {
    own(i).map(|dfa| finds(dfa, hay, 0..hay.len()))
}

/// Whether upstream rule `i` can match in `span` of `hay` (what is before and after the
/// span counts for `\b`, as in the regex's search): `None` when it has no DFA.
pub fn upstream_matches(i: usize, hay: &[u8], span: std::ops::Range<usize>) -> Option<bool> {
    upstream(i).map(|dfa| finds(dfa, hay, span))
}

/// The own rules' `(id, pattern)` as the build read them from the table.
pub fn own_patterns() -> &'static [(&'static str, &'static str)] {
    OWN_PATTERNS
}

/// How many rules have a DFA: `(own, upstream)`.
pub fn counts() -> (usize, usize) {
    let n = |v: &[(usize, usize)]| v.iter().filter(|p| p.1 > 0).count();
    (n(OWN_DFAS), n(UPSTREAM_DFAS))
}
