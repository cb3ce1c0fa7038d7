//! `show` on a database: the overview, each report with its upload form, and the
//! closing summary.

use super::*;

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
    if marks.brief {
        if let Some(dump) = &view.dump {
            write_show(w, dump, *marks)?;
        }
        return Ok(());
    }
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
pub(super) fn form_ranges(
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

pub(super) fn write_upload(
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
pub(super) fn category_names(findings: &[&Finding]) -> String {
    let mut cats: Vec<Category> = findings.iter().map(|f| f.category).collect();
    cats.sort();
    cats.dedup();
    cats.iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
