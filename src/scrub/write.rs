//! Writing the scrubbed copy: a copy beside the target, the plan's edits applied, then
//! renamed into place with the input's permissions (never over the input).

use super::*;

/// Where a copy is written before it is verified: beside the target, hidden.
pub fn temp_path(target: &Path) -> std::io::Result<PathBuf> {
    crate::fsutil::temp_file_beside(target, ".scrub.tmp")
}

/// Copy `input` to `tmp` (`copy_file_range`/reflink where the file system has it) and
/// write the plan's edits there. The copy stays writable for its owner until
/// [`put_in_place`] gives it the input's permissions.
pub fn write_copy(input: &Path, tmp: &Path, plan: &mut Plan) -> std::io::Result<()> {
    copy_for_edits(input, tmp)?;
    apply_edits(tmp, plan)
}

/// A byte-for-byte copy of `input` at `tmp` that its owner can write, even when the
/// input is read-only (std's copy gives the copy the input's permissions).
pub fn copy_for_edits(input: &Path, tmp: &Path) -> std::io::Result<()> {
    // Into the file created for it (never through a link put in its place); `io::copy`
    // between files is the kernel's `copy_file_range` where there is one.
    let mut to = crate::fsutil::open_for_write_no_follow(tmp, true)?;
    std::io::copy(&mut std::fs::File::open(input)?, &mut to)?;
    let mut perms = std::fs::metadata(tmp)?.permissions();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        perms.set_mode(perms.mode() | 0o200);
    }
    #[cfg(not(unix))]
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(tmp, perms)
}

/// Give the verified copy `tmp` the permissions of `input` and rename it to `out`.
pub fn put_in_place(input: &Path, tmp: &Path, out: &Path) -> std::io::Result<()> {
    let perms = std::fs::metadata(input)?.permissions();
    std::fs::set_permissions(tmp, perms)?;
    std::fs::rename(tmp, out)
}

/// Write the plan's edits into `copy`, a byte-for-byte copy of the original. Only the
/// edited ranges are read, from the copy itself (reading them through a mapping of a
/// large original would make its pages resident).
pub fn apply_edits(copy: &Path, plan: &mut Plan) -> std::io::Result<()> {
    let f = crate::fsutil::open_for_write_no_follow(copy, false)?;
    let rendered = plan.render(|at, len| {
        let mut buf = vec![0; len];
        crate::fsutil::read_exact_at(&f, &mut buf, at)?;
        Ok(buf)
    })?;
    for (at, bytes) in rendered {
        crate::fsutil::write_all_at(&f, &bytes, at)?;
    }
    // No fsync: the copy is renamed into place only after it is verified, so a reader
    // never sees a partial file; flushing a 1 GiB copy to disk would double the time.
    Ok(())
}
