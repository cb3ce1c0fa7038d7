//! Fingerprints name a finding for baselines, allow entries and code scanning without
//! giving its value back: keyed (HMAC, `k-`) with `CRASHSCOPE_FINGERPRINT_KEY`, by rule,
//! file and place (`p-`) without; an aggregated SARIF result covers its members, and an
//! unreadable part its file.

use std::path::Path;
use std::process::Output;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::util::{crashscope, stderr, stdout, testdata};

const KEY: &str = "a fingerprint key of the CI secret store";

fn audit(dir: &Path, key: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = crashscope();
    cmd.current_dir(dir).arg("audit").args(args);
    match key {
        Some(k) => cmd.env("CRASHSCOPE_FINGERPRINT_KEY", k),
        None => cmd.env_remove("CRASHSCOPE_FINGERPRINT_KEY"),
    };
    cmd.output().expect("run crashscope")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

fn findings(doc: &Value) -> &Vec<Value> {
    doc["findings"].as_array().unwrap()
}

fn fnv(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Every plain (unkeyed) hash of a value a guesser would try, as hex.
fn plain_hashes(rule: &str, value: &str) -> Vec<String> {
    let mut inputs = vec![value.as_bytes().to_vec(), value.to_lowercase().into_bytes()];
    inputs.push([rule.as_bytes(), b"\0", value.as_bytes()].concat());
    inputs
        .iter()
        .flat_map(|i| [fnv(i), format!("{:x}", Sha256::digest(i))])
        .collect()
}

fn digits(fp: &str) -> &str {
    fp.rsplit('-').next().unwrap()
}

/// Neither scheme's fingerprint is a plain hash of the value (nor part of one); keyed
/// ones name a value wherever it is, placed ones a place; the key is never printed.
#[test]
fn fingerprints_are_no_plain_hash_of_a_value() {
    let tmp = tempfile::tempdir().unwrap();
    let dump = testdata("dumps/linux-crashy-segv.dmp");
    let dump = dump.to_str().unwrap();
    for key in [None, Some(KEY)] {
        let out = audit(
            tmp.path(),
            key,
            &[dump, "--format", "json", "--show-values"],
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(!stdout(&out).contains(KEY));
        let doc = json(&out);
        let prefix = if key.is_some() { "k-" } else { "p-" };
        assert_eq!(
            doc["fingerprints"]["scheme"],
            if key.is_some() { "keyed" } else { "place" }
        );
        let mut by_value: std::collections::HashMap<(String, String), Vec<String>> =
            Default::default();
        for f in findings(&doc) {
            let (rule, value) = (f["rule"].as_str().unwrap(), f["value"].as_str().unwrap());
            let fp = f["fingerprint"].as_str().unwrap();
            assert!(fp.starts_with(prefix) && fp.len() == 18, "{fp}");
            for h in plain_hashes(rule, value) {
                assert!(!h.contains(digits(fp)), "{rule}: {fp} is a plain hash");
            }
            by_value
                .entry((rule.to_string(), value.to_string()))
                .or_default()
                .push(fp.to_string());
        }
        let repeated = by_value.values().filter(|fps| fps.len() > 1).count();
        assert!(repeated > 0, "the dump repeats values");
        for fps in by_value.values().filter(|fps| fps.len() > 1) {
            let distinct: std::collections::BTreeSet<_> = fps.iter().collect();
            if key.is_some() {
                assert_eq!(distinct.len(), 1, "keyed: one value, one fingerprint");
            } else {
                assert_eq!(
                    distinct.len(),
                    fps.len(),
                    "placed: one place, one fingerprint"
                );
            }
        }
    }
    // Another key, other fingerprints.
    let a = json(&audit(tmp.path(), Some(KEY), &[dump, "--format", "json"]));
    let b = json(&audit(
        tmp.path(),
        Some("another key, just as long"),
        &[dump, "--format", "json"],
    ));
    assert_ne!(
        findings(&a)[0]["fingerprint"],
        findings(&b)[0]["fingerprint"]
    );
    assert_ne!(a["fingerprints"]["key_id"], b["fingerprints"]["key_id"]);
}

/// A heap of `n` customer records, then room for one more of the same length.
fn customers_dump(n: usize, extra: bool) -> Vec<u8> {
    use minidump_synth::{Memory, SynthMinidump};
    use test_assembler::{Endian, Section};
    let mut heap = Vec::new();
    for i in 0..n {
        heap.extend(format!("{{\"mail\":\"customer{i:02}@example.com\"}}\0").as_bytes());
    }
    let last = "{\"mail\":\"newcomer99@example.com\"}\0";
    if extra {
        heap.extend(last.as_bytes());
    } else {
        heap.extend(std::iter::repeat_n(0u8, last.len()));
    }
    let e = Endian::Little;
    let memory = Memory::with_section(Section::with_endian(e).append_bytes(&heap), 0x5000_0000);
    SynthMinidump::with_endian(e)
        .add_memory(memory)
        .finish()
        .unwrap()
}

fn sarif_group_fingerprint(dir: &Path, key: Option<&str>, dump: &str) -> String {
    let out = audit(dir, key, &[dump, "--format", "sarif"]);
    let doc = json(&out);
    let results = doc["runs"][0]["results"].as_array().unwrap().clone();
    let email = results
        .iter()
        .find(|r| r["ruleId"] == "email" && r["properties"]["aggregated"] == true)
        .expect("an aggregated e-mail result");
    email["partialFingerprints"]["crashscopeFinding/v2"]
        .as_str()
        .unwrap()
        .to_string()
}

/// One more e-mail among a dozen is a new finding for a baseline and a new SARIF alert
/// (the group's fingerprint covers its members), with a key and without.
#[test]
fn a_new_value_in_an_aggregated_group_is_new() {
    for key in [None, Some(KEY)] {
        let tmp = tempfile::tempdir().unwrap();
        let dump = tmp.path().join("customers.dmp");
        let dump_s = dump.to_str().unwrap();
        let base = tmp.path().join("baseline.json");
        std::fs::write(&dump, customers_dump(12, false)).unwrap();
        let out = audit(
            tmp.path(),
            key,
            &[dump_s, "--format", "json", "-o", base.to_str().unwrap()],
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let before = sarif_group_fingerprint(tmp.path(), key, dump_s);
        let again = audit(
            tmp.path(),
            key,
            &[dump_s, "--baseline", base.to_str().unwrap()],
        );
        assert_eq!(again.status.code(), Some(0), "{}", stdout(&again));
        // The same file, one record added where there were zeros.
        std::fs::write(&dump, customers_dump(12, true)).unwrap();
        let after = sarif_group_fingerprint(tmp.path(), key, dump_s);
        assert_ne!(before, after, "a new value is a new alert");
        let out = audit(
            tmp.path(),
            key,
            &[
                dump_s,
                "--baseline",
                base.to_str().unwrap(),
                "--format",
                "json",
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
        let doc = json(&out);
        let failing: Vec<&Value> = findings(&doc)
            .iter()
            .filter(|f| f["status"] == "fail")
            .collect();
        assert_eq!(failing.len(), 1, "{failing:?}");
        assert_eq!(failing[0]["preview"], "new…(22 chars)");
    }
}

/// A baseline that accepted one link not followed does not accept another.
#[test]
fn a_new_unreadable_link_fails_a_baselined_audit() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = tmp.path().join("dumps");
    std::fs::create_dir(&tree).unwrap();
    let target = testdata("dumps/linux-crashy-segv.dmp");
    std::os::unix::fs::symlink(&target, tree.join("one.dmp")).unwrap();
    let base = tmp.path().join("baseline.json");
    let out = audit(
        tmp.path(),
        None,
        &["dumps", "--format", "json", "-o", base.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = audit(
        tmp.path(),
        None,
        &["dumps", "--baseline", base.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    std::os::unix::fs::symlink(&target, tree.join("two.dmp")).unwrap();
    let out = audit(
        tmp.path(),
        None,
        &[
            "dumps",
            "--baseline",
            base.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let doc = json(&out);
    let failing: Vec<&Value> = findings(&doc)
        .iter()
        .filter(|f| f["status"] == "fail")
        .collect();
    assert_eq!(failing.len(), 1);
    assert!(failing[0]["file"].as_str().unwrap().ends_with("two.dmp"));
}

/// A keyed baseline is refused without its key or with another one; an old baseline of
/// value hashes still matches, with a warning; a key file inside the repository or an
/// audited folder is refused.
#[test]
fn keys_and_old_baselines_are_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let dump = testdata("dumps/linux-crashy-segv.dmp");
    let dump = dump.to_str().unwrap();
    let base = tmp.path().join("keyed.json");
    let b = base.to_str().unwrap();
    audit(tmp.path(), Some(KEY), &[dump, "--format", "json", "-o", b]);
    let out = audit(tmp.path(), None, &[dump, "--baseline", b]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("CRASHSCOPE_FINGERPRINT_KEY"),
        "{}",
        stderr(&out)
    );
    let out = audit(
        tmp.path(),
        Some("some other key of 16+ bytes"),
        &[dump, "--baseline", b],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("another fingerprint key"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        audit(tmp.path(), Some(KEY), &[dump, "--baseline", b])
            .status
            .code(),
        Some(0)
    );

    // An old baseline: FNV-1a of rule and value, as crashscope wrote them before.
    let doc = json(&audit(
        tmp.path(),
        None,
        &[dump, "--format", "json", "--show-values"],
    ));
    let old: Vec<Value> = findings(&doc)
        .iter()
        .map(|f| {
            let input = [
                f["rule"].as_str().unwrap().as_bytes(),
                b"\0",
                f["value"].as_str().unwrap().as_bytes(),
            ]
            .concat();
            serde_json::json!({"fingerprint": fnv(&input)})
        })
        .collect();
    let legacy = tmp.path().join("old.json");
    std::fs::write(
        &legacy,
        serde_json::json!({"schema": 1, "findings": old}).to_string(),
    )
    .unwrap();
    let out = audit(
        tmp.path(),
        None,
        &[dump, "--baseline", legacy.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("unkeyed value hashes"),
        "{}",
        stderr(&out)
    );

    // A key file in the repository (a folder with .git) or an audited folder.
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join("dumps")).unwrap();
    std::fs::write(repo.join("key"), KEY).unwrap();
    std::fs::write(repo.join("dumps/key"), KEY).unwrap();
    for key in ["key", "dumps/key"] {
        let out = audit(&repo, None, &[dump, "--fingerprint-key", key]);
        assert_eq!(out.status.code(), Some(2), "{key}");
        assert!(stderr(&out).contains("keep it outside"), "{}", stderr(&out));
    }
    let outside = tmp.path().join("key");
    std::fs::write(&outside, format!("{KEY}\n")).unwrap();
    let out = audit(
        &repo,
        None,
        &[
            dump,
            "--fingerprint-key",
            outside.to_str().unwrap(),
            "--baseline",
            b,
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "the same key from a file: {}",
        stderr(&out)
    );
}
