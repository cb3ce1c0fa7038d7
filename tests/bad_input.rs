//! Garbage, empty, truncated, missing and directory inputs: one line naming the file,
//! exit status 2, never a panic.

use crate::util::{run, stderr, testdata};

fn assert_clean_error(path: &std::path::Path, expect: &str) {
    let out = run(["show".as_ref(), path.as_os_str()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(out.stdout.is_empty(), "nothing on stdout for a bad input");
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    assert!(
        err.contains(&path.display().to_string()),
        "names the file: {err}"
    );
    assert!(err.contains(expect), "says why ({expect}): {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn garbage_file_is_not_a_minidump() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("garbage.dmp");
    std::fs::write(&path, b"PK\x03\x04 this is a zip, not a dump").unwrap();
    assert_clean_error(&path, "not a minidump");
}

#[test]
fn empty_file_is_reported_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.dmp");
    std::fs::write(&path, b"").unwrap();
    assert_clean_error(&path, "is empty");
}

#[test]
fn header_only_truncation_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("short.dmp");
    let full = std::fs::read(testdata("dumps/linux-crashy-segv.dmp")).unwrap();
    std::fs::write(&path, &full[..20]).unwrap();
    assert_clean_error(&path, "too short for a minidump header");
}

#[test]
fn truncated_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.dmp");
    let full = std::fs::read(testdata("dumps/linux-crashy-segv.dmp")).unwrap();
    std::fs::write(&path, &full[..40]).unwrap();
    assert_clean_error(&path, "not a readable minidump");
}

#[test]
fn directory_instead_of_file() {
    let dir = tempfile::tempdir().unwrap();
    assert_clean_error(dir.path(), "is a directory");
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    assert_clean_error(&dir.path().join("nope.dmp"), "no such file");
}

#[test]
fn truncated_body_is_shown_as_far_as_it_can_be() {
    // Cut inside the streams: the directory survives, some streams point past the end.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("half.dmp");
    let full = std::fs::read(testdata("dumps/linux-crashy-segv.dmp")).unwrap();
    std::fs::write(&path, &full[..full.len() / 2]).unwrap();
    let out = run([
        "show".as_ref(),
        path.as_os_str(),
        "--color".as_ref(),
        "never".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Could not read"), "{text}");
    assert!(text.contains("but the file has"), "{text}");
    assert!(stderr(&out).contains("could not be read"));
}

#[test]
fn usage_errors_exit_2() {
    let out = run(["show", "--threads", "some"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_string_pointing_outside_the_file_is_reported_not_skipped() {
    // Point the first thread name of the crasher dump past the end of the file.
    let mut bytes = std::fs::read(testdata("dumps/linux-crashy-segv.dmp")).unwrap();
    let u32_at =
        |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize;
    let (count, dir) = (u32_at(&bytes, 8), u32_at(&bytes, 12));
    let names = (0..count)
        .map(|i| dir + 12 * i)
        .find(|&e| u32_at(&bytes, e) == 24) // ThreadNamesStream
        .map(|e| u32_at(&bytes, e + 8))
        .expect("the fixture has thread names");
    bytes[names + 8..names + 16].copy_from_slice(&0x7fff_fff0u64.to_le_bytes());
    let dir_ = tempfile::tempdir().unwrap();
    let path = dir_.path().join("bad-name.dmp");
    std::fs::write(&path, &bytes).unwrap();

    let out = run([
        "show".as_ref(),
        path.as_os_str(),
        "--color".as_ref(),
        "never".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .any(|l| l.starts_with("Could not read") && l.contains("is outside the file")),
        "{text}"
    );
    assert!(stderr(&out).contains("could not be read"));
}

/// Found by the `dump` fuzz target: a handle data stream claiming 2^32 handles of 0 bytes
/// made minidump 0.27 abort on a 220 GB allocation. The stacks are not walked, the rest
/// of the dump is shown, and the audit still reads everything else.
#[test]
fn hostile_handle_count_does_not_abort() {
    let mut bytes = std::fs::read(crate::util::testdata("dumps/linux-crashy-segv.dmp")).unwrap();
    let u32_at = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
    let (count, dir) = (u32_at(&bytes, 8) as usize, u32_at(&bytes, 12) as usize);
    let entry = (0..count)
        .map(|i| dir + 12 * i)
        .find(|&e| u32_at(&bytes, e) == 0xc)
        .expect("the crasher's dump has a handle data stream");
    let at = u32_at(&bytes, entry + 8) as usize;
    bytes[at + 4..at + 8].copy_from_slice(&0u32.to_le_bytes());
    bytes[at + 8..at + 12].copy_from_slice(&u32::MAX.to_le_bytes());
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("handles.dmp");
    std::fs::write(&path, &bytes).unwrap();
    let out = crate::util::run([
        "show".as_ref(),
        path.as_os_str(),
        "--color".as_ref(),
        "never".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", crate::util::stderr(&out));
    let text = crate::util::stdout(&out);
    assert!(
        text.contains("claims 4294967295 handles of 0 bytes"),
        "{text}"
    );
    assert!(
        text.contains("What the report says about you"),
        "the rest is shown"
    );
}
