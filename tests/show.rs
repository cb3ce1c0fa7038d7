//! `show` on the crasher's fixtures: symbolicated stacks with the crasher's own function
//! names and source lines, every thread, modules with full paths, the process data.

use crate::util::{run, show_json, stderr, stdout, testdata};

/// The line of the crasher's source that contains `needle` (1-based), so the expected
/// line numbers come from the source, not from a copy of the output.
fn source_line(needle: &str) -> u64 {
    let src = std::fs::read_to_string(testdata("crasher/src/main.rs")).unwrap();
    let hits: Vec<usize> = src
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(hits.len(), 1, "{needle:?} must appear once in the crasher");
    hits[0] as u64
}

fn show_segv(extra: &[&str]) -> String {
    let dump = testdata("dumps/linux-crashy-segv.dmp");
    let symbols = testdata("symbols");
    let mut args = vec![
        "show".to_string(),
        dump.display().to_string(),
        "--symbols-path".to_string(),
        symbols.display().to_string(),
        "--color".to_string(),
        "never".to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn crashing_thread_has_function_names_and_source_lines() {
    let text = show_segv(&[]);
    let expect = [
        ("crash_here", source_line("target.write_volatile(42)")),
        (
            "parse_document",
            source_line("crash_here(std::hint::black_box(&copy))"),
        ),
        ("load_profile", source_line("parse_document(&path);")),
        (
            "run_app",
            source_line("load_profile(std::hint::black_box(\"alice\"))"),
        ),
    ];
    let stack: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("(crashed)"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    for (i, (function, line)) in expect.iter().enumerate() {
        let frame = stack[i];
        let want = format!("crashy!crasher::{function} [main.rs : {line} + 0x");
        assert!(frame.contains(&want), "frame {i}: {frame:?} lacks {want:?}");
    }
    // Frames found by registers and unwind information are not marked; those found by
    // scanning the stack are marked as guesses.
    assert!(!stack[0].contains("(guessed)"), "{}", stack[0]);
    assert!(!stack[1].contains("(guessed)"), "{}", stack[1]);
    assert!(stack.iter().any(|l| l.ends_with("(guessed)")), "{stack:?}");
    assert!(text.contains("SIGSEGV / SEGV_MAPERR"), "{text}");
    assert!(text.contains("thread") && text.contains("\"crashy\""));
}

#[test]
fn all_threads_are_printed_with_their_names() {
    let text = show_segv(&["--threads", "all"]);
    for name in ["\"crashy\" (crashed)", "\"net-worker\"", "\"upload-alice\""] {
        assert!(text.contains(name), "missing {name}");
    }
    assert_eq!(text.matches("━━ Thread ").count(), 3);
}

#[test]
fn modules_show_full_paths_and_symbol_status() {
    let text = show_segv(&["--detail"]);
    let line = text
        .lines()
        .find(|l| l.contains("/home/⟦alice⟧/projects/crashy/bin/crashy") && l.contains("0x"))
        .expect("the main module's full path");
    assert!(line.trim_end().ends_with("found"), "{line}");
    let libc = text
        .lines()
        .find(|l| l.contains("/libc.so.6") && l.contains("0x"))
        .expect("libc's full path");
    assert!(libc.trim_end().ends_with("none found"), "{libc}");
    // Without --detail, only the paths that name someone.
    let brief = show_segv(&[]);
    assert!(
        brief.contains("5 loaded; 1 of their paths names someone:"),
        "{brief}"
    );
    assert!(brief.contains("/home/⟦alice⟧/projects/crashy/bin/crashy"));
    assert!(!brief.contains("/libc.so.6"), "{brief}");
}

#[test]
fn process_data_and_what_the_dump_carries() {
    let text = show_segv(&["--detail"]);
    assert!(text.contains(
        "Command line    !  /home/⟦alice⟧/projects/crashy/bin/crashy segv --profile /home/⟦alice⟧/Documents/taxes-2025.pdf"
    ), "{text}");
    assert!(text.contains(" !  HOSTNAME=⟦alice-laptop.corp.example.com⟧"));
    assert!(text.contains("━━ What this dump carries"));
    for stream in [
        "ThreadListStream",
        "LinuxEnviron",
        "LinuxCmdLine",
        "MemoryListStream",
    ] {
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(stream)),
            "stream {stream} listed"
        );
    }
    let memory = text.lines().find(|l| l.starts_with("Raw memory")).unwrap();
    assert!(memory.contains("in 3 regions"), "three stacks: {memory}");
    assert!(
        memory.contains("heap 4.0 KiB"),
        "the app-memory block: {memory}"
    );
}

#[test]
fn abort_on_a_named_worker() {
    let dump = testdata("dumps/linux-crashy-abort.dmp");
    let doc = show_json(
        &dump,
        &["--symbols-path", testdata("symbols").to_str().unwrap()],
    );
    let process = &doc["process"];
    assert!(process["crash_info"]["type"]
        .as_str()
        .unwrap()
        .starts_with("SIGABRT"));
    let crashing = process["crash_info"]["crashing_thread"].as_u64().unwrap() as usize;
    let thread = &process["threads"][crashing];
    assert_eq!(thread["thread_name"], "upload-alice");
    let functions: Vec<&str> = thread["frames"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["function"].as_str())
        .collect();
    assert!(
        functions.contains(&"crasher::abort_in_worker"),
        "{functions:?}"
    );
    assert!(functions.contains(&"std::process::abort"), "{functions:?}");
}

#[test]
fn json_document_has_schema_and_crashscope_sections() {
    let dump = testdata("dumps/linux-crashy-segv.dmp");
    let doc = show_json(&dump, &[]);
    assert_eq!(doc["schema"], 2);
    assert_eq!(doc["source"]["kind"], "minidump");
    assert_eq!(
        doc["source"]["size"],
        std::fs::metadata(&dump).unwrap().len()
    );
    assert_eq!(
        doc["modules"][0]["code_file"],
        "/home/alice/projects/crashy/bin/crashy"
    );
    assert_eq!(doc["modules"][0]["symbols"], "missing");
    let env = doc["linux"]["environ"].as_array().unwrap();
    assert!(env
        .iter()
        .any(|e| e["name"] == "USER" && e["value"] == "alice"));
    let stacks = doc["memory"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "stack")
        .count();
    assert_eq!(stacks, 3);
    // Streams and memory regions point inside the file.
    let size = doc["source"]["size"].as_u64().unwrap();
    for s in doc["streams"].as_array().unwrap() {
        assert!(s["offset"].as_u64().unwrap() + s["size"].as_u64().unwrap() <= size);
    }
    for r in doc["memory"].as_array().unwrap() {
        assert!(r["file_offset"].as_u64().unwrap() + r["size"].as_u64().unwrap() <= size);
    }
    assert_eq!(doc["problems"].as_array().unwrap().len(), 0);
}

#[test]
fn json_is_never_coloured() {
    let dump = testdata("dumps/linux-crashy-segv.dmp");
    let out = run([
        "show".as_ref(),
        dump.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
        "--color".as_ref(),
        "always".as_ref(),
    ]);
    assert!(!out.stdout.contains(&0x1b));
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let dump = testdata("dumps/linux-crashy-segv.dmp");
    let always = run([
        "show".as_ref(),
        dump.as_os_str(),
        "--color".as_ref(),
        "always".as_ref(),
    ]);
    assert!(always.stdout.contains(&0x1b), "--color always colours");
    let auto = run(["show".as_ref(), dump.as_os_str()]);
    assert!(!auto.stdout.contains(&0x1b), "auto does not colour a pipe");
    let no_color = crate::util::crashscope()
        .env("NO_COLOR", "1")
        .args([
            "show".as_ref(),
            dump.as_os_str(),
            "--color".as_ref(),
            "auto".as_ref(),
        ])
        .output()
        .unwrap();
    assert!(!no_color.stdout.contains(&0x1b));
    let forced = crate::util::crashscope()
        .env("NO_COLOR", "1")
        .args([
            "show".as_ref(),
            dump.as_os_str(),
            "--color".as_ref(),
            "always".as_ref(),
        ])
        .output()
        .unwrap();
    assert!(forced.stdout.contains(&0x1b), "--color beats NO_COLOR");
}

/// `--brief`: the answer (who the dump names), the crash and the crashing thread's first
/// frames with their functions, in at most 40 lines; the rest of the view is left out.
#[test]
fn brief_is_the_answer_the_crash_and_the_first_frames() {
    let text = show_segv(&["--brief"]);
    let lines = text.lines().count();
    assert!(lines <= 40, "{lines} lines:\n{text}");
    assert!(
        text.contains("About you") && text.contains("alice"),
        "{text}"
    );
    assert!(text.contains("SIGSEGV"), "{text}");
    assert!(text.contains("crasher::crash_here [main.rs : "), "{text}");
    for left_out in ["━━ Process", "━━ For developers", "Found by:"] {
        assert!(!text.contains(left_out), "{left_out} in --brief:\n{text}");
    }
    // Not with --detail, which asks for the opposite.
    let out = run(["show", "--brief", "--detail", "x.dmp"]);
    assert_eq!(out.status.code(), Some(2));
}

/// `--detail` explains the crash address and gives the crashing frame's registers (as
/// wide as the CPU's words) and how each frame was found.
#[test]
fn detail_explains_the_address_and_gives_registers() {
    let text = show_segv(&["--detail"]);
    assert!(
        text.contains("Address            in the null page: a null pointer plus 0x80"),
        "{text}"
    );
    let rip = text
        .lines()
        .find(|l| l.trim_start().starts_with("rip = 0x"))
        .unwrap_or_else(|| panic!("no rip:\n{text}"));
    assert_eq!(rip.trim().len(), "rip = 0x".len() + 16, "{rip}");
    assert!(text.contains("Found by: given as instruction pointer in context"));
    assert!(text.contains("Found by: call frame info"));
}

/// A folder that holds dumps but is no crash store: `show` says how many and what to run
/// instead (one dump with `show`, the folder with `audit`), exit 2.
#[test]
fn a_folder_of_dumps_gets_a_hint() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["b.dmp", "a.mdmp"] {
        std::fs::copy(
            testdata("dumps/linux-crashy-segv.dmp"),
            tmp.path().join(name),
        )
        .unwrap();
    }
    std::fs::write(tmp.path().join("notes.txt"), "not a dump").unwrap();
    let out = run(["show".as_ref(), tmp.path().as_os_str()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("a folder of 2 minidumps, not a crash store")
            && err.contains("a.mdmp")
            && err.contains("crashscope audit"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}
