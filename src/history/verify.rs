//! `rollcall verify`: replays the ledger's history, oldest first, and
//! checks that every commit is a legal ledger event or a maintenance change
//! outside `members/`, under the rules in force at that commit. The first
//! bad commit stops the replay and is named with the reason.
//!
//! From the first commit, the whole roll is validated and then kept as
//! summaries; from a checkpoint, the checkpoint's state is trusted (it is
//! signed) and read through its index, so that only the events since are
//! judged. The gate every event passes starts from its tip the same way:
//! with a current split index (`index/`), it reads only the index files
//! and member files the event's judgement names, at any size of the roll.
//!
//! Every event's commit must leave the split index exactly as
//! `sharded::update` writes it, and any other commit that changes it must
//! leave it as `rollcall index` builds it: a hand-edited index file is
//! `history.index`.

use crate::change::amendment::{self, Amendment, is_rules_file};
use crate::change::approval::{self, Approver, Payment, Subject};
use crate::change::event::{Event, Kind};
use crate::change::genesis::Genesis;
use crate::change::lifecycle::{self, Stamp, Termination};
use crate::change::merge::MemberDocument;
use crate::election::event::ElectionEvent;
use crate::finding::{Finding, Pos, Severity};
use crate::history::checkpoint::Verifier;
use crate::history::elections;
use crate::history::log;
use crate::history::signers::{self, AllowedSigners};
use crate::history::{self, HistoryError, PathChange, Record, Step, Trees};
use crate::roll::config::{self, Config, ConfigError};
use crate::roll::index;
use crate::roll::layout::{MEMBERS_DIR, is_under_members};
use crate::roll::member::{Member, Status};
use crate::roll::mirrors::MirrorCheck;
use crate::roll::neighbours::{self, Wanted};
use crate::roll::rules::Context;
use crate::roll::rules::names::checkpoint::*;
use crate::roll::rules::names::history::*;
use crate::roll::sharded;
use crate::roll::source::{Source, SourceError};
use crate::roll::validate::{self, Options};
use crate::roll::yaml::{self, MEMBER_LIMITS};
use crate::util::blob::{Capped, read_capped};
use git2::{Oid, Repository};
use jiff::civil::Date;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

/// Where a ledger keeps the keys that may sign its events, in the format
/// of git's `gpg.ssh.allowedSignersFile`.
pub(crate) const ALLOWED_SIGNERS_FILE: &str = "schema/allowed_signers";

/// Where a ledger publishes the verifier keys of its checkpoints, one a line.
pub const CHECKPOINT_KEYS_FILE: &str = "schema/checkpoint.vkey";

/// Where the replay starts.
pub enum Start {
    /// The branch's first commit.
    Root,
    /// A checkpoint's head, whose state is trusted.
    Checkpoint(Oid),
}

/// What the replay found.
pub struct Verified {
    /// Commits judged.
    pub commits: usize,
    /// Events among them.
    pub events: usize,
    /// The first bad commit's findings; empty if history is good.
    pub findings: Vec<Finding>,
    /// Where the ledger begins, once found.
    pub genesis: Option<(Oid, Genesis)>,
    /// The amendments replayed, oldest first, for an auditor.
    pub amendments: Vec<(Oid, Amendment)>,
    /// The elections certified and re-counted, oldest first.
    pub certified: Vec<(Oid, ElectionEvent)>,
}

impl Verified {
    fn refused(commits: usize, findings: Vec<Finding>, genesis: Option<(Oid, Genesis)>) -> Verified {
        Verified { commits, events: 0, findings, genesis, amendments: Vec::new(), certified: Vec::new() }
    }
}

/// Replays the first-parent history of `tip` from `start`. `signers`, if
/// given, replaces the allowed-signers file of every commit; `skip` names
/// rules not judged (those the events were merged with `--skip`).
pub fn verify(
    repo: &Repository,
    tip: Oid,
    start: Start,
    signers: Option<&AllowedSigners>,
    skip: &BTreeSet<String>,
) -> Result<Verified, HistoryError> {
    let stop = match start {
        Start::Root => None,
        Start::Checkpoint(head) => Some(head),
    };
    let mut steps = history::chain(repo, tip, stop)?;
    let (genesis, mut replay) = match stop {
        None => {
            let genesis = match history::beginning(repo, &steps)? {
                Ok(genesis) => genesis,
                Err(findings) => return Ok(Verified::refused(0, findings, None)),
            };
            steps.reverse();
            match Replay::genesis(repo, &steps[0], &genesis.1, signers, skip)? {
                Ok(replay) => (genesis, replay),
                Err(findings) => {
                    let findings = findings.into_iter().map(|f| f.in_commit(genesis.0)).collect();
                    return Ok(Verified::refused(1, findings, Some(genesis)));
                }
            }
        }
        Some(head) => {
            // The chain stops at the head, or at a genesis, or runs to the
            // root without either.
            if let Some(oldest) = steps.last().filter(|s| s.parents.first() != Some(&head) || s.genesis().is_some()) {
                let finding = match oldest.genesis() {
                    Some(_) => before_genesis(head, oldest.commit),
                    None => not_extended(head),
                };
                return Ok(Verified::refused(0, vec![finding], None));
            }
            steps.reverse();
            let genesis = match checkpoint_genesis(repo, head)? {
                Ok(genesis) => genesis,
                Err(findings) => return Ok(Verified::refused(0, findings, None)),
            };
            let mut replay = Replay::at_checkpoint(repo, head, signers, skip)?;
            replay.began = genesis.0;
            (genesis, replay)
        }
    };
    let skip = usize::from(stop.is_none());
    let mut verified = Verified {
        commits: skip,
        events: 0,
        findings: Vec::new(),
        genesis: Some(genesis),
        amendments: Vec::new(),
        certified: Vec::new(),
    };
    let mut remembered = history::Checked::open(repo);
    for step in &steps[skip..] {
        let outcome = replay.step(step)?;
        verified.commits += 1;
        if let Err(findings) = outcome {
            verified.findings = findings.into_iter().map(|f| f.in_commit(step.commit)).collect();
            break;
        }
        remembered.add(step.commit);
        verified.events += usize::from(step.event().is_some() || matches!(step.record, Record::Election(_)));
        if let Record::Amendment(amendment) = &step.record {
            verified.amendments.push((step.commit, amendment.clone()));
        }
        if let Record::Election(event) = &step.record
            && event.step == crate::election::event::Step::Certify
        {
            verified.certified.push((step.commit, event.clone()));
        }
    }
    remembered.save();
    Ok(verified)
}

