//! A ledger event: one commit on the main branch that changes one member
//! file, whose message says in machine-readable trailers what happened, to
//! whom, on whose approval, and which event came before. `rollcall log` and
//! `rollcall verify` read history through these trailers and check them
//! against the change each commit made.

use git2::Oid;
use jiff::civil::Date;
use serde::Serialize;

/// What happened to a membership.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// An application approved: status active, a member number, a term.
    Admit,
    /// A member's own change to fields that do not change the membership.
    Update,
    /// A term extended from the previous expiry.
    Renew,
    /// A term ran out.
    Lapse,
    Resign,
    /// The board ended the membership, with a recorded reason.
    Terminate,
    /// A lapsed or resigned member admitted again, with its old number.
    Readmit,
    ChangeTier,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Admit,
        Kind::Update,
        Kind::Renew,
        Kind::Lapse,
        Kind::Resign,
        Kind::Terminate,
        Kind::Readmit,
        Kind::ChangeTier,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Admit => "admit",
            Kind::Update => "update",
            Kind::Renew => "renew",
            Kind::Lapse => "lapse",
            Kind::Resign => "resign",
            Kind::Terminate => "terminate",
            Kind::Readmit => "readmit",
            Kind::ChangeTier => "change-tier",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// In what capacity someone approved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Role {
    #[serde(rename = "committee")]
    Committee,
    #[serde(rename = "board")]
    Board,
    /// A director who sits on the membership committee, approving an
    /// in-kind sponsorship: one approval that counts for the committee and
    /// is the board's approval too. Written `committee+board`.
    #[serde(rename = "committee+board")]
    CommitteeAndBoard,
    /// The election committee, approving an election event (shown by
    /// `log`; a member event never carries it, so `ALL` leaves it out).
    #[serde(rename = "election-committee")]
    ElectionCommittee,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Committee, Role::Board, Role::CommitteeAndBoard];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Committee => "committee",
            Role::Board => "board",
            Role::CommitteeAndBoard => "committee+board",
            Role::ElectionCommittee => crate::election::event::ROLE,
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// Whether the approval counts among the committee's.
    pub fn is_committee(self) -> bool {
        matches!(self, Role::Committee | Role::CommitteeAndBoard)
    }

    /// Whether the approval is a director's, for the board.
    pub fn is_board(self) -> bool {
        matches!(self, Role::Board | Role::CommitteeAndBoard)
    }
}

/// One approval as the event records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Approval {
    pub login: String,
    pub id: u64,
    pub role: Role,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub kind: Kind,
    /// The member's id.
    pub member: String,
    pub file: String,
    pub member_number: Option<u64>,
    pub date: Date,
    pub approvals: Vec<Approval>,
    /// The pull request the event merged, and its head commit.
    pub pull_request: Option<u64>,
    pub pull_request_head: Option<Oid>,
    /// The event before this one on the branch; `None` for the first.
    pub previous: Option<Oid>,
}

const EVENT: &str = "Rollcall-Event";
const MEMBER: &str = "Rollcall-Member";
const FILE: &str = "Rollcall-File";
const NUMBER: &str = "Rollcall-Member-Number";
const DATE: &str = "Rollcall-Date";
const APPROVED_BY: &str = "Rollcall-Approved-By";
const PULL_REQUEST: &str = "Rollcall-Pull-Request";
const PULL_REQUEST_HEAD: &str = "Rollcall-Pull-Request-Head";
const PREVIOUS: &str = "Rollcall-Previous-Event";

impl Event {
    /// The commit message: a subject for people, then the trailers.
    pub fn message(&self) -> String {
        let subject = match (self.kind, self.member_number) {
            (Kind::Admit, Some(n)) => format!("Admit {} as member {n}", self.member),
            (kind, _) => format!("{} {}", capitalised(kind.as_str()), self.member),
        };
        let mut out =
            format!("{subject}\n\n{EVENT}: {}\n{MEMBER}: {}\n{FILE}: {}\n", self.kind.as_str(), self.member, self.file);
        if let Some(n) = self.member_number {
            out.push_str(&format!("{NUMBER}: {n}\n"));
        }
        write_closing(&mut out, self.date, &self.approvals, self.pull_request, self.pull_request_head, self.previous);
        out
    }

