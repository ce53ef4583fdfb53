//! An amendment: one ledger event that changes the rules (anything under
//! `schema/`: the policy, the member schema, the trust anchors, the board
//! and the committees). Like the genesis it records no member; its
//! trailers name the files it changed, its kind, its date, the directors
//! who approved it, its pull request and the event before it, parsed as
//! strictly as a member event's.
//!
//! It is approved as the policy in force *before* it requires
//! (`amendments.approvals`, default a majority of the directors then
//! seated): each approver a director, counted once, none approving a change
//! to their own seat. Seating and unseating directors and appointing and
//! dismissing committee members are amendments of named kinds, derived
//! from what the change does, so that `log` and `board` show them.
//!
//! `rollcall amend` records one ([`amend`]) under merge's guarantees: judged
//! at the tip under the tip's rules, the new rules loaded and the roll
//! validated under them, signed where the policy says, `verify`'s gate,
//! compare-and-swap on the branch.

use crate::change::approval::Approver;
use crate::change::event::{Approval, Closing, Role, Trailers, write_closing};
use crate::change::ledger::{self, Branch, Gate, LedgerError};
use crate::change::merge::MergeError;
use crate::change::sign::Signer;
use crate::finding::{Finding, Pos, Severity};
use crate::roll::config::{self, Config, ConfigError};
use crate::roll::mirrors::MirrorCheck;
use crate::roll::policy::Policy;
use crate::roll::rules::names::amend::*;
use crate::roll::rules::names::approval::NOT_SELF;
use crate::roll::source::{Source, SourceError};
use crate::roll::validate::{self, Options};
use git2::{Oid, Repository};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::{BTreeSet, HashSet};
use std::path::Path;

/// Where the rules live; a change under it is an amendment.
pub const SCHEMA_DIR: &str = "schema";

/// Whether `path` is one of the rules' files.
pub fn is_rules_file(path: &str) -> bool {
    path.starts_with("schema/")
}

/// What an amendment does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AmendKind {
    /// Any other change to the rules.
    Amend,
    /// Directors added to the board, nothing else.
    Seat,
    /// Directors removed from the board, nothing else.
    Unseat,
    /// People added to the membership or election committee, nothing else.
    Appoint,
    /// People removed from the membership or election committee, nothing else.
    Dismiss,
}

impl AmendKind {
    pub const ALL: [AmendKind; 5] =
        [AmendKind::Amend, AmendKind::Seat, AmendKind::Unseat, AmendKind::Appoint, AmendKind::Dismiss];

