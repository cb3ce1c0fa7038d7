//! `show --format html` in a real browser: headless Chromium (Debian's `chromium`) loads
//! pages of the fixtures, a store, corpus dumps and a dense dump, and the DOM it builds is
//! checked: no console message, no network request, the verdict and every identity of
//! the user present; a hostile dump (minidump-synth) puts markup, `</style>`,
//! `javascript:` and bidi characters into every string it can, and the DOM holds no
//! element or attribute the page did not write. Screenshots go to `target/html/`.
//!
//! Outside CI the browser tests are skipped, saying so, where Chromium is missing;
//! `.ci/run` installs it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use minidump_synth::{
    amd64_context, CrashpadInfo, DumpString, Memory, Module, SynthMinidump, SystemInfo, Thread,
    ThreadName,
};
use test_assembler::{Endian, Section};

use crate::util::{corpus, crashscope, root, stderr, testdata};

fn chromium() -> Option<PathBuf> {
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the browser tests: install Debian's chromium (.ci/run does)"
        );
        eprintln!("skipped: no chromium here (apt-get install chromium)");
    }
    found
}

/// What the browser made of a page: its DOM, its console and network log.
struct Loaded {
    dom: String,
    log: String,
    net: String,
}

/// Load `page` in headless Chromium (the flags keep it from its own background
/// traffic), dumping the DOM; with `screenshot`, also write one.
fn load(chrome: &Path, page: &Path, screenshot: Option<&Path>) -> Loaded {
    let profile = tempfile::tempdir().unwrap();
    let net = profile.path().join("net.json");
    let mut cmd = Command::new(chrome);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1200,1800",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .arg(format!("--log-net-log={}", net.display()));
    match screenshot {
        Some(png) => cmd.arg(format!("--screenshot={}", png.display())),
        None => cmd.arg("--dump-dom"),
    };
    let out = cmd
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(out.status.success(), "{}", stderr(&out));
    Loaded {
        dom: String::from_utf8_lossy(&out.stdout).into_owned(),
        log: String::from_utf8_lossy(&out.stderr).into_owned(),
        net: std::fs::read_to_string(&net).unwrap_or_default(),
    }
}

/// `show ARGS --format html -o PAGE`; the page's path.
fn page(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let out_path = dir.join(format!("{name}.html"));
    let out = crashscope()
        .current_dir(root())
        .arg("show")
        .args(args)
        .args(["--format", "html", "-o"])
        .arg(&out_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    out_path
}

/// The user's identities as `show --json` lists them.
fn identities(args: &[&str]) -> Vec<String> {
    let out = crashscope()
        .arg("show")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut you = Vec::new();
    let mut collect = |v: &serde_json::Value| {
        for id in v["identity"]["you"].as_array().into_iter().flatten() {
            you.push(id["value"].as_str().unwrap().to_string());
        }
    };
    collect(&doc);
    for r in doc["reports"].as_array().into_iter().flatten() {
        collect(&r["dump_document"]);
    }
    you
}

fn html_escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Nothing but the page's own messages: no console line and no request beyond the file.
fn assert_quiet(name: &str, l: &Loaded) {
    let console: Vec<&str> = l.log.lines().filter(|x| x.contains("CONSOLE")).collect();
    assert!(console.is_empty(), "{name}: console says {console:?}");
    // Requests the page started carry its origin as initiator; Chromium's own (it makes
    // some even with background networking off) are "not an origin".
    let log: serde_json::Value = serde_json::from_str(&l.net).expect("a net log");
    let start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].clone();
    let requests: Vec<&serde_json::Value> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == start && e["params"]["url"].is_string())
        .filter(|e| e["params"]["initiator"] != "not an origin")
        .collect();
    assert!(
        requests.is_empty(),
        "{name}: the page requested {requests:?}"
    );
}

fn dense_dump() -> Vec<u8> {
    let mut heap = Vec::new();
    // The shape bench/bench-dense.sh makes: 61,230 records of other people.
    for i in 0..61_230 {
        heap.extend(
            format!(
                "{{\"id\":{i},\"mail\":\"customer{i}@example.com\",\"phone\":\"+44 20 7946 {:04}\",\"name\":\"Customer {i}\"}}\0",
                i % 10_000
            )
            .as_bytes(),
        );
    }
    let e = Endian::Little;
    let memory = Memory::with_section(Section::with_endian(e).append_bytes(&heap), 0x5000_0000);
    SynthMinidump::with_endian(e)
        .add_memory(memory)
        .finish()
        .unwrap()
}

