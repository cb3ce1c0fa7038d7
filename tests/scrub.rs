//! `crashscope scrub`: same-length copies that differ only inside findings, re-audit
//! clean, walk identically; drop, annotation allow-lists, stack defacing, pseudonyms;
//! databases; and the safety rules.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use crate::util::{corpus, crashscope, stderr, stdout, testdata};

fn run_in(dir: &Path, args: &[&str]) -> Output {
    crashscope()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run crashscope")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Byte ranges of the findings an audit at `medium` fails on, per file.
fn failing_ranges(dir: &Path, path: &Path) -> Vec<(u64, u64)> {
    let out = run_in(dir, &["audit", s(path), "--no-config", "--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail")
        .map(|f| {
            let o = f["offset"].as_u64().unwrap();
            (o, o + f["length"].as_u64().unwrap())
        })
        .collect()
}

/// Every thread's frames as (instruction, trust, function) from `show --json`.
fn frames(dir: &Path, path: &Path, symbols: &Path) -> Vec<Vec<(String, String, String)>> {
    let out = run_in(
        dir,
        &["show", s(path), "--json", "--symbols-path", s(symbols)],
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["process"]["threads"]
        .as_array()
        .map(|threads| {
            threads
                .iter()
                .map(|t| {
                    t["frames"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|f| {
                            (
                                f["offset"].to_string(),
                                f["trust"].to_string(),
                                f["function"].to_string(),
                            )
                        })
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Scrub `input` into `dir/out.dmp` and check everything a user would: exit 0, same
/// length, bytes differ only inside the original's failing findings, the copy audits
/// clean, and every thread walks to the same frames.
fn check_scrub(dir: &Path, input: &Path, symbols: &Path) {
    let out = dir.join("out.dmp");
    let _ = std::fs::remove_file(&out);
    let run = run_in(
        dir,
        &[
            "scrub",
            s(input),
            "-o",
            s(&out),
            "--no-config",
            "--symbols-path",
            s(symbols),
        ],
    );
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}: {}",
        input.display(),
        stderr(&run)
    );
    assert!(stdout(&run).contains("walk identically") || stdout(&run).contains("not compared"));
    let a = std::fs::read(input).unwrap();
    let b = std::fs::read(&out).unwrap();
    assert_eq!(a.len(), b.len(), "{}: same length", input.display());
    let ranges = failing_ranges(dir, input);
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        if x != y {
            let i = i as u64;
            assert!(
                ranges.iter().any(|&(s, e)| s <= i && i < e),
                "{}: byte {i} changed outside every finding",
                input.display()
            );
        }
    }
    let audit = run_in(dir, &["audit", s(&out), "--no-config"]);
    assert_eq!(
        audit.status.code(),
        Some(0),
        "{}: {}",
        input.display(),
        stdout(&audit)
    );
    assert_eq!(
        frames(dir, input, symbols),
        frames(dir, &out, symbols),
        "{}: frames",
        input.display()
    );
    assert!(
        std::fs::read_dir(dir).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".tmp")),
        "no temporary file left"
    );
}

#[test]
fn fixture_dumps_scrub_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let symbols = testdata("symbols");
    let mut dumps: Vec<PathBuf> = vec![
        testdata("dumps/linux-crashy-segv.dmp"),
        testdata("dumps/linux-crashy-abort.dmp"),
        testdata("clean/no-pii.dmp"),
    ];
    for db in ["linux/pending", "windows/reports"] {
        for e in std::fs::read_dir(testdata("databases").join(db)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "dmp") {
                dumps.push(p);
            }
        }
    }
    for dump in dumps {
        check_scrub(tmp.path(), &dump, &symbols);
    }
}

/// Conformance: every readable corpus dump; the malformed ones are refused (exit 2,
/// nothing written).
#[test]
fn corpus_dumps_scrub_cleanly() {
    let Some(corpus) = corpus() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let symbols = corpus.join("symbols");
    let mut dumps: Vec<PathBuf> = std::fs::read_dir(corpus.join("dumps"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    for folder in ["pending", "completed", "new"] {
        dumps.extend(
            std::fs::read_dir(corpus.join("crashpad-db-2").join(folder))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "dmp")),
        );
    }
    dumps.sort();
    for dump in dumps {
        let name = dump.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("invalid-r") {
            let out = tmp.path().join("refused.dmp");
            let run = run_in(
                tmp.path(),
                &["scrub", s(&dump), "-o", s(&out), "--no-config"],
            );
            assert_eq!(run.status.code(), Some(2), "{name}");
            assert!(stderr(&run).contains("partly readable"), "{}", stderr(&run));
            assert!(!out.exists());
            continue;
        }
        check_scrub(tmp.path(), &dump, &symbols);
    }
}

#[test]
fn drop_and_annotation_allow_list() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dropped.dmp");
    let input = testdata("dumps/linux-crashy-segv.dmp");
    let run = run_in(
        tmp.path(),
        &[
            "scrub",
            s(&input),
            "-o",
            s(&out),
            "--no-config",
            "--drop",
            "environ,cmdline,thread-names",
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(stdout(&run).contains("Dropped"));
    let doc: Value =
        serde_json::from_slice(&run_in(tmp.path(), &["show", s(&out), "--json"]).stdout).unwrap();
    let streams: Vec<&str> = doc["streams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        !streams.contains(&"LinuxEnviron") && !streams.contains(&"LinuxCmdLine"),
        "{streams:?}"
    );
    assert!(doc["fields"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["kind"] != "thread-name" || f["value"] == ""));

    // Only prod and ver survive among the annotations (and guid, the client id).
    let input = testdata("databases/linux/pending/1f201db5-23aa-4ba3-afe6-0313b091295d.dmp");
    let out = tmp.path().join("allowed.dmp");
    let run = run_in(
        tmp.path(),
        &[
            "scrub",
            s(&input),
            "-o",
            s(&out),
            "--no-config",
            "--annotations-allow",
            "prod,ver",
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let doc: Value =
        serde_json::from_slice(&run_in(tmp.path(), &["show", s(&out), "--json"]).stdout).unwrap();
    let fields: Vec<(String, String)> = doc["upload_form"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["value"] != "")
        .map(|f| {
            (
                f["key"].as_str().unwrap().to_string(),
                f["value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let keys: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["guid", "prod", "ver"], "{fields:?}");
}

#[test]
fn defaced_stacks_walk_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let input = testdata("dumps/linux-crashy-abort.dmp");
    let out = tmp.path().join("defaced.dmp");
    let symbols = testdata("symbols");
    let run = run_in(
        tmp.path(),
        &[
            "scrub",
            s(&input),
            "-o",
            s(&out),
            "--no-config",
            "--deface-stacks",
            "--symbols-path",
            s(&symbols),
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(stdout(&run).contains("set to 0x0defaced"));
    let b = std::fs::read(&out).unwrap();
    let pattern = 0x0def_aced_0def_acedu64.to_le_bytes();
    assert!(b.windows(8).filter(|w| *w == pattern).count() > 10);
    assert_eq!(
        frames(tmp.path(), &input, &symbols),
        frames(tmp.path(), &out, &symbols)
    );
}

#[test]
fn pseudonyms_are_keyed_and_consistent() {
    let tmp = tempfile::tempdir().unwrap();
    let input = testdata("dumps/linux-crashy-segv.dmp");
    std::fs::write(tmp.path().join("a.key"), b"0123456789abcdef key a").unwrap();
    std::fs::write(tmp.path().join("b.key"), b"0123456789abcdef key b").unwrap();
    let scrub = |key: &str, out: &str| {
        let run = run_in(
            tmp.path(),
            &[
                "scrub",
                s(&input),
                "-o",
                out,
                "--no-config",
                "--pseudonymize-key",
                key,
            ],
        );
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        std::fs::read(tmp.path().join(out)).unwrap()
    };
    let a1 = scrub("a.key", "a1.dmp");
    let a2 = scrub("a.key", "a2.dmp");
    let b = scrub("b.key", "b.dmp");
    assert_eq!(a1, a2, "the same key gives the same pseudonyms");
    assert_ne!(a1, b, "another key gives others");
    let doc: Value =
        serde_json::from_slice(&run_in(tmp.path(), &["show", "a1.dmp", "--json"]).stdout).unwrap();
    let env: Vec<(String, String)> = doc["linux"]["environ"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_string(),
                e["value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let get = |n: &str| env.iter().find(|(k, _)| k == n).unwrap().1.clone();
    let user = get("USER");
    assert_ne!(user, "alice");
    assert_eq!(user.len(), 5);
    assert_eq!(
        get("HOME"),
        format!("/home/{user}"),
        "one person, one pseudonym"
    );
    assert!(get("EMAIL").contains('@') && !get("EMAIL").contains("alice"));
    // A short key is refused.
    std::fs::write(tmp.path().join("short.key"), b"short").unwrap();
    let run = run_in(
        tmp.path(),
        &[
            "scrub",
            s(&input),
            "-o",
            "x.dmp",
            "--pseudonymize-key",
            "short.key",
        ],
    );
    assert_eq!(run.status.code(), Some(2));
}

/// scrub and audit agree: a pseudonymized copy (dumps and a database) passes `audit` at
/// the threshold scrub verified, given the same key; without it, or with another key, the
/// pseudonyms look like what they replace and fail.
#[test]
fn pseudonymized_copies_pass_audit_with_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a.key"), b"0123456789abcdef key a").unwrap();
    std::fs::write(tmp.path().join("b.key"), b"0123456789abcdef key b").unwrap();
    let inputs = [
        testdata("dumps/linux-crashy-segv.dmp"),
        testdata("dumps/linux-crashy-abort.dmp"),
        testdata("databases/linux"),
    ];
    for (i, input) in inputs.iter().enumerate() {
        let out = format!("copy{i}");
        let run = run_in(
            tmp.path(),
            &[
                "scrub",
                s(input),
                "-o",
                &out,
                "--no-config",
                "--pseudonymize-key",
                "a.key",
            ],
        );
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        let said = stdout(&run);
        assert!(
            said.contains("re-audit finds nothing at or above medium"),
            "{said}"
        );
        assert!(said.contains("--pseudonym-key"), "{said}");
        let audit = |key: Option<&str>| {
            let mut args = vec!["audit", out.as_str(), "--no-config", "--format", "json"];
            if let Some(k) = key {
                args.extend(["--pseudonym-key", k]);
            }
            run_in(tmp.path(), &args)
        };
        let passed = audit(Some("a.key"));
        assert_eq!(passed.status.code(), Some(0), "{}", stdout(&passed));
        let doc: Value = serde_json::from_slice(&passed.stdout).unwrap();
        assert!(doc["summary"]["pseudonyms"].as_u64().unwrap() > 0);
        for other in [None, Some("b.key")] {
            assert_eq!(
                audit(other).status.code(),
                Some(1),
                "{input:?} with {other:?}"
            );
        }
    }
}

#[test]
fn databases_scrub_into_a_new_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let db = testdata("databases/linux");
    let out = tmp.path().join("scrubbed");
    let run = run_in(tmp.path(), &["scrub", s(&db), "-o", s(&out), "--no-config"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    // The abandoned, truncated new/ dump cannot be scrubbed: it is left out, and said so.
    assert!(stdout(&run).contains("Left out"));
    assert!(stderr(&run).contains("not in the copy"));
    assert!(!out
        .join("new/9d8c7b6a-5f4e-4d3c-9b2a-1f0e9d8c7b6a.dmp")
        .exists());
    let audit = run_in(tmp.path(), &["audit", s(&out), "--no-config"]);
    assert_eq!(audit.status.code(), Some(0), "{}", stdout(&audit));
    // Metadata is copied as it is; the attachment and settings are scrubbed in place.
    let meta = "completed/2c92bea1-7053-413f-8824-e4c5e5112ef7.meta";
    assert_eq!(
        std::fs::read(db.join(meta)).unwrap(),
        std::fs::read(out.join(meta)).unwrap()
    );
    let log = "attachments/1f201db5-23aa-4ba3-afe6-0313b091295d/app.log";
    let (a, b) = (
        std::fs::read_to_string(db.join(log)).unwrap(),
        std::fs::read_to_string(out.join(log)).unwrap(),
    );
    assert_eq!(a.len(), b.len());
    assert!(!b.contains("alice") && !b.contains("4111 1111") && b.contains("starting CrashyApp"));
    let settings = std::fs::read(out.join("settings.dat")).unwrap();
    assert_eq!(&settings[24..40], &[0u8; 16], "the install id is masked");
    // Refusals: the output exists; the output inside the database.
    let run = run_in(tmp.path(), &["scrub", s(&db), "-o", s(&out), "--no-config"]);
    assert_eq!(run.status.code(), Some(2));
    let copy = tmp.path().join("db");
    crate::util::copy_dir(&db, &copy);
    let run = run_in(
        tmp.path(),
        &["scrub", "db", "-o", "db/inside", "--no-config"],
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("inside the database"));
    assert!(!copy.join("inside").exists());
}

#[test]
fn never_over_its_input_and_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in.dmp");
    std::fs::copy(testdata("dumps/linux-crashy-segv.dmp"), &input).unwrap();
    std::fs::set_permissions(&input, std::fs::Permissions::from_mode(0o600)).unwrap();
    let before = std::fs::read(&input).unwrap();
    for out in ["in.dmp", "./in.dmp", s(&input)] {
        let run = run_in(tmp.path(), &["scrub", "in.dmp", "-o", out, "--no-config"]);
        assert_eq!(run.status.code(), Some(2), "{out}");
        assert!(stderr(&run).contains("refusing to write over an input"));
    }
    assert_eq!(std::fs::read(&input).unwrap(), before);
    let run = run_in(
        tmp.path(),
        &["scrub", "in.dmp", "-o", "out.dmp", "--no-config"],
    );
    assert_eq!(run.status.code(), Some(0));
    let mode = std::fs::metadata(tmp.path().join("out.dmp"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(
        std::fs::read(&input).unwrap(),
        before,
        "the input is never changed"
    );
}

/// A read-only input (a fixture checked out read-only, a dump owned by a crash handler)
/// gives a read-only copy: the copy is edited before it gets the input's permissions.
/// As root (whom permissions do not stop) the run drops to `nobody` when `setpriv` is
/// there, so the check means what it says.
#[test]
fn a_read_only_input_gives_a_read_only_copy() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let input = tmp.path().join("in.dmp");
    std::fs::copy(testdata("dumps/linux-crashy-segv.dmp"), &input).unwrap();
    std::fs::set_permissions(&input, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = tmp.path().join("out.dmp");
    let Some(mut cmd) = crate::util::unprivileged() else {
        return;
    };
    let run = cmd
        .args(["-q", "scrub", s(&input), "-o", s(&out), "--no-config"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let mode = std::fs::metadata(&out).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o444);
    assert_eq!(
        std::fs::metadata(&out).unwrap().len(),
        std::fs::metadata(&input).unwrap().len()
    );
}

/// A scrub that cannot finish its scan and walk within the time budget writes nothing:
/// what it had no time to look at, it cannot have scrubbed.
#[test]
fn out_of_time_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out.dmp");
    let run = crate::util::run([
        "--time-budget",
        "0.000001",
        "scrub",
        testdata("dumps/linux-crashy-segv.dmp").to_str().unwrap(),
        "-o",
        s(&out),
        "--no-config",
    ]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("the time budget of 0.000001 s ran out"),
        "{}",
        stderr(&run)
    );
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "no file left"
    );
}

/// A private key is one finding from its BEGIN line to its END line, so the scrubbed
/// copy of the fixture holds no byte of the key's body (the BEGIN line used to be the
/// whole finding, and the base64 body survived the scrub and its re-audit).
#[test]
fn a_private_key_is_scrubbed_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("scrubbed.dmp");
    let input = testdata("dumps/linux-crashy-segv.dmp");
    let body = b"MIIEowIBAAKCAQEAfakefakefakefakefakefakefakefake";
    let original = std::fs::read(&input).unwrap();
    assert!(original.windows(body.len()).any(|w| w == body));
    let run = crate::util::run([
        "scrub".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", crate::util::stderr(&run));
    let copy = std::fs::read(&out).unwrap();
    assert!(
        !copy.windows(body.len()).any(|w| w == body),
        "the key body survived"
    );
    assert!(!copy.windows(17).any(|w| w == b"END RSA PRIVATE K"));
}
