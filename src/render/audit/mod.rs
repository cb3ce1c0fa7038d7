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
use crate::pii::fingerprint::{self, Fingerprint};
use crate::pii::{catalog, Finding, Location, Severity};

mod github;
mod human;
mod json;
mod sarif;

use github::*;
use human::*;
use json::*;
pub use sarif::SARIF_AGGREGATE_FROM;
use sarif::*;

/// Bumped when a field changes meaning or disappears.
pub const AUDIT_SCHEMA: u32 = 2;

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
        "pseudonyms": s.pseudonyms,
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
        Verdict::Pseudonym => "pseudonym",
    }
}

/// One finding as a JSON object (`json`, `jsonl`; `kind` is jsonl's `"type"`), keys in
/// alphabetical order, written straight from the finding (see
/// [`super::json::LocationJson`]).
#[derive(serde::Serialize)]
struct FindingJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    allowed_by: Option<AllowedBy<'a>>,
    category: crate::pii::Category,
    encoding: crate::disclosure::Encoding,
    file: &'a str,
    fingerprint: Fingerprint,
    length: u64,
    location: super::json::LocationJson<'a>,
    logical_location: super::json::Logical<'a>,
    offset: u64,
    preview: String,
    rule: &'static str,
    severity: crate::pii::Severity,
    status: &'static str,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
}

#[derive(serde::Serialize)]
struct AllowedBy<'a> {
    entry: usize,
    reason: &'a str,
}

fn finding_json<'a>(
    run: &AuditRun<'_>,
    file: &'a AuditedFile,
    f: &'a Finding,
    v: &'a Verdict,
    fp: Fingerprint,
) -> FindingJson<'a> {
    FindingJson {
        allowed_by: match v {
            Verdict::Allowed { entry, reason } => Some(AllowedBy {
                entry: entry + 1,
                reason,
            }),
            _ => None,
        },
        category: f.category,
        encoding: f.encoding,
        file: &file.path,
        fingerprint: fp,
        length: f.length,
        location: super::json::LocationJson::of(&f.location, run.show_values),
        logical_location: super::json::Logical(&f.location),
        offset: f.offset,
        preview: f.preview(),
        rule: f.rule,
        severity: f.severity,
        status: verdict_word(v),
        kind: None,
        value: run.show_values.then_some(f.value.as_str()),
    }
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