#[test]
fn pages_load_in_chromium_with_the_verdict_and_every_identity() {
    let Some(chrome) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let shots = root().join("target/html");
    std::fs::create_dir_all(&shots).unwrap();
    let dense = tmp.path().join("dense.dmp");
    std::fs::write(&dense, dense_dump()).unwrap();
    let mut cases: Vec<(String, PathBuf)> = vec![
        // Relative, as a person types them (the README's screenshot is the crasher's).
        (
            "crasher".into(),
            PathBuf::from("testdata/dumps/linux-crashy-segv.dmp"),
        ),
        ("store".into(), PathBuf::from("testdata/databases/linux")),
        ("dense".into(), dense.clone()),
    ];
    if let Some(corpus) = corpus() {
        for name in [
            "electron__node-minidump__windows.dmp",
            "getsentry__symbolic__unreal_crash__UE4Minidump.dmp",
        ] {
            cases.push((name.into(), corpus.join("real").join(name)));
        }
    }
    for (name, input) in &cases {
        let input = input.to_str().unwrap();
        let html = page(tmp.path(), name, &[input]);
        let bytes = std::fs::metadata(&html).unwrap().len();
        assert!(bytes < 1 << 20, "{name}: {bytes} bytes");
        let loaded = load(&chrome, &html, None);
        assert_quiet(name, &loaded);
        assert!(loaded.dom.contains("id=\"verdict\""), "{name}: no verdict");
        for id in identities(&[input]) {
            assert!(
                loaded.dom.contains(&html_escaped(&id)),
                "{name}: {} is not in the page",
                crate::util::short(&id)
            );
        }
        if name == "dense" {
            // Other people's data folds into counts, as on the terminal.
            assert!(loaded.dom.contains("61,230 e-mails"), "{name}");
            assert!(loaded.dom.matches("customer").count() < 200);
        }
        if name == "store" {
            assert!(loaded.dom.matches("<details class=\"report\"").count() >= 2);
            assert!(loaded.dom.contains("uploads ENABLED"));
        }
        let shot = shots.join(format!("{name}.png"));
        load(&chrome, &html, Some(&shot));
        assert!(
            std::fs::metadata(&shot).unwrap().len() > 10_000,
            "{name}: screenshot"
        );
        if name == "crasher" {
            // Printed to PDF, as a person keeps or shares it.
            let pdf = shots.join("crasher.pdf");
            let out = Command::new(&chrome)
                .args([
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                ])
                .arg(format!(
                    "--user-data-dir={}",
                    tmp.path().join("pdf-profile").display()
                ))
                .arg(format!("--print-to-pdf={}", pdf.display()))
                .arg(format!("file://{}", html.display()))
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", stderr(&out));
            let bytes = std::fs::read(&pdf).unwrap();
            assert!(bytes.starts_with(b"%PDF") && bytes.len() > 10_000);
        }
    }
}

/// With `--redact` the page holds none of the values.
#[test]
fn redacted_pages_hold_no_value() {
    let tmp = tempfile::tempdir().unwrap();
    let dump = testdata("dumps/linux-crashy-segv.dmp");
    let html = page(
        tmp.path(),
        "redacted",
        &[dump.to_str().unwrap(), "--redact"],
    );
    let text = std::fs::read_to_string(html).unwrap();
    for value in [
        "alice@example.com",
        "alice-laptop",
        "hunter2",
        "AKIAIOSFODNN7EXAMPLE",
        "4111 1111 1111 1111",
        "/home/alice",
    ] {
        assert!(!text.contains(value), "{value} in a redacted page");
    }
    assert!(text.contains("values masked"));
}

const HOSTILE: [&str; 6] = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(2)>",
    "</style><style>body{display:none}</style>",
    "javascript:alert(3)",
    "\u{202e}gpj.exe",
    "<a href=\"http://evil.example/\">x</a>\u{1b}[2J",
];

fn hostile_dump() -> Vec<u8> {
    let e = Endian::Little;
    let all = HOSTILE.concat();
    let stack = Memory::with_section(
        Section::with_endian(e)
            .append_bytes(format!("user=alice {all}\0").as_bytes())
            .append_repeated(0, 0x100),
        0x7000,
    );
    let context = amd64_context(e, 0x4000_1000, 0x7000);
    let thread = Thread::new(e, 42, &stack, &context);
    let thread_name = DumpString::new(&format!("worker{all}"), e);
    let module_name = DumpString::new(&format!("/home/alice/{all}.so"), e);
    let module = Module::new(e, 0x4000_0000, 0x10000, &module_name, 0, 0, None);
    let mut crashpad = CrashpadInfo::new(e);
    for (i, h) in HOSTILE.iter().enumerate() {
        crashpad = crashpad.add_simple_annotation(&format!("k{i}{h}"), h);
    }
    let environ = format!("HOME=/home/alice\0NOTE={all}\0EMAIL=alice@example.com\0");
    SynthMinidump::with_endian(e)
        .add_thread(thread)
        .add_memory(stack)
        .add(context)
        .add_thread_name(ThreadName::new(e, 42, Some(&thread_name)))
        .add(thread_name)
        .add_module(module)
        .add(module_name)
        .add_crashpad_info(crashpad)
        .add_system_info(SystemInfo::new(e).set_processor_architecture(9))
        .set_linux_environ(environ.as_bytes())
        .set_linux_cmdline_like(&all)
        .finish()
        .expect("synth dump")
}

