//! Rules tying a member file's path to its content.

use super::{Context, MemberFile, Sink};
use crate::finding::quoted;
use crate::roll::layout::{member_path, shard_of};

fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".yaml").unwrap_or(name)
}

pub(crate) fn stem_matches_id(file: &MemberFile, _: &Context, sink: &mut Sink) {
    let Some(id) = file.field("id").filter(|_| !file.is_refused("/id")) else { return };
    let stem = stem(file.path);
    if stem != id {
        sink.report(
            file.path,
            file.spans.locate("/id"),
            "/id",
            format!("the file is named {} but its id is {}", quoted(stem), quoted(id)),
            format!("name the file {}", quoted(&member_path(id))),
        );
    }
}

pub(crate) fn in_shard(file: &MemberFile, _: &Context, sink: &mut Sink) {
    let Some(id) = file.field("id").filter(|_| !file.is_refused("/id")) else { return };
    let shard = file.path.split('/').nth(1).unwrap_or_default();
    if stem(file.path) == id && shard != shard_of(id) {
        sink.report(
            file.path,
            file.spans.locate("/id"),
            "/id",
            format!(
                "the file sits in members/{shard}/ but id {} belongs in {}",
                quoted(id),
                quoted(&format!("members/{}/", shard_of(id)))
            ),
            format!("move the file to {}", quoted(&member_path(id))),
        );
    }
}