    pub fn as_str(self) -> &'static str {
        match self {
            AmendKind::Amend => "amend",
            AmendKind::Seat => "seat",
            AmendKind::Unseat => "unseat",
            AmendKind::Appoint => "appoint",
            AmendKind::Dismiss => "dismiss",
        }
    }

    pub fn parse(text: &str) -> Option<AmendKind> {
        AmendKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Amendment {
    pub kind: AmendKind,
    /// The files under `schema/` it changed, sorted.
    pub changed: Vec<String>,
    pub date: Date,
    /// The directors who approved it (role `board`).
    pub approvals: Vec<Approval>,
    pub pull_request: Option<u64>,
    pub pull_request_head: Option<Oid>,
    /// The event before it on the branch (the genesis at least).
    pub previous: Option<Oid>,
}

const EVENT: &str = "Rollcall-Event";
const CHANGED: &str = "Rollcall-Changed";

impl Amendment {
    /// The commit message: a subject for people, then the trailers.
    pub fn message(&self) -> String {
        let verb = match self.kind {
            AmendKind::Amend => "Amend",
            AmendKind::Seat => "Seat directors:",
            AmendKind::Unseat => "Unseat directors:",
            AmendKind::Appoint => "Appoint to a committee:",
            AmendKind::Dismiss => "Dismiss from a committee:",
        };
        let mut out = format!("{verb} {}\n\n{EVENT}: {}\n", self.changed.join(", "), self.kind.as_str());
        for file in &self.changed {
            out.push_str(&format!("{CHANGED}: {file}\n"));
        }
        write_closing(&mut out, self.date, &self.approvals, self.pull_request, self.pull_request_head, self.previous);
        out
    }

    /// The amendment a commit message records; `None` if it records none,
    /// or if it is not exactly what `message` writes.
    pub fn parse(message: &str) -> Option<Amendment> {
        let mut trailers = Trailers::of(message)?;
        let kind = AmendKind::parse(trailers.take(EVENT)?)?;
        let mut changed = Vec::new();
        while let Some(file) = trailers.take(CHANGED) {
            changed.push(file.to_owned());
        }
        // Only directors approve an amendment.
        let board = |role: &str| (role == Role::Board.as_str()).then_some(Role::Board);
        let Closing { date, approvals, pull_request, pull_request_head, previous } = trailers.closing(board)?;
        let amendment = Amendment { kind, changed, date, approvals, pull_request, pull_request_head, previous };
        let sorted = amendment.changed.windows(2).all(|w| w[0] < w[1]);
        (trailers.finished() && sorted && !amendment.changed.is_empty() && amendment.message() == message)
            .then_some(amendment)
    }
}

/// Who is on the board and the committees: (github_id) sets.
struct Seats {
    directors: BTreeSet<u64>,
    committees: BTreeSet<(u8, u64)>,
}

fn seats(policy: &Policy) -> Seats {
    Seats {
        directors: policy.board.directors.iter().map(|d| d.github_id).collect(),
        committees: policy
            .committee
            .members
            .iter()
            .map(|p| (0, p.github_id))
            .chain(policy.election_committee.iter().map(|p| (1, p.github_id)))
            .collect(),
    }
}

/// The policy's data with the board's and the committees' members left out,
/// to see whether anything else changed.
pub(crate) fn without_seats(bytes: &[u8]) -> Option<serde_json::Value> {
    let doc = crate::roll::yaml::load("", bytes, crate::roll::yaml::CONFIG_LIMITS, crate::roll::yaml::Layout::Free);
    let mut value = doc.value?;
    value.get_mut("board")?.as_object_mut()?.remove("directors");
    value.get_mut("committee")?.as_object_mut()?.remove("members");
    value.as_object_mut()?.remove("election_committee");
    Some(value)
}

/// What an amendment does, from the rules before and after: a named kind
/// when it only seats, unseats, appoints or dismisses people (the policy
/// file its one change), `amend` otherwise.
pub fn classify(changed: &[String], before: &Config, after: &Config, policy_bytes: (&[u8], &[u8])) -> AmendKind {
    if changed != [crate::roll::policy::POLICY_FILE] {
        return AmendKind::Amend;
    }
    if without_seats(policy_bytes.0).is_none() || without_seats(policy_bytes.0) != without_seats(policy_bytes.1) {
        return AmendKind::Amend;
    }
    let (old, new) = (seats(&before.policy.policy), seats(&after.policy.policy));
    fn grew<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> bool {
        a.is_subset(b) && a != b
    }
    let board_same = old.directors == new.directors;
    let committees_same = old.committees == new.committees;
    match () {
        _ if committees_same && grew(&old.directors, &new.directors) => AmendKind::Seat,
        _ if committees_same && grew(&new.directors, &old.directors) => AmendKind::Unseat,
        _ if board_same && grew(&old.committees, &new.committees) => AmendKind::Appoint,
        _ if board_same && grew(&new.committees, &old.committees) => AmendKind::Dismiss,
        _ => AmendKind::Amend,
    }
}

/// The github ids whose seat on the board or a committee the change gives
/// or takes: none of them approves it.
fn affected(before: &Policy, after: &Policy) -> HashSet<u64> {
    let (old, new) = (seats(before), seats(after));
    let mut out: HashSet<u64> = old.directors.symmetric_difference(&new.directors).copied().collect();
    out.extend(old.committees.symmetric_difference(&new.committees).map(|(_, id)| *id));
    out
}

/// What the policy `before` asks of an amendment, for a person.
pub fn needs(before: &Policy) -> String {
    let seated = before.board.directors.len();
    let rule = before.amendments.approvals;
    let logins: Vec<&str> = before.board.directors.iter().map(|d| d.github.as_str()).collect();
    format!(
        "the approval of {} of the {seated} directors seated now ({}: {}), each once, none approving a change to their own seat",
        rule.needed(seated),
        rule.as_str(),
        logins.join(", ")
    )
}

/// The approvals of an amendment judged under the policy in force before
/// it: the approvals to record (role `board`), or why not. `file` is the
/// file the findings point at (the first one changed).
pub fn judge_approvals(
    before: &Policy,
    after: Option<&Policy>,
    approvers: &[Approver],
    file: &str,
) -> Result<Vec<Approval>, Vec<Finding>> {
    let error = |rule: &'static str, message: String, help: &str| {
        Finding::new(rule, Severity::Error, file, Pos::START, "", message, help)
    };
    let mut findings = Vec::new();
    let mut counted: Vec<Approval> = Vec::new();
    let affected = after.map(|after| affected(before, after)).unwrap_or_default();
    for approver in approvers {
        let director =
            before.board.directors.iter().find(|d| {
                d.github.eq_ignore_ascii_case(&approver.login) && approver.id.is_none_or(|id| id == d.github_id)
            });
        let Some(director) = director else {
            findings.push(error(
                AMEND_APPROVALS,
                format!("{} is not a director seated before the amendment", approver.login),
                "an amendment is approved by the directors the rules in force seat (board.directors)",
            ));
            continue;
        };
        if counted.iter().any(|a| a.id == director.github_id) {
            findings.push(error(
                AMEND_APPROVALS,
                format!("{} approves twice: a director counts once", director.github),
                "name each approving director once",
            ));
            continue;
        }
        if affected.contains(&director.github_id) {
            findings.push(error(
                NOT_SELF,
                format!("{} approves a change to their own seat", director.github),
                "the other directors approve a change to a director's own seat",
            ));
            continue;
        }
        counted.push(Approval { login: director.github.clone(), id: director.github_id, role: Role::Board });
    }
    let needed = before.amendments.approvals.needed(before.board.directors.len());
    if findings.is_empty() && counted.len() < needed {
        findings.push(error(
            AMEND_APPROVALS,
            format!("{} director(s) approved; the amendment needs {}", counted.len(), needs(before)),
            "record it once enough directors have approved (--approved-by or --reviews)",
        ));
    }
    if findings.is_empty() { Ok(counted) } else { Err(findings) }
}

