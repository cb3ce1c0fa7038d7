//! Scrubbing one file: a dump (planned, written, walked again and re-audited), or a plain
//! file such as an attachment or `settings.dat` (its inventory scanned again).

use std::path::Path;

use crate::analysis::analyze;
use crate::audit::Policy;
use crate::disclosure;
use crate::pii::{self};
use crate::problem::Problem;
use crate::report::Report;
use crate::scrub::{self, Changes, Options, Verified};
use crate::source::crashpad::{self, MAX_ATTACHMENT_READ};
use crate::symbols::Walker;

/// Why a scrub failed: exit status 2, and no output left behind.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub(crate) struct ScrubError {
    pub(crate) message: String,
    /// The input could not be read completely (in a database: left out of the copy).
    pub(crate) unreadable: bool,
}

impl ScrubError {
    pub(crate) fn new(message: String) -> ScrubError {
        ScrubError {
            message,
            unreadable: false,
        }
    }

    pub(crate) fn unreadable(message: String) -> ScrubError {
        ScrubError {
            message,
            unreadable: true,
        }
    }
}

/// What one scrubbed file reports.
#[derive(Debug, serde::Serialize)]
pub(crate) struct Scrubbed {
    pub(crate) input: String,
    pub(crate) output: String,
    pub(crate) kind: &'static str,
    pub(crate) size: u64,
    pub(crate) changes: Changes,
    pub(crate) verified: Verified,
}

/// The same file, whatever the spelling (it may not exist yet: compare its folder).
/// Scrub one dump into `out` (through a temporary file beside it).
pub(crate) fn scrub_dump(
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
        .filter(|p| p.is_out_of_time());
    let problems: Vec<&Problem> = analysis
        .report
        .problems
        .iter()
        .chain(&analysis.inventory.problems)
        .chain(out_of_time)
        .collect();
    if let Some(first) = problems.first() {
        let _ = std::fs::remove_file(&tmp);
        let message = if first.is_out_of_time() {
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
pub(crate) fn scrub_plain(
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
    let options = pii::ScanOptions {
        known: Some(identity),
        ..Default::default()
    };
    let findings = pii::scan(inventory, bytes, &options);
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
        let found = pii::scan(&again, &copy, &options);
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
pub(crate) fn scrub_attachment(
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
    match crashpad::gunzip(&bytes) {
        None => {}
        Some(Err(err)) => {
            return Err(ScrubError::unreadable(format!(
                "{}: compressed data that cannot be decompressed: {err}",
                input.display()
            )))
        }
        Some(Ok((_, true))) => {
            return Err(ScrubError::new(format!(
                "{}: holds more than {MAX_ATTACHMENT_READ} bytes: too large to scrub",
                input.display()
            )))
        }
        Some(Ok((inner, false))) => {
            return scrub_gzip(input, out, &name, &inner, identity, policy, opts)
        }
    }
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

/// Scrub a compressed attachment: its content is scrubbed (and verified) as a plain
/// attachment in a temporary file, then compressed again into `out`. The copy's length
/// is the compressor's; nothing else refers to offsets in it.
fn scrub_gzip(
    input: &Path,
    out: &Path,
    name: &str,
    inner: &[u8],
    identity: &pii::Identity,
    policy: &Policy,
    opts: &Options,
) -> Result<Scrubbed, ScrubError> {
    use std::io::Write;
    let io =
        |err: std::io::Error| ScrubError::new(format!("{}: cannot write: {err}", out.display()));
    let plain_in = crate::fsutil::temp_file_beside(out, ".gunzip.tmp").map_err(io)?;
    let plain_out = crate::fsutil::temp_file_beside(out, ".plain.tmp").map_err(io)?;
    let cleanup = || {
        let _ = std::fs::remove_file(&plain_in);
        let _ = std::fs::remove_file(&plain_out);
    };
    let result = (|| {
        std::fs::write(&plain_in, inner).map_err(io)?;
        let inventory = disclosure::attachment(name, inner);
        let mut scrubbed = scrub_plain(
            &plain_in,
            &plain_out,
            "attachment",
            inner,
            &inventory,
            identity,
            policy,
            opts,
        )
        .map_err(|mut err| {
            err.message = err.message.replace(
                &plain_in.display().to_string(),
                &input.display().to_string(),
            );
            err
        })?;
        let clean = std::fs::read(&plain_out).map_err(io)?;
        let tmp = scrub::temp_path(out).map_err(io)?;
        let written = (|| {
            let file = std::fs::File::create(&tmp)?;
            let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
            gz.write_all(&clean)?;
            gz.finish()?.sync_all()?;
            scrub::put_in_place(input, &tmp, out)
        })();
        if let Err(err) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(io(err));
        }
        scrubbed.input = input.display().to_string();
        scrubbed.output = out.display().to_string();
        Ok(scrubbed)
    })();
    cleanup();
    result
}

/// settings.dat's client id as an inventory (offsets in that file).
pub(crate) fn settings_inventory(bytes: &[u8]) -> disclosure::Inventory {
    crashpad::parse_settings(bytes)
        .map(|s| disclosure::settings(&s))
        .unwrap_or_default()
}
