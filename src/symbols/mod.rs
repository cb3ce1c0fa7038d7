//! Symbols and the stackwalk.
//!
//! This module owns where symbols come from (local Breakpad folders, HTTP symbol servers
//! with an on-disk cache) and runs minidump-processor's stackwalk over a report. It is the
//! only part that may touch the network, and only when the user named a server URL.
//! Downloads have a timeout and a size cap, and are written to the cache atomically. It
//! does not scan for PII and prints nothing: verbose diagnostics go to the caller's `diagnostics`.

use crate::problem::Problem;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use breakpad_symbols::{
    breakpad_sym_lookup, FileError, FileKind, LocateSymbolsResult, Module, SimpleSymbolSupplier,
    SymbolError, SymbolFile, SymbolSupplier, Symbolizer,
};
use minidump_processor::{
    PendingProcessorStatSubscriptions, PendingProcessorStats, ProcessState, ProcessorOptions,
};
use minidump_unwind::{
    FillSymbolError, FrameSymbolizer, FrameWalker, PendingSymbolStats, SymbolProvider, SymbolStats,
};
use std::sync::mpsc::RecvTimeoutError;

use crate::budget::{Budget, Deadline};
use crate::report::Report;

/// Where to look for symbols.
#[derive(Debug, Clone, Default)]
pub struct SymbolConfig {
    pub paths: Vec<PathBuf>,
    pub urls: Vec<String>,
    pub cache: PathBuf,
    pub timeout: Duration,
    /// The largest symbol file a server may send, in bytes.
    pub max_download: u64,
    /// Where verbose diagnostics go (every module's lookup, once; a cache that cannot be
    /// written, a failed download); `None` keeps quiet. The caller decides how they reach
    /// the user.
    pub diagnostics: Option<fn(&str)>,
    /// Where warnings go even without `-v`: a server that cannot be reached (said once;
    /// it is then not asked again in this run). `None` keeps quiet.
    pub warnings: Option<fn(&str)>,
}

/// `$XDG_CACHE_HOME/crashscope/symbols`, else `~/.cache/crashscope/symbols`, else a temp dir.
pub fn default_cache_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".cache"))
        })
        .unwrap_or_else(std::env::temp_dir);
    base.join("crashscope").join("symbols")
}

/// Walk every thread's stack of `report`, symbolicating with `config`.
pub fn walk(report: &Report, config: &SymbolConfig) -> Result<ProcessState, Problem> {
    Walker::new(config).walk(report)
}

/// A symbolizer shared by many walks (the reports of one database), so that each
/// symbol file is read and parsed once, and the time budget of each report.
#[derive(Clone)]
pub struct Walker {
    symbolizer: Arc<Symbolizer>,
    /// What each module's symbol lookup gave (see [`Outcomes`]).
    outcomes: Arc<Outcomes>,
    budget: Option<Budget>,
    /// Whether symbols may come from a server (a walk can then wait on the network).
    remote: bool,
}

/// A dump whose thread stacks add up to at most this, walked without symbol servers, is
/// walked on the calling thread: its walk is bounded by that (at most 64 Ki stack words
/// to unwind through: well under a second), while a thread of its own costs more than
/// such a walk. The sum counts every thread, so threads that all claim one shared stack
/// cannot multiply the work unseen.
const INLINE_WALK_MAX: u64 = 512 << 10;

impl Walker {
    pub fn new(config: &SymbolConfig) -> Walker {
        let outcomes = Arc::new(Outcomes::default());
        Walker {
            symbolizer: Arc::new(Symbolizer::new(Supplier::new(
                config,
                Arc::clone(&outcomes),
            ))),
            outcomes,
            budget: None,
            remote: !config.urls.is_empty(),
        }
    }

    /// Give each report `budget` (see [`crate::budget`]).
    pub fn with_budget(mut self, budget: Budget) -> Walker {
        self.budget = Some(budget);
        self
    }

    /// Start the clock of one report, when there is a budget.
    pub fn deadline(&self) -> Option<Deadline> {
        self.budget.map(Budget::start)
    }

    /// Walk every thread's stack of `report`, within a budget of its own.
    pub fn walk(&self, report: &Report) -> Result<ProcessState, Problem> {
        self.walk_until(report, self.deadline())
    }

