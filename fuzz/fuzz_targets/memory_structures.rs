//! Bytes as process memory and as a custom stream: environment-block recognition inside
//! the memory scan (ASCII and UTF-16LE at both alignments) and the crash-context XML
//! reader. Every field found must lie inside the bytes given, and every finding too.
#![no_main]

use crashscope::disclosure::{context, Inventory, Region};
use crashscope::report::RegionKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(fields) = context::fields(data, 0) {
        for f in &fields {
            assert!(f.origin.offset + f.origin.len <= data.len() as u64);
        }
    }
    let inventory = Inventory {
        regions: vec![Region {
            kind: RegionKind::Stack,
            thread_id: Some(1),
            address: 0x7ffc_0000_0000,
            file_offset: 0,
            len: data.len() as u64,
            name: None,
        }],
        ..Inventory::default()
    };
    let found = crashscope::pii::scan(&inventory, data, &Default::default());
    for f in &found.fields {
        assert!(f.origin.offset + f.origin.len <= data.len() as u64);
    }
    for f in &found.findings {
        assert!(f.offset + f.length <= data.len() as u64);
    }
});
