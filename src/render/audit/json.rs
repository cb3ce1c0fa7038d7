//! The audit as one JSON document, and as JSON Lines (documented in `docs/audit.md`).

use super::*;

pub(super) fn json_file(
    w: &mut impl Write,
    run: &AuditRun<'_>,
    file: &AuditedFile,
) -> io::Result<()> {
    for (i, (f, v, fp)) in file.judged.with_fingerprints().enumerate() {
        if i > 0 {
            w.write_all(b",\n")?;
        }
        w.write_all(b"    ")?;
        serde_json::to_writer(&mut *w, &finding_json(run, file, f, v, fp))?;
    }
    Ok(())
}

/// `--format json`: one document (also what `--baseline` reads). The findings array
/// holds one compact object a line.
pub(super) fn json_finish(
    w: &mut impl Write,
    run: &AuditRun<'_>,
    files: &[FileReport],
) -> io::Result<()> {
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
        "fingerprints": fingerprints_json(run.policy),
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

pub(super) fn jsonl_file(
    w: &mut impl Write,
    run: &AuditRun<'_>,
    file: &AuditedFile,
) -> io::Result<()> {
    for (f, v, fp) in file.judged.with_fingerprints() {
        let mut o = finding_json(run, file, f, v, fp);
        o.kind = Some("finding");
        serde_json::to_writer(&mut *w, &o)?;
        w.write_all(b"\n")?;
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

/// How this run's fingerprints were made (docs/audit.md): a baseline made with another
/// key is refused by its `key_id`, which reveals nothing of the key.
fn fingerprints_json(policy: &crate::audit::Policy) -> Value {
    match policy.key {
        Some(key) => json!({"scheme": "keyed", "key_id": key.id()}),
        None => json!({"scheme": "place", "key_id": null}),
    }
}
