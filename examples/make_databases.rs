//! Write the fixture Crashpad databases of `testdata/databases/`: one per layout
//! (generic/Linux, Windows, macOS), covering every report state and the broken files a
//! reader meets in the field. Byte layouts follow `../shared/crashpad-formats.md`.
//!
//! Dumps are either the crasher's real minidumps (`testdata/dumps/`, written by
//! minidump-writer) or minidump-synth dumps that carry a CrashpadInfo stream with
//! annotations, the way Crashpad's handler writes them. Every personal value is
//! fabricated (alice, example.com, documentation IP ranges, test card numbers).
//!
//! Run: `cargo run --example make_databases` (deterministic: the same bytes on every
//! run; `tests/database.rs` checks the committed copy is current). It also writes
//! `testdata/clean/no-pii.dmp`, a dump with nothing personal in it, which `audit` passes.
//! `cargo run --example make_databases -- big 10000 DIR [real]` writes a large database
//! for `scripts/bench-db.sh`.

use std::path::{Path, PathBuf};

use minidump_common::format::GUID;
use minidump_synth::{
    amd64_context, AnnotationValue, CrashpadInfo, DumpString, Memory, Module, ModuleCrashpadInfo,
    SynthMinidump, SystemInfo, Thread,
};
use test_assembler::{Endian, Section};

/// 2026-11-23 02:13:20 UTC: "now" for the fixtures' times.
const T0: i64 = 1_795_400_000;
const DAY: i64 = 86_400;
const CLIENT_ID: &str = "8d551751-9c15-4154-8c77-d0b2e86bcaae";

fn guid_bytes(uuid: &str) -> [u8; 16] {
    crashscope::source::crashpad::uuid_bytes(uuid).expect("a UUID")
}

fn guid(uuid: &str) -> GUID {
    let b = guid_bytes(uuid);
    GUID {
        data1: u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
        data2: u16::from_le_bytes([b[4], b[5]]),
        data3: u16::from_le_bytes([b[6], b[7]]),
        data4: b[8..16].try_into().expect("8 bytes"),
    }
}

/// A Crashpad-shaped dump: one thread whose stack holds a planted environment, the app
/// module in alice's home, and CrashpadInfo with process and module annotations.
fn crashpad_dump(report_id: &str, client_id: &str, variant: u8) -> Vec<u8> {
    let e = Endian::Little;
    let mut stack_bytes = Section::with_endian(e).append_repeated(0, 0x40);
    stack_bytes = stack_bytes
        .append_bytes(b"HOME=/home/alice\0USER=alice\0HOSTNAME=alice-laptop.corp.example.com\0")
        .append_bytes(b"GITHUB_TOKEN=ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake0123\0")
        .append_repeated(0, 0x80);
    let mut info = CrashpadInfo::new(e)
        .report_id(guid(report_id))
        .client_id(guid(client_id))
        .add_simple_annotation("prod", "CrashyApp")
        .add_simple_annotation("ver", "1.4.2")
        .add_simple_annotation("channel", "beta")
        .add_simple_annotation("account", "alice@example.com");
    // Module 1 (libc) is linked first, as a handler may list them: the form still takes
    // module 0's values first.
    info = info.add_module(
        ModuleCrashpadInfo::new(1, e)
            .add_simple_annotation("current_document", "/home/alice/Documents/other.pdf")
            .add_list_annotation("libc: abort() called"),
    );
    let mut app_info = ModuleCrashpadInfo::new(0, e)
        .add_simple_annotation("current_document", "/home/alice/Documents/taxes-2025.pdf")
        .add_list_annotation("crashy: loading profile")
        .add_annotation_object(
            "account_url",
            AnnotationValue::String(
                "https://app.example.com/account?session=s3ss10n-7f9a2b&user=alice".into(),
            ),
        )
        .add_annotation_object(
            "recent_contacts",
            AnnotationValue::Custom(
                0x8001,
                byte_array(b"\x02\x00bob@example.org\x00carol@example.net"),
            ),
        );
    if variant == 1 {
        app_info = app_info.add_annotation_object(
            "guid",
            AnnotationValue::String("app-chosen-guid-is-replaced".into()),
        );
    }
    info = info.add_module(app_info);
    app_dump(
        stack_bytes,
        4242,
        "/home/alice/projects/crashy/bin/crashy",
        info,
    )
}

