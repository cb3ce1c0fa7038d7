//! Secret rules from maintained upstream rule sets (gitleaks' default configuration and a
//! selection of Nosey Parker's rules), vendored as data in `rules/upstream/` and turned
//! into the committed table `upstream/generated.rs` by `scripts/generate_rules.rs`.
//!
//! One mechanism runs them all: the keyword prefilter ([`super::keywords`]) finds where
//! a rule's keywords stand; a rule's regex is compiled the first time one of them is seen
//! and runs only in a window around its hits. A match must then pass the rule's entropy
//! threshold and its allowlists (and gitleaks' global ones) as upstream defines them.
//! Upstream "verify" features are never used: crashscope sends no secret anywhere.

use std::sync::OnceLock;

use regex_automata::{meta, Input};

use super::rules::ANY;
use super::Severity;

/// Where an upstream rule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Gitleaks,
    NoseyParker,
}

impl Origin {
    pub fn name(self) -> &'static str {
        match self {
            Origin::Gitleaks => "gitleaks",
            Origin::NoseyParker => "noseyparker",
        }
    }

    /// The vendored version and licence.
    pub fn source(self) -> &'static str {
        match self {
            Origin::Gitleaks => GITLEAKS_SOURCE,
            Origin::NoseyParker => NOSEYPARKER_SOURCE,
        }
    }
}

/// What an allowlist regex is matched against (gitleaks' `regexTarget`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Secret,
    Match,
    /// gitleaks' "line": here, the text the match was found in.
    Line,
}

/// One of a rule's allowlists: a match it covers is not reported.
#[derive(Debug)]
pub struct Allow {
    pub target: Target,
    pub regexes: &'static [&'static str],
    /// Lower case: a secret that contains one is allowed.
    pub stopwords: &'static [&'static str],
    /// `condition = "AND"`: every criterion must hold.
    pub all: bool,
    /// The list also names paths, which a dump has none of.
    pub paths: bool,
}

/// One upstream rule, its pattern adapted for memory (see `scripts/generate_rules.rs`).
#[derive(Debug)]
pub struct Upstream {
    pub id: &'static str,
    pub origin: Origin,
    pub description: &'static str,
    pub pattern: &'static str,
    /// Lower case; every match holds one of them, ASCII case aside.
    pub keywords: &'static [&'static str],
    /// The least Shannon entropy (bits per byte) of a secret; 0 = none.
    pub entropy: f64,
    /// The capture group that holds the secret ([`ANY`]: the first that took part, or the
    /// whole match when the pattern has no group, as upstream does).
    pub group: usize,
    pub allows: &'static [Allow],
    pub severity: Severity,
    /// Why the severity is below high.
    pub severity_reason: &'static str,
    /// A pattern that marks a secret as a test-mode key (low).
    pub test_key: Option<&'static str>,
    /// Upstream's examples (Nosey Parker's), which the tests check.
    pub examples: &'static [&'static str],
    pub negatives: &'static [&'static str],
}

/// An upstream rule crashscope leaves out, and why.
#[derive(Debug)]
pub struct Excluded {
    pub id: &'static str,
    pub origin: Origin,
    pub description: &'static str,
    pub reason: &'static str,
    /// The crashscope rule that finds the same values.
    pub same_as: Option<&'static str>,
    /// Upstream's pattern, as published (none for a rule that matches file names).
    pub pattern: Option<&'static str>,
    pub keywords: &'static [&'static str],
}

include!("upstream/generated.rs");

fn build(pattern: &str) -> Result<meta::Regex, Box<meta::BuildError>> {
    build_for(pattern, false)
}

/// A rule's regex for small windows (`large` false): only engines that need no reverse
/// program, since a rule's regex mostly runs in small windows around keyword hits, where
/// the bounded backtracker is fast, and building the lazy DFA's reverse program would
/// double the cost of compiling a rule. For a large window (a text that repeats a
/// keyword throughout, crafted or not), the lazy DFA: the PikeVM the small build falls
/// back to there is a hundred times slower.
fn build_for(pattern: &str, large: bool) -> Result<meta::Regex, Box<meta::BuildError>> {
    super::rules::build_with(pattern, large, true)
}

/// A window at least this long is searched with the lazy DFA.
const LARGE: usize = 64 << 10;

