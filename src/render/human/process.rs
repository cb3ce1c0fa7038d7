//! What the dump says about the process: threads, ids, annotations, the command line
//! and environments, folded past a screenful.

use super::*;

pub(super) fn write_process<W: Write>(out: &mut Out<'_, W>, view: &ShowView<'_>) -> io::Result<()> {
    let fields = &view.inventory.fields;
    let of_kind = |pred: fn(&FieldKind) -> bool| fields.iter().filter(move |f| pred(&f.kind));
    let any = of_kind(|k| {
        matches!(
            k,
            FieldKind::ThreadName { .. }
                | FieldKind::CrashpadClientId
                | FieldKind::Annotation { .. }
                | FieldKind::ListAnnotation { .. }
                | FieldKind::EnvVar { .. }
                | FieldKind::CommandLine { .. }
        )
    })
    .next()
    .is_some();
    if !any {
        return Ok(());
    }
    out.heading("What the dump says about the process")?;
    for f in of_kind(|k| matches!(k, FieldKind::ThreadName { .. })) {
        let (worst, text) = out
            .marks
            .highlight(&f.value, view.findings.for_field(&f.path));
        let FieldKind::ThreadName { tid } = f.kind else {
            continue;
        };
        out.marked(&format!("Thread {tid}"), worst, &format!("\"{text}\""))?;
    }
    out.inventory_field("Crashpad report", view, "crashpad.report_id")?;
    out.inventory_field("Install id", view, "crashpad.client_id")?;
    let annotations: Vec<_> = of_kind(|k| {
        matches!(
            k,
            FieldKind::Annotation { .. } | FieldKind::ListAnnotation { .. }
        )
    })
    .collect();
    write_field_list(
        out,
        view,
        "Annotations",
        "annotations",
        &annotations,
        |f, text| {
            let name = match &f.kind {
                FieldKind::Annotation { key, .. } => escape(key).into_owned(),
                _ => "(list)".to_string(),
            };
            let owner = annotation_owner(view, &f.kind);
            format!("{owner:<18} {name} = {text}")
        },
    )?;
    let args: Vec<_> = of_kind(|k| matches!(k, FieldKind::CommandLine { .. })).collect();
    if !args.is_empty() {
        let mut worst = None;
        let parts: Vec<String> = args
            .iter()
            .map(|f| {
                // The whole argument is a finding (the command line identifies); mark
                // only the more specific values inside it.
                let specific = view
                    .findings
                    .for_field(&f.path)
                    .filter(|x| x.rule != "command-line");
                let (w, text) = out.marks.highlight(&f.value, specific);
                let whole = view.findings.for_field(&f.path).map(|x| x.severity).max();
                worst = worst.max(w).max(whole.filter(|s| out.marks.shows(*s)));
                text
            })
            .collect();
        out.marked("Command line", worst, &parts.join(" "))?;
    }
    let (in_memory, stream): (Vec<_>, Vec<_>) = of_kind(|k| matches!(k, FieldKind::EnvVar { .. }))
        .partition(|f| matches!(f.kind, FieldKind::EnvVar { block: Some(_), .. }));
    write_environment(out, view, "Environment", &stream)?;
    // Blocks found in memory, often more than once and often the same as the environ
    // stream: each variable is listed once, with the region of its first copy.
    let mut seen: std::collections::BTreeSet<(&str, &str)> = stream
        .iter()
        .map(|f| (env_name(f), f.value.as_str()))
        .collect();
    let unique: Vec<_> = in_memory
        .into_iter()
        .filter(|f| seen.insert((env_name(f), f.value.as_str())))
        .collect();
    if let Some(first) = unique.first() {
        let region = match &first.kind {
            FieldKind::EnvVar {
                block: Some(region),
                ..
            } => region.as_str(),
            _ => "memory",
        };
        let title = format!("Environment in memory, {}", escape(region));
        write_environment(out, view, &title, &unique)?;
    }
    Ok(())
}

/// At most this many entries of one list (modules, annotations, environment) are shown
/// unless `--all`: the entries with shown findings first, the rest counted. Entries with
/// findings past this many are counted by rule (a crafted or bulk dump can have tens of
/// thousands; the page stays readable and the counts exact).
pub(super) const MAX_LIST: usize = 40;

