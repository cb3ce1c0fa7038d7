//! Scanning binary memory for text: printable ASCII/UTF-8 runs, and UTF-16LE runs at both
//! byte alignments (a UTF-16 string may start at an odd offset inside a region).
//!
//! Each run of at least [`MIN_RUN`] characters goes through the value rules and the
//! identity matcher. Findings name the region, the thread, the virtual address, the file
//! offset and a short excerpt of the surrounding text. Regions are slices of the mapped
//! file: nothing is copied but the (short) UTF-16 runs, narrowed to ASCII.

use regex::Regex;

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

/// Calls `f(byte offset, text)` for every ASCII run of at least `min` bytes.
pub fn ascii_runs(bytes: &[u8], min: usize, mut f: impl FnMut(usize, &str)) {
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        while i < n && !TEXT[bytes[i] as usize] {
            i += 1;
        }
        let start = i;
        while i < n && TEXT[bytes[i] as usize] {
            i += 1;
        }
        if i - start >= min {
            if let Ok(text) = std::str::from_utf8(&bytes[start..i]) {
                f(start, text);
            }
        }
    }
}

/// Calls `f(byte offset, narrowed text)` for every UTF-16LE run of ASCII characters of at
/// least `min` characters starting at offsets `align`, `align + 2`, ...
pub fn utf16_runs(bytes: &[u8], align: usize, min: usize, mut f: impl FnMut(usize, &str)) {
    let n = bytes.len();
    let mut buf = Vec::new();
    let mut i = align;
    while i + 1 < n {
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
            if let Ok(text) = std::str::from_utf8(&buf) {
                f(start, text);
            }
        }
    }
}

/// Finds the identities a dump revealed, case-insensitively, as whole words.
#[derive(Debug)]
pub struct IdentityMatcher {
    re: Option<Regex>,
    hosts: Vec<String>,
}

impl IdentityMatcher {
    pub fn new(identity: &Identity) -> IdentityMatcher {
        let mut names: Vec<&String> = identity
            .host_names
            .iter()
            .chain(identity.user_names.iter())
            .collect();
        // Longest first, so `alice-laptop` wins over `alice` at the same place.
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        let re = (!names.is_empty()).then(|| {
            let alt: Vec<String> = names.iter().map(|n| regex::escape(n)).collect();
            Regex::new(&format!("(?i)(?:{})", alt.join("|"))).expect("escaped literals")
        });
        IdentityMatcher {
            re,
            hosts: identity
                .host_names
                .iter()
                .map(|h| h.to_lowercase())
                .collect(),
        }
    }

    /// `(start, end, is_host_name)` for each whole-word occurrence in `text`.
    pub fn find_in_text(&self, text: &str) -> Vec<(usize, usize, bool)> {
        let Some(re) = &self.re else {
            return Vec::new();
        };
        re.find_iter(text)
            .filter(|m| {
                let before = text[..m.start()].chars().next_back();
                let after = text[m.end()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
            })
            .map(|m| {
                let is_host = self.hosts.contains(&m.as_str().to_lowercase());
                (m.start(), m.end(), is_host)
            })
            .collect()
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
    ascii_runs(bytes, MIN_RUN, |off, text| {
        sink.run(off, text, false, matcher, values)
    });
    for align in [0, 1] {
        utf16_runs(bytes, align, MIN_RUN, |off, text| {
            sink.run(off, text, true, matcher, values)
        });
    }
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
