//! The genesis: the commit a ledger's history begins at. Its message
//! records, in trailers parsed as strictly as an event's, that the ledger
//! begins there, on which date, and how many member files its roll holds;
//! its tree is the roll the ledger starts with, which must validate whole.
//! The commits before it (a software project's development history, say)
//! are not the ledger's and are never judged.
//!
//! `rollcall genesis` records one on top of a branch ([`record`]);
//! `rollcall init` writes one as a new ledger's first commit ([`write_root`]).

use crate::change::ledger::{self, Branch, LedgerError};
use crate::change::sign::Signer;
use crate::finding::{Finding, Pos};
use crate::roll::config::{self, ConfigError};
use crate::roll::layout::MEMBERS_DIR;
use crate::roll::mirrors::MirrorCheck;
use crate::roll::rules::names::history::GENESIS;
use crate::roll::source::Source;
use crate::roll::validate::{self, Options};
use git2::{Oid, Repository};
use jiff::civil::Date;
use std::collections::BTreeSet;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Genesis {
    /// How many files the genesis tree holds under `members/`.
    pub members: u64,
    /// The day the ledger begins: no event is dated before it.
    pub date: Date,
}

const EVENT: &str = "Rollcall-Event";
const MEMBERS: &str = "Rollcall-Members";
const DATE: &str = "Rollcall-Date";

impl Genesis {
    /// The commit message: a subject for people, then the trailers.
    pub fn message(&self) -> String {
        let s = if self.members == 1 { "" } else { "s" };
        format!(
            "Genesis of the ledger: {} member{s}\n\n{EVENT}: genesis\n{MEMBERS}: {}\n{DATE}: {}\n",
            self.members, self.members, self.date
        )
    }

    /// The genesis a commit message records; `None` if it records none, or
    /// if it is not exactly what `message` writes.
    pub fn parse(message: &str) -> Option<Genesis> {
        let (_, trailers) = message.split_once("\n\n")?;
        let mut lines = trailers.lines().map(|l| l.split_once(": "));
        let mut take = |key: &str| lines.next().flatten().filter(|(k, _)| *k == key).map(|(_, v)| v);
        if take(EVENT)? != "genesis" {
            return None;
        }
        let members = take(MEMBERS)?;
        let members = members.parse().ok().filter(|n: &u64| n.to_string() == members)?;
        let date = take(DATE)?;
        let date = date.parse().ok().filter(|d: &Date| d.to_string() == date)?;
        let genesis = Genesis { members, date };
        (lines.next().is_none() && genesis.message() == message).then_some(genesis)
    }
}

/// How many files `tree` holds under `members/` (whatever they are: the
/// roll's validation judges them).
pub fn member_count(repo: &Repository, tree: Oid) -> Result<u64, git2::Error> {
    let root = repo.find_tree(tree)?;
    let Some(entry) = root.get_name(MEMBERS_DIR) else { return Ok(0) };
    let Ok(members) = repo.find_tree(entry.id()) else { return Ok(0) };
    let mut count = 0;
    members.walk(git2::TreeWalkMode::PreOrder, |_, e| {
        count += u64::from(e.kind() != Some(git2::ObjectType::Tree));
        git2::TreeWalkResult::Ok
    })?;
    Ok(count)
}

/// The genesis on the first-parent history of `tip`, newest first, if any.
pub fn find(repo: &Repository, tip: Oid) -> Result<Option<(Oid, Genesis)>, git2::Error> {
    let mut commit = repo.find_commit(tip)?;
    loop {
        if let Some(genesis) = commit.message().ok().and_then(Genesis::parse) {
            return Ok(Some((commit.id(), genesis)));
        }
        match commit.parent(0) {
            Ok(parent) => commit = parent,
            Err(_) => return Ok(None),
        }
    }
}

/// Why no genesis was recorded.
#[derive(Debug)]
pub enum GenesisError {
    /// The roll does not validate, or the branch has a genesis already.
    Refused(Vec<Finding>),
    Ledger(LedgerError),
}

impl From<LedgerError> for GenesisError {
    fn from(e: LedgerError) -> GenesisError {
        GenesisError::Ledger(e)
    }
}

impl From<git2::Error> for GenesisError {
    fn from(e: git2::Error) -> GenesisError {
        GenesisError::Ledger(e.into())
    }
}

/// The roll at `tree`, validated whole under its own rules on `date`: its
/// error findings, and how many member files it holds.
pub fn judge(repo: &Repository, tree: Oid, date: Date) -> Result<(Vec<Finding>, u64), GenesisError> {
    let source = Source::Git { repo: repo.path().to_path_buf(), tree };
    let config = match config::load(&source) {
        Ok(config) => config,
        Err(ConfigError::Invalid(findings)) => return Ok((findings, 0)),
        Err(ConfigError::Source(e)) => return Err(GenesisError::Ledger(LedgerError::Git(e.to_string()))),
    };
    let options = Options { as_of: date, skip: BTreeSet::new(), mirrors: MirrorCheck::Off };
    let validated = validate::validate_with(&source, &config, &options)
        .map_err(|e| GenesisError::Ledger(LedgerError::Git(e.to_string())))?;
    let findings = validated.findings.into_iter().filter(Finding::is_error).collect();
    Ok((findings, member_count(repo, tree)?))
}

/// Records the genesis of the ledger on `branch`: a commit with the tip's
/// tree, if the roll there validates whole and the branch has no genesis
/// yet. The branch moves as an event's does: a compare-and-swap on the tip,
/// under the writers' lock. Signed if `signer` is given; the caller decides
/// whether the policy requires it ([`signing_required`]).
pub fn record(
    repo: &Repository,
    branch: &Branch,
    date: Date,
    signer: Option<&Signer>,
) -> Result<(Oid, Genesis), GenesisError> {
    if let Some((commit, genesis)) = find(repo, branch.tip)? {
        return Err(GenesisError::Refused(vec![
            Finding::error(
                GENESIS,
                "",
                Pos::START,
                "",
                format!("the branch {} has its genesis already, dated {}", branch.name, genesis.date),
                "a ledger begins once: its history is read from that genesis on",
            )
            .in_commit(commit),
        ]));
    }
    let tip = repo.find_commit(branch.tip)?;
    let (findings, members) = judge(repo, tip.tree_id(), date)?;
    if !findings.is_empty() {
        return Err(GenesisError::Refused(findings));
    }
    if signing_required(repo, tip.tree_id()) && signer.is_none() {
        return Err(GenesisError::Ledger(LedgerError::Sign(
            "the policy requires signed events: give --sign KEY".to_owned(),
        )));
    }
    let genesis = Genesis { members, date };
    let commit = ledger::write_commit(repo, &genesis.message(), tip.tree_id(), &[&tip], signer)?;
    ledger::advance(repo, branch, commit, &genesis.message())?;
    Ok((commit, genesis))
}

/// Whether the policy at `tree` requires signed events (and so a signed genesis).
pub fn signing_required(repo: &Repository, tree: Oid) -> bool {
    config::load(&Source::Git { repo: repo.path().to_path_buf(), tree })
        .is_ok_and(|config| config.policy.policy.signed_events)
}

/// Writes the genesis of a new ledger: a commit with no parent holding
/// `tree`, whose member files it counts. No branch moves; the caller
/// points one at it.
pub fn write_root(repo: &Repository, tree: Oid, date: Date, signer: Option<&Signer>) -> Result<Oid, LedgerError> {
    let members = member_count(repo, tree)?;
    ledger::write_commit(repo, &Genesis { members, date }.message(), tree, &[], signer)
}
