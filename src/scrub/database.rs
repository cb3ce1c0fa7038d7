//! Scrubbing a whole database: a copy of its tree, each dump, attachment and settings file
//! scrubbed, everything else copied as it is, and nothing written over the input.

use super::files::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::audit::Policy;
use crate::pii::{self};
use crate::pool;
use crate::scrub::Options;
use crate::source::crashpad::{self};
use crate::symbols::Walker;

/// One file of a database and what to do with it.
pub(crate) enum DbFile {
    /// A report: its dump (if any) and its attachments, which are searched for the
    /// names the dump reveals.
    Report {
        dump: Option<PathBuf>,
        attachments: Vec<PathBuf>,
    },
    Settings(PathBuf),
    Copy(PathBuf),
}

pub(crate) fn scrub_database(
    root: &Path,
    out: &Path,
    policy: &Policy,
    opts: &Options,
    walker: &Walker,
    quiet: bool,
    skip_unreadable: bool,
) -> Result<DbScrubbed, ScrubError> {
    let e = |m: String| ScrubError::new(format!("{}: {m}", root.display()));
    if out.exists() {
        return Err(e(format!(
            "{} exists: give a new folder for the scrubbed copy",
            out.display()
        )));
    }
    let (root_c, out_parent) = (
        root.canonicalize().map_err(|err| e(err.to_string()))?,
        out.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .canonicalize()
            .map_err(|err| e(format!("{}: {err}", out.display())))?,
    );
    if out_parent.starts_with(&root_c) {
        return Err(e(
            "refusing to write the copy inside the database it reads".to_string()
        ));
    }
    let db = crashpad::open(root, crashpad::unix_now())
        .map_err(|err| ScrubError::new(err.to_string()))?;
    // Entries that were not read (links, FIFOs, folders that cannot be listed...) would
    // be missing from the copy without a word: refused unless asked, and then named.
    let not_read: Vec<(String, String)> = db
        .unreadable
        .iter()
        .chain(&db.not_read)
        .map(|(p, why)| (p.display().to_string(), why.clone()))
        .collect();
    if !not_read.is_empty() && !skip_unreadable {
        let (path, why) = &not_read[0];
        return Err(e(format!(
            "{} entr{} could not be read ({path}: {why}{}); nothing written (--skip-unreadable leaves them out of the copy and names them)",
            not_read.len(),
            if not_read.len() == 1 { "y" } else { "ies" },
            if not_read.len() > 1 { ", ..." } else { "" }
        )));
    }
    // Every file of the tree: dumps and attachments are scrubbed, settings.dat too,
    // everything else (metadata, locks, unknown files) copied as it is.
    let mut files: Vec<DbFile> = db
        .reports
        .iter()
        .filter(|r| r.dump.is_some() || !r.attachments.is_empty())
        .map(|r| DbFile::Report {
            dump: r.dump.clone(),
            attachments: r.attachments.iter().map(|a| a.path.clone()).collect(),
        })
        .collect();
    let owned: BTreeSet<PathBuf> = db
        .reports
        .iter()
        .flat_map(|r| {
            r.dump
                .iter()
                .cloned()
                .chain(r.attachments.iter().map(|a| a.path.clone()))
        })
        .collect();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries =
            std::fs::read_dir(&dir).map_err(|err| e(format!("{}: {err}", dir.display())))?;
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                stack.push(path);
            } else if meta.is_file() && !owned.contains(&path) {
                let rel = path.strip_prefix(root).unwrap_or(&path);
                files.push(if rel.starts_with("attachments") {
                    // Attachments of no report: scrubbed all the same.
                    DbFile::Report {
                        dump: None,
                        attachments: vec![path.clone()],
                    }
                } else if rel == Path::new("settings.dat") {
                    DbFile::Settings(path.clone())
                } else {
                    DbFile::Copy(path.clone())
                });
            }
        }
    }
    let staging = crate::fsutil::temp_dir_beside(out, ".scrub.tmp")
        .map_err(|err| ScrubError::new(format!("{}: cannot write: {err}", out.display())))?;
    let target = |p: &Path| staging.join(p.strip_prefix(root).unwrap_or(p));
    let result = (|| -> Result<DbScrubbed, ScrubError> {
        let bar = pool::progress(files.len(), 8, quiet, "scrubbing");
        let mut done = Vec::new();
        let mut left_out = Vec::new();
        let mut failure = None;
        pool::map_ordered(
            &files,
            pool::workers(),
            |file| -> Result<Vec<DbDone>, ScrubError> {
                let place = |p: &Path| -> Result<PathBuf, ScrubError> {
                    let to = target(p);
                    if let Some(dir) = to.parent() {
                        std::fs::create_dir_all(dir)
                            .map_err(|err| ScrubError::new(err.to_string()))?;
                    }
                    Ok(to)
                };
                match file {
                    DbFile::Report { dump, attachments } => {
                        let mut done = Vec::new();
                        let mut identity = pii::Identity::default();
                        if let Some(p) = dump {
                            match scrub_dump(p, &place(p)?, policy, opts, walker) {
                                Ok((s, id)) => {
                                    identity = id;
                                    done.push(DbDone::Scrubbed(s));
                                }
                                // A dump that cannot be read completely (an abandoned
                                // new/ report) is left out of the copy, and said so.
                                Err(err) if err.unreadable => {
                                    done.push(DbDone::LeftOut(p.display().to_string(), err.message))
                                }
                                Err(err) => return Err(err),
                            }
                        }
                        for p in attachments {
                            let s = scrub_attachment(p, &place(p)?, &identity, policy, opts)?;
                            done.push(DbDone::Scrubbed(s));
                        }
                        Ok(done)
                    }
                    DbFile::Settings(p) => {
                        let bytes =
                            std::fs::read(p).map_err(|err| ScrubError::new(err.to_string()))?;
                        let inventory = settings_inventory(&bytes);
                        scrub_plain(
                            p,
                            &place(p)?,
                            "settings",
                            &bytes,
                            &inventory,
                            &pii::Identity::default(),
                            policy,
                            opts,
                        )
                        .map(|s| vec![DbDone::Scrubbed(s)])
                    }
                    DbFile::Copy(p) => {
                        std::fs::copy(p, place(p)?)
                            .map_err(|err| ScrubError::new(format!("{}: {err}", p.display())))?;
                        Ok(vec![DbDone::Copied])
                    }
                }
            },
            |_, r| {
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
                match r {
                    Ok(results) => {
                        for d in results {
                            match d {
                                DbDone::Scrubbed(s) => done.push(s),
                                DbDone::LeftOut(path, reason) => left_out.push((path, reason)),
                                DbDone::Copied => {}
                            }
                        }
                    }
                    Err(err) if failure.is_none() => failure = Some(err),
                    Err(_) => {}
                }
                Ok::<(), std::convert::Infallible>(())
            },
        )
        .ok();
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        if let Some(err) = failure {
            return Err(err);
        }
        std::fs::rename(&staging, out)
            .map_err(|err| e(format!("cannot rename into {}: {err}", out.display())))?;
        left_out.extend(not_read);
        Ok((done, left_out))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result.map(|(done, left_out)| {
        let done = done
            .into_iter()
            .map(|mut s| {
                s.output = s.output.replacen(
                    &staging.display().to_string(),
                    &out.display().to_string(),
                    1,
                );
                s
            })
            .collect();
        (done, left_out)
    })
}

/// The scrubbed files of a database, and those left out with the reason.
pub(crate) type DbScrubbed = (Vec<Scrubbed>, Vec<(String, String)>);

/// What happened to one file of a database.
pub(crate) enum DbDone {
    Scrubbed(Scrubbed),
    Copied,
    /// Not in the copy: it could not be read completely.
    LeftOut(String, String),
}