/// An amd64 dump of one thread with `stack` (at 0x7ffd_0000_0000), the app module at
/// `app_path` and libc, and `info` as its CrashpadInfo.
fn app_dump(stack: Section, thread_id: u32, app_path: &str, info: CrashpadInfo) -> Vec<u8> {
    let e = Endian::Little;
    let stack = Memory::with_section(stack, 0x7ffd_0000_0000);
    let context = amd64_context(e, 0x5555_0000_1234, 0x7ffd_0000_0000);
    let thread = Thread::new(e, thread_id, &stack, &context);
    let app_path = DumpString::new(app_path, e);
    let app = Module::new(e, 0x5555_0000_0000, 0x10000, &app_path, 0, 0, None);
    let libc_path = DumpString::new("/usr/lib/x86_64-linux-gnu/libc.so.6", e);
    let libc = Module::new(e, 0x7f00_0000_0000, 0x20000, &libc_path, 0, 0, None);
    SynthMinidump::with_endian(e)
        .add_thread(thread)
        .add_memory(stack)
        .add(context)
        .add_module(app)
        .add(app_path)
        .add_module(libc)
        .add(libc_path)
        .add_crashpad_info(info)
        .add_system_info(SystemInfo::new(e).set_processor_architecture(9))
        .finish()
        .expect("synth dump")
}

/// A `MinidumpByteArray` (u32 length, then the bytes). minidump-synth writes a custom
/// annotation's bytes as given, without the length Crashpad writes, so add it here.
fn byte_array(bytes: &[u8]) -> Vec<u8> {
    let mut out = (bytes.len() as u32).to_le_bytes().to_vec();
    out.extend(bytes);
    out
}

/// `settings.dat`: magic, version 1, options, padding, last upload, client id.
fn settings(uploads_enabled: bool, last_upload: i64, client_id: &str) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend(0x4350_6473u32.to_le_bytes());
    b.extend(1u32.to_le_bytes());
    b.extend(u32::from(uploads_enabled).to_le_bytes());
    b.extend(0u32.to_le_bytes());
    b.extend(last_upload.to_le_bytes());
    b.extend(guid_bytes(client_id));
    b
}

/// A 64-bit writer's `.meta`; `attrs` bit0 uploaded, bit1 upload requested.
fn meta64(attempts: i32, last: i64, created: i64, attrs: u8, remote: &str) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend(1i32.to_le_bytes());
    b.extend(attempts.to_le_bytes());
    b.extend(last.to_le_bytes());
    b.extend(created.to_le_bytes());
    b.push(attrs);
    b.extend([0xaa; 7]); // uninitialised padding, as Crashpad leaves it
    b.extend(remote.as_bytes());
    b
}

/// A 32-bit writer's `.meta` (4-byte `time_t`, 24-byte header).
fn meta32(attempts: i32, last: i64, created: u32, attrs: u8, remote: &str) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend(1i32.to_le_bytes());
    b.extend(attempts.to_le_bytes());
    b.extend(last.to_le_bytes());
    b.extend(created.to_le_bytes());
    b.push(attrs);
    b.extend([0xaa; 3]);
    b.extend(remote.as_bytes());
    b
}

const APP_LOG: &str = "\
2026-11-22 21:14:03 INFO  starting CrashyApp 1.4.2 (beta)
2026-11-22 21:14:04 INFO  login ok user=alice@example.com ip=203.0.113.45
2026-11-22 21:14:09 WARN  retrying POST https://alice:Sup3rS3cret!@api.example.com/v1/upload
2026-11-22 21:14:10 INFO  billing card on file 4111 1111 1111 1111, support line +1 415 555 0132
2026-11-22 21:14:12 ERROR profile load failed: /home/alice/.config/crashy/profile.json
";

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn real_dump(repo: &Path, name: &str) -> Vec<u8> {
    std::fs::read(repo.join("testdata/dumps").join(name)).expect("crasher dump")
}

