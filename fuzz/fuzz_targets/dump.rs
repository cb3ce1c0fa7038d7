//! Dump bytes → report → walk, inventory, scan and upload form (the analysis pipeline)
//! → human and JSON views.
#![no_main]

use crashscope::analysis;
use crashscope::render::highlight::Marks;
use crashscope::render::human::{write_show, ShowView, Threads};
use crashscope::render::{json, Palette};
use crashscope::report::Report;
use crashscope::symbols::{SymbolConfig, Walker};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir();
    let path = dir.join(format!("crashscope-fuzz-{}.dmp", std::process::id()));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if let Ok(report) = Report::open(&path) {
        // The pipeline show, audit and scrub share: walk and scan.
        let walker = Walker::new(&SymbolConfig::default());
        let analysis = analysis::analyze(report, &walker);
        let view = ShowView::of(&analysis, Threads::All);
        let marks = Marks {
            palette: Palette { enabled: true },
            all: true,
            redact: false,
        };
        let mut out = Vec::new();
        write_show(&mut out, &view, marks).expect("writing to a Vec");
        // Dump text must reach the terminal escaped: no raw ESC but crashscope's own
        // colour sequences, and no other control character at all.
        let text = String::from_utf8_lossy(&out);
        for (i, c) in text.char_indices() {
            if c == '\x1b' {
                assert!(text[i..].starts_with("\x1b["), "raw escape in the view");
            } else {
                assert!(!c.is_control() || c == '\n', "raw control {c:?} in the view");
            }
        }
        // The JSON document as `show --format json` streams it: it must parse.
        let mut doc = Vec::new();
        json::write_show_document(&mut doc, &view).unwrap();
        serde_json::from_slice::<serde_json::Value>(&doc).expect("the streamed JSON parses");
    }
    let _ = std::fs::remove_file(&path);
});
