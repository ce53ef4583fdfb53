//! The few members of a roll that one change could clash with, and the
//! highest member number, found without reading 100,000 files: through the
//! roll's split index (`index/`, only the files the change's keys hash to)
//! or its first layout (`roll.index`), and the files changed since it was
//! written, or, with no usable index, by a byte search over every member
//! blob.

use crate::finding::Finding;
use crate::roll::index::{self, Row};
use crate::roll::member::Member;
use crate::roll::rules::{Check, Context, RULES, Sink};
use crate::roll::sharded;
use crate::roll::source::SourceError;
use crate::roll::validate::Options;
use crate::roll::yaml::{self, MEMBER_LIMITS};
use crate::util::blob::{Capped, read_capped as read_capped_blob};
use git2::{ObjectType, Oid, Repository, Tree};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// An index older than this many changed files is not worth its overlay:
/// the full read is about as fast.
const MAX_OVERLAY: usize = 20_000;

/// About 100 bytes a member: far more than any roll needs.
const MAX_INDEX_BYTES: usize = 64 * 1024 * 1024;

/// What a member the change could clash with has in common with it: an
/// account, an organization, an id, a member number, or a tier the board
/// rules count.
#[derive(Default)]
pub struct Wanted {
    pub accounts: Vec<u64>,
    /// Organization keys and ids (an organization's key is often its id).
    pub names: Vec<String>,
    pub tiers: Vec<String>,
    pub numbers: Vec<u64>,
}

impl Wanted {
    /// What the roll rules compare `new` (and the `old` version it replaces) on.
    pub fn of(new: &Member, old: Option<&Member>, ctx: &Context) -> Wanted {
        let mut wanted = Wanted::default();
        for member in std::iter::once(new).chain(old) {
            wanted.accounts.extend(member.account.as_ref().map(|a| a.id));
            wanted.names.extend(member.organization.iter().chain(&member.id).cloned());
            wanted.numbers.extend(member.member_number);
        }
        let board = &ctx.config.policy.policy.board;
        wanted.tiers.extend(board.directors_per_member.as_ref().map(|rule| rule.tier.clone()));
        wanted.names.extend(board.directors.iter().filter_map(|d| d.organization.clone()));
        wanted
    }

    /// The exact canonical lines that such a member file contains, quoted
    /// as the writer quotes them (`organization: "42"`).
    fn needles(&self) -> Vec<String> {
        let line = |key: &str, value: Value| yaml::to_canonical(&serde_json::json!({ key: value }));
        let mut needles: Vec<String> = self.accounts.iter().map(|a| line("github_id", Value::from(*a))).collect();
        for name in &self.names {
            // `id: x` also matches `github_id: x` for a numeric id: a
            // candidate too many is only read, never misjudged.
            needles.push(line("id", Value::from(name.as_str())));
            needles.push(line("organization", Value::from(name.as_str())));
        }
        needles.extend(self.tiers.iter().map(|t| line("tier", Value::from(t.as_str()))));
        needles.extend(self.numbers.iter().map(|n| line("member_number", Value::from(*n))));
        needles
    }

    fn matches(&self, row: &Row) -> bool {
        row.account.is_some_and(|a| self.accounts.contains(&a))
            || self.names.iter().any(|n| n == row.id)
            || row.organization.is_some_and(|o| self.names.iter().any(|n| n == o))
            || self.tiers.iter().any(|t| t == row.tier)
            || row.number.is_some_and(|n| self.numbers.contains(&n))
    }

    pub(crate) fn matches_entry(&self, e: &sharded::Entry) -> bool {
        e.account.is_some_and(|a| self.accounts.contains(&a))
            || self.names.contains(&e.id)
            || e.organization.as_ref().is_some_and(|o| self.names.contains(o))
            || self.tiers.contains(&e.tier)
            || e.number.is_some_and(|n| self.numbers.contains(&n))
    }

    fn matches_member(&self, member: &Member) -> bool {
        member.account.as_ref().is_some_and(|a| self.accounts.contains(&a.id))
            || member.id.as_ref().is_some_and(|id| self.names.contains(id))
            || member.organization_key().is_some_and(|o| self.names.iter().any(|n| n == o))
            || member.tier.as_ref().is_some_and(|t| self.tiers.contains(t))
            || member.member_number.is_some_and(|n| self.numbers.contains(&n))
    }
}

/// The members found, and what the roll says overall.
pub struct Neighbours {
    /// Sorted by file; never the file the change itself is about.
    pub members: Vec<Member>,
    /// The highest member number anywhere in the roll (0 if none).
    pub max_number: u64,
}

/// The members of the roll in `tree` (other than `skip`) that `wanted`
/// names, with the roll's highest member number.
pub fn find(repo: &Repository, tree: &Tree, skip: &str, wanted: &Wanted) -> Result<Neighbours, SourceError> {
    let Ok(members) = tree.get_path(Path::new(crate::roll::layout::MEMBERS_DIR)) else {
        return Ok(Neighbours { members: Vec::new(), max_number: 0 });
    };
    let members = members.id();
    if let Some(found) = through_split_index(repo, tree, members, skip, wanted)? {
        return Ok(found);
    }
    if let Some(found) = through_index(repo, tree, members, skip, wanted)? {
        return Ok(found);
    }
    full_search(repo, members, skip, wanted)
}

