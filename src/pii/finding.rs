//! What a finding is: its severity, category, place, value and fingerprint, and the
//! findings of one scan.

use super::*;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Quasi-identifiers: OS build, locale, CPU; identifying in combination.
    Low,
    /// Direct identifiers: e-mail, user name, host name, IP, install id.
    Medium,
    /// Secrets and credentials, payment and government ids.
    High,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    /// The margin marker that survives `--color never` and copy-paste.
    pub fn marker(self) -> &'static str {
        match self {
            Severity::Low => "~",
            Severity::Medium => "!",
            Severity::High => "!!",
        }
    }
}

/// What kind of information a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Secret,
    Payment,
    GovernmentId,
    Email,
    Phone,
    UserName,
    HostName,
    IpAddress,
    MacAddress,
    InstallId,
    /// An account, login or user id (a game platform's account, a Windows SID).
    AccountId,
    Url,
    CommandLine,
    CurrentDirectory,
    Annotation,
    QuasiIdentifier,
    Environment,
    /// A part of the file that could not be read: nobody checked what it holds.
    Unreadable,
}

impl Category {
    /// Every category, in the order of the enum.
    pub const ALL: [Category; 18] = [
        Category::Secret,
        Category::Payment,
        Category::GovernmentId,
        Category::Email,
        Category::Phone,
        Category::UserName,
        Category::HostName,
        Category::IpAddress,
        Category::MacAddress,
        Category::InstallId,
        Category::AccountId,
        Category::Url,
        Category::CommandLine,
        Category::CurrentDirectory,
        Category::Annotation,
        Category::QuasiIdentifier,
        Category::Environment,
        Category::Unreadable,
    ];

    /// The category's id, as JSON, SARIF and the configuration write it (`email`,
    /// `user-name`); [`as_str`](Self::as_str) is the label the human views print.
    pub fn id(self) -> &'static str {
        match self {
            Category::Secret => "secret",
            Category::Payment => "payment",
            Category::GovernmentId => "government-id",
            Category::Email => "email",
            Category::Phone => "phone",
            Category::UserName => "user-name",
            Category::HostName => "host-name",
            Category::IpAddress => "ip-address",
            Category::MacAddress => "mac-address",
            Category::InstallId => "install-id",
            Category::AccountId => "account-id",
            Category::Url => "url",
            Category::CommandLine => "command-line",
            Category::CurrentDirectory => "current-directory",
            Category::Annotation => "annotation",
            Category::QuasiIdentifier => "quasi-identifier",
            Category::Environment => "environment",
            Category::Unreadable => "unreadable",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Secret => "secret",
            Category::Payment => "payment",
            Category::GovernmentId => "government-id",
            Category::Email => "e-mail",
            Category::Phone => "phone",
            Category::UserName => "user name",
            Category::HostName => "host name",
            Category::IpAddress => "IP address",
            Category::MacAddress => "MAC address",
            Category::InstallId => "install id",
            Category::AccountId => "account id",
            Category::Url => "URL",
            Category::CommandLine => "command line",
            Category::CurrentDirectory => "current directory",
            Category::Annotation => "annotation",
            Category::QuasiIdentifier => "quasi-identifier",
            Category::Environment => "environment",
            Category::Unreadable => "unreadable data",
        }
    }
}

/// What a field finding's field is, beyond its place: the few kinds that rules treat
/// apart (a module's debug file path is where it was built; a variable of an
/// environment block in memory is renamed when the block occurs more than once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldRole {
    #[default]
    Plain,
    DebugFile,
    MemoryEnvironment,
}

impl FieldRole {
    pub fn of(kind: &crate::disclosure::FieldKind) -> FieldRole {
        use crate::disclosure::FieldKind;
        match kind {
            FieldKind::DebugFile => FieldRole::DebugFile,
            FieldKind::EnvVar { block: Some(_), .. } => FieldRole::MemoryEnvironment,
            _ => FieldRole::Plain,
        }
    }
}

/// Where a finding is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Location {
    /// Inside a field of the inventory.
    Field {
        path: String,
        place: &'static str,
        /// What kind of field it is, where a rule or a view needs more than its place.
        #[serde(skip)]
        role: FieldRole,
        /// Byte range of the match inside the field's decoded value.
        start: usize,
        end: usize,
    },
    /// Inside a memory region.
    Memory {
        region: String,
        /// What the region holds, for the summary (see [`Region::place`]).
        #[serde(skip)]
        place: &'static str,
        thread_id: Option<u32>,
        address: u64,
        /// Surrounding printable text (raw; escape before printing).
        excerpt: String,
    },
}

