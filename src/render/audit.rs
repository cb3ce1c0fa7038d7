//! The audit's report in every format: human, JSON, JSON Lines, SARIF 2.1.0 and GitHub
//! workflow commands (documented in `docs/audit.md`).
//!
//! Values are redacted unless the user passed `--show-values`: a finding is named by its
//! rule, place, byte range, a redacted preview and its fingerprint, so that no report,
//! baseline or CI log carries the secret it warns about. Memory excerpts (the text
//! around a match) are left out for the same reason.

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use super::{escape, Palette};
use crate::audit::{Policy, Verdict};
use crate::pii::{catalog, Finding, Location, Severity};

/// Bumped when a field changes meaning or disappears.
pub const AUDIT_SCHEMA: u32 = 1;

/// What an audited file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Minidump,
    Attachment,
    Settings,
}

impl FileKind {
    fn as_str(self) -> &'static str {
        match self {
            FileKind::Minidump => "minidump",
            FileKind::Attachment => "attachment",
            FileKind::Settings => "crashpad-settings",
        }
    }
}

/// One audited file and its judged findings.
#[derive(Debug)]
pub struct AuditedFile {
    pub path: String,
    pub kind: FileKind,
    pub size: u64,
    /// Findings before the policy is applied.
    pub raw: Vec<Finding>,
    pub judged: Vec<(Finding, Verdict)>,
    /// Why the file could not be read completely (fails the audit with status 2).
    pub error: Option<String>,
}

impl AuditedFile {
    pub fn new(path: String, kind: FileKind) -> AuditedFile {
        AuditedFile {
            path,
            kind,
            size: 0,
            raw: Vec::new(),
            judged: Vec::new(),
            error: None,
        }
    }
}

/// Everything one audit run reports.
#[derive(Debug, Clone, Copy)]
pub struct AuditRun<'a> {
    pub files: &'a [AuditedFile],
    pub policy: &'a Policy,
    pub show_values: bool,
}

/// The counts of a run.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    pub files: usize,
    pub files_failing: usize,
    pub failing: usize,
    pub failing_high: usize,
    pub failing_medium: usize,
    pub failing_low: usize,
    pub allowed: usize,
    pub baselined: usize,
    pub below_threshold: usize,
    pub errors: usize,
    pub unused_allow: usize,
}

impl Summary {
    pub fn of(run: &AuditRun<'_>) -> Summary {
        let mut s = Summary {
            files: run.files.len(),
            unused_allow: run.policy.unused().count(),
            ..Summary::default()
        };
        for file in run.files {
            if file.error.is_some() {
                s.errors += 1;
            }
            let mut failing = false;
            for (f, v) in &file.judged {
                match v {
                    Verdict::Fail => {
                        failing = true;
                        s.failing += 1;
                        match f.severity {
                            Severity::High => s.failing_high += 1,
                            Severity::Medium => s.failing_medium += 1,
                            Severity::Low => s.failing_low += 1,
                        }
                    }
                    Verdict::BelowThreshold => s.below_threshold += 1,
                    Verdict::Allowed { .. } => s.allowed += 1,
                    Verdict::Baselined => s.baselined += 1,
                }
            }
            if failing {
                s.files_failing += 1;
            }
        }
        s
    }

