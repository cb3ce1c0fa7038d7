//! Turns the vendored upstream secret-rule data (`rules/upstream/`: gitleaks' default
//! configuration, a selection of Nosey Parker's rules, and crashscope's policy over them)
//! into the committed Rust table `src/pii/upstream/generated.rs`, so that a change of rule
//! data is a reviewable diff and nothing is parsed at build time or at start-up.
//!
//! `cargo run --example generate-rules` rewrites the table (`scripts/generate.sh` does it
//! with the other generated files); the integration test `generated::upstream_rules` fails
//! when the table is not what this program makes of the data. What it does to upstream
//! patterns, and why, is in `rules/upstream/README.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use toml::{Table, Value};

fn read(root: &Path, path: &str) -> Table {
    let path = root.join(path);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.parse::<Table>()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
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

/// Where the generated table is committed, relative to the repository.
pub const GENERATED: &str = "src/pii/upstream/generated.rs";

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dest = root.join(GENERATED);
    std::fs::write(&dest, generate(&root)).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
    println!("wrote {}", dest.display());
}

/// The table's source text made of the rule data under `root` (the repository).
pub fn generate(root: &Path) -> String {
    let gitleaks = read(root, "rules/upstream/gitleaks/gitleaks.toml");
    let noseyparker = read(root, "rules/upstream/noseyparker/selected.toml");
    let policy = read(root, "rules/upstream/policy.toml");

    let mut rules = Vec::new();
    let mut excluded = Vec::new();
    let exclude = section(&policy, "exclude");
    let same_as = section(&policy, "same_as");
    let groups = section(&policy, "group");
    let severities = section(&policy, "severity");
    let test_keys = section(&policy, "test_keys");
    let sources = section(&policy, "source");
    let more_keywords = section(&policy, "keywords");
    let keyword_context = section(&policy, "keyword_context");

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
                    "Excluded {{\n        id: {},\n        origin: {origin},\n        description: {},\n        reason: {},\n        same_as: {:?},\n        pattern: {:?},\n        keywords: {},\n    }}",
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
            let added = more_keywords
                .get(id.as_str())
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string);
            let keywords: Vec<String> = strings(&r, "keywords")
                .into_iter()
                .chain(added)
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
        ("keywords", &more_keywords),
        ("keyword_context", &keyword_context),
    ] {
        for id in table.keys() {
            assert!(
                known.contains(*id),
                "rules/upstream/policy.toml [{name}]: no upstream rule {id}"
            );
        }
    }

    let mut out = String::from(
        "// @generated by scripts/generate_rules.rs from rules/upstream/: do not edit.\n\n",
    );
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
    let context: Vec<String> = keyword_context.keys().map(|k| k.to_string()).collect();
    let _ = writeln!(
        out,
        "pub static KEYWORD_CONTEXT: &[&str] = {};",
        list(&context)
    );
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
        let test_key = test_keys
            .get(r.id.as_str())
            .and_then(|v| v.as_str())
            .map(lit)
            .map_or("None".to_string(), |s| format!("Some({s})"));
        let _ = writeln!(
            out,
            "    Upstream {{\n        id: {},\n        origin: {},\n        description: {},\n        pattern: {},\n        keywords: {},\n        entropy: {:?},\n        group: {group},\n        allows: &[{}],\n        severity: {severity},\n        severity_reason: {},\n        test_key: {test_key},\n        examples: {},\n        negatives: {},\n    }},",
            lit(&r.id),
            r.origin,
            lit(&r.description),
            lit(&r.pattern),
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
    out
}