/// The gate every event passes before its branch moves
/// (`change::ledger::Gate`): `commit`, a child of `tip`, judged by the very
/// step the replay runs, from the state at `tip` taken as it is (as from a
/// checkpoint: the history before it was verified when it landed). Its
/// findings are what `verify` would report for that commit; none if it
/// would verify.
pub fn gate(repo: &Repository, tip: Oid, commit: Oid, skip: &BTreeSet<String>) -> Result<Vec<Finding>, String> {
    let judged = || -> Result<Verdict, HistoryError> {
        let step = Step::read(repo, commit)?;
        if step.parents != [tip] {
            let message = format!("the event's commit is not a child of the branch's tip {tip}");
            return Ok(Err(vec![about(LINEAR, "", message, "record events with rollcall, on the branch's tip")]));
        }
        let mut replay = Replay::at_checkpoint(repo, tip, None, skip)?;
        replay.step(&step)
    };
    match judged() {
        Ok(Ok(())) => Ok(Vec::new()),
        Ok(Err(findings)) => Ok(findings),
        Err(e) => Err(e.to_string()),
    }
}

fn not_extended(head: Oid) -> Finding {
    Finding::error(
        EXTENDS,
        "",
        Pos::START,
        "",
        format!("the checkpoint's head {head} is not on the branch's history: history was rewritten since"),
        "compare the branch with a trusted copy; a checkpoint is only ever extended, never replaced",
    )
}

/// A checkpoint whose head lies before the ledger's genesis (or the genesis
/// a rewrite recorded after it): the checkpoint pins the genesis.
fn before_genesis(head: Oid, genesis: Oid) -> Finding {
    Finding::error(
        GENESIS,
        "",
        Pos::START,
        "",
        format!("the checkpoint's head {head} lies before the genesis {genesis}: history was begun anew since"),
        "a checkpoint pins the ledger's genesis; compare the branch with a trusted copy",
    )
    .in_commit(genesis)
}

/// The genesis below a checkpoint's head, the only one on the branch.
fn checkpoint_genesis(repo: &Repository, head: Oid) -> Result<Result<(Oid, Genesis), Vec<Finding>>, HistoryError> {
    let find = |from: Oid| crate::change::genesis::find(repo, from).map_err(HistoryError::from);
    let Some((commit, genesis)) = find(head)? else { return Ok(Err(vec![history::no_genesis()])) };
    let parent = repo.find_commit(commit).map_err(HistoryError::from)?.parent_id(0).ok();
    if let Some((older, _)) = parent.map(find).transpose()?.flatten() {
        return Ok(Err(vec![history::second_genesis(commit, older)]));
    }
    Ok(Ok((commit, genesis)))
}

/// A finding about a commit rather than a place in a file.
fn about(rule: &'static str, file: &str, message: String, help: &str) -> Finding {
    Finding::error(rule, file, Pos::START, "", message, help)
}

/// The state the replay has reached.
struct Replay<'r> {
    repo: &'r Repository,
    config: Config,
    roster: Roster,
    /// The newest event so far, and its date.
    last_event: Option<(Oid, Date)>,
    /// Every member number ever given.
    numbers: HashSet<u64>,
    trees: Trees<'r>,
    signers: Option<&'r AllowedSigners>,
    /// The previous commit's tree.
    tree: Oid,
    skip: BTreeSet<String>,
    /// The genesis.
    began: Oid,
    /// What the elections judged so far have read.
    elections: elections::Memo,
}

type Verdict = Result<(), Vec<Finding>>;

