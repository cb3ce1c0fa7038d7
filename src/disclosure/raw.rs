//! Bounds-checked little-endian reads of the raw structures the inventory walks.
//!
//! Every offset and count comes from the dump and may be hostile: every read returns
//! `None` instead of reading past the end, and no count is trusted before it is checked
//! against the bytes that are really there.

use super::{Encoding, Origin};

/// The whole file.
#[derive(Clone, Copy)]
pub struct Bytes<'a>(pub &'a [u8]);

impl<'a> Bytes<'a> {
    pub fn slice(&self, offset: u64, len: u64) -> Option<&'a [u8]> {
        let start = usize::try_from(offset).ok()?;
        let end = start.checked_add(usize::try_from(len).ok()?)?;
        self.0.get(start..end)
    }

    pub fn u16(&self, offset: u64) -> Option<u16> {
        crate::le::u16(self.0, usize::try_from(offset).ok()?)
    }

    pub fn u32(&self, offset: u64) -> Option<u32> {
        crate::le::u32(self.0, usize::try_from(offset).ok()?)
    }

    pub fn u64(&self, offset: u64) -> Option<u64> {
        crate::le::u64(self.0, usize::try_from(offset).ok()?)
    }

    /// The header of a list with a self-described layout (unloaded modules, handles):
    /// `u32 header size, u32 entry size, u32 count`. Returns `(header, entry, count)` with
    /// the entry size at least `min_entry` and the count capped by the bytes present.
    pub fn ex_list(&self, min_entry: u64) -> Option<(u64, u64, u64)> {
        let (header, entry, count) = (self.u32(0)?, self.u32(4)?, self.u32(8)?);
        let (header, entry) = (u64::from(header), u64::from(entry).max(min_entry));
        let room = (self.0.len() as u64).saturating_sub(header) / entry;
        Some((header, entry, u64::from(count).min(room)))
    }

    /// MINIDUMP_STRING: u32 length in bytes, then UTF-16LE.
    pub fn minidump_string(&self, rva: u32) -> Option<(String, Origin)> {
        if rva == 0 {
            return None;
        }
        let len = self.u32(u64::from(rva))?;
        let bytes = self.slice(u64::from(rva) + 4, u64::from(len & !1))?;
        let (value, len) = utf16_until_nul(bytes);
        Some((
            value,
            Origin {
                offset: u64::from(rva) + 4,
                len,
                encoding: Encoding::Utf16le,
            },
        ))
    }

    /// MinidumpUTF8String: u32 length in bytes, the bytes, a NUL.
    pub fn utf8_string(&self, rva: u32) -> Option<(String, Origin)> {
        let len = self.u32(u64::from(rva))?;
        let bytes = self.slice(u64::from(rva) + 4, u64::from(len))?;
        Some((
            lossy(bytes),
            Origin {
                offset: u64::from(rva) + 4,
                len: u64::from(len),
                encoding: Encoding::Utf8,
            },
        ))
    }

    /// MinidumpRVAList: u32 count, then RVAs; the count is capped by the bytes present.
    pub fn rva_list(&self, rva: u32) -> Option<Vec<u32>> {
        if rva == 0 {
            return None;
        }
        let count = self.u32(u64::from(rva))?;
        let room = (self.0.len() as u64).saturating_sub(u64::from(rva) + 4) / 4;
        Some(
            (0..u64::from(count).min(room))
                .filter_map(|i| self.u32(u64::from(rva) + 4 + i * 4))
                .collect(),
        )
    }
}

/// `bytes` as text, invalid UTF-8 replaced by U+FFFD. Valid text (nearly every string
/// a dump holds) is checked by `str::from_utf8`, which goes a word at a time over ASCII,
/// where `String::from_utf8_lossy` goes a byte at a time.
pub fn lossy(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// UTF-16LE up to the first NUL unit: the text (lossy, one U+FFFD per bad unit) and the
/// byte length it occupies.
pub fn utf16_until_nul(bytes: &[u8]) -> (String, u64) {
    let units = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|&u| u != 0);
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut count = 0u64;
    for c in char::decode_utf16(units.inspect(|_| count += 1)) {
        text.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
    }
    (text, count * 2)
}

/// NUL-separated entries with their start offsets (empty entries skipped).
pub fn nul_separated(bytes: &[u8]) -> Vec<(usize, &[u8])> {
    let mut out = Vec::new();
    let mut start = 0;
    for part in bytes.split(|&b| b == 0) {
        if !part.is_empty() {
            out.push((start, part));
        }
        start += part.len() + 1;
    }
    out
}

/// A GUID/UUID as Crashpad prints it (fields little-endian, `8-4-4-4-12`).
pub use crate::source::crashpad::uuid_string;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_never_pass_the_end() {
        let b = Bytes(&[1, 0, 0, 0, 0xff]);
        assert_eq!(b.u32(0), Some(1));
        assert_eq!(b.u32(2), None);
        assert_eq!(b.slice(u64::MAX, 2), None);
        assert_eq!(b.slice(4, u64::MAX), None);
    }

    #[test]
    fn minidump_string_claiming_4_gib_is_refused() {
        let mut data = vec![0u8; 8];
        data[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(Bytes(&data).minidump_string(4), None);
    }

    #[test]
    fn nul_separated_keeps_offsets() {
        let got = nul_separated(b"a=1\0\0bc=2\0");
        assert_eq!(got, vec![(0, &b"a=1"[..]), (5, &b"bc=2"[..])]);
    }
}