impl Location {
    /// `modules[3].code_file` or `memory[stack:thread 2]@0x7ffc...`.
    pub fn logical(&self) -> String {
        self.logical_name().to_string()
    }

    /// [`Location::logical`] as something to write, without making the string (the
    /// JSON of a dense heap writes 122,460 of them).
    pub fn logical_name(&self) -> LogicalName<'_> {
        LogicalName(self)
    }

    /// The summary's "place": module paths, environment, stack memory...
    pub fn place(&self) -> &'static str {
        match self {
            Location::Field { place, .. } | Location::Memory { place, .. } => place,
        }
    }
}

/// A location's logical name (see [`Location::logical_name`]).
pub struct LogicalName<'a>(&'a Location);

impl std::fmt::Display for LogicalName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Location::Field { path, .. } => f.write_str(path),
            Location::Memory {
                region, address, ..
            } => write!(f, "memory[{region}]@0x{address:x}"),
        }
    }
}

/// One potentially identifying value, with its exact bytes in the file.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub location: Location,
    /// Offset of the matched bytes in the file.
    pub offset: u64,
    /// Length of the matched bytes in the file.
    pub length: u64,
    pub encoding: Encoding,
    /// The matched value as text.
    pub value: String,
}

impl Finding {
    /// A preview that does not reveal the value: a few leading characters and the length.
    pub fn preview(&self) -> String {
        // What could not be read is crashscope's own description, not a value.
        if self.category == Category::Unreadable {
            return self.value.clone();
        }
        redact(&self.value)
    }
}

/// One `unreadable-data` finding per part of a file that could not be read, so that an
/// audit fails closed: what was not read cannot pass as clean. They have no byte range.
pub fn unreadable(problems: &[&crate::problem::Problem]) -> Vec<Finding> {
    problems
        .iter()
        .enumerate()
        .map(|(i, p)| Finding {
            rule: "unreadable-data",
            category: Category::Unreadable,
            severity: Severity::Medium,
            location: Location::Field {
                path: format!("problems[{i}]"),
                place: "unreadable data",
                role: FieldRole::Plain,
                start: 0,
                end: p.to_string().len(),
            },
            offset: 0,
            length: 0,
            encoding: Encoding::Raw,
            value: p.to_string(),
        })
        .collect()
}

/// The `unfinished-report` finding of a report still being written that could not be
/// read: low, because nothing uploads it as it is; `--fail-on low` still fails it.
pub fn unfinished(reason: &str) -> Finding {
    let value = format!("still being written (new/), not read: {reason}");
    Finding {
        rule: "unfinished-report",
        category: Category::Unreadable,
        severity: Severity::Low,
        location: Location::Field {
            path: "problems[0]".to_string(),
            place: "unreadable data",
            role: FieldRole::Plain,
            start: 0,
            end: value.len(),
        },
        offset: 0,
        length: 0,
        encoding: Encoding::Raw,
        value,
    }
}

/// The character `scrub` masks values with.
pub const MASK: char = '*';

/// Whether `value` is entirely masked (`*****`), as `scrub` leaves a value.
pub fn is_masked(value: &str) -> bool {
    !value.is_empty() && value.chars().all(|c| c == MASK)
}

/// `alice@example.com` → `al…(17 chars)`; short values are fully masked.
pub fn redact(value: &str) -> String {
    let n = value.chars().count();
    if n <= 4 {
        return "•".repeat(n.max(1));
    }
    let keep = if n >= 12 { 3 } else { 1 };
    let head: String = value.chars().take(keep).collect();
    format!("{head}…({n} chars)")
}

/// Identity values (category, value case-folded) that are other people's data.
///
/// Hashed with foldhash, seeded at random per process: a dense heap's 122,460 values
/// are hashed several times each, where SipHash was a visible share of `show`. A
/// dump's author cannot see the seed, and
/// foldhash's design leaves no inputs that collide for every seed (its "minimal DoS
/// resistance"; it does not claim to resist an attacker who observes hashes, which a
/// dump cannot).
pub type Others = std::collections::HashSet<(Category, String), foldhash::fast::RandomState>;

