//! The crash, its threads' stacks and the module table.

use super::*;

pub(super) fn thread_label(stack: &CallStack) -> String {
    match &stack.thread_name {
        Some(name) => format!("thread {} \"{}\"", stack.thread_id, escape(name)),
        None => format!("thread {}", stack.thread_id),
    }
}

pub(super) fn write_crash<W: Write>(out: &mut Out<'_, W>, state: &ProcessState) -> io::Result<()> {
    out.heading("Crash")?;
    let p = out.p;
    let thread = state
        .requesting_thread
        .and_then(|i| state.threads.get(i))
        .map(thread_label);
    let hex = |a: u64| word(state, a);
    match &state.exception_info {
        Some(info) => {
            let mut line = format!(
                "{} at {}",
                p.bad(&info.reason.to_string()),
                hex(info.address.0)
            );
            if let Some(thread) = &thread {
                line.push_str(&format!(" · {thread}"));
            }
            out.field("Reason", &line)?;
            let accessed = info
                .memory_access_list
                .as_ref()
                .and_then(|l| l.iter().next())
                .map(|a| a.address_info.address);
            if let Some(address) = accessed {
                out.field("Memory accessed", &hex(address))?;
            }
            if let Some(words) = explain_address(state, info, accessed.unwrap_or(info.address.0)) {
                out.field("Address", &words)?;
            }
            if out.marks.detail {
                for flip in &info.possible_bit_flips {
                    let mut line = format!("{} is one flipped bit away", hex(flip.address.0));
                    if let Some(register) = flip.source_register {
                        line.push_str(&format!(" (from {register})"));
                    }
                    if let Some(module) = state.modules.module_at_address(flip.address.0) {
                        line.push_str(&format!(", inside {}", escape(basename(&module.name))));
                    }
                    if let Some(confidence) = flip.confidence {
                        line.push_str(&format!(", confidence {confidence:.3}"));
                    }
                    out.field("Bit flip?", &line)?;
                }
            }
            if let Some(instr) = info.instruction_str.as_ref().filter(|_| !out.marks.brief) {
                out.field("Instruction", &escape(instr))?;
            }
            if let Some(words) = plain_reason(&info.reason.to_string()) {
                out.field("In words", words)?;
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

/// `address` as wide as the dump's CPU's words (8 hex digits for a 32-bit process).
pub(super) fn word(state: &ProcessState, address: u64) -> String {
    match state.system_info.cpu.pointer_width() {
        minidump::system_info::PointerWidth::Bits32 => format!("0x{address:08x}"),
        _ => format!("0x{address:016x}"),
    }
}

/// What the address a crash names is: near null, not a valid address, the kernel's, or
/// inside a module (with the offset a developer looks up).
fn explain_address(
    state: &ProcessState,
    info: &minidump_processor::ExceptionInfo,
    address: u64,
) -> Option<String> {
    use minidump_processor::AdjustedAddress;
    let bits64 =
        state.system_info.cpu.pointer_width() == minidump::system_info::PointerWidth::Bits64;
    match &info.adjusted_address {
        Some(AdjustedAddress::NullPointerWithOffset(offset)) => {
            return Some(format!("a null pointer plus 0x{:x}", offset.0))
        }
        Some(AdjustedAddress::NonCanonical(real)) => {
            return Some(format!(
                "not a valid address on this CPU (non-canonical); the access was probably to {}",
                word(state, real.0)
            ))
        }
        None => {}
    }
    if address < 0x1_0000 {
        return Some(if address == 0 {
            "null: a null pointer was used".to_string()
        } else {
            format!("in the null page: a null pointer plus 0x{address:x}")
        });
    }
    if let Some(module) = state.modules.module_at_address(address) {
        return Some(format!(
            "inside {} at offset 0x{:x}",
            escape(basename(&module.name)),
            address - module.raw.base_of_image
        ));
    }
    // Where a 32-bit kernel starts depends on the system's settings: not guessed.
    (bits64 && address >= 0xffff_8000_0000_0000)
        .then(|| "the kernel's half of the address space: the program may not touch it".to_string())
}

/// Frames `--brief` prints of the crashing thread.
const BRIEF_FRAMES: usize = 8;

/// The crashing thread's first frames, one line each (`--brief`).
pub(super) fn write_brief_stack<W: Write>(
    out: &mut Out<'_, W>,
    state: &ProcessState,
) -> io::Result<()> {
    let Some(stack) = state.requesting_thread.and_then(|i| state.threads.get(i)) else {
        return Ok(());
    };
    let frames = stack.frames.len();
    out.heading(&format!(
        "{} · {frames} frame{}",
        thread_label(stack),
        if frames == 1 { "" } else { "s" }
    ))?;
    for (i, frame) in stack.frames.iter().take(BRIEF_FRAMES).enumerate() {
        writeln!(out.w, "{i:>3}  {}", describe_frame(frame, out.p))?;
    }
    if frames > BRIEF_FRAMES {
        writeln!(
            out.w,
            "{}",
            out.p.dim(&format!(
                "     … {} more (show without --brief prints them)",
                frames - BRIEF_FRAMES
            ))
        )?;
    }
    Ok(())
}

pub(super) fn write_stacks<W: Write>(
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
                "({} other thread{}: --threads all prints them)",
                state.threads.len() - 1,
                if state.threads.len() == 2 { "" } else { "s" }
            ))
        )?;
    }
    Ok(())
}

