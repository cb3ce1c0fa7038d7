//! The one prefilter of the value rules, as gitleaks and Nosey Parker run theirs: a single
//! Aho-Corasick automaton over the keywords of every rule (crashscope's own and the
//! upstream ones), ASCII case aside. A rule with keywords is tried only where one of them
//! stands; every match of a rule's pattern holds one of its keywords (checked by the
//! differential test in `tests/matcher.rs`), so the prefilter hides no finding.
//!
//! Does not judge anything itself: which rule runs where is `scan::match_rules`'s.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use super::rules::RULES;
use super::upstream::UPSTREAM;

/// Every rule's keywords in one automaton, and which rules each keyword serves.
pub struct Keywords {
    automaton: AhoCorasick,
    /// By keyword (the automaton's pattern id): the rules it serves, numbered as
    /// [`super::rules::any`] numbers them (own rules first, then upstream ones).
    rules: Vec<Vec<u16>>,
}

pub fn keywords() -> &'static Keywords {
    static KEYWORDS: OnceLock<Keywords> = OnceLock::new();
    KEYWORDS.get_or_init(|| {
        // Each distinct keyword once, with every rule that names it.
        let mut words: Vec<&'static str> = Vec::new();
        let mut served: Vec<Vec<u16>> = Vec::new();
        let mut index: std::collections::HashMap<&'static str, usize> = Default::default();
        let own = RULES.iter().map(|r| r.keywords);
        let upstream = UPSTREAM.iter().map(|r| r.keywords);
        for (rule, list) in own.chain(upstream).enumerate() {
            for &word in list {
                let at = *index.entry(word).or_insert_with(|| {
                    words.push(word);
                    served.push(Vec::new());
                    words.len() - 1
                });
                served[at].push(rule as u16);
            }
        }
        let automaton = AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
            .prefilter(false)
            .byte_classes(false)
            .ascii_case_insensitive(true)
            .build(&words)
            .expect("the keywords are few and short");
        Keywords {
            automaton,
            rules: served,
        }
    })
}

impl Keywords {
    /// Calls `hit(rules, start)` for every occurrence of every keyword in `hay`
    /// (overlapping ones included), with the rules that keyword serves.
    pub fn each(&self, hay: &[u8], mut hit: impl FnMut(&[u16], usize)) {
        for m in self.automaton.find_overlapping_iter(hay) {
            hit(&self.rules[m.pattern().as_usize()], m.start());
        }
    }
}
