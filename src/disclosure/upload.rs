//! What Crashpad's uploader would send for a dump: the multipart form fields and the URL
//! query, built from the inventory exactly as `BreakpadHTTPFormParametersFromMinidump`
//! (`handler/minidump_to_upload_parameters.cc`) builds them from the CrashpadInfo stream:
//!
//! 1. the process-level simple annotations;
//! 2. for each module, in module-list order: its simple annotations, then its
//!    annotation objects of type 1 (string); the first value of a key wins;
//! 3. `list_annotations`: every module's list annotations joined with `\n` (replaces);
//! 4. `guid`: the CrashpadInfo client id (replaces any annotation of that name);
//! 5. a key named `upload_file_minidump` is dropped (the dump's own part has that name).
//!
//! Fields are sent sorted by key (Crashpad keeps them in a `std::map`). Each field keeps
//! the inventory paths it came from, so a view can highlight it with the findings of
//! those fields and an audit can point at their bytes.

use serde::Serialize;

use super::{FieldKind, Inventory};

/// The form part name Crashpad uses for the dump itself.
const MINIDUMP_KEY: &str = "upload_file_minidump";

/// One form field.
#[derive(Debug, Clone, Serialize)]
pub struct FormField {
    pub key: String,
    pub value: String,
    /// Inventory paths the value is made of, with the byte offset of each part inside
    /// `value` (several for `list_annotations`).
    pub sources: Vec<(String, usize)>,
    /// Inventory paths of values with the same key that are not sent (the first wins).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shadowed: Vec<String>,
}

/// The whole form and the URL query.
#[derive(Debug, Clone, Serialize)]
pub struct UploadForm {
    /// Sorted by key, as sent.
    pub fields: Vec<FormField>,
    /// `product`, `version`, `guid`, from `prod`, `ver`, `guid`, when present.
    pub query: Vec<(String, String)>,
    /// Whether the dump has a CrashpadInfo stream at all (without one, `guid` is zeros).
    pub has_crashpad_info: bool,
}

impl UploadForm {
    pub fn get(&self, key: &str) -> Option<&FormField> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// `?product=…&version=…&guid=…`, URL-encoded as Crashpad appends it.
    pub fn query_string(&self) -> String {
        let parts: Vec<String> = self
            .query
            .iter()
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect();
        parts.join("&")
    }
}

/// Which Crashpad annotation a field is: its module (None = process) and its kind.
enum Source {
    Simple,
    Object,
    List,
}

fn classify(kind: &FieldKind) -> Option<(Option<usize>, Source)> {
    use super::AnnotationSource as A;
    let module = |m: u32| m as usize;
    match kind {
        FieldKind::Annotation { source, .. } => match *source {
            A::Simple { module: m } => Some((m.map(module), Source::Simple)),
            A::Object { module: m } => Some((Some(module(m)), Source::Object)),
            A::Extra | A::Json => None,
        },
        FieldKind::ListAnnotation { module: m } => Some((Some(module(*m)), Source::List)),
        _ => None,
    }
}

/// Build the form Crashpad would send for the dump behind `inventory`.
pub fn form(inventory: &Inventory) -> UploadForm {
    let module_count = inventory
        .fields
        .iter()
        .filter(|f| f.kind == FieldKind::ModulePath)
        .count();
    // (module order key, kind order, position) so that a stable sort gives Crashpad's
    // order: process first, then modules by their index in the module list, each with
    // simple annotations before annotation objects.
    let mut ordered = Vec::new();
    let mut lists = Vec::new();
    for (pos, f) in inventory.fields.iter().enumerate() {
        let Some((module, source)) = classify(&f.kind) else {
            continue;
        };
        // Crashpad's reader only looks up the links of modules that exist.
        if module.is_some_and(|m| m >= module_count) {
            continue;
        }
        let module_key = module.map_or(0, |m| m + 1);
        match source {
            Source::List => lists.push((module_key, pos)),
            Source::Simple | Source::Object => {
                let FieldKind::Annotation { key, .. } = &f.kind else {
                    continue;
                };
                let kind_key = matches!(source, Source::Object) as u8;
                ordered.push((module_key, kind_key, pos, key.clone()));
            }
        }
    }
    ordered.sort_by_key(|&(m, k, pos, _)| (m, k, pos));
    lists.sort_by_key(|&(m, pos)| (m, pos));

    let mut fields: std::collections::BTreeMap<String, FormField> = Default::default();
    for (_, _, pos, key) in ordered {
        let f = &inventory.fields[pos];
        match fields.get_mut(&key) {
            Some(existing) => existing.shadowed.push(f.path.clone()),
            None => {
                fields.insert(
                    key.clone(),
                    FormField {
                        key,
                        value: f.value.clone(),
                        sources: vec![(f.path.clone(), 0)],
                        shadowed: Vec::new(),
                    },
                );
            }
        }
    }
    if !lists.is_empty() {
        let mut value = String::new();
        let mut sources = Vec::new();
        for (i, (_, pos)) in lists.iter().enumerate() {
            if i > 0 {
                value.push('\n');
            }
            let f = &inventory.fields[*pos];
            sources.push((f.path.clone(), value.len()));
            value.push_str(&f.value);
        }
        replace(&mut fields, "list_annotations", value, sources);
    }
    let client = inventory
        .fields
        .iter()
        .find(|f| f.kind == FieldKind::CrashpadClientId);
    let has_crashpad_info = inventory.fields.iter().any(|f| f.kind.is_crashpad())
        || inventory
            .regions
            .iter()
            .any(|r| matches!(r.name, Some(super::RawBytes::Annotation(_))));
    match client {
        Some(c) => replace(
            &mut fields,
            "guid",
            c.value.clone(),
            vec![(c.path.clone(), 0)],
        ),
        None => replace(
            &mut fields,
            "guid",
            "00000000-0000-0000-0000-000000000000".to_string(),
            Vec::new(),
        ),
    }
    fields.remove(MINIDUMP_KEY);
    let fields: Vec<FormField> = fields.into_values().collect();
    let query = [("prod", "product"), ("ver", "version"), ("guid", "guid")]
        .iter()
        .filter_map(|(key, name)| {
            fields
                .iter()
                .find(|f| f.key == *key)
                .map(|f| (name.to_string(), f.value.clone()))
        })
        .collect();
    UploadForm {
        fields,
        query,
        has_crashpad_info,
    }
}

