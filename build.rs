//! Turns the vendored upstream secret-rule data (`rules/upstream/`: gitleaks' default
//! configuration, a selection of Nosey Parker's rules, and crashscope's policy over them)
//! into a Rust table, so that rule data is parsed once, at build time, never at start-up.
//! Regexes are compiled by the program only when a keyword hit needs them.
//!
//! What the build does to upstream patterns, and why, is in `rules/upstream/README.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use toml::{Table, Value};

#[path = "build/dfas.rs"]
mod dfas;
#[path = "build/literals.rs"]
mod literals;

fn read(path: &str) -> Table {
    println!("cargo:rerun-if-changed={path}");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.parse::<Table>()
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn str_of<'a>(t: &'a Table, key: &str) -> Option<&'a str> {
    t.get(key).and_then(Value::as_str)
}

fn strings(t: &Table, key: &str) -> Vec<String> {
    t.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn section<'a>(t: &'a Table, key: &str) -> BTreeMap<&'a str, &'a Value> {
    t.get(key)
        .and_then(Value::as_table)
        .map(|s| s.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .unwrap_or_default()
}

/// gitleaks' value terminator (a quote, whitespace, `;`, an escaped line break or the end
/// of the text), widened for memory: a NUL or any other byte that is not text also ends a
/// secret there, and so do the separators a program writes after one (`,` in a list, `&`
/// in a URL query, a closing bracket, `<`, `|`), which no token holds.
const TERMINATOR: &str = r#"[\x60'"\s;]"#;
const MEMORY_TERMINATOR: &str = r#"[\x60'"\s;,&)\]}<>|\x00-\x08\x0e-\x1f\x7f-\xff]"#;

/// The head of gitleaks' "context" rules: a product name, a few words, an assignment.
const CONTEXT_HEAD: &str = r"[\w.-]{0,50}?(?:";
const CONTEXT_VALUE: &str = r#"[\x60'"\s=]{0,5}("#;

/// Why build.rs leaves a rule out by itself, or `None`.
fn automatic_exclusion(regex: Option<&str>) -> Option<&'static str> {
    let Some(regex) = regex else {
        return Some("matches file names only; a dump has no file names to judge");
    };
    if !regex.contains(CONTEXT_HEAD) {
        return None;
    }
    let value = regex.split(CONTEXT_VALUE).nth(1)?;
    let value = &value[..value.find(')')?];
    // What is left when hex classes and their counts are taken away.
    let rest = value
        .replace("[a-f0-9]", "")
        .replace("[0-9a-f]", "")
        .replace('-', "");
    let only_counts = rest
        .chars()
        .all(|c| c.is_ascii_digit() || c == '{' || c == '}' || c == ',');
    only_counts.then_some(
        "a context rule whose value is any hex string or UUID near a product's name: in memory, \
         such a value is mostly an id or a hash, not a credential",
    )
}

struct Rule {
    id: String,
    origin: &'static str,
    description: String,
    pattern: String,
    keywords: Vec<String>,
    entropy: f64,
    group: Option<i64>,
    allows: Vec<String>,
    examples: Vec<String>,
    negatives: Vec<String>,
}

/// `pattern` parsed as crashscope runs it (bytes, ASCII classes).
fn parse(id: &str, pattern: &str) -> regex_syntax::hir::Hir {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .unwrap_or_else(|e| panic!("{id}: {e}"))
}

/// The fewest bytes a match of `pattern` takes (as crashscope runs it: bytes, ASCII
/// classes): a text shorter than that cannot hold one, so the rule's regex is neither
/// compiled nor run there.
fn min_len(id: &str, pattern: &str) -> usize {
    parse(id, pattern).properties().minimum_len().unwrap_or(0)
}

/// The literals every match of `pattern` starts with (case as written: a pattern that
/// folds case lists each variant), when there are a few of at least two bytes, and
/// whether the pattern starts with a word boundary. A keyword hit where none of these
/// literals stands (with its boundary) cannot be a match, so the rule's regex is neither
/// built nor run there: a rule's keyword `sk` is found in `desktop`, but its pattern
/// needs `SK`; a keyword `ey` in `key`, but the pattern needs `\bey`.
fn prefixes(id: &str, pattern: &str) -> (Vec<Vec<u8>>, bool) {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    use regex_syntax::hir::{Hir, HirKind, Look};
    let hir = parse(id, pattern);
    fn boundary(h: &Hir) -> bool {
        match h.kind() {
            HirKind::Look(l) => matches!(l, Look::WordAscii | Look::WordUnicode),
            HirKind::Capture(c) => boundary(&c.sub),
            HirKind::Concat(parts) => parts.first().is_some_and(boundary),
            HirKind::Alternation(alts) => alts.iter().all(boundary),
            _ => false,
        }
    }
    let mut extractor = Extractor::new();
    extractor.kind(ExtractKind::Prefix).limit_total(64);
    let seq = extractor.extract(&hir);
    let literals: Option<Vec<Vec<u8>>> = seq
        .literals()
        .map(|lits| lits.iter().map(|l| l.as_bytes().to_vec()).collect());
    match literals {
        Some(l) if !l.is_empty() && l.len() <= 64 && l.iter().all(|x| x.len() >= 2) => {
            (l, boundary(&hir))
        }
        _ => (Vec::new(), false),
    }
}

