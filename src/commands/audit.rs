//! `crashscope audit PATH...`: find the dumps, scan them in parallel, judge every
//! finding by the policy, write the report, and exit 0, 1 or 2.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::analysis::{self, AttachmentProblem};
use crate::audit::{self, Policy};
use crate::audit::{AuditedFile, FileKind, Judged};
use crate::budget::Budget;
use crate::cli::{AuditArgs, AuditFormat, Cli, SeverityArg};
use crate::disclosure;
use crate::exit::ExitStatus;
use crate::pii::{self};
use crate::pool;
use crate::problem::Problem;
use crate::render::audit as view;
use crate::render::Palette;
use crate::report::Report;
use crate::source::crashpad;
use crate::source::{self, InputError, Source};

/// One thing to scan: a dump, one report of a database (its dump and attachments, which
/// share the dump's identities), or a database's settings.
enum Unit {
    Dump(PathBuf),
    DbReport {
        dump: Option<PathBuf>,
        attachments: Vec<(String, PathBuf, u64)>,
    },
    Settings(PathBuf, crashpad::Settings),
    /// A path that cannot be audited, with the reason.
    Error(PathBuf, String),
    /// An entry deliberately not opened where a dump or attachment could be (a link, a
    /// FIFO, a socket, a device): an `unreadable-data` finding, never a silent pass.
    NotRead(PathBuf, String),
}

/// Dump files a folder search picks up.
fn is_dump_name(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["dmp", "mdmp", "hdmp", "minidump"].contains(&e.to_ascii_lowercase().as_str())
    })
}

/// Whether a regular file starts as a minidump does (`MDMP`), whatever its name: a
/// folder search finds dumps by their content too (`WER1234.tmp`, a renamed dump).
pub(crate) fn looks_like_dump(path: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok_and(|()| &magic == b"MDMP")
}

/// Windows Error Reporting's report description (`Report.wer`, UTF-16 text: the
/// application's path, its signature, sometimes the user's folders), queued for upload
/// with the dumps beside it.
fn is_wer_report(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("wer"))
}

fn discover(path: &Path, units: &mut Vec<Unit>, top: bool) {
    match source::detect(path) {
        Ok(Source::Minidump(p)) => {
            // Mozilla's crash reporter keeps the annotations it uploads with a dump in
            // `ID.extra` beside `ID.dmp` (URL, e-mail, comments): audited with it.
            let extra = p.with_extension("extra");
            match std::fs::symlink_metadata(&extra) {
                Ok(m) if m.is_file() => units.push(Unit::DbReport {
                    dump: Some(p),
                    attachments: vec![(
                        extra
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                        extra,
                        m.len(),
                    )],
                }),
                Ok(_) => {
                    units.push(Unit::Dump(p));
                    units.push(Unit::NotRead(
                        extra,
                        "not a regular file, not opened".into(),
                    ));
                }
                Err(_) => units.push(Unit::Dump(p)),
            }
        }
        Ok(Source::Database(root)) => database_units(&root, units),
        Err(InputError::Directory(dir)) => {
            let mut entries: Vec<PathBuf> = match std::fs::read_dir(&dir) {
                Ok(read) => read.flatten().map(|e| e.path()).collect(),
                Err(e) => {
                    units.push(Unit::Error(dir, format!("cannot read: {e}")));
                    return;
                }
            };
            entries.sort();
            for entry in entries {
                let Ok(meta) = std::fs::symlink_metadata(&entry) else {
                    continue;
                };
                // Symbolic links are not followed (no loops, nothing outside the tree),
                // and nothing that is not a regular file is opened; but a link, FIFO,
                // socket or device named like a dump, and a link to a folder, were not
                // read, and the audit says so instead of passing them.
                let kind = meta.file_type();
                if meta.is_dir()
                    || (meta.is_file() && (is_dump_name(&entry) || looks_like_dump(&entry)))
                {
                    discover(&entry, units, false);
                } else if meta.is_file() && is_wer_report(&entry) {
                    let name = entry
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    units.push(Unit::DbReport {
                        dump: None,
                        attachments: vec![(name, entry.clone(), meta.len())],
                    });
                } else if kind.is_symlink() && (is_dump_name(&entry) || entry.is_dir()) {
                    units.push(Unit::NotRead(entry, "a symbolic link, not followed".into()));
                } else if !meta.is_file() && is_dump_name(&entry) {
                    units.push(Unit::NotRead(
                        entry,
                        "not a regular file (a FIFO, socket or device), not opened".into(),
                    ));
                }
            }
        }
        // A file found by the folder search that is not a dump is still an error: an
        // audit never passes what it could not read.
        Err(e) if top || is_dump_name(path) => {
            units.push(Unit::Error(path.to_path_buf(), e.reason()))
        }
        Err(_) => {}
    }
}

