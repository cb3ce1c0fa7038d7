//! Crashpad crash report databases, read from their bytes and never written.
//!
//! Crashpad's own API and `crashpad_database_util` write as they read (a missing
//! `settings.dat` is created with a new client id, lock files are created, reports whose
//! metadata does not parse are deleted). This module opens every file read-only, creates
//! nothing, and reports every file it cannot make sense of instead of hiding it.
//!
//! Three layouts (`../shared/crashpad-formats.md`):
//! - generic (Linux, ChromeOS, Android, Fuchsia): `new/`, `pending/`, `completed/` holding
//!   `UUID.dmp` + `UUID.meta` (+ `UUID.lock`), see [`read_meta`];
//! - Windows: one `metadata` file (`CPAD`) and `reports/`, see [`windows`];
//! - macOS: the same folders as generic, metadata in extended attributes of each `.dmp`,
//!   read through the [`mac::Xattrs`] trait.
//!
//! All three share `settings.dat` ([`read_settings`]) and `attachments/UUID/NAME`.

pub mod mac;
pub mod mozilla;
pub mod sentry;
pub mod windows;

mod generic;
mod ids;
mod settings;
#[cfg(test)]
mod tests;

pub(crate) use generic::*;
pub use ids::*;
pub use settings::*;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::le;

/// Crashpad's `CleanDatabase` lock time-to-live (3 days, `prune_crash_reports_thread.cc`).
pub const LOCK_TTL_SECS: i64 = 3 * 86_400;
/// `PruneCondition::GetDefault()`: reports older than this many days are deleted.
pub const PRUNE_MAX_AGE_DAYS: i64 = 365;
/// `PruneCondition::GetDefault()`: the newest reports up to this many KiB are kept.
pub const PRUNE_MAX_KIB: u64 = 128 * 1024;
/// Attachments larger than this are listed but only their first bytes are read.
pub const MAX_ATTACHMENT_READ: u64 = 64 << 20;

/// Which Crashpad implementation wrote the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// `CrashReportDatabaseGeneric`: Linux, ChromeOS, Android, Fuchsia.
    Generic,
    /// `CrashReportDatabaseWin`.
    Windows,
    /// `CrashReportDatabaseMac`: macOS and iOS.
    Mac,
    /// A macOS database copied without its extended attributes (git, zip, cloud
    /// sync): reports are in their folders' states, created when their dumps say.
    #[serde(rename = "mac-metadata-lost")]
    MacWithoutMetadata,
    /// Mozilla's crash reporter (`Crash Reports`: `pending/ID.dmp` + `ID.extra`,
    /// `submitted/`): not Crashpad, read the same way.
    Mozilla,
    /// sentry-native's database without a Crashpad database in it (the Breakpad or
    /// in-process backend): its run folders.
    #[serde(rename = "sentry-native")]
    SentryNative,
}

impl Layout {
    pub fn describe(self) -> &'static str {
        match self {
            Layout::Generic => "Linux layout",
            Layout::Windows => "Windows layout",
            Layout::Mac => "macOS layout",
            Layout::MacWithoutMetadata => "macOS layout, metadata lost in a copy",
            Layout::Mozilla => "Mozilla crash reporter",
            Layout::SentryNative => "sentry-native database",
        }
    }
}

/// `settings.dat`.
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    pub version: u32,
    pub uploads_enabled: bool,
    /// Unix seconds; 0 means never.
    pub last_upload_attempt: i64,
    pub client_id: String,
    /// The file's size (40, or more from a newer writer).
    pub size: u64,
}

/// A report's state as a person understands it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Asked for explicitly (`RequestUpload`): sent even while uploads are disabled.
    UploadRequested,
    /// Waiting; sent when uploads are enabled (that is, when consent is given).
    Pending,
    /// Being uploaded right now (Windows `kUploading`).
    Uploading,
    /// Still being written (`new/`), or abandoned while being written.
    InProgress,
    /// Uploaded; the server's reply is the remote id.
    Sent,
    /// Never sent: uploads were disabled or rate-limited when it was handled.
    Skipped,
    /// An upload was attempted and failed; Crashpad does not retry.
    Failed,
    /// A dump without metadata or metadata without a dump: Crashpad deletes these.
    Orphaned,
    /// In `completed/` of a database whose metadata was lost: sent or skipped, no
    /// longer known which.
    Completed,
    /// Metadata that does not parse: Crashpad deletes these.
    Unreadable,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::UploadRequested => "upload-requested",
            State::Pending => "pending",
            State::Uploading => "uploading",
            State::InProgress => "in-progress",
            State::Sent => "sent",
            State::Skipped => "skipped",
            State::Failed => "failed",
            State::Orphaned => "orphaned",
            State::Completed => "completed",
            State::Unreadable => "unreadable",
        }
    }

    /// Whether giving consent would upload it.
    pub fn would_upload(self) -> bool {
        matches!(self, State::Pending | State::UploadRequested)
    }
}

