//! Scanning binary memory for text: printable ASCII/UTF-8 runs, and UTF-16LE runs at both
//! byte alignments (a UTF-16 string may start at an odd offset inside a region).
//!
//! Each run of at least [`MIN_RUN`] characters goes through the value rules and the
//! identity matcher. Findings name the region, the thread, the virtual address, the file
//! offset and a short excerpt of the surrounding text. Regions are slices of the mapped
//! file: nothing is copied but the (short) UTF-16 runs, narrowed to ASCII.

use super::{match_rules, memory_location, rules, Category, Finding, Identity, Severity};
use crate::disclosure::{Encoding, Region};

/// Shortest run of text worth scanning (`a@b.io` is 6; a 3-letter user name sits inside
/// longer text such as `USER=ted`).
pub const MIN_RUN: usize = 5;

/// How many characters of context an excerpt shows on each side of a match.
const CONTEXT: usize = 24;

/// Bytes that count as text in memory: printable ASCII and tab.
const fn text_table() -> [bool; 256] {
    let mut t = [false; 256];
    let mut b = 0x20;
    while b < 0x7f {
        t[b] = true;
        b += 1;
    }
    t[b'\t' as usize] = true;
    t
}
static TEXT: [bool; 256] = text_table();

/// Bytes are classified 64 at a time into bit masks; a block is looked at byte by byte
/// only when a run of text could start in it.
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

/// Bit `k` set when byte `k` of `chunk` (at most 64 bytes) is text, and when it is zero.
fn masks(chunk: &[u8]) -> (u64, u64) {
    // Most of a dump's memory is zeros: answer those blocks without the per-word work.
    if chunk.len() == BLOCK && chunk.iter().fold(0u8, |acc, &b| acc | b) == 0 {
        return (0, u64::MAX);
    }
    let (mut text, mut zero) = (0u64, 0u64);
    for (w, word) in chunk.chunks(8).enumerate() {
        let mut b = [0u8; 8];
        b[..word.len()].copy_from_slice(word);
        let x = u64::from_le_bytes(b);
        // 0x20..=0x7e: high bit clear, >= 0x20 (adding 0x60 sets the high bit), not 0x7f;
        // or a tab.
        let ge_space = ((x & LOW7) + 0x6060_6060_6060_6060) & HIGH;
        let printable = ge_space & !x & !zero_bytes(x ^ LOW7);
        let t = printable | zero_bytes(x ^ 0x0909_0909_0909_0909);
        let valid = if word.len() == 8 {
            0xff
        } else {
            (1u64 << word.len()) - 1
        };
        text |= (pack(t) & valid) << (8 * w);
        zero |= (pack(zero_bytes(x)) & valid) << (8 * w);
    }
    (text, zero)
}

/// Whether some window of `min` text bytes, or of `min` UTF-16LE text units (at either
/// alignment), starts in the current block. `cur`/`next` are the masks of this block and
/// the next (the window may reach into it).
fn may_start_run(cur: (u64, u64), next: (u64, u64), min: usize) -> bool {
    let text = u128::from(cur.0) | (u128::from(next.0) << 64);
    let zero = u128::from(cur.1) | (u128::from(next.1) << 64);
    // A UTF-16 unit at k: a text byte at k and a zero at k + 1.
    let unit = text & (zero >> 1);
    let (mut ascii, mut wide) = (text, unit);
    for step in 1..min {
        ascii &= text >> step;
        wide &= unit >> (2 * step);
    }
    (ascii as u64 | wide as u64) != 0
}

/// ASCII runs of at least `min` bytes that start in `[from, to)`, each followed to its
/// end. Returns where the scan stopped (past the last run it consumed).
fn ascii_runs(
    bytes: &[u8],
    from: usize,
    to: usize,
    min: usize,
    f: &mut impl FnMut(usize, &str, bool),
) -> usize {
    let n = bytes.len();
    let mut i = from;
    while i < to {
        while i < to && !TEXT[bytes[i] as usize] {
            i += 1;
        }
        let start = i;
        while i < n && TEXT[bytes[i] as usize] {
            i += 1;
        }
        if i - start >= min {
            if let Ok(text) = std::str::from_utf8(&bytes[start..i]) {
                f(start, text, false);
            }
        }
    }
    i
}

/// UTF-16LE runs of at least `min` ASCII characters starting at offsets of `from`'s parity
/// in `[from, to)`, narrowed to ASCII. Returns where the scan stopped.
fn utf16_runs(
    bytes: &[u8],
    from: usize,
    to: usize,
    min: usize,
    buf: &mut Vec<u8>,
    f: &mut impl FnMut(usize, &str, bool),
) -> usize {
    let n = bytes.len();
    let mut i = from;
    while i < to && i + 1 < n {
        if bytes[i + 1] != 0 || !TEXT[bytes[i] as usize] {
            i += 2;
            continue;
        }
        let start = i;
        buf.clear();
        while i + 1 < n && bytes[i + 1] == 0 && TEXT[bytes[i] as usize] {
            buf.push(bytes[i]);
            i += 2;
        }
        if buf.len() >= min {
            if let Ok(text) = std::str::from_utf8(buf) {
                f(start, text, true);
            }
        }
    }
    i.max(from)
}

