//! The command line: clap definitions and nothing else.
//!
//! This module owns every flag, its help text and its value types. The completion and
//! man page generators (`crashscope generate`) read the same definitions, so what the
//! shell completes and what the man page says is always what the binary accepts. It does
//! no work: `commands` wires these values to the parts that act on them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// See what a crash report would share before you consent to send it.
///
/// crashscope opens a minidump (`.dmp`) or a Crashpad crash report database, walks and
/// symbolicates its stacks, and prints a readable report of everything the upload would
/// carry.
#[derive(Debug, Parser)]
#[command(
    name = "crashscope",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Flags that mean the same thing in every subcommand.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// When to colour the output.
    ///
    /// `auto` colours only when stdout is a terminal and `NO_COLOR` is not set;
    /// `always` and `never` override both. Machine formats (JSON) are never coloured.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// Print JSON instead of the human view (the same as `--format json`).
    #[arg(long, global = true)]
    pub json: bool,

    /// Print nothing on stderr but errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more diagnostics on stderr (symbol lookups, skipped data).
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// The most time one dump may take, in seconds (stackwalk, memory scan, a scrub's
    /// verification).
    ///
    /// A crafted dump can make a stackwalk or a scan slow. When the budget runs out,
    /// what was not done is said: `show` names it among what could not be read, `audit`
    /// reports it as `unreadable-data` (so it fails), `scrub` writes nothing.
    #[arg(
        long,
        global = true,
        value_name = "SECS",
        default_value = "120",
        value_parser = crate::budget::parse
    )]
    pub time_budget: crate::budget::Budget,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show a crash report: the crash, its stacks, modules, and everything the dump carries.
    ///
    /// Every string taken from the dump is shown escaped: control characters, ANSI
    /// escapes, bidi overrides and zero-width characters appear as `\x1b`, `\u{202e}`...
    /// and never reach the terminal raw. Nothing is sent anywhere unless you name a
    /// symbol server with `--symbols-url`.
    Show(ShowArgs),

    /// List the reports of a Crashpad database: states, sizes, upload attempts, retention.
    ///
    /// The database is opened read-only: no lock files, no settings created, nothing
    /// moved or deleted (Crashpad's own tools do all of these).
    List(ListArgs),

    /// Fail a build when crash dumps hold personal data or secrets (a CI gate).
    ///
    /// Audits minidump files, Crashpad databases, and folders (searched recursively for
    /// `.dmp` files and databases). Values are redacted in every format unless
    /// `--show-values` is given. Exit status: 0 nothing at or above the threshold (after
    /// allow entries and the baseline), 1 findings (including `unreadable-data`: a part of
    /// a dump that could not be read fails closed), 2 a usage error or an input that
    /// cannot be opened at all.
    ///
    /// The policy comes from `crashscope.toml` in the current directory or its parents
    /// (or `--config FILE`): `fail-on`, `disable-rules`, `disable-categories`, and
    /// `[[allow]]` entries by `fingerprint`, by `rule` + `value` regex, or by `path`
    /// glob, each with a required `reason`.
    Audit(AuditArgs),

    /// Write a copy of a dump (or a whole Crashpad database) with identifying data
    /// removed, then prove the copy still works.
    ///
    /// Every finding at or above the threshold is masked (`*****`) or, with
    /// `--pseudonymize-key`, replaced by a keyed pseudonym, at its exact bytes and in its
    /// own encoding: the copy has the same length and every offset stays valid (paths keep
    /// their file names). The copy is then verified: it parses, every thread walks to the
    /// same frames, and a re-audit finds nothing left to scrub. If a check fails, no output
    /// is left behind and the exit status is 2. The input is never changed.
    Scrub(ScrubArgs),

    /// List every rule: what it finds, its category and severity, and where it comes from.
    ///
    /// crashscope's own rules, then the upstream secret rules it runs (gitleaks' default
    /// configuration and a selection of Nosey Parker's, vendored with their licences; ids
    /// `gitleaks.*`, `np.*`). Rule ids are stable: allow entries, `disable-rules` and
    /// baselines name them. `--excluded` lists the upstream rules left out, and why.
    Rules(RulesArgs),

    /// Write shell completions or man pages (used to build the files in the repository).
    #[command(hide = true)]
    Generate {
        #[command(subcommand)]
        what: GenerateCommand,
    },
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Minidump files, crash stores (Crashpad, Mozilla, sentry-native), or folders to
    /// search for both.
    #[arg(required_unless_present = "app", value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Also audit a crash store that `crashscope list` (without a path) finds, by its
    /// app's name (case-insensitive, a unique prefix is enough) or its number in that list.
    #[arg(long, value_name = "APP|N")]
    pub app: Option<String>,

    /// The policy file (default: crashscope.toml in the current directory or a parent).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Ignore any crashscope.toml.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,

    /// Fail on findings of this severity or higher (default: the config's, else medium).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,

    /// An earlier `audit --format json` report: only findings not in it fail.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Key fingerprints with the bytes of FILE (at least 16, kept outside the
    /// repository) instead of $CRASHSCOPE_FINGERPRINT_KEY. Without a key, fingerprints
    /// name a finding by rule, file and place only (docs/audit.md).
    #[arg(long, value_name = "FILE")]
    pub fingerprint_key: Option<PathBuf>,

    /// The key file given to `scrub --pseudonymize-key`: the pseudonyms that scrub wrote
    /// with it are recognised (by their keyed check) and do not fail.
    #[arg(long, value_name = "FILE")]
    pub pseudonym_key: Option<PathBuf>,

    /// Output format. JSON, JSON Lines and SARIF are documented in docs/audit.md.
    #[arg(long, value_enum, default_value_t = AuditFormat::Human)]
    pub format: AuditFormat,

    /// Write the report to FILE (atomically, with the mode a new file gets under the
    /// umask) instead of stdout; `-` is stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Print matched values instead of redacted previews (never do this in shared CI logs).
    #[arg(long)]
    pub show_values: bool,

    /// Exit 0 even when findings fail the policy (errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,

    /// Leave out files whose path matches GLOB (repeatable; `**/new/**`, `*.mdmp`), as
    /// `[[exclude]]` entries of the config do with a reason. They are counted, and a
    /// glob that matched nothing is a warning.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ScrubArgs {
    /// A minidump file, or a Crashpad database directory.
    pub path: PathBuf,

    /// Where to write the copy: a file for a dump, a new directory for a database.
    #[arg(short, long, value_name = "OUT")]
    pub output: PathBuf,

    /// Scrub findings of this severity or higher (default: the config's fail-on, else medium).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub min_severity: Option<SeverityArg>,

    /// Categories to leave as they are, by id (comma-separated: user-name, host-name,
    /// email...; `crashscope rules` lists each rule's category).
    #[arg(long, value_delimiter = ',', value_name = "CATEGORY")]
    pub keep: Vec<String>,

    /// Blank whole items while keeping the file valid (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "ITEM", value_parser = drop_items())]
    pub drop: Vec<crate::scrub::DropItem>,

    /// Keep only Crashpad annotations whose name matches one of these globs (`switch-*`),
    /// at process and module level; list annotations are dropped.
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    pub annotations_allow: Vec<String>,

    /// Replace every stack word that is not small and points into no module or stack with
    /// 0x0defaced0defaced, as Crashpad's sanitizer does.
    #[arg(long)]
    pub deface_stacks: bool,

    /// Replace user names, host names, e-mails and install ids with pseudonyms keyed by
    /// the bytes of FILE (at least 16): the same value always gets the same pseudonym.
    #[arg(long, value_name = "FILE")]
    pub pseudonymize_key: Option<PathBuf>,

    /// For a database: leave out of the copy the entries that could not be read (links,
    /// FIFOs, folders that cannot be listed) and name them, instead of refusing.
    #[arg(long)]
    pub skip_unreadable: bool,

    /// The policy file (default: crashscope.toml in the current directory or a parent).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Ignore any crashscope.toml.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,

    #[command(flatten)]
    pub symbols: SymbolArgs,

    /// Output format of the summary. JSON is documented in docs/scrub.md.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Low,
    Medium,
    High,
}

