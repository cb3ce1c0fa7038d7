//! Crashpad's info stream: report and client ids, process and module annotations (simple
//! dictionaries, lists and annotation objects).

use super::*;

impl Builder<'_> {
    pub(super) fn crashpad(&mut self, stream: &[u8], offset: u64) {
        let s = Bytes(stream);
        if stream.len() < 52 {
            self.problem("the Crashpad info stream is too short".to_string());
            return;
        }
        for (at, path, kind) in [
            (4u64, "crashpad.report_id", FieldKind::CrashpadReportId),
            (20, "crashpad.client_id", FieldKind::CrashpadClientId),
        ] {
            let guid = &stream[at as usize..at as usize + 16];
            if guid.iter().any(|&b| b != 0) {
                self.push(
                    path.to_string(),
                    kind,
                    raw::uuid_string(guid),
                    Origin {
                        offset: offset + at,
                        len: 16,
                        encoding: Encoding::Raw,
                    },
                );
            }
        }
        let dict = (s.u32(36).unwrap_or(0), s.u32(40).unwrap_or(0));
        self.dictionary("crashpad.annotations", None, dict.1);
        let (list_size, list_rva) = (s.u32(44).unwrap_or(0), s.u32(48).unwrap_or(0));
        if list_size == 0 {
            return;
        }
        let Some(list) = self.data.slice(u64::from(list_rva), u64::from(list_size)) else {
            self.problem("the Crashpad module list is outside the file".to_string());
            return;
        };
        let links = u64::from(Bytes(list).u32(0).unwrap_or(0));
        self.claim(u64::from(list_rva), (4 + 12 * links).min(list.len() as u64));
        let l = Bytes(list);
        let count = self.list_count("the Crashpad module list", list, 12);
        for i in 0..count {
            let at = 4 + i * 12;
            let module = l.u32(at).unwrap_or(0);
            let info_size = l.u32(at + 4).unwrap_or(0);
            let info_rva = l.u32(at + 8).unwrap_or(0);
            // Many links to one module record: it is read once.
            if self.walked_before(0, info_rva) {
                self.out.shared += 1;
                continue;
            }
            // MinidumpModuleCrashpadInfo, read by its declared size: version, list and
            // simple annotations (20 bytes, what older macOS and Windows Crashpad
            // wrote), then annotation objects (28 bytes and more).
            let Some(info) = self
                .data
                .slice(u64::from(info_rva), u64::from(info_size))
                .filter(|_| info_size >= 20)
            else {
                self.problem(format!(
                    "crashpad module {module}: info ({info_size} bytes at {info_rva}) is outside the file or too short"
                ));
                continue;
            };
            let m = Bytes(info);
            self.claim(u64::from(info_rva), info.len() as u64);
            let prefix = format!("crashpad.modules[{module}]");
            // list annotations: RVA list of UTF-8 strings
            let list_rva = m.u32(8).unwrap_or(0);
            let fresh = list_rva == 0 || !self.walked_before(3, list_rva);
            if let Some(rvas) = self.data.rva_list(list_rva).filter(|_| fresh) {
                self.claim(u64::from(list_rva), 4 + 4 * rvas.len() as u64);
                for (n, rva) in rvas.into_iter().enumerate() {
                    self.utf8_string(
                        format!("{prefix}.list_annotations[{n}]"),
                        FieldKind::ListAnnotation { module },
                        rva,
                    );
                }
            }
            self.dictionary(&prefix, Some(module), m.u32(16).unwrap_or(0));
            if info.len() >= 28 {
                self.annotation_objects(&prefix, module, m.u32(24).unwrap_or(0));
            }
        }
    }

    /// A MinidumpSimpleStringDictionary at `rva` (0 = none).
    pub(super) fn dictionary(&mut self, prefix: &str, module: Option<u32>, rva: u32) {
        let what = format!("{prefix} annotations");
        for (i, at) in self.counted_list(1, rva, 8, &what, true).enumerate() {
            let (Some(k), Some(v)) = (self.data.u32(at), self.data.u32(at + 4)) else {
                break;
            };
            let Some(key) =
                self.utf8_string(format!("{prefix}.names[{i}]"), FieldKind::AnnotationName, k)
            else {
                continue;
            };
            self.utf8_string(
                format!("{prefix}.simple.{key}"),
                FieldKind::Annotation {
                    key: key.clone(),
                    source: AnnotationSource::Simple { module },
                },
                v,
            );
        }
    }

    /// A MinidumpAnnotationList at `rva`: string-typed values become fields.
    pub(super) fn annotation_objects(&mut self, prefix: &str, module: u32, rva: u32) {
        let what = format!("{prefix} annotation objects");
        for (i, at) in self.counted_list(2, rva, 12, &what, false).enumerate() {
            let name_rva = self.data.u32(at).unwrap_or(0);
            let ty = self.data.u16(at + 4).unwrap_or(0);
            let value_rva = self.data.u32(at + 8).unwrap_or(0);
            let Some(key) = self.utf8_string(
                format!("{prefix}.objects[{i}].name"),
                FieldKind::AnnotationName,
                name_rva,
            ) else {
                continue;
            };
            let Some(len) = self.data.u32(u64::from(value_rva)) else {
                continue;
            };
            let value_at = u64::from(value_rva) + 4;
            self.claim(u64::from(value_rva), 4);
            if self.data.slice(value_at, u64::from(len)).is_none() {
                self.problem(format!("{prefix}.objects.{key}: value is outside the file"));
                continue;
            }
            if ty == 1 {
                let bytes = self
                    .data
                    .slice(value_at, u64::from(len))
                    .unwrap_or_default();
                // All the bytes, NULs and what follows them included: Crashpad's
                // uploader sends the string annotation's whole value.
                self.push(
                    format!("{prefix}.objects.{key}"),
                    FieldKind::Annotation {
                        key: key.clone(),
                        source: AnnotationSource::Object { module },
                    },
                    raw::lossy(bytes),
                    Origin {
                        offset: value_at,
                        len: bytes.len() as u64,
                        encoding: Encoding::Utf8,
                    },
                );
            } else {
                // A custom type (or a future one): app-defined bytes, scanned like memory.
                self.raw_bytes(RawBytes::Annotation(key.clone()), value_at, u64::from(len));
            }
        }
    }
}
