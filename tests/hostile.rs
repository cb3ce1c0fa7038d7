//! Hostile input: dumps that claim 2^32 of everything, strings of 4 GiB, and hostile
//! text in environment values, attachment names and report file names. Nothing may
//! crash, exhaust memory, hide what could not be read, or reach the terminal raw.

use minidump_synth::SynthMinidump;
use test_assembler::Endian;

use crate::util::{run, stderr, stdout, strip_sgr, testdata};

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

/// The data offset of stream `ty` in a dump.
fn stream(b: &[u8], ty: u32) -> usize {
    let (count, dir) = (u32_at(b, 8) as usize, u32_at(b, 12) as usize);
    let entry = (0..count)
        .map(|i| dir + 12 * i)
        .find(|&e| u32_at(b, e) == ty)
        .unwrap_or_else(|| panic!("no stream {ty:#x}"));
    u32_at(b, entry + 8) as usize
}

fn set_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// `show` and `audit` on `bytes`: no crash, memory bounded, and what could not be read
/// is said (show) and fails the audit (never a clean pass).
fn survives(name: &str, bytes: &[u8]) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(format!("{name}.dmp"));
    std::fs::write(&path, bytes).unwrap();
    let show = run([
        "show".as_ref(),
        path.as_os_str(),
        "--threads".as_ref(),
        "all".as_ref(),
        "--color".as_ref(),
        "never".as_ref(),
    ]);
    let code = show.status.code();
    assert!(
        code == Some(0) || code == Some(2),
        "{name}: show crashed: {:?}\n{}",
        show.status,
        stderr(&show)
    );
    if code == Some(0) {
        assert!(
            stdout(&show).contains("Could not read") || stdout(&show).contains("Not available"),
            "{name}: show does not say what it could not read"
        );
    } else {
        assert_eq!(stderr(&show).lines().count(), 1, "{name}: one-line error");
    }
    let audit = run([
        "audit".as_ref(),
        path.as_os_str(),
        "--no-config".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert!(
        matches!(audit.status.code(), Some(1) | Some(2)),
        "{name}: a dump that could not be read must never pass: {:?}",
        audit.status
    );
}

#[test]
fn counts_claiming_two_to_the_32() {
    let base = std::fs::read(testdata("dumps/linux-crashy-segv.dmp")).unwrap();
    // Stream type → where its count is, from the stream's start.
    for (ty, at, name) in [
        (3u32, 0usize, "threads"),
        (4, 0, "modules"),
        (5, 0, "memory-ranges"),
        (0x18, 0, "thread-names"),
        (0xc, 8, "handles"),
        (0x10, 8, "memory-info"),
    ] {
        let mut b = base.clone();
        let s = stream(&b, ty);
        set_u32(&mut b, s + at, u32::MAX);
        survives(name, &b);
    }
    // The stream directory itself claims 2^32 streams.
    let mut b = base.clone();
    set_u32(&mut b, 8, u32::MAX);
    survives("directory", &b);
}

#[test]
fn strings_claiming_four_gib() {
    let base = std::fs::read(testdata("dumps/linux-crashy-segv.dmp")).unwrap();
    // The first module's name: MINIDUMP_MODULE.ModuleNameRva at offset 20 of the entry.
    let mut b = base.clone();
    let modules = stream(&b, 4);
    let name_rva = u32_at(&b, modules + 4 + 20) as usize;
    set_u32(&mut b, name_rva, 0xffff_fff0);
    survives("module-name", &b);
    // A Crashpad annotation dictionary claiming 2^32 entries and a 4 GiB value.
    let mut b = std::fs::read(testdata(
        "databases/linux/pending/1f201db5-23aa-4ba3-afe6-0313b091295d.dmp",
    ))
    .unwrap();
    let info = stream(&b, 0x4350_0001);
    let dict = u32_at(&b, info + 40) as usize;
    let first_value = u32_at(&b, dict + 8) as usize;
    set_u32(&mut b, first_value, 0xffff_fff0);
    set_u32(&mut b, dict, u32::MAX);
    survives("annotations", &b);
}

/// Hostile text from an environment value, an attachment name and a report file name is
/// shown escaped.
#[test]
fn hostile_text_everywhere_is_escaped() {
    const CLEAR: &str = "\x1b[2J";
    const RLO: &str = "\u{202e}";
    let tmp = tempfile::tempdir().unwrap();
    let dump = SynthMinidump::with_endian(Endian::Little)
        .set_linux_environ(format!("HOME=/home/x{CLEAR}\0NOTE=a{RLO}b\0").as_bytes())
        .finish()
        .unwrap();
    let path = tmp.path().join("env.dmp");
    std::fs::write(&path, dump).unwrap();
    let db = tmp.path().join("db");
    crate::util::copy_dir(&testdata("databases/linux"), &db);
    std::fs::write(
        db.join(format!("pending/evil{CLEAR}name.dmp")),
        b"not a report",
    )
    .unwrap();
    std::fs::write(
        db.join(format!(
            "attachments/1f201db5-23aa-4ba3-afe6-0313b091295d/log{RLO}gpj.exe"
        )),
        b"alice@example.com\n",
    )
    .unwrap();
    for args in [
        vec!["show".as_ref(), path.as_os_str()],
        vec!["show".as_ref(), db.as_os_str()],
        vec!["list".as_ref(), db.as_os_str()],
        vec!["audit".as_ref(), db.as_os_str(), "--no-config".as_ref()],
    ] {
        let mut args = args;
        args.push("--color".as_ref());
        args.push("always".as_ref());
        let out = run(&args);
        let text = stdout(&out) + &stderr(&out);
        let without_colour = strip_sgr(&text);
        for raw in [CLEAR, RLO] {
            assert!(
                !without_colour.contains(raw),
                "{args:?}: raw {raw:?} reached the terminal"
            );
        }
        assert!(
            !without_colour
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{args:?}: a raw control character"
        );
    }
    let text = stdout(&run([
        "show".as_ref(),
        path.as_os_str(),
        "--color".as_ref(),
        "never".as_ref(),
    ]));
    assert!(
        text.contains("HOME=/home/x\\x1b[2J") && text.contains("NOTE=a\\u{202e}b"),
        "{text}"
    );
    let listed = stdout(&run(["list".as_ref(), db.as_os_str()]));
    assert!(listed.contains("evil\\x1b[2Jname.dmp"), "{listed}");
    let shown = stdout(&run(["show".as_ref(), db.as_os_str()]));
    assert!(shown.contains("log\\u{202e}gpj.exe"), "{shown}");
}

/// The child half of `a_dump_truncated_while_mapped_stops_with_a_reason`: maps a dump
/// with the guard the binary installs, truncates it behind the map, then reads it.
/// Without the parent's variable it does nothing.
#[test]
fn truncated_while_mapped_child() {
    let Some(path) = std::env::var_os("CRASHSCOPE_TRUNCATE_CHILD") else {
        return;
    };
    crashscope::report::guard_mapped_reads();
    let report = crashscope::report::Report::open(std::path::Path::new(&path)).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(0)
        .unwrap();
    let sum: u64 = report.bytes().iter().map(|&b| u64::from(b)).sum();
    println!("read {sum} without a fault");
}

/// Another program truncates a dump while crashscope has it mapped (a hostile file, a
/// crash handler rewriting it): the access faults (SIGBUS). The run ends with a
/// one-line reason and exit status 2, not a crash by signal, and never a pass.
#[test]
fn a_dump_truncated_while_mapped_stops_with_a_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("shrinking.dmp");
    std::fs::copy(testdata("dumps/linux-crashy-segv.dmp"), &path).unwrap();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "hostile::truncated_while_mapped_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("CRASHSCOPE_TRUNCATE_CHILD", &path)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("crashscope: a file changed while it was being read"),
        "{err}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("without a fault"));
}

