//! `crashscope list` without a path finds the crash stores of the current user in a
//! fabricated home (HOME, XDG_CONFIG_HOME, APPDATA and LOCALAPPDATA set for the child
//! only; the real home is never read): Crashpad databases of any app by their structure,
//! Mozilla `Crash Reports` folders, never following a link, never writing.

use std::path::Path;

use serde_json::Value;

use crate::util::{assert_ok, copy_dir, crashscope, ok_stdout, testdata};

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
    assert_ok(&out);
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
    // The product the waiting report names (its .extra's ProductName).
    assert_eq!(firefox["product"], "Firefox");
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

/// A Mozilla `Crash Reports` folder (fabricated): `list` shows its pending and submitted
/// reports; `show`, on the folder or on the pending dump, lists every `.extra`
/// annotation as the form field the crash reporter sends and marks the planted values;
/// `audit` fails on them; `scrub` writes a copy whose `.extra` is still JSON, with the
/// planted values masked and the others kept.
#[test]
fn a_mozilla_store_is_listed_shown_audited_and_scrubbed() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("profile/Crash Reports");
    std::fs::create_dir_all(store.join("pending")).unwrap();
    std::fs::create_dir_all(store.join("submitted")).unwrap();
    std::fs::write(store.join("InstallTime20240101120000"), b"1704110400").unwrap();
    let id = "7c4d2a10-5b3e-4f61-9a87-0e1d2c3b4a59";
    let dump = store.join(format!("pending/{id}.dmp"));
    std::fs::copy(testdata("clean/no-pii.dmp"), &dump).unwrap();
    let extra = concat!(
        r#"{"ProductName":"Firefox","Version":"128.0","#,
        r#""Email":"jane.roe@example.com","#,
        r#""URL":"https://clinic.example.org/appointments?patient=8812","#,
        r#""Comments":"it crashed while I was filling in my tax return","#,
        r#""TelemetryClientId":"2b7e1516-28ae-4d2a-a6f7-15880934cf4f","#,
        r#""InstallTime":"1704110400"}"#
    );
    std::fs::write(store.join(format!("pending/{id}.extra")), extra).unwrap();
    std::fs::write(
        store.join("submitted/bp-5e6f7a8b.txt"),
        b"Crash ID: bp-5e6f7a8b\n",
    )
    .unwrap();
    let mut before = Vec::new();
    tree(tmp.path(), &mut before);

    let out = crashscope()
        .args(["list", "--format", "json"])
        .arg(&store)
        .output()
        .unwrap();
    assert_ok(&out);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let doc = &doc["database"];
    assert_eq!(doc["layout"], "mozilla");
    let states: Vec<(&str, &str)> = doc["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["state"].as_str().unwrap()))
        .collect();
    assert_eq!(states, [(id, "pending"), ("bp-5e6f7a8b", "sent")]);

    let planted = [
        ("Email", "jane.roe@example.com"),
        (
            "URL",
            "https://clinic.example.org/appointments?patient=8812",
        ),
        (
            "Comments",
            "it crashed while I was filling in my tax return",
        ),
        ("TelemetryClientId", "2b7e1516-28ae-4d2a-a6f7-15880934cf4f"),
    ];
    for target in [store.as_path(), dump.as_path()] {
        let out = crashscope()
            .args(["show", "--color", "always"])
            .arg(target)
            .output()
            .unwrap();
        let text = ok_stdout(&out);
        let plain = crate::util::strip_sgr(&text);
        for key in [
            "ProductName",
            "Version",
            "Email",
            "URL",
            "Comments",
            "TelemetryClientId",
            "InstallTime",
        ] {
            assert!(
                plain
                    .lines()
                    .any(|l| l.split_whitespace().any(|w| w == key)),
                "{key} is not listed:\n{plain}"
            );
        }
        for (key, value) in planted {
            let line = plain
                .lines()
                .find(|l| l.split_whitespace().nth(1) == Some(key))
                .unwrap_or_else(|| panic!("no marked line for {key}:\n{plain}"));
            assert!(
                line.contains(&format!("⟦{value}⟧")),
                "{key} not highlighted: {line}"
            );
        }
        let version = plain.lines().find(|l| l.contains("Version ")).unwrap();
        assert!(!version.contains('⟦'), "{version}");
    }

    let out = crashscope()
        .args(["audit", "--no-config"])
        .arg(&store)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    let copy = tmp.path().join("scrubbed");
    let out = crashscope()
        .args(["scrub", "--no-config", "-o"])
        .arg(&copy)
        .arg(&store)
        .output()
        .unwrap();
    assert_ok(&out);
    let scrubbed = std::fs::read_to_string(copy.join(format!("pending/{id}.extra"))).unwrap();
    let json: Value = serde_json::from_str(&scrubbed).expect("still JSON");
    assert_eq!(json["ProductName"], "Firefox");
    for (key, value) in planted {
        assert!(!scrubbed.contains(value), "{key} left in the copy");
        assert!(
            json[key].as_str().unwrap().chars().all(|c| c == '*'),
            "{key}"
        );
    }
    let mut after = Vec::new();
    tree(tmp.path().join("profile").as_path(), &mut after);
    before.retain(|(p, ..)| p.contains("/profile/"));
    assert_eq!(before, after, "the store was written");
}

