//! sentry-native's database (`.sentry-native` by default, or the app's
//! `database_path`), read as a store of reports.
//!
//! Each run of the app has a folder `<uuid>.run/` (and a lock file `<uuid>.run.lock`
//! while it runs). What a crashed run leaves there is sent when the app starts again:
//! envelopes (`*.envelope`: the event as JSON, with the minidump as an attachment item for
//! the Breakpad backend), the session (`session.json`), the event and breadcrumbs the
//! Crashpad backend attaches (`__sentry-event`, `__sentry-breadcrumb1`...), and a
//! minidump still being packed (`*.dmp`). Each run folder is one report here: its dump,
//! if any, and every other file as an attachment, scanned as it would be sent.
//! With the Crashpad backend, the same folder is also a Crashpad database, read as one.
//! `last_crash` holds the time of the last crash.

use std::path::Path;

use super::{dump_header, set_dump, Attachment, Database, DbReport, State};

/// Whether `root` is a sentry-native database.
pub fn detect(root: &Path) -> bool {
    let listed: Vec<(String, bool)> = std::fs::read_dir(root)
        .map(|r| {
            r.flatten()
                .map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    (name, e.file_type().is_ok_and(|t| t.is_file()))
                })
                .collect()
        })
        .unwrap_or_default();
    detect_listed(root, &listed)
}

/// [`detect`] for a folder already listed: its entries' names, and whether each is a
/// regular file.
pub fn detect_listed(root: &Path, entries: &[(String, bool)]) -> bool {
    root.file_name().is_some_and(|n| n == ".sentry-native")
        || entries
            .iter()
            .any(|(name, file)| (*file && name == "last_crash") || is_run_folder(name))
}

/// The user's answer when the app asks for consent (`require_user_consent`): sentry-native
/// keeps it in `user-consent` (`1` given, `0` revoked); `None` when the file is missing.
pub fn user_consent(root: &Path) -> Option<bool> {
    // A regular file of a few bytes: a link (to `/dev/zero`, or outside the user's
    // folders) or a large file is not read.
    let path = root.join("user-consent");
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > 16 {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    match text.trim() {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    }
}

fn is_run_folder(name: &str) -> bool {
    name.strip_suffix(".run").is_some_and(super::is_uuid)
}

/// Add the run folders of a sentry-native database to `db` as reports.
pub fn read(db: &mut Database) {
    let read = match std::fs::read_dir(&db.root) {
        Ok(r) => r,
        Err(e) => return db.cannot_read("./", &e),
    };
    let mut runs: Vec<(String, std::fs::FileType)> = read
        .flatten()
        .filter_map(|e| {
            Some((
                e.file_name().to_string_lossy().into_owned(),
                e.file_type().ok()?,
            ))
        })
        .filter(|(n, _)| is_run_folder(n))
        .collect();
    runs.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, kind) in runs {
        if !kind.is_dir() {
            db.not_opened(&name, "not a folder (a link or a file), not read");
            continue;
        }
        let id = name.trim_end_matches(".run");
        let mut report = DbReport::new(id, &name);
        // The run still holds its lock while the app runs: not sent yet either way.
        report.state = if db.root.join(format!("{name}.lock")).exists() {
            State::InProgress
        } else {
            State::Pending
        };
        let files = match std::fs::read_dir(db.root.join(&name)) {
            Ok(r) => r,
            Err(e) => {
                db.cannot_read(&format!("{name}/"), &e);
                continue;
            }
        };
        let mut files: Vec<_> = files.flatten().collect();
        files.sort_by_key(|e| e.file_name());
        for f in files {
            let file = f.file_name().to_string_lossy().into_owned();
            let rel = format!("{name}/{file}");
            let Ok(meta) = std::fs::symlink_metadata(f.path()) else {
                continue;
            };
            if !meta.is_file() {
                db.not_opened(
                    &rel,
                    "not a regular file (a link, folder, FIFO or device), not read",
                );
                continue;
            }
            if file.ends_with(".dmp") && report.dump.is_none() {
                let dump = f.path();
                set_dump(&mut report, &dump);
                if let Some((time, _)) = dump_header(&dump).filter(|(t, _)| *t != 0) {
                    report.dump_time = Some(i64::from(time));
                }
            } else {
                report.attachments.push(Attachment {
                    name: file,
                    path: f.path(),
                    size: meta.len(),
                });
            }
        }
        if report.dump.is_none() && report.attachments.is_empty() {
            continue; // an empty run: nothing to send
        }
        if report.dump.is_none() {
            report.dump_mtime = report
                .attachments
                .iter()
                .filter_map(|a| std::fs::metadata(&a.path).ok()?.modified().ok())
                .max()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_secs() as i64);
        }
        db.reports.push(report);
    }
}

/// Where the minidump is in a Sentry envelope: the payload of its first item with
/// `"attachment_type": "event.minidump"`, as `(offset, length)`.
///
/// An envelope is a header line, then items: a header line (JSON, with the payload's
/// `length`, or none when the payload is one line) and the payload, each followed by a
/// line break.
pub fn envelope_minidump(bytes: &[u8]) -> Option<(usize, usize)> {
    let line_end =
        |from: usize| memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |i| from + i);
    let mut at = line_end(0) + 1;
    while at < bytes.len() {
        let end = line_end(at);
        let header: serde_json::Value = serde_json::from_slice(&bytes[at..end]).ok()?;
        let payload = end + 1;
        let length = match header.get("length").and_then(serde_json::Value::as_u64) {
            Some(n) => usize::try_from(n).ok()?,
            None => line_end(payload.min(bytes.len())).saturating_sub(payload),
        };
        let payload_end = payload.checked_add(length).filter(|&e| e <= bytes.len())?;
        if header
            .get("attachment_type")
            .and_then(serde_json::Value::as_str)
            == Some("event.minidump")
        {
            return bytes[payload..payload_end]
                .starts_with(b"MDMP")
                .then_some((payload, length));
        }
        at = payload_end + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_minidump_item_of_an_envelope_is_found() {
        let mut e = b"{\"event_id\":\"x\"}\n{\"type\":\"event\",\"length\":2}\n{}\n".to_vec();
        e.extend(b"{\"type\":\"session\"}\n{\"sid\":\"1\"}\n");
        e.extend(
            b"{\"type\":\"attachment\",\"length\":8,\"attachment_type\":\"event.minidump\"}\n",
        );
        let at = e.len();
        e.extend(b"MDMP\x93\xa7\0\0\n");
        assert_eq!(envelope_minidump(&e), Some((at, 8)));
        // A length beyond the file, a missing item, garbage: none.
        let cut = &e[..e.len() - 4];
        assert_eq!(envelope_minidump(cut), None);
        assert_eq!(envelope_minidump(b"{}\n{\"type\":\"event\"}\n{}\n"), None);
        assert_eq!(envelope_minidump(b"\xff\xfe"), None);
    }
}
