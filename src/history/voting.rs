//! `rollcall roll --as-of DATE`: who was a member on a date and how many
//! votes each held, under the policy in force that day. Derived from
//! history: the roll of a date is the ledger as it stood after the last
//! event of any kind dated that day or before ([`state_on`]), so a member
//! who left since is on the roll of the days it was a member.

use crate::election::electorate::Quorum;
use crate::finding::Finding;
use crate::history::remembered::{Remembered, Store};
use crate::history::{self, HistoryError};
use crate::roll::config::{self, ConfigError};
use crate::roll::member::Status;
use crate::roll::policy::Policy;
use crate::roll::source::Source;
use git2::{Oid, Repository};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What an unlisted member is shown as: it votes, but no export names it.
pub(crate) const UNLISTED: &str = "(unlisted)";

/// One member of the roll.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Voter {
    pub member: String,
    pub name: String,
    pub tier: String,
    pub admitted: Option<String>,
    pub expires: Option<String>,
    /// 0 until the membership is old enough to vote.
    pub votes: u32,
    /// The account that casts the votes: the member's own, or its
    /// organization's representative.
    pub voter: String,
    /// Who the voter is even when the roll shows them as unlisted: for
    /// the electorate, which the election committee needs whole.
    #[serde(skip)]
    pub identity: Identity,
}

/// The voter behind a roll line, never printed by the roll itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    pub login: String,
    pub github_id: Option<u64>,
    pub member: String,
    /// The tier's class (`individual`, `mirror`, `sponsor`).
    pub class: String,
    pub unlisted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TierTotal {
    pub tier: String,
    pub members: usize,
    pub voting_members: usize,
    pub votes: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Roll {
    pub as_of: String,
    /// The commit whose state the roll is; `None` before the ledger began.
    pub commit: Option<String>,
    /// Members active on the date, by member id.
    pub members: Vec<Voter>,
    pub totals: Vec<TierTotal>,
    pub quorum: Quorum,
}

/// The voting roll of the first-parent history of `tip` on `as_of`;
/// findings if the history has no one genesis. A date before the genesis
/// is before the ledger began: an error, not an empty roll.
pub fn roll(repo: &Repository, tip: Oid, as_of: Date) -> Result<Result<Roll, Vec<Finding>>, HistoryError> {
    let On { steps, at, policy, .. } = match on(repo, tip, as_of)? {
        Ok(on) => on,
        Err(findings) => return Ok(Err(findings)),
    };
    let state = &steps[at];
    let mut summaries = Remembered::open(repo, &SUMMARIES);
    let mut members: Vec<Voter> = summaries
        .members(repo, state.tree, Summary::of)?
        .into_iter()
        .filter_map(|summary| voter(summary, &policy, as_of))
        .collect();
    summaries.save();
    members.sort_by(|a, b| (&a.member, &a.voter).cmp(&(&b.member, &b.voter)));
    let tiers: Vec<&str> = policy.tiers.iter().map(|t| t.name.as_str()).collect();
    let mut roll = tally(as_of, Some(state.commit), members, &policy.quorum);
    roll.totals.sort_by_key(|t| tiers.iter().position(|name| *name == t.tier));
    Ok(Ok(roll))
}

/// The ledger on a date: its history (newest first), its genesis, the
/// index in `steps` of the state of that date, and the policy in force.
pub(crate) struct On {
    pub steps: Vec<history::Step>,
    pub genesis: crate::change::genesis::Genesis,
    pub at: usize,
    pub policy: Policy,
}

/// The ledger of the first-parent history of `tip` on `as_of`, as `roll`,
/// the electorate and `export` read it; findings if the history has no one
/// genesis. A date before the genesis is before the ledger began: an error.
pub(crate) fn on(repo: &Repository, tip: Oid, as_of: Date) -> Result<Result<On, Vec<Finding>>, HistoryError> {
    let steps = history::chain(repo, tip, None)?;
    let (_, genesis) = match history::beginning(repo, &steps)? {
        Ok(genesis) => genesis,
        Err(findings) => return Ok(Err(findings)),
    };
    let Some(at) = state_on(&steps, as_of).filter(|_| as_of >= genesis.date) else {
        return Err(HistoryError(format!("the ledger begins on {}: there is no roll of {as_of}", genesis.date)));
    };
    let state = &steps[at];
    let source = Source::at(repo, state.tree);
    let policy = match config::load(&source) {
        Ok(config) => config.policy.policy,
        Err(ConfigError::Invalid(findings)) => {
            let first = findings.first().map(|f| format!("{}:{}: {}", f.file, f.line, f.message)).unwrap_or_default();
            return Err(HistoryError(format!("the policy in force on {as_of} cannot be read: {first}")));
        }
        Err(ConfigError::Source(e)) => return Err(HistoryError(e.to_string())),
    };
    Ok(Ok(On { steps, genesis, at, policy }))
}

/// Where in `steps` (a chain, newest first) the ledger stood on `as_of`:
/// the state after the newest dated step dated on or before it, whatever
/// its kind (a member event, an amendment, an election event, the
/// genesis), so that no rule or seat dated later is in force that day.
/// `None` if no step is dated that early. Every reader of the ledger on a
/// date places it here.
///
/// A maintenance commit (the docs, an index migration) has no date of its
/// own, and its committer's clock is not the ledger's: it goes with the
/// dated step before it. So the state is the newest commit before the next
/// dated step, not the dated step's own commit, which would drop the
/// maintenance done since (the roll of today would not be the tip's).
pub(crate) fn state_on(steps: &[history::Step], as_of: Date) -> Option<usize> {
    let dated = |step: &history::Step| step.record.date();
    let last = steps.iter().position(|step| dated(step).is_some_and(|date| date <= as_of))?;
    Some(steps[..last].iter().rposition(|step| dated(step).is_some()).map_or(0, |next| next + 1))
}

/// What the roll reads of a member file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Summary {
    id: Option<String>,
    name: Option<String>,
    tier: Option<String>,
    status: Option<String>,
    admitted: Option<String>,
    expires: Option<String>,
    /// The member's own login, or its representative's.
    voter: Option<String>,
    voter_id: Option<u64>,
    unlisted: bool,
}

