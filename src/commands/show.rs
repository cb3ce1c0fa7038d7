//! `crashscope show PATH`: a dump, or every selected report of a Crashpad database as
//! its upload would carry it.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::analysis::{analyze, analyze_report, scan_database, Analysis};
use crate::cli::{Cli, ShowArgs, ShowFormat as Format, StateFilter};
use crate::exit::ExitStatus;
use crate::pii;
use crate::pool;
use crate::render::database::{self, ReportView};
use crate::render::highlight::Marks;
use crate::render::human::{write_show, ShowView};
use crate::render::json;
use crate::render::output::{deliver, Delivery, Redactor, Screen};
use crate::render::verdict::{Layout, Subject, Verdict};
use crate::report::Report;
use crate::source::crashpad::{self, Database, DbReport, State};
use crate::source::{self, Source};
use crate::symbols::Walker;

/// The show view of an analysed dump, with the threads the user asked for.
fn view(analysis: &Analysis, threads: crate::cli::Threads) -> ShowView<'_> {
    ShowView::of(
        analysis,
        match threads {
            crate::cli::Threads::Crashing => crate::render::human::Threads::Crashing,
            crate::cli::Threads::All => crate::render::human::Threads::All,
        },
    )
}

fn marks(cli: &Cli, args: &ShowArgs) -> Marks {
    let palette = match format(cli, args) {
        // The page's marks are made from the terminal's colours.
        Format::Html => crate::render::Palette { enabled: true },
        _ if args.output.is_some() => crate::render::Palette { enabled: false },
        _ => crate::commands::palette(cli.global.color),
    };
    Marks {
        palette,
        all: args.all,
        redact: args.redact,
        detail: args.detail,
        brief: args.brief,
    }
}

/// The format asked for: `--json` and `--open` are shorthands.
fn format(cli: &Cli, args: &ShowArgs) -> Format {
    if cli.global.json {
        Format::Json
    } else if args.open {
        Format::Html
    } else {
        args.format
    }
}

/// Deliver a view: the terminal's text (paged) or the page, to the terminal, `--output`
/// or, with `--open`, a private file opened in the browser. `layout` is the verdict for
/// a page (the terminal's text holds it already).
fn finish(
    args: &ShowArgs,
    text: Vec<u8>,
    page: Option<(&Layout, &str, &str)>,
    redactor: Option<&Redactor>,
) -> anyhow::Result<()> {
    let redact = |b: &[u8]| match redactor {
        Some(r) => r.apply(b),
        None => b.to_vec(),
    };
    let text = redact(&text);
    let bytes = match page {
        None => text,
        Some((layout, title, lead)) => {
            let mut layout = layout.clone();
            for line in layout
                .header
                .iter_mut()
                .chain(layout.rows.iter_mut().flat_map(|r| r.lines.iter_mut()))
            {
                *line = String::from_utf8_lossy(&redact(line.as_bytes())).into_owned();
            }
            let title = String::from_utf8_lossy(&redact(title.as_bytes())).into_owned();
            crate::render::html::page(&crate::render::html::Page {
                title: &title,
                verdict: &layout,
                body: &String::from_utf8_lossy(&text),
                redacted: redactor.is_some(),
                lead,
            })
            .into_bytes()
        }
    };
    if args.open {
        let path = crate::render::html::open_in_browser(&bytes)?;
        println!("{}", path.display());
        return Ok(());
    }
    match &args.output {
        Some(out) if out != Path::new("-") => {
            let input = args.path.as_deref().unwrap_or(Path::new(""));
            if crate::fsutil::overwrites_input(out, &[input]) {
                anyhow::bail!("{}: refusing to write over an input", out.display());
            }
            crate::fsutil::write_atomic(out, &bytes)
                .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", out.display()))?;
        }
        _ if page.is_some() || args.output.is_some() => write_stdout(&bytes)?,
        _ => deliver(&bytes, delivery(args))?,
    }
    Ok(())
}

