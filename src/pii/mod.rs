//! The PII engine: which parts of the inventory could identify a person, or are secrets.
//!
//! Three passes over the disclosure inventory:
//! 1. every field is checked by the value rules ([`rules::RULES`]) and by the context
//!    rules (an environment variable's name, an annotation's key, the command line);
//! 2. **identities** the dump reveals (user names from home paths and `USER`, host names
//!    from `HOSTNAME`) are collected ...
//! 3. ... and searched for everywhere, case-insensitively, in every field and in all
//!    memory, in UTF-8 and UTF-16LE at both byte alignments ([`memory`]).
//!
//! It knows nothing about terminals: findings carry values, byte ranges and fingerprints;
//! `render` decides how to show them.

pub mod keys;
pub mod memory;
mod protocols;
pub mod rules;
mod scanners;
pub mod upstream;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::budget::Deadline;
use crate::disclosure::{Encoding, Field, FieldKind, Inventory, Region};

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

/// Where a finding is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Location {
    /// Inside a field of the inventory.
    Field {
        path: String,
        place: &'static str,
        /// Byte range of the match inside the field's decoded value.
        start: usize,
        end: usize,
    },
    /// Inside a memory region.
    Memory {
        region: String,
        thread_id: Option<u32>,
        address: u64,
        /// Surrounding printable text (raw; escape before printing).
        excerpt: String,
    },
}

impl Location {
    /// `modules[3].code_file` or `memory[stack:thread 2]@0x7ffc...`.
    pub fn logical(&self) -> String {
        match self {
            Location::Field { path, .. } => path.clone(),
            Location::Memory {
                region, address, ..
            } => format!("memory[{region}]@0x{address:x}"),
        }
    }

    /// The summary's "place": module paths, environment, stack memory...
    pub fn place(&self) -> String {
        match self {
            Location::Field { place, .. } => (*place).to_string(),
            Location::Memory { region, .. } => match region.split(':').next().unwrap_or(region) {
                "context" => "CPU registers".to_string(),
                "stream" => "custom streams".to_string(),
                "annotation" => "annotations".to_string(),
                "attachment" => "attachments".to_string(),
                "unclaimed" => "unclaimed bytes".to_string(),
                kind => format!("{kind} memory"),
            },
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

    /// A stable hash of rule and value: the same on every run and machine.
    pub fn fingerprint(&self) -> String {
        fingerprint(self.rule, &self.value)
    }
}

/// One `unreadable-data` finding per part of a file that could not be read, so that an
/// audit fails closed: what was not read cannot pass as clean. They have no byte range.
pub fn unreadable(problems: &[&String]) -> Vec<Finding> {
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
                start: 0,
                end: p.len(),
            },
            offset: 0,
            length: 0,
            encoding: Encoding::Raw,
            value: (*p).clone(),
        })
        .collect()
}

/// The character `scrub` masks values with.
pub const MASK: char = '*';

/// Whether `value` is entirely masked (`*****`), as `scrub` leaves a value.
pub fn is_masked(value: &str) -> bool {
    !value.is_empty() && value.chars().all(|c| c == MASK)
}

/// What one rule finds: for help texts, SARIF rule metadata and configuration checks.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    pub id: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub description: &'static str,
}

