//! Database trees built from the input: files with arbitrary bytes and names (control
//! characters, non-UUID names), symbolic links (inside and outside the tree), sockets
//! where a dump should be, folders where files should be, settings.dat and metadata of
//! any shape. The reader must never follow a link out of the tree, never open a
//! non-regular file, and account for every entry it did not read; every dump it lists
//! is opened, inventoried and scanned.
#![no_main]

use std::path::{Path, PathBuf};

use crashscope::source::crashpad;
use libfuzzer_sys::fuzz_target;

const IDS: [&str; 3] = [
    "1f201db5-23aa-4ba3-afe6-0313b091295d",
    "2c92bea1-7053-413f-8824-e4c5e5112ef7",
    "0c9f8e7d-6b5a-4c3d-8e2f-1a0b9c8d7e6f",
];

fn name(b: u8) -> String {
    let id = IDS[usize::from(b) % IDS.len()];
    match b / 3 % 8 {
        0 => format!("{id}.dmp"),
        1 => format!("{id}.meta"),
        2 => format!("{id}.lock"),
        3 => "settings.dat".to_string(),
        4 => "metadata".to_string(),
        5 => format!("evil\u{1b}[2J{id}.dmp"),
        6 => "app.log".to_string(),
        _ => id.to_string(),
    }
}

fn folder(root: &Path, b: u8) -> PathBuf {
    match b % 6 {
        0 => root.join("pending"),
        1 => root.join("new"),
        2 => root.join("completed"),
        3 => root.join("reports"),
        4 => root.join("attachments").join(IDS[usize::from(b / 6) % IDS.len()]),
        _ => root.to_path_buf(),
    }
}

fuzz_target!(|data: &[u8]| {
    let root = std::env::temp_dir().join(format!("crashscope-fuzz-db-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    if std::fs::create_dir_all(&root).is_err() {
        return;
    }
    let mut rest = data;
    let mut made = 0;
    while rest.len() >= 4 && made < 32 {
        let (op, dir, n, len) = (rest[0], rest[1], rest[2], usize::from(rest[3]) * 8);
        rest = &rest[4..];
        let content = &rest[..len.min(rest.len())];
        rest = &rest[content.len()..];
        let dir = folder(&root, dir);
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(name(n));
        made += 1;
        match op % 8 {
            0..=3 => {
                let _ = std::fs::write(&path, content);
            }
            4 => {
                let _ = std::os::unix::fs::symlink(folder(&root, n).join(name(op)), &path);
            }
            5 => {
                let _ = std::os::unix::fs::symlink("/etc", &path);
            }
            6 => {
                let _ = std::os::unix::net::UnixListener::bind(&path);
            }
            _ => {
                let _ = std::fs::create_dir_all(&path);
            }
        }
    }
    if let Ok(db) = crashpad::open(&root, 0) {
        for (p, _) in db.not_read.iter().chain(&db.unreadable) {
            assert!(p.starts_with(&root), "{p:?} outside the tree");
        }
        for report in &db.reports {
            if let Some(dump) = &report.dump {
                assert!(dump.starts_with(&root));
                let meta = std::fs::symlink_metadata(dump).unwrap();
                assert!(meta.is_file(), "a listed dump is a regular file");
                if let Ok(r) = crashscope::report::Report::open(dump) {
                    let inventory = crashscope::disclosure::inventory(&r);
                    assert!(inventory.byte_map.is_complete());
                    let _ = crashscope::pii::scan(&inventory, r.bytes(), &Default::default());
                }
            }
            for a in &report.attachments {
                assert!(std::fs::symlink_metadata(&a.path).unwrap().is_file());
                let _ = crashpad::read_attachment(&a.path);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&root);
});
