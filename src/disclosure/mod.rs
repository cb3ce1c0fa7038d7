//! The disclosure inventory: everything a dump would share, each piece with its exact
//! place in the file.
//!
//! Every string-bearing place in a dump becomes a [`Field`] (a path such as
//! `modules[3].code_file`, its value, and its byte origin: offset, length, encoding), and
//! every range of process memory a [`Region`]. `show` renders the inventory, `audit`
//! judges it, `scrub` rewrites it at the origins. This module reads bytes and bounds-checks
//! every offset the dump claims; it does not decide what is personal (that is `pii`).
//!
//! Origins are computed from the raw structures, not from the parsed values, so that a
//! rewrite at `origin` changes exactly the bytes that hold the value.

pub mod bytemap;
pub mod context;
pub mod environ;
pub mod extra;
mod raw;
pub mod upload;

use minidump::format::MINIDUMP_STREAM_TYPE as S;
use serde::Serialize;

use crate::report::{RegionKind, Report};
use raw::Bytes;

/// How a value is stored in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    Utf8,
    Utf16le,
    /// Binary data shown as text (a UUID's 16 bytes).
    Raw,
}

/// Where a value's bytes are: `len` bytes at `offset` in the file, in `encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Origin {
    pub offset: u64,
    pub len: u64,
    pub encoding: Encoding,
}

/// What a field is, for rules that depend on context (an environment variable's name,
/// an annotation's key) and for the summary's "places".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FieldKind {
    ModulePath,
    DebugFile,
    UnloadedModulePath,
    ThreadName,
    CrashpadReportId,
    CrashpadClientId,
    Annotation {
        key: String,
    },
    ListAnnotation,
    AnnotationName,
    EnvVar {
        name: String,
    },
    CommandLine {
        index: usize,
    },
    ProcStatus,
    LsbRelease,
    CpuInfo,
    Maps,
    DsoDebug,
    SystemInfo,
    MiscInfo,
    HandleName,
    Comment,
    Assertion,
    MacCrashInfo,
    /// An element of an engine's crash context (Unreal's `FGenericCrashContext` XML).
    CrashContext {
        key: String,
    },
    /// A file attached to a Crashpad report (uploaded beside the dump).
    Attachment {
        name: String,
    },
    /// The server's reply to an upload, kept as the report's remote id.
    RemoteId,
}

impl FieldKind {
    /// The "place" a person reads in the summary: module paths, environment, ...
    pub fn place(&self) -> &'static str {
        match self {
            FieldKind::ModulePath | FieldKind::DebugFile | FieldKind::UnloadedModulePath => {
                "module paths"
            }
            FieldKind::ThreadName => "thread names",
            FieldKind::CrashpadReportId | FieldKind::CrashpadClientId => "crashpad ids",
            FieldKind::Annotation { .. }
            | FieldKind::ListAnnotation
            | FieldKind::AnnotationName => "annotations",
            FieldKind::EnvVar { .. } => "environment",
            FieldKind::CommandLine { .. } => "command line",
            FieldKind::ProcStatus
            | FieldKind::LsbRelease
            | FieldKind::CpuInfo
            | FieldKind::Maps
            | FieldKind::DsoDebug => "linux streams",
            FieldKind::SystemInfo | FieldKind::MiscInfo => "system info",
            FieldKind::HandleName => "handle names",
            FieldKind::Comment => "comments",
            FieldKind::Assertion => "assertion",
            FieldKind::MacCrashInfo => "macOS crash info",
            FieldKind::CrashContext { .. } => "crash context",
            FieldKind::Attachment { .. } => "attachments",
            FieldKind::RemoteId => "database",
        }
    }
}

/// One string-bearing place in the dump.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// A stable path such as `modules[3].code_file` or `environ.HOME`.
    pub path: String,
    #[serde(flatten)]
    pub kind: FieldKind,
    /// The decoded value (invalid UTF-8/16 replaced with U+FFFD, which keeps lengths).
    pub value: String,
    pub origin: Origin,
}

/// One range of process memory carried in the file.
#[derive(Debug, Clone, Serialize)]
pub struct Region {
    pub kind: RegionKind,
    pub thread_id: Option<u32>,
    pub address: u64,
    pub file_offset: u64,
    #[serde(rename = "size")]
    pub len: u64,
    /// For bytes that are not process memory but are scanned like it: a stream no part
    /// of crashscope interprets (`stream:0x424e0001`), a binary annotation
    /// (`annotation:recent_contacts`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Region {
    /// `stack:thread 7` / `heap` / `other` / `stream:0x…`, as used in finding locations.
    pub fn label(&self) -> String {
        if let Some(name) = &self.name {
            return name.clone();
        }
        match (self.kind, self.thread_id) {
            (RegionKind::Stack, Some(t)) => format!("stack:thread {t}"),
            (RegionKind::Stack, None) => "stack".to_string(),
            (RegionKind::Heap, _) => "heap".to_string(),
            (RegionKind::Other, _) => "other".to_string(),
            (RegionKind::Context, Some(t)) => format!("context:thread {t}"),
            (RegionKind::Context, None) => "context".to_string(),
        }
    }
}

