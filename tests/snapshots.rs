//! Snapshots of every output, as rust-minidump keeps them for minidump-stackwalk: `show`
//! (human and JSON) on the crasher's dumps and on a database, `list`, `audit` in every
//! format, `scrub`'s summary, and every subcommand's `--help`. A change to any output
//! shows up here as a diff to review (`cargo insta review`, or `INSTA_UPDATE=always`);
//! the other tests say which parts of it matter and why.
//!
//! Filters keep the snapshots the same on every machine: the checkout's path, the
//! temporary folder, the package version. The database is copied with fixed file times
//! and read at a fixed "now", so ages and the reports that fall back to a file's time do
//! not move.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::util::{crashscope, root, stderr, stdout, testdata};

/// The generator's reference time (`T0` of `examples/make_databases.rs`) and one hour on.
const T0: u64 = 1_795_400_000;
const NOW: &str = "1795403600";

/// Run crashscope with `args` and return its stdout, checking the exit status.
fn output(args: &[&str], status: i32) -> String {
    let out = crashscope()
        .env("CRASHSCOPE_NOW", NOW)
        .args(args)
        .output()
        .expect("run crashscope");
    assert_eq!(
        out.status.code(),
        Some(status),
        "crashscope {args:?}: {}",
        stderr(&out)
    );
    stdout(&out)
}

/// Snapshot `text` with the machine-dependent parts replaced.
fn snapshot(name: &str, text: &str, tmp: Option<&Path>) {
    let real = root().canonicalize().unwrap();
    let mut settings = insta::Settings::clone_current();
    let mut filters = vec![
        (regex_lit(&real.to_string_lossy()), "[ROOT]".to_string()),
        (regex_lit(&root().to_string_lossy()), "[ROOT]".to_string()),
        (
            format!(r#""{}""#, regex_lit(env!("CARGO_PKG_VERSION"))),
            r#""[VERSION]""#.to_string(),
        ),
    ];
    if let Some(tmp) = tmp {
        filters.insert(0, (regex_lit(&tmp.to_string_lossy()), "[TMP]".to_string()));
    }
    for (from, to) in &filters {
        settings.add_filter(from, to.as_str());
    }
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

fn regex_lit(s: &str) -> String {
    regex_syntax::escape(s)
}

fn segv() -> String {
    testdata("dumps/linux-crashy-segv.dmp")
        .to_string_lossy()
        .into_owned()
}

fn symbols() -> String {
    testdata("symbols").to_string_lossy().into_owned()
}

/// The Linux fixture database, copied with every file's time set to `T0`.
fn database(tmp: &Path) -> PathBuf {
    let db = tmp.join("db");
    crate::util::copy_dir(&testdata("databases/linux"), &db);
    let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(T0);
    let mut stack = vec![db.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let file = std::fs::File::options().write(true).open(&path).unwrap();
                file.set_modified(t0).unwrap();
            }
        }
    }
    db
}

/// `show` on the crasher's dump with its symbols and `extra` flags.
fn show_segv(extra: &[&str]) -> String {
    let (dump, syms) = (segv(), symbols());
    let mut args = vec!["show", dump.as_str(), "--symbols-path", syms.as_str()];
    args.extend_from_slice(extra);
    output(&args, 0)
}

#[test]
fn show_human() {
    snapshot("show_human", &show_segv(&["--color", "never"]), None);
}

#[test]
fn show_human_all_threads_findings_and_detail() {
    let text = show_segv(&["--color", "never", "--threads", "all", "--all", "--detail"]);
    snapshot("show_human_all", &text, None);
}

#[test]
fn show_json() {
    snapshot("show_json", &show_segv(&["--format", "json"]), None);
}

#[test]
fn show_database_human_and_json() {
    let tmp = tempfile::tempdir().unwrap();
    let db = database(tmp.path());
    let db = db.to_string_lossy();
    let human = output(
        &[
            "show",
            &db,
            "--symbols-path",
            &symbols(),
            "--color",
            "never",
        ],
        0,
    );
    snapshot("show_database_human", &human, Some(tmp.path()));
    let json = output(
        &[
            "show",
            &db,
            "--symbols-path",
            &symbols(),
            "--format",
            "json",
        ],
        0,
    );
    snapshot("show_database_json", &json, Some(tmp.path()));
}

#[test]
fn list_human_and_json() {
    let tmp = tempfile::tempdir().unwrap();
    let db = database(tmp.path());
    let db = db.to_string_lossy();
    let human = output(&["list", &db, "--color", "never"], 0);
    snapshot("list_human", &human, Some(tmp.path()));
    let json = output(&["list", &db, "--format", "json"], 0);
    snapshot("list_json", &json, Some(tmp.path()));
}

#[test]
fn audit_every_format() {
    for format in ["human", "json", "jsonl", "sarif", "github"] {
        // The crasher's dump holds planted identities: audit fails it (exit 1).
        let text = output(
            &[
                "audit",
                &segv(),
                "--no-config",
                "--format",
                format,
                "--color",
                "never",
            ],
            1,
        );
        snapshot(&format!("audit_{format}"), &text, None);
    }
}

#[test]
fn audit_clean_dump_passes() {
    let clean = testdata("clean/no-pii.dmp");
    let text = output(
        &[
            "audit",
            &clean.to_string_lossy(),
            "--no-config",
            "--color",
            "never",
        ],
        0,
    );
    snapshot("audit_clean", &text, None);
}

#[test]
fn scrub_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("scrubbed.dmp");
    let text = output(
        &[
            "scrub",
            &segv(),
            "-o",
            &out.to_string_lossy(),
            "--symbols-path",
            &symbols(),
            "--color",
            "never",
        ],
        0,
    );
    snapshot("scrub_summary", &text, Some(tmp.path()));
}

#[test]
fn every_subcommand_help() {
    for sub in ["list", "audit", "scrub", "rules"] {
        let text = output(&[sub, "--help"], 0);
        snapshot(&format!("{sub}_help"), &text, None);
    }
}

/// Machine output is stable: the same dump gives the same bytes on every run (the
/// resource limits of a Linux dump came from a hash map in a different order each time).
#[test]
fn json_is_the_same_on_every_run() {
    let first = show_segv(&["--format", "json"]);
    assert!(first.contains("\"proc_limits\""));
    for _ in 0..4 {
        assert_eq!(show_segv(&["--format", "json"]), first);
    }
}