/// A report's metadata, whatever the layout stored it in.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Metadata {
    pub upload_attempts: i64,
    /// Unix seconds; 0 means never.
    pub last_upload_attempt: i64,
    pub creation_time: i64,
    pub uploaded: bool,
    pub upload_requested: bool,
    /// The server's reply to a successful upload, stored verbatim (lossy UTF-8).
    pub remote_id: String,
    /// Where the remote id's bytes are in the metadata file (generic layout).
    #[serde(skip)]
    pub remote_id_offset: u64,
    /// 32 for 64-bit writers, 24 for 32-bit writers (generic layout), 0 otherwise.
    #[serde(skip_serializing_if = "is_zero")]
    pub header_size: u64,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// One file of `attachments/UUID/`.
#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    pub name: String,
    pub path: PathBuf,
    pub size: u64,
}

/// A `UUID.lock` file next to a report.
#[derive(Debug, Clone, Serialize)]
pub struct Lock {
    pub path: PathBuf,
    /// When the lock was taken (Unix seconds), if the file says.
    pub taken: Option<i64>,
    /// Older than Crashpad's lock TTL: the holder is gone, and Crashpad will delete the
    /// report with its lock.
    pub expired: bool,
}

/// One report of a database.
#[derive(Debug, Clone, Serialize)]
pub struct DbReport {
    /// The local report id (the file name).
    pub id: String,
    pub state: State,
    /// The folder the dump is in (`pending`, `completed`, `new`, `reports`).
    pub folder: String,
    pub dump: Option<PathBuf>,
    pub dump_size: u64,
    /// The dump's modification time (Unix seconds): the creation time of a report
    /// that has no metadata yet.
    #[serde(skip)]
    pub dump_mtime: Option<i64>,
    /// When the dump says it was written (its header's time stamp), for reports whose
    /// metadata was lost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dump_time: Option<i64>,
    pub metadata_file: Option<PathBuf>,
    pub metadata: Option<Metadata>,
    pub attachments: Vec<Attachment>,
    pub lock: Option<Lock>,
    /// Crashpad's default pruning would delete it (see [`prune_candidates`]).
    #[serde(rename = "pruned_by_default")]
    pub pruned: bool,
    /// What is wrong with this report's files, in words a person understands.
    pub problems: Vec<String>,
}

impl DbReport {
    fn new(id: &str, folder: &str) -> DbReport {
        DbReport {
            id: id.to_string(),
            state: State::Orphaned,
            folder: folder.to_string(),
            dump: None,
            dump_size: 0,
            dump_mtime: None,
            dump_time: None,
            metadata_file: None,
            metadata: None,
            attachments: Vec::new(),
            lock: None,
            pruned: false,
            problems: Vec::new(),
        }
    }

    /// The dump plus its attachments: the figure Crashpad's pruning uses.
    pub fn total_size(&self) -> u64 {
        self.dump_size + self.attachments.iter().map(|a| a.size).sum::<u64>()
    }

    /// Where [`created`](Self::created) comes from: `metadata`, `dump` (its header's time
    /// stamp, when the metadata was lost) or `file` (the dump's modification time).
    pub fn created_from(&self) -> Option<&'static str> {
        let from_meta = self.metadata.as_ref().is_some_and(|m| m.creation_time != 0);
        if from_meta {
            Some("metadata")
        } else if self.dump_time.is_some() {
            Some("dump")
        } else if self.dump_mtime.is_some() {
            Some("file")
        } else {
            None
        }
    }

    /// The creation time from the metadata, else the dump's own time stamp (when the
    /// metadata was lost), else the dump's modification time.
    pub fn created(&self) -> Option<i64> {
        self.metadata
            .as_ref()
            .map(|m| m.creation_time)
            .filter(|&t| t != 0)
            .or(self.dump_time)
            .or(self.dump_mtime)
    }
}