/// Everything a dump would share.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Inventory {
    pub fields: Vec<Field>,
    pub regions: Vec<Region>,
    /// Places the inventory could not read (a string pointing outside the file...).
    pub problems: Vec<String>,
    /// Entries that pointed at bytes already listed [`MAX_SHARERS`] times (aliasing: the
    /// bytes were read and are scanned; the entries are counted, not listed).
    pub shared: u64,
    /// How the file's bytes divide into structure, fields, regions and unclaimed bytes
    /// (the unclaimed runs are among `regions`, named `unclaimed`).
    pub byte_map: bytemap::ByteMap,
}

/// The inventory of a file attached to a report: text is one field (`attachments.NAME`),
/// anything else a region scanned like memory (`attachment:NAME`).
pub fn attachment(name: &str, bytes: &[u8]) -> Inventory {
    let mut inv = Inventory::default();
    let text = std::str::from_utf8(bytes).ok().filter(|t| {
        let control = t
            .chars()
            .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            .count();
        control * 100 <= t.len()
    });
    match text {
        Some(text) => {
            inv.fields.push(Field {
                path: format!("attachments.{name}"),
                kind: FieldKind::Attachment {
                    name: name.to_string(),
                },
                value: text.to_string(),
                origin: Origin {
                    offset: 0,
                    len: bytes.len() as u64,
                    encoding: Encoding::Utf8,
                },
            });
            // Mozilla's `.extra`: each annotation is a form field of its own, judged by
            // its name as well as its value.
            let entries = name
                .ends_with(".extra")
                .then(|| extra::parse(text))
                .flatten();
            for e in entries.unwrap_or_default() {
                inv.fields.push(Field {
                    path: format!("extra.{}", e.key),
                    kind: FieldKind::Annotation { key: e.key },
                    origin: Origin {
                        offset: e.offset as u64,
                        len: e.value.len() as u64,
                        encoding: Encoding::Utf8,
                    },
                    value: e.value,
                });
            }
        }
        None => inv.regions.push(Region {
            kind: RegionKind::Other,
            thread_id: None,
            address: 0,
            file_offset: 0,
            len: bytes.len() as u64,
            name: Some(format!("attachment:{name}")),
        }),
    }
    inv
}

/// The inventory of `settings.dat`: its client id (offsets in that file), unless the id
/// is all zeros (a scrubbed copy).
pub fn settings(settings: &crate::source::crashpad::Settings) -> Inventory {
    let mut inv = Inventory::default();
    if settings.client_id != "00000000-0000-0000-0000-000000000000" {
        inv.fields.push(Field {
            path: "settings.client_id".to_string(),
            kind: FieldKind::CrashpadClientId,
            value: settings.client_id.clone(),
            origin: Origin {
                offset: 24,
                len: 16,
                encoding: Encoding::Raw,
            },
        });
    }
    inv
}

