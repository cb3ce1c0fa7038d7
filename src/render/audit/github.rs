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

/// GitHub shows at most this many annotations of each kind (error, warning, notice)
/// per step; the rest are counted in the closing notice and listed in the step summary.
const SHOWN: usize = 10;

/// `--format github`, one file's part: one annotation per rule with failing findings
/// (their count, the worst severity, the first one's place and preview) and one per
/// unreadable file, each line prefixed with its rank (`0\t…`: secrets and payment data
/// first) for [`github_finish`] to choose what GitHub will show.
pub(super) fn github_file(
    w: &mut impl Write,
    run: &AuditRun<'_>,
    file: &AuditedFile,
) -> io::Result<()> {
    if let Some(error) = &file.error {
        writeln!(
            w,
            "1\t::error file={},title={}::{}",
            gh_property(&file.path),
            gh_property("crashscope: unreadable"),
            gh_data(&format!("could not be read completely: {error}"))
        )?;
    }
    // (worst severity, rule, count, first finding), in the order rules first fail.
    let mut groups: Vec<(Severity, &str, usize, &Finding, Fingerprint)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = Default::default();
    for (f, v, fp) in file.judged.with_fingerprints() {
        if *v != Verdict::Fail {
            continue;
        }
        match index.get(f.rule) {
            Some(&i) => {
                let g = &mut groups[i];
                g.0 = g.0.max(f.severity);
                g.2 += 1;
            }
            None => {
                index.insert(f.rule, groups.len());
                groups.push((f.severity, f.rule, 1, f, fp));
            }
        }
    }
    for (severity, rule, count, f, fp) in groups {
        let (rank, command) = match severity {
            Severity::High => (0, "error"),
            Severity::Medium => (2, "warning"),
            Severity::Low => (3, "notice"),
        };
        let more = if count > 1 {
            format!(" and {} more of this rule in this file", count - 1)
        } else {
            String::new()
        };
        writeln!(
            w,
            "{rank}\t::{command} file={},title={}::{}",
            gh_property(&file.path),
            gh_property(&format!("crashscope {rule}")),
            gh_data(&format!(
                "{} {} at {} (bytes {}+{}): {} (fingerprint {}){more}",
                f.severity.as_str(),
                f.category.as_str(),
                f.location.logical(),
                f.offset,
                f.length,
                shown_value(run, f),
                fp
            ))
        )?;
    }
    Ok(())
}

/// The annotations GitHub will show (the first [`SHOWN`] of each kind, highest rank
/// first), the rest counted in a closing notice; and, where `$GITHUB_STEP_SUMMARY` is
/// set, a Markdown summary of every group appended to it.
pub(super) fn github_finish(
    w: &mut impl Write,
    run: &AuditRun<'_>,
    files: &[FileReport],
) -> io::Result<()> {
    let mut lines: Vec<(u8, String)> = Vec::new();
    for f in files {
        let mut body = Vec::new();
        f.body.write_to(&mut body)?;
        for line in String::from_utf8_lossy(&body).lines() {
            if let Some((rank, text)) = line.split_once('\t') {
                lines.push((rank.parse().unwrap_or(9), text.to_string()));
            }
        }
    }
    lines.sort_by_key(|(rank, _)| *rank);
    let mut shown = [0usize; 3];
    let mut left = [0usize; 3];
    for (_, text) in &lines {
        let kind = if text.starts_with("::error") {
            0
        } else if text.starts_with("::warning") {
            1
        } else {
            2
        };
        // One notice is kept for the summary.
        let room = if kind == 2 { SHOWN - 1 } else { SHOWN };
        if shown[kind] < room {
            writeln!(w, "{text}")?;
            shown[kind] += 1;
        } else {
            left[kind] += 1;
        }
    }
    let s = summary_of(files, run.policy);
    let mut text = format!(
        "{} files, {} failing findings ({} high, {} medium, {} low; threshold {}), {} allowed, {} baselined, {} unreadable",
        s.files, s.failing, s.failing_high, s.failing_medium, s.failing_low,
        run.policy.threshold.as_str(), s.allowed, s.baselined, s.errors
    );
    if left.iter().any(|&n| n > 0) {
        text.push_str(&format!(
            "; not shown as annotations (GitHub shows {SHOWN} of each kind): {} errors, {} warnings, {} notices (the step summary and --format sarif list every one)",
            left[0], left[1], left[2]
        ));
    }
    writeln!(w, "::notice title=crashscope audit::{}", gh_data(&text))?;
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        step_summary(std::path::Path::new(&path), &text, &lines)?;
    }
    Ok(())
}

/// Append the audit's Markdown summary to `$GITHUB_STEP_SUMMARY`: the counts, then one
/// row per annotation (kind, rule, file, what it says), values as the log shows them.
fn step_summary(path: &std::path::Path, summary: &str, lines: &[(u8, String)]) -> io::Result<()> {
    let cell = |s: &str| {
        // Undo the workflow-command encoding, then escape what Markdown or HTML would
        // read: a path or preview from a dump must not become a link, an image (a
        // request to someone's server when the summary is viewed) or a tag.
        let plain = s
            .replace("%0A", " ")
            .replace("%0D", " ")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%");
        let mut out = String::with_capacity(plain.len());
        for c in plain.chars() {
            match c {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '!'
                | '|' | '~' => {
                    out.push('\\');
                    out.push(c);
                }
                c => out.push(c),
            }
        }
        out
    };
    let mut md = format!("## crashscope audit\n\n{}\n\n", cell(summary));
    if !lines.is_empty() {
        md.push_str("| kind | file | rule | finding |\n| --- | --- | --- | --- |\n");
        for (_, text) in lines {
            let (head, message) = text
                .split_once("::")
                .and_then(|(_, rest)| rest.split_once("::"))
                .unwrap_or(("", text));
            let kind = head.split_whitespace().next().unwrap_or("");
            let prop = |name: &str| {
                head.split_once(' ')
                    .map(|(_, p)| p)
                    .unwrap_or("")
                    .split(',')
                    .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                    .unwrap_or("")
                    .to_string()
            };
            md.push_str(&format!(
                "| {kind} | {} | {} | {} |\n",
                cell(&prop("file")),
                cell(&prop("title")),
                cell(message)
            ));
        }
    }
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(md.as_bytes())
}
