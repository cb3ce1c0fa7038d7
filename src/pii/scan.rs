//! The scan of an inventory: every field through the value rules and the context
//! rules, then memory, then the identities found, searched for again.

use super::*;

/// What a scan is told besides the inventory and the file's bytes.
#[derive(Default, Clone, Copy)]
pub struct ScanOptions<'a> {
    /// Identities already known from elsewhere (the dump of a report whose attachment
    /// this is, or the original of a scrubbed copy), searched for too.
    pub known: Option<&'a Identity>,
    /// Called with `(offset, len)` once a range of memory has been scanned, so that a
    /// memory-mapped file can drop those pages.
    pub release: Option<&'a (dyn Fn(u64, u64) + Sync)>,
    /// Memory is scanned until then; what was left unscanned is one of the `problems`.
    pub deadline: Option<Deadline>,
}

/// Scan an inventory: every field, then the identities found, then memory, then the
/// identities memory revealed, searched for everywhere. `file` is the whole dump.
pub fn scan(inventory: &Inventory, file: &[u8], options: &ScanOptions<'_>) -> Findings {
    let work = FieldWork::new(&inventory.fields, options.deadline);
    scan_sharing(inventory, file, options, &work)
}

/// [`scan`] with its fields matched through `work`, which another thread may help with
/// (see [`FieldWork::help`]); `work` must be made of `inventory.fields`.
pub fn scan_sharing(
    inventory: &Inventory,
    file: &[u8],
    options: &ScanOptions<'_>,
    work: &FieldWork<'_>,
) -> Findings {
    work.help();
    let (found, unchecked, failed) = work.wait();
    let none = Identity::default();
    let known = options.known.unwrap_or(&none);
    let release = options.release.unwrap_or(&|_, _| {});
    let deadline = options.deadline;
    let mut findings = finish_scan(
        inventory,
        file,
        known,
        release,
        deadline,
        found,
        unchecked,
        &work.cache,
    );
    // Fail closed: fields whose matching failed were not checked, budget or not.
    if failed > 0 {
        findings
            .problems
            .push(crate::problem::Problem::Unreadable(format!(
                "the privacy scan failed on {failed} fields"
            )));
    }
    findings
}

/// What became of one chunk of fields.
enum Chunk {
    Matched(Vec<Finding>),
    /// Not started: the time budget had passed.
    Late,
    /// Its matching panicked (a bug): reported, never waited for.
    Failed,
}

/// Fields matched per chunk: small enough for two threads to share a usual dump's.
const CHUNK: usize = 32;

/// The matching of an inventory's fields, in chunks that any thread may take: the
/// scan's own, and one that has time to spare (`show`'s walking thread, once its walk
/// is done). Results are put back in field order, so who matched what changes nothing.
pub struct FieldWork<'a> {
    fields: &'a [Field],
    deadline: Option<Deadline>,
    cache: MatchCache,
    next: std::sync::atomic::AtomicUsize,
    /// Each finished chunk, by its index.
    done: std::sync::Mutex<Vec<(usize, Chunk)>>,
    finished: std::sync::Condvar,
}

