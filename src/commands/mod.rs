//! One small file per subcommand, wiring the parts in the order of the data flow:
//! source → report → symbols → (disclosure → pii) → render. No logic that a part owns.

pub mod audit;
pub mod generate;
pub mod list;
pub mod rules;
pub mod scrub;
pub mod show;

use crate::cli::{Cli, Command};
use crate::exit::ExitStatus;

/// Run the parsed command line.
pub fn run(cli: &Cli) -> anyhow::Result<ExitStatus> {
    match &cli.command {
        Command::Show(args) => show::run(cli, args),
        Command::List(args) => list::run(cli, args),
        Command::Audit(args) => audit::run(cli, args),
        Command::Scrub(args) => scrub::run(cli, args),
        Command::Rules(args) => rules::run(cli, args),
        Command::Generate { what } => generate::run(what),
    }
}
