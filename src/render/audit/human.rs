//! The audit for a person: findings grouped by file, then the run's summary.

use super::*;

pub(super) fn paint(p: Palette, text: &str, s: Severity) -> String {
    use owo_colors::OwoColorize;
    if !p.enabled {
        return text.to_string();
    }
    match s {
        Severity::High => text.red().bold().to_string(),
        Severity::Medium => text.yellow().bold().to_string(),
        Severity::Low => text.blue().to_string(),
    }
}

/// `--format human`: the file's failing findings under its path.
pub(super) fn human_file(
    w: &mut impl Write,
    run: &AuditRun<'_>,
    file: &AuditedFile,
) -> io::Result<()> {
    let p = run.palette;
    let failing: Vec<(&Finding, Fingerprint)> = file
        .judged
        .with_fingerprints()
        .filter(|(_, v, _)| **v == Verdict::Fail)
        .map(|(f, _, fp)| (f, fp))
        .collect();
    if failing.is_empty() && file.error.is_none() {
        return Ok(());
    }
    writeln!(w, "{}", p.label(&escape(&file.path)))?;
    if let Some(error) = &file.error {
        writeln!(w, "  {}", p.bad(&format!("error: {}", escape(error))))?;
    }
    let width = failing
        .iter()
        .map(|(f, _)| visible_width(&escape(&f.location.logical())))
        .max()
        .unwrap_or(0)
        .min(48);
    // More than SARIF_AGGREGATE_FROM failing findings of one rule in a file are summed
    // up on one line (`--format json` lists each), so a dense dump stays readable.
    let mut per_rule: std::collections::BTreeMap<&str, Vec<&Finding>> = Default::default();
    for (f, _) in &failing {
        per_rule.entry(f.rule).or_default().push(f);
    }
    let dense: std::collections::BTreeSet<&str> = per_rule
        .iter()
        .filter(|(_, fs)| fs.len() > SARIF_AGGREGATE_FROM)
        .map(|(r, _)| *r)
        .collect();
    for rule in &dense {
        let fs = &per_rule[rule];
        let f = fs[0];
        writeln!(
            w,
            "  {} {:<22} {} findings, e.g. {} at {}  {}",
            paint(
                p,
                &format!("{:<2} {:<6}", f.severity.marker(), f.severity.as_str()),
                f.severity
            ),
            rule,
            fs.len(),
            escape(&shown_value(run, f)),
            escape(&f.location.logical()),
            p.dim("(--format json lists each)")
        )?;
    }
    for (f, fp) in failing.into_iter().filter(|(f, _)| !dense.contains(f.rule)) {
        let logical = escape(&f.location.logical()).into_owned();
        let pad = width.saturating_sub(visible_width(&logical));
        writeln!(
            w,
            "  {} {:<22} {logical}{}  {}  {}",
            paint(
                p,
                &format!("{:<2} {:<6}", f.severity.marker(), f.severity.as_str()),
                f.severity
            ),
            f.rule,
            " ".repeat(pad),
            escape(&shown_value(run, f)),
            p.dim(&format!("fp {fp}"))
        )?;
    }
    Ok(())
}

pub(super) fn human_finish(
    w: &mut impl Write,
    run: &AuditRun<'_>,
    files: &[FileReport],
) -> io::Result<()> {
    let p = run.palette;
    let mut printed = false;
    for f in files {
        f.body.write_to(w)?;
        printed |= !f.body.is_empty();
    }
    let s = summary_of(files, run.policy);
    let mut parts = vec![
        format!("{} file{}", s.files, if s.files == 1 { "" } else { "s" }),
        format!("{} with failing findings", s.files_failing),
        format!(
            "{} high, {} medium, {} low failing (threshold: {})",
            s.failing_high,
            s.failing_medium,
            s.failing_low,
            run.policy.threshold.as_str()
        ),
    ];
    for (n, what) in [
        (s.allowed, "allowed"),
        (s.baselined, "in the baseline"),
        (s.pseudonyms, "scrub's pseudonyms"),
        (s.below_threshold, "below the threshold"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    if s.unused_allow > 0 {
        parts.push(format!(
            "{} allow entr{} unused",
            s.unused_allow,
            if s.unused_allow == 1 { "y" } else { "ies" }
        ));
    }
    if s.errors > 0 {
        parts.push(p.bad(&format!(
            "{} file{} could not be read",
            s.errors,
            if s.errors == 1 { "" } else { "s" }
        )));
    }
    if printed {
        writeln!(w)?;
    }
    writeln!(w, "{}", parts.join(" · "))?;
    let verdict = if s.errors > 0 {
        p.bad("FAILED: some input could not be read")
    } else if s.failing > 0 {
        p.bad("FAILED")
    } else {
        "passed".to_string()
    };
    writeln!(w, "{verdict}")
}