/// Rules that judge a value by where it is (its field), not by its shape, and the
/// identity rules that search for names the dump has revealed.
const PLACE_RULES: &[RuleInfo] = &[
    RuleInfo { id: "env-user-name", category: Category::UserName, severity: Severity::Medium, description: "The user name in USER, LOGNAME or USERNAME" },
    RuleInfo { id: "env-host-name", category: Category::HostName, severity: Severity::Medium, description: "The machine's name: HOSTNAME, HOST, COMPUTERNAME, USERDOMAIN, CLIENTNAME (the remote-desktop client), LOGONSERVER (the domain controller), the host in SESSION_MANAGER" },
    RuleInfo { id: "current-directory", category: Category::CurrentDirectory, severity: Severity::Low, description: "The current directory (PWD, OLDPWD): low, because the identifying part of it (a user name in a home path) is a finding of its own" },
    RuleInfo { id: "env-secret", category: Category::Secret, severity: Severity::High, description: "An environment variable one of whose words names a secret (PASSWORD, SECRET, TOKEN, API_KEY, ACCESS_KEY, PRIVATE_KEY, CREDENTIAL...) and whose value is not a path, socket, boolean or small number" },
    RuleInfo { id: "locale", category: Category::QuasiIdentifier, severity: Severity::Low, description: "The locale or time zone (LANG, LC_*, TZ)" },
    RuleInfo { id: "unreadable-data", category: Category::Unreadable, severity: Severity::Medium, description: "A part of the file that could not be read (a stream or region outside the file, a corrupt structure): what it holds was not checked, so it cannot pass as clean" },
    RuleInfo { id: "environment-variable", category: Category::Environment, severity: Severity::Low, description: "Any other environment variable: the environment travels with the dump" },
    RuleInfo { id: "command-line", category: Category::CommandLine, severity: Severity::Medium, description: "A command-line argument of the crashed process" },
    RuleInfo { id: "install-id", category: Category::InstallId, severity: Severity::Medium, description: "A stable install, device or machine id (Crashpad client id; an annotation or crash context value named guid, device id, machine id, install id): links every report of one install" },
    RuleInfo { id: "account-id", category: Category::AccountId, severity: Severity::Medium, description: "An account, login or user id, by the name it is stored under (EpicAccountId, LoginId, user_id)" },
    RuleInfo { id: "named-secret", category: Category::Secret, severity: Severity::High, description: "An annotation or crash context value whose name says it is a secret (token, password, api key...)" },
    RuleInfo { id: "named-email", category: Category::Email, severity: Severity::Medium, description: "An annotation or crash context value whose name says it is an e-mail address" },
    RuleInfo { id: "named-user-name", category: Category::UserName, severity: Severity::Medium, description: "An annotation or crash context value whose name says it is a user or login name" },
    RuleInfo { id: "named-host-name", category: Category::HostName, severity: Severity::Medium, description: "An annotation or crash context value whose name says it is a computer or host name" },
    RuleInfo { id: "sensitive-annotation", category: Category::Annotation, severity: Severity::Medium, description: "A Crashpad annotation known to carry browsing or launch data (url-chunk, top-origin, switch-N)" },
    RuleInfo { id: "user-comment", category: Category::Annotation, severity: Severity::Medium, description: "Text the user typed about the crash (Mozilla's Comments annotation): it may say anything about them" },
    RuleInfo { id: "quasi-identifier", category: Category::QuasiIdentifier, severity: Severity::Low, description: "OS build, CPU brand, GPU or distribution: narrows down who you are" },
    RuleInfo { id: "user-name", category: Category::UserName, severity: Severity::Medium, description: "A user name the dump revealed elsewhere (a home path, USER), found again" },
    RuleInfo { id: "build-path-user", category: Category::UserName, severity: Severity::Medium, description: "A user name seen only in a module's debug file (PDB) path: whoever built that module, not the user; listed apart from the user's identity" },
    RuleInfo { id: "host-name", category: Category::HostName, severity: Severity::Medium, description: "A host name the dump revealed elsewhere (HOSTNAME), found again" },
];

/// Every rule crashscope can report, value rules first.
pub fn catalog() -> Vec<RuleInfo> {
    rules::RULES
        .iter()
        .map(|r| RuleInfo {
            id: r.id,
            category: r.category,
            severity: r.severity,
            description: r.description,
        })
        .chain(upstream::UPSTREAM.iter().map(|r| RuleInfo {
            id: r.id,
            category: Category::Secret,
            severity: r.severity,
            description: r.description,
        }))
        .chain(PLACE_RULES.iter().copied())
        .collect()
}

/// One rule as `crashscope rules` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    pub id: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// `crashscope`, `gitleaks` or `noseyparker`.
    pub origin: &'static str,
    pub description: &'static str,
    /// Why an upstream rule's severity is below high.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub severity_reason: &'static str,
}

/// Every rule, for `crashscope rules`: [`catalog`] with where each rule comes from.
pub fn listing() -> Vec<Listed> {
    let origin = |id: &str| {
        upstream::UPSTREAM
            .iter()
            .find(|u| u.id == id)
            .map_or(("crashscope", ""), |u| (u.origin.name(), u.severity_reason))
    };
    catalog()
        .into_iter()
        .map(|r| {
            let (origin, severity_reason) = origin(r.id);
            Listed {
                id: r.id,
                category: r.category,
                severity: r.severity,
                origin,
                description: r.description,
                severity_reason,
            }
        })
        .collect()
}

