//! The database and its reports as JSON (`list --format json`, `show --format json`).

use super::*;

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

pub(super) fn report_json(db: &Database, r: &DbReport) -> Value {
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
    let doc = report_document(db, view);
    match &view.dump {
        Some(dump) => show_json::write_streaming(w, &doc, "dump_document", |w| {
            show_json::write_show_value(w, dump)
        }),
        None => serde_json::to_writer_pretty(&mut *w, &doc).map_err(io::Error::other),
    }
}

/// The report's document with `dump_document` null (filled by the stream).
pub(super) fn report_document(db: &Database, view: &ReportView<'_>) -> Value {
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