fn database_units(root: &Path, units: &mut Vec<Unit>) {
    let db = match crashpad::open(root, crashpad::unix_now()) {
        Ok(db) => db,
        Err(e) => {
            units.push(Unit::Error(root.to_path_buf(), e.reason));
            return;
        }
    };
    if let Some(settings) = db.settings.clone() {
        units.push(Unit::Settings(root.join("settings.dat"), settings));
    }
    // Fail closed: a folder that cannot be listed may hold reports or attachments.
    for (path, reason) in db.unreadable {
        units.push(Unit::Error(path, reason));
    }
    for (path, reason) in db.not_read {
        units.push(Unit::NotRead(path, reason));
    }
    // A dump in a report folder that is no report (a name Crashpad would not have
    // written; a Mozilla `Crash Reports` folder, whose `pending/` looks the same) is
    // audited all the same: an audit never passes what it did not read.
    let known: std::collections::BTreeSet<PathBuf> =
        db.reports.iter().filter_map(|r| r.dump.clone()).collect();
    for folder in ["pending", "completed", "new", "reports"] {
        let Ok(read) = std::fs::read_dir(root.join(folder)) else {
            continue;
        };
        let mut extra: Vec<PathBuf> = read
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.path())
            .filter(|p| is_dump_name(p) && !known.contains(p))
            .collect();
        extra.sort();
        for p in extra {
            discover(&p, units, true);
        }
    }
    for report in db.reports {
        if report.dump.is_none() && report.attachments.is_empty() {
            continue; // an orphan .meta carries nothing that could be uploaded
        }
        units.push(Unit::DbReport {
            dump: report.dump,
            attachments: report
                .attachments
                .into_iter()
                .map(|a| (a.name, a.path, a.size))
                .collect(),
        });
    }
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// Scan one dump file: inventory and findings; what could not be read is an error.
fn audit_dump(path: &Path, budget: Budget) -> (AuditedFile, pii::Identity) {
    let mut file = AuditedFile::new(display(path), FileKind::Minidump);
    let report = match source::detect(path).and_then(|_| Report::open(path)) {
        Ok(r) => r,
        Err(e) => {
            file.error = Some(e.reason());
            return (file, pii::Identity::default());
        }
    };
    let (inventory, findings) = analysis::scan_dump(&report, Some(budget.start()));
    // Fail closed: every part that could not be read (or was not scanned in time) is a
    // finding of its own.
    let problems: Vec<&Problem> = report
        .problems
        .iter()
        .chain(&inventory.problems)
        .chain(&findings.problems)
        .collect();
    file.size = report.file_size;
    file.raw = findings.findings;
    file.raw.extend(pii::unreadable(&problems));
    (file, findings.identity)
}

/// [`audit_dump`] of any dump: one that Crashpad is still writing (in `new/`) and that
/// cannot be read yet is not uploaded as it is, so it is reported as unfinished (low),
/// not as an error of the whole run.
fn audit_any_dump(path: &Path, budget: Budget) -> (AuditedFile, pii::Identity) {
    let (mut file, identity) = audit_dump(path, budget);
    let writing = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|n| n == "new");
    if writing {
        if let Some(reason) = file.error.take() {
            file.raw = vec![pii::unfinished(&reason)];
        }
    }
    (file, identity)
}

fn audit_unit(unit: &Unit, budget: Budget) -> Vec<AuditedFile> {
    match unit {
        Unit::Dump(path) => vec![audit_any_dump(path, budget).0],
        Unit::Error(path, reason) => {
            let mut f = AuditedFile::new(display(path), FileKind::Minidump);
            f.error = Some(reason.clone());
            vec![f]
        }
        Unit::NotRead(path, reason) => {
            let mut f = AuditedFile::new(display(path), FileKind::Minidump);
            f.raw = pii::unreadable(&[&Problem::Unreadable(reason.clone())]);
            vec![f]
        }
        Unit::Settings(path, settings) => {
            let inventory = disclosure::settings(settings);
            let mut f = AuditedFile::new(display(path), FileKind::Settings);
            f.size = settings.size;
            f.raw = pii::scan(&inventory, &[], &Default::default()).findings;
            vec![f]
        }
        Unit::DbReport { dump, attachments } => {
            let mut out = Vec::new();
            let identity = match dump {
                Some(path) => {
                    let (file, identity) = audit_any_dump(path, budget);
                    out.push(file);
                    identity
                }
                None => pii::Identity::default(),
            };
            for (name, path, size) in attachments {
                out.push(audit_attachment(name, path, *size, &identity));
            }
            out
        }
    }
}