/// FNV-1a 64 of `rule \0 value`, as 16 hex digits.
pub fn fingerprint(rule: &str, value: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in rule.bytes().chain([0u8]).chain(value.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
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

/// The identities a dump reveals about its user and machine.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Identity {
    pub user_names: BTreeSet<String>,
    pub host_names: BTreeSet<String>,
    /// Personal data of other people: distinct values per kind (`e-mail` → 61,230) found
    /// in bulk in memory and tied to nothing that names the user (see [`whose`]).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub others: BTreeMap<String, usize>,
}

/// Everything found in one report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Findings {
    pub identity: Identity,
    pub findings: Vec<Finding>,
    /// Inventory fields recognised inside memory (environment blocks on a stack or in
    /// the heap): the caller adds them to the report's inventory.
    pub fields: Vec<Field>,
    /// What the scan could not do (memory left unscanned when the time budget ran out).
    pub problems: Vec<String>,
    /// Identity values (category, value case-folded) that are other people's data.
    pub others: std::collections::HashSet<(Category, String)>,
}

impl Findings {
    /// Findings inside the field at `path`.
    pub fn for_field<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings
            .iter()
            .filter(move |f| matches!(&f.location, Location::Field { path: p, .. } if p == path))
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

/// Scan an inventory: fields, identities, memory. `file` is the whole dump.
pub fn scan(inventory: &Inventory, file: &[u8]) -> Findings {
    scan_with(inventory, file, &Identity::default())
}

/// [`scan`], also searching for identities already known from elsewhere (the dump of a
/// report whose attachment this is).
pub fn scan_with(inventory: &Inventory, file: &[u8], known: &Identity) -> Findings {
    scan_releasing(inventory, file, known, &|_, _| {}, None)
}

/// [`scan_with`] for a memory-mapped file: `release(offset, len)` is called when a
/// range of memory regions has been scanned, so the caller can drop those pages. Memory
/// is scanned until `deadline`; what was left unscanned is one of the `problems`.
pub fn scan_releasing(
    inventory: &Inventory,
    file: &[u8],
    known: &Identity,
    release: &(dyn Fn(u64, u64) + Sync),
    deadline: Option<Deadline>,
) -> Findings {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    // The budget covers the fields too (a crafted dump can carry very many): what is
    // left unchecked is said, like memory left unscanned.
    let late = |i: usize| i % 1024 == 1023 && deadline.is_some_and(|d| d.passed());
    let total_fields = inventory.fields.len();
    for (i, field) in inventory.fields.iter().enumerate() {
        if late(i) {
            if let Some(d) = deadline {
                problems.push(d.ran_out(&format!(
                    "while checking fields: {} of {total_fields} fields were not checked",
                    total_fields - i
                )));
            }
            break;
        }
        scan_field(field, &mut found);
    }
    let mut identity = discover(&inventory.fields, &found);
    identity.user_names.extend(known.user_names.iter().cloned());
    identity.host_names.extend(known.host_names.iter().cloned());
    let matcher = memory::IdentityMatcher::new(&identity);
    identities_in_fields(&inventory.fields, &matcher, &mut found);
    let scanned = memory::scan_regions(file, &inventory.regions, &matcher, true, release, deadline);
    let mut skipped = scanned.skipped;
    found.extend(scanned.findings);
    let memory_fields = scanned.fields;
    // Memory can reveal more names (a home path on the stack, an environment block with
    // USERNAME and COMPUTERNAME): search for those once more, everywhere.
    let all_fields: Vec<&Field> = inventory.fields.iter().chain(&memory_fields).collect();
    let discovered = discover(all_fields.iter().copied(), &found);
    let more = discovered.clone().without(&identity);
    identity.user_names.extend(discovered.user_names);
    identity.host_names.extend(discovered.host_names);
    if !more.is_empty() {
        let extra = memory::IdentityMatcher::new(&more);
        // Fields of environment blocks in memory are matched again by the memory scan.
        identities_in_fields(&inventory.fields, &extra, &mut found);
        let again =
            memory::scan_regions(file, &inventory.regions, &extra, false, release, deadline);
        found.extend(again.findings);
        skipped = skipped.max(again.skipped);
    }
    drop(all_fields);
    let mut memory_fields = memory_fields;
    name_memory_fields(&mut memory_fields, &mut found);
    mark_builders(&mut found, &identity);
    if let (Some(deadline), true) = (deadline, skipped > 0) {
        let total: u64 = inventory.regions.iter().map(|r| r.len).sum();
        problems.push(deadline.ran_out(&format!(
            "during the privacy scan: {skipped} of {total} bytes of memory were not scanned"
        )));
    }
    let findings = dedupe(found);
    let others = whose(&findings, &identity);
    for (category, _) in &others {
        *identity
            .others
            .entry(category.as_str().to_string())
            .or_insert(0) += 1;
    }
    Findings {
        identity,
        others,
        findings,
        fields: memory_fields,
        problems,
    }
}

/// More distinct values of one kind than this, found only in memory, are data the
/// program held about many people (a customer table), not about its user.
pub const BULK: usize = 5;

/// Whose data: the identity values that belong to other people. A value of a kind that
/// can name anyone (e-mail, phone, IP, MAC, government id) is the user's when a field
/// shows it (the environment, an annotation, the command line, a path) or when it holds
/// one of the user's names; when memory holds more than [`BULK`] distinct values of a
/// kind, the rest of them are other people's. Fewer stay with the user: with a handful
/// there is no telling.
fn whose(
    findings: &[Finding],
    identity: &Identity,
) -> std::collections::HashSet<(Category, String)> {
    use std::collections::{BTreeMap as Map, HashSet};
    const ANYONE: [Category; 5] = [
        Category::Email,
        Category::Phone,
        Category::IpAddress,
        Category::MacAddress,
        Category::GovernmentId,
    ];
    let names: Vec<String> = identity
        .user_names
        .iter()
        .map(|u| u.to_lowercase())
        .collect();
    let mut in_fields: HashSet<(Category, String)> = HashSet::new();
    let mut in_memory: Map<Category, HashSet<String>> = Map::new();
    for f in findings.iter().filter(|f| ANYONE.contains(&f.category)) {
        let key = f.value.to_lowercase();
        match f.location {
            Location::Field { .. } => {
                in_fields.insert((f.category, key));
            }
            Location::Memory { .. } => {
                in_memory.entry(f.category).or_default().insert(key);
            }
        }
    }
    let mut others = HashSet::new();
    for (category, values) in in_memory {
        let unknown: Vec<String> = values
            .into_iter()
            .filter(|v| {
                !in_fields.contains(&(category, v.clone()))
                    && !names.iter().any(|n| n.len() >= 3 && v.contains(n.as_str()))
            })
            .collect();
        if unknown.len() > BULK {
            others.extend(unknown.into_iter().map(|v| (category, v)));
        }
    }
    others
}

/// Environment blocks are often in memory more than once (a copy of the block, the
/// same strings twice in one region): the first variable of a name in a region keeps
/// `memory[REGION].environ.NAME`, later ones are told apart by the file offset of their
/// value (`…environ.NAME@0x…`), and the findings inside them follow the new path.
fn name_memory_fields(fields: &mut [Field], found: &mut [Finding]) {
    fields.sort_by_key(|f| f.origin.offset);
    let mut seen = BTreeSet::new();
    for f in fields.iter_mut() {
        if !seen.insert(f.path.clone()) {
            f.path = format!("{}@0x{:x}", f.path, f.origin.offset);
        }
    }
    for finding in found.iter_mut() {
        let Location::Field { path, .. } = &mut finding.location else {
            continue;
        };
        if !crate::disclosure::environ::is_memory_path(path) {
            continue;
        }
        // The field that holds the finding: the last one starting at or before it.
        let at = fields.partition_point(|f| f.origin.offset <= finding.offset);
        if let Some(field) = at.checked_sub(1).map(|i| &fields[i]) {
            if finding.offset < field.origin.offset + field.origin.len.max(1) {
                path.clone_from(&field.path);
            }
        }
    }
}

/// Every whole-word occurrence of the identities in every field.
fn identities_in_fields<'a>(
    fields: impl IntoIterator<Item = &'a Field>,
    matcher: &memory::IdentityMatcher,
    found: &mut Vec<Finding>,
) {
    for field in fields {
        for (start, end, is_host) in matcher.find_in_text(&field.value) {
            let (category, rule) = identity_rule(is_host);
            push_field(found, field, rule, category, Severity::Medium, start, end);
        }
    }
}