/// A whole database.
#[derive(Debug, Clone, Serialize)]
pub struct Database {
    pub root: PathBuf,
    pub layout: Layout,
    pub settings: Option<Settings>,
    /// Why `settings.dat` could not be read (missing, short, wrong magic...).
    pub settings_problem: Option<SettingsError>,
    /// Pending first, then by creation time, newest first.
    pub reports: Vec<DbReport>,
    /// What is wrong with the database itself (unexpected files, orphaned attachments).
    pub problems: Vec<String>,
    /// Entries that exist but could not be read (a folder that cannot be listed, an
    /// unreadable settings.dat): what they hold is unknown, so an audit fails on each.
    /// Each is also one of `problems`.
    #[serde(skip)]
    pub unreadable: Vec<(PathBuf, String)>,
    /// Entries deliberately not opened where a dump, metadata or attachment is expected:
    /// symbolic links (never followed), FIFOs, sockets, devices, folders. What they hold
    /// was not read, so an audit fails on each and a scrub does not pass them silently.
    /// Each is also one of `problems`.
    #[serde(skip)]
    pub not_read: Vec<(PathBuf, String)>,
    /// The time "now" used for ages, lock expiry and pruning (Unix seconds).
    #[serde(skip)]
    pub now: i64,
}

/// Why a path is not a database at all.
#[derive(Debug, thiserror::Error)]
#[error("{}: {reason}", .path.display())]
pub struct NotADatabase {
    pub path: PathBuf,
    pub reason: String,
}

/// Whether a directory looks like a Crashpad database (any of its marker entries).
pub fn looks_like_database(dir: &Path) -> bool {
    has_crashpad_entries(dir) || sentry::detect(dir)
}

fn has_crashpad_entries(dir: &Path) -> bool {
    [
        "settings.dat",
        "metadata",
        "pending",
        "completed",
        "new",
        "reports",
    ]
    .iter()
    .any(|name| dir.join(name).exists())
}

/// Open the database at `root` with the system's extended attributes (macOS layout).
pub fn open(root: &Path, now: i64) -> Result<Database, NotADatabase> {
    open_with(root, &mac::SystemXattrs, now)
}

/// Open the database at `root`, reading macOS metadata through `xattrs`. Never writes.
pub fn open_with(
    root: &Path,
    xattrs: &dyn mac::Xattrs,
    now: i64,
) -> Result<Database, NotADatabase> {
    if !root.is_dir() || !looks_like_database(root) {
        return Err(NotADatabase {
            path: root.to_path_buf(),
            reason: "is a directory, but neither a minidump nor a Crashpad database \
                     (no settings.dat, metadata, pending/, completed/, new/ or reports/)"
                .to_string(),
        });
    }
    let settings_path = root.join("settings.dat");
    let (settings, settings_problem) = match read_settings(&settings_path) {
        Ok(s) => (Some(s), None),
        Err(e) => (None, Some(e)),
    };
    let mut db = Database {
        root: root.to_path_buf(),
        layout: Layout::Generic,
        settings,
        settings_problem,
        reports: Vec::new(),
        problems: Vec::new(),
        unreadable: Vec::new(),
        not_read: Vec::new(),
        now,
    };
    if let Some(problem @ SettingsError::Unreadable(_)) = &db.settings_problem {
        db.unreadable
            .push((settings_path.clone(), problem.to_string()));
    }
    let sentry_runs = sentry::detect(root);
    if sentry_runs && !has_crashpad_entries(root) {
        db.layout = Layout::SentryNative;
        db.settings_problem = None;
        db.unreadable.retain(|(p, _)| p != &settings_path);
    } else if mozilla::detect(root) {
        db.layout = Layout::Mozilla;
        // The reporter keeps no settings file: consent is asked crash by crash.
        db.settings_problem = None;
        db.unreadable.retain(|(p, _)| p != &settings_path);
        mozilla::read(&mut db);
    } else if root.join("metadata").is_file() || root.join("reports").is_dir() {
        db.layout = Layout::Windows;
        windows::read(&mut db);
    } else if let Some(prefix) = mac::detect(root, xattrs) {
        db.layout = Layout::Mac;
        mac::read(&mut db, xattrs, prefix);
    } else {
        read_generic(&mut db);
        let finished = db
            .reports
            .iter()
            .filter(|r| r.folder != "new" && r.dump.is_some());
        let bare = finished
            .clone()
            .filter(|r| r.metadata_file.is_none())
            .count();
        let all_bare = bare > 0 && bare == finished.count();
        if all_bare && written_on_macos(&db) {
            metadata_lost(&mut db);
        } else if all_bare {
            db.problems.push(format!(
                "no report has a .meta file: if this is a macOS database, its metadata lives in \
                 extended attributes, which git, zip and most copies drop ({bare} report{} unreadable)",
                if bare == 1 { "" } else { "s" }
            ));
        }
    }
    // sentry-native keeps its run folders beside its Crashpad database (or alone).
    if sentry_runs {
        sentry::read(&mut db);
    }
    attach(&mut db);
    db.reports.sort_by(|a, b| {
        (!a.state.would_upload(), a.state)
            .cmp(&(!b.state.would_upload(), b.state))
            .then(b.created().cmp(&a.created()))
            .then(a.id.cmp(&b.id))
    });
    // Pruning is Crashpad's; Mozilla's reporter and sentry-native keep their own rules.
    let pruned: std::collections::BTreeSet<String> =
        if matches!(db.layout, Layout::Mozilla | Layout::SentryNative) {
            Default::default()
        } else {
            prune_candidates(&db).into_iter().collect()
        };
    for r in &mut db.reports {
        r.pruned = pruned.contains(&r.id);
    }
    Ok(db)
}

