//! Scanning binary memory for text: printable ASCII/UTF-8 runs, and UTF-16LE runs at both
//! byte alignments (a UTF-16 string may start at an odd offset inside a region).
//!
//! Each run of at least [`MIN_RUN`] characters goes through the value rules and the
//! identity matcher. Findings name the region, the thread, the virtual address, the file
//! offset and a short excerpt of the surrounding text. Regions are slices of the mapped
//! file: nothing is copied but the (short) UTF-16 runs, narrowed to ASCII.

use super::{match_rules, memory_location, rules, Category, Finding, Identity, Severity};
use crate::budget::Deadline;
use crate::disclosure::{environ, Encoding, Field, Region};

/// Shortest run of text worth scanning (`a@b.io` is 6; a 3-letter user name sits inside
/// longer text such as `USER=ted`).
pub const MIN_RUN: usize = 5;

/// How many characters of context an excerpt shows on each side of a match.
const CONTEXT: usize = 24;

/// Bytes that count as text in memory: printable ASCII, tab and line breaks (a config
/// file or an HTTP request in memory is lines, and secrets in them span lines: a `.netrc`
/// entry, a connection string, a PEM block).
const fn text_table() -> [bool; 256] {
    let mut t = [false; 256];
    let mut b = 0x20;
    while b < 0x7f {
        t[b] = true;
        b += 1;
    }
    t[b'\t' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t
}
static TEXT: [bool; 256] = text_table();

/// Bytes are classified 64 at a time into bit masks.
const BLOCK: usize = 64;

const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// High bit of each byte of `x` set exactly when that byte is zero (no borrow across
/// bytes, unlike the classic `haszero`).
fn zero_bytes(x: u64) -> u64 {
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// The eight per-byte high bits of `v` packed into the low 8 bits (byte 0 → bit 0).
fn pack(v: u64) -> u64 {
    ((v >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// Text and zero bits of one little-endian word of 8 bytes (bit `k` = byte `k`).
fn word_masks(x: u64) -> (u64, u64) {
    // 0x20..=0x7e: high bit clear, >= 0x20 (adding 0x60 sets the high bit), not 0x7f;
    // or a tab, a line feed, a carriage return.
    let ge_space = ((x & LOW7) + 0x6060_6060_6060_6060) & HIGH;
    let printable = ge_space & !x & !zero_bytes(x ^ LOW7);
    let t = printable
        | zero_bytes(x ^ 0x0909_0909_0909_0909)
        | zero_bytes(x ^ 0x0a0a_0a0a_0a0a_0a0a)
        | zero_bytes(x ^ 0x0d0d_0d0d_0d0d_0d0d);
    (pack(t), pack(zero_bytes(x)))
}

/// Bit `k` set when byte `k` of `chunk` (at most 64 bytes) is text, and when it is zero.
fn masks(chunk: &[u8]) -> (u64, u64) {
    if chunk.len() == BLOCK {
        // Most of a dump's memory is zeros: answer those blocks without the per-word work.
        let words: [u64; 8] = std::array::from_fn(|w| {
            u64::from_le_bytes(chunk[8 * w..8 * w + 8].try_into().unwrap_or([0; 8]))
        });
        if words.iter().fold(0, |acc, w| acc | w) == 0 {
            return (0, u64::MAX);
        }
        let (mut text, mut zero) = (0u64, 0u64);
        for (w, &x) in words.iter().enumerate() {
            let (t, z) = word_masks(x);
            text |= t << (8 * w);
            zero |= z << (8 * w);
        }
        return (text, zero);
    }
    let (mut text, mut zero) = (0u64, 0u64);
    for (w, word) in chunk.chunks(8).enumerate() {
        let mut b = [0u8; 8];
        b[..word.len()].copy_from_slice(word);
        let (t, z) = word_masks(u64::from_le_bytes(b));
        let valid = (1u64 << word.len()) - 1;
        text |= (t & valid) << (8 * w);
        zero |= (z & valid) << (8 * w);
    }
    (text, zero)
}

/// Where windows of `min` text bytes (`.0`), and of `min` UTF-16LE text units at either
/// alignment (`.1`), start in the current block: bit `k` for byte `k`. `cur`/`next` are
/// the masks of this block and the next (a window may reach into it).
fn window_starts(cur: (u64, u64), next: (u64, u64), min: usize) -> (u64, u64) {
    let text = u128::from(cur.0) | (u128::from(next.0) << 64);
    let zero = u128::from(cur.1) | (u128::from(next.1) << 64);
    // A UTF-16 unit at k: a text byte at k and a zero at k + 1.
    let unit = text & (zero >> 1);
    let (mut ascii, mut wide) = (text, unit);
    for step in 1..min {
        ascii &= text >> step;
        wide &= unit >> (2 * step);
    }
    (ascii as u64, wide as u64)
}

/// Calls `f(byte offset, text, is_utf16)` for every run of at least `min` (1 to 32)
/// characters: printable ASCII, and UTF-16LE ASCII at both byte alignments (narrowed to
/// ASCII). Bytes are classified 64 at a time; only where a window of `min` characters
/// starts (a set bit) is a run followed byte by byte, so noise between runs costs a few
/// word operations per block.
pub fn for_each_run(bytes: &[u8], min: usize, mut f: impl FnMut(usize, &str, bool)) {
    assert!((1..=32).contains(&min), "run length out of range");
    let n = bytes.len();
    let blocks = n.div_ceil(BLOCK);
    let block_masks = |b: usize| {
        let start = (b * BLOCK).min(n);
        masks(&bytes[start..(start + BLOCK).min(n)])
    };
    // Where each kind of run may next start: ASCII, UTF-16 at even and at odd offsets.
    // A window start below its cursor lies inside a run already reported.
    let mut cursor = [0usize; 3];
    let mut buf = Vec::new();
    let mut next = block_masks(0);
    for b in 0..blocks {
        let cur = next;
        next = block_masks(b + 1);
        let (mut ascii, mut wide) = window_starts(cur, next, min);
        let base = b * BLOCK;
        while ascii != 0 {
            let start = base + ascii.trailing_zeros() as usize;
            ascii &= ascii - 1;
            if start < cursor[0] {
                continue;
            }
            // The window is text; follow the run to its end.
            let mut end = start + min;
            while end < n && TEXT[bytes[end] as usize] {
                end += 1;
            }
            if let Ok(text) = std::str::from_utf8(&bytes[start..end]) {
                f(start, text, false);
            }
            cursor[0] = end;
        }
        while wide != 0 {
            let start = base + wide.trailing_zeros() as usize;
            wide &= wide - 1;
            let parity = 1 + (start & 1);
            if start < cursor[parity] {
                continue;
            }
            buf.clear();
            let mut i = start;
            while i + 1 < n && bytes[i + 1] == 0 && TEXT[bytes[i] as usize] {
                buf.push(bytes[i]);
                i += 2;
            }
            if let Ok(text) = std::str::from_utf8(&buf) {
                f(start, text, true);
            }
            cursor[parity] = i;
        }
    }
}

/// Finds the identities a dump revealed, case-insensitively (ASCII case), as whole words.
///
/// One Aho-Corasick automaton over all the names: the work per text is linear in the
/// text whatever the number of names (a crafted dump can reveal tens of thousands).
/// Non-ASCII letters in a name must match exactly; such names are also searched in raw
/// memory (see [`RawName`]).
#[derive(Debug)]
pub struct IdentityMatcher {
    /// The automaton (none when there is no name), and for each of its patterns whether
    /// it is a host name.
    names: Option<aho_corasick::AhoCorasick>,
    hosts: Vec<bool>,
    /// Names with non-ASCII letters (`Jürgen`, `Иван`), which no ASCII text run can
    /// hold: searched in raw memory as UTF-8 and as UTF-16LE, exactly as written.
    raw: Vec<RawName>,
}

/// A non-ASCII name's two encodings in memory.
#[derive(Debug)]
struct RawName {
    name: String,
    utf8: memchr::memmem::Finder<'static>,
    utf16: memchr::memmem::Finder<'static>,
    host: bool,
}

impl IdentityMatcher {
    pub fn new(identity: &Identity) -> IdentityMatcher {
        // User names first: a name that is both (a Windows machine named after its
        // user) is reported as the user's name.
        let mut seen = std::collections::HashSet::new();
        let (patterns, hosts): (Vec<Vec<u8>>, Vec<bool>) = identity
            .user_names
            .iter()
            .map(|u| (u, false))
            .chain(identity.host_names.iter().map(|h| (h, true)))
            .map(|(n, host)| (n.as_bytes().to_ascii_lowercase(), host))
            .filter(|(n, _)| !n.is_empty() && seen.insert(n.clone()))
            .unzip();
        let names = (!patterns.is_empty())
            .then(|| {
                // A contiguous NFA: a DFA (what the builder picks for few names) costs
                // more to build than a small dump's whole scan.
                aho_corasick::AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                    .build(&patterns)
                    .ok()
            })
            .flatten();
        let raw = identity
            .user_names
            .iter()
            .map(|u| (u, false))
            .chain(identity.host_names.iter().map(|h| (h, true)))
            .filter(|(n, _)| !n.is_ascii())
            .map(|(n, host)| {
                let wide: Vec<u8> = n.encode_utf16().flat_map(u16::to_le_bytes).collect();
                RawName {
                    name: n.clone(),
                    utf8: memchr::memmem::Finder::new(n.as_bytes()).into_owned(),
                    utf16: memchr::memmem::Finder::new(&wide).into_owned(),
                    host,
                }
            })
            .collect();
        IdentityMatcher { names, hosts, raw }
    }

    /// `(start, end, is_host_name)` for each whole-word occurrence in `text`: leftmost
    /// first, the longest name at a place, no overlaps.
    pub fn find_in_text(&self, text: &str) -> Vec<(usize, usize, bool)> {
        let Some(ac) = &self.names else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for m in ac.find_iter(text.as_bytes()) {
            let (start, end) = (m.start(), m.end());
            if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                continue;
            }
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            // `_` joins words into one identifier: `travis` is not in `TRAVIS_COMMIT`.
            let word = |c: char| c.is_alphanumeric() || c == '_';
            if !before.is_some_and(word) && !after.is_some_and(word) {
                out.push((start, end, self.hosts[m.pattern().as_usize()]));
            }
        }
        out
    }
}

/// An excerpt of `text` around `[start, end)`, with `…` where it was cut.
fn excerpt(text: &str, start: usize, end: usize) -> String {
    let from = start.saturating_sub(CONTEXT);
    let to = (end + CONTEXT).min(text.len());
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.push_str(&text[from..to]);
    if to < text.len() {
        out.push('…');
    }
    out
}

/// Environment entries seen one right after another, not yet judged a block.
#[derive(Default)]
struct Chain<'a> {
    entries: Vec<environ::Entry<'a>>,
    /// Where the next entry of the block would start (after this one's NUL).
    next: usize,
}

struct Sink<'a> {
    region: &'a Region,
    /// The region's bytes: a private key block runs on past its text run's line break.
    bytes: &'a [u8],
    found: &'a mut Vec<Finding>,
    /// Fields of environment blocks found in memory (`None`: the identity-only pass,
    /// which finds the same blocks again and must not list them twice).
    fields: Option<&'a mut Vec<Field>>,
    matcher: &'a IdentityMatcher,
    values: bool,
    /// Per kind of run (ASCII, UTF-16 at even and at odd offsets).
    chains: [Chain<'a>; 3],
}

impl Sink<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        run_offset: usize,
        text: &str,
        start: usize,
        end: usize,
        wide: bool,
        rule: &'static str,
        category: Category,
        severity: Severity,
    ) {
        let unit = if wide { 2 } else { 1 };
        let within = (run_offset + start * unit) as u64;
        self.found.push(Finding {
            rule,
            category,
            severity,
            location: memory_location(
                self.region,
                self.region.address.wrapping_add(within),
                excerpt(text, start, end),
            ),
            offset: self.region.file_offset + within,
            length: ((end - start) * unit) as u64,
            encoding: if wide {
                Encoding::Utf16le
            } else {
                Encoding::Utf8
            },
            value: text[start..end].to_string(),
        });
    }

    /// A private key whose BEGIN line is at `[start, end)` of the run at `offset`: the
    /// finding covers the block in the region's bytes, across line breaks (which end
    /// text runs), to its END line.
    fn key_block(&mut self, offset: usize, start: usize, end: usize, wide: bool) {
        let unit = if wide { 2 } else { 1 };
        let from = offset + start * unit;
        let to = rules::key_block_end(self.bytes, offset + end * unit, unit);
        let raw = &self.bytes[from..to];
        let value = if wide {
            raw.iter().step_by(2).map(|&b| b as char).collect()
        } else {
            String::from_utf8_lossy(raw).into_owned()
        };
        let r = &rules::RULES[rules::PRIVATE_KEY];
        self.found.push(Finding {
            rule: r.id,
            category: r.category,
            severity: r.severity,
            location: memory_location(
                self.region,
                self.region.address.wrapping_add(from as u64),
                value.lines().next().unwrap_or_default().to_string(),
            ),
            offset: self.region.file_offset + from as u64,
            length: (to - from) as u64,
            encoding: if wide {
                Encoding::Utf16le
            } else {
                Encoding::Utf8
            },
            value,
        });
    }

    /// One run of text: environment entries wait until it is known whether they form a
    /// block; anything else ends the block before it and is scanned at once.
    fn run(&mut self, offset: usize, text: &str, wide: bool) {
        let (kind, unit) = if wide { (1 + (offset & 1), 2) } else { (0, 1) };
        let chain = &self.chains[kind];
        let follows = offset >= chain.next && offset <= chain.next + environ::GAP * unit;
        if !chain.entries.is_empty() && !follows {
            self.flush(kind);
        }
        if environ::entry_name_len(text).is_some() {
            // ASCII text is borrowed from the region (no copy on the hot path).
            let bytes = self.bytes;
            let borrowed = (!wide)
                .then(|| std::str::from_utf8(&bytes[offset..offset + text.len()]).ok())
                .flatten();
            let text = match borrowed {
                Some(t) => std::borrow::Cow::Borrowed(t),
                None => std::borrow::Cow::Owned(text.to_string()),
            };
            let len = text.len();
            let chain = &mut self.chains[kind];
            chain.entries.push(environ::Entry { offset, text });
            chain.next = offset + (len + 1) * unit;
            return;
        }
        self.text(offset, text, wide);
    }

    /// Judge the entries waiting in chain `kind`: a block's entries become fields,
    /// fewer entries are plain text.
    fn flush(&mut self, kind: usize) {
        let entries = std::mem::take(&mut self.chains[kind].entries);
        let wide = kind > 0;
        if entries.len() < environ::MIN_BLOCK {
            for e in entries {
                self.text(e.offset, &e.text, wide);
            }
            return;
        }
        for field in environ::fields(self.region, &entries, wide) {
            if self.values {
                super::scan_field(&field, self.found);
            }
            for (start, end, is_host) in self.matcher.find_in_text(&field.value) {
                let (category, rule) = super::identity_rule(is_host);
                super::push_field(
                    self.found,
                    &field,
                    rule,
                    category,
                    Severity::Medium,
                    start,
                    end,
                );
            }
            if let Some(fields) = self.fields.as_deref_mut() {
                fields.push(field);
            }
        }
    }

    fn finish(&mut self) {
        for kind in 0..3 {
            self.flush(kind);
        }
    }

    fn text(&mut self, offset: usize, text: &str, wide: bool) {
        let mut hits = Vec::new();
        if self.values {
            for (i, start, end) in match_rules(text) {
                if i == rules::PRIVATE_KEY {
                    self.key_block(offset, start, end, wide);
                    continue;
                }
                let severity = rules::severity(i, &text[start..end]);
                hits.push((start, end, rules::id(i), rules::category(i), severity));
            }
        }
        for (start, end, is_host) in self.matcher.find_in_text(text) {
            let (category, rule) = super::identity_rule(is_host);
            hits.push((start, end, rule, category, Severity::Medium));
        }
        for (start, end, rule, category, severity) in hits {
            self.push(offset, text, start, end, wide, rule, category, severity);
        }
    }
}

fn region_bytes<'a>(file: &'a [u8], region: &Region) -> &'a [u8] {
    let start = usize::try_from(region.file_offset).unwrap_or(usize::MAX);
    let len = usize::try_from(region.len).unwrap_or(usize::MAX);
    start
        .checked_add(len)
        .and_then(|end| file.get(start..end))
        .unwrap_or(&[])
}

