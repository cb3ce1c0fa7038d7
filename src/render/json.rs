//! The JSON view of one crash report (documented in `docs/json.md`).
//!
//! One document: a `schema` version, the source file, the process state exactly in
//! minidump-processor's JSON shape (so tools written for minidump-stackwalk read it
//! unchanged) under `process`, and crashscope's own sections beside it: modules with full
//! paths, Linux process data, Crashpad annotations, the streams and memory the file
//! carries, and what could not be read.

use serde_json::{json, Map, Value};

use super::human::{symbol_status, ShowView};
use crate::report::Report;

/// Bumped when a field changes meaning or disappears; new fields do not bump it.
pub const SCHEMA_VERSION: u32 = 2;

/// The document of `show --format json` (docs/json.md) without its `findings`, which
/// [`write_show_document`] streams in.
fn show_document_without_findings(view: &ShowView<'_>) -> Value {
    let report = view.report;
    let mut doc = Map::new();
    doc.insert("schema".into(), json!(SCHEMA_VERSION));
    doc.insert(
        "crashscope_version".into(),
        json!(env!("CARGO_PKG_VERSION")),
    );
    doc.insert(
        "source".into(),
        json!({
            "kind": "minidump",
            "path": report.path.display().to_string(),
            "size": report.file_size,
        }),
    );
    let process = view.state.and_then(|state| {
        let mut buf = Vec::new();
        state.print_json(&mut buf, false).ok()?;
        let mut value = serde_json::from_slice::<Value>(&buf).ok()?;
        sort_limits(&mut value);
        Some(value)
    });
    doc.insert("process".into(), process.unwrap_or(Value::Null));
    doc.insert("modules".into(), modules(view));
    // What Crashpad's uploader would send for this dump (only for dumps with Crashpad
    // annotations: other writers have their own upload formats).
    doc.insert(
        "upload_form".into(),
        if view.form.has_crashpad_info {
            form_json(view.form, Some(view.findings))
        } else {
            Value::Null
        },
    );
    doc.insert("linux".into(), linux(report));
    doc.insert("crashpad".into(), crashpad(report));
    doc.insert("streams".into(), json!(report.streams()));
    doc.insert("memory".into(), json!(view.inventory.regions));
    // `identity.you`: the verdict's list, the same identities in the same order.
    let mut identity = json!(view.findings.identity);
    let mut verdict = crate::render::verdict::Verdict::report();
    verdict.add_scan("", view.findings);
    identity["you"] = json!(verdict
        .identities()
        .iter()
        .map(|i| json!({"kind": i.kind, "value": i.value, "places": i.places, "in_fields": i.in_fields}))
        .collect::<Vec<_>>());
    doc.insert("identity".into(), identity);
    doc.insert("findings".into(), json!([]));
    doc.insert("fields".into(), json!(view.inventory.fields));
    doc.insert("byte_map".into(), json!(view.inventory.byte_map));
    doc.insert("shared_entries".into(), json!(view.inventory.shared));
    let mut problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    problems.extend(view.inventory.problems.iter().map(ToString::to_string));
    if let Some(e) = view.walk_error {
        problems.push(format!("the stacks could not be walked: {e}"));
    }
    doc.insert("problems".into(), json!(problems));
    Value::Object(doc)
}

/// The loaded modules: from the walk, else from the module list stream (symbols "not
/// looked up"); null when the dump has no readable module list.
/// minidump-processor writes a Linux dump's resource limits from a hash map, so their
/// order changed from run to run; machine output is stable, so they are sorted by name.
fn sort_limits(process: &mut Value) {
    if let Some(Value::Array(limits)) = process.pointer_mut("/proc_limits/limits") {
        limits.sort_by(|a, b| {
            let name = |v: &Value| v.get("name").and_then(Value::as_str).map(str::to_owned);
            name(a).cmp(&name(b))
        });
    }
}