    /// Walk every thread's stack of `report`, giving up at `deadline`.
    ///
    /// Every walk stops past [`MAX_FRAMES`] (see [`Bounded`]). A walk that could be slow
    /// (stacks over [`INLINE_WALK_MAX`], or symbols from a server) runs on a thread of
    /// its own: at `deadline` this returns with the reason and the walk winds down on
    /// its thread. A panic inside the processor is then an error of this report, not
    /// the end of the command.
    pub fn walk_until(
        &self,
        report: &Report,
        deadline: Option<Deadline>,
    ) -> Result<ProcessState, Problem> {
        if let Some(reason) = hostile_handle_data(report) {
            return Err(Problem::Unreadable(reason));
        }
        let slow = self.remote || report.claimed_stack_bytes > INLINE_WALK_MAX;
        if !slow {
            return walk_bounded(
                &report.dump,
                &self.symbolizer,
                &self.outcomes,
                &AtomicBool::new(false),
            )
            .map_err(Problem::Unreadable);
        }
        let bytes = report.shared_bytes();
        let symbolizer = Arc::clone(&self.symbolizer);
        let outcomes = Arc::clone(&self.outcomes);
        let cancel = Arc::new(AtomicBool::new(false));
        let cancelled = Arc::clone(&cancel);
        let (tx, rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("stackwalk".to_string())
            .spawn(move || {
                let walked = minidump::Minidump::read(bytes)
                    .map_err(|e| e.to_string())
                    .and_then(|dump| walk_bounded(&dump, &symbolizer, &outcomes, &cancelled));
                let _ = tx.send(walked);
            });
        if let Err(e) = spawned {
            return Err(Problem::Unreadable(format!(
                "cannot start the stackwalk: {e}"
            )));
        }
        let got = match deadline {
            Some(deadline) => rx.recv_timeout(deadline.remaining()).map_err(|e| match e {
                RecvTimeoutError::Timeout => {
                    Some(deadline.ran_out("before the stackwalk finished: no stacks"))
                }
                RecvTimeoutError::Disconnected => None,
            }),
            None => rx.recv().map_err(|_| None),
        };
        match got {
            Ok(walked) => walked.map_err(Problem::Unreadable),
            Err(reason) => {
                // Wind the walk down at its next frame: it holds memory and a core.
                cancel.store(true, Ordering::Relaxed);
                Err(reason.unwrap_or_else(|| {
                    Problem::Unreadable(
                        "the stackwalk failed (the stack walker crashed on this dump)".to_string(),
                    )
                }))
            }
        }
    }
}

/// The most frames one walk may produce (all threads together; ~200 MB at most). Real
/// dumps have tens of frames a thread and rarely a thousand threads; a crafted dump
/// (threads sharing one stack full of return addresses) makes the walker build millions
/// of frames of ~2 KiB each: a 160 KiB dump took 24 GB before being killed.
pub const MAX_FRAMES: u64 = 100_000;

/// Walk `dump` capped at [`MAX_FRAMES`] and stopped when `cancel` is set: the reason it
/// was stopped by the cap, else what the walk gave.
fn walk_bounded<T: std::ops::Deref<Target = [u8]>>(
    dump: &minidump::Minidump<'_, T>,
    symbolizer: &Symbolizer,
    outcomes: &Outcomes,
    cancel: &AtomicBool,
) -> Result<ProcessState, String> {
    let mut subscriptions = PendingProcessorStatSubscriptions::default();
    subscriptions.frame_count = true;
    let stats = PendingProcessorStats::new(subscriptions);
    let bounded = Bounded {
        inner: symbolizer,
        outcomes,
        touched: Default::default(),
        stats: &stats,
        cancel,
        stopped: AtomicBool::new(false),
        capped: AtomicBool::new(false),
    };
    let walked = process(dump, &bounded, Some(&stats));
    if bounded.capped.load(Ordering::Relaxed) {
        return Err(format!(
            "the stackwalk was stopped after {MAX_FRAMES} frames (a crafted dump? real ones \
             have far fewer): no stacks"
        ));
    }
    walked
}

/// The symbolizer of a walk, stopping it past [`MAX_FRAMES`] or once the caller gave up
/// (time budget). minidump-processor cannot be interrupted, but it asks the symbolizer
/// about every frame and every candidate return address: from then on this answers "no
/// function here" and "no unwind info", so every unwinding strategy rejects the next
/// caller and each remaining thread ends after its first frame. The walk finishes at
/// once and its memory is freed.
///
/// It also says which modules' symbols this walk looked up: the symbolizer's own
/// statistics cover every walk it served (the reports of a database walked on the pool),
/// so a report's modules table said "missing" or "found" for modules only another
/// report's walk had looked up, and for a module of the same name in another version,
/// depending on which walk came first.
struct Bounded<'a> {
    inner: &'a Symbolizer,
    outcomes: &'a Outcomes,
    /// The modules this walk asked about, in the order of their first question.
    touched: std::sync::Mutex<Touched>,
    stats: &'a PendingProcessorStats,
    cancel: &'a AtomicBool,
    stopped: AtomicBool,
    /// Stopped by the frame cap (not by the caller).
    capped: AtomicBool,
}