    fn json(&self, policy: &Policy) -> Value {
        json!({
            "files": self.files,
            "files_failing": self.files_failing,
            "failing": self.failing,
            "failing_by_severity": {"high": self.failing_high, "medium": self.failing_medium, "low": self.failing_low},
            "allowed": self.allowed,
            "baselined": self.baselined,
            "below_threshold": self.below_threshold,
            "errors": self.errors,
            "threshold": policy.threshold,
            "unused_allow_entries": policy.unused().map(|(i, e)| json!({
                "entry": i + 1, "match": e.describe(), "reason": e.reason,
            })).collect::<Vec<_>>(),
            "passed": self.errors == 0 && self.failing == 0,
        })
    }
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
    let location = match &f.location {
        Location::Field {
            path,
            place,
            start,
            end,
        } => json!({"type": "field", "path": path, "place": place, "start": start, "end": end}),
        Location::Memory {
            region,
            thread_id,
            address,
            excerpt,
        } => {
            let mut m = json!({
                "type": "memory", "region": region, "thread_id": thread_id,
                "address": format!("0x{address:x}"),
            });
            if run.show_values {
                m["excerpt"] = json!(excerpt);
            }
            m
        }
    };
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

/// `--format json`: one document (also what `--baseline` reads).
pub fn json_document(run: &AuditRun<'_>) -> Value {
    let summary = Summary::of(run);
    let findings: Vec<Value> = run
        .files
        .iter()
        .flat_map(|file| {
            file.judged
                .iter()
                .map(move |(f, v)| finding_json(run, file, f, v))
        })
        .collect();
    let files: Vec<Value> = run
        .files
        .iter()
        .map(|f| {
            json!({
                "path": f.path, "kind": f.kind.as_str(), "size": f.size,
                "findings": f.judged.len(), "error": f.error,
            })
        })
        .collect();
    json!({
        "schema": AUDIT_SCHEMA,
        "tool": "crashscope",
        "crashscope_version": env!("CARGO_PKG_VERSION"),
        "config": run.policy.config_path.as_ref().map(|p| p.display().to_string()),
        "values_redacted": !run.show_values,
        "summary": summary.json(run.policy),
        "files": files,
        "findings": findings,
    })
}

/// `--format jsonl`: one object a line (`"type": "finding"`, `"error"`), then the summary.
pub fn write_jsonl(w: &mut impl Write, run: &AuditRun<'_>) -> io::Result<()> {
    for file in run.files {
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
    }
    let mut summary = Summary::of(run).json(run.policy);
    summary["type"] = json!("summary");
    writeln!(w, "{summary}")
}

/// `--format human`: failing findings grouped by file, then a summary line.
pub fn write_human(w: &mut impl Write, run: &AuditRun<'_>, p: Palette) -> io::Result<()> {
    use owo_colors::OwoColorize;
    let paint = |text: &str, s: Severity| -> String {
        if !p.enabled {
            return text.to_string();
        }
        match s {
            Severity::High => text.red().bold().to_string(),
            Severity::Medium => text.yellow().bold().to_string(),
            Severity::Low => text.blue().to_string(),
        }
    };
    let mut printed = false;
    for file in run.files {
        let failing: Vec<&Finding> = file
            .judged
            .iter()
            .filter(|(_, v)| *v == Verdict::Fail)
            .map(|(f, _)| f)
            .collect();
        if failing.is_empty() && file.error.is_none() {
            continue;
        }
        printed = true;
        writeln!(w, "{}", p.label(&escape(&file.path)))?;
        if let Some(error) = &file.error {
            writeln!(w, "  {}", p.bad(&format!("error: {}", escape(error))))?;
        }
        let width = failing
            .iter()
            .map(|f| escape(&f.location.logical()).chars().count())
            .max()
            .unwrap_or(0)
            .min(48);
        for f in failing {
            let logical = escape(&f.location.logical()).into_owned();
            let pad = width.saturating_sub(logical.chars().count());
            writeln!(
                w,
                "  {} {:<22} {logical}{}  {}  {}",
                paint(
                    &format!("{:<2} {:<6}", f.severity.marker(), f.severity.as_str()),
                    f.severity
                ),
                f.rule,
                " ".repeat(pad),
                escape(&shown_value(run, f)),
                p.dim(&format!("fp {}", f.fingerprint()))
            )?;
        }
    }
    let s = Summary::of(run);
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

/// GitHub workflow-command data: `%`, CR and LF escaped.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow-command property: also `:` and `,`.
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `--format github`: one annotation per failing finding and per unreadable file.
pub fn write_github(w: &mut impl Write, run: &AuditRun<'_>) -> io::Result<()> {
    for file in run.files {
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
    }
    let s = Summary::of(run);
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

/// A file path as a URI: `file:///…` for an absolute path, else a relative reference
/// (`/`-separated, percent-encoded).
fn uri(path: &str) -> String {
    let p = crate::audit::normalize(path);
    let mut out = String::new();
    if p.starts_with('/') {
        out.push_str("file://");
    } else if p.as_bytes().get(1) == Some(&b':') {
        out.push_str("file:///");
    }
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `--format sarif`: SARIF 2.1.0 with one rule per crashscope rule. Failing, allowed
/// (as suppressed) and baselined (`baselineState: unchanged`) findings are results;
/// findings below the threshold are not.
pub fn sarif(run: &AuditRun<'_>) -> Value {
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
    let mut results = Vec::new();
    let mut artifacts: Vec<Value> = Vec::new();
    for (index, file) in run.files.iter().enumerate() {
        artifacts.push(json!({
            "location": {"uri": uri(&file.path)},
            "length": file.size,
            "roles": ["analysisTarget"],
        }));
        for (f, v) in &file.judged {
            if *v == Verdict::BelowThreshold {
                continue;
            }
            let rule_index = rules.iter().position(|r| r.id == f.rule);
            let kind = match f.location {
                Location::Field { .. } => "member",
                Location::Memory { .. } => "object",
            };
            let mut result = Map::new();
            result.insert("ruleId".into(), json!(f.rule));
            if let Some(i) = rule_index {
                result.insert("ruleIndex".into(), json!(i));
            }
            result.insert("level".into(), json!(level(f.severity)));
            result.insert(
                "message".into(),
                json!({"text": format!(
                    "{} ({}) in {}: {}.",
                    f.category.as_str(), f.severity.as_str(), f.location.logical(), shown_value(run, f)
                )}),
            );
            result.insert(
                "locations".into(),
                json!([{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&file.path), "index": index},
                        "region": {"byteOffset": f.offset, "byteLength": f.length},
                    },
                    "logicalLocations": [{"fullyQualifiedName": f.location.logical(), "kind": kind}],
                }]),
            );
            result.insert(
                "partialFingerprints".into(),
                json!({"crashscopeValueHash/v1": f.fingerprint()}),
            );
            match v {
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
            results.push(Value::Object(result));
        }
    }
    let notifications: Vec<Value> = run
        .files
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
    json!({
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
            "results": results,
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
        }],
    })
}
