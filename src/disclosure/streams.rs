//! The minidump streams every writer uses: modules and their CodeView records, unloaded
//! modules, thread names, system and misc info, handles, macOS crash info, assertions.

use super::*;

impl Builder<'_> {
    pub(super) fn modules(&mut self, stream: &[u8], _offset: u64) {
        const SIZE: u64 = 108;
        let count = Bytes(stream).u32(0).unwrap_or(0) as u64;
        if 4 + count.saturating_mul(SIZE) > stream.len() as u64 {
            self.problem(format!(
                "module list claims {count} modules but the stream is {} bytes",
                stream.len()
            ));
        }
        let count = count.min((stream.len() as u64).saturating_sub(4) / SIZE);
        for i in 0..count {
            let base = 4 + i * SIZE;
            let m = Bytes(stream);
            let name_rva = m.u32(base + 20).unwrap_or(0);
            self.minidump_string(
                format!("modules[{i}].code_file"),
                FieldKind::ModulePath,
                name_rva,
            );
            let (cv_size, cv_rva) = (m.u32(base + 76).unwrap_or(0), m.u32(base + 80).unwrap_or(0));
            self.codeview(i, cv_size, cv_rva);
        }
    }

    /// The debug file name inside a CodeView record (PDB 7.0 and 2.0).
    pub(super) fn codeview(&mut self, index: u64, size: u32, rva: u32) {
        let Some(record) = self.data.slice(u64::from(rva), u64::from(size)) else {
            return;
        };
        let name_at = match Bytes(record).u32(0) {
            Some(0x5344_5352) => 24, // 'RSDS': signature, GUID, age, name
            Some(0x3031_424e) => 16, // 'NB10': signature, offset, timestamp, age, name
            // An ELF build id ('BpEL') is binary: all of it is structure.
            Some(0x4270_454c) => {
                self.claim(u64::from(rva), record.len() as u64);
                return;
            }
            _ => return, // other formats carry no string; their bytes stay unclaimed
        };
        self.claim(u64::from(rva), name_at.min(record.len()) as u64);
        if record.len() > name_at {
            self.push_utf8(
                &format!("modules[{index}].debug_file"),
                FieldKind::DebugFile,
                &record[name_at..],
                u64::from(rva) + name_at as u64,
            );
        }
    }

    pub(super) fn unloaded_modules(&mut self, stream: &[u8], _offset: u64) {
        let s = Bytes(stream);
        let Some((header, entry, count)) = s.ex_list(24) else {
            return;
        };
        let count = self.cap(
            "the unloaded module list",
            u64::from(s.u32(8).unwrap_or(0)),
            count,
        );
        for i in 0..count {
            let rva = s.u32(header + i * entry + 20).unwrap_or(0);
            self.minidump_string(
                format!("unloaded_modules[{i}].code_file"),
                FieldKind::UnloadedModulePath,
                rva,
            );
        }
    }

    pub(super) fn thread_names(&mut self, stream: &[u8], _offset: u64) {
        let s = Bytes(stream);
        let count = self.list_count("the thread names list", stream, 12);
        for i in 0..count {
            let at = 4 + i * 12;
            let (Some(tid), Some(rva)) = (s.u32(at), s.u64(at + 4)) else {
                continue;
            };
            let Ok(rva) = u32::try_from(rva) else {
                self.problem(format!(
                    "thread_names[{tid}]: name offset {rva} is outside the file"
                ));
                continue;
            };
            self.minidump_string(
                format!("threads[{tid}].name"),
                FieldKind::ThreadName { tid },
                rva,
            );
        }
    }

    pub(super) fn system_info(&mut self, stream: &[u8]) {
        let s = Bytes(stream);
        if let Some(rva) = s.u32(24) {
            self.minidump_string(
                "system_info.csd_version".to_string(),
                FieldKind::SystemInfo,
                rva,
            );
        }
    }

    pub(super) fn misc_info(&mut self, stream: &[u8], offset: u64) {
        // MINIDUMP_MISC_INFO_3: time-zone names; _4: build strings (all fixed UTF-16 arrays).
        for (at, len, path) in [
            (64usize, 64usize, "misc_info.time_zone.standard_name"),
            (148, 64, "misc_info.time_zone.daylight_name"),
            (232, 520, "misc_info.build_string"),
            (752, 80, "misc_info.dbg_build_string"),
        ] {
            if stream.len() >= at + len {
                self.push_utf16(
                    path,
                    FieldKind::MiscInfo,
                    &stream[at..at + len],
                    offset + at as u64,
                );
            }
        }
    }

    pub(super) fn handles(&mut self, stream: &[u8]) {
        let s = Bytes(stream);
        let Some((header, size, count)) = s.ex_list(32) else {
            return;
        };
        let count = self.cap("the handle list", u64::from(s.u32(8).unwrap_or(0)), count);
        for i in 0..count {
            let at = header + i * size;
            if let Some(rva) = s.u32(at + 8) {
                self.minidump_string(
                    format!("handles[{i}].type_name"),
                    FieldKind::HandleName,
                    rva,
                );
            }
            if let Some(rva) = s.u32(at + 12) {
                self.minidump_string(
                    format!("handles[{i}].object_name"),
                    FieldKind::HandleName,
                    rva,
                );
            }
        }
    }

    /// macOS `CrashReporterClient` annotations (the `MozMacosCrashInfoStream`): up to 20
    /// records, each a fixed part of `record_start_size` bytes followed by NUL-terminated
    /// strings: module path, message, signature, backtrace, second message.
    pub(super) fn mac_crash_info(&mut self, stream: &[u8]) {
        const NAMES: [&str; 5] = [
            "module_path",
            "message",
            "signature_string",
            "backtrace",
            "message2",
        ];
        let s = Bytes(stream);
        let (Some(count), Some(start)) = (s.u32(4), s.u32(8)) else {
            return;
        };
        for i in 0..u64::from(count).min(20) {
            let (Some(size), Some(rva)) = (s.u32(12 + i * 8), s.u32(16 + i * 8)) else {
                break;
            };
            let Some(record) = self.data.slice(u64::from(rva), u64::from(size)) else {
                self.problem(format!("mac_crash_info[{i}]: record is outside the file"));
                continue;
            };
            self.claim(u64::from(rva), u64::from(start).min(record.len() as u64));
            let Some(strings) = record.get(start as usize..) else {
                continue;
            };
            let mut at = 0;
            for name in NAMES {
                let Some(rest) = strings.get(at..) else { break };
                let len = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
                let origin = u64::from(rva) + u64::from(start) + at as u64;
                self.push_utf8(
                    &format!("mac_crash_info[{i}].{name}"),
                    FieldKind::MacCrashInfo,
                    rest,
                    origin,
                );
                at += len + 1;
            }
        }
    }

    pub(super) fn assertion(&mut self, stream: &[u8], offset: u64) {
        for (at, path) in [
            (0usize, "assertion.expression"),
            (256, "assertion.function"),
            (512, "assertion.file"),
        ] {
            if stream.len() >= at + 256 {
                self.push_utf16(
                    path,
                    FieldKind::Assertion,
                    &stream[at..at + 256],
                    offset + at as u64,
                );
            }
        }
    }
}
