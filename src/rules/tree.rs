//! Rules on the paths under `members/`, checked before anything is read.
//! An entry any of these rules rejects is never read.

use super::Sink;
use crate::finding::{Pos, quoted};
use crate::source::{Entry, EntryKind};

/// Whether the loader reads `entry` as a member file: a regular file with a
/// UTF-8 name at `members/<shard>/<name>.yaml`.
pub fn is_member_file(entry: &Entry) -> bool {
    entry.kind == EntryKind::File && entry.utf8 && has_member_shape(&entry.path)
}

fn has_member_shape(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    matches!(parts.as_slice(), ["members", shard, name]
        if !shard.is_empty() && name.len() > ".yaml".len() && name.ends_with(".yaml"))
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
            format!("clear the executable bit: git update-index --chmod=-x {}", entry.path),
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
    } else if !has_member_shape(&entry.path) {
        sink.error(
            &entry.path,
            Pos::START,
            "",
            "only member files belong under members/",
            "move it: a member file is members/<first two characters of the id>/<id>.yaml; other files go outside members/",
        );
    }
}
