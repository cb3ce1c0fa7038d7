//! Finding text in bytes: printable ASCII/UTF-8 runs and UTF-16LE runs at both
//! alignments, eight bytes at a time.

/// Bytes that count as text in memory: printable ASCII, tab and line breaks (a config
/// file or an HTTP request in memory is lines, and secrets in them span lines: a `.netrc`
/// entry, a connection string, a PEM block).
pub(super) const fn text_table() -> [bool; 256] {
    let mut t = [false; 256];
    let mut b = 0x20;
    while b < 0x7f {
        t[b] = true;
        b += 1;
    }
    t[b'\t' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t
}
pub(super) static TEXT: [bool; 256] = text_table();

/// Bytes are classified 64 at a time into bit masks.
pub(super) const BLOCK: usize = 64;

pub(super) const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
pub(super) const HIGH: u64 = 0x8080_8080_8080_8080;

/// High bit of each byte of `x` set exactly when that byte is zero (no borrow across
/// bytes, unlike the classic `haszero`).
#[inline]
pub(super) fn zero_bytes(x: u64) -> u64 {
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// The eight per-byte high bits of `v` packed into the low 8 bits (byte 0 → bit 0).
#[inline]
pub(super) fn pack(v: u64) -> u64 {
    ((v >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// Text and zero bits of one little-endian word of 8 bytes (bit `k` = byte `k`).
#[inline]
pub(super) fn word_masks(x: u64) -> (u64, u64) {
    // 0x20..=0x7e: high bit clear, >= 0x20 (adding 0x60 sets the high bit), not 0x7f;
    // or a tab, a line feed, a carriage return.
    let ge_space = ((x & LOW7) + 0x6060_6060_6060_6060) & HIGH;
    let printable = ge_space & !x & !zero_bytes(x ^ LOW7);
    let t = printable
        | zero_bytes(x ^ 0x0909_0909_0909_0909)
        | zero_bytes(x ^ 0x0a0a_0a0a_0a0a_0a0a)
        | zero_bytes(x ^ 0x0d0d_0d0d_0d0d_0d0d);
    (pack(t), pack(zero_bytes(x)))
}

/// Bit `k` set when byte `k` of `chunk` (at most 64 bytes) is text, and when it is zero.
#[inline]
pub(super) fn masks(chunk: &[u8]) -> (u64, u64) {
    if chunk.len() == BLOCK {
        // Most of a dump's memory is zeros: answer those blocks without the per-word work.
        let words: [u64; 8] = std::array::from_fn(|w| {
            u64::from_le_bytes(chunk[8 * w..8 * w + 8].try_into().unwrap_or([0; 8]))
        });
        if words.iter().fold(0, |acc, w| acc | w) == 0 {
            return (0, u64::MAX);
        }
        let (mut text, mut zero) = (0u64, 0u64);
        for (w, &x) in words.iter().enumerate() {
            let (t, z) = word_masks(x);
            text |= t << (8 * w);
            zero |= z << (8 * w);
        }
        return (text, zero);
    }
    let (mut text, mut zero) = (0u64, 0u64);
    for (w, word) in chunk.chunks(8).enumerate() {
        let mut b = [0u8; 8];
        b[..word.len()].copy_from_slice(word);
        let (t, z) = word_masks(u64::from_le_bytes(b));
        let valid = (1u64 << word.len()) - 1;
        text |= (t & valid) << (8 * w);
        zero |= (z & valid) << (8 * w);
    }
    (text, zero)
}

/// Where windows of `min` text bytes (`.0`), and of `min` UTF-16LE text units at either
/// alignment (`.1`), start in the current block: bit `k` for byte `k`. `cur`/`next` are
/// the masks of this block and the next (a window may reach into it).
#[inline]
pub(super) fn window_starts(cur: (u64, u64), next: (u64, u64), min: usize) -> (u64, u64) {
    let text = u128::from(cur.0) | (u128::from(next.0) << 64);
    let zero = u128::from(cur.1) | (u128::from(next.1) << 64);
    // A UTF-16 unit at k: a text byte at k and a zero at k + 1.
    let unit = text & (zero >> 1);
    let (mut ascii, mut wide) = (text, unit);
    for step in 1..min {
        ascii &= text >> step;
        wide &= unit >> (2 * step);
    }
    (ascii as u64, wide as u64)
}

/// Calls `f(byte offset, text, is_utf16)` for every run of at least `min` (1 to 32)
/// characters: printable ASCII, and UTF-16LE ASCII at both byte alignments (narrowed to
/// ASCII). Bytes are classified 64 at a time; only where a window of `min` characters
/// starts (a set bit) is a run followed byte by byte, so noise between runs costs a few
/// word operations per block.
pub fn for_each_run(bytes: &[u8], min: usize, mut f: impl FnMut(usize, &str, bool)) {
    assert!((1..=32).contains(&min), "run length out of range");
    let n = bytes.len();
    let blocks = n.div_ceil(BLOCK);
    let block_masks = |b: usize| {
        let start = (b * BLOCK).min(n);
        masks(&bytes[start..(start + BLOCK).min(n)])
    };
    // Where each kind of run may next start: ASCII, UTF-16 at even and at odd offsets.
    // A window start below its cursor lies inside a run already reported.
    let mut cursor = [0usize; 3];
    let mut buf = Vec::new();
    let mut next = block_masks(0);
    for b in 0..blocks {
        let cur = next;
        next = block_masks(b + 1);
        let (mut ascii, mut wide) = window_starts(cur, next, min);
        let base = b * BLOCK;
        while ascii != 0 {
            let start = base + ascii.trailing_zeros() as usize;
            ascii &= ascii - 1;
            if start < cursor[0] {
                continue;
            }
            // The window is text; follow the run to its end.
            let mut end = start + min;
            while end < n && TEXT[bytes[end] as usize] {
                end += 1;
            }
            if let Ok(text) = std::str::from_utf8(&bytes[start..end]) {
                f(start, text, false);
            }
            cursor[0] = end;
        }
        while wide != 0 {
            let start = base + wide.trailing_zeros() as usize;
            wide &= wide - 1;
            let parity = 1 + (start & 1);
            if start < cursor[parity] {
                continue;
            }
            buf.clear();
            let mut i = start;
            while i + 1 < n && bytes[i + 1] == 0 && TEXT[bytes[i] as usize] {
                buf.push(bytes[i]);
                i += 2;
            }
            if let Ok(text) = std::str::from_utf8(&buf) {
                f(start, text, true);
            }
            cursor[parity] = i;
        }
    }
}