impl<'r> Replay<'r> {
    /// The genesis brings the rules and the roll, which must validate
    /// whole on its date and hold as many member files as it says.
    fn genesis(
        repo: &'r Repository,
        first: &Step,
        genesis: &Genesis,
        signers: Option<&'r AllowedSigners>,
        skip: &BTreeSet<String>,
    ) -> Result<Result<Replay<'r>, Vec<Finding>>, HistoryError> {
        let files = crate::change::genesis::member_count(repo, first.tree).map_err(HistoryError::from)?;
        if files != genesis.members {
            let message = format!(
                "the genesis says the roll holds {} members, but its tree has {files} member files",
                genesis.members
            );
            let help = "the genesis was written by hand: record it with `rollcall genesis`";
            return Ok(Err(vec![about(GENESIS, MEMBERS_DIR, message, help)]));
        }
        let config = match load_config(repo, first.tree)? {
            Ok(config) => config,
            Err(findings) => return Ok(Err(findings)),
        };
        let (roster, findings) = Roster::validated(repo, first.tree, &config, genesis.date, skip)?;
        if !findings.is_empty() {
            return Ok(Err(findings));
        }
        if let Err(findings) = index_built(repo, first.tree)? {
            return Ok(Err(findings));
        }
        let numbers = roster.numbers();
        Ok(Ok(Replay {
            repo,
            config,
            roster,
            last_event: Some((first.commit, genesis.date)),
            numbers,
            trees: Trees::new(repo)?,
            signers,
            tree: first.tree,
            skip: skip.clone(),
            began: first.commit,
            elections: elections::Memo::default(),
        }))
    }

    /// The state at a checkpoint's head, taken as it is.
    fn at_checkpoint(
        repo: &'r Repository,
        head: Oid,
        signers: Option<&'r AllowedSigners>,
        skip: &BTreeSet<String>,
    ) -> Result<Replay<'r>, HistoryError> {
        let tree = repo.find_commit(head).map_err(HistoryError::from)?.tree_id();
        let config = load_config(repo, tree)?.map_err(|f| {
            HistoryError(format!(
                "the rules at the checkpoint cannot be read: {}",
                f.first().map_or("", |f| &f.message)
            ))
        })?;
        let roster = Roster::indexed(repo, tree)?;
        let last_event = crate::change::ledger::previous_event(repo, head)
            .map_err(|e| HistoryError(e.to_string()))?
            .map(|oid| Step::read(repo, oid))
            .transpose()?
            .map(|s| (s.commit, s.date()));
        let numbers = roster.numbers();
        let skip = skip.clone();
        let trees = Trees::new(repo)?;
        let elections = elections::Memo::default();
        let began = Oid::ZERO_SHA1;
        Ok(Replay { repo, config, roster, last_event, numbers, trees, signers, tree, skip, began, elections })
    }

    fn step(&mut self, step: &Step) -> Result<Verdict, HistoryError> {
        if step.parents.len() != 1 {
            let message = format!("the commit has {} parents; a ledger's history is linear", step.parents.len());
            return Ok(Err(vec![about(LINEAR, "", message, "rebuild the branch without merge commits")]));
        }
        let changes = self.trees.changes(Some(self.tree), step.tree)?;
        let judged = match &step.record {
            Record::Malformed => Err(vec![log::malformed(step.commit)]),
            Record::Genesis(_) => Err(vec![history::second_genesis(step.commit, self.began)]),
            Record::Maintenance => self.maintenance(step, &changes)?,
            Record::Event(event) => self.event(step, event, &changes)?,
            Record::Amendment(amendment) => self.amendment(step, amendment, &changes)?,
            Record::Election(election) => self.election(step, election)?,
        };
        self.tree = step.tree;
        Ok(judged)
    }

    /// A change outside `members/`; one to the rules must leave the roll valid under them.
    fn maintenance(&mut self, step: &Step, changes: &[PathChange]) -> Result<Verdict, HistoryError> {
        if let Some(change) = changes.iter().find(|c| is_under_members(&c.path)) {
            return Ok(Err(vec![log::unrecorded(&change.path, step.commit)]));
        }
        if let Some(change) = changes.iter().find(|c| c.path.starts_with("elections/")) {
            return Ok(Err(vec![log::unrecorded(&change.path, step.commit)]));
        }
        if let Some(change) = changes.iter().find(|c| is_rules_file(&c.path)) {
            let message = format!(
                "{} was changed by a maintenance commit after the genesis: the rules change only by an approved amendment",
                change.path
            );
            let help = "propose the change as a pull request that changes only schema/, and record it with \
                        `rollcall amend` once the directors approve; restore the branch from a trusted copy";
            return Ok(Err(vec![about(UNAPPROVED_AMENDMENT, &change.path, message, help)]));
        }
        if changes.iter().any(|c| sharded::is_under_index(&c.path)) {
            return index_built(self.repo, step.tree);
        }
        Ok(Ok(()))
    }

    /// A change to the rules: linked and dated as an event, changing
    /// exactly the rules' files it names, approved as the rules before it
    /// require, signed where they require it (and a trust anchor only by a
    /// key allowed before it), the new rules loading and the roll
    /// validating whole under them.
    fn amendment(
        &mut self,
        step: &Step,
        amendment: &Amendment,
        changes: &[PathChange],
    ) -> Result<Verdict, HistoryError> {
        let file = amendment.changed.first().map_or("", String::as_str);
        if let Err(findings) = self.in_sequence(step, amendment.previous, amendment.date, file) {
            return Ok(Err(findings));
        }
        let paths: Vec<String> = changes.iter().map(|c| c.path.clone()).collect();
        match amendment::scope(&paths) {
            Ok(rules) if rules == amendment.changed => {}
            Ok(rules) => {
                let message = format!(
                    "the amendment names {}, but its commit changed {}",
                    amendment.changed.join(", "),
                    rules.join(", ")
                );
                let help = "the ledger's history was edited by hand; restore the branch from a trusted copy";
                return Ok(Err(vec![about(AMENDMENT_CHANGE, file, message, help)]));
            }
            Err(findings) => {
                let help = "an amendment changes only schema/; restore the branch from a trusted copy";
                let message = findings.first().map_or_else(String::new, |f| f.message.to_string());
                let at = findings.first().map_or(file, |f| f.file.as_str()).to_owned();
                return Ok(Err(vec![about(AMENDMENT_CHANGE, &at, message, help)]));
            }
        }
        if self.config.policy.policy.signed_events
            && let Err(finding) = self.signed(step, amendment.date, file)?
        {
            return Ok(Err(vec![finding]));
        }
        if let Some(anchor) =
            amendment.changed.iter().find(|f| [ALLOWED_SIGNERS_FILE, CHECKPOINT_KEYS_FILE].contains(&f.as_str()))
            && let Err(why) = self.signed_before(step, amendment.date)?
        {
            let message =
                format!("{anchor} is a trust anchor; this amendment is not signed by a key allowed before it: {why}");
            let help = "the holder of a key in the allowed-signers file before the rotation signs the amendment (`rollcall amend --sign OLD-KEY`); the new key signs the events after it";
            return Ok(Err(vec![about(ANCHOR_ROTATION, anchor, message, help)]));
        }
        let approvers: Vec<Approver> =
            amendment.approvals.iter().map(|a| Approver { login: a.login.clone(), id: Some(a.id) }).collect();
        let judged = amendment::judge(self.repo, self.tree, step.tree, &approvers, amendment.date, &self.skip)
            .map_err(source_error)?;
        let (kind, approvals) = match judged {
            Ok((kind, _, approvals)) => (kind, approvals),
            Err(findings) => return Ok(Err(findings)),
        };
        if kind != amendment.kind || approvals != amendment.approvals {
            let message = format!(
                "the amendment says it is of kind {} with {} approval(s); its change is of kind {} with {} counted",
                amendment.kind.as_str(),
                amendment.approvals.len(),
                kind.as_str(),
                approvals.len()
            );
            let help = "the ledger's history was edited by hand; restore the branch from a trusted copy";
            return Ok(Err(vec![about(AMENDMENT_CHANGE, file, message, help)]));
        }
        self.config = match load_config(self.repo, step.tree)? {
            Ok(config) => config,
            Err(findings) => return Ok(Err(findings)),
        };
        let (roster, _) = Roster::validated(self.repo, step.tree, &self.config, amendment.date, &self.skip)?;
        self.roster = roster;
        self.last_event = Some((step.commit, amendment.date));
        Ok(Ok(()))
    }

    /// An election event: linked and dated as an event, signed where the
    /// rules require, and judged by the one judgement every election
    /// command runs; a certification seats the winners, so the rules are
    /// read again after it.
    fn election(&mut self, step: &Step, event: &ElectionEvent) -> Result<Verdict, HistoryError> {
        let file = crate::election::file::folder(&event.election);
        if let Err(findings) = self.in_sequence(step, event.previous, event.date, &file) {
            return Ok(Err(findings));
        }
        if self.config.policy.policy.signed_events
            && let Err(finding) = self.signed(step, event.date, &file)?
        {
            return Ok(Err(vec![finding]));
        }
        if let Err(findings) = elections::judge(self.repo, step.parents[0], step.tree, event, &mut self.elections)? {
            return Ok(Err(findings));
        }
        if event.step == crate::election::event::Step::Certify {
            self.config = match load_config(self.repo, step.tree)? {
                Ok(config) => config,
                Err(findings) => return Ok(Err(findings)),
            };
        }
        self.last_event = Some((step.commit, event.date));
        Ok(Ok(()))
    }

    /// Whether the commit is signed by a key of the allowed-signers file in
    /// force before it (or the one given to verify); `Ok` if there was none
    /// to rotate from.
    fn signed_before(&self, step: &Step, date: Date) -> Result<Result<(), String>, HistoryError> {
        let signers = match self.signers_in_force()? {
            Ok(signers) => signers,
            Err(_) if !self.has_file(ALLOWED_SIGNERS_FILE)? => return Ok(Ok(())),
            Err(finding) => return Ok(Err(finding.message.to_string())),
        };
        Ok(signers::check_commit(self.repo, step.commit, date, &signers).map(|_| ()).map_err(|why| why.to_string()))
    }

    /// The allowed signers a commit is checked against: those given to
    /// verify, else the file in force before the commit.
    fn signers_in_force(&self) -> Result<Result<Cow<'r, AllowedSigners>, Finding>, HistoryError> {
        Ok(match self.signers {
            Some(signers) => Ok(Cow::Borrowed(signers)),
            None => read_signers(self.repo, self.tree)?.map(Cow::Owned),
        })
    }

    /// Whether the previous commit's tree holds `path`.
    fn has_file(&self, path: &str) -> Result<bool, HistoryError> {
        let tree = self.repo.find_tree(self.tree).map_err(HistoryError::from)?;
        Ok(tree.get_path(Path::new(path)).is_ok())
    }

    /// The event names the event before it on the branch, and is dated in
    /// order and not in the future.
    fn in_sequence(&self, step: &Step, previous: Option<Oid>, date: Date, file: &str) -> Verdict {
        let last = self.last_event.map(|(oid, _)| oid);
        if previous != last {
            let said = previous.map_or("none".to_owned(), |p| p.to_string());
            let was = last.map_or("none".to_owned(), |p| p.to_string());
            let message = format!("the event says the event before it is {said}, but history has {was}");
            let help = "an event was dropped, reordered or rewritten: restore the branch from a trusted copy";
            return Err(vec![about(PREVIOUS_EVENT, file, message, help)]);
        }
        if let Some((_, before)) = self.last_event.filter(|(_, before)| date < *before) {
            let message = format!("the event is dated {date}, before the event before it ({before})");
            return Err(vec![about(DATE_ORDER, file, message, "events are recorded in date order")]);
        }
        if let Some(recorded) = Self::committed_on(step).filter(|day| date > day.saturating_add(jiff::ToSpan::days(1)))
        {
            let message =
                format!("the event is dated {date}, after the day it was recorded ({recorded}, by its commit's time)");
            let help = "an event dated in the future was never legal: a maintainer restores the branch to the \
                        commit before it from a trusted copy, then records the event again with the right date";
            return Err(vec![about(FUTURE_DATE, file, message, help)]);
        }
        Ok(())
    }

    fn event(&mut self, step: &Step, event: &Event, changes: &[PathChange]) -> Result<Verdict, HistoryError> {
        let file = event.file.as_str();
        if let Err(findings) = self.in_sequence(step, event.previous, event.date, file) {
            return Ok(Err(findings));
        }
        let change = match history::event_change(event, changes) {
            Ok(change) => change.clone(),
            Err(why) => return Ok(Err(vec![log::not_its_change(event, &why, step.commit)])),
        };
        if self.config.policy.policy.signed_events
            && let Err(finding) = self.signed(step, event.date, &event.file)?
        {
            return Ok(Err(vec![finding]));
        }
        let judged = match self.judge(event, &change)? {
            Ok(()) => self.index_written(step, &event.file, &change, changes)?,
            refused => refused,
        };
        if judged.is_ok() {
            self.last_event = Some((step.commit, event.date));
        }
        Ok(judged)
    }

    /// The event left the split index as `sharded::update` writes it: the
    /// files its member was and is filed in, and the header, if the index
    /// was current before it; nothing under `index/` otherwise.
    fn index_written(
        &self,
        step: &Step,
        file: &str,
        change: &PathChange,
        changes: &[PathChange],
    ) -> Result<Verdict, HistoryError> {
        let parent = self.repo.find_tree(self.tree).map_err(HistoryError::from)?;
        let root = self.repo.find_tree(step.tree).map_err(HistoryError::from)?;
        let members = root.get_name(MEMBERS_DIR).map_or(Oid::ZERO_SHA1, |e| e.id());
        let blob = change.new.map_or(Oid::ZERO_SHA1, |s| s.id);
        let expected = sharded::update(self.repo, &parent, file, blob, members).map_err(source_error)?;
        let expected = expected.unwrap_or_default();
        let mut wrong = None;
        for (path, bytes) in &expected {
            let want = bytes.as_ref().map(|b| Oid::hash_object(git2::ObjectType::Blob, b)).transpose()?;
            if root.get_path(Path::new(path)).ok().map(|e| e.id()) != want {
                wrong = Some(path.as_str());
                break;
            }
        }
        let unexpected =
            |c: &&PathChange| sharded::is_under_index(&c.path) && !expected.iter().any(|(p, _)| *p == c.path);
        let wrong = wrong.or_else(|| changes.iter().find(unexpected).map(|c| c.path.as_str()));
        Ok(match wrong {
            None => Ok(()),
            Some(path) => Err(vec![about(
                INDEX,
                path,
                format!("the event's commit leaves {path} other than the event writes it"),
                "the index was edited by hand; restore the branch from a trusted copy",
            )]),
        })
    }

    /// The day (UTC) a commit was recorded, by its committer time.
    fn committed_on(step: &Step) -> Option<Date> {
        jiff::Timestamp::from_second(step.time).ok().map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
    }

    /// The event's commit is signed by a key allowed on the event's date.
    fn signed(&self, step: &Step, date: Date, file: &str) -> Result<Result<(), Finding>, HistoryError> {
        let signers = match self.signers_in_force()? {
            Ok(signers) => signers,
            Err(finding) => return Ok(Err(finding)),
        };
        Ok(signers::check_commit(self.repo, step.commit, date, &signers).map(|_| ()).map_err(|why| {
            about(
                SIGNATURE,
                file,
                format!("the policy requires signed events, and this one is not validly signed: {why}"),
                "events are signed by the merger's key (`--sign`); a key's window is in the allowed-signers file",
            )
        }))
    }

    /// The member file before and after, the transition, the stamp, the
    /// approvals and the roll around it, as `merge` judged them.
    fn judge(&mut self, event: &Event, change: &PathChange) -> Result<Verdict, HistoryError> {
        let file = event.file.as_str();
        let ctx = Context { config: &self.config, as_of: event.date };
        let options = Options { as_of: event.date, skip: self.skip.clone(), mirrors: MirrorCheck::Off };
        let after_blob = change.new.map(|s| s.id).unwrap_or(Oid::ZERO_SHA1);
        let mut findings = Vec::new();
        let Some(after_bytes) = read(self.repo, after_blob, file, &mut findings)? else { return Ok(Err(findings)) };
        let Some((after, after_value)) = validate::check_document(file, &after_bytes, &ctx, &options, &mut findings)
        else {
            return Ok(Err(findings));
        };
        findings.retain(|f| f.is_error() && !self.skip.contains(f.rule.as_ref()));
        if !findings.is_empty() {
            return Ok(Err(findings));
        }
        let before_value = match change.old {
            Some(old) => match read(self.repo, old.id, file, &mut findings)? {
                Some(bytes) => {
                    let doc = yaml::load(file, &bytes, MEMBER_LIMITS, yaml::Layout::Free);
                    doc.value.map(|value| (Member::from_document(file, &value, &doc.spans), value))
                }
                None => return Ok(Err(findings)),
            },
            None => None,
        };
        let (before, before_value) = before_value.unzip();
        let from = before.as_ref().and_then(|b| b.status).unwrap_or(Status::Applicant);
        let stamp_finding = |message: String| {
            vec![Finding::error(
                STAMPED,
                file,
                after.pos(""),
                "",
                message,
                "the member file is not what the merger writes for this event: it was edited by hand",
            )]
        };
        match lifecycle::transition(event.kind, from) {
            Ok(to) if Some(to) == after.status => {}
            Ok(to) => {
                return Ok(Err(stamp_finding(format!(
                    "a {} event leads to status {}, but the file says {}",
                    event.kind.as_str(),
                    to.as_str(),
                    after.status.map_or("nothing", Status::as_str)
                ))));
            }
            Err(why) => {
                let pos = after.pos("/status");
                return Ok(Err(vec![Finding::error(
                    crate::roll::rules::names::lifecycle::TRANSITION,
                    file,
                    pos,
                    "/status",
                    why,
                    "history records an event its member's status did not allow",
                )]));
            }
        }
        if event.kind == Kind::Admit {
            let number = event.member_number.unwrap_or_default();
            if event.member_number.is_none() || self.roster.taken(self.repo, number)? || !self.numbers.insert(number) {
                let message = format!("member number {number} was given before: numbers are never reused");
                let pos = after.pos("/member_number");
                return Ok(Err(vec![Finding::error(NUMBER_REUSED, file, pos, "/member_number", message, "")]));
            }
        }
        if event.member_number != after.member_number {
            return Ok(Err(stamp_finding("the event's member number is not the file's".to_owned())));
        }
        if let Some(field) = forbidden_change(event, before_value.as_ref(), &after_value, &self.config) {
            let pointer = format!("/{}", crate::finding::pointer_segment(&field));
            let spans = MemberDocument::of(file, after_value.clone()).spans;
            return Ok(Err(vec![Finding::error(
                MEMBER_FIELDS,
                file,
                spans.locate(&pointer),
                &pointer,
                format!("a {} event changed `{field}`, which it may not change", event.kind.as_str()),
                "an event changes only what its kind records; the file was edited by hand",
            )]));
        }
        let proposal = proposal(&after_value, before_value.as_ref(), &self.config);
        let payment = new_payment(&after_value, before_value.as_ref());
        let stamp = Stamp {
            date: event.date,
            term_months: self.config.policy.policy.term_months,
            approvals: event.approvals.clone(),
            payment: payment.clone(),
            number: event.member_number,
            termination: termination(&after_value),
            tier: after.tier.clone().filter(|_| event.kind == Kind::ChangeTier),
        };
        match lifecycle::stamp(event.kind, &proposal, &stamp) {
            Ok(expected) if yaml::to_canonical(&expected).as_bytes() == after_bytes.as_slice() => {}
            Ok(_) => {
                return Ok(Err(stamp_finding(format!("the file is not what a {} event stamps", event.kind.as_str()))));
            }
            Err(why) => return Ok(Err(stamp_finding(why))),
        }
        // The approvals against the proposal, as merge judged them.
        let proposed = MemberDocument::of(file, proposal);
        let mut wanted = Wanted::of(&after, before.as_ref(), &ctx);
        wanted.accounts.extend(event.approvals.iter().map(|a| a.id));
        let neighbours = self.roster.neighbours(self.repo, file, &wanted)?;
        let subject =
            Subject { member: &proposed.member, value: &proposed.value, spans: &proposed.spans, roll: &neighbours };
        let approvers: Vec<Approver> =
            event.approvals.iter().map(|a| Approver { login: a.login.clone(), id: Some(a.id) }).collect();
        let needs = lifecycle::needs(event.kind);
        let verdict = approval::judge(&self.config.policy.policy, needs, &subject, &approvers, payment.as_ref());
        let mut findings: Vec<Finding> = verdict.findings.into_iter().filter(Finding::is_error).collect();
        if findings.is_empty() && verdict.approvals != event.approvals {
            findings = stamp_finding("the event's approvals are not the ones the policy counts".to_owned());
        }
        if !findings.is_empty() {
            return Ok(Err(findings));
        }
        let mut caused = neighbours::caused_findings(&neighbours, &after, before.as_ref(), &ctx, &options);
        caused.retain(|f| f.severity == Severity::Error && !self.skip.contains(f.rule.as_ref()));
        if !caused.is_empty() {
            return Ok(Err(caused));
        }
        self.roster.put(index::IndexedMember::from_member(&after, after_blob), Some(after));
        Ok(Ok(()))
    }
}

