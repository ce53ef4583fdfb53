//! An election event: one ledger commit that opens an election, records a
//! nomination or its acceptance, or certifies the result. Its trailers are
//! parsed as strictly as a member event's: a message is an election event
//! only if it is exactly what [`ElectionEvent::message`] writes.

use jiff::civil::Date;
use serde::Serialize;

/// What an election event does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// Adds `elections/<id>/election.yaml`.
    Open,
    /// Adds a nomination.
    Nominate,
    /// The nominee accepts their nomination.
    Accept,
    /// Commits the published ballots and the result; the winners take their seats.
    Certify,
}

impl Step {
    pub const ALL: [Step; 4] = [Step::Open, Step::Nominate, Step::Accept, Step::Certify];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Open => "election-open",
            Step::Nominate => "election-nominate",
            Step::Accept => "election-accept",
            Step::Certify => "election-certify",
        }
    }

    pub fn parse(text: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Opening and certifying are decisions of the election committee; a
    /// nomination and an acceptance are a member's own act.
    pub fn needs_committee(self) -> bool {
        matches!(self, Step::Open | Step::Certify)
    }
}

/// A GitHub account on a trailer: login and numeric id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Signed {
    pub login: String,
    pub id: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ElectionEvent {
    pub step: Step,
    pub election: String,
    /// The nominee, for a nomination or an acceptance.
    pub nominee: Option<String>,
    pub date: Date,
    /// Who opened the pull request (nominate, accept).
    pub author: Option<Signed>,
    /// The election committee members who approved (open, certify).
    pub approvals: Vec<Signed>,
    pub pull_request: Option<u64>,
    /// The event before it on the branch.
    #[serde(serialize_with = "oid_text")]
    pub previous: Option<git2::Oid>,
}

const EVENT: &str = "Rollcall-Event";
const ELECTION: &str = "Rollcall-Election";
const NOMINEE: &str = "Rollcall-Nominee";
const DATE: &str = "Rollcall-Date";
const AUTHOR: &str = "Rollcall-Author";
const APPROVED_BY: &str = "Rollcall-Approved-By";
const PULL_REQUEST: &str = "Rollcall-Pull-Request";
const PREVIOUS: &str = "Rollcall-Previous-Event";
/// The role an approval of an election event is recorded with.
pub const ROLE: &str = "election-committee";

impl ElectionEvent {
    /// The commit message: a subject for people, then the trailers.
    pub fn message(&self) -> String {
        let what = match (self.step, &self.nominee) {
            (Step::Open, _) => "open".to_owned(),
            (Step::Nominate, Some(n)) => format!("nominate {n}"),
            (Step::Accept, Some(n)) => format!("{n} accepts the nomination"),
            (Step::Certify, _) => "certify the result".to_owned(),
            (_, None) => "nomination".to_owned(),
        };
        let mut out = format!(
            "Election {}: {what}\n\n{EVENT}: {}\n{ELECTION}: {}\n",
            self.election,
            self.step.as_str(),
            self.election
        );
        if let Some(nominee) = &self.nominee {
            out.push_str(&format!("{NOMINEE}: {nominee}\n"));
        }
        out.push_str(&format!("{DATE}: {}\n", self.date));
        if let Some(a) = &self.author {
            out.push_str(&format!("{AUTHOR}: {} {}\n", a.login, a.id));
        }
        for a in &self.approvals {
            out.push_str(&format!("{APPROVED_BY}: {} {} {ROLE}\n", a.login, a.id));
        }
        if let Some(n) = self.pull_request {
            out.push_str(&format!("{PULL_REQUEST}: {n}\n"));
        }
        let previous = self.previous.map_or_else(|| "none".to_owned(), |p| p.to_string());
        out.push_str(&format!("{PREVIOUS}: {previous}\n"));
        out
    }

    /// The election event a commit message records; `None` if it records
    /// none, or is not exactly what `message` writes.
    pub fn parse(message: &str) -> Option<ElectionEvent> {
        let (_, trailers) = message.split_once("\n\n")?;
        let lines: Vec<(&str, &str)> = trailers.lines().map(|l| l.split_once(": ")).collect::<Option<_>>()?;
        let mut rest = lines.into_iter().peekable();
        let mut take = |key: &str| rest.next_if(|(k, _)| *k == key).map(|(_, v)| v);
        let step = Step::parse(take(EVENT)?)?;
        let election = take(ELECTION)?.to_owned();
        let nominee = take(NOMINEE).map(str::to_owned);
        let date = take(DATE)?;
        let date = date.parse().ok().filter(|d: &Date| d.to_string() == date)?;
        let account = |text: &str| {
            let (login, id) = text.split_once(' ')?;
            Some(Signed { login: login.to_owned(), id: number(id)? })
        };
        let author = match take(AUTHOR) {
            Some(text) => Some(account(text)?),
            None => None,
        };
        let mut approvals = Vec::new();
        while let Some(text) = take(APPROVED_BY) {
            let (who, role) = text.rsplit_once(' ')?;
            if role != ROLE {
                return None;
            }
            approvals.push(account(who)?);
        }
        let pull_request = match take(PULL_REQUEST) {
            Some(n) => Some(number(n)?),
            None => None,
        };
        let previous = take(PREVIOUS)?;
        let previous = if previous == "none" {
            None
        } else {
            Some(git2::Oid::from_str(previous).ok().filter(|o| o.to_string() == previous)?)
        };
        let event = ElectionEvent { step, election, nominee, date, author, approvals, pull_request, previous };
        let shaped = matches!(step, Step::Nominate | Step::Accept)
            == (event.nominee.is_some() && event.author.is_some())
            && step.needs_committee() != event.approvals.is_empty();
        (rest.next().is_none() && shaped && event.message() == message).then_some(event)
    }
}

fn number(text: &str) -> Option<u64> {
    text.parse().ok().filter(|n: &u64| n.to_string() == text)
}

fn oid_text<S: serde::Serializer>(oid: &Option<git2::Oid>, s: S) -> Result<S::Ok, S::Error> {
    match oid {
        Some(oid) => s.serialize_str(&oid.to_string()),
        None => s.serialize_none(),
    }
}
