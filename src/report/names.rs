//! Streams whose entries name strings by offset (thread names, the module lists): a
//! crafted dump can point thousands of entries at one large string, which the minidump
//! parser decodes once per entry (a 300 KB file asking for gigabytes, in every command).
//! Such a stream is found before parsing, by adding up the lengths of the strings its
//! entries point at: strings that do not overlap cannot add up to more than the file.
//!
//! Decodes nothing; what to do with such a stream is the caller's.

/// A stream left unread because decoding its names would cost far more than the file.
pub(super) struct Amplified {
    /// Where the stream's type is in the directory.
    pub type_at: usize,
    pub reason: String,
}

const MAGIC: u32 = 0x504d_444d;
const MODULE_LIST: u32 = 4;
const UNLOADED_MODULE_LIST: u32 = 14;
const THREAD_NAMES: u32 = 24;

/// The streams of `bytes` (a minidump) whose entries' strings add up to more than twice
/// the file and a MiB.
pub(super) fn amplified(bytes: &[u8]) -> Vec<Amplified> {
    let u32_at = |at: usize| -> Option<u32> {
        Some(u32::from_le_bytes(
            bytes.get(at..at.checked_add(4)?)?.try_into().ok()?,
        ))
    };
    let u64_at = |at: usize| -> Option<u64> {
        Some(u64::from_le_bytes(
            bytes.get(at..at.checked_add(8)?)?.try_into().ok()?,
        ))
    };
    let mut out = Vec::new();
    if u32_at(0) != Some(MAGIC) {
        return out;
    }
    let (Some(count), Some(directory)) = (u32_at(8), u32_at(12)) else {
        return out;
    };
    let limit = (bytes.len() as u64).saturating_mul(2) + (1 << 20);
    for i in 0..count as usize {
        let at = directory as usize + i * 12;
        let (Some(kind), Some(rva)) = (u32_at(at), u32_at(at + 8)) else {
            break;
        };
        let rva = rva as usize;
        // (first entry, entry size, offset of the name's offset in an entry, wide offset)
        let layout = match kind {
            THREAD_NAMES => Some((rva + 4, 12, 4, true, u32_at(rva))),
            MODULE_LIST => Some((rva + 4, 108, 20, false, u32_at(rva))),
            UNLOADED_MODULE_LIST => u32_at(rva).zip(u32_at(rva + 4)).map(|(header, size)| {
                (
                    rva + header as usize,
                    size as usize,
                    20,
                    false,
                    u32_at(rva + 8),
                )
            }),
            _ => None,
        };
        let Some((first, size, name_at, wide, Some(entries))) = layout else {
            continue;
        };
        if size < name_at + 4 {
            continue;
        }
        let mut total = 0u64;
        let mut read = 0u64;
        for k in 0..entries as usize {
            let entry = first + k * size + name_at;
            let name = if wide {
                u64_at(entry).and_then(|v| usize::try_from(v).ok())
            } else {
                u32_at(entry).map(|v| v as usize)
            };
            let Some(name) = name else {
                break; // the entries run past the file: the parser says so itself
            };
            read += 1;
            total += u64::from(u32_at(name).unwrap_or(0));
            if total > limit {
                let what = match kind {
                    THREAD_NAMES => "thread names",
                    MODULE_LIST => "module list",
                    _ => "unloaded module list",
                };
                out.push(Amplified {
                    type_at: at,
                    reason: format!(
                        "the {what} stream: its first {read} of {entries} entries already name \
                         {total} bytes of strings in a {}-byte file (entries share one \
                         string); not read, so the names it holds were not checked",
                        bytes.len()
                    ),
                });
                break;
            }
        }
    }
    out
}
