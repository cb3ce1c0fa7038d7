//! The differential test of the matching pipeline: on random and adversarial texts,
//! `match_rules` (one keyword automaton, then each hit rule's regex, then its validator)
//! reports exactly what running every rule's regex and validator over the whole text
//! reports. The prefilter may only save work; if it hid a finding, this test fails.
//!
//! Upstream rules are run as upstream defines them: the rules the policy lists under
//! `[keyword_context]` report only in a text holding one of their keywords, as gitleaks
//! does; every other rule is run with no keyword check at all.

use crashscope::disclosure::Region;
use crashscope::pii::memory::{scan_region, IdentityMatcher};
use crashscope::pii::rules::{self, Text, RULES};
use crashscope::pii::upstream::{self, KEYWORD_CONTEXT, UPSTREAM};
use crashscope::pii::{keep_best_secrets, match_rules, validated, Identity};
use crashscope::report::RegionKind;

use crate::upstream_rules::{generate, Rng};

/// Every rule's regex and validator over the whole text, no prefilter.
fn reference(text: &str) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let whole = Text::new(text);
    for i in 0..RULES.len() {
        let mut ranges = Vec::new();
        rules::find(i, &whole, &mut ranges);
        out.extend(validated(i, text, &ranges));
    }
    let hay = text.as_bytes();
    let lower = text.to_ascii_lowercase();
    for (u, rule) in UPSTREAM.iter().enumerate() {
        if KEYWORD_CONTEXT.contains(&rule.id) && !rule.keywords.iter().any(|k| lower.contains(k)) {
            continue;
        }
        let mut found = Vec::new();
        upstream::matches_in(u, hay, 0..hay.len(), &mut found);
        let mut found: Vec<(usize, usize, usize)> = found
            .into_iter()
            .filter(|&(s, e)| text.is_char_boundary(s) && text.is_char_boundary(e))
            .map(|(s, e)| (RULES.len() + u, s, e))
            .collect();
        found.sort_unstable();
        found.dedup();
        out.extend(found);
    }
    keep_best_secrets(&mut out);
    out
}

fn sorted(mut v: Vec<(usize, usize, usize)>) -> Vec<(usize, usize, usize)> {
    v.sort_unstable();
    v.dedup();
    v
}

fn parse(pattern: &str) -> regex_syntax::hir::Hir {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .unwrap()
}

/// Pieces texts are made of: keywords of many rules (alone they match nothing), the
/// separators the patterns look at, digits, and characters outside ASCII.
const PIECES: &[&str] = &[
    "key",
    "token",
    "pass",
    "secret",
    "user",
    "home",
    "/home/",
    "users",
    "api",
    "access",
    "bearer ",
    "basic ",
    "eyJ",
    "://",
    "@",
    "%40",
    ".local",
    ".corp",
    "-",
    ":",
    ".",
    "+",
    "=",
    ";",
    "\"",
    "'",
    " ",
    "\t",
    "\n",
    "/",
    "\\\\",
    "0",
    "1",
    "7",
    "42",
    "192.168.",
    "::",
    "sk-",
    "ghp_",
    "xox",
    "AKIA",
    "AIza",
    "glpat-",
    "pat",
    "S-1-5-21-",
    "uid:",
    "imei",
    "ö",
    "Иван",
    "山田",
    "é",
    "\u{feff}",
    "Zz",
    "QQ",
    "DE",
    "aa",
    "ff",
    "0x",
    "README",
];