impl Summary {
    pub fn of(value: &Value) -> Summary {
        let text = |v: &Value, field: &str| v.get(field).and_then(Value::as_str).map(str::to_owned);
        let holder = value.get("representative").unwrap_or(value);
        Summary {
            id: text(value, "id"),
            name: text(value, "name"),
            tier: text(value, "tier"),
            status: text(value, "status"),
            admitted: text(value, "admitted"),
            expires: text(value, "expires"),
            voter: text(holder, "github"),
            voter_id: holder.get("github_id").and_then(Value::as_u64),
            unlisted: value.get("unlisted") == Some(&Value::Bool(true)),
        }
    }
}

/// The member a file holds, if it was an active member on `as_of`.
pub(crate) fn voter(summary: &Summary, policy: &Policy, as_of: Date) -> Option<Voter> {
    let date = |field: &Option<String>| field.as_ref().and_then(|d| d.parse::<Date>().ok());
    let status = summary.status.as_deref().and_then(Status::parse);
    let expires = date(&summary.expires);
    if status != Some(Status::Active) || expires.is_some_and(|e| e < as_of) {
        return None;
    }
    let tier = summary.tier.clone()?;
    let admitted = date(&summary.admitted);
    // A ledger's first commit may bring members admitted after a date asked about.
    if admitted.is_some_and(|a| a > as_of) {
        return None;
    }
    let old_enough = admitted
        .and_then(|a| a.checked_add(i64::from(policy.voting_min_days).days()).ok())
        .is_some_and(|from| from <= as_of);
    let votes = if old_enough { policy.tier(&tier).map_or(0, |t| t.votes) } else { 0 };
    let shown = |v: &Option<String>| if summary.unlisted { UNLISTED.to_owned() } else { v.clone().unwrap_or_default() };
    let class = policy.tier(&tier).map(|t| format!("{:?}", t.class).to_ascii_lowercase()).unwrap_or_default();
    Some(Voter {
        member: shown(&summary.id),
        name: shown(&summary.name),
        tier,
        // Dates would tell an unlisted member apart; its tier and votes count.
        admitted: admitted.filter(|_| !summary.unlisted).map(|d| d.to_string()),
        expires: expires.filter(|_| !summary.unlisted).map(|d| d.to_string()),
        votes,
        voter: shown(&summary.voter),
        identity: Identity {
            login: summary.voter.clone().unwrap_or_default(),
            github_id: summary.voter_id,
            member: summary.id.clone().unwrap_or_default(),
            class,
            unlisted: summary.unlisted,
        },
    })
}

