//! The view at scale: a dump whose heap holds 20,000 records of other people (e-mail
//! and phone) beside its user's own identity. `show` stays a page a person can read,
//! "Who you are" holds only the user, the other people's data is counted exactly in its
//! own section (and in JSON), and `--all` still lists every finding.

use minidump_synth::{Memory, SynthMinidump};
use test_assembler::{Endian, Section};

use crate::util::{run, show_json, stdout};

fn dense_dump() -> Vec<u8> {
    let mut heap = Vec::new();
    for i in 0..20_000 {
        heap.extend(
            format!(
                "{{\"id\":{i},\"mail\":\"customer{i}@example.com\",\"phone\":\"+44 20 7946 {:04}\"}}\0",
                i % 10_000
            )
            .as_bytes(),
        );
    }
    let e = Endian::Little;
    let memory = Memory::with_section(Section::with_endian(e).append_bytes(&heap), 0x5000_0000);
    SynthMinidump::with_endian(e)
        .set_linux_environ(b"HOME=/home/alice\0USER=alice\0EMAIL=alice@example.org\0")
        .add_memory(memory)
        .finish()
        .unwrap()
}

#[test]
fn a_dense_dump_reads_in_a_page_with_other_peoples_data_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("dense.dmp");
    std::fs::write(&path, dense_dump()).unwrap();
    let text = stdout(&run([
        "show".as_ref(),
        path.as_os_str(),
        "--color".as_ref(),
        "never".as_ref(),
    ]));
    let lines = text.lines().count();
    assert!(lines < 300, "{lines} lines");
    let who: String = text
        .lines()
        .skip_while(|l| !l.starts_with("Who you are"))
        .take_while(|l| !l.starts_with("Other people") && !l.starts_with("Secrets"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        who.contains("alice") && who.contains("alice@example.org"),
        "{who}"
    );
    assert!(!who.contains("customer"), "{who}");
    assert!(
        text.contains("Other people       20,000 e-mails · 10,000 phones"),
        "{text}"
    );
    assert!(text.contains("20000 × 0x"), "{text}");
    let doc = show_json(&path, &[]);
    assert_eq!(doc["identity"]["others"]["e-mail"], 20_000);
    assert_eq!(doc["identity"]["others"]["phone"], 10_000);
    let memory_findings = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["location"]["type"] == "memory" && f["severity"] != "low")
        .count();
    assert!(memory_findings >= 40_000);
    // --all lists every one of them.
    let all = stdout(&run([
        "show".as_ref(),
        path.as_os_str(),
        "--color".as_ref(),
        "never".as_ref(),
        "--all".as_ref(),
    ]));
    let listed = all
        .lines()
        .filter(|l| (l.starts_with(" ! ") || l.starts_with(" !! ")) && l.contains("⟦"))
        .count();
    assert!(listed >= memory_findings, "{listed} of {memory_findings}");
}

/// Every corpus dump reads in under 300 lines: long lists (the 471 modules of an Electron
/// browser, annotations, the environment) show their entries with findings and count
/// the rest, which `--all` lists.
#[test]
fn every_corpus_dump_shows_in_under_300_lines() {
    let Some(corpus) = crate::util::corpus() else {
        return;
    };
    let mut dumps: Vec<std::path::PathBuf> = ["dumps", "real"]
        .iter()
        .flat_map(|d| std::fs::read_dir(corpus.join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "dmp"))
        .collect();
    dumps.sort();
    assert!(dumps.len() >= 10);
    for dump in &dumps {
        let text = stdout(&run([
            "show".as_ref(),
            dump.as_os_str(),
            "--color".as_ref(),
            "never".as_ref(),
        ]));
        let lines = text.lines().count();
        assert!(lines < 300, "{}: {lines} lines", dump.display());
    }
    let browser = corpus.join("dumps/mac-electron-browser.dmp");
    let short = stdout(&run([
        "show".as_ref(),
        browser.as_os_str(),
        "--color".as_ref(),
        "never".as_ref(),
        "--detail".as_ref(),
    ]));
    assert!(short.contains("Modules (471)"), "{short}");
    let left: usize = short
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("… ")?
                .strip_suffix(" more modules without findings (--all lists them)")?
                .parse()
                .ok()
        })
        .expect("the modules left out are counted");
    let all = stdout(&run([
        "show".as_ref(),
        browser.as_os_str(),
        "--color".as_ref(),
        "never".as_ref(),
        "--all".as_ref(),
        "--detail".as_ref(),
    ]));
    let rows = |t: &str| {
        t.lines()
            .filter(|l| {
                l.contains("  0x")
                    && (l.contains(".dylib") || l.contains(".framework") || l.contains('/'))
            })
            .count()
    };
    assert!(
        rows(&all) >= rows(&short) + left,
        "{} rows with --all, {} + {left} without",
        rows(&all),
        rows(&short)
    );
    assert!(!all.contains("more modules without findings"));
}

