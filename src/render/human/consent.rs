//! What the upload carries (streams, memory, attachments), who you are, other people's
//! data, and the consent summary.

use super::*;

pub(super) fn write_carries<W: Write>(out: &mut Out<'_, W>, view: &ShowView<'_>) -> io::Result<()> {
    let report = view.report;
    let p = out.p;
    out.heading("What this dump carries")?;
    let streams = report.streams();
    let mut table = new_table(p, &["stream", "type", "offset", "size"], &[2, 3]);
    for s in &streams {
        table.add_row(vec![
            cell(&s.name),
            cell(p.dim(&format!("0x{:08x}", s.stream_type))),
            cell(s.offset),
            cell(human_size(s.size)),
        ]);
    }
    out.table(&table)?;
    let mut totals = [(0u64, 0usize); 4];
    for r in &report.regions {
        let slot = match r.kind {
            RegionKind::Stack => 0,
            RegionKind::Heap => 1,
            RegionKind::Other => 2,
            RegionKind::Context => 3,
        };
        totals[slot].0 += r.size;
        totals[slot].1 += 1;
    }
    let all: u64 = totals[..3].iter().map(|t| t.0).sum();
    let describe = |(bytes, count): (u64, usize), what: &str| {
        format!(
            "{what} {} in {count} region{}",
            human_size(bytes),
            if count == 1 { "" } else { "s" }
        )
    };
    out.field(
        "Raw memory",
        &format!(
            "{} of process memory: {} · {} · {}",
            human_size(all),
            describe(totals[0], "stack"),
            describe(totals[1], "heap"),
            describe(totals[2], "other")
        ),
    )?;
    if totals[3].1 > 0 {
        out.field(
            "CPU registers",
            &format!(
                "{} of saved registers in {} context{} (vector registers can hold pieces of text)",
                human_size(totals[3].0),
                totals[3].1,
                if totals[3].1 == 1 { "" } else { "s" }
            ),
        )?;
    }

    out.field(
        "File",
        &format!(
            "{} in {} streams",
            human_size(report.file_size),
            streams.len()
        ),
    )?;
    let map = view.inventory.byte_map;
    if map.file_size > 0 {
        out.field(
            "Byte map",
            &format!(
                "{} structure · {} in fields · {} in memory and raw regions · {} unclaimed in {} run{} ({} scanned)",
                human_size(map.structure),
                human_size(map.field),
                human_size(map.region),
                human_size(map.unclaimed),
                map.unclaimed_runs,
                if map.unclaimed_runs == 1 { "" } else { "s" },
                human_size(map.unclaimed_scanned)
            ),
        )?;
    }
    if view.inventory.shared > 0 {
        out.field(
            "Shared bytes",
            &format!(
                "{} more entries point at strings or records already listed (read and scanned once, counted here)",
                view.inventory.shared
            ),
        )?;
    }
    write_unread(out, view)
}

/// What could not be read: shown with or without `--detail` (nobody checked it).
pub(super) fn write_unread<W: Write>(out: &mut Out<'_, W>, view: &ShowView<'_>) -> io::Result<()> {
    let p = out.p;
    let problems: Vec<String> = view
        .report
        .problems
        .iter()
        .chain(&view.inventory.problems)
        .map(ToString::to_string)
        .collect();
    if let Some((first, rest)) = problems.split_first() {
        out.field("Could not read", &p.bad(&escape(first)))?;
        for problem in rest {
            out.more(&p.bad(&escape(problem)))?;
        }
    }
    Ok(())
}

/// At most this many identities are listed under "Who you are" unless `--all`.
const MAX_WHO: usize = 20;

