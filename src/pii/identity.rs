//! Whose data: the identities a dump reveals about its user and machine (found in
//! fields, then searched for everywhere), and the bulk personal data of other people.

use super::*;

/// The identities a dump reveals about its user and machine.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Identity {
    pub user_names: BTreeSet<String>,
    /// User names the dump states (`USER=42`, a two-letter home folder) that are too
    /// short or all digits to be searched for elsewhere: reported where they stand, and
    /// named here, but not looked for in memory, where they would match everything.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub user_names_not_searched: BTreeSet<String>,
    pub host_names: BTreeSet<String>,
    /// Personal data of other people: distinct values per kind (`e-mail` → 61,230) found
    /// in bulk in memory and tied to nothing that names the user (see [`whose`]).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub others: BTreeMap<String, usize>,
    /// Host names of servers the process talked to (a database in a connection string,
    /// a file server), not the user's machine.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub servers: BTreeSet<String>,
    /// Values known from elsewhere to be the user's (what they typed into the crash
    /// reporter's form): `(category, value)`.
    #[serde(skip)]
    pub own: BTreeSet<(Category, String)>,
}

/// More distinct values of one kind than this, found only in memory, are data the
/// program held about many people (a customer table), not about its user.
pub const BULK: usize = 5;

/// Whose data: the identity values that belong to other people. A value of a kind that
/// can name anyone (e-mail, phone, IP, MAC, government id) is the user's when a field
/// ties it to them (the environment, the command line, a path, an annotation or form
/// field holding one such value, or a value known from elsewhere: what the user typed
/// into the crash reporter) or when it holds one of the user's names; that evidence
/// holds wherever else the value appears, in its variants too (an e-mail's
/// `+sub-address`, `\u0040` or `%40` for `@`, any case). Several e-mails in one field (a
/// recent-contacts list) are other people's unless they hold a user name. When memory
/// holds more than [`BULK`] distinct values of a kind with no such tie, they are other
/// people's; fewer stay with the user: with a handful there is no telling.
pub(super) fn whose(findings: &[Finding], identity: &Identity) -> crate::pii::Others {
    use std::collections::{BTreeMap as Map, HashMap, HashSet};
    // A user name is among them: many home paths that only memory holds (a sync
    // client's list of colleagues' folders) are other people's.
    const ANYONE: [Category; 6] = [
        Category::Email,
        Category::Phone,
        Category::IpAddress,
        Category::MacAddress,
        Category::GovernmentId,
        Category::UserName,
    ];
    // One searcher per name, not one built per value (a dense heap has many values).
    let names: Vec<memchr::memmem::Finder<'static>> = identity
        .user_names
        .iter()
        .map(|u| u.to_lowercase())
        .filter(|n| n.len() >= 3)
        .map(|n| memchr::memmem::Finder::new(n.as_bytes()).into_owned())
        .collect();
    let named = |v: &str| names.iter().any(|n| n.find(v.as_bytes()).is_some());
    type Set = HashSet<String, foldhash::fast::RandomState>;
    // Canonical form → the finding keys (value lowercased) that have it.
    let mut in_fields: Map<Category, Set> = Map::new();
    let mut in_memory: Map<Category, HashMap<String, Set, foldhash::fast::RandomState>> =
        Map::new();
    let mut lists: Map<&str, Vec<String>> = Map::new();
    for (category, value) in &identity.own {
        in_fields
            .entry(*category)
            .or_default()
            .insert(canonical(*category, value));
    }
    for f in findings.iter().filter(|f| ANYONE.contains(&f.category)) {
        let key = f.value.to_lowercase();
        let canon = canonical(f.category, &key);
        match &f.location {
            Location::Field { path, .. } if f.category == Category::Email => {
                lists.entry(path.as_str()).or_default().push(key);
            }
            // An annotation held as bytes is a field too, scanned like memory.
            Location::Memory { region, .. }
                if f.category == Category::Email && region.starts_with("annotation:") =>
            {
                lists.entry(region.as_str()).or_default().push(key);
            }
            Location::Field { .. } => {
                in_fields.entry(f.category).or_default().insert(canon);
            }
            Location::Memory { .. } => {
                in_memory
                    .entry(f.category)
                    .or_default()
                    .entry(canon)
                    .or_default()
                    .insert(key);
            }
        }
    }
    let mut others = crate::pii::Others::default();
    for (_, mut values) in lists {
        values.sort();
        values.dedup();
        if values.len() == 1 {
            let canon = canonical(Category::Email, &values[0]);
            in_fields.entry(Category::Email).or_default().insert(canon);
            continue;
        }
        for v in values {
            if named(&v) {
                let canon = canonical(Category::Email, &v);
                in_fields.entry(Category::Email).or_default().insert(canon);
            } else {
                others.insert((Category::Email, v));
            }
        }
    }
    // A list's e-mail that another field ties to the user stays the user's.
    if let Some(mine) = in_fields.get(&Category::Email) {
        others.retain(|(c, v)| *c != Category::Email || !mine.contains(&canonical(*c, v)));
    }
    for (category, values) in in_memory {
        let shown = in_fields.get(&category);
        let unknown: Vec<String> = values
            .into_iter()
            .filter(|(canon, _)| {
                !shown.is_some_and(|s| s.contains(canon))
                    && (category == Category::UserName || !named(canon))
            })
            .flat_map(|(_, keys)| keys)
            .collect();
        if unknown.len() > BULK {
            others.extend(unknown.into_iter().map(|v| (category, v)));
        }
    }
    others
}

