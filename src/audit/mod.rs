//! The audit policy: which findings fail a build.
//!
//! A finding is judged in this order: a disabled rule or category drops it; an allow
//! entry (by fingerprint, by rule + value regex, or by path glob, each with a reason)
//! accepts it; a baseline (an earlier `audit --format json` report) accepts findings it
//! already lists; what is left fails when its severity is at or above the threshold.
//! This module reads the config file and the baseline and decides; it scans nothing and
//! prints nothing.

pub mod config;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

mod outcome;

pub use outcome::{AuditedFile, Counts, FileKind, Judged, Summary};

use globset::{GlobBuilder, GlobMatcher};
use regex::Regex;
use serde::Serialize;

use crate::pii::fingerprint::{self, Fingerprint, Key, Scheme};
use crate::pii::{Category, Finding, Severity};

pub use config::{find_config, Config, ConfigError};

/// What the policy says about one finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Verdict {
    /// At or above the threshold, not accepted: fails the audit.
    Fail,
    /// Below the threshold: reported, does not fail.
    BelowThreshold,
    /// Accepted by allow entry `entry` (its index in the config) for `reason`.
    Allowed { entry: usize, reason: String },
    /// Listed in the baseline.
    Baselined,
    /// A keyed pseudonym that `scrub --pseudonymize-key` wrote (`--pseudonym-key`).
    Pseudonym,
}

/// How an allow entry matches.
#[derive(Debug)]
pub enum AllowMatch {
    Fingerprint(Fingerprint),
    RuleValue { rule: Option<String>, value: Regex },
    Path { glob: String, matcher: GlobMatcher },
}

/// One allow entry of the config.
#[derive(Debug)]
pub struct AllowEntry {
    pub matcher: AllowMatch,
    pub reason: String,
    /// How many findings it accepted in this run.
    pub used: AtomicUsize,
}

impl AllowEntry {
    /// `fingerprint 3f9c…`, `rule email, value ^ci@`, `path testdata/clean/**`.
    pub fn describe(&self) -> String {
        match &self.matcher {
            AllowMatch::Fingerprint(fp) => format!("fingerprint {fp}"),
            AllowMatch::RuleValue { rule, value } => match rule {
                Some(rule) => format!("rule {rule}, value /{}/", value.as_str()),
                None => format!("value /{}/", value.as_str()),
            },
            AllowMatch::Path { glob, .. } => format!("path {glob}"),
        }
    }

    fn matches(&self, file: &str, finding: &Finding, names: &Names) -> bool {
        match &self.matcher {
            AllowMatch::Fingerprint(fp) => names.contains(fp),
            AllowMatch::RuleValue { rule, value } => {
                rule.as_deref().is_none_or(|r| r == finding.rule) && value.is_match(&finding.value)
            }
            AllowMatch::Path { matcher, .. } => matcher.is_match(file),
        }
    }
}

/// One path glob whose files are not audited at all (`[[exclude]]`, `--exclude`).
#[derive(Debug)]
pub struct ExcludeEntry {
    pub glob: String,
    pub matcher: GlobMatcher,
    pub reason: String,
    /// How many files it left out in this run.
    pub used: AtomicUsize,
}

/// The whole policy of one audit run.
#[derive(Debug)]
pub struct Policy {
    pub threshold: Severity,
    pub disabled_rules: BTreeSet<String>,
    pub disabled_categories: BTreeSet<Category>,
    pub allow: Vec<AllowEntry>,
    /// Files not audited at all.
    pub exclude: Vec<ExcludeEntry>,
    pub baseline: BTreeSet<Fingerprint>,
    /// The fingerprint key of the run, if one is set.
    pub key: Option<&'static Key>,
    /// The key of `scrub --pseudonymize-key`: the pseudonyms it wrote do not fail.
    pub pseudonyms: Option<crate::pii::pseudonym::Pseudonymizer>,
    /// Whether the baseline or allow entries name findings by legacy or place
    /// fingerprints (worked out on first use).
    pub older: std::sync::OnceLock<(bool, bool)>,
    /// The current folder, for [`Policy::fingerprint_file`] (read on first use).
    pub cwd: std::sync::OnceLock<Option<String>>,
    /// The config file the policy came from, if any.
    pub config_path: Option<PathBuf>,
    /// Path globs are relative to this folder (the config file's), as in `.gitignore`.
    pub base: Option<PathBuf>,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            threshold: Severity::Medium,
            disabled_rules: BTreeSet::new(),
            disabled_categories: BTreeSet::new(),
            allow: Vec::new(),
            exclude: Vec::new(),
            baseline: BTreeSet::new(),
            key: None,
            pseudonyms: None,
            older: std::sync::OnceLock::new(),
            cwd: std::sync::OnceLock::new(),
            config_path: None,
            base: None,
        }
    }
}