impl SeverityArg {
    pub fn severity(self) -> crate::pii::Severity {
        match self {
            SeverityArg::Low => crate::pii::Severity::Low,
            SeverityArg::Medium => crate::pii::Severity::Medium,
            SeverityArg::High => crate::pii::Severity::High,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// Findings grouped by file, for a person.
    Human,
    /// One JSON document: findings, verdicts and a summary (also a baseline).
    Json,
    /// One JSON object a line: every finding, then one summary line.
    Jsonl,
    /// SARIF 2.1.0, for code scanning (GitHub, Azure DevOps, IDEs).
    Sarif,
    /// GitHub Actions workflow commands (annotations on the run).
    Github,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// The Crashpad database directory. Without it, the crash stores of the current
    /// user are searched for under the user-data folders (`$XDG_CONFIG_HOME`,
    /// `~/Library/Application Support`, `%APPDATA%`, `%LOCALAPPDATA%`, the Mozilla
    /// profile folders) and listed, one line each.
    pub path: Option<PathBuf>,

    /// Output format. JSON is documented in docs/json.md.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A minidump file, or a crash store (a Crashpad database, Mozilla's `Crash Reports`,
    /// a sentry-native database).
    ///
    /// For a store, every report that consent would upload is shown as the upload
    /// would carry it: form fields, URL query, attachments, and the dump.
    #[arg(required_unless_present = "app", conflicts_with = "app")]
    pub path: Option<PathBuf>,

    /// A crash store that `crashscope list` (without a path) finds, by its app's name
    /// (case-insensitive, a unique prefix is enough) or its number in that list.
    #[arg(long, value_name = "APP|N")]
    pub app: Option<String>,

    /// Only this report of a database (its id, or a unique prefix of it; repeatable).
    #[arg(long = "report", value_name = "ID")]
    pub reports: Vec<String>,

    /// Which reports of a database to show.
    #[arg(long, value_enum, default_value_t = StateFilter::Pending)]
    pub state: StateFilter,

    /// Which threads to print stacks for: the crashing (or requesting) thread, or all.
    #[arg(long, value_enum, default_value_t = Threads::Crashing)]
    pub threads: Threads,

    #[command(flatten)]
    pub symbols: SymbolArgs,

    /// Output format. JSON is documented in docs/json.md and never coloured; HTML is one
    /// self-contained page (no scripts, nothing loaded from elsewhere).
    #[arg(long, value_enum, default_value_t = ShowFormat::Human)]
    pub format: ShowFormat,

    /// Write the view to FILE (atomically; never over an input) instead of the terminal.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Write the HTML page to a private temporary file and open it in the default
    /// browser (implies `--format html`).
    #[arg(long, conflicts_with = "output")]
    pub open: bool,

    /// Show the view with every identifying value masked (`ali…(17 chars)`), wherever
    /// it appears: excerpts, headers, tables and, with `--format json`, every string.
    ///
    /// Useful to share the report itself, or to read it with someone looking over your
    /// shoulder.
    #[arg(long)]
    pub redact: bool,

    /// Never page the human view (`PAGER=cat` does the same). On a terminal, a view
    /// taller than the screen goes through `$PAGER` (default `less -R`), as git does.
    #[arg(long)]
    pub no_pager: bool,

    /// Also mark and list low-severity findings (quasi-identifiers such as the OS build,
    /// locale, CPU, and every environment variable).
    #[arg(long)]
    pub all: bool,

    /// Add the developer's detail: the system, every loaded and unloaded module with
    /// its path, version, debug id and symbols, the dump's streams and its byte map,
    /// each frame's registers and how it was found, and possible bit flips.
    #[arg(long)]
    pub detail: bool,

    /// Only the answer, the crash and the crashing thread's first frames: a view that
    /// fits in 40 lines.
    #[arg(long, conflicts_with = "detail")]
    pub brief: bool,
}

/// Where symbols come from. No network access happens unless a URL is given.
#[derive(Debug, Args, Clone, Default)]
pub struct SymbolArgs {
    /// A folder of Breakpad symbols in the layout `NAME/DEBUGID/NAME.sym` (repeatable).
    ///
    /// Folders are searched in the order given, before any symbol server.
    #[arg(long = "symbols-path", value_name = "DIR")]
    pub paths: Vec<PathBuf>,

    /// An HTTP(S) symbol server serving `NAME/DEBUGID/NAME.sym` below this URL (repeatable).
    ///
    /// Servers are tried in order after the local folders; what they return is kept in
    /// the cache folder. Without this flag crashscope never touches the network.
    #[arg(long = "symbols-url", value_name = "URL", value_parser = symbol_url)]
    pub urls: Vec<String>,

    /// Where symbols downloaded from a server are cached.
    ///
    /// Default: the platform cache folder (`$XDG_CACHE_HOME/crashscope/symbols` or
    /// `~/.cache/crashscope/symbols` on Linux).
    #[arg(long = "symbols-cache", value_name = "DIR")]
    pub cache: Option<PathBuf>,

    /// Give up on one symbol download after this many seconds (connecting, waiting and
    /// reading the whole file).
    #[arg(long = "symbols-timeout", value_name = "SECS", default_value_t = 30)]
    pub timeout_secs: u64,

    /// Refuse a symbol file larger than this many MiB from a server (it is neither kept
    /// nor cached; Breakpad files of the largest apps are near 1 GiB).
    #[arg(long = "symbols-max-size", value_name = "MIB", default_value_t = 2048)]
    pub max_size_mib: u64,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format: a table, JSON (docs/rules.md describes it), or the Markdown of
    /// docs/rules.md.
    #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
    pub format: RulesFormat,

    /// List the upstream rules crashscope leaves out, each with the reason.
    #[arg(long)]
    pub excluded: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
    Markdown,
}

#[derive(Debug, Subcommand)]
pub enum GenerateCommand {
    /// Write a completion script for SHELL to stdout.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write man pages (one per command) into DIR.
    Man { dir: PathBuf },
}

/// `--drop`'s values: the scrubber's items, by name, each with its help.
fn drop_items() -> impl clap::builder::TypedValueParser<Value = crate::scrub::DropItem> {
    use crate::scrub::DropItem;
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    PossibleValuesParser::new(DropItem::ALL.map(|d| PossibleValue::new(d.name()).help(d.help())))
        .map(|name| {
            DropItem::ALL
                .into_iter()
                .find(|d| d.name() == name)
                .expect("clap offers only these names")
        })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Threads {
    /// Only the crashing thread (or the thread that requested the dump).
    Crashing,
    /// Every thread in the dump.
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StateFilter {
    /// What consent would upload: pending reports and reports whose upload was requested.
    Pending,
    /// Reports already uploaded.
    Sent,
    /// Reports never sent (uploads were off) or whose upload failed.
    NotSent,
    /// Reports still being written, or abandoned while being written.
    InProgress,
    /// Every report, including orphaned and unreadable ones.
    All,
}

/// `show`'s formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    /// A readable report for a person (the terminal view).
    Human,
    /// One JSON document (docs/json.md).
    Json,
    /// One self-contained HTML page: the terminal view for a browser.
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable report for a person.
    Human,
    /// One JSON document (docs/json.md).
    Json,
}

impl Cli {
    /// The format asked for, with `--json` as a shorthand for `--format json`.
    pub fn format(&self, format: Format) -> Format {
        if self.global.json {
            Format::Json
        } else {
            format
        }
    }
}

/// A symbol server's URL: http or https with a host (anything else is a usage error,
/// not a server that silently never answers).
fn symbol_url(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text).map_err(|e| format!("not a URL: {e}"))?;
    match url.scheme() {
        "http" | "https" if url.host_str().is_some_and(|h| !h.is_empty()) => Ok(text.to_string()),
        "http" | "https" => Err("a symbol server URL needs a host".to_string()),
        other => Err(format!(
            "{other}:// is not supported: symbol servers are reached over http:// or https://"
        )),
    }
}