/// Calls `f(byte offset, text, is_utf16)` for every run of at least `min` (1 to 32)
/// characters: printable ASCII, and UTF-16LE ASCII at both byte alignments. Blocks where
/// no run can start are skipped on their masks alone.
pub fn for_each_run(bytes: &[u8], min: usize, mut f: impl FnMut(usize, &str, bool)) {
    assert!((1..=32).contains(&min), "run length out of range");
    let blocks = bytes.len().div_ceil(BLOCK);
    let block_masks = |b: usize| {
        let start = (b * BLOCK).min(bytes.len());
        masks(&bytes[start..(start + BLOCK).min(bytes.len())])
    };
    // Where each extractor may resume: ASCII, UTF-16 at even and at odd offsets.
    let mut cursor = [0usize; 3];
    let mut buf = Vec::new();
    let mut next = block_masks(0);
    let mut b = 0;
    while b < blocks {
        let cur = next;
        next = block_masks(b + 1);
        if !may_start_run(cur, next, min) {
            b += 1;
            continue;
        }
        // A span of consecutive blocks where runs may start.
        let from = b * BLOCK;
        b += 1;
        while b < blocks {
            let cur = next;
            next = block_masks(b + 1);
            if !may_start_run(cur, next, min) {
                break;
            }
            b += 1;
        }
        let to = (b * BLOCK).min(bytes.len());
        cursor[0] = ascii_runs(bytes, from.max(cursor[0]), to, min, &mut f);
        for align in 0..2 {
            let mut start = from.max(cursor[1 + align]);
            if start % 2 != align {
                start += 1;
            }
            cursor[1 + align] = utf16_runs(bytes, start, to, min, &mut buf, &mut f);
        }
        b += 1;
    }
}

/// Finds the identities a dump revealed, case-insensitively (ASCII case), as whole words.
///
/// Plain substring search over an ASCII-lowered copy of the text: nothing to compile,
/// which matters because it is built for every report. Non-ASCII letters in a name must
/// match exactly.
#[derive(Debug)]
pub struct IdentityMatcher {
    /// Lowered names with their searchers, longest first; `true` for host names.
    names: Vec<(memchr::memmem::Finder<'static>, bool)>,
}

impl IdentityMatcher {
    pub fn new(identity: &Identity) -> IdentityMatcher {
        let mut names: Vec<(Vec<u8>, bool)> = identity
            .host_names
            .iter()
            .map(|h| (h.as_bytes().to_ascii_lowercase(), true))
            .chain(
                identity
                    .user_names
                    .iter()
                    .map(|u| (u.as_bytes().to_ascii_lowercase(), false)),
            )
            .filter(|(n, _)| !n.is_empty())
            .collect();
        // Longest first, so `alice-laptop` wins over `alice` at the same place.
        names.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
        names.dedup_by(|a, b| a.0 == b.0);
        IdentityMatcher {
            names: names
                .into_iter()
                .map(|(n, host)| (memchr::memmem::Finder::new(&n).into_owned(), host))
                .collect(),
        }
    }

    /// `(start, end, is_host_name)` for each whole-word occurrence in `text`: leftmost
    /// first, the longest name at a place, no overlaps.
    pub fn find_in_text(&self, text: &str) -> Vec<(usize, usize, bool)> {
        if self.names.is_empty() {
            return Vec::new();
        }
        let bytes = text.as_bytes();
        let first_bytes_present = self.names.iter().any(|(f, _)| {
            let b = f.needle()[0];
            memchr::memchr2(b, b.to_ascii_uppercase(), bytes).is_some()
        });
        if !first_bytes_present {
            return Vec::new();
        }
        let lower = bytes.to_ascii_lowercase();
        let mut hits: Vec<(usize, usize, bool)> = Vec::new();
        for (finder, host) in &self.names {
            let len = finder.needle().len();
            hits.extend(finder.find_iter(&lower).map(|at| (at, at + len, *host)));
        }
        hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out = Vec::new();
        let mut next = 0;
        for (start, end, host) in hits {
            if start < next || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                continue;
            }
            next = end;
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            if !before.is_some_and(char::is_alphanumeric)
                && !after.is_some_and(char::is_alphanumeric)
            {
                out.push((start, end, host));
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

struct Sink<'a> {
    region: &'a Region,
    found: &'a mut Vec<Finding>,
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

    fn run(
        &mut self,
        offset: usize,
        text: &str,
        wide: bool,
        matcher: &IdentityMatcher,
        values: bool,
    ) {
        if values {
            for (i, start, end) in match_rules(text) {
                let r = &rules::RULES[i];
                self.push(offset, text, start, end, wide, r.id, r.category, r.severity);
            }
        }
        for (start, end, is_host) in matcher.find_in_text(text) {
            let (category, rule) = super::identity_rule(is_host);
            self.push(
                offset,
                text,
                start,
                end,
                wide,
                rule,
                category,
                Severity::Medium,
            );
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
    values: bool,
) {
    let bytes = region_bytes(file, region);
    let mut sink = Sink { region, found };
    for_each_run(bytes, MIN_RUN, |off, text, wide| {
        sink.run(off, text, wide, matcher, values)
    });
}

/// Scan one region with every value rule and the identities.
pub fn scan_region(
    file: &[u8],
    region: &Region,
    matcher: &IdentityMatcher,
    found: &mut Vec<Finding>,
) {
    scan(file, region, matcher, found, true);
}

/// Scan one region for identities only (the second pass, for names found in memory).
pub fn scan_region_identities_only(
    file: &[u8],
    region: &Region,
    matcher: &IdentityMatcher,
    found: &mut Vec<Finding>,
) {
    scan(file, region, matcher, found, false);
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
        scan_region(&mem, &region(mem.len()), &matcher, &mut found);
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
