//! Small file-system helpers shared by the parts that write: atomic writes, positioned
//! reads and writes.
//!
//! crashscope never changes its inputs; what it writes (symbol cache entries, reports,
//! scrubbed copies) goes to a temporary file in the target folder, then is renamed into
//! place, so a reader never sees half a file. Temporary files and folders are created
//! exclusively under unpredictable names (`tempfile`): a file or link planted in a
//! shared output folder is never opened, followed or overwritten.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The bytes of a small file a store keeps (settings, metadata, a lock), read only when
/// it is a regular file and at most `max` bytes long: a FIFO would block forever, and a
/// link to `/dev/zero` would be read until memory ran out.
pub fn read_small(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::symlink_metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file, not opened"));
    }
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(std::io::Error::other(format!(
            "larger than {} MiB, not read",
            max >> 20
        )));
    }
    Ok(bytes)
}

/// The most [`read_small`] reads of a store's own files.
pub const SMALL_FILE: u64 = 16 << 20;

/// Write `bytes` to `target` through a temporary file in the same folder and a rename.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(target, |w| w.write_all(bytes))
}

/// [`write_atomic`] for output written piece by piece: `write` fills a buffered
/// temporary file beside `target`, which is renamed into place only when `write`
/// succeeded (on an error nothing is left behind).
pub fn write_atomic_with(
    target: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    // A device or a pipe (`-o /dev/null`, `-o /dev/stdout`, a FIFO) is written to,
    // never replaced by a regular file; a folder is refused.
    if let Ok(meta) = std::fs::symlink_metadata(target) {
        let kind = meta.file_type();
        if kind.is_dir() {
            return Err(std::io::Error::other("is a folder"));
        }
        if !kind.is_file() && !kind.is_symlink() {
            let file = std::fs::OpenOptions::new().write(true).open(target)?;
            let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
            write(&mut out)?;
            return out.flush();
        }
    }
    let dir = parent(target);
    std::fs::create_dir_all(dir)?;
    let file = output_builder(target).tempfile_in(dir)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
    write(&mut out)?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.as_file().sync_all()?;
    file.persist(target).map_err(|e| e.error)?;
    Ok(())
}

fn parent(target: &Path) -> &Path {
    target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."))
}

/// The temporary file of an output that is renamed into place: created with the mode a
/// new file gets (0666 less the umask, 0644 typically), not the 0600 of a private
/// temporary file.
fn output_builder(target: &Path) -> tempfile::Builder<'static, 'static> {
    let mut b = temp_builder(target, ".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b
}

fn temp_builder<'a>(target: &Path, suffix: &'a str) -> tempfile::Builder<'static, 'a> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut b = tempfile::Builder::new();
    // The prefix is leaked once per call: a short string per output file.
    b.prefix(Box::leak(format!(".{name}.").into_boxed_str()));
    b.suffix(suffix);
    b
}

/// A new, empty temporary file beside `target` (created exclusively, mode 0600), kept
/// on disk for the caller, who renames it into place or removes it.
pub fn temp_file_beside(target: &Path, suffix: &str) -> std::io::Result<PathBuf> {
    let dir = parent(target);
    std::fs::create_dir_all(dir)?;
    let (_, path) = temp_builder(target, suffix)
        .tempfile_in(dir)?
        .keep()
        .map_err(|e| e.error)?;
    Ok(path)
}

/// A new, empty temporary folder beside `target` (created exclusively, mode 0700).
pub fn temp_dir_beside(target: &Path, suffix: &str) -> std::io::Result<PathBuf> {
    let dir = parent(target);
    std::fs::create_dir_all(dir)?;
    Ok(temp_builder(target, suffix).tempdir_in(dir)?.keep())
}

/// Open an existing file for writing without following a link: a temporary file that
/// was swapped for a link after it was created is refused, not written through.
pub fn open_for_write_no_follow(path: &Path, truncate: bool) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true).write(true).truncate(truncate);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NOFOLLOW);
    }
    o.open(path)
}

/// Whether two paths name the same file: the same device and inode when both exist,
/// else the same canonical path (for an output that does not exist yet, its folder's
/// canonical path and its name).
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    let canon = |p: &Path| -> Option<PathBuf> {
        if let Ok(c) = p.canonicalize() {
            return Some(c);
        }
        Some(parent(p).canonicalize().ok()?.join(p.file_name()?))
    };
    canon(a).is_some_and(|x| Some(x) == canon(b))
}

/// Whether writing `output` would replace an input: it is one of `inputs`, or an
/// existing file inside an input folder (a dump or attachment that is being read).
pub fn overwrites_input(output: &Path, inputs: &[&Path]) -> bool {
    inputs.iter().any(|input| {
        if same_file(input, output) {
            return true;
        }
        if !input.is_dir() || !output.exists() {
            return false;
        }
        match (input.canonicalize(), output.canonicalize()) {
            (Ok(dir), Ok(out)) => out.starts_with(dir),
            _ => false,
        }
    })
}

/// Whether `output` (existing or not) lies inside the folder `dir`.
pub fn inside(output: &Path, dir: &Path) -> bool {
    let Ok(dir) = dir.canonicalize() else {
        return false;
    };
    let out = output.canonicalize().ok().or_else(|| {
        Some(
            parent(output)
                .canonicalize()
                .ok()?
                .join(output.file_name()?),
        )
    });
    out.is_some_and(|o| o.starts_with(&dir))
}

/// Read exactly `buf.len()` bytes at `offset` of `file` (one system call where the
/// platform has positioned reads).
pub fn read_exact_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }
    #[cfg(not(unix))]
    {
        use std::io::{Read, Seek, SeekFrom};
        let mut f = file;
        f.seek(SeekFrom::Start(offset))?;
        f.read_exact(buf)
    }
}

/// Write all of `bytes` at `offset` of `file`.
pub fn write_all_at(file: &std::fs::File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
    }
    #[cfg(not(unix))]
    {
        use std::io::{Seek, SeekFrom};
        let mut f = file;
        f.seek(SeekFrom::Start(offset))?;
        f.write_all(bytes)
    }
}
