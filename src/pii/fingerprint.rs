//! Fingerprints: a short name for a finding that baselines, allow entries and code
//! scanning use to recognise it again, and that reveals nothing about its value.
//!
//! CI logs and the baselines of public repositories are public, and user names, IPs and
//! passwords are guessable, so an unkeyed hash of a value gives it back to anyone with a
//! dictionary. A value therefore enters a fingerprint only through HMAC-SHA256 with a key
//! kept out of the repository (`CRASHSCOPE_FINGERPRINT_KEY`, or `--fingerprint-key
//! FILE`): `k-…` fingerprints name a value wherever it is. Without a key, `p-…`
//! fingerprints cover the rule, the file and the place (logical location, offset and
//! length), which everyone can read in the report anyway: a new value at a new place is a
//! new finding, but a different value written at the very same place of the same file is
//! not told apart, and a value that moves is new. What could not be read is named by
//! crashscope's own description and the file in both schemes.
//!
//! Fingerprints of crashscope 0.x before this scheme were FNV-1a 64 of rule and value
//! (16 bare hex digits, [`legacy`]); baselines and allow entries written with them are
//! still matched, with a warning that they should be rewritten.

use std::fmt;
use std::sync::OnceLock;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::{Category, Finding};

/// The environment variable a fingerprint key is read from (its bytes are the key).
pub const KEY_VARIABLE: &str = "CRASHSCOPE_FINGERPRINT_KEY";

/// Which scheme a fingerprint was made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scheme {
    /// HMAC of rule and value: `k-` + 16 hex digits.
    Keyed,
    /// Hash of rule, file and place: `p-` + 16 hex digits.
    Place,
    /// FNV-1a 64 of rule and value, as crashscope wrote it before: 16 hex digits.
    Legacy,
}

/// A fingerprint: its scheme and 64 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fingerprint {
    pub scheme: Scheme,
    pub hash: u64,
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = match self.scheme {
            Scheme::Keyed => "k-",
            Scheme::Place => "p-",
            Scheme::Legacy => "",
        };
        write!(f, "{prefix}{:016x}", self.hash)
    }
}

impl serde::Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::str::FromStr for Fingerprint {
    type Err = String;

    fn from_str(s: &str) -> Result<Fingerprint, String> {
        let lower = s.trim().to_ascii_lowercase();
        let (scheme, digits) = if let Some(d) = lower.strip_prefix("k-") {
            (Scheme::Keyed, d)
        } else if let Some(d) = lower.strip_prefix("p-") {
            (Scheme::Place, d)
        } else {
            (Scheme::Legacy, lower.as_str())
        };
        match (digits.len(), u64::from_str_radix(digits, 16)) {
            (16, Ok(hash)) if digits.bytes().all(|b| b.is_ascii_hexdigit()) => {
                Ok(Fingerprint { scheme, hash })
            }
            _ => Err(format!(
                "{s:?} is not a fingerprint (k- or p- and 16 hex digits, as audit prints them)"
            )),
        }
    }
}

/// A fingerprint key: at least 16 bytes, never printed.
#[derive(Clone)]
pub struct Key(Vec<u8>);

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(<hidden>)")
    }
}

impl Key {
    pub fn new(bytes: Vec<u8>) -> Result<Key, String> {
        // A trailing line break is how `echo` and editors end a key file.
        let mut bytes = bytes;
        while bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            bytes.pop();
        }
        if bytes.len() < 16 {
            return Err(format!(
                "the fingerprint key has {} bytes; use at least 16 random bytes (openssl rand -hex 32)",
                bytes.len()
            ));
        }
        Ok(Key(bytes))
    }

    /// A name for the key that reveals nothing of it: reports carry it so that a baseline
    /// made with another key is refused instead of silently matching nothing.
    pub fn id(&self) -> String {
        format!("{:016x}", self.mac(&[b"crashscope key id"]))
    }

    fn mac(&self, parts: &[&[u8]]) -> u64 {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key");
        for p in parts {
            mac.update(&(p.len() as u64).to_le_bytes());
            mac.update(p);
        }
        first_u64(&mac.finalize().into_bytes())
    }
}

fn first_u64(bytes: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&bytes[..8]);
    u64::from_be_bytes(b)
}

fn sha(parts: &[&[u8]]) -> u64 {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    first_u64(&h.finalize())
}

