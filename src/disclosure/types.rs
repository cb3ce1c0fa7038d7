//! The inventory's types: fields, their origins and kinds, memory regions.

use super::*;

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
    ThreadName {
        /// The thread's id (the path names it for people).
        #[serde(skip)]
        tid: u32,
    },
    CrashpadReportId,
    CrashpadClientId,
    /// A Windows account SID stored in binary (the token stream), shown as text.
    Sid,
    Annotation {
        key: String,
        /// Whose annotation it is and of which kind (the path names it for people).
        #[serde(skip)]
        source: AnnotationSource,
    },
    /// An entry of a Crashpad module's list annotations.
    ListAnnotation {
        #[serde(skip)]
        module: u32,
    },
    AnnotationName,
    EnvVar {
        name: String,
        /// The memory region of the environment block it was found in; `None` for the
        /// environment the writer recorded (Linux's environ stream).
        #[serde(skip)]
        block: Option<String>,
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
            FieldKind::ThreadName { .. } => "thread names",
            FieldKind::CrashpadReportId | FieldKind::CrashpadClientId => "crashpad ids",
            FieldKind::Sid => "account ids",
            FieldKind::Annotation { .. }
            | FieldKind::ListAnnotation { .. }
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

/// Where an annotation comes from: Crashpad's process or module annotations, or another
/// reporter's file (Mozilla's `.extra`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AnnotationSource {
    /// A simple (key = value) annotation of the process (`module` None) or of a module
    /// (its index in the module list).
    Simple { module: Option<u32> },
    /// An annotation object of a module.
    Object { module: u32 },
    /// Not Crashpad's: an entry of a `.extra` file.
    #[default]
    Extra,
    /// Not Crashpad's: a value of a JSON document in an attachment (sentry-native's
    /// event and session), its key the path (`user.username`).
    Json,
}

impl FieldKind {
    /// Whether the field is part of Crashpad's own information (what Crashpad's
    /// uploader reads), as opposed to another writer's.
    pub fn is_crashpad(&self) -> bool {
        match self {
            FieldKind::CrashpadReportId
            | FieldKind::CrashpadClientId
            | FieldKind::AnnotationName
            | FieldKind::ListAnnotation { .. } => true,
            FieldKind::Annotation { source, .. } => *source != AnnotationSource::Extra,
            _ => false,
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
    /// (`annotation:recent_contacts`), an attachment, bytes nothing claimed.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_raw"
    )]
    pub name: Option<RawBytes>,
}

/// What bytes that are not process memory are, scanned like memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawBytes {
    /// A stream no part of crashscope interprets, by its type.
    Stream(u32),
    /// A Crashpad annotation whose value is binary, by its name.
    Annotation(String),
    /// An attachment that is not text, by its file name.
    Attachment(String),
    /// Bytes of the dump that no parser claimed.
    Unclaimed,
}

impl std::fmt::Display for RawBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RawBytes::Stream(t) => write!(f, "stream:0x{t:08x}"),
            RawBytes::Annotation(key) => write!(f, "annotation:{key}"),
            RawBytes::Attachment(name) => write!(f, "attachment:{name}"),
            RawBytes::Unclaimed => f.write_str("unclaimed"),
        }
    }
}

fn serialize_raw<S: serde::Serializer>(raw: &Option<RawBytes>, s: S) -> Result<S::Ok, S::Error> {
    match raw {
        Some(raw) => s.collect_str(raw),
        None => s.serialize_none(),
    }
}

impl Region {
    /// The summary's "place" of what this region holds: stack, heap or other memory,
    /// CPU registers, custom streams, annotations, attachments, unclaimed bytes.
    pub fn place(&self) -> &'static str {
        match (&self.name, self.kind) {
            (Some(RawBytes::Stream(_)), _) => "custom streams",
            (Some(RawBytes::Annotation(_)), _) => "annotations",
            (Some(RawBytes::Attachment(_)), _) => "attachments",
            (Some(RawBytes::Unclaimed), _) => "unclaimed bytes",
            (None, RegionKind::Stack) => "stack memory",
            (None, RegionKind::Heap) => "heap memory",
            (None, RegionKind::Other) => "other memory",
            (None, RegionKind::Context) => "CPU registers",
        }
    }

    /// `stack:thread 7` / `heap` / `other` / `stream:0x…`, as used in finding locations.
    pub fn label(&self) -> String {
        if let Some(name) = &self.name {
            return name.to_string();
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
    pub problems: Vec<crate::problem::Problem>,
    /// Entries that pointed at bytes already listed [`MAX_SHARERS`] times (aliasing: the
    /// bytes were read and are scanned; the entries are counted, not listed).
    pub shared: u64,
    /// How the file's bytes divide into structure, fields, regions and unclaimed bytes
    /// (the unclaimed runs are among `regions`, named `unclaimed`).
    pub byte_map: bytemap::ByteMap,
}
