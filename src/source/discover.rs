//! Finding the crash stores of the current user: Crashpad databases (Chrome, Chromium,
//! Edge, Brave, Vivaldi, Opera, every Electron app, anything else built on Crashpad) and
//! Mozilla `Crash Reports` folders (Firefox, Thunderbird) and sentry-native databases, by
//! their structure under the user-data roots, not by a list of app names.
//!
//! The roots come from the environment, the known places first: the Mozilla profile
//! roots (`~/.mozilla`, `~/.thunderbird`, and as snaps), Flatpak's `~/.var/app`, then
//! `$XDG_CONFIG_HOME` (or `~/.config`), `~/Library/Application Support`, `~/snap`,
//! `%APPDATA%`, `%LOCALAPPDATA%`. A root that is a link is named, not followed. Folders are walked a few levels deep;
//! links are never followed (nothing outside the user's folders is read) and folders
//! that cannot be listed are reported and skipped. Nothing is opened for writing.

use std::path::{Path, PathBuf};

use serde::Serialize;

/// What kind of store a folder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StoreKind {
    Crashpad,
    /// Mozilla's crash reporter: `pending/ID.dmp` + `ID.extra`, `submitted/`.
    Mozilla,
    /// sentry-native's database (`.sentry-native`): run folders, maybe a Crashpad
    /// database too.
    SentryNative,
}

impl StoreKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StoreKind::Crashpad => "Crashpad",
            StoreKind::Mozilla => "Mozilla",
            StoreKind::SentryNative => "sentry",
        }
    }
}

/// One crash store found on the machine.
#[derive(Debug, Clone, Serialize)]
pub struct Store {
    /// The app, from the folders above the store (`Code`, `google-chrome`, `Firefox`).
    pub app: String,
    pub kind: StoreKind,
    pub path: PathBuf,
}

/// What a search found: the stores, and the folders it could not list.
#[derive(Debug, Default)]
pub struct Found {
    pub stores: Vec<Store>,
    pub unreadable: Vec<(PathBuf, String)>,
}

/// How deep below a root a store may lie (`Google/Chrome/User Data/Crashpad` is 4).
const DEPTH: usize = 5;

/// The most folders one search lists (a home with a huge tree is not walked forever).
const MAX_FOLDERS: usize = 20_000;

