//! What the public roll shows, read from the ledger's history: the listed
//! members active on a date, the counts per tier, the growth series per
//! month, the board and the committees.
//!
//! Privacy: a member whose file (in the state of the export's date) says
//! `unlisted: true` is left out of everything here, the counts and the
//! growth series included, so that no published number is one higher than
//! the list it sums and nothing singles one out. The only trace of unlisted
//! members is one roll-wide total, published only when it is at least
//! [`SMALL_COUNT`]; the per-country breakdown folds every country with fewer
//! than [`SMALL_COUNT`] listed members into `other`.

use crate::change::event::Kind as EventKind;
use crate::election::event::Step;
use crate::finding::Finding;
use crate::history::board::{self, Board};
use crate::history::remembered::{Remembered, Store, member_value};
use crate::history::voting::{self, Summary};
use crate::history::{self, HistoryError, Record};
use crate::roll::member::Status;
use crate::roll::policy::{Policy, TierClass};
use git2::{Oid, Repository};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// A count below this is not published on its own.
pub const SMALL_COUNT: usize = 3;

/// One listed member, as published.
#[derive(Clone, Debug, Serialize)]
pub struct PublicMember {
    pub id: String,
    pub name: String,
    /// `person` or `organization`.
    pub kind: String,
    pub tier: String,
    pub country: Option<String>,
    /// A person's GitHub login.
    pub github: Option<String>,
    /// An organization's website (https only).
    pub website: Option<String>,
    /// Where the member's name links to: its website or GitHub account.
    pub url: Option<String>,
    pub member_number: Option<u64>,
    pub admitted: Option<String>,
    pub votes: u32,
}

/// A tier with its listed members' counts.
#[derive(Clone, Debug, Serialize)]
pub struct TierCount {
    pub tier: String,
    /// `sponsor`, `individual` or `mirror`.
    pub class: &'static str,
    pub fee_usd: u64,
    /// Votes each member of the tier holds once old enough to vote.
    pub votes_each: u32,
    pub members: usize,
    pub voting_members: usize,
    pub votes: u64,
}

/// One month of the growth series.
#[derive(Clone, Debug, Serialize)]
pub struct Month {
    /// `YYYY-MM`.
    pub month: String,
    pub joins: usize,
    pub renewals: usize,
    pub lapses: usize,
    pub resignations: usize,
    pub terminations: usize,
    /// Active listed memberships at the month's end (at the export's date
    /// for its month), per tier in the order of [`Public::tiers`].
    pub totals: Vec<usize>,
    pub total: usize,
}

/// Everything the export publishes.
pub struct Public {
    pub foundation: String,
    pub as_of: Date,
    /// The commit whose state the roll is.
    pub commit: String,
    /// Sponsors first (most votes first), then the other tiers in the
    /// policy's order.
    pub tiers: Vec<TierCount>,
    /// In the order of `tiers`, then by name, then by id.
    pub members: Vec<PublicMember>,
    /// Countries with at least [`SMALL_COUNT`] listed members.
    pub countries: Vec<(String, usize)>,
    /// Listed members of the other countries (or with none).
    pub other_countries: usize,
    /// Active unlisted members, if at least [`SMALL_COUNT`].
    pub unlisted: Option<usize>,
    pub growth: Vec<Month>,
    pub board: Board,
    /// Each election certified on or before the date, oldest first, in the
    /// API's shape (`elections.schema.json`).
    pub elections: Vec<Value>,
}

/// What one member file in the roll's state contributes.
struct Read {
    id: String,
    listed: bool,
    /// Active on the date and listed.
    public: Option<PublicMember>,
    /// Active on the date but unlisted.
    unlisted_active: bool,
    /// The tier its file names in the state of the date.
    tier: Option<String>,
}

