//! The one analysis pipeline `show`, `audit` and `scrub` share: a report is
//! inventoried (`disclosure`), scanned for identifying data (`pii`) and, where the
//! stacks are shown or must be kept, walked (`symbols`). A database's report adds the
//! upload form and its attachments, scanned with the identity its dump revealed.
//!
//! Views (`render`) take the results; nothing here formats text for a person.

use std::path::PathBuf;

use minidump_processor::ProcessState;

use crate::budget::Deadline;
use crate::disclosure::{self, upload, Inventory};
use crate::pii::{self, Findings};
use crate::problem::Problem;
use crate::report::Report;
use crate::source::crashpad::{self, Database, DbReport, MAX_ATTACHMENT_READ};
use crate::symbols::Walker;

/// One attachment, read and scanned.
#[derive(Debug)]
pub struct ScannedAttachment {
    pub name: String,
    pub size: u64,
    /// How many bytes were read and scanned (at most [`MAX_ATTACHMENT_READ`]).
    pub read: u64,
    pub inventory: Inventory,
    pub findings: Findings,
    pub problem: Option<AttachmentProblem>,
}

/// Why an attachment was not scanned whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentProblem {
    /// It could not be read at all.
    #[error("cannot read: {0}")]
    Unreadable(String),
    /// Only its first [`MAX_ATTACHMENT_READ`] bytes of `size` were read.
    #[error("only the first {MAX_ATTACHMENT_READ} of {size} bytes were scanned")]
    Truncated { size: u64 },
}

/// The database's own identifying data: the client id in `settings.dat`.
#[derive(Debug, Default)]
pub struct DatabaseScan {
    pub inventory: Inventory,
    pub findings: Findings,
}

/// One dump, walked and scanned.
pub struct Analysis {
    pub report: Report,
    pub walked: Result<ProcessState, Problem>,
    pub inventory: Inventory,
    pub findings: Findings,
    /// The module lists read from their streams when the stacks could not be walked
    /// (a walked dump's are in its state).
    pub unwalked_modules: Option<ModuleLists>,
    /// What Crashpad's uploader would send for this dump (see
    /// [`upload::UploadForm::has_crashpad_info`]: other writers have their own forms).
    pub form: upload::UploadForm,
}

/// A dump's loaded and unloaded modules, as their streams hold them.
pub struct ModuleLists {
    pub loaded: minidump::MinidumpModuleList,
    pub unloaded: minidump::MinidumpUnloadedModuleList,
}

impl ModuleLists {
    /// The lists of `report`'s streams, or `None` without a module list.
    fn read(report: &Report) -> Option<ModuleLists> {
        let loaded = report
            .dump
            .get_stream::<minidump::MinidumpModuleList>()
            .ok()?;
        let unloaded = report
            .dump
            .get_stream::<minidump::MinidumpUnloadedModuleList>()
            .unwrap_or_else(|_| minidump::MinidumpUnloadedModuleList::new());
        Some(ModuleLists { loaded, unloaded })
    }
}

impl Analysis {
    fn new(
        report: Report,
        walked: Result<ProcessState, Problem>,
        inventory: Inventory,
        findings: Findings,
    ) -> Analysis {
        let unwalked_modules = walked
            .is_err()
            .then(|| ModuleLists::read(&report))
            .flatten();
        let form = upload::form(&inventory);
        Analysis {
            report,
            walked,
            inventory,
            findings,
            unwalked_modules,
            form,
        }
    }
}

impl Analysis {
    /// Whether any part of the dump could not be read.
    pub fn incomplete(&self) -> bool {
        self.walked.is_err()
            || !self.report.problems.is_empty()
            || !self.inventory.problems.is_empty()
    }
}

/// The privacy scan of a mapped dump, releasing scanned memory as it goes, until
/// `deadline`.
fn scan(
    report: &Report,
    inventory: &Inventory,
    deadline: Option<Deadline>,
    known: &pii::Identity,
) -> Findings {
    let release = |offset, len| report.release(offset, len);
    let options = pii::ScanOptions {
        release: Some(&release),
        deadline,
        known: Some(known),
    };
    pii::scan(inventory, report.bytes(), &options)
}

/// Inventory and scan one dump (no walk: what `audit` needs). The scan's problems and
/// the fields it found in memory (environment blocks) join the inventory's.
pub fn scan_dump(report: &Report, deadline: Option<Deadline>) -> (Inventory, Findings) {
    scan_dump_knowing(report, deadline, &pii::Identity::default())
}

/// [`scan_dump`], with identities known from elsewhere (see [`pii::ScanOptions`]).
fn scan_dump_knowing(
    report: &Report,
    deadline: Option<Deadline>,
    known: &pii::Identity,
) -> (Inventory, Findings) {
    let inventory = disclosure::inventory(report);
    let findings = scan(report, &inventory, deadline, known);
    joined(inventory, findings)
}

