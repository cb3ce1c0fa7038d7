//! Same-length redaction: a copy of a dump (or any scanned file) with every finding at
//! or above the threshold masked or pseudonymized at its byte origin, in its own
//! encoding, so that every offset in the file stays valid; whole items blanked on request;
//! thread stacks defaced after Crashpad's sanitizer. Then the copy is verified.
//!
//! This module decides the edits ([`plan`]) and checks a written copy ([`verify`]); it
//! writes through [`write_copy`] (temporary file, edits, rename) and prints nothing.

pub use crate::pii::pseudonym;

mod database;
mod files;
mod plan;
mod verify;
mod write;

pub(crate) use database::*;
pub(crate) use files::*;
pub use plan::*;
pub use verify::*;
pub use write::*;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use minidump::format::MINIDUMP_STREAM_TYPE as S;
use serde::Serialize;

use crate::audit::{Policy, Verdict};
use crate::disclosure::{Encoding, FieldKind, Inventory, Region};
use crate::pii::{Category, Finding, Findings, MASK};
use crate::report::{RegionKind, Report};
pub use pseudonym::Pseudonymizer;

/// The word Crashpad's sanitizer writes over stack words that point nowhere useful.
pub const DEFACED: u64 = 0x0def_aced_0def_aced;

/// Items `--drop` blanks entirely ([`DropItem::name`] and [`DropItem::help`] are what the
/// command line offers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DropItem {
    Environ,
    Cmdline,
    ProcStatus,
    Maps,
    LsbRelease,
    CpuInfo,
    Auxv,
    Annotations,
    ThreadNames,
    CustomStreams,
    Heap,
}

impl DropItem {
    pub const ALL: [DropItem; 11] = [
        DropItem::Environ,
        DropItem::Cmdline,
        DropItem::ProcStatus,
        DropItem::Maps,
        DropItem::LsbRelease,
        DropItem::CpuInfo,
        DropItem::Auxv,
        DropItem::Annotations,
        DropItem::ThreadNames,
        DropItem::CustomStreams,
        DropItem::Heap,
    ];

    /// The item's name, as `--drop` and JSON write it.
    pub fn name(self) -> &'static str {
        self.describe().0
    }

    /// What the item is, for `--drop`'s help.
    pub fn help(self) -> &'static str {
        self.describe().1
    }

    fn describe(self) -> (&'static str, &'static str) {
        match self {
            DropItem::Environ => ("environ", "The Linux environment stream"),
            DropItem::Cmdline => ("cmdline", "The Linux command-line stream"),
            DropItem::ProcStatus => ("proc-status", "/proc/PID/status"),
            DropItem::Maps => ("maps", "/proc/PID/maps"),
            DropItem::LsbRelease => ("lsb-release", "/etc/lsb-release"),
            DropItem::CpuInfo => ("cpu-info", "/proc/cpuinfo"),
            DropItem::Auxv => ("auxv", "The auxiliary vector"),
            DropItem::Annotations => (
                "annotations",
                "Every Crashpad annotation value (process and module, simple, list and objects)",
            ),
            DropItem::ThreadNames => ("thread-names", "Thread names"),
            DropItem::CustomStreams => (
                "custom-streams",
                "Streams crashscope does not interpret (custom user streams)",
            ),
            DropItem::Heap => (
                "heap",
                "Heap and anonymous memory regions (their bytes are zeroed, the list kept)",
            ),
        }
    }

    fn stream(self) -> Option<S> {
        Some(match self {
            DropItem::Environ => S::LinuxEnviron,
            DropItem::Cmdline => S::LinuxCmdLine,
            DropItem::ProcStatus => S::LinuxProcStatus,
            DropItem::Maps => S::LinuxMaps,
            DropItem::LsbRelease => S::LinuxLsbRelease,
            DropItem::CpuInfo => S::LinuxCpuInfo,
            DropItem::Auxv => S::LinuxAuxv,
            _ => return None,
        })
    }
}

/// What to scrub beyond the policy's findings.
#[derive(Debug, Default)]
pub struct Options {
    /// Categories left as they are.
    pub keep: BTreeSet<Category>,
    pub drop: BTreeSet<DropItem>,
    /// When set, only annotations whose name matches one of these are kept.
    pub annotations_allow: Option<Vec<globset::GlobMatcher>>,
    pub deface_stacks: bool,
    pub pseudonyms: Option<Pseudonymizer>,
}