fn audit_attachment(name: &str, path: &Path, size: u64, identity: &pii::Identity) -> AuditedFile {
    let mut file = AuditedFile::new(display(path), FileKind::Attachment);
    file.size = size;
    let scanned = analysis::scan_attachment(name, size, identity, crashpad::read_attachment(path));
    file.raw = scanned.findings.findings;
    match scanned.problem {
        Some(AttachmentProblem::Unreadable(e)) => file.error = Some(format!("cannot read: {e}")),
        // Fails closed, like a dump that could not be read completely.
        Some(problem @ AttachmentProblem::Truncated { .. }) => {
            file.raw.extend(pii::unreadable(&[&Problem::Unreadable(
                problem.to_string(),
            )]));
        }
        None => {}
    }
    file
}

/// Whether `unit` is left out by an exclude entry. A report whose dump is excluded goes
/// whole; otherwise its excluded attachments go.
fn exclude(policy: &Policy, unit: &mut Unit) -> bool {
    match unit {
        Unit::Dump(p) | Unit::Settings(p, _) | Unit::Error(p, _) | Unit::NotRead(p, _) => {
            policy.excluded(p).is_some()
        }
        Unit::DbReport { dump, attachments } => {
            if dump
                .as_deref()
                .is_some_and(|d| policy.excluded(d).is_some())
            {
                return true;
            }
            attachments.retain(|(_, p, _)| policy.excluded(p).is_none());
            dump.is_none() && attachments.is_empty()
        }
    }
}

fn policy(args: &AuditArgs) -> anyhow::Result<Policy> {
    let mut policy = audit::load_policy(
        args.config.as_deref(),
        args.no_config,
        args.fail_on.map(SeverityArg::severity),
    )?;
    for glob in &args.exclude {
        let matcher =
            audit::glob(glob).map_err(|e| anyhow::anyhow!("--exclude {glob}: bad glob: {e}"))?;
        policy.exclude.push(audit::ExcludeEntry {
            glob: glob.clone(),
            matcher,
            reason: "--exclude on the command line".to_string(),
            used: Default::default(),
        });
    }
    if let Some(file) = &args.fingerprint_key {
        key_outside_tree(file, &args.paths)?;
    }
    crate::pii::fingerprint::configure(args.fingerprint_key.as_deref())
        .map_err(anyhow::Error::msg)?;
    policy.key = crate::pii::fingerprint::key();
    if let Some(path) = &args.pseudonym_key {
        policy.pseudonyms = Some(crate::commands::scrub::read_pseudonym_key(path)?);
    }
    for (i, entry) in policy.allow.iter().enumerate() {
        if let audit::AllowMatch::Fingerprint(fp) = &entry.matcher {
            if fp.scheme == crate::pii::fingerprint::Scheme::Legacy {
                crate::render::diagnostic(&format!(
                    "warning: allow entry {} names an unkeyed value hash of an older crashscope, which can be guessed back; it still matches, but use the fingerprint audit prints now",
                    i + 1
                ));
            }
        }
    }
    if let Some(baseline) = &args.baseline {
        let (set, warning) =
            audit::read_baseline(baseline, policy.key).map_err(anyhow::Error::msg)?;
        policy.baseline = set;
        if let Some(w) = warning {
            crate::render::diagnostic(&format!("warning: {w}"));
        }
    }
    Ok(policy)
}

/// A key file inside the repository being audited (or inside an audited folder) would
/// be committed or published beside the fingerprints it protects: refused.
fn key_outside_tree(file: &Path, paths: &[PathBuf]) -> anyhow::Result<()> {
    let Ok(key) = file.canonicalize() else {
        // Unreadable: the read that follows says why.
        return Ok(());
    };
    let repo = std::env::current_dir()
        .ok()
        .and_then(|d| d.canonicalize().ok())
        .and_then(|d| {
            d.ancestors()
                .find(|a| a.join(".git").exists())
                .map(Path::to_path_buf)
        });
    let roots = paths
        .iter()
        .filter_map(|p| p.canonicalize().ok())
        .filter(|p| p.is_dir())
        .chain(repo);
    for root in roots {
        if key.starts_with(&root) {
            anyhow::bail!(
                "{}: the fingerprint key lies inside {}, where it would be committed or audited with the data; keep it outside (or set {} from a CI secret)",
                file.display(),
                root.display(),
                crate::pii::fingerprint::KEY_VARIABLE
            );
        }
    }
    Ok(())
}