pub fn run(cli: &Cli, args: &ShowArgs) -> anyhow::Result<ExitStatus> {
    let path = match (&args.path, &args.app) {
        (Some(p), _) => p.clone(),
        (None, Some(app)) => {
            let roots = crate::source::discover::roots(&|k| std::env::var(k).ok());
            crate::source::discover::pick(&roots, app)
                .map_err(anyhow::Error::msg)?
                .path
        }
        (None, None) => anyhow::bail!("give a PATH or --app"),
    };
    if let Some(hint) = folder_of_dumps(&path) {
        anyhow::bail!(hint);
    }
    match source::detect(&path)? {
        Source::Minidump(path) => match mozilla_report(&path) {
            // A pending report of Mozilla's crash reporter is shown as the reporter
            // would send it: with the annotations of its `.extra` file.
            Some((root, id)) if args.reports.is_empty() => run_database(cli, args, &root, Some(id)),
            _ => run_dump(cli, args, &path),
        },
        Source::Database(root) => run_database(cli, args, &root, None),
    }
}

/// For a folder that is no crash store but holds minidumps, what to run instead: `show`
/// reads one dump or one store, `audit` reads a folder.
fn folder_of_dumps(path: &Path) -> Option<String> {
    if !path.is_dir() || crashpad::looks_like_database(path) {
        return None;
    }
    let dumps: Vec<PathBuf> = std::fs::read_dir(path)
        .ok()?
        .take(10_000)
        .filter_map(Result::ok)
        // Regular files only: opening a FIFO would wait for a writer.
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| crate::commands::audit::looks_like_dump(p))
        .collect();
    let first = dumps.iter().min()?;
    // The message reaches stderr through `render::diagnostic`, which escapes it.
    let shown = |p: &Path| p.display().to_string();
    Some(format!(
        "{}: a folder of {} minidump{}, not a crash store: show reads one at a time \
         (crashscope show {}), audit reads the folder (crashscope audit {})",
        shown(path),
        dumps.len(),
        if dumps.len() == 1 { "" } else { "s" },
        shown(first),
        shown(path)
    ))
}

/// The store and report id of a dump that is a pending report of Mozilla's crash
/// reporter (`Crash Reports/pending/ID.dmp` with `ID.extra` beside it).
fn mozilla_report(path: &Path) -> Option<(PathBuf, String)> {
    let pending = path.parent()?;
    let root = pending.parent()?;
    let id = path.file_stem()?.to_str()?.to_string();
    let is_report = pending.file_name()? == "pending"
        && path.with_extension("extra").is_file()
        && crashpad::mozilla::detect(root);
    is_report.then(|| (root.to_path_buf(), id))
}