fn identity_rule(is_host: bool) -> (Category, &'static str) {
    if is_host {
        (Category::HostName, "host-name")
    } else {
        (Category::UserName, "user-name")
    }
}

/// Keep one finding per byte range (the first rule in table order wins), sorted by offset.
fn dedupe(mut found: Vec<Finding>) -> Vec<Finding> {
    // A value `scrub` masked (`password=*****`) is no longer the value.
    found.retain(|f| !is_masked(&f.value));
    let mut seen = BTreeSet::new();
    found.retain(|f| seen.insert((f.offset, f.length, f.category)));
    // A range already reported with another category by a more specific rule stays too;
    // an identity hit inside a user-path hit of the same bytes is the same finding.
    found.sort_by(|a, b| a.offset.cmp(&b.offset).then(b.severity.cmp(&a.severity)));
    found
}

/// Map a byte range of a field's value to its bytes in the file.
fn file_range(field: &Field, start: usize, end: usize) -> (u64, u64) {
    match field.origin.encoding {
        Encoding::Utf8 => (field.origin.offset + start as u64, (end - start) as u64),
        Encoding::Utf16le => {
            let before = field.value[..start].encode_utf16().count() as u64 * 2;
            let len = field.value[start..end].encode_utf16().count() as u64 * 2;
            (field.origin.offset + before, len)
        }
        // A binary value (a UUID) is matched as a whole.
        Encoding::Raw => (field.origin.offset, field.origin.len),
    }
}

