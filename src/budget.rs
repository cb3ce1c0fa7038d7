//! The time budget of one report.
//!
//! A crafted dump can make any stage slow (a stack of millions of plausible frames, a
//! symbol server that trickles). Every dump crashscope opens gets a deadline; the
//! stackwalk and the memory scan stop at it, and what they did not do is said as a
//! problem of the report (`show` names it, `audit` fails closed on it, `scrub` writes
//! nothing). This module only measures time; the stages decide where to look at it.

use std::time::{Duration, Instant};

use crate::problem::Problem;

/// The most time one report may take (`--time-budget`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget(pub Duration);

impl Budget {
    /// The default: two minutes, far more than a 4 GiB dump needs on a laptop.
    pub const DEFAULT: Budget = Budget(Duration::from_secs(120));

    /// Start the clock for one report.
    pub fn start(self) -> Deadline {
        let now = Instant::now();
        Deadline {
            at: now
                .checked_add(self.0)
                .unwrap_or(now + Duration::from_secs(86_400 * 365)),
            budget: self.0,
        }
    }
}

/// When one report's time runs out.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    at: Instant,
    budget: Duration,
}

impl Deadline {
    pub fn passed(&self) -> bool {
        Instant::now() >= self.at
    }

    pub fn remaining(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    /// "the time budget of 2 s ran out {what}": everything left undone.
    pub fn ran_out(&self, what: &str) -> Problem {
        Problem::OutOfTime(format!(
            "the time budget of {} ran out {what}",
            format_secs(self.budget)
        ))
    }
}

/// Seconds as a person writes them: `120 s`, `0.5 s`, `0.000001 s`.
fn format_secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{} s", d.as_secs())
    } else {
        let text = format!("{s:.6}");
        format!("{} s", text.trim_end_matches('0'))
    }
}

/// clap's parser for `--time-budget`: seconds, decimals allowed, more than zero.
pub fn parse(text: &str) -> Result<Budget, String> {
    let secs: f64 = text
        .trim()
        .trim_end_matches('s')
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if secs.is_nan() || secs <= 0.0 || secs.is_infinite() {
        return Err(format!("`{text}`: the budget must be more than 0 seconds"));
    }
    Duration::try_from_secs_f64(secs)
        .map(Budget)
        .map_err(|_| format!("`{text}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_seconds_and_refuses_nonsense() {
        assert_eq!(parse("90"), Ok(Budget(Duration::from_secs(90))));
        assert_eq!(parse("0.5s"), Ok(Budget(Duration::from_millis(500))));
        for bad in ["0", "-1", "nan", "inf", "soon", "1e300"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_deadline_passes_and_says_its_budget() {
        let d = parse("0.000001").unwrap().start();
        std::thread::sleep(Duration::from_millis(1));
        assert!(d.passed());
        assert_eq!(d.remaining(), Duration::ZERO);
        let said = d.ran_out("before the end");
        assert_eq!(
            said.to_string(),
            "the time budget of 0.000001 s ran out before the end"
        );
        assert!(said.is_out_of_time());
        assert!(!Problem::from("the stack walker crashed".to_string()).is_out_of_time());
        assert!(!Budget::DEFAULT.start().passed());
        assert_eq!(
            Budget::DEFAULT.start().ran_out("x").to_string(),
            "the time budget of 120 s ran out x"
        );
    }
}
