//! The generic layout's folders (`new/`, `pending/`, `completed/`, `attachments/`), read
//! without following links and without writing: reports, their dumps, locks and
//! attachments, and what a copy that dropped macOS attributes lost.

use super::*;

/// The files of one report id inside one folder.
#[derive(Default)]
pub(super) struct Entry {
    dump: Option<PathBuf>,
    meta: Option<PathBuf>,
    lock: Option<PathBuf>,
}

/// The regular files of `root/folder`, by name, sorted. Anything else is reported and
/// skipped, never followed: a symbolic link (it could lead out of the database or loop),
/// a folder, a FIFO (opening one blocks), a device. So is a `folder` that is itself a
/// link, or that cannot be read.
pub(crate) fn regular_files(db: &mut Database, folder: &str) -> Vec<(String, PathBuf)> {
    let dir = db.root.join(folder);
    match std::fs::symlink_metadata(&dir) {
        Err(_) => return Vec::new(),
        Ok(m) if m.file_type().is_symlink() => {
            db.problems
                .push(format!("{folder}/: a symbolic link, not followed"));
            return Vec::new();
        }
        Ok(m) if !m.is_dir() => {
            db.problems.push(format!("{folder}: not a folder"));
            return Vec::new();
        }
        Ok(_) => {}
    }
    let read = match std::fs::read_dir(&dir) {
        Ok(read) => read,
        Err(e) => {
            db.cannot_read(&format!("{folder}/"), &e);
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for entry in read {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                db.cannot_read(&format!("{folder}/"), &e);
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        match entry.file_type() {
            Ok(t) if t.is_file() => out.push((name, entry.path())),
            Ok(t) if t.is_symlink() => {
                db.not_opened(&format!("{folder}/{name}"), "a symbolic link, not followed")
            }
            Ok(t) if t.is_dir() => {
                db.not_opened(&format!("{folder}/{name}"), "unexpected folder, not read")
            }
            Ok(_) => db.not_opened(
                &format!("{folder}/{name}"),
                "not a regular file (a FIFO, socket or device), not opened",
            ),
            Err(e) => db.problems.push(format!("{folder}/{name}: {e}")),
        }
    }
    out.sort();
    out
}

/// List a folder's `UUID.ext` files, grouped by id; anything else is a problem.
pub(super) fn list_folder(
    db: &mut Database,
    folder: &str,
    exts: &[&str],
) -> BTreeMap<String, Entry> {
    let mut out: BTreeMap<String, Entry> = BTreeMap::new();
    for (name, path) in regular_files(db, folder) {
        let Some((stem, ext)) = name.rsplit_once('.') else {
            db.problems
                .push(format!("{folder}/{name}: unexpected file"));
            continue;
        };
        if !is_uuid(stem) || !exts.contains(&ext) {
            db.problems
                .push(format!("{folder}/{name}: unexpected file"));
            continue;
        }
        let e = out.entry(stem.to_string()).or_default();
        match ext {
            "dmp" => e.dump = Some(path),
            "meta" => e.meta = Some(path),
            _ => e.lock = Some(path),
        }
    }
    out
}

pub(super) fn read_generic(db: &mut Database) {
    let folders = ["new", "pending", "completed"];
    let mut listed: Vec<(&str, BTreeMap<String, Entry>)> = Vec::new();
    for folder in folders {
        listed.push((folder, list_folder(db, folder, &["dmp", "meta", "lock"])));
    }
    // The dump's folder is authoritative; a report moving between states can briefly
    // have files in two folders.
    let mut ids: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, (_, entries)) in listed.iter().enumerate() {
        for id in entries.keys() {
            ids.entry(id.clone()).or_default().push(i);
        }
    }
    for (id, places) in ids {
        let home = places
            .iter()
            .rev()
            .copied()
            .find(|&i| listed[i].1[&id].dump.is_some())
            .unwrap_or(*places.last().unwrap_or(&0));
        let folder = listed[home].0;
        let mut report = DbReport::new(&id, folder);
        let entry = &listed[home].1[&id];
        if let Some(dump) = &entry.dump {
            set_dump(&mut report, dump);
        }
        let meta_path = entry.meta.clone().or_else(|| {
            places
                .iter()
                .find_map(|&i| listed[i].1[&id].meta.clone())
                .inspect(|p| {
                    report.problems.push(format!(
                        "metadata is in {}, the dump in {folder}/: the report is moving between states",
                        parent_name(p)
                    ))
                })
        });
        for &i in &places {
            if i != home && listed[i].1[&id].dump.is_some() {
                report.problems.push(format!(
                    "a second dump of this report is in {}/",
                    listed[i].0
                ));
            }
        }
        if let Some(lock) = entry
            .lock
            .clone()
            .or_else(|| places.iter().find_map(|&i| listed[i].1[&id].lock.clone()))
        {
            report.lock = Some(read_lock(&lock, db.now));
        }
        if let Some(meta_path) = meta_path {
            report.metadata_file = Some(meta_path.clone());
            match crate::fsutil::read_small(&meta_path, crate::fsutil::SMALL_FILE)
                .map_err(|e| format!("metadata: cannot read: {e}"))
            {
                Ok(bytes) => match read_meta(&bytes) {
                    Ok(meta) => report.metadata = Some(meta),
                    Err(e) => report.problems.push(e),
                },
                Err(e) => report.problems.push(e),
            }
        }
        report.state = match (folder, report.dump.is_some(), &report.metadata) {
            (_, true, None) if report.metadata_file.is_some() => State::Unreadable,
            ("new", true, _) => State::InProgress,
            (_, true, None) => {
                report.problems.push(ORPHANED_DUMP.to_string());
                State::Orphaned
            }
            (_, false, _) => {
                let what = if report.metadata_file.is_some() {
                    "metadata without a dump"
                } else {
                    "a lock file without a dump or metadata"
                };
                report
                    .problems
                    .push(format!("{what}: Crashpad deletes such orphans"));
                State::Orphaned
            }
            ("pending", true, Some(meta)) => pending_state(meta),
            (_, true, Some(meta)) => completed_state(meta),
        };
        db.reports.push(report);
    }
}

pub(super) fn parent_name(p: &Path) -> String {
    p.parent()
        .and_then(|d| d.file_name())
        .map(|n| format!("{}/", n.to_string_lossy()))
        .unwrap_or_default()
}

/// Record the dump's path, size and modification time.
pub(super) fn set_dump(report: &mut DbReport, path: &Path) {
    match std::fs::metadata(path) {
        Ok(m) => {
            report.dump_size = m.len();
            report.dump_mtime = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_secs() as i64);
        }
        Err(e) => report
            .problems
            .push(format!("the dump cannot be read: {e}")),
    }
    report.dump = Some(path.to_path_buf());
}

