//! Environment blocks found inside process memory.
//!
//! Most writers save no environ stream: the environment is in memory, as the `envp`
//! strings at the top of the main thread's stack on Linux and macOS (`NAME=value\0...`)
//! and as the process environment block on Windows (UTF-16LE `NAME=value\0...\0\0`, in
//! the heap or another region). A run of at least [`MIN_BLOCK`] such entries, each
//! right after the previous one's NUL, is an environment block: each entry becomes an
//! inventory field with the byte origin of its value, exactly like
//! an entry of the Linux environ stream, so every environment rule applies to it.
//!
//! This module only recognises the shape; the memory scan (`pii::memory`) feeds it the
//! text runs it already extracts, so recognising blocks costs no extra pass over memory.

use super::{Encoding, Field, FieldKind, Origin, Region};

/// The fewest consecutive entries that make a block (a lone `key=value` is text).
pub const MIN_BLOCK: usize = 3;

/// Entries shorter than the memory scan's shortest run (`A=1`) are not reported as runs:
/// up to this many characters between two entries keep a block together.
pub const GAP: usize = 8;

/// The longest variable name taken as one.
const MAX_NAME: usize = 128;

/// The length of the name when `text` is shaped like an environment entry: `NAME=value`
/// with a name of letters, digits, `_`, `(`, `)`, `.`, `-` that does not start with a
/// digit or `-` (`ProgramFiles(x86)`), or one of Windows' hidden per-drive entries
/// (`=C:=C:\dir`, `=ExitCode=00000000`).
pub fn entry_name_len(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let hidden = b.first() == Some(&b'=');
    let from = usize::from(hidden);
    let eq = from + b.get(from..)?.iter().position(|&c| c == b'=')?;
    let name = &b[from..eq];
    let first = *name.first()?;
    let ok = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'(' | b')' | b'.' | b'-');
    let shaped = (first.is_ascii_alphabetic() || first == b'_' || (hidden && first != b'='))
        && name.len() <= MAX_NAME
        && name.iter().all(|&c| ok(c) || (hidden && c == b':'));
    shaped.then_some(eq)
}

/// One entry of a block: where its text starts inside `region`, and the text (borrowed
/// from the region's bytes when they are ASCII, narrowed from UTF-16 otherwise).
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub offset: usize,
    pub text: std::borrow::Cow<'a, str>,
}

/// The fields of a block's entries found in `region` (text runs at `entries`, UTF-16LE
/// when `wide`). Entries with an empty value give no field.
pub fn fields(region: &Region, entries: &[Entry<'_>], wide: bool) -> Vec<Field> {
    let unit = if wide { 2 } else { 1 };
    entries
        .iter()
        .filter_map(|e| {
            let eq = entry_name_len(&e.text)?;
            let value = &e.text[eq + 1..];
            if value.is_empty() {
                return None;
            }
            let name = &e.text[..eq];
            Some(Field {
                path: format!("memory[{}].environ.{name}", region.label()),
                kind: FieldKind::EnvVar {
                    name: name.to_string(),
                    block: Some(region.label()),
                },
                value: value.to_string(),
                origin: Origin {
                    offset: region.file_offset + (e.offset + (eq + 1) * unit) as u64,
                    len: (value.len() * unit) as u64,
                    encoding: if wide {
                        Encoding::Utf16le
                    } else {
                        Encoding::Utf8
                    },
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_shapes() {
        assert_eq!(entry_name_len("HOME=/home/alice"), Some(4));
        assert_eq!(
            entry_name_len("ProgramFiles(x86)=C:\\Program Files (x86)"),
            Some(17)
        );
        assert_eq!(entry_name_len("=C:=C:\\Users\\alice"), Some(3));
        assert_eq!(entry_name_len("EMPTY="), Some(5));
        for not in [
            "--mojo-channel-token=ABC",
            "https://x.example/?a=b",
            "no equals here",
            "=",
            "==x",
            "9LIVES=x",
            "a b=c",
        ] {
            assert_eq!(entry_name_len(not), None, "{not}");
        }
    }
}
