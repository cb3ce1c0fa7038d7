//! Marking findings inside printed values: `⟦…⟧` around the identifying part, coloured
//! by severity, and a margin marker (`!!` high, `!` medium, `~` low) that survives
//! `--color never` and copy-paste. Every piece of dump text still goes through `escape`.

use owo_colors::OwoColorize;

use super::{escape, Palette};
use crate::pii::{Finding, Location, Severity};

/// How findings are shown.
#[derive(Debug, Clone, Copy)]
pub struct Marks {
    pub palette: Palette,
    /// Show low-severity findings too.
    pub all: bool,
    /// Mask matched values.
    pub redact: bool,
    /// Show the developer's detail (modules, streams, byte map).
    pub detail: bool,
    /// Show only the answer, the crash and the crashing thread's first frames.
    pub brief: bool,
}

impl Marks {
    /// A found value as the views show it: escaped, or masked with `--redact`.
    pub fn value(&self, value: &str) -> String {
        if self.redact {
            super::escape::masked(value)
        } else {
            escape(value).into_owned()
        }
    }

    /// Whether a finding of `severity` is shown.
    pub fn shows(&self, severity: Severity) -> bool {
        self.all || severity > Severity::Low
    }

    /// Colour `text` by severity.
    pub fn paint(&self, text: &str, severity: Severity) -> String {
        if !self.palette.enabled {
            return text.to_string();
        }
        match severity {
            Severity::High => text.red().bold().to_string(),
            Severity::Medium => text.yellow().bold().to_string(),
            Severity::Low => text.blue().to_string(),
        }
    }

    /// `!! high 3 · ! medium 12 · ~ low 4`, saying when low findings are hidden.
    pub fn counts(&self, high: usize, medium: usize, low: usize) -> String {
        format!(
            "{} high {high} · {} medium {medium} · {} low {low}{}",
            self.paint("!!", Severity::High),
            self.paint("!", Severity::Medium),
            self.paint("~", Severity::Low),
            if self.all {
                ""
            } else {
                " (low hidden; --all shows them)"
            }
        )
    }

    /// The margin marker for the worst shown severity, padded to 2 columns.
    pub fn marker(&self, worst: Option<Severity>) -> String {
        match worst {
            Some(s) => {
                let m = format!("{:<2}", s.marker());
                self.paint(&m, s)
            }
            None => "  ".to_string(),
        }
    }

    /// `value` escaped, with each shown finding's range in `⟦…⟧`; and the worst severity.
    pub fn highlight<'a>(
        &self,
        value: &str,
        findings: impl Iterator<Item = &'a Finding>,
    ) -> (Option<Severity>, String) {
        let ranges: Vec<(usize, usize, Severity)> = findings
            .filter_map(|f| match &f.location {
                Location::Field { start, end, .. } => Some((*start, *end, f.severity)),
                Location::Memory { .. } => None,
            })
            .collect();
        self.highlight_ranges(value, ranges)
    }

    /// `value` escaped, with each shown `(start, end, severity)` byte range in `⟦…⟧`.
    pub fn highlight_ranges(
        &self,
        value: &str,
        ranges: Vec<(usize, usize, Severity)>,
    ) -> (Option<Severity>, String) {
        let mut ranges: Vec<(usize, usize, Severity)> = ranges
            .into_iter()
            .filter(|&(s, e, sev)| {
                self.shows(sev)
                    && s < e
                    && e <= value.len()
                    && value.is_char_boundary(s)
                    && value.is_char_boundary(e)
            })
            .collect();
        ranges.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let worst = ranges.iter().map(|r| r.2).max();
        let mut out = String::new();
        let mut at = 0;
        let mut i = 0;
        while i < ranges.len() {
            let (start, mut end, mut sev) = ranges[i];
            // Merge overlapping ranges into one mark with the worst severity.
            let mut j = i + 1;
            while j < ranges.len() && ranges[j].0 < end {
                end = end.max(ranges[j].1);
                sev = sev.max(ranges[j].2);
                j += 1;
            }
            if start >= at {
                out.push_str(&escape(&value[at..start]));
                let inner = &value[start..end];
                let shown = self.value(inner);
                out.push_str(&self.paint(&format!("⟦{shown}⟧"), sev));
                at = end;
            }
            i = j;
        }
        out.push_str(&escape(&value[at..]));
        (worst, out)
    }

    /// A memory excerpt with the matched value marked.
    pub fn excerpt(&self, excerpt: &str, value: &str, severity: Severity) -> String {
        match excerpt.find(value) {
            Some(i) => {
                let shown = self.value(value);
                format!(
                    "{}{}{}",
                    escape(&excerpt[..i]),
                    self.paint(&format!("⟦{shown}⟧"), severity),
                    escape(&excerpt[i + value.len()..])
                )
            }
            None => escape(excerpt).into_owned(),
        }
    }
}

/// The legend printed above the findings.
pub fn legend(marks: &Marks) -> String {
    format!(
        "{} secret or payment · {} names you · {} narrows you down{} · ⟦…⟧ the value",
        marks.paint("!!", Severity::High),
        marks.paint("!", Severity::Medium),
        marks.paint("~", Severity::Low),
        if marks.all { "" } else { " (--all)" }
    )
}
