//! One crash report: its minidump, memory-mapped, and what can be read from it directly.
//!
//! A `Report` owns the mapped file and the parsed `Minidump`, and answers questions about
//! the dump's contents that the stackwalk does not: which streams it has and where, which
//! memory regions it carries (with their offsets in the file), the Linux command line and
//! environment, Crashpad annotations. Parts that cannot be read are recorded in
//! `problems`, never silently skipped. It prints nothing.

use std::collections::BTreeMap;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use memmap2::Mmap;
use minidump::format::MINIDUMP_STREAM_TYPE;
use minidump::{
    Minidump, MinidumpCrashpadInfo, MinidumpException, MinidumpMemory64List, MinidumpMemoryList,
    MinidumpThreadList,
};
use num_traits::FromPrimitive;

use crate::problem::Problem;
use crate::source::InputError;

mod names;
mod problems;
mod regions;

use problems::describe_read_error;

/// The dump's bytes, shared between the parsed minidump and the report (for offsets):
/// the whole mapped file, or the part of it that holds the dump (a minidump inside a
/// sentry-native envelope).
#[derive(Clone)]
pub struct SharedMap {
    map: Arc<Backing>,
    start: usize,
    end: usize,
}

/// The file mapped, or (rarely) a copy of the dump in which a stream that would cost far
/// more memory than the file to decode is marked unused ([`names::amplified`]).
enum Backing {
    Mapped(Mmap),
    Patched(Box<[u8]>),
}

impl Deref for SharedMap {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        let all: &[u8] = match &*self.map {
            Backing::Mapped(m) => m,
            Backing::Patched(b) => b,
        };
        &all[self.start..self.end]
    }
}

/// One entry of the minidump's stream directory.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StreamEntry {
    /// The raw stream type.
    pub stream_type: u32,
    /// The stream's name when the type is known (`ThreadListStream`, `LinuxEnviron`...).
    pub name: String,
    /// Offset of the stream's data in the file.
    pub offset: u64,
    /// Size of the stream's data in bytes.
    pub size: u64,
}

/// What a memory region held in the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RegionKind {
    /// A thread's stack.
    Stack,
    /// The process heap, or anonymous writable memory (where the dump's memory maps say so).
    Heap,
    /// Anything else: module data, memory around the crash address, unknown.
    Other,
    /// A thread's saved CPU context: registers, including vector registers that often
    /// hold pieces of strings being copied. `address` is the offset inside the context.
    Context,
}

/// A range of process memory carried in the file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MemoryRegion {
    pub kind: RegionKind,
    /// The thread whose stack this is.
    pub thread_id: Option<u32>,
    /// Virtual address in the crashed process.
    pub address: u64,
    /// Bytes carried.
    pub size: u64,
    /// Offset of the bytes in the file.
    pub file_offset: u64,
}

/// A minidump opened for reading.
pub struct Report {
    pub path: PathBuf,
    pub file_size: u64,
    map: SharedMap,
    pub dump: Minidump<'static, SharedMap>,
    /// Every memory region the dump carries (see [`Report::read_memory_regions`]).
    pub regions: Vec<MemoryRegion>,
    /// The bytes of stack the thread list claims, summed over its threads (threads that
    /// share one stack count it each time): what a stackwalk may unwind through.
    pub claimed_stack_bytes: u64,
    /// Parts of the dump that could not be read, in words a user understands.
    pub problems: Vec<crate::problem::Problem>,
}

impl std::fmt::Debug for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Report").field("path", &self.path).finish()
    }
}

/// The message and exit status when a mapped file changes under us.
const SIGBUS_MESSAGE: &[u8] = b"crashscope: a file changed while it was being read (truncated \
by another program, or its storage failed): stopped, nothing was concluded\n";

