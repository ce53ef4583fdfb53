//! The ledger's history: the first-parent chain of its branch, each commit
//! read as a ledger event or a maintenance change, and what each commit
//! changed. `log`, `roll --as-of` and `verify` all read history through
//! here, so they agree on what an event is.

pub mod board;
pub mod checkpoint;
pub mod elections;
pub mod electorate;
pub mod log;
pub(crate) mod remembered;
pub mod signers;
pub mod verify;
pub mod voting;

use crate::change::event::{Event, Kind};
use crate::change::genesis::Genesis;
use crate::finding::{Finding, Pos};
use crate::roll::layout::{MEMBERS_DIR, is_under_members, member_path};
use crate::roll::rules::names::history::GENESIS;
use git2::{FileMode, ObjectType, Oid, Repository};
use jiff::civil::Date;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// The files outside `members/` an event may change: the roll's split
/// index (`index/`, which `verify` checks is exactly what the event
/// writes), and the first layout's `roll.index`, which older mergers
/// refreshed now and then and history keeps.
const INDEX_FILE: &str = crate::roll::index::INDEX_FILE;

/// Commit messages are short; a larger one is not rollcall's.
const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// History could not be read (exit 2): a missing object, a broken repository.
#[derive(Debug)]
pub struct HistoryError(pub String);

impl std::fmt::Display for HistoryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<git2::Error> for HistoryError {
    fn from(e: git2::Error) -> HistoryError {
        HistoryError(crate::util::git_message(&e))
    }
}

/// What one commit says it is.
#[derive(Clone, Debug)]
pub enum Record {
    Event(Event),
    /// The ledger's beginning: the roll it starts with. History is read
    /// from it on.
    Genesis(Genesis),
    /// A change to the rules (`schema/`), approved by the directors.
    Amendment(crate::change::amendment::Amendment),
    /// A step of an election: opening, a nomination, an acceptance, the certified result.
    Election(crate::election::event::ElectionEvent),
    /// No ledger trailers at all: a change to the rules, the code, the docs.
    Maintenance,
    /// `Rollcall-` trailers that are not an event as the merger writes it.
    Malformed,
}

impl Record {
    pub fn of(message: &[u8]) -> Record {
        let Some(message) = std::str::from_utf8(message).ok().filter(|m| m.len() <= MAX_MESSAGE_BYTES) else {
            return if contains(message, b"Rollcall-") { Record::Malformed } else { Record::Maintenance };
        };
        if let Some(genesis) = Genesis::parse(message) {
            return Record::Genesis(genesis);
        }
        if let Some(amendment) = crate::change::amendment::Amendment::parse(message) {
            return Record::Amendment(amendment);
        }
        if let Some(election) = crate::election::event::ElectionEvent::parse(message) {
            return Record::Election(election);
        }
        match Event::parse(message) {
            Some(event) => Record::Event(event),
            None if message.lines().any(|l| l.trim_start().starts_with("Rollcall-")) => Record::Malformed,
            None => Record::Maintenance,
        }
    }

    pub fn event(&self) -> Option<&Event> {
        match self {
            Record::Event(event) => Some(event),
            _ => None,
        }
    }

    pub fn genesis(&self) -> Option<&Genesis> {
        match self {
            Record::Genesis(genesis) => Some(genesis),
            _ => None,
        }
    }