/// The modules a walk asked about: each module object seen (its key is made once, not
/// for every frame; the processor asks with references into the dump's module lists,
/// which live as long as the walk), each key once (hashed: a crafted dump's walk can ask about up to
/// [`MAX_FRAMES`] modules), and the keys in the order of their first question.
#[derive(Default)]
struct Touched {
    objects: std::collections::HashSet<usize>,
    keys: std::collections::HashSet<ModuleKey>,
    order: Vec<ModuleKey>,
}

impl Bounded<'_> {
    /// Note that this walk asks about `module`.
    fn touch(&self, module: &(dyn Module + Sync)) {
        let id = std::ptr::from_ref(module).cast::<()>() as usize;
        let mut touched = self
            .touched
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if touched.objects.insert(id) {
            let key = module_key(module);
            if touched.keys.insert(key.clone()) {
                touched.order.push(key);
            }
        }
    }

    /// Whether the walk must stop.
    fn stopped(&self) -> bool {
        if self.stopped.load(Ordering::Relaxed) {
            return true;
        }
        let over = self.stats.get_frame_count() > MAX_FRAMES;
        if !over && !self.cancel.load(Ordering::Relaxed) {
            return false;
        }
        self.capped.store(over, Ordering::Relaxed);
        self.stopped.store(true, Ordering::Relaxed);
        true
    }
}

#[async_trait]
impl SymbolProvider for Bounded<'_> {
    async fn fill_symbol(
        &self,
        module: &(dyn Module + Sync),
        frame: &mut (dyn FrameSymbolizer + Send),
    ) -> Result<(), FillSymbolError> {
        if self.stopped() {
            return Ok(()); // symbols exist, but no function: not a return address
        }
        self.touch(module);
        self.inner.fill_symbol(module, frame).await
    }

    async fn walk_frame(
        &self,
        module: &(dyn Module + Sync),
        walker: &mut (dyn FrameWalker + Send),
    ) -> Option<()> {
        if self.stopped() {
            return None;
        }
        self.touch(module);
        self.inner.walk_frame(module, walker).await
    }

    async fn get_file_path(
        &self,
        module: &(dyn Module + Sync),
        file_kind: FileKind,
    ) -> Result<PathBuf, FileError> {
        self.inner.get_file_path(module, file_kind).await
    }

    /// The statistics of the modules this walk looked up, keyed as the symbolizer keys
    /// them (the code file's leaf name; of two modules with one name, the one looked up
    /// last), as from a symbolizer of its own.
    fn stats(&self) -> std::collections::HashMap<String, SymbolStats> {
        let touched = self
            .touched
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let outcomes = self
            .outcomes
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        touched
            .order
            .iter()
            .filter_map(|key| {
                let stats = outcomes.get(key)?;
                Some((leafname(&key.0).to_string(), stats.clone()))
            })
            .collect()
    }

    fn pending_stats(&self) -> PendingSymbolStats {
        self.inner.pending_stats()
    }
}

