//! Conformance with the peer: for every dump in `../shared/corpus/` that has an oracle in
//! `expected/` (minidump-stackwalk 0.27's `--json`), the frames crashscope reports for
//! every thread (module, function, file, line, offsets, trust, inlines) equal the peer's.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{corpus, run, show_json, stdout};

/// `dumps/NAME.dmp`, or a Crashpad report `crashpad-db-2/*/NAME.dmp`.
fn find_dump(corpus: &Path, name: &str) -> PathBuf {
    let direct = corpus.join("dumps").join(format!("{name}.dmp"));
    if direct.is_file() {
        return direct;
    }
    for state in ["pending", "completed", "new"] {
        let p = corpus
            .join("crashpad-db-2")
            .join(state)
            .join(format!("{name}.dmp"));
        if p.is_file() {
            return p;
        }
    }
    panic!("no dump for oracle {name}");
}

fn oracles(corpus: &Path) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(corpus.join("expected")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".stackwalk.json") {
            let expected: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            out.push((stem.to_string(), expected));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

const FRAME_KEYS: [&str; 9] = [
    "frame",
    "module",
    "function",
    "file",
    "line",
    "trust",
    "offset",
    "module_offset",
    "function_offset",
];

fn frame_view(frame: &Value) -> Value {
    let mut v = serde_json::Map::new();
    for key in FRAME_KEYS {
        v.insert(key.into(), frame.get(key).cloned().unwrap_or(Value::Null));
    }
    let inlines: Vec<Value> = frame
        .get("inlines")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|i| serde_json::json!([i["function"], i["file"], i["line"]]))
                .collect()
        })
        .unwrap_or_default();
    v.insert("inlines".into(), Value::Array(inlines));
    Value::Object(v)
}

#[test]
fn frames_equal_minidump_stackwalk_for_every_corpus_dump() {
    let Some(corpus) = corpus() else { return };
    let symbols = corpus.join("symbols");
    let oracles = oracles(&corpus);
    assert!(oracles.len() >= 10, "the corpus has its oracles");
    let mut frames_checked = 0;
    for (name, expected) in &oracles {
        let dump = find_dump(&corpus, name);
        let doc = show_json(
            &dump,
            &[
                "--threads",
                "all",
                "--symbols-path",
                symbols.to_str().unwrap(),
            ],
        );
        let got = &doc["process"];
        assert_eq!(
            got["crash_info"]["type"], expected["crash_info"]["type"],
            "{name}: crash reason"
        );
        assert_eq!(
            got["crash_info"]["address"], expected["crash_info"]["address"],
            "{name}: crash address"
        );
        assert_eq!(
            got["crashing_thread"], expected["crashing_thread"],
            "{name}: crashing thread"
        );
        let want_threads = expected["threads"].as_array().unwrap();
        let got_threads = got["threads"].as_array().unwrap();
        assert_eq!(
            got_threads.len(),
            want_threads.len(),
            "{name}: thread count"
        );
        for (t, (g, w)) in got_threads.iter().zip(want_threads).enumerate() {
            assert_eq!(g["thread_id"], w["thread_id"], "{name} thread {t}");
            assert_eq!(g["thread_name"], w["thread_name"], "{name} thread {t}");
            let gf = g["frames"].as_array().unwrap();
            let wf = w["frames"].as_array().unwrap();
            assert_eq!(gf.len(), wf.len(), "{name} thread {t}: frame count");
            for (i, (a, b)) in gf.iter().zip(wf).enumerate() {
                assert_eq!(frame_view(a), frame_view(b), "{name} thread {t} frame {i}");
                frames_checked += 1;
            }
        }
        // The module list agrees too (file names, debug ids, whether symbols loaded).
        let gm = got["modules"].as_array().unwrap();
        let wm = expected["modules"].as_array().unwrap();
        assert_eq!(gm.len(), wm.len(), "{name}: module count");
        for (a, b) in gm.iter().zip(wm) {
            for key in [
                "filename",
                "debug_id",
                "base_addr",
                "loaded_symbols",
                "missing_symbols",
            ] {
                assert_eq!(a[key], b[key], "{name}: module {} {key}", b["filename"]);
            }
        }
    }
    assert!(frames_checked > 100, "checked {frames_checked} frames");
}

