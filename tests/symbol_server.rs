//! Symbols from an HTTP symbol server, through the cache: a real server on 127.0.0.1,
//! started by the test, serving `testdata/symbols` in the Breakpad layout.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::util::{show_json, stderr, testdata};

/// Serve `testdata/symbols` on an ephemeral loopback port; counts requests for `.sym`
/// files that exist. The thread stops after `max_requests` connections.
fn serve(max_requests: usize) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    std::thread::spawn(move || {
        for stream in listener.incoming().take(max_requests) {
            let Ok(mut stream) = stream else { continue };
            let mut line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                    break;
                }
            }
            let path = line
                .split_whitespace()
                .nth(1)
                .unwrap_or("/")
                .trim_start_matches('/');
            let file = testdata("symbols").join(path);
            let safe = !path.split('/').any(|c| c == "..");
            match std::fs::read(&file) {
                Ok(body) if safe => {
                    counter.fetch_add(1, Ordering::SeqCst);
                    let _ = write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(&body);
                }
                _ => {
                    let _ = stream.write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    );
                }
            }
        }
    });
    (url, hits)
}

fn crashing_functions(doc: &serde_json::Value) -> Vec<String> {
    let process = &doc["process"];
    let t = process["crash_info"]["crashing_thread"].as_u64().unwrap() as usize;
    process["threads"][t]["frames"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["function"].as_str().map(String::from))
        .collect()
}

#[test]
fn symbols_come_from_the_server_then_from_the_cache() {
    let (url, hits) = serve(64);
    let cache = tempfile::tempdir().unwrap();
    let dump = testdata("dumps/linux-crashy-segv.dmp");
    let args = [
        "--symbols-url",
        url.as_str(),
        "--symbols-cache",
        cache.path().to_str().unwrap(),
    ];

    let first = show_json(&dump, &args);
    assert!(crashing_functions(&first).contains(&"crasher::crash_here".to_string()));
    assert_eq!(hits.load(Ordering::SeqCst), 1, "one symbol file downloaded");
    let module = &first["process"]["modules"][0];
    assert!(
        module["symbol_url"].as_str().unwrap().starts_with(&url),
        "{module}"
    );
    let debug_id = module["debug_id"].as_str().unwrap();
    let cached = cache
        .path()
        .join("crashy")
        .join(debug_id)
        .join("crashy.sym");
    assert!(cached.is_file(), "cached at {}", cached.display());

    let second = show_json(&dump, &args);
    assert_eq!(crashing_functions(&second), crashing_functions(&first));
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "the second run reads the cache"
    );
}

/// `show --json` of the crasher's dump with symbols from `url`, cached in `cache`.
fn show_with_server(url: &str, cache: &std::path::Path, timeout: &str) -> serde_json::Value {
    let dump = testdata("dumps/linux-crashy-segv.dmp");
    let args = [
        "--symbols-url",
        url,
        "--symbols-cache",
        cache.to_str().unwrap(),
        "--symbols-timeout",
        timeout,
    ];
    show_json(&dump, &args)
}

#[test]
fn an_unreachable_server_still_shows_the_report() {
    // Bind then drop: nothing listens on this port any more.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let cache = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{port}/");
    let doc = show_with_server(&url, cache.path(), "2");
    assert_eq!(doc["modules"][0]["symbols"], "missing");
    assert!(!crashing_functions(&doc).contains(&"crasher::crash_here".to_string()));
}

/// A server that accepts connections and reads requests, then answers each with
/// `respond` (which may never return, or send too much). Runs until the test ends.
fn serve_with(respond: fn(std::net::TcpStream)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                }
                respond(stream);
            });
        }
    });
    url
}

/// Answers nothing, holding the connection open for a minute.
fn hang(_stream: std::net::TcpStream) {
    std::thread::sleep(std::time::Duration::from_secs(60));
}

