//! Symbols and the stackwalk.
//!
//! This module owns where symbols come from (local Breakpad folders, HTTP symbol servers
//! with an on-disk cache) and runs minidump-processor's stackwalk over a report. It is the
//! only part that may touch the network, and only when the user named a server URL.
//! Downloads have a timeout and a size cap, and are written to the cache atomically. It
//! does not scan for PII and prints nothing but verbose diagnostics.

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
use minidump_processor::{ProcessState, ProcessorOptions};

use crate::budget::{Budget, Deadline};
use crate::cli::SymbolArgs;
use crate::render::escape::escape;
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
    pub verbose: bool,
}

impl SymbolConfig {
    pub fn from_args(args: &SymbolArgs, verbose: bool) -> SymbolConfig {
        SymbolConfig {
            paths: args.paths.clone(),
            urls: args.urls.clone(),
            cache: args.cache.clone().unwrap_or_else(default_cache_dir),
            timeout: Duration::from_secs(args.timeout_secs.max(1)),
            max_download: args.max_size_mib.saturating_mul(1 << 20),
            verbose,
        }
    }
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
pub fn walk(report: &Report, config: &SymbolConfig) -> Result<ProcessState, String> {
    Walker::new(config).walk(report)
}

/// A symbolizer shared by many walks (the reports of one database), so that each
/// symbol file is read and parsed once, and the time budget of each report.
pub struct Walker {
    symbolizer: Arc<Symbolizer>,
    budget: Option<Budget>,
}

impl Walker {
    pub fn new(config: &SymbolConfig) -> Walker {
        Walker {
            symbolizer: Arc::new(Symbolizer::new(Supplier::new(config))),
            budget: None,
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
    pub fn walk(&self, report: &Report) -> Result<ProcessState, String> {
        self.walk_until(report, self.deadline())
    }

    /// Walk every thread's stack of `report`, giving up at `deadline`.
    ///
    /// With a deadline the walk runs on a thread of its own. minidump-processor cannot
    /// be interrupted, so a walk that overruns is left to finish in the background (its
    /// result is dropped; the process ends with the command) and this returns at once
    /// with the reason. A panic inside the processor is an error of this report, not
    /// the end of the command.
    pub fn walk_until(
        &self,
        report: &Report,
        deadline: Option<Deadline>,
    ) -> Result<ProcessState, String> {
        if let Some(reason) = hostile_handle_data(report) {
            return Err(reason);
        }
        let Some(deadline) = deadline else {
            return process(&report.dump, &self.symbolizer);
        };
        let bytes = report.shared_bytes();
        let symbolizer = Arc::clone(&self.symbolizer);
        let (tx, rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("stackwalk".to_string())
            .spawn(move || {
                let walked = minidump::Minidump::read(bytes)
                    .map_err(|e| e.to_string())
                    .and_then(|dump| process(&dump, &symbolizer));
                let _ = tx.send(walked);
            });
        if let Err(e) = spawned {
            return Err(format!("cannot start the stackwalk: {e}"));
        }
        match rx.recv_timeout(deadline.remaining()) {
            Ok(walked) => walked,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                Err(deadline.ran_out("before the stackwalk finished: no stacks"))
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                Err("the stackwalk failed (the stack walker crashed on this dump)".to_string())
            }
        }
    }
}

fn process<T: std::ops::Deref<Target = [u8]>>(
    dump: &minidump::Minidump<'_, T>,
    symbolizer: &Symbolizer,
) -> Result<ProcessState, String> {
    let options = ProcessorOptions::default();
    pollster::block_on(minidump_processor::process_minidump_with_options(
        dump, symbolizer, options,
    ))
    .map_err(|e| e.to_string())
}

/// minidump 0.27 sizes its handle list by the count the stream claims when the claimed
/// descriptor size is 0 (which passes its bounds check): 2^32 handles abort the process
/// on a 220 GB allocation. Such a stream is refused before the processor reads it.
fn hostile_handle_data(report: &Report) -> Option<String> {
    use minidump::format::MINIDUMP_STREAM_TYPE;
    let raw = report.raw_stream(MINIDUMP_STREAM_TYPE::HandleDataStream)?;
    let u32_at = |at: usize| {
        raw.get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let (size, count) = (u32_at(4)?, u32_at(8)?);
    // The smallest real descriptor (MINIDUMP_HANDLE_DESCRIPTOR) is 32 bytes.
    (count > 0 && size < 32).then(|| {
        format!(
            "the handle data stream claims {count} handles of {size} bytes each: the stacks \
             were not walked (reading it would exhaust memory)"
        )
    })
}

/// Local folders first, then the cache, then each server in turn.
struct Supplier {
    local: SimpleSymbolSupplier,
    urls: Vec<String>,
    cache: PathBuf,
    agent: Option<ureq::Agent>,
    max_download: u64,
    verbose: bool,
    warned_cache: AtomicBool,
}

impl Supplier {
    fn new(config: &SymbolConfig) -> Supplier {
        let agent = (!config.urls.is_empty()).then(|| {
            ureq::AgentBuilder::new()
                .timeout(config.timeout)
                .user_agent(concat!("crashscope/", env!("CARGO_PKG_VERSION")))
                .build()
        });
        Supplier {
            local: SimpleSymbolSupplier::new(config.paths.clone()),
            urls: config.urls.clone(),
            cache: config.cache.clone(),
            agent,
            max_download: config.max_download,
            verbose: config.verbose,
            warned_cache: AtomicBool::new(false),
        }
    }

    fn fetch(&self, agent: &ureq::Agent, url: &str) -> Result<Option<Vec<u8>>, String> {
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
                    return Err(too_large());
                }
                let mut body = Vec::new();
                resp.into_reader()
                    .take(max.saturating_add(1))
                    .read_to_end(&mut body)
                    .map_err(|e| format!("{url}: {e}"))?;
                if body.len() as u64 > max {
                    return Err(too_large());
                }
                Ok(Some(body))
            }
            Err(ureq::Error::Status(404, _)) => Ok(None),
            Err(e) => Err(format!("{url}: {e}")),
        }
    }

    fn store(&self, rel: &str, bytes: &[u8]) {
        let target = self.cache.join(rel);
        if let Err(e) = crate::fsutil::write_atomic(&target, bytes) {
            if self.verbose && !self.warned_cache.swap(true, Ordering::Relaxed) {
                eprintln!(
                    "crashscope: cannot cache symbols in {}: {e}",
                    self.cache.display()
                );
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
    async fn locate_symbols(
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
                Err(e) => {
                    if self.verbose {
                        // The message can hold what the server sent: escaped.
                        eprintln!("crashscope: symbol download failed: {}", escape(&e));
                    }
                }
            }
        }
        Err(SymbolError::NotFound)
    }

    async fn locate_file(
        &self,
        module: &(dyn Module + Sync),
        file_kind: FileKind,
    ) -> Result<PathBuf, FileError> {
        self.local.locate_file(module, file_kind).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_symbol_paths_cannot_climb_out() {
        assert!(is_safe_relative("libc.so.6/ABCDEF0/libc.so.6.sym"));
        assert!(!is_safe_relative("../ABCDEF0/x.sym"));
        assert!(!is_safe_relative("/etc/ABCDEF0/x.sym"));
        assert!(!is_safe_relative("a\0b/ABCDEF0/x.sym"));
    }
}
