//! The committed completions and man pages must equal what the binary generates now.

use crate::util::{root, run};

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
