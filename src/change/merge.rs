//! `rollcall merge` and the lifecycle commands: each judges one change to a
//! member file under the rules of the branch it goes on, checks the
//! approvals, stamps what the merger writes, and records it as one ledger
//! event. If the branch moves meanwhile, the whole judgement runs again
//! against the new tip (a racing merge may have taken the number, or the
//! member), so two merges give two events in some order, or one refusal.
//!
//! Whatever is recorded must verify. The judgement here is the merger's
//! (what to stamp, and why not); the last word is `verify`'s own: after the
//! event's commit is written and before the branch moves, the request's
//! [`Gate`] judges that commit on top of the tip through the very code path
//! the replay runs for that step (signature window, previous-event link,
//! date order, event change, stamp, member fields, approvals, number reuse,
//! cross-file rules). That code lives in `history::verify`, a layer above
//! this one, because it needs the replay's state (allowed signers, the
//! roster); rather than move the replay down or copy it, this layer takes
//! the gate as a required field of every [`Request`], and the command line
//! passes `history::verify::gate`. A required field, not an option: no
//! caller can record an event without the check.

use crate::change::approval::{self, Approver, Payment, Subject};
use crate::change::event::{Event, Kind};
use crate::change::genesis::Genesis;
use crate::change::ledger::{self, Admission, Branch, Draft, Gate, LedgerError};
use crate::change::lifecycle::{self, Stamp, Termination};
use crate::change::pull_request::{self, Author, PrKind};
use crate::change::sign::Signer;
use crate::finding::{Finding, Pos, Severity, quoted};
use crate::roll::config::{self, Config, ConfigError};
use crate::roll::layout;
use crate::roll::member::{Member, Status};
use crate::roll::mirrors::{self, MirrorCheck};
use crate::roll::neighbours::{self, Wanted};
use crate::roll::rules::Context;
use crate::roll::rules::names::history::FUTURE_DATE;
use crate::roll::rules::names::lifecycle::*;
use crate::roll::source::{Source, SourceError};
use crate::roll::validate::{self, Options};
use crate::roll::yaml::{self, MEMBER_LIMITS, Spans};
use git2::{Oid, Repository};
use jiff::civil::Date;
use serde_json::Value;
use std::path::Path;

/// How often a lost race is judged again before giving up.
const ATTEMPTS: usize = 16;

/// What every event command is given.
pub struct Request {
    pub branch: String,
    pub approvers: Vec<Approver>,
    pub payment: Option<Payment>,
    /// The event's date (and the `as_of` of the rules).
    pub date: Date,
    pub skip: std::collections::BTreeSet<String>,
    /// `verify`'s judgement of the event's commit, run before the branch moves.
    pub gate: Gate,
    /// Whether mirror members are checked against the mirror list (admission, update, renewal).
    pub mirrors: MirrorCheck,
}

/// The pull request `merge` records.
pub struct PullRequest {
    pub head: String,
    pub author: Author,
    pub number: Option<u64>,
}

/// A lifecycle event on a member of the roll.
pub struct Lifecycle {
    pub member: String,
    pub kind: Kind,
    pub termination: Option<Termination>,
    pub tier: Option<String>,
}

/// What happened: the event written, or why not.
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub recorded: Option<(Event, Oid)>,
}

#[derive(Debug)]
pub enum MergeError {
    Source(SourceError),
    Ledger(LedgerError),
    /// The policy requires signed events and no key was given.
    Unsigned,
    /// Every attempt lost the race to another writer.
    Contended,
}

impl std::fmt::Display for MergeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MergeError::Source(e) => e.fmt(f),
            MergeError::Ledger(e) => e.fmt(f),
            MergeError::Unsigned => f.write_str("the policy requires signed events: pass --sign KEY"),
            MergeError::Contended => write!(f, "the branch kept moving; {ATTEMPTS} attempts lost the race"),
        }
    }
}

impl From<SourceError> for MergeError {
    fn from(e: SourceError) -> MergeError {
        MergeError::Source(e)
    }
}

impl From<LedgerError> for MergeError {
    fn from(e: LedgerError) -> MergeError {
        MergeError::Ledger(e)
    }
}

impl From<git2::Error> for MergeError {
    fn from(e: git2::Error) -> MergeError {
        MergeError::Source(e.into())
    }
}

