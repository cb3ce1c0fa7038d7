//! Outputs never go over an input: `audit --output` naming a dump, a file inside an
//! audited folder, the config or the baseline, and `scrub -o` naming its input, its key
//! or a place inside the database it reads, are refused with exit 2 before anything is
//! written. Temporary files are created exclusively under names nobody can predict.

use std::path::Path;

use crate::util::{run, stderr, testdata};

fn hash(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn audit_output_over_an_input_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("dumps");
    std::fs::create_dir(&dir).unwrap();
    let dump = dir.join("a.dmp");
    std::fs::copy(testdata("dumps/linux-crashy-segv.dmp"), &dump).unwrap();
    let before = hash(&dump);
    let config = tmp.path().join("crashscope.toml");
    std::fs::write(&config, "fail-on = \"high\"\n").unwrap();
    let link = tmp.path().join("link.dmp");
    std::os::unix::fs::symlink(&dump, &link).unwrap();
    for (target, paths) in [
        (&dump, vec![dump.as_os_str()]),
        (&dump, vec![dir.as_os_str()]),
        (&link, vec![dump.as_os_str()]),
        (&config, vec![dump.as_os_str()]),
    ] {
        let mut args: Vec<&std::ffi::OsStr> = vec!["audit".as_ref()];
        args.extend(paths);
        args.extend([
            "--config".as_ref(),
            config.as_os_str(),
            "--output".as_ref(),
            target.as_os_str(),
        ]);
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("refusing"), "{}", stderr(&out));
        assert_eq!(hash(&dump), before, "the dump is unchanged");
    }
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "fail-on = \"high\"\n"
    );
    // A new file beside the inputs is fine.
    let report = tmp.path().join("report.json");
    let out = run([
        "audit".as_ref(),
        dir.as_os_str(),
        "--no-config".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "--output".as_ref(),
        report.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(report.is_file());
    // No temporary file is left behind.
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn scrub_output_over_an_input_or_into_the_database_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    crate::util::copy_dir(&testdata("databases/linux"), &db);
    let dump = tmp.path().join("a.dmp");
    std::fs::copy(testdata("dumps/linux-crashy-segv.dmp"), &dump).unwrap();
    let before = hash(&dump);
    for (input, output) in [
        (dump.clone(), dump.clone()),
        (db.clone(), db.join("scrubbed")),
        (db.clone(), db.clone()),
    ] {
        let out = run([
            "scrub".as_ref(),
            input.as_os_str(),
            "-o".as_ref(),
            output.as_os_str(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{output:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("refusing"), "{}", stderr(&out));
    }
    assert_eq!(hash(&dump), before);
    assert!(!db.join("scrubbed").exists());
}

#[test]
fn temporary_files_are_new_and_unpredictable() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("out.dmp");
    let a = crashscope::fsutil::temp_file_beside(&target, ".scrub.tmp").unwrap();
    let b = crashscope::fsutil::temp_file_beside(&target, ".scrub.tmp").unwrap();
    assert_ne!(a, b);
    assert_eq!(std::fs::metadata(&a).unwrap().len(), 0);
    // A link planted where a temporary file was is refused, not written through.
    let victim = tmp.path().join("victim");
    std::fs::write(&victim, b"keep").unwrap();
    std::fs::remove_file(&a).unwrap();
    std::os::unix::fs::symlink(&victim, &a).unwrap();
    assert!(crashscope::fsutil::open_for_write_no_follow(&a, true).is_err());
    assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
    // An atomic write replaces a link at the target instead of following it.
    let planted = tmp.path().join("report.json");
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    crashscope::fsutil::write_atomic(&planted, b"report").unwrap();
    assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
    assert_eq!(std::fs::read(&planted).unwrap(), b"report");
}