    /// The date the commit gives itself in its trailers: every kind of
    /// event has one; a maintenance commit has none.
    pub fn date(&self) -> Option<Date> {
        match self {
            Record::Event(event) => Some(event.date),
            Record::Genesis(genesis) => Some(genesis.date),
            Record::Amendment(amendment) => Some(amendment.date),
            Record::Election(election) => Some(election.date),
            Record::Maintenance | Record::Malformed => None,
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// One commit of the chain.
#[derive(Clone, Debug)]
pub struct Step {
    pub commit: Oid,
    /// Every parent; a ledger's history has one (none for its first commit).
    pub parents: Vec<Oid>,
    pub tree: Oid,
    /// The committer's time, in seconds since the epoch.
    pub time: i64,
    pub record: Record,
}

impl Step {
    pub fn read(repo: &Repository, oid: Oid) -> Result<Step, HistoryError> {
        let commit = repo.find_commit(oid).map_err(HistoryError::from)?;
        Ok(Step {
            commit: oid,
            parents: commit.parent_ids().collect(),
            tree: commit.tree_id(),
            time: commit.committer().when().seconds(),
            record: Record::of(commit.message_raw_bytes()),
        })
    }

    pub fn event(&self) -> Option<&Event> {
        self.record.event()
    }

    pub fn genesis(&self) -> Option<&Genesis> {
        self.record.genesis()
    }

    /// The day the step happened: its record's own date, or the day it was
    /// committed.
    pub fn date(&self) -> Date {
        self.record.date().unwrap_or_else(|| {
            jiff::Timestamp::from_second(self.time)
                .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
                .unwrap_or(Date::MIN)
        })
    }
}

/// The ledger's history: the first-parent chain from `tip`, newest first,
/// down to the genesis (included) or to `stop` (not included), whichever
/// comes first. The commits before the genesis are not the ledger's and
/// are not read. Without a genesis (or `stop`) on the chain, it reads to
/// the root; [`beginning`] says whether the chain has its one genesis.
pub fn chain(repo: &Repository, tip: Oid, stop: Option<Oid>) -> Result<Vec<Step>, HistoryError> {
    let mut steps = Vec::new();
    let mut next = Some(tip);
    while let Some(oid) = next {
        if Some(oid) == stop {
            break;
        }
        let step = Step::read(repo, oid)?;
        next = step.parents.first().copied().filter(|_| step.genesis().is_none());
        steps.push(step);
    }
    Ok(steps)
}

/// Where the ledger whose history is `steps` (a [`chain`] read to its end,
/// newest first) begins: its genesis, as the last step; findings if the
/// chain has none, or has another, older genesis before it (a ledger
/// begins once: the newer is the finding).
pub fn beginning(repo: &Repository, steps: &[Step]) -> Result<Result<(Oid, Genesis), Vec<Finding>>, HistoryError> {
    let Some((last, genesis)) = steps.last().and_then(|s| Some((s, s.genesis()?))) else {
        return Ok(Err(vec![no_genesis()]));
    };
    if let Some(parent) = last.parents.first()
        && let Some((older, _)) = crate::change::genesis::find(repo, *parent)?
    {
        return Ok(Err(vec![second_genesis(last.commit, older)]));
    }
    Ok(Ok((last.commit, genesis.clone())))
}

/// A history with no genesis.
pub fn no_genesis() -> Finding {
    Finding::error(
        GENESIS,
        "",
        Pos::START,
        "",
        "the branch has no genesis: no commit on its first-parent history begins the ledger",
        "record one with `rollcall genesis`, once the roll at the branch's tip validates",
    )
}

/// A genesis after another: history is rewritten to begin anew.
pub fn second_genesis(commit: Oid, older: Oid) -> Finding {
    Finding::error(
        GENESIS,
        "",
        Pos::START,
        "",
        format!("a second genesis: the ledger began at {older} already"),
        "a ledger begins once; restore the branch from a trusted copy",
    )
    .in_commit(commit)
}

/// A file's side of a change: its blob and mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Side {
    pub id: Oid,
    pub mode: i32,
    pub kind: Option<ObjectType>,
}

impl Side {
    pub(crate) fn is_regular_file(&self) -> bool {
        self.mode == i32::from(FileMode::Blob) && self.kind == Some(ObjectType::Blob)
    }
}

/// One path a commit added, changed or removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathChange {
    pub path: String,
    pub old: Option<Side>,
    pub new: Option<Side>,
}

/// A tree larger than this is not a ledger's (a flat directory of 100,000
/// members would be 5 MB).
const MAX_TREE_BYTES: usize = 32 * 1024 * 1024;

/// Raw tree objects, read once each: consecutive commits share most of
/// their trees, and reading the raw object is several times cheaper than
/// libgit2's parsed tree.
pub struct Trees<'r> {
    odb: git2::Odb<'r>,
    cache: HashMap<Oid, Rc<[u8]>>,
    cached_bytes: usize,
}

/// What the tree cache may hold.
const MAX_CACHED_BYTES: usize = 64 * 1024 * 1024;
/// `members/<shard>/<id>.yaml` is three levels deep; a ledger's other
/// folders are shallow too. Deeper trees are refused, not recursed into.
const MAX_DEPTH: usize = 16;