/// One change judged and ready to stamp.
struct Proposal {
    kind: Kind,
    file: String,
    /// The member file before the event (`None` for an application).
    before: Option<Value>,
    /// The member file as proposed, before the merger's stamp.
    after: MemberDocument,
    termination: Option<Termination>,
    tier: Option<String>,
    pull_request: Option<(Option<u64>, Oid)>,
}

/// Merges the pull request `pr` onto the request's branch.
pub fn merge(dir: &Path, request: &Request, pr: &PullRequest, signer: Option<&Signer>) -> Result<Outcome, MergeError> {
    with_retries(dir, request, signer, |repo, branch| {
        let options = Options { as_of: request.date, skip: request.skip.clone(), mirrors: request.mirrors.clone() };
        let judgement = pull_request::judge(dir, &branch.tip.to_string(), &pr.head, &pr.author, &options)
            .map_err(|e| MergeError::Source(SourceError::Git(e.to_string())))?;
        let head = repo.revparse_single(&pr.head).and_then(|o| o.peel_to_commit()).map_err(MergeError::from)?.id();
        if !judgement.is_acceptable() {
            // Merged already: one finding saying so, not every way the
            // pull request now differs from the roll.
            if let Some(finding) = already_merged(repo, branch.tip, head)? {
                return Ok(Err(vec![finding]));
            }
            return Ok(Err(judgement.findings));
        }
        let (kind, file) = match &judgement.change {
            PrKind::Application { file, .. } => (Kind::Admit, file),
            PrKind::Update { file, .. } => (Kind::Update, file),
            PrKind::TierChange { file, .. } => (Kind::ChangeTier, file),
            PrKind::Resignation { file, .. } => (Kind::Resign, file),
            PrKind::Amendment { paths, .. } => {
                let help = "record an amendment of the rules with `rollcall amend`, approved by the directors";
                return Ok(Err(vec![not_a_member_change(&judgement.change, paths, help)]));
            }
            PrKind::Maintenance { paths } => {
                let help = "merge changes outside members/ through the repository's own review, not rollcall merge";
                return Ok(Err(vec![not_a_member_change(&judgement.change, paths, help)]));
            }
            // An acceptable judgement is never a rejection.
            PrKind::Rejected => return Ok(Err(judgement.findings)),
        };
        let after = MemberDocument::of(file, judgement.member.clone().unwrap_or_default());
        let before = MemberDocument::at(repo, branch.tip, file)?.map(|d| d.value);
        Ok(Ok(Proposal {
            kind,
            file: file.clone(),
            before,
            after,
            termination: None,
            tier: None,
            pull_request: Some((pr.number, head)),
        }))
    })
}

/// A pull request `merge` does not record (the rules, or files outside
/// `members/`), found at the first file it changes.
fn not_a_member_change(change: &PrKind, paths: &[String], help: &str) -> Finding {
    let file = paths.first().map_or("", String::as_str);
    let message = format!("the pull request is {}", change.describe());
    Finding::error(NOT_A_MEMBER_CHANGE, file, Pos::START, "", message, help)
}

/// The event that already merged the pull request whose head is `head`,
/// as a finding: looked for in the branch's first-parent history back to
/// where the pull request started (its merge base), the only place such an
/// event can be.
fn already_merged(repo: &Repository, tip: Oid, head: Oid) -> Result<Option<Finding>, MergeError> {
    let mut walk = repo.revwalk().map_err(MergeError::from)?;
    walk.simplify_first_parent().map_err(MergeError::from)?;
    walk.push(tip).map_err(MergeError::from)?;
    if let Ok(base) = repo.merge_base(tip, head) {
        walk.hide(base).map_err(MergeError::from)?;
    }
    for commit in walk {
        let commit = repo.find_commit(commit.map_err(MergeError::from)?).map_err(MergeError::from)?;
        let Some(event) = commit.message().ok().and_then(Event::parse) else { continue };
        if event.pull_request_head != Some(head) {
            continue;
        }
        let short = &commit.id().to_string()[..12];
        let number = event.pull_request.map_or_else(String::new, |n| format!(" #{n}"));
        let now = MemberDocument::at(repo, tip, &event.file)?.map(|d| d.value).unwrap_or_default();
        let message = match (event.kind, now.get("admitted").and_then(Value::as_str)) {
            (Kind::Admit, Some(admitted)) => format!(
                "pull request{number} was already merged: {} is a member since {admitted}{} (event {short})",
                event.member,
                event.member_number.map_or_else(String::new, |n| format!(", member number {n}")),
            ),
            _ => format!(
                "pull request{number} was already merged on {} ({} of {}, event {short})",
                event.date,
                event.kind.as_str(),
                event.member
            ),
        };
        let line = Pos::START;
        return Ok(Some(Finding::error(
            ALREADY_MERGED,
            &event.file,
            line,
            "",
            message,
            "nothing to merge; a further change needs a new pull request",
        )));
    }
    Ok(None)
}