/// The first of the member's own fields an event changed that its kind may
/// not, as `check-pr` and the lifecycle commands allow: a lifecycle event
/// changes none of them (a tier change only the tier), a member's update
/// or tier change never who the member is, a resignation nothing else.
fn forbidden_change(event: &Event, before: Option<&Value>, after: &Value, config: &Config) -> Option<String> {
    let before = before?.as_object()?;
    let after = after.as_object()?;
    let merger = &config.policy.policy.merger_fields;
    let mut fields: Vec<&String> = before.keys().chain(after.keys()).collect();
    fields.sort();
    fields.dedup();
    let changed =
        fields.into_iter().filter(|f| !merger.contains(f) && f.as_str() != "status" && before.get(*f) != after.get(*f));
    // A representative's login may be renamed; its account is the organization's.
    let account =
        |v: &serde_json::Map<String, Value>| v.get("representative").and_then(|r| r.get("github_id")).cloned();
    let identity = |f: &str| {
        ["id", "kind", "github_id", "organization"].contains(&f)
            || (f == "representative" && account(before) != account(after))
    };
    let from_pull_request = event.pull_request_head.is_some();
    let allowed = |f: &str| match event.kind {
        Kind::Update => !identity(f) && f != "tier",
        Kind::ChangeTier if from_pull_request => !identity(f),
        Kind::ChangeTier => f == "tier",
        _ => false,
    };
    let mut forbidden = changed.filter(|f| !allowed(f)).map(|f| f.to_owned());
    forbidden.next()
}