fn run_dump(cli: &Cli, args: &ShowArgs, path: &Path) -> anyhow::Result<ExitStatus> {
    if !args.reports.is_empty() {
        anyhow::bail!(
            "--report selects reports of a Crashpad database; {} is a minidump",
            path.display()
        );
    }
    let report = Report::open(path)?;
    let config = crate::commands::symbol_config(&args.symbols, cli.global.verbose);
    let walker = Walker::new(&config).with_budget(cli.global.time_budget);
    let analysis = analyze(report, &walker);
    let view = view(&analysis, args.threads);
    let marks = marks(cli, args);
    let redactor = args.redact.then(|| {
        Redactor::new(
            identifying(&analysis.findings.findings),
            format(cli, args) == Format::Json,
        )
    });
    match format(cli, args) {
        Format::Json => match &redactor {
            Some(_) if args.output.is_some() => {
                let mut buf = Vec::new();
                json::write_show_document(&mut buf, &view)?;
                finish(args, buf, None, redactor.as_ref())?;
            }
            None if args.output.is_some() => {
                let mut buf = Vec::new();
                json::write_show_document(&mut buf, &view)?;
                finish(args, buf, None, None)?;
            }
            Some(r) => {
                let mut buf = Vec::new();
                json::write_show_document(&mut buf, &view)?;
                write_stdout(&r.apply(&buf))?;
            }
            None => {
                let stdout = std::io::stdout();
                let mut out = std::io::BufWriter::new(stdout.lock());
                json::write_show_document(&mut out, &view)?;
                out.flush()?;
            }
        },
        shown @ (Format::Human | Format::Html) => {
            let mut buf = Vec::new();
            let mut verdict = Verdict::report();
            verdict.add_dump("", &view);
            let mut title = format!(
                "{} · minidump · {}",
                crate::render::escape(&path.display().to_string()),
                crate::render::human_size(analysis.report.file_size)
            );
            if let Ok(state) = &analysis.walked {
                title.push_str(&format!(
                    " · written {}",
                    crate::render::format_time(state.time)
                ));
            }
            let subject = Subject {
                title,
                path: path.display().to_string(),
                consent: None,
            };
            let layout = verdict.layout(&marks, &subject);
            if shown == Format::Human {
                verdict.write(&mut buf, &marks, &subject)?;
            }
            write_show(&mut buf, &view, marks)?;
            let page = (shown == Format::Html).then_some((&layout, subject.title.as_str(), ""));
            finish(args, buf, page, redactor.as_ref())?;
        }
    }
    if let (false, Ok(state)) = (cli.global.quiet, &analysis.walked) {
        let mut found = crate::commands::SymbolsFound::default();
        found.add(state);
        if let Some(line) = crate::commands::missing_symbols(&found, &args.symbols) {
            crate::render::diagnostic(&format!("{}: {line}", path.display()));
        }
    }
    if !cli.global.quiet && analysis.incomplete() {
        crate::render::diagnostic(&format!(
            "{}: parts of the dump could not be read (see \"Could not read\")",
            path.display()
        ));
    }
    Ok(ExitStatus::Success)
}

/// The values `--redact` masks: every finding at medium or above.
fn identifying(findings: &[pii::Finding]) -> impl Iterator<Item = &str> {
    findings
        .iter()
        .filter(|f| f.severity >= pii::Severity::Medium && f.category != pii::Category::Unreadable)
        .map(|f| f.value.as_str())
}

fn delivery(args: &ShowArgs) -> Delivery {
    Delivery {
        screen: Screen::detect(),
        no_pager: args.no_pager,
    }
}

fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(bytes)?;
    out.flush()
}

/// Whether `--state` selects a report.
fn selected(filter: StateFilter, state: State) -> bool {
    match filter {
        StateFilter::All => true,
        StateFilter::Pending => state.would_upload(),
        StateFilter::Sent => state == State::Sent,
        StateFilter::NotSent => matches!(state, State::Skipped | State::Failed),
        StateFilter::InProgress => state == State::InProgress,
    }
}

/// The reports `--report` and `--state` select. An id may be a unique prefix.
fn select<'a>(db: &'a Database, args: &ShowArgs) -> anyhow::Result<Vec<&'a DbReport>> {
    if args.reports.is_empty() {
        return Ok(db
            .reports
            .iter()
            .filter(|r| selected(args.state, r.state))
            .collect());
    }
    let mut out = Vec::new();
    for want in &args.reports {
        let want = want.to_ascii_lowercase();
        let matching: Vec<&DbReport> = db
            .reports
            .iter()
            .filter(|r| r.id.starts_with(&want))
            .collect();
        match matching.len() {
            0 => anyhow::bail!("{}: no report {want}", db.root.display()),
            1 => out.push(matching[0]),
            n => anyhow::bail!(
                "{}: {n} reports start with {want}; give more of the id",
                db.root.display()
            ),
        }
    }
    Ok(out)
}

