//! The DFAs the build makes of the rules' patterns (`build/dfas.rs`) decide as the
//! rules' regexes do: a rule's regex is neither built nor run where its DFA finds no
//! match, so a DFA that missed a match would hide a finding.

use crashscope::pii::dfa;
use crashscope::pii::rules::RULES;
use crashscope::pii::upstream::UPSTREAM;
use regex_syntax::hir::Hir;

use crate::upstream_rules::{generate, Rng};

/// Texts around what `pattern` generates: each whole, inside other text, cut short, and
/// with a byte changed (most of those no longer match).
fn texts(hir: &Hir, seed: u64) -> Vec<Vec<u8>> {
    let mut rng = Rng(seed | 1);
    let mut out = Vec::new();
    for attempt in 0..24 {
        let mut made = Vec::new();
        generate(hir, &mut rng, attempt % 2 == 0, &mut made);
        let mut framed = b"x=".to_vec();
        framed.extend_from_slice(&made);
        framed.extend_from_slice(b"; y");
        let mut cut = made.clone();
        cut.truncate(made.len().saturating_sub(1 + rng.below(4)));
        let mut changed = made.clone();
        if !changed.is_empty() {
            let at = rng.below(changed.len());
            changed[at] = b"#aZ9-_ .:/"[rng.below(10)];
        }
        out.extend([made, framed, cut, changed]);
    }
    out
}

fn parse(pattern: &str) -> Hir {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .unwrap()
}

fn regex(pattern: &str) -> regex::bytes::Regex {
    regex::bytes::RegexBuilder::new(pattern)
        .unicode(false)
        .build()
        .unwrap()
}

#[test]
fn the_build_read_every_own_rule_and_its_pattern_from_the_table() {
    let table: Vec<(&str, &str)> = RULES.iter().map(|r| (r.id, r.pattern)).collect();
    assert_eq!(dfa::own_patterns(), &table[..]);
}

#[test]
fn a_rule_s_dfa_finds_a_match_exactly_where_its_regex_does() {
    let (own, _, upstream) = dfa::counts();
    // Most rules have one (the rest, whose DFA would be large, are left to their regex).
    assert!(
        own >= 30 && upstream >= 60,
        "{own} own, {upstream} upstream"
    );
    let mut checked = 0;
    let mut matched = 0;
    let mut wrong = Vec::new();
    let rules = RULES
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id, r.pattern, Some(i), None))
        .chain(
            UPSTREAM
                .iter()
                .enumerate()
                .map(|(u, r)| (r.id, r.pattern, None, Some(u))),
        );
    for (n, (id, pattern, own, up)) in rules.enumerate() {
        let re = regex(pattern);
        for text in texts(&parse(pattern), 0x9e37_79b9 ^ n as u64) {
            let said = match (own, up) {
                (Some(i), _) => dfa::own_matches(i, &text),
                (_, Some(u)) => dfa::upstream_matches(u, &text, 0..text.len()),
                _ => None,
            };
            let Some(said) = said else { break };
            checked += 1;
            let truth = re.is_match(&text);
            matched += usize::from(truth);
            if said != truth {
                wrong.push(format!(
                    "{id}: DFA {said}, regex {truth} on {:?}",
                    String::from_utf8_lossy(&text)
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Both answers were tested many times.
    assert!(
        checked > 10_000 && matched > 3_000 && checked - matched > 2_000,
        "{checked} checked, {matched} matched"
    );
}

/// A rule whose value is its whole match is found by its two DFAs alone: they find the
/// same matches as its regex, left to right.
#[test]
fn a_rule_s_two_dfas_find_the_matches_its_regex_finds() {
    let (_, reversed, _) = dfa::counts();
    assert!(reversed >= 10, "{reversed} own rules with a reverse DFA");
    let mut checked = 0;
    let mut found = 0;
    for (i, rule) in RULES.iter().enumerate() {
        let re = regex(rule.pattern);
        for text in texts(&parse(rule.pattern), 0x51_7cc1 ^ i as u64) {
            let mut got = Vec::new();
            if !dfa::own_find(i, &text, &mut got) {
                break;
            }
            let want: Vec<(usize, usize)> =
                re.find_iter(&text).map(|m| (m.start(), m.end())).collect();
            assert_eq!(
                got,
                want,
                "{} on {:?}",
                rule.id,
                String::from_utf8_lossy(&text)
            );
            checked += 1;
            found += want.len();
        }
    }
    assert!(
        checked > 1_000 && found > 500,
        "{checked} texts, {found} matches"
    );
}

#[test]
fn an_upstream_dfa_sees_the_text_around_its_span_as_the_regex_does() {
    // `\bSK…`-like rules: a word byte just before the span is no boundary.
    let (i, _) = UPSTREAM
        .iter()
        .enumerate()
        .find(|(u, r)| {
            r.pattern.starts_with("\\b(") && dfa::upstream_matches(*u, b"", 0..0).is_some()
        })
        .expect("an upstream rule with a DFA and a leading word boundary");
    let rule = &UPSTREAM[i];
    let mut rng = Rng(7);
    let mut token = Vec::new();
    generate(&parse(rule.pattern), &mut rng, false, &mut token);
    let mut glued = b"a".to_vec();
    glued.extend_from_slice(&token);
    let re = regex(rule.pattern);
    // The regex searched from 1 sees the `a` before it, as the DFA must.
    let truth = re.find_at(&glued, 1).is_some();
    assert!(!truth, "{} matched after a word byte: {glued:?}", rule.id);
    assert_eq!(
        dfa::upstream_matches(i, &glued, 1..glued.len()),
        Some(truth),
        "{} on {:?}",
        rule.id,
        String::from_utf8_lossy(&glued)
    );
}