/// What the merger was given: the member's own fields as they are after
/// the event, the merger's fields and status as they were before.
fn proposal(after: &Value, before: Option<&Value>, config: &Config) -> Value {
    let merger = &config.policy.policy.merger_fields;
    let mut doc = after.as_object().cloned().unwrap_or_default();
    doc.retain(|key, _| !merger.contains(key) && key != "status");
    let status = before.and_then(|b| b.get("status")).cloned().unwrap_or(Value::String("applicant".into()));
    doc.insert("status".into(), status);
    if let Some(before) = before.and_then(Value::as_object) {
        for (key, value) in before.iter().filter(|(k, _)| merger.contains(k)) {
            doc.insert(key.clone(), value.clone());
        }
    }
    // The member's own fields keep their places; status goes where the file has it.
    let order: Vec<&String> = after.as_object().map(|o| o.keys().collect()).unwrap_or_default();
    let mut ordered = serde_json::Map::new();
    for key in order {
        if let Some(value) = doc.shift_remove(key) {
            ordered.insert(key.clone(), value);
        }
    }
    ordered.extend(doc);
    Value::Object(ordered)
}

/// The payment the event recorded: the one entry it added to `payments`.
fn new_payment(after: &Value, before: Option<&Value>) -> Option<Payment> {
    let count = |v: Option<&Value>| v.and_then(|v| v.get("payments")).and_then(Value::as_array).map_or(0, Vec::len);
    if count(Some(after)) != count(before) + 1 {
        return None;
    }
    let entry = after.get("payments")?.as_array()?.last()?;
    Some(Payment {
        amount_usd: entry.get("amount_usd")?.as_u64()?,
        reference: entry.get("reference")?.as_str()?.to_owned(),
        kind: entry.get("kind").and_then(Value::as_str).map(str::to_owned),
    })
}

