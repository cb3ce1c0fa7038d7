//! Exit statuses, the contract with scripts and CI.
//!
//! 0: done, nothing at or above the threshold; 1: findings (audit); 2: a usage or input
//! error (unreadable, truncated, not a minidump). Errors and findings never share a code.

/// How crashscope exits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// The command did its job.
    Success = 0,
    /// The command ran and found something at or above the threshold.
    Findings = 1,
    /// Bad usage, or an input that cannot be read.
    Error = 2,
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(status as u8)
    }
}