impl Policy {
    /// The form of `file` that path globs are matched against: relative to the config
    /// file's folder when the file lies below it, else the path as given.
    pub fn path_key(&self, file: &str) -> String {
        if let Some(base) = &self.base {
            if let Ok(abs) = Path::new(file).canonicalize() {
                if let Ok(rel) = abs.strip_prefix(base) {
                    return normalize(&rel.to_string_lossy());
                }
            }
        }
        normalize(file)
    }

    /// The exclude entry that leaves `path` out, counting the use.
    pub fn excluded(&self, path: &Path) -> Option<&ExcludeEntry> {
        let key = self.path_key(&path.to_string_lossy());
        let entry = self.exclude.iter().find(|e| e.matcher.is_match(&key))?;
        entry.used.fetch_add(1, Ordering::Relaxed);
        Some(entry)
    }

    /// `None` when the finding's rule or category is disabled; else the verdict and the
    /// finding's fingerprint. `file` is the file's [`Policy::path_key`].
    pub fn judge(&self, file: &str, finding: &Finding) -> Option<(Verdict, Fingerprint)> {
        // What could not be read cannot be switched off or outranked by the threshold:
        // an audit never passes what it did not read (an allow entry, with its reason,
        // or a baseline can still accept it).
        // A report still being written is not uploaded as it is: it is judged by its
        // severity (low) like any finding.
        let unread =
            finding.category == Category::Unreadable && finding.rule != "unfinished-report";
        if !unread
            && (self.disabled_rules.contains(finding.rule)
                || self.disabled_categories.contains(&finding.category))
        {
            return None;
        }
        let names = self.names(file, finding);
        let fp = names.0[0];
        if let Some((i, entry)) = self
            .allow
            .iter()
            .enumerate()
            .find(|(_, e)| e.matches(file, finding, &names))
        {
            entry.used.fetch_add(1, Ordering::Relaxed);
            return Some((
                Verdict::Allowed {
                    entry: i,
                    reason: entry.reason.clone(),
                },
                fp,
            ));
        }
        if self.pseudonyms.as_ref().is_some_and(|p| {
            crate::pii::pseudonym::applies(finding.category) && p.recognises(&finding.value)
        }) {
            return Some((Verdict::Pseudonym, fp));
        }
        if names.0.iter().any(|n| self.baseline.contains(n)) {
            return Some((Verdict::Baselined, fp));
        }
        let verdict = if unread || finding.severity >= self.threshold {
            Verdict::Fail
        } else {
            Verdict::BelowThreshold
        };
        Some((verdict, fp))
    }

    /// The form of a file's [`Policy::path_key`] that fingerprints cover: an absolute path
    /// below the current folder is taken relative to it, so that one checkout's baseline
    /// matches another's (`/home/ci/a/testdata/x.dmp` and `/tmp/b/testdata/x.dmp`).
    pub fn fingerprint_file<'a>(&self, key: &'a str) -> &'a str {
        let cwd = self.cwd.get_or_init(|| {
            std::env::current_dir()
                .ok()
                .map(|d| normalize(&d.to_string_lossy()))
        });
        match cwd {
            Some(cwd) if !cwd.is_empty() => key
                .strip_prefix(cwd.as_str())
                .and_then(|rest| rest.strip_prefix('/'))
                .unwrap_or(key),
            _ => key,
        }
    }

    /// The finding's fingerprint in this run's scheme first, then in the older schemes
    /// the baseline or an allow entry still names it by.
    fn names(&self, file: &str, finding: &Finding) -> Names {
        let file = self.fingerprint_file(file);
        let mut names = vec![fingerprint::of(self.key, file, finding)];
        let (legacy, place) = *self.older.get_or_init(|| {
            let named = self
                .baseline
                .iter()
                .map(|f| f.scheme)
                .chain(self.allow.iter().filter_map(|e| match &e.matcher {
                    AllowMatch::Fingerprint(f) => Some(f.scheme),
                    _ => None,
                }))
                .collect::<BTreeSet<_>>();
            (
                named.contains(&Scheme::Legacy),
                named.contains(&Scheme::Place),
            )
        });
        if legacy {
            names.push(fingerprint::legacy(finding.rule, &finding.value));
        }
        if place && self.key.is_some() {
            names.push(fingerprint::of(None, file, finding));
        }
        Names(names)
    }

    /// Allow entries that accepted nothing.
    pub fn unused(&self) -> impl Iterator<Item = (usize, &AllowEntry)> {
        self.allow
            .iter()
            .enumerate()
            .filter(|(_, e)| e.used.load(Ordering::Relaxed) == 0)
    }
}