fn scan(
    file: &[u8],
    region: &Region,
    matcher: &IdentityMatcher,
    found: &mut Vec<Finding>,
    fields: Option<&mut Vec<Field>>,
    values: bool,
) {
    let bytes = region_bytes(file, region);
    let mut sink = Sink {
        region,
        bytes,
        found,
        fields,
        matcher,
        values,
        chains: Default::default(),
    };
    for_each_run(bytes, MIN_RUN, |off, text, wide| sink.run(off, text, wide));
    sink.finish();
    raw_names(bytes, region, matcher, found);
}

/// Every whole-word occurrence of the non-ASCII names in raw memory, in UTF-8 and in
/// UTF-16LE (one substring search over the region for each encoding of each name).
fn raw_names(bytes: &[u8], region: &Region, matcher: &IdentityMatcher, found: &mut Vec<Finding>) {
    for n in &matcher.raw {
        let (category, rule) = super::identity_rule(n.host);
        for (finder, unit) in [(&n.utf8, 1usize), (&n.utf16, 2)] {
            let len = finder.needle().len();
            for at in finder.find_iter(bytes) {
                // A letter or digit right before or after (an ASCII one, or in UTF-16 a
                // unit that is one) means the name is part of a longer word.
                let letter = |i: usize| -> bool {
                    let b = bytes[i];
                    let high = if unit == 2 {
                        bytes.get(i + 1).copied().unwrap_or(0)
                    } else {
                        0
                    };
                    b.is_ascii_alphanumeric() && high == 0 || (unit == 1 && b >= 0x80)
                };
                let before = at >= unit && letter(at - unit);
                let after = at + len + unit <= bytes.len() && letter(at + len);
                if before || after {
                    continue;
                }
                found.push(Finding {
                    rule,
                    category,
                    severity: Severity::Medium,
                    location: memory_location(
                        region,
                        region.address.wrapping_add(at as u64),
                        n.name.clone(),
                    ),
                    offset: region.file_offset + at as u64,
                    length: len as u64,
                    encoding: if unit == 2 {
                        Encoding::Utf16le
                    } else {
                        Encoding::Utf8
                    },
                    value: n.name.clone(),
                });
            }
        }
    }
}

