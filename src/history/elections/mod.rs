//! Election events, judged and recorded: opening an election, a
//! nomination, its acceptance, and the certified result. One judgement
//! ([`judge`]) serves `check-pr`, the recording commands and `verify`, so
//! whatever is accepted verifies with the same rule at the same severity.
//!
//! Certification commits the published ballots and the result, and seats
//! the winners on the board in the same commit (the directors the election
//! `replaces` leave it): `verify` re-counts the committed ballots, checks
//! their weights against the electorate of the cut-off date and that no
//! credential counts twice, and that the board changed exactly so.
//!
//! Here: reading an election's state at a tree, and the judgement of each
//! step; [`result`]: the count, the result file and the board it seats;
//! [`record`]: a pull request read as an election change, `check-pr` of
//! it, and recording events under merge's guarantees.

mod record;
mod result;

pub use record::{Judged, Outcome, Proposal, Request, certify, judge_pr, record};
use result::judge_certify;
pub use result::result_at;

use super::HistoryError;
use super::electorate::Electorates;
use crate::change::amendment;
use crate::change::approval::Approver;
use crate::change::ledger::{self, Branch, Gate, LedgerError};
use crate::change::merge::MergeError;
use crate::change::sign::Signer;
use crate::election::ballot_box::{self, PUBLISHED_FILE};
use crate::election::blt;
use crate::election::electorate::Electorate;
use crate::election::event::{ElectionEvent, Signed, Step};
use crate::election::file::{self, Election};
use crate::election::nomination::{self, Account, Facts, Nomination};
use crate::election::{Tally, meek, tie_order};
use crate::finding::{Finding, Pos, quoted};
use crate::roll::config::{self, Config, ConfigError};
use crate::roll::mirrors::MirrorCheck;
use crate::roll::policy::{POLICY_FILE, Policy};
use crate::roll::rules::names::election::*;
use crate::roll::rules::names::nomination::NOMINATION_FILE;
use crate::roll::source::Source;
use crate::roll::validate::{self, Options};
use crate::roll::yaml::Spans;
use crate::util::blob::{Capped, read_capped};
use git2::build::TreeUpdateBuilder;
use git2::{FileMode, ObjectType, Oid, Repository, TreeEntry};
use jiff::civil::Date;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::rc::Rc;

/// The certified result's name in the election's folder.
pub const RESULT_FILE: &str = "result.json";
/// A BLT file of a voting service, as certified.
pub const BLT_FILE: &str = "ballots.blt";
/// The largest ballot file read from the ledger.
const MAX_BALLOTS_BYTES: u64 = 256 * 1024 * 1024;

type Verdict = Result<(), Vec<Finding>>;

fn error(rule: &'static str, file: &str, message: String, help: &str) -> Finding {
    Finding::error(rule, file, Pos::START, "", message, help)
}

fn git(e: git2::Error) -> HistoryError {
    HistoryError::from(e)
}

/// The bytes at `path` in `tree`, if it is a regular file of at most `max` bytes.
fn read(repo: &Repository, tree: Oid, path: &str, max: u64) -> Result<Option<Vec<u8>>, HistoryError> {
    let tree = repo.find_tree(tree).map_err(git)?;
    let Ok(entry) = tree.get_path(Path::new(path)) else { return Ok(None) };
    if !is_regular_file(&entry) {
        return Ok(None);
    }
    read_blob(repo, entry.id(), max)
}

/// Whether a tree entry is a regular (not executable, not linked) file.
fn is_regular_file(entry: &TreeEntry) -> bool {
    entry.kind() == Some(ObjectType::Blob) && entry.filemode() == i32::from(FileMode::Blob)
}

/// The bytes of blob `id`, if it is at most `max` bytes.
fn read_blob(repo: &Repository, id: Oid, max: u64) -> Result<Option<Vec<u8>>, HistoryError> {
    let odb = repo.odb().map_err(git)?;
    Ok(match read_capped(&odb, id, max).map_err(git)? {
        Capped::Read(object) => Some(object.data().to_vec()),
        Capped::TooLarge(_) => None,
    })
}

/// Every path that differs between two trees, with whether it was added,
/// changed or deleted.
fn changes(repo: &Repository, old: Oid, new: Oid) -> Result<Vec<(String, git2::Delta)>, HistoryError> {
    let (old, new) = (repo.find_tree(old).map_err(git)?, repo.find_tree(new).map_err(git)?);
    let diff = repo.diff_tree_to_tree(Some(&old), Some(&new), None).map_err(git)?;
    Ok(diff
        .deltas()
        .filter_map(|d| {
            let path = d.new_file().path().or(d.old_file().path())?;
            Some((path.to_string_lossy().into_owned(), d.status()))
        })
        .collect())
}

