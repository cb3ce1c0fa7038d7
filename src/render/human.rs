//! The human view of one crash report.
//!
//! Sections, in the order a reader asks the questions: what is this file and system,
//! what crashed and where (the stack), which modules were loaded (with their full paths,
//! because the full path is what the dump shares), what else the dump says about the
//! process (threads, Crashpad annotations, command line, environment), and finally what
//! the dump carries, stream by stream and byte by byte.

use std::io::{self, Write};

use minidump::Module;
use minidump_processor::ProcessState;
use minidump_unwind::{CallStack, FrameTrust, StackFrame};

use super::highlight::{legend, Marks};
use super::table::{visible_width, Table};
use super::{escape, format_time, human_size, Palette};
use crate::analysis::Analysis;
use crate::disclosure::upload::UploadForm;
use crate::disclosure::{FieldKind, Inventory};
use crate::pii::{Finding, Findings, Location, Severity};
use crate::report::{RegionKind, Report};

/// Which threads a view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threads {
    /// Only the crashing thread (or the thread that requested the dump).
    Crashing,
    /// Every thread in the dump.
    All,
}

/// What `show` hands the renderer for one dump.
#[derive(Debug, Clone, Copy)]
pub struct ShowView<'a> {
    pub report: &'a Report,
    pub state: Option<&'a ProcessState>,
    pub walk_error: Option<&'a str>,
    pub threads: Threads,
    pub inventory: &'a Inventory,
    pub findings: &'a Findings,
    /// The loaded and unloaded modules: the walk's, or without a walk their streams'.
    pub modules: Option<(
        &'a minidump::MinidumpModuleList,
        &'a minidump::MinidumpUnloadedModuleList,
    )>,
    /// What Crashpad's uploader would send.
    pub form: &'a UploadForm,
}

impl<'a> ShowView<'a> {
    /// The view of an analysed dump.
    pub fn of(analysis: &'a Analysis, threads: Threads) -> ShowView<'a> {
        let (state, walk_error) = match &analysis.walked {
            Ok(state) => (Some(state), None),
            Err(e) => (None, Some(e.as_str())),
        };
        ShowView {
            report: &analysis.report,
            state,
            walk_error,
            threads,
            inventory: &analysis.inventory,
            findings: &analysis.findings,
            modules: match (state, &analysis.unwalked_modules) {
                (Some(state), _) => Some((&state.modules, &state.unloaded_modules)),
                (None, Some(lists)) => Some((&lists.loaded, &lists.unloaded)),
                (None, None) => None,
            },
            form: &analysis.form,
        }
    }
}

/// Width of the label column.
const LABEL: usize = 18;

struct Out<'w, W: Write> {
    w: &'w mut W,
    p: Palette,
    marks: Marks,
}

impl<W: Write> Out<'_, W> {
    /// `Label             value`
    fn field(&mut self, label: &str, value: &str) -> io::Result<()> {
        let pad = LABEL.saturating_sub(visible_width(label));
        let line = format!("{}{} {value}", self.p.label(label), " ".repeat(pad));
        writeln!(self.w, "{}", line.trim_end())
    }

    /// `Label          !! value` with a margin marker.
    fn marked(&mut self, label: &str, worst: Option<Severity>, value: &str) -> io::Result<()> {
        let pad = (LABEL - 3).saturating_sub(visible_width(label));
        let marker = self.marks.marker(worst);
        let line = format!(
            "{}{} {marker} {value}",
            self.p.label(label),
            " ".repeat(pad)
        );
        writeln!(self.w, "{}", line.trim_end())
    }

    /// A field's value from the inventory, highlighted, under `label`.
    fn inventory_field(&mut self, label: &str, view: &ShowView<'_>, path: &str) -> io::Result<()> {
        if let Some(field) = view.inventory.fields.iter().find(|f| f.path == path) {
            let (worst, text) = self
                .marks
                .highlight(&field.value, view.findings.for_field(path));
            self.marked(label, worst, &text)?;
        }
        Ok(())
    }

    /// A continuation line under a field.
    fn more(&mut self, value: &str) -> io::Result<()> {
        writeln!(self.w, "{} {value}", " ".repeat(LABEL))
    }

    fn heading(&mut self, title: &str) -> io::Result<()> {
        writeln!(self.w)?;
        writeln!(self.w, "{}", self.p.label(&format!("━━ {title}")))
    }

    fn table(&mut self, table: &Table) -> io::Result<()> {
        table.write(self.w)
    }
}

