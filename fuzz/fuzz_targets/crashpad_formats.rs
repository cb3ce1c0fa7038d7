//! The store formats' parsers on arbitrary bytes: Crashpad's settings.dat, generic `.meta`
//! and Windows `metadata`; Mozilla's `.extra` files; sentry-native's envelopes. Every
//! offset they report must lie inside the bytes given, and say what is there.
#![no_main]

use crashscope::disclosure::extra;
use crashscope::source::crashpad::{parse_settings, read_meta, sentry, windows};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_settings(data);
    if let Ok(meta) = read_meta(data) {
        assert!(meta.header_size == 24 || meta.header_size == 32);
    }
    if let Ok((records, _)) = windows::parse(data) {
        assert!(records.len() <= data.len() / 56);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        for e in extra::parse(text).unwrap_or_default() {
            assert_eq!(&text[e.offset..e.offset + e.value.len()], e.value);
        }
    }
    if let Some((offset, len)) = sentry::envelope_minidump(data) {
        assert!(offset + len <= data.len());
        assert!(data[offset..].starts_with(b"MDMP"));
    }
});