fn load_config(repo: &Repository, tree: Oid) -> Result<Result<Config, Vec<Finding>>, HistoryError> {
    match config::load(&Source::at(repo, tree)) {
        Ok(config) => Ok(Ok(config)),
        Err(ConfigError::Invalid(findings)) => Ok(Err(findings)),
        Err(ConfigError::Source(e)) => Err(HistoryError(e.to_string())),
    }
}

/// The election `id` as defined at `tree`.
pub fn election_at(
    repo: &Repository,
    tree: Oid,
    id: &str,
    policy: &Policy,
) -> Result<Result<Election, Vec<Finding>>, HistoryError> {
    let path = file::path(id);
    match read(repo, tree, &path, crate::roll::yaml::MEMBER_LIMITS.max_bytes)? {
        Some(bytes) => Ok(file::parse(&path, &bytes, policy.board.max_directors)),
        None => Ok(Err(vec![error(
            ELECTION_SCOPE,
            &path,
            format!("there is no election {} in the ledger", quoted(id)),
            "an election is opened first (`rollcall election open`), by the election committee",
        )])),
    }
}

/// Where the fields of election `id`'s file at `tree` are, for a finding
/// that points at one of them (none known if the file is not there).
pub fn election_spans(repo: &Repository, tree: Oid, id: &str) -> Result<Spans, HistoryError> {
    let path = file::path(id);
    let bytes = read(repo, tree, &path, crate::roll::yaml::MEMBER_LIMITS.max_bytes)?;
    Ok(bytes.map(|bytes| file::spans(&path, &bytes)).unwrap_or_default())
}

/// The nominations of election `id` at `tree`, in file order; a file that
/// does not read is left out (it could not have been recorded).
pub fn nominations_at(repo: &Repository, tree: Oid, id: &str) -> Result<Vec<Nomination>, HistoryError> {
    let read = Nominations::default().at(repo, tree, id)?;
    Ok(read.into_iter().map(Rc::unwrap_or_clone).collect())
}

/// The nomination files one replay of history has read, by path and blob
/// id, so that judging a nomination reads only the files no earlier event
/// read rather than every one recorded before it. A blob id names its
/// bytes, so a file rewritten (a new blob id) is read again; the path is
/// part of the key because a nomination knows the file it was read from.
#[derive(Default)]
pub struct Nominations {
    /// Each file read, parsed; none for one that does not read.
    read: HashMap<(String, Oid), Option<Rc<Nomination>>>,
}

impl Nominations {
    /// The nominations of election `id` at `tree`, exactly as
    /// [`nominations_at`] reads them: in file order, a file that does not
    /// read left out.
    pub fn at(&mut self, repo: &Repository, tree: Oid, id: &str) -> Result<Vec<Rc<Nomination>>, HistoryError> {
        let folder = format!("{}/{}", file::folder(id), file::NOMINATIONS_DIR);
        let root = repo.find_tree(tree).map_err(git)?;
        let Ok(entry) = root.get_path(Path::new(&folder)) else { return Ok(Vec::new()) };
        let Ok(dir) = repo.find_tree(entry.id()) else { return Ok(Vec::new()) };
        let mut out = Vec::new();
        for item in dir.iter().filter(is_regular_file) {
            let Ok(name) = item.name() else { continue };
            let key = (format!("{folder}/{name}"), item.id());
            let parsed = match self.read.get(&key) {
                Some(parsed) => parsed.clone(),
                None => {
                    let parsed = parse_nomination(repo, &key.0, key.1)?;
                    self.read.insert(key, parsed.clone());
                    parsed
                }
            };
            out.extend(parsed);
        }
        Ok(out)
    }
}

/// The nomination in blob `id` at `path`, if it reads.
fn parse_nomination(repo: &Repository, path: &str, id: Oid) -> Result<Option<Rc<Nomination>>, HistoryError> {
    let bytes = read_blob(repo, id, crate::roll::yaml::MEMBER_LIMITS.max_bytes)?;
    Ok(bytes.and_then(|bytes| nomination::parse(path, &bytes).ok()).map(Rc::new))
}

/// What one replay of history has read of its elections, kept so that
/// each event reads again only what changed since.
#[derive(Default)]
pub struct Memo {
    electorates: Electorates,
    nominations: Nominations,
}

/// The candidates of an election: its accepted nominees' logins, sorted.
pub fn candidates(nominations: &[Nomination]) -> Vec<String> {
    let mut out: Vec<String> =
        nominations.iter().filter(|n| n.accepted).map(|n| n.nominee.github.to_ascii_lowercase()).collect();
    out.sort();
    out
}