/// [`literals::required`] of `pattern`, as Rust code.
fn required(id: &str, pattern: &str) -> String {
    let hir = parse(id, pattern);
    let sets: Vec<String> = literals::required(&hir)
        .iter()
        .map(|set| {
            let lits: Vec<String> = set.iter().map(|l| format!("&{l:?}")).collect();
            format!("&[{}]", lits.join(", "))
        })
        .collect();
    format!("&[{}]", sets.join(", "))
}

fn lit(s: &str) -> String {
    format!("{s:?}")
}

fn list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| lit(s)).collect();
    format!("&[{}]", inner.join(", "))
}

fn allow_code(a: &Table) -> String {
    let target = match str_of(a, "regexTarget") {
        Some("match") => "Target::Match",
        Some("line") => "Target::Line",
        _ => "Target::Secret",
    };
    let all = str_of(a, "condition").is_some_and(|c| c.eq_ignore_ascii_case("and"));
    let lowered: Vec<String> = strings(a, "stopwords")
        .iter()
        .map(|s| s.to_ascii_lowercase())
        .collect();
    format!(
        "Allow {{ target: {target}, regexes: {}, stopwords: {}, all: {all}, paths: {} }}",
        list(&strings(a, "regexes")),
        list(&lowered),
        !strings(a, "paths").is_empty(),
    )
}

