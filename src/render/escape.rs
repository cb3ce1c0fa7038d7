//! The one function that makes untrusted text safe for a terminal.
//!
//! Everything in a dump or a database was written by a crashing program and may have
//! been crafted: an annotation holding `\x1b[2J` would clear the screen, a bidi override
//! would make `gpj.exe` read as `exe.jpg`, a zero-width space would hide a difference.
//! Every string taken from input passes through [`escape`] before it is printed, in
//! every human view. JSON output needs no such care: serde_json escapes controls, and
//! its readers are programs.

use std::borrow::Cow;
use std::fmt::Write;

/// True for the characters that must never reach a terminal raw.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        // C0 controls (tab and newline too: a field is shown on one line), DEL, C1 controls.
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        // Bidi embeddings, overrides and isolates, and the implicit marks.
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}'
        // Zero-width and invisible formatting characters.
        | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{ad}'
        // Line and paragraph separators.
        | '\u{2028}' | '\u{2029}'
    )
}

/// `text` with every unsafe character written as an escape: `\x1b`, `\u{202e}`, `\0`.
///
/// Returns the input unchanged (and unallocated) when there is nothing to escape.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_unsafe(c) {
            out.push(c);
            continue;
        }
        match c {
            '\0' => out.push_str("\\0"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(escape("/home/alice/app"), Cow::Borrowed(_)));
    }

    #[test]
    fn ansi_clear_screen_is_shown_escaped() {
        assert_eq!(escape("a\x1b[2Jb"), "a\\x1b[2Jb");
    }

    #[test]
    fn bidi_override_and_zero_width_are_shown_escaped() {
        assert_eq!(escape("inv\u{202e}gpj.exe"), "inv\\u{202e}gpj.exe");
        assert_eq!(escape("a\u{200b}b\u{feff}"), "a\\u{200b}b\\u{feff}");
        assert_eq!(escape("\u{2066}x\u{2069}"), "\\u{2066}x\\u{2069}");
    }

    #[test]
    fn c0_and_c1_controls_are_shown_escaped() {
        assert_eq!(escape("a\0b\tc\nd\u{7f}\u{9b}"), "a\\0b\\tc\\nd\\x7f\\x9b");
    }

    #[test]
    fn ordinary_unicode_is_kept() {
        assert_eq!(escape("Zoë ⟦日本⟧ C:\\Users"), "Zoë ⟦日本⟧ C:\\Users");
    }

    #[test]
    fn no_escaped_output_contains_an_unsafe_char() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        assert!(!escape(&all).chars().any(is_unsafe));
    }
}