/// Build the inventory of `report`.
pub fn inventory(report: &Report) -> Inventory {
    let mut inv = Builder {
        data: Bytes(report.bytes()),
        out: Inventory::default(),
        problem_count: 0,
        raw: Vec::new(),
        uses: std::collections::HashMap::new(),
        structures: std::collections::HashSet::new(),
        claims: bytemap::Claims::default(),
    };
    // The header and the stream directory.
    inv.claim(0, 32);
    if let (Some(count), Some(rva)) = (inv.data.u32(8), inv.data.u32(12)) {
        inv.claim(u64::from(rva), u64::from(count) * 12);
    }
    for s in report.streams() {
        let Some(stream) = inv.data.slice(s.offset, s.size) else {
            continue; // already in report.problems
        };
        let offset = s.offset;
        inv.stream_structure(s.stream_type, stream, offset);
        match num_traits::FromPrimitive::from_u32(s.stream_type) {
            Some(S::ModuleListStream) => inv.modules(stream, offset),
            Some(S::UnloadedModuleListStream) => inv.unloaded_modules(stream, offset),
            Some(S::ThreadNamesStream) => inv.thread_names(stream, offset),
            Some(S::CrashpadInfoStream) => inv.crashpad(stream, offset),
            Some(S::LinuxEnviron) => inv.environ(stream, offset),
            Some(S::LinuxCmdLine) => inv.cmdline(stream, offset),
            Some(S::LinuxProcStatus) => {
                inv.lines(stream, offset, "proc_status", || FieldKind::ProcStatus)
            }
            Some(S::LinuxLsbRelease) => {
                inv.lines(stream, offset, "lsb_release", || FieldKind::LsbRelease)
            }
            Some(S::LinuxCpuInfo) => inv.lines(stream, offset, "cpu_info", || FieldKind::CpuInfo),
            Some(S::LinuxMaps) => inv.lines(stream, offset, "maps", || FieldKind::Maps),
            Some(S::LinuxDsoDebug) => inv.dso_debug(stream, offset),
            Some(S::SystemInfoStream) => inv.system_info(stream),
            Some(S::MiscInfoStream) => inv.misc_info(stream, offset),
            Some(S::HandleDataStream) => inv.handles(stream),
            Some(S::CommentStreamA) => inv.push_utf8("comment", FieldKind::Comment, stream, offset),
            Some(S::CommentStreamW) => {
                inv.push_utf16("comment", FieldKind::Comment, stream, offset)
            }
            Some(S::AssertionInfoStream) => inv.assertion(stream, offset),
            Some(S::MozMacosCrashInfoStream) => inv.mac_crash_info(stream),
            // Structures without text, and memory (already regions).
            Some(
                S::UnusedStream
                | S::ThreadListStream
                | S::MemoryListStream
                | S::Memory64ListStream
                | S::ExceptionStream
                | S::MemoryInfoListStream
                | S::ThreadInfoListStream,
            ) => {}
            // Anything else (a custom user stream, a stream this version does not
            // interpret) is scanned as raw bytes: what is not in the inventory could not
            // be shown, audited or scrubbed.
            _ => {
                // An engine's crash context (Unreal's XML) is read element by element;
                // its bytes are scanned raw as well, so nothing between elements hides.
                if let Some(fields) = context::fields(stream, offset) {
                    for f in fields {
                        inv.push(f.path, f.kind, f.value, f.origin);
                    }
                }
                inv.raw_bytes(format!("stream:0x{:08x}", s.stream_type), offset, s.size)
            }
        }
    }
    inv.out.regions = report
        .regions
        .iter()
        .map(|r| Region {
            kind: r.kind,
            thread_id: r.thread_id,
            address: r.address,
            file_offset: r.file_offset,
            len: r.size,
            name: None,
        })
        .filter(|r| r.file_offset.saturating_add(r.len) <= report.file_size)
        .chain(std::mem::take(&mut inv.raw))
        .collect();
    // Every byte no parser claimed is scanned like an unknown stream.
    let mut claims = std::mem::take(&mut inv.claims);
    for r in &inv.out.regions {
        claims.add(r.file_offset, r.len, bytemap::Class::Region);
    }
    let (map, unclaimed) = claims.finish(report.file_size);
    inv.out.byte_map = map;
    inv.out
        .regions
        .extend(unclaimed.into_iter().map(|(offset, len)| Region {
            kind: RegionKind::Other,
            thread_id: None,
            address: offset,
            file_offset: offset,
            len,
            name: Some("unclaimed".to_string()),
        }));
    if inv.problem_count > MAX_PROBLEMS {
        let more = inv.problem_count - MAX_PROBLEMS;
        inv.out
            .problems
            .push(format!("… and {more} more unreadable places"));
    }
    inv.out
}

/// How many unreadable places are described one by one.
const MAX_PROBLEMS: usize = 20;

struct Builder<'a> {
    data: Bytes<'a>,
    out: Inventory,
    problem_count: usize,
    /// Byte ranges scanned like memory: unknown streams, binary annotations.
    raw: Vec<Region>,
    /// How many entries pointed at each string (by its offset): work is keyed by bytes,
    /// so a string that thousands of entries share is decoded and listed a few times,
    /// then only counted (`Inventory::shared`).
    uses: std::collections::HashMap<u32, u32>,
    /// Lists and dictionaries already walked (kind, offset): a structure that many
    /// entries point at is read once.
    structures: std::collections::HashSet<(u8, u32)>,
    /// What each parser consumed, for the byte map.
    claims: bytemap::Claims,
}

/// How many entries may list one string's bytes before further ones are only counted.
const MAX_SHARERS: u32 = 8;

/// Names of shared strings longer than this are not repeated in field paths.
const MAX_SHARED_NAME: u32 = 256;

impl<'a> Builder<'a> {
    /// Record a place that could not be read; a hostile dump could claim millions of
    /// them, so only the first [`MAX_PROBLEMS`] are kept, then a count.
    /// A count the file claims, capped by what fits in the bytes that are really there;
    /// a claim larger than that is something that could not be read.
    fn cap(&mut self, what: &str, claimed: u64, room: u64) -> u64 {
        if claimed > room {
            self.problem(format!(
                "{what} claims {claimed} entries but only {room} fit in the file"
            ));
        }
        claimed.min(room)
    }

