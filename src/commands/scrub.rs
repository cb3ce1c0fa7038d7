//! `crashscope scrub IN -o OUT`: scan, plan the edits, write a temporary copy, verify
//! it, and only then rename it into place. For a database the whole tree is written to a
//! temporary folder first, so a failed check leaves nothing behind.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::analysis::analyze;
use crate::audit::{glob, Policy};
use crate::budget;
use crate::cli::{Cli, Format, ScrubArgs, SeverityArg};
use crate::disclosure;
use crate::exit::ExitStatus;
use crate::pii::{self, Category};
use crate::pool;
use crate::render::{escape, human_size, visible_width, Palette};
use crate::report::Report;
use crate::scrub::{self, Changes, Options, Pseudonymizer, Verified};
use crate::source::crashpad::{self, MAX_ATTACHMENT_READ};
use crate::source::{self, Source};
use crate::symbols::Walker;

/// Why a scrub failed: exit status 2, and no output left behind.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
struct ScrubError {
    message: String,
    /// The input could not be read completely (in a database: left out of the copy).
    unreadable: bool,
}

impl ScrubError {
    fn new(message: String) -> ScrubError {
        ScrubError {
            message,
            unreadable: false,
        }
    }

    fn unreadable(message: String) -> ScrubError {
        ScrubError {
            message,
            unreadable: true,
        }
    }
}

/// What one scrubbed file reports.
#[derive(Debug, serde::Serialize)]
struct Scrubbed {
    input: String,
    output: String,
    kind: &'static str,
    size: u64,
    changes: Changes,
    verified: Verified,
}

fn options(args: &ScrubArgs) -> anyhow::Result<Options> {
    let mut keep = BTreeSet::new();
    for name in &args.keep {
        let c: Category = serde_json::from_value(json!(name)).map_err(|_| {
            let ids: Vec<&str> = Category::ALL
                .iter()
                .filter(|c| **c != Category::Unreadable)
                .map(|c| c.id())
                .collect();
            anyhow::anyhow!("--keep: no category {name:?} ({})", ids.join(", "))
        })?;
        keep.insert(c);
    }
    let annotations_allow = if args.annotations_allow.is_empty() {
        None
    } else {
        Some(
            args.annotations_allow
                .iter()
                .map(|g| glob(g).map_err(|e| anyhow::anyhow!("--annotations-allow {g}: {e}")))
                .collect::<anyhow::Result<Vec<_>>>()?,
        )
    };
    let pseudonyms = match &args.pseudonymize_key {
        Some(path) => {
            let key = std::fs::read(path)
                .map_err(|e| anyhow::anyhow!("{}: cannot read the key: {e}", path.display()))?;
            Some(Pseudonymizer::new(key).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?)
        }
        None => None,
    };
    Ok(Options {
        keep,
        drop: args.drop.iter().copied().collect(),
        annotations_allow,
        deface_stacks: args.deface_stacks,
        pseudonyms,
    })
}

/// The same file, whatever the spelling (it may not exist yet: compare its folder).
/// Scrub one dump into `out` (through a temporary file beside it).
fn scrub_dump(
    input: &Path,
    out: &Path,
    policy: &Policy,
    opts: &Options,
    walker: &Walker,
) -> Result<(Scrubbed, pii::Identity), ScrubError> {
    let e = |m: String| ScrubError::new(format!("{}: {m}", input.display()));
    let report = Report::open(input).map_err(|err| ScrubError::unreadable(err.to_string()))?;
    let tmp = scrub::temp_path(out)
        .map_err(|err| ScrubError::new(format!("{}: cannot write: {err}", out.display())))?;
    // The byte-for-byte copy is the kernel's work: it runs while the dump is scanned.
    let (analysis, copied) = std::thread::scope(|scope| {
        let copy = scope.spawn(|| scrub::copy_for_edits(input, &tmp));
        let analysis = analyze(report, walker);
        let copied = copy
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the copy failed")));
        (analysis, copied)
    });
    if let Err(err) = copied {
        let _ = std::fs::remove_file(&tmp);
        return Err(e(format!("cannot write {}: {err}", tmp.display())));
    }
    let out_of_time = analysis
        .walked
        .as_ref()
        .err()
        .filter(|m| budget::is_ran_out(m));
    let problems: Vec<&String> = analysis
        .report
        .problems
        .iter()
        .chain(&analysis.inventory.problems)
        .chain(out_of_time)
        .collect();
    if let Some(first) = problems.first() {
        let _ = std::fs::remove_file(&tmp);
        let message = if budget::is_ran_out(first) {
            format!(
                "{}: {first}: what was not looked at cannot be scrubbed",
                input.display()
            )
        } else {
            format!(
                "{}: only partly readable ({first}): what could not be read cannot be scrubbed",
                input.display()
            )
        };
        return Err(ScrubError::unreadable(message));
    }
    let key = policy.path_key(&input.display().to_string());
    let mut plan = scrub::plan(
        analysis.report.bytes(),
        &analysis.inventory,
        &analysis.findings,
        policy,
        &key,
        opts,
        Some(&analysis.report),
    );
    let result = (|| {
        scrub::apply_edits(&tmp, &mut plan)
            .map_err(|err| format!("cannot write {}: {err}", tmp.display()))?;
        scrub::verify_dump(
            &analysis.report,
            &analysis.walked,
            &analysis.findings.identity,
            &tmp,
            walker,
            policy,
            &key,
            opts,
            &plan,
        )
    })();
    match result {
        Ok(verified) => {
            scrub::put_in_place(input, &tmp, out).map_err(|err| {
                let _ = std::fs::remove_file(&tmp);
                e(format!("cannot rename into {}: {err}", out.display()))
            })?;
            Ok((
                Scrubbed {
                    input: input.display().to_string(),
                    output: out.display().to_string(),
                    kind: "minidump",
                    size: analysis.report.file_size,
                    changes: plan.changes,
                    verified,
                },
                analysis.findings.identity,
            ))
        }
        Err(msg) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e(format!("verification failed, nothing written: {msg}")))
        }
    }
}

