//! `crashscope.toml`: the audit's threshold, disabled rules and categories, and allow
//! entries, each with a required reason.
//!
//! ```toml
//! fail-on = "medium"                       # low | medium | high
//! disable-rules = ["environment-variable"]
//! disable-categories = ["quasi-identifier"]
//!
//! [[allow]]
//! fingerprint = "3f9c2a1b0d4e5f60"         # from an audit report
//! reason = "the fixture's fake token, documented in testdata/README.md"
//!
//! [[allow]]
//! rule = "email"                           # optional
//! value = '@example\.(com|org|net)$'       # a regex on the matched value
//! reason = "RFC 2606 example domains"
//!
//! [[allow]]
//! path = "testdata/scrubbed/**"            # a glob on the file's path
//! reason = "already scrubbed"
//!
//! [[exclude]]                              # not audited at all
//! path = "**/fixtures/corrupt/**"
//! reason = "deliberately broken dumps for the parser tests"
//! ```

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;

use regex::Regex;
use serde::Deserialize;

use super::{AllowEntry, AllowMatch, Policy};
use crate::pii::{catalog, Category, Severity};

/// The file name searched for in the current directory and its parents.
pub const FILE_NAME: &str = "crashscope.toml";

/// Why a config file cannot be used (exit status 2).
#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", .path.display())]
pub struct ConfigError {
    pub path: PathBuf,
    pub message: String,
}

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub fail_on: Option<Severity>,
    #[serde(default)]
    pub disable_rules: Vec<String>,
    #[serde(default)]
    pub disable_categories: Vec<Category>,
    #[serde(default)]
    pub allow: Vec<RawAllow>,
    #[serde(default)]
    pub exclude: Vec<RawExclude>,
}

/// One `[[exclude]]` table as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExclude {
    pub path: String,
    pub reason: Option<String>,
}

/// One `[[allow]]` table as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAllow {
    pub fingerprint: Option<String>,
    pub rule: Option<String>,
    pub value: Option<String>,
    pub path: Option<String>,
    pub reason: Option<String>,
}