impl Options {
    /// Whether a finding is scrubbed under `policy` (at or above its threshold, not
    /// accepted by an allow entry, not in a kept category).
    pub fn scrubs(&self, policy: &Policy, key: &str, f: &Finding) -> bool {
        !self.keep.contains(&f.category) && matches!(policy.judge(key, f), Some((Verdict::Fail, _)))
    }
}

/// One write into the copy.
#[derive(Debug, Clone)]
pub struct Edit {
    pub offset: u64,
    pub bytes: Vec<u8>,
    /// A pseudonym, which a mask of the same bytes overrides.
    pub pseudonym: bool,
}

/// What a scrub changed, for the summary.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Changes {
    /// Findings masked or pseudonymized.
    pub findings: usize,
    pub pseudonymized: usize,
    /// Distinct fields (paths) and memory regions touched by those findings.
    pub places: usize,
    /// Items blanked by `--drop` / `--annotations-allow`, with the bytes blanked.
    pub dropped: Vec<(String, u64)>,
    pub stack_words_defaced: u64,
    pub stacks_defaced: usize,
    /// Bytes that differ from the original.
    pub bytes_changed: u64,
}

/// The edits for one file and what they change.
#[derive(Debug, Default)]
pub struct Plan {
    pub edits: Vec<Edit>,
    pub changes: Changes,
    /// Original values that were pseudonymized (lowercased): the copy must not hold them.
    pub replaced_values: BTreeSet<String>,
}

impl Plan {
    fn push(&mut self, offset: u64, bytes: Vec<u8>) {
        self.push_edit(offset, bytes, false);
    }

    fn push_edit(&mut self, offset: u64, bytes: Vec<u8>, pseudonym: bool) {
        if !bytes.is_empty() {
            self.edits.push(Edit {
                offset,
                bytes,
                pseudonym,
            });
        }
    }

    /// `len` zero bytes at `offset`, and the u32 length before it set to 0 when
    /// `prefixed` (a MinidumpUTF8String, MINIDUMP_STRING or byte array).
    fn blank(&mut self, offset: u64, len: u64, prefixed: bool) {
        self.push(offset, vec![0; len as usize]);
        if prefixed && offset >= 4 {
            self.push(offset - 4, vec![0; 4]);
        }
    }

    /// The final bytes of every merged edited range (edits applied smallest first, so
    /// that an edit containing others wins, and a mask after a pseudonym of the same
    /// bytes), counting the bytes that differ from the original. `read(offset, len)`
    /// gives the original bytes of a range.
    pub fn render(
        &mut self,
        mut read: impl FnMut(u64, usize) -> std::io::Result<Vec<u8>>,
    ) -> std::io::Result<Vec<(u64, Vec<u8>)>> {
        self.edits
            .sort_by_key(|e| (e.bytes.len(), !e.pseudonym, std::cmp::Reverse(e.offset)));
        let ranges = self.ranges();
        let mut original = Vec::with_capacity(ranges.len());
        for &(s, e) in &ranges {
            original.push((s, read(s, (e - s) as usize)?));
        }
        let mut out = original.clone();
        for edit in &self.edits {
            // The merged range that holds this edit.
            let i = ranges.partition_point(|&(s, _)| s <= edit.offset) - 1;
            let at = (edit.offset - out[i].0) as usize;
            out[i].1[at..at + edit.bytes.len()].copy_from_slice(&edit.bytes);
        }
        self.changes.bytes_changed = out
            .iter()
            .zip(&original)
            .map(|((_, new), (_, old))| old.iter().zip(new).filter(|(a, b)| a != b).count() as u64)
            .sum();
        Ok(out)
    }

    /// The merged byte ranges the edits cover.
    pub fn ranges(&self) -> Vec<(u64, u64)> {
        let mut r: Vec<(u64, u64)> = self
            .edits
            .iter()
            .map(|e| (e.offset, e.offset + e.bytes.len() as u64))
            .collect();
        r.sort();
        let mut out: Vec<(u64, u64)> = Vec::new();
        for (s, e) in r {
            match out.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => out.push((s, e)),
            }
        }
        out
    }
}

#[cfg(test)]
mod drop_item_tests {
    use super::*;

    #[test]
    fn drop_item_names_are_their_serialized_names() {
        for d in DropItem::ALL {
            assert_eq!(serde_json::to_value(d).unwrap(), d.name());
        }
    }
}
