//! The consent view as a person meets it: the verdict on the first screen, a redacted
//! view that gives no value back, and output that fits an 80-column terminal.

use std::path::{Path, PathBuf};

use crate::util::{corpus, run, stdout, testdata};

/// Every dump and store the view is tried on: the repository's and the corpus's.
fn subjects() -> Vec<PathBuf> {
    let mut all = vec![
        testdata("dumps/linux-crashy-segv.dmp"),
        testdata("dumps/linux-crashy-abort.dmp"),
        testdata("databases/linux"),
    ];
    if let Some(corpus) = corpus() {
        for name in [
            "linux-mini.dmp",
            "mac-electron-browser.dmp",
            "pipeline-inlines-macos-segv.dmp",
            "simple-crashpad.dmp",
            "test.dmp",
        ] {
            all.push(corpus.join("dumps").join(name));
        }
        all.push(corpus.join("crashpad-db-2"));
    }
    all
}

fn show(path: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "show".as_ref(),
        path.as_os_str(),
        "--color".as_ref(),
        "never".as_ref(),
    ];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    stdout(&run(args))
}

/// Every medium-or-above value an unredacted JSON run reports.
fn values(path: &Path) -> Vec<String> {
    let text = show(path, &["--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut out = Vec::new();
    collect(&doc, &mut out);
    out.sort();
    out.dedup();
    out
}

fn collect(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            let finding = map.contains_key("rule") && map.contains_key("severity");
            if finding
                && map["severity"] != "low"
                && map.get("category").and_then(|c| c.as_str()) != Some("unreadable")
            {
                if let Some(value) = map.get("value").and_then(|v| v.as_str()) {
                    out.push(value.to_string());
                }
            }
            map.values().for_each(|v| collect(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        _ => {}
    }
}

/// The verdict is on the first screen, says how many secrets, and names the user.
#[test]
fn the_verdict_is_on_the_first_screen() {
    for path in subjects() {
        let text = show(&path, &[]);
        let first: Vec<&str> = text.lines().take(25).collect();
        let first = first.join("\n");
        assert!(
            first.contains("the developers receive") && first.contains("\nAdvice "),
            "{}: no verdict in the first 25 lines:\n{first}",
            path.display()
        );
        let doc: serde_json::Value =
            serde_json::from_str(&show(&path, &["--format", "json"])).unwrap();
        let identity = doc.get("identity").cloned().unwrap_or_default();
        // The strongest identity of each kind JSON lists for the user is named.
        let mut kinds = std::collections::BTreeSet::new();
        for you in identity["you"].as_array().into_iter().flatten() {
            let kind = you["kind"].as_str().unwrap();
            if kinds.len() < 4 && kinds.insert(kind.to_string()) {
                let value = you["value"].as_str().unwrap();
                assert!(
                    first.contains(value),
                    "{}: the {kind} {value} is not in the verdict:\n{first}",
                    path.display()
                );
            }
        }
        for name in identity["user_names"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap();
            assert!(
                first.contains(name),
                "{}: the user name {name} is not in the verdict:\n{first}",
                path.display()
            );
        }
    }
    let segv = show(&testdata("dumps/linux-crashy-segv.dmp"), &[]);
    let verdict: String = segv.lines().take(25).collect::<Vec<_>>().join("\n");
    for want in [
        "user name alice",
        "e-mail alice@example.com",
        "Secrets        7 — revoke",
        "the command line · 15 environment variables",
        "do not send as is",
    ] {
        assert!(verdict.contains(want), "missing {want:?}:\n{verdict}");
    }
}

/// `--redact`, human and JSON, prints none of the values the plain run reports, in any
/// case, wherever they stood (excerpts, headers, tables, JSON strings).
#[test]
fn redacted_views_give_no_value_back() {
    for path in subjects() {
        let values: Vec<String> = values(&path)
            .into_iter()
            .filter(|v| v.trim().chars().count() >= 3)
            .collect();
        for format in ["human", "json"] {
            let text = show(&path, &["--redact", "--format", format]);
            if format == "json" {
                serde_json::from_str::<serde_json::Value>(&text)
                    .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
            }
            let lower = text.to_lowercase();
            for value in &values {
                assert!(
                    !lower.contains(&value.trim().to_lowercase()),
                    "{} --redact --format {format} shows {value:?}",
                    path.display()
                );
            }
        }
    }
}

/// The on-terminal tool runs a command in an 80×24 pseudo-terminal, as a person sees
/// it, and exits 3 when a line is wider than the terminal.
fn on_terminal() -> Option<PathBuf> {
    let tool = crate::util::root().join("../shared/tools/on-terminal");
    let python = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok();
    if tool.is_file() && python {
        Some(tool)
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the terminal tests: ../shared/tools/on-terminal or python3 is missing"
        );
        eprintln!("skipping: ../shared/tools/on-terminal or python3 not found");
        None
    }
}

#[test]
fn every_line_fits_an_80_column_terminal() {
    let Some(tool) = on_terminal() else {
        return;
    };
    for path in subjects() {
        for extra in [&[][..], &["--all", "--threads", "all"][..]] {
            let out = std::process::Command::new("python3")
                .arg(&tool)
                .args(["--cols", "80", "--rows", "24", "--"])
                .arg(env!("CARGO_BIN_EXE_crashscope"))
                .arg("show")
                .arg(&path)
                .args(extra)
                .env_remove("NO_COLOR")
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{} {extra:?} on an 80-column terminal: {}{}",
                path.display(),
                String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .filter(|l| l.chars().count() > 80)
                    .take(3)
                    .collect::<Vec<_>>()
                    .join("\n"),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// On a terminal a long view goes through `$PAGER`; `--no-pager` and a pipe do not.
#[test]
fn a_long_view_goes_through_the_pager_on_a_terminal_only() {
    let Some(tool) = on_terminal() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let marker = tmp.path().join("paged");
    let dump = testdata("dumps/linux-crashy-segv.dmp");
    // A pager that notes it ran, then shows the text as it came.
    let script = tmp.path().join("pager.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\ntouch {}\ncat\n", marker.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let paged = |extra: &[&str]| {
        let _ = std::fs::remove_file(&marker);
        let out = std::process::Command::new("python3")
            .arg(&tool)
            .args(["--pager", "--cols", "80", "--rows", "24", "--"])
            .arg(env!("CARGO_BIN_EXE_crashscope"))
            .arg("show")
            .arg(&dump)
            .args(extra)
            .env("PAGER", &script)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("the developers receive"));
        marker.exists()
    };
    assert!(paged(&[]), "a view taller than 24 lines is paged");
    assert!(!paged(&["--no-pager"]), "--no-pager writes it directly");
    let _ = std::fs::remove_file(&marker);
    let piped = crate::util::crashscope()
        .args(["show".as_ref(), dump.as_os_str()])
        .env("PAGER", &script)
        .output()
        .unwrap();
    assert!(piped.status.success());
    assert!(!marker.exists(), "piped output is never paged");
}
