//! Crashpad databases: the readers of all three layouts, `list`, `show` on a database,
//! the upload form against Crashpad's own (the corpus oracles), and the promise that
//! nothing in a database is ever written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{
    corpus, crashscope, db2_manifest, root, run, stderr, stdout, testdata, unprivileged,
};

#[allow(dead_code, unused_imports)]
#[path = "../examples/make_databases.rs"]
mod make_databases;

/// One hour after the fixtures' reference time (`T0` of the generator).
const NOW: &str = "1795403600";

fn run_at(args: &[&std::ffi::OsStr]) -> std::process::Output {
    crashscope()
        .env("CRASHSCOPE_NOW", NOW)
        .args(args)
        .output()
        .expect("run crashscope")
}

fn json_of(args: &[&std::ffi::OsStr]) -> Value {
    let out = run_at(args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

fn os(s: &str) -> &std::ffi::OsStr {
    s.as_ref()
}

fn list_json(db: &Path) -> Value {
    json_of(&[os("list"), db.as_os_str(), os("--format"), os("json")])
}

/// `item[key] → item[value]` for every item of a JSON array of objects.
fn pairs(items: &Value, key: &str, value: &str) -> BTreeMap<String, String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[key].as_str().unwrap().to_string(),
                r[value].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// `id → state` of a `list --format json` document.
fn states(doc: &Value) -> BTreeMap<String, String> {
    pairs(&doc["database"]["reports"], "id", "state")
}

fn form_fields(form: &Value) -> BTreeMap<String, String> {
    pairs(&form["fields"], "key", "value")
}

/// Every `expected/*.fields.json` oracle (Crashpad's own form building) equals the form
/// crashscope derives: for each dump alone, and for each report of the real database.
#[test]
fn upload_form_equals_crashpads_for_every_oracle() {
    let Some(corpus) = corpus() else { return };
    let db = corpus.join("crashpad-db-2");
    let shown = json_of(&[
        os("show"),
        db.as_os_str(),
        os("--state"),
        os("all"),
        os("--json"),
    ]);
    let by_id: BTreeMap<&str, &Value> = shown["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r))
        .collect();
    let mut checked = 0;
    for entry in std::fs::read_dir(corpus.join("expected")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".fields.json") else {
            continue;
        };
        let oracle: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let expected: BTreeMap<String, String> = oracle["fields"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        let dump = ["pending", "completed", "new"]
            .iter()
            .map(|f| db.join(f).join(format!("{stem}.dmp")))
            .find(|p| p.exists())
            .unwrap_or_else(|| corpus.join("dumps").join(format!("{stem}.dmp")));
        let doc = json_of(&[os("show"), dump.as_os_str(), os("--json")]);
        assert_eq!(
            form_fields(&doc["upload_form"]),
            expected,
            "{stem}: dump alone"
        );
        let guid = &doc["upload_form"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["key"] == "guid")
            .unwrap()["value"];
        assert_eq!(guid, &oracle["client_id"], "{stem}: guid is the client id");
        if let Some(report) = by_id.get(stem) {
            assert_eq!(
                form_fields(&report["upload"]["form"]),
                expected,
                "{stem}: in the database"
            );
            assert_eq!(
                report["dump_document"]["crashpad"]["report_id"],
                oracle["report_id"]
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 8, "all eight oracles");
    // The real database's upload line, from its manifest: the query Crashpad appended.
    let manifest = db2_manifest(&corpus);
    let line = manifest["crashpad_database"]["upload_request_line"]
        .as_str()
        .unwrap();
    for report in by_id.values() {
        let query = report["upload"]["form"]["query"].as_str().unwrap();
        assert!(line.ends_with(&format!("&{query}")), "{line} vs {query}");
    }
}

/// `list` on the real database agrees with Crashpad's own `crashpad_database_util`:
/// client id, consent, last upload, and every pending/completed report's times,
/// attempts, upload flag and server id. The `new/` report, which the tool does not list,
/// is shown as in progress.
#[test]
fn list_agrees_with_crashpad_database_util() {
    let Some(corpus) = corpus() else { return };
    let util =
        std::fs::read_to_string(corpus.join("expected/crashpad-db-2.database_util.txt")).unwrap();
    let doc = list_json(&corpus.join("crashpad-db-2"));
    let db = &doc["database"];
    fn value(line: &str) -> &str {
        line.split_once(": ").map(|(_, v)| v.trim()).unwrap()
    }
    let time = |t: &str| {
        if t == "never" {
            0
        } else {
            t.rsplit('(')
                .next()
                .map_or(-1, |x| x.trim_end_matches(')').parse().unwrap_or(-1))
        }
    };
    let mut reports: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut section = "";
    let mut current = String::new();
    for line in util.lines() {
        if line.starts_with("Client ID:") {
            assert_eq!(db["client_id"], value(line));
        } else if line.starts_with("Uploads enabled:") {
            assert_eq!(db["uploads_enabled"], value(line) == "true");
        } else if line.starts_with("Last upload attempt time:") {
            assert_eq!(db["settings"]["last_upload_attempt"], time(value(line)));
        } else if line == "Pending reports:" || line == "Completed reports:" {
            section = if line.starts_with("Pending") {
                "pending"
            } else {
                "completed"
            };
        } else if let Some(id) = line.strip_prefix("  ").and_then(|l| l.strip_suffix(':')) {
            current = id.trim().to_string();
            reports
                .entry(current.clone())
                .or_default()
                .insert("folder".into(), section.into());
        } else if let Some((k, v)) = line.trim().split_once(": ") {
            reports
                .get_mut(&current)
                .unwrap()
                .insert(k.to_string(), v.to_string());
        }
    }
    let ours: BTreeMap<&str, &Value> = db["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r))
        .collect();
    for (id, fields) in &reports {
        let r = ours[id.as_str()];
        assert_eq!(r["folder"], fields["folder"].as_str(), "{id}");
        let m = &r["metadata"];
        let created = crashscope::render::format_unix(m["creation_time"].as_i64().unwrap());
        assert_eq!(
            created.replace(" UTC", " GMT"),
            fields["Creation time"],
            "{id}"
        );
        assert_eq!(m["uploaded"], fields["Uploaded"] == "true", "{id}");
        assert_eq!(
            m["upload_attempts"].to_string(),
            fields["Upload attempts"],
            "{id}"
        );
        let last = &fields["Last upload attempt time"];
        let ours_last = m["last_upload_attempt"].as_i64().unwrap();
        if last == "never" {
            assert_eq!(ours_last, 0, "{id}");
        } else {
            let shown = crashscope::render::format_unix(ours_last).replace(" UTC", " GMT");
            assert!(last.starts_with(&shown), "{id}: {last} vs {shown}");
        }
        assert_eq!(
            m["remote_id"].as_str().unwrap(),
            fields.get("Remote ID").map_or("", |s| s.as_str()),
            "{id}"
        );
    }
    let s = states(&doc);
    assert_eq!(s.len(), reports.len() + 1, "{s:?}");
    assert_eq!(s["07b51e44-4cca-4ab0-b12e-8701980e416e"], "sent");
    assert_eq!(s["381a6aa8-09e9-470d-92fb-d4b1238b5bc7"], "skipped");
    assert_eq!(s["c62a93ca-c0ed-4f8c-a10f-f9d2f18d95ad"], "in-progress");
    assert_eq!(
        s.values().filter(|v| *v == "pending").count(),
        3,
        "three pending"
    );
}

/// The generic fixture: every state, a stale lock, an orphan `.meta`, a corrupt `.meta`,
/// a 32-bit `.meta`, a truncated `new/` dump, orphaned attachments, age pruning.
#[test]
fn linux_fixture_has_every_state() {
    let db = testdata("databases/linux");
    let doc = list_json(&db);
    let s = states(&doc);
    let want = [
        ("1f201db5-23aa-4ba3-afe6-0313b091295d", "pending"),
        ("03ba6181-e259-4927-bee0-252f9ec06c5e", "upload-requested"),
        ("5c1a7e9d-0b2f-4c8e-9a61-2f4d8e7b3c10", "pending"),
        ("6e0f2a4b-8c1d-4e3f-b5a6-7d8c9e0f1a2b", "unreadable"),
        ("2c92bea1-7053-413f-8824-e4c5e5112ef7", "sent"),
        ("2859621e-7e0d-45d5-b8c0-c66fa2c876f6", "skipped"),
        ("f55bd406-8044-4bb7-8bd0-55f325066a64", "failed"),
        ("7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", "orphaned"),
        ("9d8c7b6a-5f4e-4d3c-9b2a-1f0e9d8c7b6a", "in-progress"),
    ];
    assert_eq!(
        s,
        want.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    );
    let reports = doc["database"]["reports"].as_array().unwrap();
    let get = |id: &str| reports.iter().find(|r| r["id"] == id).unwrap();
    // Pending first.
    assert!(reports[..3].iter().all(|r| r["would_upload"] == true));
    let lock = &get("5c1a7e9d-0b2f-4c8e-9a61-2f4d8e7b3c10")["lock"];
    assert_eq!(lock["expired"], true, "a lock four days old is stale");
    let narrow = &get("03ba6181-e259-4927-bee0-252f9ec06c5e")["metadata"];
    assert_eq!(narrow["header_size"], 24, "32-bit .meta");
    assert_eq!(narrow["upload_requested"], true);
    let sent = &get("2c92bea1-7053-413f-8824-e4c5e5112ef7")["metadata"];
    assert_eq!(
        sent["remote_id"],
        "CrashID=bp-6c7f2a10-7d3e-4f5a-9b1c-2d3e4f5a6b7c"
    );
    assert_eq!(
        doc["database"]["prune"]["reports"],
        serde_json::json!(["2859621e-7e0d-45d5-b8c0-c66fa2c876f6"])
    );
    assert_eq!(get("2859621e-7e0d-45d5-b8c0-c66fa2c876f6")["age_days"], 400);
    let with_attachment = get("1f201db5-23aa-4ba3-afe6-0313b091295d");
    let dump = with_attachment["dump_size"].as_u64().unwrap();
    assert_eq!(
        with_attachment["size"].as_u64().unwrap(),
        dump + 409,
        "size counts attachments"
    );
    assert!(doc["database"]["problems"][0]
        .as_str()
        .unwrap()
        .contains("attachments/0b0e1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d/: belongs to no report"));
    assert!(get("6e0f2a4b-8c1d-4e3f-b5a6-7d8c9e0f1a2b")["problems"][0]
        .as_str()
        .unwrap()
        .contains("version 7"));

    // The human table says the same.
    let out = run_at(&[os("list"), db.as_os_str(), os("--color"), os("never")]);
    let text = stdout(&out);
    assert!(text.contains("uploads ENABLED"), "{text}");
    assert!(text.contains("pending (stale lock)"), "{text}");
    assert!(text.contains("would delete 1 report"), "{text}");
}

/// `show` on a database: each pending report as its upload carries it. The form's
/// values are highlighted with the dump's findings, the query carries the install id,
/// a `guid` annotation is replaced, and the attachment's planted values are found.
#[test]
fn show_database_marks_form_attachments_and_install_id() {
    let db = testdata("databases/linux");
    let out = run_at(&[os("show"), db.as_os_str(), os("--color"), os("never")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for want in [
        "Install id      !  ⟦8d551751-9c15-4154-8c77-d0b2e86bcaae⟧",
        "query ?product=CrashyApp&version=1.4.2&guid=⟦8d551751-9c15-4154-8c77-d0b2e86bcaae⟧",
        " !  account           ⟦alice@example.com⟧",
        "current_document  /home/⟦alice⟧/Documents/taxes-2025.pdf",
        "(also set by crashpad.modules[1].simple.current_document",
        "Shown              3 reports (--state pending)",
        "If these 3 reports are sent, the developers receive (in all unless said):",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    assert!(
        !text.contains("app-chosen-guid-is-replaced\n"),
        "guid annotation replaced"
    );
    assert!(
        text.contains("crashpad.modules[0].objects.guid"),
        "and listed as not sent"
    );
    // Reports in the order `list` gives.
    let order: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("━━━━ Report "))
        .map(|l| &l[..36])
        .collect();
    assert_eq!(
        order,
        [
            "03ba6181-e259-4927-bee0-252f9ec06c5e",
            "1f201db5-23aa-4ba3-afe6-0313b091295d",
            "5c1a7e9d-0b2f-4c8e-9a61-2f4d8e7b3c10"
        ]
    );

    let doc = json_of(&[
        os("show"),
        db.as_os_str(),
        os("--json"),
        os("--report"),
        os("1f20"),
    ]);
    assert_eq!(
        doc["selected"],
        serde_json::json!(["1f201db5-23aa-4ba3-afe6-0313b091295d"])
    );
    let report = &doc["reports"][0];
    let attachment = &report["upload"]["attachments"][0];
    assert_eq!(attachment["name"], "app.log");
    let rules: Vec<&str> = attachment["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    for rule in [
        "email",
        "ipv4",
        "payment-card",
        "url-credentials",
        "phone-number",
        "user-name",
    ] {
        assert!(rules.contains(&rule), "{rule} in attachment: {rules:?}");
    }
    let fields = form_fields(&report["upload"]["form"]);
    assert_eq!(fields["guid"], "8d551751-9c15-4154-8c77-d0b2e86bcaae");
    assert_eq!(
        fields["list_annotations"],
        "crashy: loading profile\nlibc: abort() called"
    );
    assert_eq!(
        fields["current_document"],
        "/home/alice/Documents/taxes-2025.pdf"
    );
    assert_eq!(doc["database_findings"][0]["category"], "install-id");
}

/// A truncated `new/` dump, a corrupt `.meta` and a real-writer dump without Crashpad
/// info are each shown as far as they can be; `--state all` shows every report once.
#[test]
fn show_all_reports_even_broken_ones() {
    let db = testdata("databases/linux");
    let doc = json_of(&[
        os("show"),
        db.as_os_str(),
        os("--state"),
        os("all"),
        os("--json"),
    ]);
    let reports = doc["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 9);
    let get = |id: &str| reports.iter().find(|r| r["id"] == id).unwrap();
    let truncated = get("9d8c7b6a-5f4e-4d3c-9b2a-1f0e9d8c7b6a");
    let problems = truncated["dump_document"]["problems"].as_array();
    assert!(
        truncated["dump_error"].is_string() || problems.is_some_and(|p| !p.is_empty()),
        "the truncated dump says what it could not read: {truncated}"
    );
    let orphan = get("7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d");
    assert_eq!(orphan["dump_error"], "the report has no dump file");
    let real = get("03ba6181-e259-4927-bee0-252f9ec06c5e");
    assert_eq!(real["upload"]["form"]["has_crashpad_info"], false);
    assert_eq!(
        form_fields(&real["upload"]["form"])["guid"],
        "00000000-0000-0000-0000-000000000000"
    );
}

#[test]
fn windows_fixture_reads_the_metadata_file() {
    let doc = list_json(&testdata("databases/windows"));
    assert_eq!(doc["database"]["layout"], "windows");
    assert_eq!(doc["database"]["uploads_enabled"], false);
    let s = states(&doc);
    assert_eq!(s["3e5c1a7e-0b2f-4c8e-9a61-2f4d8e7b3c11"], "pending");
    assert_eq!(s["4f6d2b8f-1c3a-4d9f-8b72-3a5e9f8c4d22"], "uploading");
    assert_eq!(s["507e3c90-2d4b-4ea0-9c83-4b6fa09d5e33"], "sent");
    assert_eq!(s["618f4da1-3e5c-4fb1-8d94-5c70b1ae6f44"], "skipped");
    assert_eq!(s["72905eb2-4f6d-40c2-9ea5-6d81c2bf7055"], "orphaned");
    assert_eq!(s["83a16fc3-5a7e-41d3-8fb6-7e92d3c08166"], "in-progress");
    let out = run_at(&[
        os("show"),
        testdata("databases/windows").as_os_str(),
        os("--color"),
        os("never"),
    ]);
    let text = stdout(&out);
    assert!(text.contains("uploads disabled"), "{text}");
    assert!(text.contains("app.log"), "the attachment is shown: {text}");
}

/// macOS metadata lives in extended attributes. Through the reader's trait, with the
/// fixture's attributes from its side file; and through the real file system, with
/// Linux `user.` attributes set on a copy.
#[test]
fn mac_fixture_reads_extended_attributes() {
    use crashscope::source::crashpad::{self, mac::MapXattrs, Layout, State};
    let root = testdata("databases/mac");
    let json: Value =
        serde_json::from_slice(&std::fs::read(testdata("databases/mac.xattrs.json")).unwrap())
            .unwrap();
    let xattrs = MapXattrs::from_json(&root, &json);
    let db = crashpad::open_with(&root, &xattrs, 1_795_403_600).unwrap();
    assert_eq!(db.layout, Layout::Mac);
    let state = |id: &str| db.reports.iter().find(|r| r.id == id).unwrap().state;
    assert_eq!(
        state("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"),
        State::Pending
    );
    assert_eq!(
        state("b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e"),
        State::UploadRequested
    );
    assert_eq!(state("c3d4e5f6-a7b8-4c9d-8e1f-2a3b4c5d6e7f"), State::Sent);
    assert_eq!(
        state("d4e5f6a7-b8c9-4d0e-9f2a-3b4c5d6e7f80"),
        State::InProgress
    );
    let sent = db.reports.iter().find(|r| r.state == State::Sent).unwrap();
    assert_eq!(sent.metadata.as_ref().unwrap().remote_id, "bp-c3d4e5f6");

    // Without its attributes (as git checked it out), the database says why it is odd.
    let bare = list_json(&root);
    assert!(bare["database"]["problems"][0]
        .as_str()
        .unwrap()
        .contains("extended attributes"));

    // The same through the file system, when it keeps user attributes.
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("mac");
    copy_tree(&root, &copy);
    for (rel, attrs) in json.as_object().unwrap() {
        let path = if rel.is_empty() {
            copy.clone()
        } else {
            copy.join(rel)
        };
        for (name, v) in attrs.as_object().unwrap() {
            if let Err(e) = xattr::set(
                &path,
                format!("user.{name}"),
                v.as_str().unwrap().as_bytes(),
            ) {
                assert_eq!(
                    e.raw_os_error(),
                    Some(95),
                    "only 'not supported' may skip: {e}"
                );
                eprintln!(
                    "skipping the file-system half: no user xattrs in {}",
                    tmp.path().display()
                );
                return;
            }
        }
    }
    let doc = list_json(&copy);
    assert_eq!(doc["database"]["layout"], "mac");
    assert_eq!(states(&doc)["c3d4e5f6-a7b8-4c9d-8e1f-2a3b4c5d6e7f"], "sent");
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Names, kinds, modes, sizes, modification times and contents of a whole tree.
fn snapshot(root: &Path) -> Vec<(PathBuf, u32, u64, i128, Vec<u8>)> {
    use std::os::unix::fs::MetadataExt;
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let meta = std::fs::symlink_metadata(&dir).unwrap();
        let mtime = i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec());
        let rel = dir.strip_prefix(root).unwrap().to_path_buf();
        if meta.is_dir() {
            out.push((rel, meta.mode(), 0, mtime, Vec::new()));
            for entry in std::fs::read_dir(&dir).unwrap() {
                stack.push(entry.unwrap().path());
            }
        } else if meta.is_file() {
            out.push((
                rel,
                meta.mode(),
                meta.len(),
                mtime,
                std::fs::read(&dir).unwrap(),
            ));
        } else {
            // A link (its target's name) or a FIFO (never opened: that would block).
            let target = std::fs::read_link(&dir).unwrap_or_default();
            let name = target.to_string_lossy().into_owned().into_bytes();
            out.push((rel, meta.mode(), meta.len(), mtime, name));
        }
    }
    out.sort();
    out
}

/// Make a copy Crashpad-like (0700 directories, 0600 files) so that a write would work.
fn writable_copy(from: &Path, to: &Path) {
    copy_with_modes(from, to, 0o700, 0o600);
}

/// A copy of a tree with every folder and file given one mode.
fn copy_with_modes(from: &Path, to: &Path, dir_mode: u32, file_mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    copy_tree(from, to);
    let mut stack = vec![to.to_path_buf()];
    while let Some(p) = stack.pop() {
        let dir = p.is_dir();
        let mode = if dir { dir_mode } else { file_mode };
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        if dir {
            stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        }
    }
}

/// `list`, `show` (human and JSON, every state) and `audit` leave every fixture database
/// and the real one exactly as they were: names, modes, sizes, mtimes, contents.
#[test]
fn never_writes_to_a_database() {
    let mut sources = vec![
        testdata("databases/linux"),
        testdata("databases/windows"),
        testdata("databases/mac"),
    ];
    if let Some(corpus) = corpus() {
        sources.push(corpus.join("crashpad-db-2"));
    }
    let tmp = tempfile::tempdir().unwrap();
    for (i, source) in sources.iter().enumerate() {
        let db = tmp.path().join(format!("db{i}"));
        writable_copy(source, &db);
        // Settle the copy's own mtimes before the first snapshot.
        let before = snapshot(&db);
        let d = db.as_os_str();
        for args in [
            vec![os("list"), d],
            vec![os("list"), d, os("--json")],
            vec![os("show"), d],
            vec![
                os("show"),
                d,
                os("--state"),
                os("all"),
                os("--threads"),
                os("all"),
            ],
            vec![os("show"), d, os("--state"), os("all"), os("--json")],
            vec![os("audit"), d, os("--no-config")],
            vec![
                os("audit"),
                d,
                os("--no-config"),
                os("--format"),
                os("sarif"),
            ],
        ] {
            let out = run_at(&args);
            // audit exits 1 (findings) or 2 (the truncated new/ dump); never a crash.
            let ok = if args[0] == "audit" {
                vec![0, 1, 2]
            } else {
                vec![0]
            };
            assert!(
                out.status.code().is_some_and(|c| ok.contains(&c)),
                "{args:?}: {:?} {}",
                out.status,
                stderr(&out)
            );
        }
        let after = snapshot(&db);
        assert_eq!(
            before.len(),
            after.len(),
            "{}: files appeared or vanished",
            source.display()
        );
        for (b, a) in before.iter().zip(&after) {
            assert_eq!(b, a, "{}: {} changed", source.display(), b.0.display());
        }
    }
}

/// Garbage inside a database is reported per report and the rest is still shown; only
/// a path that is no database at all is an error (exit 2, one line). Text from the
/// database (a hostile server reply) is escaped.
#[test]
fn corrupt_database_files_are_reported_not_fatal() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    writable_copy(&testdata("databases/linux"), &db);
    std::fs::write(db.join("settings.dat"), b"garbage").unwrap();
    std::fs::write(db.join("pending/not-a-report.txt"), b"?").unwrap();
    let hostile = db.join("completed/2c92bea1-7053-413f-8824-e4c5e5112ef7.meta");
    let mut meta = std::fs::read(&hostile).unwrap();
    meta.truncate(32);
    meta.extend(b"id\x1b[2J\x1b]0;pwned\x07");
    std::fs::write(&hostile, meta).unwrap();
    std::fs::write(
        db.join("pending/1f201db5-23aa-4ba3-afe6-0313b091295d.dmp"),
        b"MDMP\x93\xa7",
    )
    .unwrap();

    let out = run_at(&[os("list"), db.as_os_str(), os("--color"), os("never")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Consent            unknown: settings.dat is 7 bytes"),
        "{text}"
    );
    assert!(
        text.contains("pending/not-a-report.txt: unexpected file"),
        "{text}"
    );
    assert!(
        !text.contains('\x1b') && text.contains("id\\x1b[2J"),
        "escaped: {text}"
    );

    let out = run_at(&[os("show"), db.as_os_str(), os("--color"), os("never")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Dump               cannot be read"), "{text}");
    assert!(
        text.contains("━━━━ Report 5c1a7e9d"),
        "the others are still shown"
    );

    // A directory that is no database, and `list` on a dump: exit 2, one line.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for args in [
        vec![os("show"), empty.as_os_str()],
        vec![os("list"), empty.as_os_str()],
        vec![
            os("list"),
            testdata("dumps/linux-crashy-segv.dmp")
                .into_os_string()
                .leak(),
        ],
        vec![os("show"), db.as_os_str(), os("--report"), os("ffff")],
    ] {
        let out = run_at(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

/// The committed fixtures are what the generator writes today.
#[test]
fn fixture_databases_are_current() {
    let tmp = tempfile::tempdir().unwrap();
    make_databases::generate(tmp.path(), &root());
    for name in ["linux", "windows", "mac"] {
        let fresh = snapshot(&tmp.path().join(name));
        let committed = snapshot(&testdata("databases").join(name));
        let names = |s: &[(PathBuf, u32, u64, i128, Vec<u8>)]| -> Vec<(PathBuf, Vec<u8>)> {
            s.iter().map(|e| (e.0.clone(), e.4.clone())).collect()
        };
        assert!(
            names(&fresh) == names(&committed),
            "testdata/databases/{name} is stale: run cargo run --example make_databases"
        );
    }
    assert_eq!(
        std::fs::read(tmp.path().join("mac.xattrs.json")).unwrap(),
        std::fs::read(testdata("databases/mac.xattrs.json")).unwrap()
    );
    assert!(
        make_databases::clean_dump() == std::fs::read(testdata("clean/no-pii.dmp")).unwrap(),
        "testdata/clean/no-pii.dmp is stale"
    );
}

/// The real database's attachments: every planted value of a category crashscope claims
/// is inside a finding of that attachment (the manifest lists them per file).
#[test]
fn corpus_attachment_values_are_found() {
    let Some(corpus) = corpus() else { return };
    /// Categories no rule claims (the issue notes list them as gaps).
    const UNCLAIMED: [&str; 3] = ["date of birth", "postal address", "card expiry"];
    let db = corpus.join("crashpad-db-2");
    let doc = json_of(&[
        os("show"),
        db.as_os_str(),
        os("--state"),
        os("all"),
        os("--json"),
    ]);
    let manifest = db2_manifest(&corpus);
    let mut checked = 0;
    for artifact in manifest["artifacts"].as_array().unwrap() {
        let name = artifact["artifact"].as_str().unwrap();
        let Some(rest) = name.strip_prefix("crashpad-db-2/attachments/") else {
            continue;
        };
        let (id, file) = rest.split_once('/').unwrap();
        let bytes = std::fs::read(corpus.join(name)).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let report = doc["reports"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("report {id} shown"));
        let attachment = report["upload"]["attachments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == file)
            .unwrap();
        let spans: Vec<(u64, u64)> = attachment["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let s = f["offset"].as_u64().unwrap();
                (s, s + f["length"].as_u64().unwrap())
            })
            .collect();
        for planted in artifact["planted"].as_array().unwrap() {
            let value = planted["value"].as_str().unwrap();
            let category = planted["category"].as_str().unwrap();
            let at = text
                .find(value)
                .unwrap_or_else(|| panic!("{value} in {name}")) as u64;
            let end = at + value.len() as u64;
            let hit = spans.iter().any(|&(s, e)| s < end && at < e);
            if !UNCLAIMED.contains(&category) {
                assert!(hit, "{name}: {category} {value:?} not found");
            }
            checked += 1;
        }
    }
    assert!(checked >= 6 * 17, "checked {checked}");
}

/// Filesystem hostility inside a database: symbolic links (to a file outside, to a
/// folder, in a loop), a FIFO, a folder where a report should be, names that are not
/// UUIDs. Each is reported and skipped, never followed or opened, never fatal for the
/// rest, and nothing is written.
#[test]
fn hostile_files_in_a_database_are_reported_not_followed() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    writable_copy(&testdata("databases/linux"), &db);
    let secret = tmp.path().join("outside-secret.txt");
    std::fs::write(&secret, "root:x:0:0:OUTSIDE-THE-DATABASE").unwrap();
    let id = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
    symlink(&secret, db.join(format!("pending/{id}.dmp"))).unwrap();
    symlink("loop.dmp", db.join("pending/loop.dmp")).unwrap();
    symlink(tmp.path(), db.join("pending/elsewhere")).unwrap();
    std::fs::create_dir(db.join(format!("completed/{id}.dmp"))).unwrap();
    symlink(
        &secret,
        db.join("attachments/1f201db5-23aa-4ba3-afe6-0313b091295d/linked.log"),
    )
    .unwrap();
    let fifo = db.join("attachments/1f201db5-23aa-4ba3-afe6-0313b091295d/pipe.log");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    std::fs::write(db.join("pending/notes.txt"), "x").unwrap();
    let before = snapshot(&db);
    for args in [
        vec![os("list"), db.as_os_str(), os("--json")],
        vec![os("show"), db.as_os_str(), os("--state"), os("all")],
        vec![
            os("audit"),
            db.as_os_str(),
            os("--no-config"),
            os("--format"),
            os("json"),
        ],
    ] {
        let out = run_at(&args);
        assert!(
            out.status.code().is_some_and(|c| c <= 2),
            "{args:?}: {:?} {}",
            out.status,
            stderr(&out)
        );
        let text = stdout(&out);
        assert!(
            !text.contains("OUTSIDE-THE-DATABASE"),
            "{args:?} followed a link"
        );
        if args[0] == "list" {
            let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
            let problems: Vec<&str> = doc["database"]["problems"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap())
                .collect();
            for want in [
                format!("pending/{id}.dmp: a symbolic link, not followed"),
                "pending/loop.dmp: a symbolic link, not followed".to_string(),
                "pending/elsewhere: a symbolic link, not followed".to_string(),
                format!("completed/{id}.dmp: unexpected folder"),
                "pending/notes.txt: unexpected file".to_string(),
                "linked.log: not a regular file".to_string(),
                "pipe.log: not a regular file".to_string(),
            ] {
                assert!(
                    problems.iter().any(|p| p.contains(&want)),
                    "{want}: {problems:?}"
                );
            }
            // The rest is still there.
            assert_eq!(states(&doc).len(), 9);
        }
    }
    assert_eq!(before, snapshot(&db), "nothing written");
}

/// `args` run by [`unprivileged`], with this file's clock; `None` when that cannot be.
fn as_unprivileged(args: &[&std::ffi::OsStr]) -> Option<std::process::Output> {
    let mut cmd = unprivileged()?;
    cmd.env("CRASHSCOPE_NOW", NOW)
        .env("NO_COLOR", "1")
        .args(args);
    Some(cmd.output().expect("run crashscope"))
}

/// Files and folders of a database that exist but cannot be read: each is reported,
/// the rest is read, nothing is written, and `audit` never passes what it could not
/// read (a folder that cannot be listed may hold reports or attachments).
#[test]
fn unreadable_files_in_a_database_are_reported_and_fail_the_audit() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let db = tmp.path().join("db");
    copy_with_modes(&testdata("databases/linux"), &db, 0o755, 0o644);
    let locked = [
        "pending/03ba6181-e259-4927-bee0-252f9ec06c5e.dmp",
        "attachments/1f201db5-23aa-4ba3-afe6-0313b091295d",
        "settings.dat",
        "completed/2859621e-7e0d-45d5-b8c0-c66fa2c876f6.meta",
    ];
    for rel in locked {
        std::fs::set_permissions(db.join(rel), std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    let before = snapshot(&db);
    let Some(list) = as_unprivileged(&[os("list"), db.as_os_str(), os("--json")]) else {
        return;
    };
    assert_eq!(list.status.code(), Some(0), "{}", stderr(&list));
    let doc: Value = serde_json::from_slice(&list.stdout).unwrap();
    let problems = doc["database"]["problems"].to_string();
    assert!(
        problems.contains("attachments/1f201db5-23aa-4ba3-afe6-0313b091295d/: cannot be read"),
        "{problems}"
    );
    assert_eq!(states(&doc).len(), 9, "every report is still listed");
    assert_eq!(
        states(&doc)["2859621e-7e0d-45d5-b8c0-c66fa2c876f6"],
        "unreadable"
    );
    assert!(doc.to_string().contains("settings.dat: cannot read"));

    let show = as_unprivileged(&[os("show"), db.as_os_str(), os("--state"), os("all")]).unwrap();
    assert_eq!(show.status.code(), Some(0), "{}", stderr(&show));
    let text = stdout(&show);
    assert!(text.contains("03ba6181-e259-4927-bee0-252f9ec06c5e.dmp: cannot read"));
    // The readable reports are shown in full.
    assert!(text.contains("alice"), "{text}");

    let audit = as_unprivileged(&[
        os("audit"),
        db.as_os_str(),
        os("--no-config"),
        os("--format"),
        os("json"),
    ])
    .unwrap();
    assert_eq!(audit.status.code(), Some(2), "{}", stderr(&audit));
    let doc: Value = serde_json::from_slice(&audit.stdout).unwrap();
    let errors: Vec<String> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["error"].is_string())
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    for rel in &locked[..3] {
        assert!(
            errors
                .iter()
                .any(|e| e.trim_end_matches('/').ends_with(rel)),
            "{rel}: {errors:?}"
        );
    }
    assert_eq!(before, snapshot(&db), "nothing written");
}

/// Files that vanish while a database is read. Deterministically through the library:
/// a report listed, then its dump and attachment deleted, reads as an error (the
/// commands use these same readers after listing). Then end to end: a thread deletes
/// reports while `show` and `audit` read the database. Whatever the interleaving, no run
/// may crash, every error is one line, and an audit that met a vanished file fails.
#[test]
fn files_vanishing_while_a_database_is_read_are_never_fatal() {
    use crashscope::source::crashpad;
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    writable_copy(&testdata("databases/linux"), &db);
    let listed = crashpad::open(&db, NOW.parse().unwrap()).unwrap();
    let report = listed
        .reports
        .iter()
        .find(|r| r.dump.is_some() && !r.attachments.is_empty())
        .expect("a report with a dump and an attachment");
    let dump = report.dump.clone().unwrap();
    let attachment = report.attachments[0].path.clone();
    std::fs::remove_file(&dump).unwrap();
    std::fs::remove_file(&attachment).unwrap();
    let err = crashscope::report::Report::open(&dump)
        .unwrap_err()
        .to_string();
    assert!(err.to_lowercase().contains("no such file"), "{err}");
    assert!(crashpad::read_attachment(&attachment).is_err());

    // End to end, racing a deleting thread over 300 reports.
    let db = tmp.path().join("racing");
    writable_copy(&testdata("databases/linux"), &db);
    let id = "03ba6181-e259-4927-bee0-252f9ec06c5e";
    let mut copies = Vec::new();
    for i in 0..300u32 {
        let new_id = format!("{i:08x}-0000-4000-8000-000000000000");
        for ext in ["dmp", "meta"] {
            let to = db.join(format!("pending/{new_id}.{ext}"));
            std::fs::copy(db.join(format!("pending/{id}.{ext}")), &to).unwrap();
            copies.push(to);
        }
    }
    let mut met_a_vanished_file = false;
    for args in [
        vec![os("audit"), db.as_os_str(), os("--no-config")],
        vec![os("show"), db.as_os_str(), os("--state"), os("all")],
    ] {
        let doomed: Vec<PathBuf> = copies.iter().rev().step_by(3).cloned().collect();
        let deleter = std::thread::spawn(move || {
            for path in doomed {
                let _ = std::fs::remove_file(path);
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        });
        let out = run_at(&args);
        deleter.join().unwrap();
        let err = stderr(&out);
        assert!(
            matches!(out.status.code(), Some(0..=2)),
            "{args:?}: {:?} {err}",
            out.status
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(
            err.lines()
                .all(|l| l.starts_with("crashscope: ") || l.starts_with("  ") || l.is_empty()),
            "{args:?}: {err}"
        );
        if args[0] == "audit" && err.to_lowercase().contains("no such file") {
            met_a_vanished_file = true;
            assert_eq!(
                out.status.code(),
                Some(2),
                "a vanished file fails the audit"
            );
        }
    }
    eprintln!("the audit met a vanished file: {met_a_vanished_file}");
}

/// A macOS database copied without its extended attributes (git, zip, cloud sync): it
/// is recognised as such from its dumps (written on macOS, no `.meta` anywhere), its
/// reports take their folders' states with creation times from the dumps' headers, and
/// `show` shows the pending ones by default.
#[test]
fn a_macos_database_that_lost_its_metadata() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("mac-copy");
    crate::util::copy_dir(&testdata("databases/mac"), &db);
    // The fixture's dumps say macOS, and carry a time stamp, as Crashpad's do.
    const STAMP: u32 = 1_790_000_000;
    for folder in ["pending", "completed", "new"] {
        for e in std::fs::read_dir(db.join(folder)).unwrap() {
            let path = e.unwrap().path();
            let mut b = std::fs::read(&path).unwrap();
            let at =
                |b: &[u8], i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap()) as usize;
            b[20..24].copy_from_slice(&STAMP.to_le_bytes());
            let (count, dir) = (at(&b, 8), at(&b, 12));
            for i in 0..count {
                let entry = dir + 12 * i;
                if at(&b, entry) == 7 {
                    let info = at(&b, entry + 8);
                    b[info + 20..info + 24].copy_from_slice(&0x8101u32.to_le_bytes());
                }
            }
            std::fs::write(&path, b).unwrap();
        }
    }
    let out = run(["list".as_ref(), db.as_os_str(), "--json".as_ref()]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = doc.to_string();
    assert_eq!(doc["database"]["layout"], "mac-metadata-lost");
    assert!(text.contains("lost in a copy"), "{text}");
    let reports = doc["database"]["reports"].as_array().unwrap();
    let states: Vec<(String, String)> = reports
        .iter()
        .map(|r| {
            (
                r["folder"].as_str().unwrap().to_string(),
                r["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        states.contains(&("pending".into(), "pending".into())),
        "{states:?}"
    );
    assert!(
        states.contains(&("completed".into(), "completed".into())),
        "{states:?}"
    );
    for r in reports {
        if r["folder"] != "new" {
            assert_eq!(r["created"], u64::from(STAMP), "{r}");
            assert_eq!(r["created_from"], "dump", "{r}");
        }
    }
    let human = stdout(&run([
        "list".as_ref(),
        db.as_os_str(),
        "--color".as_ref(),
        "never".as_ref(),
    ]));
    assert!(
        human.contains("macOS layout, metadata lost in a copy"),
        "{human}"
    );
    assert!(
        human.contains("2026-09-21"),
        "creation time from the dump: {human}"
    );
    // show, by default the pending reports: both are shown.
    let shown = stdout(&run([
        "show".as_ref(),
        db.as_os_str(),
        "--color".as_ref(),
        "never".as_ref(),
    ]));
    assert!(
        shown.contains("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"),
        "{shown}"
    );
    assert!(
        shown.contains("b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e"),
        "{shown}"
    );
}
