//! `crashscope rules`: every rule, as a table, JSON or the Markdown of docs/rules.md.

use std::io::Write;

use crate::cli::{Cli, RulesArgs, RulesFormat};
use crate::exit::ExitStatus;
use crate::pii;
use crate::render::rules;

pub fn run(cli: &Cli, args: &RulesArgs) -> anyhow::Result<ExitStatus> {
    let listed = pii::listing();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let format = if cli.global.json {
        RulesFormat::Json
    } else {
        args.format
    };
    match format {
        RulesFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &rules::document(&listed))?;
            writeln!(out)?;
        }
        RulesFormat::Markdown => rules::write_markdown(&mut out, &listed)?,
        RulesFormat::Human if args.excluded => {
            rules::write_excluded(&mut out, crate::commands::palette(cli.global.color))?
        }
        RulesFormat::Human => rules::write_table(
            &mut out,
            &listed,
            crate::commands::palette(cli.global.color),
        )?,
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}
