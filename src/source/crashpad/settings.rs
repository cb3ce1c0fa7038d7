//! `settings.dat` and the generic layout's `UUID.meta`: their bytes, parsed, and a
//! report's state from its metadata.

use super::*;

/// Parse `settings.dat` (`SettingsReader::Data`): at least 40 bytes, magic `CPds`.
pub fn read_settings(path: &Path) -> Result<Settings, SettingsError> {
    let bytes = match crate::fsutil::read_small(path, crate::fsutil::SMALL_FILE) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(SettingsError::Missing),
        Err(e) => return Err(SettingsError::Unreadable(e.to_string())),
    };
    parse_settings(&bytes).map_err(SettingsError::Invalid)
}

/// Why a database's `settings.dat` gave no settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("settings.dat is missing: Crashpad would create it with a new client id")]
    Missing,
    /// The file is there but could not be read (it is also one of the database's
    /// unreadable files).
    #[error("settings.dat: cannot read: {0}")]
    Unreadable(String),
    /// It was read but is not what Crashpad writes.
    #[error("{0}")]
    Invalid(String),
}

/// As its message in machine output (`settings_problem`).
impl serde::Serialize for SettingsError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Parse the bytes of `settings.dat`.
pub fn parse_settings(bytes: &[u8]) -> Result<Settings, String> {
    if bytes.len() < 40 {
        return Err(format!(
            "settings.dat is {} bytes, shorter than the 40 Crashpad writes",
            bytes.len()
        ));
    }
    let magic = le::u32(bytes, 0).unwrap_or(0);
    if magic != 0x4350_6473 {
        return Err(format!(
            "settings.dat has no 'CPds' magic (starts with {:02x} {:02x} {:02x} {:02x})",
            bytes[0], bytes[1], bytes[2], bytes[3]
        ));
    }
    let version = le::u32(bytes, 4).unwrap_or(0);
    if version != 1 {
        return Err(format!(
            "settings.dat has version {version}; Crashpad would replace it with a new client id"
        ));
    }
    Ok(Settings {
        version,
        uploads_enabled: le::u32(bytes, 8).unwrap_or(0) & 1 != 0,
        last_upload_attempt: le::i64(bytes, 16).unwrap_or(0),
        client_id: uuid_string(&bytes[24..40]),
        size: bytes.len() as u64,
    })
}

/// Parse a generic-layout `UUID.meta`: `ReportMetadata` (32 bytes from 64-bit writers,
/// 24 from 32-bit ones) followed by the remote report id up to the end of the file.
pub fn read_meta(bytes: &[u8]) -> Result<Metadata, String> {
    if bytes.len() < 24 {
        return Err(format!(
            "metadata is {} bytes, shorter than any ReportMetadata",
            bytes.len()
        ));
    }
    let version = le::u32(bytes, 0).unwrap_or(0) as i32;
    if version != 1 {
        return Err(format!(
            "metadata version {version}, not 1: Crashpad would delete this report"
        ));
    }
    // A 32-bit writer's time_t is 4 bytes: creation at 16 (u32), attributes at 20, the
    // id from 24. Tell the two apart by which reading gives a plausible date.
    let wide = bytes.len() >= 32 && {
        let t64 = le::i64(bytes, 16).unwrap_or(0);
        let t32 = i64::from(le::u32(bytes, 16).unwrap_or(0));
        !(t64 > u32::MAX as i64 && plausible_time(t32)) && (plausible_time(t64) || t64 == 0)
    };
    let (creation_time, attributes, header) = if wide {
        (le::i64(bytes, 16).unwrap_or(0), bytes[24], 32)
    } else {
        (i64::from(le::u32(bytes, 16).unwrap_or(0)), bytes[20], 24)
    };
    Ok(Metadata {
        upload_attempts: i64::from(le::u32(bytes, 4).unwrap_or(0) as i32),
        last_upload_attempt: le::i64(bytes, 8).unwrap_or(0),
        creation_time,
        uploaded: attributes & 1 != 0,
        upload_requested: attributes & 2 != 0,
        remote_id: String::from_utf8_lossy(&bytes[header..]).into_owned(),
        remote_id_offset: header as u64,
        header_size: header as u64,
    })
}

/// Between 2000-01-01 and 2100-01-01.
pub(super) fn plausible_time(t: i64) -> bool {
    (946_684_800..4_102_444_800).contains(&t)
}

/// The state of a finished report from its folder and metadata.
pub(super) fn completed_state(meta: &Metadata) -> State {
    if meta.uploaded {
        State::Sent
    } else if meta.upload_attempts > 0 {
        State::Failed
    } else {
        State::Skipped
    }
}

pub(super) fn pending_state(meta: &Metadata) -> State {
    if meta.upload_requested {
        State::UploadRequested
    } else {
        State::Pending
    }
}