fn process<T, P>(
    dump: &minidump::Minidump<'_, T>,
    provider: &P,
    stats: Option<&PendingProcessorStats>,
) -> Result<ProcessState, String>
where
    T: std::ops::Deref<Target = [u8]>,
    P: SymbolProvider + Sync,
{
    let mut options = ProcessorOptions::default();
    options.stat_reporter = stats;
    pollster::block_on(minidump_processor::process_minidump_with_options(
        dump, provider, options,
    ))
    .map_err(|e| e.to_string())
}

/// minidump 0.27 sizes its handle list by the count the stream claims when the claimed
/// descriptor size is 0 (which passes its bounds check): 2^32 handles abort the process
/// on a 220 GB allocation. Such a stream is refused before the processor reads it.
fn hostile_handle_data(report: &Report) -> Option<String> {
    use minidump::format::MINIDUMP_STREAM_TYPE;
    let raw = report.raw_stream(MINIDUMP_STREAM_TYPE::HandleDataStream)?;
    let u32_at = |at: usize| crate::le::u32(raw, at);
    let (size, count) = (u32_at(4)?, u32_at(8)?);
    // The smallest real descriptor (MINIDUMP_HANDLE_DESCRIPTOR) is 32 bytes.
    (count > 0 && size < 32).then(|| {
        format!(
            "the handle data stream claims {count} handles of {size} bytes each: the stacks \
             were not walked (reading it would exhaust memory)"
        )
    })
}

/// A module as the symbolizer tells modules apart: code file, code id, debug file,
/// debug id.
type ModuleKey = (String, Option<String>, Option<String>, Option<String>);

fn module_key(module: &(dyn Module + Sync)) -> ModuleKey {
    (
        module.code_file().to_string(),
        module.code_identifier().map(|s| s.to_string()),
        module.debug_file().map(|s| s.to_string()),
        module.debug_identifier().map(|s| s.to_string()),
    )
}