impl<'r> Trees<'r> {
    pub fn new(repo: &'r Repository) -> Result<Trees<'r>, HistoryError> {
        Ok(Trees { odb: repo.odb().map_err(HistoryError::from)?, cache: HashMap::new(), cached_bytes: 0 })
    }

    fn read(&mut self, oid: Oid) -> Result<Rc<[u8]>, HistoryError> {
        if let Some(bytes) = self.cache.get(&oid) {
            return Ok(bytes.clone());
        }
        // Trees come from the ledger's own branch, not from a pull request:
        // read first, then refuse what no ledger has.
        let object = self.odb.read(oid).map_err(HistoryError::from)?;
        if object.kind() != ObjectType::Tree || object.len() > MAX_TREE_BYTES {
            return Err(HistoryError(format!("object {oid} is not a tree of a ledger")));
        }
        let bytes: Rc<[u8]> = Rc::from(object.data());
        // Recent trees are the ones asked for again; the rest go.
        if self.cache.len() >= 512 || self.cached_bytes + bytes.len() > MAX_CACHED_BYTES {
            self.cache.clear();
            self.cached_bytes = 0;
        }
        self.cached_bytes += bytes.len();
        self.cache.insert(oid, bytes.clone());
        Ok(bytes)
    }

    /// Every path that differs between two trees, down to the files;
    /// subtrees with the same id are not read.
    pub fn changes(&mut self, old: Option<Oid>, new: Oid) -> Result<Vec<PathChange>, HistoryError> {
        let mut out = Vec::new();
        self.diff("", old, Some(new), &mut out)?;
        Ok(out)
    }

    fn diff(
        &mut self,
        prefix: &str,
        old: Option<Oid>,
        new: Option<Oid>,
        out: &mut Vec<PathChange>,
    ) -> Result<(), HistoryError> {
        if prefix.matches('/').count() > MAX_DEPTH {
            return Err(corrupt(prefix));
        }
        let old = old.map(|o| self.read(o)).transpose()?;
        let new = new.map(|n| self.read(n)).transpose()?;
        let mut olds = Entries { bytes: old.as_deref().unwrap_or_default() }.peekable();
        let mut news = Entries { bytes: new.as_deref().unwrap_or_default() }.peekable();
        // The entry each side had last: a tree's entries must be in git's
        // order, each name once, or two readers could see two different
        // trees in it (libgit2 finds a name by binary search). Entries both
        // sides share were checked when the old tree was the new one.
        let (mut last_old, mut last_new): (Option<RawEntry>, Option<RawEntry>) = (None, None);
        loop {
            // A merge of two sorted lists. A hostile, unsorted tree can only
            // make more entries differ: an entry is skipped only when both
            // sides hold it byte for byte.
            let order = match (olds.peek(), news.peek()) {
                (None, None) => break,
                (Some(o), Some(n)) => match (o, n) {
                    (Ok(o), Ok(n)) if o.raw == n.raw => {
                        last_old = olds.next().and_then(Result::ok);
                        last_new = news.next().and_then(Result::ok);
                        continue;
                    }
                    (Ok(o), Ok(n)) => o.order(n),
                    _ => return Err(corrupt(prefix)),
                },
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
            };
            let (o, n) = match order {
                Ordering::Less => (olds.next(), None),
                Ordering::Greater => (None, news.next()),
                Ordering::Equal => (olds.next(), news.next()),
            };
            let o = o.transpose().map_err(|_| corrupt(prefix))?;
            let n = n.transpose().map_err(|_| corrupt(prefix))?;
            for (last, next) in [(&mut last_old, &o), (&mut last_new, &n)] {
                if let Some(next) = next {
                    if last.as_ref().is_some_and(|l| !l.order(next).is_lt()) {
                        return Err(corrupt(prefix));
                    }
                    *last = Some(RawEntry { ..*next });
                }
            }
            let o = o.map(|e| e.decode(prefix)).transpose()?;
            let n = n.map(|e| e.decode(prefix)).transpose()?;
            let name = o.as_ref().or(n.as_ref()).map(|(name, _)| *name).unwrap_or_default();
            let path = format!("{prefix}{}", String::from_utf8_lossy(name));
            let subtree = |e: &Option<(&[u8], Side)>| {
                e.as_ref().filter(|(_, s)| s.kind == Some(ObjectType::Tree)).map(|(_, s)| s.id)
            };
            let (old_tree, new_tree) = (subtree(&o), subtree(&n));
            if old_tree.is_some() || new_tree.is_some() {
                self.diff(&format!("{path}/"), old_tree, new_tree, out)?;
            }
            let leaf = |e: &Option<(&[u8], Side)>| {
                e.as_ref().filter(|(_, s)| s.kind != Some(ObjectType::Tree)).map(|(_, s)| *s)
            };
            let (old_leaf, new_leaf) = (leaf(&o), leaf(&n));
            if old_leaf.is_some() || new_leaf.is_some() {
                out.push(PathChange { path, old: old_leaf, new: new_leaf });
            }
        }
        Ok(())
    }
}

fn corrupt(prefix: &str) -> HistoryError {
    HistoryError(format!("a tree at {:?} is corrupt", if prefix.is_empty() { "/" } else { prefix }))
}

/// One entry of a raw tree object: `<octal mode> <name>\0<20-byte id>`,
/// compared as bytes and decoded only where two trees differ.
struct RawEntry<'b> {
    raw: &'b [u8],
    space: usize,
    nul: usize,
}