fn modules(view: &ShowView<'_>) -> Value {
    use minidump::Module;
    let Some((modules, _)) = view.modules else {
        return Value::Null;
    };
    let list: Vec<Value> = modules
        .iter()
        .enumerate()
        .map(|(index, m)| {
            json!({
                "index": index,
                "base": format!("0x{:x}", m.base_address()),
                "size": m.size(),
                "code_file": m.code_file(),
                "code_id": m.code_identifier().map(|id| id.to_string()),
                "debug_file": m.debug_file(),
                "debug_id": m.debug_identifier().map(|id| id.breakpad().to_string()),
                "version": m.version(),
                "symbols": symbol_status(view.state, &m.code_file()),
            })
        })
        .collect();
    Value::Array(list)
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn linux(report: &Report) -> Value {
    let cmdline = report
        .linux_cmdline()
        .map(|args| args.iter().map(|a| lossy(a)).collect::<Vec<_>>());
    let environ = report.linux_environ().map(|vars| {
        vars.iter()
            .map(|(k, v)| json!({"name": lossy(k), "value": lossy(v)}))
            .collect::<Vec<_>>()
    });
    if cmdline.is_none() && environ.is_none() {
        return Value::Null;
    }
    json!({ "cmdline": cmdline, "environ": environ })
}

fn crashpad(report: &Report) -> Value {
    let Some(info) = report.crashpad_info() else {
        return Value::Null;
    };
    let modules: Vec<Value> = info
        .module_list
        .iter()
        .map(|m| {
            let objects: Map<String, Value> = m
                .annotation_objects
                .iter()
                .map(|(k, v)| {
                    let value = match v {
                        minidump::MinidumpAnnotation::String(s) => {
                            json!({"type": "string", "value": s})
                        }
                        minidump::MinidumpAnnotation::UserDefined(a) => {
                            json!({"type": "user_defined", "type_id": a.ty})
                        }
                        minidump::MinidumpAnnotation::Unsupported(a) => {
                            json!({"type": "unsupported", "type_id": a.ty})
                        }
                        _ => json!({"type": "invalid"}),
                    };
                    (k.clone(), value)
                })
                .collect();
            json!({
                "module_index": m.module_index,
                "simple_annotations": m.simple_annotations,
                "list_annotations": m.list_annotations,
                "annotation_objects": objects,
            })
        })
        .collect();
    json!({
        "report_id": info.raw.report_id.to_string(),
        "client_id": info.raw.client_id.to_string(),
        "simple_annotations": info.simple_annotations,
        "modules": modules,
    })
}

/// A finding's `location` object. Keys are in alphabetical order: the order in which
/// `serde_json`'s maps have always written them (docs/json.md), now written straight
/// from the finding without building a map (a dense dump has 183,735 findings).
#[derive(serde::Serialize)]
#[serde(untagged)]
pub enum LocationJson<'a> {
    Field {
        end: usize,
        path: &'a str,
        place: &'static str,
        start: usize,
        #[serde(rename = "type")]
        kind: &'static str,
    },
    Memory {
        address: Hex,
        #[serde(skip_serializing_if = "Option::is_none")]
        excerpt: Option<&'a str>,
        region: &'a str,
        thread_id: Option<u32>,
        #[serde(rename = "type")]
        kind: &'static str,
    },
}

/// An address written as a `"0x…"` string.
pub struct Hex(pub u64);

impl serde::Serialize for Hex {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("0x{:x}", self.0))
    }
}

/// A finding's `logical_location` ([`crate::pii::Location::logical_name`]), written
/// without building the string.
pub struct Logical<'a>(pub &'a crate::pii::Location);

impl serde::Serialize for Logical<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.logical_name())
    }
}

impl<'a> LocationJson<'a> {
    /// `excerpt`: whether a memory location carries its excerpt (values shown).
    pub fn of(location: &'a crate::pii::Location, excerpt: bool) -> LocationJson<'a> {
        use crate::pii::Location;
        match location {
            Location::Field {
                path,
                place,
                start,
                end,
                ..
            } => LocationJson::Field {
                end: *end,
                path,
                place,
                start: *start,
                kind: "field",
            },
            Location::Memory {
                region,
                thread_id,
                address,
                excerpt: text,
                ..
            } => LocationJson::Memory {
                address: Hex(*address),
                excerpt: excerpt.then_some(text.as_str()),
                region,
                thread_id: *thread_id,
                kind: "memory",
            },
        }
    }
}

/// A list of findings as `findings[]` objects.
pub fn findings_list(findings: &[crate::pii::Finding]) -> Value {
    Value::Array(findings.iter().map(finding_json).collect())
}

/// One `findings[]` object, keys in alphabetical order (see [`LocationJson`]).
#[derive(serde::Serialize)]
pub struct FindingJson<'a> {
    category: crate::pii::Category,
    encoding: crate::disclosure::Encoding,
    fingerprint: crate::pii::fingerprint::Fingerprint,
    length: u64,
    location: LocationJson<'a>,
    logical_location: Logical<'a>,
    offset: u64,
    preview: String,
    rule: &'static str,
    severity: crate::pii::Severity,
    value: &'a str,
}