fn run_database(
    cli: &Cli,
    args: &ShowArgs,
    root: &Path,
    only: Option<String>,
) -> anyhow::Result<ExitStatus> {
    let db = crashpad::open(root, crashpad::unix_now())?;
    let chosen = match only {
        Some(id) => db.reports.iter().filter(|r| r.id == id).collect(),
        None => select(&db, args)?,
    };
    let config = crate::commands::symbol_config(&args.symbols, cli.global.verbose);
    let walker = Walker::new(&config).with_budget(cli.global.time_budget);
    let marks = marks(cli, args);
    let db_scan = scan_database(&db);
    let format = format(cli, args);
    let filter = if args.reports.is_empty() {
        format!(
            "--state {}",
            clap::ValueEnum::to_possible_value(&args.state)
                .map(|v| v.get_name().to_string())
                .unwrap_or_default()
        )
    } else {
        "--report".to_string()
    };

    // The human view is gathered whole (its verdict comes first but is known last,
    // and it is fitted and paged); so is a redacted JSON document. A plain JSON
    // document streams to standard output.
    let mut body: Vec<u8> = Vec::new();
    let stdout = std::io::stdout();
    let mut streamed = std::io::BufWriter::new(stdout.lock());
    let buffered = format != Format::Json || args.redact;
    if format != Format::Json {
        if !marks.brief {
            database::write_show_header(&mut body, &db, &marks, &db_scan, chosen.len(), &filter)?;
        }
        if chosen.is_empty() {
            let others = db.reports.len();
            writeln!(
                body,
                "\nNo report is selected{}.",
                if others > 0 {
                    " (--state all shows every report; crashscope list gives the overview)"
                } else {
                    ""
                }
            )?;
        }
    }
    let bar = pool::progress(chosen.len(), 8, cli.global.quiet, "reports");
    let mut documents = Vec::new();
    let mut verdict = Verdict::default();
    verdict.add_scan(crate::render::verdict::SETTINGS, &db_scan.findings);
    let mut values: Vec<String> = identifying(&db_scan.findings.findings)
        .map(str::to_string)
        .collect();
    let mut incomplete = Vec::new();
    let mut symbols_found = crate::commands::SymbolsFound::default();
    let workers = pool::workers();
    // One report at a time splits its walk and scan over two cores; many reports keep
    // the cores busy with whole reports instead.
    let split = chosen.len() < workers;
    pool::map_ordered(
        &chosen,
        workers,
        |entry| {
            let scanned = analyze_report(
                entry,
                &walker,
                split,
                matches!(
                    db.layout,
                    crashpad::Layout::Mozilla | crashpad::Layout::SentryNative
                ),
            );
            let view = ReportView {
                entry,
                dump: scanned.dump.as_ref().ok().map(|a| view(a, args.threads)),
                dump_error: scanned.dump.as_ref().err().map(|e| e.as_str()),
                form: scanned.form.as_ref(),
                attachments: &scanned.attachments,
            };
            let rendered = match format {
                Format::Json => {
                    let mut spool = crate::render::spool::Spool::default();
                    // A document that could not be written in full is an error, never a
                    // shorter document.
                    Rendered::Json(
                        database::write_report_document(&mut spool, &db, &view)
                            .map(|()| spool)
                            .map_err(|e| format!("report {}: cannot be written: {e}", entry.id)),
                    )
                }
                Format::Human | Format::Html => {
                    let mut buf = Vec::new();
                    let _ = database::write_report(&mut buf, &view, &marks);
                    Rendered::Text(buf)
                }
            };
            // For the verdict: counts and identities (not every finding: a dense dump
            // has hundreds of thousands).
            let mut part = Verdict::report();
            let mut values: Vec<String> = Vec::new();
            if let Some(dump) = &view.dump {
                part.add_dump(&entry.id, dump);
                if args.redact {
                    values.extend(identifying(&dump.findings.findings).map(str::to_string));
                }
            }
            for a in &scanned.attachments {
                part.add_attachment(&a.name, a.size);
                part.add_scan(&entry.id, &a.findings);
                if args.redact {
                    values.extend(identifying(&a.findings.findings).map(str::to_string));
                }
            }
            // A report that has no dump at all (a sentry-native run whose minidump travels
            // inside its envelope, a report already sent) is not a dump that failed.
            let bad = match &scanned.dump {
                Ok(a) => a.incomplete(),
                Err(_) => entry.dump.is_some(),
            };
            let walked = scanned
                .dump
                .as_ref()
                .ok()
                .and_then(|a| a.walked.as_ref().ok());
            let mut symbols = crate::commands::SymbolsFound::default();
            if let Some(state) = walked {
                symbols.add(state);
            }
            (rendered, (part, values, symbols), bad)
        },
        |i, (rendered, (part, found, symbols), bad)| -> anyhow::Result<()> {
            symbols_found.merge(symbols);
            if let Some(bar) = &bar {
                bar.inc(1);
            }
            if bad {
                incomplete.push(chosen[i].id.clone());
            }
            verdict.merge(part);
            values.extend(found);
            match rendered {
                Rendered::Text(buf) => body.write_all(&buf)?,
                Rendered::Json(Ok(doc)) => documents.push(doc),
                Rendered::Json(Err(e)) => anyhow::bail!(e),
            }
            Ok(())
        },
    )?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if !cli.global.quiet {
        if let Some(line) = crate::commands::missing_symbols(&symbols_found, &args.symbols) {
            crate::render::diagnostic(&format!("{}: {line}", root.display()));
        }
    }
    match format {
        shown @ (Format::Human | Format::Html) => {
            let mut text = Vec::new();
            let mut layout = None;
            if !chosen.is_empty() {
                let subject = Subject {
                    title: format!(
                        "{} · {}",
                        crate::render::escape(&db.root.display().to_string()),
                        db.layout.describe()
                    ),
                    path: db.root.display().to_string(),
                    consent: Some(database::store_consent(
                        &db,
                        db.reports.iter().filter(|r| r.state.would_upload()).count(),
                    )),
                };
                if shown == Format::Human {
                    verdict.write(&mut text, &marks, &subject)?;
                    writeln!(text)?;
                }
                layout = Some((verdict.layout(&marks, &subject), subject.title));
            }
            text.extend_from_slice(&body);
            let redactor = args
                .redact
                .then(|| Redactor::new(values.iter().map(String::as_str), false));
            let empty = Layout {
                header: Vec::new(),
                rows: Vec::new(),
            };
            let page = (shown == Format::Html).then_some(match &layout {
                Some((l, title)) => (l, title.as_str(), "The crash store"),
                None => (&empty, "", "The crash store"),
            });
            finish(args, text, page, redactor.as_ref())?;
        }
        Format::Json => {
            let mut doc = database::database_document(&db);
            doc.insert(
                "database_findings".into(),
                json::findings_list(&db_scan.findings.findings),
            );
            doc.insert(
                "selected".into(),
                chosen.iter().map(|r| r.id.clone()).collect(),
            );
            let out: &mut dyn Write = if buffered || args.output.is_some() {
                &mut body
            } else {
                &mut streamed
            };
            // Each report's document was rendered on its worker, bounded in memory.
            json::write_streaming(out, &serde_json::Value::Object(doc), "reports", |w| {
                w.write_all(b"[")?;
                for (i, part) in documents.iter().enumerate() {
                    w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
                    part.write_to(w)?;
                }
                w.write_all(b"\n]")
            })?;
            writeln!(out)?;
            let r = args
                .redact
                .then(|| Redactor::new(values.iter().map(String::as_str), true));
            if args.output.is_some() {
                finish(args, body, None, r.as_ref())?;
            } else if let Some(r) = &r {
                streamed.write_all(&r.apply(&body))?;
            }
            streamed.flush()?;
        }
    }
    if !cli.global.quiet {
        for id in &incomplete {
            crate::render::diagnostic(&format!(
                "report {id}: parts of it could not be read (see its problems)"
            ));
        }
        if !db.problems.is_empty() {
            crate::render::diagnostic(&format!(
                "{}: {} problem{} in the database (see \"Problems\")",
                db.root.display(),
                db.problems.len(),
                if db.problems.len() == 1 { "" } else { "s" }
            ));
        }
    }
    Ok(ExitStatus::Success)
}

enum Rendered {
    Text(Vec<u8>),
    Json(Result<crate::render::spool::Spool, String>),
}
