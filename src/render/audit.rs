//! The audit's report in every format: human, JSON, JSON Lines, SARIF 2.1.0 and GitHub
//! workflow commands (documented in `docs/audit.md`).
//!
//! Values are redacted unless the user passed `--show-values`: a finding is named by its
//! rule, place, byte range, a redacted preview and its fingerprint, so that no report,
//! baseline or CI log carries the secret it warns about. Memory excerpts (the text
//! around a match) are left out for the same reason.

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use super::{escape, visible_width, Palette};
use crate::audit::{AuditedFile, Counts, FileKind, Policy, Summary, Verdict};
use crate::pii::{catalog, Finding, Location, Severity};

/// Bumped when a field changes meaning or disappears.
pub const AUDIT_SCHEMA: u32 = 1;

/// How to render a run.
#[derive(Debug, Clone, Copy)]
pub struct AuditRun<'a> {
    pub policy: &'a Policy,
    pub show_values: bool,
    pub palette: Palette,
}

/// One audited file as rendered: its verdict counts and its part of the report, rendered
/// by the worker that scanned it (so a large audit renders on every core).
#[derive(Debug)]
pub struct FileReport {
    pub path: String,
    pub kind: FileKind,
    pub size: u64,
    pub error: Option<String>,
    pub counts: Counts,
    /// The file's findings in the output format: lines (human, jsonl, github) or
    /// comma-separated JSON objects (json findings, SARIF results).
    pub body: super::spool::Spool,
}

fn summary_json(s: &Summary, policy: &Policy) -> Value {
    json!({
        "files": s.files,
        "files_failing": s.files_failing,
        "failing": s.failing,
        "failing_by_severity": {"high": s.failing_high, "medium": s.failing_medium, "low": s.failing_low},
        "allowed": s.allowed,
        "baselined": s.baselined,
        "below_threshold": s.below_threshold,
        "errors": s.errors,
        "threshold": policy.threshold,
        "unused_allow_entries": policy.unused().map(|(i, e)| json!({
            "entry": i + 1, "match": e.describe(), "reason": e.reason,
        })).collect::<Vec<_>>(),
        "passed": s.passed(),
    })
}

/// The [`Summary`] of the rendered files.
pub fn summary_of(files: &[FileReport], policy: &Policy) -> Summary {
    Summary::of(files.iter().map(|f| (&f.counts, f.error.is_some())), policy)
}

/// The value as a report may show it.
fn shown_value(run: &AuditRun<'_>, f: &Finding) -> String {
    if run.show_values {
        f.value.clone()
    } else {
        f.preview()
    }
}

fn verdict_word(v: &Verdict) -> &'static str {
    match v {
        Verdict::Fail => "fail",
        Verdict::BelowThreshold => "below-threshold",
        Verdict::Allowed { .. } => "allowed",
        Verdict::Baselined => "baselined",
    }
}

/// One finding as a JSON object (`json`, `jsonl`).
fn finding_json(run: &AuditRun<'_>, file: &AuditedFile, f: &Finding, v: &Verdict) -> Value {
    let location = super::json::location_json(&f.location, run.show_values);
    let mut o = json!({
        "file": file.path,
        "rule": f.rule,
        "category": f.category,
        "severity": f.severity,
        "status": verdict_word(v),
        "location": location,
        "logical_location": f.location.logical(),
        "offset": f.offset,
        "length": f.length,
        "encoding": f.encoding,
        "preview": f.preview(),
        "fingerprint": f.fingerprint(),
    });
    if run.show_values {
        o["value"] = json!(f.value);
    }
    if let Verdict::Allowed { entry, reason } = v {
        o["allowed_by"] = json!({"entry": entry + 1, "reason": reason});
    }
    o
}

/// The audit report's formats (docs/audit.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Jsonl,
    Sarif,
    Github,
}