pub(super) fn write_consent<W: Write>(out: &mut Out<'_, W>, view: &ShowView<'_>) -> io::Result<()> {
    let marks = out.marks;
    let findings = &view.findings.findings;
    out.heading("What the report says about you")?;
    let l = legend(&out.marks);
    out.field("Marks", &l)?;
    let mut first = true;
    let mut who = crate::pii::who(
        findings.iter().map(|f| (f, f.location.place())),
        &view.findings.others,
    );
    // Strongest evidence first within each kind: a value a field shows (the
    // environment, the command line, a path) before one only memory holds, then by
    // how many places hold it; so look-alikes in memory never push the user's own
    // identifiers out of the list.
    let in_fields = |w: &crate::pii::Who<&str>| w.seen_in.keys().any(|p| !p.ends_with("memory"));
    let total = |w: &crate::pii::Who<&str>| w.seen_in.values().sum::<usize>();
    who.sort_by(|a, b| {
        crate::pii::identity_order(a.category)
            .cmp(&crate::pii::identity_order(b.category))
            .then(in_fields(b).cmp(&in_fields(a)))
            .then(total(b).cmp(&total(a)))
            .then(a.value.cmp(&b.value))
    });
    // A long list (a crafted dump, twenty thousand e-mails in the environment) shows
    // its first entries and counts the rest by kind, unless --all.
    let shown_who = if marks.all {
        who.len()
    } else {
        who.len().min(MAX_WHO)
    };
    for w in &who[..shown_who] {
        let places = &w.seen_in;
        let total = total(w);
        let value = marks.value(&w.value);
        let line = format!(
            "{:<12} {}  ({total} place{})",
            w.category.as_str(),
            marks.paint(&value, Severity::Medium),
            if total == 1 { "" } else { "s" },
        );
        if first {
            out.field("Who you are", &line)?;
            first = false;
        } else {
            out.more(&line)?;
        }
        let detail: Vec<String> = places.iter().map(|(p, n)| format!("{p} {n}")).collect();
        out.more(&out.p.dim(&format!("{:12} in {}", "", detail.join(", "))))?;
    }
    if who.len() > shown_who {
        let mut kinds = std::collections::BTreeMap::new();
        for w in &who[shown_who..] {
            *kinds.entry(w.category.as_str()).or_insert(0usize) += 1;
        }
        let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let line = format!(
            "… {} more ({}; --all lists them)",
            who.len() - shown_who,
            kinds.join(", ")
        );
        out.more(&out.p.dim(&line))?;
    }
    if first {
        out.field("Who you are", "nothing that names a person was found")?;
    }
    if !view.findings.identity.others.is_empty() {
        let kinds: Vec<String> = view
            .findings
            .identity
            .others
            .iter()
            .map(|(kind, n)| {
                let plural = match (*n, kind.ends_with('s')) {
                    (1, _) => "",
                    (_, true) => "es",
                    _ => "s",
                };
                format!("{} {kind}{plural}", crate::render::verdict::group(*n))
            })
            .collect();
        out.field("Other people", &kinds.join(" · "))?;
        out.more("found in bulk in memory and tied to nothing that names you:")?;
        out.more("data the program held about others; --format json lists each")?;
    }
    let servers = &view.findings.identity.servers;
    if !servers.is_empty() {
        let names: Vec<String> = servers
            .iter()
            .map(|s| marks.paint(&marks.value(s), Severity::Medium))
            .collect();
        out.field("Servers", &names.join(" · "))?;
        out.more("servers the program talked to: your network's names, not your machine")?;
    }
    let builders: std::collections::BTreeSet<String> = findings
        .iter()
        .filter(|f| f.rule == "build-path-user")
        .map(|f| marks.value(&f.value))
        .collect();
    if !builders.is_empty() {
        out.field(
            "Module builders",
            &format!(
                "{} (who built the program's modules, not you)",
                builders.into_iter().collect::<Vec<_>>().join(", ")
            ),
        )?;
    }
    // Each secret once, with how many fields hold it (the environment is often both
    // in its own stream and in memory).
    let mut secrets: Vec<(&Finding, usize)> = Vec::new();
    let mut index: std::collections::HashMap<(&str, &str), usize> = Default::default();
    for f in findings
        .iter()
        .filter(|f| f.severity == Severity::High && f.category == crate::pii::Category::Secret)
    {
        match index.get(&(f.rule, f.value.as_str())) {
            Some(&i) => secrets[i].1 += 1,
            None => {
                index.insert((f.rule, f.value.as_str()), secrets.len());
                secrets.push((f, 1));
            }
        }
    }
    let shown_secrets = if marks.all {
        secrets.len()
    } else {
        secrets.len().min(MAX_WHO)
    };
    let rest = secrets.len() - shown_secrets;
    secrets.truncate(shown_secrets);
    for (i, (f, n)) in secrets.iter().enumerate() {
        let line = format!(
            "{} {:<22} {}  {}",
            marks.marker(Some(f.severity)),
            crate::render::verdict::plain_rule(f.rule),
            marks.paint(&marks.value(&f.value), f.severity),
            if *n == 1 {
                f.location.place().to_string()
            } else {
                format!("{n} places")
            }
        );
        if i == 0 {
            out.field("Secrets", &line)?;
        } else {
            out.more(&line)?;
        }
    }
    if rest > 0 {
        out.more(&out.p.dim(&format!("… {rest} more (--all lists them)")))?;
    }
    const MAX_MEMORY: usize = 40;
    let shown: Vec<_> = findings
        .iter()
        .filter(|f| marks.shows(f.severity) && matches!(f.location, Location::Memory { .. }))
        .collect();
    let memory = outermost(shown);
    if memory.len() > MAX_MEMORY && !marks.all {
        return write_memory_groups(out, &memory);
    }
    if !memory.is_empty() {
        out.field(
            &format!("In memory ({})", memory.len()),
            "memory: the program's working data when it crashed",
        )?;
        for f in memory
            .iter()
            .take(if marks.all { usize::MAX } else { MAX_MEMORY })
        {
            let Location::Memory {
                region,
                address,
                excerpt,
                ..
            } = &f.location
            else {
                continue;
            };
            let _ = address;
            writeln!(
                out.w,
                " {} {:<20} {:<19} {}",
                marks.marker(Some(f.severity)),
                // A region's name can come from the dump (an annotation's key).
                plain_region(region),
                kind_words(f),
                marks.excerpt(excerpt, &f.value, f.severity)
            )?;
        }
    }
    Ok(())
}

