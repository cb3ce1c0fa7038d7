//! `show --format html`: the consent view as one self-contained page.
//!
//! The page is the terminal view, not a second analysis: the verdict comes from the same
//! [`Layout`] the terminal prints (as a table), and the evidence and details are the
//! terminal's own text, coloured, split into sections at its `━━` headings (a store's
//! reports at `━━━━`), each report foldable, the developer's detail folded. Colour codes
//! become elements (`<mark>` for a value, `<b>`), everything else is HTML-escaped.
//!
//! Why this is safe with hostile dumps: every value from a dump reaches the terminal text
//! through `escape`, which never lets a raw control character (ESC included) through, so
//! every colour code in the text is crashscope's own; and every character of text is
//! HTML-escaped here. The page loads nothing: no script, and a Content-Security-Policy
//! that allows only its own inline style (by hash).

use sha2::{Digest, Sha256};

use super::verdict::Layout;
use crate::pii::Severity;

/// What a page shows.
#[derive(Debug)]
pub struct Page<'a> {
    /// What was opened (a path and its kind).
    pub title: &'a str,
    pub verdict: &'a Layout,
    /// The terminal view after the verdict (ANSI colours allowed).
    pub body: &'a str,
    /// Whether values were masked (`--redact`).
    pub redacted: bool,
    /// The heading of what the body says before its first heading (a store's summary).
    pub lead: &'a str,
}

const STYLE: &str = r#"
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1b1b1b; --muted: #555555; --line: #d0d0d0;
  --panel: #f5f5f2; --high-bg: #fde2e1; --high-fg: #8a1111; --med-bg: #fff0c2; --med-fg: #5c4100;
  --low-fg: #1d4f91; --func: #00606b; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #121212; --fg: #e8e8e8; --muted: #b0b0b0; --line: #3a3a3a; --panel: #1d1d1d;
    --high-bg: #4a1514; --high-fg: #ffd6d4; --med-bg: #3f3200; --med-fg: #ffe7a3;
    --low-fg: #a9c8ff; --func: #7fd8e0; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem 1.25rem 3rem; background: var(--bg);
  color: var(--fg); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 1.5rem; margin: 0.5rem 0 0.25rem; }
h2 { font-size: 1.25rem; margin: 1.5rem 0 0.5rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1rem 0 0.25rem; }
summary h2, summary h3 { display: inline; border: 0; }
summary { cursor: pointer; }
.sub, footer { color: var(--muted); }
footer { margin-top: 2rem; font-size: 0.9rem; }
table.verdict { border-collapse: collapse; width: 100%; background: var(--panel); }
table.verdict th, table.verdict td { text-align: left; vertical-align: top; padding: 0.4rem 0.6rem;
  border-top: 1px solid var(--line); }
table.verdict th { white-space: nowrap; width: 12rem; }
tr.advice th, tr.advice td { font-weight: 600; border-top: 2px solid var(--fg); }
.mk { display: inline-block; width: 1.6rem; font-family: ui-monospace, monospace; }
pre, table.ev th { font: 13.5px/1.45 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
table.ev { border-collapse: collapse; margin: 0.25rem 0 0.75rem; }
table.ev th { text-align: left; vertical-align: top; white-space: nowrap; padding: 0 1rem 0 0; }
table.ev td { vertical-align: top; padding: 0; }
code { font-family: ui-monospace, monospace; }
mark { border-radius: 2px; padding: 0 1px; font-weight: 700; }
mark.h { background: var(--high-bg); color: var(--high-fg); text-decoration: underline 2px; }
mark.m { background: var(--med-bg); color: var(--med-fg); text-decoration: underline dotted 1px; }
.l { color: var(--low-fg); }
.f { color: var(--func); }
.d { color: var(--muted); }
details.report { border: 1px solid var(--line); border-radius: 4px; padding: 0 0.75rem; margin: 1rem 0; }
@media print { body { max-width: none; font-size: 11pt; } pre { font-size: 9pt; }
  details.report { border: 0; padding: 0; } mark { print-color-adjust: exact; } }
"#;

/// The whole page.
pub fn page(p: &Page<'_>) -> String {
    let hash = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE.as_bytes()))
    };
    let mut out = String::with_capacity(p.body.len() * 2 + 8192);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-{hash}'; base-uri 'none'; form-action 'none'\">\n"
    ));
    out.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<title>What this crash report would send · crashscope</title>\n");
    out.push_str("<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<header>\n<h1>What this crash report would send</h1>\n<p class=\"sub\">");
    ansi(&strip_sgr(p.title), &mut out);
    if p.redacted {
        out.push_str(" · values masked (--redact)");
    }
    out.push_str("</p>\n</header>\n<main>\n");
    verdict(p.verdict, &mut out);
    body(p.body, p.lead, &mut out);
    out.push_str("</main>\n<footer>Written by crashscope ");
    out.push_str(env!("CARGO_PKG_VERSION"));
    out.push_str(" on this computer. Nothing was sent anywhere. Marks: <b>!!</b> a secret or payment detail · <b>!</b> names you · <b>~</b> narrows you down · ⟦…⟧ the value.</footer>\n</body>\n</html>\n");
    out
}

