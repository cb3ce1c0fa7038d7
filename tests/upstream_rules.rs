//! Every upstream secret rule crashscope includes is checked on examples, in the three
//! shapes a secret takes in a dump: a field's value, a NUL-terminated string inside binary
//! memory, and UTF-16LE text at an odd offset in memory.
//!
//! Nosey Parker's rules carry upstream examples (and negative examples). gitleaks' rule
//! data has none, so an example is fabricated from each rule's own pattern: a string the
//! pattern generates, which upstream itself would report (its original pattern matches,
//! the entropy threshold holds, no allowlist covers it). The oracle is upstream's
//! definition; what is tested is crashscope's way of running it (keyword automaton,
//! windows, memory terminators, text-run decoding, overlaps with crashscope's own rules).

use crashscope::disclosure::Region;
use crashscope::pii::memory::{scan_region, IdentityMatcher};
use crashscope::pii::upstream::{self, Upstream, UPSTREAM};
use crashscope::pii::{match_rules, rules, Identity};
use crashscope::report::RegionKind;
use regex_syntax::hir::{Class, Hir, HirKind};

/// A small deterministic generator (xorshift).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The bytes a class allows, printable ones first (an example is text).
fn class_bytes(class: &Class, dots: bool) -> Vec<u8> {
    // An "any character" class (`.`, `[\s\S]`) in the first tries: a dot, as the
    // pattern's author most often meant one (`hooks.slack.com`).
    let size: u32 = match class {
        Class::Bytes(c) => c.iter().map(|r| u32::from(r.end() - r.start()) + 1).sum(),
        Class::Unicode(c) => c
            .iter()
            .map(|r| r.end() as u32 - r.start() as u32 + 1)
            .sum(),
    };
    if dots && size > 128 {
        return vec![b'.'];
    }
    let all: Vec<u8> = match class {
        Class::Bytes(c) => c.iter().flat_map(|r| r.start()..=r.end()).collect(),
        Class::Unicode(c) => c
            .iter()
            .flat_map(|r| (r.start() as u32)..=(r.end() as u32).min(0x7f))
            .map(|c| c as u8)
            .collect(),
    };
    let graphic: Vec<u8> = all
        .iter()
        .copied()
        .filter(|b| b.is_ascii_alphanumeric() || b"-_./+=".contains(b))
        .collect();
    if !graphic.is_empty() {
        return graphic;
    }
    let printable: Vec<u8> = all
        .iter()
        .copied()
        .filter(|b| b.is_ascii_graphic() || *b == b' ')
        .collect();
    if printable.is_empty() {
        all
    } else {
        printable
    }
}

pub(crate) fn generate(hir: &Hir, rng: &mut Rng, dots: bool, out: &mut Vec<u8>) {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(l) => out.extend_from_slice(&l.0),
        HirKind::Class(c) => {
            let bytes = class_bytes(c, dots);
            out.push(bytes[rng.below(bytes.len())]);
        }
        HirKind::Repetition(r) => {
            // The least count, but at least one of an optional part now and then, and a
            // few more of an open-ended one (entropy needs length).
            let min = r.min as usize;
            let n = match r.max {
                Some(max) if min == 0 && max > 0 => rng.below(2).min(max as usize),
                None if min > 0 => min + rng.below(8),
                _ => min,
            };
            for _ in 0..n {
                generate(&r.sub, rng, dots, out);
            }
        }
        HirKind::Capture(c) => generate(&c.sub, rng, dots, out),
        HirKind::Concat(parts) => parts.iter().for_each(|p| generate(p, rng, dots, out)),
        HirKind::Alternation(alts) => {
            // An empty-width alternative (`$`, `^`) first: the secret then ends where the
            // text does, as a NUL-terminated string does in memory.
            match alts
                .iter()
                .find(|a| a.properties().maximum_len() == Some(0))
            {
                Some(a) if rng.below(4) != 0 => generate(a, rng, dots, out),
                _ => generate(&alts[rng.below(alts.len())], rng, dots, out),
            }
        }
    }
}

/// What upstream would report for `text`: the rule's pattern run as a plain regex over the
/// whole text, the entropy threshold, gitleaks' global allowlist.
fn upstream_reports(rule: &Def<'_>, text: &str) -> bool {
    let Ok(re) = regex::bytes::RegexBuilder::new(rule.pattern)
        .unicode(false)
        .build()
    else {
        return false;
    };
    let reported = re.captures_iter(text.as_bytes()).any(|c| {
        let g = if rule.group == rules::ANY {
            (1..c.len())
                .find_map(|g| c.get(g).filter(|m| !m.is_empty()))
                .or(c.get(0))
        } else {
            c.get(rule.group)
        };
        let Some(g) = g else { return false };
        let secret = g.as_bytes();
        (rule.entropy == 0.0 || upstream::entropy(secret) > rule.entropy)
            && !upstream_allowed_secret(secret)
    });
    reported
}

