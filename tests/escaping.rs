//! Dump contents are hostile: control characters, ANSI escapes, bidi overrides and
//! zero-width characters in any field are shown escaped, never sent raw.
//!
//! The dump is built with minidump-synth (a Windows-shaped dump with Crashpad info).

use minidump_synth::{
    amd64_context, CrashpadInfo, DumpString, Memory, Module, ModuleCrashpadInfo, SynthMinidump,
    SystemInfo, Thread, ThreadName,
};
use test_assembler::{Endian, Section};

use crate::util::{run, stderr, stdout, strip_sgr};

const CLEAR: &str = "\x1b[2J";
const RLO: &str = "\u{202e}";
const ZWSP: &str = "\u{200b}";
/// SGR 8, "conceal": a colour code of the dump's own, which hides the text after it.
const CONCEAL: &str = "\x1b[8m";

fn hostile_dump() -> Vec<u8> {
    let e = Endian::Little;
    let stack = Memory::with_section(Section::with_endian(e).append_repeated(0, 0x100), 0x7000);
    let context = amd64_context(e, 0x4000_1000, 0x7000);
    let thread = Thread::new(e, 42, &stack, &context);
    let thread_name = DumpString::new(&format!("worker{CLEAR}{RLO}gpj.exe"), e);
    let module_name = DumpString::new(&format!("C:\\app\\evil{CLEAR}\x07{ZWSP}.dll"), e);
    let module = Module::new(e, 0x4000_0000, 0x10000, &module_name, 0, 0, None);
    let crashpad = CrashpadInfo::new(e)
        .add_simple_annotation("title", &format!("ok{CLEAR}\x1b]0;pwned\x07{RLO}fdp.exe"))
        .add_simple_annotation("note", &format!("seen{CONCEAL}hidden"))
        .add_module(
            ModuleCrashpadInfo::new(0, e)
                .add_simple_annotation(&format!("key{CLEAR}"), "v")
                .add_list_annotation(&format!("list{RLO}item")),
        );
    let system = SystemInfo::new(e).set_processor_architecture(9); // AMD64
    SynthMinidump::with_endian(e)
        .add_thread(thread)
        .add_memory(stack)
        .add(context)
        .add_thread_name(ThreadName::new(e, 42, Some(&thread_name)))
        .add(thread_name)
        .add_module(module)
        .add(module_name)
        .add_crashpad_info(crashpad)
        .add_system_info(system)
        .finish()
        .expect("synth dump")
}

#[test]
fn hostile_strings_are_shown_escaped_in_every_colour_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.dmp");
    std::fs::write(&path, hostile_dump()).unwrap();
    for color in ["never", "always"] {
        let out = run([
            "show".as_ref(),
            path.as_os_str(),
            "--threads".as_ref(),
            "all".as_ref(),
            "--color".as_ref(),
            color.as_ref(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        // Without colour no escape sequence at all; with colour, only crashscope's own
        // (the dump's colour code is not one of them: it must be escaped too).
        if color == "never" {
            assert!(
                !text.contains('\x1b'),
                "never: an escape reached the terminal"
            );
        }
        for raw in [CLEAR, RLO, ZWSP, "\x07", "\x1b]0;", CONCEAL] {
            assert!(
                !text.contains(raw),
                "{color}: raw {raw:?} reached the terminal"
            );
        }
        assert!(
            strip_sgr(&text).contains("seen\\x1b[8mhidden"),
            "{color}: the dump's colour code is shown escaped:\n{text}"
        );
        assert!(
            text.contains("worker\\x1b[2J\\u{202e}gpj.exe"),
            "thread name escaped:\n{text}"
        );
        assert!(
            text.contains("ok\\x1b[2J\\x1b]0;pwned\\x07\\u{202e}fdp.exe"),
            "annotation escaped"
        );
        assert!(text.contains("key\\x1b[2J"), "annotation name escaped");
        assert!(
            text.contains("list\\u{202e}item"),
            "list annotation escaped"
        );
        assert!(
            text.contains("evil\\x1b[2J\\x07\\u{200b}.dll"),
            "module path escaped"
        );
    }
}

#[test]
fn json_keeps_the_real_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.dmp");
    std::fs::write(&path, hostile_dump()).unwrap();
    let doc = crate::util::show_json(&path, &[]);
    assert_eq!(
        doc["crashpad"]["simple_annotations"]["title"],
        format!("ok{CLEAR}\x1b]0;pwned\x07{RLO}fdp.exe")
    );
}

/// Found by the `dump` fuzz target: the name of a custom-typed annotation (shown as the
/// memory region `annotation:NAME` in the memory findings) reached the terminal raw.
#[test]
fn annotation_region_names_are_escaped() {
    use minidump_synth::AnnotationValue;
    let e = Endian::Little;
    let mut value = 17u32.to_le_bytes().to_vec();
    value.extend(b"bob@example.org\0\0");
    let crashpad =
        CrashpadInfo::new(e).add_module(ModuleCrashpadInfo::new(0, e).add_annotation_object(
            &format!("recent\0\0{CLEAR}contacts"),
            AnnotationValue::Custom(0x8001, value),
        ));
    let module_name = DumpString::new("/usr/lib/libx.so", e);
    let dump = SynthMinidump::with_endian(e)
        .add_module(Module::new(
            e,
            0x4000_0000,
            0x1000,
            &module_name,
            0,
            0,
            None,
        ))
        .add(module_name)
        .add_crashpad_info(crashpad)
        .finish()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("names.dmp");
    std::fs::write(&path, dump).unwrap();
    for color in ["never", "always"] {
        let out = run([
            "show".as_ref(),
            path.as_os_str(),
            "--color".as_ref(),
            color.as_ref(),
        ]);
        let text = strip_sgr(&stdout(&out));
        assert!(
            text.contains("annotation:recent\\0\\0\\x1b[2Jcontacts"),
            "{text}"
        );
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{color}: a raw control character reached the terminal"
        );
    }
}