/// The generic (Linux) layout: every state and broken file.
fn linux(root: &Path, repo: &Path) {
    write(
        &root.join("settings.dat"),
        &settings(true, T0 - 2 * DAY, CLIENT_ID),
    );
    let ids = [
        "1f201db5-23aa-4ba3-afe6-0313b091295d", // 0 pending, annotations, attachment
        "03ba6181-e259-4927-bee0-252f9ec06c5e", // 1 pending, upload requested, 32-bit meta, real dump
        "5c1a7e9d-0b2f-4c8e-9a61-2f4d8e7b3c10", // 2 pending, stale lock
        "6e0f2a4b-8c1d-4e3f-b5a6-7d8c9e0f1a2b", // 3 pending, corrupt meta
        "2c92bea1-7053-413f-8824-e4c5e5112ef7", // 4 sent
        "2859621e-7e0d-45d5-b8c0-c66fa2c876f6", // 5 skipped, 400 days old
        "f55bd406-8044-4bb7-8bd0-55f325066a64", // 6 failed
        "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", // 7 orphan .meta (no dump)
        "9d8c7b6a-5f4e-4d3c-9b2a-1f0e9d8c7b6a", // 8 new/, truncated dump
    ];
    let p = |folder: &str, id: &str, ext: &str| root.join(folder).join(format!("{id}.{ext}"));
    write(
        &p("pending", ids[0], "dmp"),
        &crashpad_dump(ids[0], CLIENT_ID, 1),
    );
    write(
        &p("pending", ids[0], "meta"),
        &meta64(0, 0, T0 - 3600, 0, ""),
    );
    write(
        &root.join("attachments").join(ids[0]).join("app.log"),
        APP_LOG.as_bytes(),
    );

    write(
        &p("pending", ids[1], "dmp"),
        &real_dump(repo, "linux-crashy-segv.dmp"),
    );
    write(
        &p("pending", ids[1], "meta"),
        &meta32(0, 0, (T0 - 7200) as u32, 2, ""),
    );

    write(
        &p("pending", ids[2], "dmp"),
        &crashpad_dump(ids[2], CLIENT_ID, 0),
    );
    write(
        &p("pending", ids[2], "meta"),
        &meta64(0, 0, T0 - 4 * DAY, 0, ""),
    );
    write(&p("pending", ids[2], "lock"), &(T0 - 4 * DAY).to_le_bytes());

    write(
        &p("pending", ids[3], "dmp"),
        &crashpad_dump(ids[3], CLIENT_ID, 0),
    );
    let mut bad = meta64(0, 0, T0 - DAY, 0, "");
    bad[0] = 7; // version 7: Crashpad would delete the report
    write(&p("pending", ids[3], "meta"), &bad);

    write(
        &p("completed", ids[4], "dmp"),
        &real_dump(repo, "linux-crashy-abort.dmp"),
    );
    write(
        &p("completed", ids[4], "meta"),
        &meta64(
            1,
            T0 - DAY,
            T0 - DAY - 60,
            1,
            "CrashID=bp-6c7f2a10-7d3e-4f5a-9b1c-2d3e4f5a6b7c",
        ),
    );
    write(
        &p("completed", ids[5], "dmp"),
        &crashpad_dump(ids[5], CLIENT_ID, 0),
    );
    write(
        &p("completed", ids[5], "meta"),
        &meta64(0, 0, T0 - 400 * DAY, 0, ""),
    );
    write(
        &p("completed", ids[6], "dmp"),
        &crashpad_dump(ids[6], CLIENT_ID, 0),
    );
    write(
        &p("completed", ids[6], "meta"),
        &meta64(1, T0 - 5 * DAY, T0 - 5 * DAY, 0, ""),
    );
    write(
        &p("completed", ids[7], "meta"),
        &meta64(0, 0, T0 - 6 * DAY, 0, ""),
    );

    let full = crashpad_dump(ids[8], CLIENT_ID, 0);
    write(&p("new", ids[8], "dmp"), &full[..full.len() / 3]);
    // Attachments of a report that no longer exists.
    write(
        &root.join("attachments/0b0e1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d/old.log"),
        b"orphaned attachment of a deleted report\n",
    );
}

