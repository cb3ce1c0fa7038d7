//! A report's attachments: each with its findings, and Mozilla's `.extra` annotations
//! as the form fields the reporter sends.

use super::*;

pub(super) const MAX_ATTACHMENT_LINES: usize = 12;

/// Why an attachment was not scanned whole, for a person.
pub(super) fn problem_text(problem: &AttachmentProblem) -> String {
    match problem {
        AttachmentProblem::Unreadable(_) => problem.to_string(),
        AttachmentProblem::Truncated { size } => format!(
            "only the first {} of {} were scanned",
            human_size(crate::source::crashpad::MAX_ATTACHMENT_READ),
            human_size(*size)
        ),
    }
}

pub(super) fn write_attachments(
    w: &mut impl Write,
    attachments: &[ScannedAttachment],
    marks: &Marks,
) -> io::Result<()> {
    if attachments.is_empty() {
        return Ok(());
    }
    let p = marks.palette;
    writeln!(
        w,
        "{}",
        p.label(&format!("Attachments ({})", attachments.len()))
    )?;
    for a in attachments {
        let mut shown: Vec<&Finding> = a
            .findings
            .findings
            .iter()
            .filter(|f| marks.shows(f.severity))
            .collect();
        // By where they start: each line or annotation then looks only at its own
        // (a crafted file can hold millions of findings in tens of thousands of lines).
        shown.sort_by_key(|f| field_start(f).unwrap_or(usize::MAX));
        let worst = shown.iter().map(|f| f.severity).max();
        let mut head = format!("{}  {}", escape(&a.name), human_size(a.size));
        if !shown.is_empty() {
            head.push_str(&format!(" · {}", category_names(&shown)));
        }
        writeln!(w, " {} {head}", marks.marker(worst))?;
        if let Some(problem) = &a.problem {
            writeln!(w, "      {}", p.bad(&escape(&problem_text(problem))))?;
        }
        // Mozilla's `.extra`: every annotation, as the form field the reporter sends.
        let annotations: Vec<&crate::disclosure::Field> = a
            .inventory
            .fields
            .iter()
            .filter(|f| matches!(f.kind, FieldKind::Annotation { .. }))
            .collect();
        if !annotations.is_empty() {
            write_extra(w, &shown, &annotations, marks)?;
            continue;
        }
        // Text: the lines that hold findings, marked. Binary: memory-style excerpts.
        if let Some(field) = a.inventory.fields.first() {
            let mut printed = 0;
            let mut start = 0;
            // The findings that started before the current line's end and may reach into
            // it: each finding enters once and leaves once the lines pass its end, so a
            // file of many lines and many findings is one pass over both.
            let (mut next, mut active) = (0, Vec::new());
            for text_line in field.value.split('\n') {
                let end = start + text_line.len();
                while let Some(&&Finding {
                    location:
                        Location::Field {
                            start: s, end: e, ..
                        },
                    severity,
                    ..
                }) = shown.get(next)
                {
                    if s >= end {
                        break;
                    }
                    active.push((s, e, severity));
                    next += 1;
                }
                active.retain(|&(_, e, _)| e > start);
                let ranges: Vec<(usize, usize, Severity)> = active
                    .iter()
                    .map(|&(s, e, severity)| (s.max(start) - start, e.min(end) - start, severity))
                    .collect();
                if !ranges.is_empty() {
                    if printed == MAX_ATTACHMENT_LINES {
                        writeln!(w, "      … (--format json lists every finding)")?;
                        break;
                    }
                    let (_, text) =
                        marks.highlight_ranges(text_line.trim_end_matches('\r'), ranges);
                    writeln!(w, "      {}", text.trim())?;
                    printed += 1;
                }
                start = end + 1;
            }
        } else {
            for f in shown.iter().take(MAX_ATTACHMENT_LINES) {
                if let Location::Memory {
                    excerpt, address, ..
                } = &f.location
                {
                    writeln!(
                        w,
                        "      @0x{address:x} {}",
                        marks.excerpt(excerpt, &f.value, f.severity)
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// The annotations of a Mozilla `.extra` file, each as the form field the crash reporter
/// uploads with the dump, marked with its findings.
pub(super) fn write_extra(
    w: &mut impl Write,
    shown: &[&Finding],
    fields: &[&crate::disclosure::Field],
    marks: &Marks,
) -> io::Result<()> {
    let p = marks.palette;
    writeln!(
        w,
        "      {}",
        p.dim(&format!(
            "the crash reporter sends these {} annotations as form fields with the dump:",
            fields.len()
        ))
    )?;
    let mut by_offset = shown.to_vec();
    by_offset.sort_by_key(|x| x.offset);
    let width = fields
        .iter()
        .map(|f| visible_width(&escape(&f.path[6..])))
        .max()
        .unwrap_or(0)
        .min(28);
    for f in fields {
        // By bytes: a value found in the file's text and in the field is one finding.
        let (from, to) = (f.origin.offset, f.origin.offset + f.origin.len);
        let first = by_offset.partition_point(|x| x.offset < from);
        let ranges: Vec<(usize, usize, Severity)> = by_offset[first..]
            .iter()
            .take_while(|x| x.offset < to)
            .filter(|x| x.offset + x.length <= to)
            .map(|x| {
                let start = (x.offset - from) as usize;
                (start, start + x.length as usize, x.severity)
            })
            .collect();
        let (worst, text) = marks.highlight_ranges(&f.value, ranges);
        let key = escape(&f.path["extra.".len()..]).into_owned();
        let pad = width.saturating_sub(visible_width(&key));
        writeln!(
            w,
            "   {} {key}{}  {text}",
            marks.marker(worst),
            " ".repeat(pad)
        )?;
    }
    Ok(())
}

/// Where a finding starts in its field's value (none for a finding of memory).
fn field_start(f: &Finding) -> Option<usize> {
    match f.location {
        Location::Field { start, .. } => Some(start),
        _ => None,
    }
}