/// Records a lifecycle event on a member of the roll.
pub fn lifecycle(
    dir: &Path,
    request: &Request,
    event: &Lifecycle,
    signer: Option<&Signer>,
) -> Result<Outcome, MergeError> {
    with_retries(dir, request, signer, |repo, branch| {
        let file = layout::member_path(&event.member);
        let Some(document) = MemberDocument::at(repo, branch.tip, &file)? else {
            return Ok(Err(vec![Finding::error(
                UNKNOWN_MEMBER,
                &file,
                Pos::START,
                "",
                format!("the roll has no member {}", quoted(&event.member)),
                "give the member's id, as in members/<shard>/<id>.yaml",
            )]));
        };
        let before = Some(document.value.clone());
        // A tier change is judged, approved and paid for as the new tier.
        let after = match &event.tier {
            Some(tier) => {
                let mut value = document.value;
                value["tier"] = Value::String(tier.clone());
                MemberDocument::of(&file, value)
            }
            None => document,
        };
        Ok(Ok(Proposal {
            kind: event.kind,
            file,
            before,
            after,
            termination: event.termination.clone(),
            tier: event.tier.clone(),
            pull_request: None,
        }))
    })
}

/// The members whose terms ended before `request.date` and who are still
/// active: one lapse event each, in file order.
pub fn expire(dir: &Path, request: &Request, signer: Option<&Signer>) -> Result<Vec<Outcome>, MergeError> {
    if let Some(finding) = future_date(request.date, "") {
        return Ok(vec![Outcome { findings: vec![finding], recorded: None }]);
    }
    let repo = Repository::open(dir).map_err(MergeError::from)?;
    let branch = Branch::open(&repo, &request.branch)?;
    let source = Source::at(&repo, repo.find_commit(branch.tip).map_err(MergeError::from)?.tree_id());
    let config = load_config(&source)?;
    let options = Options { as_of: request.date, skip: request.skip.clone(), mirrors: request.mirrors.clone() };
    let validated = validate::validate_with(&source, &config, &options)?;
    let mut outcomes = Vec::new();
    for member in validated.members.iter().filter(|m| m.is_active() && m.expires.is_some_and(|e| e < request.date)) {
        let Some(id) = &member.id else { continue };
        let event = Lifecycle { member: id.clone(), kind: Kind::Lapse, termination: None, tier: None };
        outcomes.push(lifecycle(dir, request, &event, signer)?);
    }
    Ok(outcomes)
}

/// An event dated after today (UTC), beyond a day of clock skew, is
/// refused: `verify` refuses it too (`history.future-date`, against its
/// commit's time), and once recorded it would block every event dated today.
pub(crate) fn future_date(date: Date, file: &str) -> Option<Finding> {
    let latest = crate::util::today().saturating_add(jiff::ToSpan::days(1));
    (date > latest).then(|| {
        Finding::error(
            FUTURE_DATE,
            file,
            Pos::START,
            "",
            format!("the event's date {date} is in the future (today is {}, UTC)", crate::util::today()),
            "nothing was recorded: give today's date, or omit --date (--as-of for expire), which means today",
        )
    })
}

pub(crate) fn load_config(source: &Source) -> Result<Config, MergeError> {
    match config::load(source) {
        Ok(config) => Ok(config),
        Err(ConfigError::Source(e)) => Err(e.into()),
        Err(ConfigError::Invalid(findings)) => Err(MergeError::Source(SourceError::NotALedger(format!(
            "the branch's rules cannot be read: {}",
            findings.first().map(|f| format!("{}:{}: {}", f.file, f.line, f.message)).unwrap_or_default()
        )))),
    }
}

type Proposed = Result<Proposal, Vec<Finding>>;