/// The file name of a path of either system's separators (how the symbolizer names a
/// module in its statistics).
fn leafname(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// What the lookup of each module's symbols gave, as the symbolizer records it (it looks
/// each module up once, for all walks).
#[derive(Default)]
struct Outcomes(std::sync::Mutex<std::collections::HashMap<ModuleKey, SymbolStats>>);

/// Why a download failed: the server could not be reached at all, or this file failed.
enum FetchError {
    Unreachable(String),
    Other(String),
}

/// Local folders first, then the cache, then each server in turn.
struct Supplier {
    outcomes: Arc<Outcomes>,
    local: SimpleSymbolSupplier,
    urls: Vec<String>,
    cache: PathBuf,
    agent: Option<ureq::Agent>,
    max_download: u64,
    paths: Vec<PathBuf>,
    diagnostics: Option<fn(&str)>,
    warnings: Option<fn(&str)>,
    warned_cache: AtomicBool,
    /// Servers that could not be reached: not asked again (each would cost a timeout
    /// for every module).
    unreachable: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl Supplier {
    fn new(config: &SymbolConfig, outcomes: Arc<Outcomes>) -> Supplier {
        let agent = (!config.urls.is_empty()).then(|| {
            ureq::AgentBuilder::new()
                .timeout(config.timeout)
                .user_agent(concat!("crashscope/", env!("CARGO_PKG_VERSION")))
                .build()
        });
        Supplier {
            outcomes,
            local: SimpleSymbolSupplier::new(config.paths.clone()),
            urls: config.urls.clone(),
            cache: config.cache.clone(),
            agent,
            max_download: config.max_download,
            paths: config.paths.clone(),
            diagnostics: config.diagnostics,
            warnings: config.warnings,
            warned_cache: AtomicBool::new(false),
            unreachable: Default::default(),
        }
    }

    fn fetch(&self, agent: &ureq::Agent, url: &str) -> Result<Option<Vec<u8>>, FetchError> {
        match agent.get(url).call() {
            Ok(resp) => {
                let max = self.max_download;
                let too_large = || format!("{url}: larger than the limit of {max} bytes");
                // A declared length over the limit is refused before reading anything;
                // a body without one (or lying about it) is cut at the limit.
                let declared = resp
                    .header("Content-Length")
                    .and_then(|v| v.trim().parse::<u64>().ok());
                if declared.is_some_and(|n| n > max) {
                    return Err(FetchError::Other(too_large()));
                }
                let mut body = Vec::new();
                resp.into_reader()
                    .take(max.saturating_add(1))
                    .read_to_end(&mut body)
                    .map_err(|e| FetchError::Other(format!("{url}: {e}")))?;
                if body.len() as u64 > max {
                    return Err(FetchError::Other(too_large()));
                }
                Ok(Some(body))
            }
            Err(ureq::Error::Status(404, _)) => Ok(None),
            // No connection (refused, no route, timed out, name not resolved): the
            // server, not this one file.
            Err(ureq::Error::Transport(e)) => Err(FetchError::Unreachable(e.to_string())),
            Err(e) => Err(FetchError::Other(format!("{url}: {e}"))),
        }
    }

    /// Whether a server was found unreachable earlier in this run.
    fn is_unreachable(&self, base: &str) -> bool {
        self.unreachable
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .contains(base)
    }

    /// A server that could not be reached: said once, and not asked again.
    fn give_up_on(&self, base: &str, error: &str) {
        let first = self
            .unreachable
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(base.to_string());
        if let (true, Some(warn)) = (first, self.warnings) {
            warn(&format!(
                "warning: symbol server {base} cannot be reached ({error}); not asked again in this run"
            ));
        }
    }

    /// Where a module's symbols came from, or that they were not found, for `-v`.
    fn describe(
        &self,
        rel: Option<&str>,
        result: &Result<LocateSymbolsResult, SymbolError>,
    ) -> String {
        match result {
            Ok(found) => match (&found.symbols.url, rel) {
                (Some(url), _) => format!("downloaded from {url}"),
                (None, Some(rel)) => match self.paths.iter().find(|p| p.join(rel).is_file()) {
                    Some(folder) => format!("found in {}", folder.display()),
                    None => format!("found in the cache {}", self.cache.display()),
                },
                (None, None) => "found".to_string(),
            },
            Err(SymbolError::ParseError(..)) => "found but cannot be parsed".to_string(),
            Err(_) => format!(
                "not found (looked in {} folder{}{})",
                self.paths.len(),
                if self.paths.len() == 1 { "" } else { "s" },
                if self.urls.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", the cache and {} server{}",
                        self.urls.len(),
                        if self.urls.len() == 1 { "" } else { "s" }
                    )
                }
            ),
        }
    }

    fn store(&self, rel: &str, bytes: &[u8]) {
        let target = self.cache.join(rel);
        if let Err(e) = crate::fsutil::write_atomic(&target, bytes) {
            if let Some(say) = self.diagnostics {
                if !self.warned_cache.swap(true, Ordering::Relaxed) {
                    say(&format!(
                        "cannot cache symbols in {}: {e}",
                        self.cache.display()
                    ));
                }
            }
        }
    }
}