/// The rules' files a change touches, if it touches only them (and
/// `roll.index`, which is dropped); findings otherwise.
pub fn scope(paths: &[String]) -> Result<Vec<String>, Vec<Finding>> {
    let (rules, other): (Vec<&String>, Vec<&String>) =
        paths.iter().filter(|p| p.as_str() != crate::roll::index::INDEX_FILE).partition(|p| is_rules_file(p));
    if let Some(first) = other.first().filter(|_| !rules.is_empty()) {
        return Err(vec![Finding::error(
            AMEND_SCOPE,
            first.as_str(),
            Pos::START,
            "",
            format!("a change to schema/ also changes {first}"),
            "an amendment changes only files under schema/: propose the other changes in a pull request of their own",
        )]);
    }
    if rules.is_empty() {
        return Err(vec![Finding::error(
            AMEND_SCOPE,
            "",
            Pos::START,
            "",
            "the change touches nothing under schema/: it is not an amendment",
            "an amendment changes the rules (files under schema/)",
        )]);
    }
    let mut rules: Vec<String> = rules.into_iter().cloned().collect();
    rules.sort();
    Ok(rules)
}

/// The tree of the rules at `tree` after the change: `tree` with the
/// `schema/` folder of `head`.
pub fn with_rules_of(repo: &Repository, tree: Oid, head: Oid) -> Result<Oid, git2::Error> {
    let base = repo.find_tree(tree)?;
    let head = repo.find_tree(head)?;
    let mut root = repo.treebuilder(Some(&base))?;
    match head.get_name(SCHEMA_DIR) {
        Some(schema) => {
            root.insert(SCHEMA_DIR, schema.id(), schema.filemode())?;
        }
        None => {
            if base.get_name(SCHEMA_DIR).is_some() {
                root.remove(SCHEMA_DIR)?;
            }
        }
    }
    root.write()
}

