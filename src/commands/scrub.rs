//! `crashscope scrub IN -o OUT`: scan, plan the edits, write a temporary copy, verify
//! it, and only then rename it into place. For a database the whole tree is written to a
//! temporary folder first, so a failed check leaves nothing behind.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use serde_json::json;

use crate::audit::{glob, Policy};
use crate::cli::{Cli, Format, ScrubArgs, SeverityArg};
use crate::exit::ExitStatus;
use crate::pii::Category;
use crate::render::{escape, human_size, visible_width, Palette};
use crate::scrub::{scrub_database, scrub_dump, Options, Pseudonymizer, Scrubbed};
use crate::source::{self, Source};
use crate::symbols::Walker;

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
        Some(path) => Some(read_pseudonym_key(path)?),
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
    // A copy is renamed into place: never over a device, pipe or socket (`-o /dev/null`
    // would replace the device with a regular file).
    if std::fs::symlink_metadata(&args.output).is_ok_and(|m| {
        let t = m.file_type();
        !t.is_file() && !t.is_dir() && !t.is_symlink()
    }) {
        anyhow::bail!(
            "{}: not a regular file; the copy is written to a new file or replaces one",
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
        if s.changes.pseudonymized > 0 {
            // The pseudonyms look like names and e-mails: audit needs the key to know them.
            writeln!(
                w,
                "{} the pseudonyms pass `crashscope audit` with --pseudonym-key and the same key",
                label("Audit"),
            )?;
        }
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

/// The pseudonym key of `scrub --pseudonymize-key` and `audit --pseudonym-key`.
pub fn read_pseudonym_key(path: &std::path::Path) -> anyhow::Result<Pseudonymizer> {
    let key = std::fs::read(path)
        .map_err(|e| anyhow::anyhow!("{}: cannot read the key: {e}", path.display()))?;
    Pseudonymizer::new(key).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}