/// A memory region in words: `stack of thread 13653`, `heap`.
pub(super) fn plain_region(region: &str) -> String {
    match region.strip_prefix("stack:thread ") {
        Some(tid) => format!("stack, thread {}", escape(tid)),
        None => escape(region).into_owned(),
    }
}

/// What a finding is, in a few words: its kind, or for a secret what secret.
pub(super) fn kind_words(f: &Finding) -> String {
    match f.category {
        crate::pii::Category::Secret | crate::pii::Category::Payment => {
            crate::render::verdict::plain_rule(f.rule)
        }
        c => c.as_str().to_string(),
    }
}

/// Many memory findings, summed up: one line per region and rule with the count, the
/// address range and the first examples (`--all` lists every finding).
pub(super) fn write_memory_groups<W: Write>(
    out: &mut Out<'_, W>,
    memory: &[&Finding],
) -> io::Result<()> {
    const EXAMPLES: usize = 2;
    // (region, rule) → (worst severity, count, lowest and highest address, examples)
    type Group<'a> = (Severity, usize, u64, u64, Vec<&'a str>);
    let mut groups: std::collections::BTreeMap<(&str, &str), Group<'_>> = Default::default();
    for f in memory {
        let Location::Memory {
            region, address, ..
        } = &f.location
        else {
            continue;
        };
        let g = groups.entry((region.as_str(), f.rule)).or_insert((
            f.severity,
            0,
            *address,
            *address,
            Vec::new(),
        ));
        g.0 = g.0.max(f.severity);
        g.1 += 1;
        g.2 = g.2.min(*address);
        g.3 = g.3.max(*address);
        if g.4.len() < EXAMPLES {
            g.4.push(&f.value);
        }
    }
    let marks = out.marks;
    out.field(
        &format!(
            "Memory findings ({}, in {} groups)",
            memory.len(),
            groups.len()
        ),
        "",
    )?;
    for ((region, rule), (severity, count, low, high, examples)) in &groups {
        let shown: Vec<String> = examples
            .iter()
            .map(|v| {
                let v = marks.value(v);
                marks.paint(&v, *severity)
            })
            .collect();
        writeln!(
            out.w,
            " {} {:<16} {:<18} {count:>7} × 0x{low:x}–0x{high:x}  e.g. {}",
            marks.marker(Some(*severity)),
            escape(region),
            rule,
            shown.join(", ")
        )?;
    }
    out.more("--all lists every finding; --format json lists them with their bytes")
}

/// Memory findings without those inside another at least as severe (a name inside an
/// e-mail or a path found at the same place is listed once), in file order. One sweep
/// over the findings sorted by place: every finding that could contain `f` comes before
/// it and still overlaps it, so only the few still-open findings are compared.
pub(super) fn outermost(mut shown: Vec<&Finding>) -> Vec<&Finding> {
    shown.sort_by(|a, b| {
        a.offset
            .cmp(&b.offset)
            .then(b.length.cmp(&a.length))
            .then(a.rule.cmp(b.rule))
    });
    let mut open: Vec<&Finding> = Vec::new();
    let mut out = Vec::new();
    for f in shown {
        open.retain(|g| g.offset + g.length > f.offset);
        let inside = open.iter().any(|g| {
            g.severity >= f.severity
                && g.offset <= f.offset
                && f.offset + f.length <= g.offset + g.length
                && (g.length > f.length || g.rule < f.rule)
        });
        if !inside {
            out.push(f);
        }
        open.push(f);
    }
    out
}
