//! The last steps between a rendered view and the person: masking every identifying
//! value (`--redact`), fitting lines to the terminal's width, and the pager.
//!
//! A redacted view is not built line by line: the whole rendered text (human or JSON)
//! passes through one [`Redactor`] that knows every identifying value the findings hold,
//! so an excerpt, a header, a table cell or a JSON string that happens to carry a value
//! is masked too, whichever section printed it. It does not decide what is identifying
//! (the findings do) and reads no files.

use std::io::{self, IsTerminal, Write};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::table::visible_width;

/// Where the text goes, and how much of it fits there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    /// Standard output is a terminal.
    pub tty: bool,
    pub width: usize,
    pub height: usize,
}

impl Screen {
    /// The terminal standard output is, with its size (`COLUMNS`/`LINES` where the
    /// terminal does not say, 80×24 where neither does).
    pub fn detect() -> Screen {
        let tty = io::stdout().is_terminal();
        let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<usize>().ok());
        let (w, h) = terminal_size::terminal_size()
            .map(|(w, h)| (w.0 as usize, h.0 as usize))
            .filter(|&(w, h)| w > 0 && h > 0)
            .unwrap_or((env("COLUMNS").unwrap_or(80), env("LINES").unwrap_or(24)));
        Screen {
            tty,
            width: w.max(20),
            height: h.max(2),
        }
    }
}

/// Masks every identifying value wherever it appears in rendered text, in any ASCII
/// case and in the forms the views write it in (escaped for a terminal, JSON-escaped).
pub struct Redactor {
    searcher: Option<AhoCorasick>,
    masks: Vec<String>,
    /// Patterns of fewer than [`SHORT`] characters mask whole words only: a two-letter
    /// user name masked inside every word would leave nothing to read.
    short: Vec<bool>,
}

/// Values shorter than this (in characters) are masked as whole words only.
const SHORT: usize = 3;
/// A part of a cut value shorter than this is left: it can no longer be told apart.
const CUT_MIN: usize = 3;
/// At most this many values have their cut parts masked (a dense heap has hundreds of
/// thousands of values; its excerpts are grouped, not listed, in the human view).
const CUT_VALUES: usize = 2_000;

impl Redactor {
    /// A redactor for `values`. `json` when the text is JSON: values are then looked for
    /// in their JSON-escaped form, and masks are JSON-safe.
    pub fn new<'a>(values: impl IntoIterator<Item = &'a str>, json: bool) -> Redactor {
        let mut seen = std::collections::HashSet::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut masks = Vec::new();
        let mut short = Vec::new();
        let mut cut_budget = CUT_VALUES;
        for value in values {
            let value = value.trim();
            if value.is_empty() || !seen.insert(value.to_string()) {
                continue;
            }
            let mask = super::escape::masked(value);
            let mut forms = vec![value.to_string()];
            if !value.is_ascii() {
                forms.push(value.to_lowercase());
                forms.push(value.to_uppercase());
            }
            let forms: Vec<String> = forms
                .iter()
                .flat_map(|f| {
                    if json {
                        vec![json_inner(f)]
                    } else {
                        vec![f.clone(), super::escape(f).into_owned()]
                    }
                })
                .collect();
            // An excerpt cut at a value shows part of it before or after its `…`:
            // those parts are masked too (for a bounded number of values, as each adds
            // a pattern per length).
            let mut cut_forms = Vec::new();
            let chars: Vec<char> = value.chars().collect();
            if cut_budget > 0 && chars.len() > CUT_MIN && chars.len() <= 64 {
                for k in CUT_MIN..chars.len() {
                    let head: String = chars[..k].iter().collect();
                    let tail: String = chars[chars.len() - k..].iter().collect();
                    // As the excerpt shows them: JSON-escaped, or escaped for a terminal.
                    let (head, tail) = if json {
                        (json_inner(&head), json_inner(&tail))
                    } else {
                        (
                            super::escape(&head).into_owned(),
                            super::escape(&tail).into_owned(),
                        )
                    };
                    cut_forms.push(format!("{head}…"));
                    cut_forms.push(format!("…{tail}"));
                }
                cut_budget -= 1;
            }
            for form in forms.into_iter().chain(cut_forms) {
                if form.is_empty() || !seen.insert(format!("\0{form}")) {
                    continue;
                }
                short.push(value.chars().count() < SHORT);
                masks.push(if form.starts_with('…') {
                    format!("…{mask}")
                } else if form.ends_with('…') {
                    format!("{mask}…")
                } else {
                    mask.clone()
                });
                patterns.push(form);
            }
        }
        let searcher = (!patterns.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .build(&patterns)
                .expect("literal patterns always build")
        });
        Redactor {
            searcher,
            masks,
            short,
        }
    }

    /// `text` with every value masked.
    pub fn apply(&self, text: &[u8]) -> Vec<u8> {
        let Some(searcher) = &self.searcher else {
            return text.to_vec();
        };
        let word = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80;
        let mut out = Vec::with_capacity(text.len());
        let mut at = 0;
        for m in searcher.find_iter(text) {
            let i = m.pattern().as_usize();
            if self.short[i] {
                let before = m.start() > 0 && word(text[m.start() - 1]);
                let after = m.end() < text.len() && word(text[m.end()]);
                if before || after {
                    continue;
                }
            }
            out.extend_from_slice(&text[at..m.start()]);
            out.extend_from_slice(self.masks[i].as_bytes());
            at = m.end();
        }
        out.extend_from_slice(&text[at..]);
        out
    }
}