/// Write `page` to a private temporary file (readable by its owner only) and open it in
/// the default browser; the file's path. A browser that cannot be started is said on
/// stderr: the page is still there to open by hand.
pub fn open_in_browser(page: &[u8]) -> std::io::Result<std::path::PathBuf> {
    use std::io::Write;
    let mut file = tempfile::Builder::new()
        .prefix("crashscope-")
        .suffix(".html")
        .tempfile()?;
    file.write_all(page)?;
    let (_, path) = file.keep().map_err(|e| e.error)?;
    let opener: &[&str] = if cfg!(target_os = "macos") {
        &["open"]
    } else if cfg!(windows) {
        &["cmd", "/C", "start", ""]
    } else {
        &["xdg-open"]
    };
    let started = std::process::Command::new(opener[0])
        .args(&opener[1..])
        .arg(&path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = started {
        super::diagnostic(&format!(
            "could not start {} ({e}); open the page yourself",
            opener[0]
        ));
    }
    Ok(path)
}

/// The verdict as a table: one row per block, its lines one under the other.
fn verdict(layout: &Layout, out: &mut String) {
    out.push_str("<section id=\"verdict\" aria-labelledby=\"verdict-h\">\n<h2 id=\"verdict-h\">The answer</h2>\n");
    // The first header line is the title, already in the page's header.
    for line in layout.header.iter().skip(1) {
        out.push_str("<p>");
        ansi(line, out);
        out.push_str("</p>\n");
    }
    out.push_str("<table class=\"verdict\">\n<tbody>\n");
    for row in &layout.rows {
        let (class, mark) = match row.severity {
            Some(Severity::High) => ("high", "!!"),
            Some(Severity::Medium) => ("medium", "!"),
            Some(Severity::Low) => ("low", "~"),
            None if row.label == "Advice" => ("advice", ""),
            None => ("plain", ""),
        };
        out.push_str(&format!(
            "<tr class=\"{class}\"><th scope=\"row\"><span class=\"mk\">{mark}</span>{}</th><td>",
            row.label
        ));
        for (i, line) in row.lines.iter().enumerate() {
            if i > 0 {
                out.push_str("<br>");
            }
            if line.starts_with("crashscope scrub ") {
                out.push_str("<code>");
                ansi(line, out);
                out.push_str("</code>");
            } else {
                ansi(line, out);
            }
        }
        out.push_str("</td></tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// What is open while the body is written.
#[derive(Default)]
struct Open {
    report: bool,
    folded: bool,
    section: bool,
    /// The rows of the block being gathered: a label (terminal text), its lines, and the
    /// column its first line starts at (its continuations are indented to it).
    rows: Vec<(String, Vec<String>, usize)>,
    /// Blank lines seen since the last line of the block.
    blank: usize,
}

/// The width of the terminal view's label column (`render::human`).
const LABEL: usize = 18;

/// The terminal text after the verdict: `━━━━ Report …` opens a report (foldable), `━━
/// Title` a section; the developer's detail is folded. Each block of labelled lines
/// (`Who you are        user name …`, continued under the label) becomes a table.
fn body(text: &str, lead: &str, out: &mut String) {
    let mut open = Open::default();
    for raw in text.lines() {
        let plain = strip_sgr(raw);
        if let Some(title) = plain.strip_prefix("━━━━ ") {
            close_section(&mut open, out);
            if open.report {
                out.push_str("</details>\n");
            }
            out.push_str("<details class=\"report\" open>\n<summary><h2>");
            ansi(title, out);
            out.push_str("</h2></summary>\n");
            open.report = true;
            continue;
        }
        if let Some(title) = plain.strip_prefix("━━ ") {
            close_section(&mut open, out);
            let h = if open.report { "h3" } else { "h2" };
            if title.starts_with("For developers") {
                out.push_str(&format!("<details class=\"dev\">\n<summary><{h}>"));
                ansi(title, out);
                out.push_str(&format!("</{h}></summary>\n"));
                open.folded = true;
            } else {
                out.push_str(&format!("<section>\n<{h}>"));
                ansi(title, out);
                out.push_str(&format!("</{h}>\n"));
                open.section = true;
            }
            continue;
        }
        if plain.trim().is_empty() {
            // Blank lines inside a block are kept; those before a heading are not.
            open.blank += usize::from(!open.rows.is_empty());
            continue;
        }
        if !open.section && !open.folded {
            out.push_str("<section>\n");
            if !lead.is_empty() && !open.report {
                out.push_str("<h2>");
                escape_into(lead, out);
                out.push_str("</h2>\n");
            }
            open.section = true;
        }
        let blank = std::mem::take(&mut open.blank);
        if !plain.starts_with(' ') {
            // A label, then (after two spaces or more) its first line.
            let label_len = plain.find("  ").unwrap_or(plain.len());
            let label_chars = plain[..label_len].chars().count();
            let gap = plain[label_len..].chars().take_while(|c| *c == ' ').count();
            let (label, rest) = visible_split(raw, label_chars);
            let (_, rest) = visible_split(rest, gap);
            let indent = if rest.is_empty() {
                0
            } else {
                label_chars + gap
            };
            open.rows
                .push((label.to_string(), vec![rest.to_string()], indent));
            continue;
        }
        if open.rows.is_empty() {
            open.rows.push((String::new(), Vec::new(), 0));
        }
        let (_, lines, indent) = open.rows.last_mut().expect("a row");
        lines.extend(std::iter::repeat_n(String::new(), blank));
        // Lines continued under the first line lose that indent; others keep theirs.
        let spaces = plain.chars().take_while(|c| *c == ' ').count();
        let cut = [*indent, LABEL]
            .into_iter()
            .find(|&n| n > 0 && spaces >= n)
            .unwrap_or(0);
        lines.push(visible_split(raw, cut).1.to_string());
    }
    close_section(&mut open, out);
    if open.report {
        out.push_str("</details>\n");
    }
}

/// `line` cut after `n` visible characters (colour codes do not count).
fn visible_split(line: &str, n: usize) -> (&str, &str) {
    let mut seen = 0;
    let mut i = 0;
    let bytes = line.as_bytes();
    while i < bytes.len() && seen < n {
        if bytes[i] == 0x1b && bytes.get(i + 1) == Some(&b'[') {
            let end = line[i + 2..]
                .find(|c: char| c.is_ascii_alphabetic())
                .map_or(line.len(), |e| i + 2 + e + 1);
            i = end;
            continue;
        }
        let c = line[i..].chars().next().expect("a character");
        i += c.len_utf8();
        seen += 1;
    }
    line.split_at(i)
}

/// Write the gathered block as a table and close what is open.
fn close_block(open: &mut Open, out: &mut String) {
    if open.rows.is_empty() {
        return;
    }
    out.push_str("<table class=\"ev\">\n<tbody>\n");
    for (label, lines, _) in open.rows.drain(..) {
        out.push_str("<tr><th scope=\"row\">");
        ansi(&label, out);
        out.push_str("</th><td><pre>");
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            ansi(line, out);
        }
        out.push_str("</pre></td></tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    open.blank = 0;
}

fn close_section(open: &mut Open, out: &mut String) {
    close_block(open, out);
    if open.section {
        out.push_str("</section>\n");
        open.section = false;
    }
    if open.folded {
        out.push_str("</details>\n");
        open.folded = false;
    }
}

/// Colours in effect.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
struct Sgr {
    bold: bool,
    dim: bool,
    /// The foreground colour (30–37, 90–97), 0 for the default.
    fg: u8,
}

impl Sgr {
    fn apply(&mut self, params: &str) {
        let codes: Vec<u8> = if params.is_empty() {
            vec![0]
        } else {
            params.split(';').map(|c| c.parse().unwrap_or(0)).collect()
        };
        for c in codes {
            match c {
                0 => *self = Sgr::default(),
                1 => self.bold = true,
                2 => self.dim = true,
                22 => {
                    self.bold = false;
                    self.dim = false;
                }
                30..=37 | 90..=97 => self.fg = c,
                39 => self.fg = 0,
                _ => {}
            }
        }
    }

    /// The element and class text of this state: `None` for plain text.
    fn open(&self) -> Option<(&'static str, String)> {
        let (tag, mut class) = match self.fg {
            31 | 91 => ("mark", "h".to_string()),
            33 | 93 => ("mark", "m".to_string()),
            34 | 94 => ("span", "l".to_string()),
            36 | 96 => ("span", "f".to_string()),
            0 if self.bold => ("b", String::new()),
            0 if self.dim => ("span", "d".to_string()),
            0 => return None,
            _ => ("span", String::new()),
        };
        if self.dim && tag != "span" {
            class.push_str(" d");
        }
        Some((tag, class.trim().to_string()))
    }
}

/// Append `text` (terminal text with SGR colour codes) as HTML: colours become elements,
/// every other character is escaped; any other escape sequence is dropped.
pub fn ansi(text: &str, out: &mut String) {
    let mut state = Sgr::default();
    let mut run = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('\u{1b}') {
        run.push_str(&rest[..at]);
        let seq = &rest[at + 1..];
        let (params, after) = match seq.strip_prefix('[') {
            Some(csi) => match csi.find(|c: char| c.is_ascii_alphabetic()) {
                Some(end) => (Some((&csi[..end], csi.as_bytes()[end])), &csi[end + 1..]),
                None => (None, ""),
            },
            None => (None, seq),
        };
        if let Some((p, b'm')) = params {
            let mut next = state;
            next.apply(p);
            if next != state {
                flush(&run, state, out);
                run.clear();
                state = next;
            }
        }
        rest = after;
    }
    run.push_str(rest);
    flush(&run, state, out);
}

fn flush(run: &str, state: Sgr, out: &mut String) {
    if run.is_empty() {
        return;
    }
    match state.open() {
        Some((tag, class)) => {
            if class.is_empty() {
                out.push_str(&format!("<{tag}>"));
            } else {
                out.push_str(&format!("<{tag} class=\"{class}\">"));
            }
            escape_into(run, out);
            out.push_str(&format!("</{tag}>"));
        }
        None => escape_into(run, out),
    }
}

/// `text` without its colour codes (headings are matched on what they show).
fn strip_sgr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\u{1b}[") {
        out.push_str(&rest[..at]);
        rest = &rest[at + 2..];
        rest = rest
            .find(|c: char| c.is_ascii_alphabetic())
            .map_or("", |end| &rest[end + 1..]);
    }
    out.push_str(rest);
    out
}

/// HTML-escape `s` for text and attribute values.
pub fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // The terminal text never holds these raw; should one arrive, it is not text.
            c if c.is_control() && c != '\n' && c != '\t' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG 2 contrast of two `#rrggbb` colours.
    fn contrast(a: &str, b: &str) -> f64 {
        let lum = |hex: &str| {
            let c = |i: usize| {
                let v = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
                if v <= 0.03928 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5)
        };
        let (x, y) = (lum(a), lum(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    /// Every text colour of the page against its background, in the light and the dark
    /// scheme, meets WCAG AA (4.5:1).
    #[test]
    fn colours_meet_wcag_aa_in_both_schemes() {
        let dark_at = STYLE.find("prefers-color-scheme: dark").unwrap();
        for block in [&STYLE[..dark_at], &STYLE[dark_at..]] {
            let var = |name: &str| -> String {
                let at = block.find(&format!("--{name}: ")).unwrap() + name.len() + 4;
                block[at..at + 7].to_string()
            };
            for (fg, bg) in [
                ("fg", "bg"),
                ("fg", "panel"),
                ("muted", "bg"),
                ("muted", "panel"),
                ("high-fg", "high-bg"),
                ("med-fg", "med-bg"),
                ("low-fg", "bg"),
                ("low-fg", "panel"),
                ("func", "bg"),
            ] {
                let ratio = contrast(&var(fg), &var(bg));
                assert!(ratio >= 4.5, "{fg} on {bg}: {ratio:.2}");
            }
        }
    }

    #[test]
    fn colours_become_elements_and_text_is_escaped() {
        let mut out = String::new();
        ansi(
            "a <b> \u{1b}[1m\u{1b}[31m⟦x&y⟧\u{1b}[39m\u{1b}[0m \u{1b}[1mLabel\u{1b}[0m \u{1b}[2mdim\u{1b}[0m",
            &mut out,
        );
        assert_eq!(
            out,
            "a &lt;b&gt; <mark class=\"h\">⟦x&amp;y⟧</mark> <b>Label</b> <span class=\"d\">dim</span>"
        );
        let mut out = String::new();
        ansi("\u{1b}]8;;http://x\u{7}link\"'", &mut out);
        assert!(
            !out.contains('\u{1b}') && out.contains("&quot;&#39;"),
            "{out}"
        );
    }
}