/// Judges against the branch's tip, stamps and records; judges again from
/// the new tip whenever another writer moved the branch first.
fn with_retries(
    dir: &Path,
    request: &Request,
    signer: Option<&Signer>,
    propose: impl Fn(&Repository, &Branch) -> Result<Proposed, MergeError>,
) -> Result<Outcome, MergeError> {
    let repo = Repository::open(dir).map_err(MergeError::from)?;
    for _ in 0..ATTEMPTS {
        let branch = Branch::open(&repo, &request.branch)?;
        let tree = repo.find_commit(branch.tip).map_err(MergeError::from)?.tree_id();
        let config = load_config(&Source::at(&repo, tree))?;
        if config.policy.policy.signed_events && signer.is_none() {
            return Err(MergeError::Unsigned);
        }
        let proposal = match propose(&repo, &branch)? {
            Ok(proposal) => proposal,
            Err(findings) => return Ok(Outcome { findings, recorded: None }),
        };
        let prepared = match prepare(&repo, &branch, &config, request, proposal)? {
            Ok(prepared) => prepared,
            Err(findings) => return Ok(Outcome { findings, recorded: None }),
        };
        let draft = Draft { event: &prepared.event, bytes: prepared.bytes.as_bytes() };
        let admission = Admission { gate: request.gate, skip: &request.skip };
        match ledger::record(&repo, &branch, &draft, signer, &admission) {
            Ok(commit) => {
                return Ok(Outcome { findings: prepared.warnings, recorded: Some((prepared.event, commit)) });
            }
            Err(LedgerError::Moved) => continue,
            Err(LedgerError::Refused(findings)) => return Ok(Outcome { findings, recorded: None }),
            Err(e) => return Err(e.into()),
        }
    }
    Err(MergeError::Contended)
}

struct Prepared {
    event: Event,
    bytes: String,
    warnings: Vec<Finding>,
}

/// The transition, the approvals, the stamp, and the stamped file judged
/// with its neighbours in the roll.
fn prepare(
    repo: &Repository,
    branch: &Branch,
    config: &Config,
    request: &Request,
    proposal: Proposal,
) -> Result<Result<Prepared, Vec<Finding>>, MergeError> {
    let ctx = Context { config, as_of: request.date };
    let options = Options { as_of: request.date, skip: request.skip.clone(), mirrors: request.mirrors.clone() };
    let member = &proposal.after.member;
    let from = match &proposal.before {
        None => Status::Applicant,
        Some(before) => {
            before.get("status").and_then(Value::as_str).and_then(Status::parse).unwrap_or(Status::Applicant)
        }
    };
    if let Some(finding) = future_date(request.date, &proposal.file) {
        return Ok(Err(vec![finding]));
    }
    if let Err(why) = lifecycle::transition(proposal.kind, from) {
        let finding = Finding::error(
            TRANSITION,
            &proposal.file,
            proposal.after.spans.locate("/status"),
            "/status",
            why,
            "nothing was recorded; check the member's status with `rollcall validate`",
        );
        return Ok(Err(vec![finding]));
    }
    let tip_tree = repo.find_commit(branch.tip).and_then(|c| c.tree()).map_err(MergeError::from)?;
    let before_member = proposal.before.map(|v| MemberDocument::of(&proposal.file, v).member);
    let mut wanted = Wanted::of(member, before_member.as_ref(), &ctx);
    wanted.accounts.extend(approver_accounts(config, &request.approvers));
    let found = neighbours::find(repo, &tip_tree, &proposal.file, &wanted)?;
    let subject = Subject { member, value: &proposal.after.value, spans: &proposal.after.spans, roll: &found.members };
    let needs = lifecycle::needs(proposal.kind);
    let verdict = approval::judge(&config.policy.policy, needs, &subject, &request.approvers, request.payment.as_ref());
    if verdict.findings.iter().any(Finding::is_error) {
        return Ok(Err(verdict.findings));
    }
    let number = match (proposal.kind, before_member.as_ref().and_then(|m| m.member_number)) {
        (Kind::Admit, _) => Some(found.max_number + 1),
        (_, number) => number,
    };
    let stamp = Stamp {
        date: request.date,
        term_months: config.policy.policy.term_months,
        approvals: verdict.approvals.clone(),
        payment: request.payment.clone(),
        number,
        termination: proposal.termination.clone(),
        tier: proposal.tier.clone(),
    };
    let stamped = match lifecycle::stamp(proposal.kind, &proposal.after.value, &stamp) {
        Ok(stamped) => stamped,
        Err(why) => {
            let finding = Finding::error(STAMP, &proposal.file, member.pos(""), "", why, "nothing was recorded");
            return Ok(Err(vec![finding]));
        }
    };
    let bytes = yaml::to_canonical(&stamped);
    let mut findings = verdict.findings;
    let Some((stamped_member, _)) =
        validate::check_document(&proposal.file, bytes.as_bytes(), &ctx, &options, &mut findings)
    else {
        return Ok(Err(findings));
    };
    let caused = neighbours::caused_findings(&found.members, &stamped_member, before_member.as_ref(), &ctx, &options);
    findings.extend(caused);
    // The mirror list is re-checked on every event that admits, changes or
    // continues a mirror membership: a mirror removed from it cannot renew.
    if matches!(proposal.kind, Kind::Admit | Kind::Update | Kind::ChangeTier | Kind::Renew | Kind::Readmit) {
        let after = &proposal.after;
        findings.extend(mirrors::check_document(
            &config.policy.policy,
            &request.mirrors,
            &proposal.file,
            &after.value,
            &after.spans,
        ));
    }
    findings.retain(|f| !options.skip.contains(f.rule.as_ref()));
    if findings.iter().any(Finding::is_error) {
        return Ok(Err(findings));
    }
    let previous = ledger::previous_event(repo, branch.tip)?;
    let previous_date = previous.and_then(|p| repo.find_commit(p).ok()).and_then(|c| {
        let message = c.message().ok()?;
        Event::parse(message).map(|e| e.date).or_else(|| Genesis::parse(message).map(|g| g.date))
    });
    if let Some(date) = previous_date.filter(|d| *d > request.date) {
        let why = format!("the event's date {} is before the branch's latest event ({date})", request.date);
        let help = "events are recorded in date order: give --date on or after it";
        return Ok(Err(vec![Finding::error(STAMP, &proposal.file, member.pos(""), "", why, help)]));
    }
    let (pull_request, pull_request_head) = match proposal.pull_request {
        Some((number, head)) => (number, Some(head)),
        None => (None, None),
    };
    let event = Event {
        kind: proposal.kind,
        member: stamped_member.id.clone().unwrap_or_default(),
        file: proposal.file.clone(),
        member_number: number,
        date: request.date,
        approvals: verdict.approvals,
        pull_request,
        pull_request_head,
        previous,
    };
    let warnings = findings.into_iter().filter(|f| f.severity == Severity::Warning).collect();
    Ok(Ok(Prepared { event, bytes, warnings }))
}

