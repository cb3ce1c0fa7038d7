//! Same-length redaction: a copy of a dump (or any scanned file) with every finding at
//! or above the threshold masked or pseudonymized at its byte origin, in its own
//! encoding, so that every offset in the file stays valid; whole items blanked on request;
//! thread stacks defaced after Crashpad's sanitizer. Then the copy is verified.
//!
//! This module decides the edits ([`plan`]) and checks a written copy ([`verify`]); it
//! writes through [`write_copy`] (temporary file, edits, rename) and prints nothing.

pub mod pseudonym;

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
        !self.keep.contains(&f.category) && matches!(policy.judge(key, f), Some(Verdict::Fail))
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

/// The replacement for a finding's bytes: a mask of the same length in the same
/// encoding, or a pseudonym of the same length and alphabet.
fn replacement(f: &Finding, pseudonyms: Option<&Pseudonymizer>) -> (Vec<u8>, bool) {
    let pseudo = pseudonyms.filter(|_| pseudonym::applies(f.category));
    match f.encoding {
        Encoding::Raw => match pseudo {
            Some(p) if f.length == 16 => match p.uuid_bytes(&f.value) {
                Some(b) => (b.to_vec(), true),
                None => (vec![0; 16], false),
            },
            _ => (vec![0; f.length as usize], false),
        },
        Encoding::Utf8 => {
            let text = match pseudo {
                Some(p) => p.text(f.category, &f.value),
                None => MASK.to_string().repeat(f.value.len()),
            };
            let mut bytes = text.into_bytes();
            // The finding's bytes are its value's UTF-8; keep exactly that length.
            bytes.resize(f.length as usize, MASK as u8);
            (bytes, pseudo.is_some())
        }
        Encoding::Utf16le => {
            let units = (f.length / 2) as usize;
            let text: Vec<u16> = match pseudo {
                Some(p) if f.value.encode_utf16().count() == units => {
                    p.text(f.category, &f.value).encode_utf16().collect()
                }
                _ => vec![MASK as u16; units],
            };
            let mut bytes: Vec<u8> = text.iter().flat_map(|u| u.to_le_bytes()).collect();
            bytes.resize(f.length as usize, 0);
            (bytes, pseudo.is_some() && text.len() == units)
        }
    }
}

/// Plan the edits of a file whose inventory and findings are given. `dump` is the
/// opened minidump for the dump-only options (drop, annotations, stacks); `None` for an
/// attachment.
pub fn plan(
    file: &[u8],
    inventory: &Inventory,
    findings: &Findings,
    policy: &Policy,
    key: &str,
    opts: &Options,
    dump: Option<&Report>,
) -> Plan {
    let mut plan = Plan::default();
    let mut places = BTreeSet::new();
    for f in &findings.findings {
        if !opts.scrubs(policy, key, f) {
            continue;
        }
        if f.offset + f.length > file.len() as u64 {
            continue;
        }
        let (bytes, pseudo) = replacement(f, opts.pseudonyms.as_ref());
        if pseudo {
            plan.changes.pseudonymized += 1;
            plan.replaced_values.insert(f.value.to_lowercase());
        }
        plan.push_edit(f.offset, bytes, pseudo);
        plan.changes.findings += 1;
        places.insert(match &f.location {
            crate::pii::Location::Field { path, .. } => path.clone(),
            crate::pii::Location::Memory { region, .. } => region.clone(),
        });
    }
    plan.changes.places = places.len();
    if let Some(report) = dump {
        drop_items(&mut plan, report, inventory, opts);
        if opts.deface_stacks {
            deface_stacks(&mut plan, report, file);
        }
    }
    plan
}

fn annotation_key(kind: &FieldKind) -> Option<&str> {
    match kind {
        FieldKind::Annotation { key } => Some(key),
        _ => None,
    }
}