/// Write the whole human report.
pub fn write_show<W: Write>(w: &mut W, view: &ShowView<'_>, marks: Marks) -> io::Result<()> {
    let p = marks.palette;
    let mut out = Out { w, p, marks };
    write_header(&mut out, view)?;
    if let Some(state) = view.state {
        write_crash(&mut out, state)?;
        write_stacks(&mut out, state, view.threads)?;
    } else if let Some(err) = view.walk_error {
        out.heading("Crash")?;
        let msg = format!("the stacks could not be walked: {}", escape(err));
        out.field("Not available", &p.bad(&msg))?;
    }
    if let Some((modules, unloaded)) = view.modules {
        write_modules(&mut out, view, modules, unloaded)?;
    }
    write_process(&mut out, view)?;
    write_carries(&mut out, view)?;
    write_consent(&mut out, view)?;
    Ok(())
}

fn write_header<W: Write>(out: &mut Out<'_, W>, view: &ShowView<'_>) -> io::Result<()> {
    let report = view.report;
    let path = report.path.display().to_string();
    let mut file_line = format!("{} · {}", escape(&path), human_size(report.file_size));
    if let Some(state) = view.state {
        file_line.push_str(&format!(" · written {}", format_time(state.time)));
    }
    out.field("Minidump", &file_line)?;
    let l = legend(&out.marks);
    out.field("Marks", &l)?;
    let Some(state) = view.state else {
        return Ok(());
    };
    let sys = &state.system_info;
    let mut os = sys.os.long_name().to_string();
    if let Some(ver) = sys.format_os_version() {
        os.push(' ');
        os.push_str(&escape(&ver));
    }
    out.field("Operating system", &os)?;
    if let Some(lsb) = &state.linux_standard_base {
        if !lsb.description.is_empty() {
            out.more(&escape(&lsb.description))?;
        }
    }
    let mut cpu = sys.cpu.to_string();
    if let Some(info) = &sys.cpu_info {
        cpu.push_str(&format!(" · {}", escape(info)));
    }
    let count = sys.cpu_count;
    cpu.push_str(&format!(
        " · {count} CPU{}",
        if count == 1 { "" } else { "s" }
    ));
    out.field("CPU", &cpu)?;
    let mut process = Vec::new();
    if let Some(pid) = state.process_id {
        process.push(format!("pid {pid}"));
    }
    if let Some(created) = state.process_create_time {
        if let Ok(up) = state.time.duration_since(created) {
            process.push(format!("uptime {}", human_duration(up.as_secs())));
        }
    }
    if !process.is_empty() {
        out.field("Process", &process.join(" · "))?;
    }
    Ok(())
}

fn human_duration(secs: u64) -> String {
    match secs {
        0..=59 => format!("{secs} s"),
        60..=3599 => format!("{} min {} s", secs / 60, secs % 60),
        _ => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
    }
}

fn thread_label(stack: &CallStack) -> String {
    match &stack.thread_name {
        Some(name) => format!("thread {} \"{}\"", stack.thread_id, escape(name)),
        None => format!("thread {}", stack.thread_id),
    }
}

fn write_crash<W: Write>(out: &mut Out<'_, W>, state: &ProcessState) -> io::Result<()> {
    out.heading("Crash")?;
    let p = out.p;
    let thread = state
        .requesting_thread
        .and_then(|i| state.threads.get(i))
        .map(thread_label);
    match &state.exception_info {
        Some(info) => {
            let mut line = format!("{} at {}", p.bad(&info.reason.to_string()), info.address);
            if let Some(thread) = &thread {
                line.push_str(&format!(" · {thread}"));
            }
            out.field("Reason", &line)?;
            if let Some(access) = info
                .memory_access_list
                .as_ref()
                .and_then(|l| l.iter().next())
            {
                out.field(
                    "Memory accessed",
                    &format!("0x{:x}", access.address_info.address),
                )?;
            }
            if let Some(instr) = &info.instruction_str {
                out.field("Instruction", &escape(instr))?;
            }
        }
        None => {
            let mut line = "no crash: the dump was requested".to_string();
            if let Some(thread) = &thread {
                line.push_str(&format!(" by {thread}"));
            }
            out.field("Reason", &line)?;
        }
    }
    if let Some(assertion) = &state.assertion {
        out.field("Assertion", &escape(assertion))?;
    }
    Ok(())
}

