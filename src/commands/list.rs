//! `crashscope list PATH`: the overview of a Crashpad database.

use std::io::Write;

use crate::cli::{Cli, Format, ListArgs};
use crate::exit::ExitStatus;
use crate::render::{database, Palette};
use crate::source::crashpad;
use crate::source::{self, Source};

pub fn run(cli: &Cli, args: &ListArgs) -> anyhow::Result<ExitStatus> {
    let root = match source::detect(&args.path)? {
        Source::Database(root) => root,
        Source::Minidump(path) => anyhow::bail!(
            "{}: is a minidump, not a Crashpad database (crashscope show reads it)",
            path.display()
        ),
    };
    let db = crashpad::open(&root, crashpad::unix_now())?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match cli.format(args.format) {
        Format::Json => {
            let doc = database::database_document(&db);
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        Format::Human => database::write_list(&mut out, &db, Palette::new(cli.global.color))?,
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}