fn main() {
    println!("cargo:rerun-if-changed=build/literals.rs");
    println!("cargo:rerun-if-changed=build/dfas.rs");
    println!("cargo:rerun-if-changed=src/pii/rules/table.rs");
    let gitleaks = read("rules/upstream/gitleaks/gitleaks.toml");
    let noseyparker = read("rules/upstream/noseyparker/selected.toml");
    let policy = read("rules/upstream/policy.toml");

    let mut rules = Vec::new();
    let mut excluded = Vec::new();
    let exclude = section(&policy, "exclude");
    let same_as = section(&policy, "same_as");
    let groups = section(&policy, "group");
    let severities = section(&policy, "severity");
    let test_keys = section(&policy, "test_keys");
    let sources = section(&policy, "source");

    let tables = |t: &Table| -> Vec<Table> {
        t.get("rules")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_table).cloned().collect())
            .unwrap_or_default()
    };
    for (origin, prefix, set) in [
        ("Origin::Gitleaks", "gitleaks.", tables(&gitleaks)),
        ("Origin::NoseyParker", "", tables(&noseyparker)),
    ] {
        for r in set {
            let id = format!(
                "{prefix}{}",
                str_of(&r, "id").expect("every rule has an id")
            );
            let description = str_of(&r, "description").unwrap_or_default().to_string();
            let regex = str_of(&r, "regex");
            let reason = exclude
                .get(id.as_str())
                .and_then(|v| v.as_str())
                .map(str::to_string)
                .or_else(|| {
                    same_as.get(id.as_str()).and_then(|v| v.as_str()).map(|c| {
                        format!("finds what crashscope's own rule `{c}` finds, which is kept")
                    })
                })
                .or_else(|| automatic_exclusion(regex).map(str::to_string));
            if let Some(reason) = reason {
                let replaced = same_as.get(id.as_str()).and_then(|v| v.as_str());
                excluded.push(format!(
                    "Excluded {{ id: {}, origin: {origin}, description: {}, reason: {}, same_as: {:?}, pattern: {:?}, keywords: {} }}",
                    lit(&id),
                    lit(&description),
                    lit(&reason),
                    replaced,
                    regex,
                    list(&strings(&r, "keywords")),
                ));
                continue;
            }
            let pattern = regex
                .expect("rules without a pattern are excluded")
                .replace(TERMINATOR, MEMORY_TERMINATOR);
            let keywords: Vec<String> = strings(&r, "keywords")
                .iter()
                .map(|k| k.to_ascii_lowercase())
                .collect();
            assert!(
                !keywords.is_empty(),
                "{id}: a rule without keywords would run on every text"
            );
            let allows = r
                .get("allowlists")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_table)
                        .map(allow_code)
                        .collect()
                })
                .unwrap_or_default();
            rules.push(Rule {
                group: groups
                    .get(id.as_str())
                    .and_then(|v| v.as_integer())
                    .or_else(|| r.get("secretGroup").and_then(Value::as_integer)),
                id,
                origin,
                description,
                pattern,
                keywords,
                entropy: r
                    .get("entropy")
                    .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
                    .unwrap_or(0.0),
                allows,
                examples: strings(&r, "examples"),
                negatives: strings(&r, "negative_examples"),
            });
        }
    }

    // Every id the policy names must exist, or the policy is stale.
    let known: BTreeSet<String> = rules
        .iter()
        .map(|r| r.id.clone())
        .chain(
            excluded
                .iter()
                .map(|e| e.split('"').nth(1).unwrap().to_string()),
        )
        .collect();
    for (name, table) in [
        ("exclude", &exclude),
        ("same_as", &same_as),
        ("group", &groups),
        ("severity", &severities),
        ("test_keys", &test_keys),
    ] {
        for id in table.keys() {
            assert!(
                known.contains(*id),
                "rules/upstream/policy.toml [{name}]: no upstream rule {id}"
            );
        }
    }

    let mut out = String::from("// @generated by build.rs from rules/upstream/: do not edit.\n\n");
    let global = gitleaks
        .get("allowlist")
        .and_then(Value::as_table)
        .cloned()
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "pub static GLOBAL_ALLOW: &[&str] = {};",
        list(&strings(&global, "regexes"))
    );
    let _ = writeln!(
        out,
        "pub static GLOBAL_STOPWORDS: &[&str] = {};",
        list(&strings(&global, "stopwords"))
    );
    for (name, key) in [
        ("GITLEAKS_SOURCE", "gitleaks"),
        ("NOSEYPARKER_SOURCE", "noseyparker"),
    ] {
        let v = sources
            .get(key)
            .and_then(|v| v.as_str())
            .expect("policy [source]");
        let _ = writeln!(out, "pub const {name}: &str = {};", lit(v));
    }
    let _ = writeln!(out, "pub static UPSTREAM: &[Upstream] = &[");
    for r in &rules {
        let (severity, reason) = match severities.get(r.id.as_str()).and_then(|v| v.as_table()) {
            Some(t) => (
                match str_of(t, "severity") {
                    Some("low") => "Severity::Low",
                    Some("medium") => "Severity::Medium",
                    other => panic!("{}: severity {other:?}", r.id),
                },
                str_of(t, "reason").unwrap_or_default().to_string(),
            ),
            None => ("Severity::High", String::new()),
        };
        let group = match r.group {
            Some(g) => g.to_string(),
            None => "ANY".to_string(),
        };
        let prefix = prefixes(&r.id, &r.pattern);
        let test_key = test_keys
            .get(r.id.as_str())
            .and_then(|v| v.as_str())
            .map(lit)
            .map_or("None".to_string(), |s| format!("Some({s})"));
        let _ = writeln!(
            out,
            "    Upstream {{ id: {}, origin: {}, description: {}, pattern: {}, min_len: {}, required: {}, prefixes: &[{}], boundary: {}, keywords: {}, entropy: {:?}, group: {group}, allows: &[{}], severity: {severity}, severity_reason: {}, test_key: {test_key}, examples: {}, negatives: {} }},",
            lit(&r.id),
            r.origin,
            lit(&r.description),
            lit(&r.pattern),
            min_len(&r.id, &r.pattern),
            required(&r.id, &r.pattern),
            prefix
                .0
                .iter()
                .map(|p| format!("&{p:?}"))
                .collect::<Vec<_>>()
                .join(", "),
            prefix.1,
            list(&r.keywords),
            r.entropy,
            r.allows.join(", "),
            lit(&reason),
            list(&r.examples),
            list(&r.negatives),
        );
    }
    let _ = writeln!(out, "];\n\npub static EXCLUDED: &[Excluded] = &[");
    for e in &excluded {
        let _ = writeln!(out, "    {e},");
    }
    let _ = writeln!(out, "];");
    let out_dir = std::env::var("OUT_DIR").unwrap();
    let dest = Path::new(&out_dir).join("upstream.rs");
    std::fs::write(dest, out).expect("write upstream.rs");
    let table = std::fs::read_to_string("src/pii/rules/table.rs").expect("read the rule table");
    let upstream_patterns: Vec<String> = rules.iter().map(|r| r.pattern.clone()).collect();
    dfas::write(
        Path::new(&out_dir),
        &dfas::own_patterns(&table),
        &upstream_patterns,
    );
    println!("cargo:rerun-if-changed=build.rs");
}