pub(super) fn write_frames<W: Write>(out: &mut Out<'_, W>, stack: &CallStack) -> io::Result<()> {
    let p = out.p;
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
            writeln!(out.w, "{i:>3}  {text}  {}", p.dim("inlined"))?;
        }
        let text = describe_frame(frame, p);
        match trust_words(frame.trust) {
            "" => writeln!(out.w, "{i:>3}  {text}")?,
            trust => writeln!(out.w, "{i:>3}  {text}  {}", p.dim(trust))?,
        }
        if out.marks.detail {
            write_registers(out, frame)?;
        }
    }
    Ok(())
}

/// The registers the walker knows in `frame` (every one of the crashing frame's, those
/// it recovered in a caller's), two to a line and as wide as the CPU's words, as
/// minidump-stackwalk prints them, then how the frame was found.
fn write_registers<W: Write>(out: &mut Out<'_, W>, frame: &StackFrame) -> io::Result<()> {
    let context = &frame.context;
    let registers: Vec<String> = context
        .valid_registers()
        .map(|(name, _)| format!("{name:>3} = {}", context.format_register(name)))
        .collect();
    for pair in registers.chunks(2) {
        writeln!(out.w, "      {}", out.p.dim(&pair.join("    ")))?;
    }
    writeln!(
        out.w,
        "      {}",
        out.p
            .dim(&format!("Found by: {}", frame.trust.description()))
    )
}

pub(super) fn module_name(frame: &StackFrame) -> String {
    match &frame.module {
        Some(m) => escape(basename(&m.code_file())).into_owned(),
        None => "?".to_string(),
    }
}

pub(super) fn basename(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// `module!function [file : line + 0xoff]`, `module!function + 0xoff`, `module + 0xoff`, or
/// the bare address.
pub(super) fn describe_frame(frame: &StackFrame, p: Palette) -> String {
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

/// How a frame was found, in words a reader can weigh: only a guessed frame is marked
/// (`--format json` has minidump-stackwalk's trust names).
fn trust_words(trust: FrameTrust) -> &'static str {
    match trust {
        FrameTrust::Scan | FrameTrust::CfiScan | FrameTrust::None => "(guessed)",
        _ => "",
    }
}

/// A crash reason in plain words, for the common ones.
fn plain_reason(reason: &str) -> Option<&'static str> {
    let r = reason.to_ascii_uppercase();
    Some(
        if r.contains("SIGSEGV") || r.contains("ACCESS_VIOLATION") || r.contains("EXC_BAD_ACCESS") {
            "the program used memory it may not use (a bug in the program)"
        } else if r.contains("SIGABRT")
            || r.contains("FAIL_FAST")
            || r.contains("STACK_BUFFER_OVERRUN")
        {
            "the program stopped itself on purpose after finding an error"
        } else if r.contains("STACK_OVERFLOW") {
            "the program ran out of stack (too deep a chain of calls)"
        } else if r.contains("SIGILL")
            || r.contains("ILLEGAL_INSTRUCTION")
            || r.contains("EXC_BAD_INSTRUCTION")
        {
            "the processor met an instruction it could not run"
        } else if r.contains("SIGFPE")
            || r.contains("DIVIDE_BY_ZERO")
            || r.contains("EXC_ARITHMETIC")
        {
            "an arithmetic error, such as a division by zero"
        } else if r.contains("SIGBUS") {
            "the program read memory that is not there (a file that shrank, bad alignment)"
        } else if r.contains("OUT_OF_MEMORY") {
            "the program ran out of memory"
        } else {
            return None;
        },
    )
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

pub(super) fn new_table(p: Palette, header: &[&str], right: &[usize]) -> Table {
    Table::new(header.iter().map(|h| p.label(h)).collect(), right)
}

pub(super) fn write_modules<W: Write>(
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
    let (modules, left, folded) = fold(modules, marks.all, |(i, _)| {
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
            cell(match symbol_status(view.state, &code_file) {
                "not looked up" => "not needed",
                "missing" => "none found",
                other => other,
            }),
        ]);
    }
    out.table(&table)?;
    let paths: Vec<String> = folded
        .iter()
        .map(|(i, _)| format!("modules[{i}].code_file"))
        .collect();
    let marked = super::process::by_rule(view, marks, paths.iter().map(String::as_str));
    write_left_out(out, left, &marked, "modules")?;
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