/// The scan's problems and the fields it found in memory join the inventory's.
fn joined(mut inventory: Inventory, mut findings: Findings) -> (Inventory, Findings) {
    inventory.problems.append(&mut findings.problems);
    inventory.fields.append(&mut findings.fields);
    (inventory, findings)
}

/// Walk and scan one dump. The stackwalk and the privacy scan read the same mapped file
/// and need nothing from each other: one core each.
pub fn analyze(report: Report, walker: &Walker) -> Analysis {
    analyze_with(report, walker, true, &pii::Identity::default())
}

/// [`analyze`], on the calling thread only when `split` is false (the caller already
/// keeps every core busy with other reports).
pub fn analyze_with(
    report: Report,
    walker: &Walker,
    split: bool,
    known: &pii::Identity,
) -> Analysis {
    let deadline = walker.deadline();
    if !split {
        let (inventory, findings) = scan_dump_knowing(&report, deadline, known);
        let walked = walker.walk_until(&report, deadline);
        return Analysis::new(report, walked, inventory, findings);
    }
    // The walk on a thread of its own, the scan here: they read the same mapped file
    // and need nothing from each other. Once its walk is done, the walking thread helps
    // match the fields.
    let work: std::sync::OnceLock<pii::FieldWork<'_>> = std::sync::OnceLock::new();
    let inventory = disclosure::inventory(&report);
    let (walked, scanned) = std::thread::scope(|scope| {
        let walk = scope.spawn(|| {
            let walked = walker.walk_until(&report, deadline);
            if let Some(work) = work.get() {
                work.help();
            }
            walked
        });
        let scanned = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let release = |offset, len| report.release(offset, len);
            let options = pii::ScanOptions {
                release: Some(&release),
                deadline,
                known: Some(known),
            };
            let work = work.get_or_init(|| pii::FieldWork::new(&inventory.fields, deadline));
            pii::scan_sharing(&inventory, report.bytes(), &options, work)
        }))
        .unwrap_or_else(|_| {
            let mut findings = Findings::default();
            findings
                .problems
                .push(Problem::Unreadable("the privacy scan failed".to_string()));
            findings
        });
        let walked = walk.join().unwrap_or_else(|_| {
            Err(Problem::Unreadable(
                "the stackwalk failed (the stack walker crashed on this dump)".to_string(),
            ))
        });
        (walked, scanned)
    });
    let (inventory, findings) = joined(inventory, scanned);
    Analysis::new(report, walked, inventory, findings)
}

/// A report of a database, opened, walked and scanned: its dump, the upload form
/// Crashpad would send with it, and its attachments.
pub struct ReportAnalysis {
    pub dump: Result<Analysis, String>,
    pub form: Option<upload::UploadForm>,
    pub attachments: Vec<ScannedAttachment>,
}

pub fn analyze_report(
    entry: &DbReport,
    walker: &Walker,
    split: bool,
    no_form: bool,
) -> ReportAnalysis {
    // A sentry-native run keeps its minidump inside its envelope: shown as the dump,
    // and left out of the envelope's own scan (the same bytes are scanned once). The
    // envelope is read once; the dump mapped from it must hold the bytes that were read.
    let mut embedded = entry.dump.is_none().then(|| embedded_dump(entry)).flatten();
    // A `.extra` is read once: for what the user typed (before the dump) and for its
    // own scan (after it, knowing the dump's identities).
    let mut extras: Vec<Option<AttachmentRead>> = entry
        .attachments
        .iter()
        .map(|a| {
            a.name
                .ends_with(".extra")
                .then(|| crashpad::read_attachment(&a.path))
        })
        .collect();
    let known = typed_by_user(entry, &extras);
    let dump = match (&entry.dump, &embedded) {
        (Some(path), _) => Report::open(path)
            .map(|r| analyze_with(r, walker, split, &known))
            .map_err(|e| e.to_string()),
        (None, Some(e)) => Report::open_part(&e.path, Some((e.offset as u64, e.len as u64)))
            .map_err(|err| err.to_string())
            .and_then(|r| {
                let read = e.read.0.get(e.offset..e.offset + e.len);
                if read == Some(r.bytes()) {
                    Ok(analyze_with(r, walker, split, &known))
                } else {
                    Err(format!("{}: changed while it was read", e.path.display()))
                }
            }),
        (None, None) => Err("the report has no dump file".to_string()),
    };
    // Mozilla's reporter sends the `.extra` annotations (shown with the attachment) and
    // sentry-native its envelopes, not Crashpad's form.
    let form = (!no_form)
        .then(|| dump.as_ref().ok().map(|a| a.form.clone()))
        .flatten();
    let identity = dump
        .as_ref()
        .map(|a| a.findings.identity.clone())
        .unwrap_or_default();
    let attachments = entry
        .attachments
        .iter()
        .zip(&mut extras)
        .map(|(a, extra)| match embedded.take_if(|e| e.path == a.path) {
            Some(e) => {
                let mut bytes = e.read;
                // The dump's bytes are scanned as the dump; here they read as zeros (the
                // offsets of everything else stay the file's).
                bytes.0[e.offset..e.offset + e.len].fill(0);
                scan_attachment(&a.name, a.size, &identity, Ok(bytes))
            }
            None => {
                let read = extra
                    .take()
                    .unwrap_or_else(|| crashpad::read_attachment(&a.path));
                scan_attachment(&a.name, a.size, &identity, read)
            }
        })
        .collect();
    ReportAnalysis {
        dump,
        form,
        attachments,
    }
}