/// The user-data roots the environment names, in a stable order, without duplicates.
pub fn roots(env: &dyn Fn(&str) -> Option<String>) -> Vec<PathBuf> {
    let home = env("HOME")
        .or_else(|| env("USERPROFILE"))
        .map(PathBuf::from);
    let mut out = Vec::new();
    // The known places first: a home with a huge `.config` (thousands of cache folders)
    // must not use up the search before Firefox's profile is reached. Firefox and
    // Thunderbird also come as snaps (`~/snap/firefox/common/.mozilla`) and every app as
    // a Flatpak (`~/.var/app/ID/`, its own `.config`-like tree).
    if let Some(h) = &home {
        out.push(h.join(".mozilla"));
        out.push(h.join(".thunderbird"));
        out.push(h.join("snap/firefox/common/.mozilla"));
        out.push(h.join("snap/thunderbird/common/.thunderbird"));
        out.push(h.join(".var/app"));
    }
    match env("XDG_CONFIG_HOME") {
        Some(x) if !x.is_empty() => out.push(PathBuf::from(x)),
        _ => out.extend(home.iter().map(|h| h.join(".config"))),
    }
    if let Some(h) = &home {
        out.push(h.join("Library/Application Support"));
        out.push(h.join("snap"));
    }
    for var in ["APPDATA", "LOCALAPPDATA"] {
        if let Some(v) = env(var).filter(|v| !v.is_empty()) {
            out.push(PathBuf::from(v));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|p| seen.insert(p.clone()));
    out
}

/// Whether `dir` is a Crashpad database: a `settings.dat`, or a folder named like one
/// (`Crashpad`, `Crash Reports`) holding report folders.
fn is_crashpad(dir: &Path, name: &str) -> bool {
    let reports = ["pending", "completed", "new", "reports"]
        .iter()
        .any(|f| dir.join(f).is_dir());
    let named = matches!(
        name.to_ascii_lowercase().as_str(),
        "crashpad" | "crash reports" | "crashes" | "crashpad-db"
    );
    let settings = dir.join("settings.dat").is_file();
    (settings && (reports || named)) || (named && reports && !is_mozilla(dir, name))
}

/// Whether `dir` is a Mozilla `Crash Reports` folder (by its name, and by what the
/// store's reader recognises in it).
fn is_mozilla(dir: &Path, name: &str) -> bool {
    name == "Crash Reports" && crate::source::crashpad::mozilla::detect(dir)
}

/// The app a store belongs to: the nearest folder above it that is not a generic name.
fn app_name(root: &Path, store: &Path) -> String {
    const GENERIC: [&str; 6] = [
        "crashpad",
        "crash reports",
        "user data",
        "crashes",
        "default",
        "profiles",
    ];
    store
        .strip_prefix(root)
        .unwrap_or(store)
        .components()
        .rev()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .find(|c| !GENERIC.contains(&c.to_ascii_lowercase().as_str()) && !c.starts_with('.'))
        .or_else(|| {
            root.file_name()
                .map(|n| n.to_string_lossy().trim_start_matches('.').to_string())
        })
        .unwrap_or_default()
}

/// Search `roots` for crash stores, calling `progress` with each folder visited.
pub fn find(roots: &[PathBuf], progress: &dyn Fn(&Path)) -> Found {
    let mut found = Found::default();
    let mut visited = 0usize;
    for root in roots {
        // The root itself may be missing (no such app family on this system).
        let Ok(meta) = std::fs::symlink_metadata(root) else {
            continue;
        };
        if meta.file_type().is_symlink() && root.is_dir() {
            // Links are not followed, not even a root's (a dotfiles `~/.config`): named,
            // so that "no crash store" is never said of a tree that was not searched.
            let target = std::fs::read_link(root)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            found.unreadable.push((
                root.clone(),
                format!("a symbolic link to {target}, not followed (give that folder as a path)"),
            ));
            continue;
        }
        if !meta.is_dir() {
            continue;
        }
        let mut stack = vec![(root.clone(), 0usize)];
        while let Some((dir, depth)) = stack.pop() {
            visited += 1;
            if visited > MAX_FOLDERS {
                found.unreadable.push((
                    dir,
                    format!("the search stopped after {MAX_FOLDERS} folders"),
                ));
                return found;
            }
            progress(&dir);
            let name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            // Listed once: the listing tells a sentry-native store and gives the children.
            let listing: std::io::Result<Vec<(PathBuf, std::fs::FileType)>> =
                std::fs::read_dir(&dir).map(|r| {
                    r.flatten()
                        .filter_map(|e| Some((e.path(), e.file_type().ok()?)))
                        .collect()
                });
            let entries: Vec<(String, bool)> = listing
                .as_ref()
                .map(|l| {
                    l.iter()
                        .map(|(p, t)| {
                            let name = p.file_name().unwrap_or_default().to_string_lossy();
                            (name.into_owned(), t.is_file())
                        })
                        .collect()
                })
                .unwrap_or_default();
            let kind = if depth == 0 {
                None
            } else if crate::source::crashpad::sentry::detect_listed(&dir, &entries) {
                Some(StoreKind::SentryNative)
            } else if is_mozilla(&dir, &name) {
                Some(StoreKind::Mozilla)
            } else if is_crashpad(&dir, &name) {
                Some(StoreKind::Crashpad)
            } else {
                None
            };
            if let Some(kind) = kind {
                found.stores.push(Store {
                    app: app_name(root, &dir),
                    kind,
                    path: dir,
                });
                continue;
            }
            if depth >= DEPTH {
                continue;
            }
            let listing = match listing {
                Ok(l) => l,
                Err(e) => {
                    found
                        .unreadable
                        .push((dir, format!("cannot be listed: {e}")));
                    continue;
                }
            };
            let mut children: Vec<PathBuf> = listing
                .into_iter()
                // Links are not followed: nothing outside the user's folders is read.
                .filter(|(_, t)| t.is_dir())
                .map(|(p, _)| p)
                .collect();
            children.sort();
            stack.extend(children.into_iter().rev().map(|c| (c, depth + 1)));
        }
    }
    // A store under two roots (`~/snap` and `~/snap/firefox/common/.mozilla`) once.
    let mut seen = std::collections::BTreeSet::new();
    found.stores.retain(|s| seen.insert(s.path.clone()));
    found.stores.sort_by(|a, b| {
        a.app
            .to_lowercase()
            .cmp(&b.app.to_lowercase())
            .then(a.path.cmp(&b.path))
    });
    found
}

/// The store `list` shows as number `want` (from 1), or whose app is `want`
/// (case-insensitive; a unique prefix is enough), among the stores found under `roots`.
pub fn pick(roots: &[PathBuf], want: &str) -> Result<Store, String> {
    let found = find(roots, &|_| {});
    if let Ok(n) = want.parse::<usize>() {
        return n
            .checked_sub(1)
            .and_then(|i| found.stores.get(i))
            .cloned()
            .ok_or_else(|| {
                format!(
                    "no crash store number {want} ({} found)",
                    found.stores.len()
                )
            });
    }
    let want = want.to_lowercase();
    let exact: Vec<&Store> = found
        .stores
        .iter()
        .filter(|s| s.app.to_lowercase() == want)
        .collect();
    let matching: Vec<&Store> = if exact.is_empty() {
        found
            .stores
            .iter()
            .filter(|s| s.app.to_lowercase().starts_with(&want))
            .collect()
    } else {
        exact
    };
    match matching.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(format!(
            "no crash store of an app named {want} (crashscope list shows the {} found)",
            found.stores.len()
        )),
        many => Err(format!(
            "{} crash stores match {want} ({}): give its number from crashscope list",
            many.len(),
            many.iter()
                .map(|s| s.path.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_follow_the_environment() {
        let env = |k: &str| match k {
            "HOME" => Some("/h".to_string()),
            "APPDATA" => Some("C:/Users/a/AppData/Roaming".to_string()),
            _ => None,
        };
        let r = roots(&env);
        assert_eq!(r[0], PathBuf::from("/h/.mozilla"), "known places first");
        assert!(r.contains(&PathBuf::from("/h/.config")));
        assert!(r.contains(&PathBuf::from("/h/.var/app")));
        assert!(r.contains(&PathBuf::from("/h/Library/Application Support")));
        assert!(r.contains(&PathBuf::from("C:/Users/a/AppData/Roaming")));
    }

    #[test]
    fn app_names_skip_generic_folders() {
        let root = Path::new("/h/.config");
        assert_eq!(
            app_name(root, Path::new("/h/.config/Code/Crashpad")),
            "Code"
        );
        assert_eq!(
            app_name(root, Path::new("/h/.config/google-chrome/Crash Reports")),
            "google-chrome"
        );
        assert_eq!(
            app_name(
                Path::new("/h/.mozilla"),
                Path::new("/h/.mozilla/firefox/Crash Reports")
            ),
            "firefox"
        );
    }
}