impl<'a> FieldWork<'a> {
    pub fn new(fields: &'a [Field], deadline: Option<Deadline>) -> FieldWork<'a> {
        FieldWork {
            fields,
            deadline,
            cache: MatchCache::default(),
            next: Default::default(),
            done: Default::default(),
            finished: Default::default(),
        }
    }

    fn chunks(&self) -> usize {
        self.fields.len().div_ceil(CHUNK)
    }

    /// Take and match chunks until none is left. The budget covers the fields too (a
    /// crafted dump can carry very many): past it a chunk is not checked, and what was
    /// left unchecked is said, like memory left unscanned. The first thousand or so
    /// are always checked: they are quick, and a dump's ordinary fields should not be
    /// reported unread for a budget that memory used up.
    pub fn help(&self) {
        use std::sync::atomic::Ordering;
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            if i >= self.chunks() {
                return;
            }
            let fields = &self.fields[i * CHUNK..((i + 1) * CHUNK).min(self.fields.len())];
            let late = i * CHUNK >= 1024 && self.deadline.is_some_and(|d| d.passed());
            let found = if late {
                Chunk::Late
            } else {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let mut found = Vec::new();
                    for field in fields {
                        scan_field(field, &mut found, &self.cache);
                    }
                    found
                }))
                .map_or(Chunk::Failed, Chunk::Matched)
            };
            let mut done = self
                .done
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            done.push((i, found));
            if done.len() == self.chunks() {
                self.finished.notify_all();
            }
        }
    }

    /// Wait until every chunk is matched: the findings in field order, how many fields
    /// were left for the time budget, and how many failed.
    fn wait(&self) -> (Vec<Finding>, usize, usize) {
        let mut done = self
            .done
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        while done.len() < self.chunks() {
            done = self
                .finished
                .wait(done)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        let mut parts = std::mem::take(&mut *done);
        parts.sort_by_key(|(i, _)| *i);
        let mut found = Vec::new();
        let (mut late, mut failed) = (0, 0);
        for (i, part) in parts {
            let len = self.fields[i * CHUNK..].len().min(CHUNK);
            match part {
                Chunk::Matched(part) => found.extend(part),
                Chunk::Late => late += len,
                Chunk::Failed => failed += len,
            }
        }
        (found, late, failed)
    }
}

/// Field texts already matched, for one scan: the environment is often there more than
/// once (Linux's environ stream and the `envp` block on the stack, copies of a Windows
/// environment block), and each distinct text is matched once. Bounded: emptied at
/// 4,096 entries, and texts over 4 KiB are not kept.
pub struct MatchCache(std::sync::Mutex<Cache>);

/// Hashed with foldhash, seeded per process, as [`Others`] is: the texts come from the
/// dump, whose author cannot see the seed.
type Cache = std::collections::HashMap<String, Matches, foldhash::fast::RandomState>;

impl Default for MatchCache {
    fn default() -> Self {
        // Sized for a usual dump's distinct field texts, so that it is not rehashed.
        MatchCache(std::sync::Mutex::new(Cache::with_capacity_and_hasher(
            512,
            Default::default(),
        )))
    }
}

/// `(rule index, value start, value end)` of each match in a text.
type Matches = Vec<(usize, usize, usize)>;

