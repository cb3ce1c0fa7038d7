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
    pub settings_problem: Option<String>,
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
    if let Some(problem) = &db.settings_problem {
        if problem.starts_with(SETTINGS_UNREADABLE) {
            db.unreadable.push((settings_path.clone(), problem.clone()));
        }
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

/// Parse `settings.dat` (`SettingsReader::Data`): at least 40 bytes, magic `CPds`.
pub fn read_settings(path: &Path) -> Result<Settings, String> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(
                "settings.dat is missing: Crashpad would create it with a new client id"
                    .to_string(),
            )
        }
        Err(e) => return Err(format!("{SETTINGS_UNREADABLE}{e}")),
    };
    parse_settings(&bytes)
}

const SETTINGS_UNREADABLE: &str = "settings.dat: cannot read: ";

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

/// Parse the bytes of `settings.dat`.
pub fn parse_settings(bytes: &[u8]) -> Result<Settings, String> {
    if bytes.len() < 40 {
        return Err(format!(
            "settings.dat is {} bytes, shorter than the 40 Crashpad writes",
            bytes.len()
        ));
    }
    let magic = le::u32(bytes, 0).unwrap_or(0);
    if magic != 0x4350_6473 {
        return Err(format!(
            "settings.dat has no 'CPds' magic (starts with {:02x} {:02x} {:02x} {:02x})",
            bytes[0], bytes[1], bytes[2], bytes[3]
        ));
    }
    let version = le::u32(bytes, 4).unwrap_or(0);
    if version != 1 {
        return Err(format!(
            "settings.dat has version {version}; Crashpad would replace it with a new client id"
        ));
    }
    Ok(Settings {
        version,
        uploads_enabled: le::u32(bytes, 8).unwrap_or(0) & 1 != 0,
        last_upload_attempt: le::i64(bytes, 16).unwrap_or(0),
        client_id: uuid_string(&bytes[24..40]),
        size: bytes.len() as u64,
    })
}

/// Parse a generic-layout `UUID.meta`: `ReportMetadata` (32 bytes from 64-bit writers,
/// 24 from 32-bit ones) followed by the remote report id up to the end of the file.
pub fn read_meta(bytes: &[u8]) -> Result<Metadata, String> {
    if bytes.len() < 24 {
        return Err(format!(
            "metadata is {} bytes, shorter than any ReportMetadata",
            bytes.len()
        ));
    }
    let version = le::u32(bytes, 0).unwrap_or(0) as i32;
    if version != 1 {
        return Err(format!(
            "metadata version {version}, not 1: Crashpad would delete this report"
        ));
    }
    // A 32-bit writer's time_t is 4 bytes: creation at 16 (u32), attributes at 20, the
    // id from 24. Tell the two apart by which reading gives a plausible date.
    let wide = bytes.len() >= 32 && {
        let t64 = le::i64(bytes, 16).unwrap_or(0);
        let t32 = i64::from(le::u32(bytes, 16).unwrap_or(0));
        !(t64 > u32::MAX as i64 && plausible_time(t32)) && (plausible_time(t64) || t64 == 0)
    };
    let (creation_time, attributes, header) = if wide {
        (le::i64(bytes, 16).unwrap_or(0), bytes[24], 32)
    } else {
        (i64::from(le::u32(bytes, 16).unwrap_or(0)), bytes[20], 24)
    };
    Ok(Metadata {
        upload_attempts: i64::from(le::u32(bytes, 4).unwrap_or(0) as i32),
        last_upload_attempt: le::i64(bytes, 8).unwrap_or(0),
        creation_time,
        uploaded: attributes & 1 != 0,
        upload_requested: attributes & 2 != 0,
        remote_id: String::from_utf8_lossy(&bytes[header..]).into_owned(),
        remote_id_offset: header as u64,
        header_size: header as u64,
    })
}

/// Between 2000-01-01 and 2100-01-01.
fn plausible_time(t: i64) -> bool {
    (946_684_800..4_102_444_800).contains(&t)
}

/// The state of a finished report from its folder and metadata.
fn completed_state(meta: &Metadata) -> State {
    if meta.uploaded {
        State::Sent
    } else if meta.upload_attempts > 0 {
        State::Failed
    } else {
        State::Skipped
    }
}

fn pending_state(meta: &Metadata) -> State {
    if meta.upload_requested {
        State::UploadRequested
    } else {
        State::Pending
    }
}