fn drop_items(plan: &mut Plan, report: &Report, inventory: &Inventory, opts: &Options) {
    let bytes = report.bytes();
    // Streams: zero the data, mark the directory entry unused (type 0, no location).
    let dir_rva = le_u32(bytes, 12) as usize;
    let count = le_u32(bytes, 8) as usize;
    // The directory entry of a stream, found in the raw directory (the parsed streams
    // come sorted by type, not in directory order).
    let entry_of = |s: &crate::report::StreamEntry| {
        (0..count).map(|j| dir_rva + 12 * j).find(|&at| {
            at + 12 <= bytes.len()
                && le_u32(bytes, at) == s.stream_type
                && u64::from(le_u32(bytes, at + 4)) == s.size
                && u64::from(le_u32(bytes, at + 8)) == s.offset
        })
    };
    for s in report.streams() {
        let custom = opts.drop.contains(&DropItem::CustomStreams)
            && inventory
                .regions
                .iter()
                .any(|r| r.name.as_deref() == Some(&format!("stream:0x{:08x}", s.stream_type)));
        let item = opts
            .drop
            .iter()
            .copied()
            .find(|d| d.stream().is_some_and(|t| t as u32 == s.stream_type));
        if item.is_none() && !custom {
            continue;
        }
        let Some(entry) = entry_of(&s) else { continue };
        if s.offset + s.size > bytes.len() as u64 {
            continue;
        }
        plan.push(s.offset, vec![0; s.size as usize]);
        plan.push(entry as u64, vec![0; 12]);
        let name = match item {
            Some(d) => format!("{d:?}").to_lowercase(),
            None => format!("stream 0x{:08x}", s.stream_type),
        };
        plan.changes.dropped.push((name, s.size));
    }
    // Annotations: every value, or those whose name no --annotations-allow glob matches.
    let all = opts.drop.contains(&DropItem::Annotations);
    let allowed = |key: Option<&str>| match (&opts.annotations_allow, key) {
        (Some(globs), Some(k)) => globs.iter().any(|g| g.is_match(k)),
        (Some(_), None) => false, // list annotations have no name: dropped, as Crashpad does
        (None, _) => true,
    };
    let mut blanked = 0u64;
    for f in &inventory.fields {
        let is_annotation = matches!(
            f.kind,
            FieldKind::Annotation { .. } | FieldKind::ListAnnotation
        ) && f.path.starts_with("crashpad.");
        if is_annotation && (all || !allowed(annotation_key(&f.kind))) {
            plan.blank(f.origin.offset, f.origin.len, true);
            blanked += f.origin.len;
        }
    }
    for r in &inventory.regions {
        if let Some(key) = r
            .name
            .as_deref()
            .and_then(|n| n.strip_prefix("annotation:"))
        {
            if all || !allowed(Some(key)) {
                plan.blank(r.file_offset, r.len, true);
                blanked += r.len;
            }
        }
    }
    if blanked > 0 {
        plan.changes
            .dropped
            .push(("annotations".to_string(), blanked));
    }
    if opts.drop.contains(&DropItem::ThreadNames) {
        let mut n = 0;
        for f in inventory
            .fields
            .iter()
            .filter(|f| f.kind == FieldKind::ThreadName)
        {
            plan.blank(f.origin.offset, f.origin.len, true);
            n += f.origin.len;
        }
        plan.changes.dropped.push(("thread-names".to_string(), n));
    }
    if opts.drop.contains(&DropItem::Heap) {
        let mut n = 0;
        for r in report.regions.iter().filter(|r| r.kind == RegionKind::Heap) {
            plan.push(r.file_offset, vec![0; r.size as usize]);
            n += r.size;
        }
        plan.changes.dropped.push(("heap".to_string(), n));
    }
}

/// Crashpad's stack sanitization: each aligned pointer-sized word of every thread stack
/// is kept when it is small (≤ 4096) or points into a module or a stack; otherwise it
/// becomes `0x0defaced…`. Bytes before the first aligned word and after the last whole
/// word become the same pattern.
fn deface_stacks(plan: &mut Plan, report: &Report, file: &[u8]) {
    let width: u64 = match report
        .dump
        .get_stream::<minidump::MinidumpSystemInfo>()
        .map(|s| s.cpu)
    {
        Ok(minidump::system_info::Cpu::X86 | minidump::system_info::Cpu::Arm) => 4,
        _ => 8,
    };
    let mut ranges: Vec<(u64, u64)> = Vec::new();
    if let Ok(modules) = report.dump.get_stream::<minidump::MinidumpModuleList>() {
        use minidump::Module;
        ranges.extend(
            modules
                .iter()
                .map(|m| (m.base_address(), m.base_address().saturating_add(m.size()))),
        );
    }
    let stacks: Vec<_> = report
        .regions
        .iter()
        .filter(|r| r.kind == RegionKind::Stack)
        .collect();
    ranges.extend(
        stacks
            .iter()
            .map(|r| (r.address, r.address.saturating_add(r.size))),
    );
    let points_somewhere = |w: u64| w <= 4096 || ranges.iter().any(|&(s, e)| s <= w && w < e);
    let pattern = DEFACED.to_le_bytes();
    for r in stacks {
        let (start, end) = (r.file_offset, r.file_offset + r.size);
        if end > file.len() as u64 {
            continue;
        }
        let mut out = file[start as usize..end as usize].to_vec();
        let lead = ((width - r.address % width) % width).min(r.size);
        let mut defaced = 0;
        for i in 0..lead {
            out[i as usize] = pattern[(i % width) as usize];
        }
        let mut at = lead;
        while at + width <= r.size {
            let word = &out[at as usize..(at + width) as usize];
            let w = if width == 8 {
                crate::le::u64(word, 0)
            } else {
                crate::le::u32(word, 0).map(u64::from)
            }
            .unwrap_or(0);
            if !points_somewhere(w) {
                out[at as usize..(at + width) as usize].copy_from_slice(&pattern[..width as usize]);
                defaced += 1;
            }
            at += width;
        }
        for i in at..r.size {
            out[i as usize] = pattern[((i - at) % width) as usize];
        }
        plan.push(start, out);
        plan.changes.stack_words_defaced += defaced;
        plan.changes.stacks_defaced += 1;
    }
}

