//! Where a member's file lives: `members/<shard>/<id>.yaml`. One place, so
//! the loader, the index, the merge and the history agree on what a member
//! file is. (The loader asks it through [`PathEntry::is_member_file`], which adds
//! the entry's kind and name encoding.)
//!
//! [`PathEntry::is_member_file`]: crate::roll::source::PathEntry::is_member_file

/// The folder that holds the member files.
pub(crate) const MEMBERS_DIR: &str = "members";

/// The shard of an id: its first two characters, or the whole id if shorter.
pub(crate) fn shard_of(id: &str) -> &str {
    match id.char_indices().nth(2) {
        Some((i, _)) => &id[..i],
        None => id,
    }
}

/// `members/<shard>/<id>.yaml` for `id`.
pub fn member_path(id: &str) -> String {
    format!("{MEMBERS_DIR}/{}/{id}.yaml", shard_of(id))
}

/// `members/<shard>/<stem>.yaml` where the shard is one or two id
/// characters and the stem looks like an id (any case, so that `Alice.yaml`
/// gets the more helpful stem finding). Anything else, `..` and names with
/// odd characters included, is not read.
pub(crate) fn is_member_path(path: &str) -> bool {
    // `members`, the shard, the name: a further `/` fails the stem's test.
    let below = path.strip_prefix(MEMBERS_DIR).and_then(|rest| rest.strip_prefix('/'));
    let Some((shard, name)) = below.and_then(|below| below.split_once('/')) else { return false };
    let Some(stem) = name.strip_suffix(".yaml") else { return false };
    let shard_ok = (1..=2).contains(&shard.len())
        && shard.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !shard.starts_with('-');
    let stem_ok = !stem.is_empty() && stem.len() <= 64 && stem.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    shard_ok && stem_ok
}

/// Whether `path` is anywhere under `members/`, member file or not: what
/// the history counts as a change to the roll's state (a stray file there
/// is a change too, and the event must account for it).
pub(crate) fn is_under_members(path: &str) -> bool {
    path.strip_prefix(MEMBERS_DIR).is_some_and(|rest| rest.starts_with('/'))
}
