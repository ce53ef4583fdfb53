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

use super::HistoryError;
use super::electorate;
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
use crate::roll::source::Source;
use crate::roll::validate::{self, Options};
use crate::util::blob::{Capped, read_capped};
use git2::build::TreeUpdateBuilder;
use git2::{FileMode, ObjectType, Oid, Repository};
use jiff::civil::Date;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::Path;

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
    if entry.kind() != Some(ObjectType::Blob) || entry.filemode() != i32::from(FileMode::Blob) {
        return Ok(None);
    }
    let odb = repo.odb().map_err(git)?;
    Ok(match read_capped(&odb, entry.id(), max).map_err(git)? {
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

/// The nominations of election `id` at `tree`, in file order; a file that
/// does not read is left out (it could not have been recorded).
pub fn nominations_at(repo: &Repository, tree: Oid, id: &str) -> Result<Vec<Nomination>, HistoryError> {
    let folder = format!("{}/{}", file::folder(id), file::NOMINATIONS_DIR);
    let root = repo.find_tree(tree).map_err(git)?;
    let Ok(entry) = root.get_path(Path::new(&folder)) else { return Ok(Vec::new()) };
    let Ok(dir) = repo.find_tree(entry.id()) else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for item in dir.iter() {
        let Ok(name) = item.name() else { continue };
        let path = format!("{folder}/{name}");
        if let Some(bytes) = read(repo, tree, &path, crate::roll::yaml::MEMBER_LIMITS.max_bytes)?
            && let Ok(n) = nomination::parse(&path, &bytes)
        {
            out.push(n);
        }
    }
    Ok(out)
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
/// of events and its signature are the replay's to judge.
pub fn judge(repo: &Repository, parent: Oid, new: Oid, event: &ElectionEvent) -> Result<Verdict, HistoryError> {
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
    match event.step {
        Step::Open => judge_open(repo, new, event, &before, &changed, &at),
        Step::Nominate | Step::Accept => judge_nomination(repo, parent, old, new, event, &before, &changed, &at),
        Step::Certify => judge_certify(repo, parent, old, new, event, &before, &changed),
    }
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

fn judge_open(
    repo: &Repository,
    new: Oid,
    event: &ElectionEvent,
    before: &Config,
    changed: &[(String, git2::Delta)],
    at: &str,
) -> Result<Verdict, HistoryError> {
    if let Err(findings) = scope(changed, &[(at, git2::Delta::Added)], at) {
        return Ok(Err(findings));
    }
    let policy = &before.policy.policy;
    let election = match election_at(repo, new, &event.election, policy)? {
        Ok(election) => election,
        Err(findings) => return Ok(Err(findings)),
    };
    let mut findings = Vec::new();
    for login in &election.replaces {
        if !policy.board.directors.iter().any(|d| d.github.eq_ignore_ascii_case(login)) {
            findings.push(error(
                ELECTION_REPLACES,
                at,
                format!("replaces names {}, who is not a director seated now", quoted(login)),
                "replaces lists the directors whose seats this election fills, from board.directors",
            ));
        }
    }
    if election.nominations.opens < event.date {
        findings.push(error(
            ELECTION_WINDOWS,
            at,
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
) -> Result<Result<Electorate, Vec<Finding>>, HistoryError> {
    match electorate::electorate(repo, parent, &election.id, election.cutoff) {
        Ok(result) => Ok(result),
        Err(e) => Ok(Err(vec![error(
            ELECTION_WINDOWS,
            at,
            format!("the electorate of the cut-off date {} cannot be read: {e}", election.cutoff),
            "the cut-off date is a day of the ledger's history",
        )])),
    }
}

#[allow(clippy::too_many_arguments)]
fn judge_nomination(
    repo: &Repository,
    parent: Oid,
    old: Oid,
    new: Oid,
    event: &ElectionEvent,
    before: &Config,
    changed: &[(String, git2::Delta)],
    at: &str,
) -> Result<Verdict, HistoryError> {
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
            nomination_file(),
            at,
            "the nomination is not a small regular file".to_owned(),
            "a nomination is a YAML file",
        )]));
    };
    let after = match nomination::parse(at, &bytes) {
        Ok(n) => n,
        Err(findings) => return Ok(Err(findings)),
    };
    let electorate = match electorate_of(repo, parent, &election, at)? {
        Ok(e) => e,
        Err(findings) => return Ok(Err(findings)),
    };
    let recorded = nominations_at(repo, old, &event.election)?;
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

fn nomination_file() -> &'static str {
    crate::roll::rules::names::nomination::NOMINATION_FILE
}

/// The ballots certified: counted as BLT, with what the result records of them.
struct Counted {
    blt: blt::Election,
    /// Voting memberships behind the ballots, when the box says.
    memberships: Option<u64>,
    ballots: Option<usize>,
    head: Option<String>,
}

fn read_ballots(
    name: &str,
    path: &str,
    bytes: &[u8],
    election: &Election,
    electorate: &Electorate,
    candidates: &[String],
) -> Result<Counted, Vec<Finding>> {
    let counted = if name == PUBLISHED_FILE {
        let sealed = ballot_box::read(path, bytes)?;
        let mut findings = sealed.check_weights(path, electorate);
        if sealed.header.election != election.id || sealed.header.seats != election.seats {
            findings.push(error(
                ELECTION_CANDIDATES,
                path,
                format!("the box is of election {} for {} seats", quoted(&sealed.header.election), sealed.header.seats),
                "certify the box of this election",
            ));
        }
        if !findings.is_empty() {
            return Err(findings);
        }
        Counted {
            blt: sealed.blt(),
            memberships: Some(sealed.ballots.iter().map(|b| b.memberships as u64).sum()),
            ballots: Some(sealed.ballots.len()),
            head: Some(sealed.head.clone()),
        }
    } else {
        let parsed = blt::parse(bytes, path)?;
        Counted { blt: parsed, memberships: None, ballots: None, head: None }
    };
    let mut names: Vec<String> = counted.blt.candidates.iter().map(|c| c.to_ascii_lowercase()).collect();
    names.sort();
    let mut findings = Vec::new();
    if names != candidates || counted.blt.seats != election.seats {
        findings.push(error(
            ELECTION_CANDIDATES,
            path,
            format!(
                "the ballots are for {} seat(s) among {}; the election fills {} among its accepted nominees {}",
                counted.blt.seats,
                counted.blt.candidates.join(", "),
                election.seats,
                candidates.join(", ")
            ),
            "the ballots name the accepted nominees by GitHub login, and the election's seats",
        ));
    }
    let total: u64 = counted.blt.ballots.iter().map(|b| b.weight).sum();
    if total > electorate.votes {
        findings.push(error(
            ELECTION_CANDIDATES,
            path,
            format!(
                "the ballots weigh {total} votes; the electorate of {} holds {}",
                electorate.cutoff, electorate.votes
            ),
            "the ballots come from the electorate of the cut-off date",
        ));
    }
    if findings.is_empty() { Ok(counted) } else { Err(findings) }
}

/// Counts the ballots as the election says.
fn count(election: &Election, ballots: &blt::Election) -> Result<Tally, String> {
    let order = tie_order(ballots, &election.tie_order)?;
    Ok(meek::count(ballots, election.method, &order))
}

/// The certified result as committed: the count, the ballots it counted,
/// the turnout and the quorum.
pub fn result_json(
    election: &Election,
    tally: &Tally,
    ballots_file: &str,
    ballots: &[u8],
    counted: (Option<u64>, Option<usize>, Option<&str>),
    electorate: &Electorate,
) -> (String, bool) {
    let votes: u64 = tally_weight(ballots_file, ballots);
    let (memberships, n, head) = counted;
    let quorate = votes >= electorate.votes_needed && memberships.is_none_or(|m| m >= electorate.members_needed);
    let mut value = tally.json();
    if let Some(map) = value.as_object_mut() {
        map.insert("election".to_owned(), json!(election.id));
        map.insert("ballots_file".to_owned(), json!(ballots_file));
        map.insert("ballots_sha256".to_owned(), json!(hex_sha256(ballots)));
        map.insert("box_head".to_owned(), json!(head));
        map.insert("turnout".to_owned(), json!({"ballots": n, "voting_members": memberships, "votes": votes}));
        map.insert(
            "quorum".to_owned(),
            json!({"members_needed": electorate.members_needed, "votes_needed": electorate.votes_needed, "quorate": quorate}),
        );
    }
    (format!("{}\n", serde_json::to_string_pretty(&value).unwrap_or_default()), quorate)
}

fn tally_weight(name: &str, bytes: &[u8]) -> u64 {
    let parsed = if name.ends_with(".box") {
        ballot_box::read(name, bytes).map(|b| b.blt()).ok()
    } else {
        blt::parse(bytes, name).ok()
    };
    parsed.map_or(0, |b| b.ballots.iter().map(|b| b.weight).sum())
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A director the election seats.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seat {
    pub github: String,
    pub github_id: u64,
    pub name: String,
    pub organization: Option<String>,
}

/// The board after the election: the directors seated before it, less
/// those it replaces, then the winners in order of election.
fn board_after(policy: &Policy, election: &Election, winners: &[Seat]) -> Vec<Seat> {
    policy
        .board
        .directors
        .iter()
        .filter(|d| !election.replaces.iter().any(|r| r.eq_ignore_ascii_case(&d.github)))
        .map(|d| Seat {
            github: d.github.clone(),
            github_id: d.github_id,
            name: d.name.clone(),
            organization: d.organization.clone(),
        })
        .chain(winners.iter().cloned())
        .collect()
}

fn seats_of(policy: &Policy) -> Vec<Seat> {
    policy
        .board
        .directors
        .iter()
        .map(|d| Seat {
            github: d.github.clone(),
            github_id: d.github_id,
            name: d.name.clone(),
            organization: d.organization.clone(),
        })
        .collect()
}

/// The winners of a count, as directors.
fn winners(tally: &Tally, nominations: &[Nomination], electorate: &Electorate) -> Vec<Seat> {
    tally
        .elected_names()
        .iter()
        .filter_map(|login| {
            let n = nominations.iter().find(|n| n.nominee.github.eq_ignore_ascii_case(login))?;
            Some(Seat {
                github: n.nominee.github.clone(),
                github_id: n.nominee.github_id,
                name: n.nominee_name.clone(),
                organization: electorate.voter(login).and_then(|v| v.sponsor()).map(str::to_owned),
            })
        })
        .collect()
}

fn judge_certify(
    repo: &Repository,
    parent: Oid,
    old: Oid,
    new: Oid,
    event: &ElectionEvent,
    before: &Config,
    changed: &[(String, git2::Delta)],
) -> Result<Verdict, HistoryError> {
    let id = &event.election;
    let folder = file::folder(id);
    let result_path = format!("{folder}/{RESULT_FILE}");
    let policy = &before.policy.policy;
    let election = match election_at(repo, old, id, policy)? {
        Ok(election) => election,
        Err(findings) => return Ok(Err(findings)),
    };
    if event.date <= election.voting.closes {
        return Ok(Err(vec![error(
            ELECTION_CLOSED,
            &result_path,
            format!("voting closes on {}; the result is certified on {}", election.voting.closes, event.date),
            "certify the result after voting closes",
        )]));
    }
    if read(repo, old, &result_path, 1)?.is_some()
        || repo.find_tree(old).map_err(git)?.get_path(Path::new(&result_path)).is_ok()
    {
        return Ok(Err(vec![error(
            ELECTION_CLOSED,
            &result_path,
            format!("election {id} is certified already"),
            "an election is certified once",
        )]));
    }
    let name =
        [PUBLISHED_FILE, BLT_FILE].into_iter().find(|n| changed.iter().any(|(p, _)| *p == format!("{folder}/{n}")));
    let Some(name) = name else {
        return Ok(Err(vec![error(
            ELECTION_SCOPE,
            &result_path,
            "the certification commits no ballots".to_owned(),
            "certify with --ballots FILE",
        )]));
    };
    let ballots_path = format!("{folder}/{name}");
    let mut allowed = vec![(ballots_path.as_str(), git2::Delta::Added), (result_path.as_str(), git2::Delta::Added)];
    if changed.iter().any(|(p, _)| p == POLICY_FILE) {
        allowed.push((POLICY_FILE, git2::Delta::Modified));
    }
    if let Err(findings) = scope(changed, &allowed, &result_path) {
        return Ok(Err(findings));
    }
    let Some(bytes) = read(repo, new, &ballots_path, MAX_BALLOTS_BYTES)? else {
        return Ok(Err(vec![error(
            ELECTION_SCOPE,
            &ballots_path,
            "the ballots are not a regular file within the size cap".to_owned(),
            "certify the published ballots",
        )]));
    };
    let electorate = match electorate_of(repo, parent, &election, &result_path)? {
        Ok(e) => e,
        Err(findings) => return Ok(Err(findings)),
    };
    let nominations = nominations_at(repo, old, id)?;
    let candidates = candidates(&nominations);
    let counted = match read_ballots(name, &ballots_path, &bytes, &election, &electorate, &candidates) {
        Ok(counted) => counted,
        Err(findings) => return Ok(Err(findings)),
    };
    let tally = match count(&election, &counted.blt) {
        Ok(tally) => tally,
        Err(why) => {
            return Ok(Err(vec![error(
                ELECTION_RESULT,
                &ballots_path,
                why,
                "the election's tie_order names its candidates",
            )]));
        }
    };
    let (expected, quorate) = result_json(
        &election,
        &tally,
        name,
        &bytes,
        (counted.memberships, counted.ballots, counted.head.as_deref()),
        &electorate,
    );
    let mut findings = Vec::new();
    if !quorate {
        findings.push(error(
            ELECTION_RESULT,
            &result_path,
            format!(
                "the turnout is below the quorum: {} votes needed from {} voting memberships",
                electorate.votes_needed, electorate.members_needed
            ),
            "an election without a quorum is not certified; the election committee calls another",
        ));
    }
    let written = read(repo, new, &result_path, MAX_BALLOTS_BYTES)?;
    if written.as_deref() != Some(expected.as_bytes()) {
        findings.push(error(
            ELECTION_RESULT,
            &result_path,
            format!(
                "the committed result is not the count of the committed ballots (elected: {})",
                tally.elected_names().join(", ")
            ),
            "the result was edited by hand: certify again with `rollcall election certify`",
        ));
    }
    let after = match load_config(repo, new)? {
        Ok(config) => config,
        Err(found) => return Ok(Err(found)),
    };
    let seated = board_after(policy, &election, &winners(&tally, &nominations, &electorate));
    let same_rest = amendment::without_seats(&amendment::policy_bytes(repo, old))
        == amendment::without_seats(&amendment::policy_bytes(repo, new))
        && committees(policy) == committees(&after.policy.policy);
    if seats_of(&after.policy.policy) != seated || !same_rest {
        findings.push(error(
            ELECTION_RESULT,
            POLICY_FILE,
            "the board after certification is not the board before it, less the seats replaced, with the winners seated".to_owned(),
            "certify with `rollcall election certify`, which seats the winners and changes nothing else",
        ));
    }
    if !findings.is_empty() {
        return Ok(Err(findings));
    }
    let options = Options { as_of: event.date, skip: BTreeSet::new(), mirrors: MirrorCheck::Off };
    let validated =
        validate::validate_with(&Source::at(repo, new), &after, &options).map_err(|e| HistoryError(e.to_string()))?;
    let errors: Vec<Finding> = validated.findings.into_iter().filter(|f| f.is_error()).collect();
    Ok(if errors.is_empty() { Ok(()) } else { Err(errors) })
}

fn committees(policy: &Policy) -> (Vec<u64>, Vec<u64>) {
    (
        policy.committee.members.iter().map(|p| p.github_id).collect(),
        policy.election_committee.iter().map(|p| p.github_id).collect(),
    )
}

/// The policy's text with the board's directors replaced by `seats`,
/// everything else kept byte for byte (comments too). Checked by reading
/// it back: `None` if the directors' list is not where it can be replaced.
pub fn seat(text: &str, seats: &[Seat]) -> Option<String> {
    let doc = crate::roll::yaml::load(
        POLICY_FILE,
        text.as_bytes(),
        crate::roll::yaml::CONFIG_LIMITS,
        crate::roll::yaml::Layout::Free,
    );
    let key = doc.spans.key("/board/directors")?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let start = usize::try_from(key.line).ok()?.checked_sub(1)?;
    let indent = usize::try_from(key.column).ok()?.checked_sub(1)?;
    let mut end = start + 1;
    while let Some(line) = lines.get(end) {
        let trimmed = line.trim_start();
        let depth = line.len() - trimmed.len();
        let inside = trimmed.trim().is_empty()
            || trimmed.starts_with('#')
            || depth > indent
            || (depth == indent && trimmed.starts_with("- "));
        if !inside {
            break;
        }
        end += 1;
    }
    while end > start + 1 && (lines[end - 1].trim().is_empty() || lines[end - 1].trim_start().starts_with('#')) {
        end -= 1;
    }
    let pad = " ".repeat(indent);
    let mut block = format!("{pad}directors:\n");
    for s in seats {
        let organization =
            s.organization.as_ref().map(|o| format!(", organization: {}", json_string(o))).unwrap_or_default();
        block.push_str(&format!(
            "{pad}  - {{github: {}, github_id: {}, name: {}{organization}}}\n",
            s.github,
            s.github_id,
            json_string(&s.name)
        ));
    }
    let out: String = lines[..start].concat() + &block + &lines[end..].concat();
    let check = crate::roll::yaml::load(
        POLICY_FILE,
        out.as_bytes(),
        crate::roll::yaml::CONFIG_LIMITS,
        crate::roll::yaml::Layout::Free,
    );
    let directors = check.value.as_ref()?.pointer("/board/directors")?.as_array()?.len();
    (directors == seats.len() && amendment::without_seats(out.as_bytes()) == amendment::without_seats(text.as_bytes()))
        .then_some(out)
}

fn json_string(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

/// What recording an election event is given.
pub struct Request {
    pub branch: String,
    pub date: Date,
    pub pull_request: Option<u64>,
    /// The election committee members who approved (open, certify).
    pub approvers: Vec<Approver>,
    /// The pull request's account (nominate, accept).
    pub author: Option<Account>,
    /// `verify`'s judgement of the event's commit, run before the branch moves.
    pub gate: Gate,
}

/// What recording did: the event and its commit, or why not.
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub recorded: Option<(ElectionEvent, Oid)>,
}

/// A pull request read as an election change: which file it adds or
/// changes, and as what step.
pub struct Proposal {
    pub step: Step,
    pub election: String,
    pub nominee: Option<String>,
    pub path: String,
    pub blob: Oid,
}

/// What a pull request from `base` to `head` proposes for an election: one
/// file under `elections/`, regular, an election file or a nomination.
pub fn proposal(repo: &Repository, base: Oid, head: Oid) -> Result<Result<Proposal, Vec<Finding>>, HistoryError> {
    let (base_tree, head_tree) =
        (repo.find_commit(base).map_err(git)?.tree_id(), repo.find_commit(head).map_err(git)?.tree_id());
    let changed = changes(repo, base_tree, head_tree)?;
    let refuse = |message: String| {
        Ok(Err(vec![nomination::scope_finding(
            changed.first().map_or("", |(p, _)| p.as_str()),
            message,
            "an election pull request adds the election file, adds one nomination, or accepts one, and changes nothing else",
        )]))
    };
    let [(path, delta)] = changed.as_slice() else {
        return refuse(format!("the pull request changes {} files; an election change is one file", changed.len()));
    };
    let tree = repo.find_tree(head_tree).map_err(git)?;
    let entry = match tree.get_path(Path::new(path)) {
        Ok(entry) if entry.filemode() == i32::from(FileMode::Blob) => entry,
        _ => return refuse(format!("{path} is not a regular file")),
    };
    let id = file::id_of(path).unwrap_or_default().to_owned();
    let (step, nominee) = if *path == file::path(&id) && *delta == git2::Delta::Added {
        (Step::Open, None)
    } else if let Some((_, login)) = nomination::parts(path) {
        match delta {
            git2::Delta::Added => (Step::Nominate, Some(login.to_owned())),
            git2::Delta::Modified => (Step::Accept, Some(login.to_owned())),
            _ => return refuse(format!("{path} is deleted; a nomination is withdrawn by not accepting it")),
        }
    } else {
        return refuse(format!("{path} is not an election file or a nomination"));
    };
    Ok(Ok(Proposal { step, election: id, nominee, path: path.clone(), blob: entry.id() }))
}

/// The tree of `base` with the proposal's file (or files) put in.
fn with_files(repo: &Repository, base: Oid, files: &[(&str, Oid)]) -> Result<Oid, git2::Error> {
    let tree = repo.find_tree(base)?;
    let mut update = TreeUpdateBuilder::new();
    for (path, blob) in files {
        update.upsert(*path, *blob, FileMode::Blob);
    }
    update.create_updated(repo, &tree)
}

/// The event a proposal would be recorded as.
fn event_of(proposal: &Proposal, request: &Request, approvals: Vec<Signed>, previous: Option<Oid>) -> ElectionEvent {
    ElectionEvent {
        step: proposal.step,
        election: proposal.election.clone(),
        nominee: proposal.nominee.clone(),
        date: request.date,
        author: request
            .author
            .as_ref()
            .filter(|_| !proposal.step.needs_committee())
            .map(|a| Signed { login: a.github.clone(), id: a.github_id }),
        approvals,
        pull_request: request.pull_request,
        previous,
    }
}

/// What `check-pr` makes of an election pull request: what it proposes
/// (if it is an election change at all) and the findings.
pub type Judged = (Option<Proposal>, Vec<Finding>);

/// `check-pr` of an election pull request: the proposal judged at the
/// base as `verify` will judge it once recorded (today, by its author).
pub fn check_pr(repo: &Repository, base: Oid, head: Oid, author: &Account, date: Date) -> Result<Judged, HistoryError> {
    let base = repo.merge_base(base, head).map_err(git)?;
    let proposal = match proposal(repo, base, head)? {
        Ok(p) => p,
        Err(findings) => return Ok((None, findings)),
    };
    if proposal.step.needs_committee() {
        // The committee's approvals come later; the file itself is judged now.
        let config = match load_config(repo, repo.find_commit(base).map_err(git)?.tree_id())? {
            Ok(c) => c,
            Err(findings) => return Ok((Some(proposal), findings)),
        };
        let bytes = repo.find_blob(proposal.blob).map_err(git)?.content().to_vec();
        let findings =
            file::parse(&proposal.path, &bytes, config.policy.policy.board.max_directors).err().unwrap_or_default();
        return Ok((Some(proposal), findings));
    }
    let tree = with_files(repo, repo.find_commit(base).map_err(git)?.tree_id(), &[(&proposal.path, proposal.blob)])
        .map_err(git)?;
    let request = Request {
        branch: String::new(),
        date,
        pull_request: None,
        approvers: Vec::new(),
        author: Some(author.clone()),
        gate: |_, _, _, _| Ok(Vec::new()),
    };
    let event = event_of(&proposal, &request, Vec::new(), None);
    let verdict = judge(repo, base, tree, &event)?;
    Ok((Some(proposal), verdict.err().unwrap_or_default()))
}

const ATTEMPTS: usize = 16;

/// Records the pull request `head` (an election file, a nomination or an
/// acceptance) as one election event on the branch.
pub fn record(dir: &Path, request: &Request, head: &str, signer: Option<&Signer>) -> Result<Outcome, MergeError> {
    let repo = Repository::open(dir).map_err(MergeError::from)?;
    let head = repo.revparse_single(head).and_then(|o| o.peel_to_commit()).map_err(MergeError::from)?.id();
    commit_event(&repo, request, signer, |repo, tip| {
        let base = repo.merge_base(tip, head)?;
        let proposal = match proposal(repo, base, head).map_err(|e| git2::Error::from_str(&e.0))? {
            Ok(p) => p,
            Err(findings) => return Ok(Err(findings)),
        };
        let tree = with_files(repo, repo.find_commit(tip)?.tree_id(), &[(&proposal.path, proposal.blob)])?;
        Ok(Ok((proposal, tree)))
    })
}

/// Certifies election `id` with the published ballots `ballots` (a box
/// closed by `rollcall election box close`, or a voting service's BLT):
/// counts them, writes the result, seats the winners.
pub fn certify(
    dir: &Path,
    request: &Request,
    id: &str,
    ballots: &[u8],
    is_box: bool,
    signer: Option<&Signer>,
) -> Result<Outcome, MergeError> {
    let repo = Repository::open(dir).map_err(MergeError::from)?;
    commit_event(&repo, request, signer, |repo, tip| {
        let tip_tree = repo.find_commit(tip)?.tree_id();
        let config = match load_config(repo, tip_tree).map_err(|e| git2::Error::from_str(&e.0))? {
            Ok(c) => c,
            Err(findings) => return Ok(Err(findings)),
        };
        let policy = &config.policy.policy;
        let folder = file::folder(id);
        let election = match election_at(repo, tip_tree, id, policy).map_err(|e| git2::Error::from_str(&e.0))? {
            Ok(e) => e,
            Err(findings) => return Ok(Err(findings)),
        };
        let name = if is_box { PUBLISHED_FILE } else { BLT_FILE };
        let ballots_path = format!("{folder}/{name}");
        let electorate =
            match electorate_of(repo, tip, &election, &ballots_path).map_err(|e| git2::Error::from_str(&e.0))? {
                Ok(e) => e,
                Err(findings) => return Ok(Err(findings)),
            };
        let nominations = nominations_at(repo, tip_tree, id).map_err(|e| git2::Error::from_str(&e.0))?;
        let counted =
            match read_ballots(name, &ballots_path, ballots, &election, &electorate, &candidates(&nominations)) {
                Ok(c) => c,
                Err(findings) => return Ok(Err(findings)),
            };
        let tally = match count(&election, &counted.blt) {
            Ok(t) => t,
            Err(why) => {
                return Ok(Err(vec![error(
                    ELECTION_RESULT,
                    &ballots_path,
                    why,
                    "the election's tie_order names its candidates",
                )]));
            }
        };
        let (result, _) = result_json(
            &election,
            &tally,
            name,
            ballots,
            (counted.memberships, counted.ballots, counted.head.as_deref()),
            &electorate,
        );
        let seated = board_after(policy, &election, &winners(&tally, &nominations, &electorate));
        let policy_text = String::from_utf8(amendment::policy_bytes(repo, tip_tree)).unwrap_or_default();
        let Some(policy_text) = seat(&policy_text, &seated) else {
            return Ok(Err(vec![error(
                ELECTION_RESULT,
                POLICY_FILE,
                "the board's directors could not be rewritten in the policy file".to_owned(),
                "keep board.directors a block list in schema/policy.yaml, then certify again",
            )]));
        };
        let blobs = [
            (ballots_path.clone(), repo.blob(ballots)?),
            (format!("{folder}/{RESULT_FILE}"), repo.blob(result.as_bytes())?),
            (POLICY_FILE.to_owned(), repo.blob(policy_text.as_bytes())?),
        ];
        let files: Vec<(&str, Oid)> = blobs.iter().map(|(p, b)| (p.as_str(), *b)).collect();
        let tree = with_files(repo, tip_tree, &files)?;
        let proposal = Proposal {
            step: Step::Certify,
            election: id.to_owned(),
            nominee: None,
            path: ballots_path,
            blob: blobs[0].1,
        };
        Ok(Ok((proposal, tree)))
    })
}

type Built = Result<(Proposal, Oid), Vec<Finding>>;

/// Builds the event's tree at the branch's tip, writes its commit, has the
/// gate judge it, and moves the branch by compare-and-swap; again if
/// another writer won the race.
fn commit_event(
    repo: &Repository,
    request: &Request,
    signer: Option<&Signer>,
    build: impl Fn(&Repository, Oid) -> Result<Built, git2::Error>,
) -> Result<Outcome, MergeError> {
    let refused = |findings| Ok(Outcome { findings, recorded: None });
    if let Some(finding) = crate::change::merge::future_date(request.date, "") {
        return refused(vec![finding]);
    }
    for _ in 0..ATTEMPTS {
        let branch = Branch::open(repo, &request.branch)?;
        let tip = repo.find_commit(branch.tip).map_err(MergeError::from)?;
        let config = crate::change::merge::load_config(&Source::at(repo, tip.tree_id()))?;
        if config.policy.policy.signed_events && signer.is_none() {
            return Err(MergeError::Unsigned);
        }
        let (proposal, tree) = match build(repo, tip.id()).map_err(MergeError::from)? {
            Ok(built) => built,
            Err(findings) => return refused(findings),
        };
        let approvals = if proposal.step.needs_committee() {
            match judge_approvals(&config.policy.policy, &request.approvers, &proposal.path) {
                Ok(approvals) => approvals,
                Err(findings) => return refused(findings),
            }
        } else {
            Vec::new()
        };
        let previous = ledger::previous_event(repo, tip.id())?;
        let event = event_of(&proposal, request, approvals, previous);
        let message = event.message();
        let commit = ledger::write_commit(repo, &message, tree, &[&tip], signer)?;
        let found = (request.gate)(repo, tip.id(), commit, &BTreeSet::new()).map_err(LedgerError::Git)?;
        if !found.is_empty() {
            return refused(found);
        }
        match ledger::advance(repo, &branch, commit, &message) {
            Ok(()) => return Ok(Outcome { findings: Vec::new(), recorded: Some((event, commit)) }),
            Err(LedgerError::Moved) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(MergeError::Contended)
}

/// The certified result of election `id` at `tree`, if it is certified.
pub fn result_at(repo: &Repository, tree: Oid, id: &str) -> Option<Value> {
    let path = format!("{}/{RESULT_FILE}", file::folder(id));
    let bytes = read(repo, tree, &path, MAX_BALLOTS_BYTES).ok()??;
    serde_json::from_slice(&bytes).ok()
}

/// `check-pr` of a pull request that changes anything under `elections/`:
/// `None` if it changes nothing there (it is judged as a membership
/// change), else what it proposes and the findings.
pub fn judge_pr(
    dir: &Path,
    base: &str,
    head: &str,
    author: &Account,
    date: Date,
) -> Result<Option<Judged>, HistoryError> {
    let repo = Repository::open(dir).map_err(git)?;
    let commit = |rev: &str| repo.revparse_single(rev).and_then(|o| o.peel_to_commit()).map(|c| c.id()).map_err(git);
    let (base, head) = (commit(base)?, commit(head)?);
    // Unrelated histories are the membership judgement's to refuse (`pr.unrelated-history`).
    let Ok(merge_base) = repo.merge_base(base, head) else { return Ok(None) };
    let (old, new) =
        (repo.find_commit(merge_base).map_err(git)?.tree_id(), repo.find_commit(head).map_err(git)?.tree_id());
    if !changes(&repo, old, new)?.iter().any(|(p, _)| p.starts_with("elections/")) {
        return Ok(None);
    }
    check_pr(&repo, base, head, author, date).map(Some)
}

impl Proposal {
    /// What the pull request is, for a person.
    pub fn describe(&self) -> String {
        match self.step {
            Step::Open => format!(
                "the opening of election {} ({}): it needs a majority of the election committee, and is recorded with `rollcall election record`",
                self.election, self.path
            ),
            Step::Nominate => format!(
                "a nomination of {} in election {} ({})",
                self.nominee.as_deref().unwrap_or_default(),
                self.election,
                self.path
            ),
            Step::Accept => format!(
                "{}'s acceptance of their nomination in election {}",
                self.nominee.as_deref().unwrap_or_default(),
                self.election
            ),
            Step::Certify => format!("the certification of election {}", self.election),
        }
    }
}