/// The Windows layout: `metadata` records and `reports/`.
fn windows(root: &Path, repo: &Path) {
    write(&root.join("settings.dat"), &settings(false, 0, CLIENT_ID));
    // (uuid, remote id, created, last attempt, attempts, state, attrs); the file in
    // reports/ is UUID.dmp; the last record's file is missing.
    let records: [(&str, &str, i64, i64, i32, i32, u8); 5] = [
        (
            "3e5c1a7e-0b2f-4c8e-9a61-2f4d8e7b3c11",
            "",
            T0 - 600,
            0,
            0,
            0,
            0,
        ),
        (
            "4f6d2b8f-1c3a-4d9f-8b72-3a5e9f8c4d22",
            "",
            T0 - 900,
            T0 - 30,
            1,
            1,
            0,
        ),
        (
            "507e3c90-2d4b-4ea0-9c83-4b6fa09d5e33",
            "bp-507e3c90",
            T0 - 2 * DAY,
            T0 - 2 * DAY,
            1,
            2,
            1,
        ),
        (
            "618f4da1-3e5c-4fb1-8d94-5c70b1ae6f44",
            "",
            T0 - 3 * DAY,
            0,
            0,
            2,
            0,
        ),
        (
            "72905eb2-4f6d-40c2-9ea5-6d81c2bf7055",
            "",
            T0 - 4 * DAY,
            0,
            0,
            0,
            0,
        ),
    ];
    let dumps = [
        Some(crashpad_dump(records[0].0, CLIENT_ID, 0)),
        Some(real_dump(repo, "linux-crashy-segv.dmp")),
        Some(real_dump(repo, "linux-crashy-abort.dmp")),
        Some(crashpad_dump(records[3].0, CLIENT_ID, 0)),
        None,
    ];
    let mut table = Vec::new();
    let mut recs = Vec::new();
    for ((uuid, remote, created, last, attempts, state, attrs), dump) in
        records.into_iter().zip(dumps)
    {
        let file = format!("{uuid}.dmp");
        let file_at = table.len() as u32;
        table.extend(file.as_bytes());
        table.push(0);
        let id_at = table.len() as u32;
        table.extend(remote.as_bytes());
        table.push(0);
        let mut r = Vec::new();
        r.extend(guid_bytes(uuid));
        r.extend(file_at.to_le_bytes());
        r.extend(id_at.to_le_bytes());
        r.extend(created.to_le_bytes());
        r.extend(last.to_le_bytes());
        r.extend(attempts.to_le_bytes());
        r.extend(state.to_le_bytes());
        r.push(attrs);
        r.extend([0u8; 7]);
        recs.push(r);
        if let Some(dump) = dump {
            write(&root.join("reports").join(&file), &dump);
        }
    }
    let mut meta = Vec::new();
    meta.extend(0x4350_4144u32.to_le_bytes());
    meta.extend(1u32.to_le_bytes());
    meta.extend((recs.len() as u32).to_le_bytes());
    meta.extend(0u32.to_le_bytes());
    for r in recs {
        meta.extend(r);
    }
    meta.extend(table);
    write(&root.join("metadata"), &meta);
    // A dump being written: no record yet.
    let id = "83a16fc3-5a7e-41d3-8fb6-7e92d3c08166";
    write(
        &root.join("reports").join(format!("{id}.dmp")),
        &crashpad_dump(id, CLIENT_ID, 0),
    );
    write(
        &root.join("attachments/3e5c1a7e-0b2f-4c8e-9a61-2f4d8e7b3c11/app.log"),
        APP_LOG.as_bytes(),
    );
}

/// The macOS layout: dumps only; their metadata goes to `mac.xattrs.json` beside the
/// database, because git does not keep extended attributes.
fn mac(root: &Path, xattrs_json: &Path) {
    write(
        &root.join("settings.dat"),
        &settings(true, T0 - DAY, CLIENT_ID),
    );
    let prefix = "org.chromium.crashpad.database.";
    let mut attrs = serde_json::Map::new();
    attrs.insert(
        "".into(),
        serde_json::json!({ format!("{prefix}initialized"): "1" }),
    );
    let reports = [
        (
            "pending",
            "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
            T0 - 1800,
            "0",
            "0",
            "",
            "0",
        ),
        (
            "pending",
            "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
            T0 - 3600,
            "0",
            "0",
            "",
            "1",
        ),
        (
            "completed",
            "c3d4e5f6-a7b8-4c9d-8e1f-2a3b4c5d6e7f",
            T0 - DAY,
            "1",
            "1",
            "bp-c3d4e5f6",
            "0",
        ),
        (
            "new",
            "d4e5f6a7-b8c9-4d0e-9f2a-3b4c5d6e7f80",
            T0,
            "",
            "",
            "",
            "",
        ),
    ];
    for (folder, id, created, uploaded, count, remote, requested) in reports {
        let rel = format!("{folder}/{id}.dmp");
        write(&root.join(&rel), &crashpad_dump(id, CLIENT_ID, 0));
        if folder == "new" {
            continue;
        }
        let mut a = serde_json::Map::new();
        a.insert(format!("{prefix}uuid"), id.into());
        a.insert(format!("{prefix}creation_time"), created.to_string().into());
        a.insert(format!("{prefix}uploaded"), uploaded.into());
        a.insert(format!("{prefix}upload_count"), count.into());
        a.insert(
            format!("{prefix}upload_explicitly_requested"),
            requested.into(),
        );
        if !remote.is_empty() {
            a.insert(format!("{prefix}id"), remote.into());
            a.insert(
                format!("{prefix}last_upload_time"),
                (created + 60).to_string().into(),
            );
        }
        attrs.insert(rel, a.into());
    }
    let text = serde_json::to_string_pretty(&serde_json::Value::Object(attrs)).expect("json");
    write(xattrs_json, format!("{text}\n").as_bytes());
}