/// The policy from `--config FILE`, else crashscope.toml found upwards (unless
/// `no_config`), with `threshold` from the command line winning.
pub fn load_policy(
    config: Option<&Path>,
    no_config: bool,
    threshold: Option<Severity>,
) -> Result<Policy, ConfigError> {
    let config_path = if no_config {
        None
    } else {
        match config {
            Some(p) => Some(p.to_path_buf()),
            None => std::env::current_dir().ok().and_then(|d| find_config(&d)),
        }
    };
    Ok(match &config_path {
        Some(path) => Config::read(path)?.into_policy(path, threshold)?,
        None => Policy {
            threshold: threshold.unwrap_or(Severity::Medium),
            ..Policy::default()
        },
    })
}

/// The names a finding goes by in one run: its fingerprint, then older ones.
struct Names(Vec<Fingerprint>);

impl Names {
    fn contains(&self, fp: &Fingerprint) -> bool {
        self.0.contains(fp)
    }
}

/// Read the fingerprints of an earlier `audit --format json` report, refusing one made
/// with a key this run does not have. The second value is a warning to print, if any.
pub fn read_baseline(
    path: &Path,
    key: Option<&Key>,
) -> Result<(BTreeSet<Fingerprint>, Option<String>), String> {
    let bytes = std::fs::read(path)
        .map_err(|e| format!("{}: cannot read the baseline: {e}", path.display()))?;
    let doc: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "{}: not an audit report (crashscope audit --format json): {e}",
            path.display()
        )
    })?;
    let findings = doc
        .get("findings")
        .and_then(|f| f.as_array())
        .ok_or_else(|| {
            format!(
                "{}: no findings[] (write it with crashscope audit --format json)",
                path.display()
            )
        })?;
    let mut set = BTreeSet::new();
    for f in findings {
        if let Some(s) = f.get("fingerprint").and_then(|v| v.as_str()) {
            set.insert(
                s.parse::<Fingerprint>()
                    .map_err(|e| format!("{}: {e}", path.display()))?,
            );
        }
    }
    if set.iter().any(|f| f.scheme == Scheme::Keyed) {
        let Some(key) = key else {
            return Err(format!(
                "{}: written with a fingerprint key; set {} to the same key (it matches nothing without it)",
                path.display(),
                fingerprint::KEY_VARIABLE
            ));
        };
        let written = doc.pointer("/fingerprints/key_id").and_then(|v| v.as_str());
        if written.is_some_and(|id| id != key.id()) {
            return Err(format!(
                "{}: written with another fingerprint key (key id {}, this run's is {}); its fingerprints would match nothing",
                path.display(),
                written.unwrap_or_default(),
                key.id()
            ));
        }
    }
    let warning = set.iter().any(|f| f.scheme == Scheme::Legacy).then(|| {
        format!(
            "{}: unkeyed value hashes of an older crashscope, which can be guessed back; they still match, but replace the file (docs/audit.md, Migrating a baseline)",
            path.display()
        )
    });
    Ok((set, warning))
}

/// A path with `/` separators and no leading `./`, as globs are written.
pub fn normalize(path: &str) -> String {
    let p = path.replace('\\', "/");
    p.strip_prefix("./").unwrap_or(&p).to_string()
}

/// A glob (`*` within a path segment, `**` across segments, `?` one character, `[ab]`
/// and `{a,b}` as in `.gitignore`) matched against a whole `/`-separated path. A glob
/// without `/` matches the file name in any folder, as in `.gitignore`.
pub fn glob(glob: &str) -> Result<GlobMatcher, globset::Error> {
    let glob = normalize(glob);
    let glob = if glob.contains('/') {
        glob
    } else {
        format!("**/{glob}")
    };
    Ok(GlobBuilder::new(&glob)
        .literal_separator(true)
        .backslash_escape(true)
        .build()?
        .compile_matcher())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_like_gitignore() {
        let m = |g: &str, p: &str| glob(g).unwrap().is_match(normalize(p));
        assert!(m("testdata/clean/**", "testdata/clean/a/b.dmp"));
        assert!(m("testdata/**/*.dmp", "testdata/x.dmp"));
        assert!(m("testdata/**/*.dmp", "./testdata/a/b/x.dmp"));
        assert!(!m("testdata/*.dmp", "testdata/a/x.dmp"));
        assert!(m("*.dmp", "deep/down/x.dmp"));
        assert!(m("crash-??.dmp", "crash-01.dmp") && !m("crash-??.dmp", "crash-1.dmp"));
        assert!(!m("a.dmp", "ba.dmp"));
        assert!(m("crash-[0-9].{dmp,json}", "x/crash-7.json"));
        assert!(!m("crash-[0-9].{dmp,json}", "crash-a.dmp"));
        assert!(m("prod", "prod") && !m("pro?", "pr/d"));
    }
}
