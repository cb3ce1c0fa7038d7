//! What a path on the command line is: a minidump file or a Crashpad database.
//!
//! This module owns the detection of inputs and the errors that say, in one line, why a
//! path cannot be read. It knows nothing about PII and prints nothing.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

pub mod crashpad;
pub mod discover;

/// `MDMP` as the first four bytes of a little-endian minidump.
const MINIDUMP_MAGIC_LE: &[u8; 4] = b"MDMP";
/// A big-endian minidump starts with the magic byte-swapped.
const MINIDUMP_MAGIC_BE: &[u8; 4] = b"PMDM";

/// Why an input path cannot be opened. Each variant names the path; its message is
/// `PATH: REASON` ([`InputError::reason`] without the path).
#[derive(Debug)]
pub enum InputError {
    NotFound(PathBuf),
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    Directory(PathBuf),
    Empty(PathBuf),
    NotMinidump {
        path: PathBuf,
        start: Vec<u8>,
    },
    Corrupt {
        path: PathBuf,
        reason: String,
    },
}

impl InputError {
    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            InputError::NotFound(path) | InputError::Directory(path) | InputError::Empty(path) => {
                path
            }
            InputError::Io { path, .. }
            | InputError::NotMinidump { path, .. }
            | InputError::Corrupt { path, .. } => path,
        }
    }

    /// What is wrong, without the path (for a report that already names the file).
    pub fn reason(&self) -> String {
        match self {
            InputError::NotFound(_) => "no such file or directory".to_string(),
            InputError::Io { source, .. } => format!("cannot read: {source}"),
            InputError::Directory(_) => "is a directory, but neither a minidump nor a Crashpad \
                                         database (no settings.dat, metadata, pending/, \
                                         completed/, new/ or reports/)"
                .to_string(),
            InputError::Empty(_) => "is empty, not a minidump".to_string(),
            InputError::NotMinidump { start, .. } => {
                format!(
                    "not a minidump (no MDMP signature{})",
                    describe_start(start)
                )
            }
            InputError::Corrupt { reason, .. } => format!("not a readable minidump: {reason}"),
        }
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path().display(), self.reason())
    }
}

impl std::error::Error for InputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InputError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

fn describe_start(start: &[u8]) -> String {
    if start.is_empty() {
        String::new()
    } else {
        let hex: Vec<String> = start.iter().map(|b| format!("{b:02x}")).collect();
        format!("; starts with {}", hex.join(" "))
    }
}

/// The kinds of input crashscope reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A single minidump file.
    Minidump(PathBuf),
    /// A Crashpad crash report database (a directory).
    Database(PathBuf),
}

/// Decide what `path` is, reading at most its first bytes. Never writes.
pub fn detect(path: &Path) -> Result<Source, InputError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(InputError::NotFound(path.to_path_buf()))
        }
        Err(e) => {
            return Err(InputError::Io {
                path: path.to_path_buf(),
                source: e,
            })
        }
    };
    if meta.is_dir() {
        return if crashpad::looks_like_database(path) {
            Ok(Source::Database(path.to_path_buf()))
        } else {
            Err(InputError::Directory(path.to_path_buf()))
        };
    }
    if meta.len() == 0 {
        return Err(InputError::Empty(path.to_path_buf()));
    }
    let mut start = [0u8; 4];
    let mut file = File::open(path).map_err(|e| InputError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let n = read_up_to(&mut file, &mut start).map_err(|e| InputError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    if n == 4 && (&start == MINIDUMP_MAGIC_LE || &start == MINIDUMP_MAGIC_BE) {
        Ok(Source::Minidump(path.to_path_buf()))
    } else {
        Err(InputError::NotMinidump {
            path: path.to_path_buf(),
            start: start[..n].to_vec(),
        })
    }
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match file.read(&mut buf[done..])? {
            0 => break,
            n => done += n,
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reason_is_the_message_without_its_path() {
        let path = PathBuf::from("d/x.dmp");
        let io = InputError::Io {
            path: path.clone(),
            source: std::io::Error::other("boom"),
        };
        assert_eq!(io.reason(), "cannot read: boom");
        assert_eq!(io.to_string(), "d/x.dmp: cannot read: boom");
        let corrupt = InputError::Corrupt {
            path,
            reason: "short: header".into(),
        };
        assert_eq!(corrupt.reason(), "not a readable minidump: short: header");
        assert_eq!(corrupt.path(), Path::new("d/x.dmp"));
    }

    #[test]
    fn describes_what_the_file_starts_with() {
        let e = InputError::NotMinidump {
            path: "x.dmp".into(),
            start: b"PK\x03\x04".to_vec(),
        };
        assert_eq!(
            e.to_string(),
            "x.dmp: not a minidump (no MDMP signature; starts with 50 4b 03 04)"
        );
    }
}
