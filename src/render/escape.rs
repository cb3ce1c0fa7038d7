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

/// True for the characters that must never reach a terminal raw: every control and
/// format character (Unicode categories Cc, Cf, Zl, Zp) and every other character that
/// is invisible by default (Default_Ignorable_Code_Point: fillers, variation selectors,
/// the whole tag and variation-selector supplement plane block).
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        // C0 controls (tab and newline too: a field is shown on one line), DEL, C1 controls.
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        // Soft hyphen, combining grapheme joiner, Arabic and Syriac format characters.
        | '\u{ad}' | '\u{34f}' | '\u{600}'..='\u{605}' | '\u{61c}' | '\u{6dd}' | '\u{70f}'
        | '\u{890}'..='\u{891}' | '\u{8e2}'
        // Hangul and Khmer fillers and invisible vowels, Mongolian selectors and separator.
        | '\u{115f}'..='\u{1160}' | '\u{17b4}'..='\u{17b5}' | '\u{180b}'..='\u{180f}'
        | '\u{3164}' | '\u{ffa0}'
        // Zero-width characters, bidi marks, embeddings, overrides, line and paragraph
        // separators, word joiner, invisible operators, isolates, deprecated formats.
        | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{206f}'
        // Variation selectors, byte-order mark, interlinear annotation.
        | '\u{fe00}'..='\u{fe0f}' | '\u{feff}' | '\u{fff0}'..='\u{fffb}'
        // Format characters of other planes (Kaithi, Egyptian, shorthand, musical).
        | '\u{110bd}' | '\u{110cd}' | '\u{13430}'..='\u{1343f}' | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}'
        // Tags and variation selectors supplement (and the rest of that ignorable block).
        | '\u{e0000}'..='\u{e0fff}'
    )
}

/// A value as the redacted views show it: `•••(17 chars)`. No character of it is
/// kept: a kept prefix can itself be a value (a three-letter user name at the start of
/// a password in a URL).
pub fn masked(value: &str) -> String {
    format!("•••({} chars)", value.chars().count())
}

/// `text` with every unsafe character written as an escape: `\x1b`, `\u{202e}`, `\0`.
///
/// Returns the input unchanged (and unallocated) when there is nothing to escape.
pub fn escape(text: &str) -> Cow<'_, str> {
    // Printable ASCII (the usual case) needs no look at characters.
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Cow::Borrowed(text);
    }
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

    /// Checked against lists that do not come from this function: Unicode 14's Cc, Cf,
    /// Zl and Zp characters (computed with Python's `unicodedata`, Unicode 14.0.0) and the
    /// invisible characters the issue tracker named.
    #[test]
    fn every_control_and_format_character_is_unsafe() {
        const CC_CF_ZL_ZP: &[(u32, u32)] = &[
            (0x0, 0x1f),
            (0x7f, 0x9f),
            (0xad, 0xad),
            (0x600, 0x605),
            (0x61c, 0x61c),
            (0x6dd, 0x6dd),
            (0x70f, 0x70f),
            (0x890, 0x891),
            (0x8e2, 0x8e2),
            (0x180e, 0x180e),
            (0x200b, 0x200f),
            (0x2028, 0x202e),
            (0x2060, 0x2064),
            (0x2066, 0x206f),
            (0xfeff, 0xfeff),
            (0xfff9, 0xfffb),
            (0x110bd, 0x110bd),
            (0x110cd, 0x110cd),
            (0x13430, 0x13438),
            (0x1bca0, 0x1bca3),
            (0x1d173, 0x1d17a),
            (0xe0001, 0xe0001),
            (0xe0020, 0xe007f),
        ];
        const NAMED: &[(u32, u32)] = &[
            (0xe0000, 0xe007f),
            (0x180e, 0x180e),
            (0x2060, 0x206f),
            (0xfff9, 0xfffb),
            (0x202a, 0x202e),
            (0x2066, 0x2069),
            (0x200b, 0x200d),
        ];
        for &(from, to) in CC_CF_ZL_ZP.iter().chain(NAMED) {
            for cp in from..=to {
                let c = char::from_u32(cp).unwrap();
                assert!(is_unsafe(c), "U+{cp:04X} is not escaped");
                assert!(!escape(&c.to_string()).chars().any(is_unsafe));
            }
        }
        // Tag characters spell hidden text after a visible one (an emoji flag's tail).
        assert_eq!(escape("a\u{e0041}\u{e0042}"), "a\\u{e0041}\\u{e0042}");
    }

    #[test]
    fn no_escaped_output_contains_an_unsafe_char() {
        let all: String = (0u32..0x11_0000).filter_map(char::from_u32).collect();
        assert!(!escape(&all).chars().any(is_unsafe));
    }
}