/// Every byte that reaches a terminal or a CI log passes the one gate: human `show`
/// (plain and `--redact`), every human-read audit format (human, github) and stderr, for
/// a dump whose values start with controls, bidi, invisible and tag characters and whose
/// file name carries an escape. The check looks at the raw output: the only ESC allowed
/// is the start of a colour sequence (`ESC [ digits ; m`), nothing is stripped first.
#[test]
fn no_raw_control_bidi_or_tag_character_in_any_human_output() {
    const TAG: &str = "\u{e0041}\u{e0042}";
    let e = Endian::Little;
    // Values planted where rules find them, each starting with hostile characters, so
    // that a redacted preview's kept first characters are hostile too.
    let environ = format!(
        "USER={CLEAR}mallory\0HOSTNAME={TAG}evil-host\0API_TOKEN={RLO}\u{180e}\u{2061}s3cr3t-value-123\0EMAIL=\u{fff9}a{TAG}@x.example.com\0"
    );
    let dump = SynthMinidump::with_endian(e)
        .set_linux_environ(environ.as_bytes())
        .finish()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("dumps");
    std::fs::create_dir(&folder).unwrap();
    let name = format!("evil{CLEAR}{RLO}{TAG}.dmp");
    let path = folder.join(&name);
    std::fs::write(&path, &dump).unwrap();
    // Also a file that is not a dump, so the audit reports an error naming it.
    std::fs::write(
        folder.join(format!("bad{CLEAR}\u{2066}.dmp")),
        b"not a dump",
    )
    .unwrap();
    let unsafe_char = |c: char| {
        c != '\n'
            && (c.is_control()
                || matches!(c as u32, 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x206f | 0x180e | 0xfeff | 0xfff9..=0xfffb | 0xe0000..=0xe0fff))
    };
    // Colour sequences are ours; exactly those are removed and nothing else.
    let colour = regex::Regex::new("\x1b\\[[0-9;]*m").unwrap();
    let check = |args: Vec<&std::ffi::OsStr>| {
        let out = run(&args);
        for (what, text) in [("stdout", stdout(&out)), ("stderr", stderr(&out))] {
            let rest = colour.replace_all(&text, "");
            if let Some(c) = rest.chars().find(|&c| unsafe_char(c)) {
                panic!("{args:?}: raw U+{:04X} on {what}:\n{text}", c as u32);
            }
        }
        out
    };
    for color in ["never", "always"] {
        for redact in [false, true] {
            let mut args: Vec<&std::ffi::OsStr> = vec![
                "show".as_ref(),
                path.as_os_str(),
                "--all".as_ref(),
                "--color".as_ref(),
                color.as_ref(),
            ];
            if redact {
                args.push("--redact".as_ref());
            }
            check(args);
        }
        for format in ["human", "github"] {
            let out = check(vec![
                "audit".as_ref(),
                folder.as_os_str(),
                "--no-config".as_ref(),
                "--fail-on".as_ref(),
                "low".as_ref(),
                "--format".as_ref(),
                format.as_ref(),
                "--color".as_ref(),
                color.as_ref(),
            ]);
            assert_eq!(out.status.code(), Some(2), "the bad file is an error");
        }
        check(vec![
            "show".as_ref(),
            folder
                .join(format!("bad{CLEAR}\u{2066}.dmp"))
                .as_os_str()
                .to_owned()
                .leak() as &std::ffi::OsStr,
        ]);
    }
}