    fn problem(&mut self, what: String) {
        self.problem_count += 1;
        if self.out.problems.len() < MAX_PROBLEMS {
            self.out.problems.push(what);
        }
    }

    fn push(&mut self, path: String, kind: FieldKind, value: String, origin: Origin) {
        if value.is_empty() {
            return;
        }
        self.claims
            .add(origin.offset, origin.len, bytemap::Class::Field);
        self.out.fields.push(Field {
            path,
            kind,
            value,
            origin,
        });
    }

    /// Bytes with no structure crashscope knows, scanned like memory under `name`.
    fn raw_bytes(&mut self, name: String, offset: u64, len: u64) {
        if len > 0 {
            self.raw.push(Region {
                kind: RegionKind::Other,
                thread_id: None,
                address: 0,
                file_offset: offset,
                len,
                name: Some(name),
            });
        }
    }

    fn push_utf8(&mut self, path: &str, kind: FieldKind, bytes: &[u8], offset: u64) {
        self.push_text(path, kind, bytes, offset, Encoding::Utf8);
    }

    fn push_utf16(&mut self, path: &str, kind: FieldKind, bytes: &[u8], offset: u64) {
        self.push_text(path, kind, bytes, offset, Encoding::Utf16le);
    }

    /// The text of `bytes` up to its first NUL, in `encoding`, as a field.
    fn push_text(
        &mut self,
        path: &str,
        kind: FieldKind,
        bytes: &[u8],
        offset: u64,
        encoding: Encoding,
    ) {
        let (value, len) = if encoding == Encoding::Utf16le {
            raw::utf16_until_nul(bytes)
        } else {
            let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
            let value = String::from_utf8_lossy(&bytes[..end]).into_owned();
            (value, end as u64)
        };
        let origin = Origin {
            offset,
            len,
            encoding,
        };
        self.push(path.to_string(), kind, value, origin);
    }

    /// Record `len` bytes at `offset` as structure a parser interpreted.
    fn claim(&mut self, offset: u64, len: u64) {
        self.claims.add(offset, len, bytemap::Class::Structure);
    }

    /// The fixed part of a stream that its parser interprets (headers, entry arrays,
    /// records of numbers); what lies past it inside the stream stays unclaimed.
    fn stream_structure(&mut self, stream_type: u32, stream: &[u8], offset: u64) {
        let b = Bytes(stream);
        let n = |at: u64| u64::from(b.u32(at).unwrap_or(0));
        let fixed = match num_traits::FromPrimitive::from_u32(stream_type) {
            Some(S::ThreadListStream) => 4 + 48 * n(0),
            Some(S::ModuleListStream) => 4 + 108 * n(0),
            Some(S::MemoryListStream) => 4 + 16 * n(0),
            Some(S::Memory64ListStream) => {
                16u64.saturating_add(16u64.saturating_mul(b.u64(0).unwrap_or(0)))
            }
            Some(S::ExceptionStream) => 168,
            Some(S::SystemInfoStream) => 56,
            Some(S::ThreadNamesStream) => 4 + 12 * n(0),
            // The declared size of the structure itself.
            Some(S::MiscInfoStream) => n(0),
            // Header size, entry size, count.
            Some(
                S::MemoryInfoListStream
                | S::ThreadInfoListStream
                | S::UnloadedModuleListStream
                | S::HandleDataStream,
            ) => n(0) + n(4).saturating_mul(n(8)),
            Some(S::CrashpadInfoStream) => 52,
            Some(S::LinuxDsoDebug) => 40,
            Some(S::MozMacosCrashInfoStream) => 12 + 8 * n(4).min(20),
            _ => 0,
        };
        self.claim(offset, fixed.min(stream.len() as u64));
    }

    /// Whether the string at `rva` has already been listed [`MAX_SHARERS`] times.
    fn too_shared(&mut self, rva: u32) -> bool {
        let n = self.uses.entry(rva).or_insert(0);
        *n = n.saturating_add(1);
        if *n > MAX_SHARERS {
            self.out.shared += 1;
            true
        } else {
            false
        }
    }

    /// Whether the structure of `kind` at `rva` was walked before (and now is marked).
    fn walked_before(&mut self, kind: u8, rva: u32) -> bool {
        !self.structures.insert((kind, rva))
    }

    /// How many `entry`-byte entries the list in `list` (a u32 count, then the
    /// entries) has, capped by the bytes present (a problem when the count says more).
    fn list_count(&mut self, what: &str, list: &[u8], entry: u64) -> u64 {
        let claimed = u64::from(Bytes(list).u32(0).unwrap_or(0));
        self.cap(what, claimed, (list.len() as u64).saturating_sub(4) / entry)
    }

