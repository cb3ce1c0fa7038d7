//! `crashscope list PATH`: the overview of a Crashpad database; `crashscope list`: the
//! crash stores of the current user, found by [`discover`].

use std::io::Write;

use crate::cli::{Cli, Format, ListArgs};
use crate::exit::ExitStatus;
use crate::render::database;
use crate::source::crashpad;
use crate::source::{self, discover, Source};

pub fn run(cli: &Cli, args: &ListArgs) -> anyhow::Result<ExitStatus> {
    let Some(path) = &args.path else {
        return run_discovery(cli, args);
    };
    let root = match source::detect(path)? {
        Source::Database(root) => root,
        Source::Minidump(path) => anyhow::bail!(
            "{}: is a minidump, not a Crashpad database (crashscope show reads it)",
            path.display()
        ),
    };
    let db = crashpad::open(&root, crashpad::unix_now())?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match cli.format(args.format) {
        Format::Json => {
            let doc = database::database_document(&db);
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        Format::Human => {
            database::write_list(&mut out, &db, crate::commands::palette(cli.global.color))?
        }
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}

/// One store found on the machine, with what waits in it.
#[derive(Debug, serde::Serialize)]
struct Listed {
    app: String,
    kind: discover::StoreKind,
    path: std::path::PathBuf,
    /// Crashpad: whether uploads are enabled (None when settings.dat is missing).
    uploads_enabled: Option<bool>,
    waiting: usize,
    waiting_bytes: u64,
    /// Reports already sent (Crashpad `sent`, Mozilla `submitted/`).
    sent: usize,
    /// The product a waiting report names (Crashpad's `prod` annotation, Mozilla's
    /// `ProductName`), when the folder name alone may not say which app it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    product: Option<String>,
    problems: Vec<String>,
}

/// The product the first waiting report names: its dump's `prod` annotation (Crashpad),
/// or `ProductName` in its `.extra` (Mozilla). One report per store is opened.
fn product(waiting: &[&crashpad::DbReport]) -> Option<String> {
    let first = waiting.first()?;
    if let Some(extra) = first
        .attachments
        .iter()
        .find(|a| a.name.ends_with(".extra"))
    {
        // Read as attachments are read (at most the first 64 MiB).
        let (bytes, _) = crashpad::read_attachment(&extra.path).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        return crate::disclosure::extra::parse(&text)?
            .into_iter()
            .find(|e| e.key == "ProductName")
            .map(|e| e.value);
    }
    let report = crate::report::Report::open(first.dump.as_deref()?).ok()?;
    crate::disclosure::inventory(&report)
        .fields
        .into_iter()
        .find_map(|f| match f.kind {
            crate::disclosure::FieldKind::Annotation { key, .. } if key == "prod" => Some(f.value),
            _ => None,
        })
}

/// `crashscope list` without a path: every crash store of the current user.
fn run_discovery(cli: &Cli, args: &ListArgs) -> anyhow::Result<ExitStatus> {
    let roots = discover::roots(&|k| std::env::var(k).ok());
    let palette = crate::commands::palette(cli.global.color);
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr()) && !cli.global.quiet;
    let progress = |dir: &std::path::Path| {
        if terminal {
            let shown = crate::render::escape(&dir.display().to_string()).into_owned();
            let short: String = shown.chars().take(70).collect();
            eprint!("\r\x1b[Ksearching {short}");
        }
    };
    let found = discover::find(&roots, &progress);
    if terminal {
        eprint!("\r\x1b[K");
    }
    let now = crashpad::unix_now();
    let listed: Vec<Listed> = found
        .stores
        .iter()
        .map(|s| match crashpad::open(&s.path, now) {
            Ok(db) => {
                let waiting: Vec<_> = db
                    .reports
                    .iter()
                    .filter(|r| r.state.would_upload())
                    .collect();
                Listed {
                    app: s.app.clone(),
                    kind: s.kind,
                    path: s.path.clone(),
                    uploads_enabled: match s.kind {
                        discover::StoreKind::SentryNative => {
                            crashpad::sentry::user_consent(&s.path)
                        }
                        _ => db.settings.as_ref().map(|x| x.uploads_enabled),
                    },
                    product: product(&waiting),
                    waiting: waiting.len(),
                    waiting_bytes: waiting.iter().map(|r| r.total_size()).sum(),
                    sent: db
                        .reports
                        .iter()
                        .filter(|r| r.state == crashpad::State::Sent)
                        .count(),
                    problems: db.problems.clone(),
                }
            }
            Err(e) => Listed {
                app: s.app.clone(),
                kind: s.kind,
                path: s.path.clone(),
                uploads_enabled: None,
                waiting: 0,
                waiting_bytes: 0,
                sent: 0,
                product: None,
                problems: vec![e.reason],
            },
        })
        .collect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match cli.format(args.format) {
        Format::Json => {
            let doc = serde_json::json!({
                "schema": crate::render::json::SCHEMA_VERSION,
                "crashscope_version": env!("CARGO_PKG_VERSION"),
                "roots": roots,
                "stores": listed,
                "unreadable": found.unreadable.iter().map(|(p, why)| serde_json::json!({"path": p, "reason": why})).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        Format::Human => {
            if listed.is_empty() {
                writeln!(out, "No crash store found under {} folders.", roots.len())?;
            }
            // Numbered: `show --app N` and `audit --app N` take the number.
            for (n, l) in listed.iter().enumerate() {
                let consent = match (l.kind, l.uploads_enabled) {
                    (discover::StoreKind::Mozilla, _) => "asks each time",
                    (discover::StoreKind::SentryNative, Some(true)) => "consent given",
                    (discover::StoreKind::SentryNative, Some(false)) => "consent revoked",
                    (discover::StoreKind::SentryNative, None) => "sends at restart",
                    (_, Some(true)) => "uploads ENABLED",
                    (_, Some(false)) => "uploads disabled",
                    (_, None) => "consent unknown",
                };
                let app = match &l.product {
                    Some(p) if !p.eq_ignore_ascii_case(&l.app) => format!("{} ({p})", l.app),
                    _ => l.app.clone(),
                };
                writeln!(
                    out,
                    "{:>2}  {:<20} {:<9} {:<17} {:>3} waiting ({}) · {} sent  {}",
                    n + 1,
                    crate::render::escape(&app),
                    l.kind.as_str(),
                    consent,
                    l.waiting,
                    crate::render::human_size(l.waiting_bytes),
                    l.sent,
                    palette.dim(&crate::render::escape(&l.path.display().to_string()))
                )?;
            }
            for (p, why) in &found.unreadable {
                writeln!(
                    out,
                    "{}",
                    palette.bad(&crate::render::escape(&format!(
                        "skipped {}: {why}",
                        p.display()
                    )))
                )?;
            }
        }
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}
