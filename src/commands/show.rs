//! `crashscope show PATH`: open, walk, render.

use std::io::Write;

use crate::cli::{Cli, Format, ShowArgs};
use crate::disclosure;
use crate::exit::ExitStatus;
use crate::pii;
use crate::render::highlight::Marks;
use crate::render::human::{write_show, ShowView};
use crate::render::{json, Palette};
use crate::report::Report;
use crate::source::{self, Source};
use crate::symbols::{self, SymbolConfig};

pub fn run(cli: &Cli, args: &ShowArgs) -> anyhow::Result<ExitStatus> {
    let Source::Minidump(path) = source::detect(&args.path)?;
    let report = Report::open(&path)?;
    let config = SymbolConfig::from_args(&args.symbols, cli.global.verbose);
    // The stackwalk and the privacy scan read the same mapped file and need nothing from
    // each other: one core each.
    let (walked, scanned) = std::thread::scope(|scope| {
        let scan = scope.spawn(|| {
            let inventory = disclosure::inventory(&report);
            let findings = pii::scan(&inventory, report.bytes());
            (inventory, findings)
        });
        let walked = symbols::walk(&report, &config);
        let scanned = scan.join();
        (walked, scanned)
    });
    let (inventory, findings) =
        scanned.map_err(|_| anyhow::anyhow!("{}: the privacy scan failed", path.display()))?;
    let (state, walk_error) = match &walked {
        Ok(state) => (Some(state), None),
        Err(e) => (None, Some(e.as_str())),
    };
    let view = ShowView {
        report: &report,
        state,
        walk_error,
        threads: args.threads,
        inventory: &inventory,
        findings: &findings,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match cli.format(args.format) {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &json::show_document(&view))?;
            writeln!(out)?;
        }
        Format::Human => {
            let marks = Marks {
                palette: Palette::new(cli.global.color),
                all: args.all,
                redact: args.redact,
            };
            write_show(&mut out, &view, marks)?
        }
    }
    out.flush()?;
    let unread = !report.problems.is_empty() || !inventory.problems.is_empty();
    if !cli.global.quiet && (walk_error.is_some() || unread) {
        eprintln!(
            "crashscope: {}: parts of the dump could not be read (see \"Could not read\")",
            report.path.display()
        );
    }
    Ok(ExitStatus::Success)
}
