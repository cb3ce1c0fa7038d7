//! The cheap tests that rule most rules out of a text before any regex runs (or is
//! even built): the text's shape, counted in one pass, and a few literal searches.

use super::RULES;

/// A text being scanned, with its ASCII-lowered copy made on first need.
#[derive(Debug)]
pub struct Text<'a> {
    pub raw: &'a str,
    lower: std::cell::OnceCell<Vec<u8>>,
}

impl<'a> Text<'a> {
    pub fn new(raw: &'a str) -> Text<'a> {
        Text {
            raw,
            lower: std::cell::OnceCell::new(),
        }
    }

    #[inline]
    pub(super) fn lowered(&self) -> &[u8] {
        self.lower
            .get_or_init(|| self.raw.as_bytes().to_ascii_lowercase())
    }
}

/// What a text holds, counted in one pass: enough to rule most rules out before any
/// regex runs (or is even compiled).
pub struct Shape<'a> {
    pub(super) text: &'a [u8],
    pub(super) digits: usize,
    pub(super) dots: usize,
    pub(super) colons: usize,
    pub(super) dashes: usize,
    /// Upper-case ASCII letters (an IBAN or a NINO starts with two).
    pub(super) upper: usize,
    pub(super) at: bool,
    pub(super) question: bool,
    pub(super) equals: bool,
    pub(super) slash: bool,
    pub(super) backslash: bool,
    pub(super) plus: bool,
    /// A `.` somewhere after an `@` (every e-mail's domain has one).
    pub(super) dot_after_at: bool,
    /// A 1,024-bit filter of the pairs of neighbouring bytes, lowered: a needle one of
    /// whose pairs is not in it is not in the text, with no search (most needles the
    /// rules' checks look for are not in most texts).
    pairs: [u64; 16],
    /// Byte patterns that need neighbours, counted in a second pass only when a rule
    /// that needs them got past the counts above.
    pub(super) patterns: std::cell::OnceCell<Patterns>,
}

/// Shapes a few rules need, found by looking at neighbouring bytes.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Patterns {
    /// Two upper-case letters then two digits (`DE89`: how every IBAN starts).
    pub(super) iban_head: bool,
    /// Two upper-case letters then a digit, maybe after a space (`QQ1`, `QQ 1`: a NINO).
    pub(super) nino_head: bool,
    /// Two hex digits then `:` or `-` then a hex digit (`1a:2b`: inside every MAC).
    pub(super) hex_pair_sep: bool,
    /// The most `:` in one run of hex digits and colons, and whether such a run holds
    /// `::` (an IPv6 address is one such run).
    pub(super) hex_colon_run: usize,
    pub(super) hex_double_colon: bool,
    /// The most `:` or `-` in one run of hex digits and that separator (a MAC is one).
    pub(super) hex_sep_run: usize,
}

/// Byte classes for [`Patterns::of`], one table lookup a byte.
const DIGIT: u8 = 1;
const UPPER: u8 = 2;
const HEX: u8 = 4;
/// `:` or `-`.
const SEP: u8 = 8;
const SPACE: u8 = 16;

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let mut c = 0;
        if b.is_ascii_digit() {
            c |= DIGIT;
        }
        if b.is_ascii_uppercase() {
            c |= UPPER;
        }
        if b.is_ascii_hexdigit() {
            c |= HEX;
        }
        if b == b':' || b == b'-' {
            c |= SEP;
        }
        if b == b' ' {
            c |= SPACE;
        }
        t[i] = c;
        i += 1;
    }
    t
};

/// Whether the classes of the last four bytes (`classes`, newest in the low byte) hold
/// every class bit of `want`, byte for byte.
#[inline]
fn classes_hold(classes: u32, want: u32) -> bool {
    classes & want == want
}

impl Patterns {
    /// One pass, the last four bytes' classes in a word: each shape is a mask test
    /// (half the instructions of testing each byte's kind apart).
    pub(super) fn of(text: &[u8]) -> Patterns {
        let mut s = Patterns::default();
        // Separators in the current run of hex digits and `:` (and of hex digits and `-`).
        let (mut colons, mut dashes) = (0usize, 0usize);
        let mut classes = 0u32;
        let mut prev = 0u8;
        // Byte order in `classes`, newest first: b, p0, p1, p2.
        let at = |p2: u8, p1: u8, p0: u8, b: u8| u32::from_be_bytes([p2, p1, p0, b]);
        for &b in text {
            let class = CLASS[usize::from(b)];
            classes = (classes << 8) | u32::from(class);
            s.iban_head |= classes_hold(classes, at(UPPER, UPPER, DIGIT, DIGIT));
            s.nino_head |= classes_hold(classes, at(0, UPPER, UPPER, DIGIT))
                || classes_hold(classes, at(UPPER, UPPER, SPACE, DIGIT));
            s.hex_pair_sep |= classes_hold(classes, at(HEX, HEX, SEP, HEX));
            if b == b':' {
                colons += 1;
                s.hex_double_colon |= prev == b':';
            } else if class & HEX == 0 {
                colons = 0;
            }
            if b == b'-' {
                dashes += 1;
            } else if class & HEX == 0 {
                dashes = 0;
            }
            s.hex_colon_run = s.hex_colon_run.max(colons);
            s.hex_sep_run = s.hex_sep_run.max(colons).max(dashes);
            prev = b;
        }
        s
    }
}

