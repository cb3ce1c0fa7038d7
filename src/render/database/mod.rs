//! The views of a Crashpad database: `list` (the overview table) and the database parts
//! of `show` (consent, install id, and per report what the upload would carry: URL
//! query, form fields, attachments), in human and JSON form.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::highlight::Marks;
use super::human::{write_show, ShowView};
use super::table::{visible_width, Table};
use super::{escape, format_unix, human_size, json as show_json, Palette};
use crate::analysis::{AttachmentProblem, DatabaseScan, ScannedAttachment};
use crate::disclosure::upload::UploadForm;
use crate::disclosure::FieldKind;
use crate::pii::{Category, Finding, Findings, Location, Severity};
use crate::source::crashpad::{Database, DbReport, State};

mod attachments;
mod json;
mod list;
mod report;

use attachments::*;
pub use json::*;
pub use list::*;
pub use report::*;

/// Width of the label column (the same as the dump view's).
const LABEL: usize = 18;

/// Everything `show` knows about one report of a database.
#[derive(Debug, Clone, Copy)]
pub struct ReportView<'a> {
    pub entry: &'a DbReport,
    pub dump: Option<ShowView<'a>>,
    /// Why the dump could not be opened at all.
    pub dump_error: Option<&'a str>,
    pub form: Option<&'a UploadForm>,
    pub attachments: &'a [ScannedAttachment],
}

fn label(p: Palette, l: &str) -> String {
    let pad = LABEL.saturating_sub(visible_width(l));
    format!("{}{}", p.label(l), " ".repeat(pad))
}

fn line(w: &mut impl Write, p: Palette, l: &str, value: &str) -> io::Result<()> {
    writeln!(w, "{}", format!("{} {value}", label(p, l)).trim_end())
}

fn marked(
    w: &mut impl Write,
    p: Palette,
    marks: &Marks,
    l: &str,
    worst: Option<Severity>,
    value: &str,
) -> io::Result<()> {
    let pad = (LABEL - 3).saturating_sub(visible_width(l));
    let text = format!(
        "{}{} {} {value}",
        p.label(l),
        " ".repeat(pad),
        marks.marker(worst)
    );
    writeln!(w, "{}", text.trim_end())
}

fn more(w: &mut impl Write, value: &str) -> io::Result<()> {
    writeln!(w, "{} {value}", " ".repeat(LABEL))
}

fn time_or_never(t: i64) -> String {
    if t == 0 {
        "never".to_string()
    } else {
        format_unix(t)
    }
}

/// `2026-11-23 17:51` (minutes, for tables).
fn short_time(t: Option<i64>) -> String {
    match t {
        Some(t) if t != 0 => format_unix(t)[..16].to_string(),
        _ => "?".to_string(),
    }
}

fn age_days(db: &Database, r: &DbReport) -> Option<i64> {
    r.created().map(|c| (db.now - c).max(0) / 86_400)
}

/// The consent line: what happens to pending reports.
fn consent(db: &Database) -> String {
    if db.layout == crate::source::crashpad::Layout::SentryNative {
        return match crate::source::crashpad::sentry::user_consent(&db.root) {
            Some(true) => "given (user-consent = 1): a crashed run's reports are sent when the app starts again",
            Some(false) => "revoked (user-consent = 0): nothing is sent",
            None => "not asked by sentry-native (no user-consent file): a crashed run's reports are sent when the app starts again",
        }
        .to_string();
    }
    if db.layout == crate::source::crashpad::Layout::Mozilla {
        return "asked crash by crash: the crash reporter (or about:crashes) sends a pending \
                report when you submit it, or by itself if you let Firefox send reports \
                automatically"
            .to_string();
    }
    match (&db.settings, &db.settings_problem) {
        (Some(s), _) if s.uploads_enabled => {
            "uploads ENABLED — pending reports are sent without asking again".to_string()
        }
        (Some(_), _) => "uploads disabled — pending reports are sent only once you enable \
                         uploads (reports marked upload-requested are sent anyway)"
            .to_string(),
        (None, Some(problem)) => format!("unknown: {problem}"),
        (None, None) => "unknown".to_string(),
    }
}

/// The consent line in a few words, for the verdict.
fn short_consent(db: &Database) -> String {
    use crate::source::crashpad::Layout;
    match db.layout {
        Layout::SentryNative => match crate::source::crashpad::sentry::user_consent(&db.root) {
            Some(true) => "uploads ON (user-consent = 1)",
            Some(false) => "uploads OFF (user-consent = 0)",
            None => "uploads ON (sentry-native never asked)",
        }
        .to_string(),
        Layout::Mozilla => {
            "sent when you submit them, or by itself if you allowed that".to_string()
        }
        _ => match (&db.settings, &db.settings_problem) {
            (Some(s), _) if s.uploads_enabled => {
                "uploads ON: sent without asking again".to_string()
            }
            (Some(_), _) => "uploads off (upload-requested reports go anyway)".to_string(),
            (None, Some(_)) => "uploads: unknown (settings unreadable)".to_string(),
            (None, None) => "uploads: unknown (no settings)".to_string(),
        },
    }
}

/// The store's consent state and how to turn uploads off, for the verdict.
pub fn store_consent(db: &Database, would_send: usize) -> super::verdict::Consent {
    use crate::source::crashpad::Layout;
    let waiting = format!(
        "{} waiting to be sent",
        if would_send == 1 {
            "1 report".to_string()
        } else {
            format!("{would_send} reports")
        }
    );
    let turn_off = match db.layout {
        Layout::Mozilla => Some(
            "the app's privacy settings (automatic crash reports); delete pending/".to_string(),
        ),
        Layout::SentryNative => Some(format!(
            "write 0 into {} (the app's own setting may do this)",
            escape(&db.root.join("user-consent").display().to_string())
        )),
        _ => match &db.settings {
            Some(s) if s.uploads_enabled => Some(
                "the app's privacy settings (sets uploads_enabled in settings.dat)".to_string(),
            ),
            _ => None,
        },
    };
    super::verdict::Consent {
        state: format!("{waiting} · {}", short_consent(db)),
        turn_off,
    }
}

/// A state as the table shows it, with the lock when there is one.
fn state_cell(r: &DbReport) -> String {
    let mut s = r.state.as_str().to_string();
    if let Some(lock) = &r.lock {
        s.push_str(if lock.expired {
            " (stale lock)"
        } else {
            " (locked)"
        });
    }
    s
}

fn truncate(s: &str, max: usize) -> String {
    if visible_width(s) <= max {
        s.to_string()
    } else {
        // Whole characters that fit in `max - 1` columns, then the ellipsis.
        let mut width = 0;
        let head: String = s
            .chars()
            .take_while(|c| {
                width += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
                width < max
            })
            .collect();
        format!("{head}…")
    }
}

fn write_db_problems(w: &mut impl Write, db: &Database, p: Palette) -> io::Result<()> {
    for (i, problem) in db.problems.iter().enumerate() {
        let text = p.bad(&escape(problem));
        if i == 0 {
            line(w, p, "Problems", &text)?;
        } else {
            more(w, &text)?;
        }
    }
    Ok(())
}