/// The files of one report id inside one folder.
#[derive(Default)]
struct Entry {
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
fn list_folder(db: &mut Database, folder: &str, exts: &[&str]) -> BTreeMap<String, Entry> {
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

fn read_generic(db: &mut Database) {
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
            match std::fs::read(&meta_path).map_err(|e| format!("metadata: cannot read: {e}")) {
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
                report.problems.push(
                    "the dump has no metadata (.meta): Crashpad deletes such orphans".to_string(),
                );
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

fn parent_name(p: &Path) -> String {
    p.parent()
        .and_then(|d| d.file_name())
        .map(|n| format!("{}/", n.to_string_lossy()))
        .unwrap_or_default()
}

/// Record the dump's path, size and modification time.
fn set_dump(report: &mut DbReport, path: &Path) {
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
fn read_lock(path: &Path, now: i64) -> Lock {
    let taken = std::fs::read(path).ok().and_then(|b| match b.len() {
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
fn dump_header(path: &Path) -> Option<(u32, Option<u32>)> {
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
fn written_on_macos(db: &Database) -> bool {
    db.reports
        .iter()
        .filter(|r| r.folder != "new")
        .filter_map(|r| r.dump.as_deref())
        .take(16)
        .any(|d| matches!(dump_header(d), Some((_, Some(0x8101 | 0x8102)))))
}

/// A macOS database whose extended attributes a copy dropped: each report takes the
/// state of its folder (`pending/` waits for consent, `completed/` was sent or skipped)
/// and its creation time from its dump's header, and says so.
fn metadata_lost(db: &mut Database) {
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
        r.problems
            .retain(|p| !p.starts_with("the dump has no metadata"));
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
fn attach(db: &mut Database) {
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

/// `AttachmentNameIsOK`: `[A-Za-z0-9_.-]+`.
pub fn attachment_name_ok(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// `8-4-4-4-12` hex, as `UUID::ToString` writes it (a report's file name).
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36 && uuid::Uuid::try_parse(s).is_ok()
}

/// A binary UUID as Crashpad stores it (`data_1` u32 LE, `data_2`/`data_3` u16 LE,
/// 8 bytes in order), as lowercase text. `b` holds at least 16 bytes.
pub fn uuid_string(b: &[u8]) -> String {
    b.get(..16)
        .and_then(|b| uuid::Uuid::from_slice_le(b).ok())
        .unwrap_or_default()
        .hyphenated()
        .to_string()
}

/// The inverse of [`uuid_string`]: UUID text to the 16 bytes Crashpad stores.
pub fn uuid_bytes(text: &str) -> Option<[u8; 16]> {
    uuid::Uuid::try_parse(text).ok().map(|u| u.to_bytes_le())
}

/// An attachment's bytes, at most [`MAX_ATTACHMENT_READ`]; `true` when the file holds
/// more than was read.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_client_id_is_mixed_endian() {
        let mut b = vec![0x73, 0x64, 0x50, 0x43, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
        b.extend(1_608_322_600i64.to_le_bytes());
        b.extend([
            0x09, 0x37, 0x3a, 0x90, 0x02, 0xcd, 0xb4, 0x4f, 0xae, 0xf7, 0x9f, 0xb2, 0x36, 0x82,
            0xae, 0xf9,
        ]);
        let s = parse_settings(&b).unwrap();
        assert_eq!(s.client_id, "903a3709-cd02-4fb4-aef7-9fb23682aef9");
        assert_eq!(uuid_bytes(&s.client_id).unwrap()[..], b[24..40]);
        assert_eq!(uuid_bytes("903a3709-cd02"), None);
        assert!(s.uploads_enabled);
        assert_eq!(s.last_upload_attempt, 1_608_322_600);
        assert!(parse_settings(&b[..39]).unwrap_err().contains("39 bytes"));
        let mut bad = b.clone();
        bad[0] = b'X';
        assert!(parse_settings(&bad).unwrap_err().contains("magic"));
        b.extend([0u8; 8]); // a newer writer's extra field
        assert!(parse_settings(&b).is_ok());
    }

    #[test]
    fn meta_64_and_32_bit_headers() {
        // The synthetic example of crashpad-formats.md §1.2.
        let mut b = vec![1, 0, 0, 0, 1, 0, 0, 0];
        b.extend(0x5fdd_0ef0i64.to_le_bytes());
        b.extend(0x5fdd_0018i64.to_le_bytes());
        b.extend([1, 0, 0, 0, 0, 0, 0, 0]);
        b.extend(b"3a1f0c9e77d2b001");
        let m = read_meta(&b).unwrap();
        assert_eq!(
            (
                m.upload_attempts,
                m.creation_time,
                m.uploaded,
                m.header_size
            ),
            (1, 0x5fdd_0018, true, 32)
        );
        assert_eq!(m.remote_id, "3a1f0c9e77d2b001");

        let mut b32 = vec![1, 0, 0, 0, 0, 0, 0, 0];
        b32.extend(0i64.to_le_bytes());
        b32.extend(0x5fdd_0018u32.to_le_bytes());
        b32.extend([2, 0xaa, 0xaa, 0xaa]);
        b32.extend(b"server-id-1234");
        let m = read_meta(&b32).unwrap();
        assert_eq!(m.header_size, 24);
        assert_eq!(m.creation_time, 0x5fdd_0018);
        assert!(m.upload_requested && !m.uploaded);
        assert_eq!(m.remote_id, "server-id-1234");

        let mut bad = b.clone();
        bad[0] = 2;
        assert!(read_meta(&bad).unwrap_err().contains("version 2"));
        assert!(read_meta(&b[..10]).is_err());
    }

    #[test]
    fn uuids_and_attachment_names() {
        assert!(is_uuid("035e690f-46a5-4eea-b3d8-fada991ab543"));
        assert!(!is_uuid("035e690f-46a5-4eea-b3d8-fada991ab54"));
        assert!(!is_uuid("035e690f_46a5-4eea-b3d8-fada991ab543"));
        assert!(attachment_name_ok("app.log"));
        assert!(!attachment_name_ok("../x") && !attachment_name_ok(""));
    }
}
