//! `crashscope list` without a path finds the crash stores of the current user in a
//! fabricated home (HOME, XDG_CONFIG_HOME, APPDATA and LOCALAPPDATA set for the child
//! only; the real home is never read): Crashpad databases of any app by their structure,
//! Mozilla `Crash Reports` folders, never following a link, never writing.

use std::path::Path;

use serde_json::Value;

use crate::util::{copy_dir, crashscope, testdata};

fn tree(dir: &Path, out: &mut Vec<(String, u64, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let m = std::fs::symlink_metadata(&p).unwrap();
        if m.is_dir() {
            tree(&p, out);
        } else if m.is_file() {
            out.push((p.display().to_string(), m.len(), std::fs::read(&p).unwrap()));
        }
    }
}

#[test]
fn list_without_a_path_finds_every_store_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home/alice");
    let config = home.join(".config");
    let appdata = tmp.path().join("win/AppData/Roaming");
    let local = tmp.path().join("win/AppData/Local");
    copy_dir(&testdata("databases/linux"), &config.join("Code/Crashpad"));
    copy_dir(
        &testdata("databases/linux"),
        &config.join("google-chrome/Crash Reports"),
    );
    copy_dir(
        &testdata("databases/mac"),
        &home.join("Library/Application Support/Slack/Crashpad"),
    );
    copy_dir(
        &testdata("databases/windows"),
        &local.join("Google/Chrome/User Data/Crashpad"),
    );
    std::fs::create_dir_all(&appdata).unwrap();
    let mozilla = home.join(".mozilla/firefox/Crash Reports");
    std::fs::create_dir_all(mozilla.join("pending")).unwrap();
    std::fs::create_dir_all(mozilla.join("submitted")).unwrap();
    let id = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
    std::fs::copy(
        testdata("dumps/linux-crashy-segv.dmp"),
        mozilla.join(format!("pending/{id}.dmp")),
    )
    .unwrap();
    std::fs::write(
        mozilla.join(format!("pending/{id}.extra")),
        br#"{"ProductName":"Firefox","Email":"alice@example.com","URL":"https://bank.example.com/account?id=42"}"#,
    )
    .unwrap();
    std::fs::write(
        mozilla.join("submitted/bp-1234.txt"),
        b"Crash ID: bp-1234\n",
    )
    .unwrap();
    // A link to a store elsewhere is not followed.
    std::os::unix::fs::symlink(testdata("databases/linux"), config.join("Linked")).unwrap();
    let mut before = Vec::new();
    tree(tmp.path(), &mut before);
    let out = crashscope()
        .args(["list", "--format", "json"])
        .env_clear()
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", &config)
        .env("APPDATA", &appdata)
        .env("LOCALAPPDATA", &local)
        .env("CRASHSCOPE_NOW", "1796000000")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let stores = doc["stores"].as_array().unwrap();
    let find = |app: &str| {
        stores
            .iter()
            .find(|s| s["app"] == app)
            .unwrap_or_else(|| panic!("{app} not found in {stores:?}"))
    };
    let code = find("Code");
    assert_eq!(code["kind"], "crashpad");
    assert_eq!(code["uploads_enabled"], true);
    assert!(code["waiting"].as_u64().unwrap() >= 2, "{code}");
    assert_eq!(find("google-chrome")["kind"], "crashpad");
    assert_eq!(find("Slack")["kind"], "crashpad");
    let chrome = find("Chrome");
    assert!(chrome["path"]
        .as_str()
        .unwrap()
        .ends_with("User Data/Crashpad"));
    assert_eq!(chrome["uploads_enabled"], false);
    let firefox = find("firefox");
    assert_eq!(firefox["kind"], "mozilla");
    assert_eq!(
        (firefox["waiting"].as_u64(), firefox["sent"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(
        !stores.iter().any(|s| s["app"] == "Linked"),
        "a link was followed"
    );
    assert_eq!(stores.len(), 5, "{stores:?}");
    let mut after = Vec::new();
    tree(tmp.path(), &mut after);
    assert_eq!(before, after, "list wrote into the stores");
}

/// A Mozilla `Crash Reports` folder: each pending dump is audited with the `.extra`
/// annotations the reporter would upload beside it, and a dump in a report folder that
/// is no Crashpad report (its name) is audited all the same.
#[test]
fn audit_reads_mozilla_extra_files_and_stray_dumps() {
    let tmp = tempfile::tempdir().unwrap();
    let reports = tmp.path().join("Crash Reports");
    std::fs::create_dir_all(reports.join("pending")).unwrap();
    std::fs::copy(testdata("clean/no-pii.dmp"), reports.join("pending/a1.dmp")).unwrap();
    std::fs::write(
        reports.join("pending/a1.extra"),
        br#"{"ProductName":"Firefox","Email":"jane.roe@example.com","Comments":"crashed on my bank"}"#,
    )
    .unwrap();
    let out = crashscope()
        .args(["audit", "--no-config", "--format", "json", "--show-values"])
        .arg(&reports)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let email = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["value"] == "jane.roe@example.com")
        .expect("the e-mail in the .extra file");
    assert!(email["file"].as_str().unwrap().ends_with("a1.extra"));
    // A stray dump in a Crashpad database's pending/ folder.
    let db = tmp.path().join("db");
    copy_dir(&testdata("databases/windows"), &db);
    std::fs::create_dir_all(db.join("pending")).unwrap();
    std::fs::copy(
        testdata("dumps/linux-crashy-segv.dmp"),
        db.join("pending/stray.dmp"),
    )
    .unwrap();
    let out = crashscope()
        .args(["audit", "--no-config", "--format", "json"])
        .arg(&db)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"].as_str().unwrap().ends_with("pending/stray.dmp")),
        "{}",
        doc["files"]
    );
}