impl<'b> RawEntry<'b> {
    fn name(&self) -> &'b [u8] {
        &self.raw[self.space + 1..self.nul]
    }

    fn is_tree(&self) -> bool {
        &self.raw[..self.space] == b"40000"
    }

    /// Git sorts a tree's entries by name, a subtree's as if it ended in `/`.
    fn order(&self, other: &RawEntry<'b>) -> Ordering {
        let key = |e: &RawEntry<'b>| e.name().iter().copied().chain(e.is_tree().then_some(b'/'));
        match self.name().cmp(other.name()) {
            Ordering::Equal if self.is_tree() == other.is_tree() => Ordering::Equal,
            _ => key(self).cmp(key(other)),
        }
    }

    /// The entry's name and side, if its mode is one git writes and its
    /// name one path segment.
    fn decode(&self, prefix: &str) -> Result<(&'b [u8], Side), HistoryError> {
        let mode = match &self.raw[..self.space] {
            b"40000" => 0o040000,
            b"100644" => 0o100644,
            b"100755" => 0o100755,
            b"120000" => 0o120000,
            b"160000" => 0o160000,
            _ => return Err(corrupt(prefix)),
        };
        let name = self.name();
        if name == b"." || name == b".." || name.contains(&b'/') {
            return Err(corrupt(prefix));
        }
        let id = Oid::from_bytes(&self.raw[self.nul + 1..]).map_err(|_| corrupt(prefix))?;
        let kind = match mode {
            0o040000 => ObjectType::Tree,
            0o160000 => ObjectType::Commit,
            _ => ObjectType::Blob,
        };
        Ok((self.name(), Side { id, mode, kind: Some(kind) }))
    }
}

struct Entries<'b> {
    bytes: &'b [u8],
}

impl<'b> Iterator for Entries<'b> {
    /// `Err` for a tree that does not parse; nothing follows it.
    type Item = Result<RawEntry<'b>, ()>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.bytes.is_empty() {
            return None;
        }
        let bytes = std::mem::take(&mut self.bytes);
        let space = bytes.iter().position(|b| *b == b' ');
        let nul = space.and_then(|s| bytes[s..].iter().position(|b| *b == 0).map(|n| n + s));
        match (space, nul) {
            (Some(space), Some(nul)) if space > 0 && nul > space + 1 && bytes.len() >= nul + 21 => {
                self.bytes = &bytes[nul + 21..];
                Some(Ok(RawEntry { raw: &bytes[..nul + 21], space, nul }))
            }
            _ => Some(Err(())),
        }
    }
}

/// Commits whose change was checked against what they say, remembered in
/// the repository (`.git/rollcall-checked`): a commit's id fixes its tree
/// and its parent's, so a check passed once holds for good, and `log` need
/// not read 100,000 commits' trees again. `verify` never trusts it; it
/// checks everything and records what passed.
pub(crate) struct Checked {
    path: std::path::PathBuf,
    known: HashSet<Oid>,
    added: usize,
}

const CHECKED_FILE: &str = "rollcall-checked";
const CHECKED_HEADER: &[u8] = b"rollcall checked commits v1\n";
/// Room for 3 million commits; a larger file is not rollcall's and is ignored.
const MAX_CHECKED_BYTES: u64 = 64 * 1024 * 1024;

impl Checked {
    /// What the repository remembers; nothing if the file is missing or not rollcall's.
    pub fn open(repo: &Repository) -> Checked {
        let path = repo.path().join(CHECKED_FILE);
        let bytes = crate::util::read_remembered(&path, MAX_CHECKED_BYTES);
        let known = bytes
            .strip_prefix(CHECKED_HEADER)
            .filter(|ids| ids.len() % 20 == 0)
            .map(|ids| ids.chunks_exact(20).filter_map(|id| Oid::from_bytes(id).ok()).collect())
            .unwrap_or_default();
        Checked { path, known, added: 0 }
    }

    pub fn contains(&self, commit: Oid) -> bool {
        self.known.contains(&commit)
    }

    pub fn add(&mut self, commit: Oid) {
        self.added += usize::from(self.known.insert(commit));
    }

