//! The upstream rules' keyword matcher: where in a text a rule's keywords stand, the
//! places its regex may then be run around.

use std::sync::OnceLock;

use super::UPSTREAM;

/// The keyword matcher: every rule's keywords (lower case), and which rules each serves.
///
/// Keywords are found by their first two bytes: a bit per byte pair (8 KiB) says whether
/// any keyword starts with that pair, and only there are the keywords that do compared,
/// ASCII case-insensitively. Building it is far cheaper than an Aho-Corasick automaton
/// over the same keywords, paid by every `show` of a small dump; scanning costs a table
/// lookup per byte either way.
pub(super) struct Keywords {
    pub(super) words: Vec<&'static [u8]>,
    pub(super) rules: Vec<Vec<u16>>,
    /// Bit `pair` set when a keyword starts with the byte pair `pair`, in any case.
    starts: Box<[u64; 1024]>,
    /// A filter of the first three bytes (lowered) of the keywords of three bytes or
    /// more, by [`tri_bit`]: most places whose pair starts a keyword (common English
    /// pairs: `ke`, `to`, `se`) are not followed by any keyword's third byte, and are
    /// passed over without a search.
    third: Box<[u64; 1024]>,
    /// Bit `pair` (lowered) set when a keyword is exactly that pair.
    pairs_whole: Box<[u64; 1024]>,
    /// For each pair with its bit set, the keywords that start with it, sorted by pair.
    by_pair: Vec<(u16, Vec<u16>)>,
    /// One-byte keywords (none today; kept correct if upstream adds one).
    single: Vec<u16>,
}

pub(super) fn keywords() -> &'static Keywords {
    static KEYWORDS: OnceLock<Keywords> = OnceLock::new();
    KEYWORDS.get_or_init(|| {
        let mut k = Keywords {
            words: Vec::new(),
            rules: Vec::new(),
            starts: Box::new([0; 1024]),
            third: Box::new([0; 1024]),
            pairs_whole: Box::new([0; 1024]),
            by_pair: Vec::new(),
            single: Vec::new(),
        };
        // Each distinct keyword once, by a lookup by value (not a search of the list for
        // each keyword).
        let mut index: std::collections::HashMap<&'static [u8], usize> = Default::default();
        for (i, rule) in UPSTREAM.iter().enumerate() {
            for &w in rule.keywords {
                let w = w.as_bytes();
                let at = *index.entry(w).or_insert_with(|| {
                    k.words.push(w);
                    k.rules.push(Vec::new());
                    k.words.len() - 1
                });
                k.rules[at].push(i as u16);
            }
        }
        for (at, w) in k.words.iter().enumerate() {
            match w {
                [] => {}
                [_] => k.single.push(at as u16),
                [a, b, rest @ ..] => {
                    let pair = u16::from_be_bytes([a.to_ascii_lowercase(), b.to_ascii_lowercase()]);
                    match rest.first() {
                        Some(&c) => set_bit(&mut k.third, tri_bit(*a, *b, c)),
                        None => set_bit(&mut k.pairs_whole, usize::from(pair)),
                    }
                    // Every case of the pair has its bit: the scan looks at raw bytes.
                    for x in [a.to_ascii_lowercase(), a.to_ascii_uppercase()] {
                        for y in [b.to_ascii_lowercase(), b.to_ascii_uppercase()] {
                            set_bit(&mut k.starts, usize::from(u16::from_be_bytes([x, y])));
                        }
                    }
                    match k.by_pair.binary_search_by_key(&pair, |e| e.0) {
                        Ok(e) => k.by_pair[e].1.push(at as u16),
                        Err(e) => k.by_pair.insert(e, (pair, vec![at as u16])),
                    }
                }
            }
        }
        k
    })
}

fn set_bit(bits: &mut [u64; 1024], bit: usize) {
    bits[bit >> 6] |= 1 << (bit & 63);
}

fn has_bit(bits: &[u64; 1024], bit: usize) -> bool {
    bits[bit >> 6] & (1 << (bit & 63)) != 0
}

/// The filter bit of three bytes, ASCII case aside.
fn tri_bit(a: u8, b: u8, c: u8) -> usize {
    let key = u32::from_be_bytes([0, a, b, c]) | 0x0020_2020;
    (key.wrapping_mul(0x9e37_79b1) >> 16) as usize
}

impl Keywords {
    /// Calls `f(keyword, start)` for every occurrence of every keyword in `hay`,
    /// overlapping ones included.
    pub(super) fn each(&self, hay: &[u8], mut f: impl FnMut(usize, usize)) {
        let lower = |b: u8| b.to_ascii_lowercase();
        for (i, w) in hay.windows(2).enumerate() {
            let raw = u16::from_be_bytes([w[0], w[1]]);
            if !has_bit(&self.starts, usize::from(raw)) {
                continue;
            }
            let pair = u16::from_be_bytes([lower(w[0]), lower(w[1])]);
            let longer = hay
                .get(i + 2)
                .is_some_and(|&c| has_bit(&self.third, tri_bit(w[0], w[1], c)));
            if !longer && !has_bit(&self.pairs_whole, usize::from(pair)) {
                continue;
            }
            let Ok(e) = self.by_pair.binary_search_by_key(&pair, |e| e.0) else {
                continue;
            };
            for &w in &self.by_pair[e].1 {
                let word = self.words[usize::from(w)];
                if hay
                    .get(i..i + word.len())
                    .is_some_and(|s| s.eq_ignore_ascii_case(word))
                {
                    f(usize::from(w), i);
                }
            }
        }
        for &w in &self.single {
            let b = self.words[usize::from(w)][0];
            for i in memchr::memchr2_iter(b, b.to_ascii_uppercase(), hay) {
                f(usize::from(w), i);
            }
        }
    }
}
