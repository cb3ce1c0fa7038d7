//! Bounds-checked little-endian reads: the one reader of fixed-size fields in files
//! crashscope parses itself (minidump structures the `minidump` crate does not expose,
//! Crashpad's `metadata` and `settings.dat`, Windows' report records). Offsets come
//! from hostile files: every read returns `None` rather than reading past the end.

/// `N` bytes at `at`.
fn array<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
    b.get(at..at.checked_add(N)?)?.try_into().ok()
}

pub fn u16(b: &[u8], at: usize) -> Option<u16> {
    array(b, at).map(u16::from_le_bytes)
}

pub fn u32(b: &[u8], at: usize) -> Option<u32> {
    array(b, at).map(u32::from_le_bytes)
}

pub fn u64(b: &[u8], at: usize) -> Option<u64> {
    array(b, at).map(u64::from_le_bytes)
}

pub fn i64(b: &[u8], at: usize) -> Option<i64> {
    array(b, at).map(i64::from_le_bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_little_endian_and_never_past_the_end() {
        let b = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        assert_eq!(super::u16(&b, 0), Some(0x0201));
        assert_eq!(super::u32(&b, 5), Some(0x0908_0706));
        assert_eq!(super::u32(&b, 6), None);
        assert_eq!(super::u64(&b, 1), Some(0x0908_0706_0504_0302));
        assert_eq!(super::i64(&b, 2), None);
        assert_eq!(super::u32(&b, usize::MAX), None);
    }
}