fn replace(
    fields: &mut std::collections::BTreeMap<String, FormField>,
    key: &str,
    value: String,
    sources: Vec<(String, usize)>,
) {
    let shadowed = fields
        .remove(key)
        .map(|old| {
            let mut s: Vec<String> = old.sources.into_iter().map(|(p, _)| p).collect();
            s.extend(old.shadowed);
            s
        })
        .unwrap_or_default();
    fields.insert(
        key.to_string(),
        FormField {
            key: key.to_string(),
            value,
            sources,
            shadowed,
        },
    );
}

/// Percent-encode everything but RFC 3986's unreserved characters.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disclosure::{Encoding, Field, Origin};

    fn field(path: &str, kind: FieldKind, value: &str) -> Field {
        Field {
            path: path.to_string(),
            kind,
            value: value.to_string(),
            origin: Origin {
                offset: 0,
                len: 0,
                encoding: Encoding::Utf8,
            },
        }
    }

    /// An annotation at `path`, its source as the inventory builder gives it.
    fn ann(path: &str, key: &str, value: &str) -> Field {
        use crate::disclosure::AnnotationSource as A;
        let source = match path.strip_prefix("crashpad.modules[") {
            Some(rest) => {
                let (index, rest) = rest.split_once(']').unwrap();
                let module = index.parse().unwrap();
                if rest.starts_with(".objects.") {
                    A::Object { module }
                } else {
                    A::Simple {
                        module: Some(module),
                    }
                }
            }
            None => A::Simple { module: None },
        };
        let kind = FieldKind::Annotation {
            key: key.into(),
            source,
        };
        field(path, kind, value)
    }

    #[test]
    fn crashpad_order_first_key_wins_guid_replaces() {
        let inv = Inventory {
            fields: vec![
                field("modules[0].code_file", FieldKind::ModulePath, "/a"),
                field("modules[1].code_file", FieldKind::ModulePath, "/b"),
                field("crashpad.client_id", FieldKind::CrashpadClientId, "c-id"),
                // Links in the stream are out of module order: module 1 first.
                ann("crashpad.modules[1].simple.k", "k", "from-module-1"),
                ann("crashpad.modules[1].objects.guid", "guid", "app-guid"),
                field(
                    "crashpad.modules[1].list_annotations[0]",
                    FieldKind::ListAnnotation { module: 1 },
                    "second",
                ),
                ann("crashpad.modules[0].objects.k", "k", "from-module-0-object"),
                field(
                    "crashpad.modules[0].list_annotations[0]",
                    FieldKind::ListAnnotation { module: 0 },
                    "first",
                ),
                ann("crashpad.annotations.simple.prod", "prod", "App & Co"),
                ann(
                    "crashpad.modules[0].simple.upload_file_minidump",
                    "upload_file_minidump",
                    "x",
                ),
                ann(
                    "crashpad.modules[7].simple.ghost",
                    "ghost",
                    "no such module",
                ),
            ],
            ..Inventory::default()
        };
        let form = form(&inv);
        let get = |k: &str| form.get(k).map(|f| f.value.as_str());
        assert_eq!(get("k"), Some("from-module-0-object"));
        assert_eq!(
            form.get("k").unwrap().shadowed,
            ["crashpad.modules[1].simple.k"]
        );
        assert_eq!(get("guid"), Some("c-id"));
        assert_eq!(get("list_annotations"), Some("first\nsecond"));
        assert_eq!(form.get("list_annotations").unwrap().sources[1].1, 6);
        assert_eq!(get("upload_file_minidump"), None);
        assert_eq!(get("ghost"), None);
        let keys: Vec<&str> = form.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["guid", "k", "list_annotations", "prod"]);
        assert_eq!(form.query_string(), "product=App%20%26%20Co&guid=c-id");
    }
}