/// Scrub a file that is not a dump (an attachment, settings.dat): the findings of
/// `inventory` in `bytes`, then a full re-scan of the copy.
#[allow(clippy::too_many_arguments)]
fn scrub_plain(
    input: &Path,
    out: &Path,
    kind: &'static str,
    bytes: &[u8],
    inventory: &disclosure::Inventory,
    identity: &pii::Identity,
    policy: &Policy,
    opts: &Options,
) -> Result<Scrubbed, ScrubError> {
    let e = |m: String| ScrubError::new(format!("{}: {m}", input.display()));
    let findings = pii::scan_with(inventory, bytes, identity);
    let key = policy.path_key(&input.display().to_string());
    let mut plan = scrub::plan(bytes, inventory, &findings, policy, &key, opts, None);
    let tmp = scrub::temp_path(out)
        .map_err(|err| ScrubError::new(format!("{}: cannot write: {err}", out.display())))?;
    let result = (|| {
        scrub::write_copy(input, &tmp, &mut plan).map_err(|err| err.to_string())?;
        let copy = std::fs::read(&tmp).map_err(|err| err.to_string())?;
        let again = if kind == "attachment" {
            let name = input
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            disclosure::attachment(&name, &copy)
        } else {
            settings_inventory(&copy)
        };
        let found = pii::scan_with(&again, &copy, identity);
        scrub::check_rescan(&found, policy, &key, opts, &plan).map(|()| again.fields.len())
    })();
    match result {
        Ok(rescanned_fields) => {
            scrub::put_in_place(input, &tmp, out).map_err(|err| {
                let _ = std::fs::remove_file(&tmp);
                e(err.to_string())
            })?;
            Ok(Scrubbed {
                input: input.display().to_string(),
                output: out.display().to_string(),
                kind,
                size: bytes.len() as u64,
                changes: plan.changes,
                verified: Verified {
                    rescanned_bytes: bytes.len() as u64,
                    rescanned_fields,
                    ..Verified::default()
                },
            })
        }
        Err(msg) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e(format!("verification failed, nothing written: {msg}")))
        }
    }
}

/// Scrub one attachment, searching it for the names its report's dump revealed.
fn scrub_attachment(
    input: &Path,
    out: &Path,
    identity: &pii::Identity,
    policy: &Policy,
    opts: &Options,
) -> Result<Scrubbed, ScrubError> {
    let (bytes, truncated) = crashpad::read_attachment(input)
        .map_err(|err| ScrubError::new(format!("{}: {err}", input.display())))?;
    if truncated {
        return Err(ScrubError::new(format!(
            "{}: larger than {MAX_ATTACHMENT_READ} bytes: too large to scrub",
            input.display()
        )));
    }
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let inventory = disclosure::attachment(&name, &bytes);
    scrub_plain(
        input,
        out,
        "attachment",
        &bytes,
        &inventory,
        identity,
        policy,
        opts,
    )
}

/// settings.dat's client id as an inventory (offsets in that file).
fn settings_inventory(bytes: &[u8]) -> disclosure::Inventory {
    crashpad::parse_settings(bytes)
        .map(|s| disclosure::settings(&s))
        .unwrap_or_default()
}

/// One file of a database and what to do with it.
enum DbFile {
    /// A report: its dump (if any) and its attachments, which are searched for the
    /// names the dump reveals.
    Report {
        dump: Option<PathBuf>,
        attachments: Vec<PathBuf>,
    },
    Settings(PathBuf),
    Copy(PathBuf),
}