/// minidump-synth has no command-line setter: the Linux cmdline stream (0x47670007) is
/// added as a raw stream.
trait CmdLine {
    fn set_linux_cmdline_like(self, text: &str) -> Self;
}

impl CmdLine for SynthMinidump {
    fn set_linux_cmdline_like(self, text: &str) -> Self {
        let bytes = format!("/usr/bin/app\0--title\0{text}\0");
        self.add_stream(minidump_synth::SimpleStream {
            stream_type: 0x4767_0007,
            section: Section::with_endian(Endian::Little).append_bytes(bytes.as_bytes()),
        })
    }
}

/// The tags and attributes the page writes; anything else in the DOM came from a dump.
const TAGS: &[&str] = &[
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "main",
    "section", "table", "tbody", "tr", "th", "td", "span", "br", "code", "mark", "b", "pre",
    "details", "summary", "footer",
];
const ATTRIBUTES: &[&str] = &[
    "lang",
    "charset",
    "http-equiv",
    "content",
    "name",
    "class",
    "id",
    "aria-labelledby",
    "scope",
    "open",
];

/// Every (tag, attribute names) in markup, read as loosely as a browser would: a `<`
/// and a letter open a tag whatever follows; text the page wrote never holds a raw `<`.
fn elements(dom: &str) -> Vec<(String, Vec<String>)> {
    let tag = regex::Regex::new(r"<([a-zA-Z][^\s/>]*)([^>]*)>").unwrap();
    let attr =
        regex::Regex::new(r#"([^\s=/"']+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?"#).unwrap();
    tag.captures_iter(dom)
        .map(|c| {
            let attrs = attr
                .captures_iter(&c[2])
                .map(|a| a[1].to_ascii_lowercase())
                .collect();
            (c[1].to_ascii_lowercase(), attrs)
        })
        .collect()
}

#[test]
fn a_hostile_dump_injects_nothing_into_the_page() {
    let tmp = tempfile::tempdir().unwrap();
    // The dump's own file name is hostile too.
    let dump = tmp.path().join("x<b onmouseover=alert(4)>.dmp");
    std::fs::write(&dump, hostile_dump()).unwrap();
    let dump = dump.to_str().unwrap();
    let html = page(
        tmp.path(),
        "hostile",
        &[dump, "--threads", "all", "--detail", "--all"],
    );
    let text = std::fs::read_to_string(&html).unwrap();
    std::fs::create_dir_all(root().join("target/html")).unwrap();
    std::fs::write(root().join("target/html/hostile.html"), &text).unwrap();
    // Checked on the file as written, whatever a browser would repair.
    let seen: BTreeSet<(String, String)> = elements(&text)
        .into_iter()
        .flat_map(|(t, attrs)| {
            let mut v = vec![(t.clone(), String::new())];
            v.extend(attrs.into_iter().map(move |a| (t.clone(), a)));
            v
        })
        .collect();
    for (tag, attr) in &seen {
        assert!(TAGS.contains(&tag.as_str()), "element <{tag}> in the page");
        assert!(
            attr.is_empty() || ATTRIBUTES.contains(&attr.as_str()),
            "attribute {attr} on <{tag}>"
        );
    }
    assert_eq!(text.matches("<style>").count(), 1);
    assert_eq!(text.matches("</style>").count(), 1);
    assert!(!text.contains('\u{202e}') && !text.contains('\u{1b}'));
    assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let Some(chrome) = chromium() else { return };
    let loaded = load(&chrome, &html, None);
    assert_quiet("hostile", &loaded);
    for (tag, attrs) in elements(&loaded.dom) {
        assert!(TAGS.contains(&tag.as_str()), "the DOM has <{tag}>");
        for a in attrs {
            assert!(
                ATTRIBUTES.contains(&a.as_str()),
                "the DOM has {a} on <{tag}>"
            );
        }
    }
    load(
        &chrome,
        &html,
        Some(&root().join("target/html/hostile.png")),
    );
}

/// `--open` writes the page to a private file, prints its path and hands it to the
/// desktop's opener (here a stand-in `xdg-open` that records what it was given).
#[test]
fn open_writes_a_private_page_and_opens_it() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let record = tmp.path().join("opened.txt");
    let opener = bin.join("xdg-open");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", record.display()),
    )
    .unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = crashscope()
        .arg("show")
        .arg(testdata("dumps/linux-crashy-segv.dmp"))
        .arg("--open")
        .env("PATH", path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let page = PathBuf::from(&printed);
    let meta = std::fs::metadata(&page).unwrap();
    assert_eq!(
        meta.permissions().mode() & 0o777,
        0o600,
        "private to its owner"
    );
    assert!(std::fs::read_to_string(&page)
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
    // The opener runs on its own; wait for it a little.
    for _ in 0..50 {
        if record.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(std::fs::read_to_string(&record).unwrap(), printed);
    std::fs::remove_file(page).unwrap();
}