/// Render one file's part of the report (called on the worker that scanned it).
pub fn render_file(format: Format, run: &AuditRun<'_>, file: &AuditedFile) -> FileReport {
    let mut body = super::spool::Spool::default();
    // A part that could not be written in full (its temporary file failed) must not pass
    // for a complete one: the file gets an error, which fails the audit with status 2.
    let written = match format {
        Format::Human => human_file(&mut body, run, file),
        Format::Json => json_file(&mut body, run, file),
        Format::Jsonl => jsonl_file(&mut body, run, file),
        Format::Sarif => sarif_file(&mut body, run, file),
        Format::Github => github_file(&mut body, run, file),
    };
    let error = file.error.clone().or_else(|| {
        written
            .err()
            .map(|e| format!("its findings could not all be written to the report: {e}"))
    });
    FileReport {
        path: file.path.clone(),
        kind: file.kind,
        size: file.size,
        error,
        counts: Counts::of(&file.judged),
        body,
    }
}

/// Write the whole report: the files' parts in order, with what comes before and after.
pub fn finish(
    w: &mut impl Write,
    format: Format,
    run: &AuditRun<'_>,
    files: &[FileReport],
) -> io::Result<()> {
    match format {
        Format::Human => human_finish(w, run, files),
        Format::Json => json_finish(w, run, files),
        Format::Jsonl => {
            for f in files {
                f.body.write_to(w)?;
            }
            let mut summary = summary_json(&summary_of(files, run.policy), run.policy);
            summary["type"] = json!("summary");
            writeln!(w, "{summary}")
        }
        Format::Sarif => sarif_finish(w, run, files),
        Format::Github => github_finish(w, run, files),
    }
}

/// Write comma-separated parts (`a,\nb`), skipping empty ones.
fn join_bodies(w: &mut impl Write, files: &[FileReport]) -> io::Result<()> {
    let mut first = true;
    for f in files.iter().filter(|f| !f.body.is_empty()) {
        if !first {
            w.write_all(b",\n")?;
        }
        f.body.write_to(w)?;
        first = false;
    }
    Ok(())
}

fn json_file(w: &mut impl Write, run: &AuditRun<'_>, file: &AuditedFile) -> io::Result<()> {
    for (i, (f, v)) in file.judged.iter().enumerate() {
        if i > 0 {
            w.write_all(b",\n")?;
        }
        w.write_all(b"    ")?;
        serde_json::to_writer(&mut *w, &finding_json(run, file, f, v))?;
    }
    Ok(())
}

/// `--format json`: one document (also what `--baseline` reads). The findings array
/// holds one compact object a line.
fn json_finish(w: &mut impl Write, run: &AuditRun<'_>, files: &[FileReport]) -> io::Result<()> {
    let summary = summary_of(files, run.policy);
    let list: Vec<Value> = files
        .iter()
        .map(|f| {
            json!({
                "path": f.path, "kind": f.kind.as_str(), "size": f.size,
                "findings": f.counts.total(), "error": f.error,
            })
        })
        .collect();
    let head = json!({
        "schema": AUDIT_SCHEMA,
        "tool": "crashscope",
        "crashscope_version": env!("CARGO_PKG_VERSION"),
        "config": run.policy.config_path.as_ref().map(|p| p.display().to_string()),
        "values_redacted": !run.show_values,
        "summary": summary_json(&summary, run.policy),
        "files": list,
    });
    let text = serde_json::to_string_pretty(&head)?;
    // The head without its closing brace, then the findings.
    let open = text
        .trim_end()
        .strip_suffix('}')
        .unwrap_or(&text)
        .trim_end();
    write!(w, "{open},\n  \"findings\": [\n")?;
    join_bodies(w, files)?;
    writeln!(w, "\n  ]\n}}")
}

fn jsonl_file(w: &mut impl Write, run: &AuditRun<'_>, file: &AuditedFile) -> io::Result<()> {
    for (f, v) in &file.judged {
        let mut o = finding_json(run, file, f, v);
        o["type"] = json!("finding");
        writeln!(w, "{o}")?;
    }
    if let Some(error) = &file.error {
        writeln!(
            w,
            "{}",
            json!({"type": "error", "file": file.path, "error": error})
        )?;
    }
    Ok(())
}

fn paint(p: Palette, text: &str, s: Severity) -> String {
    use owo_colors::OwoColorize;
    if !p.enabled {
        return text.to_string();
    }
    match s {
        Severity::High => text.red().bold().to_string(),
        Severity::Medium => text.yellow().bold().to_string(),
        Severity::Low => text.blue().to_string(),
    }
}