fn le_u32(b: &[u8], at: usize) -> u32 {
    crate::le::u32(b, at).unwrap_or(0)
}

/// Where a copy is written before it is verified: beside the target, hidden.
pub fn temp_path(target: &Path) -> std::io::Result<PathBuf> {
    crate::fsutil::temp_file_beside(target, ".scrub.tmp")
}

/// Copy `input` to `tmp` (`copy_file_range`/reflink where the file system has it) and
/// write the plan's edits there. The copy stays writable for its owner until
/// [`put_in_place`] gives it the input's permissions.
pub fn write_copy(input: &Path, tmp: &Path, plan: &mut Plan) -> std::io::Result<()> {
    copy_for_edits(input, tmp)?;
    apply_edits(tmp, plan)
}

/// A byte-for-byte copy of `input` at `tmp` that its owner can write, even when the
/// input is read-only (std's copy gives the copy the input's permissions).
pub fn copy_for_edits(input: &Path, tmp: &Path) -> std::io::Result<()> {
    // Into the file created for it (never through a link put in its place); `io::copy`
    // between files is the kernel's `copy_file_range` where there is one.
    let mut to = crate::fsutil::open_for_write_no_follow(tmp, true)?;
    std::io::copy(&mut std::fs::File::open(input)?, &mut to)?;
    let mut perms = std::fs::metadata(tmp)?.permissions();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        perms.set_mode(perms.mode() | 0o200);
    }
    #[cfg(not(unix))]
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(tmp, perms)
}

/// Give the verified copy `tmp` the permissions of `input` and rename it to `out`.
pub fn put_in_place(input: &Path, tmp: &Path, out: &Path) -> std::io::Result<()> {
    let perms = std::fs::metadata(input)?.permissions();
    std::fs::set_permissions(tmp, perms)?;
    std::fs::rename(tmp, out)
}

/// Write the plan's edits into `copy`, a byte-for-byte copy of the original. Only the
/// edited ranges are read, from the copy itself (reading them through a mapping of a
/// large original would make its pages resident).
pub fn apply_edits(copy: &Path, plan: &mut Plan) -> std::io::Result<()> {
    let f = crate::fsutil::open_for_write_no_follow(copy, false)?;
    let rendered = plan.render(|at, len| {
        let mut buf = vec![0; len];
        crate::fsutil::read_exact_at(&f, &mut buf, at)?;
        Ok(buf)
    })?;
    for (at, bytes) in rendered {
        crate::fsutil::write_all_at(&f, &bytes, at)?;
    }
    // No fsync: the copy is renamed into place only after it is verified, so a reader
    // never sees a partial file; flushing a 1 GiB copy to disk would double the time.
    Ok(())
}

/// Bytes of context re-scanned on each side of an edit: an edit can only change what is
/// found in the text around it (a run of text longer than this is rare in memory).
pub const VERIFY_CONTEXT: u64 = 4096;

/// The memory a re-scan of the copy needs: a window of [`VERIFY_CONTEXT`] bytes around
/// every edit, inside the region that holds it. Everything else is byte for byte the
/// original, which had nothing left to scrub once these edits are made.
pub fn touched_regions(inventory: &Inventory, plan: &Plan) -> Vec<Region> {
    const OVERLAP: u64 = VERIFY_CONTEXT;
    let ranges = plan.ranges();
    let mut out = Vec::new();
    for r in &inventory.regions {
        let (rs, re) = (r.file_offset, r.file_offset + r.len);
        let first = ranges.partition_point(|&(_, e)| e <= rs);
        let mut windows: Vec<(u64, u64)> = Vec::new();
        for &(s, e) in ranges[first..].iter().take_while(|&&(s, _)| s < re) {
            let (ws, we) = (s.saturating_sub(OVERLAP).max(rs), (e + OVERLAP).min(re));
            match windows.last_mut() {
                Some(last) if ws <= last.1 => last.1 = last.1.max(we),
                _ => windows.push((ws, we)),
            }
        }
        for (ws, we) in windows {
            let mut w = r.clone();
            w.address = r.address.wrapping_add(ws - rs);
            w.file_offset = ws;
            w.len = we - ws;
            out.push(w);
        }
    }
    out
}

