//! Writing ledger events onto a branch.
//!
//! An event is one single-parent commit on top of the branch's tip that
//! changes one member file and, when the roll's split index is current,
//! the few index files that member is filed in (`roll::sharded::update`):
//! a few kilobytes, at any size of the roll.
//! Its objects are written first; the branch then moves with a
//! compare-and-swap on the tip the event was judged against. A process
//! killed at any point leaves the branch before or after the event, never
//! between: the objects of an event that never landed are unreachable and
//! `git gc` removes them. A lost race is reported, never retried blindly:
//! the caller re-judges against the new tip.
//!
//! Between writing the commit and moving the branch, the commit passes a
//! [`Gate`]: `verify`'s own judgement of that commit on top of the tip. An
//! event the gate refuses is never reachable; its objects are left for `git
//! gc` like those of a lost race.

use crate::change::amendment::Amendment;
use crate::change::event::Event;
use crate::change::genesis::Genesis;
use crate::change::sign::Signer;
use crate::finding::Finding;
use crate::roll::sharded;
use git2::{ErrorCode, FileMode, Oid, Repository, Signature, Tree};

#[derive(Debug)]
pub enum LedgerError {
    /// The branch moved since the event was judged.
    Moved,
    Git(String),
    Sign(String),
    /// The gate refused the commit: what `verify` would find in it.
    Refused(Vec<Finding>),
}

/// Judges `commit`, a child of `tip`, as `verify` would judge it once it
/// lands: its findings (none if it would verify), or why it could not be
/// judged. The change layer cannot reach `verify` (it sits above), so
/// whoever records events supplies it; see `change::merge`.
pub type Gate = fn(
    repo: &Repository,
    tip: Oid,
    commit: Oid,
    skip: &std::collections::BTreeSet<String>,
) -> Result<Vec<Finding>, String>;

impl std::fmt::Display for LedgerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LedgerError::Moved => f.write_str("the branch moved while the event was being written"),
            LedgerError::Git(m) | LedgerError::Sign(m) => f.write_str(m),
            LedgerError::Refused(findings) => {
                write!(f, "verify would refuse the event: {}", findings.first().map_or("", |f| f.message.as_str()))
            }
        }
    }
}

impl From<git2::Error> for LedgerError {
    fn from(e: git2::Error) -> LedgerError {
        LedgerError::Git(crate::util::git_message(&e))
    }
}

/// The branch a ledger's events go on, and its tip.
pub struct Branch {
    pub name: String,
    pub tip: Oid,
}

impl Branch {
    pub fn open(repo: &Repository, name: &str) -> Result<Branch, LedgerError> {
        let reference = repo
            .find_reference(&format!("refs/heads/{name}"))
            .map_err(|e| LedgerError::Git(format!("no branch {name:?}: {}", e.message())))?;
        let tip = reference.peel_to_commit().map_err(LedgerError::from)?.id();
        Ok(Branch { name: name.to_owned(), tip })
    }

    fn refname(&self) -> String {
        format!("refs/heads/{}", self.name)
    }
}

/// One event ready to be written: the member file's new bytes.
pub struct Draft<'a> {
    pub event: &'a Event,
    pub bytes: &'a [u8],
}

/// The most recent event on the first-parent history of `tip`, or the
/// genesis if no event follows it: what the next event names as the event
/// before it. `None` on a branch with neither.
pub fn previous_event(repo: &Repository, tip: Oid) -> Result<Option<Oid>, LedgerError> {
    let mut commit = repo.find_commit(tip).map_err(LedgerError::from)?;
    loop {
        let message = commit.message().ok();
        if message.is_some_and(|m| {
            Event::parse(m).is_some()
                || Genesis::parse(m).is_some()
                || Amendment::parse(m).is_some()
                || crate::election::event::ElectionEvent::parse(m).is_some()
        }) {
            return Ok(Some(commit.id()));
        }
        match commit.parent(0) {
            Ok(parent) => commit = parent,
            Err(_) => return Ok(None),
        }
    }
}

/// How an event is let through: the gate, and the rules `verify` is told
/// the events were recorded without (`--skip`).
pub struct Admission<'a> {
    pub gate: Gate,
    pub skip: &'a std::collections::BTreeSet<String>,
}