/// gitleaks' global allowlist (stopwords and secret regexes); rule allowlists are judged
/// by crashscope's own scan, whose result the first shape checks too.
fn upstream_allowed_secret(secret: &[u8]) -> bool {
    let lower = secret.to_ascii_lowercase();
    upstream::GLOBAL_STOPWORDS
        .iter()
        .any(|w| lower.windows(w.len()).any(|x| x == w.as_bytes()))
        || upstream::GLOBAL_ALLOW
            .iter()
            .any(|p| regex::bytes::Regex::new(p).is_ok_and(|r| r.is_match(secret)))
}

/// A fabricated example of `rule`, from its pattern.
/// What the generator needs of a rule.
struct Def<'a> {
    id: &'a str,
    pattern: &'a str,
    keywords: &'a [&'a str],
    entropy: f64,
    group: usize,
}

impl<'a> From<&'a Upstream> for Def<'a> {
    fn from(r: &'a Upstream) -> Def<'a> {
        Def {
            id: r.id,
            pattern: r.pattern,
            keywords: r.keywords,
            entropy: r.entropy,
            group: r.group,
        }
    }
}

fn fabricate(rule: &Def<'_>) -> Option<String> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(rule.pattern)
        .ok()?;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ rule.id.len() as u64);
    for attempt in 0..400 {
        let mut out = Vec::new();
        generate(&hir, &mut rng, attempt < 50, &mut out);
        let Ok(text) = String::from_utf8(out) else {
            continue;
        };
        let text = text.trim_end_matches(['\n', '\r']).to_string();
        // gitleaks reports a match only where one of the rule's keywords is in the text
        // scanned (a file there; here, the window around a keyword hit): a pattern that
        // does not hold its keyword (`pat…` for Airtable) is shown with the keyword.
        let lower = text.to_ascii_lowercase();
        let text = match rule.keywords.iter().any(|k| lower.contains(k)) {
            true => text,
            false => format!("{}: {text}", rule.keywords[0]),
        };
        if !text.contains('\0') && upstream_reports(rule, &text) {
            return Some(text);
        }
    }
    None
}

fn examples(rule: &Upstream) -> Vec<String> {
    if rule.examples.is_empty() {
        fabricate(&rule.into()).into_iter().collect()
    } else {
        rule.examples.iter().map(|s| s.to_string()).collect()
    }
}

/// Binary filler around a string in memory: no text run continues into it.
pub(crate) const BINARY: &[u8] = &[
    0x01, 0x90, 0xff, 0x00, 0x13, 0x37, 0x00, 0xfe, 0x02, 0x81, 0x00,
];

pub(crate) fn memory_rules(mem: &[u8]) -> Vec<(&'static str, String)> {
    let region = Region {
        kind: RegionKind::Heap,
        thread_id: None,
        address: 0x10000,
        file_offset: 0,
        len: mem.len() as u64,
        name: None,
    };
    let mut found = Vec::new();
    let matcher = IdentityMatcher::new(&Identity::default());
    scan_region(mem, &region, &matcher, &mut found, &mut Vec::new());
    found.into_iter().map(|f| (f.rule, f.value)).collect()
}