/// A dump that carries nothing personal: system paths only, a zeroed stack, Crashpad
/// annotations naming the product, no install id. `audit` must pass it.
pub fn clean_dump() -> Vec<u8> {
    let e = Endian::Little;
    let info = CrashpadInfo::new(e)
        .add_simple_annotation("prod", "CrashyApp")
        .add_simple_annotation("ver", "1.4.2")
        .add_module(ModuleCrashpadInfo::new(0, e).add_list_annotation("crashy: loading profile"));
    let stack = Section::with_endian(e).append_repeated(0, 0x200);
    app_dump(stack, 7, "/opt/crashy/bin/crashy", info)
}

/// Write all three databases (and `mac.xattrs.json`) below `out`, replacing old ones.
pub fn generate(out: &Path, repo: &Path) {
    for name in ["linux", "windows", "mac"] {
        let dir = out.join(name);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).expect("clean");
        }
    }
    linux(&out.join("linux"), repo);
    windows(&out.join("windows"), repo);
    mac(&out.join("mac"), &out.join("mac.xattrs.json"));
}

/// A large generic database for benchmarks: `count` reports (a third pending, the rest
/// completed), each a small Crashpad-shaped dump (or, with `real`, a copy of the
/// crasher's 51 KiB SIGSEGV dump, whose walk needs symbols), every tenth with an
/// attachment.
pub fn generate_big(out: &Path, count: usize, real: Option<&[u8]>) {
    if out.exists() {
        std::fs::remove_dir_all(out).expect("clean");
    }
    write(&out.join("settings.dat"), &settings(false, T0, CLIENT_ID));
    for i in 0..count {
        let id = format!("{:08x}-0000-4000-8000-{:012x}", i, i);
        let folder = if i % 3 == 0 { "pending" } else { "completed" };
        let created = T0 - (i as i64) * 600;
        let dump = match real {
            Some(bytes) => bytes.to_vec(),
            None => crashpad_dump(&id, CLIENT_ID, 0),
        };
        write(&out.join(folder).join(format!("{id}.dmp")), &dump);
        let (attempts, attrs, remote) = match i % 3 {
            0 => (0, 0, ""),
            1 => (1, 1, "bp-remote"),
            _ => (0, 0, ""),
        };
        write(
            &out.join(folder).join(format!("{id}.meta")),
            &meta64(attempts, created, created, attrs, remote),
        );
        if i % 10 == 0 {
            write(
                &out.join("attachments").join(&id).join("app.log"),
                APP_LOG.as_bytes(),
            );
        }
    }
}

#[allow(dead_code)] // the test suite includes this file for `generate` only
fn main() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("big") {
        let count: usize = args
            .get(1)
            .and_then(|n| n.parse().ok())
            .expect("big COUNT OUT");
        let out = PathBuf::from(args.get(2).expect("big COUNT OUT"));
        let real = (args.get(3).map(String::as_str) == Some("real")).then(|| {
            real_dump(
                Path::new(env!("CARGO_MANIFEST_DIR")),
                "linux-crashy-segv.dmp",
            )
        });
        generate_big(&out, count, real.as_deref());
        println!("wrote {count} reports to {}", out.display());
        return;
    }
    let out = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("testdata/databases"));
    generate(&out, repo);
    write(&repo.join("testdata/clean/no-pii.dmp"), &clean_dump());
    println!("wrote {} and testdata/clean/no-pii.dmp", out.display());
}