/// The approvals of an election event: election committee members of the
/// policy in force, each once, a majority of the committee.
fn judge_approvals(policy: &Policy, approvers: &[Approver], file: &str) -> Result<Vec<Signed>, Vec<Finding>> {
    let committee = &policy.election_committee;
    let mut counted: Vec<Signed> = Vec::new();
    let mut findings = Vec::new();
    for a in approvers {
        let member = committee
            .iter()
            .find(|p| p.github.eq_ignore_ascii_case(&a.login) && a.id.is_none_or(|id| id == p.github_id));
        match member {
            None => findings.push(error(
                ELECTION_APPROVALS,
                file,
                format!("{} is not on the election committee", a.login),
                "an election is opened and certified by the election committee the policy names (election_committee)",
            )),
            Some(p) if counted.iter().any(|c| c.id == p.github_id) => findings.push(error(
                ELECTION_APPROVALS,
                file,
                format!("{} approves twice", p.github),
                "name each approving member of the election committee once",
            )),
            Some(p) => counted.push(Signed { login: p.github.clone(), id: p.github_id }),
        }
    }
    let needed = committee.len() / 2 + 1;
    if findings.is_empty() && counted.len() < needed {
        findings.push(error(
            ELECTION_APPROVALS,
            file,
            format!(
                "{} of the {} members of the election committee approved; a majority is {needed}",
                counted.len(),
                committee.len()
            ),
            "record the event once a majority of the election committee has approved (--approved-by)",
        ));
    }
    if findings.is_empty() { Ok(counted) } else { Err(findings) }
}

/// Judges `event`, whose tree is `new`, as a child of `parent`: what
/// `verify` finds in it (none if it verifies). Its place in the sequence
/// of events and its signature are the replay's to judge; what it has read
/// of the elections so far is the replay's too.
pub fn judge(
    repo: &Repository,
    parent: Oid,
    new: Oid,
    event: &ElectionEvent,
    memo: &mut Memo,
) -> Result<Verdict, HistoryError> {
    let old = repo.find_commit(parent).map_err(git)?.tree_id();
    let before = match load_config(repo, old)? {
        Ok(config) => config,
        Err(findings) => return Ok(Err(findings)),
    };
    let id = &event.election;
    let folder = file::folder(id);
    let changed = changes(repo, old, new)?;
    let file_of = |step: Step| match step {
        Step::Open => file::path(id),
        Step::Nominate | Step::Accept => nomination::path(id, event.nominee.as_deref().unwrap_or_default()),
        Step::Certify => format!("{folder}/{RESULT_FILE}"),
    };
    let at = file_of(event.step);
    if !file::is_valid_id(id) {
        return Ok(Err(vec![error(
            ELECTION_ID,
            &at,
            format!("{} is not an election id", quoted(id)),
            "an election id is lowercase letters, digits and hyphens",
        )]));
    }
    if let Some(approvers) = event.step.needs_committee().then(|| {
        event.approvals.iter().map(|a| Approver { login: a.login.clone(), id: Some(a.id) }).collect::<Vec<_>>()
    }) {
        match judge_approvals(&before.policy.policy, &approvers, &at) {
            Ok(counted) if counted == event.approvals => {}
            Ok(_) => {
                return Ok(Err(vec![error(
                    ELECTION_EVENT,
                    &at,
                    "the event's approvals are not as recorded".to_owned(),
                    "restore the branch from a trusted copy",
                )]));
            }
            Err(findings) => return Ok(Err(findings)),
        }
    }
    let judging = Judging { repo, parent, old, new, event, before: &before, changed: &changed };
    match event.step {
        Step::Open => judge_open(judging, &at),
        Step::Nominate | Step::Accept => judge_nomination(judging, &at, memo),
        Step::Certify => judge_certify(judging, &mut memo.electorates),
    }
}

/// An election event under judgement: its commit's parent (whose tree is
/// `old`), its own tree (`new`), the rules in force before it, and every
/// path it changed.
#[derive(Clone, Copy)]
struct Judging<'a> {
    repo: &'a Repository,
    parent: Oid,
    old: Oid,
    new: Oid,
    event: &'a ElectionEvent,
    before: &'a Config,
    changed: &'a [(String, git2::Delta)],
}

fn scope(changed: &[(String, git2::Delta)], allowed: &[(&str, git2::Delta)], at: &str) -> Verdict {
    let stray = changed.iter().find(|(path, delta)| !allowed.iter().any(|(p, d)| p == path && d == delta));
    let missing = allowed.iter().find(|(p, _)| !changed.iter().any(|(path, _)| path == p));
    match (stray, missing) {
        (Some((path, _)), _) => Err(vec![error(
            ELECTION_SCOPE,
            path,
            format!("an election event of {at} also changes {path}"),
            "an election event changes its own files and nothing else: propose other changes separately",
        )]),
        (None, Some((path, _))) => Err(vec![error(
            ELECTION_SCOPE,
            path,
            format!("the event does not add {path}"),
            "record election events with rollcall, which writes what each one changes",
        )]),
        (None, None) => Ok(()),
    }
}

