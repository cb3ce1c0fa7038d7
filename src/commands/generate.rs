//! `crashscope generate`: completions and man pages from the clap definitions.
//!
//! The outputs are committed under `completions/` and `man/`; a test regenerates them
//! and fails when the committed files are stale.

use std::path::Path;

use clap::CommandFactory;

use crate::cli::{Cli, GenerateCommand};
use crate::exit::ExitStatus;

pub fn run(what: &GenerateCommand) -> anyhow::Result<ExitStatus> {
    match what {
        GenerateCommand::Completions { shell } => {
            let mut out = std::io::stdout().lock();
            std::io::Write::write_all(&mut out, &completions(*shell))?;
        }
        GenerateCommand::Man { dir } => {
            for (name, page) in man_pages()? {
                crate::fsutil::write_atomic(&Path::new(dir).join(name), &page)?;
            }
        }
    }
    Ok(ExitStatus::Success)
}

/// The completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "crashscope", &mut buf);
    buf
}

/// `(file name, roff)` for the main page and one page per visible subcommand.
pub fn man_pages() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let cmd = Cli::command();
    let mut pages = Vec::new();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut buf)?;
    append_exit_status(&mut buf);
    pages.push(("crashscope.1".to_string(), buf));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("crashscope-{}", sub.get_name());
        let sub = sub.clone().name(name.clone());
        let mut buf = Vec::new();
        clap_mangen::Man::new(sub).render(&mut buf)?;
        append_exit_status(&mut buf);
        pages.push((format!("{name}.1"), buf));
    }
    Ok(pages)
}

fn append_exit_status(buf: &mut Vec<u8>) {
    buf.extend_from_slice(
        b".SH \"EXIT STATUS\"\n.TP\n0\nDone; nothing at or above the threshold.\n\
.TP\n1\nFindings at or above the threshold (audit).\n\
.TP\n2\nUsage error, or an input that cannot be read (missing, truncated, not a minidump).\n",
    );
}
