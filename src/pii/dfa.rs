//! Whether a rule can match a text at all, from its DFA built at build time
//! (`build/dfas.rs`): nothing is compiled at run time, so a rule's regex is built only
//! for a text its DFA says it matches. A rule whose value is its whole match also has a
//! reverse DFA, and the two find its matches with no regex. Rules whose DFA would be
//! large have none (`None` here), and their regex decides.

use std::sync::OnceLock;

use regex_automata::dfa::{dense::DFA, regex::Regex, Automaton};
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

/// One lazily made value per rule, boxed: a DFA is about 800 bytes (its byte classes
/// and start map are inline), and cells of that size for every rule, written when the
/// table is made, cost 11 of the 460 page faults of `show` on a small dump (measured),
/// for the few rules a small dump ever loads.
type PerRule<T> = OnceLock<Box<[OnceLock<Option<Box<T>>>]>>;

/// Rule `i`'s value in `cells` (of `len` rules), made by `make` on first use.
fn per_rule<T>(
    cells: &'static PerRule<T>,
    len: usize,
    i: usize,
    make: impl FnOnce() -> Option<T>,
) -> Option<&'static T> {
    let all = cells.get_or_init(|| (0..len).map(|_| OnceLock::new()).collect());
    all.get(i)?.get_or_init(|| make().map(Box::new)).as_deref()
}

fn own(i: usize) -> Option<&'static Dfa> {
    static LOADED: PerRule<Dfa> = OnceLock::new();
    per_rule(&LOADED, OWN_DFAS.len(), i, || load(OWN_DFAS[i]))
}

/// Own rule `i`'s forward and reverse DFAs, as a leftmost-first regex.
fn own_regex(i: usize) -> Option<&'static Regex<Dfa>> {
    static LOADED: PerRule<Regex<Dfa>> = OnceLock::new();
    per_rule(&LOADED, OWN_REVERSE_DFAS.len(), i, || {
        let forward = own(i)?.clone();
        let reverse = load(OWN_REVERSE_DFAS[i])?;
        Some(Regex::builder().build_from_dfas(forward, reverse))
    })
}

/// Every match of own rule `i` in `hay`, left to right, added to `out` as `(start, end)`;
/// `false` (and nothing added) when the rule has no reverse DFA or a search could not
/// finish: its regex then finds them.
pub fn own_find(i: usize, hay: &[u8], out: &mut Vec<(usize, usize)>) -> bool {
    let Some(re) = own_regex(i) else {
        return false;
    };
    let before = out.len();
    let mut input = Input::new(hay);
    loop {
        match re.try_search(&input) {
            Ok(Some(m)) => {
                out.push((m.start(), m.end()));
                // As the regex's iterator: past an empty match by one byte.
                let next = m.end() + usize::from(m.is_empty());
                if next > hay.len() {
                    return true;
                }
                input.set_start(next);
            }
            Ok(None) => return true,
            Err(_) => {
                out.truncate(before);
                return false;
            }
        }
    }
}

fn upstream(i: usize) -> Option<&'static Dfa> {
    static LOADED: PerRule<Dfa> = OnceLock::new();
    per_rule(&LOADED, UPSTREAM_DFAS.len(), i, || load(UPSTREAM_DFAS[i]))
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

/// How many rules have a DFA: `(own, own with a reverse one too, upstream)`.
pub fn counts() -> (usize, usize, usize) {
    let n = |v: &[(usize, usize)]| v.iter().filter(|p| p.1 > 0).count();
    (n(OWN_DFAS), n(OWN_REVERSE_DFAS), n(UPSTREAM_DFAS))
}