/// A lock file holds one native `time_t`: when the lock was taken.
pub(super) fn read_lock(path: &Path, now: i64) -> Lock {
    let taken = crate::fsutil::read_small(path, crate::fsutil::SMALL_FILE)
        .ok()
        .and_then(|b| match b.len() {
            8 => le::i64(&b, 0),
            4 => le::u32(&b, 0).map(i64::from),
            _ => None,
        });
    Lock {
        path: path.to_path_buf(),
        taken,
        expired: taken.is_some_and(|t| now >= t.saturating_add(LOCK_TTL_SECS)),
    }
}

/// The time stamp and platform of a minidump: its header's `TimeDateStamp`, and the
/// `PlatformId` of its system info stream (read from the first bytes and the directory,
/// at most 1,024 entries).
pub(super) fn dump_header(path: &Path) -> Option<(u32, Option<u32>)> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).ok()?;
    let mut head = [0u8; 32];
    f.read_exact(&mut head).ok()?;
    if &head[..4] != b"MDMP" {
        return None;
    }
    let time = le::u32(&head, 20)?;
    let (count, dir) = (le::u32(&head, 8)?.min(1024), le::u32(&head, 12)?);
    let mut directory = vec![0u8; count as usize * 12];
    crate::fsutil::read_exact_at(&f, &mut directory, u64::from(dir)).ok()?;
    let platform = directory.chunks_exact(12).find_map(|e| {
        (le::u32(e, 0)? == 7).then_some(())?;
        let mut info = [0u8; 24];
        crate::fsutil::read_exact_at(&f, &mut info, u64::from(le::u32(e, 8)?)).ok()?;
        le::u32(&info, 20)
    });
    Some((time, platform))
}