/// The files under `schema/` that differ between two trees, sorted.
pub fn changed_rules(repo: &Repository, old: Oid, new: Oid) -> Result<Vec<String>, git2::Error> {
    let (old, new) = (repo.find_tree(old)?, repo.find_tree(new)?);
    let diff = repo.diff_tree_to_tree(Some(&old), Some(&new), None)?;
    let mut out: Vec<String> = diff
        .deltas()
        .filter_map(|d| d.new_file().path().or(d.old_file().path()).map(|p| p.to_string_lossy().into_owned()))
        .filter(|p| is_rules_file(p))
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

/// The policy file's bytes at `tree` (empty if absent).
pub fn policy_bytes(repo: &Repository, tree: Oid) -> Vec<u8> {
    repo.find_tree(tree)
        .ok()
        .and_then(|t| t.get_path(Path::new(crate::roll::policy::POLICY_FILE)).ok())
        .and_then(|e| repo.find_blob(e.id()).ok())
        .map(|b| b.content().to_vec())
        .unwrap_or_default()
}

/// An amendment judged legal: its kind, the rules' files it changes, the
/// approvals to record.
pub type Judged = (AmendKind, Vec<String>, Vec<Approval>);

/// The rules at `new` judged as an amendment of the rules at `old` on
/// `date`: the new rules load, the roll at `new` validates whole under
/// them, the approvals are the old policy's. The kind and approvals to
/// record, or the findings.
pub fn judge(
    repo: &Repository,
    old: Oid,
    new: Oid,
    approvers: &[Approver],
    date: Date,
    skip: &BTreeSet<String>,
) -> Result<Result<Judged, Vec<Finding>>, SourceError> {
    let before = match config::load(&Source::at(repo, old)) {
        Ok(config) => config,
        Err(ConfigError::Invalid(findings)) => return Ok(Err(findings)),
        Err(ConfigError::Source(e)) => return Err(e),
    };
    let changed = changed_rules(repo, old, new).map_err(SourceError::from)?;
    let first = changed.first().cloned().unwrap_or_default();
    let source = Source::at(repo, new);
    let after = match config::load(&source) {
        Ok(config) => config,
        Err(ConfigError::Invalid(findings)) => return Ok(Err(findings)),
        Err(ConfigError::Source(e)) => return Err(e),
    };
    let approvals = match judge_approvals(&before.policy.policy, Some(&after.policy.policy), approvers, &first) {
        Ok(approvals) => approvals,
        Err(findings) => return Ok(Err(findings)),
    };
    let options = Options { as_of: date, skip: skip.clone(), mirrors: MirrorCheck::Off };
    let validated = validate::validate_with(&source, &after, &options)?;
    let findings: Vec<Finding> =
        validated.findings.into_iter().filter(|f| f.is_error() && !skip.contains(f.rule.as_ref())).collect();
    if !findings.is_empty() {
        return Ok(Err(findings));
    }
    let kind = classify(&changed, &before, &after, (&policy_bytes(repo, old), &policy_bytes(repo, new)));
    Ok(Ok((kind, changed, approvals)))
}

/// What `rollcall amend` is given.
pub struct Request {
    pub branch: String,
    /// The pull request's head commit.
    pub head: String,
    pub pull_request: Option<u64>,
    pub approvers: Vec<Approver>,
    pub date: Date,
    pub skip: BTreeSet<String>,
    /// `verify`'s judgement of the amendment's commit, run before the branch moves.
    pub gate: Gate,
}

/// What happened: the amendment written, or why not.
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub recorded: Option<(Amendment, Oid)>,
}

