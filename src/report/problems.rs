//! What a dump's own structure says could not be read: streams no parser took, memory
//! ranges outside the file, a directory that does not add up.

use super::*;

impl Report {
    /// Streams present in the directory that the minidump crate cannot parse (a count
    /// larger than the stream, a wrong entry size): the stackwalk silently goes without
    /// them, so they are said here. (The handle stream is checked before any parse: see
    /// `symbols`.)
    pub(super) fn unparsed_streams(&self) -> Vec<String> {
        use minidump::{
            MinidumpMemoryInfoList, MinidumpModuleList, MinidumpSystemInfo, MinidumpThreadNames,
            MinidumpUnloadedModuleList,
        };
        let mut out = Vec::new();
        let mut check = |name: &str, r: Result<(), minidump::Error>| match r {
            Ok(()) | Err(minidump::Error::StreamNotFound) => {}
            Err(e) => out.push(format!("the {name} could not be read: {e}")),
        };
        check(
            "thread list",
            self.dump.get_stream::<MinidumpThreadList>().map(|_| ()),
        );
        check(
            "module list",
            self.dump.get_stream::<MinidumpModuleList>().map(|_| ()),
        );
        check(
            "unloaded module list",
            self.dump
                .get_stream::<MinidumpUnloadedModuleList>()
                .map(|_| ()),
        );
        check(
            "memory info list",
            self.dump.get_stream::<MinidumpMemoryInfoList>().map(|_| ()),
        );
        check(
            "thread names",
            self.dump.get_stream::<MinidumpThreadNames>().map(|_| ()),
        );
        check(
            "system info",
            self.dump.get_stream::<MinidumpSystemInfo>().map(|_| ()),
        );
        check(
            "exception",
            self.dump.get_stream::<MinidumpException>().map(|_| ()),
        );
        out
    }

    /// Memory descriptors (memory list, Memory64 list, thread stacks) whose bytes lie
    /// outside the file, described for the user.
    pub(super) fn ranges_outside_the_file(&self) -> Vec<String> {
        let size = self.file_size;
        let u32_at = |b: &[u8], at: usize| crate::le::u32(b, at).map(u64::from);
        let u64_at = crate::le::u64;
        let mut out = Vec::new();
        let mut outside = |what: &str, address: u64, len: u64, at: u64| {
            if at.saturating_add(len) > size && out.len() < 20 {
                out.push(format!(
                    "{what} at 0x{address:x} ({len} bytes) claims file bytes {at}..{} but the file has {size} bytes",
                    at.saturating_add(len)
                ));
            }
        };
        if let Some(list) = self.raw_stream(MINIDUMP_STREAM_TYPE::MemoryListStream) {
            let count = u32_at(list, 0).unwrap_or(0) as usize;
            for i in 0..count.min(list.len().saturating_sub(4) / 16) {
                let at = 4 + 16 * i;
                if let (Some(start), Some(len), Some(rva)) = (
                    u64_at(list, at),
                    u32_at(list, at + 8),
                    u32_at(list, at + 12),
                ) {
                    outside("memory range", start, len, rva);
                }
            }
        }
        if let Some(list) = self.raw_stream(MINIDUMP_STREAM_TYPE::Memory64ListStream) {
            let count = u64_at(list, 0).unwrap_or(0) as usize;
            let mut rva = u64_at(list, 8).unwrap_or(0);
            for i in 0..count.min(list.len().saturating_sub(16) / 16) {
                let at = 16 + 16 * i;
                if let (Some(start), Some(len)) = (u64_at(list, at), u64_at(list, at + 8)) {
                    outside("memory range", start, len, rva);
                    rva = rva.saturating_add(len);
                }
            }
        }
        if let Some(list) = self.raw_stream(MINIDUMP_STREAM_TYPE::ThreadListStream) {
            let count = u32_at(list, 0).unwrap_or(0) as usize;
            // MINIDUMP_THREAD: 48 bytes; the stack descriptor at 24 (start u64, size, rva).
            for i in 0..count.min(list.len().saturating_sub(4) / 48) {
                let at = 4 + 48 * i + 24;
                if let (Some(start), Some(len), Some(rva)) = (
                    u64_at(list, at),
                    u32_at(list, at + 8),
                    u32_at(list, at + 12),
                ) {
                    if len > 0 {
                        outside("a thread stack", start, len, rva);
                    }
                }
            }
        }
        out
    }

    /// Records every stream whose data lies outside the file.
    pub(super) fn check_directory(&mut self) {
        for s in self.streams() {
            if s.offset.saturating_add(s.size) > self.file_size {
                self.problems.push(Problem::Unreadable(format!(
                    "stream {} claims bytes {}..{} but the file has {} bytes",
                    s.name,
                    s.offset,
                    s.offset.saturating_add(s.size),
                    self.file_size
                )));
            }
        }
    }
}

pub(super) fn describe_read_error(e: &minidump::Error, file_size: u64) -> String {
    use minidump::Error as E;
    match e {
        E::MissingHeader => {
            format!("the file ({file_size} bytes) is too short for a minidump header")
        }
        E::HeaderMismatch => "no MDMP signature".to_string(),
        E::VersionMismatch => "unsupported minidump version".to_string(),
        E::MissingDirectory => {
            "the stream directory lies outside the file (truncated?)".to_string()
        }
        other => other.to_string(),
    }
}