/// `--format human`: the file's failing findings under its path.
fn human_file(w: &mut impl Write, run: &AuditRun<'_>, file: &AuditedFile) -> io::Result<()> {
    let p = run.palette;
    let failing: Vec<&Finding> = file
        .judged
        .iter()
        .filter(|(_, v)| **v == Verdict::Fail)
        .map(|(f, _)| f)
        .collect();
    if failing.is_empty() && file.error.is_none() {
        return Ok(());
    }
    writeln!(w, "{}", p.label(&escape(&file.path)))?;
    if let Some(error) = &file.error {
        writeln!(w, "  {}", p.bad(&format!("error: {}", escape(error))))?;
    }
    let width = failing
        .iter()
        .map(|f| visible_width(&escape(&f.location.logical())))
        .max()
        .unwrap_or(0)
        .min(48);
    // More than SARIF_AGGREGATE_FROM failing findings of one rule in a file are summed
    // up on one line (`--format json` lists each), so a dense dump stays readable.
    let mut per_rule: std::collections::BTreeMap<&str, Vec<&Finding>> = Default::default();
    for f in &failing {
        per_rule.entry(f.rule).or_default().push(f);
    }
    let dense: std::collections::BTreeSet<&str> = per_rule
        .iter()
        .filter(|(_, fs)| fs.len() > SARIF_AGGREGATE_FROM)
        .map(|(r, _)| *r)
        .collect();
    for rule in &dense {
        let fs = &per_rule[rule];
        let f = fs[0];
        writeln!(
            w,
            "  {} {:<22} {} findings, e.g. {} at {}  {}",
            paint(
                p,
                &format!("{:<2} {:<6}", f.severity.marker(), f.severity.as_str()),
                f.severity
            ),
            rule,
            fs.len(),
            escape(&shown_value(run, f)),
            escape(&f.location.logical()),
            p.dim("(--format json lists each)")
        )?;
    }
    for f in failing.into_iter().filter(|f| !dense.contains(f.rule)) {
        let logical = escape(&f.location.logical()).into_owned();
        let pad = width.saturating_sub(visible_width(&logical));
        writeln!(
            w,
            "  {} {:<22} {logical}{}  {}  {}",
            paint(
                p,
                &format!("{:<2} {:<6}", f.severity.marker(), f.severity.as_str()),
                f.severity
            ),
            f.rule,
            " ".repeat(pad),
            escape(&shown_value(run, f)),
            p.dim(&format!("fp {}", f.fingerprint()))
        )?;
    }
    Ok(())
}