/// A dump whose `threads` threads all claim one shared stack of `stack_kib` KiB, filled
/// with return addresses into its one module: each thread unwinds through the whole
/// stack one word at a time (a walk amplified by the thread count, not the file size).
fn shared_stack_dump(threads: u32, stack_kib: usize) -> Vec<u8> {
    use minidump_synth::{Memory, Module, SystemInfo, Thread};
    use test_assembler::Section;
    const BASE: u64 = 0x40_0000;
    const STACK: u64 = 0x7fff_0000_0000;
    let mut stack = Section::with_endian(Endian::Little);
    for _ in 0..stack_kib * 1024 / 8 {
        stack = stack.D64(BASE + 0x100);
    }
    let stack = Memory::with_section(stack, STACK);
    let context = minidump_synth::amd64_context(Endian::Little, BASE + 0x50, STACK);
    let name = minidump_synth::DumpString::new("/opt/app/libshared.so", Endian::Little);
    let module = Module::new(Endian::Little, BASE, 0x1_0000, &name, 0, 0, None);
    let arch = minidump_common::format::ProcessorArchitecture::PROCESSOR_ARCHITECTURE_AMD64;
    let mut dump = SynthMinidump::with_endian(Endian::Little)
        .add_system_info(SystemInfo::new(Endian::Little).set_processor_architecture(arch as u16))
        .add_module(module)
        .add(name);
    for id in 0..threads {
        dump = dump.add_thread(Thread::new(Endian::Little, id + 1, &stack, &context));
    }
    dump.add(context).add_memory(stack).finish().unwrap()
}

