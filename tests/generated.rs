//! The committed completions, man pages and upstream rule table must equal what the
//! binary and the generator make now.

use crate::util::{root, run};

#[path = "../scripts/generate_rules.rs"]
#[allow(dead_code)]
mod generate_rules;

#[test]
fn the_upstream_rule_table_is_what_the_rule_data_makes() {
    let fresh = generate_rules::generate(&root());
    let committed = std::fs::read_to_string(root().join(generate_rules::GENERATED)).unwrap();
    assert!(
        fresh == committed,
        "{} is stale: run `cargo run --example generate-rules` (or scripts/generate.sh)",
        generate_rules::GENERATED
    );
}

#[test]
fn completions_are_up_to_date() {
    for (shell, file) in [
        ("bash", "crashscope.bash"),
        ("zsh", "_crashscope"),
        ("fish", "crashscope.fish"),
        ("powershell", "_crashscope.ps1"),
        ("elvish", "crashscope.elv"),
    ] {
        let out = run(["generate", "completions", shell]);
        assert_eq!(out.status.code(), Some(0));
        let committed = std::fs::read(root().join("completions").join(file))
            .unwrap_or_else(|_| panic!("completions/{file} is missing: run scripts/generate.sh"));
        assert!(
            committed == out.stdout,
            "completions/{file} is stale: run scripts/generate.sh"
        );
    }
}

#[test]
fn man_pages_are_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(["generate".as_ref(), "man".as_ref(), dir.path().as_os_str()]);
    assert_eq!(out.status.code(), Some(0));
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert!(names.contains(&"crashscope.1".to_string()));
    assert!(names.contains(&"crashscope-show.1".to_string()));
    for name in names {
        let fresh = std::fs::read(dir.path().join(&name)).unwrap();
        let committed = std::fs::read(root().join("man").join(&name))
            .unwrap_or_else(|_| panic!("man/{name} is missing: run scripts/generate.sh"));
        assert!(
            committed == fresh,
            "man/{name} is stale: run scripts/generate.sh"
        );
    }
}

#[test]
fn the_rule_documentation_is_up_to_date() {
    let out = run(["rules", "--format", "markdown"]);
    assert!(out.status.success());
    let committed = std::fs::read(root().join("docs/rules.md"))
        .unwrap_or_else(|_| panic!("docs/rules.md is missing: run scripts/generate.sh"));
    assert!(
        committed == out.stdout,
        "docs/rules.md is stale: run scripts/generate.sh"
    );
}

#[test]
fn rules_lists_every_rule_with_its_origin_as_json() {
    let out = run(["rules", "--format", "json"]);
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = doc["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "rule ids are unique");
    // Every rule says where it comes from; upstream ids say it too.
    for r in rules {
        let (id, origin) = (r["id"].as_str().unwrap(), r["origin"].as_str().unwrap());
        match origin {
            "crashscope" => assert!(!id.contains('.'), "{id}"),
            "gitleaks" => assert!(id.starts_with("gitleaks."), "{id}"),
            "noseyparker" => assert!(id.starts_with("np."), "{id}"),
            other => panic!("{id}: origin {other}"),
        }
        for key in ["category", "severity", "description"] {
            assert!(
                r[key].as_str().is_some_and(|s| !s.is_empty()),
                "{id}: {key}"
            );
        }
    }
    for (origin, at_least) in [("crashscope", 40), ("gitleaks", 150), ("noseyparker", 5)] {
        let n = rules.iter().filter(|r| r["origin"] == origin).count();
        assert!(n >= at_least, "{origin}: {n} rules");
    }
    // A rule left out is listed with its reason, and is not among the rules.
    let excluded = doc["excluded"].as_array().unwrap();
    let generic = excluded
        .iter()
        .find(|e| e["id"] == "gitleaks.generic-api-key")
        .expect("the generic rule is left out on purpose");
    assert!(generic["reason"].as_str().unwrap().len() > 20);
    assert!(!ids.contains(&"gitleaks.generic-api-key"));
    assert!(doc["sources"]["gitleaks"]
        .as_str()
        .unwrap()
        .contains("v8.30.1"));
}