/// Scan one region with every value rule and the identities; the fields of environment
/// blocks found in it are added to `fields`.
pub fn scan_region(
    file: &[u8],
    region: &Region,
    matcher: &IdentityMatcher,
    found: &mut Vec<Finding>,
    fields: &mut Vec<Field>,
) {
    scan(file, region, matcher, found, Some(fields), true);
}

/// Scan one region for identities only (the second pass, for names found in memory).
pub fn scan_region_identities_only(
    file: &[u8],
    region: &Region,
    matcher: &IdentityMatcher,
    found: &mut Vec<Finding>,
) {
    scan(file, region, matcher, found, None, false);
}

/// Regions longer than this are cut into pieces of this size, scanned in parallel.
pub const PIECE: u64 = 8 << 20;
/// Bytes of context read on each side of a cut, so that text crossing it is seen whole
/// (runs of text longer than this across a cut may be reported differently).
pub const OVERLAP: u64 = 64 << 10;
/// Below this many bytes of memory in total, one thread scans everything (~15 ms on one
/// core; starting threads is not worth it for less).
const PARALLEL_FROM: u64 = 16 << 20;

/// A piece of work: scan `window`, keep findings that start in `keep`.
struct Piece {
    window: Region,
    keep: std::ops::Range<u64>,
}

