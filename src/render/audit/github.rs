//! The audit as GitHub Actions workflow commands: one annotation a finding.

use super::*;

/// GitHub workflow-command data: first through the terminal-safety gate (a CI log is a
/// terminal too: no raw control, bidi or invisible character), then `%`, CR and LF in
/// the workflow-command encoding.
pub(super) fn gh_data(s: &str) -> String {
    escape(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow-command property: also `:` and `,`.
pub(super) fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `--format github`: one annotation per failing finding and per unreadable file.
pub(super) fn github_file(
    w: &mut impl Write,
    run: &AuditRun<'_>,
    file: &AuditedFile,
) -> io::Result<()> {
    if let Some(error) = &file.error {
        writeln!(
            w,
            "::error file={},title={}::{}",
            gh_property(&file.path),
            gh_property("crashscope: unreadable"),
            gh_data(&format!("could not be read completely: {error}"))
        )?;
    }
    for (f, v) in &file.judged {
        if *v != Verdict::Fail {
            continue;
        }
        let command = match f.severity {
            Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low => "notice",
        };
        writeln!(
            w,
            "::{command} file={},title={}::{}",
            gh_property(&file.path),
            gh_property(&format!("crashscope {}", f.rule)),
            gh_data(&format!(
                "{} {} at {} (bytes {}+{}): {} (fingerprint {})",
                f.severity.as_str(),
                f.category.as_str(),
                f.location.logical(),
                f.offset,
                f.length,
                shown_value(run, f),
                f.fingerprint()
            ))
        )?;
    }
    Ok(())
}

pub(super) fn github_finish(
    w: &mut impl Write,
    run: &AuditRun<'_>,
    files: &[FileReport],
) -> io::Result<()> {
    for f in files {
        f.body.write_to(w)?;
    }
    let s = summary_of(files, run.policy);
    writeln!(
        w,
        "::notice title=crashscope audit::{}",
        gh_data(&format!(
            "{} files, {} failing findings ({} high, {} medium, {} low; threshold {}), {} allowed, {} baselined, {} unreadable",
            s.files, s.failing, s.failing_high, s.failing_medium, s.failing_low,
            run.policy.threshold.as_str(), s.allowed, s.baselined, s.errors
        ))
    )
}
