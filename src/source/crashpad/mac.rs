//! `CrashReportDatabaseMac`: the generic folders, but each `.dmp` carries its metadata in
//! extended attributes (`org.chromium.crashpad.database.*`, older databases
//! `com.googlecode.crashpad.*`), every value an ASCII string.
//!
//! Attributes are read through [`Xattrs`] so that the reader can be tested anywhere: git
//! and zip drop extended attributes, and Linux file systems only keep `user.*` names.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{
    completed_state, is_uuid, pending_state, set_dump, Database, DbReport, Metadata, State,
};

/// The attribute prefixes, newest first.
pub const PREFIXES: [&str; 2] = [
    "org.chromium.crashpad.database.",
    "com.googlecode.crashpad.",
];

/// Read one extended attribute of a file.
pub trait Xattrs {
    fn get(&self, path: &Path, name: &str) -> Option<Vec<u8>>;
}

/// The file system's attributes: the name as macOS writes it, else with Linux's `user.`
/// namespace (how a copy made with `rsync -X` or `tar --xattrs` keeps them on Linux).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemXattrs;

impl Xattrs for SystemXattrs {
    #[cfg(unix)]
    fn get(&self, path: &Path, name: &str) -> Option<Vec<u8>> {
        xattr::get(path, name)
            .ok()
            .flatten()
            .or_else(|| xattr::get(path, format!("user.{name}")).ok().flatten())
    }

    #[cfg(not(unix))]
    fn get(&self, _path: &Path, _name: &str) -> Option<Vec<u8>> {
        None
    }
}

/// Attributes held in memory, keyed by absolute path: for tests and for fixtures whose
/// attributes are kept in a JSON side file.
#[derive(Debug, Clone, Default)]
pub struct MapXattrs(pub BTreeMap<PathBuf, BTreeMap<String, Vec<u8>>>);

impl MapXattrs {
    /// From `{"relative/path": {"name": "value", ...}, ...}` below `root` (`""` = root).
    pub fn from_json(root: &Path, json: &serde_json::Value) -> MapXattrs {
        let mut out = BTreeMap::new();
        if let Some(files) = json.as_object() {
            for (rel, attrs) in files {
                let path = if rel.is_empty() {
                    root.to_path_buf()
                } else {
                    root.join(rel)
                };
                let attrs = attrs
                    .as_object()
                    .map(|a| {
                        a.iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").as_bytes().to_vec()))
                            .collect()
                    })
                    .unwrap_or_default();
                out.insert(path, attrs);
            }
        }
        MapXattrs(out)
    }
}

impl Xattrs for MapXattrs {
    fn get(&self, path: &Path, name: &str) -> Option<Vec<u8>> {
        self.0.get(path)?.get(name).cloned()
    }
}

/// The prefix in use, if the database root (or any report) carries Crashpad's attributes.
pub fn detect(root: &Path, xattrs: &dyn Xattrs) -> Option<&'static str> {
    if let Some(p) = PREFIXES
        .into_iter()
        .find(|p| xattrs.get(root, &format!("{p}initialized")).is_some())
    {
        return Some(p);
    }
    for folder in ["pending", "completed"] {
        let Ok(read) = std::fs::read_dir(root.join(folder)) else {
            continue;
        };
        for entry in read
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .take(16)
        {
            let path = entry.path();
            if let Some(p) = PREFIXES
                .into_iter()
                .find(|p| xattrs.get(&path, &format!("{p}uuid")).is_some())
            {
                return Some(p);
            }
        }
    }
    None
}

pub(super) fn read(db: &mut Database, xattrs: &dyn Xattrs, prefix: &str) {
    for folder in ["new", "pending", "completed"] {
        for (name, path) in super::regular_files(db, folder) {
            let Some(id) = name.strip_suffix(".dmp").filter(|s| is_uuid(s)) else {
                db.problems
                    .push(format!("{folder}/{name}: unexpected file"));
                continue;
            };
            let mut report = DbReport::new(id, folder);
            set_dump(&mut report, &path);
            let text = |suffix: &str| {
                xattrs.get(&path, &format!("{prefix}{suffix}")).map(|v| {
                    String::from_utf8_lossy(&v)
                        .trim_end_matches('\0')
                        .to_string()
                })
            };
            let number = |suffix: &str| text(suffix).and_then(|v| v.trim().parse::<i64>().ok());
            let flag = |suffix: &str| text(suffix).is_some_and(|v| v.trim() == "1");
            if folder == "new" {
                report.state = State::InProgress;
                db.reports.push(report);
                continue;
            }
            let (Some(uuid), Some(created)) = (text("uuid"), number("creation_time")) else {
                report.problems.push(
                    "the dump has lost its metadata (extended attributes): Crashpad cannot list it"
                        .to_string(),
                );
                report.state = State::Unreadable;
                db.reports.push(report);
                continue;
            };
            if !uuid.eq_ignore_ascii_case(id) {
                report.problems.push(format!(
                    "the uuid attribute says {uuid:?}, the file name {id}"
                ));
            }
            let meta = Metadata {
                upload_attempts: number("upload_count").unwrap_or(0),
                last_upload_attempt: number("last_upload_time").unwrap_or(0),
                creation_time: created,
                uploaded: flag("uploaded"),
                upload_requested: flag("upload_explicitly_requested"),
                remote_id: text("id").unwrap_or_default(),
                remote_id_offset: 0,
                header_size: 0,
            };
            report.state = if folder == "pending" {
                pending_state(&meta)
            } else {
                completed_state(&meta)
            };
            report.metadata = Some(meta);
            db.reports.push(report);
        }
    }
}