/// Cut every region into pieces of at most [`PIECE`] bytes plus overlap.
fn pieces(regions: &[Region]) -> Vec<Piece> {
    let mut out = Vec::new();
    for r in regions {
        if r.len <= PIECE {
            out.push(Piece {
                window: r.clone(),
                keep: r.file_offset..r.file_offset + r.len,
            });
            continue;
        }
        let mut at = 0;
        while at < r.len {
            let end = (at + PIECE).min(r.len);
            let ws = at.saturating_sub(OVERLAP);
            let we = (end + OVERLAP).min(r.len);
            let mut window = r.clone();
            window.file_offset = r.file_offset + ws;
            window.address = r.address.wrapping_add(ws);
            window.len = we - ws;
            out.push(Piece {
                window,
                keep: r.file_offset + at..r.file_offset + end,
            });
            at = end;
        }
    }
    out
}

/// Scan every region (all rules, or identities only), on every core when there is a lot
/// of memory. `release(offset, len)` is called once a piece's bytes are no longer needed
/// (a memory-mapped file drops those pages, so a 1 GiB dump never becomes 1 GiB of
/// resident memory). Findings come in region order, as from one sequential pass.
///
/// Past `deadline` no more pieces are scanned: the bytes left out are returned with the
/// findings (the caller says so; nothing is silently skipped).
pub fn scan_regions(
    file: &[u8],
    regions: &[Region],
    matcher: &IdentityMatcher,
    values: bool,
    release: &(dyn Fn(u64, u64) + Sync),
    deadline: Option<Deadline>,
) -> Scanned {
    let total: u64 = regions.iter().map(|r| r.len).sum();
    let windows = coalesce(regions);
    let pieces = pieces(&windows);
    let skipped = std::sync::atomic::AtomicU64::new(0);
    // Each piece's findings and fields; collected in piece order (rayon keeps the order
    // of an indexed iterator), they are exactly what one thread scanning region after
    // region would report.
    let work = |piece: &Piece| -> Option<(Vec<Finding>, Vec<Field>)> {
        if deadline.is_some_and(|d| d.passed()) {
            let len = piece.keep.end - piece.keep.start;
            skipped.fetch_add(len, std::sync::atomic::Ordering::Relaxed);
            return None;
        }
        let mut local = Vec::new();
        let mut fields = Vec::new();
        scan(
            file,
            &piece.window,
            matcher,
            &mut local,
            values.then_some(&mut fields),
            values,
        );
        local.retain(|f| piece.keep.contains(&f.offset));
        fields.retain(|f| piece.keep.contains(&f.origin.offset));
        if piece.window.len >= 4096 {
            // Rounded out to 2 MiB: the kernel maps page-cache folios of up to that
            // size around every access, beyond the bytes asked for.
            const FOLIO: u64 = 2 << 20;
            let start = piece.window.file_offset / FOLIO * FOLIO;
            let end = (piece.window.file_offset + piece.window.len).div_ceil(FOLIO) * FOLIO;
            release(start, end - start);
        }
        (!local.is_empty() || !fields.is_empty()).then_some((local, fields))
    };
    let done: Vec<(Vec<Finding>, Vec<Field>)> = if total >= PARALLEL_FROM {
        use rayon::prelude::*;
        pieces.par_iter().filter_map(work).collect()
    } else {
        pieces.iter().filter_map(work).collect()
    };
    let mut out = Scanned {
        skipped: skipped.into_inner(),
        ..Scanned::default()
    };
    for (found, fields) in done {
        out.findings.extend(found);
        out.fields.extend(fields);
    }
    if windows.len() < regions.len() {
        relabel(&mut out.findings, regions);
    }
    out
}