/// The public roll of the first-parent history of `tip` on `as_of`;
/// findings if the history has no one genesis.
pub fn gather(repo: &Repository, tip: Oid, as_of: Date) -> Result<Result<Public, Vec<Finding>>, HistoryError> {
    let voting::On { steps, genesis, at, policy } = match voting::on(repo, tip, as_of)? {
        Ok(on) => on,
        Err(findings) => return Ok(Err(findings)),
    };
    let state = &steps[at];
    let board = match board::board_of(repo, &steps, as_of)? {
        Ok(board) => board,
        Err(findings) => return Ok(Err(findings)),
    };
    let mut remembered = Remembered::open(repo, &KEPT);
    let reads = read_roll(repo, state.tree, &mut remembered, |value| read_member(value, &policy, as_of))?;
    let listed: HashMap<String, (bool, Option<String>)> =
        reads.iter().map(|r| (r.id.clone(), (r.listed, r.tier.clone()))).collect();
    let unlisted = reads.iter().filter(|r| r.unlisted_active).count();
    let mut members: Vec<PublicMember> = reads.into_iter().filter_map(|r| r.public).collect();

    let mut tiers = tier_order(&policy);
    for m in &members {
        if !tiers.iter().any(|t| t.tier == m.tier) {
            tiers.push(TierCount { tier: m.tier.clone(), class: "individual", ..zero(&m.tier) });
        }
    }
    for m in &members {
        if let Some(t) = tiers.iter_mut().find(|t| t.tier == m.tier) {
            t.members += 1;
            t.voting_members += usize::from(m.votes > 0);
            t.votes += u64::from(m.votes);
        }
    }
    let position = |tier: &str| tiers.iter().position(|t| t.tier == tier).unwrap_or(usize::MAX);
    members.sort_by(|a, b| {
        (position(&a.tier), a.name.to_lowercase(), &a.id).cmp(&(position(&b.tier), b.name.to_lowercase(), &b.id))
    });

    let mut by_country: BTreeMap<String, usize> = BTreeMap::new();
    for m in &members {
        *by_country.entry(m.country.clone().unwrap_or_default()).or_default() += 1;
    }
    let (countries, small): (Vec<_>, Vec<_>) =
        by_country.into_iter().partition(|(country, n)| !country.is_empty() && *n >= SMALL_COUNT);

    let genesis_step = steps.last().expect("a chain with a genesis has a last step");
    let growth =
        growth(repo, &steps[at..], (genesis_step.tree, genesis.date), &mut remembered, as_of, &listed, &mut tiers)?;
    remembered.save();
    Ok(Ok(Public {
        foundation: policy.foundation.name.clone(),
        as_of,
        commit: state.commit.to_string(),
        tiers,
        members,
        countries,
        other_countries: small.iter().map(|(_, n)| n).sum(),
        unlisted: (unlisted >= SMALL_COUNT).then_some(unlisted),
        growth,
        board,
        elections: certified(repo, &steps[at..]),
    }))
}

/// The certified elections of the history `steps` (newest first, from the
/// state of the date), oldest first: each result as its certification
/// committed it, which `verify` re-counts. Candidates stood in public (their
/// nominations are files of the ledger), so their logins are published.
fn certified(repo: &Repository, steps: &[history::Step]) -> Vec<Value> {
    steps
        .iter()
        .rev()
        .filter_map(|step| match &step.record {
            Record::Election(e) if e.step == Step::Certify => {
                let result = crate::history::elections::result_at(repo, step.tree, &e.election)?;
                Some(election_entry(&e.election, e.date, step.commit, &result))
            }
            _ => None,
        })
        .collect()
}

