//! Every byte accounted for: text placed where no parser looks (after the last
//! structure, in a stream's slack past what its parser reads, after a string's first
//! NUL, after a CodeView path, in a module's misc record, in an unused or duplicate
//! stream, in a thread stack no memory list holds) is found, placed, and scrubbed; and
//! for every fixture and corpus dump the byte map puts each byte in exactly one class.

use std::path::Path;

use crate::util::{audit_findings, corpus, dump, md_string, run, stderr, testdata};

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn system_info() -> Vec<u8> {
    let mut s = vec![0u8; 56];
    s[..2].copy_from_slice(&9u16.to_le_bytes()); // AMD64
    s[20..24].copy_from_slice(&2u32.to_le_bytes()); // Windows NT
    s
}

/// Where the data of stream `index` of a dump of `sizes` starts.
fn data_at(sizes: &[usize], index: usize) -> u32 {
    32 + 12 * sizes.len() as u32 + sizes[..index].iter().sum::<usize>() as u32
}

/// A dump of system info and a module list of one module whose name, CodeView and misc
/// records (`name`, `cv`, `misc`) follow the streams, outside any stream (the module list
/// itself must have its exact size).
fn module_dump(name: &[u8], cv: &[u8], misc: &[u8]) -> Vec<u8> {
    let tail = data_at(&[56, 112], 2);
    let (name_at, cv_at) = (tail, tail + name.len() as u32);
    let misc_at = cv_at + cv.len() as u32;
    let mut m = vec![0u8; 108];
    m[..8].copy_from_slice(&0x40_0000u64.to_le_bytes());
    m[8..12].copy_from_slice(&0x1000u32.to_le_bytes());
    m[20..24].copy_from_slice(&name_at.to_le_bytes());
    m[76..80].copy_from_slice(&(cv.len() as u32).to_le_bytes());
    m[80..84].copy_from_slice(&cv_at.to_le_bytes());
    m[84..88].copy_from_slice(&(misc.len() as u32).to_le_bytes());
    m[88..92].copy_from_slice(&misc_at.to_le_bytes());
    let mut list = 1u32.to_le_bytes().to_vec();
    list.extend(m);
    let mut out = dump(&[(7, system_info()), (4, list)]);
    out.extend(name);
    out.extend(cv);
    out.extend(misc);
    out
}

