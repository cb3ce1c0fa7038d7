//! settings.dat, generic `.meta` and Windows `metadata` parsers on arbitrary bytes.
#![no_main]

use crashscope::source::crashpad::{parse_settings, read_meta, windows};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_settings(data);
    if let Ok(meta) = read_meta(data) {
        assert!(meta.header_size == 24 || meta.header_size == 32);
    }
    if let Ok((records, _)) = windows::parse(data) {
        assert!(records.len() <= data.len() / 56);
    }
});