/// The numeric accounts of the approvers as the policy knows them, so that
/// the roll's members they represent are among the neighbours.
fn approver_accounts(config: &Config, approvers: &[Approver]) -> Vec<u64> {
    let policy = &config.policy.policy;
    let people = policy.committee.members.iter().map(|p| (&p.github, p.github_id));
    let directors = policy.board.directors.iter().map(|d| (&d.github, d.github_id));
    let known: Vec<(&String, u64)> = people.chain(directors).collect();
    approvers
        .iter()
        .filter_map(|a| {
            a.id.or_else(|| known.iter().find(|(l, _)| l.eq_ignore_ascii_case(&a.login)).map(|(_, id)| *id))
        })
        .collect()
}

/// A member file read for an event: its value, its summary for the rules,
/// and where each of its values sits.
pub(crate) struct MemberDocument {
    pub(crate) value: Value,
    pub(crate) member: Member,
    pub(crate) spans: Spans,
}

impl MemberDocument {
    /// A document the merger holds as a value (member files are canonical,
    /// so its lines are the writer's).
    pub(crate) fn of(file: &str, value: Value) -> MemberDocument {
        let bytes = yaml::to_canonical(&value);
        let spans = yaml::load(file, bytes.as_bytes(), MEMBER_LIMITS, yaml::Layout::Free).spans;
        MemberDocument { member: Member::from_document(file, &value, &spans), value, spans }
    }

    /// The member file at `path` in commit `tip`, if there is one that reads.
    fn at(repo: &Repository, tip: Oid, path: &str) -> Result<Option<MemberDocument>, MergeError> {
        let tree = repo.find_commit(tip).and_then(|c| c.tree()).map_err(MergeError::from)?;
        let Ok(entry) = tree.get_path(Path::new(path)) else { return Ok(None) };
        let Some(bytes) = neighbours::read_capped(repo, entry.id(), path, &mut Vec::new())? else { return Ok(None) };
        let doc = yaml::load(path, &bytes, MEMBER_LIMITS, yaml::Layout::Free);
        Ok(doc.value.map(|value| MemberDocument {
            member: Member::from_document(path, &value, &doc.spans),
            value,
            spans: doc.spans,
        }))
    }
}
