//! The disclosure inventory: everything a dump would share, each piece with its exact
//! place in the file.
//!
//! Every string-bearing place in a dump becomes a [`Field`] (a path such as
//! `modules[3].code_file`, its value, and its byte origin: offset, length, encoding), and
//! every range of process memory a [`Region`]. `show` renders the inventory, `audit`
//! judges it, `scrub` rewrites it at the origins. This module reads bytes and bounds-checks
//! every offset the dump claims; it does not decide what is personal (that is `pii`).
//!
//! Origins are computed from the raw structures, not from the parsed values, so that a
//! rewrite at `origin` changes exactly the bytes that hold the value.

pub mod bytemap;
pub mod context;
pub mod environ;
pub mod extra;
mod json;
mod raw;
mod sid;
pub mod upload;

mod builder;
mod crashpad;
mod linux;
mod streams;
mod types;

use builder::*;
pub use types::*;

use minidump::format::MINIDUMP_STREAM_TYPE as S;
use serde::Serialize;

use crate::report::{RegionKind, Report};
use raw::Bytes;

/// The inventory of a file attached to a report: text is one field (`attachments.NAME`),
/// anything else a region scanned like memory (`attachment:NAME`).
pub fn attachment(name: &str, bytes: &[u8]) -> Inventory {
    let mut inv = Inventory::default();
    let text = text_of(bytes);
    let text = text.as_deref().filter(|t| {
        let control = t
            .chars()
            .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            .count();
        control * 100 <= t.len()
    });
    match text {
        Some(text) => {
            inv.fields.push(Field {
                path: format!("attachments.{name}"),
                kind: FieldKind::Attachment {
                    name: name.to_string(),
                },
                value: text.to_string(),
                origin: Origin {
                    offset: 0,
                    len: bytes.len() as u64,
                    encoding: Encoding::Utf8,
                },
            });
            // Mozilla's `.extra`: each annotation is a form field of its own, judged by
            // its name as well as its value.
            let entries = name
                .ends_with(".extra")
                .then(|| extra::parse(text))
                .flatten();
            push_entries(
                &mut inv,
                entries.unwrap_or_default(),
                "extra",
                AnnotationSource::Extra,
            );
        }
        None => inv.regions.push(Region {
            kind: RegionKind::Other,
            thread_id: None,
            address: 0,
            file_offset: 0,
            len: bytes.len() as u64,
            name: Some(RawBytes::Attachment(name.to_string())),
        }),
    }
    // JSON documents (sentry-native's envelopes, event and session files): each value is
    // a field judged by its name too. An `.extra` was read as one above.
    if !name.ends_with(".extra") {
        push_entries(
            &mut inv,
            json::entries(bytes),
            &format!("attachments.{name}"),
            AnnotationSource::Json,
        );
    }
    inv
}

/// Annotation-like entries of an attachment (a `.extra`'s, a JSON document's) as fields
/// `PREFIX.KEY`, each judged by its name as well as its value.
fn push_entries(
    inv: &mut Inventory,
    entries: Vec<extra::Entry>,
    prefix: &str,
    source: AnnotationSource,
) {
    for e in entries {
        inv.fields.push(Field {
            path: format!("{prefix}.{}", e.key),
            kind: FieldKind::Annotation { key: e.key, source },
            origin: Origin {
                offset: e.offset as u64,
                len: e.value.len() as u64,
                encoding: Encoding::Utf8,
            },
            value: e.value,
        });
    }
}

/// `bytes` as text of the same length: UTF-8 as it is; a few bytes that are not (one
/// Latin-1 `é` in an `.extra`, which the server still reads) each become `?`, so every
/// offset stays the file's and the fields are still judged by name. Mostly invalid
/// bytes are no text.
fn text_of(bytes: &[u8]) -> Option<std::borrow::Cow<'_, str>> {
    if let Ok(t) = std::str::from_utf8(bytes) {
        return Some(t.into());
    }
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    let mut invalid = 0usize;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(t) => {
                out.push_str(t);
                break;
            }
            Err(e) => {
                let good = e.valid_up_to();
                out.push_str(std::str::from_utf8(&rest[..good]).unwrap_or_default());
                let bad = e.error_len().unwrap_or(rest.len() - good);
                out.extend(std::iter::repeat_n('?', bad));
                invalid += bad;
                rest = &rest[good + bad..];
            }
        }
    }
    (invalid * 20 <= bytes.len()).then(|| out.into())
}

/// The inventory of `settings.dat`: its client id (offsets in that file), unless the id
/// is all zeros (a scrubbed copy).
pub fn settings(settings: &crate::source::crashpad::Settings) -> Inventory {
    let mut inv = Inventory::default();
    if settings.client_id != "00000000-0000-0000-0000-000000000000" {
        inv.fields.push(Field {
            path: "settings.client_id".to_string(),
            kind: FieldKind::CrashpadClientId,
            value: settings.client_id.clone(),
            origin: Origin {
                offset: 24,
                len: 16,
                encoding: Encoding::Raw,
            },
        });
    }
    inv
}