/// Through the index, if it describes `members` or a tree not far behind it.
fn through_index(
    repo: &Repository,
    tree: &Tree,
    members: Oid,
    skip: &str,
    wanted: &Wanted,
) -> Result<Option<Neighbours>, SourceError> {
    let Some(text) = index_text(repo, tree) else { return Ok(None) };
    let Some((Some(indexed), rows)) = index::rows(&text) else { return Ok(None) };
    let Some(overlay) = overlay(repo, indexed, members) else { return Ok(None) };
    let changed: HashMap<&str, Option<Oid>> = overlay.iter().map(|(p, o)| (p.as_str(), *o)).collect();
    let mut found = Vec::new();
    let mut max_number = 0;
    for row in &rows {
        if changed.contains_key(row.path) {
            continue;
        }
        max_number = max_number.max(row.number.unwrap_or(0));
        if row.path != skip && wanted.matches(row) {
            let Some(entry) = row.to_entry() else { return Ok(None) };
            let bytes = read_capped(repo, entry.blob, &entry.path, &mut Vec::new())?.unwrap_or_default();
            found.extend(summarise(&entry.path, &bytes));
        }
    }
    found.extend(read_overlay(repo, &overlay, skip, wanted, &mut max_number)?);
    found.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(Some(Neighbours { members: found, max_number }))
}

/// The member files changed between the tree an index describes
/// (`indexed`) and `members`, if few enough to read directly.
fn overlay(repo: &Repository, indexed: Oid, members: Oid) -> Option<Vec<(String, Option<Oid>)>> {
    if indexed == members {
        return Some(Vec::new());
    }
    changed_since(repo, indexed, members).filter(|changed| changed.len() <= MAX_OVERLAY)
}

/// The members changed since an index was written, read directly: those
/// `wanted` names (never `skip`), raising `max_number` to theirs.
fn read_overlay(
    repo: &Repository,
    overlay: &[(String, Option<Oid>)],
    skip: &str,
    wanted: &Wanted,
    max_number: &mut u64,
) -> Result<Vec<Member>, SourceError> {
    let mut found = Vec::new();
    for (path, oid) in overlay {
        let member = match oid {
            Some(oid) => read_capped(repo, *oid, path, &mut Vec::new())?.and_then(|b| summarise(path, &b)),
            None => None,
        };
        if let Some(member) = member {
            *max_number = (*max_number).max(member.member_number.unwrap_or(0));
            if path != skip && wanted.matches_member(&member) {
                found.push(member);
            }
        }
    }
    Ok(found)
}

/// Through the split index, if it describes `members` or a tree not far
/// behind it: only the index files `wanted`'s keys hash to are read, and
/// the member files they name.
fn through_split_index(
    repo: &Repository,
    tree: &Tree,
    members: Oid,
    skip: &str,
    wanted: &Wanted,
) -> Result<Option<Neighbours>, SourceError> {
    let Some(header) = sharded::header(repo, tree) else { return Ok(None) };
    let Some(indexed) = header.members_tree else { return Ok(None) };
    let Some(overlay) = overlay(repo, indexed, members) else { return Ok(None) };
    let Ok(entries) = sharded::lookup(repo, tree, wanted) else { return Ok(None) };
    let changed: HashMap<&str, Option<Oid>> = overlay.iter().map(|(p, o)| (p.as_str(), *o)).collect();
    let mut max_number = header.highest;
    let mut found = Vec::new();
    for entry in entries.iter().filter(|e| e.path != skip && !changed.contains_key(e.path.as_str())) {
        // Unchanged since the index, so the file in `tree` is the one indexed.
        let Ok(file) = tree.get_path(Path::new(&entry.path)) else { return Ok(None) };
        let bytes = read_capped(repo, file.id(), &entry.path, &mut Vec::new())?.unwrap_or_default();
        found.extend(summarise(&entry.path, &bytes));
    }
    found.extend(read_overlay(repo, &overlay, skip, wanted, &mut max_number)?);
    found.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(Some(Neighbours { members: found, max_number }))
}

fn index_text(repo: &Repository, tree: &Tree) -> Option<String> {
    let entry = tree.get_path(Path::new(index::INDEX_FILE)).ok()?;
    let odb = repo.odb().ok()?;
    let Capped::Read(object) = read_capped_blob(&odb, entry.id(), MAX_INDEX_BYTES as u64).ok()? else { return None };
    String::from_utf8(object.data().to_vec()).ok()
}

