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
use crate::problem::Problem;
use crate::report::{RegionKind, Report};

mod consent;
mod process;
mod stacks;

use consent::*;
use process::*;
pub use stacks::*;

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
    pub walk_error: Option<&'a Problem>,
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
            Err(e) => (None, Some(e)),
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

/// Write the whole human report after the verdict: what names the person first, then
/// what the dump says about the process, then the crash, then the developer's detail
/// (system, modules, streams and byte map).
pub fn write_show<W: Write>(w: &mut W, view: &ShowView<'_>, marks: Marks) -> io::Result<()> {
    let p = marks.palette;
    let mut out = Out { w, p, marks };
    if marks.brief {
        if let Some(state) = view.state {
            write_crash(&mut out, state)?;
            write_brief_stack(&mut out, state)?;
        }
        return Ok(());
    }
    write_consent(&mut out, view)?;
    write_process(&mut out, view)?;
    if let Some(state) = view.state {
        write_crash(&mut out, state)?;
        write_stacks(&mut out, state, view.threads)?;
    } else if let Some(err) = view.walk_error {
        out.heading("Crash")?;
        let msg = format!(
            "the stacks could not be walked: {}",
            escape(&err.to_string())
        );
        out.field("Not available", &p.bad(&msg))?;
    }
    if marks.detail {
        out.heading("For developers")?;
        write_header(&mut out, view)?;
        if let Some((modules, unloaded)) = view.modules {
            write_modules(&mut out, view, modules, unloaded)?;
        }
        write_carries(&mut out, view)?;
    } else {
        write_brief_detail(&mut out, view)?;
    }
    Ok(())
}

/// Without `--detail`: the system in one line, the modules whose paths name someone,
/// the file's size, and anything that could not be read.
fn write_brief_detail<W: Write>(out: &mut Out<'_, W>, view: &ShowView<'_>) -> io::Result<()> {
    out.heading("For developers (--detail: modules, streams, byte map)")?;
    let report = view.report;
    if let Some(state) = view.state {
        let sys = &state.system_info;
        let count = sys.cpu_count;
        out.field(
            "System",
            &format!(
                "{} · {} · {count} CPU{}",
                os_name(state).split(" #").next().unwrap_or_default(),
                sys.cpu,
                if count == 1 { "" } else { "s" }
            ),
        )?;
    }
    if let Some((modules, _)) = view.modules {
        let marks = out.marks;
        let naming: Vec<(Option<Severity>, String)> = modules
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                let path = format!("modules[{i}].code_file");
                let (worst, shown) =
                    marks.highlight(&m.code_file(), view.findings.for_field(&path));
                worst.map(|w| (Some(w), shown))
            })
            .collect();
        let n = modules.iter().count();
        let mut line = format!("{n} loaded (the program and its libraries)");
        if !naming.is_empty() {
            line = format!(
                "{n} loaded; {} of their paths name{} someone:",
                naming.len(),
                if naming.len() == 1 { "s" } else { "" }
            );
        }
        out.field("Modules", &line)?;
        for (worst, shown) in naming {
            writeln!(
                out.w,
                "{}{} {shown}",
                " ".repeat(LABEL - 3),
                marks.marker(worst)
            )?;
        }
    }
    let memory: u64 = report
        .regions
        .iter()
        .filter(|r| r.kind != RegionKind::Context)
        .map(|r| r.size)
        .sum();
    out.field(
        "File",
        &format!(
            "{} · {} of it the program's memory",
            human_size(report.file_size),
            human_size(memory)
        ),
    )?;
    write_unread(out, view)
}

/// The operating system's name and version, or `unknown` where the dump does not say.
fn os_name(state: &ProcessState) -> String {
    let sys = &state.system_info;
    let name = sys.os.long_name();
    let mut os = if name.starts_with("0x") {
        "unknown operating system".to_string()
    } else {
        name.to_string()
    };
    if let Some(ver) = sys.format_os_version() {
        if !ver.trim().is_empty() && ver.trim() != "0.0.0" {
            os.push(' ');
            os.push_str(&escape(&ver));
        }
    }
    os
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
    out.field("Operating system", &os_name(state))?;
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

/// A table cell from anything printable.
fn cell(value: impl std::fmt::Display) -> String {
    value.to_string()
}
