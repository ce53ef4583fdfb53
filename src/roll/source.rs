//! Where a ledger's files come from: a work tree on disk, or one revision's
//! git objects (never the work tree). Both list the same entries and read
//! them under the same caps, so `validate --rev` matches a checkout.

use crate::roll::layout::{MEMBERS_DIR, is_member_path};
use crate::util::blob::Capped;
use git2::{ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// What an entry of the tree is. Only `File` is ever read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Executable,
    Symlink,
    Submodule,
    /// A directory where a file belongs, or a special file (fifo, socket, device).
    Other,
}

/// One path in the tree, with what is needed to read it later.
#[derive(Clone, Debug)]
pub struct PathEntry {
    /// Slash-separated path from the repository root; lossy if not UTF-8.
    pub path: String,
    /// False when the real name is not UTF-8 (`path` then shows it lossily).
    pub utf8: bool,
    pub kind: EntryKind,
    locator: Locator,
}

/// What a file's metadata says of its content without reading it: git's
/// own test of whether a work-tree file changed since it was last hashed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stamp {
    pub size: u64,
    pub modified: (i64, i64),
    pub changed: (i64, i64),
    pub inode: u64,
    pub device: u64,
}

impl PathEntry {
    /// Whether the loader reads this entry as a member file: a regular file
    /// with a UTF-8 name at `members/<shard>/<name>.yaml`.
    pub(crate) fn is_member_file(&self) -> bool {
        self.kind == EntryKind::File && self.utf8 && is_member_path(&self.path)
    }

    /// The blob a git tree's entry names; `None` on disk.
    pub(crate) fn blob(&self) -> Option<Oid> {
        match self.locator {
            Locator::Blob(oid) => Some(oid),
            _ => None,
        }
    }

