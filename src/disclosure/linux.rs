//! Breakpad's Linux streams: the environment, the command line, line-based `/proc` files
//! and the dynamic linker's list of loaded objects.

use super::*;

impl Builder<'_> {
    pub(super) fn environ(&mut self, stream: &[u8], offset: u64) {
        for (start, entry) in raw::nul_separated(stream) {
            let (name, value_at) = match entry.iter().position(|&b| b == b'=') {
                Some(i) => (raw::lossy(&entry[..i]), i + 1),
                None => (raw::lossy(entry), entry.len()),
            };
            let kind = FieldKind::EnvVar {
                name: name.clone(),
                block: None,
            };
            self.push_utf8(
                &format!("environ.{name}"),
                kind,
                &entry[value_at..],
                offset + (start + value_at) as u64,
            );
        }
    }

    pub(super) fn cmdline(&mut self, stream: &[u8], offset: u64) {
        for (index, (start, arg)) in raw::nul_separated(stream).into_iter().enumerate() {
            self.push_utf8(
                &format!("cmdline[{index}]"),
                FieldKind::CommandLine { index },
                arg,
                offset + start as u64,
            );
        }
    }

    /// A text stream, one field per line (`proc_status[3]`).
    pub(super) fn lines(
        &mut self,
        stream: &[u8],
        offset: u64,
        name: &str,
        kind: impl Fn() -> FieldKind,
    ) {
        let mut start = 0;
        for (n, line) in stream.split(|&b| b == b'\n').enumerate() {
            self.push_utf8(&format!("{name}[{n}]"), kind(), line, offset + start as u64);
            start += line.len() + 1;
        }
    }

    /// Breakpad's DSO debug stream: `MDRawDebug` then `MDRawLinkMap`s naming each library.
    pub(super) fn dso_debug(&mut self, stream: &[u8], _offset: u64) {
        let s = Bytes(stream);
        // DSO_DEBUG_64: u32 version, RVA map, u32 dso_count, then brk/ldbase/dynamic.
        let (Some(map_rva), Some(count)) = (s.u32(4), s.u32(8)) else {
            return;
        };
        // LINK_MAP_64: u64 addr, RVA name, u64 ld. rust-minidump's writers pack it to 20
        // bytes, Breakpad's C++ writer pads it to 24: take the stride whose names all lie
        // inside the file.
        let data = self.data;
        let name_at = move |stride: u64, i: u64| data.u32(u64::from(map_rva) + i * stride + 8);
        let readable = |stride: u64| {
            (0..u64::from(count).min(4096)).all(|i| {
                name_at(stride, i)
                    .is_some_and(|rva| rva == 0 || data.minidump_string(rva).is_some())
            })
        };
        let stride = if readable(20) || !readable(24) {
            20
        } else {
            24
        };
        let room = (self.data.0.len() as u64).saturating_sub(u64::from(map_rva)) / stride;
        self.claim(u64::from(map_rva), stride * u64::from(count).min(room));
        for i in 0..u64::from(count).min(room) {
            let name_rva = name_at(stride, i).unwrap_or(0);
            self.minidump_string(
                format!("dso_debug[{i}].name"),
                FieldKind::DsoDebug,
                name_rva,
            );
        }
    }
}
