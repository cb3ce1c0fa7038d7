//! Where a region's text runs go: through the value rules and the identity matcher,
//! into findings with their place and excerpt (and environment blocks into fields).

use super::*;

/// Environment entries seen one right after another, not yet judged a block.
#[derive(Default)]
pub(super) struct Chain<'a> {
    pub(super) entries: Vec<environ::Entry<'a>>,
    /// Where the next entry of the block would start (after this one's NUL).
    pub(super) next: usize,
}

pub(super) struct Sink<'a> {
    pub(super) region: &'a Region,
    /// The region's bytes: a private key block runs on past its text run's line break.
    pub(super) bytes: &'a [u8],
    pub(super) found: &'a mut Vec<Finding>,
    /// Fields of environment blocks found in memory (`None`: the identity-only pass,
    /// which finds the same blocks again and must not list them twice).
    pub(super) fields: Option<&'a mut Vec<Field>>,
    pub(super) matcher: &'a IdentityMatcher,
    pub(super) values: bool,
    /// The scan's cache of matched field texts (`None`: a scan of its own).
    pub(super) cache: Option<&'a crate::pii::MatchCache>,
    /// Per kind of run (ASCII, UTF-16 at even and at odd offsets).
    pub(super) chains: [Chain<'a>; 3],
}

impl Sink<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        run_offset: usize,
        text: &str,
        start: usize,
        end: usize,
        wide: bool,
        rule: &'static str,
        category: Category,
        severity: Severity,
    ) {
        let unit = if wide { 2 } else { 1 };
        let within = (run_offset + start * unit) as u64;
        self.found.push(Finding {
            rule,
            category,
            severity,
            location: memory_location(
                self.region,
                self.region.address.wrapping_add(within),
                excerpt(text, start, end),
            ),
            offset: self.region.file_offset + within,
            length: ((end - start) * unit) as u64,
            encoding: if wide {
                Encoding::Utf16le
            } else {
                Encoding::Utf8
            },
            value: text[start..end].to_string(),
        });
    }

    /// A private key whose BEGIN line is at `[start, end)` of the run at `offset`: the
    /// finding covers the block in the region's bytes, across line breaks (which end
    /// text runs), to its END line.
    fn key_block(&mut self, offset: usize, start: usize, end: usize, wide: bool) {
        let unit = if wide { 2 } else { 1 };
        let from = offset + start * unit;
        let to = rules::key_block_end(self.bytes, offset + end * unit, unit);
        let raw = &self.bytes[from..to];
        let value = if wide {
            raw.iter().step_by(2).map(|&b| b as char).collect()
        } else {
            String::from_utf8_lossy(raw).into_owned()
        };
        let r = &rules::RULES[rules::PRIVATE_KEY];
        self.found.push(Finding {
            rule: r.id,
            category: r.category,
            severity: r.severity,
            location: memory_location(
                self.region,
                self.region.address.wrapping_add(from as u64),
                value.lines().next().unwrap_or_default().to_string(),
            ),
            offset: self.region.file_offset + from as u64,
            length: (to - from) as u64,
            encoding: if wide {
                Encoding::Utf16le
            } else {
                Encoding::Utf8
            },
            value,
        });
    }

    /// One run of text: environment entries wait until it is known whether they form a
    /// block; anything else ends the block before it and is scanned at once.
    pub(super) fn run(&mut self, offset: usize, text: &str, wide: bool) {
        let (kind, unit) = if wide { (1 + (offset & 1), 2) } else { (0, 1) };
        let chain = &self.chains[kind];
        let follows = offset >= chain.next && offset <= chain.next + environ::GAP * unit;
        if !chain.entries.is_empty() && !follows {
            self.flush(kind);
        }
        if environ::entry_name_len(text).is_some() {
            // ASCII text is borrowed from the region (no copy on the hot path).
            let bytes = self.bytes;
            let borrowed = (!wide)
                .then(|| std::str::from_utf8(&bytes[offset..offset + text.len()]).ok())
                .flatten();
            let text = match borrowed {
                Some(t) => std::borrow::Cow::Borrowed(t),
                None => std::borrow::Cow::Owned(text.to_string()),
            };
            let len = text.len();
            let chain = &mut self.chains[kind];
            chain.entries.push(environ::Entry { offset, text });
            chain.next = offset + (len + 1) * unit;
            return;
        }
        self.text(offset, text, wide);
    }

    /// Judge the entries waiting in chain `kind`: a block's entries become fields,
    /// fewer entries are plain text.
    fn flush(&mut self, kind: usize) {
        let entries = std::mem::take(&mut self.chains[kind].entries);
        let wide = kind > 0;
        if entries.len() < environ::MIN_BLOCK {
            for e in entries {
                self.text(e.offset, &e.text, wide);
            }
            return;
        }
        for field in environ::fields(self.region, &entries, wide) {
            if self.values {
                match self.cache {
                    Some(cache) => crate::pii::scan_field(&field, self.found, cache),
                    None => {
                        let own = crate::pii::MatchCache::default();
                        crate::pii::scan_field(&field, self.found, &own);
                    }
                }
            }
            for (start, end, is_host) in self.matcher.find_in_text(&field.value) {
                let (category, rule) = crate::pii::identity_rule(is_host);
                crate::pii::push_field(
                    self.found,
                    &field,
                    rule,
                    category,
                    Severity::Medium,
                    start,
                    end,
                );
            }
            if let Some(fields) = self.fields.as_deref_mut() {
                fields.push(field);
            }
        }
    }

    pub(super) fn finish(&mut self) {
        for kind in 0..3 {
            self.flush(kind);
        }
    }

    fn text(&mut self, offset: usize, text: &str, wide: bool) {
        let mut hits = Vec::new();
        if self.values {
            for (i, start, end) in match_rules(text) {
                if i == rules::PRIVATE_KEY {
                    self.key_block(offset, start, end, wide);
                    continue;
                }
                let severity = rules::severity(i, &text[start..end]);
                hits.push((start, end, rules::id(i), rules::category(i), severity));
            }
        }
        for (start, end, is_host) in self.matcher.find_in_text(text) {
            let (category, rule) = crate::pii::identity_rule(is_host);
            hits.push((start, end, rule, category, Severity::Medium));
        }
        // In offset order (the more severe first at one offset, as `dedupe` sorts): a
        // dense region's findings then arrive sorted, and sorting them all is one pass
        // over long runs, not a quicksort of many large values.
        hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.4.cmp(&a.4)));
        for (start, end, rule, category, severity) in hits {
            self.push(offset, text, start, end, wide, rule, category, severity);
        }
    }
}