/// What verification of a copy established.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Verified {
    /// Threads whose walks were compared, and their frames.
    pub threads: usize,
    pub frames: usize,
    /// Whether the original could be walked at all (when not, nothing is compared).
    pub walked: bool,
    /// Bytes of memory the re-audit scanned (regions an edit touched) and fields.
    pub rescanned_bytes: u64,
    pub rescanned_fields: usize,
}

/// Frame by frame: instruction, trust, module (base and debug id), function.
fn same_stacks(
    a: &minidump_processor::ProcessState,
    b: &minidump_processor::ProcessState,
) -> Result<(usize, usize), String> {
    use minidump::Module;
    if a.threads.len() != b.threads.len() {
        return Err(format!(
            "the copy has {} threads, the original {}",
            b.threads.len(),
            a.threads.len()
        ));
    }
    let mut frames = 0;
    for (ta, tb) in a.threads.iter().zip(&b.threads) {
        if ta.frames.len() != tb.frames.len() {
            return Err(format!(
                "thread {}: {} frames in the copy, {} in the original",
                ta.thread_id,
                tb.frames.len(),
                ta.frames.len()
            ));
        }
        for (i, (fa, fb)) in ta.frames.iter().zip(&tb.frames).enumerate() {
            let module = |f: &minidump_unwind::StackFrame| {
                f.module
                    .as_ref()
                    .map(|m| (m.base_address(), m.debug_identifier()))
            };
            if fa.instruction != fb.instruction
                || fa.trust != fb.trust
                || module(fa) != module(fb)
                || fa.function_name != fb.function_name
            {
                return Err(format!(
                    "thread {} frame {i} differs: 0x{:x} {:?} in the original, 0x{:x} {:?} in the copy",
                    ta.thread_id, fa.instruction, fa.function_name, fb.instruction, fb.function_name
                ));
            }
            frames += 1;
        }
    }
    Ok((a.threads.len(), frames))
}

/// Check a written copy: it parses, walks as the original did, and a re-audit finds
/// nothing the scrub should have removed (pseudonyms are allowed when they are not the
/// original values).
#[allow(clippy::too_many_arguments)]
pub fn verify_dump(
    original: &Report,
    original_walk: &Result<minidump_processor::ProcessState, String>,
    original_identity: &crate::pii::Identity,
    copy_path: &Path,
    walker: &crate::symbols::Walker,
    policy: &Policy,
    key: &str,
    opts: &Options,
    plan: &Plan,
) -> Result<Verified, String> {
    let copy = Report::open(copy_path).map_err(|e| format!("the copy does not parse: {e}"))?;
    if copy.file_size != original.file_size {
        return Err("the copy's length differs".to_string());
    }
    let deadline = walker.deadline();
    let mut verified = Verified::default();
    if let Ok(a) = original_walk {
        let b = walker
            .walk_until(&copy, deadline)
            .map_err(|e| format!("the copy cannot be walked: {e}"))?;
        let (threads, frames) = same_stacks(a, &b)?;
        verified.threads = threads;
        verified.frames = frames;
        verified.walked = true;
    }
    let mut inventory = crate::disclosure::inventory(&copy);
    inventory.regions = touched_regions(&inventory, plan);
    verified.rescanned_bytes = inventory.regions.iter().map(|r| r.len).sum();
    verified.rescanned_fields = inventory.fields.len();
    let release = |o, l| copy.release(o, l);
    let found = crate::pii::scan_releasing(
        &inventory,
        copy.bytes(),
        original_identity,
        &release,
        deadline,
    );
    if let Some(problem) = found.problems.first() {
        return Err(format!("the re-audit of the copy is incomplete: {problem}"));
    }
    check_rescan(&found, policy, key, opts, plan)?;
    Ok(verified)
}

/// Nothing left that the scrub should have removed.
pub fn check_rescan(
    found: &Findings,
    policy: &Policy,
    key: &str,
    opts: &Options,
    plan: &Plan,
) -> Result<(), String> {
    let left: Vec<&Finding> = found
        .findings
        .iter()
        .filter(|f| opts.scrubs(policy, key, f))
        .filter(|f| {
            !(opts.pseudonyms.is_some()
                && pseudonym::applies(f.category)
                && !plan.replaced_values.contains(&f.value.to_lowercase()))
        })
        .collect();
    match left.first() {
        None => Ok(()),
        Some(f) => Err(format!(
            "the re-audit of the copy still finds {} item{} (first: {} at {})",
            left.len(),
            if left.len() == 1 { "" } else { "s" },
            f.rule,
            f.location.logical()
        )),
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
