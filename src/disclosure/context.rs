//! Crash contexts that engines write into a custom stream as XML: Unreal Engine's
//! `FGenericCrashContext` (stream 0x10000 in UE4/UE5 dumps, UTF-16LE, sometimes UTF-8),
//! and any other custom stream that is an XML document.
//!
//! Every leaf element `<Name>value</Name>` becomes a field `crash_context.Name` with the
//! byte origin of its value, so rules can judge each value by the name it is stored
//! under (`MachineId`, `LoginId`, `EpicAccountId`, `UserName`, `CommandLine`). Work is
//! one pass over the stream's code units; values are not unescaped (`&amp;` stays), so
//! their bytes in the file are exactly the field's.

use super::{Encoding, Field, FieldKind, Origin};

/// The longest element name taken as one.
const MAX_NAME: usize = 128;

/// The longest tag (name, attributes) read as one.
const MAX_TAG: usize = 1024;

fn is_space(c: u16) -> bool {
    matches!(c, 0x20 | 0x09 | 0x0a | 0x0d)
}

fn starts_with(code: &[u16], s: &str) -> bool {
    code.len() >= s.len() && s.bytes().zip(code).all(|(b, &c)| u16::from(b) == c)
}

fn find(code: &[u16], s: &str) -> Option<usize> {
    (0..code.len()).find(|&k| starts_with(&code[k..], s))
}

/// Whether `</name>` (spaces allowed before `>`) starts at `at`.
fn closing(code: &[u16], at: usize, name: &str) -> bool {
    let rest = code.get(at..).unwrap_or_default();
    if !starts_with(rest, "</") || !starts_with(&rest[2..], name) {
        return false;
    }
    rest[2 + name.len()..]
        .iter()
        .take(MAX_TAG)
        .find(|&&c| !is_space(c))
        == Some(&u16::from(b'>'))
}

/// How the stream's text is stored.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Units {
    Utf8,
    Utf16,
}

/// Whether `stream` looks like an XML document, and in which encoding.
fn detect(stream: &[u8]) -> Option<Units> {
    // A UTF-16 byte-order mark, then `<`.
    let (body, units) = match stream {
        [0xff, 0xfe, rest @ ..] => (rest, Units::Utf16),
        [0xef, 0xbb, 0xbf, rest @ ..] => (rest, Units::Utf8),
        [b'<', 0, ..] => (stream, Units::Utf16),
        [b'<', ..] => (stream, Units::Utf8),
        _ => return None,
    };
    let head: Vec<u8> = match units {
        Units::Utf8 => body.iter().take(64).copied().collect(),
        Units::Utf16 => body.chunks_exact(2).take(64).map(|c| c[0]).collect(),
    };
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    (head.starts_with("<?xml")
        || head.starts_with("<fgenericcrashcontext")
        || head.starts_with("<runtimeproperties"))
    .then_some(units)
}