/// The fingerprint of `f` in `file` (as the report names it), keyed when `key` is set.
pub fn of(key: Option<&Key>, file: &str, f: &Finding) -> Fingerprint {
    // crashscope's own description of what it could not read is printed in clear, so it
    // may enter either scheme; with the file, one accepted link never passes another.
    if f.category == Category::Unreadable {
        let parts: [&[u8]; 4] = [
            b"unread",
            f.rule.as_bytes(),
            file.as_bytes(),
            f.value.as_bytes(),
        ];
        return match key {
            Some(k) => Fingerprint {
                scheme: Scheme::Keyed,
                hash: k.mac(&parts),
            },
            None => Fingerprint {
                scheme: Scheme::Place,
                hash: sha(&parts),
            },
        };
    }
    match key {
        Some(k) => Fingerprint {
            scheme: Scheme::Keyed,
            hash: k.mac(&[b"value", f.rule.as_bytes(), f.value.as_bytes()]),
        },
        None => Fingerprint {
            scheme: Scheme::Place,
            hash: sha(&[
                b"place",
                f.rule.as_bytes(),
                file.as_bytes(),
                f.location.logical().as_bytes(),
                &f.offset.to_le_bytes(),
                &f.length.to_le_bytes(),
            ]),
        },
    }
}

/// The fingerprint of a group of findings (one SARIF result standing for many): it covers
/// the set of its members' fingerprints, so a new value (or, unkeyed, a new place) makes
/// a new group. Members are already keyed or placed, so hashing them adds nothing to hide.
pub fn of_group(
    rule: &str,
    file: &str,
    members: impl IntoIterator<Item = Fingerprint>,
) -> Fingerprint {
    let mut set: Vec<Fingerprint> = members.into_iter().collect();
    set.sort_unstable();
    set.dedup();
    let scheme = set.first().map_or(Scheme::Place, |f| f.scheme);
    let mut h = Sha256::new();
    for p in [b"group".as_slice(), rule.as_bytes(), file.as_bytes()] {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    for f in &set {
        h.update(f.hash.to_be_bytes());
    }
    Fingerprint {
        scheme,
        hash: first_u64(&h.finalize()),
    }
}

/// FNV-1a 64 of `rule \0 value`: the fingerprint crashscope wrote before keyed ones, kept
/// only to match old baselines and allow entries.
pub fn legacy(rule: &str, value: &str) -> Fingerprint {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in rule.bytes().chain([0u8]).chain(value.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    Fingerprint {
        scheme: Scheme::Legacy,
        hash: h,
    }
}

static KEY: OnceLock<Option<Key>> = OnceLock::new();

/// Set the run's key from `file`, or else from [`KEY_VARIABLE`]. Call once, before any
/// fingerprint is made; later calls change nothing.
pub fn configure(file: Option<&std::path::Path>) -> Result<(), String> {
    let key = match file {
        Some(path) => {
            let bytes = read_key_file(path)
                .map_err(|e| format!("{}: cannot read the fingerprint key: {e}", path.display()))?;
            Some(Key::new(bytes).map_err(|e| format!("{}: {e}", path.display()))?)
        }
        None => match std::env::var_os(KEY_VARIABLE) {
            Some(v) if !v.is_empty() => {
                Some(Key::new(v.into_encoded_bytes()).map_err(|e| format!("{KEY_VARIABLE}: {e}"))?)
            }
            _ => None,
        },
    };
    let _ = KEY.set(key);
    Ok(())
}

/// A key file's bytes; a link is followed (secret mounts are links), but only a regular
/// file of at most 64 KiB is read.
fn read_key_file(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut bytes = Vec::new();
    file.take(1 << 16).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The run's key ([`configure`]; without it, the environment's).
pub fn key() -> Option<&'static Key> {
    KEY.get_or_init(|| {
        std::env::var_os(KEY_VARIABLE)
            .filter(|v| !v.is_empty())
            .and_then(|v| Key::new(v.into_encoded_bytes()).ok())
    })
    .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_is_fnv_1a_of_rule_and_value() {
        // FNV-1a 64 of `rule \0 value`, worked out apart from this code (Python's
        // integers): old baselines keep matching.
        assert_eq!(legacy("email", "a@b.io").to_string(), "3c3df5c94ad44e18");
        assert_eq!(
            legacy("user-name", "a@b.io").to_string(),
            "0635eacf9ce6099f"
        );
        assert_eq!(legacy("", "").to_string(), "af63bd4c8601b7df");
    }

    #[test]
    fn fingerprints_parse_back() {
        for s in [
            "k-00ff00ff00ff00ff",
            "p-0123456789abcdef",
            "0123456789ABCDEF",
        ] {
            let fp: Fingerprint = s.parse().unwrap();
            assert_eq!(fp.to_string(), s.to_ascii_lowercase());
        }
        for bad in [
            "k-123",
            "x-0123456789abcdef",
            "",
            "k-0123456789abcdeg",
            "+123456789abcdef",
        ] {
            assert!(bad.parse::<Fingerprint>().is_err(), "{bad}");
        }
    }

    #[test]
    fn keys_are_long_and_hidden() {
        assert!(Key::new(b"short\n".to_vec()).is_err());
        let k = Key::new(b"0123456789abcdef\n".to_vec()).unwrap();
        assert_eq!(format!("{k:?}"), "Key(<hidden>)");
        assert_eq!(k.id(), Key::new(b"0123456789abcdef".to_vec()).unwrap().id());
        assert_ne!(k.id(), Key::new(b"0123456789abcdeF".to_vec()).unwrap().id());
    }
}
