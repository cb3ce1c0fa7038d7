//! Memory-scanning throughput: a generated 256 MiB memory-like buffer (zeros, pointers,
//! ASCII and UTF-16LE text, planted PII at known offsets) scanned on one core, both
//! encodings and both UTF-16 alignments included. Run through `scripts/bench-scan.sh`.
//!
//! Usage: scan_bench OUT_FILE [MIB] — writes the buffer to OUT_FILE (for the `rg`
//! comparison), scans it 5 times, prints the median MiB/s and checks every planted item
//! was found at its offset.

use std::time::Instant;

use crashscope::disclosure::Region;
use crashscope::pii::{memory, Identity};
use crashscope::report::RegionKind;

#[path = "support/memory_gen.rs"]
mod memory_gen;
use memory_gen::generate;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = args.get(1).expect("usage: scan_bench OUT_FILE [MIB]");
    let mib: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(256);
    let (buf, planted) = generate(mib << 20, 0, 10);
    std::fs::write(out, &buf).expect("write buffer");
    let region = Region {
        kind: RegionKind::Heap,
        thread_id: None,
        address: 0x1000,
        file_offset: 0,
        len: buf.len() as u64,
        name: None,
    };
    let matcher = memory::IdentityMatcher::new(&Identity::default());
    let mut times = Vec::new();
    let mut found = Vec::new();
    for _ in 0..5 {
        found.clear();
        let t = Instant::now();
        memory::scan_region(&buf, &region, &matcher, &mut found, &mut Vec::new());
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let at: std::collections::HashSet<(u64, &str)> =
        found.iter().map(|f| (f.offset, f.rule)).collect();
    let missed: Vec<_> = planted
        .iter()
        .filter(|(o, r, _)| !at.contains(&(*o as u64, *r)))
        .collect();
    let wide = planted.iter().filter(|p| p.2).count();
    println!(
        "scanned {mib} MiB in {:.3} s (median of 5): {:.0} MiB/s; planted {} ({} UTF-16), found {} findings, missed {}",
        median,
        mib as f64 / median,
        planted.len(),
        wide,
        found.len(),
        missed.len()
    );
    if !missed.is_empty() {
        eprintln!("missed e.g. {:?}", &missed[..missed.len().min(5)]);
        std::process::exit(1);
    }
}
