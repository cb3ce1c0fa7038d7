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

/// A small deterministic generator (xorshift), so every run scans the same bytes.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

const WORDS: &[&str] = &[
    "libc.so.6",
    "pthread_mutex_lock",
    "/usr/lib/x86_64-linux-gnu",
    "std::vector",
    "render",
    "compositor",
    "GL_RENDERER",
    "frame",
    "buffer overflow",
    "connection reset",
    "ok",
];
const PLANTED: &[(&str, &str)] = &[
    ("email", "carol@example.org"),
    ("payment-card", "4111 1111 1111 1111"),
    ("ipv4", "198.51.100.23"),
    ("github-token", "ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake0123"),
    ("user-path", "carol"),
];

fn generate(size: usize) -> (Vec<u8>, Vec<(usize, &'static str, bool)>) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut buf = Vec::with_capacity(size);
    let mut planted = Vec::new();
    while buf.len() < size {
        match rng.next() % 10 {
            0..=3 => buf.extend(std::iter::repeat_n(0u8, 64 + (rng.next() % 512) as usize)),
            4..=6 => {
                for _ in 0..8 {
                    let p = 0x7f00_0000_0000u64 | (rng.next() & 0xff_ffff_fff8);
                    buf.extend_from_slice(&p.to_le_bytes());
                }
            }
            7 | 8 => {
                let w = WORDS[(rng.next() % WORDS.len() as u64) as usize];
                let wide = rng.next() % 3 == 0;
                if wide {
                    if rng.next() % 2 == 0 {
                        buf.push(0); // odd alignment
                    }
                    buf.extend(w.encode_utf16().flat_map(|u| u.to_le_bytes()));
                } else {
                    buf.extend_from_slice(w.as_bytes());
                }
                buf.push(0);
            }
            _ => {
                let (rule, value) = PLANTED[(rng.next() % PLANTED.len() as u64) as usize];
                let text = if rule == "user-path" {
                    format!("/home/{value}/notes")
                } else {
                    format!("v={value};")
                };
                let wide = rng.next() % 2 == 0;
                buf.extend_from_slice(b"\0\0");
                if wide && rng.next() % 2 == 0 {
                    buf.push(0);
                }
                let start = buf.len();
                let at = start + text.find(value).unwrap() * if wide { 2 } else { 1 };
                if wide {
                    buf.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
                } else {
                    buf.extend_from_slice(text.as_bytes());
                }
                buf.push(0);
                planted.push((at, rule, wide));
            }
        }
    }
    buf.truncate(size);
    planted.retain(|(at, _, _)| *at + 80 < size);
    (buf, planted)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = args.get(1).expect("usage: scan_bench OUT_FILE [MIB]");
    let mib: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(256);
    let (buf, planted) = generate(mib << 20);
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
        memory::scan_region(&buf, &region, &matcher, &mut found);
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