/// Member files as the roll reads them, remembered in the repository
/// (`.git/rollcall-roll-cache`), so that a roll reads only what events
/// changed since the last one. About 200 bytes a member.
const SUMMARIES: Store =
    Store { file: "rollcall-roll-cache", header: "rollcall roll cache v2", max_bytes: 256 * 1024 * 1024 };

/// The totals per tier and the quorum of `members`.
pub(crate) fn tally(
    as_of: Date,
    commit: Option<Oid>,
    members: Vec<Voter>,
    quorum: &crate::roll::policy::Quorum,
) -> Roll {
    let mut totals: Vec<TierTotal> = Vec::new();
    for m in &members {
        let total = match totals.iter_mut().position(|t| t.tier == m.tier) {
            Some(i) => &mut totals[i],
            None => {
                totals.push(TierTotal { tier: m.tier.clone(), members: 0, voting_members: 0, votes: 0 });
                totals.last_mut().expect("just pushed")
            }
        };
        total.members += 1;
        total.voting_members += usize::from(m.votes > 0);
        total.votes += u64::from(m.votes);
    }
    let voting_members = totals.iter().map(|t| t.voting_members).sum::<usize>();
    let votes = totals.iter().map(|t| t.votes).sum::<u64>();
    Roll {
        as_of: as_of.to_string(),
        commit: commit.map(|c| c.to_string()),
        members,
        totals,
        quorum: Quorum::of(voting_members, votes, quorum),
    }
}

/// The roll for people: one line per member, then the totals and the quorum.
pub fn human(roll: &Roll) -> String {
    let mut out = format!("roll as of {}", roll.as_of);
    if let Some(commit) = &roll.commit {
        out.push_str(&format!(" (ledger at {})", &commit[..12.min(commit.len())]));
    }
    out.push('\n');
    for m in &roll.members {
        let note = if m.votes == 0 { "  (not yet voting)" } else { "" };
        out.push_str(&format!("{:<40} {:<10} {:>3} votes, cast by {}{note}\n", m.member, m.tier, m.votes, m.voter));
    }
    out.push('\n');
    for t in &roll.totals {
        out.push_str(&format!(
            "{:<10} {} member(s), {} voting, {} votes\n",
            t.tier, t.members, t.voting_members, t.votes
        ));
    }
    let q = &roll.quorum;
    out.push_str(&format!(
        "quorum: {} of {} voting members ({}%), holding {} of {} votes ({}%)\n",
        q.members_needed, q.voting_members, q.members_percent, q.votes_needed, q.votes, q.votes_percent
    ));
    out
}

pub const CSV_HEADER: &str = "member,name,tier,admitted,expires,votes,voter\n";

pub fn csv(roll: &Roll) -> String {
    let mut out = String::from(CSV_HEADER);
    for m in &roll.members {
        let cells = [
            &m.member,
            &m.name,
            &m.tier,
            m.admitted.as_deref().unwrap_or_default(),
            m.expires.as_deref().unwrap_or_default(),
            &m.votes.to_string(),
            &m.voter,
        ];
        let row: Vec<String> = cells.iter().map(|c| crate::history::log::csv_cell(c)).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}