/// Regions that continue one another both in the process's address space and in the
/// file are scanned as one, so text that crosses from one into the next (a string split
/// by a change of page protection) is read whole. Streams, annotations and CPU contexts
/// are never joined.
fn coalesce(regions: &[Region]) -> Vec<Region> {
    let plain = |r: &Region| r.name.is_none() && r.kind != crate::report::RegionKind::Context;
    let mut out: Vec<Region> = Vec::with_capacity(regions.len());
    for r in regions {
        if let Some(last) = out.last_mut() {
            let continues = plain(last)
                && plain(r)
                && last.address.checked_add(last.len) == Some(r.address)
                && last.file_offset.checked_add(last.len) == Some(r.file_offset);
            if continues {
                last.len += r.len;
                continue;
            }
        }
        out.push(r.clone());
    }
    out
}

/// Give each memory finding of a joined window the region that really holds its first
/// byte (its kind, thread and address), as if the regions had been scanned apart.
fn relabel(findings: &mut [Finding], regions: &[Region]) {
    let mut by_offset: Vec<&Region> = regions.iter().filter(|r| r.len > 0).collect();
    by_offset.sort_by_key(|r| r.file_offset);
    for f in findings {
        let super::Location::Memory { excerpt, .. } = &mut f.location else {
            continue;
        };
        let at = by_offset.partition_point(|r| r.file_offset <= f.offset);
        let Some(region) = at.checked_sub(1).map(|i| by_offset[i]) else {
            continue;
        };
        if f.offset < region.file_offset + region.len {
            let excerpt = std::mem::take(excerpt);
            let address = region.address.wrapping_add(f.offset - region.file_offset);
            f.location = memory_location(region, address, excerpt);
        }
    }
}

