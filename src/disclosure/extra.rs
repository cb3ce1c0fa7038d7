//! Mozilla's `.extra` files: the annotations the crash reporter uploads as form fields
//! beside a dump. Current versions write one JSON object of string values; old ones wrote
//! `key=value` lines. Each value is kept as the bytes the file holds (JSON escapes
//! included, so that a finding maps to its exact bytes and `scrub` can mask them), with
//! its offset in the file.

/// One annotation: its key, its value as written, and where the value's bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub value: String,
    pub offset: usize,
}

/// The annotations of an `.extra` file, or `None` when it is in neither format.
pub fn parse(text: &str) -> Option<Vec<Entry>> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        json(text)
    } else {
        lines(text)
    }
}

/// `key=value` lines. The writer escapes line breaks (`\n`), but a value written with a
/// raw one continues on the next line: a line that is no `key=value` belongs to the value
/// above it (as the server reads it, nothing after it is lost).
fn lines(text: &str) -> Option<Vec<Entry>> {
    let mut out: Vec<Entry> = Vec::new();
    // Where the last value ends, once it runs on over more lines (set at the end: copying
    // it at every line would cost its length once per line).
    let mut runs_to: Option<usize> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let pair = body
            .split_once('=')
            .filter(|(key, _)| !key.is_empty() && !key.contains(char::is_whitespace));
        match (pair, out.last_mut()) {
            (Some((key, value)), last) => {
                if let (Some(end), Some(last)) = (runs_to.take(), last) {
                    last.value = text[last.offset..end].to_string();
                }
                out.push(Entry {
                    key: key.to_string(),
                    value: value.to_string(),
                    offset: at + key.len() + 1,
                })
            }
            // The value's bytes run on to the end of this line.
            (None, Some(_)) if !body.is_empty() => runs_to = Some(at + body.len()),
            (None, None) if !body.is_empty() => return None,
            _ => {}
        }
        at += line.len();
    }
    if let (Some(end), Some(last)) = (runs_to, out.last_mut()) {
        last.value = text[last.offset..end].to_string();
    }
    (!out.is_empty()).then_some(out)
}

/// A flat JSON object. Non-string values (numbers, `true`, nested objects) are kept as
/// their text.
fn json(text: &str) -> Option<Vec<Entry>> {
    let b = text.as_bytes();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    // The end of the string whose opening quote is at `i`: the index of its closing quote.
    let string_end = |i: usize| -> Option<usize> {
        let mut j = i + 1;
        while j < b.len() {
            match b[j] {
                b'\\' => j += 2,
                b'"' => return Some(j),
                _ => j += 1,
            }
        }
        None
    };
    skip_ws(&mut i);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    let mut out = Vec::new();
    loop {
        skip_ws(&mut i);
        match b.get(i)? {
            b'}' => return Some(out),
            b',' => {
                i += 1;
                continue;
            }
            b'"' => {}
            _ => return None,
        }
        let key_end = string_end(i)?;
        let key = text.get(i + 1..key_end)?.to_string();
        i = key_end + 1;
        skip_ws(&mut i);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i += 1;
        skip_ws(&mut i);
        let (start, end, next) = match b.get(i)? {
            b'"' => {
                let e = string_end(i)?;
                (i + 1, e, e + 1)
            }
            b'{' | b'[' => {
                // A nested value: its text up to the matching bracket.
                let mut depth = 0usize;
                let mut j = i;
                loop {
                    match b.get(j)? {
                        b'"' => j = string_end(j)?,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                (i, j + 1, j + 1)
            }
            _ => {
                let mut j = i;
                while j < b.len() && !matches!(b[j], b',' | b'}') && !b[j].is_ascii_whitespace() {
                    j += 1;
                }
                (i, j, j)
            }
        };
        out.push(Entry {
            key,
            value: text.get(start..end)?.to_string(),
            offset: start,
        });
        i = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_line_break_continues_the_value_above() {
        let text = "Comments=it crashed\nwhen I opened\r\nmy mail\nEmail=kim@example.org\n";
        let got = parse(text).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].value, "it crashed\nwhen I opened\r\nmy mail");
        assert_eq!(
            &text[got[0].offset..got[0].offset + got[0].value.len()],
            got[0].value
        );
        assert_eq!(
            (got[1].key.as_str(), got[1].value.as_str()),
            ("Email", "kim@example.org")
        );
        assert!(parse("no pairs here\n").is_none());
        // A value that runs on over many lines is one value, read once.
        let long = format!("Comments=a\n{}Email=x@y.z\n", "more\n".repeat(100_000));
        let got = parse(&long).unwrap();
        assert_eq!(got[0].value.len(), 1 + 5 * 100_000);
        assert_eq!(got[1].key, "Email");
    }

    #[test]
    fn json_values_keep_their_bytes_and_offsets() {
        let text =
            r#"{"ProductName":"Firefox", "Email":"alice\u0040example.com","n":12,"o":{"a":"}"}}"#;
        let entries = parse(text).unwrap();
        let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["ProductName", "Email", "n", "o"]);
        for e in &entries {
            assert_eq!(&text[e.offset..e.offset + e.value.len()], e.value);
        }
        assert_eq!(entries[1].value, r"alice\u0040example.com");
        assert_eq!(entries[3].value, r#"{"a":"}"}"#);
    }

    #[test]
    fn old_key_value_lines() {
        let text = "ProductName=Firefox\nURL=https://example.com/a?b=c\n";
        let entries = parse(text).unwrap();
        assert_eq!(entries[1].key, "URL");
        assert_eq!(entries[1].value, "https://example.com/a?b=c");
        assert_eq!(&text[entries[1].offset..][..5], "https");
    }

    #[test]
    fn anything_else_is_not_an_extra_file() {
        assert!(parse("just some text").is_none());
        assert!(parse("{\"a\":").is_none());
        assert!(parse("{\"a\":\"x}").is_none());
    }
}
