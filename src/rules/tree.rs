//! Rules on the paths under `members/`, checked before anything is read.
//! An entry any of these rules rejects is never read.

use super::Sink;
use crate::finding::{Pos, quoted};
use crate::source::{Entry, EntryKind};

/// Whether the loader reads `entry` as a member file: a regular file with a
/// UTF-8 name at `members/<shard>/<name>.yaml`.
pub fn is_member_file(entry: &Entry) -> bool {
    entry.kind == EntryKind::File && entry.utf8 && is_member_path(&entry.path)
}

/// `members/<shard>/<stem>.yaml` where the shard is one or two id
/// characters and the stem looks like an id (any case, so that `Alice.yaml`
/// gets the more helpful stem finding). Anything else, `..` and names with
/// odd characters included, is not read.
pub fn is_member_path(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    let ["members", shard, name] = parts.as_slice() else { return false };
    let Some(stem) = name.strip_suffix(".yaml") else { return false };
    let shard_ok = (1..=2).contains(&shard.len())
        && shard.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !shard.starts_with('-');
    let stem_ok = !stem.is_empty() && stem.len() <= 64 && stem.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    shard_ok && stem_ok
}

pub fn symlink(entry: &Entry, sink: &mut Sink) {
    if entry.kind == EntryKind::Symlink {
        sink.error(
            &entry.path,
            Pos::START,
            "",
            "symbolic link in the roll (it is never followed)",
            "replace the link by the member file itself",
        );
    }
}

pub fn submodule(entry: &Entry, sink: &mut Sink) {
    if entry.kind == EntryKind::Submodule {
        sink.error(
            &entry.path,
            Pos::START,
            "",
            "git submodule in the roll",
            "remove the submodule; the roll holds only member files",
        );
    }
}

pub fn executable(entry: &Entry, sink: &mut Sink) {
    if entry.kind == EntryKind::Executable {
        sink.error(
            &entry.path,
            Pos::START,
            "",
            "the member file is marked executable",
            format!("clear the executable bit of {} (git update-index --chmod=-x)", quoted(&entry.path)),
        );
    }
}

pub fn special_file(entry: &Entry, sink: &mut Sink) {
    if entry.kind == EntryKind::Other {
        sink.error(&entry.path, Pos::START, "", "not a regular file", "the roll holds only regular member files");
    }
}

pub fn file_name(entry: &Entry, sink: &mut Sink) {
    if !matches!(entry.kind, EntryKind::File | EntryKind::Executable) {
        return;
    }
    if !entry.utf8 {
        sink.error(
            &entry.path,
            Pos::START,
            "",
            format!("the file name {} is not valid UTF-8", quoted(&entry.path)),
            "rename the file to members/<shard>/<id>.yaml",
        );
    } else if !is_member_path(&entry.path) {
        sink.error(
            &entry.path,
            Pos::START,
            "",
            format!("{} is not a member file: only members/<shard>/<id>.yaml belong under members/", quoted(&entry.path)),
            "move it: a member file is members/<first two characters of the id>/<id>.yaml; other files go outside members/",
        );
    }
}