/// Writes a sentry-native envelope: a header, an event item, and the minidump as an
/// `event.minidump` attachment item, as the Breakpad backend packs a crash.
fn envelope(event: &Value, dump: &[u8]) -> Vec<u8> {
    let event = serde_json::to_vec(event).unwrap();
    let mut out = br#"{"event_id":"5d1e0c4b7a8f4b2e9c3d6e7f8a9b0c1d","dsn":"https://k3y@o0.ingest.example.io/42"}"#.to_vec();
    out.push(b'\n');
    out.extend(format!(r#"{{"type":"event","length":{}}}"#, event.len()).bytes());
    out.push(b'\n');
    out.extend(&event);
    out.push(b'\n');
    out.extend(
        format!(
            r#"{{"type":"attachment","length":{},"filename":"minidump.dmp","attachment_type":"event.minidump"}}"#,
            dump.len()
        )
        .bytes(),
    );
    out.push(b'\n');
    out.extend(dump);
    out.push(b'\n');
    out
}

/// sentry-native's database in a fabricated home: a crashed run (an envelope with the
/// event and the minidump, its session) and a run that still holds a dump. `list` finds
/// it with its app and counts; `show` marks the planted values in the envelope and the
/// session; `audit` fails on them.
#[test]
fn a_sentry_native_store_is_found_shown_and_audited() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home/sam");
    let store = home.join(".config/Starfarer/.sentry-native");
    let crashed = store.join("5d1e0c4b-7a8f-4b2e-9c3d-6e7f8a9b0c1d.run");
    let packing = store.join("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d.run");
    std::fs::create_dir_all(&crashed).unwrap();
    std::fs::create_dir_all(&packing).unwrap();
    let event = serde_json::json!({
        "level": "fatal",
        "user": {"email": "sam.lee@example.net", "ip_address": "198.51.100.77"},
        "tags": {"build": "1.2.3"}
    });
    let dump = std::fs::read(testdata("clean/no-pii.dmp")).unwrap();
    std::fs::write(
        crashed.join("5d1e0c4b-7a8f-4b2e-9c3d-6e7f8a9b0c1d.envelope"),
        envelope(&event, &dump),
    )
    .unwrap();
    std::fs::write(
        crashed.join("session.json"),
        br#"{"sid":"0c0d0e0f-1111-4222-8333-444455556666","did":"sam.lee@example.net","status":"crashed"}"#,
    )
    .unwrap();
    std::fs::copy(
        testdata("dumps/linux-crashy-segv.dmp"),
        packing.join("minidump.dmp"),
    )
    .unwrap();
    std::fs::write(store.join("last_crash"), b"2026-11-29T10:00:00Z").unwrap();
    std::fs::write(store.join("user-consent"), b"1").unwrap();

    let out = crashscope()
        .args(["list", "--format", "json"])
        .env_clear()
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .output()
        .unwrap();
    assert_ok(&out);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let stores = doc["stores"].as_array().unwrap();
    assert_eq!(stores.len(), 1, "{stores:?}");
    let s = &stores[0];
    assert_eq!(
        (s["app"].as_str(), s["kind"].as_str()),
        (Some("Starfarer"), Some("sentry-native"))
    );
    assert_eq!(s["waiting"], 2, "{s}");
    assert_eq!(s["uploads_enabled"], true, "user-consent = 1");

    let out = crashscope()
        .args(["show", "--color", "never"])
        .arg(&store)
        .output()
        .unwrap();
    let text = ok_stdout(&out);
    for planted in ["⟦sam.lee@example.net⟧", "⟦198.51.100.77⟧"] {
        assert!(text.contains(planted), "{planted} not marked:\n{text}");
    }
    // The DSN's key in the URL is not an e-mail address.
    assert!(!text.contains("⟦k3y@o0.ingest.example.io⟧"), "{text}");
    // Both runs are shown with their dumps: the one still in the run folder, and the one
    // packed inside the envelope (its stream list, not only its bytes).
    assert_eq!(
        text.matches("━━ Thread 0").count() + text.matches("━━ Stack").count(),
        2,
        "{text}"
    );
    assert_eq!(text.matches("━━ For developers").count(), 2, "{text}");
    // A sentry-native run sends envelopes, not Crashpad's form.
    assert!(!text.contains("Form fields"), "{text}");

    let out = crashscope()
        .args(["audit", "--no-config"])
        .arg(&store)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The store as list names it: by app (a prefix, any case) or by number.
    let in_home = |args: &[&str]| {
        crashscope()
            .args(args)
            .env_clear()
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .output()
            .unwrap()
    };
    let listed = in_home(&["list", "--color", "never"]);
    let first = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(first.trim_start().starts_with("1  Starfarer"), "{first}");
    let by_app = in_home(&["show", "--app", "star", "--color", "never"]);
    assert_ok(&by_app);
    assert_eq!(by_app.stdout, out_show_plain(&store));
    let by_number = in_home(&["audit", "--app", "1", "--no-config"]);
    assert_eq!(by_number.status.code(), Some(1));
    let unknown = in_home(&["show", "--app", "nosuchapp"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no crash store"));
}

fn out_show_plain(store: &Path) -> Vec<u8> {
    crashscope()
        .args(["show", "--color", "never"])
        .arg(store)
        .output()
        .unwrap()
        .stdout
}

/// A folder that cannot be listed is reported and skipped; the others are still searched.
#[test]
fn list_without_a_path_reports_unreadable_folders_and_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let Some(mut cmd) = crate::util::unprivileged() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let home = tmp.path().join("home");
    let config = home.join(".config");
    copy_dir(&testdata("databases/linux"), &config.join("Code/Crashpad"));
    let locked = config.join("Locked");
    std::fs::create_dir_all(locked.join("inner")).unwrap();
    for dir in [&home, &config, &config.join("Code")] {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // Everything readable by the unprivileged user, except the locked folder.
    let status = std::process::Command::new("chmod")
        .args(["-R", "a+rX"])
        .arg(&home)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let out = cmd
        .args(["list", "--format", "json"])
        .env_clear()
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", &config)
        .output()
        .unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_ok(&out);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["stores"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["app"] == "Code"));
    let unreadable = doc["unreadable"].as_array().unwrap();
    assert!(
        unreadable
            .iter()
            .any(|u| u["path"].as_str().unwrap().ends_with("/Locked")),
        "{unreadable:?}"
    );
}

/// A Mozilla report's id is its file's name, which anyone can choose: it is printed
/// escaped like every other string taken from input.
#[test]
fn a_report_named_with_control_characters_prints_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("Crash Reports");
    std::fs::create_dir_all(store.join("pending")).unwrap();
    std::fs::create_dir_all(store.join("submitted")).unwrap();
    let id = "evil\x1b[2J\u{202e}txt";
    std::fs::copy(
        testdata("clean/no-pii.dmp"),
        store.join(format!("pending/{id}.dmp")),
    )
    .unwrap();
    std::fs::write(store.join(format!("pending/{id}.extra")), b"{}").unwrap();
    std::fs::write(store.join(format!("submitted/bp-{id}.txt")), b"x").unwrap();
    for args in [&["list"][..], &["show", "--state", "all"][..]] {
        let out = crashscope()
            .args(args)
            .args(["--color", "never"])
            .arg(&store)
            .output()
            .unwrap();
        let text = ok_stdout(&out);
        assert!(text.contains("evil\\x1b[2J\\u{202e}txt"), "{text}");
        assert!(
            !text.contains('\x1b') && !text.contains('\u{202e}'),
            "{args:?}: {text}"
        );
    }
}

/// Real homes: Firefox as a snap, an app as a Flatpak, a `~/.config` that is a link
/// (named, not silently empty), and 21,000 cache folders that must not use up the search
/// before `~/.mozilla` is reached.
#[test]
fn snaps_flatpaks_linked_configs_and_huge_caches() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home/kim");
    let id = "2a3b4c5d-1111-4222-8333-944455556666";
    let snap = home.join("snap/firefox/common/.mozilla/firefox/Crash Reports/pending");
    std::fs::create_dir_all(&snap).unwrap();
    std::fs::copy(testdata("clean/no-pii.dmp"), snap.join(format!("{id}.dmp"))).unwrap();
    std::fs::write(
        snap.join(format!("{id}.extra")),
        br#"{"ProductName":"Firefox"}"#,
    )
    .unwrap();
    let flatpak = home.join(".var/app/com.example.Chat/config/Chat/Crashpad");
    std::fs::create_dir_all(flatpak.join("completed")).unwrap();
    std::fs::copy(
        testdata("databases/linux/settings.dat"),
        flatpak.join("settings.dat"),
    )
    .unwrap();
    let dotfiles = home.join("dotfiles/config");
    std::fs::create_dir_all(dotfiles.join("Other/Crashpad/completed")).unwrap();
    std::os::unix::fs::symlink(&dotfiles, home.join(".config")).unwrap();
    let list = |home: &Path| -> Value {
        let out = crashscope()
            .args(["list", "--format", "json"])
            .env_clear()
            .env("HOME", home)
            .output()
            .unwrap();
        assert_ok(&out);
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let doc = list(&home);
    let paths: Vec<&str> = doc["stores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(
        paths.iter().any(|p| p.contains("snap/firefox")),
        "{paths:?}"
    );
    assert!(
        paths
            .iter()
            .any(|p| p.contains(".var/app/com.example.Chat")),
        "{paths:?}"
    );
    let unread = doc["unreadable"].to_string();
    assert!(
        unread.contains(".config") && unread.contains("symbolic link"),
        "{unread}"
    );

    // A huge cache in ~/.config does not hide Firefox's profile.
    let other = tmp.path().join("home/lee");
    let cache = other.join(".config/cache");
    for i in 0..21_000 {
        std::fs::create_dir_all(cache.join(format!("{:03}/{i}", i % 300))).unwrap();
    }
    let pending = other.join(".mozilla/firefox/Crash Reports/pending");
    std::fs::create_dir_all(&pending).unwrap();
    std::fs::copy(
        testdata("clean/no-pii.dmp"),
        pending.join(format!("{id}.dmp")),
    )
    .unwrap();
    std::fs::write(
        pending.join(format!("{id}.extra")),
        br#"{"ProductName":"Firefox"}"#,
    )
    .unwrap();
    let doc = list(&other);
    assert!(
        doc["stores"]
            .to_string()
            .contains(".mozilla/firefox/Crash Reports"),
        "{}",
        doc["stores"]
    );
}