impl<'a> Shape<'a> {
    pub(super) fn of(text: &'a str) -> Shape<'a> {
        let mut s = Shape {
            text: text.as_bytes(),
            digits: 0,
            dots: 0,
            colons: 0,
            dashes: 0,
            upper: 0,
            at: false,
            question: false,
            equals: false,
            slash: false,
            backslash: false,
            plus: false,
            dot_after_at: false,
            patterns: std::cell::OnceCell::new(),
            pairs: [0; 16],
        };
        let mut prev = 0u8;
        for &b in s.text {
            let lower = b.to_ascii_lowercase();
            let bit = pair_bit(prev, lower);
            s.pairs[bit >> 6] |= 1 << (bit & 63);
            prev = lower;
            match b {
                b'0'..=b'9' => s.digits += 1,
                b'A'..=b'Z' => s.upper += 1,
                b'.' => {
                    s.dots += 1;
                    s.dot_after_at |= s.at;
                }
                b':' => s.colons += 1,
                b'-' => s.dashes += 1,
                b'+' => s.plus = true,
                b'@' => s.at = true,
                b'?' => s.question = true,
                b'=' => s.equals = true,
                b'/' => s.slash = true,
                b'\\' => s.backslash = true,
                _ => {}
            }
        }
        s
    }

    /// Whether every pair of neighbouring bytes of `needle` (ASCII case aside) is in the
    /// text: `false` means `needle` is not there.
    #[inline]
    pub(super) fn may_hold(&self, needle: &[u8]) -> bool {
        needle.windows(2).all(|w| {
            let bit = pair_bit(w[0].to_ascii_lowercase(), w[1].to_ascii_lowercase());
            self.pairs[bit >> 6] & (1 << (bit & 63)) != 0
        })
    }

    #[inline]
    pub(super) fn len(&self) -> usize {
        self.text.len()
    }

    #[inline]
    pub(super) fn patterns(&self) -> &Patterns {
        self.patterns.get_or_init(|| Patterns::of(self.text))
    }

    /// Whether `needle` occurs. Texts are short runs: a first-byte `memchr` and a compare
    /// beat building a substring searcher for every text.
    #[inline]
    pub(super) fn has(&self, needle: &str) -> bool {
        let n = needle.as_bytes();
        if !self.may_hold(n) {
            return false;
        }
        memchr::memchr_iter(n[0], self.text).any(|at| self.text.get(at..at + n.len()) == Some(n))
    }

    /// Whether `needle` occurs followed by a byte that `next` accepts.
    pub(super) fn followed(&self, needle: &str, next: impl Fn(u8) -> bool) -> bool {
        let n = needle.as_bytes();
        if !self.may_hold(n) {
            return false;
        }
        memchr::memmem::find_iter(self.text, n)
            .any(|at| self.text.get(at + n.len()).is_some_and(|&b| next(b)))
    }

    /// Whether `word` (lower case ASCII) occurs, in any case, right before an assignment:
    /// an optional quote, spaces, then `=` or `:`.
    pub(super) fn assigned_ci(&self, word: &str) -> bool {
        let w = word.as_bytes();
        if !self.may_hold(w) {
            return false;
        }
        let (lo, up) = (w[0], w[0].to_ascii_uppercase());
        memchr::memchr2_iter(lo, up, self.text).any(|at| {
            let Some(found) = self.text.get(at..at + w.len()) else {
                return false;
            };
            if !found.eq_ignore_ascii_case(w) {
                return false;
            }
            let mut i = at + w.len();
            if matches!(self.text.get(i), Some(b'"' | b'\'')) {
                i += 1;
            }
            // `\s` in ASCII mode: space, \t, \n, \v, \f, \r.
            while self
                .text
                .get(i)
                .is_some_and(|b| matches!(b, b' ' | b'\t'..=b'\r'))
            {
                i += 1;
            }
            matches!(self.text.get(i), Some(b'=' | b':'))
        })
    }

    /// Whether `word` (lower case ASCII) occurs, in any case, right before `id`, `guid`
    /// or `uuid`, maybe after one `_` or `-`.
    pub(super) fn then_id_ci(&self, word: &str) -> bool {
        let w = word.as_bytes();
        if !self.may_hold(w) {
            return false;
        }
        let (lo, up) = (w[0], w[0].to_ascii_uppercase());
        let starts = |at: usize, s: &[u8]| {
            self.text
                .get(at..at + s.len())
                .is_some_and(|t| t.eq_ignore_ascii_case(s))
        };
        memchr::memchr2_iter(lo, up, self.text).any(|at| {
            if !starts(at, w) {
                return false;
            }
            let mut i = at + w.len();
            if matches!(self.text.get(i), Some(b'_' | b'-')) {
                i += 1;
            }
            starts(i, b"id") || starts(i, b"guid") || starts(i, b"uuid")
        })
    }

    /// Case-insensitive `has`; `needle` is lower case ASCII.
    #[inline]
    pub(super) fn has_ci(&self, needle: &str) -> bool {
        let n = needle.as_bytes();
        if !self.may_hold(n) {
            return false;
        }
        let (lo, up) = (n[0], n[0].to_ascii_uppercase());
        memchr::memchr2_iter(lo, up, self.text).any(|at| {
            self.text
                .get(at..at + n.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(n))
        })
    }
}

/// The filter bit of the byte pair `(a, b)`, both lowered.
#[inline]
fn pair_bit(a: u8, b: u8) -> usize {
    ((u32::from(a) << 8 | u32::from(b)).wrapping_mul(0x9e37_79b1) >> 22) as usize
}

/// The indexes of the rules that may match in `text`, in table order: a one-pass count
/// of its characters and a few literal searches rule most of them out, so most texts
/// run no regex and most rules are never compiled.
pub fn candidates(text: &str) -> impl Iterator<Item = usize> + '_ {
    let shape = Shape::of(text);
    (0..RULES.len()).filter(move |&i| (RULES[i].may)(&shape))
}
