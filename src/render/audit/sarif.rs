//! The audit as SARIF 2.1.0 for code scanning, within its limits (repeated findings of
//! one rule in one file aggregated; documented in `docs/audit.md`).

use super::*;

/// SARIF levels by severity.
pub(super) fn level(s: Severity) -> &'static str {
    match s {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// `email-address` → `EmailAddress` (SARIF's `name` is PascalCase).
pub(super) fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A file path as a URI: a `file:` URL for an absolute path (`url`), else a relative
/// reference (`/`-separated, each segment percent-encoded), as SARIF's `artifactLocation`
/// takes them.
pub(super) fn uri(path: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    /// What a path segment may hold unencoded (RFC 3986 unreserved characters).
    const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    let absolute = std::path::Path::new(path);
    if absolute.is_absolute() {
        if let Ok(url) = url::Url::from_file_path(absolute) {
            return url.to_string();
        }
    }
    crate::audit::normalize(path)
        .split('/')
        .map(|segment| utf8_percent_encode(segment, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// Findings of one rule and one verdict in one file beyond this many become one SARIF
/// result with their count and their first locations (code scanning takes at most
/// 25,000 results a run and shows 5,000); JSON and JSONL stay complete.
pub const SARIF_AGGREGATE_FROM: usize = 10;

/// The `partialFingerprints` key: versioned, because code scanning compares values of one
/// key only, and the scheme behind it changed from value hashes to keyed ones.
const FINGERPRINT_KEY: &str = "crashscopeFinding/v2";

/// A rule's findings of one verdict in one file, with their fingerprints.
type Group<'a> = (&'static str, &'a Verdict, Vec<(&'a Finding, Fingerprint)>);

fn partial(fp: Fingerprint) -> Value {
    let mut m = Map::new();
    m.insert(FINGERPRINT_KEY.into(), fp.to_string().into());
    Value::Object(m)
}

/// SARIF results of one file: failing, allowed (as suppressed) and baselined
/// (`baselineState: unchanged`) findings; findings below the threshold are not results.
/// More than [`SARIF_AGGREGATE_FROM`] findings of one rule with one verdict are one result.
pub(super) fn sarif_file(
    w: &mut impl Write,
    run: &AuditRun<'_>,
    file: &AuditedFile,
) -> io::Result<()> {
    let rules = catalog();
    // Groups by rule and verdict, in the order of their first finding.
    let mut groups: Vec<Group<'_>> = Vec::new();
    for (f, v, fp) in file.judged.with_fingerprints() {
        if *v == Verdict::BelowThreshold {
            continue;
        }
        match groups
            .iter_mut()
            .find(|(r, gv, _)| *r == f.rule && *gv == v)
        {
            Some(g) => g.2.push((f, fp)),
            None => groups.push((f.rule, v, vec![(f, fp)])),
        }
    }
    let mut first = true;
    let mut emit = |w: &mut dyn Write, result: Map<String, Value>| -> io::Result<()> {
        if !first {
            w.write_all(b",\n")?;
        }
        first = false;
        serde_json::to_writer(&mut *w, &Value::Object(result)).map_err(io::Error::other)
    };
    for (rule, verdict, findings) in groups {
        if findings.len() <= SARIF_AGGREGATE_FROM {
            for (f, fp) in findings {
                let text = format!(
                    "{} ({}) in {}: {}.",
                    f.category.as_str(),
                    f.severity.as_str(),
                    f.location.logical(),
                    shown_value(run, f)
                );
                let mut result = sarif_result(&rules, file, f, verdict, &text, &[f]);
                result.insert("partialFingerprints".into(), partial(fp));
                emit(w, result)?;
            }
            continue;
        }
        let f = findings[0].0;
        let shown: Vec<&Finding> = findings
            .iter()
            .take(SARIF_AGGREGATE_FROM)
            .map(|(f, _)| *f)
            .collect();
        let group = fingerprint::of_group(
            rule,
            run.policy
                .fingerprint_file(&run.policy.path_key(&file.path)),
            findings.iter().map(|(_, fp)| *fp),
        );
        let text = format!(
            "{} findings of {rule} ({}, {}) in this file, aggregated: the first {} locations are listed, `--format json` lists every one. First: {}: {}.",
            findings.len(),
            f.category.as_str(),
            f.severity.as_str(),
            shown.len(),
            f.location.logical(),
            shown_value(run, f)
        );
        let mut result = sarif_result(&rules, file, f, verdict, &text, &shown);
        result.insert("partialFingerprints".into(), partial(group));
        result.insert(
            "properties".into(),
            json!({"count": findings.len(), "aggregated": true}),
        );
        emit(w, result)?;
    }
    Ok(())
}

/// One SARIF result for `f` (rule, level, message `text`), located at `at`.
pub(super) fn sarif_result(
    rules: &[crate::pii::RuleInfo],
    file: &AuditedFile,
    f: &Finding,
    verdict: &Verdict,
    text: &str,
    at: &[&Finding],
) -> Map<String, Value> {
    let mut result = Map::new();
    result.insert("ruleId".into(), json!(f.rule));
    if let Some(i) = rules.iter().position(|r| r.id == f.rule) {
        result.insert("ruleIndex".into(), json!(i));
    }
    result.insert("level".into(), json!(level(f.severity)));
    result.insert("message".into(), json!({ "text": text }));
    let locations: Vec<Value> = at
        .iter()
        .map(|g| {
            let kind = match g.location {
                Location::Field { .. } => "member",
                Location::Memory { .. } => "object",
            };
            let mut physical = json!({"artifactLocation": {"uri": uri(&file.path)}});
            if g.length > 0 {
                physical["region"] = json!({"byteOffset": g.offset, "byteLength": g.length});
            }
            json!({
                "physicalLocation": physical,
                "logicalLocations": [{"fullyQualifiedName": g.location.logical(), "kind": kind}],
            })
        })
        .collect();
    result.insert("locations".into(), json!(locations));
    match verdict {
        Verdict::Allowed { reason, .. } => {
            result.insert(
                "suppressions".into(),
                json!([{"kind": "external", "justification": reason}]),
            );
        }
        Verdict::Baselined => {
            result.insert("baselineState".into(), json!("unchanged"));
        }
        Verdict::Pseudonym => {
            result.insert(
                "suppressions".into(),
                json!([{"kind": "external", "justification": "a keyed pseudonym written by crashscope scrub"}]),
            );
        }
        _ => {}
    }
    result
}

/// `--format sarif`: SARIF 2.1.0 with one rule per crashscope rule; the results are the
/// files' parts.
pub(super) fn sarif_finish(
    w: &mut impl Write,
    _run: &AuditRun<'_>,
    files: &[FileReport],
) -> io::Result<()> {
    let rules = catalog();
    let rule_json: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": format!("{}InCrashDump", pascal(r.id)),
                "shortDescription": {"text": format!("{}.", r.description)},
                "fullDescription": {"text": format!(
                    "{}. Severity {}, category {}: crash dumps carry it to whoever receives them.",
                    r.description, r.severity.as_str(), r.category.as_str()
                )},
                "help": {"text": format!(
                    "{}. Remove it from the dump (crashscope scrub), or accept it in crashscope.toml with an [[allow]] entry that says why.",
                    r.description
                )},
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"tags": ["privacy", r.category.as_str()]},
            })
        })
        .collect();
    let artifacts: Vec<Value> = files
        .iter()
        .map(|f| {
            json!({
                "location": {"uri": uri(&f.path)},
                "length": f.size,
                "roles": ["analysisTarget"],
            })
        })
        .collect();
    let notifications: Vec<Value> = files
        .iter()
        .filter_map(|f| {
            f.error.as_ref().map(|e| {
                json!({
                    "level": "error",
                    "message": {"text": format!("{}: could not be read completely: {e}", f.path)},
                })
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "crashscope",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://crates.io/crates/crashscope",
                "rules": rule_json,
            }},
            "artifacts": artifacts,
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "properties": {
                // Every finding the audit judged (as many as `--format json` lists),
                // and those that are results (aggregated ones counted whole).
                "findings": files.iter().map(|f| f.counts.total()).sum::<usize>(),
                "findingsReported": files.iter().map(|f| f.counts.total() - f.counts.below_threshold).sum::<usize>(),
            },
            "results": [],
        }],
    });
    // Everything but the results, then the results the files rendered.
    let text = serde_json::to_string_pretty(&doc)?;
    let marker = "\"results\": []";
    let at = text.rfind(marker).unwrap_or(text.len());
    w.write_all(&text.as_bytes()[..at])?;
    w.write_all(b"\"results\": [\n")?;
    join_bodies(w, files)?;
    w.write_all(b"\n      ]")?;
    w.write_all(&text.as_bytes()[(at + marker.len()).min(text.len())..])?;
    writeln!(w)
}

#[cfg(test)]
mod uri_tests {
    use super::uri;

    #[test]
    fn paths_become_uris() {
        assert_eq!(uri("/tmp/a b/x#1.dmp"), "file:///tmp/a%20b/x%231.dmp");
        assert_eq!(uri("./dumps/crash 1.dmp"), "dumps/crash%201.dmp");
        assert_eq!(uri("dumps\\ü.dmp"), "dumps/%C3%BC.dmp");
    }
}
