//! Symbols from an HTTP symbol server, through the cache: a real server on 127.0.0.1,
//! started by the test, serving `testdata/symbols` in the Breakpad layout.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::util::{show_json, testdata};

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

#[test]
fn an_unreachable_server_still_shows_the_report() {
    // Bind then drop: nothing listens on this port any more.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let cache = tempfile::tempdir().unwrap();
    let dump = testdata("dumps/linux-crashy-segv.dmp");
    let url = format!("http://127.0.0.1:{port}/");
    let doc = show_json(
        &dump,
        &[
            "--symbols-url",
            &url,
            "--symbols-cache",
            cache.path().to_str().unwrap(),
            "--symbols-timeout",
            "2",
        ],
    );
    assert_eq!(doc["modules"][0]["symbols"], "missing");
    assert!(!crashing_functions(&doc).contains(&"crasher::crash_here".to_string()));
}