fn write_stacks<W: Write>(
    out: &mut Out<'_, W>,
    state: &ProcessState,
    threads: Threads,
) -> io::Result<()> {
    let requesting = state.requesting_thread;
    let chosen: Vec<(usize, &CallStack)> = match threads {
        Threads::All => state.threads.iter().enumerate().collect(),
        Threads::Crashing => requesting
            .and_then(|i| state.threads.get(i).map(|t| (i, t)))
            .into_iter()
            .collect(),
    };
    if chosen.is_empty() {
        out.heading("Stack")?;
        out.field("Not available", "the dump names no crashing thread")?;
        if threads == Threads::Crashing && !state.threads.is_empty() {
            out.more("(--threads all prints every thread)")?;
        }
        return Ok(());
    }
    for (index, stack) in chosen {
        let crashed = if Some(index) == requesting {
            if state.exception_info.is_some() {
                " (crashed)"
            } else {
                " (requested the dump)"
            }
        } else {
            ""
        };
        let frames = stack.frames.len();
        out.heading(&format!(
            "Thread {index} · {}{crashed} · {frames} frame{}",
            thread_label(stack),
            if frames == 1 { "" } else { "s" }
        ))?;
        write_frames(out, stack)?;
    }
    if threads == Threads::Crashing && state.threads.len() > 1 {
        writeln!(
            out.w,
            "{}",
            out.p.dim(&format!(
                "({} other threads: --threads all prints them)",
                state.threads.len() - 1
            ))
        )?;
    }
    Ok(())
}

fn write_frames<W: Write>(out: &mut Out<'_, W>, stack: &CallStack) -> io::Result<()> {
    let p = out.p;
    let mut lines: Vec<(String, String, String)> = Vec::new();
    for (i, frame) in stack.frames.iter().enumerate() {
        for inline in frame.inlines.iter().rev() {
            let mut text = format!(
                "{}!{}",
                module_name(frame),
                p.func(&escape(&inline.function_name))
            );
            if let Some(file) = &inline.source_file_name {
                text.push_str(&format!(
                    " [{} : {}]",
                    escape(basename(file)),
                    inline.source_line.unwrap_or(0)
                ));
            }
            lines.push((format!("{i:>3}"), text, "inlined".to_string()));
        }
        lines.push((
            format!("{i:>3}"),
            describe_frame(frame, p),
            trust_name(frame.trust).to_string(),
        ));
    }
    let width = lines
        .iter()
        .map(|(_, t, _)| visible_width(t))
        .max()
        .unwrap_or(0);
    for (num, text, trust) in lines {
        let pad = width - visible_width(&text);
        writeln!(out.w, "{num}  {text}{}  {}", " ".repeat(pad), p.dim(&trust))?;
    }
    Ok(())
}

fn module_name(frame: &StackFrame) -> String {
    match &frame.module {
        Some(m) => escape(basename(&m.code_file())).into_owned(),
        None => "?".to_string(),
    }
}

fn basename(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// `module!function [file : line + 0xoff]`, `module!function + 0xoff`, `module + 0xoff`, or
/// the bare address.
fn describe_frame(frame: &StackFrame, p: Palette) -> String {
    let addr = frame.instruction;
    let Some(module) = &frame.module else {
        return format!("0x{addr:x}");
    };
    let name = module_name(frame);
    match &frame.function_name {
        Some(function) => {
            let function = p.func(&escape(function));
            match (
                &frame.source_file_name,
                frame.source_line,
                frame.source_line_base,
            ) {
                (Some(file), Some(line), Some(base)) => format!(
                    "{name}!{function} [{} : {line} + 0x{:x}]",
                    escape(basename(file)),
                    addr.saturating_sub(base)
                ),
                _ => format!(
                    "{name}!{function} + 0x{:x}",
                    addr.saturating_sub(frame.function_base.unwrap_or(addr))
                ),
            }
        }
        None => format!(
            "{name} + 0x{:x}",
            addr.saturating_sub(module.base_address())
        ),
    }
}

/// The short trust names minidump-stackwalk's JSON uses.
pub fn trust_name(trust: FrameTrust) -> &'static str {
    match trust {
        FrameTrust::None => "none",
        FrameTrust::Scan => "scan",
        FrameTrust::CfiScan => "cfi_scan",
        FrameTrust::FramePointer => "frame_pointer",
        FrameTrust::CallFrameInfo => "cfi",
        FrameTrust::PreWalked => "prewalked",
        FrameTrust::Context => "context",
    }
}

