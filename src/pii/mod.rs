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

pub mod fingerprint;
pub mod keys;
pub mod keywords;
pub mod memory;
mod protocols;
pub mod pseudonym;
pub mod rules;
mod scanners;
pub mod upstream;

mod catalog;
mod context;
mod finding;
mod identity;
mod scan;

pub use catalog::*;
use context::*;
pub use finding::*;
pub use identity::*;
pub use scan::*;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::budget::Deadline;
use crate::disclosure::{Encoding, Field, FieldKind, Inventory, Region};

/// A rule's region-independent place for a memory finding.
pub(crate) fn memory_location(region: &Region, address: u64, excerpt: String) -> Location {
    Location::Memory {
        region: region.label(),
        place: region.place(),
        thread_id: region.thread_id,
        address,
        excerpt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
