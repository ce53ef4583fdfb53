//! Plumbing with no knowledge of members or ledgers: atomic file writes,
//! capped blob reads, the files two git trees differ in, and a small
//! work-sharing loop.

pub mod atomic;
pub mod blob;
pub mod parallel;
pub mod tree_diff;

/// Today's date in UTC: the default `--as-of`.
pub fn today() -> jiff::civil::Date {
    jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date()
}

/// `bytes` random bytes from the system's source, as lowercase hex: a
/// secret nobody can guess (the ballot box's credentials).
pub fn random_hex(bytes: usize) -> Result<String, getrandom::Error> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// A file rollcall keeps in the repository between runs, if it is a
/// regular file of at most `max` bytes; empty otherwise.
pub(crate) fn read_remembered(path: &std::path::Path, max: u64) -> Vec<u8> {
    std::fs::symlink_metadata(path)
        .ok()
        .filter(|m| m.is_file() && m.len() <= max)
        .and_then(|_| std::fs::read(path).ok())
        .unwrap_or_default()
}

/// git's own message for a failure, without the class and code libgit2's
/// `Display` adds: what every error of rollcall says of a git failure
/// (each error type's `From<git2::Error>` uses it).
pub(crate) fn git_message(e: &git2::Error) -> String {
    e.message().to_owned()
}