/// Whether symbols were found for a module, in the words of the modules table.
pub fn symbol_status(state: Option<&ProcessState>, code_file: &str) -> &'static str {
    let Some(state) = state else {
        return "not looked up";
    };
    match state.symbol_stats.get(basename(code_file)) {
        Some(s) if s.corrupt_symbols => "corrupt",
        Some(s) if s.loaded_symbols => "found",
        Some(_) => "missing",
        None => "not looked up",
    }
}

fn new_table(p: Palette, header: &[&str], right: &[usize]) -> Table {
    Table::new(header.iter().map(|h| p.label(h)).collect(), right)
}

fn write_modules<W: Write>(
    out: &mut Out<'_, W>,
    view: &ShowView<'_>,
    modules: &minidump::MinidumpModuleList,
    unloaded: &minidump::MinidumpUnloadedModuleList,
) -> io::Result<()> {
    let p = out.p;
    let marks = out.marks;
    let mut modules: Vec<(usize, _)> = modules.iter().enumerate().collect();
    modules.sort_by_key(|(_, m)| m.base_address());
    out.heading(&format!("Modules ({})", modules.len()))?;
    let mut table = new_table(
        p,
        &["", "base", "size", "path", "version", "debug id", "symbols"],
        &[2],
    );
    let (modules, left) = fold(modules, marks.all, |(i, _)| {
        view.findings
            .for_field(&format!("modules[{i}].code_file"))
            .any(|f| marks.shows(f.severity))
    });
    for (i, m) in modules {
        let code_file = m.code_file();
        let path = format!("modules[{i}].code_file");
        let (worst, shown) = marks.highlight(&code_file, view.findings.for_field(&path));
        table.add_row(vec![
            cell(marks.marker(worst)),
            cell(p.dim(&format!("0x{:x}", m.base_address()))),
            cell(human_size(m.size())),
            cell(shown),
            cell(
                m.version()
                    .map(|v| escape(&v).into_owned())
                    .unwrap_or_default(),
            ),
            cell(
                m.debug_identifier()
                    .map(|id| id.breakpad().to_string())
                    .unwrap_or_default(),
            ),
            cell(symbol_status(view.state, &code_file)),
        ]);
    }
    out.table(&table)?;
    write_left_out(out, left, "modules")?;
    let mut unloaded: Vec<(usize, _)> = unloaded.iter().enumerate().collect();
    unloaded.sort_by_key(|(_, m)| m.base_address());
    if !unloaded.is_empty() {
        out.heading(&format!("Unloaded modules ({})", unloaded.len()))?;
        let mut table = new_table(p, &["", "base", "size", "path"], &[2]);
        for (i, m) in unloaded {
            let path = format!("unloaded_modules[{i}].code_file");
            let (worst, shown) = marks.highlight(&m.code_file(), view.findings.for_field(&path));
            table.add_row(vec![
                cell(marks.marker(worst)),
                cell(p.dim(&format!("0x{:x}", m.base_address()))),
                cell(human_size(m.size())),
                cell(shown),
            ]);
        }
        out.table(&table)?;
    }
    Ok(())
}