    /// The event a commit message records; `None` if it records none, or
    /// if its trailers are not exactly what `message` writes.
    pub fn parse(message: &str) -> Option<Event> {
        let mut trailers = Trailers::of(message)?;
        let kind = Kind::parse(trailers.take(EVENT)?)?;
        let member = trailers.take(MEMBER)?.to_owned();
        let file = trailers.take(FILE)?.to_owned();
        let member_number = match trailers.take(NUMBER) {
            Some(n) => Some(canonical_number(n)?),
            None => None,
        };
        let Closing { date, approvals, pull_request, pull_request_head, previous } = trailers.closing(Role::parse)?;
        let event =
            Event { kind, member, file, member_number, date, approvals, pull_request, pull_request_head, previous };
        // Nothing may follow, and the whole message must be the one written.
        (trailers.finished() && event.message() == message).then_some(event)
    }
}

/// The trailers a member event and an amendment both end with, in the
/// order written: the date, the approvals, the pull request and its head
/// commit, and the event before.
pub(crate) struct Closing {
    pub date: Date,
    pub approvals: Vec<Approval>,
    pub pull_request: Option<u64>,
    pub pull_request_head: Option<Oid>,
    pub previous: Option<Oid>,
}

/// Writes the [`Closing`] trailers.
pub(crate) fn write_closing(
    out: &mut String,
    date: Date,
    approvals: &[Approval],
    pull_request: Option<u64>,
    pull_request_head: Option<Oid>,
    previous: Option<Oid>,
) {
    out.push_str(&format!("{DATE}: {date}\n"));
    for a in approvals {
        out.push_str(&format!("{APPROVED_BY}: {} {} {}\n", a.login, a.id, a.role.as_str()));
    }
    if let Some(n) = pull_request {
        out.push_str(&format!("{PULL_REQUEST}: {n}\n"));
    }
    if let Some(head) = pull_request_head {
        out.push_str(&format!("{PULL_REQUEST_HEAD}: {head}\n"));
    }
    let previous = previous.map_or_else(|| "none".to_owned(), |p| p.to_string());
    out.push_str(&format!("{PREVIOUS}: {previous}\n"));
}

/// A commit message's trailers, taken one by one in the order they must
/// stand in.
pub(crate) struct Trailers<'m> {
    rest: std::iter::Peekable<std::vec::IntoIter<(&'m str, &'m str)>>,
}

impl<'m> Trailers<'m> {
    /// The trailers after the subject; `None` if a line is not `key: value`.
    pub(crate) fn of(message: &'m str) -> Option<Trailers<'m>> {
        let (_, trailers) = message.split_once("\n\n")?;
        let lines: Vec<(&str, &str)> = trailers.lines().map(|l| l.split_once(": ")).collect::<Option<_>>()?;
        Some(Trailers { rest: lines.into_iter().peekable() })
    }

    /// The next trailer's value, if its key is `key`.
    pub(crate) fn take(&mut self, key: &str) -> Option<&'m str> {
        self.rest.next_if(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The closing trailers, each in its canonical form; `role` reads an
    /// approval's role, `None` for one the event may not carry.
    pub(crate) fn closing(&mut self, role: impl Fn(&str) -> Option<Role>) -> Option<Closing> {
        let date = self.take(DATE)?;
        let date = date.parse().ok().filter(|d: &Date| d.to_string() == date)?;
        let mut approvals = Vec::new();
        while let Some(approval) = self.take(APPROVED_BY) {
            let mut parts = approval.split(' ');
            let (login, id, role) = (parts.next()?, parts.next()?, role(parts.next()?)?);
            if parts.next().is_some() || login.is_empty() {
                return None;
            }
            approvals.push(Approval { login: login.to_owned(), id: canonical_number(id)?, role });
        }
        let pull_request = match self.take(PULL_REQUEST) {
            Some(n) => Some(canonical_number(n)?),
            None => None,
        };
        let pull_request_head = match self.take(PULL_REQUEST_HEAD) {
            Some(head) => Some(canonical_oid(head)?),
            None => None,
        };
        let previous = self.take(PREVIOUS)?;
        let previous = if previous == "none" { None } else { Some(canonical_oid(previous)?) };
        Some(Closing { date, approvals, pull_request, pull_request_head, previous })
    }

    /// Whether every trailer was taken.
    pub(crate) fn finished(&mut self) -> bool {
        self.rest.peek().is_none()
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default().replace('-', " ")
}

fn canonical_number(text: &str) -> Option<u64> {
    text.parse().ok().filter(|n: &u64| n.to_string() == text)
}

fn canonical_oid(text: &str) -> Option<Oid> {
    Oid::from_str(text).ok().filter(|o| o.to_string() == text)
}