/// Writes `draft` as a commit on `branch`, has `admission`'s gate judge it,
/// and moves the branch to it if, and only if, the gate finds nothing and
/// the branch still points at `branch.tip`.
pub fn record(
    repo: &Repository,
    branch: &Branch,
    draft: &Draft,
    signer: Option<&Signer>,
    admission: &Admission,
) -> Result<Oid, LedgerError> {
    let parent = repo.find_commit(branch.tip).map_err(LedgerError::from)?;
    let root = parent.tree().map_err(LedgerError::from)?;
    let blob = repo.blob(draft.bytes).map_err(LedgerError::from)?;
    let file = draft.event.file.as_str();
    let mut tree = replace(repo, &root, file, Some(blob))?;
    let members =
        tree.get_path(std::path::Path::new(crate::roll::layout::MEMBERS_DIR)).map_err(LedgerError::from)?.id();
    let rewrites = sharded::update(repo, &root, file, blob, members).map_err(|e| LedgerError::Git(e.to_string()))?;
    for (path, bytes) in rewrites.unwrap_or_default() {
        let blob = bytes.map(|b| repo.blob(&b)).transpose().map_err(LedgerError::from)?;
        tree = replace(repo, &tree, &path, blob)?;
    }
    let message = draft.event.message();
    let commit = write_commit(repo, &message, tree.id(), &[&parent], signer)?;
    let found = (admission.gate)(repo, branch.tip, commit, admission.skip).map_err(LedgerError::Git)?;
    if !found.is_empty() {
        return Err(LedgerError::Refused(found));
    }
    advance(repo, branch, commit, &message)?;
    Ok(commit)
}

/// Writes a commit object (signed if `signer` is given) without moving
/// any branch: unreachable until a branch is moved to it.
pub(crate) fn write_commit(
    repo: &Repository,
    message: &str,
    tree: Oid,
    parents: &[&git2::Commit],
    signer: Option<&Signer>,
) -> Result<Oid, LedgerError> {
    let tree = repo.find_tree(tree).map_err(LedgerError::from)?;
    let signature = committer(repo)?;
    let content =
        repo.commit_create_buffer(&signature, &signature, message, &tree, parents).map_err(LedgerError::from)?;
    let content = content.as_str().map_err(|_| LedgerError::Git("the commit is not UTF-8".to_owned()))?;
    match signer {
        Some(signer) => {
            let armoured = signer.sign(content.as_bytes()).map_err(LedgerError::Sign)?;
            repo.commit_signed(content, &armoured, Some("gpgsig")).map_err(LedgerError::from)
        }
        None => repo
            .odb()
            .and_then(|odb| odb.write(git2::ObjectType::Commit, content.as_bytes()))
            .map_err(LedgerError::from),
    }
}

/// Moves `branch` to `commit` if, and only if, it still points at
/// `branch.tip`, under the writers' lock.
pub(crate) fn advance(repo: &Repository, branch: &Branch, commit: Oid, message: &str) -> Result<(), LedgerError> {
    let _writer = WriterLock::acquire(repo)?;
    clear_dead_lock(repo, branch)?;
    let log = format!("rollcall: {}", message.lines().next().unwrap_or_default());
    match repo.reference_matching(&branch.refname(), commit, true, branch.tip, &log) {
        Ok(_) => Ok(()),
        Err(e) if matches!(e.code(), ErrorCode::Modified | ErrorCode::Locked | ErrorCode::NotFound) => {
            Err(LedgerError::Moved)
        }
        Err(e) => Err(e.into()),
    }
}