fn cases() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let sys = system_info();
    let mut out = Vec::new();
    // After the last structure.
    let mut trailing = dump(&[(7, sys.clone())]);
    trailing.extend(b"\0\0trailing.one@example.com\0");
    out.push(("trailing data", trailing, "trailing.one@example.com"));
    // Slack inside the system info stream's declared size.
    let mut slack = sys.clone();
    slack.extend(b"\0slack.sys@example.com\0");
    out.push((
        "system info slack",
        dump(&[(7, slack)]),
        "slack.sys@example.com",
    ));
    // A module name whose length covers more than its first NUL.
    let hidden = "lib.so\0name.hidden@example.com";
    let mut name = ((hidden.len() * 2) as u32).to_le_bytes().to_vec();
    name.extend(utf16(hidden));
    name.extend([0, 0]);
    out.push((
        "module name after its NUL",
        module_dump(&name, &[], &[]),
        "name.hidden@example.com",
    ));
    // A CodeView record after its path, and a module's misc debug record.
    let mut cv = b"RSDS".to_vec();
    cv.extend([7u8; 16]);
    cv.extend(1u32.to_le_bytes());
    cv.extend(b"x.pdb\0cv.hidden@example.com\0");
    let misc = b"\x04\0\0\0misc.hidden@example.com\0".to_vec();
    let plain = md_string("lib.so");
    let with_records = module_dump(&plain, &cv, &misc);
    out.push((
        "CodeView after its path",
        with_records.clone(),
        "cv.hidden@example.com",
    ));
    out.push((
        "module misc record",
        with_records,
        "misc.hidden@example.com",
    ));
    // An unused (type 0) stream, and text after an exception and a thread info list.
    out.push((
        "unused stream",
        dump(&[(7, sys.clone()), (0, b"unused.stream@example.com".to_vec())]),
        "unused.stream@example.com",
    ));
    let mut exception = vec![0u8; 168];
    exception.extend(b"\0exception.slack@example.com\0");
    out.push((
        "exception slack",
        dump(&[(7, sys.clone()), (6, exception)]),
        "exception.slack@example.com",
    ));
    let mut info = Vec::new();
    for v in [16u32, 64, 0, 0] {
        info.extend(v.to_le_bytes());
    }
    info.extend(utf16("threadinfo.text@example.com"));
    out.push((
        "thread info list slack",
        dump(&[(7, sys.clone()), (17, info)]),
        "threadinfo.text@example.com",
    ));
    // Bytes no parser reads inside records: the header's checksum, time stamp and flags;
    // an exception's parameters past its count; a module's version block when it has
    // none, and its reserved words.
    let mut header = dump(&[(7, sys.clone())]);
    header[16..31].copy_from_slice(b"hdr@example.io\0");
    out.push(("header checksum, time and flags", header, "hdr@example.io"));
    let mut exception = vec![0u8; 168];
    exception[48..77].copy_from_slice(b"\0exparam.hidden@example.com\0\0");
    out.push((
        "exception parameters past the count",
        dump(&[(7, sys.clone()), (6, exception)]),
        "exparam.hidden@example.com",
    ));
    let plain = md_string("lib.so");
    let module_at = data_at(&[56, 112], 1) as usize + 4;
    let mut versionless = module_dump(&plain, &[], &[]);
    versionless[module_at + 28..module_at + 52].copy_from_slice(b"vi.hidden@example.com\0\0\0");
    out.push((
        "module version block without a signature",
        versionless,
        "vi.hidden@example.com",
    ));
    let mut reserved = module_dump(&plain, &[], &[]);
    reserved[module_at + 92..module_at + 107].copy_from_slice(b"rs@example.org\0");
    out.push(("module reserved words", reserved, "rs@example.org"));
    // The first of two comment streams.
    out.push((
        "first of two comments",
        dump(&[
            (7, sys.clone()),
            (10, b"first.comment@example.com\0".to_vec()),
            (10, b"second comment\0".to_vec()),
        ]),
        "first.comment@example.com",
    ));
    // A thread whose stack descriptor points at bytes no memory list holds.
    let sizes = [56usize, 4 + 48, 40];
    let stack_at = data_at(&sizes, 2);
    let mut thread = vec![0u8; 48];
    thread[..4].copy_from_slice(&7u32.to_le_bytes());
    thread[24..32].copy_from_slice(&0x7ffd_0000_0000u64.to_le_bytes());
    thread[32..36].copy_from_slice(&40u32.to_le_bytes());
    thread[36..40].copy_from_slice(&stack_at.to_le_bytes());
    let mut threads = 1u32.to_le_bytes().to_vec();
    threads.extend(thread);
    let mut stack = b"\0\0stack.hidden@example.com\0".to_vec();
    stack.resize(40, 0);
    out.push((
        "thread stack outside the memory list",
        dump(&[(7, sys), (3, threads), (0x4000_0000, stack)]),
        "stack.hidden@example.com",
    ));
    out
}

fn contains(hay: &[u8], needle: &str) -> bool {
    let wide = utf16(needle);
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
        || hay.windows(wide.len()).any(|w| w == wide)
}