    /// A file on disk's metadata when it was listed; `None` in git.
    pub(crate) fn stamp(&self) -> Option<Stamp> {
        match self.locator {
            Locator::Disk(_, stamp) => Some(stamp),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
enum Locator {
    Disk(PathBuf, Stamp),
    Blob(Oid),
    Nothing,
}

#[derive(Debug)]
pub enum SourceError {
    NotALedger(String),
    Git(String),
    Io(String),
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SourceError::NotALedger(m) | SourceError::Git(m) | SourceError::Io(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for SourceError {}

impl From<git2::Error> for SourceError {
    fn from(e: git2::Error) -> SourceError {
        SourceError::Git(crate::util::git_message(&e))
    }
}

/// The ledger `start` is in: the nearest directory from `start` upward that
/// has a `schema/` directory, not looking above the root of the git work
/// tree `start` is in (the first directory upward with a `.git`), as git
/// finds its repository. Returned relative to `start` (`..`, `../..`), so
/// messages name it as the user would; `start` itself when no ledger is
/// found (whose use then says it is not a ledger).
pub fn find_ledger(start: &Path) -> PathBuf {
    let mut up = PathBuf::new();
    let Ok(absolute) = std::path::absolute(start) else { return start.to_path_buf() };
    for dir in absolute.ancestors() {
        if dir.join("schema").is_dir() {
            return if up.as_os_str().is_empty() {
                start.to_path_buf()
            } else if start == Path::new(".") {
                up
            } else {
                start.join(up)
            };
        }
        if fs::symlink_metadata(dir.join(".git")).is_ok() {
            break;
        }
        up.push("..");
    }
    start.to_path_buf()
}

/// Why one file could not be read.
#[derive(Debug)]
pub enum ReadError {
    Missing,
    TooLarge(u64),
    Io(String),
}

/// A ledger's files: a directory, or a tree in a git repository.
#[derive(Clone, Debug)]
pub enum Source {
    Disk(PathBuf),
    Git { repo: PathBuf, tree: Oid },
}

impl Source {
    /// The roll in `tree` of the open repository `repo`.
    pub fn at(repo: &Repository, tree: Oid) -> Source {
        Source::Git { repo: repo.path().to_path_buf(), tree }
    }

    /// The work tree at `dir`.
    pub fn disk(dir: &Path) -> Result<Source, SourceError> {
        if !dir.join("schema").is_dir() {
            return Err(SourceError::NotALedger(format!(
                "{} is not a rollcall ledger: it has no schema/ directory (run `rollcall validate --repo DIR` from a ledger)",
                dir.display()
            )));
        }
        Ok(Source::Disk(dir.to_path_buf()))
    }

    /// The tree of revision `rev` in the repository at `dir`.
    pub fn revision(dir: &Path, rev: &str) -> Result<Source, SourceError> {
        let repo = Repository::open(dir)
            .map_err(|e| SourceError::Git(format!("{}: not a git repository: {}", dir.display(), e.message())))?;
        let tree = repo
            .revparse_single(rev)
            .and_then(|object| object.peel_to_tree())
            .map_err(|e| SourceError::Git(format!("cannot read revision {rev:?}: {}", e.message())))?;
        if tree.get_path(Path::new("schema")).is_err() {
            return Err(SourceError::NotALedger(format!(
                "revision {rev:?} is not a rollcall ledger: it has no schema/ directory"
            )));
        }
        Ok(Source::at(&repo, tree.id()))
    }

    /// Every entry under `members/`, sorted by path, symlinks and submodules
    /// included as what they are (never followed).
    pub(crate) fn member_entries(&self) -> Result<Vec<PathEntry>, SourceError> {
        let mut entries = match self {
            Source::Disk(root) => disk_entries(root)?,
            Source::Git { repo, tree } => git_entries(&open(repo)?, *tree)?,
        };
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(entries)
    }

    /// The entry at `path` (a configuration file, say), if there is one.
    pub fn entry(&self, path: &str) -> Result<Option<PathEntry>, SourceError> {
        match self {
            Source::Disk(root) => {
                let full = root.join(path);
                match fs::symlink_metadata(&full) {
                    Ok(meta) => Ok(Some(disk_entry(path.to_owned(), true, full, &meta))),
                    Err(_) => Ok(None),
                }
            }
            Source::Git { repo, tree } => {
                let repo = open(repo)?;
                let tree = repo.find_tree(*tree).map_err(git_error)?;
                let Ok(item) = tree.get_path(Path::new(path)) else {
                    return Ok(None);
                };
                Ok(Some(git_entry(path.to_owned(), true, item.id(), item.filemode())))
            }
        }
    }

    /// A reader for this source; each thread makes its own (libgit2
    /// repositories are not shared across threads).
    pub fn reader(&self) -> Result<Reader, SourceError> {
        Ok(match self {
            Source::Disk(_) => Reader { repo: None },
            Source::Git { repo, .. } => Reader { repo: Some(open(repo)?) },
        })
    }
}

/// Reads entries' bytes, refusing anything over the cap before reading it.
pub struct Reader {
    repo: Option<Repository>,
}

impl Reader {
    pub fn read(&self, entry: &PathEntry, max_bytes: u64) -> Result<Vec<u8>, ReadError> {
        match (&entry.locator, &self.repo) {
            (Locator::Disk(path, stamp), _) => {
                if stamp.size > max_bytes {
                    return Err(ReadError::TooLarge(stamp.size));
                }
                read_file_capped(path, stamp.size, max_bytes)
            }
            (Locator::Blob(oid), Some(repo)) => {
                let io = |e: git2::Error| ReadError::Io(format!("object {oid}: {}", e.message()));
                let odb = repo.odb().map_err(io)?;
                match crate::util::blob::read_capped(&odb, *oid, max_bytes).map_err(io)? {
                    Capped::Read(object) => Ok(object.data().to_vec()),
                    Capped::TooLarge(size) => Err(ReadError::TooLarge(size)),
                }
            }
            _ => Err(ReadError::Missing),
        }
    }
}

fn open(path: &Path) -> Result<Repository, SourceError> {
    Repository::open(path).map_err(git_error)
}

fn git_error(e: git2::Error) -> SourceError {
    SourceError::Git(e.message().to_owned())
}

/// Opens without following a symlink (and without blocking on a fifo put
/// there after listing; a directory fails to read), and reads at most `max_bytes + 1`, so a file that
/// changed after it was listed still cannot exceed the cap.
fn read_file_capped(path: &Path, size_hint: u64, max_bytes: u64) -> Result<Vec<u8>, ReadError> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| ReadError::Io(e.to_string()))?;
    let mut bytes = Vec::with_capacity(size_hint.min(max_bytes) as usize + 1);
    file.take(max_bytes + 1).read_to_end(&mut bytes).map_err(|e| ReadError::Io(e.to_string()))?;
    if bytes.len() as u64 > max_bytes {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Lists `members/` one shard directory per task, on every core: at 100,000
/// members the listing's metadata calls are a large share of the work.
fn disk_entries(root: &Path) -> Result<Vec<PathEntry>, SourceError> {
    let members = root.join(MEMBERS_DIR);
    match fs::symlink_metadata(&members) {
        Err(_) => return Ok(Vec::new()),
        Ok(meta) if !meta.is_dir() => {
            return Ok(vec![disk_entry(MEMBERS_DIR.to_owned(), true, members, &meta)]);
        }
        Ok(_) => {}
    }
    let io = |e: &dyn std::fmt::Display| SourceError::Io(format!("cannot read {}: {e}", members.display()));
    let mut tops: Vec<(String, PathBuf)> = Vec::new();
    for top in fs::read_dir(&members).map_err(|e| io(&e))? {
        let top = top.map_err(|e| io(&e))?;
        // Ordered as the paths below it sort: `a/…` after `a-…`.
        let slash = if top.file_type().is_ok_and(|t| t.is_dir()) { "/" } else { "" };
        tops.push((format!("{}{slash}", top.file_name().to_string_lossy()), top.path()));
    }
    tops.sort();
    let positions: Vec<usize> = (0..tops.len()).collect();
    let parts = crate::util::parallel::for_each(
        &positions,
        || Ok::<_, SourceError>(Vec::new()),
        |parts, &at| {
            let mut part = Vec::new();
            walk_disk(root, &tops[at].1, &mut part)?;
            part.sort_by(|a: &PathEntry, b| a.path.cmp(&b.path));
            parts.push((at, part));
            Ok(())
        },
    )?;
    // The parts in the order of their folders: the listing comes out sorted,
    // without moving 100,000 entries through a sort.
    let mut parts: Vec<(usize, Vec<PathEntry>)> = parts.into_iter().flatten().collect();
    parts.sort_by_key(|(at, _)| *at);
    let mut entries = Vec::with_capacity(parts.iter().map(|(_, part)| part.len()).sum());
    parts.into_iter().for_each(|(_, part)| entries.extend(part));
    Ok(entries)
}

/// Every non-directory below `start` (or `start` itself), links not followed.
/// Each directory's entries are typed from the listing and examined
/// relative to it (`fstatat`), not by a lookup of each full path: at
/// 100,000 members the metadata calls are most of a warm `validate`.
fn walk_disk(root: &Path, start: &Path, entries: &mut Vec<PathEntry>) -> Result<(), SourceError> {
    let io = |path: &Path, e: std::io::Error| SourceError::Io(format!("cannot read {}: {e}", path.display()));
    let meta = fs::symlink_metadata(start).map_err(|e| io(start, e))?;
    if !meta.is_dir() {
        let (path, utf8) = relative(root, start);
        entries.push(disk_entry(path, utf8, start.to_path_buf(), &meta));
        return Ok(());
    }
    let mut dirs = vec![start.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for item in fs::read_dir(&dir).map_err(|e| io(&dir, e))? {
            let item = item.map_err(|e| io(&dir, e))?;
            let full = item.path();
            if item.file_type().map_err(|e| io(&full, e))?.is_dir() {
                dirs.push(full);
                continue;
            }
            let meta = item.metadata().map_err(|e| io(&full, e))?;
            let (path, utf8) = relative(root, &full);
            entries.push(disk_entry(path, utf8, full, &meta));
        }
    }
    Ok(())
}

/// `full`'s path from the ledger's root (lossy if not UTF-8), and whether
/// it is UTF-8. `full` is `root` joined with what was listed, so its bytes
/// start with root's and a slash: cut there, rather than comparing path
/// components, once for each of 100,000 files.
fn relative(root: &Path, full: &Path) -> (String, bool) {
    use std::os::unix::ffi::OsStrExt;
    let root_bytes = root.as_os_str().as_bytes();
    let below = full.as_os_str().as_bytes().strip_prefix(root_bytes).and_then(|rest| match rest {
        [b'/', rest @ ..] => Some(rest),
        _ if root_bytes.ends_with(b"/") => Some(rest),
        _ => None,
    });
    let relative = match below {
        Some(bytes) => std::ffi::OsStr::from_bytes(bytes),
        None => full.strip_prefix(root).unwrap_or(full).as_os_str(),
    };
    match relative.to_str() {
        Some(path) => (path.to_owned(), true),
        None => (relative.to_string_lossy().into_owned(), false),
    }
}

fn disk_entry(path: String, utf8: bool, full: PathBuf, meta: &fs::Metadata) -> PathEntry {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let file_type = meta.file_type();
    let kind = if file_type.is_symlink() {
        EntryKind::Symlink
    } else if file_type.is_file() && meta.permissions().mode() & 0o111 != 0 {
        EntryKind::Executable
    } else if file_type.is_file() {
        EntryKind::File
    } else {
        EntryKind::Other
    };
    let stamp = Stamp {
        size: meta.len(),
        modified: (meta.mtime(), meta.mtime_nsec()),
        changed: (meta.ctime(), meta.ctime_nsec()),
        inode: meta.ino(),
        device: meta.dev(),
    };
    let locator = if kind == EntryKind::File { Locator::Disk(full, stamp) } else { Locator::Nothing };
    PathEntry { path, utf8, kind, locator }
}

fn git_entries(repo: &Repository, tree: Oid) -> Result<Vec<PathEntry>, SourceError> {
    let tree = repo.find_tree(tree).map_err(git_error)?;
    let Some(members) = tree.get_name_bytes(MEMBERS_DIR.as_bytes()) else {
        return Ok(Vec::new());
    };
    if members.kind() != Some(ObjectType::Tree) {
        return Ok(vec![git_entry(MEMBERS_DIR.to_owned(), true, members.id(), members.filemode())]);
    }
    let members = repo.find_tree(members.id()).map_err(git_error)?;
    let mut entries = Vec::new();
    members
        .walk(TreeWalkMode::PreOrder, |dir, item| {
            if item.kind() != Some(ObjectType::Tree) {
                let name = String::from_utf8_lossy(item.name_bytes());
                let utf8 = std::str::from_utf8(item.name_bytes()).is_ok();
                let path = format!("{MEMBERS_DIR}/{dir}{name}");
                entries.push(git_entry(path, utf8, item.id(), item.filemode()));
            }
            TreeWalkResult::Ok
        })
        .map_err(git_error)?;
    Ok(entries)
}

/// Classifies by file mode, from the tree alone: a blob's size is read
/// from its object header when it is read (so an oversized blob is never
/// loaded), and a blob whose result `validate` remembers is not touched.
fn git_entry(path: String, utf8: bool, oid: Oid, mode: i32) -> PathEntry {
    let kind = match mode {
        0o100644 => EntryKind::File,
        0o100755 => EntryKind::Executable,
        0o120000 => EntryKind::Symlink,
        0o160000 => EntryKind::Submodule,
        _ => EntryKind::Other,
    };
    let locator = if kind == EntryKind::File { Locator::Blob(oid) } else { Locator::Nothing };
    PathEntry { path, utf8, kind, locator }
}
