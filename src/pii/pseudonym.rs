//! Keyed pseudonyms: an identifier is replaced by HMAC-SHA256(key, category, value)
//! rendered in the value's own length and alphabet — lower-case letters stay lower-case
//! letters, digits stay digits, hex stays hex, punctuation (`@ . - / :`) stays — so an
//! e-mail still looks like an e-mail, reports of one person still link together, and
//! nobody without the key can tell who it was. Case is folded first, so `Alice` and
//! `alice` get the same letters (in their own case).
//!
//! The last letters and digits of a pseudonym (half of them, at most 8) are a keyed check
//! of the rest, so that `audit --pseudonym-key` (and scrub's own re-audit) can tell a
//! pseudonym from a real value without knowing what it replaced. The check costs: a real
//! value passes for a pseudonym by chance once in 20^k (k check letters; a 5-letter user
//! name has 3: one in 8,000), and short values have fewer distinct pseudonyms (a 5-letter
//! name, 676). A value with fewer than two letters and digits carries no check and is
//! never taken for a pseudonym.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::Category;

/// The categories that are pseudonymized; others are masked.
pub fn applies(category: Category) -> bool {
    matches!(
        category,
        Category::UserName | Category::HostName | Category::InstallId | Category::Email
    )
}

/// A key read from a file: at least 16 bytes.
#[derive(Clone)]
pub struct Pseudonymizer {
    key: Vec<u8>,
}

impl std::fmt::Debug for Pseudonymizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonymizer { key: <hidden> }")
    }
}

impl Pseudonymizer {
    pub fn new(key: Vec<u8>) -> Result<Pseudonymizer, String> {
        if key.len() < 16 {
            return Err(format!(
                "the pseudonym key has {} bytes; use at least 16 random bytes (head -c 32 /dev/urandom > key)",
                key.len()
            ));
        }
        Ok(Pseudonymizer { key })
    }

    /// `n` bytes derived from the key and `input` (HMAC-SHA256 in counter mode).
    fn stream(&self, input: &[u8], n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n + 32);
        let mut counter = 0u32;
        while out.len() < n {
            let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
            mac.update(&counter.to_le_bytes());
            mac.update(input);
            out.extend_from_slice(&mac.finalize().into_bytes());
            counter += 1;
        }
        out.truncate(n);
        out
    }

    /// The pseudonym of a text value: same length in characters, same classes, ending in
    /// its check.
    pub fn text(&self, category: Category, value: &str) -> String {
        let folded = value.to_lowercase();
        let hex = is_hex_form(value);
        let mut input = category.as_str().as_bytes().to_vec();
        input.push(0);
        input.extend_from_slice(folded.as_bytes());
        let r = self.stream(&input, value.chars().count());
        let body = value
            .chars()
            .zip(r)
            .map(|(c, b)| {
                if c.is_ascii_alphanumeric() {
                    render(c, b, hex, false)
                } else if c.is_ascii() {
                    c
                } else {
                    // Non-ASCII letters: an ASCII letter of one byte would change the
                    // UTF-8 length; keep the byte length with the mask.
                    '\u{0}'
                }
            })
            .flat_map(|c| if c == '\u{0}' { None } else { Some(c) })
            .collect::<String>()
            + &non_ascii_fill(value);
        self.with_check(&body)
    }

    /// Whether `value` is a pseudonym this key wrote (case does not matter).
    pub fn recognises(&self, value: &str) -> bool {
        check_len(value.chars().filter(char::is_ascii_alphanumeric).count()) > 0
            && self.with_check(value).eq_ignore_ascii_case(value)
    }

    /// `p` with its last [`check_len`] letters and digits replaced by a keyed check of
    /// the rest. Each replaced character keeps its class, and letters of a value that is
    /// not hex become `g`–`z`, so the value's form (hex or not) is the same before and
    /// after: the check is recomputed from the pseudonym alone.
    fn with_check(&self, p: &str) -> String {
        let mut chars: Vec<char> = p.chars().collect();
        let hex = is_hex_form(p);
        let free: Vec<usize> = (0..chars.len())
            .filter(|&i| chars[i].is_ascii_alphanumeric())
            .collect();
        let k = check_len(free.len());
        let checks = &free[free.len() - k..];
        let mut head = b"check\0".to_vec();
        for (i, c) in chars.iter().enumerate() {
            let c = if checks.contains(&i) {
                '\0'
            } else {
                c.to_ascii_lowercase()
            };
            head.extend_from_slice(c.to_string().as_bytes());
        }
        let r = self.stream(&head, k);
        for (&at, b) in checks.iter().zip(r) {
            chars[at] = render(chars[at], b, hex, true);
        }
        chars.into_iter().collect()
    }

    /// The 16 bytes of a binary UUID whose pseudonym is the pseudonym of its text form,
    /// so that the binary client id and its text in annotations stay linked.
    pub fn uuid_bytes(&self, uuid_text: &str) -> Option<[u8; 16]> {
        crate::source::crashpad::uuid_bytes(&self.text(Category::InstallId, uuid_text))
    }
}