/// Which rules crashscope reports for `example` in each shape: `(field, NUL-terminated,
/// UTF-16LE at an odd offset)`.
fn in_three_shapes(example: &str) -> [Vec<&'static str>; 3] {
    let field: Vec<&str> = match_rules(example)
        .into_iter()
        .map(|(i, ..)| rules::id(i))
        .collect();
    let mut nul = BINARY.to_vec();
    nul.extend_from_slice(example.as_bytes());
    nul.push(0);
    nul.extend_from_slice(BINARY);
    let mut wide = vec![0x7f];
    wide.extend_from_slice(BINARY);
    assert!(wide.len() % 2 == 0);
    wide.push(0x03); // the text starts at an odd offset
    wide.extend(example.encode_utf16().flat_map(u16::to_le_bytes));
    wide.extend([0, 0]);
    wide.extend_from_slice(BINARY);
    let ids = |v: Vec<(&'static str, String)>| v.into_iter().map(|(r, _)| r).collect();
    [field, ids(memory_rules(&nul)), ids(memory_rules(&wide))]
}

/// A rule's positive example counts as found when the rule, or a crashscope token rule
/// that ranks before it on the same bytes, reports it.
fn found_as(rule: &Upstream, ids: &[&str]) -> bool {
    ids.iter().any(|&id| {
        id == rule.id
            || rules::RULES.iter().enumerate().any(|(i, r)| {
                r.id == id && rules::rank(i) == 0 && r.category == crashscope::pii::Category::Secret
            })
    })
}

/// Every text a rule's pattern makes holds one of the rule's keywords, ASCII case aside,
/// for crashscope's rules and the upstream ones: 100 texts a rule, alternatives taken at
/// random, kept when the pattern matches them whole. A keyword that some match lacks
/// would make the prefilter skip the rule where it matches. (Upstream rules whose
/// keywords are part of what they find, as gitleaks defines them, are listed apart in
/// `rules/upstream/policy.toml`.)
#[test]
fn every_text_a_pattern_makes_holds_one_of_its_keywords() {
    let own = rules::RULES.iter().map(|r| (r.id, r.pattern, r.keywords));
    let upstream = UPSTREAM
        .iter()
        .filter(|r| !crashscope::pii::upstream::KEYWORD_CONTEXT.contains(&r.id))
        .map(|r| (r.id, r.pattern, r.keywords));
    let mut wrong = Vec::new();
    let mut checked = 0;
    for (n, (id, pattern, keywords)) in own.chain(upstream).enumerate() {
        if keywords.is_empty() {
            continue;
        }
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(pattern)
            .unwrap();
        let re = regex::bytes::RegexBuilder::new(&format!("^(?:{pattern})$"))
            .unicode(false)
            .build()
            .unwrap();
        let mut rng = Rng(0x2545_f491_4f6c_dd1d ^ n as u64);
        for attempt in 0..100 {
            let mut text = Vec::new();
            generate(&hir, &mut rng, attempt % 2 == 0, &mut text);
            if !re.is_match(&text) {
                continue;
            }
            checked += 1;
            let lower = text.to_ascii_lowercase();
            let holds = |k: &str| lower.windows(k.len()).any(|w| w == k.as_bytes());
            if !keywords.iter().any(|k| holds(k)) {
                wrong.push(format!(
                    "{id}: {:?} holds none of {keywords:?}",
                    String::from_utf8_lossy(&text)
                ));
            }
        }
    }
    assert!(
        checked > 10_000,
        "only {checked} texts matched their pattern"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_upstream_rule_finds_its_examples_in_three_shapes() {
    let mut missing = Vec::new();
    let mut checked = 0;
    for rule in UPSTREAM {
        let examples = examples(rule);
        if examples.is_empty() {
            missing.push(format!(
                "{}: no example could be made from its pattern",
                rule.id
            ));
        }
        for example in &examples {
            checked += 1;
            for (shape, ids) in ["field", "NUL-terminated", "UTF-16LE odd"]
                .iter()
                .zip(in_three_shapes(example))
            {
                if !found_as(rule, &ids) {
                    missing.push(format!("{} ({shape}): {example:?} gave {ids:?}", rule.id));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{} of {checked}:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn no_upstream_rule_reports_its_negative_examples() {
    let mut wrong = Vec::new();
    for rule in UPSTREAM {
        for example in rule.negatives {
            for ids in in_three_shapes(example) {
                if ids.contains(&rule.id) {
                    wrong.push(format!("{}: {example:?}", rule.id));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// An upstream rule left out because a crashscope rule finds the same values: that rule
/// must find the upstream rule's examples, in every shape.
#[test]
fn a_rule_crashscope_replaces_is_covered_by_its_replacement() {
    let mut missing = Vec::new();
    let mut checked = 0;
    for e in upstream::EXCLUDED {
        let (Some(own), Some(pattern)) = (e.same_as, e.pattern) else {
            continue;
        };
        let def = Def {
            id: e.id,
            pattern,
            keywords: e.keywords,
            entropy: 0.0,
            group: rules::ANY,
        };
        let Some(example) = fabricate(&def) else {
            missing.push(format!("{}: no example", e.id));
            continue;
        };
        checked += 1;
        for ids in in_three_shapes(&example) {
            if !ids.contains(&own) {
                missing.push(format!("{} -> {own}: {example:?} gave {ids:?}", e.id));
            }
        }
    }
    assert!(checked >= 10, "{checked}");
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