fn push_field(
    found: &mut Vec<Finding>,
    field: &Field,
    rule: &'static str,
    category: Category,
    severity: Severity,
    start: usize,
    end: usize,
) {
    let (offset, length) = file_range(field, start, end);
    found.push(Finding {
        rule,
        category,
        severity,
        location: Location::Field {
            path: field.path.clone(),
            place: field.kind.place(),
            start,
            end,
        },
        offset,
        length,
        encoding: field.origin.encoding,
        value: field.value[start..end].to_string(),
    });
}

/// Run every value rule over `text`, crashscope's and the upstream ones; returns
/// `(rule index, value start, value end)` (see [`rules::any`]). Of two overlapping secret
/// matches of different rules, the better-ranked one is kept ([`rules::rank`]).
pub fn match_rules(text: &str) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut ranges = Vec::new();
    let folded = rules::Text::new(text);
    for i in rules::candidates(text) {
        let rule = &rules::RULES[i];
        ranges.clear();
        rules::find(i, &folded, &mut ranges);
        for &(start, end) in &ranges {
            // ASCII classes can stop inside a multi-byte character: keep whole characters.
            if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                continue;
            }
            if rule.validator.is_none_or(|v| v(text, start, end)) {
                // A private key is its whole block, so that scrub masks the key itself.
                let end = if i == rules::PRIVATE_KEY {
                    rules::key_block_end(text.as_bytes(), end, 1)
                } else {
                    end
                };
                out.push((i, start, end));
            }
        }
    }
    let mut upstream = Vec::new();
    upstream::find(text, &mut upstream);
    out.extend(
        upstream
            .into_iter()
            .filter(|&(_, s, e)| text.is_char_boundary(s) && text.is_char_boundary(e))
            .map(|(u, s, e)| (rules::RULES.len() + u, s, e)),
    );
    keep_best_secrets(&mut out);
    out
}

/// Drop a secret match that lies within a better-ranked secret match of another rule (a
/// connection string's whole password, not the `password=` rule's first word). A worse
/// match that reaches beyond the better one stays: its bytes must be masked too.
fn keep_best_secrets(found: &mut Vec<(usize, usize, usize)>) {
    let secret = |i: usize| rules::category(i) == Category::Secret;
    let mut better: Vec<(usize, usize, u8)> = found
        .iter()
        .filter(|&&(i, ..)| secret(i) && rules::rank(i) < 2)
        .map(|&(i, s, e)| (s, e, rules::rank(i)))
        .collect();
    if better.is_empty() || !found.iter().any(|&(i, ..)| secret(i) && rules::rank(i) > 0) {
        return;
    }
    better.sort_unstable();
    // The furthest end among the better matches that start at or before each one, for
    // rank 0 only and for ranks 0 and 1: one lookup per match, not a scan (a crafted text
    // can hold hundreds of thousands of matches).
    let mut reach = Vec::with_capacity(better.len());
    let (mut best0, mut best01) = (0usize, 0usize);
    for &(_, e, r) in &better {
        if r == 0 {
            best0 = best0.max(e);
        }
        best01 = best01.max(e);
        reach.push((best0, best01));
    }
    found.retain(|&(i, s, e)| {
        if !secret(i) || rules::rank(i) == 0 {
            return true;
        }
        // Candidates start where this match starts or before.
        let upto = better.partition_point(|&(s2, ..)| s2 <= s);
        let Some(&(r0, r01)) = upto.checked_sub(1).and_then(|k| reach.get(k)) else {
            return true;
        };
        let covering = if rules::rank(i) == 1 { r0 } else { r01 };
        covering < e
    });
}

/// [`match_rules`] for a field's text, remembered per thread: the same texts come again
/// and again (the environ stream and the `envp` block on the stack, copies of a Windows
/// environment block, `/proc/cpuinfo`'s lines for every core), and each distinct text is
/// matched once (2.5M of 20M instructions of `show` on a Linux Breakpad dump). The
/// memory is bounded: the cache is emptied when it holds 4,096 entries, and texts over
/// 4 KiB are not kept.
fn cached_matches(entry: &str) -> Vec<(usize, usize, usize)> {
    type Matches = Vec<(usize, usize, usize)>;
    thread_local! {
        static SEEN: std::cell::RefCell<std::collections::HashMap<String, Matches>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    if let Some(hit) = SEEN.with(|c| c.borrow().get(entry).cloned()) {
        return hit;
    }
    let found = match_rules(entry);
    SEEN.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= 4096 || entry.len() > 4096 {
            c.clear();
        }
        if entry.len() <= 4096 {
            c.insert(entry.to_string(), found.clone());
        }
    });
    found
}