fn termination(after: &Value) -> Option<Termination> {
    let t = after.get("termination")?;
    Some(Termination {
        reason: t.get("reason")?.as_str()?.to_owned(),
        notice_date: t.get("notice_date")?.as_str()?.parse().ok()?,
    })
}

/// The split index at `tree`, if there is one, is the one `rollcall index`
/// builds from the roll there: a commit may add, rebuild or drop it, never
/// edit it.
fn index_built(repo: &Repository, tree: Oid) -> Result<Verdict, HistoryError> {
    let root = repo.find_tree(tree).map_err(HistoryError::from)?;
    if root.get_name(sharded::INDEX_DIR).is_none() {
        return Ok(Ok(()));
    }
    let built = sharded::build(&Source::at(repo, tree)).map_err(source_error)?;
    Ok(match sharded::first_difference(repo, &root, &built).map_err(source_error)? {
        None => Ok(()),
        Some(path) => Err(vec![about(
            INDEX,
            &path,
            format!("{path} is not the index of the roll it comes with: it was edited by hand"),
            "regenerate the index with `rollcall index`; never edit it by hand",
        )]),
    })
}

fn load_config(repo: &Repository, tree: Oid) -> Result<Result<Config, Vec<Finding>>, HistoryError> {
    match config::load(&Source::at(repo, tree)) {
        Ok(config) => Ok(Ok(config)),
        Err(ConfigError::Invalid(findings)) => Ok(Err(findings)),
        Err(ConfigError::Source(e)) => Err(HistoryError(e.to_string())),
    }
}

fn read(
    repo: &Repository,
    blob: Oid,
    file: &str,
    findings: &mut Vec<Finding>,
) -> Result<Option<Vec<u8>>, HistoryError> {
    neighbours::read_capped(repo, blob, file, findings).map_err(|e| HistoryError(e.to_string()))
}

/// The allowed-signers file of the rules in force at `tree`.
fn read_signers(repo: &Repository, tree: Oid) -> Result<Result<AllowedSigners, Finding>, HistoryError> {
    let tree = repo.find_tree(tree).map_err(HistoryError::from)?;
    let missing = |message: String| {
        about(
            SIGNERS_FILE,
            ALLOWED_SIGNERS_FILE,
            message,
            "list the keys that may sign events, one per line, as git's allowedSignersFile",
        )
    };
    let Ok(entry) = tree.get_path(Path::new(ALLOWED_SIGNERS_FILE)) else {
        return Ok(Err(missing(format!("the policy requires signed events, but {ALLOWED_SIGNERS_FILE} is missing"))));
    };
    let odb = repo.odb()?;
    let Capped::Read(blob) = read_capped(&odb, entry.id(), signers::MAX_BYTES as u64)? else {
        return Ok(Err(missing(format!("{ALLOWED_SIGNERS_FILE} is larger than {} bytes", signers::MAX_BYTES))));
    };
    let Ok(text) = std::str::from_utf8(blob.data()) else {
        return Ok(Err(missing(format!("{ALLOWED_SIGNERS_FILE} is not UTF-8"))));
    };
    Ok(AllowedSigners::parse(text).map_err(|errors| {
        let first = errors.first().map(|e| e.to_string()).unwrap_or_default();
        missing(format!("{ALLOWED_SIGNERS_FILE} cannot be read: {first}"))
    }))
}

/// The roll as the replay keeps it: every member file's index entry, with
/// its summary once read, and lookups by what the roll rules compare. From
/// a tree with a current split index, only the files put since are kept,
/// and the rest is looked up in that index as asked (`base`).
struct Roster {
    /// The commit tree whose split index stands for every file not in `slots`.
    base: Option<Oid>,
    slots: HashMap<String, (index::IndexedMember, Option<Member>)>,
    by_account: HashMap<u64, BTreeSet<String>>,
    by_name: HashMap<String, BTreeSet<String>>,
    by_tier: HashMap<String, BTreeSet<String>>,
    by_number: HashMap<u64, BTreeSet<String>>,
}

impl Roster {
    fn empty() -> Roster {
        Roster {
            base: None,
            slots: HashMap::new(),
            by_account: HashMap::new(),
            by_name: HashMap::new(),
            by_tier: HashMap::new(),
            by_number: HashMap::new(),
        }
    }

    /// The roll at `tree`, validated whole under `config`: its error findings, if any.
    fn validated(
        repo: &Repository,
        tree: Oid,
        config: &Config,
        as_of: Date,
        skip: &BTreeSet<String>,
    ) -> Result<(Roster, Vec<Finding>), HistoryError> {
        let source = Source::at(repo, tree);
        let options = Options { as_of, skip: skip.clone(), mirrors: MirrorCheck::Off };
        let validated = validate::validate_with(&source, config, &options).map_err(source_error)?;
        let findings: Vec<Finding> = validated.findings.into_iter().filter(Finding::is_error).collect();
        let blobs: HashMap<String, Oid> = member_blobs(repo, tree)?.into_iter().collect();
        let mut roster = Roster::empty();
        for member in validated.members {
            let blob = blobs.get(&member.file).copied().unwrap_or(Oid::ZERO_SHA1);
            roster.put(index::IndexedMember::from_member(&member, blob), Some(member));
        }
        Ok((roster, findings))
    }