/// The fields of a crash-context stream at file offset `offset`, or `None` when the
/// stream is not XML (it is then scanned as raw bytes only).
pub fn fields(stream: &[u8], offset: u64) -> Option<Vec<Field>> {
    let units = detect(stream)?;
    let size = match units {
        Units::Utf8 => 1,
        Units::Utf16 => 2,
    };
    let code: Vec<u16> = match units {
        Units::Utf8 => stream.iter().map(|&b| u16::from(b)).collect(),
        Units::Utf16 => stream
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect(),
    };
    let lt = u16::from(b'<');
    let gt = u16::from(b'>');
    let slash = u16::from(b'/');
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    let mut i = 0;
    while i < code.len() {
        if code[i] != lt {
            i += 1;
            continue;
        }
        // `<Name>`: a name of ASCII letters, digits, `_`, `-`, `.`, `:`.
        let name_start = i + 1;
        let mut j = name_start;
        while j < code.len()
            && j - name_start <= MAX_NAME
            && u8::try_from(code[j])
                .is_ok_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':'))
        {
            j += 1;
        }
        if j == name_start || j >= code.len() {
            i += 1;
            continue;
        }
        // Then attributes or spaces (`<LoginId >`, `<Id type="epic">`), as any XML reader
        // takes them, up to `>`; `<Name/>` holds nothing.
        let Some(close) = code[j..]
            .iter()
            .take(MAX_TAG)
            .position(|&c| c == gt || c == lt)
            .map(|k| j + k)
            .filter(|&k| code[k] == gt)
        else {
            i += 1;
            continue;
        };
        let bare = code[j..close].iter().all(|&c| is_space(c))
            || u8::try_from(code[j]).is_ok_and(|c| c.is_ascii_whitespace());
        if !bare || code[close - 1] == slash {
            i += 1;
            continue;
        }
        let name: String = code[name_start..j]
            .iter()
            .map(|&c| c as u8 as char)
            .collect();
        // The value runs to the next `<` (or is a CDATA section, its content the value);
        // it is a leaf when what follows closes `name`.
        let mut value_start = close + 1;
        let (value_end, after) = if starts_with(&code[value_start..], "<![CDATA[") {
            value_start += 9;
            let Some(k) = find(&code[value_start..], "]]>") else {
                break;
            };
            (value_start + k, value_start + k + 3)
        } else {
            let Some(k) = code[value_start..].iter().position(|&c| c == lt) else {
                break;
            };
            (value_start + k, value_start + k)
        };
        let len = value_end - value_start;
        let closes = closing(&code, after, &name);
        if closes && len > 0 {
            let value = match units {
                Units::Utf8 => super::raw::lossy(&stream[value_start..value_end]),
                Units::Utf16 => String::from_utf16_lossy(&code[value_start..value_end]),
            };
            let n = seen.entry(name.clone()).or_insert(0);
            let path = if *n == 0 {
                format!("crash_context.{name}")
            } else {
                format!("crash_context.{name}[{n}]")
            };
            *n += 1;
            out.push(Field {
                path,
                kind: FieldKind::CrashContext { key: name },
                value,
                origin: Origin {
                    offset: offset + (value_start * size) as u64,
                    len: (len * size) as u64,
                    encoding: match units {
                        Units::Utf8 => Encoding::Utf8,
                        Units::Utf16 => Encoding::Utf16le,
                    },
                },
            });
        }
        // Go on from the value's end: nested elements are reached in turn.
        i = value_end.max(i + 1);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
    }

    #[test]
    fn leaf_elements_become_fields_with_their_bytes() {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FGenericCrashContext>\n<RuntimeProperties><MachineId>ABCDEF0123</MachineId><UserName></UserName><CommandLine>Game -epicusername=alice</CommandLine></RuntimeProperties></FGenericCrashContext>";
        for (bytes, size, enc) in [
            (utf16(xml), 2, Encoding::Utf16le),
            (xml.as_bytes().to_vec(), 1, Encoding::Utf8),
        ] {
            let fields = fields(&bytes, 1000).expect("xml");
            let paths: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
            assert_eq!(
                paths,
                ["crash_context.MachineId", "crash_context.CommandLine"]
            );
            let m = &fields[0];
            assert_eq!(m.value, "ABCDEF0123");
            assert_eq!(m.origin.encoding, enc);
            let at = (m.origin.offset - 1000) as usize;
            assert_eq!(at, xml.find("ABCDEF").unwrap() * size);
            assert_eq!(m.origin.len as usize, 10 * size);
        }
    }

    #[test]
    fn cdata_spaces_and_attributes_are_read_as_an_xml_reader_reads_them() {
        let xml = "<?xml version=\"1.0\"?>\n<FGenericCrashContext><RuntimeProperties><LoginId >9f8e7d6c5b4a</LoginId ><EpicAccountId type=\"epic\"><![CDATA[0123456789abcdef]]></EpicAccountId><Empty/><UserName>\n  <![CDATA[kim]]>\n</UserName></RuntimeProperties></FGenericCrashContext>";
        for bytes in [utf16(xml), xml.as_bytes().to_vec()] {
            let size = bytes.len() / xml.len();
            let fields = fields(&bytes, 0).expect("xml");
            let got: Vec<(&str, &str)> = fields
                .iter()
                .map(|f| (f.path.as_str(), f.value.as_str()))
                .collect();
            assert_eq!(
                got[..2],
                [
                    ("crash_context.LoginId", "9f8e7d6c5b4a"),
                    ("crash_context.EpicAccountId", "0123456789abcdef")
                ]
            );
            let cdata = &fields[1];
            let at = cdata.origin.offset as usize / size;
            assert_eq!(&xml[at..at + 16], "0123456789abcdef");
        }
    }

    #[test]
    fn not_xml_is_none_and_junk_is_bounded() {
        assert!(fields(b"\x01\x02binary", 0).is_none());
        let junk = "<?xml ".to_string() + &"<a><b><".repeat(10_000);
        assert!(fields(junk.as_bytes(), 0).unwrap().is_empty());
    }
}