/// [`regex`] for windows of [`LARGE`] bytes or more.
fn regex_large(i: usize) -> &'static meta::Regex {
    static COMPILED: OnceLock<Box<[OnceLock<meta::Regex>]>> = OnceLock::new();
    let all = COMPILED.get_or_init(|| UPSTREAM.iter().map(|_| OnceLock::new()).collect());
    all[i].get_or_init(|| {
        build_for(UPSTREAM[i].pattern, true).expect("upstream patterns compile (tested)")
    })
}

/// The compiled pattern of upstream rule `i`, built on first use.
pub fn regex(i: usize) -> &'static meta::Regex {
    static COMPILED: OnceLock<Box<[OnceLock<meta::Regex>]>> = OnceLock::new();
    let all = COMPILED.get_or_init(|| UPSTREAM.iter().map(|_| OnceLock::new()).collect());
    all[i].get_or_init(|| build(UPSTREAM[i].pattern).expect("upstream patterns compile (tested)"))
}

/// Whether `pattern` compiles as crashscope runs it (bytes, ASCII classes).
pub fn compiles(pattern: &str) -> Result<(), String> {
    build(pattern).map(|_| ()).map_err(|e| e.to_string())
}

/// A text up to this long is searched whole; in a longer one, a rule's regex runs in a
/// window from `BEFORE` bytes before each of its keyword hits to `AFTER` bytes after it.
const WHOLE: usize = 4096;
const BEFORE: usize = 512;
const AFTER: usize = 2048;

/// Shannon entropy of `s`, in bits per byte.
pub fn entropy(s: &[u8]) -> f64 {
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

fn compiled_list(regexes: &[&str]) -> Vec<meta::Regex> {
    regexes.iter().filter_map(|r| build(r).ok()).collect()
}

/// gitleaks' global allowlist regexes (matched against the secret), compiled once.
fn global_allow() -> &'static [meta::Regex] {
    static GLOBAL: OnceLock<Vec<meta::Regex>> = OnceLock::new();
    GLOBAL
        .get_or_init(|| compiled_list(GLOBAL_ALLOW))
        .as_slice()
}

/// The compiled regexes of each of a rule's allowlists.
type AllowRegexes = Vec<Vec<meta::Regex>>;

/// Rule `i`'s allowlists' regexes, compiled when the rule first matches.
fn rule_allow(i: usize) -> &'static [Vec<meta::Regex>] {
    static COMPILED: OnceLock<Box<[OnceLock<AllowRegexes>]>> = OnceLock::new();
    let all = COMPILED.get_or_init(|| UPSTREAM.iter().map(|_| OnceLock::new()).collect());
    all[i]
        .get_or_init(|| {
            UPSTREAM[i]
                .allows
                .iter()
                .map(|a| compiled_list(a.regexes))
                .collect()
        })
        .as_slice()
}

/// Whether an allowlist covers a match: `secret` inside `whole` (the match) in `line`.
fn allowed(i: usize, secret: &[u8], whole: &[u8], line: &[u8]) -> bool {
    let lowered = secret.to_ascii_lowercase();
    let has_stopword = |words: &[&str]| {
        words
            .iter()
            .any(|w| memchr::memmem::find(&lowered, w.as_bytes()).is_some())
    };
    if global_allow().iter().any(|r| r.is_match(secret)) || has_stopword(GLOBAL_STOPWORDS) {
        return true;
    }
    let rule = &UPSTREAM[i];
    rule.allows.iter().zip(rule_allow(i)).any(|(a, regexes)| {
        let hay = match a.target {
            Target::Secret => secret,
            Target::Match => whole,
            Target::Line => line,
        };
        let regex = (!regexes.is_empty()).then(|| regexes.iter().any(|r| r.is_match(hay)));
        let stop = (!a.stopwords.is_empty()).then(|| has_stopword(a.stopwords));
        // A dump has no path, so a path criterion never holds.
        let path = a.paths.then_some(false);
        let criteria = [regex, stop, path];
        let mut set = criteria.iter().flatten();
        if a.all {
            criteria.iter().any(Option::is_some) && set.all(|&c| c)
        } else {
            set.any(|&c| c)
        }
    })
}

/// The severity of a secret found by upstream rule `i`.
pub fn severity(i: usize, secret: &str) -> Severity {
    // Built once per rule: a dump can hold a hundred thousand test keys.
    static TEST_KEYS: OnceLock<Box<[OnceLock<Option<meta::Regex>>]>> = OnceLock::new();
    let all = TEST_KEYS.get_or_init(|| UPSTREAM.iter().map(|_| OnceLock::new()).collect());
    let rule = &UPSTREAM[i];
    let test_key = all[i].get_or_init(|| rule.test_key.and_then(|p| build(p).ok()));
    match test_key {
        Some(r) if r.is_match(secret) => Severity::Low,
        _ => rule.severity,
    }
}