/// Member-file paths that differ between two `members/` trees, each with
/// its blob now (`None`: deleted or not a regular file). `None` if the old
/// tree is not in the repository.
fn changed_since(repo: &Repository, old: Oid, new: Oid) -> Option<Vec<(String, Option<Oid>)>> {
    let old = repo.find_tree(old).ok()?;
    let new = repo.find_tree(new).ok()?;
    let mut changed = Vec::new();
    for change in crate::util::tree_diff::changes(repo, Some(&old), Some(&new)).ok()? {
        let Ok(path) = std::str::from_utf8(&change.path) else { continue };
        let now = change.new.filter(|n| n.mode == i32::from(git2::FileMode::Blob)).map(|n| n.id);
        changed.push((format!("{}/{path}", crate::roll::layout::MEMBERS_DIR), now));
    }
    Some(changed)
}

/// Every member blob of the `members` tree searched for `wanted`'s lines,
/// on every core.
fn full_search(repo: &Repository, members: Oid, skip: &str, wanted: &Wanted) -> Result<Neighbours, SourceError> {
    let members = repo.find_tree(members).map_err(SourceError::from)?;
    let mut blobs = Vec::new();
    members
        .walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            if entry.kind() == Some(ObjectType::Blob) && entry.filemode() == 0o100644 {
                let path = format!("members/{dir}{}", String::from_utf8_lossy(entry.name_bytes()));
                if crate::roll::layout::is_member_path(&path) {
                    blobs.push((path, entry.id()));
                }
            }
            git2::TreeWalkResult::Ok
        })
        .map_err(SourceError::from)?;
    let needles = wanted.needles();
    let search = aho_corasick::AhoCorasick::new(&needles).map_err(|e| SourceError::Io(e.to_string()))?;
    let repo_path = repo.path();
    let parts = crate::util::parallel::for_each(
        &blobs,
        || Ok::<_, SourceError>((Repository::open(repo_path).map_err(SourceError::from)?, Vec::new(), 0)),
        |(repo, found, max_number), (path, oid)| {
            let odb = repo.odb().map_err(SourceError::from)?;
            let Capped::Read(object) =
                read_capped_blob(&odb, *oid, MEMBER_LIMITS.max_bytes).map_err(SourceError::from)?
            else {
                return Ok(());
            };
            *max_number = (*max_number).max(member_number_in(object.data()));
            if path != skip && search.is_match(object.data()) {
                found.extend(summarise(path, object.data()));
            }
            Ok(())
        },
    )?;
    let max_number = parts.iter().map(|(_, _, n)| *n).max().unwrap_or(0);
    let mut found: Vec<Member> = parts.into_iter().flat_map(|(_, found, _)| found).collect();
    found.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(Neighbours { members: found, max_number })
}

/// The number on a canonical file's `member_number:` line, without parsing it.
fn member_number_in(bytes: &[u8]) -> u64 {
    const KEY: &[u8] = b"\nmember_number: ";
    let Some(at) = bytes.windows(KEY.len()).position(|w| w == KEY) else { return 0 };
    let digits = bytes[at + KEY.len()..].iter().take_while(|b| b.is_ascii_digit());
    digits.fold(0u64, |n, d| n.saturating_mul(10).saturating_add(u64::from(d - b'0')))
}

/// Cross-file findings a change causes: the roll rules run on the changed
/// member and its neighbours, before and after the change; what appears
/// only after is the change's doing.
///
/// Member files are canonical, so a file that shares an account id, an
/// organization or a tier with the changed member holds that exact line
/// (`github_id: 12345`), which is how its neighbours were found.
pub(crate) fn caused_findings(
    neighbours: &[Member],
    new: &Member,
    old: Option<&Member>,
    ctx: &Context,
    options: &Options,
) -> Vec<Finding> {
    let run = |members: &[Member]| {
        let mut out = Vec::new();
        for rule in RULES.iter().filter(|r| !options.skip.contains(r.name)) {
            if let Check::Roll(check) = rule.check {
                check(members, ctx, &mut Sink::new(rule, &mut out));
            }
        }
        out
    };
    let mut roll = neighbours.to_vec();
    let before = match old {
        Some(old) => {
            roll.push(old.clone());
            let before = run(&roll);
            roll.pop();
            before
        }
        None => run(&roll),
    };
    roll.push(new.clone());
    let after = run(&roll);
    after.into_iter().filter(|f| !before.contains(f)).collect()
}

/// A member file as the roll rules see it, if it reads as YAML.
pub fn summarise(path: &str, bytes: &[u8]) -> Option<Member> {
    let doc = yaml::load(path, bytes, MEMBER_LIMITS, yaml::Layout::Free);
    doc.value.as_ref().map(|value| Member::from_document(path, value, &doc.spans))
}

/// Reads a blob after checking its size in the object header.
pub(crate) fn read_capped(
    repo: &Repository,
    oid: Oid,
    path: &str,
    findings: &mut Vec<Finding>,
) -> Result<Option<Vec<u8>>, SourceError> {
    let git = |e: git2::Error| SourceError::Git(format!("cannot read {path}: {}", e.message()));
    let odb = repo.odb().map_err(git)?;
    match read_capped_blob(&odb, oid, MEMBER_LIMITS.max_bytes).map_err(git)? {
        Capped::Read(object) => Ok(Some(object.data().to_vec())),
        Capped::TooLarge(size) => {
            findings.push(yaml::too_large(path, size, MEMBER_LIMITS));
            Ok(None)
        }
    }
}