    /// The roll at `tree` through its `roll.index` and the files changed
    /// since the index was written; without a usable index, read whole.
    fn indexed(repo: &Repository, tree: Oid) -> Result<Roster, HistoryError> {
        let root = repo.find_tree(tree).map_err(HistoryError::from)?;
        if sharded::current(repo, &root).is_some() {
            return Ok(Roster { base: Some(tree), ..Roster::empty() });
        }
        let members = root.get_name(MEMBERS_DIR).map(|e| e.id());
        let text = root
            .get_name(index::INDEX_FILE)
            .and_then(|e| repo.find_blob(e.id()).ok())
            .and_then(|b| String::from_utf8(b.content().to_vec()).ok());
        let parsed = text.as_deref().and_then(index::parse);
        let (Some(members), Some(parsed)) = (members, parsed) else {
            return Roster::summarised(repo, tree);
        };
        let mut roster = Roster::empty();
        for entry in parsed.entries {
            roster.put(entry, None);
        }
        if parsed.members_tree != Some(members) {
            let mut trees = Trees::new(repo)?;
            let old = parsed.members_tree.filter(|t| repo.find_tree(*t).is_ok());
            let Some(old) = old else { return Roster::summarised(repo, tree) };
            for change in trees.changes(Some(old), members)? {
                let path = format!("{MEMBERS_DIR}/{}", change.path);
                roster.remove(&path);
                let Some(new) = change.new.filter(|n| n.is_regular_file()) else { continue };
                let mut ignored = Vec::new();
                if let Some(member) =
                    read(repo, new.id, &path, &mut ignored)?.and_then(|b| neighbours::summarise(&path, &b))
                {
                    roster.put(index::IndexedMember::from_member(&member, new.id), Some(member));
                }
            }
        }
        Ok(roster)
    }

    /// Every member file at `tree`, summarised.
    fn summarised(repo: &Repository, tree: Oid) -> Result<Roster, HistoryError> {
        let mut roster = Roster::empty();
        for (path, blob) in member_blobs(repo, tree)? {
            let mut ignored = Vec::new();
            if let Some(member) = read(repo, blob, &path, &mut ignored)?.and_then(|b| neighbours::summarise(&path, &b))
            {
                roster.put(index::IndexedMember::from_member(&member, blob), Some(member));
            }
        }
        Ok(roster)
    }

    /// The numbers of the members kept (for a roster on a split index, of
    /// those put since: [`Roster::taken`] asks the index for the rest).
    fn numbers(&self) -> HashSet<u64> {
        self.by_number.keys().copied().collect()
    }

    /// Whether a member of the base index, not put since, holds `number`.
    fn taken(&self, repo: &Repository, number: u64) -> Result<bool, HistoryError> {
        let wanted = Wanted { numbers: vec![number], ..Wanted::default() };
        Ok(self.base_entries(repo, &wanted)?.iter().any(|e| e.number == Some(number)))
    }

    /// The base index's entries `wanted` names, but for files put since.
    fn base_entries(&self, repo: &Repository, wanted: &Wanted) -> Result<Vec<sharded::Entry>, HistoryError> {
        let Some(base) = self.base else { return Ok(Vec::new()) };
        let root = repo.find_tree(base).map_err(HistoryError::from)?;
        let entries = sharded::lookup(repo, &root, wanted)
            .map_err(|_| HistoryError(format!("the index at {base} is not what `rollcall index` writes")))?;
        Ok(entries.into_iter().filter(|e| !self.slots.contains_key(&e.path)).collect())
    }

    fn put(&mut self, entry: index::IndexedMember, member: Option<Member>) {
        let path = entry.path.clone();
        self.remove(&path);
        let add = |map: &mut HashMap<_, BTreeSet<String>>, key| {
            map.entry(key).or_default().insert(path.clone());
        };
        if let Some(account) = entry.account {
            add(&mut self.by_account, account);
        }
        let mut names = |name: &String| {
            self.by_name.entry(name.clone()).or_default().insert(path.clone());
        };
        names(&entry.id);
        entry.organization.iter().for_each(names);
        self.by_tier.entry(entry.tier.clone()).or_default().insert(path.clone());
        if let Some(number) = entry.number {
            self.by_number.entry(number).or_default().insert(path.clone());
        }
        self.slots.insert(path, (entry, member));
    }

    fn remove(&mut self, path: &str) {
        let Some((entry, _)) = self.slots.remove(path) else { return };
        let unlist = |set: Option<&mut BTreeSet<String>>| {
            if let Some(set) = set {
                set.remove(path);
            }
        };
        if let Some(account) = entry.account {
            unlist(self.by_account.get_mut(&account));
        }
        unlist(self.by_name.get_mut(&entry.id));
        if let Some(organization) = &entry.organization {
            unlist(self.by_name.get_mut(organization));
        }
        unlist(self.by_tier.get_mut(&entry.tier));
        if let Some(number) = entry.number {
            unlist(self.by_number.get_mut(&number));
        }
    }

    /// The members `wanted` names, other than `skip`, read where not yet read.
    fn neighbours(&mut self, repo: &Repository, skip: &str, wanted: &Wanted) -> Result<Vec<Member>, HistoryError> {
        let mut paths: BTreeSet<String> = BTreeSet::new();
        let empty = BTreeSet::new();
        for account in &wanted.accounts {
            paths.extend(self.by_account.get(account).unwrap_or(&empty).iter().cloned());
        }
        for name in &wanted.names {
            paths.extend(self.by_name.get(name).unwrap_or(&empty).iter().cloned());
        }
        for tier in &wanted.tiers {
            paths.extend(self.by_tier.get(tier).unwrap_or(&empty).iter().cloned());
        }
        for number in &wanted.numbers {
            paths.extend(self.by_number.get(number).unwrap_or(&empty).iter().cloned());
        }
        paths.remove(skip);
        let mut found: std::collections::BTreeMap<String, Member> = std::collections::BTreeMap::new();
        if let Some(base) = self.base {
            let root = repo.find_tree(base).map_err(HistoryError::from)?;
            for entry in self.base_entries(repo, wanted)?.into_iter().filter(|e| e.path != skip) {
                let Ok(file) = root.get_path(Path::new(&entry.path)) else { continue };
                let mut ignored = Vec::new();
                if let Some(member) = read(repo, file.id(), &entry.path, &mut ignored)?
                    .and_then(|b| neighbours::summarise(&entry.path, &b))
                {
                    found.insert(entry.path, member);
                }
            }
        }
        for path in paths {
            let Some((entry, member)) = self.slots.get_mut(&path) else { continue };
            if member.is_none() {
                let mut ignored = Vec::new();
                *member = read(repo, entry.blob, &path, &mut ignored)?.and_then(|b| neighbours::summarise(&path, &b));
            }
            if let Some(member) = member.clone() {
                found.insert(path, member);
            }
        }
        Ok(found.into_values().collect())
    }
}

