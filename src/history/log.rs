//! `rollcall log`: the membership events of the ledger's history, newest
//! first, each read from its commit's trailers and checked against the
//! change the commit made. A commit whose change is not what it says, or a
//! member file changed outside any event, is reported, not listed.

use crate::change::amendment::Amendment;
use crate::change::event::{Approval, Event};
use crate::change::genesis::Genesis;
use crate::election::event::ElectionEvent;
use crate::finding::{Finding, Pos};
use crate::history::{self, HistoryError, Record};
use crate::roll::layout::{is_under_members, member_path};
use crate::roll::rules::names::history::{EVENT_CHANGE, MALFORMED_EVENT, UNRECORDED_CHANGE};
use git2::{Oid, Repository};
use jiff::civil::Date;
use serde::Serialize;

/// Which events to list.
#[derive(Default)]
pub struct Query {
    pub member: Option<String>,
    pub since: Option<Date>,
    pub until: Option<Date>,
}

impl Query {
    fn wants(&self, event: &Event) -> bool {
        self.member.as_ref().is_none_or(|m| *m == event.member)
            && self.since.is_none_or(|d| event.date >= d)
            && self.until.is_none_or(|d| event.date <= d)
    }
}

/// One event as listed.
#[derive(Serialize)]
pub struct LogEntry {
    pub commit: String,
    pub date: String,
    pub kind: &'static str,
    pub member: String,
    pub file: String,
    pub member_number: Option<u64>,
    pub approvals: Vec<Approval>,
    pub pull_request: Option<u64>,
    pub pull_request_head: Option<String>,
    pub previous: Option<String>,
}

impl Query {
    /// Amendments change no member: listed unless one member is asked for.
    fn wants_amendment(&self, amendment: &Amendment) -> bool {
        self.member.is_none()
            && self.since.is_none_or(|d| amendment.date >= d)
            && self.until.is_none_or(|d| amendment.date <= d)
    }
}

impl Query {
    /// Election events change no member: listed unless one member is asked for.
    fn wants_election(&self, event: &ElectionEvent) -> bool {
        self.member.is_none()
            && self.since.is_none_or(|d| event.date >= d)
            && self.until.is_none_or(|d| event.date <= d)
    }
}

impl LogEntry {
    /// An election event: `member` is the nominee, if any; `file` the election's folder.
    fn of_election(commit: Oid, event: &ElectionEvent) -> LogEntry {
        let role = |a: &crate::election::event::Signed| Approval {
            login: a.login.clone(),
            id: a.id,
            role: crate::change::event::Role::ElectionCommittee,
        };
        LogEntry {
            commit: commit.to_string(),
            date: event.date.to_string(),
            kind: event.step.as_str(),
            member: event.nominee.clone().unwrap_or_default(),
            file: crate::election::file::folder(&event.election),
            member_number: None,
            approvals: event.approvals.iter().map(role).collect(),
            pull_request: event.pull_request,
            pull_request_head: None,
            previous: event.previous.map(|p| p.to_string()),
        }
    }

    /// An amendment: no member; `file` names the rules' files it changed.
    fn of_amendment(commit: Oid, amendment: &Amendment) -> LogEntry {
        LogEntry {
            commit: commit.to_string(),
            date: amendment.date.to_string(),
            kind: amendment.kind.as_str(),
            member: String::new(),
            file: amendment.changed.join(","),
            member_number: None,
            approvals: amendment.approvals.clone(),
            pull_request: amendment.pull_request,
            pull_request_head: amendment.pull_request_head.map(|h| h.to_string()),
            previous: amendment.previous.map(|p| p.to_string()),
        }
    }

    fn of(commit: Oid, event: &Event) -> LogEntry {
        LogEntry {
            commit: commit.to_string(),
            date: event.date.to_string(),
            kind: event.kind.as_str(),
            member: event.member.clone(),
            file: event.file.clone(),
            member_number: event.member_number,
            approvals: event.approvals.clone(),
            pull_request: event.pull_request,
            pull_request_head: event.pull_request_head.map(|h| h.to_string()),
            previous: event.previous.map(|p| p.to_string()),
        }
    }
}

pub struct Log {
    /// Newest first.
    pub entries: Vec<LogEntry>,
    pub findings: Vec<Finding>,
    /// Where the ledger begins; `None` if it has no one genesis (a finding).
    pub genesis: Option<(Oid, Genesis)>,
}

