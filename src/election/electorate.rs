//! The electorate of an election: every person who votes on its cut-off
//! date, with the weight of all the memberships they hold or represent (a
//! person who is an individual member and an organization's representative
//! holds both), and the quorum of that roll. `history::electorate` builds
//! it from the voting roll of the cut-off date, so it is what
//! `roll --as-of` says of that date.

use jiff::civil::Date;
use serde::Serialize;

/// One membership a voter holds or represents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Membership {
    pub member: String,
    pub tier: String,
    /// The tier's class: `individual`, `mirror` or `sponsor`.
    pub class: String,
    pub votes: u32,
}

/// One person with a vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Voter {
    /// The GitHub login that casts the votes.
    pub login: String,
    pub github_id: Option<u64>,
    pub weight: u64,
    /// Why: each membership and its votes.
    pub memberships: Vec<Membership>,
    /// Every membership of this voter is unlisted: nothing public names it.
    #[serde(skip)]
    pub unlisted: bool,
}

impl Voter {
    /// Whether the voter represents a sponsor-class membership.
    pub fn represents_sponsor(&self) -> bool {
        self.memberships.iter().any(|m| m.class == "sponsor")
    }

    /// The sponsor-class member the voter represents, if any.
    pub fn sponsor(&self) -> Option<&str> {
        self.memberships.iter().find(|m| m.class == "sponsor").map(|m| m.member.as_str())
    }
}

/// The electorate and the quorum of a vote of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Electorate {
    pub election: String,
    pub cutoff: Date,
    /// The ledger commit whose state the roll of the cut-off date is.
    pub commit: Option<String>,
    /// Sorted by login.
    pub voters: Vec<Voter>,
    /// The quorum of the roll of the cut-off date; its fields stand beside
    /// the others in the JSON.
    #[serde(flatten)]
    pub quorum: Quorum,
}

/// How many must take part for a vote of the members to count. It counts
/// memberships with a vote, not voters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Quorum {
    pub voting_members: usize,
    pub votes: u64,
    pub members_percent: u32,
    pub votes_percent: u32,
    /// At least this many voting members…
    pub members_needed: u64,
    /// …holding at least this many votes.
    pub votes_needed: u64,
}

impl Quorum {
    /// The quorum the policy's percentages make of `voting_members`
    /// holding `votes`, rounded up.
    pub fn of(voting_members: usize, votes: u64, policy: &crate::roll::policy::Quorum) -> Quorum {
        let share = |of: u64, percent: u32| (of * u64::from(percent)).div_ceil(100);
        Quorum {
            voting_members,
            votes,
            members_percent: policy.members_percent,
            votes_percent: policy.votes_percent,
            members_needed: share(voting_members as u64, policy.members_percent),
            votes_needed: share(votes, policy.votes_percent),
        }
    }
}

impl Electorate {
    pub fn voter(&self, login: &str) -> Option<&Voter> {
        self.voters.iter().find(|v| v.login.eq_ignore_ascii_case(login))
    }

    /// How many voters hold each weight: what a published ballot box is
    /// checked against.
    pub fn weights(&self) -> std::collections::BTreeMap<(u64, usize), usize> {
        let mut out = std::collections::BTreeMap::new();
        for v in &self.voters {
            *out.entry((v.weight, v.memberships.len())).or_insert(0) += 1;
        }
        out
    }

    /// The voters as people see them: an unlisted voter's login and
    /// memberships are not shown, only their weight.
    pub fn public(&self) -> Electorate {
        let mut out = self.clone();
        for v in out.voters.iter_mut().filter(|v| v.unlisted) {
            v.login = "(unlisted)".to_owned();
            v.github_id = None;
            for m in &mut v.memberships {
                m.member = "(unlisted)".to_owned();
            }
        }
        out
    }

    pub fn human(&self) -> String {
        let mut out = format!("Electorate of {} on {} (the cut-off date)\n", self.election, self.cutoff);
        let width = self.voters.iter().map(|v| v.login.chars().count()).max().unwrap_or(5).max(5);
        out.push_str(&format!("{:<width$}  {:>6}  why\n", "voter", "weight"));
        for v in &self.voters {
            let why: Vec<String> =
                v.memberships.iter().map(|m| format!("{} ({}, {} votes)", m.member, m.tier, m.votes)).collect();
            out.push_str(&format!("{:<width$}  {:>6}  {}\n", v.login, v.weight, why.join(" + ")));
        }
        out.push_str(&format!(
            "{} voters, {} voting memberships, {} votes\nquorum: {} voting memberships ({}%) holding {} votes ({}%)\n",
            self.voters.len(),
            self.quorum.voting_members,
            self.quorum.votes,
            self.quorum.members_needed,
            self.quorum.members_percent,
            self.quorum.votes_needed,
            self.quorum.votes_percent
        ));
        out
    }

    pub fn csv(&self) -> String {
        let mut out = String::from("voter,weight,member,tier,votes\r\n");
        for v in &self.voters {
            for m in &v.memberships {
                out.push_str(&format!(
                    "{},{},{},{},{}\r\n",
                    csv_cell(&v.login),
                    v.weight,
                    csv_cell(&m.member),
                    csv_cell(&m.tier),
                    m.votes
                ));
            }
        }
        out
    }
}

/// A CSV cell: quoted when it must be, and never a formula a spreadsheet
/// would evaluate.
fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() };
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}
