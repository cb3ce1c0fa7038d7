//! Everything a person or a program reads: the human view, JSON, and terminal safety.
//!
//! `render` owns layout, colour, tables and the one escaping function ([`escape`]) that
//! every string from a dump passes through before it reaches a terminal. It decides no
//! policy and reads no files: it is handed a report and its stackwalk and writes to any
//! `impl Write`.

pub mod audit;
pub mod database;
pub mod escape;
pub mod highlight;
pub mod html;
pub mod human;
pub mod json;
pub mod output;
pub mod rules;
pub mod spool;
pub mod table;
pub mod verdict;

use std::io::IsTerminal;
use std::time::{SystemTime, UNIX_EPOCH};

use owo_colors::OwoColorize;

pub use escape::escape;
pub use table::visible_width;

/// One diagnostic line on stderr, `crashscope: MESSAGE`, through the terminal-safety
/// gate: messages name files and quote errors, and both come from input.
pub fn diagnostic(message: &str) {
    let line = format!("crashscope: {}", escape(message));
    if std::io::stderr().is_terminal() {
        let width = output::Screen::detect().width;
        eprint!("{}", output::fit(&format!("{line}\n"), width));
    } else {
        eprintln!("{line}");
    }
}

/// The one stderr line for a panic (a bug) in any thread, escaped like every other
/// diagnostic: a panic message can quote what a dump held. A caught panic (a stackwalk
/// or a scan unit that failed) is also said in the report.
pub fn panic_line(payload: &dyn std::any::Any, location: Option<String>) -> String {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string());
    // "panicked", as Rust's own hook says it: tests look for that word in stderr.
    let at = location.map(|l| format!(" at {l}")).unwrap_or_default();
    format!(
        "crashscope: internal error (panicked{at}): {}",
        escape(&message)
    )
}

/// Whether to colour, decided once: `--color` beats `NO_COLOR`, which beats the terminal check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub enabled: bool,
}

/// When to colour: always, never, or when writing to a terminal and `NO_COLOR` is unset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorMode {
    Auto,
    Always,
    Never,
}

impl Palette {
    pub fn new(choice: ColorMode) -> Palette {
        let terminal = std::io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let enabled = match choice {
            ColorMode::Always => true,
            ColorMode::Never => false,
            ColorMode::Auto => terminal && !no_color,
        };
        Palette { enabled }
    }

    /// A section or field label.
    pub fn label(&self, s: &str) -> String {
        if self.enabled {
            s.bold().to_string()
        } else {
            s.to_string()
        }
    }

    /// Something bad: the crash reason, a problem reading the dump.
    pub fn bad(&self, s: &str) -> String {
        if self.enabled {
            s.red().bold().to_string()
        } else {
            s.to_string()
        }
    }

    /// Secondary detail: addresses, sizes, trust.
    pub fn dim(&self, s: &str) -> String {
        if self.enabled {
            s.dimmed().to_string()
        } else {
            s.to_string()
        }
    }

    /// A function name in a stack.
    pub fn func(&self, s: &str) -> String {
        if self.enabled {
            s.cyan().to_string()
        } else {
            s.to_string()
        }
    }
}

/// `1536` → `1.5 KiB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// `YYYY-MM-DD HH:MM:SS UTC`, with no time-zone database.
pub fn format_time(t: SystemTime) -> String {
    let secs = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    format_unix(secs)
}

/// Unix seconds as `YYYY-MM-DD HH:MM:SS UTC` (civil-from-days, proleptic Gregorian).
pub fn format_unix(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_message_is_escaped() {
        let line = panic_line(
            &"bad \x1b[2J\u{202e}name".to_string(),
            Some("x.rs:1:2".into()),
        );
        assert_eq!(
            line,
            "crashscope: internal error (panicked at x.rs:1:2): bad \\x1b[2J\\u{202e}name"
        );
        assert_eq!(
            panic_line(&"plain", None),
            "crashscope: internal error (panicked): plain"
        );
    }

    #[test]
    fn sizes_read_like_a_person_writes_them() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(3 << 30), "3.0 GiB");
    }

    #[test]
    fn unix_times_format_in_utc() {
        assert_eq!(format_unix(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_unix(1_608_322_600), "2020-12-18 20:16:40 UTC");
        assert_eq!(format_unix(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(format_unix(-1), "1969-12-31 23:59:59 UTC");
    }
}