fn scan_field(field: &Field, found: &mut Vec<Finding>) {
    let value = &field.value;
    // Context first: `HOSTNAME=x.corp` is the machine's name, which says more than
    // "a host name in a private domain" (deduplication keeps the first of a range).
    // But a secret-named variable whose whole value a specific rule recognises (a GitHub
    // token in GITHUB_TOKEN) is reported by that rule.
    let matches = match &field.kind {
        _ if field.origin.encoding == Encoding::Raw => Vec::new(),
        // A variable is matched as `NAME=value`, so that rules which need the name
        // (`AWS_SECRET_ACCESS_KEY=...`) see it; only matches inside the value count.
        FieldKind::EnvVar { name } => {
            let skip = name.len() + 1;
            cached_matches(&format!("{name}={value}"))
                .into_iter()
                .filter(|&(_, start, _)| start >= skip)
                .map(|(i, start, end)| (i, start - skip, end - skip))
                .collect()
        }
        _ => cached_matches(value),
    };
    // A value scrub masked whole (`*****`) or blanked says nothing any more.
    let masked = value.is_empty() || is_masked(value);
    if let Some((rule, category, severity, (from, to))) =
        context_rule(&field.kind, value).filter(|_| !masked)
    {
        let recognised = category == Category::Secret
            && matches.iter().any(|&(i, start, end)| {
                rules::category(i) == category && start == 0 && end == value.len()
            });
        if !recognised && from < to {
            push_field(found, field, rule, category, severity, from, to);
        }
    }
    for (i, start, end) in matches {
        let severity = rules::severity(i, &value[start..end]);
        push_field(
            found,
            field,
            rules::id(i),
            rules::category(i),
            severity,
            start,
            end,
        );
    }
}

/// A sub-range of a value, or all of it.
type Span = (usize, usize);

/// Rules that depend on where a value is, not what it looks like: the rule, and the
/// part of the value it covers (a host inside `SESSION_MANAGER`, not the whole value).
fn context_rule(kind: &FieldKind, value: &str) -> Option<(&'static str, Category, Severity, Span)> {
    use Category as C;
    use Severity::*;
    let all = (0, value.len());
    Some(match kind {
        FieldKind::EnvVar { name } => return env_rule(name, value),
        FieldKind::CommandLine { index } if *index > 0 => {
            ("command-line", C::CommandLine, Medium, all)
        }
        FieldKind::CrashpadClientId => ("install-id", C::InstallId, Medium, all),
        FieldKind::Annotation { key } => {
            let k = key.to_ascii_lowercase();
            if k == "clientid" {
                ("install-id", C::InstallId, Medium, all)
            } else if k.starts_with("url-chunk") || k == "top-origin" || k.starts_with("switch-") {
                ("sensitive-annotation", C::Annotation, Medium, all)
            } else if k.starts_with("gpu") || k == "lsb-release" {
                ("quasi-identifier", C::QuasiIdentifier, Low, all)
            } else {
                let (rule, category, severity) = keys::by_key(key, value)?;
                (rule, category, severity, all)
            }
        }
        FieldKind::CrashContext { key } => {
            let (rule, category, severity) = keys::by_key(key, value)?;
            (rule, category, severity, all)
        }
        FieldKind::SystemInfo | FieldKind::MiscInfo | FieldKind::LsbRelease => {
            ("quasi-identifier", C::QuasiIdentifier, Low, all)
        }
        // The CPU brand string, once per core in /proc/cpuinfo.
        FieldKind::CpuInfo if value.starts_with("model name") => {
            ("quasi-identifier", C::QuasiIdentifier, Low, all)
        }
        _ => return None,
    })
}

