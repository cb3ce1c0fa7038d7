//! Memory-like test data for the benchmarks: zeros, pointers, ASCII and UTF-16LE words
//! (both alignments), and planted personal values at known offsets. Shared by
//! `scan_bench` and `make_big_dump` (included with `#[path]`).

/// A small deterministic generator (xorshift), so every run scans the same bytes.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
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
    // Fabricated tokens of upstream rules: the keyword automaton and the windowed regexes
    // are part of the measured scan.
    ("gitleaks.gitlab-pat", "glpat-Xk9mQ2vR7tL4pW8nZ3cB"),
    ("np.dockerhub.1", "dckr_pat_Hq3Lm9Zt2Rv7Kp4Wn8Xc5Yb6Jd1"),
    (
        "gitleaks.openai-api-key",
        "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",
    ),
];

/// `size` bytes that look like process memory, and where each planted value starts:
/// `(offset, rule, UTF-16)`. One piece in `plant_one_in` (each piece is ~100 bytes) is a
/// planted value. The same `seed` gives the same bytes.
pub fn generate(
    size: usize,
    seed: u64,
    plant_one_in: u64,
) -> (Vec<u8>, Vec<(usize, &'static str, bool)>) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ seed.wrapping_mul(0x2545_f491_4f6c_dd1d));
    let mut buf = Vec::with_capacity(size);
    let mut planted = Vec::new();
    while buf.len() < size {
        let piece = if rng.next() % plant_one_in.max(1) == 0 {
            9
        } else {
            rng.next() % 9
        };
        match piece {
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