/// How often a lost race is judged again before giving up.
const ATTEMPTS: usize = 16;

/// Records the pull request `request.head` as an amendment on the branch.
/// The pull request changes only `schema/` (from its merge base with the
/// tip), and the rules it changes are the rules at the tip: an amendment
/// proposed against rules that have changed since is refused, to be
/// rebased and approved again (the directors approved a change to the
/// rules they saw).
pub fn amend(dir: &Path, request: &Request, signer: Option<&Signer>) -> Result<Outcome, MergeError> {
    let refused = |findings| Ok(Outcome { findings, recorded: None });
    if let Some(finding) = crate::change::merge::future_date(request.date, "") {
        return refused(vec![finding]);
    }
    let repo = Repository::open(dir).map_err(MergeError::from)?;
    let head = repo.revparse_single(&request.head).and_then(|o| o.peel_to_commit()).map_err(MergeError::from)?;
    for _ in 0..ATTEMPTS {
        let branch = Branch::open(&repo, &request.branch)?;
        let tip = repo.find_commit(branch.tip).map_err(MergeError::from)?;
        let before = crate::change::merge::load_config(&Source::at(&repo, tip.tree_id()))?;
        if before.policy.policy.signed_events && signer.is_none() {
            return Err(MergeError::Unsigned);
        }
        let base = repo.merge_base(tip.id(), head.id()).map_err(MergeError::from)?;
        let base_tree = repo.find_commit(base).map_err(MergeError::from)?.tree_id();
        let paths = all_changed(&repo, base_tree, head.tree_id()).map_err(MergeError::from)?;
        if let Err(findings) = scope(&paths) {
            return refused(findings);
        }
        if !changed_rules(&repo, base_tree, tip.tree_id()).map_err(MergeError::from)?.is_empty() {
            return refused(vec![Finding::error(
                AMEND_BASE,
                "",
                Pos::START,
                "",
                "the rules changed on the branch since the pull request was opened",
                "rebase the pull request onto the branch; the directors approve the change to the rules in force",
            )]);
        }
        let tree = with_rules_of(&repo, tip.tree_id(), head.tree_id()).map_err(MergeError::from)?;
        let (kind, changed, approvals) =
            match judge(&repo, tip.tree_id(), tree, &request.approvers, request.date, &request.skip)? {
                Ok(judged) => judged,
                Err(findings) => return refused(findings),
            };
        let previous = ledger::previous_event(&repo, tip.id())?;
        let amendment = Amendment {
            kind,
            changed,
            date: request.date,
            approvals,
            pull_request: request.pull_request,
            pull_request_head: Some(head.id()),
            previous,
        };
        let message = amendment.message();
        let commit = ledger::write_commit(&repo, &message, tree, &[&tip], signer)?;
        let found = (request.gate)(&repo, tip.id(), commit, &request.skip).map_err(LedgerError::Git)?;
        if !found.is_empty() {
            return refused(found);
        }
        match ledger::advance(&repo, &branch, commit, &message) {
            Ok(()) => return Ok(Outcome { findings: Vec::new(), recorded: Some((amendment, commit)) }),
            Err(LedgerError::Moved) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(MergeError::Contended)
}

/// Every path that differs between two trees.
fn all_changed(repo: &Repository, old: Oid, new: Oid) -> Result<Vec<String>, git2::Error> {
    let (old, new) = (repo.find_tree(old)?, repo.find_tree(new)?);
    let diff = repo.diff_tree_to_tree(Some(&old), Some(&new), None)?;
    Ok(diff
        .deltas()
        .filter_map(|d| d.new_file().path().or(d.old_file().path()).map(|p| p.to_string_lossy().into_owned()))
        .collect())
}