/// An attachment as `crashpad::read_attachment` reads it: its bytes and whether they
/// were cut at the read limit.
type AttachmentRead = std::io::Result<(Vec<u8>, bool)>;

/// What the user typed into a crash reporter's form, or its annotations tie to them: the
/// identity values of a Mozilla report's `.extra` fields, read before its dump is
/// scanned, so that the same value in memory (among thousands of others) stays theirs.
fn typed_by_user(entry: &DbReport, extras: &[Option<AttachmentRead>]) -> pii::Identity {
    let mut known = pii::Identity::default();
    for (a, extra) in entry.attachments.iter().zip(extras) {
        let Some(Ok((bytes, truncated))) = extra else {
            continue;
        };
        let read = Ok((bytes.clone(), *truncated));
        let scanned = scan_attachment(&a.name, a.size, &pii::Identity::default(), read);
        for f in &scanned.findings.findings {
            let tied = matches!(f.location, pii::Location::Field { .. })
                && f.severity >= pii::Severity::Medium
                && pii::identity_key(f).is_some();
            if tied {
                known.own.insert((f.category, f.value.to_lowercase()));
            }
        }
    }
    known
}

/// A minidump inside one of a report's sentry-native envelopes.
struct Embedded {
    path: PathBuf,
    offset: usize,
    len: usize,
    /// The envelope as read ([`crashpad::read_attachment`]).
    read: (Vec<u8>, bool),
}

fn embedded_dump(entry: &DbReport) -> Option<Embedded> {
    entry
        .attachments
        .iter()
        .filter(|a| a.name.ends_with(".envelope"))
        .find_map(|a| {
            let read = crashpad::read_attachment(&a.path).ok()?;
            let (offset, len) = crashpad::sentry::envelope_minidump(&read.0)?;
            Some(Embedded {
                path: a.path.clone(),
                offset,
                len,
                read,
            })
        })
}

pub fn scan_attachment(
    name: &str,
    size: u64,
    identity: &pii::Identity,
    read: std::io::Result<(Vec<u8>, bool)>,
) -> ScannedAttachment {
    // A compressed attachment is judged by what it holds: its offsets are then offsets
    // in the decompressed content.
    let read = match read {
        Ok((bytes, truncated)) => match crashpad::gunzip(&bytes) {
            None => Ok((bytes, truncated)),
            Some(Ok(inner)) if truncated => Ok((inner.0, true)),
            Some(Ok(inner)) => Ok(inner),
            Some(Err(e)) => Err(std::io::Error::other(format!(
                "compressed (gzip) data that cannot be decompressed: {e}"
            ))),
        },
        Err(e) => Err(e),
    };
    let (bytes, problem) = match read {
        Ok((bytes, false)) => (bytes, None),
        Ok((bytes, true)) => (bytes, Some(AttachmentProblem::Truncated { size })),
        Err(e) => (
            Vec::new(),
            Some(AttachmentProblem::Unreadable(e.to_string())),
        ),
    };
    let inventory = disclosure::attachment(name, &bytes);
    let options = pii::ScanOptions {
        known: Some(identity),
        ..Default::default()
    };
    let findings = pii::scan(&inventory, &bytes, &options);
    ScannedAttachment {
        name: name.to_string(),
        size,
        read: bytes.len() as u64,
        inventory,
        findings,
        problem,
    }
}

/// The client id of `settings.dat`, inventoried and scanned like a dump's fields.
pub fn scan_database(db: &Database) -> DatabaseScan {
    let Some(settings) = &db.settings else {
        return DatabaseScan::default();
    };
    let inventory = disclosure::settings(settings);
    let findings = pii::scan(&inventory, &[], &Default::default());
    DatabaseScan {
        inventory,
        findings,
    }
}
