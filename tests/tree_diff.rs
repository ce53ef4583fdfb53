//! `util::tree_diff` (which descends only into folders that differ) finds
//! exactly the changes libgit2's full tree-to-tree diff finds, in the same
//! order: check-pr's triage of a pull request rests on it.

use git2::{DiffOptions, Oid, Repository};
use proptest::prelude::*;

/// A file of a generated tree: a path of up to three short names and a mode.
fn file() -> impl Strategy<Value = (Vec<String>, i32, u8)> {
    let name = prop::sample::select(vec!["a", "b", "a-b", "a.b", "c", "members", "ab"]);
    let mode = prop::sample::select(vec![0o100644, 0o100755, 0o120000, 0o160000]);
    (prop::collection::vec(name, 1..4).prop_map(|v| v.into_iter().map(str::to_owned).collect()), mode, 0u8..3)
}

/// Writes a tree holding `files`; a file whose path clashes with an earlier
/// one's (the same path, or one a folder of the other) is left out.
fn tree(repo: &Repository, files: &[(Vec<String>, i32, u8)]) -> Oid {
    let mut update = git2::build::TreeUpdateBuilder::new();
    let mut taken: Vec<Vec<String>> = Vec::new();
    for (parts, mode, content) in files {
        // A path may not be both a file and a folder.
        let clashes = taken.iter().any(|t| t.starts_with(parts) || parts.starts_with(t));
        if clashes {
            continue;
        }
        taken.push(parts.clone());
        let id = match *mode {
            0o160000 => Oid::from_str(&format!("{:040x}", u32::from(*content) + 1)).unwrap(),
            _ => repo.blob(format!("content {content}\n").as_bytes()).unwrap(),
        };
        let mode = match *mode {
            0o100755 => git2::FileMode::BlobExecutable,
            0o120000 => git2::FileMode::Link,
            0o160000 => git2::FileMode::Commit,
            _ => git2::FileMode::Blob,
        };
        update.upsert(parts.join("/"), id, mode);
    }
    let empty = repo.find_tree(repo.treebuilder(None).unwrap().write().unwrap()).unwrap();
    update.create_updated(repo, &empty).unwrap()
}

fn libgit2(repo: &Repository, old: Oid, new: Oid) -> Vec<(String, git2::Delta, Oid, u32)> {
    let (old, new) = (repo.find_tree(old).unwrap(), repo.find_tree(new).unwrap());
    let mut options = DiffOptions::new();
    options.include_typechange(true).ignore_submodules(false).skip_binary_check(true);
    let diff = repo.diff_tree_to_tree(Some(&old), Some(&new), Some(&mut options)).unwrap();
    diff.deltas()
        .map(|d| {
            let side = if d.status() == git2::Delta::Deleted { d.old_file() } else { d.new_file() };
            (
                String::from_utf8_lossy(side.path_bytes().unwrap()).into_owned(),
                d.status(),
                side.id(),
                u32::from(side.mode()),
            )
        })
        .collect()
}

fn ours(repo: &Repository, old: Oid, new: Oid) -> Vec<(String, git2::Delta, Oid, u32)> {
    let (old, new) = (repo.find_tree(old).unwrap(), repo.find_tree(new).unwrap());
    rollcall::util::tree_diff::changes(repo, Some(&old), Some(&new))
        .unwrap()
        .into_iter()
        .map(|c| (String::from_utf8_lossy(&c.path).into_owned(), c.status, c.side().id, u32::from(c.file_mode())))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
    #[test]
    fn the_same_changes_as_libgit2(old in prop::collection::vec(file(), 0..8), new in prop::collection::vec(file(), 0..8)) {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(dir.path()).unwrap();
        // The new tree keeps the old one's files where it does not replace
        // them (by a file, a folder, another mode or other bytes); the
        // reverse comparison deletes them.
        let shared: Vec<_> = new.iter().chain(old.iter()).cloned().collect();
        let (old, new) = (tree(&repo, &old), tree(&repo, &shared));
        prop_assert_eq!(ours(&repo, old, new), libgit2(&repo, old, new));
        prop_assert_eq!(ours(&repo, new, old), libgit2(&repo, new, old));
    }
}
