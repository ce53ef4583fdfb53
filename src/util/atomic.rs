//! Writing a file so that readers see the old content or the new, never a
//! part: write a temporary file beside it, flush it to disk, then move it
//! into place.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` at `path`, replacing the file that is there.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is a symbolic link; refusing to write through it", path.display()),
        ));
    }
    place(path, bytes, |temp| fs::rename(temp, path))
}

/// Writes `bytes` at `path` only if nothing is there (a symbolic link
/// included): a hard link, unlike a rename, fails instead of replacing a
/// file that appeared meanwhile. An existing path is `AlreadyExists`.
pub fn create(path: &Path, bytes: &[u8]) -> io::Result<()> {
    place(path, bytes, |temp| {
        fs::hard_link(temp, path)?;
        fs::remove_file(temp)
    })
}

/// Writes a flushed temporary file beside `path` and has `settle` move it there.
fn place(path: &Path, bytes: &[u8], settle: impl FnOnce(&Path) -> io::Result<()>) -> io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = OpenOptions::new().write(true).create_new(true).open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        settle(&temp)?;
        File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}