/// The form of a value two spellings of the same identity share: an e-mail lowercased,
/// with `\u0040`/`%40` read as `@` and without its `+sub-address`.
pub fn canonical(category: Category, value: &str) -> String {
    let value = value.to_lowercase();
    if category != Category::Email {
        return value;
    }
    let value = value.replace("\\u0040", "@").replace("%40", "@");
    match value.rsplit_once('@') {
        Some((local, domain)) => {
            let local = local.split('+').next().unwrap_or(local);
            format!("{local}@{domain}")
        }
        None => value,
    }
}

/// Host names that name servers, not the user's machine: hosts in a private domain or
/// of a UNC path (`db.internal.example.com` in a connection string, `\\fileserver`)
/// that are not one of the machine's own names.
pub(super) fn servers(findings: &[Finding], identity: &Identity) -> BTreeSet<String> {
    let own: BTreeSet<String> = identity
        .host_names
        .iter()
        .map(|h| h.to_lowercase())
        .collect();
    findings
        .iter()
        .filter(|f| matches!(f.rule, "internal-host" | "unc-host"))
        .map(|f| f.value.to_lowercase())
        .filter(|v| {
            let short = v.split('.').next().unwrap_or(v);
            !own.contains(v) && !own.contains(short)
        })
        .collect()
}

/// Every whole-word occurrence of the identities in every field.
pub(super) fn identities_in_fields<'a>(
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

pub(super) fn identity_rule(is_host: bool) -> (Category, &'static str) {
    if is_host {
        (Category::HostName, "host-name")
    } else {
        (Category::UserName, "user-name")
    }
}

/// User and host names the fields and findings reveal: home paths and `USER`-like
/// variables for users, `HOSTNAME`-like variables for hosts, values whose name says what
/// they are. A name seen only in a module's debug file (a PDB path: where the module was
/// built, on its builder's machine) is not the user's.
pub(super) fn discover<'a>(
    fields: impl IntoIterator<Item = &'a Field>,
    found: &[Finding],
) -> Identity {
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
        let FieldKind::EnvVar { name, .. } = &field.kind else {
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
    let short: Vec<String> = id
        .user_names
        .iter()
        .filter(|u| u.chars().count() < 3)
        .cloned()
        .collect();
    id.user_names.retain(|u| u.chars().count() >= 3);
    id.user_names_not_searched.extend(short);
    // A numeric name (`USER=1001`) is no identity name to search for, but the dump
    // states it: named too.
    for f in found {
        let stated = matches!(f.rule, "env-user-name" | "named-user-name")
            || (f.rule == "user-path" && !in_debug_file(f));
        let digits = !f.value.is_empty() && f.value.chars().all(|c| c.is_ascii_digit());
        if stated && digits && f.value.len() <= 20 {
            id.user_names_not_searched.insert(f.value.clone());
        }
    }
    id
}

/// Whether a finding is inside a module's debug file path (a PDB path: where the module
/// was built).
pub(super) fn in_debug_file(f: &Finding) -> bool {
    matches!(
        &f.location,
        Location::Field {
            role: FieldRole::DebugFile,
            ..
        }
    )
}

/// A user name seen only in modules' debug file paths is whoever built those modules (a
/// third-party library's builder), not the user: its findings say so, and the identity
/// views list them apart.
pub(super) fn mark_builders(found: &mut [Finding], identity: &Identity) {
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
    others: &crate::pii::Others,
) -> Vec<Who<T>> {
    let mut out: BTreeMap<(usize, String), (Who<T>, bool)> = BTreeMap::new();
    for (f, place) in findings {
        let Some(identity) = identity_key(f) else {
            continue;
        };
        if others.contains(&identity) {
            continue;
        }
        let (category, key) = identity;
        let field = matches!(f.location, Location::Field { .. });
        let (entry, from_field) = out
            .entry((identity_order(category), key))
            .or_insert_with(|| {
                (
                    Who {
                        category,
                        value: f.value.clone(),
                        seen_in: BTreeMap::new(),
                    },
                    field,
                )
            });
        // Shown as a field spells it, rather than as memory happened to.
        if field && !*from_field {
            entry.value = f.value.clone();
            *from_field = true;
        }
        *entry.seen_in.entry(place).or_insert(0) += 1;
    }
    out.into_values().map(|(who, _)| who).collect()
}

/// What [`who`] needs of `findings` to group them with other reports' later: one
/// finding per identity (the first), those of `others` left out. A view that keeps this
/// instead of every finding stays small when a dump holds thousands of other people's
/// records.
pub fn distinct_identities<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
    others: &crate::pii::Others,
) -> Vec<Finding> {
    let mut seen = BTreeSet::new();
    findings
        .into_iter()
        .filter(|f| identity_key(f).is_some_and(|k| !others.contains(&k) && seen.insert(k)))
        .cloned()
        .collect()
}

/// The identity categories, in the order views list them.
pub(super) const WHO: [Category; 9] = [
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
pub fn identity_order(c: Category) -> usize {
    WHO.iter().position(|&x| x == c).unwrap_or(usize::MAX)
}

impl Identity {
    /// The names of `self` that `known` does not hold (ASCII case aside).
    pub(super) fn without(mut self, known: &Identity) -> Identity {
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

    pub(super) fn is_empty(&self) -> bool {
        self.user_names.is_empty() && self.host_names.is_empty()
    }
}