fn judge_open(judging: Judging, at: &str) -> Result<Verdict, HistoryError> {
    let Judging { repo, new, event, before, changed, .. } = judging;
    if let Err(findings) = scope(changed, &[(at, git2::Delta::Added)], at) {
        return Ok(Err(findings));
    }
    let policy = &before.policy.policy;
    let election = match election_at(repo, new, &event.election, policy)? {
        Ok(election) => election,
        Err(findings) => return Ok(Err(findings)),
    };
    // Where the file's fields are, so that each finding points at the field to blame.
    let spans = election_spans(repo, new, &event.election)?;
    let field = |rule: &'static str, pointer: &str, message: String, help: &str| {
        Finding::error(rule, at, spans.locate(pointer), pointer, message, help)
    };
    let mut findings = Vec::new();
    for (i, login) in election.replaces.iter().enumerate() {
        if !policy.board.directors.iter().any(|d| d.github.eq_ignore_ascii_case(login)) {
            findings.push(field(
                ELECTION_REPLACES,
                &format!("/replaces/{i}"),
                format!("replaces names {}, who is not a director seated now", quoted(login)),
                "replaces lists the directors whose seats this election fills, from board.directors",
            ));
        }
    }
    if election.nominations.opens < event.date {
        findings.push(field(
            ELECTION_WINDOWS,
            "/nominations/opens",
            format!(
                "nominations open on {}, before the election is opened ({})",
                election.nominations.opens, event.date
            ),
            "open the election before its nominations open",
        ));
    }
    Ok(if findings.is_empty() { Ok(()) } else { Err(findings) })
}

/// The electorate of `election` from the history of `parent`.
fn electorate_of(
    repo: &Repository,
    parent: Oid,
    election: &Election,
    at: &str,
    electorates: &mut Electorates,
) -> Result<Result<Rc<Electorate>, Vec<Finding>>, HistoryError> {
    match electorates.electorate(repo, parent, &election.id, election.cutoff) {
        Ok(result) => Ok(result),
        Err(e) => Ok(Err(vec![error(
            ELECTION_WINDOWS,
            at,
            format!("the electorate of the cut-off date {} cannot be read: {e}", election.cutoff),
            "the cut-off date is a day of the ledger's history",
        )])),
    }
}

fn judge_nomination(judging: Judging, at: &str, memo: &mut Memo) -> Result<Verdict, HistoryError> {
    let Judging { repo, parent, old, new, event, before, changed } = judging;
    let delta = if event.step == Step::Nominate { git2::Delta::Added } else { git2::Delta::Modified };
    if let Err(findings) = scope(changed, &[(at, delta)], at) {
        return Ok(Err(findings));
    }
    let policy = &before.policy.policy;
    let election = match election_at(repo, old, &event.election, policy)? {
        Ok(election) => election,
        Err(findings) => return Ok(Err(findings)),
    };
    let Some(bytes) = read(repo, new, at, crate::roll::yaml::MEMBER_LIMITS.max_bytes)? else {
        return Ok(Err(vec![error(
            NOMINATION_FILE,
            at,
            "the nomination is not a small regular file".to_owned(),
            "a nomination is a YAML file",
        )]));
    };
    let after = match nomination::parse(at, &bytes) {
        Ok(n) => n,
        Err(findings) => return Ok(Err(findings)),
    };
    let electorate = match electorate_of(repo, parent, &election, at, &mut memo.electorates)? {
        Ok(e) => e,
        Err(findings) => return Ok(Err(findings)),
    };
    let recorded = memo.nominations.at(repo, old, &event.election)?;
    let spans = nomination::spans(at, &bytes);
    let facts = Facts {
        election: &election,
        electorate: &electorate,
        election_committee: &policy.election_committee,
        recorded: &recorded,
        date: event.date,
        spans: &spans,
    };
    let author = event.author.as_ref().map(|a| Account { github: a.login.clone(), github_id: a.id });
    let Some(author) = author else {
        return Ok(Err(vec![error(
            ELECTION_EVENT,
            at,
            "the event names no author".to_owned(),
            "record it with rollcall",
        )]));
    };
    let findings = match event.step {
        Step::Nominate => nomination::judge_new(&after, &author, &facts),
        _ => match recorded.iter().find(|r| r.file == at) {
            Some(before) => nomination::judge_acceptance(before, &after, &author, &facts),
            None => vec![error(
                ELECTION_SCOPE,
                at,
                "the nomination accepted was never recorded".to_owned(),
                "accept a recorded nomination",
            )],
        },
    };
    Ok(if findings.is_empty() { Ok(()) } else { Err(findings) })
}
