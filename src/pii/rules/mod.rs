//! The rule table: what looks personal or secret in text, with validators where a checksum
//! or a structure tells a real value from a look-alike.
//!
//! Value rules run on every field and every text run found in memory. Context rules (an
//! environment variable's name, an annotation's key) live in `super::context`.

use regex_automata::{meta, util::syntax};
use std::sync::OnceLock;

use super::{Category, Severity};

mod table;
mod validators;

pub use table::RULES;
pub use validators::{iban_check, is_generic_user, is_identity_name, luhn};

/// Validates a match: `(text, start, end)` of the value (the rule's capture group) in its
/// text, so a validator can also look at the neighbours (a version string around an
/// IP-like number).
pub type Validator = fn(&str, usize, usize) -> bool;

/// Finds the `(start, end)` of every match of a rule's pattern, left to right.
pub type Scanner = fn(&[u8], &mut Vec<(usize, usize)>);

/// One value rule.
#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// What the rule finds, for help texts (SARIF, `--help`).
    pub description: &'static str,
    pub pattern: &'static str,
    /// The capture group that holds the value (0 = the whole match; [`ANY`] = the first
    /// group that took part, for patterns with alternatives).
    pub group: usize,
    /// Case-insensitive: `pattern` is written in lower case and runs on the text lowered
    /// to ASCII lower case (same byte offsets). Cheaper to build than `(?i)`.
    pub folded: bool,
    /// A hand-written matcher that implements `pattern` exactly (see `scanners`), used
    /// instead of compiling the regex.
    pub scanner: Option<Scanner>,
    /// Lower-case literals one of which every match holds, ASCII case aside: the rule is
    /// tried only on texts that hold one ([`super::keywords`]). None: tried on every text.
    pub keywords: &'static [&'static str],
    pub validator: Option<Validator>,
}

/// [`Rule::group`]: the first capture group that took part in the match.
pub const ANY: usize = usize::MAX;

/// A text being matched, with its ASCII-lowered copy (for folded rules) made on first need.
#[derive(Debug)]
pub struct Text<'a> {
    pub raw: &'a str,
    lower: std::cell::OnceCell<Vec<u8>>,
}

impl<'a> Text<'a> {
    pub fn new(raw: &'a str) -> Text<'a> {
        Text {
            raw,
            lower: std::cell::OnceCell::new(),
        }
    }

    fn lowered(&self) -> &[u8] {
        self.lower
            .get_or_init(|| self.raw.as_bytes().to_ascii_lowercase())
    }
}

/// A value rule by its index in one numbering: crashscope's own rules ([`RULES`]) first,
/// then the upstream ones ([`super::upstream::UPSTREAM`]).
#[derive(Debug, Clone, Copy)]
pub enum Any {
    Own(&'static Rule),
    Upstream(usize),
}

pub fn any(i: usize) -> Any {
    match RULES.get(i) {
        Some(r) => Any::Own(r),
        None => Any::Upstream(i - RULES.len()),
    }
}

/// How many value rules there are, both kinds.
pub fn count() -> usize {
    RULES.len() + super::upstream::UPSTREAM.len()
}

pub fn id(i: usize) -> &'static str {
    match any(i) {
        Any::Own(r) => r.id,
        Any::Upstream(u) => super::upstream::UPSTREAM[u].id,
    }
}

pub fn category(i: usize) -> Category {
    match any(i) {
        Any::Own(r) => r.category,
        Any::Upstream(_) => Category::Secret,
    }
}

/// The severity of `value` found by rule `i` (an upstream test-mode key is low).
pub fn severity(i: usize, value: &str) -> Severity {
    match any(i) {
        Any::Own(r) => r.severity,
        Any::Upstream(u) => super::upstream::severity(u, value),
    }
}

/// Which of two overlapping secret matches is kept: crashscope's specific token rules
/// first (better validated, or the whole value), then upstream rules, then crashscope's
/// generic ones (a value after a secret-sounding name).
pub fn rank(i: usize) -> u8 {
    match any(i) {
        Any::Own(r) if GENERIC.contains(&r.id) => 2,
        Any::Own(_) => 0,
        Any::Upstream(_) => 1,
    }
}

/// crashscope's rules that judge a value by the word before it, not by its shape, and
/// the provider prefixes that back the upstream rules up (an upstream rule that knows a
/// token's exact format names it first).
const GENERIC: &[&str] = &[
    "secret-assignment",
    "bearer-token",
    "launch-secret",
    "provider-token",
];

/// The index of the private-key rule, whose matches grow into whole key blocks.
pub const PRIVATE_KEY: usize = 0;

/// Where a private key block that continues at `from` ends: after its `-----END …-----`
/// line, or, when there is none, where the key's characters (base64, line breaks, also
/// JSON-escaped ones, PEM headers such as `Proc-Type: 4,ENCRYPTED`) stop. `bytes` holds text in `unit`-byte
/// units (1: ASCII/UTF-8, 2: UTF-16LE). At most 64 KiB of key is taken.
pub fn key_block_end(bytes: &[u8], from: usize, unit: usize) -> usize {
    let limit = from.saturating_add(64 * 1024 * unit).min(bytes.len());
    let at = |i: usize| -> Option<u8> {
        let c = *bytes.get(i)?;
        (i + unit <= limit && (unit == 1 || bytes.get(i + 1) == Some(&0))).then_some(c)
    };
    let word = |i: usize, w: &[u8]| {
        w.iter()
            .enumerate()
            .all(|(k, &b)| at(i + k * unit) == Some(b))
    };
    let mut i = from;
    let mut last_key_char = from;
    while let Some(c) = at(i) {
        if c == b'-' && word(i, b"-----END ") {
            let mut j = i + 9 * unit;
            while at(j).is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b' ') {
                j += unit;
            }
            while at(j) == Some(b'-') {
                j += unit;
            }
            return j;
        }
        // A key inside JSON (a GCP service-account file) has its line breaks escaped.
        if c == b'\\' && matches!(at(i + unit), Some(b'n' | b'r')) {
            i += 2 * unit;
            continue;
        }
        let key_char = c.is_ascii_alphanumeric() || b"+/=:,-._".contains(&c);
        if !(key_char || b" \t\r\n".contains(&c)) {
            break;
        }
        i += unit;
        if key_char {
            last_key_char = i;
        }
    }
    last_key_char
}