fn election_entry(id: &str, date: Date, commit: Oid, result: &Value) -> Value {
    let rounds: Vec<Value> = result["rounds"]
        .as_array()
        .map(|rounds| {
            rounds
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let excluded: Vec<Value> = r["excluded"].as_str().map(Value::from).into_iter().collect();
                    serde_json::json!({
                        "round": i + 1, "quota": r["quota"], "votes": r["votes"], "exhausted": r["exhausted"],
                        "elected": r["elected"], "excluded": excluded,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    serde_json::json!({
        "id": id, "certified": date.to_string(), "commit": commit.to_string(), "method": result["method"],
        "seats": result["seats"], "elected": result["elected"], "rounds": rounds, "turnout": result["turnout"],
    })
}

fn zero(tier: &str) -> TierCount {
    TierCount {
        tier: tier.to_owned(),
        class: "individual",
        fee_usd: 0,
        votes_each: 0,
        members: 0,
        voting_members: 0,
        votes: 0,
    }
}

/// The policy's tiers, sponsors first (most votes, then highest fee,
/// first), then the others in the policy's order.
fn tier_order(policy: &Policy) -> Vec<TierCount> {
    let mut tiers: Vec<(usize, &crate::roll::policy::Tier)> = policy.tiers.iter().enumerate().collect();
    tiers.sort_by_key(|(i, t)| match t.class {
        TierClass::Sponsor => (0, u64::MAX - u64::from(t.votes), u64::MAX - t.fee_usd, *i),
        _ => (1, 0, 0, *i),
    });
    tiers
        .into_iter()
        .map(|(_, t)| TierCount {
            class: match t.class {
                TierClass::Sponsor => "sponsor",
                TierClass::Individual => "individual",
                TierClass::Mirror => "mirror",
            },
            fee_usd: t.fee_usd,
            votes_each: t.votes,
            ..zero(&t.name)
        })
        .collect()
}

/// What `keep` makes of each member file of `tree` (see
/// [`Remembered::members`]), read as the export remembers it.
fn read_roll<T>(
    repo: &Repository,
    tree: Oid,
    remembered: &mut Remembered<Value>,
    keep: impl Fn(&Value) -> Option<T>,
) -> Result<Vec<T>, HistoryError> {
    Ok(remembered.members(repo, tree, kept_fields)?.into_iter().filter_map(keep).collect())
}

/// The fields of a member file the export reads; the rest is never kept.
const KEPT_FIELDS: [&str; 13] = [
    "id",
    "name",
    "kind",
    "tier",
    "status",
    "country",
    "github",
    "website",
    "member_number",
    "admitted",
    "expires",
    "ended",
    "unlisted",
];

fn kept_fields(value: &Value) -> Value {
    let mut kept: serde_json::Map<String, Value> =
        KEPT_FIELDS.iter().filter_map(|f| Some(((*f).to_owned(), value.get(*f)?.clone()))).collect();
    if let Some(login) = value.get("representative").and_then(|r| r.get("github")) {
        kept.insert("representative".to_owned(), serde_json::json!({ "github": login }));
    }
    Value::Object(kept)
}

/// Member files as the export reads them ([`kept_fields`]), remembered in
/// the repository (`.git/rollcall-export-cache`), so that the next export
/// reads only the files events changed since. About 300 bytes a member.
const KEPT: Store =
    Store { file: "rollcall-export-cache", header: "rollcall export cache v1", max_bytes: 256 * 1024 * 1024 };

fn text(value: &Value, field: &str) -> Option<String> {
    value.get(field).and_then(Value::as_str).map(str::to_owned)
}

fn read_member(value: &Value, policy: &Policy, as_of: Date) -> Option<Read> {
    let id = text(value, "id")?;
    let listed = value.get("unlisted") != Some(&Value::Bool(true));
    // The roll's own judgement of who is active and how many votes it holds.
    let voter = voting::voter(&Summary::of(value), policy, as_of);
    let public = voter.as_ref().filter(|_| listed).map(|voter| {
        let kind = text(value, "kind").unwrap_or_default();
        let github = (kind != "organization").then(|| text(value, "github")).flatten().filter(|l| is_login(l));
        let website = text(value, "website").filter(|w| is_https_url(w));
        let url = website.clone().or_else(|| github.as_ref().map(|l| format!("https://github.com/{l}")));
        PublicMember {
            id: id.clone(),
            name: text(value, "name").unwrap_or_else(|| id.clone()),
            kind,
            tier: voter.tier.clone(),
            country: text(value, "country"),
            github,
            website,
            url,
            member_number: value.get("member_number").and_then(Value::as_u64),
            admitted: voter.admitted.clone(),
            votes: voter.votes,
        }
    });
    Some(Read { id, listed, public, unlisted_active: voter.is_some() && !listed, tier: text(value, "tier") })
}

/// A GitHub login as GitHub allows it: safe in a URL's path as is.
pub fn is_login(login: &str) -> bool {
    (1..=39).contains(&login.len()) && login.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// An `https:` URL with a plain host and nothing a page could misread: the
/// only links the export writes.
pub fn is_https_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_ok = !host.is_empty()
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b':')
        && !host.starts_with(['.', '-', ':']);
    url.len() <= 2048
        && host_ok
        && url.bytes().all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'<' | b'>' | b'`' | b'\\'))
}

/// What a change does to the running totals.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Effect {
    Join,
    Renew,
    Lapse,
    Resign,
    Terminate,
    /// Moves an active member to another tier.
    Move,
}