fn source_error(e: SourceError) -> HistoryError {
    HistoryError(e.to_string())
}

/// The hash a checkpoint states of the roll at `tree`: SHA-256 over every
/// member file's blob id and path, in path order. The blob ids pin the
/// contents; the roll is 1,000 trees to read, not 100,000 files.
pub(crate) fn state_hash(repo: &Repository, tree: Oid) -> Result<[u8; 32], HistoryError> {
    use sha2::Digest;
    let mut files = member_blobs(repo, tree)?;
    files.sort();
    let mut hash = sha2::Sha256::new();
    hash.update(b"rollcall state v1\n");
    for (path, blob) in files {
        hash.update(format!("{blob} {path}\n").as_bytes());
    }
    Ok(hash.finalize().into())
}

/// The checkpoint of the history at `head`, a commit on the first-parent
/// history of `tip` at or after its genesis: its events counted from the
/// genesis, its state hashed.
pub fn checkpoint_of(
    repo: &Repository,
    tip: Oid,
    head: Oid,
    origin: &str,
) -> Result<crate::history::checkpoint::Checkpoint, HistoryError> {
    let steps = history::chain(repo, tip, None)?;
    if let Err(findings) = history::beginning(repo, &steps)? {
        let why = findings.first().map_or("", |f| f.message.as_str());
        return Err(HistoryError(format!("no checkpoint of a ledger without its one genesis: {why}")));
    }
    let Some(at) = steps.iter().position(|s| s.commit == head) else {
        return Err(HistoryError(format!(
            "{head} is not on the branch's first-parent history since its genesis: it is not the ledger's"
        )));
    };
    let events = steps[at..].iter().filter(|s| s.event().is_some()).count() as u64;
    let tree = repo.find_commit(head).map_err(HistoryError::from)?.tree_id();
    Ok(crate::history::checkpoint::Checkpoint {
        origin: origin.to_owned(),
        events,
        head,
        state: state_hash(repo, tree)?,
    })
}

/// A checkpoint as given to `verify`, with the keys to check it by.
pub struct Given<'a> {
    pub note: &'a str,
    /// Where the note came from, for the findings.
    pub file: &'a str,
    pub keys: &'a [Verifier],
    pub witnesses: &'a [Verifier],
}

/// The head of a checkpoint of this ledger (`origin`), validly signed, that
/// the branch at `tip` still extends; findings if it is not all of that.
pub fn extended(
    repo: &Repository,
    tip: Oid,
    origin: &str,
    given: &Given,
) -> Result<Result<Oid, Vec<Finding>>, HistoryError> {
    let refuse =
        |rule: &'static str, message: String, help: &str| Ok(Err(vec![about(rule, given.file, message, help)]));
    let opened = match crate::history::checkpoint::open(given.note, given.keys, given.witnesses) {
        Ok(opened) => opened,
        Err(e) => {
            return refuse(
                CHECKPOINT_SIGNATURE,
                format!("the checkpoint is not validly signed: {e}"),
                "get the checkpoint again from where the foundation publishes it, and its key",
            );
        }
    };
    if opened.checkpoint.origin != origin {
        let message = format!("the checkpoint is of {:?}, this ledger is {origin:?}", opened.checkpoint.origin);
        return refuse(CHECKPOINT_ORIGIN, message, "check that the checkpoint belongs to this ledger");
    }
    let found = extends(repo, tip, &opened.checkpoint)?;
    if found.is_empty() {
        return Ok(Ok(opened.checkpoint.head));
    }
    // Point at the line of the note that history no longer bears out:
    // the state hash (line 3) or the head (line 4).
    let located = |f: Finding| {
        let line = if f.rule == STATE_HASH { 3 } else { 4 };
        Finding { file: given.file.to_owned(), line, ..f }
    };
    Ok(Err(found.into_iter().map(located).collect()))
}

/// The checkpoint keys the branch publishes, one verifier key a line. A
/// rewritten branch may publish another key, but a checkpoint signed before
/// the rewrite is not signed by it, so it is refused all the same.
pub fn published_keys(repo: &Repository, tip: Oid) -> Result<Vec<Verifier>, String> {
    let missing =
        || format!("no checkpoint key: give --key FILE, or publish the ledger's key in {CHECKPOINT_KEYS_FILE}");
    let tree = repo.find_commit(tip).and_then(|c| c.tree()).map_err(|e| e.message().to_owned())?;
    let entry = tree.get_path(Path::new(CHECKPOINT_KEYS_FILE)).map_err(|_| missing())?;
    let blob = repo.find_blob(entry.id()).map_err(|_| missing())?;
    let text = std::str::from_utf8(blob.content()).ok().filter(|_| blob.size() <= 64 * 1024).ok_or_else(missing)?;
    let keys: Vec<Verifier> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| Verifier::parse(l).map_err(|e| format!("{CHECKPOINT_KEYS_FILE}: {e}")))
        .collect::<Result<_, _>>()?;
    if keys.is_empty() { Err(missing()) } else { Ok(keys) }
}

/// Whether the branch at `tip` still extends `checkpoint`: its head on the
/// first-parent history and its state hash the state there. Findings if not.
pub fn extends(
    repo: &Repository,
    tip: Oid,
    checkpoint: &crate::history::checkpoint::Checkpoint,
) -> Result<Vec<Finding>, HistoryError> {
    let mut next = Some(tip);
    while let Some(oid) = next {
        if oid == checkpoint.head {
            let tree = repo.find_commit(oid).map_err(HistoryError::from)?.tree_id();
            if state_hash(repo, tree)? == checkpoint.state {
                return Ok(Vec::new());
            }
            return Ok(vec![
                about(
                    STATE_HASH,
                    "",
                    format!("the roll at the checkpoint's head {oid} does not hash to the checkpoint's state"),
                    "the repository's objects were altered: restore them from a trusted copy",
                )
                .in_commit(oid),
            ]);
        }
        next = repo.find_commit(oid).map_err(HistoryError::from)?.parent_id(0).ok();
    }
    Ok(vec![not_extended(checkpoint.head)])
}

/// Every file under `members/` at `tree`, with its blob.
fn member_blobs(repo: &Repository, tree: Oid) -> Result<Vec<(String, Oid)>, HistoryError> {
    Ok(history::member_files(repo, tree)?.into_iter().map(|(path, side)| (path, side.id)).collect())
}