/// The compiled pattern of rule `i`, built on first use.
///
/// ASCII classes (`\d`, `\s`, `\b` in their ASCII forms, which is what these formats
/// use) over bytes, with only the engines a scan needs (a lazy DFA, and the PikeVM for
/// capture groups): building a regex is paid on every run of `show`. Callers keep only
/// matches on UTF-8 character boundaries. Patterns avoid large bounded repetitions
/// (`{1,1024}`), which multiply the compiled program.
pub fn regex(i: usize) -> &'static meta::Regex {
    static COMPILED: [OnceLock<meta::Regex>; RULES.len()] =
        [const { OnceLock::new() }; RULES.len()];
    COMPILED[i].get_or_init(|| build(RULES[i].pattern).expect("rule patterns are valid"))
}

/// Build `pattern` as [`regex`] does (public for `bench/compile_cost.rs`).
pub fn build(pattern: &str) -> Result<meta::Regex, Box<meta::BuildError>> {
    build_with(pattern, true, false)
}

/// Build `pattern` over bytes with ASCII classes and only the engines asked for: the
/// lazy DFA (`hybrid`), the bounded backtracker (`backtrack`), and always the PikeVM.
/// No full DFA, no one-pass DFA, no automatic prefilter: the keyword automaton has run
/// first, and a build is paid on every run.
pub fn build_with(
    pattern: &str,
    hybrid: bool,
    backtrack: bool,
) -> Result<meta::Regex, Box<meta::BuildError>> {
    meta::Builder::new()
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .configure(
            meta::Config::new()
                .dfa(false)
                .hybrid(hybrid)
                .onepass(false)
                .backtrack(backtrack)
                .auto_prefilter(false)
                .utf8_empty(false),
        )
        .build(pattern)
        .map_err(Box::new)
}

/// The `(start, end)` of rule `i`'s value (its capture group) for every match in `text`,
/// before validation.
pub fn find(i: usize, text: &Text<'_>, out: &mut Vec<(usize, usize)>) {
    let rule = &RULES[i];
    let hay = if rule.folded {
        text.lowered()
    } else {
        text.raw.as_bytes()
    };
    if let Some(scan) = rule.scanner {
        return scan(hay, out);
    }
    let regex = regex(i);
    match rule.group {
        0 => out.extend(regex.find_iter(hay).map(|m| (m.start(), m.end()))),
        ANY => out.extend(
            regex
                .captures_iter(hay)
                .filter_map(|c| (1..c.group_len()).find_map(|g| c.get_group(g)))
                .map(|g| (g.start, g.end)),
        ),
        group => out.extend(
            regex
                .captures_iter(hay)
                .filter_map(|c| c.get_group(group))
                .map(|g| (g.start, g.end)),
        ),
    }
}

#[cfg(test)]
mod tests;
