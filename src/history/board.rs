//! `rollcall board`: the board and the committees on a date, read from the
//! ledger's events alone: the genesis seats whoever its rules name, and
//! each amendment after it (a `seat`, `unseat`, `appoint`, `dismiss` or
//! any other `amend`) the people its rules name. A person's seat dates from
//! the event that gave it, kept through every later event that leaves it.
//! The events of a date are those of the state `roll --as-of` reads
//! ([`voting::state_on`]). Maintenance commits are not events: a change
//! they made to the rules is `verify`'s finding, and no seat here.

use crate::finding::{Finding, Pos};
use crate::history::{self, HistoryError, Record, voting};
use crate::roll::config;
use crate::roll::rules::names::history::GENESIS;
use crate::roll::source::Source;
use git2::{Oid, Repository};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

/// The event that gave a seat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Since {
    pub commit: String,
    pub date: String,
    /// `genesis`, or the amendment's kind.
    pub kind: &'static str,
}

/// One seat on the board or a committee.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Seat {
    pub github: String,
    pub github_id: u64,
    pub name: Option<String>,
    /// The member organization a director works for.
    pub organization: Option<String>,
    pub since: Since,
}

/// The board and the committees on a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Board {
    pub as_of: String,
    /// The event whose rules are in force on that date.
    pub rules: Since,
    pub directors: Vec<Seat>,
    pub committee: Vec<Seat>,
    pub election_committee: Vec<Seat>,
}

type Seats = BTreeMap<u64, Seat>;

/// The seats `people` hold after the event `since`: those seated before
/// keep their `since`, the others take this one.
fn reseat(before: &Seats, people: Vec<(String, u64, Option<String>, Option<String>)>, since: &Since) -> Seats {
    people
        .into_iter()
        .map(|(github, github_id, name, organization)| {
            let since = before.get(&github_id).map_or_else(|| since.clone(), |s| s.since.clone());
            (github_id, Seat { github, github_id, name, organization, since })
        })
        .collect()
}

/// The board and committees on `as_of`, from the history of `tip`.
/// Findings if the ledger has no one genesis, or `as_of` is before it.
pub fn board(repo: &Repository, tip: Oid, as_of: Date) -> Result<Result<Board, Vec<Finding>>, HistoryError> {
    board_of(repo, &history::chain(repo, tip, None)?, as_of)
}

/// [`board`] of a chain already read (newest first, down to its genesis).
pub fn board_of(
    repo: &Repository,
    steps: &[history::Step],
    as_of: Date,
) -> Result<Result<Board, Vec<Finding>>, HistoryError> {
    let genesis = match history::beginning(repo, steps)? {
        Ok(genesis) => genesis,
        Err(findings) => return Ok(Err(findings)),
    };
    // The state of the date as the roll places it: the events up to it.
    let Some(at) = voting::state_on(steps, as_of).filter(|_| as_of >= genesis.1.date) else {
        let message = format!("the ledger begins on {}: it had no board on {as_of}", genesis.1.date);
        let help = "ask for a date on or after the genesis";
        return Ok(Err(vec![Finding::error(GENESIS, "", Pos::START, "", message, help).in_commit(genesis.0)]));
    };
    let mut seats: [Seats; 3] = Default::default();
    let mut rules = None;
    for step in steps[at..].iter().rev() {
        let kind = match &step.record {
            Record::Genesis(_) => "genesis",
            Record::Amendment(amendment) => amendment.kind.as_str(),
            // A certified election seats its winners.
            Record::Election(e) if e.step == crate::election::event::Step::Certify => e.step.as_str(),
            _ => continue,
        };
        // An event verify would refuse seats nobody; its rules are not read.
        let Ok(config) = config::load(&Source::at(repo, step.tree)) else { continue };
        let since = Since { commit: step.commit.to_string(), date: step.date().to_string(), kind };
        let policy = &config.policy.policy;
        let directors = policy
            .board
            .directors
            .iter()
            .map(|d| (d.github.clone(), d.github_id, Some(d.name.clone()), d.organization.clone()));
        let person = |p: &crate::roll::policy::Person| (p.github.clone(), p.github_id, p.name.clone(), None);
        seats = [
            reseat(&seats[0], directors.collect(), &since),
            reseat(&seats[1], policy.committee.members.iter().map(person).collect(), &since),
            reseat(&seats[2], policy.election_committee.iter().map(person).collect(), &since),
        ];
        rules = Some(since);
    }
    let Some(rules) = rules else { return Ok(Err(vec![history::no_genesis()])) };
    let [directors, committee, election] = seats.map(|s| {
        let mut seats: Vec<Seat> = s.into_values().collect();
        seats.sort_by(|a, b| a.github.cmp(&b.github));
        seats
    });
    Ok(Ok(Board { as_of: as_of.to_string(), rules, directors, committee, election_committee: election }))
}

/// For people: one line per seat, under each body's heading.
pub fn human(board: &Board) -> String {
    let mut out = format!(
        "The board and committees on {}, under the rules of the {} of {} ({})\n",
        board.as_of, board.rules.kind, board.rules.date, board.rules.commit
    );
    for (title, seats) in [
        ("Board of directors", &board.directors),
        ("Membership committee", &board.committee),
        ("Election committee", &board.election_committee),
    ] {
        out.push_str(&format!("\n{title} ({}):\n", seats.len()));
        for s in seats {
            let organization = s.organization.as_deref().map(|o| format!(", {o}")).unwrap_or_default();
            out.push_str(&format!(
                "  {} ({}{organization})  since {} by {} {}\n",
                s.github,
                s.name.as_deref().unwrap_or("-"),
                s.since.date,
                s.since.kind,
                &s.since.commit[..12.min(s.since.commit.len())]
            ));
        }
    }
    out
}

pub const CSV_HEADER: &str = "body,github,github_id,name,organization,since_date,since_kind,since_commit\n";

/// RFC 4180 rows, one per seat.
pub fn csv(board: &Board) -> String {
    let mut out = String::from(CSV_HEADER);
    for (body, seats) in [
        ("board", &board.directors),
        ("committee", &board.committee),
        ("election_committee", &board.election_committee),
    ] {
        for s in seats {
            let cells = [
                body.to_owned(),
                s.github.clone(),
                s.github_id.to_string(),
                s.name.clone().unwrap_or_default(),
                s.organization.clone().unwrap_or_default(),
                s.since.date.clone(),
                s.since.kind.to_owned(),
                s.since.commit.clone(),
            ];
            let row: Vec<String> = cells.iter().map(|c| crate::history::log::csv_cell(c)).collect();
            out.push_str(&row.join(","));
            out.push('\n');
        }
    }
    out
}