/// Which of `items` a long list shows (in their order), how many without a shown finding
/// it leaves out, and the ones with a shown finding it leaves out: every item with a
/// shown finding is kept before any without, up to [`MAX_LIST`].
pub(super) fn fold<T>(
    items: Vec<T>,
    all: bool,
    marked: impl Fn(&T) -> bool,
) -> (Vec<T>, usize, Vec<T>) {
    if all || items.len() <= MAX_LIST {
        return (items, 0, Vec::new());
    }
    let (mut budget_marked, mut budget_plain) = (MAX_LIST, MAX_LIST);
    let with = items.iter().filter(|i| marked(i)).count();
    budget_plain = budget_plain.saturating_sub(with);
    let (mut kept, mut folded, mut plain_left) = (Vec::new(), Vec::new(), 0);
    for item in items {
        if marked(&item) {
            if budget_marked > 0 {
                budget_marked -= 1;
                kept.push(item);
            } else {
                folded.push(item);
            }
        } else if budget_plain > 0 {
            budget_plain -= 1;
            kept.push(item);
        } else {
            plain_left += 1;
        }
    }
    (kept, plain_left, folded)
}

/// The lines that count what a folded list left out: entries with findings by rule,
/// then entries without.
pub(super) fn write_left_out<W: Write>(
    out: &mut Out<'_, W>,
    left: usize,
    marked: &std::collections::BTreeMap<&str, usize>,
    what: &str,
) -> io::Result<()> {
    if !marked.is_empty() {
        let n: usize = marked.values().sum();
        let rules: Vec<String> = marked.iter().map(|(r, c)| format!("{r} {c}")).collect();
        let line = format!(
            "… findings in {what} not listed: {n} ({}; --all lists them)",
            rules.join(", ")
        );
        writeln!(out.w, "    {}", out.p.dim(&line))?;
    }
    if left > 0 {
        writeln!(
            out.w,
            "    {}",
            out.p.dim(&format!(
                "… {left} more {what} without findings (--all lists them)"
            ))
        )?;
    }
    Ok(())
}

/// The shown findings of `fields` counted by rule.
pub(super) fn by_rule<'a>(
    view: &'a ShowView<'_>,
    marks: crate::render::highlight::Marks,
    paths: impl Iterator<Item = &'a str>,
) -> std::collections::BTreeMap<&'static str, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for path in paths {
        for f in view
            .findings
            .for_field(path)
            .filter(|f| marks.shows(f.severity))
        {
            *counts.entry(f.rule).or_insert(0) += 1;
        }
    }
    counts
}

pub(super) fn env_name(f: &crate::disclosure::Field) -> &str {
    match &f.kind {
        FieldKind::EnvVar { name, .. } => name,
        _ => "",
    }
}

pub(super) fn write_environment<W: Write>(
    out: &mut Out<'_, W>,
    view: &ShowView<'_>,
    title: &str,
    vars: &[&crate::disclosure::Field],
) -> io::Result<()> {
    write_field_list(out, view, title, "variables", vars, |f, text| {
        format!("{}={text}", escape(env_name(f)))
    })
}

/// `Title (n)`, then a line a field (its marker and `line(field, highlighted value)`),
/// folded past a screenful (fields with shown findings kept), then what was left out.
pub(super) fn write_field_list<W: Write>(
    out: &mut Out<'_, W>,
    view: &ShowView<'_>,
    title: &str,
    what: &str,
    fields: &[&crate::disclosure::Field],
    line: impl Fn(&crate::disclosure::Field, &str) -> String,
) -> io::Result<()> {
    if fields.is_empty() {
        return Ok(());
    }
    out.field(&format!("{title} ({})", fields.len()), "")?;
    let marks = out.marks;
    let (fields, left, folded) = fold(fields.to_vec(), marks.all, |f| {
        view.findings
            .for_field(&f.path)
            .any(|x| marks.shows(x.severity))
    });
    for f in fields {
        let (worst, text) = marks.highlight(&f.value, view.findings.for_field(&f.path));
        writeln!(out.w, " {} {}", marks.marker(worst), line(f, &text))?;
    }
    let marked = by_rule(view, marks, folded.iter().map(|f| f.path.as_str()));
    write_left_out(out, left, &marked, what)
}

/// `process` or the module a Crashpad annotation belongs to (`.extra` entries are the
/// process's).
pub(super) fn annotation_owner(view: &ShowView<'_>, kind: &FieldKind) -> String {
    use crate::disclosure::AnnotationSource as A;
    let index = match kind {
        FieldKind::Annotation {
            source:
                A::Simple {
                    module: Some(module),
                }
                | A::Object { module },
            ..
        }
        | FieldKind::ListAnnotation { module } => *module as usize,
        _ => return "process".to_string(),
    };
    view.state
        .and_then(|s| s.modules.iter().nth(index))
        .map(|m| escape(basename(&m.code_file())).into_owned())
        .unwrap_or_else(|| format!("module {index}"))
}
