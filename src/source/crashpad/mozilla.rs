//! Mozilla's crash reporter store (Firefox, Thunderbird): a profile root's
//! `Crash Reports` folder, read as a database of reports.
//!
//! - `pending/ID.dmp` with `ID.extra` beside it: a report waiting to be sent. The `.extra`
//!   file holds the annotations the reporter uploads as form fields with the dump (JSON in
//!   current versions, `key=value` lines in old ones); here it is the report's attachment,
//!   scanned and shown field by field.
//! - `submitted/bp-ID.txt`: a report already sent; the file holds the server's crash id.
//! - `InstallTime*`, `LastCrash`, `events/`: the reporter's own bookkeeping.
//!
//! There is no `settings.dat`: the reporter asks for consent crash by crash (or sends
//! automatically when the user chose so in the browser's settings).

use std::path::Path;

use super::{dump_header, set_dump, Attachment, Database, DbReport, Metadata, State};

/// Whether `root` is a Mozilla `Crash Reports` folder rather than a Crashpad database.
pub fn detect(root: &Path) -> bool {
    if root.join("settings.dat").exists()
        || root.join("completed").exists()
        || root.join("new").exists()
    {
        return false;
    }
    let any = |dir: &Path, f: &dyn Fn(&str) -> bool| {
        std::fs::read_dir(dir)
            .is_ok_and(|mut r| r.any(|e| e.is_ok_and(|e| f(&e.file_name().to_string_lossy()))))
    };
    root.join("submitted").is_dir()
        || any(&root.join("pending"), &|n| n.ends_with(".extra"))
        || any(root, &|n| n.starts_with("InstallTime") || n == "LastCrash")
}

/// Read the reports of a Mozilla store into `db`.
pub fn read(db: &mut Database) {
    read_pending(db);
    read_submitted(db);
}

fn entries(db: &mut Database, folder: &str) -> Vec<(String, std::fs::FileType)> {
    let read = match std::fs::read_dir(db.root.join(folder)) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            db.cannot_read(&format!("{folder}/"), &e);
            return Vec::new();
        }
    };
    let mut out: Vec<(String, std::fs::FileType)> = read
        .flatten()
        .filter_map(|e| {
            Some((
                e.file_name().to_string_lossy().into_owned(),
                e.file_type().ok()?,
            ))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn read_pending(db: &mut Database) {
    let listed = entries(db, "pending");
    for (name, kind) in &listed {
        let rel = format!("pending/{name}");
        let Some(id) = name.strip_suffix(".dmp") else {
            if !name.ends_with(".extra") && !name.ends_with(".memory.json.gz") {
                db.problems
                    .push(format!("{rel}: not a file the crash reporter writes"));
            }
            continue;
        };
        if !kind.is_file() {
            db.not_opened(
                &rel,
                "not a regular file (a link, FIFO, socket or device), not read",
            );
            continue;
        }
        let mut report = DbReport::new(id, "pending");
        report.state = State::Pending;
        let dump = db.root.join(&rel);
        set_dump(&mut report, &dump);
        if let Some((time, _)) = dump_header(&dump).filter(|(t, _)| *t != 0) {
            report.dump_time = Some(i64::from(time));
        }
        let extra_name = format!("{id}.extra");
        let extra = db.root.join("pending").join(&extra_name);
        match std::fs::symlink_metadata(&extra) {
            Ok(m) if m.is_file() => report.attachments.push(Attachment {
                name: extra_name,
                path: extra,
                size: m.len(),
            }),
            Ok(_) => db.not_opened(
                &format!("pending/{extra_name}"),
                "not a regular file (a link, FIFO, socket or device), not read",
            ),
            Err(_) => report.problems.push(
                "no .extra file: the reporter would send the dump without annotations".into(),
            ),
        }
        db.reports.push(report);
    }
    // An `.extra` without its dump is sent by nobody, but still holds data.
    for (name, _) in &listed {
        if let Some(id) = name.strip_suffix(".extra") {
            if !listed.iter().any(|(n, _)| n == &format!("{id}.dmp")) {
                db.problems
                    .push(format!("pending/{name}: annotations without their dump"));
            }
        }
    }
}

fn read_submitted(db: &mut Database) {
    for (name, kind) in entries(db, "submitted") {
        let Some(id) = name.strip_suffix(".txt") else {
            continue;
        };
        let path = db.root.join("submitted").join(&name);
        let mut report = DbReport::new(id, "submitted");
        report.state = State::Sent;
        let created = std::fs::symlink_metadata(&path)
            .ok()
            .filter(|_| kind.is_file())
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs() as i64);
        // The file says "Crash ID: bp-…"; the id is also its name.
        report.metadata = Some(Metadata {
            uploaded: true,
            creation_time: created,
            remote_id: id.to_string(),
            ..Metadata::default()
        });
        report.metadata_file = Some(path);
        db.reports.push(report);
    }
}
