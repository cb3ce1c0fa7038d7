//! Whose data, decided by evidence: a value a field ties to the user stays theirs
//! wherever else it appears and however many look-alikes surround it, its variants
//! follow it, and servers and other people are named as what they are. Each case is a
//! dump made with `minidump-synth`; the checks read what a person reads (the verdict)
//! and what a program reads (JSON `identity`).

use std::path::Path;

use minidump_synth::{Memory, SynthMinidump};
use test_assembler::{Endian, Section};

use crate::util::{run, show_json, stdout};

/// A dump with `environ` as its environment stream and `heap` as one memory region.
fn dump(environ: &[u8], heap: &[u8]) -> Vec<u8> {
    let e = Endian::Little;
    let memory = Memory::with_section(Section::with_endian(e).append_bytes(heap), 0x5000_0000);
    SynthMinidump::with_endian(e)
        .set_linux_environ(environ)
        .add_memory(memory)
        .finish()
        .unwrap()
}

/// `n` customer records, one e-mail each.
fn customers(n: usize) -> Vec<u8> {
    let mut heap = Vec::new();
    for i in 0..n {
        heap.extend(format!("{{\"id\":{i},\"mail\":\"customer{i}@example.com\"}}\0").as_bytes());
    }
    heap
}

/// The verdict: the lines before the first blank line.
fn verdict(path: &Path) -> String {
    let text = stdout(&run([
        "show".as_ref(),
        path.as_os_str(),
        "--color".as_ref(),
        "never".as_ref(),
    ]));
    text.split("\n\n").next().unwrap().to_string()
}

/// The values JSON `identity.you` lists.
fn you(doc: &serde_json::Value) -> Vec<String> {
    doc["identity"]["you"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| v["value"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_users_email_variants_stay_theirs_among_thousands_of_others() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("variants.dmp");
    let mut heap = customers(5_000);
    heap.extend(b"reply-to alice+crash@example.org\0");
    heap.extend(b"{\"owner\":\"ALICE@EXAMPLE.ORG\"}\0");
    std::fs::write(&path, dump(b"USER=jdoe\0EMAIL=alice@example.org\0", &heap)).unwrap();
    let doc = show_json(&path, &[]);
    assert_eq!(
        doc["identity"]["others"]["e-mail"], 5_000,
        "exactly the customers are other people's: {}",
        doc["identity"]
    );
    let you = you(&doc);
    assert!(
        you.iter()
            .any(|v| v.eq_ignore_ascii_case("alice@example.org")),
        "{you:?}"
    );
    assert!(
        you.iter().any(|v| v == "alice+crash@example.org"),
        "the sub-address follows the user's address: {you:?}"
    );
    let verdict = verdict(&path);
    assert!(verdict.contains("alice@example.org"), "{verdict}");
    assert!(verdict.contains("5,000 e-mails"), "{verdict}");
}

#[test]
fn colleagues_home_paths_do_not_push_the_user_out_of_the_verdict() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("sync.dmp");
    let mut heap = Vec::new();
    for i in 0..25 {
        heap.extend(format!("/home/colleague{i:02}x/Sync/report.docx\0").as_bytes());
    }
    std::fs::write(
        &path,
        dump(
            b"HOME=/home/zed\0USER=zed\0EMAIL=zed@example.org\0HOSTNAME=zed-laptop.example.org\0",
            &heap,
        ),
    )
    .unwrap();
    let verdict = verdict(&path);
    for want in ["user name zed", "zed@example.org", "zed-laptop.example.org"] {
        assert!(verdict.contains(want), "missing {want}:\n{verdict}");
    }
    assert!(
        verdict.lines().count() <= 25,
        "{} lines:\n{verdict}",
        verdict.lines().count()
    );
}

#[test]
fn servers_and_contact_lists_are_not_the_user() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("server.dmp");
    std::fs::write(
        &path,
        dump(
            b"USER=alice\0HOSTNAME=alice-pc.example.org\0DATABASE_URL=postgres://app@db.internal.example.com:5432/x\0",
            b"\0",
        ),
    )
    .unwrap();
    let doc = show_json(&path, &[]);
    let servers: Vec<&str> = doc["identity"]["servers"]
        .as_array()
        .unwrap_or_else(|| panic!("no servers: {}", doc["identity"]))
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(servers, ["db.internal.example.com"]);
    let you = you(&doc);
    assert!(
        !you.iter().any(|v| v == "db.internal.example.com"),
        "{you:?}"
    );
    assert!(you.iter().any(|v| v == "alice-pc.example.org"), "{you:?}");
    let verdict = verdict(&path);
    assert!(
        verdict.contains("Servers        db.internal.example.com"),
        "{verdict}"
    );

    // The repository's database: a `recent_contacts` annotation lists two other
    // people's addresses; the user's own is in the environment.
    let db = crate::util::testdata("databases/linux");
    let text = stdout(&run([
        "show".as_ref(),
        db.as_os_str(),
        "--color".as_ref(),
        "never".as_ref(),
    ]));
    let about: String = text
        .lines()
        .skip_while(|l| !l.contains("About you"))
        .take_while(|l| !l.contains("Secrets"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(about.contains("alice@example.com"), "{about}");
    assert!(
        !about.contains("bob@example.org") && !about.contains("+2 more"),
        "{about}"
    );
}

/// A Mozilla pending report: the e-mail the user typed into the crash reporter's form
/// (`.extra`) is in the heap once more among 5,000 customer records, and stays theirs.
#[test]
fn an_email_typed_into_the_reporter_stays_the_users() {
    let tmp = tempfile::tempdir().unwrap();
    let pending = tmp.path().join("Crash Reports/pending");
    std::fs::create_dir_all(&pending).unwrap();
    let id = "6b1c2f0e-1111-4222-8333-944455556666";
    let mut heap = customers(5_000);
    heap.extend(b"{\"contact\":\"jane.roe@example.net\"}\0");
    std::fs::write(pending.join(format!("{id}.dmp")), dump(b"LANG=C\0", &heap)).unwrap();
    std::fs::write(
        pending.join(format!("{id}.extra")),
        br#"{"ProductName":"Firefox","Email":"jane.roe@example.net","Comments":"it crashed"}"#,
    )
    .unwrap();
    let store = tmp.path().join("Crash Reports");
    let verdict = verdict(&store);
    assert!(verdict.contains("jane.roe@example.net"), "{verdict}");
    let doc = show_json(&store, &[]);
    let report = &doc["reports"][0];
    let dump = &report["dump_document"];
    assert_eq!(
        dump["identity"]["others"]["e-mail"], 5_000,
        "{}",
        dump["identity"]
    );
    assert!(you(dump).iter().any(|v| v == "jane.roe@example.net"));
}
