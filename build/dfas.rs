//! Each value rule's pattern as a serialized DFA, built at build time: at run time a
//! DFA tells whether a rule can match a text at all, with nothing compiled, so the
//! rule's regex (which yields the value's capture group) is built only for a text it
//! matches. Building a regex is costly, the first build of a run most; most texts that get past a rule's cheap checks hold no match. A rule
//! whose value is its whole match also gets the reverse DFA, which finds where each
//! match starts: it needs no regex at all.
//!
//! Only patterns whose DFA stays small are done (a pattern such as `[\w.-]{0,50}?` before
//! a keyword grows to megabytes); the rest are built at run time as before.

use std::fmt::Write as _;

use regex_automata::dfa::{dense, StartKind};
use regex_automata::nfa::thompson;
use regex_automata::util::syntax;

/// The largest DFA kept, in bytes.
const MAX_DFA: usize = 128 << 10;

/// One rule of crashscope's own table, as read from its source.
pub struct Own {
    pub id: String,
    pub pattern: String,
    /// Its value is the whole match (`group: 0`).
    pub whole: bool,
}

/// Every rule of crashscope's own table, read from its source (the library's tests check
/// the list against the table itself).
pub fn own_patterns(table: &str) -> Vec<Own> {
    let mut out: Vec<Own> = Vec::new();
    let mut id = None;
    for line in table.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("id: \"") {
            id = rest.split('"').next().map(str::to_string);
        } else if let Some(rest) = line.strip_prefix("pattern: ") {
            let pattern =
                raw_string(rest).unwrap_or_else(|| panic!("pattern not a raw string: {line}"));
            let id = id.take().expect("an id before each pattern");
            out.push(Own {
                id,
                pattern,
                whole: false,
            });
        } else if line == "group: 0," {
            if let Some(last) = out.last_mut() {
                last.whole = true;
            }
        }
    }
    out
}

/// The contents of a one-line raw string literal (`r"…"`, `r#"…"#`) followed by a comma.
fn raw_string(s: &str) -> Option<String> {
    let s = s.strip_suffix(',')?.strip_prefix('r')?;
    let hashes = s.len() - s.trim_start_matches('#').len();
    let fence = "#".repeat(hashes);
    let inner = s
        .strip_prefix(&format!("{fence}\""))?
        .strip_suffix(&format!("\"{fence}"))?;
    Some(inner.to_string())
}

/// The DFA of `pattern` as crashscope runs its regexes (bytes, ASCII classes), serialized
/// for the target, or `None` when it is larger than [`MAX_DFA`]. `reverse`: the DFA that
/// finds where a match starts from its end, configured as `regex_automata::dfa::regex`
/// builds it.
fn dfa(pattern: &str, big_endian: bool, reverse: bool) -> Option<Vec<u8>> {
    dfa_within(pattern, big_endian, reverse, MAX_DFA)
}

/// [`dfa`] with a size limit of `max` bytes (`bench/dfa_size.rs` measures others).
pub fn dfa_within(pattern: &str, big_endian: bool, reverse: bool, max: usize) -> Option<Vec<u8>> {
    let limits = dense::Config::new()
        .dfa_size_limit(Some(max))
        .determinize_size_limit(Some(1 << 20));
    let config = if reverse {
        limits
            .prefilter(None)
            .specialize_start_states(false)
            .start_kind(StartKind::Anchored)
            .match_kind(regex_automata::MatchKind::All)
    } else {
        limits.start_kind(StartKind::Unanchored)
    };
    let dfa = dense::Builder::new()
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .thompson(thompson::Config::new().utf8(false).reverse(reverse))
        .configure(config)
        .build(pattern)
        .ok()?;
    let (bytes, pad) = if big_endian {
        dfa.to_bytes_big_endian()
    } else {
        dfa.to_bytes_little_endian()
    };
    let bytes = bytes[pad..].to_vec();
    (bytes.len() <= max).then_some(bytes)
}

/// Writes `dfas.bin` (every DFA, each at an offset that is a multiple of 8) and
/// `dfas.rs` (where each rule's DFAs are) into `out_dir`.
pub fn write(out_dir: &std::path::Path, own: &[Own], upstream: &[String]) {
    let big_endian = std::env::var("CARGO_CFG_TARGET_ENDIAN").is_ok_and(|e| e == "big");
    let mut blob = Vec::new();
    let mut place = |pattern: &str, reverse: bool| -> (usize, usize) {
        match dfa(pattern, big_endian, reverse) {
            Some(bytes) => {
                while blob.len() % 8 != 0 {
                    blob.push(0);
                }
                let at = blob.len();
                blob.extend_from_slice(&bytes);
                (at, bytes.len())
            }
            None => (0, 0),
        }
    };
    let own_places: Vec<(usize, usize)> = own.iter().map(|r| place(&r.pattern, false)).collect();
    let own_reverse: Vec<(usize, usize)> = own
        .iter()
        .zip(&own_places)
        .map(|(r, forward)| match r.whole && forward.1 > 0 {
            true => place(&r.pattern, true),
            false => (0, 0),
        })
        .collect();
    let upstream_places: Vec<(usize, usize)> = upstream.iter().map(|p| place(p, false)).collect();
    let mut code = String::new();
    let _ = writeln!(
        code,
        "/// Generated by `build/dfas.rs`: `(id, pattern)` of the own rules as read from the table."
    );
    let _ = writeln!(code, "pub static OWN_PATTERNS: &[(&str, &str)] = &[");
    for r in own {
        let _ = writeln!(code, "    ({:?}, {:?}),", r.id, r.pattern);
    }
    let _ = writeln!(code, "];");
    for (name, places) in [
        ("OWN_DFAS", &own_places),
        ("OWN_REVERSE_DFAS", &own_reverse),
        ("UPSTREAM_DFAS", &upstream_places),
    ] {
        let _ = writeln!(code, "/// `(offset, length)` in `DFAS` (length 0: no DFA).");
        let _ = writeln!(code, "static {name}: &[(usize, usize)] = &{places:?};");
    }
    std::fs::write(out_dir.join("dfas.bin"), blob).expect("write dfas.bin");
    std::fs::write(out_dir.join("dfas.rs"), code).expect("write dfas.rs");
}