/// `s` as it stands inside a JSON string (without the quotes).
fn json_inner(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted[1..quoted.len().saturating_sub(1).max(1)].to_string()
}

/// Each line of `text` cut to `width` terminal columns, ending in `…` where it was cut.
/// Colour sequences are kept whole and a cut line's colour is reset.
pub fn fit(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        if visible_width(body) <= width {
            out.push_str(line);
            continue;
        }
        out.push_str(&cut(body, width.saturating_sub(1)));
        out.push('…');
        if body.contains('\x1b') {
            out.push_str("\x1b[0m");
        }
        out.push_str(nl);
    }
    out
}

/// The first `width` columns of `s`, colour sequences kept.
fn cut(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::new();
    let mut used = 0;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            out.push(c);
            for d in chars.by_ref() {
                out.push(d);
                if d == 'm' {
                    break;
                }
            }
            continue;
        }
        let w = c.width().unwrap_or(0);
        if used + w > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out
}

/// How a finished human view reaches standard output.
#[derive(Debug, Clone, Copy)]
pub struct Delivery {
    pub screen: Screen,
    /// `--no-pager`.
    pub no_pager: bool,
}

/// Write a rendered human view: fitted to the terminal's width and through the pager
/// (`$PAGER`, else `less -R`) when it is taller than the screen, as git does; piped
/// output is written as it is.
pub fn deliver(text: &[u8], how: Delivery) -> io::Result<()> {
    let stdout = io::stdout();
    let mut owned;
    let text = if text.last().is_some_and(|&b| b != b'\n') {
        owned = text.to_vec();
        owned.push(b'\n');
        &owned[..]
    } else {
        text
    };
    if !how.screen.tty {
        let mut out = stdout.lock();
        out.write_all(text)?;
        return out.flush();
    }
    let text = fit(&String::from_utf8_lossy(text), how.screen.width);
    let lines = text.lines().count();
    if !how.no_pager && lines >= how.screen.height {
        if let Some(result) = page(text.as_bytes()) {
            return result;
        }
    }
    let mut out = stdout.lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// The pager command: `$PAGER` (empty or `cat`: none), else `less -R`.
pub fn pager_command() -> Option<Vec<String>> {
    let pager = std::env::var("PAGER").unwrap_or_else(|_| "less -R".to_string());
    let words: Vec<String> = pager.split_whitespace().map(str::to_string).collect();
    match words.first().map(String::as_str) {
        None | Some("cat") => None,
        Some(_) => Some(words),
    }
}

/// Pipe `text` to the pager; `None` when there is none or it could not start.
fn page(text: &[u8]) -> Option<io::Result<()>> {
    let words = pager_command()?;
    let mut command = std::process::Command::new(&words[0]);
    command
        .args(&words[1..])
        .stdin(std::process::Stdio::piped());
    // As git does: quit when the text fits after all, keep colours, leave the screen.
    if std::env::var_os("LESS").is_none() {
        command.env("LESS", "FRX");
    }
    let mut child = command.spawn().ok()?;
    let written = child
        .stdin
        .take()
        .map(|mut stdin| stdin.write_all(text))
        .unwrap_or(Ok(()));
    let waited = child.wait();
    Some(match (written, waited) {
        // The reader quit the pager before the end: that is not an error.
        (Err(e), _) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        (Err(e), _) => Err(e),
        (Ok(()), Err(e)) => Err(e),
        (Ok(()), Ok(_)) => Ok(()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_masks_every_form_and_case() {
        let r = Redactor::new(["alice@example.com", "Иван", "jo"], false);
        let out = r.apply("Mail ALICE@EXAMPLE.COM, ИВАН and иван; jo but not joy".as_bytes());
        let out = String::from_utf8(out).unwrap();
        assert!(!out.to_lowercase().contains("alice@example.com"), "{out}");
        assert!(!out.contains("Иван") && !out.contains("ИВАН") && !out.contains("иван"));
        assert!(
            out.contains("joy"),
            "a short value masks whole words only: {out}"
        );
        assert!(!out.contains(" jo "), "{out}");
    }

    #[test]
    fn json_redaction_keeps_the_document_valid() {
        let value = r#"pa"ss\word"#;
        let doc = serde_json::json!({"v": value, "excerpt": format!("x={value};")});
        let text = serde_json::to_vec(&doc).unwrap();
        let out = Redactor::new([value], true).apply(&text);
        let parsed: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert!(!parsed.to_string().contains("ss\\\\word"));
        assert!(!parsed["excerpt"].as_str().unwrap().contains(value));
    }

    #[test]
    fn fit_cuts_long_lines_and_keeps_colour_whole() {
        let line = format!("\x1b[1m{}\x1b[0m tail\n", "x".repeat(100));
        let out = fit(&line, 80);
        assert_eq!(visible_width(out.trim_end()), 80);
        assert!(out.trim_end().ends_with("…\x1b[0m"));
        assert_eq!(fit("short\n", 80), "short\n");
    }
}
