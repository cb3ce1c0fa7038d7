//! `list`: a database's consent, install id, reports and retention, as a table.

use super::*;

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