/// What a scan of memory found.
#[derive(Debug, Default)]
pub struct Scanned {
    pub findings: Vec<Finding>,
    /// Structures recognised in memory (environment blocks), as inventory fields.
    pub fields: Vec<Field>,
    /// Bytes left unscanned when the deadline passed.
    pub skipped: u64,
}

/// A region of `len` bytes at file offset 0 and `address`, for the tests.
#[cfg(test)]
fn test_region(kind: crate::report::RegionKind, address: u64, len: usize) -> Region {
    Region {
        kind,
        thread_id: None,
        address,
        file_offset: 0,
        len: len as u64,
        name: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::RegionKind;

    fn region(len: usize) -> Region {
        Region {
            kind: RegionKind::Heap,
            thread_id: None,
            address: 0x1000,
            file_offset: 0,
            len: len as u64,
            name: None,
        }
    }

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
    }

    #[test]
    fn odd_aligned_utf16_email_is_found() {
        let mut mem = vec![0u8; 33]; // odd: the text starts at offset 33
        mem.extend(utf16("mail alice@example.com now"));
        mem.extend([0u8; 7]);
        let mut found = Vec::new();
        let matcher = IdentityMatcher::new(&Identity::default());
        scan_region(
            &mem,
            &region(mem.len()),
            &matcher,
            &mut found,
            &mut Vec::new(),
        );
        let email = found.iter().find(|f| f.rule == "email").expect("found");
        assert_eq!(email.value, "alice@example.com");
        assert_eq!(email.encoding, Encoding::Utf16le);
        assert_eq!(email.offset, 33 + 2 * 5);
        assert_eq!(email.length, 2 * 17);
        assert_eq!(&mem[email.offset as usize..][..2], b"a\0");
        match &email.location {
            super::super::Location::Memory {
                address, excerpt, ..
            } => {
                assert_eq!(*address, 0x1000 + 33 + 10);
                assert!(excerpt.contains("mail alice@example.com now"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn identities_are_whole_words_in_both_encodings() {
        let mut mem = b"xx started USER=Ted\0".to_vec();
        mem.extend(utf16("/Users/ted/x"));
        let id = Identity {
            user_names: ["ted".to_string()].into(),
            host_names: Default::default(),
            others: Default::default(),
        };
        let mut found = Vec::new();
        scan_region_identities_only(
            &mem,
            &region(mem.len()),
            &IdentityMatcher::new(&id),
            &mut found,
        );
        let hits: Vec<(&str, Encoding)> = found
            .iter()
            .map(|f| (f.value.as_str(), f.encoding))
            .collect();
        assert_eq!(
            hits,
            vec![("Ted", Encoding::Utf8), ("ted", Encoding::Utf16le)]
        );
    }
}

#[cfg(test)]
mod key_tests {
    use super::*;
    use crate::report::RegionKind;

    fn keys(mem: &[u8]) -> Vec<Finding> {
        let region = test_region(RegionKind::Heap, 0, mem.len());
        let mut found = Vec::new();
        let matcher = IdentityMatcher::new(&Identity::default());
        scan_region(mem, &region, &matcher, &mut found, &mut Vec::new());
        found.retain(|f| f.rule == "private-key");
        found
    }

    /// A key block is one finding across its line breaks, to its END line, in UTF-8 and
    /// in UTF-16LE at an odd offset; without an END line, to where the key text stops.
    #[test]
    fn a_key_is_one_finding_from_begin_to_end() {
        let key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\r\nQyNTUxOQAAACB=\n-----END OPENSSH PRIVATE KEY-----";
        let mut mem = vec![0u8; 9];
        mem.extend(key.as_bytes());
        mem.extend(b"\n\0\x01\x02");
        let found = keys(&mem);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].offset, found[0].value.as_str()), (9, key));
        assert_eq!(found[0].length as usize, key.len());

        let mut wide = vec![0u8; 7];
        wide.extend(key.encode_utf16().flat_map(u16::to_le_bytes));
        wide.extend([0u8; 4]);
        let found = keys(&wide);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].encoding, Encoding::Utf16le);
        assert_eq!(found[0].length as usize, 2 * key.len());
        assert_eq!(found[0].value, key);

        let cut = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGX1abcd\nEEE=";
        let mut mem = cut.as_bytes().to_vec();
        mem.extend(b"\0\0garbage");
        let found = keys(&mem);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].value, cut);
        assert_eq!(rules::RULES[rules::PRIVATE_KEY].id, "private-key");
    }
}