/// A relative symbol path built from dump data must stay below the folder it is joined to.
fn is_safe_relative(rel: &str) -> bool {
    !rel.contains('\0')
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

#[async_trait]
impl SymbolSupplier for Supplier {
    /// [`Supplier::locate`], its outcome recorded as the symbolizer records it.
    async fn locate_symbols(
        &self,
        module: &(dyn Module + Sync),
    ) -> Result<LocateSymbolsResult, SymbolError> {
        let result = self.locate(module).await;
        let lookup = breakpad_sym_lookup(module);
        let mut stats = SymbolStats::default();
        match &result {
            Ok(found) => {
                stats.symbol_url.clone_from(&found.symbols.url);
                stats.loaded_symbols = true;
                stats.extra_debug_info.clone_from(&found.extra_debug_info);
            }
            Err(SymbolError::ParseError(..)) => {
                stats.loaded_symbols = true;
                stats.corrupt_symbols = true;
            }
            Err(_) => {}
        }
        let first = self
            .outcomes
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(module_key(module), stats)
            .is_none();
        if let (true, Some(say)) = (first, self.diagnostics) {
            say(&format!(
                "symbols for {} {}: {}",
                module.code_file(),
                module
                    .debug_identifier()
                    .map(|id| id.breakpad().to_string())
                    .unwrap_or_default(),
                self.describe(lookup.as_ref().map(|l| l.cache_rel.as_str()), &result)
            ));
        }
        result
    }

    async fn locate_file(
        &self,
        module: &(dyn Module + Sync),
        file_kind: FileKind,
    ) -> Result<PathBuf, FileError> {
        self.local.locate_file(module, file_kind).await
    }
}

impl Supplier {
    /// Local folders, then the cache, then each server.
    async fn locate(
        &self,
        module: &(dyn Module + Sync),
    ) -> Result<LocateSymbolsResult, SymbolError> {
        let lookup = breakpad_sym_lookup(module).ok_or(SymbolError::MissingDebugFileOrId)?;
        if !is_safe_relative(&lookup.cache_rel) {
            return Err(SymbolError::NotFound);
        }
        match self.local.locate_symbols(module).await {
            Err(SymbolError::NotFound) => {}
            other => return other,
        }
        let Some(agent) = &self.agent else {
            return Err(SymbolError::NotFound);
        };
        let cached = self.cache.join(&lookup.cache_rel);
        if cached.is_file() {
            if let Ok(symbols) = SymbolFile::from_file(&cached) {
                return Ok(LocateSymbolsResult {
                    symbols,
                    extra_debug_info: None,
                });
            }
        }
        for base in &self.urls {
            if self.is_unreachable(base) {
                continue;
            }
            let url = format!("{}/{}", base.trim_end_matches('/'), lookup.server_rel);
            match self.fetch(agent, &url) {
                Ok(Some(bytes)) => {
                    let mut symbols = SymbolFile::from_bytes(&bytes)?;
                    symbols.url = Some(url);
                    self.store(&lookup.cache_rel, &bytes);
                    return Ok(LocateSymbolsResult {
                        symbols,
                        extra_debug_info: None,
                    });
                }
                Ok(None) => {}
                Err(FetchError::Unreachable(e)) => self.give_up_on(base, &e),
                Err(FetchError::Other(e)) => {
                    if let Some(say) = self.diagnostics {
                        // The message can hold what the server sent (the caller's
                        // diagnostics escape it).
                        say(&format!("symbol download failed: {e}"));
                    }
                }
            }
        }
        Err(SymbolError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reports of a database share one walker (each symbol file is parsed once):
    /// each report's symbol statistics are still its own walk's, as from a walker of its
    /// own, whatever was walked before. Two reports of the fixture database: one whose
    /// `crashy` has symbols (and `libc.so.6` has none), one whose `crashy` is another
    /// build, without symbols.
    #[test]
    fn each_walk_reports_its_own_modules_symbols() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        let config = SymbolConfig {
            paths: vec![root.join("symbols")],
            ..SymbolConfig::default()
        };
        let open = |id: &str| {
            Report::open(&root.join(format!("databases/linux/pending/{id}.dmp"))).unwrap()
        };
        let found = open("03ba6181-e259-4927-bee0-252f9ec06c5e");
        let other = open("1f201db5-23aa-4ba3-afe6-0313b091295d");
        let status = |walked: ProcessState| {
            let mut s: Vec<(String, bool)> = walked
                .symbol_stats
                .into_iter()
                .map(|(name, s)| (name, s.loaded_symbols))
                .collect();
            s.sort();
            s
        };
        let alone = |r: &Report| status(walk(r, &config).unwrap());
        let (found_alone, other_alone) = (alone(&found), alone(&other));
        assert!(found_alone.contains(&("crashy".to_string(), true)));
        assert!(found_alone.contains(&("libc.so.6".to_string(), false)));
        assert_eq!(other_alone, [("crashy".to_string(), false)]);
        let shared = Walker::new(&config);
        for (report, alone) in [
            (&found, &found_alone),
            (&other, &other_alone),
            (&found, &found_alone),
        ] {
            assert_eq!(&status(shared.walk(report).unwrap()), alone);
        }
    }

    #[test]
    fn relative_symbol_paths_cannot_climb_out() {
        assert!(is_safe_relative("libc.so.6/ABCDEF0/libc.so.6.sym"));
        assert!(!is_safe_relative("../ABCDEF0/x.sym"));
        assert!(!is_safe_relative("/etc/ABCDEF0/x.sym"));
        assert!(!is_safe_relative("a\0b/ABCDEF0/x.sym"));
    }
}