impl<'a> FindingJson<'a> {
    pub fn of(f: &'a crate::pii::Finding) -> FindingJson<'a> {
        FindingJson {
            category: f.category,
            encoding: f.encoding,
            // One report: the place needs no file name.
            fingerprint: crate::pii::fingerprint::of(crate::pii::fingerprint::key(), "", f),
            length: f.length,
            location: LocationJson::of(&f.location, true),
            logical_location: Logical(&f.location),
            offset: f.offset,
            preview: f.preview(),
            rule: f.rule,
            severity: f.severity,
            value: &f.value,
        }
    }
}

/// One `findings[]` object as a value.
pub fn finding_json(f: &crate::pii::Finding) -> Value {
    serde_json::to_value(FindingJson::of(f)).unwrap_or(Value::Null)
}

/// `show --format json` of one dump, written as a stream: the document without its
/// findings, then the findings one at a time, so that a dump with hundreds of thousands
/// of findings never becomes one value in memory (docs/json.md describes the document).
pub fn write_show_document(
    w: &mut impl std::io::Write,
    view: &ShowView<'_>,
) -> std::io::Result<()> {
    write_show_value(w, view)?;
    writeln!(w)
}

/// [`write_show_document`] without the final line break (for nesting).
pub fn write_show_value(w: &mut dyn std::io::Write, view: &ShowView<'_>) -> std::io::Result<()> {
    let doc = show_document_without_findings(view);
    write_streaming(w, &doc, "findings", |w| {
        write_array(w, &view.findings.findings, "  ", FindingJson::of)
    })
}

/// Write `items` as a JSON array, one compact value a line, indented by `indent`.
pub fn write_array<'a, T, J: serde::Serialize>(
    w: &mut dyn std::io::Write,
    items: &'a [T],
    indent: &str,
    json: impl Fn(&'a T) -> J,
) -> std::io::Result<()> {
    w.write_all(b"[")?;
    // Each value is serialized into one buffer, then written with one call: the writer
    // behind `w` is reached through a `dyn` call, once a value, not once a token (183,735
    // findings of ~30 tokens each).
    let mut buf = Vec::with_capacity(1024);
    for (i, item) in items.iter().enumerate() {
        buf.clear();
        buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        buf.extend_from_slice(indent.as_bytes());
        buf.extend_from_slice(b"  ");
        serde_json::to_writer(&mut buf, &json(item))?;
        w.write_all(&buf)?;
    }
    if !items.is_empty() {
        write!(w, "\n{indent}")?;
    }
    w.write_all(b"]")
}

/// Write the object `doc` as serde_json pretty-prints it, key by key in its order, with
/// the value of `key` (which `doc` may hold only as a stand-in) written by `fill` as a
/// stream: a document of hundreds of thousands of findings never becomes one value.
pub fn write_streaming(
    w: &mut dyn std::io::Write,
    doc: &Value,
    key: &str,
    fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let empty = serde_json::Map::new();
    let map = doc.as_object().unwrap_or(&empty);
    let mut keys: Vec<&str> = map
        .keys()
        .map(String::as_str)
        .filter(|k| *k != key)
        .collect();
    keys.push(key);
    keys.sort_unstable();
    let mut fill = Some(fill);
    w.write_all(b"{")?;
    for (i, k) in keys.iter().enumerate() {
        w.write_all(if i == 0 { b"\n  " } else { b",\n  " })?;
        serde_json::to_writer(&mut *w, k)?;
        w.write_all(b": ")?;
        if *k == key {
            if let Some(fill) = fill.take() {
                fill(w)?;
            }
        } else {
            // A nested value pretty-printed on its own, indented one level: a JSON
            // string never holds a raw line break, so every one is the layout's.
            let text = serde_json::to_string_pretty(&map[*k])?;
            w.write_all(text.replace('\n', "\n  ").as_bytes())?;
        }
    }
    w.write_all(b"\n}")
}

/// The upload form (`upload.form` in docs/json.md): the query and every field with the
/// inventory paths it is made of and the findings inside it.
pub fn form_json(
    form: &crate::disclosure::upload::UploadForm,
    findings: Option<&crate::pii::Findings>,
) -> Value {
    let fields: Vec<Value> = form
        .fields
        .iter()
        .map(|f| {
            let matched: Vec<crate::pii::Finding> = findings
                .map(|all| {
                    f.sources
                        .iter()
                        .flat_map(|(path, _)| all.for_field(path))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            json!({
                "key": f.key,
                "value": f.value,
                "sources": f.sources.iter().map(|(p, at)| json!({"path": p, "at": at})).collect::<Vec<_>>(),
                "shadowed": f.shadowed,
                "findings": findings_list(&matched),
            })
        })
        .collect();
    json!({
        "query": form.query_string(),
        "has_crashpad_info": form.has_crashpad_info,
        "fields": fields,
    })
}

#[cfg(test)]
mod streaming_tests {
    use super::*;

    /// Written key by key, a document is what serde_json prints, whatever the values
    /// hold (strings that look like the layout, nested objects), with the stream in its
    /// place.
    #[test]
    fn a_streamed_document_is_what_serde_json_prints() {
        let doc = json!({
            "a": {"x": [1, {"y": "z\n  \"q\": 1"}], "w": null},
            "b": "\"findings\": []",
            "d": [],
            "e": {},
        });
        let mut out = Vec::new();
        write_streaming(&mut out, &doc, "c", |w| w.write_all(b"[1, 2]")).unwrap();
        let mut whole = doc.clone();
        whole["c"] = json!([1, 2]);
        let parsed: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(parsed, whole);
        let mut expected = doc.clone();
        expected["c"] = json!("STREAM");
        let expected = serde_json::to_string_pretty(&expected)
            .unwrap()
            .replace("\"STREAM\"", "[1, 2]");
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }
}
