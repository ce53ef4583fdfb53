//! Rules on the paths under `members/`, checked before anything is read.
//! An entry any of these rules rejects is never read.

use super::Sink;
use crate::finding::{Pos, quoted};
use crate::roll::layout::is_member_path;
use crate::roll::source::{EntryKind, PathEntry};

pub fn symlink(entry: &PathEntry, sink: &mut Sink) {
    if entry.kind == EntryKind::Symlink {
        sink.report(
            &entry.path,
            Pos::START,
            "",
            "symbolic link in the roll (it is never followed)",
            "replace the link by the member file itself",
        );
    }
}

pub fn submodule(entry: &PathEntry, sink: &mut Sink) {
    if entry.kind == EntryKind::Submodule {
        sink.report(
            &entry.path,
            Pos::START,
            "",
            "git submodule in the roll",
            "remove the submodule; the roll holds only member files",
        );
    }
}

pub fn executable(entry: &PathEntry, sink: &mut Sink) {
    if entry.kind == EntryKind::Executable {
        sink.report(
            &entry.path,
            Pos::START,
            "",
            "the member file is marked executable",
            format!("clear the executable bit of {} (git update-index --chmod=-x)", quoted(&entry.path)),
        );
    }
}

pub(crate) fn special_file(entry: &PathEntry, sink: &mut Sink) {
    if entry.kind == EntryKind::Other {
        sink.report(&entry.path, Pos::START, "", "not a regular file", "the roll holds only regular member files");
    }
}

pub fn file_name(entry: &PathEntry, sink: &mut Sink) {
    if !matches!(entry.kind, EntryKind::File | EntryKind::Executable) {
        return;
    }
    if !entry.utf8 {
        sink.report(
            &entry.path,
            Pos::START,
            "",
            format!("the file name {} is not valid UTF-8", quoted(&entry.path)),
            "rename the file to members/<shard>/<id>.yaml",
        );
    } else if !is_member_path(&entry.path) {
        sink.report(
            &entry.path,
            Pos::START,
            "",
            format!("{} is not a member file: only members/<shard>/<id>.yaml belong under members/", quoted(&entry.path)),
            "move it: a member file is members/<first two characters of the id>/<id>.yaml; other files go outside members/",
        );
    }
}