/// Texts around what each rule's pattern makes, and texts of random pieces.
fn texts() -> Vec<String> {
    let patterns = RULES
        .iter()
        .map(|r| r.pattern)
        .chain(UPSTREAM.iter().map(|r| r.pattern));
    let mut rng = Rng(0x006d_6174_6368_6572);
    let mut out = Vec::new();
    let piece = |rng: &mut Rng| PIECES[rng.below(PIECES.len())].to_string();
    for pattern in patterns {
        let hir = parse(pattern);
        for attempt in 0..6 {
            let mut made = Vec::new();
            generate(&hir, &mut rng, attempt % 2 == 0, &mut made);
            let Ok(made) = String::from_utf8(made) else {
                continue;
            };
            let before: String = (0..rng.below(4)).map(|_| piece(&mut rng)).collect();
            let after: String = (0..rng.below(4)).map(|_| piece(&mut rng)).collect();
            let mut cut = made.clone();
            while !cut.is_empty() && rng.below(3) != 0 {
                cut.pop();
            }
            let mut changed: Vec<char> = made.chars().collect();
            if !changed.is_empty() {
                let at = rng.below(changed.len());
                changed[at] = "#aZ9-_ .:/é".chars().nth(rng.below(11)).unwrap();
            }
            let upper = made.to_ascii_uppercase();
            out.extend([
                format!("{before}{made}{after}"),
                cut,
                changed.into_iter().collect(),
                upper,
            ]);
            out.push(made);
        }
    }
    for _ in 0..4_000 {
        out.push((0..rng.below(40)).map(|_| piece(&mut rng)).collect());
    }
    out
}

#[test]
fn the_pipeline_reports_what_every_rule_reports_on_the_whole_text() {
    let texts = texts();
    let mut differ = Vec::new();
    let mut found = 0;
    for text in &texts {
        let want = sorted(reference(text));
        let got = sorted(match_rules(text));
        found += want.len();
        if got != want {
            let name = |v: &[(usize, usize, usize)]| -> Vec<String> {
                v.iter()
                    .map(|&(i, s, e)| format!("{} {:?}", rules::id(i), &text[s..e]))
                    .collect()
            };
            differ.push(format!(
                "{text:?}\n  pipeline:  {:?}\n  reference: {:?}",
                name(&got),
                name(&want)
            ));
        }
    }
    assert!(
        texts.len() > 5_000 && found > 2_000,
        "{} texts, {found} findings",
        texts.len()
    );
    assert!(
        differ.is_empty(),
        "{} of {} texts differ:\n{}",
        differ.len(),
        texts.len(),
        differ[..differ.len().min(20)].join("\n")
    );
}

/// The same texts planted in memory, as UTF-8 and as UTF-16LE at an odd offset: every
/// value the reference reports on a text is found there (memory adds what surrounds it).
#[test]
fn memory_finds_what_the_reference_finds_in_both_encodings() {
    let matcher = IdentityMatcher::new(&Identity::default());
    let mut rng = Rng(0x0075_7466_3136);
    let mut checked = 0;
    let mut missed = Vec::new();
    for text in texts()
        .iter()
        .filter(|t| t.len() >= 8 && t.bytes().all(|b| (0x20..0x7f).contains(&b)))
    {
        if rng.below(4) != 0 {
            continue;
        }
        let want: Vec<(&str, &str)> = sorted(reference(text))
            .into_iter()
            .map(|(i, s, e)| (rules::id(i), &text[s..e]))
            .collect();
        if want.is_empty() {
            continue;
        }
        for wide in [false, true] {
            let mut buf = vec![0u8; 16];
            if wide {
                buf.push(0x7f);
                buf.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                buf.extend([0, 0]);
            } else {
                buf.extend_from_slice(text.as_bytes());
                buf.push(0);
            }
            buf.extend([0u8; 16]);
            let region = Region {
                kind: RegionKind::Heap,
                thread_id: None,
                address: 0x1000,
                file_offset: 0,
                len: buf.len() as u64,
                name: None,
            };
            let mut found = Vec::new();
            scan_region(&buf, &region, &matcher, &mut found, &mut Vec::new());
            for &(rule, value) in &want {
                checked += 1;
                // A value reported under another rule of the same bytes (a finding of
                // a more specific rule wins the range) still counts.
                if !found
                    .iter()
                    .any(|f| f.value == value || (f.rule == rule && value.contains(&f.value)))
                {
                    missed.push(format!("{rule} {value:?} in {text:?} (utf-16: {wide})"));
                }
            }
        }
    }
    assert!(checked > 500, "{checked} values checked");
    assert!(
        missed.is_empty(),
        "{} of {checked} missed:\n{}",
        missed.len(),
        missed[..missed.len().min(20)].join("\n")
    );
}
