//! Work bounded by the file, not by its references: many entries pointing at the same
//! bytes (thread names at one long string, modules sharing one name, Crashpad module
//! links to one record with a large dictionary) and a dump revealing 40,000 user names
//! stay within 8× the file size + 256 MiB of address space and a few seconds. Each
//! shape once took gigabytes (2.3 GiB, 1.2 GiB, over 4 GiB) or half a minute.
//!
//! The dumps are written byte by byte here: minidump-synth cannot make entries share
//! their bytes.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::util::{dump, md_string, root, stderr};

/// Where the data of the only stream of a one-stream dump starts.
const BASE1: u32 = 32 + 12;

fn thread_names_sharing_one_string() -> Vec<u8> {
    let n = 8000u32;
    let string_at = BASE1 + 4 + 12 * n;
    let mut s = n.to_le_bytes().to_vec();
    for i in 0..n {
        s.extend((i + 1).to_le_bytes());
        s.extend(u64::from(string_at).to_le_bytes());
    }
    s.extend(md_string(&"x".repeat(140_000)));
    dump(&[(24, s)])
}

fn modules_sharing_one_name() -> Vec<u8> {
    let n = 4000u32;
    let name_at = BASE1 + 4 + 108 * n;
    let mut s = n.to_le_bytes().to_vec();
    for i in 0..n {
        let mut m = vec![0u8; 108];
        m[..8].copy_from_slice(&(0x10000 * u64::from(i + 1)).to_le_bytes());
        m[8..12].copy_from_slice(&0x1000u32.to_le_bytes());
        m[20..24].copy_from_slice(&name_at.to_le_bytes());
        s.extend(m);
    }
    s.extend(md_string(&format!("C:\\lib\\{}", "y".repeat(35_000))));
    dump(&[(4, s)])
}

fn crashpad_links_to_one_record() -> Vec<u8> {
    let (links, entries) = (2500u32, 2500u32);
    let at = |o: u32| BASE1 + o;
    let list_at = 52;
    let info_at = list_at + 4 + 12 * links;
    let dict_at = info_at + 28;
    let key_at = dict_at + 4 + 8 * entries;
    let value_at = key_at + 8;
    let mut s = 1u32.to_le_bytes().to_vec();
    s.extend([0x11; 16]);
    s.extend([0x22; 16]);
    for v in [0, 0, 4 + 12 * links, at(list_at)] {
        s.extend(v.to_le_bytes());
    }
    s.extend(links.to_le_bytes());
    for i in 0..links {
        for v in [i, 28, at(info_at)] {
            s.extend(v.to_le_bytes());
        }
    }
    for v in [1, 0, 0, 4 + 8 * entries, at(dict_at), 0, 0] {
        s.extend(v.to_le_bytes());
    }
    s.extend(entries.to_le_bytes());
    for _ in 0..entries {
        s.extend(at(key_at).to_le_bytes());
        s.extend(at(value_at).to_le_bytes());
    }
    s.extend(3u32.to_le_bytes());
    s.extend(b"key\0");
    s.extend(20u32.to_le_bytes());
    s.extend([b'v'; 20]);
    s.push(0);
    dump(&[(0x4350_0001, s)])
}

fn forty_thousand_users() -> Vec<u8> {
    let n = 40_000u32;
    let base = 32 + 12 * 2;
    let names: Vec<Vec<u8>> = (0..n)
        .map(|i| md_string(&format!("/home/user{i:05}/lib/libx.so")))
        .collect();
    let mut at = base + 4 + 108 * n;
    let mut list = n.to_le_bytes().to_vec();
    for (i, name) in names.iter().enumerate() {
        let mut m = vec![0u8; 108];
        m[..8].copy_from_slice(&(0x10000 * (i as u64 + 1)).to_le_bytes());
        m[8..12].copy_from_slice(&0x1000u32.to_le_bytes());
        m[20..24].copy_from_slice(&at.to_le_bytes());
        list.extend(m);
        at += name.len() as u32;
    }
    for name in &names {
        list.extend(name);
    }
    let memory: Vec<u8> = b"user00001 user39999 hello world "
        .iter()
        .copied()
        .cycle()
        .take(4 << 20)
        .collect();
    let mem_at = base + list.len() as u32 + 4 + 16;
    let mut mem = 1u32.to_le_bytes().to_vec();
    mem.extend(0x700_0000u64.to_le_bytes());
    mem.extend((memory.len() as u32).to_le_bytes());
    mem.extend(mem_at.to_le_bytes());
    mem.extend(memory);
    dump(&[(4, list), (5, mem)])
}

/// Run the binary with its address space capped at 8× the file + 256 MiB.
fn bounded(path: &Path, args: &[&str]) -> (Option<i32>, Duration, String) {
    let size = std::fs::metadata(path).unwrap().len();
    let limit = 8 * size + (256 << 20);
    let started = Instant::now();
    let out = std::process::Command::new("prlimit")
        .arg(format!("--as={limit}"))
        .arg(env!("CARGO_BIN_EXE_crashscope"))
        .args(args)
        .arg(path)
        .args(["--time-budget", "3", "--color", "never"])
        .env("NO_COLOR", "1")
        .current_dir(root())
        .output()
        .expect("prlimit (util-linux) runs the binary");
    (out.status.code(), started.elapsed(), stderr(&out))
}

