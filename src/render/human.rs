//! The human view of one crash report.
//!
//! Sections, in the order a reader asks the questions: what is this file and system,
//! what crashed and where (the stack), which modules were loaded (with their full paths,
//! because the full path is what the dump shares), what else the dump says about the
//! process (threads, Crashpad annotations, command line, environment), and finally what
//! the dump carries, stream by stream and byte by byte.

use std::io::{self, Write};

use comfy_table::{presets, Cell, CellAlignment, ContentArrangement, Table};
use minidump::Module;
use minidump_processor::ProcessState;
use minidump_unwind::{CallStack, FrameTrust, StackFrame};

use super::{escape, format_time, human_size, Palette};
use crate::cli::Threads;
use crate::report::{RegionKind, Report};

/// What `show` hands the renderer for one dump.
#[derive(Debug, Clone, Copy)]
pub struct ShowView<'a> {
    pub report: &'a Report,
    pub state: Option<&'a ProcessState>,
    pub walk_error: Option<&'a str>,
    pub threads: Threads,
}

/// Width of the label column.
const LABEL: usize = 18;

struct Out<'w, W: Write> {
    w: &'w mut W,
    p: Palette,
}

impl<W: Write> Out<'_, W> {
    /// `Label             value`
    fn field(&mut self, label: &str, value: &str) -> io::Result<()> {
        let pad = LABEL.saturating_sub(label.chars().count());
        let line = format!("{}{} {value}", self.p.label(label), " ".repeat(pad));
        writeln!(self.w, "{}", line.trim_end())
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
        for line in table.lines() {
            writeln!(self.w, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

/// Write the whole human report.
pub fn write_show<W: Write>(w: &mut W, view: &ShowView<'_>, p: Palette) -> io::Result<()> {
    let mut out = Out { w, p };
    write_header(&mut out, view)?;
    if let Some(state) = view.state {
        write_crash(&mut out, state)?;
        write_stacks(&mut out, state, view.threads)?;
        write_modules(&mut out, state)?;
    } else if let Some(err) = view.walk_error {
        out.heading("Crash")?;
        let msg = format!("the stacks could not be walked: {}", escape(err));
        out.field("Not available", &p.bad(&msg))?;
    }
    write_process(&mut out, view)?;
    write_carries(&mut out, view.report)?;
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

/// Width of text as printed, not counting ANSI colour sequences.
fn visible_width(s: &str) -> usize {
    let mut width = 0;
    let mut in_escape = false;
    for c in s.chars() {
        if in_escape {
            if c == 'm' {
                in_escape = false;
            }
        } else if c == '\x1b' {
            in_escape = true;
        } else {
            width += 1;
        }
    }
    width
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
pub fn symbol_status(state: &ProcessState, code_file: &str) -> &'static str {
    match state.symbol_stats.get(basename(code_file)) {
        Some(s) if s.corrupt_symbols => "corrupt",
        Some(s) if s.loaded_symbols => "found",
        Some(_) => "missing",
        None => "not looked up",
    }
}

fn new_table(p: Palette, header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    // Pinned layout when not on a terminal, so piped output is reproducible.
    table.set_content_arrangement(if p.terminal {
        ContentArrangement::Dynamic
    } else {
        ContentArrangement::Disabled
    });
    table.set_header(header.iter().map(|h| Cell::new(p.label(h))));
    for column in table.column_iter_mut() {
        column.set_padding((1, 1));
    }
    table
}

fn write_modules<W: Write>(out: &mut Out<'_, W>, state: &ProcessState) -> io::Result<()> {
    let p = out.p;
    let modules: Vec<_> = state.modules.by_addr().collect();
    out.heading(&format!("Modules ({})", modules.len()))?;
    let mut table = new_table(
        p,
        &["base", "size", "path", "version", "debug id", "symbols"],
    );
    for m in modules {
        let code_file = m.code_file();
        table.add_row(vec![
            Cell::new(p.dim(&format!("0x{:x}", m.base_address()))),
            Cell::new(human_size(m.size())).set_alignment(CellAlignment::Right),
            Cell::new(escape(&code_file)),
            Cell::new(
                m.version()
                    .map(|v| escape(&v).into_owned())
                    .unwrap_or_default(),
            ),
            Cell::new(
                m.debug_identifier()
                    .map(|id| id.breakpad().to_string())
                    .unwrap_or_default(),
            ),
            Cell::new(symbol_status(state, &code_file)),
        ]);
    }
    out.table(&table)?;
    let unloaded: Vec<_> = state.unloaded_modules.by_addr().collect();
    if !unloaded.is_empty() {
        out.heading(&format!("Unloaded modules ({})", unloaded.len()))?;
        let mut table = new_table(p, &["base", "size", "path"]);
        for m in unloaded {
            table.add_row(vec![
                Cell::new(p.dim(&format!("0x{:x}", m.base_address()))),
                Cell::new(human_size(m.size())).set_alignment(CellAlignment::Right),
                Cell::new(escape(&m.code_file())),
            ]);
        }
        out.table(&table)?;
    }
    Ok(())
}

fn write_process<W: Write>(out: &mut Out<'_, W>, view: &ShowView<'_>) -> io::Result<()> {
    let report = view.report;
    let names = report.thread_names();
    let crashpad = report.crashpad_info();
    let cmdline = report.linux_cmdline();
    let environ = report.linux_environ();
    if names.is_empty() && crashpad.is_none() && cmdline.is_none() && environ.is_none() {
        return Ok(());
    }
    out.heading("What the dump says about the process")?;
    if !names.is_empty() {
        let list: Vec<String> = names
            .iter()
            .map(|(tid, name)| format!("{tid} \"{}\"", escape(name)))
            .collect();
        out.field(&format!("Thread names ({})", list.len()), &list.join(" · "))?;
    }
    if let Some(info) = &crashpad {
        out.field("Crashpad report", &info.raw.report_id.to_string())?;
        out.field("Crashpad client", &info.raw.client_id.to_string())?;
        let mut rows = Vec::new();
        for (k, v) in &info.simple_annotations {
            rows.push(("process".to_string(), k.clone(), v.clone()));
        }
        for module in &info.module_list {
            let owner = view
                .state
                .and_then(|s| s.modules.iter().nth(module.module_index))
                .map(|m| basename(&m.code_file()).to_string())
                .unwrap_or_else(|| format!("module {}", module.module_index));
            for (k, v) in &module.simple_annotations {
                rows.push((owner.clone(), k.clone(), v.clone()));
            }
            for (k, v) in &module.annotation_objects {
                let value = match v {
                    minidump::MinidumpAnnotation::String(s) => s.clone(),
                    minidump::MinidumpAnnotation::UserDefined(a)
                    | minidump::MinidumpAnnotation::Unsupported(a) => {
                        format!("<custom type 0x{:x}>", a.ty)
                    }
                    _ => "<invalid>".to_string(),
                };
                rows.push((owner.clone(), k.clone(), value));
            }
            for v in &module.list_annotations {
                rows.push((owner.clone(), "(list)".to_string(), v.clone()));
            }
        }
        out.field(&format!("Annotations ({})", rows.len()), "")?;
        if !rows.is_empty() {
            let mut table = new_table(out.p, &["from", "name", "value"]);
            for (owner, k, v) in rows {
                table.add_row(vec![escape(&owner), escape(&k), escape(&v)]);
            }
            out.table(&table)?;
        }
    }
    if let Some(args) = &cmdline {
        let joined: Vec<String> = args
            .iter()
            .map(|a| super::escape::escape_bytes(a))
            .collect();
        out.field("Command line", &joined.join(" "))?;
    }
    if let Some(vars) = &environ {
        out.field(&format!("Environment ({})", vars.len()), "")?;
        for (k, v) in vars {
            writeln!(
                out.w,
                "   {}={}",
                super::escape::escape_bytes(k),
                super::escape::escape_bytes(v)
            )?;
        }
    }
    Ok(())
}

fn write_carries<W: Write>(out: &mut Out<'_, W>, report: &Report) -> io::Result<()> {
    let p = out.p;
    out.heading("What this dump carries")?;
    let streams = report.streams();
    let mut table = new_table(p, &["stream", "type", "offset", "size"]);
    for s in &streams {
        table.add_row(vec![
            Cell::new(&s.name),
            Cell::new(p.dim(&format!("0x{:08x}", s.stream_type))),
            Cell::new(s.offset).set_alignment(CellAlignment::Right),
            Cell::new(human_size(s.size)).set_alignment(CellAlignment::Right),
        ]);
    }
    out.table(&table)?;
    let mut totals = [(0u64, 0usize); 3];
    for r in &report.regions {
        let slot = match r.kind {
            RegionKind::Stack => 0,
            RegionKind::Heap => 1,
            RegionKind::Other => 2,
        };
        totals[slot].0 += r.size;
        totals[slot].1 += 1;
    }
    let all: u64 = totals.iter().map(|t| t.0).sum();
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
    out.field(
        "File",
        &format!(
            "{} in {} streams",
            human_size(report.file_size),
            streams.len()
        ),
    )?;
    if !report.problems.is_empty() {
        out.field("Could not read", &p.bad(&escape(&report.problems[0])))?;
        for problem in &report.problems[1..] {
            out.more(&p.bad(&escape(problem)))?;
        }
    }
    Ok(())
}