/// Build the inventory of `report`.
pub fn inventory(report: &Report) -> Inventory {
    let mut inv = Builder {
        data: Bytes(report.bytes()),
        out: Inventory::default(),
        problem_count: 0,
        raw: Vec::new(),
        uses: std::collections::HashMap::new(),
        structures: std::collections::HashSet::new(),
        claims: bytemap::Claims::default(),
    };
    // The header's signature, version, stream count and directory offset, and the
    // directory. Its checksum, time stamp and flags are numbers no part of crashscope
    // reads as text: left unclaimed, text hidden there is scanned.
    inv.claim(0, 16);
    if let (Some(count), Some(rva)) = (inv.data.u32(8), inv.data.u32(12)) {
        inv.claim(u64::from(rva), u64::from(count) * 12);
    }
    for s in report.streams() {
        let Some(stream) = inv.data.slice(s.offset, s.size) else {
            continue; // already in report.problems
        };
        let offset = s.offset;
        inv.stream_structure(s.stream_type, stream, offset);
        match num_traits::FromPrimitive::from_u32(s.stream_type) {
            Some(S::ModuleListStream) => inv.modules(stream, offset),
            Some(S::UnloadedModuleListStream) => inv.unloaded_modules(stream, offset),
            Some(S::ThreadNamesStream) => inv.thread_names(stream, offset),
            Some(S::CrashpadInfoStream) => inv.crashpad(stream, offset),
            Some(S::LinuxEnviron) => inv.environ(stream, offset),
            Some(S::LinuxCmdLine) => inv.cmdline(stream, offset),
            Some(S::LinuxProcStatus) => {
                inv.lines(stream, offset, "proc_status", || FieldKind::ProcStatus)
            }
            Some(S::LinuxLsbRelease) => {
                inv.lines(stream, offset, "lsb_release", || FieldKind::LsbRelease)
            }
            Some(S::LinuxCpuInfo) => inv.lines(stream, offset, "cpu_info", || FieldKind::CpuInfo),
            Some(S::LinuxMaps) => inv.lines(stream, offset, "maps", || FieldKind::Maps),
            Some(S::LinuxDsoDebug) => inv.dso_debug(stream, offset),
            Some(S::SystemInfoStream) => inv.system_info(stream),
            Some(S::MiscInfoStream) => inv.misc_info(stream, offset),
            Some(S::HandleDataStream) => inv.handles(stream),
            Some(S::CommentStreamA) => inv.push_utf8("comment", FieldKind::Comment, stream, offset),
            Some(S::CommentStreamW) => {
                inv.push_utf16("comment", FieldKind::Comment, stream, offset)
            }
            Some(S::AssertionInfoStream) => inv.assertion(stream, offset),
            Some(S::MozMacosCrashInfoStream) => inv.mac_crash_info(stream),
            // Structures without text, and memory (already regions).
            Some(
                S::UnusedStream
                | S::ThreadListStream
                | S::MemoryListStream
                | S::Memory64ListStream
                | S::ExceptionStream
                | S::MemoryInfoListStream
                | S::ThreadInfoListStream,
            ) => {}
            // Anything else (a custom user stream, a stream this version does not
            // interpret) is scanned as raw bytes: what is not in the inventory could not
            // be shown, audited or scrubbed.
            _ => {
                // An engine's crash context (Unreal's XML) is read element by element;
                // its bytes are scanned raw as well, so nothing between elements hides.
                if let Some(fields) = context::fields(stream, offset) {
                    for f in fields {
                        inv.push(f.path, f.kind, f.value, f.origin);
                    }
                }
                // The token stream (and any other) may hold account SIDs in binary.
                for (n, (at, len, text)) in sid::find(stream).into_iter().enumerate() {
                    inv.push(
                        format!("streams[{:#x}].sids[{n}]", s.stream_type),
                        FieldKind::Sid,
                        text,
                        Origin {
                            offset: offset + at as u64,
                            len: len as u64,
                            encoding: Encoding::Raw,
                        },
                    );
                }
                inv.raw_bytes(RawBytes::Stream(s.stream_type), offset, s.size)
            }
        }
    }
    inv.out.regions = report
        .regions
        .iter()
        .map(|r| Region {
            kind: r.kind,
            thread_id: r.thread_id,
            address: r.address,
            file_offset: r.file_offset,
            len: r.size,
            name: None,
        })
        .filter(|r| r.file_offset.saturating_add(r.len) <= report.file_size)
        .chain(std::mem::take(&mut inv.raw))
        .collect();
    // Every byte no parser claimed is scanned like an unknown stream.
    let mut claims = std::mem::take(&mut inv.claims);
    for r in &inv.out.regions {
        claims.add(r.file_offset, r.len, bytemap::Class::Region);
    }
    let (map, unclaimed) = claims.finish(report.file_size);
    inv.out.byte_map = map;
    inv.out
        .regions
        .extend(unclaimed.into_iter().map(|(offset, len)| Region {
            kind: RegionKind::Other,
            thread_id: None,
            address: offset,
            file_offset: offset,
            len,
            name: Some(RawBytes::Unclaimed),
        }));
    if inv.problem_count > MAX_PROBLEMS {
        let more = inv.problem_count - MAX_PROBLEMS;
        inv.out
            .problems
            .push(crate::problem::Problem::Unreadable(format!(
                "… and {more} more unreadable places"
            )));
    }
    inv.out
}