#[test]
fn human_view_prints_the_peers_crashing_stack() {
    let Some(corpus) = corpus() else { return };
    let symbols = corpus.join("symbols");
    let mut functions = 0;
    for (name, expected) in oracles(&corpus) {
        let Some(crashing) = expected["crashing_thread"]["threads_index"].as_u64() else {
            continue;
        };
        let dump = find_dump(&corpus, &name);
        let out = run([
            "show".as_ref(),
            dump.as_os_str(),
            "--color".as_ref(),
            "never".as_ref(),
            "--symbols-path".as_ref(),
            symbols.as_os_str(),
        ]);
        assert_eq!(out.status.code(), Some(0));
        let text = stdout(&out);
        for frame in expected["threads"][crashing as usize]["frames"]
            .as_array()
            .unwrap()
        {
            if let Some(function) = frame["function"].as_str() {
                assert!(
                    text.contains(function),
                    "{name}: {function} missing from the human view"
                );
                functions += 1;
            }
        }
    }
    assert!(functions > 20, "{functions} functions checked");
}

#[test]
fn malformed_corpus_dumps_never_panic() {
    let Some(corpus) = corpus() else { return };
    for name in ["invalid-range.dmp", "invalid-record-count.dmp"] {
        let path = corpus.join("dumps").join(name);
        for format in ["human", "json"] {
            let out = run([
                "show".as_ref(),
                path.as_os_str(),
                "--format".as_ref(),
                format.as_ref(),
            ]);
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(!err.contains("panicked"), "{name}: {err}");
            assert!(
                matches!(out.status.code(), Some(0) | Some(2)),
                "{name}: {:?}",
                out.status
            );
        }
    }
}

/// `show --detail` prints what minidump-stackwalk reports of the crashing thread: the
/// crashing frame's registers, with the peer's values and widths, and how every frame
/// was found, in order.
#[test]
fn detail_prints_the_peers_registers_and_trust() {
    let Some(corpus) = corpus() else { return };
    let symbols = corpus.join("symbols");
    let mut checked = 0;
    for (name, expected) in oracles(&corpus) {
        let Some(crashing) = expected["crashing_thread"]["threads_index"].as_u64() else {
            continue;
        };
        let dump = find_dump(&corpus, &name);
        let out = run([
            "show".as_ref(),
            dump.as_os_str(),
            "--detail".as_ref(),
            "--color".as_ref(),
            "never".as_ref(),
            "--symbols-path".as_ref(),
            symbols.as_os_str(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{name}");
        let text = stdout(&out);
        // The crashing thread's section: from its heading to the next one.
        let start = text
            .find(&format!("━━ Thread {crashing} ·"))
            .unwrap_or_else(|| panic!("{name}: no section for thread {crashing}"));
        let section = &text[start..];
        let section = &section[..section[3..].find("━━").map_or(section.len(), |e| e + 3)];
        let frames = expected["crashing_thread"]["frames"].as_array().unwrap();
        let found_by: Vec<&str> = section
            .lines()
            .filter_map(|l| l.trim().strip_prefix("Found by: "))
            .collect();
        let want: Vec<&str> = frames
            .iter()
            .map(|f| match f["trust"].as_str().unwrap() {
                "context" => "given as instruction pointer in context",
                "prewalked" => "recovered by external stack walker",
                "cfi" => "call frame info",
                "cfi_scan" => "call frame info with scanning",
                "frame_pointer" => "previous frame's frame pointer",
                "scan" => "stack scanning",
                other => panic!("{name}: trust {other}"),
            })
            .collect();
        assert_eq!(found_by, want, "{name}: how each frame was found");
        let registers = frames[0]["registers"].as_object().unwrap();
        assert!(!registers.is_empty(), "{name}: the peer gives registers");
        let first = &section[..section.find("Found by: ").unwrap()];
        for (register, value) in registers {
            let line = format!("{register} = {}", value.as_str().unwrap());
            assert!(
                first.contains(&line),
                "{name}: {line} missing from the crashing frame:\n{first}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 5, "{checked} dumps checked");
}
