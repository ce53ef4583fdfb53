//! A nomination: `elections/<id>/nominations/<login>.yaml`, added by a pull
//! request of its nominator and accepted by a pull request of its nominee.
//! Each rule of the election process is a small named function over the
//! facts the ledger holds (the election, the electorate of its cut-off
//! date, the election committee, the nominations already made), so that
//! `check-pr`, the recording command and `verify` judge a nomination alike.

use super::electorate::Electorate;
use super::file::{self, Election};
use crate::finding::{Finding, Pos, quoted};
use crate::roll::policy::Person;
use crate::roll::rules::names::nomination::*;
use crate::roll::yaml::{self, Layout, MEMBER_LIMITS, Spans};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::Value;
use std::rc::Rc;

/// The longest statement, in characters.
const MAX_STATEMENT_CHARS: usize = 4000;

/// A GitHub account, as the nomination names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Account {
    pub github: String,
    pub github_id: u64,
}

/// A nomination file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Nomination {
    /// Its path in the ledger.
    pub file: String,
    pub election: String,
    pub nominee: Account,
    pub nominee_name: String,
    pub nominator: Account,
    pub statement: String,
    /// The nominee has accepted (by a pull request of their own).
    pub accepted: bool,
}

/// The path of `login`'s nomination in election `id`.
pub fn path(id: &str, login: &str) -> String {
    format!("{}/{}/{}.yaml", file::folder(id), file::NOMINATIONS_DIR, login.to_ascii_lowercase())
}

/// Whether `path` is a nomination file's path; its election id and login.
pub fn parts(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("elections/")?;
    let (id, rest) = rest.split_once('/')?;
    let login = rest.strip_prefix("nominations/")?.strip_suffix(".yaml")?;
    (file::is_valid_id(id) && file::is_login(login) && login == login.to_ascii_lowercase()).then_some((id, login))
}

/// Reads a nomination file; findings point at its fields.
pub fn parse(path: &str, bytes: &[u8]) -> Result<Nomination, Vec<Finding>> {
    let doc = yaml::load(path, bytes, MEMBER_LIMITS, Layout::Free);
    let errors: Vec<Finding> = doc.findings.iter().filter(|f| f.is_error()).cloned().collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut findings = Vec::new();
    let spans = &doc.spans;
    let mut bad = |pointer: &str, message: String| {
        findings.push(Finding::error(
            NOMINATION_FILE,
            path,
            spans.locate(pointer),
            pointer,
            message,
            "a nomination has nominee {github, github_id, name}, nominator {github, github_id}, statement, and \
             accepted (false until the nominee accepts), and is named elections/<id>/nominations/<nominee's login>.yaml",
        ))
    };
    let Some(value) = doc.value.as_ref().filter(|v| v.is_object()) else {
        bad("", "the nomination is not a mapping of fields".to_owned());
        return Err(findings);
    };
    for key in value.as_object().into_iter().flat_map(|m| m.keys()) {
        if !["nominee", "nominator", "statement", "accepted"].contains(&key.as_str()) {
            bad(&format!("/{key}"), format!("a nomination has no field {}", quoted(key)));
        }
    }
    let text = |pointer: &str, bad: &mut dyn FnMut(&str, String)| match value.pointer(pointer) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
        Some(_) => {
            bad(pointer, format!("{pointer} is not a line of text"));
            None
        }
        None => {
            bad(pointer, format!("the field {} is missing", &pointer[1..]));
            None
        }
    };
    let account = |pointer: &str, bad: &mut dyn FnMut(&str, String)| {
        let github = text(&format!("{pointer}/github"), bad);
        let github = github.filter(|g| {
            let ok = file::is_login(g);
            if !ok {
                bad(&format!("{pointer}/github"), format!("{} is not a GitHub login", quoted(g)));
            }
            ok
        });
        let id = match value.pointer(&format!("{pointer}/github_id")).map(|v| v.as_u64()) {
            Some(Some(id)) if id > 0 => Some(id),
            Some(_) => {
                bad(&format!("{pointer}/github_id"), format!("{pointer}/github_id is not a positive whole number"));
                None
            }
            None => {
                bad(&format!("{pointer}/github_id"), format!("the field {}/github_id is missing", &pointer[1..]));
                None
            }
        };
        Some(Account { github: github?, github_id: id? })
    };
    let nominee = account("/nominee", &mut bad);
    let nominee_name = text("/nominee/name", &mut bad);
    let nominator = account("/nominator", &mut bad);
    let statement = text("/statement", &mut bad);
    if let Some(s) = statement.as_ref().filter(|s| s.chars().count() > MAX_STATEMENT_CHARS) {
        bad("/statement", format!("the statement has {} characters; at most {MAX_STATEMENT_CHARS}", s.chars().count()));
    }
    let accepted = match value.get("accepted") {
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            bad("/accepted", "accepted is not true or false".to_owned());
            None
        }
        None => {
            bad("/accepted", "the field accepted is missing".to_owned());
            None
        }
    };
    let (election, login) = match parts(path) {
        Some(parts) => (Some(parts.0.to_owned()), Some(parts.1)),
        None => {
            bad("", format!("{} is not elections/<id>/nominations/<login>.yaml", quoted(path)));
            (None, None)
        }
    };
    if let (Some(nominee), Some(login)) = (&nominee, login)
        && !nominee.github.eq_ignore_ascii_case(login)
    {
        bad("/nominee/github", format!("the file is named for {login}, but the nominee is {}", nominee.github));
    }
    match (election, nominee, nominee_name, nominator, statement, accepted) {
        (Some(election), Some(nominee), Some(nominee_name), Some(nominator), Some(statement), Some(accepted))
            if findings.is_empty() =>
        {
            Ok(Nomination { file: path.to_owned(), election, nominee, nominee_name, nominator, statement, accepted })
        }
        _ => Err(findings),
    }
}