/// Make a fault on a memory-mapped input (SIGBUS: the file was truncated while mapped)
/// end the process with a one-line reason and exit status 2, instead of a crash by
/// signal. Nothing can be recovered at that point: the scan or walk that touched the
/// page cannot go on, and an audit must not pass.
#[cfg(unix)]
pub fn guard_mapped_reads() {
    extern "C" fn on_sigbus(_: libc::c_int) {
        // SAFETY: write(2) and _exit(2) are async-signal-safe; the message is static.
        #[allow(unsafe_code)]
        unsafe {
            libc::write(2, SIGBUS_MESSAGE.as_ptr().cast(), SIGBUS_MESSAGE.len());
            libc::_exit(2);
        }
    }
    // SAFETY: a zeroed sigaction is a valid "no flags, empty mask" value; the handler
    // is an `extern "C" fn(c_int)` that only calls async-signal-safe functions.
    #[allow(unsafe_code)]
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_sigbus as extern "C" fn(libc::c_int) as usize;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut());
    }
}

/// Elsewhere a mapped file cannot be truncated while mapped (Windows refuses).
#[cfg(not(unix))]
pub fn guard_mapped_reads() {}

impl Report {
    /// Map `path` read-only and parse its header and stream directory.
    pub fn open(path: &Path) -> Result<Report, InputError> {
        Report::open_part(path, None)
    }

    /// [`open`](Self::open) for a dump that is `len` bytes at `offset` of `path` (an
    /// attachment item of a sentry-native envelope): offsets are the dump's own.
    pub fn open_part(path: &Path, part: Option<(u64, u64)>) -> Result<Report, InputError> {
        let io = |source| InputError::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let whole = file.metadata().map_err(io)?.len();
        let (start, file_size) = match part {
            Some((offset, len)) if offset.checked_add(len).is_some_and(|e| e <= whole) => {
                (offset, len)
            }
            Some(_) => {
                return Err(InputError::Corrupt {
                    path: path.to_path_buf(),
                    reason: "the embedded dump lies outside the file".into(),
                })
            }
            None => (0, whole),
        };
        // SAFETY: the map is read-only and never written through. A file truncated by
        // another program while mapped raises SIGBUS on access beyond its new end: the
        // binary installs `guard_mapped_reads`, which ends the run with a one-line reason
        // and exit status 2 (never a pass of what was not read).
        #[allow(unsafe_code)]
        let mmap = unsafe { Mmap::map(&file) }.map_err(io)?;
        let (start, end) = (start as usize, (start + file_size) as usize);
        if end > mmap.len() {
            return Err(InputError::Corrupt {
                path: path.to_path_buf(),
                reason: "the file changed while it was opened".into(),
            });
        }
        let mut map = SharedMap {
            map: Arc::new(Backing::Mapped(mmap)),
            start,
            end,
        };
        // Names that many entries share would be decoded once per entry by the parser:
        // such a stream is left unread, and said.
        let amplified = names::amplified(&map);
        if !amplified.is_empty() {
            let mut copy = map.to_vec();
            for a in &amplified {
                copy[a.type_at..a.type_at + 4].copy_from_slice(&0u32.to_le_bytes());
            }
            map = SharedMap {
                map: Arc::new(Backing::Patched(copy.into_boxed_slice())),
                start: 0,
                end: file_size as usize,
            };
        }
        let dump = Minidump::read(map.clone()).map_err(|e| InputError::Corrupt {
            path: path.to_path_buf(),
            reason: describe_read_error(&e, file_size),
        })?;
        let mut report = Report {
            path: path.to_path_buf(),
            file_size,
            map,
            dump,
            regions: Vec::new(),
            claimed_stack_bytes: 0,
            problems: Vec::new(),
        };
        report.problems.extend(
            amplified
                .iter()
                .map(|a| crate::problem::Problem::Unreadable(a.reason.clone())),
        );
        report.check_directory();
        report.regions = report.read_memory_regions();
        Ok(report)
    }