fn scrub_database(
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
type DbScrubbed = (Vec<Scrubbed>, Vec<(String, String)>);

/// What happened to one file of a database.
enum DbDone {
    Scrubbed(Scrubbed),
    Copied,
    /// Not in the copy: it could not be read completely.
    LeftOut(String, String),
}

pub fn run(cli: &Cli, args: &ScrubArgs) -> anyhow::Result<ExitStatus> {
    let policy = crate::audit::load_policy(
        args.config.as_deref(),
        args.no_config,
        args.min_severity.map(SeverityArg::severity),
    )?;
    let opts = options(args)?;
    let config = crate::commands::symbol_config(&args.symbols, cli.global.verbose);
    let walker = Walker::new(&config).with_budget(cli.global.time_budget);
    // Never over an input: the dump or database, the config, the pseudonym key; and
    // never into the database being scrubbed.
    let inputs: Vec<&Path> = [
        Some(args.path.as_path()),
        args.config.as_deref(),
        args.pseudonymize_key.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if crate::fsutil::overwrites_input(&args.output, &inputs)
        || (args.path.is_dir() && crate::fsutil::inside(&args.output, &args.path))
    {
        anyhow::bail!(
            "{}: refusing to write over an input (or inside the database being read)",
            args.output.display()
        );
    }
    let (scrubbed, left_out) = match source::detect(&args.path)? {
        Source::Minidump(input) => {
            if args.output.is_dir() {
                anyhow::bail!(
                    "{}: is a folder; give the copy's file name",
                    args.output.display()
                );
            }
            (
                vec![scrub_dump(&input, &args.output, &policy, &opts, &walker)?.0],
                Vec::new(),
            )
        }
        Source::Database(root) => scrub_database(
            &root,
            &args.output,
            &policy,
            &opts,
            &walker,
            cli.global.quiet,
            args.skip_unreadable,
        )?,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match cli.format(args.format) {
        Format::Json => {
            let doc = json!({
                "schema": 1,
                "crashscope_version": env!("CARGO_PKG_VERSION"),
                "threshold": policy.threshold,
                "files": scrubbed,
                "left_out": left_out.iter().map(|(p, r)| json!({"path": p, "reason": r})).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        Format::Human => {
            let p = crate::commands::palette(cli.global.color);
            write_summary(&mut out, &scrubbed, &policy, p)?;
            for (path, reason) in &left_out {
                writeln!(
                    out,
                    "{} {}: {}",
                    p.bad("Left out          "),
                    escape(path),
                    escape(reason)
                )?;
            }
        }
    }
    out.flush()?;
    if !cli.global.quiet {
        for (path, _) in &left_out {
            crate::render::diagnostic(&format!(
                "warning: {path} could not be read completely and is not in the copy"
            ));
        }
    }
    Ok(ExitStatus::Success)
}

fn write_summary(
    w: &mut impl Write,
    files: &[Scrubbed],
    policy: &Policy,
    p: Palette,
) -> std::io::Result<()> {
    let label = |l: &str| {
        format!(
            "{}{}",
            p.label(l),
            " ".repeat(18usize.saturating_sub(visible_width(l)))
        )
    };
    for s in files {
        let c = &s.changes;
        writeln!(
            w,
            "{} {} → {} ({}, same length)",
            label("Scrubbed"),
            escape(&s.input),
            escape(&s.output),
            human_size(s.size)
        )?;
        let mut changed = format!(
            "{} finding{} in {} place{}",
            c.findings,
            if c.findings == 1 { "" } else { "s" },
            c.places,
            if c.places == 1 { "" } else { "s" }
        );
        if c.pseudonymized > 0 {
            changed.push_str(&format!(" ({} pseudonymized)", c.pseudonymized));
        }
        changed.push_str(&format!(" · {} bytes changed", c.bytes_changed));
        writeln!(w, "{} {changed}", label("Changed"))?;
        if !c.dropped.is_empty() {
            let items: Vec<String> = c
                .dropped
                .iter()
                .map(|(what, n)| format!("{what} {}", human_size(*n)))
                .collect();
            writeln!(w, "{} {}", label("Dropped"), items.join(" · "))?;
        }
        if c.stacks_defaced > 0 {
            writeln!(
                w,
                "{} {} stack{}, {} word{} set to 0x0defaced",
                label("Stacks defaced"),
                c.stacks_defaced,
                if c.stacks_defaced == 1 { "" } else { "s" },
                c.stack_words_defaced,
                if c.stack_words_defaced == 1 { "" } else { "s" }
            )?;
        }
        let v = &s.verified;
        let walk = if s.kind != "minidump" {
            String::new()
        } else if v.walked {
            format!(
                " · {} threads, {} frames walk identically",
                v.threads, v.frames
            )
        } else {
            " · (the original could not be walked: stacks not compared)".to_string()
        };
        writeln!(
            w,
            "{} parses{walk} · re-audit finds nothing at or above {}",
            label("Verified"),
            policy.threshold.as_str()
        )?;
    }
    if files.len() > 1 {
        let findings: usize = files.iter().map(|s| s.changes.findings).sum();
        let bytes: u64 = files.iter().map(|s| s.changes.bytes_changed).sum();
        writeln!(
            w,
            "{} {} files · {findings} findings · {bytes} bytes changed",
            label("Total"),
            files.len()
        )?;
    }
    Ok(())
}