/// What the ledger says around a nomination.
pub struct Facts<'a> {
    pub election: &'a Election,
    pub electorate: &'a Electorate,
    pub election_committee: &'a [Person],
    /// The nominations already recorded in this election.
    pub recorded: &'a [Rc<Nomination>],
    /// The day the nomination is made.
    pub date: Date,
    /// Where each field of the nomination is.
    pub spans: &'a Spans,
}

impl Facts<'_> {
    fn error(
        &self,
        rule: &'static str,
        nomination: &Nomination,
        pointer: &str,
        message: String,
        help: &str,
    ) -> Finding {
        Finding::error(rule, &nomination.file, self.spans.locate(pointer), pointer, message, help)
    }

    /// Whether `account` has a vote on the cut-off date: its login on the
    /// roll, with its account id where the roll has one.
    fn votes(&self, account: &Account) -> bool {
        let voter = self.electorate.voter(&account.github);
        voter.is_some_and(|v| v.github_id.is_none_or(|id| id == account.github_id))
    }
}

/// One rule of a new nomination.
type NominationRule = fn(&Nomination, &Account, &Facts) -> Option<Finding>;

/// A new nomination, made by `author` (the pull request's account).
pub fn judge_new(nomination: &Nomination, author: &Account, facts: &Facts) -> Vec<Finding> {
    let checks: [NominationRule; 8] = [
        by_its_nominator,
        in_window,
        not_accepted_yet,
        not_nominated_twice,
        nominator_votes,
        nominee_in_good_standing,
        not_self_unless_sponsor,
        not_election_committee,
    ];
    let mut findings: Vec<Finding> = checks.iter().filter_map(|check| check(nomination, author, facts)).collect();
    findings.extend(one_each(nomination, facts));
    findings
}

/// The pull request's account is the nominator the file names.
fn by_its_nominator(n: &Nomination, author: &Account, facts: &Facts) -> Option<Finding> {
    (author.github_id != n.nominator.github_id || !author.github.eq_ignore_ascii_case(&n.nominator.github)).then(|| {
        facts.error(
            NOMINATION_AUTHOR,
            n,
            "/nominator",
            format!(
                "the nomination names {} ({}) as nominator, but the pull request is {}'s ({})",
                n.nominator.github, n.nominator.github_id, author.github, author.github_id
            ),
            "a nominator opens the pull request that nominates, from their own account",
        )
    })
}

/// Nominations are made in the window the election file sets.
fn in_window(n: &Nomination, _: &Account, facts: &Facts) -> Option<Finding> {
    let window = facts.election.nominations;
    (!window.contains(facts.date)).then(|| {
        facts.error(
            NOMINATION_WINDOW,
            n,
            "",
            format!(
                "nominations for {} are open from {} to {}; today is {}",
                n.election, window.opens, window.closes, facts.date
            ),
            "nominate while nominations are open (the election file's nominations window)",
        )
    })
}

/// A nomination starts unaccepted: only the nominee accepts.
fn not_accepted_yet(n: &Nomination, _: &Account, facts: &Facts) -> Option<Finding> {
    n.accepted.then(|| {
        facts.error(
            NOMINATION_ACCEPTANCE,
            n,
            "/accepted",
            "a new nomination says it is accepted".to_owned(),
            "set accepted: false; the nominee accepts by a pull request of their own that sets it to true",
        )
    })
}

fn not_nominated_twice(n: &Nomination, _: &Account, facts: &Facts) -> Option<Finding> {
    facts.recorded.iter().any(|r| r.nominee.github_id == n.nominee.github_id).then(|| {
        facts.error(
            NOMINATION_DUPLICATE,
            n,
            "/nominee",
            format!("{} is already nominated in {}", n.nominee.github, n.election),
            "a person is nominated once per election",
        )
    })
}