/// 2,000 threads sharing one 64 KiB stack of return addresses: a 160 KiB file that
/// made the walker build frames until the machine killed it (24 GB after 88 s). The
/// walk is stopped at `MAX_FRAMES`; the rest of the report is shown. (Peak memory,
/// measured with /usr/bin/time: 198 MiB, against 24 GB and a kill before.)
#[test]
fn threads_sharing_one_stack_cannot_exhaust_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("shared-stack.dmp");
    std::fs::write(&path, shared_stack_dump(2000, 64)).unwrap();
    let started = std::time::Instant::now();
    let out = run([
        "show".as_ref(),
        path.as_os_str(),
        "--color".as_ref(),
        "never".as_ref(),
        "--detail".as_ref(),
    ]);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let limit = crashscope::symbols::MAX_FRAMES;
    assert!(
        text.contains(&format!("the stackwalk was stopped after {limit} frames")),
        "{text}"
    );
    assert!(
        text.contains("What the report says about you"),
        "the rest of the report is shown"
    );
    // The modules come from their stream when there is no walk.
    assert!(text.contains("Modules (1)"), "{text}");
    assert!(text.contains("/opt/app/libshared.so"), "{text}");
    let doc = crate::util::show_json(&path, &[]);
    assert_eq!(doc["modules"][0]["code_file"], "/opt/app/libshared.so");
    assert_eq!(doc["modules"][0]["symbols"], "not looked up");
    assert!(took < std::time::Duration::from_secs(30), "took {took:?}");
}

/// The same dump walked six times in one process (a database of crafted reports, or a
/// fuzzer): each stopped walk frees what it built. (Found by the `dump` fuzz target:
/// stopped walks once parked their threads with their frames, 200 MB each.)
#[test]
fn stopped_walks_free_their_memory() {
    use crashscope::symbols::{SymbolConfig, Walker};
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("shared-stack.dmp");
    std::fs::write(&path, shared_stack_dump(2000, 64)).unwrap();
    let walker = Walker::new(&SymbolConfig::default());
    for _ in 0..6 {
        let report = crashscope::report::Report::open(&path).unwrap();
        let err = walker.walk(&report).unwrap_err();
        assert!(err.to_string().contains("stopped after"), "{err}");
        assert!(!err.is_out_of_time());
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let peak_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    eprintln!("peak resident memory: {peak_kib} KiB");
    assert!(
        peak_kib < 800 << 10,
        "peak resident memory {peak_kib} KiB after six stopped walks (one takes ~200 MB)"
    );
}