/// `crashscope.toml` in `dir` or the nearest parent that has one.
pub fn find_config(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

impl Config {
    pub fn read(path: &Path) -> Result<Config, ConfigError> {
        let err = |message: String| ConfigError {
            path: path.to_path_buf(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read: {e}")))?;
        toml::from_str(&text).map_err(|e| {
            // toml's messages span several lines (a source excerpt); keep the first.
            let msg = e.message().lines().next().unwrap_or("invalid").to_string();
            match e.span() {
                Some(span) => {
                    let line = text[..span.start.min(text.len())].lines().count().max(1);
                    err(format!("line {line}: {msg}"))
                }
                None => err(msg),
            }
        })
    }

    /// Check every entry and build the policy (`threshold` from the command line wins).
    pub fn into_policy(
        self,
        path: &Path,
        threshold: Option<Severity>,
    ) -> Result<Policy, ConfigError> {
        let err = |message: String| ConfigError {
            path: path.to_path_buf(),
            message,
        };
        let known: BTreeSet<&str> = catalog().iter().map(|r| r.id).collect();
        for rule in &self.disable_rules {
            if !known.contains(rule.as_str()) {
                return Err(err(format!(
                    "disable-rules: no rule {rule:?} (crashscope audit --help lists them)"
                )));
            }
        }
        let mut allow = Vec::new();
        for (i, raw) in self.allow.into_iter().enumerate() {
            let n = i + 1;
            let reason = raw.reason.filter(|r| !r.trim().is_empty()).ok_or_else(|| {
                err(format!(
                    "allow entry {n} has no reason (every exception says why)"
                ))
            })?;
            if let Some(rule) = &raw.rule {
                if !known.contains(rule.as_str()) {
                    return Err(err(format!("allow entry {n}: no rule {rule:?}")));
                }
            }
            if raw.rule.is_some() && raw.value.is_none() {
                return Err(err(format!(
                    "allow entry {n}: rule needs a value regex (disable-rules turns a rule off)"
                )));
            }
            let kinds = [
                raw.fingerprint.is_some(),
                raw.value.is_some(),
                raw.path.is_some(),
            ];
            if kinds.iter().filter(|k| **k).count() != 1 {
                return Err(err(format!(
                    "allow entry {n} needs exactly one of fingerprint, value (with an optional rule) or path"
                )));
            }
            let matcher = if let Some(fp) = raw.fingerprint {
                let fp = fp
                    .parse()
                    .map_err(|e| err(format!("allow entry {n}: {e}")))?;
                AllowMatch::Fingerprint(fp)
            } else if let Some(value) = raw.value {
                let value = Regex::new(&value).map_err(|e| {
                    err(format!(
                        "allow entry {n}: bad value regex: {}",
                        e.to_string().lines().last().unwrap_or("")
                    ))
                })?;
                AllowMatch::RuleValue {
                    rule: raw.rule,
                    value,
                }
            } else {
                let glob = raw.path.unwrap_or_default();
                let matcher = super::glob(&glob)
                    .map_err(|e| err(format!("allow entry {n}: bad glob: {e}")))?;
                AllowMatch::Path { glob, matcher }
            };
            allow.push(AllowEntry {
                matcher,
                reason,
                used: AtomicUsize::new(0),
            });
        }
        let mut exclude = Vec::new();
        for (i, raw) in self.exclude.into_iter().enumerate() {
            let n = i + 1;
            let reason = raw.reason.filter(|r| !r.trim().is_empty()).ok_or_else(|| {
                err(format!(
                    "exclude entry {n} has no reason (every exception says why)"
                ))
            })?;
            let matcher = super::glob(&raw.path)
                .map_err(|e| err(format!("exclude entry {n}: bad glob: {e}")))?;
            exclude.push(super::ExcludeEntry {
                glob: raw.path,
                matcher,
                reason,
                used: AtomicUsize::new(0),
            });
        }
        Ok(Policy {
            exclude,
            threshold: threshold.or(self.fail_on).unwrap_or(Severity::Medium),
            disabled_rules: self.disable_rules.into_iter().collect(),
            disabled_categories: self.disable_categories.into_iter().collect(),
            allow,
            baseline: BTreeSet::new(),
            key: None,
            pseudonyms: None,
            older: Default::default(),
            cwd: Default::default(),
            config_path: Some(path.to_path_buf()),
            base: path
                .canonicalize()
                .ok()
                .and_then(|p| p.parent().map(Path::to_path_buf)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(text: &str) -> Result<Policy, String> {
        let c: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        c.into_policy(Path::new("crashscope.toml"), None)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn every_allow_entry_needs_a_reason_and_one_kind() {
        assert!(policy("[[allow]]\npath = \"a/**\"\n")
            .unwrap_err()
            .contains("no reason"));
        assert!(policy(
            "[[allow]]\npath = \"a\"\nfingerprint = \"0123456789abcdef\"\nreason = \"x\"\n"
        )
        .unwrap_err()
        .contains("exactly one"));
        assert!(policy("[[allow]]\nrule = \"email\"\nreason = \"x\"\n")
            .unwrap_err()
            .contains("needs a value"));
        assert!(
            policy("[[allow]]\nrule = \"e-mail\"\nvalue = \"x\"\nreason = \"x\"\n")
                .unwrap_err()
                .contains("no rule")
        );
        assert!(policy("[[allow]]\nvalue = \"(\"\nreason = \"x\"\n")
            .unwrap_err()
            .contains("bad value regex"));
        assert!(policy("fail-on = \"severe\"\n").is_err());
        assert!(policy("unknown = 1\n").is_err());
        let p = policy(
            "fail-on = \"high\"\ndisable-categories = [\"quasi-identifier\"]\n[[allow]]\nvalue = \"@example\\\\.com$\"\nreason = \"docs\"\n",
        )
        .unwrap();
        assert_eq!(p.threshold, Severity::High);
        assert!(p.disabled_categories.contains(&Category::QuasiIdentifier));
        assert_eq!(p.allow[0].describe(), "value /@example\\.com$/");
    }
}
