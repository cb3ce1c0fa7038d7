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

/// `crashscope list`: the overview and the table of reports.
pub fn write_list(w: &mut impl Write, db: &Database, p: Palette) -> io::Result<()> {
    write_overview(w, db, p, None, None)?;
    writeln!(w)?;
    let mut table = Table::new(
        [
            "state",
            "report",
            "created (UTC)",
            "age",
            "size",
            "tries",
            "server id",
            "notes",
        ]
        .iter()
        .map(|h| p.label(h))
        .collect(),
        &[3, 4, 5],
    );
    for r in &db.reports {
        let mut notes = Vec::new();
        if r.pruned {
            notes.push("pruned by Crashpad".to_string());
        }
        if !r.attachments.is_empty() {
            notes.push(format!(
                "{} attachment{}",
                r.attachments.len(),
                if r.attachments.len() == 1 { "" } else { "s" }
            ));
        }
        notes.extend(r.problems.iter().map(|x| escape(x).into_owned()));
        let state = state_cell(r);
        let state = if matches!(r.state, State::Orphaned | State::Unreadable) {
            p.bad(&state)
        } else {
            state
        };
        table.add_row(vec![
            state,
            escape(&r.id).into_owned(),
            short_time(r.created()),
            age_days(db, r)
                .map(|d| format!("{d} d"))
                .unwrap_or_default(),
            human_size(r.total_size()),
            r.metadata
                .as_ref()
                .map(|m| m.upload_attempts.to_string())
                .unwrap_or_default(),
            r.metadata
                .as_ref()
                .map(|m| truncate(&escape(&m.remote_id), 40))
                .unwrap_or_default(),
            notes.join("; "),
        ]);
    }
    if db.reports.is_empty() {
        line(w, p, "Reports", "none")?;
    } else {
        table.write(w)?;
    }
    writeln!(w)?;
    if matches!(
        db.layout,
        crate::source::crashpad::Layout::Mozilla | crate::source::crashpad::Layout::SentryNative
    ) {
        return write_db_problems(w, db, p);
    }
    let pruned = db.reports.iter().filter(|r| r.pruned).count();
    let pruned_bytes: u64 = db
        .reports
        .iter()
        .filter(|r| r.pruned)
        .map(|r| r.total_size())
        .sum();
    line(
        w,
        p,
        "Retention",
        &format!(
            "Crashpad's default pruning would delete {} report{}{} (older than 365 days, or beyond 128 MiB newest first)",
            pruned,
            if pruned == 1 { "" } else { "s" },
            if pruned == 0 {
                String::new()
            } else {
                format!(", {}", human_size(pruned_bytes))
            }
        ),
    )?;
    write_db_problems(w, db, p)
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

/// The database header: path, layout, consent, install id, counts.
pub fn write_overview(
    w: &mut impl Write,
    db: &Database,
    p: Palette,
    marks: Option<&Marks>,
    scan: Option<&DatabaseScan>,
) -> io::Result<()> {
    line(
        w,
        p,
        match db.layout {
            crate::source::crashpad::Layout::Mozilla => "Crash reports",
            crate::source::crashpad::Layout::SentryNative => "Crash store",
            _ => "Crashpad database",
        },
        &format!(
            "{} · {}",
            escape(&db.root.display().to_string()),
            db.layout.describe()
        ),
    )?;
    line(w, p, "Consent", &consent(db))?;
    if let Some(s) = &db.settings {
        let (worst, shown) = match (marks, scan) {
            (Some(m), Some(scan)) => {
                m.highlight(&s.client_id, scan.findings.for_field("settings.client_id"))
            }
            _ => (None, s.client_id.clone()),
        };
        let detail = "   stable: links every report this install sends";
        match marks {
            Some(m) => marked(w, p, m, "Install id", worst, &format!("{shown}{detail}"))?,
            None => line(w, p, "Install id", &format!("{shown}{detail}"))?,
        }
        line(w, p, "Last upload", &time_or_never(s.last_upload_attempt))?;
    }
    let pending: Vec<&DbReport> = db
        .reports
        .iter()
        .filter(|r| r.state.would_upload())
        .collect();
    let dumps: u64 = pending.iter().map(|r| r.dump_size).sum();
    let all: u64 = pending.iter().map(|r| r.total_size()).sum();
    line(
        w,
        p,
        "Would be sent",
        &format!(
            "{} report{} · {} (dumps {}, attachments {})",
            pending.len(),
            if pending.len() == 1 { "" } else { "s" },
            human_size(all),
            human_size(dumps),
            human_size(all - dumps)
        ),
    )?;
    let mut counts: std::collections::BTreeMap<State, usize> = Default::default();
    for r in &db.reports {
        *counts.entry(r.state).or_insert(0) += 1;
    }
    let summary: Vec<String> = counts
        .iter()
        .map(|(s, n)| format!("{} {n}", s.as_str()))
        .collect();
    line(
        w,
        p,
        "Reports",
        &if summary.is_empty() {
            "none".to_string()
        } else {
            summary.join(" · ")
        },
    )?;
    Ok(())
}

/// The database header of `show`, with the install id highlighted.
pub fn write_show_header(
    w: &mut impl Write,
    db: &Database,
    marks: &Marks,
    scan: &DatabaseScan,
    shown: usize,
    filter: &str,
) -> io::Result<()> {
    let p = marks.palette;
    write_overview(w, db, p, Some(marks), Some(scan))?;
    line(
        w,
        p,
        "Shown",
        &format!(
            "{shown} report{} ({filter})",
            if shown == 1 { "" } else { "s" }
        ),
    )?;
    write_db_problems(w, db, p)
}

/// One report: its files, what the upload would carry, then the dump's full view.
pub fn write_report(w: &mut impl Write, view: &ReportView<'_>, marks: &Marks) -> io::Result<()> {
    let p = marks.palette;
    let r = view.entry;
    writeln!(w)?;
    writeln!(
        w,
        "{}",
        p.label(&format!(
            "━━━━ Report {} · {} · created {}",
            escape(&r.id),
            state_cell(r),
            r.created().map(format_unix).unwrap_or_else(|| "?".into())
        ))
    )?;
    let mut files = match &r.dump {
        Some(d) => format!(
            "{} · {}",
            escape(&d.display().to_string()),
            human_size(r.dump_size)
        ),
        None => "no dump".to_string(),
    };
    if !r.attachments.is_empty() {
        let total: u64 = r.attachments.iter().map(|a| a.size).sum();
        files.push_str(&format!(
            " · {} attachment{} {}",
            r.attachments.len(),
            if r.attachments.len() == 1 { "" } else { "s" },
            human_size(total)
        ));
    }
    line(w, p, "Files", &files)?;
    if let Some(meta) = &r.metadata {
        let mut m = format!(
            "{} upload attempt{} · last {}",
            meta.upload_attempts,
            if meta.upload_attempts == 1 { "" } else { "s" },
            time_or_never(meta.last_upload_attempt)
        );
        if meta.upload_requested {
            m.push_str(" · upload explicitly requested");
        }
        line(w, p, "Uploads", &m)?;
        if !meta.remote_id.is_empty() {
            line(w, p, "Server's id", &escape(&meta.remote_id))?;
        }
    }
    if let Some(lock) = &r.lock {
        let when = lock
            .taken
            .map(format_unix)
            .unwrap_or_else(|| "at an unknown time".into());
        let text = if lock.expired {
            format!("stale lock taken {when}: its holder is gone; Crashpad will delete this report")
        } else {
            format!("locked {when}: another process holds it (Crashpad's own listing skips it)")
        };
        line(w, p, "Lock", &text)?;
    }
    for (i, problem) in r.problems.iter().enumerate() {
        let text = p.bad(&escape(problem));
        if i == 0 {
            line(w, p, "Problems", &text)?;
        } else {
            more(w, &text)?;
        }
    }
    if let Some(form) = view.form {
        write_upload(w, view, form, marks)?;
    }
    write_attachments(w, view.attachments, marks)?;
    match (&view.dump, view.dump_error) {
        (Some(dump), _) => {
            writeln!(w)?;
            write_show(w, dump, *marks)?;
        }
        (None, Some(_)) if r.dump.is_none() => line(
            w,
            p,
            "Dump",
            &p.dim("none in this report's files (a minidump inside an envelope is scanned with it, as bytes)"),
        )?,
        (None, Some(e)) => line(
            w,
            p,
            "Dump",
            &p.bad(&format!("cannot be read: {}", escape(e))),
        )?,
        (None, None) => {}
    }
    Ok(())
}

/// Findings of a form field: those of each inventory field it is made of, shifted to
/// where that part sits in the value.
fn form_ranges(
    field: &crate::disclosure::upload::FormField,
    findings: &Findings,
) -> Vec<(usize, usize, Severity)> {
    let mut out = Vec::new();
    for (path, at) in &field.sources {
        for f in findings.for_field(path) {
            if let Location::Field { start, end, .. } = f.location {
                out.push((start + at, end + at, f.severity));
            }
        }
    }
    out
}

fn write_upload(
    w: &mut impl Write,
    view: &ReportView<'_>,
    form: &UploadForm,
    marks: &Marks,
) -> io::Result<()> {
    let p = marks.palette;
    let findings = view.dump.map(|d| d.findings);
    let empty = Findings::default();
    let findings = findings.unwrap_or(&empty);
    // The query carries prod, ver and guid: highlight it with the guid's findings.
    let query = form.query_string();
    let (worst, shown) = match form.get("guid") {
        Some(g) => {
            let ranges = form_ranges(g, findings);
            let start = query.find("guid=").map_or(0, |i| i + 5);
            let shifted = ranges
                .iter()
                .map(|&(s, e, sev)| (s + start, e + start, sev))
                .collect();
            marks.highlight_ranges(&query, shifted)
        }
        None => (None, escape(&query).into_owned()),
    };
    marked(
        w,
        p,
        marks,
        "Upload",
        worst,
        &format!("multipart POST (gzip unless disabled) · query ?{shown}"),
    )?;
    if !form.has_crashpad_info {
        more(
            w,
            &p.dim("(the dump has no Crashpad annotations: the form carries only guid)"),
        )?;
    }
    writeln!(
        w,
        "{}",
        p.label(&format!("Form fields ({})", form.fields.len()))
    )?;
    let width = form
        .fields
        .iter()
        .map(|f| visible_width(&escape(&f.key)))
        .max()
        .unwrap_or(0)
        .min(24);
    for f in &form.fields {
        let (worst, text) = marks.highlight_ranges(&f.value, form_ranges(f, findings));
        let key = escape(&f.key);
        let pad = width.saturating_sub(visible_width(&key));
        let mut lines = text.split("\\n");
        writeln!(
            w,
            " {} {key}{}  {}",
            marks.marker(worst),
            " ".repeat(pad),
            lines.next().unwrap_or("")
        )?;
        for rest in lines {
            writeln!(w, "    {}  \\n{rest}", " ".repeat(width))?;
        }
        if !f.shadowed.is_empty() {
            writeln!(
                w,
                "    {}  {}",
                " ".repeat(width),
                p.dim(&format!(
                    "(also set by {}: not sent, the first value wins)",
                    f.shadowed
                        .iter()
                        .map(|s| escape(s).into_owned())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            )?;
        }
    }
    Ok(())
}

/// The categories a summary names, in its order.
fn category_names(findings: &[&Finding]) -> String {
    let mut cats: Vec<Category> = findings.iter().map(|f| f.category).collect();
    cats.sort();
    cats.dedup();
    cats.iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

const MAX_ATTACHMENT_LINES: usize = 12;

/// Why an attachment was not scanned whole, for a person.
fn problem_text(problem: &AttachmentProblem) -> String {
    match problem {
        AttachmentProblem::Unreadable(_) => problem.to_string(),
        AttachmentProblem::Truncated { size } => format!(
            "only the first {} of {} were scanned",
            human_size(crate::source::crashpad::MAX_ATTACHMENT_READ),
            human_size(*size)
        ),
    }
}

fn write_attachments(
    w: &mut impl Write,
    attachments: &[ScannedAttachment],
    marks: &Marks,
) -> io::Result<()> {
    if attachments.is_empty() {
        return Ok(());
    }
    let p = marks.palette;
    writeln!(
        w,
        "{}",
        p.label(&format!("Attachments ({})", attachments.len()))
    )?;
    for a in attachments {
        let shown: Vec<&Finding> = a
            .findings
            .findings
            .iter()
            .filter(|f| marks.shows(f.severity))
            .collect();
        let worst = shown.iter().map(|f| f.severity).max();
        let mut head = format!("{}  {}", escape(&a.name), human_size(a.size));
        if !shown.is_empty() {
            head.push_str(&format!(" · {}", category_names(&shown)));
        }
        writeln!(w, " {} {head}", marks.marker(worst))?;
        if let Some(problem) = &a.problem {
            writeln!(w, "      {}", p.bad(&escape(&problem_text(problem))))?;
        }
        // Mozilla's `.extra`: every annotation, as the form field the reporter sends.
        let annotations: Vec<&crate::disclosure::Field> = a
            .inventory
            .fields
            .iter()
            .filter(|f| matches!(f.kind, FieldKind::Annotation { .. }))
            .collect();
        if !annotations.is_empty() {
            write_extra(w, a, &annotations, marks)?;
            continue;
        }
        // Text: the lines that hold findings, marked. Binary: memory-style excerpts.
        if let Some(field) = a.inventory.fields.first() {
            let mut printed = 0;
            let mut start = 0;
            for text_line in field.value.split('\n') {
                let end = start + text_line.len();
                let ranges: Vec<(usize, usize, Severity)> = shown
                    .iter()
                    .filter_map(|f| match f.location {
                        Location::Field {
                            start: s, end: e, ..
                        } if s < end && e > start => {
                            Some((s.max(start) - start, e.min(end) - start, f.severity))
                        }
                        _ => None,
                    })
                    .collect();
                if !ranges.is_empty() {
                    if printed == MAX_ATTACHMENT_LINES {
                        writeln!(w, "      … (--format json lists every finding)")?;
                        break;
                    }
                    let (_, text) =
                        marks.highlight_ranges(text_line.trim_end_matches('\r'), ranges);
                    writeln!(w, "      {}", text.trim())?;
                    printed += 1;
                }
                start = end + 1;
            }
        } else {
            for f in shown.iter().take(MAX_ATTACHMENT_LINES) {
                if let Location::Memory {
                    excerpt, address, ..
                } = &f.location
                {
                    writeln!(
                        w,
                        "      @0x{address:x} {}",
                        marks.excerpt(excerpt, &f.value, f.severity)
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// The annotations of a Mozilla `.extra` file, each as the form field the crash reporter
/// uploads with the dump, marked with its findings.
fn write_extra(
    w: &mut impl Write,
    a: &ScannedAttachment,
    fields: &[&crate::disclosure::Field],
    marks: &Marks,
) -> io::Result<()> {
    let p = marks.palette;
    writeln!(
        w,
        "      {}",
        p.dim(&format!(
            "the crash reporter sends these {} annotations as form fields with the dump:",
            fields.len()
        ))
    )?;
    let width = fields
        .iter()
        .map(|f| visible_width(&escape(&f.path[6..])))
        .max()
        .unwrap_or(0)
        .min(28);
    for f in fields {
        // By bytes: a value found in the file's text and in the field is one finding.
        let (from, to) = (f.origin.offset, f.origin.offset + f.origin.len);
        let ranges: Vec<(usize, usize, Severity)> = a
            .findings
            .findings
            .iter()
            .filter(|x| marks.shows(x.severity))
            .filter(|x| x.offset >= from && x.offset + x.length <= to)
            .map(|x| {
                let start = (x.offset - from) as usize;
                (start, start + x.length as usize, x.severity)
            })
            .collect();
        let (worst, text) = marks.highlight_ranges(&f.value, ranges);
        let key = escape(&f.path["extra.".len()..]).into_owned();
        let pad = width.saturating_sub(visible_width(&key));
        writeln!(
            w,
            "   {} {key}{}  {text}",
            marks.marker(worst),
            " ".repeat(pad)
        )?;
    }
    Ok(())
}

/// The closing summary of `show` on a database: who the shown reports identify.
pub fn write_summary(
    w: &mut impl Write,
    marks: &Marks,
    reports: usize,
    identities: &[(&str, &Finding)],
    counts: [usize; 3],
    others: &std::collections::HashSet<(Category, String)>,
) -> io::Result<()> {
    let p = marks.palette;
    writeln!(w)?;
    writeln!(
        w,
        "{}",
        p.label(&format!(
            "━━━━ What consent would share: {reports} report{} together",
            if reports == 1 { "" } else { "s" }
        ))
    )?;
    let mut first = true;
    let who = crate::pii::who(identities.iter().map(|(report, f)| (*f, *report)), others);
    for crate::pii::Who {
        category,
        value,
        seen_in: reports_with,
    } in &who
    {
        let shown = if marks.redact {
            super::escape::masked(value)
        } else {
            escape(value).into_owned()
        };
        let text = format!(
            "{:<17} {}   in {} report{}",
            category.as_str(),
            marks.paint(&shown, Severity::Medium),
            reports_with.len(),
            if reports_with.len() == 1 { "" } else { "s" }
        );
        if first {
            line(w, p, "Who you are", &text)?;
            first = false;
        } else {
            more(w, &text)?;
        }
    }
    if first {
        line(w, p, "Who you are", "nothing that names a person was found")?;
    }
    let [high, medium, low] = counts;
    line(w, p, "Findings", &marks.counts(high, medium, low))
}

/// The document `list --json` prints; `show --json` on a database adds to it.
pub fn database_document(db: &Database) -> serde_json::Map<String, Value> {
    let mut doc = serde_json::Map::new();
    doc.insert("schema".into(), json!(show_json::SCHEMA_VERSION));
    doc.insert(
        "crashscope_version".into(),
        json!(env!("CARGO_PKG_VERSION")),
    );
    doc.insert(
        "source".into(),
        json!({"kind": "crashpad-database", "path": db.root.display().to_string()}),
    );
    doc.insert("database".into(), database_json(db));
    doc
}

/// `list --format json` and the `database` object of `show --format json`.
pub fn database_json(db: &Database) -> Value {
    let reports: Vec<Value> = db.reports.iter().map(|r| report_json(db, r)).collect();
    let prune: Vec<&str> = db
        .reports
        .iter()
        .filter(|r| r.pruned)
        .map(|r| r.id.as_str())
        .collect();
    json!({
        "path": db.root.display().to_string(),
        "layout": db.layout,
        "settings": db.settings,
        "settings_problem": db.settings_problem,
        "uploads_enabled": db.settings.as_ref().map(|s| s.uploads_enabled),
        "client_id": db.settings.as_ref().map(|s| s.client_id.clone()),
        "now": db.now,
        "problems": db.problems,
        "prune": {
            "max_age_days": crate::source::crashpad::PRUNE_MAX_AGE_DAYS,
            "max_size_kib": crate::source::crashpad::PRUNE_MAX_KIB,
            "reports": prune,
        },
        "reports": reports,
    })
}

fn report_json(db: &Database, r: &DbReport) -> Value {
    json!({
        "id": r.id,
        "state": r.state,
        "would_upload": r.state.would_upload(),
        "folder": r.folder,
        "dump": r.dump.as_ref().map(|d| d.display().to_string()),
        "dump_size": r.dump_size,
        "size": r.total_size(),
        "created": r.created(),
        "created_from": r.created_from(),
        "age_days": age_days(db, r),
        "metadata": r.metadata,
        "attachments": r.attachments.iter().map(|a| json!({"name": a.name, "size": a.size})).collect::<Vec<_>>(),
        "lock": r.lock,
        "pruned_by_default": r.pruned,
        "problems": r.problems,
    })
}

/// One report of `show --format json`: the `list` entry, the upload, and the dump's
/// document, written as a stream (the dump's findings one at a time).
pub fn write_report_document(
    w: &mut dyn Write,
    db: &Database,
    view: &ReportView<'_>,
) -> io::Result<()> {
    let mut doc = report_document(db, view);
    match &view.dump {
        Some(dump) => {
            let hole = show_json::Hole::new();
            doc["dump_document"] = hole.value();
            hole.write(w, &doc, |w| show_json::write_show_value(w, dump))
        }
        None => serde_json::to_writer_pretty(&mut *w, &doc).map_err(io::Error::other),
    }
}

/// The report's document with `dump_document` null (filled by the stream).
fn report_document(db: &Database, view: &ReportView<'_>) -> Value {
    let mut doc = report_json(db, view.entry);
    let findings = view.dump.map(|d| d.findings);
    let form = view.form.map(|form| show_json::form_json(form, findings));
    let attachments: Vec<Value> = view
        .attachments
        .iter()
        .map(|a| {
            json!({
                "name": a.name,
                "size": a.size,
                "scanned": a.read,
                "text": a.inventory.fields.iter().any(|f| matches!(f.kind, FieldKind::Attachment { .. })),
                "problem": a.problem.as_ref().map(problem_text),
                "findings": show_json::findings_list(&a.findings.findings),
            })
        })
        .collect();
    if let Value::Object(map) = &mut doc {
        map.insert(
            "upload".into(),
            json!({"form": form, "attachments": attachments}),
        );
        map.insert("dump_document".into(), Value::Null);
        map.insert("dump_error".into(), json!(view.dump_error));
    }
    doc
}
