//! What an audit decides about each file: its findings judged by the policy, the
//! counts by verdict, and the run's summary (which says whether it passed). The views
//! in `render::audit` write these; the exit status is read from [`Summary::passed`].

use super::{Policy, Verdict};
use crate::pii::fingerprint::Fingerprint;
use crate::pii::{Finding, Severity};

/// What an audited file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Minidump,
    Attachment,
    Settings,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Minidump => "minidump",
            FileKind::Attachment => "attachment",
            FileKind::Settings => "crashpad-settings",
        }
    }
}

/// Findings with their verdicts and fingerprints, kept side by side: judging a dump of
/// 200,000 findings keeps them where they are instead of copying each into a tuple.
#[derive(Debug, Default)]
pub struct Judged {
    findings: Vec<Finding>,
    verdicts: Vec<Verdict>,
    fingerprints: Vec<Fingerprint>,
}

impl Judged {
    /// Apply `judge` to each finding in place: those it drops (`None`) are gone.
    pub fn of(
        mut findings: Vec<Finding>,
        mut judge: impl FnMut(&Finding) -> Option<(Verdict, Fingerprint)>,
    ) -> Judged {
        let mut verdicts = Vec::with_capacity(findings.len());
        let mut fingerprints = Vec::with_capacity(findings.len());
        findings.retain(|f| match judge(f) {
            Some((v, fp)) => {
                verdicts.push(v);
                fingerprints.push(fp);
                true
            }
            None => false,
        });
        findings.shrink_to_fit();
        Judged {
            findings,
            verdicts,
            fingerprints,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Finding, &Verdict)> + '_ {
        self.findings.iter().zip(&self.verdicts)
    }

    /// Each finding with its verdict and fingerprint.
    pub fn with_fingerprints(
        &self,
    ) -> impl Iterator<Item = (&Finding, &Verdict, Fingerprint)> + '_ {
        self.iter()
            .zip(&self.fingerprints)
            .map(|((f, v), fp)| (f, v, *fp))
    }
}

impl<'a> IntoIterator for &'a Judged {
    type Item = (&'a Finding, &'a Verdict);
    type IntoIter = std::iter::Zip<std::slice::Iter<'a, Finding>, std::slice::Iter<'a, Verdict>>;

    fn into_iter(self) -> Self::IntoIter {
        self.findings.iter().zip(&self.verdicts)
    }
}

/// One audited file and its judged findings.
#[derive(Debug)]
pub struct AuditedFile {
    pub path: String,
    pub kind: FileKind,
    pub size: u64,
    /// Findings before the policy is applied.
    pub raw: Vec<Finding>,
    pub judged: Judged,
    /// Why the file could not be read completely (fails the audit with status 2).
    pub error: Option<String>,
}

impl AuditedFile {
    pub fn new(path: String, kind: FileKind) -> AuditedFile {
        AuditedFile {
            path,
            kind,
            size: 0,
            raw: Vec::new(),
            judged: Judged::default(),
            error: None,
        }
    }
}

/// Findings of one file by verdict.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub fail_high: usize,
    pub fail_medium: usize,
    pub fail_low: usize,
    pub allowed: usize,
    pub baselined: usize,
    pub pseudonyms: usize,
    pub below_threshold: usize,
}

impl Counts {
    pub fn of(judged: &Judged) -> Counts {
        let mut c = Counts::default();
        for (f, v) in judged {
            match v {
                Verdict::Fail => match f.severity {
                    Severity::High => c.fail_high += 1,
                    Severity::Medium => c.fail_medium += 1,
                    Severity::Low => c.fail_low += 1,
                },
                Verdict::BelowThreshold => c.below_threshold += 1,
                Verdict::Allowed { .. } => c.allowed += 1,
                Verdict::Baselined => c.baselined += 1,
                Verdict::Pseudonym => c.pseudonyms += 1,
            }
        }
        c
    }

    pub fn failing(&self) -> usize {
        self.fail_high + self.fail_medium + self.fail_low
    }

    pub fn total(&self) -> usize {
        self.failing() + self.allowed + self.baselined + self.pseudonyms + self.below_threshold
    }
}

/// The counts of a run.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    pub files: usize,
    pub files_failing: usize,
    pub failing: usize,
    pub failing_high: usize,
    pub failing_medium: usize,
    pub failing_low: usize,
    pub allowed: usize,
    pub baselined: usize,
    pub pseudonyms: usize,
    pub below_threshold: usize,
    pub errors: usize,
    pub unused_allow: usize,
}

impl Summary {
    /// The counts of every file (`(counts, whether the file could not be read)`) and
    /// the policy's unused allow entries.
    pub fn of<'a>(files: impl IntoIterator<Item = (&'a Counts, bool)>, policy: &Policy) -> Summary {
        let mut s = Summary {
            unused_allow: policy.unused().count(),
            ..Summary::default()
        };
        for (c, error) in files {
            s.files += 1;
            s.errors += usize::from(error);
            s.files_failing += usize::from(c.failing() > 0);
            s.failing += c.failing();
            s.failing_high += c.fail_high;
            s.failing_medium += c.fail_medium;
            s.failing_low += c.fail_low;
            s.allowed += c.allowed;
            s.baselined += c.baselined;
            s.pseudonyms += c.pseudonyms;
            s.below_threshold += c.below_threshold;
        }
        s
    }

    /// No file failed to be read and no finding fails.
    pub fn passed(&self) -> bool {
        self.errors == 0 && self.failing == 0
    }
}