/// The nominator votes on the cut-off date.
fn nominator_votes(n: &Nomination, _: &Account, facts: &Facts) -> Option<Finding> {
    (!facts.votes(&n.nominator)).then(|| {
        facts.error(
            NOMINATION_NOMINATOR,
            n,
            "/nominator",
            format!(
                "{} is not in the electorate of {} (the cut-off date)",
                n.nominator.github, facts.electorate.cutoff
            ),
            "a nominator is a member with a vote, or a voting member's representative, on the election's cut-off date",
        )
    })
}

/// The nominee has been a member in good standing long enough to vote on
/// the cut-off date (the policy's `voting_min_days`, 60 by default).
fn nominee_in_good_standing(n: &Nomination, _: &Account, facts: &Facts) -> Option<Finding> {
    (!facts.votes(&n.nominee)).then(|| {
        facts.error(
            NOMINATION_NOMINEE_STANDING,
            n,
            "/nominee",
            format!(
                "{} is not a member in good standing with a vote on {} (the cut-off date)",
                n.nominee.github, facts.electorate.cutoff
            ),
            "a nominee has held an active membership (or represented one) long enough to vote on the cut-off date",
        )
    })
}

/// Nobody nominates themselves, except a sponsor's representative.
fn not_self_unless_sponsor(n: &Nomination, _: &Account, facts: &Facts) -> Option<Finding> {
    if n.nominee.github_id != n.nominator.github_id {
        return None;
    }
    let sponsor = facts.electorate.voter(&n.nominator.github).is_some_and(|v| v.represents_sponsor());
    (!sponsor).then(|| {
        facts.error(
            NOMINATION_SELF,
            n,
            "/nominator",
            format!("{} nominates themselves", n.nominee.github),
            "ask another voting member to nominate you; only a sponsor's representative may nominate themselves",
        )
    })
}

fn not_election_committee(n: &Nomination, _: &Account, facts: &Facts) -> Option<Finding> {
    facts.election_committee.iter().any(|p| p.github_id == n.nominee.github_id).then(|| {
        facts.error(
            NOMINATION_COMMITTEE,
            n,
            "/nominee",
            format!("{} is on the election committee", n.nominee.github),
            "members of the election committee cannot be nominated; resign from it first (an amendment)",
        )
    })
}

/// An individual or mirror member nominates at most one candidate; a
/// sponsor's representative may nominate more.
fn one_each(n: &Nomination, facts: &Facts) -> Option<Finding> {
    let voter = facts.electorate.voter(&n.nominator.github)?;
    if voter.represents_sponsor() {
        return None;
    }
    let earlier = facts.recorded.iter().find(|r| r.nominator.github_id == n.nominator.github_id)?;
    Some(facts.error(
        NOMINATION_ONE_EACH,
        n,
        "/nominator",
        format!("{} has already nominated {} in {}", n.nominator.github, earlier.nominee.github, n.election),
        "an individual or mirror member nominates at most one candidate per election",
    ))
}

/// An acceptance: the nominee's own pull request changes `accepted` from
/// false to true and nothing else, before voting opens.
pub fn judge_acceptance(before: &Nomination, after: &Nomination, author: &Account, facts: &Facts) -> Vec<Finding> {
    let mut findings = Vec::new();
    let same = Nomination { accepted: before.accepted, ..after.clone() };
    if &same != before || before.accepted || !after.accepted {
        findings.push(facts.error(
            NOMINATION_ACCEPTANCE,
            after,
            "/accepted",
            "a change to a recorded nomination may only set accepted from false to true".to_owned(),
            "the nominee accepts by changing accepted: false to accepted: true, and nothing else",
        ));
    }
    if author.github_id != before.nominee.github_id {
        findings.push(facts.error(
            NOMINATION_ACCEPTANCE,
            after,
            "/accepted",
            format!("{} accepts {}'s nomination", author.github, before.nominee.github),
            "only the nominee accepts their nomination, by a pull request from their own account",
        ));
    }
    if facts.date >= facts.election.voting.opens || facts.date < facts.election.nominations.opens {
        findings.push(facts.error(
            NOMINATION_WINDOW,
            after,
            "/accepted",
            format!(
                "a nomination is accepted from {} until voting opens on {}; today is {}",
                facts.election.nominations.opens, facts.election.voting.opens, facts.date
            ),
            "accept before voting opens",
        ));
    }
    findings
}

/// Where the nomination's fields are, for findings about a parsed file.
pub fn spans(path: &str, bytes: &[u8]) -> Spans {
    yaml::load(path, bytes, MEMBER_LIMITS, Layout::Free).spans
}

/// A finding about a nomination's place in the change (not its content).
pub fn scope_finding(path: &str, message: String, help: &str) -> Finding {
    Finding::error(NOMINATION_SCOPE, path, Pos::START, "", message, help)
}
