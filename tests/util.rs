//! Helpers shared by the integration tests: running the binary, finding fixtures.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file under `testdata/`.
pub fn testdata(rel: &str) -> PathBuf {
    root().join("testdata").join(rel)
}

/// `../shared/corpus`, the real artifacts nobody here wrote. CI always has it; a local
/// checkout without it skips the conformance tests, but CI must not.
pub fn corpus() -> Option<PathBuf> {
    let dir = root().join("../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "../shared/corpus is missing but CI must run the conformance tests"
        );
        eprintln!("skipping: ../shared/corpus not found");
        None
    }
}

/// The manifest of what was planted in the corpus's `crashpad-db-2`.
pub fn db2_manifest(corpus: &Path) -> serde_json::Value {
    let text = std::fs::read(corpus.join("expected/crashpad-db-2.manifest.json")).unwrap();
    serde_json::from_slice(&text).unwrap()
}

/// The binary with a clean, predictable environment: no colour from the environment,
/// no cache in the real home.
pub fn crashscope() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crashscope"));
    cmd.env_remove("NO_COLOR")
        .env_remove("CRASHSCOPE_FINGERPRINT_KEY")
        .env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join("crashscope-test-cache"),
        )
        .env("COLUMNS", "100");
    cmd
}

/// [`crashscope`] as a user whom file modes stop: as root (whom they do not stop) the
/// binary is started through `setpriv` as `nobody`. `None` when running as root without
/// setpriv (the caller skips the test, saying so).
pub fn unprivileged() -> Option<Command> {
    use std::os::unix::fs::MetadataExt;
    let is_root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    if !is_root {
        return Some(crashscope());
    }
    let setpriv = Path::new("/usr/bin/setpriv");
    if !setpriv.exists() {
        eprintln!("skipped: running as root without setpriv");
        return None;
    }
    let plain = crashscope();
    let mut cmd = Command::new(setpriv);
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(plain.get_program());
    for (key, value) in plain.get_envs() {
        match value {
            Some(v) => cmd.env(key, v),
            None => cmd.env_remove(key),
        };
    }
    Some(cmd)
}

/// Run with `args`, returning the output.
pub fn run<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    crashscope().args(args).output().expect("run crashscope")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Fails, quoting its stderr, unless the run succeeded (exit 0).
pub fn assert_ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
}

/// The stdout of a run that must succeed.
pub fn ok_stdout(o: &Output) -> String {
    assert_ok(o);
    stdout(o)
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `show FILE --json` (with extra args), parsed.
pub fn show_json(path: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args: Vec<&std::ffi::OsStr> =
        vec!["show".as_ref(), path.as_os_str(), "--json".as_ref()];
    args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
    let out = run(args);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("show --json prints one JSON document")
}

/// Copy a folder tree (files and folders only).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Remove the colour sequences crashscope itself writes (`ESC [ ... m`), so that only
/// escapes coming from the dump could remain.
pub fn strip_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            let mut seq = String::new();
            for n in chars.by_ref() {
                seq.push(n);
                if n.is_ascii_alphabetic() {
                    break;
                }
            }
            if seq.ends_with('m') {
                continue;
            }
            out.push(c);
            out.push_str(&seq);
        } else {
            out.push(c);
        }
    }
    out
}

/// A value from a real dump, shortened for a failure message (quote no more of real
/// people's data than a test needs).
pub fn short(value: &str) -> String {
    let head: String = value.chars().take(3).collect();
    format!("{head}…({} chars)", value.chars().count())
}

/// A minidump of `streams` (type, bytes), laid out header, directory, data, written byte
/// by byte (for shapes minidump-synth cannot make: shared or overlapping bytes, slack).
pub fn dump(streams: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let n = streams.len() as u32;
    let base = 32 + 12 * n;
    let mut dir = Vec::new();
    let mut data: Vec<u8> = Vec::new();
    for (ty, bytes) in streams {
        dir.extend(ty.to_le_bytes());
        dir.extend((bytes.len() as u32).to_le_bytes());
        dir.extend((base + data.len() as u32).to_le_bytes());
        data.extend(bytes);
    }
    let mut out = Vec::new();
    for v in [0x504d_444d_u32, 0xa793, n, 32, 0, 0] {
        out.extend(v.to_le_bytes());
    }
    out.extend(0u64.to_le_bytes());
    out.extend(dir);
    out.extend(data);
    out
}

/// A MINIDUMP_STRING: u32 byte length, UTF-16LE, NUL.
pub fn md_string(s: &str) -> Vec<u8> {
    let u: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let mut out = (u.len() as u32).to_le_bytes().to_vec();
    out.extend(u);
    out.extend([0, 0]);
    out
}

/// `audit FILE --format json --show-values --fail-on low`: every finding with its value.
pub fn audit_findings(path: &Path) -> Vec<serde_json::Value> {
    let out = run([
        "audit".as_ref(),
        path.as_os_str(),
        "--no-config".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "--show-values".as_ref(),
        "--fail-on".as_ref(),
        "low".as_ref(),
    ]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}: audit exit {:?}: {}",
        path.display(),
        out.status.code(),
        stderr(&out)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("audit --format json");
    doc["findings"].as_array().cloned().unwrap_or_default()
}
