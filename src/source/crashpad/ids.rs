//! Names and ids in a database: report UUIDs (text and Crashpad's binary form) and
//! attachment file names.

/// `AttachmentNameIsOK`: `[A-Za-z0-9_.-]+`.
pub fn attachment_name_ok(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// `8-4-4-4-12` hex, as `UUID::ToString` writes it (a report's file name).
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36 && uuid::Uuid::try_parse(s).is_ok()
}

/// A binary UUID as Crashpad stores it (`data_1` u32 LE, `data_2`/`data_3` u16 LE,
/// 8 bytes in order), as lowercase text. `b` holds at least 16 bytes.
pub fn uuid_string(b: &[u8]) -> String {
    b.get(..16)
        .and_then(|b| uuid::Uuid::from_slice_le(b).ok())
        .unwrap_or_default()
        .hyphenated()
        .to_string()
}

/// The inverse of [`uuid_string`]: UUID text to the 16 bytes Crashpad stores.
pub fn uuid_bytes(text: &str) -> Option<[u8; 16]> {
    uuid::Uuid::try_parse(text).ok().map(|u| u.to_bytes_le())
}