/// `root` with the regular file at `path` set to `blob` (`None`: removed,
/// and any folder it leaves empty), every tree on the way rewritten and the
/// rest shared.
fn replace<'r>(repo: &'r Repository, root: &Tree, path: &str, blob: Option<Oid>) -> Result<Tree<'r>, LedgerError> {
    /// The tree's new id, `None` once it is empty (git holds no empty folder).
    fn go(
        repo: &Repository,
        tree: Option<&Tree>,
        parts: &[&str],
        blob: Option<Oid>,
    ) -> Result<Option<Oid>, LedgerError> {
        let mut builder = repo.treebuilder(tree).map_err(LedgerError::from)?;
        match parts {
            [name] => match blob {
                Some(blob) => {
                    builder.insert(name, blob, FileMode::Blob.into()).map_err(LedgerError::from)?;
                }
                None if builder.get(name).map_err(LedgerError::from)?.is_some() => {
                    builder.remove(name).map_err(LedgerError::from)?;
                }
                None => {}
            },
            [name, rest @ ..] => {
                let sub = match tree.and_then(|t| t.get_name(name)) {
                    Some(entry) if entry.kind() == Some(git2::ObjectType::Tree) => {
                        Some(repo.find_tree(entry.id()).map_err(LedgerError::from)?)
                    }
                    _ => None,
                };
                match go(repo, sub.as_ref(), rest, blob)? {
                    Some(sub) => {
                        builder.insert(name, sub, FileMode::Tree.into()).map_err(LedgerError::from)?;
                    }
                    None if builder.get(name).map_err(LedgerError::from)?.is_some() => {
                        builder.remove(name).map_err(LedgerError::from)?;
                    }
                    None => {}
                }
            }
            [] => return Err(LedgerError::Git("an empty path".to_owned())),
        }
        if builder.is_empty() { Ok(None) } else { builder.write().map(Some).map_err(LedgerError::from) }
    }
    let parts: Vec<&str> = path.split('/').collect();
    let oid = match go(repo, Some(root), &parts, blob)? {
        Some(oid) => oid,
        None => repo.treebuilder(None).and_then(|b| b.write()).map_err(LedgerError::from)?,
    };
    repo.find_tree(oid).map_err(LedgerError::from)
}

/// Who commits events: the repository's configured identity, or rollcall.
fn committer(repo: &Repository) -> Result<Signature<'static>, LedgerError> {
    repo.signature().or_else(|_| Signature::now("rollcall", "rollcall@localhost")).map_err(LedgerError::from)
}

/// Whether `branch` is the checked-out branch of the repository at `dir`
/// (then recording an event leaves the checkout behind).
pub fn branch_is_checked_out(dir: &std::path::Path, branch: &str) -> bool {
    let Ok(repo) = Repository::open(dir) else { return false };
    Branch::open(&repo, branch).is_ok_and(|b| is_checked_out(&repo, &b))
}

/// Whether `branch` is checked out in the repository's work tree: the
/// event moved the branch, not the files, and that checkout now lags.
pub(crate) fn is_checked_out(repo: &Repository, branch: &Branch) -> bool {
    !repo.is_bare() && repo.head().is_ok_and(|h| h.name().is_ok_and(|n| n == branch.refname()))
}

/// Serializes rollcall's writers on one repository: an advisory lock the
/// kernel releases when its holder dies, however it dies.
struct WriterLock {
    _held: std::fs::File,
}

impl WriterLock {
    fn acquire(repo: &Repository) -> Result<WriterLock, LedgerError> {
        use std::os::fd::AsRawFd;
        let io = |e: std::io::Error| LedgerError::Git(format!("cannot lock the repository for writing: {e}"));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(repo.path().join("rollcall-writers"))
            .map_err(io)?;
        // SAFETY: flock on a descriptor this struct owns; released on close.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(io(std::io::Error::last_os_error()));
        }
        Ok(WriterLock { _held: file })
    }
}

/// A process killed while git's lock on the branch was taken leaves the
/// lock file behind, and the branch could never move again. Holding the
/// writers' lock, a branch lock that no live process has open is such a
/// leftover, and goes.
fn clear_dead_lock(repo: &Repository, branch: &Branch) -> Result<(), LedgerError> {
    let lock = repo.path().join(format!("{}.lock", branch.refname()));
    if lock.exists() && !is_open_anywhere(&lock) {
        std::fs::remove_file(&lock).map_err(|e| LedgerError::Git(format!("cannot remove {}: {e}", lock.display())))?;
    }
    Ok(())
}

/// Whether any process has `path` open (Linux: every process's /proc/PID/fd).
fn is_open_anywhere(path: &std::path::Path) -> bool {
    let Ok(target) = path.canonicalize() else { return false };
    let Ok(processes) = std::fs::read_dir("/proc") else { return true };
    processes.filter_map(Result::ok).any(|process| {
        std::fs::read_dir(process.path().join("fd"))
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|link| link == target))
    })
}