/// Each upstream rule's windows around its keyword hits in one text, merged as the hits
/// come: memory is one entry per window, not one per hit, however many keywords a crafted
/// text repeats.
#[derive(Default)]
pub struct Windows {
    by_rule: Vec<(u16, Vec<(usize, usize)>)>,
    /// Where each rule's entry is in `by_rule` (made on the first hit).
    slots: Vec<u16>,
}

impl Windows {
    /// A keyword of upstream rule `rule` at `at` in a text of `len` bytes.
    pub fn hit(&mut self, rule: usize, at: usize, len: usize) {
        let window = if len <= WHOLE {
            (0, len)
        } else {
            (at.saturating_sub(BEFORE), (at + AFTER).min(len))
        };
        if self.slots.is_empty() {
            self.slots = vec![u16::MAX; UPSTREAM.len()];
        }
        let slot = &mut self.slots[rule];
        if *slot == u16::MAX {
            *slot = self.by_rule.len() as u16;
            self.by_rule.push((rule as u16, Vec::new()));
        }
        let windows = &mut self.by_rule[usize::from(*slot)].1;
        match windows.last_mut() {
            Some(last) if window.0 <= last.1 && window.1 >= last.0 => {
                *last = (last.0.min(window.0), last.1.max(window.1))
            }
            _ => windows.push(window),
        }
    }
}

/// Every upstream match in `text` within the `windows` its keywords gave:
/// `(rule, secret start, secret end)`.
pub fn find(text: &str, windows: Windows, out: &mut Vec<(usize, usize, usize)>) {
    let hay = text.as_bytes();
    let mut by_rule = windows.by_rule;
    by_rule.sort_unstable_by_key(|(r, _)| *r);
    for (rule, mut windows) in by_rule {
        // In order and disjoint (hits come in order of position, but not every kind).
        windows.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(windows.len());
        for w in windows {
            match merged.last_mut() {
                Some(last) if w.0 <= last.1 => last.1 = last.1.max(w.1),
                _ => merged.push(w),
            }
        }
        let rule = usize::from(rule);
        let mut found: Vec<(usize, usize)> = Vec::new();
        for (from, to) in merged {
            matches_in(rule, hay, from..to, &mut found);
        }
        found.sort_unstable();
        found.dedup();
        out.extend(found.into_iter().map(|(s, e)| (rule, s, e)));
    }
}

/// The `(start, end)` of every secret upstream rule `rule` keeps in `span` of `hay`: its
/// regex's matches (what is around the span counts for `\b`), their secret groups, and
/// [`accepts`].
pub fn matches_in(
    rule: usize,
    hay: &[u8],
    span: std::ops::Range<usize>,
    out: &mut Vec<(usize, usize)>,
) {
    let to = span.end;
    let re = if span.len() >= LARGE {
        regex_large(rule)
    } else {
        regex(rule)
    };
    let mut caps = re.create_captures();
    let mut input = Input::new(hay).span(span);
    loop {
        re.search_captures(&input, &mut caps);
        let Some(whole) = caps.get_match() else { break };
        let group = match UPSTREAM[rule].group {
            ANY => (1..caps.group_len())
                .find_map(|g| caps.get_group(g).filter(|s| !s.is_empty()))
                .unwrap_or(whole.span()),
            g => caps.get_group(g).unwrap_or(whole.span()),
        };
        if accepts(rule, hay, group.start..group.end, whole.range()) {
            out.push((group.start, group.end));
        }
        // As the regex's own iterator: past an empty match by one byte.
        let next = whole.end() + usize::from(whole.is_empty());
        if next > to {
            break;
        }
        input.set_start(next);
    }
}

/// Whether upstream rule `rule` keeps the secret `secret` of its match `whole` in `hay`:
/// not empty, above the rule's entropy threshold, and allowed by no allowlist.
fn accepts(
    rule: usize,
    hay: &[u8],
    secret: std::ops::Range<usize>,
    whole: std::ops::Range<usize>,
) -> bool {
    let r = &UPSTREAM[rule];
    let value = &hay[secret];
    !value.is_empty()
        && (r.entropy == 0.0 || entropy(value) > r.entropy)
        && !allowed(rule, value, &hay[whole], hay)
}

#[cfg(test)]
#[path = "upstream_tests.rs"]
mod tests;