/// An environment variable, judged by its name (and, for secrets, by its value).
fn env_rule(name: &str, value: &str) -> Option<(&'static str, Category, Severity, Span)> {
    use Category as C;
    use Severity::*;
    let all = (0, value.len());
    let upper = name.to_ascii_uppercase();
    Some(match upper.as_str() {
        "USER" | "LOGNAME" | "USERNAME" => ("env-user-name", C::UserName, Medium, all),
        // The machine's name on every system; on Windows also the domain (a machine's
        // own name when it has none) and the remote-desktop client's name.
        "HOSTNAME"
        | "COMPUTERNAME"
        | "HOST"
        | "USERDOMAIN"
        | "USERDOMAIN_ROAMINGPROFILE"
        | "CLIENTNAME" => ("env-host-name", C::HostName, Medium, all),
        // `\\DC-NAME`: the domain controller that logged the user on.
        "LOGONSERVER" => {
            let start = value.len() - value.trim_start_matches('\\').len();
            ("env-host-name", C::HostName, Medium, (start, value.len()))
        }
        // `local/HOST:@/tmp/.ICE-unix/N,unix/HOST:/tmp/.ICE-unix/N`
        "SESSION_MANAGER" => match session_manager_host(value) {
            Some(span) => ("env-host-name", C::HostName, Medium, span),
            None => ("environment-variable", C::Environment, Low, all),
        },
        "PWD" | "OLDPWD" => ("current-directory", C::CurrentDirectory, Low, all),
        "LANG" | "LANGUAGE" | "TZ" => ("locale", C::QuasiIdentifier, Low, all),
        _ if upper.starts_with("LC_") => ("locale", C::QuasiIdentifier, Low, all),
        // Only a real variable name is judged by its words: an environ entry whose "name"
        // is a piece of a command line (`x --primordial-pipe-token`) names nothing.
        _ if crate::disclosure::environ::entry_name_len(&format!("{name}="))
            == Some(name.len())
            && keys::is_secret_name(&keys::words(name))
            && !keys::is_never_secret(value) =>
        {
            ("env-secret", C::Secret, High, all)
        }
        _ => ("environment-variable", C::Environment, Low, all),
    })
}