#[cfg(test)]
mod join_tests {
    use super::*;
    use crate::report::RegionKind;

    /// An e-mail split across two regions that continue one another (in address and in
    /// the file) is found whole, placed in the region that holds its first byte; regions
    /// that only touch in the file are not joined.
    #[test]
    fn text_across_adjacent_regions_is_read_whole() {
        let mut mem = vec![0u8; 64];
        mem.extend(b"mail carol.jones@exam");
        let cut = mem.len();
        mem.extend(b"ple.org now\0");
        mem.extend([0u8; 64]);
        let region = |kind, address: u64, file_offset: usize, len: usize| Region {
            kind,
            thread_id: None,
            address,
            file_offset: file_offset as u64,
            len: len as u64,
            name: None,
        };
        let matcher = IdentityMatcher::new(&Identity::default());
        let scan = |regions: &[Region]| {
            scan_regions(&mem, regions, &matcher, true, &|_, _| {}, None)
                .findings
                .into_iter()
                .filter(|f| f.rule == "email")
                .collect::<Vec<_>>()
        };
        let joined = [
            region(RegionKind::Heap, 0x1000, 0, cut),
            region(RegionKind::Other, 0x1000 + cut as u64, cut, mem.len() - cut),
        ];
        let found = scan(&joined);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].value, "carol.jones@example.org");
        match &found[0].location {
            super::super::Location::Memory {
                region, address, ..
            } => {
                assert_eq!(region, "heap");
                assert_eq!(*address, 0x1000 + 64 + 5);
            }
            other => panic!("{other:?}"),
        }
        // Not continuous in the address space: two texts, no e-mail.
        let apart = [
            region(RegionKind::Heap, 0x1000, 0, cut),
            region(RegionKind::Heap, 0x9000, cut, mem.len() - cut),
        ];
        assert!(scan(&apart).is_empty());
    }
}

#[cfg(test)]
mod raw_name_tests {
    use super::*;
    use crate::report::RegionKind;

    /// Names with non-ASCII letters, revealed by a field, are found in memory in both
    /// encodings at any alignment, as whole words only.
    #[test]
    fn non_ascii_names_are_found_in_raw_memory() {
        let mut mem = vec![1u8; 7];
        mem.extend(
            "C:\\Users\\Jürgen\\AppData"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        mem.extend(b"\0/home/J\xc3\xbcrgen/x\0J\xc3\xbcrgenx\0\0\0");
        mem.extend("Иван".encode_utf16().flat_map(u16::to_le_bytes));
        let id = Identity {
            user_names: ["Jürgen".to_string(), "Иван".to_string()].into(),
            host_names: Default::default(),
            others: Default::default(),
        };
        let region = test_region(RegionKind::Heap, 0x1000, mem.len());
        let mut found = Vec::new();
        scan_region_identities_only(&mem, &region, &IdentityMatcher::new(&id), &mut found);
        let mut hits: Vec<(&str, Encoding, u64)> = found
            .iter()
            .map(|f| (f.value.as_str(), f.encoding, f.offset))
            .collect();
        hits.sort_by_key(|h| h.2);
        assert_eq!(hits.len(), 3, "{hits:?}");
        assert_eq!(hits[0], ("Jürgen", Encoding::Utf16le, 7 + 2 * 9));
        assert_eq!(hits[1].1, Encoding::Utf8);
        assert_eq!(hits[2].0, "Иван");
        for f in &found {
            let bytes = &mem[f.offset as usize..(f.offset + f.length) as usize];
            let text = match f.encoding {
                Encoding::Utf16le => String::from_utf16_lossy(
                    &bytes
                        .chunks(2)
                        .map(|c| u16::from_le_bytes([c[0], c[1]]))
                        .collect::<Vec<_>>(),
                ),
                _ => String::from_utf8_lossy(bytes).into_owned(),
            };
            assert_eq!(text, f.value);
        }
    }
}

#[cfg(test)]
mod piece_tests {
    use super::*;
    use crate::report::RegionKind;