impl Database {
    /// `what` exists below the root but cannot be read: a problem, and unreadable.
    /// An entry that was not opened (a link, FIFO, socket, device or folder).
    pub(crate) fn not_opened(&mut self, rel: &str, what: &str) {
        self.problems.push(format!("{rel}: {what}"));
        self.not_read.push((self.root.join(rel), what.to_string()));
    }

    pub(crate) fn cannot_read(&mut self, rel: &str, e: &std::io::Error) {
        self.problems.push(format!("{rel}: cannot be read: {e}"));
        self.unreadable
            .push((self.root.join(rel), format!("cannot be read: {e}")));
    }
}

/// An attachment's bytes, at most [`MAX_ATTACHMENT_READ`]; `true` when the file holds
/// more than was read.
/// The content of a gzip file (`ID.memory.json.gz`: Firefox's memory report), which
/// an upload carries compressed and a server opens: `None` when `bytes` are not gzip;
/// else at most [`MAX_ATTACHMENT_READ`] bytes and whether there was more, or why the
/// data cannot be read (then nothing in it was judged).
pub fn gunzip(bytes: &[u8]) -> Option<std::io::Result<(Vec<u8>, bool)>> {
    use std::io::Read;
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return None;
    }
    let mut out = Vec::new();
    // Bounded: a small file can claim gigabytes (a "zip bomb").
    let read = flate2::read::MultiGzDecoder::new(bytes)
        .take(MAX_ATTACHMENT_READ + 1)
        .read_to_end(&mut out);
    Some(read.map(|_| {
        let truncated = out.len() as u64 > MAX_ATTACHMENT_READ;
        out.truncate(MAX_ATTACHMENT_READ as usize);
        (out, truncated)
    }))
}

pub fn read_attachment(path: &Path) -> std::io::Result<(Vec<u8>, bool)> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_ATTACHMENT_READ + 1)
        .read_to_end(&mut bytes)?;
    let truncated = bytes.len() as u64 > MAX_ATTACHMENT_READ;
    bytes.truncate(MAX_ATTACHMENT_READ as usize);
    Ok((bytes, truncated))
}

/// Which reports Crashpad's default pruning (`PruneCondition::GetDefault`) would delete:
/// pending and completed reports, newest first, once their running size passes 128 MiB
/// or when created more than 365 days before today. Returns report ids.
pub fn prune_candidates(db: &Database) -> Vec<String> {
    let mut listed: Vec<&DbReport> = db
        .reports
        .iter()
        .filter(|r| r.metadata.is_some() && r.dump.is_some())
        .filter(|r| !matches!(r.state, State::InProgress | State::Orphaned))
        // Crashpad cannot lock a report someone else holds, and skips it.
        .filter(|r| r.lock.as_ref().is_none_or(|l| l.expired))
        .collect();
    listed.sort_by_key(|r| std::cmp::Reverse(r.created()));
    let oldest = (db.now - PRUNE_MAX_AGE_DAYS * 86_400).div_euclid(86_400) * 86_400;
    let mut kib = 0u64;
    let mut out = Vec::new();
    for r in listed {
        kib += r.total_size().div_ceil(1024);
        let too_big = kib > PRUNE_MAX_KIB;
        let too_old = r.created().unwrap_or(0) < oldest;
        if too_big || too_old {
            out.push(r.id.clone());
        }
    }
    out
}

/// Now, in Unix seconds; `CRASHSCOPE_NOW` (Unix seconds) overrides the clock, so that
/// ages, lock expiry and pruning are reproducible (tests, documentation).
pub fn unix_now() -> i64 {
    if let Some(now) = std::env::var("CRASHSCOPE_NOW")
        .ok()
        .and_then(|v| v.trim().parse().ok())
    {
        return now;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
