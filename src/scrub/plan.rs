//! The plan of a scrub: each finding's same-length replacement at its origin, the items
//! dropped whole, and defaced stacks.

use super::*;

/// The replacement for a finding's bytes: a mask of the same length in the same
/// encoding, or a pseudonym of the same length and alphabet.
pub(super) fn replacement(f: &Finding, pseudonyms: Option<&Pseudonymizer>) -> (Vec<u8>, bool) {
    let pseudo = pseudonyms.filter(|_| pseudonym::applies(f.category));
    match f.encoding {
        Encoding::Raw => match pseudo {
            Some(p) if f.length == 16 => match p.uuid_bytes(&f.value) {
                Some(b) => (b.to_vec(), true),
                None => (vec![0; 16], false),
            },
            _ => (vec![0; f.length as usize], false),
        },
        Encoding::Utf8 => {
            let text = match pseudo {
                Some(p) => p.text(f.category, &f.value),
                None => MASK.to_string().repeat(f.value.len()),
            };
            let mut bytes = text.into_bytes();
            // The finding's bytes are its value's UTF-8; keep exactly that length.
            bytes.resize(f.length as usize, MASK as u8);
            (bytes, pseudo.is_some())
        }
        Encoding::Utf16le => {
            let units = (f.length / 2) as usize;
            let text: Vec<u16> = match pseudo {
                Some(p) if f.value.encode_utf16().count() == units => {
                    p.text(f.category, &f.value).encode_utf16().collect()
                }
                _ => vec![MASK as u16; units],
            };
            let mut bytes: Vec<u8> = text.iter().flat_map(|u| u.to_le_bytes()).collect();
            bytes.resize(f.length as usize, 0);
            (bytes, pseudo.is_some() && text.len() == units)
        }
    }
}

/// Plan the edits of a file whose inventory and findings are given. `dump` is the
/// opened minidump for the dump-only options (drop, annotations, stacks); `None` for an
/// attachment.
pub fn plan(
    file: &[u8],
    inventory: &Inventory,
    findings: &Findings,
    policy: &Policy,
    key: &str,
    opts: &Options,
    dump: Option<&Report>,
) -> Plan {
    let mut plan = Plan::default();
    let mut places = BTreeSet::new();
    for f in &findings.findings {
        if !opts.scrubs(policy, key, f) {
            continue;
        }
        if f.offset + f.length > file.len() as u64 {
            continue;
        }
        let (bytes, pseudo) = replacement(f, opts.pseudonyms.as_ref());
        if pseudo {
            plan.changes.pseudonymized += 1;
            plan.replaced_values.insert(f.value.to_lowercase());
        }
        plan.push_edit(f.offset, bytes, pseudo);
        plan.changes.findings += 1;
        places.insert(match &f.location {
            crate::pii::Location::Field { path, .. } => path.clone(),
            crate::pii::Location::Memory { region, .. } => region.clone(),
        });
    }
    plan.changes.places = places.len();
    if let Some(report) = dump {
        drop_items(&mut plan, report, inventory, opts);
        if opts.deface_stacks {
            deface_stacks(&mut plan, report, file);
        }
    }
    plan
}

pub(super) fn annotation_key(kind: &FieldKind) -> Option<&str> {
    match kind {
        FieldKind::Annotation { key, .. } => Some(key),
        _ => None,
    }
}