#[test]
fn text_in_every_unclaimed_place_is_found_and_scrubbed() {
    let tmp = tempfile::tempdir().unwrap();
    for (i, (what, bytes, email)) in cases().into_iter().enumerate() {
        let path = tmp.path().join(format!("case{i}.dmp"));
        std::fs::write(&path, &bytes).unwrap();
        let findings = audit_findings(&path);
        let found = findings
            .iter()
            .find(|f| f["rule"] == "email" && f["value"] == email);
        let found = found.unwrap_or_else(|| panic!("{what}: {email} not found"));
        let at = found["offset"].as_u64().unwrap() as usize;
        assert!(contains(&bytes[at..], email), "{what}: placed at its bytes");
        let copy = tmp.path().join(format!("case{i}.scrubbed.dmp"));
        let s = run([
            "scrub".as_ref(),
            path.as_os_str(),
            "-o".as_ref(),
            copy.as_os_str(),
            "--no-config".as_ref(),
        ]);
        assert_eq!(s.status.code(), Some(0), "{what}: {}", stderr(&s));
        assert!(
            !contains(&std::fs::read(&copy).unwrap(), email),
            "{what}: survived the scrub"
        );
    }
}

/// For every fixture and corpus dump, each byte is in exactly one class.
#[test]
fn the_byte_map_covers_every_file() {
    let mut dumps = vec![
        testdata("dumps/linux-crashy-segv.dmp"),
        testdata("dumps/linux-crashy-abort.dmp"),
        testdata("clean/no-pii.dmp"),
    ];
    if let Some(corpus) = corpus() {
        for dir in [
            "dumps",
            "real",
            "crashpad-db-2/pending",
            "crashpad-db-2/completed",
        ] {
            for e in std::fs::read_dir(corpus.join(dir)).unwrap() {
                let p = e.unwrap().path();
                if p.extension().is_some_and(|x| x == "dmp") {
                    dumps.push(p);
                }
            }
        }
    }
    assert!(dumps.len() >= 3);
    for path in dumps {
        let report = match crashscope::report::Report::open(Path::new(&path)) {
            Ok(r) => r,
            Err(_) => continue, // the malformed corpus dumps are refused as a whole
        };
        let inv = crashscope::disclosure::inventory(&report);
        let m = inv.byte_map;
        assert_eq!(m.file_size, report.file_size, "{}", path.display());
        assert!(m.is_complete(), "{}: {m:?}", path.display());
        assert!(m.structure > 0, "{}: {m:?}", path.display());
        // Every unclaimed run that can hold text is among the scanned regions.
        let scanned: u64 = inv
            .regions
            .iter()
            .filter(|r| r.name == Some(crashscope::disclosure::RawBytes::Unclaimed))
            .map(|r| r.len)
            .sum();
        assert_eq!(scanned, m.unclaimed_scanned, "{}", path.display());
    }
}

/// A string annotation whose length covers more than its first NUL: Crashpad uploads the
/// whole value, so the field (and the upload form crashscope prints) holds it whole, and
/// what follows the NUL is scanned.
#[test]
fn a_string_annotation_after_its_nul_is_shown_and_scanned() {
    use minidump_synth::{
        AnnotationValue, CrashpadInfo, DumpString, Module, ModuleCrashpadInfo, SynthMinidump,
    };
    use test_assembler::Endian;
    let e = Endian::Little;
    let value = "ok\0after.nul@example.com";
    let info = CrashpadInfo::new(e).add_module(
        ModuleCrashpadInfo::new(0, e)
            .add_annotation_object("note", AnnotationValue::String(value.to_string())),
    );
    let name = DumpString::new("/opt/app/app", e);
    let module = Module::new(e, 0x40_0000, 0x1000, &name, 0, 0, None);
    let bytes = SynthMinidump::with_endian(e)
        .add_module(module)
        .add(name)
        .add_crashpad_info(info)
        .finish()
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("nul.dmp");
    std::fs::write(&path, bytes).unwrap();
    let doc = crate::util::show_json(&path, &[]);
    let found = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "email" && f["value"] == "after.nul@example.com");
    assert!(found, "{}", doc["findings"]);
    let form = doc["upload_form"].to_string();
    assert!(form.contains("after.nul@example.com"), "{form}");
}
