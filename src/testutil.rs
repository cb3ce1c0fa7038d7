//! Helpers the unit tests share.

/// A small deterministic generator (xorshift) of numbers below its argument: the same
/// sequence from the same seed on every run.
pub fn xorshift(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    }
}
