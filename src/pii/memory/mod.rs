//! Scanning binary memory for text: printable ASCII/UTF-8 runs, and UTF-16LE runs at both
//! byte alignments (a UTF-16 string may start at an odd offset inside a region).
//!
//! Each run of at least [`MIN_RUN`] characters goes through the value rules and the
//! identity matcher. Findings name the region, the thread, the virtual address, the file
//! offset and a short excerpt of the surrounding text. Regions are slices of the mapped
//! file: nothing is copied but the (short) UTF-16 runs, narrowed to ASCII.

use super::{match_rules, memory_location, rules, Category, Finding, Identity, Severity};
use crate::budget::Deadline;
use crate::disclosure::{environ, Encoding, Field, Region};

mod identities;
mod pieces;
mod runs;
mod sink;
#[cfg(test)]
mod tests;

pub use identities::*;
pub use pieces::*;
pub use runs::*;
use sink::*;

/// Shortest run of text worth scanning (`a@b.io` is 6; a 3-letter user name sits inside
/// longer text such as `USER=ted`).
pub const MIN_RUN: usize = 5;

/// How many characters of context an excerpt shows on each side of a match.
const CONTEXT: usize = 24;

fn region_bytes<'a>(file: &'a [u8], region: &Region) -> &'a [u8] {
    let start = usize::try_from(region.file_offset).unwrap_or(usize::MAX);
    let len = usize::try_from(region.len).unwrap_or(usize::MAX);
    start
        .checked_add(len)
        .and_then(|end| file.get(start..end))
        .unwrap_or(&[])
}

fn scan(
    file: &[u8],
    region: &Region,
    matcher: &IdentityMatcher,
    found: &mut Vec<Finding>,
    fields: Option<&mut Vec<Field>>,
    values: bool,
    cache: Option<&crate::pii::MatchCache>,
) {
    let bytes = region_bytes(file, region);
    let mut sink = Sink {
        region,
        bytes,
        found,
        fields,
        matcher,
        values,
        cache,
        chains: Default::default(),
    };
    for_each_run(bytes, MIN_RUN, |off, text, wide| sink.run(off, text, wide));
    sink.finish();
    raw_names(bytes, region, matcher, found);
}

/// Scan one region with every value rule and the identities; the fields of environment
/// blocks found in it are added to `fields`.
pub fn scan_region(
    file: &[u8],
    region: &Region,
    matcher: &IdentityMatcher,
    found: &mut Vec<Finding>,
    fields: &mut Vec<Field>,
) {
    scan(file, region, matcher, found, Some(fields), true, None);
}

/// Scan one region for identities only (the second pass, for names found in memory).
pub fn scan_region_identities_only(
    file: &[u8],
    region: &Region,
    matcher: &IdentityMatcher,
    found: &mut Vec<Finding>,
) {
    scan(file, region, matcher, found, None, false, None);
}

/// What a scan of memory found.
#[derive(Debug, Default)]
pub struct Scanned {
    pub findings: Vec<Finding>,
    /// Structures recognised in memory (environment blocks), as inventory fields.
    pub fields: Vec<Field>,
    /// Bytes left unscanned when the deadline passed.
    pub skipped: u64,
}