struct Change {
    date: Date,
    member: usize,
    effect: Effect,
    tier: Option<usize>,
}

/// The growth series, from the genesis roll (each member's admission and,
/// for one that had left, its end, as the genesis records them) and then
/// the events of `steps` (newest first, down to the genesis) dated up to
/// `as_of`. Only listed members count.
fn growth(
    repo: &Repository,
    steps: &[crate::history::Step],
    (genesis_tree, genesis_date): (Oid, Date),
    remembered: &mut Remembered<Value>,
    as_of: Date,
    listed: &HashMap<String, (bool, Option<String>)>,
    tiers: &mut Vec<TierCount>,
) -> Result<Vec<Month>, HistoryError> {
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut changes: Vec<Change> = Vec::new();
    let date = |v: &Value, field: &str| text(v, field).and_then(|d| d.parse::<Date>().ok());
    let tier_index = |tiers: &mut Vec<TierCount>, name: &str| match tiers.iter().position(|t| t.tier == name) {
        Some(i) => i,
        None => {
            tiers.push(zero(name));
            tiers.len() - 1
        }
    };
    let is_listed = |id: &str| listed.get(id).is_some_and(|(listed, _)| *listed);

    // The genesis roll, oldest admission first.
    let mut genesis = read_roll(repo, genesis_tree, remembered, |v| {
        let id = text(v, "id").filter(|id| is_listed(id))?;
        let status = text(v, "status").as_deref().and_then(Status::parse)?;
        let admitted = date(v, "admitted")?;
        let end = match status {
            Status::Active | Status::Applicant => None,
            Status::Lapsed => Some(Effect::Lapse),
            Status::Resigned => Some(Effect::Resign),
            Status::Terminated => Some(Effect::Terminate),
        };
        let ended = end.map(|e| (e, date(v, "ended").or_else(|| date(v, "expires")).unwrap_or(genesis_date)));
        (status != Status::Applicant).then(|| (admitted, id, text(v, "tier").unwrap_or_default(), ended))
    })?;
    genesis.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    for (admitted, id, tier, ended) in genesis {
        let next = ids.len();
        let member = *ids.entry(id).or_insert(next);
        let tier = Some(tier_index(tiers, &tier));
        changes.push(Change { date: admitted.min(genesis_date), member, effect: Effect::Join, tier });
        if let Some((effect, ended)) = ended {
            changes.push(Change { date: ended.min(genesis_date).max(admitted), member, effect, tier: None });
        }
    }
    changes.sort_by_key(|c| c.date);

    // The events after the genesis, oldest first; admissions and tier
    // changes name their tier in the member file they wrote.
    let events: Vec<(&crate::change::event::Event, Oid)> = steps
        .iter()
        .rev()
        .filter_map(|s| match &s.record {
            Record::Event(event) if event.date <= as_of && is_listed(&event.member) => Some((event, s.tree)),
            _ => None,
        })
        .collect();
    let names_tier = |e: &crate::change::event::Event| {
        matches!(e.kind, EventKind::Admit | EventKind::Readmit | EventKind::ChangeTier)
    };
    // A member admitted once and never moved holds the tier its file names
    // now: only the others' files are read at their events (reading the
    // trees of 100,000 commits would cost more than the whole export).
    let mut moves: HashMap<&str, usize> = HashMap::new();
    for (event, _) in events.iter().filter(|(e, _)| names_tier(e)) {
        *moves.entry(event.member.as_str()).or_default() += 1;
    }
    let settled = |e: &crate::change::event::Event| {
        (e.kind == EventKind::Admit && moves.get(e.member.as_str()) == Some(&1))
            .then(|| listed.get(&e.member).and_then(|(_, tier)| tier.clone()))
            .flatten()
    };
    let mut event_tiers: HashMap<usize, String> = HashMap::new();
    let mut wanted: Vec<(usize, Oid, &str)> = Vec::new();
    for (i, (event, tree)) in events.iter().enumerate().filter(|(_, (e, _))| names_tier(e)) {
        match settled(event) {
            Some(tier) => {
                event_tiers.insert(i, tier);
            }
            None => wanted.push((i, *tree, event.file.as_str())),
        }
    }
    let path = repo.path().to_path_buf();
    let parts = crate::util::parallel::for_each(
        &wanted,
        || Ok::<_, HistoryError>((Repository::open(&path).map_err(HistoryError::from)?, Vec::new())),
        |(repo, found), (i, tree, file)| {
            let tree = repo.find_tree(*tree)?;
            let Ok(entry) = tree.get_path(Path::new(file)) else { return Ok(()) };
            if let Some(tier) = member_value(repo, entry.id(), file)?.and_then(|v| text(&v, "tier")) {
                found.push((*i, tier));
            }
            Ok(())
        },
    )?;
    event_tiers.extend(parts.into_iter().flat_map(|(_, found)| found));
    for (i, (event, _)) in events.iter().enumerate() {
        let effect = match event.kind {
            EventKind::Admit | EventKind::Readmit => Effect::Join,
            EventKind::Renew => Effect::Renew,
            EventKind::Lapse => Effect::Lapse,
            EventKind::Resign => Effect::Resign,
            EventKind::Terminate => Effect::Terminate,
            EventKind::ChangeTier => Effect::Move,
            EventKind::Update => continue,
        };
        let next = ids.len();
        let member = *ids.entry(event.member.clone()).or_insert(next);
        let tier = event_tiers.get(&i).map(|t| tier_index(tiers, t));
        changes.push(Change { date: event.date, member, effect, tier });
    }
    Ok(months(&changes, ids.len(), tiers.len(), as_of))
}

