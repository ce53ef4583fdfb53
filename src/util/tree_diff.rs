//! The files that differ between two git trees, found by descending only
//! into the folders whose tree ids differ. libgit2's tree-to-tree diff
//! walks every file of both trees (it expands every folder, then compares
//! file ids), which at 100,000 member files is most of a merge; the answer
//! is the same: every file added, deleted, modified or changed in type,
//! in git's path order, a folder on one side against a file on the other
//! being the file deleted (or added) and the folder's files added (or
//! deleted).

use git2::{Delta, FileMode, ObjectType, Oid, Repository, Tree};

/// One side of a changed file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Side {
    pub id: Oid,
    pub mode: i32,
}

/// One changed file: its path from the trees' root, as bytes (git allows
/// any), and its two sides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub path: Vec<u8>,
    pub status: Delta,
    pub old: Option<Side>,
    pub new: Option<Side>,
}

impl Change {
    /// The side that is there now, or the one that went.
    pub fn side(&self) -> Side {
        self.new.or(self.old).unwrap_or(Side { id: Oid::ZERO_SHA1, mode: 0 })
    }

    pub fn file_mode(&self) -> FileMode {
        mode_of(self.side().mode)
    }
}

fn mode_of(mode: i32) -> FileMode {
    match mode {
        0o040000 => FileMode::Tree,
        0o100644 => FileMode::Blob,
        0o100664 => FileMode::BlobGroupWritable,
        0o100755 => FileMode::BlobExecutable,
        0o120000 => FileMode::Link,
        0o160000 => FileMode::Commit,
        _ => FileMode::Unreadable,
    }
}

/// What kind of file a mode is, as `include_typechange` tells them apart:
/// a blob (regular or executable), a symbolic link, a submodule.
fn kind(mode: i32) -> u8 {
    match mode_of(mode) {
        FileMode::Link => 1,
        FileMode::Commit => 2,
        _ => 0,
    }
}

/// Every file that differs between `old` and `new` (either may be absent:
/// every file of the other is added or deleted), in path order.
pub fn changes(repo: &Repository, old: Option<&Tree>, new: Option<&Tree>) -> Result<Vec<Change>, git2::Error> {
    let mut out = Vec::new();
    diff(repo, &mut Vec::new(), old, new, &mut out)?;
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

type Entry = (Vec<u8>, Oid, i32, bool);

fn entries(tree: Option<&Tree>) -> Vec<Entry> {
    let Some(tree) = tree else { return Vec::new() };
    let mut all: Vec<Entry> = tree
        .iter()
        .map(|e| (e.name_bytes().to_vec(), e.id(), e.filemode(), e.kind() == Some(ObjectType::Tree)))
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

fn diff(
    repo: &Repository,
    prefix: &mut Vec<u8>,
    old: Option<&Tree>,
    new: Option<&Tree>,
    out: &mut Vec<Change>,
) -> Result<(), git2::Error> {
    let (old, new) = (entries(old), entries(new));
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        let order = match (old.get(i), new.get(j)) {
            (Some(a), Some(b)) => a.0.cmp(&b.0),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        let (a, b) = match order {
            std::cmp::Ordering::Less => {
                i += 1;
                (old.get(i - 1), None)
            }
            std::cmp::Ordering::Greater => {
                j += 1;
                (None, new.get(j - 1))
            }
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
                (old.get(i - 1), new.get(j - 1))
            }
        };
        if let (Some(a), Some(b)) = (a, b)
            && a.1 == b.1
            && a.2 == b.2
        {
            continue;
        }
        let name = a.or(b).map(|e| e.0.clone()).unwrap_or_default();
        let len = prefix.len();
        prefix.extend_from_slice(&name);
        let path = prefix.clone();
        let subtree = |e: Option<&Entry>| -> Result<Option<Tree<'_>>, git2::Error> {
            match e {
                Some(e) if e.3 => repo.find_tree(e.1).map(Some),
                _ => Ok(None),
            }
        };
        let (old_tree, new_tree) = (subtree(a)?, subtree(b)?);
        let old_file = a.filter(|e| !e.3).map(|e| Side { id: e.1, mode: e.2 });
        let new_file = b.filter(|e| !e.3).map(|e| Side { id: e.1, mode: e.2 });
        match (old_file, new_file) {
            (Some(o), Some(n)) => {
                let status = if kind(o.mode) != kind(n.mode) { Delta::Typechange } else { Delta::Modified };
                out.push(Change { path: path.clone(), status, old: Some(o), new: Some(n) });
            }
            (Some(o), None) => out.push(Change { path: path.clone(), status: Delta::Deleted, old: Some(o), new: None }),
            (None, Some(n)) => out.push(Change { path: path.clone(), status: Delta::Added, old: None, new: Some(n) }),
            (None, None) => {}
        }
        if old_tree.is_some() || new_tree.is_some() {
            prefix.push(b'/');
            diff(repo, prefix, old_tree.as_ref(), new_tree.as_ref(), out)?;
        }
        prefix.truncate(len);
    }
    Ok(())
}
