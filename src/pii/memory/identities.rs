//! The identity matcher: the user and host names a dump revealed, searched for in text
//! and in raw bytes (ASCII and UTF-16LE).

use super::*;

/// Finds the identities a dump revealed, case-insensitively (ASCII case), as whole words.
///
/// One Aho-Corasick automaton over all the names: the work per text is linear in the
/// text whatever the number of names (a crafted dump can reveal tens of thousands).
/// A name with non-ASCII letters is searched in its lower-case, upper-case and
/// capitalized forms too (`ИВАН`, `иван` for `Иван`: ASCII case folding does not reach
/// them), in text and in raw memory (see [`RawName`]).
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
pub(super) struct RawName {
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
        let named: Vec<(String, bool)> = identity
            .user_names
            .iter()
            .map(|u| (u, false))
            .chain(identity.host_names.iter().map(|h| (h, true)))
            .flat_map(|(n, host)| case_forms(n).into_iter().map(move |v| (v, host)))
            .collect();
        let (patterns, hosts): (Vec<Vec<u8>>, Vec<bool>) = named
            .iter()
            .map(|(n, host)| (n.as_bytes().to_ascii_lowercase(), *host))
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
        let mut seen_raw = std::collections::HashSet::new();
        let raw = named
            .iter()
            .filter(|(n, _)| !n.is_ascii() && seen_raw.insert(n.clone()))
            .map(|(n, host)| {
                let host = *host;
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

/// A name and, when it has non-ASCII letters, its lower-case, upper-case and
/// capitalized forms (each once).
fn case_forms(name: &str) -> Vec<String> {
    let mut forms = vec![name.to_string()];
    if !name.is_ascii() {
        let lower = name.to_lowercase();
        let mut chars = lower.chars();
        let capitalized: String = chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        for form in [lower.clone(), name.to_uppercase(), capitalized] {
            if !forms.contains(&form) {
                forms.push(form);
            }
        }
    }
    forms
}

/// An excerpt of `text` around `[start, end)`, with `…` where it was cut.
pub(super) fn excerpt(text: &str, start: usize, end: usize) -> String {
    let from = start.saturating_sub(CONTEXT);
    let to = (end + CONTEXT).min(text.len());
    // Room for the text and both ellipses at once (no regrowth: one excerpt a finding).
    let mut out = String::with_capacity(to - from + 2 * '…'.len_utf8());
    if from > 0 {
        out.push('…');
    }
    out.push_str(&text[from..to]);
    if to < text.len() {
        out.push('…');
    }
    out
}

/// Every whole-word occurrence of the non-ASCII names in raw memory, in UTF-8 and in
/// UTF-16LE (one substring search over the region for each encoding of each name).
pub(super) fn raw_names(
    bytes: &[u8],
    region: &Region,
    matcher: &IdentityMatcher,
    found: &mut Vec<Finding>,
) {
    for n in &matcher.raw {
        let (category, rule) = crate::pii::identity_rule(n.host);
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