/// Files anywhere below `dir`.
fn files_below(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| {
                if e.path().is_dir() {
                    files_below(&e.path())
                } else {
                    1
                }
            })
            .sum()
    })
}

#[test]
fn a_server_that_never_answers_costs_its_timeout_not_the_report() {
    let url = serve_with(hang);
    let cache = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let doc = show_with_server(&url, cache.path(), "1");
    let took = started.elapsed();
    // One timeout per module looked up (the crasher's, libc...), each of 1 s.
    let modules = doc["modules"].as_array().unwrap().len() as u64;
    assert!(
        took < std::time::Duration::from_secs(modules + 10),
        "took {took:?} for {modules} modules"
    );
    assert_eq!(doc["modules"][0]["symbols"], "missing");
    let process = &doc["process"];
    let t = process["crash_info"]["crashing_thread"].as_u64().unwrap() as usize;
    let frames = process["threads"][t]["frames"].as_array().unwrap();
    assert!(
        frames.len() > 1,
        "the stack is still walked (without names)"
    );
    assert!(crashing_functions(&doc).is_empty(), "no symbols came");
    assert_eq!(files_below(cache.path()), 0, "nothing cached");
}

/// Declares 5 MiB, then sends them.
fn too_large_declared(mut stream: std::net::TcpStream) {
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        5 << 20
    );
    let chunk = vec![b'x'; 64 << 10];
    for _ in 0..80 {
        if stream.write_all(&chunk).is_err() {
            return;
        }
    }
}