fn human_finish(w: &mut impl Write, run: &AuditRun<'_>, files: &[FileReport]) -> io::Result<()> {
    let p = run.palette;
    let mut printed = false;
    for f in files {
        f.body.write_to(w)?;
        printed |= !f.body.is_empty();
    }
    let s = summary_of(files, run.policy);
    let mut parts = vec![
        format!("{} file{}", s.files, if s.files == 1 { "" } else { "s" }),
        format!("{} with failing findings", s.files_failing),
        format!(
            "{} high, {} medium, {} low failing (threshold: {})",
            s.failing_high,
            s.failing_medium,
            s.failing_low,
            run.policy.threshold.as_str()
        ),
    ];
    for (n, what) in [
        (s.allowed, "allowed"),
        (s.baselined, "in the baseline"),
        (s.below_threshold, "below the threshold"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    if s.unused_allow > 0 {
        parts.push(format!(
            "{} allow entr{} unused",
            s.unused_allow,
            if s.unused_allow == 1 { "y" } else { "ies" }
        ));
    }
    if s.errors > 0 {
        parts.push(p.bad(&format!(
            "{} file{} could not be read",
            s.errors,
            if s.errors == 1 { "" } else { "s" }
        )));
    }
    if printed {
        writeln!(w)?;
    }
    writeln!(w, "{}", parts.join(" · "))?;
    let verdict = if s.errors > 0 {
        p.bad("FAILED: some input could not be read")
    } else if s.failing > 0 {
        p.bad("FAILED")
    } else {
        "passed".to_string()
    };
    writeln!(w, "{verdict}")
}

/// GitHub workflow-command data: first through the terminal-safety gate (a CI log is a
/// terminal too: no raw control, bidi or invisible character), then `%`, CR and LF in
/// the workflow-command encoding.
fn gh_data(s: &str) -> String {
    escape(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow-command property: also `:` and `,`.
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `--format github`: one annotation per failing finding and per unreadable file.
fn github_file(w: &mut impl Write, run: &AuditRun<'_>, file: &AuditedFile) -> io::Result<()> {
    if let Some(error) = &file.error {
        writeln!(
            w,
            "::error file={},title={}::{}",
            gh_property(&file.path),
            gh_property("crashscope: unreadable"),
            gh_data(&format!("could not be read completely: {error}"))
        )?;
    }
    for (f, v) in &file.judged {
        if *v != Verdict::Fail {
            continue;
        }
        let command = match f.severity {
            Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low => "notice",
        };
        writeln!(
            w,
            "::{command} file={},title={}::{}",
            gh_property(&file.path),
            gh_property(&format!("crashscope {}", f.rule)),
            gh_data(&format!(
                "{} {} at {} (bytes {}+{}): {} (fingerprint {})",
                f.severity.as_str(),
                f.category.as_str(),
                f.location.logical(),
                f.offset,
                f.length,
                shown_value(run, f),
                f.fingerprint()
            ))
        )?;
    }
    Ok(())
}

fn github_finish(w: &mut impl Write, run: &AuditRun<'_>, files: &[FileReport]) -> io::Result<()> {
    for f in files {
        f.body.write_to(w)?;
    }
    let s = summary_of(files, run.policy);
    writeln!(
        w,
        "::notice title=crashscope audit::{}",
        gh_data(&format!(
            "{} files, {} failing findings ({} high, {} medium, {} low; threshold {}), {} allowed, {} baselined, {} unreadable",
            s.files, s.failing, s.failing_high, s.failing_medium, s.failing_low,
            run.policy.threshold.as_str(), s.allowed, s.baselined, s.errors
        ))
    )
}

/// SARIF levels by severity.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// `email-address` → `EmailAddress` (SARIF's `name` is PascalCase).
fn pascal(id: &str) -> String {
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
fn uri(path: &str) -> String {
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

/// SARIF results of one file: failing, allowed (as suppressed) and baselined
/// (`baselineState: unchanged`) findings; findings below the threshold are not results.
/// More than [`SARIF_AGGREGATE_FROM`] findings of one rule with one verdict are one result.
fn sarif_file(w: &mut impl Write, run: &AuditRun<'_>, file: &AuditedFile) -> io::Result<()> {
    let rules = catalog();
    // Groups by rule and verdict, in the order of their first finding.
    let mut groups: Vec<(&'static str, &Verdict, Vec<&Finding>)> = Vec::new();
    for (f, v) in &file.judged {
        if *v == Verdict::BelowThreshold {
            continue;
        }
        match groups
            .iter_mut()
            .find(|(r, gv, _)| *r == f.rule && *gv == v)
        {
            Some(g) => g.2.push(f),
            None => groups.push((f.rule, v, vec![f])),
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
            for f in findings {
                let text = format!(
                    "{} ({}) in {}: {}.",
                    f.category.as_str(),
                    f.severity.as_str(),
                    f.location.logical(),
                    shown_value(run, f)
                );
                let mut result = sarif_result(&rules, file, f, verdict, &text, &[f]);
                result.insert(
                    "partialFingerprints".into(),
                    json!({"crashscopeValueHash/v1": f.fingerprint()}),
                );
                emit(w, result)?;
            }
            continue;
        }
        let f = findings[0];
        let shown: Vec<&Finding> = findings
            .iter()
            .take(SARIF_AGGREGATE_FROM)
            .copied()
            .collect();
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
        result.insert(
            "partialFingerprints".into(),
            json!({"crashscopeValueHash/v1": crate::pii::fingerprint(rule, "aggregated")}),
        );
        result.insert(
            "properties".into(),
            json!({"count": findings.len(), "aggregated": true}),
        );
        emit(w, result)?;
    }
    Ok(())
}

/// One SARIF result for `f` (rule, level, message `text`), located at `at`.
fn sarif_result(
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
        _ => {}
    }
    result
}

/// `--format sarif`: SARIF 2.1.0 with one rule per crashscope rule; the results are the
/// files' parts.
fn sarif_finish(w: &mut impl Write, _run: &AuditRun<'_>, files: &[FileReport]) -> io::Result<()> {
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