/// Sweeps the changes (in date order) month by month, from the first
/// change's month to `as_of`'s.
fn months(changes: &[Change], members: usize, tiers: usize, as_of: Date) -> Vec<Month> {
    let Some(first) = changes.first() else { return Vec::new() };
    let mut active: Vec<Option<usize>> = vec![None; members];
    let mut totals = vec![0usize; tiers];
    let mut out = Vec::new();
    let mut month = first.date.first_of_month();
    let mut next = changes.iter().peekable();
    while month <= as_of {
        let Ok(following) = month.checked_add(jiff::Span::new().months(1)) else { break };
        let mut row = Month {
            month: format!("{:04}-{:02}", month.year(), month.month()),
            joins: 0,
            renewals: 0,
            lapses: 0,
            resignations: 0,
            terminations: 0,
            totals: Vec::new(),
            total: 0,
        };
        while let Some(change) = next.next_if(|c| c.date < following) {
            let slot = &mut active[change.member];
            let mut leave = |slot: &mut Option<usize>| {
                if let Some(t) = slot.take() {
                    totals[t] -= 1;
                }
            };
            match change.effect {
                Effect::Join => {
                    row.joins += 1;
                    leave(slot);
                    *slot = change.tier;
                }
                Effect::Move => {
                    if slot.is_some() {
                        leave(slot);
                        *slot = change.tier;
                    }
                }
                Effect::Renew => row.renewals += 1,
                Effect::Lapse => {
                    row.lapses += 1;
                    leave(slot);
                }
                Effect::Resign => {
                    row.resignations += 1;
                    leave(slot);
                }
                Effect::Terminate => {
                    row.terminations += 1;
                    leave(slot);
                }
            }
            if let Some(t) = *slot {
                totals[t] += usize::from(matches!(change.effect, Effect::Join | Effect::Move));
            }
        }
        row.totals = totals.clone();
        row.total = totals.iter().sum();
        out.push(row);
        month = following;
    }
    out
}