/// Twenty thousand environment variables each holding an e-mail address (in fields, not
/// in memory): the page shows the first of them and counts the rest by rule, "Who you
/// are" lists its first entries and counts the rest, and `--all` lists every one.
#[test]
fn a_dump_with_thousands_of_flagged_fields_reads_in_a_page_with_exact_counts() {
    let mut environ = Vec::new();
    for i in 0..20_000 {
        environ.extend(format!("V{i}=user{i}@example.com\0").as_bytes());
    }
    let dump = SynthMinidump::with_endian(Endian::Little)
        .set_linux_environ(&environ)
        .finish()
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("many-fields.dmp");
    std::fs::write(&path, dump).unwrap();
    let show = |extra: &[&str]| {
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "show".as_ref(),
            path.as_os_str(),
            "--color".as_ref(),
            "never".as_ref(),
        ];
        args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
        stdout(&run(args))
    };
    let text = show(&[]);
    let lines = text.lines().count();
    assert!(lines < 300, "{lines} lines");
    let listed = text.lines().filter(|l| l.contains("=⟦user")).count();
    assert!(
        text.contains(&format!(
            "findings in variables not listed: {} (email {0}; --all lists them)",
            20_000 - listed
        )),
        "{listed} listed:\n{text}"
    );
    assert!(text.contains("more (e-mail "), "{text}");
    let all = show(&["--all"]);
    assert_eq!(all.lines().filter(|l| l.contains("=⟦user")).count(), 20_000);
    assert!(!all.contains("not listed"), "--all lists everything");
}

/// `show` scans a heap of a few MiB in 1 MiB pieces on both its threads; `audit` scans
/// it in one pass. Values planted across every cut (ASCII, UTF-16 at an odd offset, an
/// environment block, a private key) are reported once by both, at the same bytes, with
/// the same excerpts.
#[test]
fn a_heap_scanned_in_pieces_reports_what_one_pass_reports() {
    const MIB: usize = 1 << 20;
    let mut heap = vec![0u8; 4 * MIB + 4321];
    let mut plant = |at: usize, data: &[u8]| heap[at..at + data.len()].copy_from_slice(data);
    let wide: Vec<u8> = "user dave@example.net!"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let environment = b"HOME=/home/alice\0USER=alice\0SHELL=/bin/sh\0LANG=C\0TERM=xterm\0";
    let key = b"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----";
    for cut in 1..=4 {
        let c = cut * MIB;
        // One of them across the cut, the others away from it.
        let (mail, utf16, env, pem) = match cut {
            1 => (c - 9, c - 20_001, c - 40_000, c + 2_000),
            2 => (c + 100, c - 21, c - 40_000, c + 2_000),
            3 => (c + 100, c - 20_001, c - 40_000, c - 50),
            _ => (c + 100, c - 20_001, c - 20, c + 2_000),
        };
        plant(mail, b"mail carol@example.org now");
        plant(utf16, &wide);
        plant(env, environment);
        plant(pem, key);
        plant(c + 3_000, b"ip 198.51.100.23 x");
    }
    let e = Endian::Little;
    let dump = SynthMinidump::with_endian(e)
        .add_memory(Memory::with_section(
            Section::with_endian(e).append_bytes(&heap),
            0x5000_0000,
        ))
        .finish()
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("pieces.dmp");
    std::fs::write(&path, dump).unwrap();
    let key = |f: &serde_json::Value| {
        (
            f["offset"].as_u64().unwrap(),
            f["length"].as_u64().unwrap(),
            f["rule"].as_str().unwrap().to_string(),
            f["location"]["excerpt"].as_str().map(str::to_string),
        )
    };
    let shown = show_json(&path, &[]);
    let mut from_show: Vec<_> = shown["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(key)
        .collect();
    let mut from_audit: Vec<_> = crate::util::audit_findings(&path).iter().map(key).collect();
    from_show.sort();
    from_audit.sort();
    assert_eq!(from_show, from_audit);
    let count = |rule: &str| from_show.iter().filter(|k| k.2 == rule).count();
    assert_eq!(count("email"), 8, "{from_show:?}");
    assert_eq!(count("private-key"), 4, "{from_show:?}");
    assert_eq!(count("ipv4"), 4, "{from_show:?}");
    assert_eq!(count("env-user-name"), 4, "{from_show:?}");
}