/// Declares no length and sends until the client hangs up (a body without end).
fn too_large_endless(mut stream: std::net::TcpStream) {
    let _ = write!(stream, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
    let chunk = b"MODULE Linux x86_64 0 crashy\n".repeat(2048);
    for _ in 0..10_000 {
        if stream.write_all(&chunk).is_err() {
            return;
        }
    }
}

#[test]
fn symbol_files_over_the_size_limit_are_refused_and_not_cached() {
    for respond in [too_large_declared as fn(_), too_large_endless] {
        let url = serve_with(respond);
        let cache = tempfile::tempdir().unwrap();
        let dump = testdata("dumps/linux-crashy-segv.dmp");
        let out = crate::util::run([
            "-v",
            "show",
            dump.to_str().unwrap(),
            "--json",
            "--symbols-url",
            &url,
            "--symbols-cache",
            cache.path().to_str().unwrap(),
            "--symbols-max-size",
            "1",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["modules"][0]["symbols"], "missing");
        assert!(
            stderr(&out).contains("larger than the limit of 1048576 bytes"),
            "{}",
            stderr(&out)
        );
        assert_eq!(files_below(cache.path()), 0, "nothing cached");
    }
}

/// The time budget bounds a report even when every single step is within its own
/// limit: a symbol server that holds each request for 60 s (under a 60 s timeout).
#[test]
fn a_report_over_its_time_budget_is_shown_without_stacks_and_says_why() {
    let url = serve_with(hang);
    let cache = tempfile::tempdir().unwrap();
    let dump = testdata("dumps/linux-crashy-segv.dmp");
    let started = std::time::Instant::now();
    let out = crate::util::run([
        "--time-budget",
        "1.5",
        "show",
        dump.to_str().unwrap(),
        "--symbols-url",
        &url,
        "--symbols-cache",
        cache.path().to_str().unwrap(),
        "--symbols-timeout",
        "60",
        "--color",
        "never",
    ]);
    let took = started.elapsed();
    assert!(took < std::time::Duration::from_secs(15), "took {took:?}");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = crate::util::stdout(&out);
    assert!(
        text.contains("the time budget of 1.5 s ran out before the stackwalk finished"),
        "{text}"
    );
    // The rest of the report is all there: the privacy summary still lists the dump's
    // user name, found by the scan.
    assert!(text.contains("alice"), "{text}");
}

/// `show` of the crasher's SIGSEGV dump with `extra` arguments.
fn show_crasher(extra: &[&str]) -> std::process::Output {
    crate::util::crashscope()
        .arg("show")
        .arg(crate::util::testdata("dumps/linux-crashy-segv.dmp"))
        .args(extra)
        .output()
        .unwrap()
}

/// Symbols that cannot work are said, not silently missing: a folder that does not exist
/// or is one level off is a warning (the report is still shown); a server URL that is not
/// http(s) is a usage error.
#[test]
fn symbol_folders_and_urls_that_cannot_work_are_said() {
    let show = show_crasher;
    let good = show(&["--symbols-path", "testdata/symbols"]);
    assert_eq!(good.status.code(), Some(0));
    assert!(
        !crate::util::stderr(&good).contains("warning"),
        "{}",
        crate::util::stderr(&good)
    );
    for (path, says) in [
        ("/nonexistent/symbols", "cannot be read"),
        ("testdata", "one folder off"),
        ("testdata/README.md", "not a folder"),
    ] {
        let out = show(&["--symbols-path", path]);
        assert_eq!(out.status.code(), Some(0), "{path}");
        let err = crate::util::stderr(&out);
        assert!(
            err.contains("warning: --symbols-path") && err.contains(says),
            "{path}: {err}"
        );
    }
    for url in [
        "ftp://symbols.example.com/",
        "file:///srv/symbols",
        "not a url",
    ] {
        let out = show(&["--symbols-url", url]);
        assert_eq!(out.status.code(), Some(2), "{url}");
    }
}

/// Modules left without symbols when symbols were asked for are named in one line, with
/// where crashscope looked; without a symbol source, or with -q, nothing is said.
#[test]
fn modules_without_symbols_are_named_in_one_line() {
    let show = show_crasher;
    let out = show(&["--symbols-path", "testdata/symbols"]);
    let err = crate::util::stderr(&out);
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("no symbols for"))
        .collect();
    assert_eq!(lines.len(), 1, "{err}");
    // crashy's symbols are in the folder; the system libraries' are not.
    assert!(
        lines[0].contains("2 of 3 modules")
            && lines[0].contains("libc.so.6")
            && !lines[0].contains("crashy,")
            && lines[0].contains("(looked in 1 folder)"),
        "{err}"
    );
    for quiet in [&[][..], &["-q", "--symbols-path", "testdata/symbols"][..]] {
        let err = crate::util::stderr(&show(quiet));
        assert!(!err.contains("no symbols for"), "{quiet:?}: {err}");
    }
}

/// `-v` says each module's lookup once (where its symbols were found, or where they were
/// looked for); a server that cannot be reached is said once, without `-v`, and is not
/// asked again for the other modules.
#[test]
fn lookups_are_said_once_and_an_unreachable_server_once() {
    let dump = crate::util::testdata("dumps/linux-crashy-segv.dmp");
    let out = crate::util::crashscope()
        .args(["-v", "show"])
        .arg(&dump)
        .args(["--symbols-path", "testdata/symbols"])
        .output()
        .unwrap();
    let err = stderr(&out);
    let lookups: Vec<&str> = err
        .lines()
        .filter(|l| l.contains(": symbols for "))
        .collect();
    assert_eq!(lookups.len(), 3, "{err}");
    assert!(
        lookups
            .iter()
            .any(|l| l.contains("/crashy ") && l.contains("found in testdata/symbols")),
        "{err}"
    );
    assert!(
        lookups
            .iter()
            .any(|l| l.contains("libc.so.6") && l.contains("not found (looked in 1 folder)")),
        "{err}"
    );
    // A closed port on loopback: refused at once.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let cache = tempfile::tempdir().unwrap();
    let out = crate::util::crashscope()
        .arg("show")
        .arg(&dump)
        .args(["--symbols-url", &url, "--symbols-cache"])
        .arg(cache.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    let said: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("cannot be reached"))
        .collect();
    assert_eq!(said.len(), 1, "{err}");
    assert!(said[0].contains(&url), "{err}");
}