/// How many of a value's `m` letters and digits are its check.
fn check_len(m: usize) -> usize {
    if m < 2 {
        0
    } else {
        m.div_ceil(2).min(8)
    }
}

/// UUID-like and other hex values stay hex.
fn is_hex_form(value: &str) -> bool {
    value.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        && value.chars().filter(|c| c.is_ascii_hexdigit()).count() >= 8
}

/// A character of `c`'s class from the byte `b`; check letters of a value that is not hex
/// are `g`–`z`, so a check never makes a value look hex.
fn render(c: char, b: u8, hex: bool, check: bool) -> char {
    let b = u32::from(b);
    let (lower, upper, n) = if check {
        (b'g', b'G', 20)
    } else {
        (b'a', b'A', 26)
    };
    if hex && c.is_ascii_hexdigit() {
        let h = char::from_digit(b % 16, 16).unwrap_or('0');
        if c.is_ascii_uppercase() {
            h.to_ascii_uppercase()
        } else {
            h
        }
    } else if c.is_ascii_lowercase() {
        char::from(lower + (b % n) as u8)
    } else if c.is_ascii_uppercase() {
        char::from(upper + (b % n) as u8)
    } else if c.is_ascii_digit() {
        char::from(b'0' + (b % 10) as u8)
    } else {
        c
    }
}

/// Masks for the UTF-8 bytes of a value's non-ASCII characters (appended, so the byte
/// length is unchanged).
fn non_ascii_fill(value: &str) -> String {
    let n: usize = value
        .chars()
        .filter(|c| !c.is_ascii())
        .map(char::len_utf8)
        .sum();
    crate::pii::MASK.to_string().repeat(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_per_key_different_across_keys_same_shape() {
        let a = Pseudonymizer::new(b"0123456789abcdef-key-a".to_vec()).unwrap();
        let b = Pseudonymizer::new(b"0123456789abcdef-key-b".to_vec()).unwrap();
        let e = "Alice.Smith@example.com";
        let pa = a.text(Category::Email, e);
        assert_eq!(pa, a.text(Category::Email, e), "same key, same pseudonym");
        assert_eq!(
            pa,
            a.text(Category::Email, &e.to_lowercase())
                .chars()
                .zip(e.chars())
                .map(|(p, c)| if c.is_ascii_uppercase() {
                    p.to_ascii_uppercase()
                } else {
                    p
                })
                .collect::<String>(),
            "case folded"
        );
        assert_ne!(
            pa,
            b.text(Category::Email, e),
            "another key, another pseudonym"
        );
        assert_eq!(pa.len(), e.len());
        assert!(
            pa.chars().next().unwrap().is_ascii_uppercase()
                && pa.contains('@')
                && pa.ends_with(&pa[pa.len() - 4..])
        );
        assert_eq!(pa.find('@'), e.find('@'));
        let id = "8d551751-9c15-4154-8c77-d0b2e86bcaae";
        let p = a.text(Category::InstallId, id);
        assert!(crate::source::crashpad::is_uuid(&p), "{p}");
        let raw = a.uuid_bytes(id).unwrap();
        assert_eq!(
            crate::source::crashpad::uuid_string(&raw),
            p,
            "binary and text agree"
        );
        assert!(Pseudonymizer::new(b"short".to_vec()).is_err());
        let u = "Jürgen";
        assert_eq!(a.text(Category::UserName, u).len(), u.len());
    }

    #[test]
    fn pseudonyms_are_recognised_by_their_key_only() {
        let a = Pseudonymizer::new(b"0123456789abcdef-key-a".to_vec()).unwrap();
        let b = Pseudonymizer::new(b"0123456789abcdef-key-b".to_vec()).unwrap();
        let values = [
            "alice",
            "Alice.Smith@example.com",
            "alice-laptop.corp.example.com",
            "8d551751-9c15-4154-8c77-d0b2e86bcaae",
            "DEADBEEF00",
            "ab12",
            "Jürgen",
        ];
        for v in values {
            for c in [Category::UserName, Category::Email, Category::InstallId] {
                let p = a.text(c, v);
                assert!(a.recognises(&p), "{v} -> {p}");
                assert!(a.recognises(&p.to_uppercase()), "{p}: case does not matter");
                assert!(!b.recognises(&p) || p.len() < 6, "another key: {p}");
                assert_eq!(p.len(), v.len());
            }
            assert!(!a.recognises(v), "{v} is not a pseudonym");
        }
        // Real values pass by chance about once in 20^k: out of 2,000 names, few.
        let by_chance = (0..2000)
            .filter(|i| a.recognises(&format!("user{i:04}name")))
            .count();
        assert!(by_chance <= 2, "{by_chance}");
        assert!(!a.recognises("x"), "too short to carry a check");
    }
}