pub fn run(cli: &Cli, args: &AuditArgs) -> anyhow::Result<ExitStatus> {
    // `-o -` is standard output, as the tools it sits beside read it.
    let output = args.output.as_deref().filter(|p| *p != Path::new("-"));
    // The report never goes over an input (a dump, a file in an audited folder, the
    // config, the baseline): refused before anything is read or written.
    if let Some(output) = output {
        let inputs: Vec<&Path> = args
            .paths
            .iter()
            .map(PathBuf::as_path)
            .chain(args.config.as_deref())
            .chain(args.baseline.as_deref())
            .collect();
        if crate::fsutil::overwrites_input(output, &inputs) {
            anyhow::bail!(
                "{}: refusing to write the report over an input",
                output.display()
            );
        }
    }
    let policy = policy(args)?;
    let mut units = Vec::new();
    let mut paths = args.paths.clone();
    if let Some(app) = &args.app {
        let roots = crate::source::discover::roots(&|k| std::env::var(k).ok());
        match crate::source::discover::pick(&roots, app) {
            Ok(store) => paths.push(store.path),
            Err(e) => {
                crate::render::diagnostic(&e);
                return Ok(ExitStatus::Error);
            }
        }
    }
    for path in &paths {
        discover(path, &mut units, true);
    }
    // Excluded files are left out before anything is read, and counted.
    let before = units.len();
    units.retain_mut(|unit| !exclude(&policy, unit));
    let excluded = before - units.len();
    let format = match (cli.global.json, args.format) {
        (true, _) | (_, AuditFormat::Json) => view::Format::Json,
        (_, AuditFormat::Human) => view::Format::Human,
        (_, AuditFormat::Jsonl) => view::Format::Jsonl,
        (_, AuditFormat::Sarif) => view::Format::Sarif,
        (_, AuditFormat::Github) => view::Format::Github,
    };
    let palette = if output.is_some() {
        Palette { enabled: false }
    } else {
        crate::commands::palette(cli.global.color)
    };
    let run = view::AuditRun {
        policy: &policy,
        show_values: args.show_values,
        palette,
    };
    // Scan, judge and render each unit on a worker; only the concatenation is serial.
    let bar = pool::progress(units.len(), 8, cli.global.quiet, "auditing");
    let mut files: Vec<view::FileReport> = Vec::new();
    pool::map_ordered(
        &units,
        pool::workers(),
        |unit| {
            audit_unit(unit, cli.global.time_budget)
                .into_iter()
                .map(|mut file| {
                    let key = policy.path_key(&file.path);
                    file.judged =
                        Judged::of(std::mem::take(&mut file.raw), |f| policy.judge(&key, f));
                    view::render_file(format, &run, &file)
                })
                .collect::<Vec<_>>()
        },
        |_, reports| {
            if let Some(bar) = &bar {
                bar.inc(1);
            }
            files.extend(reports);
            Ok::<(), std::convert::Infallible>(())
        },
    )
    .ok();
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    // Written as it is rendered (a dense dump's JSON is tens of megabytes): to the
    // output file through a temporary file and a rename, or to stdout.
    match output {
        Some(path) => crate::fsutil::write_atomic_with(path, |w| {
            view::finish(&mut &mut *w, format, &run, &files)
        })
        .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))?,
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            let written = view::finish(&mut out, format, &run, &files).and_then(|()| out.flush());
            // A reader that stopped early (`| head`) does not change the verdict: the
            // exit status still says whether the audit passed.
            match written {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other?,
            }
        }
    }
    if !cli.global.quiet {
        if excluded > 0 {
            crate::render::diagnostic(&format!(
                "{excluded} file{} left out by exclude entries",
                if excluded == 1 { "" } else { "s" }
            ));
        }
        for entry in policy
            .exclude
            .iter()
            .filter(|e| e.used.load(std::sync::atomic::Ordering::Relaxed) == 0)
        {
            crate::render::diagnostic(&format!(
                "warning: exclude {} ({}) matched nothing: remove it or fix it",
                entry.glob, entry.reason
            ));
        }
        for (i, entry) in policy.unused() {
            crate::render::diagnostic(&format!(
                "warning: allow entry {} ({}) matched nothing: remove it or fix it",
                i + 1,
                entry.describe()
            ));
        }
        for file in files.iter().filter(|f| f.error.is_some()) {
            crate::render::diagnostic(&format!(
                "{}: {}",
                file.path,
                file.error.as_deref().unwrap_or_default()
            ));
        }
    }
    let summary = view::summary_of(&files, &policy);
    Ok(if summary.errors > 0 {
        ExitStatus::Error
    } else if summary.failing > 0 && !args.exit_zero {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}