pub(super) fn drop_items(plan: &mut Plan, report: &Report, inventory: &Inventory, opts: &Options) {
    let bytes = report.bytes();
    // Streams: zero the data, mark the directory entry unused (type 0, no location).
    let dir_rva = le_u32(bytes, 12) as usize;
    let count = le_u32(bytes, 8) as usize;
    // The directory entry of a stream, found in the raw directory (the parsed streams
    // come sorted by type, not in directory order).
    let entry_of = |s: &crate::report::StreamEntry| {
        (0..count).map(|j| dir_rva + 12 * j).find(|&at| {
            at + 12 <= bytes.len()
                && le_u32(bytes, at) == s.stream_type
                && u64::from(le_u32(bytes, at + 4)) == s.size
                && u64::from(le_u32(bytes, at + 8)) == s.offset
        })
    };
    for s in report.streams() {
        let custom = opts.drop.contains(&DropItem::CustomStreams)
            && inventory
                .regions
                .iter()
                .any(|r| r.name == Some(crate::disclosure::RawBytes::Stream(s.stream_type)));
        let item = opts
            .drop
            .iter()
            .copied()
            .find(|d| d.stream().is_some_and(|t| t as u32 == s.stream_type));
        if item.is_none() && !custom {
            continue;
        }
        let Some(entry) = entry_of(&s) else { continue };
        if s.offset + s.size > bytes.len() as u64 {
            continue;
        }
        plan.push(s.offset, vec![0; s.size as usize]);
        plan.push(entry as u64, vec![0; 12]);
        let name = match item {
            Some(d) => format!("{d:?}").to_lowercase(),
            None => format!("stream 0x{:08x}", s.stream_type),
        };
        plan.changes.dropped.push((name, s.size));
    }
    // Annotations: every value, or those whose name no --annotations-allow glob matches.
    let all = opts.drop.contains(&DropItem::Annotations);
    let allowed = |key: Option<&str>| match (&opts.annotations_allow, key) {
        (Some(globs), Some(k)) => globs.iter().any(|g| g.is_match(k)),
        (Some(_), None) => false, // list annotations have no name: dropped, as Crashpad does
        (None, _) => true,
    };
    let mut blanked = 0u64;
    for f in &inventory.fields {
        let is_annotation = matches!(
            f.kind,
            FieldKind::Annotation { .. } | FieldKind::ListAnnotation { .. }
        ) && f.kind.is_crashpad();
        if is_annotation && (all || !allowed(annotation_key(&f.kind))) {
            plan.blank(f.origin.offset, f.origin.len, true);
            blanked += f.origin.len;
        }
    }
    for r in &inventory.regions {
        if let Some(crate::disclosure::RawBytes::Annotation(key)) = &r.name {
            if all || !allowed(Some(key)) {
                plan.blank(r.file_offset, r.len, true);
                blanked += r.len;
            }
        }
    }
    if blanked > 0 {
        plan.changes
            .dropped
            .push(("annotations".to_string(), blanked));
    }
    if opts.drop.contains(&DropItem::ThreadNames) {
        let mut n = 0;
        for f in inventory
            .fields
            .iter()
            .filter(|f| matches!(f.kind, FieldKind::ThreadName { .. }))
        {
            plan.blank(f.origin.offset, f.origin.len, true);
            n += f.origin.len;
        }
        plan.changes.dropped.push(("thread-names".to_string(), n));
    }
    if opts.drop.contains(&DropItem::Heap) {
        let mut n = 0;
        for r in report.regions.iter().filter(|r| r.kind == RegionKind::Heap) {
            plan.push(r.file_offset, vec![0; r.size as usize]);
            n += r.size;
        }
        plan.changes.dropped.push(("heap".to_string(), n));
    }
}

/// Crashpad's stack sanitization: each aligned pointer-sized word of every thread stack
/// is kept when it is small (≤ 4096) or points into a module or a stack; otherwise it
/// becomes `0x0defaced…`. Bytes before the first aligned word and after the last whole
/// word become the same pattern.
pub(super) fn deface_stacks(plan: &mut Plan, report: &Report, file: &[u8]) {
    let width: u64 = match report
        .dump
        .get_stream::<minidump::MinidumpSystemInfo>()
        .map(|s| s.cpu)
    {
        Ok(minidump::system_info::Cpu::X86 | minidump::system_info::Cpu::Arm) => 4,
        _ => 8,
    };
    let mut ranges: Vec<(u64, u64)> = Vec::new();
    if let Ok(modules) = report.dump.get_stream::<minidump::MinidumpModuleList>() {
        use minidump::Module;
        ranges.extend(
            modules
                .iter()
                .map(|m| (m.base_address(), m.base_address().saturating_add(m.size()))),
        );
    }
    let stacks: Vec<_> = report
        .regions
        .iter()
        .filter(|r| r.kind == RegionKind::Stack)
        .collect();
    ranges.extend(
        stacks
            .iter()
            .map(|r| (r.address, r.address.saturating_add(r.size))),
    );
    let points_somewhere = |w: u64| w <= 4096 || ranges.iter().any(|&(s, e)| s <= w && w < e);
    let pattern = DEFACED.to_le_bytes();
    for r in stacks {
        let (start, end) = (r.file_offset, r.file_offset + r.size);
        if end > file.len() as u64 {
            continue;
        }
        let mut out = file[start as usize..end as usize].to_vec();
        let lead = ((width - r.address % width) % width).min(r.size);
        let mut defaced = 0;
        for i in 0..lead {
            out[i as usize] = pattern[(i % width) as usize];
        }
        let mut at = lead;
        while at + width <= r.size {
            let word = &out[at as usize..(at + width) as usize];
            let w = if width == 8 {
                crate::le::u64(word, 0)
            } else {
                crate::le::u32(word, 0).map(u64::from)
            }
            .unwrap_or(0);
            if !points_somewhere(w) {
                out[at as usize..(at + width) as usize].copy_from_slice(&pattern[..width as usize]);
                defaced += 1;
            }
            at += width;
        }
        for i in at..r.size {
            out[i as usize] = pattern[((i - at) % width) as usize];
        }
        plan.push(start, out);
        plan.changes.stack_words_defaced += defaced;
        plan.changes.stacks_defaced += 1;
    }
}

pub(super) fn le_u32(b: &[u8], at: usize) -> u32 {
    crate::le::u32(b, at).unwrap_or(0)
}