/// Whether a finished dump of the database was written on macOS or iOS.
pub(super) fn written_on_macos(db: &Database) -> bool {
    db.reports
        .iter()
        .filter(|r| r.folder != "new")
        .filter_map(|r| r.dump.as_deref())
        .take(16)
        .any(|d| matches!(dump_header(d), Some((_, Some(0x8101 | 0x8102)))))
}

/// The problem of a dump without metadata, which Crashpad deletes.
const ORPHANED_DUMP: &str = "the dump has no metadata (.meta): Crashpad deletes such orphans";

/// A macOS database whose extended attributes a copy dropped: each report takes the
/// state of its folder (`pending/` waits for consent, `completed/` was sent or skipped)
/// and its creation time from its dump's header, and says so.
pub(super) fn metadata_lost(db: &mut Database) {
    db.layout = Layout::MacWithoutMetadata;
    db.problems.push(
        "the metadata of this macOS database was lost in a copy (macOS keeps it in extended \
         attributes, which git, zip and cloud sync drop): states come from the folders, \
         creation times from the dumps"
            .to_string(),
    );
    for r in &mut db.reports {
        if r.metadata_file.is_some() {
            continue;
        }
        let Some(dump) = r.dump.clone() else { continue };
        r.state = match r.folder.as_str() {
            "pending" => State::Pending,
            "completed" => State::Completed,
            _ => r.state,
        };
        // The metadata was lost, not missing: the report is no orphan.
        r.problems.retain(|p| p != ORPHANED_DUMP);
        if let Some((time, _)) = dump_header(&dump).filter(|(t, _)| *t != 0) {
            r.dump_time = Some(i64::from(time));
            r.problems.push(
                "metadata lost: state from its folder, created when its dump says".to_string(),
            );
        }
    }
}

/// Attach `attachments/UUID/*` to their reports; directories of unknown reports are
/// orphans (Crashpad deletes them).
pub(super) fn attach(db: &mut Database) {
    let dir = db.root.join("attachments");
    let read = match std::fs::read_dir(&dir) {
        Ok(read) => read,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Err(e) => return db.cannot_read("attachments/", &e),
    };
    let mut by_id: BTreeMap<String, Vec<Attachment>> = BTreeMap::new();
    for entry in read {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                db.cannot_read("attachments/", &e);
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            // A link to a folder of attachments, or a file where a folder should be.
            db.not_opened(
                &format!("attachments/{name}"),
                "not a folder (a link or a file), not read",
            );
            continue;
        }
        if !is_uuid(&name) {
            db.problems
                .push(format!("attachments/{name}: unexpected entry"));
            continue;
        }
        let mut files = Vec::new();
        // A report's attachments are uploaded with it: a folder that cannot be listed
        // (or a file whose type cannot be told) is unreadable, never "no attachments".
        match std::fs::read_dir(entry.path()) {
            Ok(inner) => {
                for file in inner {
                    let file = match file {
                        Ok(file) => file,
                        Err(e) => {
                            db.cannot_read(&format!("attachments/{name}/"), &e);
                            continue;
                        }
                    };
                    let fname = file.file_name().to_string_lossy().into_owned();
                    match file.metadata() {
                        Ok(m) if m.is_file() => files.push(Attachment {
                            name: fname,
                            path: file.path(),
                            size: m.len(),
                        }),
                        Ok(_) => db.not_opened(
                            &format!("attachments/{name}/{fname}"),
                            "not a regular file (a link, FIFO, socket or device), not read",
                        ),
                        Err(e) => db.cannot_read(&format!("attachments/{name}/{fname}"), &e),
                    }
                }
            }
            Err(e) => db.cannot_read(&format!("attachments/{name}/"), &e),
        }
        files.sort_by(|a, b| a.name.cmp(&b.name));
        by_id.insert(name, files);
    }
    for report in &mut db.reports {
        if let Some(files) = by_id.remove(&report.id) {
            for f in &files {
                if !attachment_name_ok(&f.name) {
                    report.problems.push(format!(
                        "attachment {:?}: a name Crashpad would not have written",
                        f.name
                    ));
                }
            }
            report.attachments = files;
        }
    }
    for id in by_id.keys() {
        db.problems.push(format!(
            "attachments/{id}/: belongs to no report (Crashpad deletes orphaned attachments)"
        ));
    }
}
