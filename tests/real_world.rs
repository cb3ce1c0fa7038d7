//! Conformance with the labels of `../shared/corpus/real/`: real minidumps that people
//! published, each labelled by reading its bytes with what must be found (`must`), what
//! must not be flagged above a severity (`must_not`), the host names the identity must
//! list (`host`) and whether the dump is valid throughout (`no_unreadable`).
//!
//! And, on every corpus dump, no high-severity finding that is not a secret, a credential,
//! or payment or government data: a false alarm at high severity is what a CI team would
//! have to allow-list by hand.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{audit_findings, corpus, show_json};

fn rank(severity: &str) -> u8 {
    match severity {
        "low" => 0,
        "medium" => 1,
        "high" => 2,
        other => panic!("unknown severity {other:?}"),
    }
}

fn value_of(f: &Value) -> &str {
    f["value"].as_str().unwrap_or("")
}

#[test]
fn real_dumps_meet_their_labels() {
    let Some(corpus) = corpus() else { return };
    let real = corpus.join("real");
    let labels: Value =
        serde_json::from_slice(&std::fs::read(corpus.join("real/expected.json")).unwrap()).unwrap();
    let items = labels["items"].as_array().expect("items");
    assert!(!items.is_empty());
    let mut failures = Vec::new();
    let mut checked = 0;
    for item in items {
        let name = item["file"].as_str().unwrap();
        let path = real.join(name);
        let findings = audit_findings(&path);
        for must in item["must"].as_array().into_iter().flatten() {
            let (value, severity) = (must[0].as_str().unwrap(), must[1].as_str().unwrap());
            let needle = value.to_lowercase();
            checked += 1;
            let hit = findings.iter().any(|f| {
                value_of(f).to_lowercase().contains(&needle)
                    && rank(f["severity"].as_str().unwrap()) >= rank(severity)
            });
            if !hit {
                failures.push(format!(
                    "{name}: must find {:?} ({}) at {severity} or above",
                    crate::util::short(value),
                    must[2].as_str().unwrap_or("")
                ));
            }
        }
        for not in item["must_not"].as_array().into_iter().flatten() {
            let (value, severity) = (not[0].as_str().unwrap(), not[1].as_str().unwrap());
            let exact = not.get(3).and_then(Value::as_bool).unwrap_or(false);
            checked += 1;
            let bad: Vec<String> = findings
                .iter()
                .filter(|f| rank(f["severity"].as_str().unwrap()) > rank(severity))
                .filter(|f| {
                    if exact {
                        value_of(f) == value
                    } else {
                        value_of(f).to_lowercase().contains(&value.to_lowercase())
                    }
                })
                .map(|f| format!("{} ({})", f["rule"], f["severity"]))
                .collect();
            if !bad.is_empty() {
                failures.push(format!(
                    "{name}: {:?} must not be flagged above {severity}: {bad:?}",
                    crate::util::short(value)
                ));
            }
        }
        let hosts = item["host"].as_array().cloned().unwrap_or_default();
        let no_unreadable = item["no_unreadable"].as_bool().unwrap_or(false);
        if hosts.is_empty() && !no_unreadable {
            continue;
        }
        let shown = show_json(&path, &[]);
        let listed: Vec<String> = shown["identity"]["host_names"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|h| h.as_str().map(str::to_lowercase))
            .collect();
        for host in hosts {
            let host = host.as_str().unwrap();
            checked += 1;
            if !listed.contains(&host.to_lowercase()) {
                failures.push(format!(
                    "{name}: identity.host_names lacks {:?}",
                    crate::util::short(host)
                ));
            }
        }
        if no_unreadable {
            checked += 1;
            let problems = shown["problems"].as_array().cloned().unwrap_or_default();
            let unreadable = findings
                .iter()
                .filter(|f| f["rule"] == "unreadable-data")
                .count();
            if !problems.is_empty() || unreadable > 0 {
                failures.push(format!(
                    "{name}: valid dump reported unreadable ({} problems, {unreadable} findings): {:?}",
                    problems.len(),
                    problems.first()
                ));
            }
        }
    }
    assert!(checked >= 20, "only {checked} labels checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every minidump of the corpus: `dumps/`, `real/` and the Crashpad database's reports.
fn corpus_dumps(corpus: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut add = |dir: PathBuf| {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "dmp") {
                out.push(p);
            }
        }
    };
    add(corpus.join("dumps"));
    add(corpus.join("real"));
    for state in ["pending", "completed", "new"] {
        add(corpus.join("crashpad-db-2").join(state));
    }
    out.sort();
    out
}

#[test]
fn high_severity_is_only_for_secrets_payment_and_government_ids() {
    let Some(corpus) = corpus() else { return };
    let mut wrong = Vec::new();
    let dumps = corpus_dumps(&corpus);
    assert!(dumps.len() >= 15, "{} dumps", dumps.len());
    for path in dumps {
        for f in audit_findings(&path) {
            let category = f["category"].as_str().unwrap_or("");
            if f["severity"] == "high"
                && !matches!(category, "secret" | "payment" | "government-id")
            {
                wrong.push(format!(
                    "{}: {} ({category}) at {}",
                    path.file_name().unwrap().to_string_lossy(),
                    f["rule"],
                    f["logical_location"]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