    /// The file offsets of the entries of the counted list at `rva` (a u32 count, then
    /// `entry`-byte entries), as many as the bytes present hold, with its header and
    /// entries claimed. None for no list (`rva` 0), one walked before (counted as
    /// shared), or a count outside the file (a problem when `outside_is_problem`).
    fn counted_list(
        &mut self,
        kind: u8,
        rva: u32,
        entry: u64,
        what: &str,
        outside_is_problem: bool,
    ) -> impl Iterator<Item = u64> {
        let start = u64::from(rva) + 4;
        let count = if rva == 0 {
            0
        } else if self.walked_before(kind, rva) {
            self.out.shared += 1;
            0
        } else if let Some(count) = self.data.u32(u64::from(rva)) {
            let room = (self.data.0.len() as u64).saturating_sub(start) / entry;
            let count = self.cap(what, u64::from(count), room);
            self.claim(u64::from(rva), 4 + entry * count);
            count
        } else {
            if outside_is_problem {
                self.problem(format!("{what} are outside the file"));
            }
            0
        };
        (0..count).map(move |i| start + i * entry)
    }

    /// A MINIDUMP_STRING (u32 byte length, UTF-16LE) at `rva`.
    fn minidump_string(&mut self, path: String, kind: FieldKind, rva: u32) {
        if rva != 0 && self.too_shared(rva) {
            return;
        }
        match self.data.minidump_string(rva) {
            Some((value, origin)) => {
                // The length before the text and the NUL after it.
                self.claim(u64::from(rva), 4);
                if self.data.slice(origin.offset + origin.len, 2) == Some(&[0, 0][..]) {
                    self.claim(origin.offset + origin.len, 2);
                }
                self.push(path, kind, value, origin)
            }
            None if rva != 0 => self.problem(format!(
                "{path}: string at offset {rva} is outside the file"
            )),
            None => {}
        }
    }

    /// A MinidumpUTF8String (u32 length, bytes, NUL) at `rva`. A string shared beyond
    /// [`MAX_SHARERS`] entries is not listed again; its text (a short one) or its offset
    /// still names the entry.
    fn utf8_string(&mut self, path: String, kind: FieldKind, rva: u32) -> Option<String> {
        if self.too_shared(rva) {
            let len = self.data.u32(u64::from(rva))?;
            if len <= MAX_SHARED_NAME {
                return self.data.utf8_string(rva).map(|(v, _)| v);
            }
            return Some(format!("@{rva}"));
        }
        match self.data.utf8_string(rva) {
            Some((value, origin)) => {
                self.claim(u64::from(rva), 4);
                if self.data.slice(origin.offset + origin.len, 1) == Some(&[0][..]) {
                    self.claim(origin.offset + origin.len, 1);
                }
                self.push(path, kind, value.clone(), origin);
                Some(value)
            }
            None => {
                self.problem(format!(
                    "{path}: string at offset {rva} is outside the file"
                ));
                None
            }
        }
    }

    fn modules(&mut self, stream: &[u8], _offset: u64) {
        const SIZE: u64 = 108;
        let count = Bytes(stream).u32(0).unwrap_or(0) as u64;
        if 4 + count.saturating_mul(SIZE) > stream.len() as u64 {
            self.problem(format!(
                "module list claims {count} modules but the stream is {} bytes",
                stream.len()
            ));
        }
        let count = count.min((stream.len() as u64).saturating_sub(4) / SIZE);
        for i in 0..count {
            let base = 4 + i * SIZE;
            let m = Bytes(stream);
            let name_rva = m.u32(base + 20).unwrap_or(0);
            self.minidump_string(
                format!("modules[{i}].code_file"),
                FieldKind::ModulePath,
                name_rva,
            );
            let (cv_size, cv_rva) = (m.u32(base + 76).unwrap_or(0), m.u32(base + 80).unwrap_or(0));
            self.codeview(i, cv_size, cv_rva);
        }
    }

    /// The debug file name inside a CodeView record (PDB 7.0 and 2.0).
    fn codeview(&mut self, index: u64, size: u32, rva: u32) {
        let Some(record) = self.data.slice(u64::from(rva), u64::from(size)) else {
            return;
        };
        let name_at = match Bytes(record).u32(0) {
            Some(0x5344_5352) => 24, // 'RSDS': signature, GUID, age, name
            Some(0x3031_424e) => 16, // 'NB10': signature, offset, timestamp, age, name
            // An ELF build id ('BpEL') is binary: all of it is structure.
            Some(0x4270_454c) => {
                self.claim(u64::from(rva), record.len() as u64);
                return;
            }
            _ => return, // other formats carry no string; their bytes stay unclaimed
        };
        self.claim(u64::from(rva), name_at.min(record.len()) as u64);
        if record.len() > name_at {
            self.push_utf8(
                &format!("modules[{index}].debug_file"),
                FieldKind::DebugFile,
                &record[name_at..],
                u64::from(rva) + name_at as u64,
            );
        }
    }

