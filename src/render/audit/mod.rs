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
