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
    // A folder that is missing or one level off gives unsymbolicated frames and nothing
    // else: said on stderr, once, before the work.
    for path in &args.paths {
        if let Some(why) = symbol_folder_problem(path) {
            crate::render::diagnostic(&format!(
                "warning: --symbols-path {}: {why}; frames there stay unsymbolicated",
                path.display()
            ));
        }
    }
    SymbolConfig {
        paths: args.paths.clone(),
        urls: args.urls.clone(),
        cache: args.cache.clone().unwrap_or_else(default_cache_dir),
        timeout: Duration::from_secs(args.timeout_secs.max(1)),
        max_download: args.max_size_mib.saturating_mul(1 << 20),
        diagnostics: verbose.then_some(crate::render::diagnostic as fn(&str)),
        warnings: Some(crate::render::diagnostic as fn(&str)),
    }
}

/// Whether each module on the stacks of one or more walks got symbols (in any of them).
#[derive(Default)]
pub struct SymbolsFound(std::collections::BTreeMap<String, bool>);

impl SymbolsFound {
    pub fn add(&mut self, state: &minidump_processor::ProcessState) {
        for (name, stats) in &state.symbol_stats {
            *self.0.entry(name.clone()).or_insert(false) |= stats.loaded_symbols;
        }
    }

    pub fn merge(&mut self, other: SymbolsFound) {
        for (name, found) in other.0 {
            *self.0.entry(name).or_insert(false) |= found;
        }
    }
}

/// One line naming the modules on the stacks that got no symbols, when symbols were
/// asked for (a folder or a server): a frame left unsymbolicated is then said, not only
/// seen. The names come from the dump: the caller prints the line escaped.
pub fn missing_symbols(found: &SymbolsFound, args: &SymbolArgs) -> Option<String> {
    if args.paths.is_empty() && args.urls.is_empty() {
        return None;
    }
    let all = &found.0;
    let missing: Vec<&str> = all
        .iter()
        .filter(|(_, &found)| !found)
        .map(|(n, _)| n.as_str())
        .collect();
    if missing.is_empty() {
        return None;
    }
    const NAMED: usize = 6;
    // Escaped where it is printed (`render::diagnostic`).
    let mut names: Vec<String> = missing.iter().take(NAMED).map(|n| n.to_string()).collect();
    if missing.len() > NAMED {
        names.push(format!("+{} more", missing.len() - NAMED));
    }
    let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let mut places = Vec::new();
    if !args.paths.is_empty() {
        places.push(count(args.paths.len(), "folder"));
    }
    if !args.urls.is_empty() {
        places.push(count(args.urls.len(), "server"));
    }
    Some(format!(
        "no symbols for {} of {} on the stacks: {} (looked in {})",
        missing.len(),
        count(all.len(), "module"),
        names.join(", "),
        places.join(", ")
    ))
}

/// Why `path` cannot be a Breakpad symbol folder (`NAME/DEBUGID/NAME.sym`), if it
/// cannot: missing, not a folder, or holding no `.sym` file two levels down (a few
/// hundred entries are looked at, not the whole tree).
fn symbol_folder_problem(path: &std::path::Path) -> Option<String> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return Some(format!("cannot be read ({e})")),
    };
    if !meta.is_dir() {
        return Some("is not a folder".to_string());
    }
    let dirs = |p: &std::path::Path| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(p)
            .map(|r| {
                r.flatten()
                    .take(200)
                    .map(|e| e.path())
                    .filter(|p| p.is_dir())
                    .collect()
            })
            .unwrap_or_default()
    };
    let has_sym = dirs(path).iter().any(|name| {
        dirs(name).iter().take(20).any(|id| {
            std::fs::read_dir(id).is_ok_and(|mut r| {
                r.any(|e| e.is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sym")))
            })
        })
    });
    (!has_sym).then(|| "holds no NAME/DEBUGID/NAME.sym file (one folder off?)".to_string())
}

/// The palette `--color` (and `NO_COLOR`, and the terminal) asks for.
pub fn palette(choice: ColorChoice) -> Palette {
    Palette::new(match choice {
        ColorChoice::Auto => ColorMode::Auto,
        ColorChoice::Always => ColorMode::Always,
        ColorChoice::Never => ColorMode::Never,
    })
}
