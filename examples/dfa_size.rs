//! How large each rule's DFA is, how long it takes to build, and how long reading it back
//! takes (as `build/dfas.rs` and `pii::dfa` do): the numbers behind the build's size
//! limit. Usage: cargo run --release --example dfa_size [LIMIT_KIB]
use regex_automata::{dfa::dense, nfa::thompson, util::syntax};
use std::time::Instant;

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
        let built = dense::Builder::new()
            .syntax(syntax::Config::new().unicode(false).utf8(false))
            .thompson(thompson::Config::new().utf8(false))
            .configure(
                dense::Config::new()
                    .start_kind(regex_automata::dfa::StartKind::Unanchored)
                    .dfa_size_limit(Some(limit_kib << 10))
                    .determinize_size_limit(Some(1 << 20)),
            )
            .build(pattern);
        let build_us = t.elapsed().as_micros();
        let Ok(dfa) = built else {
            rows.push((None, build_us, 0, id));
            continue;
        };
        let (bytes, pad) = dfa.to_bytes_little_endian();
        let t = Instant::now();
        dense::DFA::from_bytes(&bytes[pad..]).expect("reads back");
        let read_ns = t.elapsed().as_nanos();
        rows.push((Some(bytes.len() - pad), build_us, read_ns, id));
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