    fn unloaded_modules(&mut self, stream: &[u8], _offset: u64) {
        let s = Bytes(stream);
        let Some((header, entry, count)) = s.ex_list(24) else {
            return;
        };
        let count = self.cap(
            "the unloaded module list",
            u64::from(s.u32(8).unwrap_or(0)),
            count,
        );
        for i in 0..count {
            let rva = s.u32(header + i * entry + 20).unwrap_or(0);
            self.minidump_string(
                format!("unloaded_modules[{i}].code_file"),
                FieldKind::UnloadedModulePath,
                rva,
            );
        }
    }

    fn thread_names(&mut self, stream: &[u8], _offset: u64) {
        let s = Bytes(stream);
        let count = self.list_count("the thread names list", stream, 12);
        for i in 0..count {
            let at = 4 + i * 12;
            let (Some(tid), Some(rva)) = (s.u32(at), s.u64(at + 4)) else {
                continue;
            };
            let Ok(rva) = u32::try_from(rva) else {
                self.problem(format!(
                    "thread_names[{tid}]: name offset {rva} is outside the file"
                ));
                continue;
            };
            self.minidump_string(format!("threads[{tid}].name"), FieldKind::ThreadName, rva);
        }
    }

    fn crashpad(&mut self, stream: &[u8], offset: u64) {
        let s = Bytes(stream);
        if stream.len() < 52 {
            self.problem("the Crashpad info stream is too short".to_string());
            return;
        }
        for (at, path, kind) in [
            (4u64, "crashpad.report_id", FieldKind::CrashpadReportId),
            (20, "crashpad.client_id", FieldKind::CrashpadClientId),
        ] {
            let guid = &stream[at as usize..at as usize + 16];
            if guid.iter().any(|&b| b != 0) {
                self.push(
                    path.to_string(),
                    kind,
                    raw::uuid_string(guid),
                    Origin {
                        offset: offset + at,
                        len: 16,
                        encoding: Encoding::Raw,
                    },
                );
            }
        }
        let dict = (s.u32(36).unwrap_or(0), s.u32(40).unwrap_or(0));
        self.dictionary("crashpad.annotations", dict.1);
        let (list_size, list_rva) = (s.u32(44).unwrap_or(0), s.u32(48).unwrap_or(0));
        if list_size == 0 {
            return;
        }
        let Some(list) = self.data.slice(u64::from(list_rva), u64::from(list_size)) else {
            self.problem("the Crashpad module list is outside the file".to_string());
            return;
        };
        let links = u64::from(Bytes(list).u32(0).unwrap_or(0));
        self.claim(u64::from(list_rva), (4 + 12 * links).min(list.len() as u64));
        let l = Bytes(list);
        let count = self.list_count("the Crashpad module list", list, 12);
        for i in 0..count {
            let at = 4 + i * 12;
            let module = l.u32(at).unwrap_or(0);
            let info_size = l.u32(at + 4).unwrap_or(0);
            let info_rva = l.u32(at + 8).unwrap_or(0);
            // Many links to one module record: it is read once.
            if self.walked_before(0, info_rva) {
                self.out.shared += 1;
                continue;
            }
            // MinidumpModuleCrashpadInfo, read by its declared size: version, list and
            // simple annotations (20 bytes, what older macOS and Windows Crashpad
            // wrote), then annotation objects (28 bytes and more).
            let Some(info) = self
                .data
                .slice(u64::from(info_rva), u64::from(info_size))
                .filter(|_| info_size >= 20)
            else {
                self.problem(format!(
                    "crashpad module {module}: info ({info_size} bytes at {info_rva}) is outside the file or too short"
                ));
                continue;
            };
            let m = Bytes(info);
            self.claim(u64::from(info_rva), info.len() as u64);
            let prefix = format!("crashpad.modules[{module}]");
            // list annotations: RVA list of UTF-8 strings
            let list_rva = m.u32(8).unwrap_or(0);
            let fresh = list_rva == 0 || !self.walked_before(3, list_rva);
            if let Some(rvas) = self.data.rva_list(list_rva).filter(|_| fresh) {
                self.claim(u64::from(list_rva), 4 + 4 * rvas.len() as u64);
                for (n, rva) in rvas.into_iter().enumerate() {
                    self.utf8_string(
                        format!("{prefix}.list_annotations[{n}]"),
                        FieldKind::ListAnnotation,
                        rva,
                    );
                }
            }
            self.dictionary(&prefix, m.u32(16).unwrap_or(0));
            if info.len() >= 28 {
                self.annotation_objects(&prefix, m.u32(24).unwrap_or(0));
            }
        }
    }

