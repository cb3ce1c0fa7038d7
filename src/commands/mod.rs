//! One small file per subcommand, wiring the parts in the order of the data flow:
//! source → report → symbols → (disclosure → pii) → render. No logic that a part owns.

pub mod audit;
pub mod generate;
pub mod list;
pub mod rules;
pub mod scrub;
pub mod show;

use std::time::Duration;

use crate::cli::{Cli, ColorChoice, Command, SymbolArgs};
use crate::exit::ExitStatus;
use crate::render::{ColorMode, Palette};
use crate::symbols::{default_cache_dir, SymbolConfig};

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

/// The symbol settings the flags ask for (flags become each part's own values here, at
/// the top, and nowhere below).
pub fn symbol_config(args: &SymbolArgs, verbose: bool) -> SymbolConfig {
    SymbolConfig {
        paths: args.paths.clone(),
        urls: args.urls.clone(),
        cache: args.cache.clone().unwrap_or_else(default_cache_dir),
        timeout: Duration::from_secs(args.timeout_secs.max(1)),
        max_download: args.max_size_mib.saturating_mul(1 << 20),
        diagnostics: verbose.then_some(crate::render::diagnostic as fn(&str)),
    }
}

/// The palette `--color` (and `NO_COLOR`, and the terminal) asks for.
pub fn palette(choice: ColorChoice) -> Palette {
    Palette::new(match choice {
        ColorChoice::Auto => ColorMode::Auto,
        ColorChoice::Always => ColorMode::Always,
        ColorChoice::Never => ColorMode::Never,
    })
}
