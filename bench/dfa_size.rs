//! How large each rule's DFA is, how long it takes to build, and how long reading it back
//! takes, built by the build script's own code (`build/dfas.rs`) and read as `pii::dfa`
//! reads it: the numbers behind the build's size limit.
//! Usage: cargo run --release --example dfa_size [LIMIT_KIB]
use regex_automata::dfa::dense;
use std::time::Instant;

#[allow(dead_code)]
#[path = "../build/dfas.rs"]
mod dfas;

fn main() {
    let limit_kib: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(128);
    let own = crashscope::pii::rules::RULES
        .iter()
        .filter(|r| r.scanner.is_none())
        .map(|r| (r.id, r.pattern));
    let up = crashscope::pii::upstream::UPSTREAM
        .iter()
        .map(|r| (r.id, r.pattern));
    let mut rows = Vec::new();
    for (id, pattern) in own.chain(up) {
        let t = Instant::now();
        let built = dfas::dfa_within(pattern, cfg!(target_endian = "big"), false, limit_kib << 10);
        let build_us = t.elapsed().as_micros();
        let Some(bytes) = built else {
            rows.push((None, build_us, 0, id));
            continue;
        };
        // At an offset aligned as the binary holds it (a DFA reads from aligned bytes).
        let mut buffer = vec![0u8; bytes.len() + 8];
        let at = buffer.as_ptr().align_offset(8);
        let aligned = &mut buffer[at..at + bytes.len()];
        aligned.copy_from_slice(&bytes);
        let t = Instant::now();
        dense::DFA::from_bytes(aligned).expect("reads back");
        let read_ns = t.elapsed().as_nanos();
        rows.push((Some(aligned.len()), build_us, read_ns, id));
    }
    rows.sort();
    for (size, build_us, read_ns, id) in &rows {
        match size {
            Some(n) => println!("{n:>9} B  built {build_us:>6} us  read {read_ns:>7} ns  {id}"),
            None => println!("  over {limit_kib} KiB  ({build_us} us)  {id}"),
        }
    }
    let kept: Vec<usize> = rows.iter().filter_map(|r| r.0).collect();
    let build: u128 = rows.iter().map(|r| r.1).sum();
    println!(
        "{} of {} rules kept, {} bytes in all; building all took {} ms",
        kept.len(),
        rows.len(),
        kept.iter().sum::<usize>(),
        build / 1000
    );
}