    /// A MinidumpSimpleStringDictionary at `rva` (0 = none).
    fn dictionary(&mut self, prefix: &str, rva: u32) {
        let what = format!("{prefix} annotations");
        for (i, at) in self.counted_list(1, rva, 8, &what, true).enumerate() {
            let (Some(k), Some(v)) = (self.data.u32(at), self.data.u32(at + 4)) else {
                break;
            };
            let Some(key) =
                self.utf8_string(format!("{prefix}.names[{i}]"), FieldKind::AnnotationName, k)
            else {
                continue;
            };
            self.utf8_string(
                format!("{prefix}.simple.{key}"),
                FieldKind::Annotation { key: key.clone() },
                v,
            );
        }
    }

    /// A MinidumpAnnotationList at `rva`: string-typed values become fields.
    fn annotation_objects(&mut self, prefix: &str, rva: u32) {
        let what = format!("{prefix} annotation objects");
        for (i, at) in self.counted_list(2, rva, 12, &what, false).enumerate() {
            let name_rva = self.data.u32(at).unwrap_or(0);
            let ty = self.data.u16(at + 4).unwrap_or(0);
            let value_rva = self.data.u32(at + 8).unwrap_or(0);
            let Some(key) = self.utf8_string(
                format!("{prefix}.objects[{i}].name"),
                FieldKind::AnnotationName,
                name_rva,
            ) else {
                continue;
            };
            let Some(len) = self.data.u32(u64::from(value_rva)) else {
                continue;
            };
            let value_at = u64::from(value_rva) + 4;
            self.claim(u64::from(value_rva), 4);
            if self.data.slice(value_at, u64::from(len)).is_none() {
                self.problem(format!("{prefix}.objects.{key}: value is outside the file"));
                continue;
            }
            if ty == 1 {
                let bytes = self
                    .data
                    .slice(value_at, u64::from(len))
                    .unwrap_or_default();
                // All the bytes, NULs and what follows them included: Crashpad's
                // uploader sends the string annotation's whole value.
                self.push(
                    format!("{prefix}.objects.{key}"),
                    FieldKind::Annotation { key: key.clone() },
                    String::from_utf8_lossy(bytes).into_owned(),
                    Origin {
                        offset: value_at,
                        len: bytes.len() as u64,
                        encoding: Encoding::Utf8,
                    },
                );
            } else {
                // A custom type (or a future one): app-defined bytes, scanned like memory.
                self.raw_bytes(format!("annotation:{key}"), value_at, u64::from(len));
            }
        }
    }

    fn environ(&mut self, stream: &[u8], offset: u64) {
        for (start, entry) in raw::nul_separated(stream) {
            let (name, value_at) = match entry.iter().position(|&b| b == b'=') {
                Some(i) => (String::from_utf8_lossy(&entry[..i]).into_owned(), i + 1),
                None => (String::from_utf8_lossy(entry).into_owned(), entry.len()),
            };
            let kind = FieldKind::EnvVar { name: name.clone() };
            self.push_utf8(
                &format!("environ.{name}"),
                kind,
                &entry[value_at..],
                offset + (start + value_at) as u64,
            );
        }
    }

    fn cmdline(&mut self, stream: &[u8], offset: u64) {
        for (index, (start, arg)) in raw::nul_separated(stream).into_iter().enumerate() {
            self.push_utf8(
                &format!("cmdline[{index}]"),
                FieldKind::CommandLine { index },
                arg,
                offset + start as u64,
            );
        }
    }

    /// A text stream, one field per line (`proc_status[3]`).
    fn lines(&mut self, stream: &[u8], offset: u64, name: &str, kind: impl Fn() -> FieldKind) {
        let mut start = 0;
        for (n, line) in stream.split(|&b| b == b'\n').enumerate() {
            self.push_utf8(&format!("{name}[{n}]"), kind(), line, offset + start as u64);
            start += line.len() + 1;
        }
    }