    /// Tell the kernel the pages of `len` bytes at `offset` are not needed now: they
    /// leave this process's resident memory and are read again from the file if touched.
    /// Scanning a 1 GiB dump so stays within a few MiB of resident memory.
    pub fn release(&self, offset: u64, len: u64) {
        let (Ok(offset), Ok(len)) = (usize::try_from(offset), usize::try_from(len)) else {
            return;
        };
        // Clamped to the dump's part of the map (callers round ranges out to large pages).
        let len = len.min(self.map.len().saturating_sub(offset));
        let offset = offset + self.map.start;
        // A patched copy is ordinary memory: nothing to drop.
        let Backing::Mapped(mapped) = &*self.map.map else {
            return;
        };
        if len == 0 {
            return;
        }
        #[cfg(unix)]
        // SAFETY: the map is a read-only MAP_SHARED view of a file (`Mmap::map`). For
        // such a mapping MADV_DONTNEED only drops the resident pages; the next access
        // reads the same bytes from the file again, so every slice borrowed from the
        // map keeps its contents. The range was checked to lie inside the map.
        #[allow(unsafe_code)]
        unsafe {
            let _ = mapped.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, offset, len);
        }
    }

    /// The whole file.
    pub fn bytes(&self) -> &[u8] {
        &self.map
    }

    /// The mapped bytes, shared: they outlive a borrow of the report (a stackwalk on a
    /// thread of its own parses them again).
    pub fn shared_bytes(&self) -> SharedMap {
        self.map.clone()
    }

    /// Offset of `slice` in the file, if it points into it.
    pub fn offset_of(&self, slice: &[u8]) -> Option<u64> {
        let base = self.map.as_ptr() as usize;
        let start = slice.as_ptr() as usize;
        (start >= base && start + slice.len() <= base + self.map.len())
            .then(|| (start - base) as u64)
    }

    /// Every stream in the directory, in directory order.
    pub fn streams(&self) -> Vec<StreamEntry> {
        self.dump
            .all_streams()
            .map(|d| StreamEntry {
                stream_type: d.stream_type,
                name: stream_name(d.stream_type),
                offset: u64::from(d.location.rva),
                size: u64::from(d.location.data_size),
            })
            .collect()
    }

    /// The raw bytes of a stream, if present and inside the file.
    pub fn raw_stream(&self, stream_type: MINIDUMP_STREAM_TYPE) -> Option<&[u8]> {
        self.dump.get_raw_stream(stream_type as u32).ok()
    }

    /// The Linux command line (`/proc/PID/cmdline`), split at NULs.
    pub fn linux_cmdline(&self) -> Option<Vec<&[u8]>> {
        let raw = self.raw_stream(MINIDUMP_STREAM_TYPE::LinuxCmdLine)?;
        Some(
            raw.split(|&b| b == 0)
                .filter(|arg| !arg.is_empty())
                .collect(),
        )
    }

    /// The Linux environment (`/proc/PID/environ`) as `(name, value)` byte pairs.
    pub fn linux_environ(&self) -> Option<Vec<(&[u8], &[u8])>> {
        let raw = self.raw_stream(MINIDUMP_STREAM_TYPE::LinuxEnviron)?;
        Some(
            raw.split(|&b| b == 0)
                .filter(|e| !e.is_empty())
                .map(|e| match e.iter().position(|&b| b == b'=') {
                    Some(i) => (&e[..i], &e[i + 1..]),
                    None => (e, &b""[..]),
                })
                .collect(),
        )
    }

    /// Crashpad's annotations and ids, when a Crashpad handler wrote the dump.
    pub fn crashpad_info(&self) -> Option<MinidumpCrashpadInfo> {
        self.dump.get_stream::<MinidumpCrashpadInfo>().ok()
    }
}

/// A known stream type's name, or its number in hex.
pub fn stream_name(stream_type: u32) -> String {
    match MINIDUMP_STREAM_TYPE::from_u32(stream_type) {
        Some(t) => format!("{t:?}"),
        None => "unknown".to_string(),
    }
}