    /// Cutting a large region into pieces scanned on several threads reports exactly
    /// what one pass over the whole region reports, in the same order: values that
    /// straddle a cut are found once, with the same excerpt.
    #[test]
    fn pieces_report_what_one_pass_reports() {
        let len = 5 * PIECE as usize + 1234; // more than PARALLEL_FROM: several threads
        let mut bytes = vec![0u8; len];
        let plant = |bytes: &mut Vec<u8>, at: usize, text: &str, wide: bool| {
            let data: Vec<u8> = if wide {
                text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
            } else {
                text.as_bytes().to_vec()
            };
            bytes[at..at + data.len()].copy_from_slice(&data);
        };
        for cut in 1..5 {
            let c = cut * PIECE as usize;
            // Straddling the cut: ASCII at odd cuts, UTF-16 (at an odd offset) at even.
            if cut % 2 == 1 {
                plant(&mut bytes, c - 9, "mail carol@example.org now", false);
            } else {
                plant(&mut bytes, c - 21, "user dave@example.net!", true);
            }
            plant(&mut bytes, c + 300, "ip 198.51.100.23 x", false);
        }
        plant(&mut bytes, 17, "first eve@example.com", false);
        let region = Region {
            kind: RegionKind::Heap,
            thread_id: None,
            address: 0x10_0000,
            file_offset: 0,
            len: len as u64,
            name: None,
        };
        let matcher = IdentityMatcher::new(&Identity::default());
        let mut whole = Vec::new();
        scan_region(&bytes, &region, &matcher, &mut whole, &mut Vec::new());
        let released = std::sync::Mutex::new(0u64);
        let one = |release: &(dyn Fn(u64, u64) + Sync), deadline| {
            let region = std::slice::from_ref(&region);
            let s = scan_regions(&bytes, region, &matcher, true, release, deadline);
            (s.findings, s.skipped)
        };
        let (cut, skipped) = one(&|_, n| *released.lock().unwrap() += n, None);
        assert_eq!(skipped, 0);
        // Past the deadline nothing more is scanned, and every byte left out is counted.
        let gone = crate::budget::Budget(std::time::Duration::from_nanos(1)).start();
        std::thread::sleep(std::time::Duration::from_millis(1));
        let (none, skipped) = one(&|_, _| {}, Some(gone));
        assert!(none.is_empty());
        assert_eq!(skipped, len as u64);
        let key = |f: &Finding| (f.offset, f.length, f.rule, f.location.clone());
        assert_eq!(
            cut.iter().map(key).collect::<Vec<_>>(),
            whole.iter().map(key).collect::<Vec<_>>()
        );
        assert_eq!(whole.iter().filter(|f| f.rule == "email").count(), 5);
        assert_eq!(whole.iter().filter(|f| f.rule == "ipv4").count(), 4);
        assert!(
            *released.lock().unwrap() >= len as u64,
            "every piece released"
        );
    }
}

#[cfg(test)]
mod run_tests {
    use super::*;

    /// The block-skipping extractor finds exactly the runs a plain byte-by-byte scan finds.
    fn naive(bytes: &[u8], min: usize) -> Vec<(usize, String, bool)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            while i < bytes.len() && TEXT[bytes[i] as usize] {
                i += 1;
            }
            if i - start >= min {
                out.push((
                    start,
                    String::from_utf8(bytes[start..i].to_vec()).unwrap(),
                    false,
                ));
            }
            i = i.max(start + 1);
        }
        for align in 0..2 {
            let mut i = align;
            while i + 1 < bytes.len() {
                let start = i;
                let mut s = String::new();
                while i + 1 < bytes.len() && bytes[i + 1] == 0 && TEXT[bytes[i] as usize] {
                    s.push(bytes[i] as char);
                    i += 2;
                }
                if s.len() >= min {
                    out.push((start, s, true));
                }
                i = i.max(start + 2);
            }
        }
        out.sort();
        out
    }

    #[test]
    fn masks_match_the_byte_table() {
        let all: Vec<u8> = (0..=255u8).collect();
        for chunk in all.chunks(64).chain([&all[3..40], &all[250..]]) {
            let (text, zero) = masks(chunk);
            for (k, &b) in chunk.iter().enumerate() {
                assert_eq!(text >> k & 1 == 1, TEXT[b as usize], "text bit for {b:#x}");
                assert_eq!(zero >> k & 1 == 1, b == 0, "zero bit for {b:#x}");
            }
            assert_eq!(
                text >> chunk.len().min(63) >> 1,
                0,
                "no bits past the chunk"
            );
        }
    }

    #[test]
    fn block_skipping_finds_every_run() {
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        for round in 0..300 {
            let len = 1 + (round * 37) % 700;
            let mut bytes = Vec::with_capacity(len);
            while bytes.len() < len {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                match rng % 6 {
                    0 => bytes.extend(std::iter::repeat_n(0u8, (rng >> 8) as usize % 80)),
                    1 => bytes.extend(b"hello world"),
                    2 => bytes.extend("wide text".encode_utf16().flat_map(|u| u.to_le_bytes())),
                    3 => bytes.push((rng >> 16) as u8),
                    4 => bytes.extend(b"abcd"),
                    _ => bytes.extend(&rng.to_le_bytes()),
                }
            }
            bytes.truncate(len);
            let mut got = Vec::new();
            for_each_run(&bytes, MIN_RUN, |o, t, w| got.push((o, t.to_string(), w)));
            got.sort();
            assert_eq!(got, naive(&bytes, MIN_RUN), "round {round}");
        }
    }
}
