//! A full-memory minidump for the audit benchmark: a Memory64List of `MIB` MiB in 4 MiB
//! regions of memory-like bytes (`support/memory_gen.rs`: zeros, pointers, ASCII and
//! UTF-16LE text, planted e-mails, card numbers, IPs, tokens and home paths, one in ~200 KiB), plus a
//! SystemInfo stream. Written in a streaming pass: the generator never holds more than one
//! region in memory.
//!
//! Usage: `make_big_dump OUT.dmp [MIB]` (default 1024). Prints how many values it planted.

use std::io::{BufWriter, Seek, Write};

#[path = "support/memory_gen.rs"]
mod memory_gen;

const REGION: usize = 4 << 20;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let out = args.get(1).expect("usage: make_big_dump OUT.dmp [MIB]");
    let mib: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1024);
    let regions = (mib << 20).div_ceil(REGION);
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);

    // Header (32 bytes), directory (2 × 12), SystemInfo (56), its CSD string, then the
    // Memory64List (16 + 16 per region) and the memory itself.
    let dir_rva = 32u32;
    let sys_rva = dir_rva + 2 * 12;
    let csd_rva = sys_rva + 56;
    let csd: Vec<u8> = "#1 SMP PREEMPT_DYNAMIC"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let mem_rva = (csd_rva + 4 + csd.len() as u32 + 2 + 7) & !7;
    let mem_size = 16 + 16 * regions as u32;
    let base_rva = u64::from(mem_rva + mem_size);

    w.write_all(b"MDMP")?;
    w.write_all(&0xa793u32.to_le_bytes())?;
    w.write_all(&2u32.to_le_bytes())?; // streams
    w.write_all(&dir_rva.to_le_bytes())?;
    w.write_all(&0u32.to_le_bytes())?; // checksum
    w.write_all(&1_795_400_000u32.to_le_bytes())?; // time
    w.write_all(&0u64.to_le_bytes())?; // flags
    for (ty, size, rva) in [(7u32, 56u32, sys_rva), (9, mem_size, mem_rva)] {
        w.write_all(&ty.to_le_bytes())?;
        w.write_all(&size.to_le_bytes())?;
        w.write_all(&rva.to_le_bytes())?;
    }
    // MINIDUMP_SYSTEM_INFO: AMD64, Linux (0x8201).
    let mut sys = Vec::new();
    sys.extend(9u16.to_le_bytes());
    sys.extend(23u16.to_le_bytes());
    sys.extend(0x1101u16.to_le_bytes());
    sys.push(2);
    sys.push(1);
    sys.extend(6u32.to_le_bytes());
    sys.extend(1u32.to_le_bytes());
    sys.extend(0u32.to_le_bytes());
    sys.extend(0x8201u32.to_le_bytes());
    sys.extend(csd_rva.to_le_bytes());
    sys.extend(0u16.to_le_bytes());
    sys.extend(0u16.to_le_bytes());
    sys.resize(56, 0);
    w.write_all(&sys)?;
    w.write_all(&(csd.len() as u32).to_le_bytes())?;
    w.write_all(&csd)?;
    w.write_all(&[0, 0])?;
    let written = csd_rva as usize + 4 + csd.len() + 2;
    w.write_all(&vec![0u8; mem_rva as usize - written])?;
    // MINIDUMP_MEMORY64_LIST.
    w.write_all(&(regions as u64).to_le_bytes())?;
    w.write_all(&base_rva.to_le_bytes())?;
    for i in 0..regions {
        let start = 0x7f00_0000_0000u64 + (i as u64) * (REGION as u64 + 0x10_0000);
        w.write_all(&start.to_le_bytes())?;
        w.write_all(&(REGION as u64).to_le_bytes())?;
    }
    assert_eq!(w.stream_position()?, base_rva);
    let mut planted = 0;
    for i in 0..regions {
        // Sparse personal data, as in a real process: one value in ~200 KiB.
        let (bytes, values) = memory_gen::generate(REGION, i as u64, 2000);
        planted += values.len();
        w.write_all(&bytes)?;
    }
    w.flush()?;
    println!("wrote {out}: {mib} MiB of memory in {regions} regions, {planted} planted values");
    Ok(())
}