    /// Breakpad's DSO debug stream: `MDRawDebug` then `MDRawLinkMap`s naming each library.
    fn dso_debug(&mut self, stream: &[u8], _offset: u64) {
        let s = Bytes(stream);
        // DSO_DEBUG_64: u32 version, RVA map, u32 dso_count, then brk/ldbase/dynamic.
        let (Some(map_rva), Some(count)) = (s.u32(4), s.u32(8)) else {
            return;
        };
        // LINK_MAP_64: u64 addr, RVA name, u64 ld. rust-minidump's writers pack it to 20
        // bytes, Breakpad's C++ writer pads it to 24: take the stride whose names all lie
        // inside the file.
        let data = self.data;
        let name_at = move |stride: u64, i: u64| data.u32(u64::from(map_rva) + i * stride + 8);
        let readable = |stride: u64| {
            (0..u64::from(count).min(4096)).all(|i| {
                name_at(stride, i)
                    .is_some_and(|rva| rva == 0 || data.minidump_string(rva).is_some())
            })
        };
        let stride = if readable(20) || !readable(24) {
            20
        } else {
            24
        };
        let room = (self.data.0.len() as u64).saturating_sub(u64::from(map_rva)) / stride;
        self.claim(u64::from(map_rva), stride * u64::from(count).min(room));
        for i in 0..u64::from(count).min(room) {
            let name_rva = name_at(stride, i).unwrap_or(0);
            self.minidump_string(
                format!("dso_debug[{i}].name"),
                FieldKind::DsoDebug,
                name_rva,
            );
        }
    }

    fn system_info(&mut self, stream: &[u8]) {
        let s = Bytes(stream);
        if let Some(rva) = s.u32(24) {
            self.minidump_string(
                "system_info.csd_version".to_string(),
                FieldKind::SystemInfo,
                rva,
            );
        }
    }

    fn misc_info(&mut self, stream: &[u8], offset: u64) {
        // MINIDUMP_MISC_INFO_3: time-zone names; _4: build strings (all fixed UTF-16 arrays).
        for (at, len, path) in [
            (64usize, 64usize, "misc_info.time_zone.standard_name"),
            (148, 64, "misc_info.time_zone.daylight_name"),
            (232, 520, "misc_info.build_string"),
            (752, 80, "misc_info.dbg_build_string"),
        ] {
            if stream.len() >= at + len {
                self.push_utf16(
                    path,
                    FieldKind::MiscInfo,
                    &stream[at..at + len],
                    offset + at as u64,
                );
            }
        }
    }

    fn handles(&mut self, stream: &[u8]) {
        let s = Bytes(stream);
        let Some((header, size, count)) = s.ex_list(32) else {
            return;
        };
        let count = self.cap("the handle list", u64::from(s.u32(8).unwrap_or(0)), count);
        for i in 0..count {
            let at = header + i * size;
            if let Some(rva) = s.u32(at + 8) {
                self.minidump_string(
                    format!("handles[{i}].type_name"),
                    FieldKind::HandleName,
                    rva,
                );
            }
            if let Some(rva) = s.u32(at + 12) {
                self.minidump_string(
                    format!("handles[{i}].object_name"),
                    FieldKind::HandleName,
                    rva,
                );
            }
        }
    }

    /// macOS `CrashReporterClient` annotations (the `MozMacosCrashInfoStream`): up to 20
    /// records, each a fixed part of `record_start_size` bytes followed by NUL-terminated
    /// strings: module path, message, signature, backtrace, second message.
    fn mac_crash_info(&mut self, stream: &[u8]) {
        const NAMES: [&str; 5] = [
            "module_path",
            "message",
            "signature_string",
            "backtrace",
            "message2",
        ];
        let s = Bytes(stream);
        let (Some(count), Some(start)) = (s.u32(4), s.u32(8)) else {
            return;
        };
        for i in 0..u64::from(count).min(20) {
            let (Some(size), Some(rva)) = (s.u32(12 + i * 8), s.u32(16 + i * 8)) else {
                break;
            };
            let Some(record) = self.data.slice(u64::from(rva), u64::from(size)) else {
                self.problem(format!("mac_crash_info[{i}]: record is outside the file"));
                continue;
            };
            self.claim(u64::from(rva), u64::from(start).min(record.len() as u64));
            let Some(strings) = record.get(start as usize..) else {
                continue;
            };
            let mut at = 0;
            for name in NAMES {
                let Some(rest) = strings.get(at..) else { break };
                let len = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
                let origin = u64::from(rva) + u64::from(start) + at as u64;
                self.push_utf8(
                    &format!("mac_crash_info[{i}].{name}"),
                    FieldKind::MacCrashInfo,
                    rest,
                    origin,
                );
                at += len + 1;
            }
        }
    }

    fn assertion(&mut self, stream: &[u8], offset: u64) {
        for (at, path) in [
            (0usize, "assertion.expression"),
            (256, "assertion.function"),
            (512, "assertion.file"),
        ] {
            if stream.len() >= at + 256 {
                self.push_utf16(
                    path,
                    FieldKind::Assertion,
                    &stream[at..at + 256],
                    offset + at as u64,
                );
            }
        }
    }
}