#[test]
fn aliased_bytes_and_many_names_stay_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("thread-names", thread_names_sharing_one_string()),
        ("modules", modules_sharing_one_name()),
        ("crashpad-links", crashpad_links_to_one_record()),
        ("users", forty_thousand_users()),
    ] {
        let path = tmp.path().join(format!("{name}.dmp"));
        std::fs::write(&path, bytes).unwrap();
        for cmd in [&["show"][..], &["audit", "--no-config"][..]] {
            let (code, took, err) = bounded(&path, cmd);
            assert!(
                matches!(code, Some(0..=2)),
                "{name} {cmd:?}: exit {code:?} (killed or out of memory?): {err}"
            );
            assert!(
                !err.contains("panicked") && !err.contains("memory allocation"),
                "{err}"
            );
            // The run has a 3 s budget: this says it stops, not how fast (generous, for
            // a debug build on a loaded 2-core machine).
            assert!(
                took < Duration::from_secs(30),
                "{name} {cmd:?} took {took:?}"
            );
        }
    }
}

/// Bytes shared by many entries are listed a few times, and the rest are counted; a
/// name-list stream whose entries share one string is not handed to the parser at all
/// (it would decode the string once per entry) and is said to be unread.
#[test]
fn shared_strings_are_counted_not_repeated() {
    let tmp = tempfile::tempdir().unwrap();
    let show = |name: &str, bytes: Vec<u8>| {
        let path = tmp.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = crate::util::run([
            "show".as_ref(),
            path.as_os_str(),
            "--color".as_ref(),
            "never".as_ref(),
            "--detail".as_ref(),
        ]);
        crate::util::stdout(&out)
    };
    let text = show("links.dmp", crashpad_links_to_one_record());
    assert!(
        text.contains("Shared bytes ") && text.contains("more entries"),
        "{text}"
    );
    let text = show("thread-names.dmp", thread_names_sharing_one_string());
    assert!(
        text.contains("the thread names stream") && text.contains("not read"),
        "{text}"
    );
}

/// The time budget covers the checking of fields too: a dump with 40,000 module paths
/// under a 0.1 ms budget ends with the budget reported, and the audit fails closed.
#[test]
fn the_budget_covers_the_fields() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("users.dmp");
    std::fs::write(&path, forty_thousand_users()).unwrap();
    let out = crate::util::run([
        "audit".as_ref(),
        path.as_os_str(),
        "--no-config".as_ref(),
        "--time-budget".as_ref(),
        "0.0001".as_ref(),
        "--color".as_ref(),
        "never".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = crate::util::stdout(&out);
    assert!(text.contains("ran out while checking fields"), "{text}");
}

/// The shapes above with each stream's size exactly its table, as writers make it (the
/// shared string lies after the stream): the parser would decode the string once per
/// entry, 2.3 GB for a 296 KB file. The stream is not handed to it, and is said unread:
/// `show` and `audit` stay within the bound, and `audit` fails on what it did not read.
#[test]
fn entries_sharing_one_name_outside_their_stream_are_not_decoded() {
    let tmp = tempfile::tempdir().unwrap();
    for (kind, what) in [(24u32, "thread names"), (4, "module list")] {
        let (entry_size, name_at, wide) = if kind == 24 {
            (12, 4, true)
        } else {
            (108, 20, false)
        };
        let n = 8000u32;
        let table = 4 + n as usize * entry_size;
        let string_at = BASE1 as usize + table;
        let mut s = n.to_le_bytes().to_vec();
        for i in 0..n {
            let mut entry = vec![0u8; entry_size];
            entry[..4].copy_from_slice(&(i + 1).to_le_bytes());
            if wide {
                entry[name_at..name_at + 8].copy_from_slice(&(string_at as u64).to_le_bytes());
            } else {
                entry[name_at..name_at + 4].copy_from_slice(&(string_at as u32).to_le_bytes());
            }
            s.extend(entry);
        }
        let mut bytes = dump(&[(kind, s)]);
        bytes.extend(md_string(&"A".repeat(100_000)));
        let path = tmp.path().join(format!("outside-{kind}.dmp"));
        std::fs::write(&path, bytes).unwrap();
        for cmd in [&["show"][..], &["audit", "--no-config"][..]] {
            let (code, took, err) = bounded(&path, cmd);
            let want = if cmd[0] == "show" { 0 } else { 1 };
            assert_eq!(code, Some(want), "{what} {cmd:?}: {err}");
            assert!(
                took < Duration::from_secs(30),
                "{what} {cmd:?} took {took:?}"
            );
        }
        let out = crate::util::run([
            "show".as_ref(),
            path.as_os_str(),
            "--color".as_ref(),
            "never".as_ref(),
        ]);
        let text = crate::util::stdout(&out);
        assert!(
            text.contains(&format!("the {what} stream")) && text.contains("not read"),
            "{what}: {text}"
        );
    }
}
