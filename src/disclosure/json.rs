//! The scalar values of JSON documents inside an attachment, each with its key path and
//! the place of its bytes: sentry-native's envelopes (a JSON header line, then items, the
//! event and the session as JSON), `session.json`, `__sentry-event`-style files. A value
//! is then judged by its name (`user.username`, `did`) as well as its shape.
//!
//! Tolerant, like the servers that read these files: a document starts at any line that
//! starts with `{` or `[`; what does not parse ends that document (what it read before
//! is kept) and the search goes on at the next line. Values keep the bytes the file holds (escapes included), so a finding
//! maps to its exact bytes and `scrub` can mask them. Nesting deeper than [`MAX_DEPTH`]
//! is not followed (its values are still scanned as text by the caller).

use super::extra::Entry;

/// How deep objects and arrays are followed.
const MAX_DEPTH: usize = 32;

/// The longest key path kept: a value's name is copied into its field, so a huge key
/// above many values would otherwise cost its size once per value.
const MAX_PATH: usize = 256;

/// Every scalar value of the JSON documents in `bytes`.
pub fn entries(bytes: &[u8]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut line = 0;
    while line < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[line..]).map_or(bytes.len(), |i| line + i);
        let start = line
            + bytes[line..end]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
        let mut next = end + 1;
        if start < end && matches!(bytes[start], b'{' | b'[') {
            let mut p = Parser {
                b: bytes,
                i: start,
                out: &mut out,
            };
            let mut path = String::new();
            // A document skips the lines it spans, a broken one too: what it read before
            // it broke is kept, and the search goes on after the line it broke on (each
            // byte is read once, whatever the input).
            let parsed = p.value(&mut path, 0).is_some();
            let stop = p.i.min(bytes.len());
            next = if parsed {
                next.max(stop)
            } else {
                memchr::memchr(b'\n', &bytes[stop..])
                    .map_or(bytes.len(), |i| stop + i + 1)
                    .max(next)
            };
        }
        line = next;
    }
    out
}

struct Parser<'a, 'o> {
    b: &'a [u8],
    i: usize,
    out: &'o mut Vec<Entry>,
}

impl Parser<'_, '_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    /// A string whose opening quote is at `self.i`: its raw content and offset.
    fn string(&mut self) -> Option<(usize, usize)> {
        if self.b.get(self.i) != Some(&b'"') {
            return None;
        }
        let start = self.i + 1;
        let mut j = start;
        while j < self.b.len() {
            match self.b[j] {
                b'\\' => j += 2,
                b'"' => {
                    self.i = j + 1;
                    return Some((start, j));
                }
                b'\n' => return None,
                _ => j += 1,
            }
        }
        None
    }

    fn push(&mut self, path: &str, start: usize, end: usize) {
        if let Ok(value) = std::str::from_utf8(&self.b[start..end]) {
            if !value.is_empty() {
                self.out.push(Entry {
                    key: path.to_string(),
                    value: value.to_string(),
                    offset: start,
                });
            }
        }
    }

    fn value(&mut self, path: &mut String, depth: usize) -> Option<()> {
        self.ws();
        match *self.b.get(self.i)? {
            b'{' if depth < MAX_DEPTH => {
                self.i += 1;
                if self.eat(b'}').is_some() {
                    return Some(());
                }
                loop {
                    self.ws();
                    let (ks, ke) = self.string()?;
                    let key = std::str::from_utf8(&self.b[ks..ke]).ok()?;
                    self.eat(b':')?;
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    let room = MAX_PATH.saturating_sub(path.len());
                    let cut = (0..=key.len().min(room))
                        .rev()
                        .find(|&i| key.is_char_boundary(i))
                        .unwrap_or(0);
                    path.push_str(&key[..cut]);
                    self.value(path, depth + 1)?;
                    path.truncate(len);
                    if self.eat(b',').is_none() {
                        return self.eat(b'}');
                    }
                }
            }
            b'[' if depth < MAX_DEPTH => {
                self.i += 1;
                if self.eat(b']').is_some() {
                    return Some(());
                }
                loop {
                    // Array items keep their parent's name (`tags`, `frames`).
                    self.value(path, depth + 1)?;
                    if self.eat(b',').is_none() {
                        return self.eat(b']');
                    }
                }
            }
            b'"' => {
                let (s, e) = self.string()?;
                self.push(path, s, e);
                Some(())
            }
            b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => {
                let s = self.i;
                while self.i < self.b.len()
                    && matches!(self.b[self.i], b'-' | b'+' | b'.' | b'0'..=b'9' | b'a'..=b'z' | b'E')
                {
                    self.i += 1;
                }
                let text = &self.b[s..self.i];
                if !matches!(text, b"true" | b"false" | b"null") {
                    self.push(path, s, self.i);
                }
                (self.i > s).then_some(())
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(bytes: &[u8]) -> Vec<(String, String, usize)> {
        entries(bytes)
            .into_iter()
            .map(|e| (e.key, e.value, e.offset))
            .collect()
    }

    #[test]
    fn values_have_their_paths_and_places() {
        let doc = br#"{"user":{"username":"sam","id":42,"ok":true},"tags":["a\"b"]}"#;
        let got = pairs(doc);
        assert_eq!(
            got,
            vec![
                ("user.username".into(), "sam".into(), 21),
                ("user.id".into(), "42".into(), 31),
                ("tags".into(), "a\\\"b".into(), 54),
            ]
        );
        for (_, v, at) in &got {
            assert_eq!(&doc[*at..*at + v.len()], v.as_bytes());
        }
    }

    #[test]
    fn envelopes_and_broken_documents_are_read_line_by_line() {
        let mut e = b"{\"event_id\":\"x\"}\n{\"type\":\"event\"}\n".to_vec();
        e.extend(b"{\"user\":{\"name\":\"Sam Lee\"}}\n\x00\x01MDMP{not json\n");
        e.extend(b"{\"did\":\"u-1\",\"broken\":\n{\"sid\":\"s\"}\n");
        let keys: Vec<String> = entries(&e).into_iter().map(|e| e.key).collect();
        assert_eq!(keys, ["event_id", "type", "user.name", "did", "broken.sid"]);
        // A huge key above many values is not copied whole into each of them.
        let doc = format!("{{\"{}\":[{}1]}}", "k".repeat(100_000), "1,".repeat(1_000));
        let got = entries(doc.as_bytes());
        assert_eq!(got.len(), 1_001);
        assert!(got.iter().all(|e| e.key.len() <= MAX_PATH));
        // Deep nesting stops, it does not overflow.
        let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(entries(deep.as_bytes()).is_empty());
    }
}
