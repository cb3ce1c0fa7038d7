//! `crashscope audit`: exit statuses, every format, every allow-entry kind, unused
//! entries, baselines, redaction, and SARIF checked by Microsoft's SARIF Multitool.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use crate::util::{crashscope, root, stderr, stdout, testdata};

/// Values planted in the crasher's dumps (testdata/README.md) that must never appear in
/// an audit report unless `--show-values` is given.
const SECRETS: [&str; 6] = [
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake0123",
    "hunter2",
    "alice@example.com",
    "4111 1111 1111 1111",
    "123-45-6789",
];

/// Run `audit` in `dir` (so no crashscope.toml of the repository is picked up).
fn audit_in(dir: &Path, args: &[&str]) -> Output {
    crashscope()
        .current_dir(dir)
        .arg("audit")
        .args(args)
        .output()
        .expect("run crashscope")
}

/// Run `audit` in a fresh empty folder.
fn audit(args: &[&str]) -> Output {
    let tmp = tempfile::tempdir().unwrap();
    audit_in(tmp.path(), args)
}

fn path(rel: &str) -> String {
    testdata(rel).display().to_string()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

fn statuses(doc: &Value) -> Vec<(String, String)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn exit_statuses() {
    let dirty = path("dumps/linux-crashy-segv.dmp");
    let clean = path("clean/no-pii.dmp");
    let out = audit(&[&dirty]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("FAILED"));
    let out = audit(&[&clean]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).ends_with("passed\n"));
    let out = audit(&[&dirty, "--exit-zero"]);
    assert_eq!(out.status.code(), Some(0));
    // Only high findings fail with --fail-on high; the clean dump has none.
    let out = audit(&[&clean, "--fail-on", "low"]);
    assert_eq!(out.status.code(), Some(0));
    // Input errors: missing, not a dump, truncated. --exit-zero does not hide them.
    let tmp = tempfile::tempdir().unwrap();
    let text = tmp.path().join("notes.txt");
    std::fs::write(&text, "not a dump").unwrap();
    let truncated = tmp.path().join("cut.dmp");
    let bytes = std::fs::read(testdata("dumps/linux-crashy-segv.dmp")).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    // A dump cut in half still opens: what is missing fails closed as findings (exit 1).
    let out = audit(&[truncated.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(statuses(&json(&out)).contains(&("unreadable-data".into(), "fail".into())));
    for bad in [tmp.path().join("missing.dmp"), text.clone()] {
        let out = audit(&[bad.to_str().unwrap(), &clean, "--exit-zero"]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}: {}",
            bad.display(),
            stdout(&out)
        );
        assert!(stderr(&out).contains(bad.file_name().unwrap().to_str().unwrap()));
    }
    // A usage error.
    let out = audit(&[&clean, "--fail-on", "severe"]);
    assert_eq!(out.status.code(), Some(2));
}

/// The repository's dirty fixtures fail, and every planted kind of data is listed.
#[test]
fn dirty_fixtures_list_every_planted_item() {
    let out = audit(&[&path("dumps"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let failing: std::collections::BTreeSet<String> = statuses(&doc)
        .into_iter()
        .filter(|(_, s)| s == "fail")
        .map(|(r, _)| r)
        .collect();
    for rule in [
        "aws-access-key-id",
        "aws-secret-access-key",
        "github-token",
        "url-credentials",
        "jwt",
        "secret-assignment",
        "private-key",
        "payment-card",
        "iban",
        "us-ssn",
        "email",
        "ipv4",
        "mac-address",
        "url-query",
        "user-path",
        "user-name",
        "env-user-name",
        "env-host-name",
        "command-line",
    ] {
        assert!(failing.contains(rule), "{rule} not listed: {failing:?}");
    }
    assert_eq!(doc["summary"]["files"], 2);
    assert_eq!(doc["summary"]["passed"], false);
    // Every place where the fake user name is: module path, environment, thread name,
    // memory; the UTF-16 Windows path in the heap.
    let logical: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "user-name" || f["rule"] == "user-path")
        .map(|f| f["logical_location"].as_str().unwrap())
        .collect();
    for place in [
        "modules[0].code_file",
        "environ.HOME",
        "threads[",
        "memory[heap]",
        "memory[stack:",
    ] {
        assert!(
            logical.iter().any(|l| l.starts_with(place)),
            "{place}: {logical:?}"
        );
    }
    assert!(doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["encoding"] == "utf16le"));
}

/// No format prints a planted secret unless --show-values; with it, they appear.
#[test]
fn values_are_redacted_in_every_format() {
    let dirty = path("dumps/linux-crashy-segv.dmp");
    for format in ["human", "json", "jsonl", "sarif", "github"] {
        let out = audit(&[&dirty, "--format", format, "--color", "never"]);
        assert_eq!(out.status.code(), Some(1), "{format}");
        let text = stdout(&out);
        for secret in SECRETS {
            assert!(!text.contains(secret), "{format} printed {secret}");
        }
        let shown = stdout(&audit(&[&dirty, "--format", format, "--show-values"]));
        assert!(
            shown.contains(SECRETS[0]) || shown.contains(&SECRETS[0].replace('/', "\\/")),
            "{format} --show-values"
        );
    }
}

#[test]
fn formats_are_well_formed() {
    let dirty = path("dumps/linux-crashy-segv.dmp");
    // JSON Lines: every line an object, findings then one summary.
    let out = audit(&[&dirty, "--format", "jsonl"]);
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    assert!(lines.len() > 10);
    assert!(lines[..lines.len() - 1]
        .iter()
        .all(|l| l["type"] == "finding"));
    assert_eq!(lines.last().unwrap()["type"], "summary");
    // GitHub: workflow commands only, high findings as errors, a summary notice.
    let out = audit(&[&dirty, "--format", "github"]);
    let text = stdout(&out);
    assert!(
        text.lines().all(|l| l.starts_with("::error ")
            || l.starts_with("::warning ")
            || l.starts_with("::notice ")),
        "{text}"
    );
    assert!(text.contains("::error file=") && text.contains("title=crashscope github-token::"));
    // Human: grouped by file, a summary line.
    let out = audit(&[&dirty, "--color", "never"]);
    let text = stdout(&out);
    assert!(text.starts_with(&format!("{dirty}\n")));
    assert!(text.contains("  !! high   aws-secret-access-key"), "{text}");
    assert!(text.contains("with failing findings") && text.contains("(threshold: medium)"));
    // --output writes the file and nothing to stdout.
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("out/report.json");
    let out = audit(&[
        &dirty,
        "--format",
        "json",
        "--output",
        report.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let doc: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(doc["schema"], 2);
}

/// SARIF 2.1.0 that Microsoft's SARIF Multitool accepts with no error-level result, with
/// fingerprints, byte regions and logical locations.
#[test]
fn sarif_passes_the_multitool() {
    let tmp = tempfile::tempdir().unwrap();
    let sarif = tmp.path().join("audit.sarif");
    let out = audit(&[
        &path("dumps"),
        &path("databases/windows"),
        &path("clean"),
        "--format",
        "sarif",
        "--output",
        sarif.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let index = r["ruleIndex"]
            .as_u64()
            .expect("every rule is in the catalog") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert!(r["partialFingerprints"]["crashscopeFinding/v2"].is_string());
        let loc = &r["locations"][0];
        assert!(
            loc["physicalLocation"]["region"]["byteLength"]
                .as_u64()
                .unwrap()
                > 0
        );
        assert!(loc["logicalLocations"][0]["fullyQualifiedName"].is_string());
    }
    validate_sarif(&sarif);
}

/// Microsoft's SARIF Multitool accepts `sarif` (CI must have it; elsewhere it may be
/// skipped).
fn validate_sarif(sarif: &std::path::Path) {
    let validator = root().join("../shared/tools/validate-sarif");
    if !validator.exists()
        || std::process::Command::new("npm")
            .arg("--version")
            .output()
            .is_err()
    {
        assert!(std::env::var_os("CI").is_none(), "CI must validate SARIF");
        eprintln!("skipping the SARIF Multitool: no ../shared/tools or npm");
        return;
    }
    let check = std::process::Command::new(&validator)
        .arg(sarif)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
}

/// Allow entries by fingerprint, by rule + value regex and by path glob; an entry that
/// matches nothing is a warning; an entry without a reason is an error.
#[test]
fn allow_entries_accept_findings_with_reasons() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("dumps")).unwrap();
    for name in ["linux-crashy-segv.dmp", "linux-crashy-abort.dmp"] {
        std::fs::copy(testdata("dumps").join(name), dir.join("dumps").join(name)).unwrap();
    }
    // The fingerprint of the AWS secret's finding, from a first run.
    let first = json(&audit_in(
        dir,
        &["dumps/linux-crashy-segv.dmp", "--format", "json"],
    ));
    let fp = first["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "aws-secret-access-key")
        .unwrap()["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(
        dir.join("crashscope.toml"),
        format!(
            r#"
fail-on = "medium"
[[allow]]
fingerprint = "{fp}"
reason = "AWS's documented example key"
[[allow]]
rule = "email"
value = '@example\.com$'
reason = "RFC 2606 domain"
[[allow]]
path = "dumps/*abort*"
reason = "the abort dump is scrubbed elsewhere"
[[allow]]
path = "nothing/here/**"
reason = "stale entry"
"#
        ),
    )
    .unwrap();
    // Found in a parent directory too.
    std::fs::create_dir(dir.join("sub")).unwrap();
    let out = audit_in(&dir.join("sub"), &["../dumps", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let findings = doc["findings"].as_array().unwrap();
    let allowed = |pred: &dyn Fn(&Value) -> bool| {
        findings
            .iter()
            .filter(|f| pred(f))
            .all(|f| f["status"] == "allowed")
    };
    assert!(allowed(&|f| f["fingerprint"] == fp.as_str()));
    assert!(allowed(&|f| f["rule"] == "email"));
    assert!(allowed(&|f| f["file"].as_str().unwrap().contains("abort")));
    let segv_fail = findings
        .iter()
        .any(|f| f["file"].as_str().unwrap().contains("segv") && f["status"] == "fail");
    assert!(segv_fail, "the rest still fails");
    let reason =
        findings.iter().find(|f| f["rule"] == "email").unwrap()["allowed_by"]["reason"].clone();
    assert_eq!(reason, "RFC 2606 domain");
    assert_eq!(doc["summary"]["unused_allow_entries"][0]["entry"], 4);
    assert!(
        stderr(&out).contains("allow entry 4 (path nothing/here/**) matched nothing"),
        "{}",
        stderr(&out)
    );

    // An entry without a reason is refused; with one, a path glob accepts everything.
    std::fs::write(
        dir.join("crashscope.toml"),
        "[[allow]]\npath = \"dumps/**\"\n",
    )
    .unwrap();
    let out = audit_in(dir, &["dumps"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an entry without a reason is an error"
    );
    assert!(
        stderr(&out).contains("allow entry 1 has no reason"),
        "{}",
        stderr(&out)
    );
    std::fs::write(
        dir.join("crashscope.toml"),
        "[[allow]]\npath = \"dumps/**\"\nreason = \"fixtures with planted data\"\n",
    )
    .unwrap();
    let out = audit_in(dir, &["dumps"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // --no-config ignores it; --config names another file.
    let out = audit_in(dir, &["dumps", "--no-config"]);
    assert_eq!(out.status.code(), Some(1));
    std::fs::write(dir.join("strict.toml"), "fail-on = \"high\"\n").unwrap();
    let out = audit_in(
        dir,
        &["dumps", "--config", "strict.toml", "--format", "json"],
    );
    assert_eq!(json(&out)["summary"]["threshold"], "high");
}

/// A baseline accepts the findings it lists; a new value still fails.
#[test]
fn baseline_fails_only_new_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("baseline.json");
    let dirty = path("dumps/linux-crashy-segv.dmp");
    let out = audit(&[&dirty, "--format", "json", "-o", base.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let baseline = std::fs::read_to_string(&base).unwrap();
    for secret in SECRETS {
        assert!(
            !baseline.contains(secret),
            "the baseline holds no raw value"
        );
    }
    let out = audit(&[
        &dirty,
        "--baseline",
        base.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc = json(&out);
    assert!(statuses(&doc)
        .iter()
        .all(|(_, s)| s == "baselined" || s == "below-threshold"));
    // A new dump with a new e-mail fails on that one finding only.
    let fresh = tmp.path().join("new.dmp");
    std::fs::write(&fresh, dump_with_new_email()).unwrap();
    let out = audit(&[
        &dirty,
        fresh.to_str().unwrap(),
        "--baseline",
        base.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let failing: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail")
        .collect();
    assert_eq!(failing.len(), 1, "{failing:?}");
    assert_eq!(failing[0]["rule"], "email");
    assert_eq!(failing[0]["preview"], "new…(22 chars)");
    // A baseline that is not an audit report is an input error.
    let out = audit(&[&dirty, "--baseline", &dirty]);
    assert_eq!(out.status.code(), Some(2));
}

fn dump_with_new_email() -> Vec<u8> {
    use minidump_synth::{CrashpadInfo, SynthMinidump};
    use test_assembler::Endian;
    SynthMinidump::with_endian(Endian::Little)
        .add_crashpad_info(
            CrashpadInfo::new(Endian::Little)
                .add_simple_annotation("contact", "new.person@example.org"),
        )
        .finish()
        .unwrap()
}

/// Folders are searched recursively for dumps and Crashpad databases; a database's
/// dumps, attachments and settings are audited; the truncated new/ dump (a report still
/// being written) is an `unfinished-report` finding, low, not an error of the run.
#[test]
fn folders_and_databases_are_searched() {
    let out = audit(&[&path("databases/linux"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "findings, no error");
    let doc = json(&out);
    let files: Vec<(&str, &str)> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["kind"].as_str().unwrap()))
        .collect();
    assert!(files
        .iter()
        .any(|(p, k)| p.ends_with("settings.dat") && *k == "crashpad-settings"));
    assert!(files
        .iter()
        .any(|(p, k)| p.ends_with("app.log") && *k == "attachment"));
    let unfinished: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"].as_str().unwrap().contains("/new/"))
        .collect();
    assert_eq!(unfinished.len(), 1, "{unfinished:?}");
    assert_eq!(unfinished[0]["rule"], "unfinished-report");
    assert_eq!(unfinished[0]["severity"], "low");
    assert!(unfinished[0]["preview"]
        .as_str()
        .unwrap()
        .contains("truncated"));
    // The README's GitHub Actions step passes on the repository's own testdata.
    let step = crashscope()
        .current_dir(root())
        .args(["audit", "testdata", "--format", "github", "--exit-zero"])
        .output()
        .unwrap();
    assert_eq!(step.status.code(), Some(0), "{}", stderr(&step));
    // With --fail-on low the unfinished report fails the audit.
    let low = audit(&[&path("databases/linux/new"), "--fail-on", "low"]);
    assert_eq!(low.status.code(), Some(1), "{}", stderr(&low));
    let rules: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"].as_str().unwrap().ends_with("app.log"))
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"payment-card") && rules.contains(&"url-credentials"));

    // A folder holding dumps in subfolders and a database.
    let tmp = tempfile::tempdir().unwrap();
    let nested = tmp.path().join("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::copy(testdata("clean/no-pii.dmp"), nested.join("x.dmp")).unwrap();
    std::fs::write(tmp.path().join("a/readme.txt"), "ignored").unwrap();
    crate::util::copy_dir(&testdata("databases/windows"), &tmp.path().join("db"));
    let out = audit(&[tmp.path().to_str().unwrap(), "--format", "json"]);
    let doc = json(&out);
    let paths: Vec<PathBuf> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| PathBuf::from(f["path"].as_str().unwrap()))
        .collect();
    assert!(paths.contains(&nested.join("x.dmp")));
    assert!(paths
        .iter()
        .any(|p| p.starts_with(tmp.path().join("db/reports"))));
    assert!(!paths.iter().any(|p| p.ends_with("readme.txt")));
}

/// The real corpus: the two malformed dumps fail closed (`unreadable-data`), the
/// build-paths-only dump passes, the others fail on the people they name.
#[test]
fn corpus_dumps_are_judged() {
    let Some(corpus) = crate::util::corpus() else {
        return;
    };
    let out = audit(&[corpus.join("dumps").to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    for f in doc["files"].as_array().unwrap() {
        let name = Path::new(f["path"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        let failing = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["file"] == f["path"] && x["status"] == "fail")
            .count();
        match name {
            "invalid-range.dmp" | "invalid-record-count.dmp" => {
                let unreadable = doc["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|x| x["file"] == f["path"] && x["rule"] == "unreadable-data")
                    .count();
                assert!(
                    unreadable > 0 && failing >= unreadable,
                    "{name} fails closed"
                );
            }
            "invalid-parameter.dmp" => assert_eq!(failing, 0, "build paths only"),
            _ => {
                assert!(f["error"].is_null(), "{name}: {}", f["error"]);
                assert!(failing > 0, "{name}");
            }
        }
    }
}

/// A valid header with a memory list pointing outside the file must never audit as
/// clean: it fails (exit 1) with an `unreadable-data` finding.
#[test]
fn memory_outside_the_file_fails_closed() {
    use minidump_synth::{Memory, SynthMinidump};
    use test_assembler::{Endian, Section};
    let stack = Memory::with_section(
        Section::with_endian(Endian::Little).append_repeated(0, 64),
        0x7000,
    );
    let mut bytes = SynthMinidump::with_endian(Endian::Little)
        .add_memory(stack)
        .finish()
        .unwrap();
    // Find the MemoryListStream (type 5) and point its only range far past the end.
    let u32_at = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
    let (count, dir) = (u32_at(&bytes, 8) as usize, u32_at(&bytes, 12) as usize);
    let entry = (0..count)
        .map(|i| dir + 12 * i)
        .find(|&e| u32_at(&bytes, e) == 5)
        .unwrap();
    let list = u32_at(&bytes, entry + 8) as usize;
    bytes[list + 4 + 12..list + 4 + 16].copy_from_slice(&0xffff_0000u32.to_le_bytes());
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("outside.dmp");
    std::fs::write(&path, &bytes).unwrap();
    let out = audit(&[path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let doc = json(&out);
    let st = statuses(&doc);
    assert!(
        st.contains(&("unreadable-data".into(), "fail".into())),
        "{doc}"
    );
    assert!(st
        .iter()
        .filter(|(_, s)| s == "fail")
        .all(|(r, _)| r == "unreadable-data"));
}

/// A dump whose scan does not finish within the time budget is not passed: the memory
/// left unscanned is an `unreadable-data` finding that says so.
#[test]
fn memory_not_scanned_in_time_fails_closed() {
    let dump = path("dumps/linux-crashy-segv.dmp");
    let unreadable = |doc: &Value| -> Vec<String> {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "unreadable-data")
            .map(|f| f["value"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let normal = audit(&[&dump, "--format", "json", "--show-values"]);
    assert!(unreadable(&json(&normal)).is_empty());
    let out = audit(&[
        "--time-budget",
        "0.000001",
        &dump,
        "--format",
        "json",
        "--show-values",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let said = unreadable(&json(&out));
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].starts_with("the time budget of 0.000001 s ran out during the privacy scan"),
        "{said:?}"
    );
    assert!(statuses(&json(&out)).contains(&("unreadable-data".into(), "fail".into())));
}

/// A dump whose heap holds many records of other people (30,000 fabricated customer
/// e-mails): SARIF aggregates each rule's findings in a file into one result with the
/// count and the first locations, stays far under code scanning's 25,000 results, says
/// in its properties as many findings as JSON lists, and passes the Multitool.
#[test]
fn sarif_aggregates_dense_findings() {
    use minidump_synth::{Memory, SynthMinidump};
    use test_assembler::{Endian, Section};
    let mut heap = Vec::new();
    for i in 0..30_000 {
        heap.extend(format!("{{\"id\":{i},\"mail\":\"customer{i}@example.com\"}}\0").as_bytes());
    }
    let e = Endian::Little;
    let memory = Memory::with_section(Section::with_endian(e).append_bytes(&heap), 0x5000_0000);
    let bytes = SynthMinidump::with_endian(e)
        .add_memory(memory)
        .finish()
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dump = tmp.path().join("dense.dmp");
    std::fs::write(&dump, bytes).unwrap();
    let sarif = tmp.path().join("dense.sarif");
    let out = audit(&[
        dump.to_str().unwrap(),
        "--format",
        "sarif",
        "--output",
        sarif.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    let run = &doc["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert!(
        results.len() <= 25_000 && results.len() < 100,
        "{} results",
        results.len()
    );
    let email = results
        .iter()
        .find(|r| r["ruleId"] == "email")
        .expect("one aggregated e-mail result");
    assert_eq!(email["properties"]["count"], 30_000);
    assert_eq!(email["locations"].as_array().unwrap().len(), 10);
    let json = json(&audit(&[dump.to_str().unwrap(), "--format", "json"]));
    let listed = json["findings"].as_array().unwrap().len();
    assert!(listed >= 30_000);
    assert_eq!(run["properties"]["findings"], listed as u64);
    validate_sarif(&sarif);
}

/// `-o -` is standard output, not a file named `-`.
#[test]
fn output_dash_is_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    let dump = testdata("dumps/linux-crashy-segv.dmp");
    let out = crashscope()
        .current_dir(tmp.path())
        .args(["audit", "--no-config", "--format", "json", "-o", "-"])
        .arg(&dump)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc["files"].as_array().is_some_and(|f| !f.is_empty()),
        "{doc}"
    );
    assert!(!tmp.path().join("-").exists(), "no file named -");
}

/// A report written with `--output` gets the mode any new file gets under the umask
/// (as `scrub`'s copies do), not a temporary file's 0600.
#[cfg(unix)]
#[test]
fn output_files_honour_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dump = testdata("dumps/linux-crashy-segv.dmp");
    for (umask, mode) in [("022", 0o644), ("077", 0o600), ("002", 0o664)] {
        let report = tmp.path().join(format!("report-{umask}.json"));
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask {umask}; exec \"$0\" audit --no-config --format json -o \"$1\" \"$2\""
            ))
            .arg(env!("CARGO_BIN_EXE_crashscope"))
            .arg(&report)
            .arg(&dump)
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(1));
        let got = std::fs::metadata(&report).unwrap().permissions().mode() & 0o777;
        assert_eq!(got, mode, "umask {umask}: mode {got:o}");
    }
}

/// A dump made with minidump-synth whose only memory is `heap`.
fn heap_dump(heap: &[u8]) -> Vec<u8> {
    let e = test_assembler::Endian::Little;
    let memory = minidump_synth::Memory::with_section(
        test_assembler::Section::with_endian(e).append_bytes(heap),
        0x5000_0000,
    );
    minidump_synth::SynthMinidump::with_endian(e)
        .add_memory(memory)
        .finish()
        .unwrap()
}

/// A reader that stops early (`audit … | head -1`) does not turn a failed audit into a
/// pass: the exit status is still 1.
#[test]
fn a_closed_pipe_keeps_the_audits_exit_status() {
    use std::io::Read;
    let tmp = tempfile::tempdir().unwrap();
    // Enough findings that the report outgrows the pipe's buffer.
    let mut heap = Vec::new();
    for i in 0..20_000 {
        heap.extend(format!("{{\"mail\":\"customer{i}@example.com\"}}\0").as_bytes());
    }
    let bytes = heap_dump(&heap);
    let dump = tmp.path().join("many.dmp");
    std::fs::write(&dump, bytes).unwrap();
    let mut child = crashscope()
        .args(["audit", "--no-config", "--format", "jsonl", "--show-values"])
        .arg(&dump)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
}

/// `--format github` stays within what GitHub shows (10 annotations of each kind per
/// step): findings are grouped per rule and file, secrets come first, the rest are
/// counted in the closing notice, and `$GITHUB_STEP_SUMMARY` gets every group.
#[test]
fn github_annotations_fit_githubs_limits_with_secrets_first() {
    let tmp = tempfile::tempdir().unwrap();
    let mut heap = Vec::new();
    for i in 0..3_000 {
        heap.extend(
            format!("{{\"mail\":\"customer{i}@example.com\",\"card\":\"4111 1111 1111 1111\"}}\0")
                .as_bytes(),
        );
    }
    heap.extend(b"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\0");
    let bytes = heap_dump(&heap);
    let dir = tmp.path().join("dumps");
    std::fs::create_dir(&dir).unwrap();
    for i in 0..12 {
        // One file name that Markdown would read as an image from someone's server.
        let name = if i == 0 {
            "dense-00-![a](https___example.com_x).dmp".to_string()
        } else {
            format!("dense-{i:02}.dmp")
        };
        std::fs::write(dir.join(name), &bytes).unwrap();
    }
    let summary = tmp.path().join("summary.md");
    let out = crashscope()
        .current_dir(tmp.path())
        .args(["audit", "--no-config", "--format", "github", "dumps"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let count = |kind: &str| text.lines().filter(|l| l.starts_with(kind)).count();
    assert_eq!(count("::error "), 10, "{text}");
    assert_eq!(count("::warning "), 10, "{text}");
    assert!(count("::notice ") <= 10, "{text}");
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("::error "), "{first}");
    assert!(
        text.lines()
            .take(10)
            .any(|l| l.contains("crashscope aws-access-key-id")),
        "the key is among the errors shown: {text}"
    );
    let last = text.lines().last().unwrap();
    assert!(last.contains("not shown as annotations"), "{last}");
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.starts_with("## crashscope audit"), "{md}");
    assert!(!md.contains("![a]("), "a file name stays text: {md}");
    assert!(md.contains("\\!\\[a\\]\\("), "{md}");
    // 12 files × (card, key, e-mail) groups, each a row.
    assert_eq!(
        md.lines().filter(|l| l.starts_with("| error ")).count(),
        24,
        "{md}"
    );
}

/// `--output` to a pipe or device (`-o /dev/null` in a CI step) writes through it and
/// never renames a regular file over it; `scrub` refuses one.
#[cfg(unix)]
#[test]
fn outputs_never_replace_a_device_or_pipe() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("report.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        assert!(std::env::var_os("CI").is_none(), "mkfifo is missing in CI");
        eprintln!("skipping: mkfifo not available");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            std::fs::File::open(&fifo)
                .unwrap()
                .read_to_string(&mut text)
                .unwrap();
            text
        })
    };
    let dump = testdata("dumps/linux-crashy-segv.dmp");
    let out = crashscope()
        .args(["audit", "--no-config", "--format", "json", "-o"])
        .arg(&fifo)
        .arg(&dump)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = reader.join().unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert!(doc["summary"]["failing"].as_u64().unwrap() > 0);
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "the pipe is still a pipe");

    let scrub = crashscope()
        .args([
            "scrub".as_ref(),
            dump.as_os_str(),
            "-o".as_ref(),
            fifo.as_os_str(),
        ])
        .output()
        .unwrap();
    assert_eq!(scrub.status.code(), Some(2), "{}", stderr(&scrub));
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
}

/// `--exclude GLOB` and `[[exclude]]` (with a reason) leave files out before anything
/// is read; they are counted, and an exclude that matched nothing is a warning.
#[test]
fn excluded_files_are_left_out_and_counted() {
    let db = path("databases/linux");
    let out = audit(&[
        &db,
        "--format",
        "json",
        "--exclude",
        "**/new/**",
        "--exclude",
        "*.nothing",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    let files: Vec<&str> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(!files.iter().any(|f| f.contains("/new/")), "{files:?}");
    assert!(files.iter().any(|f| f.contains("/pending/")), "{files:?}");
    let err = stderr(&out);
    assert!(err.contains("1 file left out by exclude entries"), "{err}");
    assert!(
        err.contains("exclude *.nothing") && err.contains("matched nothing"),
        "{err}"
    );

    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("crashscope.toml"),
        "[[exclude]]\npath = \"**/pending/**\"\nreason = \"fixtures for the parser\"\n",
    )
    .unwrap();
    let out = audit_in(tmp.path(), &[&db, "--format", "json"]);
    let doc = json(&out);
    assert!(!doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["path"].as_str().unwrap().contains("/pending/")));
    std::fs::write(
        tmp.path().join("crashscope.toml"),
        "[[exclude]]\npath = \"**/pending/**\"\n",
    )
    .unwrap();
    let out = audit_in(tmp.path(), &[&db]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("exclude entry 1 has no reason"),
        "{}",
        stderr(&out)
    );
}
