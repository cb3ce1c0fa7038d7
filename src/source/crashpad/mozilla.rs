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
    let ids: std::collections::HashSet<&str> = listed
        .iter()
        .filter_map(|(n, _)| n.strip_suffix(".dmp"))
        .collect();
    // Each file's report, worked out once.
    let mut parts: std::collections::HashMap<&str, Vec<&(String, std::fs::FileType)>> =
        std::collections::HashMap::new();
    for entry in &listed {
        if let Some(id) = owner(&entry.0, &ids) {
            parts.entry(id).or_default().push(entry);
        }
    }
    for (name, kind) in &listed {
        let rel = format!("pending/{name}");
        // `ID-browser.dmp` and other minidumps of one crash travel with `ID.dmp`.
        let Some(id) = name
            .strip_suffix(".dmp")
            .filter(|id| !is_companion(id, &ids))
        else {
            if owner(name, &ids).is_none() {
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
                name: extra_name.clone(),
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
        // Every other file of the report (`ID.memory.json.gz`, the memory report;
        // `ID-browser.dmp`, the other process's minidump) goes with it: read as an
        // attachment, or named as not read.
        for (other, other_kind) in parts.get(id).into_iter().flatten().copied() {
            if *other == extra_name {
                continue;
            }
            let path = db.root.join("pending").join(other);
            if !other_kind.is_file() {
                db.not_opened(
                    &format!("pending/{other}"),
                    "not a regular file (a link, FIFO, socket or device), not read",
                );
                continue;
            }
            let size = std::fs::symlink_metadata(&path).map_or(0, |m| m.len());
            report.attachments.push(Attachment {
                name: other.clone(),
                path,
                size,
            });
        }
        db.reports.push(report);
    }
    // An `.extra` without its dump is sent by nobody, but still holds data.
    for (name, _) in &listed {
        if let Some(id) = name.strip_suffix(".extra") {
            if !ids.contains(id) {
                db.problems
                    .push(format!("pending/{name}: annotations without their dump"));
            }
        }
    }
}

/// The report id a pending file belongs to: the longest `ID` among the pending dumps
/// (`ids`) such that the name is `ID.…` or `ID-….dmp`. Looked up at each `.` and `-` of
/// the name, so a folder of many files costs their names' length, not their count squared.
fn owner<'a>(name: &str, ids: &std::collections::HashSet<&'a str>) -> Option<&'a str> {
    let own = name.strip_suffix(".dmp");
    name.char_indices()
        .rev()
        .filter(|(i, c)| {
            (*c == '.' && *i + 1 < name.len()) || (*c == '-' && name.ends_with(".dmp"))
        })
        .filter_map(|(i, _)| ids.get(&name[..i]).copied())
        .find(|id| Some(*id) != own)
}

/// Whether the dump `id` (`ID-browser`) is a companion of another pending dump.
fn is_companion(id: &str, ids: &std::collections::HashSet<&str>) -> bool {
    owner(&format!("{id}.dmp"), ids).is_some()
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
