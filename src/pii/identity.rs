//! Whose data: the identities a dump reveals about its user and machine (found in
//! fields, then searched for everywhere), and the bulk personal data of other people.

use super::*;

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

/// More distinct values of one kind than this, found only in memory, are data the
/// program held about many people (a customer table), not about its user.
pub const BULK: usize = 5;

/// Whose data: the identity values that belong to other people. A value of a kind that
/// can name anyone (e-mail, phone, IP, MAC, government id) is the user's when a field
/// shows it (the environment, an annotation, the command line, a path) or when it holds
/// one of the user's names; when memory holds more than [`BULK`] distinct values of a
/// kind, the rest of them are other people's. Fewer stay with the user: with a handful
/// there is no telling.
pub(super) fn whose(findings: &[Finding], identity: &Identity) -> crate::pii::Others {
    use std::collections::{BTreeMap as Map, HashSet};
    const ANYONE: [Category; 5] = [
        Category::Email,
        Category::Phone,
        Category::IpAddress,
        Category::MacAddress,
        Category::GovernmentId,
    ];
    // One searcher per name, not one built per value (122,460 values on a dense heap).
    let names: Vec<memchr::memmem::Finder<'static>> = identity
        .user_names
        .iter()
        .map(|u| u.to_lowercase())
        .filter(|n| n.len() >= 3)
        .map(|n| memchr::memmem::Finder::new(n.as_bytes()).into_owned())
        .collect();
    type Set = HashSet<String, foldhash::fast::RandomState>;
    let mut in_fields: Map<Category, Set> = Map::new();
    let mut in_memory: Map<Category, Set> = Map::new();
    for f in findings.iter().filter(|f| ANYONE.contains(&f.category)) {
        let key = f.value.to_lowercase();
        match f.location {
            Location::Field { .. } => {
                in_fields.entry(f.category).or_default().insert(key);
            }
            Location::Memory { .. } => {
                in_memory.entry(f.category).or_default().insert(key);
            }
        }
    }
    let mut others = crate::pii::Others::default();
    for (category, values) in in_memory {
        let shown = in_fields.get(&category);
        let unknown: Vec<String> = values
            .into_iter()
            .filter(|v| {
                !shown.is_some_and(|s| s.contains(v))
                    && !names.iter().any(|n| n.find(v.as_bytes()).is_some())
            })
            .collect();
        if unknown.len() > BULK {
            others.extend(unknown.into_iter().map(|v| (category, v)));
        }
    }
    others
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
    id.user_names.retain(|u| u.chars().count() >= 3);
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
    let mut out: BTreeMap<(usize, String), Who<T>> = BTreeMap::new();
    for (f, place) in findings {
        let Some(identity) = identity_key(f) else {
            continue;
        };
        if others.contains(&identity) {
            continue;
        }
        let (category, key) = identity;
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
pub const WHO: [Category; 9] = [
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
pub(super) fn identity_order(c: Category) -> usize {
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
