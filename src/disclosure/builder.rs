//! The inventory builder: bounds-checked reads, claims for the byte map, problems
//! counted and capped, strings decoded once however many entries share them.

use super::*;
use crate::problem::Problem;

/// How many unreadable places are described one by one.
pub(super) const MAX_PROBLEMS: usize = 20;

pub(super) struct Builder<'a> {
    pub(super) data: Bytes<'a>,
    pub(super) out: Inventory,
    pub(super) problem_count: usize,
    /// Byte ranges scanned like memory: unknown streams, binary annotations.
    pub(super) raw: Vec<Region>,
    /// How many entries pointed at each string (by its offset): work is keyed by bytes,
    /// so a string that thousands of entries share is decoded and listed a few times,
    /// then only counted (`Inventory::shared`).
    pub(super) uses: std::collections::HashMap<u32, u32>,
    /// Lists and dictionaries already walked (kind, offset): a structure that many
    /// entries point at is read once.
    pub(super) structures: std::collections::HashSet<(u8, u32)>,
    /// What each parser consumed, for the byte map.
    pub(super) claims: bytemap::Claims,
}

/// How many entries may list one string's bytes before further ones are only counted.
pub(super) const MAX_SHARERS: u32 = 8;

/// `VS_FIXEDFILEINFO.dwSignature`: a module record whose version block starts otherwise
/// has no version information there.
const VS_FIXEDFILEINFO_SIGNATURE: u32 = 0xFEEF_04BD;

/// Names of shared strings longer than this are not repeated in field paths.
pub(super) const MAX_SHARED_NAME: u32 = 256;

impl<'a> Builder<'a> {
    /// Record a place that could not be read; a hostile dump could claim millions of
    /// them, so only the first [`MAX_PROBLEMS`] are kept, then a count.
    /// A count the file claims, capped by what fits in the bytes that are really there;
    /// a claim larger than that is something that could not be read.
    pub(super) fn cap(&mut self, what: &str, claimed: u64, room: u64) -> u64 {
        if claimed > room {
            self.problem(format!(
                "{what} claims {claimed} entries but only {room} fit in the file"
            ));
        }
        claimed.min(room)
    }

    pub(super) fn problem(&mut self, what: String) {
        self.problem_count += 1;
        if self.out.problems.len() < MAX_PROBLEMS {
            self.out.problems.push(Problem::Unreadable(what));
        }
    }

    pub(super) fn push(&mut self, path: String, kind: FieldKind, value: String, origin: Origin) {
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
    pub(super) fn raw_bytes(&mut self, name: RawBytes, offset: u64, len: u64) {
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

    pub(super) fn push_utf8(&mut self, path: &str, kind: FieldKind, bytes: &[u8], offset: u64) {
        self.push_text(path, kind, bytes, offset, Encoding::Utf8);
    }

    pub(super) fn push_utf16(&mut self, path: &str, kind: FieldKind, bytes: &[u8], offset: u64) {
        self.push_text(path, kind, bytes, offset, Encoding::Utf16le);
    }

    /// The text of `bytes` up to its first NUL, in `encoding`, as a field.
    pub(super) fn push_text(
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
            let end = memchr::memchr(0, bytes).unwrap_or(bytes.len());
            let value = raw::lossy(&bytes[..end]);
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
    pub(super) fn claim(&mut self, offset: u64, len: u64) {
        self.claims.add(offset, len, bytemap::Class::Structure);
    }

    /// The fixed part of a stream that its parser interprets (headers, entry arrays,
    /// records of numbers); what lies past it inside the stream stays unclaimed.
    pub(super) fn stream_structure(&mut self, stream_type: u32, stream: &[u8], offset: u64) {
        let b = Bytes(stream);
        let n = |at: u64| u64::from(b.u32(at).unwrap_or(0));
        let len = stream.len() as u64;
        // Parts of a record that no parser reads (a module's reserved words, its version
        // block when it has none, an exception's parameters past its count) stay
        // unclaimed, so that text hidden there is scanned like any other stray bytes.
        let part = |this: &mut Self, at: u64, size: u64| {
            if at < len {
                this.claim(offset + at, size.min(len - at));
            }
        };
        match num_traits::FromPrimitive::from_u32(stream_type) {
            Some(S::ModuleListStream) => {
                part(self, 0, 4);
                for k in 0..n(0).min(len / 108) {
                    let at = 4 + 108 * k;
                    part(self, at, 24);
                    if b.u32(at + 24) == Some(VS_FIXEDFILEINFO_SIGNATURE) {
                        part(self, at + 24, 52);
                    }
                    part(self, at + 76, 16);
                }
                return;
            }
            Some(S::ExceptionStream) => {
                part(self, 0, 40 + 8 * n(32).min(15));
                part(self, 160, 8);
                return;
            }
            _ => {}
        }
        let fixed = match num_traits::FromPrimitive::from_u32(stream_type) {
            Some(S::ThreadListStream) => 4 + 48 * n(0),
            Some(S::MemoryListStream) => 4 + 16 * n(0),
            Some(S::Memory64ListStream) => {
                16u64.saturating_add(16u64.saturating_mul(b.u64(0).unwrap_or(0)))
            }
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
    pub(super) fn too_shared(&mut self, rva: u32) -> bool {
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
    pub(super) fn walked_before(&mut self, kind: u8, rva: u32) -> bool {
        !self.structures.insert((kind, rva))
    }

    /// How many `entry`-byte entries the list in `list` (a u32 count, then the
    /// entries) has, capped by the bytes present (a problem when the count says more).
    pub(super) fn list_count(&mut self, what: &str, list: &[u8], entry: u64) -> u64 {
        let claimed = u64::from(Bytes(list).u32(0).unwrap_or(0));
        self.cap(what, claimed, (list.len() as u64).saturating_sub(4) / entry)
    }

    /// The file offsets of the entries of the counted list at `rva` (a u32 count, then
    /// `entry`-byte entries), as many as the bytes present hold, with its header and
    /// entries claimed. None for no list (`rva` 0), one walked before (counted as
    /// shared), or a count outside the file (a problem when `outside_is_problem`).
    pub(super) fn counted_list(
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
    pub(super) fn minidump_string(&mut self, path: String, kind: FieldKind, rva: u32) {
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
    pub(super) fn utf8_string(
        &mut self,
        path: String,
        kind: FieldKind,
        rva: u32,
    ) -> Option<String> {
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
}