fn write_process<W: Write>(out: &mut Out<'_, W>, view: &ShowView<'_>) -> io::Result<()> {
    let fields = &view.inventory.fields;
    let of_kind = |pred: fn(&FieldKind) -> bool| fields.iter().filter(move |f| pred(&f.kind));
    let any = of_kind(|k| {
        matches!(
            k,
            FieldKind::ThreadName
                | FieldKind::CrashpadClientId
                | FieldKind::Annotation { .. }
                | FieldKind::ListAnnotation
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
    for f in of_kind(|k| matches!(k, FieldKind::ThreadName)) {
        let (worst, text) = out
            .marks
            .highlight(&f.value, view.findings.for_field(&f.path));
        let tid = f
            .path
            .trim_start_matches("threads[")
            .split(']')
            .next()
            .unwrap_or("");
        out.marked(&format!("Thread {tid}"), worst, &format!("\"{text}\""))?;
    }
    out.inventory_field("Crashpad report", view, "crashpad.report_id")?;
    out.inventory_field("Install id", view, "crashpad.client_id")?;
    let annotations: Vec<_> =
        of_kind(|k| matches!(k, FieldKind::Annotation { .. } | FieldKind::ListAnnotation))
            .collect();
    write_field_list(
        out,
        view,
        "Annotations",
        "annotations",
        &annotations,
        |f, text| {
            let name = match &f.kind {
                FieldKind::Annotation { key } => escape(key).into_owned(),
                _ => "(list)".to_string(),
            };
            let owner = annotation_owner(view, &f.path);
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
        .partition(|f| crate::disclosure::environ::is_memory_path(&f.path));
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
        let region = first
            .path
            .strip_prefix("memory[")
            .and_then(|r| r.split(']').next())
            .unwrap_or("memory");
        let title = format!("Environment in memory, {}", escape(region));
        write_environment(out, view, &title, &unique)?;
    }
    Ok(())
}

/// At most this many entries of one list (modules, annotations, environment) are shown
/// unless `--all`: the entries with shown findings first; the rest are counted.
const MAX_LIST: usize = 40;

/// Which of `items` a long list shows (in their order), and how many it leaves out:
/// every item with a shown finding is kept before any without, up to [`MAX_LIST`].
fn fold<T>(items: Vec<T>, all: bool, marked: impl Fn(&T) -> bool) -> (Vec<T>, usize) {
    if all || items.len() <= MAX_LIST {
        return (items, 0);
    }
    let with = items.iter().filter(|i| marked(i)).count();
    let mut budget_plain = MAX_LIST.saturating_sub(with);
    let total = items.len();
    let kept: Vec<T> = items
        .into_iter()
        .filter(|i| {
            marked(i)
                || (budget_plain > 0 && {
                    budget_plain -= 1;
                    true
                })
        })
        .collect();
    let left = total - kept.len();
    (kept, left)
}

fn write_left_out<W: Write>(out: &mut Out<'_, W>, left: usize, what: &str) -> io::Result<()> {
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

fn env_name(f: &crate::disclosure::Field) -> &str {
    match &f.kind {
        FieldKind::EnvVar { name } => name,
        _ => "",
    }
}

fn write_environment<W: Write>(
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
fn write_field_list<W: Write>(
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
    let (fields, left) = fold(fields.to_vec(), marks.all, |f| {
        view.findings
            .for_field(&f.path)
            .any(|x| marks.shows(x.severity))
    });
    for f in fields {
        let (worst, text) = marks.highlight(&f.value, view.findings.for_field(&f.path));
        writeln!(out.w, " {} {}", marks.marker(worst), line(f, &text))?;
    }
    write_left_out(out, left, what)
}

/// `process` or the module a Crashpad annotation belongs to.
fn annotation_owner(view: &ShowView<'_>, path: &str) -> String {
    let Some(rest) = path.strip_prefix("crashpad.modules[") else {
        return "process".to_string();
    };
    let index: usize = rest
        .split(']')
        .next()
        .and_then(|i| i.parse().ok())
        .unwrap_or(usize::MAX);
    view.state
        .and_then(|s| s.modules.iter().nth(index))
        .map(|m| escape(basename(&m.code_file())).into_owned())
        .unwrap_or_else(|| format!("module {index}"))
}

fn write_carries<W: Write>(out: &mut Out<'_, W>, view: &ShowView<'_>) -> io::Result<()> {
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
                "{} of saved registers in {} contexts (vector registers can hold pieces of text)",
                human_size(totals[3].0),
                totals[3].1
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
    let problems: Vec<&String> = report
        .problems
        .iter()
        .chain(&view.inventory.problems)
        .collect();
    if let Some((first, rest)) = problems.split_first() {
        out.field("Could not read", &p.bad(&escape(first)))?;
        for problem in rest {
            out.more(&p.bad(&escape(problem)))?;
        }
    }
    Ok(())
}

fn write_consent<W: Write>(out: &mut Out<'_, W>, view: &ShowView<'_>) -> io::Result<()> {
    let marks = out.marks;
    let findings = &view.findings.findings;
    out.heading("What consent would share")?;
    let mut first = true;
    let who = crate::pii::who(
        findings.iter().map(|f| (f, f.location.place())),
        &view.findings.others,
    );
    for crate::pii::Who {
        category,
        value: shown,
        seen_in: places,
    } in &who
    {
        let total: usize = places.values().sum();
        let detail: Vec<String> = places.iter().map(|(p, n)| format!("{p} {n}")).collect();
        let value = if marks.redact {
            super::escape::masked(shown)
        } else {
            escape(shown).into_owned()
        };
        let line = format!(
            "{:<17} {}   {total} place{}: {}",
            category.as_str(),
            marks.paint(&value, Severity::Medium),
            if total == 1 { "" } else { "s" },
            detail.join(", ")
        );
        if first {
            out.field("Who you are", &line)?;
            first = false;
        } else {
            out.more(&line)?;
        }
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
                format!("{n} {kind}{plural}")
            })
            .collect();
        out.field("Other people's data", &kinds.join(" · "))?;
        out.more(
            "found in bulk in memory and tied to nothing that names you: data the program held about others (its vendor is responsible for it too); --format json lists each",
        )?;
    }
    let builders: std::collections::BTreeSet<String> = findings
        .iter()
        .filter(|f| f.rule == "build-path-user")
        .map(|f| {
            if marks.redact {
                super::escape::masked(&f.value)
            } else {
                escape(&f.value).into_owned()
            }
        })
        .collect();
    if !builders.is_empty() {
        out.field(
            "Module builders",
            &format!(
                "{} (user names in debug file paths: who built those modules, not you)",
                builders.into_iter().collect::<Vec<_>>().join(", ")
            ),
        )?;
    }
    let counts = view.findings.counts();
    let n = |s| counts.get(&s).copied().unwrap_or(0);
    out.field(
        "Findings",
        &marks.counts(n(Severity::High), n(Severity::Medium), n(Severity::Low)),
    )?;
    let secrets: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == Severity::High && matches!(f.location, Location::Field { .. }))
        .collect();
    for (i, f) in secrets.iter().enumerate() {
        let line = format!(
            "{} {:<22} {}  {}",
            marks.marker(Some(f.severity)),
            f.rule,
            escape(&f.location.logical()),
            marks.paint(
                &if marks.redact {
                    escape(&f.preview()).into_owned()
                } else {
                    escape(&f.value).into_owned()
                },
                f.severity
            )
        );
        if i == 0 {
            out.field("Secrets in fields", &line)?;
        } else {
            out.more(&line)?;
        }
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
        out.field(&format!("Memory findings ({})", memory.len()), "")?;
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
            writeln!(
                out.w,
                " {} {:<16} 0x{address:012x}  {:<18} {}",
                marks.marker(Some(f.severity)),
                // A region's name can come from the dump (an annotation's key).
                escape(region),
                f.rule,
                marks.excerpt(excerpt, &f.value, f.severity)
            )?;
        }
    }
    Ok(())
}

/// Many memory findings, summed up: one line per region and rule with the count, the
/// address range and the first examples (`--all` lists every finding).
fn write_memory_groups<W: Write>(out: &mut Out<'_, W>, memory: &[&Finding]) -> io::Result<()> {
    const EXAMPLES: usize = 2;
    // (region, rule) → (worst severity, count, lowest and highest address, examples)
    type Group<'a> = (Severity, usize, u64, u64, Vec<&'a str>);
    let mut groups: std::collections::BTreeMap<(String, &str), Group<'_>> = Default::default();
    for f in memory {
        let Location::Memory {
            region, address, ..
        } = &f.location
        else {
            continue;
        };
        let g = groups.entry((region.clone(), f.rule)).or_insert((
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
                let v = if marks.redact {
                    super::escape::masked(v)
                } else {
                    escape(v).into_owned()
                };
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
fn outermost(mut shown: Vec<&Finding>) -> Vec<&Finding> {
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

/// A table cell from anything printable.
fn cell(value: impl std::fmt::Display) -> String {
    value.to_string()
}