/// The events on the first-parent history of `tip` that `query` asks for.
pub fn log(repo: &Repository, tip: Oid, query: &Query) -> Result<Log, HistoryError> {
    let steps = history::chain(repo, tip, None)?;
    let genesis = match history::beginning(repo, &steps)? {
        Ok((commit, genesis)) => (commit, genesis),
        Err(findings) => return Ok(Log { entries: Vec::new(), findings, genesis: None }),
    };
    let mut remembered = history::Checked::open(repo);
    // The events asked for, and every maintenance commit after the genesis
    // (which brings the roll): the changes to check, unless checked before.
    let wanted: Vec<usize> = (0..steps.len())
        .filter(|&i| !remembered.contains(steps[i].commit))
        .filter(|&i| match &steps[i].record {
            Record::Event(event) => query.wants(event),
            Record::Maintenance => true,
            Record::Malformed | Record::Genesis(_) | Record::Amendment(_) | Record::Election(_) => false,
        })
        .collect();
    let changes = history::changes_of(repo, &steps, &wanted)?;
    let mut checked = wanted.iter().zip(&changes).peekable();
    let mut log = Log { entries: Vec::new(), findings: Vec::new(), genesis: Some(genesis) };
    for (i, step) in steps.iter().enumerate() {
        let changes = checked.next_if(|(w, _)| **w == i).map(|(_, c)| c.as_slice());
        let mut passed = true;
        match (&step.record, changes) {
            (Record::Event(event), Some(changes)) => match history::event_change(event, changes) {
                Ok(_) => log.entries.push(LogEntry::of(step.commit, event)),
                Err(why) => {
                    passed = false;
                    log.findings.push(not_its_change(event, &why, step.commit));
                }
            },
            (Record::Event(event), None) if query.wants(event) => log.entries.push(LogEntry::of(step.commit, event)),
            (Record::Amendment(amendment), _) if query.wants_amendment(amendment) => {
                log.entries.push(LogEntry::of_amendment(step.commit, amendment))
            }
            (Record::Election(election), _) if query.wants_election(election) => {
                log.entries.push(LogEntry::of_election(step.commit, election))
            }
            (Record::Malformed, _) => log.findings.push(malformed(step.commit)),
            (Record::Maintenance, Some(changes)) => {
                let unrecorded: Vec<Finding> = changes
                    .iter()
                    .filter(|c| is_under_members(&c.path))
                    .filter(|c| query.member.as_ref().is_none_or(|m| c.path == member_path(m)))
                    .map(|c| unrecorded(&c.path, step.commit))
                    .collect();
                passed = unrecorded.is_empty() && changes.iter().all(|c| !is_under_members(&c.path));
                log.findings.extend(unrecorded);
            }
            _ => {}
        }
        if passed && changes.is_some() {
            remembered.add(step.commit);
        }
    }
    remembered.save();
    Ok(log)
}

pub(crate) fn not_its_change(event: &Event, why: &str, commit: Oid) -> Finding {
    Finding::error(
        EVENT_CHANGE,
        &event.file,
        Pos::START,
        "",
        format!("the {} event of {} is not what its commit changed: {why}", event.kind.as_str(), event.member),
        "the ledger's history was edited by hand; run `rollcall verify` and restore the branch from a trusted copy",
    )
    .in_commit(commit)
}

pub fn malformed(commit: Oid) -> Finding {
    Finding::error(
        MALFORMED_EVENT,
        "",
        Pos::START,
        "",
        "the commit carries Rollcall- trailers that are not a ledger event as rollcall writes it",
        "only rollcall merge and the lifecycle commands write ledger events; a hand-written trailer is a forgery",
    )
    .in_commit(commit)
}

/// A member file changed by a commit that is no event.
pub fn unrecorded(path: &str, commit: Oid) -> Finding {
    Finding::error(
        UNRECORDED_CHANGE,
        path,
        Pos::START,
        "",
        format!("{path} was changed by a commit that is not a ledger event"),
        "member files change only through rollcall merge and the lifecycle commands; restore the branch from a trusted copy",
    )
    .in_commit(commit)
}

/// One line per event, for people.
pub fn human(entries: &[LogEntry]) -> String {
    let mut out = String::new();
    for e in entries {
        let number = e.member_number.map(|n| format!(" #{n}")).unwrap_or_default();
        let approvals: Vec<&str> = e.approvals.iter().map(|a| a.login.as_str()).collect();
        let approved =
            if approvals.is_empty() { String::new() } else { format!("  approved by {}", approvals.join(", ")) };
        let pr = e.pull_request.map(|n| format!("  pull request #{n}")).unwrap_or_default();
        out.push_str(&format!(
            "{}  {:<11} {}{number}{approved}{pr}  {}\n",
            e.date,
            e.kind,
            if e.member.is_empty() { &e.file } else { &e.member },
            &e.commit[..12.min(e.commit.len())]
        ));
    }
    out
}

pub const CSV_HEADER: &str =
    "commit,date,kind,member,file,member_number,approvals,pull_request,pull_request_head,previous_event\n";

/// RFC 4180 rows; approvals as `login:id:role` separated by `;`.
pub fn csv(entries: &[LogEntry]) -> String {
    let mut out = String::from(CSV_HEADER);
    for e in entries {
        let approvals: Vec<String> =
            e.approvals.iter().map(|a| format!("{}:{}:{}", a.login, a.id, a.role.as_str())).collect();
        let cells = [
            e.commit.clone(),
            e.date.clone(),
            e.kind.to_owned(),
            e.member.clone(),
            e.file.clone(),
            e.member_number.map(|n| n.to_string()).unwrap_or_default(),
            approvals.join(";"),
            e.pull_request.map(|n| n.to_string()).unwrap_or_default(),
            e.pull_request_head.clone().unwrap_or_default(),
            e.previous.clone().unwrap_or_default(),
        ];
        let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// A CSV cell, quoted where needed, and never a formula to a spreadsheet.
pub(crate) fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() };
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}
