//! What could not be read or done, as the views say it: one type for every part (the
//! report, the inventory, the scan, the stackwalk), so that a caller asks what kind of
//! problem it is instead of reading the message.

use std::fmt;

/// Something crashscope could not read or do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A part of the input that could not be read (outside the file, malformed, more
    /// entries claimed than the bytes hold, a walk that failed).
    Unreadable(String),
    /// The time budget ran out before this was done: "the time budget of 2 s ran out
    /// {what}" (made by the time budget's deadline).
    OutOfTime(String),
}

impl Problem {
    /// Whether the time budget ran out, rather than the data being bad: a scrub cannot
    /// verify what it had no time to look at.
    pub fn is_out_of_time(&self) -> bool {
        matches!(self, Problem::OutOfTime(_))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Unreadable(m) | Problem::OutOfTime(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Problem {}

impl From<String> for Problem {
    fn from(message: String) -> Problem {
        Problem::Unreadable(message)
    }
}

/// Problems are their messages in machine output (`problems: ["…"]`).
impl serde::Serialize for Problem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