    /// Writes what is known, if anything was added. A repository rollcall
    /// may not write to (a read-only checkout) is only not remembered.
    pub(crate) fn save(&self) {
        if self.added == 0 {
            return;
        }
        let mut ids: Vec<&Oid> = self.known.iter().collect();
        ids.sort();
        let mut bytes = CHECKED_HEADER.to_vec();
        ids.iter().for_each(|id| bytes.extend_from_slice(id.as_bytes()));
        let _ = crate::util::atomic::write(&self.path, &bytes);
    }
}

/// What the steps at positions `wanted` of `steps` (a chain down to the
/// root, newest first) changed against their first parents, on every core.
pub(crate) fn changes_of(
    repo: &Repository,
    steps: &[Step],
    wanted: &[usize],
) -> Result<Vec<Vec<PathChange>>, HistoryError> {
    // Chunks of neighbouring steps, so that each worker reads a tree once
    // for the commit that has it and again, from its cache, for the child.
    let chunks: Vec<&[usize]> = wanted.chunks(256).collect();
    let path = repo.path().to_path_buf();
    /// Each worker's repository, and the chunks it did by their first position.
    type Worker = (Repository, Vec<(usize, Vec<Vec<PathChange>>)>);
    let parts = crate::util::parallel::for_each(
        &chunks,
        || Ok::<_, HistoryError>((Repository::open(&path).map_err(HistoryError::from)?, Vec::new())),
        |(repo, done): &mut Worker, chunk| {
            let mut trees = Trees::new(repo)?;
            let mut changes = Vec::with_capacity(chunk.len());
            for &i in *chunk {
                let parent = steps.get(i + 1).map(|p| p.tree);
                changes.push(trees.changes(parent, steps[i].tree)?);
            }
            done.push((chunk[0], changes));
            Ok(())
        },
    )?;
    let mut done: Vec<(usize, Vec<Vec<PathChange>>)> = parts.into_iter().flat_map(|(_, done)| done).collect();
    done.sort_by_key(|(first, _)| *first);
    Ok(done.into_iter().flat_map(|(_, changes)| changes).collect())
}

/// Every file under `members/` at `tree` (symbolic links and the like
/// included: they are part of the state), with its side.
pub(crate) fn member_files(repo: &Repository, tree: Oid) -> Result<Vec<(String, Side)>, HistoryError> {
    let root = repo.find_tree(tree).map_err(HistoryError::from)?;
    let Some(members) = root.get_name(MEMBERS_DIR).map(|e| e.id()) else { return Ok(Vec::new()) };
    let changes = Trees::new(repo)?.changes(None, members)?;
    Ok(changes.into_iter().filter_map(|c| c.new.map(|n| (format!("{MEMBERS_DIR}/{}", c.path), n))).collect())
}

/// Whether a commit changed exactly what its event says: the event's member
/// file and nothing else but the roll's index. The member file's change,
/// or why the commit is not that event.
pub(crate) fn event_change<'c>(event: &Event, changes: &'c [PathChange]) -> Result<&'c PathChange, String> {
    if event.file != member_path(&event.member) {
        return Err(format!("the event names member {} but file {}", event.member, event.file));
    }
    let member_changes: Vec<&PathChange> = changes.iter().filter(|c| is_under_members(&c.path)).collect();
    let change = match member_changes.as_slice() {
        [] => return Err(format!("the commit does not change {}", event.file)),
        [one] if one.path == event.file => *one,
        more => {
            let other = more.iter().find(|c| c.path != event.file).map_or("", |c| c.path.as_str());
            return Err(format!("the commit changes {other} besides, or instead of, {}", event.file));
        }
    };
    let index = |path: &str| path == INDEX_FILE || crate::roll::sharded::is_under_index(path);
    if let Some(other) = changes.iter().find(|c| !is_under_members(&c.path) && !index(&c.path)) {
        return Err(format!("an event changes only its member file, but the commit also changes {}", other.path));
    }
    match (&change.old, &change.new, event.kind) {
        (_, None, _) => Err(format!("the commit deletes {}", event.file)),
        (_, Some(new), _) if !new.is_regular_file() => {
            Err(format!("{} is not a regular file in the commit", event.file))
        }
        (Some(_), _, Kind::Admit) => Err(format!("an admission adds {}, which the roll already had", event.file)),
        (None, _, kind) if kind != Kind::Admit => {
            Err(format!("a {} event changes an existing member, but the commit adds {}", kind.as_str(), event.file))
        }
        _ => Ok(change),
    }
}