impl MatchCache {
    fn matches(&self, text: &str) -> Vec<(usize, usize, usize)> {
        let lock = || {
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some(hit) = lock().get(text) {
            return hit.clone();
        }
        let found = match_rules(text);
        if text.len() <= 4096 {
            let mut cache = lock();
            if cache.len() >= 4096 {
                cache.clear();
            }
            cache.insert(text.to_string(), found.clone());
        }
        found
    }
}

/// Everything after the field matching: identities, memory, identities again.
#[allow(clippy::too_many_arguments)]
fn finish_scan(
    inventory: &Inventory,
    file: &[u8],
    known: &Identity,
    release: &(dyn Fn(u64, u64) + Sync),
    deadline: Option<Deadline>,
    mut found: Vec<Finding>,
    unchecked: usize,
    cache: &MatchCache,
) -> Findings {
    let mut problems = Vec::new();
    if let (Some(d), true) = (deadline, unchecked > 0) {
        problems.push(d.ran_out(&format!(
            "while checking fields: {unchecked} of {} fields were not checked",
            inventory.fields.len()
        )));
    }
    let mut identity = discover(&inventory.fields, &found);
    identity.user_names.extend(known.user_names.iter().cloned());
    identity.host_names.extend(known.host_names.iter().cloned());
    let matcher = memory::IdentityMatcher::new(&identity);
    identities_in_fields(&inventory.fields, &matcher, &mut found);
    let scanned = memory::scan_regions(
        file,
        &inventory.regions,
        &matcher,
        true,
        release,
        deadline,
        Some(cache),
    );
    drop(matcher);
    let mut skipped = scanned.skipped;
    found.extend(scanned.findings);
    let memory_fields = scanned.fields;
    // Memory can reveal more names (a home path on the stack, an environment block with
    // USERNAME and COMPUTERNAME): search for those once more, everywhere.
    let all_fields: Vec<&Field> = inventory.fields.iter().chain(&memory_fields).collect();
    let discovered = discover(all_fields.iter().copied(), &found);
    let more = discovered.clone().without(&identity);
    identity.user_names.extend(discovered.user_names);
    identity
        .user_names_not_searched
        .extend(discovered.user_names_not_searched);
    identity.host_names.extend(discovered.host_names);
    if !more.is_empty() {
        let extra = memory::IdentityMatcher::new(&more);
        // Fields of environment blocks in memory are matched again by the memory scan.
        identities_in_fields(&inventory.fields, &extra, &mut found);
        let again = memory::scan_regions(
            file,
            &inventory.regions,
            &extra,
            false,
            release,
            deadline,
            None,
        );
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
    identity.own.extend(known.own.iter().cloned());
    let mut others = whose(&findings, &identity);
    for (category, _) in &others {
        *identity
            .others
            .entry(category.as_str().to_string())
            .or_insert(0) += 1;
    }
    identity
        .user_names
        .retain(|u| !others.contains(&(Category::UserName, u.to_lowercase())));
    // Servers are not the user, nor other people: named apart, left out of both.
    identity.servers = servers(&findings, &identity);
    others.extend(
        identity
            .servers
            .iter()
            .map(|s| (Category::HostName, s.clone())),
    );
    Findings {
        identity,
        others,
        findings,
        fields: memory_fields,
        problems,
        ..Findings::default()
    }
}

/// Environment blocks are often in memory more than once (a copy of the block, the
/// same strings twice in one region): the first variable of a name in a region keeps
/// `memory[REGION].environ.NAME`, later ones are told apart by the file offset of their
/// value (`…environ.NAME@0x…`), and the findings inside them follow the new path.
pub(super) fn name_memory_fields(fields: &mut [Field], found: &mut [Finding]) {
    fields.sort_by_key(|f| f.origin.offset);
    let mut seen = BTreeSet::new();
    for f in fields.iter_mut() {
        if !seen.insert(f.path.clone()) {
            f.path = format!("{}@0x{:x}", f.path, f.origin.offset);
        }
    }
    for finding in found.iter_mut() {
        let Location::Field {
            path,
            role: FieldRole::MemoryEnvironment,
            ..
        } = &mut finding.location
        else {
            continue;
        };
        // The field that holds the finding: the last one starting at or before it.
        let at = fields.partition_point(|f| f.origin.offset <= finding.offset);
        if let Some(field) = at.checked_sub(1).map(|i| &fields[i]) {
            if finding.offset < field.origin.offset + field.origin.len.max(1) {
                path.clone_from(&field.path);
            }
        }
    }
}

/// Keep one finding per byte range (the first rule in table order wins), sorted by offset.
pub(super) fn dedupe(mut found: Vec<Finding>) -> Vec<Finding> {
    // A value `scrub` masked (`password=*****`) is no longer the value.
    found.retain(|f| !is_masked(&f.value));
    let mut seen: std::collections::HashSet<_, foldhash::fast::RandomState> =
        std::collections::HashSet::with_capacity_and_hasher(found.len(), Default::default());
    found.retain(|f| seen.insert((f.offset, f.length, f.category)));
    // A range already reported with another category by a more specific rule stays too;
    // an identity hit inside a user-path hit of the same bytes is the same finding.
    found.sort_by(|a, b| a.offset.cmp(&b.offset).then(b.severity.cmp(&a.severity)));
    found
}

/// Map a byte range of a field's value to its bytes in the file.
pub(super) fn file_range(field: &Field, start: usize, end: usize) -> (u64, u64) {
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

pub(super) fn push_field(
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
            role: FieldRole::of(&field.kind),
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
/// `(rule index, value start, value end)` (see [`rules::any`]). A rule with keywords runs
/// only where one stands ([`keywords`]). Of two overlapping secret matches of different
/// rules, the better-ranked one is kept ([`rules::rank`]).
pub fn match_rules(text: &str) -> Vec<(usize, usize, usize)> {
    const _: () = assert!(rules::RULES.len() <= 128, "own rules are one bit each");
    let hay = text.as_bytes();
    let own = rules::RULES.len();
    let mut hit = 0u128;
    let mut windows = upstream::Windows::default();
    keywords::keywords().each(hay, |served, at| {
        for &rule in served {
            match usize::from(rule) {
                r if r < own => hit |= 1 << r,
                r => windows.hit(r - own, at, hay.len()),
            }
        }
    });
    let mut out = Vec::new();
    let mut ranges = Vec::new();
    let folded = rules::Text::new(text);
    for (i, rule) in rules::RULES.iter().enumerate() {
        if hit & (1 << i) == 0 && !rule.keywords.is_empty() {
            continue;
        }
        ranges.clear();
        rules::find(i, &folded, &mut ranges);
        out.extend(validated(i, text, &ranges));
    }
    let mut upstream = Vec::new();
    upstream::find(text, windows, &mut upstream);
    out.extend(
        upstream
            .into_iter()
            .filter(|&(_, s, e)| text.is_char_boundary(s) && text.is_char_boundary(e))
            .map(|(u, s, e)| (rules::RULES.len() + u, s, e)),
    );
    keep_best_secrets(&mut out);
    out
}

/// Own rule `i`'s values among `ranges` (its pattern's matches in `text`): whole
/// characters that pass its validator, a private key grown to its whole block.
pub fn validated<'a>(
    i: usize,
    text: &'a str,
    ranges: &'a [(usize, usize)],
) -> impl Iterator<Item = (usize, usize, usize)> + 'a {
    let rule = &rules::RULES[i];
    ranges.iter().filter_map(move |&(start, end)| {
        // ASCII classes can stop inside a multi-byte character: keep whole characters.
        if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            return None;
        }
        if !rule.validator.is_none_or(|v| v(text, start, end)) {
            return None;
        }
        // A private key is its whole block, so that scrub masks the key itself.
        let end = if i == rules::PRIVATE_KEY {
            rules::key_block_end(text.as_bytes(), end, 1)
        } else {
            end
        };
        Some((i, start, end))
    })
}

/// Drop a secret match that lies within a better-ranked secret match of another rule (a
/// connection string's whole password, not the `password=` rule's first word). A worse
/// match that reaches beyond the better one stays: its bytes must be masked too.
pub fn keep_best_secrets(found: &mut Vec<(usize, usize, usize)>) {
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

pub(super) fn scan_field(field: &Field, found: &mut Vec<Finding>, cache: &MatchCache) {
    let value = &field.value;
    // Context first: `HOSTNAME=x.corp` is the machine's name, which says more than
    // "a host name in a private domain" (deduplication keeps the first of a range).
    // But a secret-named variable whose whole value a specific rule recognises (a GitHub
    // token in GITHUB_TOKEN) is reported by that rule.
    let matches = match &field.kind {
        _ if field.origin.encoding == Encoding::Raw => Vec::new(),
        // A variable is matched as `NAME=value`, so that rules which need the name
        // (`AWS_SECRET_ACCESS_KEY=...`) see it; only matches inside the value count.
        FieldKind::EnvVar { name, .. } => {
            let skip = name.len() + 1;
            cache
                .matches(&format!("{name}={value}"))
                .into_iter()
                .filter(|&(_, start, _)| start >= skip)
                .map(|(i, start, end)| (i, start - skip, end - skip))
                .collect()
        }
        _ => cache.matches(value),
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