/// The host inside an X session manager address (`local/HOST:@/tmp/...`).
fn session_manager_host(value: &str) -> Option<Span> {
    let start = value.find('/')? + 1;
    let len = value[start..].find(':')?;
    let host = &value[start..start + len];
    (!host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'))
    .then_some((start, start + len))
}

/// User and host names the fields and findings reveal: home paths and `USER`-like
/// variables for users, `HOSTNAME`-like variables for hosts, values whose name says what
/// they are. A name seen only in a module's debug file (a PDB path: where the module was
/// built, on its builder's machine) is not the user's.
fn discover<'a>(fields: impl IntoIterator<Item = &'a Field>, found: &[Finding]) -> Identity {
    let mut id = Identity::default();
    for f in found {
        let built = f.rule == "user-path" && in_debug_file(f);
        match f.rule {
            "user-path" | "env-user-name" | "named-user-name"
                if !built && rules::is_identity_name(&f.value) =>
            {
                id.user_names.insert(f.value.clone());
            }
            "env-host-name" | "named-host-name" if rules::is_identity_name(&f.value) => {
                id.host_names.insert(f.value.clone());
                if let Some(short) = f.value.split('.').next() {
                    if short.len() >= 3 && short != f.value {
                        id.host_names.insert(short.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    // HOME=/home/alice, USERPROFILE=C:\Users\alice name the user even when USER is not set.
    for field in fields {
        let FieldKind::EnvVar { name } = &field.kind else {
            continue;
        };
        if !matches!(
            name.to_ascii_uppercase().as_str(),
            "HOME" | "USERPROFILE" | "HOMEPATH"
        ) {
            continue;
        }
        if let Some(user) = field.value.rsplit(['/', '\\']).find(|s| !s.is_empty()) {
            if field.value.len() > user.len() + 1 && rules::is_identity_name(user) {
                id.user_names.insert(user.to_string());
            }
        }
    }
    id.user_names.retain(|u| u.chars().count() >= 3);
    id
}

/// Whether a finding is inside a module's debug file path (a PDB path: where the module
/// was built).
fn in_debug_file(f: &Finding) -> bool {
    matches!(&f.location, Location::Field { path, .. } if path.ends_with(".debug_file"))
}

/// A user name seen only in modules' debug file paths is whoever built those modules (a
/// third-party library's builder), not the user: its findings say so, and the identity
/// views list them apart.
fn mark_builders(found: &mut [Finding], identity: &Identity) {
    let users: std::collections::HashSet<String> = identity
        .user_names
        .iter()
        .map(|u| u.to_lowercase())
        .collect();
    for f in found.iter_mut() {
        if f.rule == "user-path" && in_debug_file(f) && !users.contains(&f.value.to_lowercase()) {
            f.rule = "build-path-user";
        }
    }
}

/// The identity a finding stands for in the views' "Who you are": its category and its
/// value, case-folded; `None` for findings that identify nobody in particular or that
/// name someone else (a module's builder). Every view groups identities by this.
pub fn identity_key(f: &Finding) -> Option<(Category, String)> {
    (WHO.contains(&f.category) && f.rule != "build-path-user" && f.severity >= Severity::Medium)
        .then(|| (f.category, f.value.to_lowercase()))
}

/// One identity of the person, with where it was seen.
#[derive(Debug)]
pub struct Who<T> {
    pub category: Category,
    /// The value as first seen (identities are grouped case-insensitively).
    pub value: String,
    /// Each place (or report...) the identity was seen in, with a count.
    pub seen_in: BTreeMap<T, usize>,
}

/// The identities among `findings`, each with the places `where_` names, in the order
/// views list them (by category, then value). Every view's "Who you are" is this list.
pub fn who<'a, T: Ord>(
    findings: impl IntoIterator<Item = (&'a Finding, T)>,
    others: &std::collections::HashSet<(Category, String)>,
) -> Vec<Who<T>> {
    let mut out: BTreeMap<(usize, String), Who<T>> = BTreeMap::new();
    for (f, place) in findings {
        let Some((category, key)) = identity_key(f) else {
            continue;
        };
        if others.contains(&(category, key.clone())) {
            continue;
        }
        let entry = out
            .entry((identity_order(category), key))
            .or_insert_with(|| Who {
                category,
                value: f.value.clone(),
                seen_in: BTreeMap::new(),
            });
        *entry.seen_in.entry(place).or_insert(0) += 1;
    }
    out.into_values().collect()
}

/// What [`who`] needs of `findings` to group them with other reports' later: one
/// finding per identity (the first), those of `others` left out. A view that keeps this
/// instead of every finding stays small when a dump holds thousands of other people's
/// records.
pub fn distinct_identities<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
    others: &std::collections::HashSet<(Category, String)>,
) -> Vec<Finding> {
    let mut seen = BTreeSet::new();
    findings
        .into_iter()
        .filter(|f| identity_key(f).is_some_and(|k| !others.contains(&k) && seen.insert(k)))
        .cloned()
        .collect()
}

/// The identity categories, in the order views list them.
const WHO: [Category; 9] = [
    Category::UserName,
    Category::HostName,
    Category::Email,
    Category::Phone,
    Category::InstallId,
    Category::AccountId,
    Category::IpAddress,
    Category::MacAddress,
    Category::GovernmentId,
];

/// The order in which views list the identity categories.
fn identity_order(c: Category) -> usize {
    WHO.iter().position(|&x| x == c).unwrap_or(usize::MAX)
}

impl Identity {
    /// The names of `self` that `known` does not hold (ASCII case aside).
    fn without(mut self, known: &Identity) -> Identity {
        let lower: std::collections::HashSet<String> = known
            .user_names
            .iter()
            .chain(&known.host_names)
            .map(|n| n.to_lowercase())
            .collect();
        self.user_names
            .retain(|u| !lower.contains(&u.to_lowercase()));
        self.host_names
            .retain(|h| !lower.contains(&h.to_lowercase()));
        self
    }

    fn is_empty(&self) -> bool {
        self.user_names.is_empty() && self.host_names.is_empty()
    }
}

/// A rule's region-independent place for a memory finding.
pub(crate) fn memory_location(region: &Region, address: u64, excerpt: String) -> Location {
    Location::Memory {
        region: region.label(),
        thread_id: region.thread_id,
        address,
        excerpt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_rule_specific() {
        // FNV-1a 64 of `rule \0 value`, worked out apart from this code (Python's
        // integers): a baseline or an allow entry written on one machine matches on
        // every other, and from one release to the next.
        assert_eq!(fingerprint("email", "a@b.io"), "3c3df5c94ad44e18");
        assert_eq!(fingerprint("user-name", "a@b.io"), "0635eacf9ce6099f");
        assert_eq!(fingerprint("", ""), "af63bd4c8601b7df");
    }

    #[test]
    fn redaction_hides_the_value() {
        assert_eq!(redact("alice@example.com"), "ali…(17 chars)");
        assert_eq!(redact("bob"), "•••");
        assert!(!redact("hunter2secret").contains("hunter2"));
    }
}

#[cfg(test)]
mod category_tests {
    use super::*;

    /// The ids the views and `--keep` name are the ones JSON and the configuration use.
    #[test]
    fn category_ids_are_their_serialized_names() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Category::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.id());
            assert!(seen.insert(c.id()), "{} twice", c.id());
        }
        // Every rule's category is among them.
        for r in catalog() {
            assert!(Category::ALL.contains(&r.category), "{}", r.id);
        }
    }
}
