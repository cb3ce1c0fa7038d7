//! The binary: parse, run, and own the exit policy (errors printed once, broken pipe is 0).

use std::process::ExitCode;

use clap::Parser;
use crashscope::cli::Cli;
use crashscope::exit::ExitStatus;

fn main() -> ExitCode {
    crashscope::report::guard_mapped_reads();
    // A panic's message reaches stderr escaped, like every diagnostic.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()));
        eprintln!("{}", crashscope::render::panic_line(info.payload(), at));
    }));
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitStatus::Error.into()
            } else {
                ExitStatus::Success.into()
            };
        }
    };
    match crashscope::commands::run(&cli) {
        Ok(status) => status.into(),
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitStatus::Success.into();
            }
            crashscope::render::diagnostic(&format!("{e:#}"));
            ExitStatus::Error.into()
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        let io = cause.downcast_ref::<std::io::Error>().map(|io| io.kind());
        // serde_json wraps the writer's error in its own.
        let json = cause
            .downcast_ref::<serde_json::Error>()
            .and_then(|j| j.io_error_kind());
        io.or(json) == Some(std::io::ErrorKind::BrokenPipe)
    })
}
