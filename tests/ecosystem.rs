//! Where CI teams put crashscope: the pre-commit hooks of `.pre-commit-hooks.yaml`, run
//! by the `pre-commit` tool from PyPI as a user's repository would run them (`pre-commit
//! try-repo`): the hook that builds crashscope from this repository fails a commit of a
//! dump with personal data and passes a clean one; the crash-store hook audits the tree.
//! And the audit steps of `action.yml`, run by bash as GitHub's runner runs them.
//!
//! `pre-commit` is taken from PATH, else installed into `target/pre-commit-venv` with
//! pip. Where neither works the test is skipped with the reason, except in CI
//! (`CI` set), where it fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::util::{root, testdata};

/// `pre-commit`, from PATH or a virtual environment of our own (made once, whichever
/// test asks first); `Err` says why not.
fn pre_commit() -> Result<PathBuf, String> {
    static ONCE: std::sync::OnceLock<Result<PathBuf, String>> = std::sync::OnceLock::new();
    ONCE.get_or_init(find_or_install).clone()
}

fn find_or_install() -> Result<PathBuf, String> {
    if let Ok(o) = Command::new("pre-commit").arg("--version").output() {
        if o.status.success() {
            return Ok(PathBuf::from("pre-commit"));
        }
    }
    let venv = root().join("target/pre-commit-venv");
    let bin = venv.join("bin/pre-commit");
    if !bin.exists() {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .map_err(|e| format!("python3 -m venv: {e}"))?;
        if !made.success() {
            return Err("python3 -m venv failed (Debian: apt-get install python3-venv)".into());
        }
        let pip = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "pre-commit>=3,<5"])
            .status()
            .map_err(|e| format!("pip: {e}"))?;
        if !pip.success() {
            return Err("pip install pre-commit failed (no network?)".into());
        }
    }
    Ok(bin)
}

/// Run `pre-commit try-repo <this repository> HOOK ARGS` in `repo`. The build the rust
/// hook makes is a quick one (no optimisation) in a target folder of its own that later
/// runs reuse.
fn try_repo(pc: &Path, repo: &Path, hook: &str, args: &[&str]) -> Output {
    let target = root().join("target");
    Command::new(pc)
        .current_dir(repo)
        .arg("try-repo")
        .arg(root())
        .arg(hook)
        .args(args)
        .env("PRE_COMMIT_HOME", target.join("pre-commit-home"))
        .env("CARGO_TARGET_DIR", target.join("pre-commit"))
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("GIT_AUTHOR_NAME", "crashscope tests")
        .env("GIT_AUTHOR_EMAIL", "tests@example.invalid")
        .env("GIT_COMMITTER_NAME", "crashscope tests")
        .env("GIT_COMMITTER_EMAIL", "tests@example.invalid")
        .env_remove("CRASHSCOPE_FINGERPRINT_KEY")
        .output()
        .expect("run pre-commit")
}

