//! Nothing unread passes: a symbolic link, a FIFO or a folder where a dump or an
//! attachment is expected, in a folder or a database, is an `unreadable-data` finding
//! that fails the audit at any threshold; `scrub DB` refuses such a database unless
//! `--skip-unreadable`, and then names what it left out.

use std::path::Path;

use crate::util::{copy_dir, run, stderr, stdout, testdata};

fn audit(path: &Path, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "audit".as_ref(),
        path.as_os_str(),
        "--no-config".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    let out = run(&args);
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    (out.status.code(), doc)
}

fn unread_paths(doc: &serde_json::Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "unreadable-data" && f["status"] == "fail")
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect()
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo");
}

#[test]
fn links_and_fifos_in_a_folder_fail_the_audit() {
    let tmp = tempfile::tempdir().unwrap();
    let clean = testdata("clean/no-pii.dmp");
    let dir = tmp.path().join("dumps");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(&clean, dir.join("clean.dmp")).unwrap();
    // The clean folder passes.
    let (code, _) = audit(&dir, &[]);
    assert_eq!(code, Some(0));
    // A link to a dirty dump, a FIFO named like a dump, a link to a folder.
    std::os::unix::fs::symlink(
        testdata("dumps/linux-crashy-segv.dmp"),
        dir.join("link.dmp"),
    )
    .unwrap();
    mkfifo(&dir.join("pipe.dmp"));
    std::os::unix::fs::symlink(testdata("dumps"), dir.join("more")).unwrap();
    for threshold in ["medium", "high"] {
        let (code, doc) = audit(&dir, &["--fail-on", threshold]);
        assert_eq!(code, Some(1), "{}", doc["summary"]);
        let unread = unread_paths(&doc);
        for name in ["link.dmp", "pipe.dmp", "more"] {
            assert!(
                unread.iter().any(|p| p.ends_with(name)),
                "{name}: {unread:?}"
            );
        }
    }
}

#[test]
fn links_and_fifos_in_a_database_fail_the_audit_and_stop_the_scrub() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    copy_dir(&testdata("databases/linux"), &db);
    let pending = db.join("pending");
    let a_dump = std::fs::read_dir(&pending)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "dmp"))
        .unwrap();
    // A dump replaced by a link, a FIFO where a dump would be, a linked attachment.
    let id = "0c9f8e7d-6b5a-4c3d-8e2f-1a0b9c8d7e6f";
    std::fs::rename(&a_dump, tmp.path().join("moved.dmp")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("moved.dmp"), &a_dump).unwrap();
    mkfifo(&pending.join(format!("{id}.dmp")));
    let attachments = std::fs::read_dir(db.join("attachments"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .next()
        .unwrap();
    std::os::unix::fs::symlink("/etc/hostname", attachments.join("linked.log")).unwrap();
    // The fixture's truncated new/ dump is an error of its own (exit 2); what matters
    // here is that each entry not read is a failing finding, whatever the threshold.
    let (code, doc) = audit(&db, &["--fail-on", "high"]);
    assert_ne!(code, Some(0));
    let unread = unread_paths(&doc);
    let name = a_dump.file_name().unwrap().to_string_lossy().into_owned();
    for want in [name.as_str(), &format!("{id}.dmp"), "linked.log"] {
        assert!(
            unread.iter().any(|p| p.ends_with(want)),
            "{want}: {unread:?}"
        );
    }
    // scrub refuses, writes nothing; with --skip-unreadable it names what it left out.
    let out = tmp.path().join("copy");
    let r = run([
        "scrub".as_ref(),
        db.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--no-config".as_ref(),
    ]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(stderr(&r).contains("could not be read"), "{}", stderr(&r));
    assert!(!out.exists());
    let r = run([
        "scrub".as_ref(),
        db.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--no-config".as_ref(),
        "--skip-unreadable".as_ref(),
        "--json".as_ref(),
    ]);
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    let doc: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    let left: Vec<String> = doc["left_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["path"].as_str().unwrap().to_string())
        .collect();
    for want in [name.as_str(), &format!("{id}.dmp"), "linked.log"] {
        assert!(left.iter().any(|p| p.ends_with(want)), "{want}: {left:?}");
    }
}

/// A store's own small files (settings.dat, a Windows `metadata`, lock files) are read
/// only when they are regular files of bounded size: a FIFO once hung `list` and
/// `audit`, and a link to `/dev/zero` was read until memory ran out.
#[cfg(unix)]
#[test]
fn a_stores_settings_that_is_a_fifo_or_a_link_to_zero_is_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    fn fifo(p: &Path) {
        let _ = std::process::Command::new("mkfifo").arg(p).status();
    }
    fn zero(p: &Path) {
        std::os::unix::fs::symlink("/dev/zero", p).unwrap();
    }
    type Make = fn(&Path);
    let makers: [(&str, Make); 2] = [("fifo", fifo), ("zero", zero)];
    for (name, make) in makers {
        let db = tmp.path().join(name);
        copy_dir(&testdata("databases/linux"), &db);
        let settings = db.join("settings.dat");
        std::fs::remove_file(&settings).unwrap();
        make(&settings);
        if !std::fs::symlink_metadata(&settings).is_ok_and(|m| !m.is_file()) {
            assert!(std::env::var_os("CI").is_none(), "mkfifo is missing in CI");
            eprintln!("skipping {name}: could not make it");
            continue;
        }
        for args in [vec!["list"], vec!["audit", "--no-config"]] {
            let mut child = crate::util::crashscope()
                .args(&args)
                .arg(&db)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let started = std::time::Instant::now();
            let status = loop {
                if let Some(status) = child.try_wait().unwrap() {
                    break status;
                }
                if started.elapsed() > std::time::Duration::from_secs(30) {
                    let _ = child.kill();
                    panic!("{name}: {args:?} did not finish");
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            };
            let out = child.wait_with_output().unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                text.contains("not a regular file"),
                "{name} {args:?}: {text}"
            );
            if args[0] == "audit" {
                assert_ne!(status.code(), Some(0), "{name}: what was not read fails");
            }
        }
    }
}