/// Everything found in one report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Findings {
    pub identity: Identity,
    pub findings: Vec<Finding>,
    /// Inventory fields recognised inside memory (environment blocks on a stack or in
    /// the heap): the caller adds them to the report's inventory.
    pub fields: Vec<Field>,
    /// What the scan could not do (memory left unscanned when the time budget ran out).
    pub problems: Vec<crate::problem::Problem>,
    /// Identity values (category, value case-folded) that are other people's data.
    pub others: crate::pii::Others,
    /// Which findings are in which field, made on the first [`Findings::for_field`], so
    /// that a view asking for every field's findings reads them once, not once per field.
    #[serde(skip)]
    pub(crate) by_field: std::sync::OnceLock<FieldIndex>,
}

/// The findings in fields by a hash of their field's path (with how many findings there
/// were when it was made): a lookup hashes one path, where a sort and binary searches
/// by path compared paths byte by byte.
/// The hash is keyed at random per index (foldhash, see [`Others`]), so a dump cannot
/// choose paths that collide.
#[derive(Debug, Clone, Default)]
pub(crate) struct FieldIndex {
    len: usize,
    hasher: foldhash::fast::RandomState,
    /// `(hash of the path, finding index)`, sorted.
    keys: Vec<(u64, usize)>,
}

impl Findings {
    /// Findings inside the field at `path`, in their order.
    pub fn for_field<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        let path_of = |i: usize| match &self.findings[i].location {
            Location::Field { path, .. } => Some(path.as_str()),
            Location::Memory { .. } => None,
        };
        let index = self.by_field.get_or_init(|| {
            use std::hash::BuildHasher;
            let hasher = foldhash::fast::RandomState::default();
            let mut keys: Vec<(u64, usize)> = (0..self.findings.len())
                .filter_map(|i| path_of(i).map(|p| (hasher.hash_one(p), i)))
                .collect();
            // By hash, then in the findings' order (each field's stay in theirs).
            keys.sort_unstable();
            FieldIndex {
                len: self.findings.len(),
                hasher,
                keys,
            }
        });
        // Findings added after the index was made: each field's are searched for.
        let fresh = index.len == self.findings.len();
        let range = if fresh {
            use std::hash::BuildHasher;
            let hash = index.hasher.hash_one(path);
            let from = index.keys.partition_point(|&(k, _)| k < hash);
            let to = from + index.keys[from..].partition_point(|&(k, _)| k == hash);
            &index.keys[from..to]
        } else {
            &[]
        };
        let indexed = range
            .iter()
            .filter(move |&&(_, i)| path_of(i) == Some(path))
            .map(|&(_, i)| &self.findings[i]);
        let searched = (!fresh).then(|| {
            self.findings.iter().filter(
                move |f| matches!(&f.location, Location::Field { path: p, .. } if p == path),
            )
        });
        indexed.chain(searched.into_iter().flatten())
    }

    /// Counts by severity.
    pub fn counts(&self) -> BTreeMap<Severity, usize> {
        let mut out = BTreeMap::new();
        for f in &self.findings {
            *out.entry(f.severity).or_insert(0) += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(path: &str, n: usize) -> Finding {
        Finding {
            rule: "email",
            category: Category::Email,
            severity: Severity::Medium,
            location: Location::Field {
                path: path.to_string(),
                place: "an annotation",
                role: FieldRole::Plain,
                start: n,
                end: n + 1,
            },
            offset: n as u64,
            length: 1,
            encoding: crate::disclosure::Encoding::Utf8,
            value: n.to_string(),
        }
    }

    /// A field's findings, in order, from the index made on first use; findings added
    /// later are still found.
    #[test]
    fn a_field_s_findings_come_in_order_from_the_index_and_after_it() {
        let mut findings = Findings {
            findings: (0..30).map(|n| at(["a", "b", "c"][n % 3], n)).collect(),
            ..Default::default()
        };
        let starts = |f: &Findings, path: &str| -> Vec<usize> {
            f.for_field(path)
                .map(|x| match x.location {
                    Location::Field { start, .. } => start,
                    Location::Memory { .. } => unreachable!(),
                })
                .collect()
        };
        assert_eq!(
            starts(&findings, "b"),
            (1..30).step_by(3).collect::<Vec<_>>()
        );
        assert!(starts(&findings, "z").is_empty());
        findings.findings.push(at("b", 99));
        assert_eq!(starts(&findings, "b").last(), Some(&99));
    }
}