fn git_repo(files: &[(&str, PathBuf)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let ok = Command::new("git")
        .args(["init", "-q"])
        .current_dir(tmp.path())
        .status()
        .unwrap();
    assert!(ok.success());
    for (name, from) in files {
        let to = tmp.path().join(name);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        if from.is_dir() {
            crate::util::copy_dir(from, &to);
        } else {
            std::fs::copy(from, &to).unwrap();
        }
    }
    tmp
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn pre_commit_hooks_fail_personal_data_and_pass_clean_dumps() {
    let pc = match pre_commit() {
        Ok(pc) => pc,
        Err(why) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped: pre-commit is not available here: {why}");
            return;
        }
        Err(why) => panic!("CI must run the pre-commit test: {why}"),
    };
    let repo = git_repo(&[
        ("crashes/dirty.dmp", testdata("dumps/linux-crashy-segv.dmp")),
        ("crashes/clean.dmp", testdata("clean/no-pii.dmp")),
    ]);
    let dirty = try_repo(
        &pc,
        repo.path(),
        "crashscope-audit",
        &["--files", "crashes/dirty.dmp"],
    );
    assert_eq!(dirty.status.code(), Some(1), "{}", text(&dirty));
    assert!(text(&dirty).contains("FAILED"), "{}", text(&dirty));
    assert!(
        text(&dirty).contains("aws-secret-access-key"),
        "{}",
        text(&dirty)
    );
    let clean = try_repo(
        &pc,
        repo.path(),
        "crashscope-audit",
        &["--files", "crashes/clean.dmp"],
    );
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean));
    assert!(text(&clean).contains("Passed"), "{}", text(&clean));

    // The crash-store hook audits the tree when a store's file changes: the database's
    // settings and attachments too.
    let stores = git_repo(&[("store", testdata("databases/linux"))]);
    let out = try_repo(
        &pc,
        stores.path(),
        "crashscope-audit-stores",
        &["--files", "store/settings.dat"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("settings.dat"), "{}", text(&out));
    let clean = git_repo(&[("store/clean.dmp", testdata("clean/no-pii.dmp"))]);
    let out = try_repo(
        &pc,
        clean.path(),
        "crashscope-audit-stores",
        &["--files", "store/clean.dmp"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// `action.yml` as JSON, read with the PyYAML that pre-commit brings.
fn action_steps(pc: &Path) -> Vec<serde_json::Value> {
    let python = if pc == Path::new("pre-commit") {
        PathBuf::from("python3")
    } else {
        pc.with_file_name("python")
    };
    let out = Command::new(python)
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(root().join("action.yml"))
        .output()
        .expect("run python");
    assert!(out.status.success(), "{}", text(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["runs"]["using"], "composite");
    doc["runs"]["steps"].as_array().unwrap().clone()
}

/// Run the action's steps after the build (crashscope is this test's binary) in `dir`,
/// with `inputs` over the defaults; the exit status of each step.
fn run_action(pc: &Path, dir: &Path, inputs: &[(&str, &str)]) -> Vec<(String, Output)> {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_crashscope"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let input = |name: &str| -> String {
        inputs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
            .unwrap_or_else(|| default_input(name))
    };
    let mut results = Vec::new();
    for step in action_steps(pc).iter().skip(1) {
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c"])
            .arg(step["run"].as_str().unwrap())
            .current_dir(dir)
            .env("PATH", &path)
            .env("RUNNER_TEMP", dir)
            .env("GITHUB_PATH", dir.join("github_path"))
            .env_remove("GITHUB_STEP_SUMMARY")
            .env_remove("CRASHSCOPE_FINGERPRINT_KEY");
        for (k, v) in step["env"].as_object().into_iter().flatten() {
            let v = v.as_str().unwrap();
            let name = v
                .strip_prefix("${{ inputs.")
                .and_then(|r| r.strip_suffix(" }}"))
                .unwrap_or_else(|| panic!("{k}: {v} is not an input"));
            cmd.env(k, input(name));
        }
        results.push((
            step["name"].as_str().unwrap().to_string(),
            cmd.output().unwrap(),
        ));
    }
    results
}

fn default_input(name: &str) -> String {
    let doc = std::fs::read_to_string(root().join("action.yml")).unwrap();
    // Defaults are plain one-line scalars in this file.
    let at = doc
        .find(&format!("\n  {name}:\n"))
        .unwrap_or_else(|| panic!("input {name}"));
    let rest = &doc[at..];
    let line = rest
        .lines()
        .find(|l| l.trim_start().starts_with("default:"))
        .unwrap();
    let v = line.trim_start().trim_start_matches("default:").trim();
    v.trim_matches('"').to_string()
}

#[test]
fn the_actions_audit_steps_write_sarif_and_fail_on_findings() {
    let pc = match pre_commit() {
        Ok(pc) => pc,
        Err(why) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped: PyYAML (with pre-commit) is not available here: {why}");
            return;
        }
        Err(why) => panic!("CI must run the action test: {why}"),
    };
    let repo = git_repo(&[
        ("crashes/dirty.dmp", testdata("dumps/linux-crashy-segv.dmp")),
        ("clean/clean.dmp", testdata("clean/no-pii.dmp")),
    ]);
    let steps = run_action(&pc, repo.path(), &[("paths", "crashes clean")]);
    let (sarif_step, gate) = (&steps[0].1, &steps[1].1);
    assert_eq!(sarif_step.status.code(), Some(0), "{}", text(sarif_step));
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo.path().join("crashscope.sarif")).unwrap())
            .unwrap();
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());
    assert_eq!(gate.status.code(), Some(1), "{}", text(gate));
    assert!(text(gate).contains("::error"), "{}", text(gate));

    let steps = run_action(
        &pc,
        repo.path(),
        &[("paths", "clean"), ("args", "--fail-on high")],
    );
    for (name, out) in &steps {
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(out));
    }
    // The README's step on this repository's testdata (planted data, reported only).
    let testdata = testdata("").display().to_string();
    let steps = run_action(
        &pc,
        repo.path(),
        &[("paths", &testdata), ("args", "--exit-zero")],
    );
    for (name, out) in &steps {
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(out));
    }
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.contains("paths: testdata\n") && readme.contains("args: --exit-zero\n"));
    // Inputs are data, never shell: a path that looks like a command is a path.
    let steps = run_action(
        &pc,
        repo.path(),
        &[("paths", "clean $(touch pwned) `touch pwned2`")],
    );
    assert!(!repo.path().join("pwned").exists() && !repo.path().join("pwned2").exists());
    assert_eq!(
        steps[0].1.status.code(),
        Some(2),
        "a missing path is an input error"
    );
}
