//! rollcall's own ballot box, for a foundation without a voting service.
//!
//! While voting is open the box lives outside the repository, with the
//! returning officer: each voter of the electorate gets a random
//! credential; the box keeps only its tag (a hash of the election and the
//! credential) with the voter's weight. A ballot is cast against a
//! credential (a re-vote replaces the earlier one) and the voter is given a
//! receipt. At the close the box is published: one line per counted
//! ballot, under its receipt, with its tag and weight, each line's hash
//! chained to the one before, and the head hash last. Anyone can then find
//! their receipt, see that no credential counts twice, check the weights
//! against the electorate, derive the BLT and re-count it.
//!
//! The box is used in the election's voting window: a ballot is cast from
//! the day voting opens to the day it closes, credentials are issued any
//! day before it closes.
//!
//! What it protects: the ballots after the close (a ballot dropped,
//! changed or reordered breaks the chain or the head, which certification
//! records in the ledger) and the count (anyone re-counts). What it cannot:
//! the officer knows which credential is whose, so who voted how while the
//! box is open; and a weight held by one voter alone (a platinum sponsor's
//! 50) identifies that voter's ballot.

use super::blt::{Ballot, Election as Blt};
use super::electorate::Electorate;
use super::file::{self, Election};
use crate::finding::{Finding, Pos, quoted};
use crate::roll::rules::names::ballot_box::*;
use crate::roll::yaml::Spans;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};

/// The first line of a published box names its format.
pub const FORMAT: &str = "rollcall ballot box v1";
/// A published box is at most this large.
pub const MAX_BYTES: usize = 256 * 1024 * 1024;
/// The published box's name in the election's folder.
pub const PUBLISHED_FILE: &str = "ballots.box";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for part in parts {
        h.update(part.as_bytes());
        h.update([0]);
    }
    hex(&h.finalize())
}

/// The tag a credential is known by in the box: it names no voter and
/// cannot be turned back into the credential.
pub fn tag(election: &str, credential: &str) -> String {
    sha256(&["rollcall voter tag", election, credential])
}

/// The receipt of a ballot cast as the `seq`th of the box.
pub fn receipt(tag: &str, seq: u64, ranking: &[String]) -> String {
    sha256(&["rollcall receipt", tag, &seq.to_string(), &ranking.join(" ")])
}

/// The first line of a published box.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    #[serde(rename = "box")]
    pub format: String,
    pub election: String,
    pub title: String,
    pub seats: usize,
    /// GitHub logins of the accepted nominees, sorted: the BLT's candidates.
    pub candidates: Vec<String>,
}

/// One counted ballot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Published {
    pub receipt: String,
    pub tag: String,
    pub weight: u64,
    /// How many voting memberships the ballot's weight comes from.
    pub memberships: usize,
    /// Candidates' logins, most preferred first; empty for a blank ballot.
    pub ranking: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    #[serde(flatten)]
    ballot: Published,
    hash: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Tail {
    head: String,
    ballots: usize,
}

/// A published box, read and checked on its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Box {
    pub header: Header,
    pub ballots: Vec<Published>,
    pub head: String,
}

/// Writes the published box: the header, the ballots chained, the head.
pub fn publish(header: &Header, ballots: &[Published]) -> String {
    let first = serde_json::to_string(header).unwrap_or_default();
    let mut prev = sha256(&[&first]);
    let mut out = format!("{first}\n");
    for ballot in ballots {
        let body = serde_json::to_string(ballot).unwrap_or_default();
        let hash = sha256(&[&prev, &body]);
        out.push_str(&serde_json::to_string(&Line { ballot: ballot.clone(), hash: hash.clone() }).unwrap_or_default());
        out.push('\n');
        prev = hash;
    }
    out.push_str(&serde_json::to_string(&Tail { head: prev, ballots: ballots.len() }).unwrap_or_default());
    out.push('\n');
    out
}

fn at(rule: &'static str, file: &str, line: usize, message: String, help: &str) -> Finding {
    let pos = Pos { line: u32::try_from(line).unwrap_or(u32::MAX), column: 1 };
    Finding::error(rule, file, pos, "", message, help)
}

/// The line of the `i`th ballot (from 0) of a published box: after the header.
fn ballot_line(i: usize) -> usize {
    i + 2
}

const CHAIN_HELP: &str = "the published box was changed after it was closed: take it again from the returning \
                          officer's closed box (`rollcall election box close`)";

/// Reads a published box and checks it on its own: its format, every
/// line's hash chained to the one before, the head, that no credential
/// and no receipt appears twice, and that every ranking names candidates
/// once each.
pub fn read(file: &str, bytes: &[u8]) -> Result<Box, Vec<Finding>> {
    let format_help = "a published box is what `rollcall election box close` writes: a header line, one line per \
                       ballot, and the head";
    if bytes.len() > MAX_BYTES {
        return Err(vec![at(
            BOX_FORMAT,
            file,
            1,
            format!("the box is {} bytes; at most {MAX_BYTES}", bytes.len()),
            format_help,
        )]);
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(vec![at(BOX_FORMAT, file, 1, "the box is not UTF-8 text".to_owned(), format_help)]);
    };
    let lines: Vec<&str> = text.lines().collect();
    let Some(header) =
        lines.first().and_then(|l| serde_json::from_str::<Header>(l).ok()).filter(|h| h.format == FORMAT)
    else {
        return Err(vec![at(
            BOX_FORMAT,
            file,
            1,
            format!("the first line is not a header of {}", quoted(FORMAT)),
            format_help,
        )]);
    };
    let Some(tail) = lines.last().and_then(|l| serde_json::from_str::<Tail>(l).ok()).filter(|_| lines.len() >= 2)
    else {
        return Err(vec![at(
            BOX_FORMAT,
            file,
            lines.len().max(1),
            "the last line is not the box's head".to_owned(),
            format_help,
        )]);
    };
    let mut findings = Vec::new();
    let mut prev = sha256(&[lines[0]]);
    let mut ballots = Vec::new();
    let (mut tags, mut receipts) = (HashSet::new(), HashSet::new());
    let candidates: HashSet<&str> = header.candidates.iter().map(String::as_str).collect();
    for (i, text) in lines[1..lines.len() - 1].iter().enumerate() {
        let n = ballot_line(i);
        let Ok(line) = serde_json::from_str::<Line>(text) else {
            findings.push(at(BOX_FORMAT, file, n, "the line is not a ballot of the box".to_owned(), format_help));
            continue;
        };
        let body = serde_json::to_string(&line.ballot).unwrap_or_default();
        let hash = sha256(&[&prev, &body]);
        if hash != line.hash {
            findings.push(at(
                BOX_CHAIN,
                file,
                n,
                "the ballot's hash does not chain to the line before it".to_owned(),
                CHAIN_HELP,
            ));
        }
        prev = line.hash.clone();
        let ballot = line.ballot;
        if !tags.insert(ballot.tag.clone()) {
            findings.push(at(
                BOX_CREDENTIAL_TWICE,
                file,
                n,
                format!("the credential tagged {} counts twice", &ballot.tag[..ballot.tag.len().min(16)]),
                "a credential casts one counted ballot; a re-vote replaces the earlier one when the box closes",
            ));
        }
        if !receipts.insert(ballot.receipt.clone()) {
            findings.push(at(BOX_CREDENTIAL_TWICE, file, n, "a receipt appears twice".to_owned(), CHAIN_HELP));
        }
        let mut seen = HashSet::new();
        for name in &ballot.ranking {
            if !candidates.contains(name.as_str()) || !seen.insert(name.as_str()) {
                findings.push(at(
                    BOX_RANKING,
                    file,
                    n,
                    format!(
                        "the ranking names {} {}",
                        quoted(name),
                        if seen.contains(name.as_str()) { "twice" } else { "who is not a candidate" }
                    ),
                    "a ranking names candidates of the header, each at most once",
                ));
                break;
            }
        }
        if ballot.weight == 0 || ballot.memberships == 0 {
            findings.push(at(
                BOX_WEIGHTS,
                file,
                n,
                "a ballot has no weight".to_owned(),
                "a ballot carries its voter's weight",
            ));
        }
        ballots.push(ballot);
    }
    if tail.head != prev || tail.ballots != ballots.len() {
        findings.push(at(
            BOX_CHAIN,
            file,
            lines.len(),
            format!(
                "the head says {} ballots ending in {}, but the chain has {} ending in {prev}",
                tail.ballots,
                tail.head,
                ballots.len()
            ),
            CHAIN_HELP,
        ));
    }
    if findings.is_empty() { Ok(Box { header, ballots, head: tail.head }) } else { Err(findings) }
}

impl Box {
    /// No more ballots of a weight than the electorate has voters of that
    /// weight (and as many memberships behind it). Reported at the line of
    /// the first ballot of a weight beyond the electorate's number of it.
    pub fn check_weights(&self, file: &str, electorate: &Electorate) -> Vec<Finding> {
        let allowed = electorate.weights();
        let allowed_of = |key: &(u64, usize)| allowed.get(key).copied().unwrap_or(0);
        // Per weight: how many ballots carry it, and the line of the first one too many.
        let mut cast: BTreeMap<(u64, usize), (usize, usize)> = BTreeMap::new();
        for (i, b) in self.ballots.iter().enumerate() {
            let key = (b.weight, b.memberships);
            let (n, excess) = cast.entry(key).or_insert((0, 0));
            *n += 1;
            if *n == allowed_of(&key) + 1 {
                *excess = ballot_line(i);
            }
        }
        cast.iter()
            .filter(|(key, (n, _))| allowed_of(key) < *n)
            .map(|((weight, memberships), (n, line))| {
                at(
                    BOX_WEIGHTS,
                    file,
                    *line,
                    format!(
                        "{n} ballot(s) of weight {weight} from {memberships} membership(s), but the electorate of {} has {}",
                        electorate.cutoff,
                        allowed_of(&(*weight, *memberships))
                    ),
                    "every ballot carries the weight of one voter of the electorate of the cut-off date",
                )
            })
            .collect()
    }

    /// The BLT the box counts as: candidates in the header's order,
    /// identical rankings on one line.
    pub fn blt(&self) -> Blt {
        let index = |name: &String| self.header.candidates.iter().position(|c| c == name).unwrap_or(0) as u32;
        let mut lines: BTreeMap<Vec<u32>, u64> = BTreeMap::new();
        for b in &self.ballots {
            *lines.entry(b.ranking.iter().map(index).collect()).or_insert(0) += b.weight;
        }
        Blt {
            title: self.header.title.clone(),
            seats: self.header.seats,
            candidates: self.header.candidates.clone(),
            withdrawn: vec![false; self.header.candidates.len()],
            ballots: lines.into_iter().map(|(preferences, weight)| Ballot { weight, preferences }).collect(),
        }
    }
}

/// What the returning officer uses the box for on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    /// Issue the credentials: before voting closes (ahead of its opening
    /// too, so that voters have theirs on the first day).
    Issue,
    /// Cast a ballot: while voting is open.
    Vote,
}

/// The box is used within the election's voting window (`box.window`),
/// judged against `today`; the finding points at the end of the window in
/// `election.yaml` (`spans`) that `today` falls outside.
pub fn in_window(election: &Election, spans: &Spans, what: Use, today: Date) -> Option<Finding> {
    let voting = election.voting;
    let (pointer, message, help) = if what == Use::Vote && today < voting.opens {
        (
            "/voting/opens",
            format!("voting in {} opens on {}; today is {today}", election.id, voting.opens),
            "cast ballots while voting is open (the election file's voting window)",
        )
    } else if today > voting.closes {
        (
            "/voting/closes",
            format!("voting in {} closed on {}; today is {today}", election.id, voting.closes),
            "the box takes nothing after voting closes: close it (`rollcall election box close`) and certify",
        )
    } else {
        return None;
    };
    let path = file::path(&election.id);
    Some(Finding::error(BOX_WINDOW, &path, spans.locate(pointer), pointer, message, help))
}

/// The returning officer's box while voting is open (kept outside the
/// repository): every credential's tag and weight, and every ballot cast.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Open {
    pub header: Option<Header>,
    pub voters: Vec<Entitled>,
    pub casts: Vec<Cast>,
    /// Closed boxes take no more ballots.
    pub closed: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entitled {
    pub tag: String,
    pub weight: u64,
    pub memberships: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cast {
    pub tag: String,
    pub ranking: Vec<String>,
    pub receipt: String,
}

/// Why a ballot was not taken.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    Closed,
    UnknownCredential,
    NotACandidate(String),
    RankedTwice(String),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Closed => write!(f, "the ballot box is closed"),
            Refused::UnknownCredential => write!(f, "the credential is not one this box issued"),
            Refused::NotACandidate(name) => write!(f, "{} is not a candidate", quoted(name)),
            Refused::RankedTwice(name) => write!(f, "{} is ranked twice", quoted(name)),
        }
    }
}

impl Refused {
    /// The refusal as a finding of the box's file `file` (the ballot is
    /// not in it, so no line of it is to blame): what `box vote` reports
    /// in the formats made for programs.
    pub fn finding(&self, file: &str) -> Finding {
        let (rule, help) = match self {
            Refused::Closed => (
                BOX_CLOSED,
                "voting is over for this box: it was closed (`rollcall election box close`), or never issued \
                 (`rollcall election box issue`)",
            ),
            Refused::UnknownCredential => (
                BOX_UNKNOWN_CREDENTIAL,
                "cast the ballot with the credential the returning officer sent you, for this election's box",
            ),
            Refused::NotACandidate(_) | Refused::RankedTwice(_) => {
                (BOX_RANKING, "rank the election's candidates by their GitHub logins, each at most once")
            }
        };
        at(rule, file, 1, self.to_string(), help)
    }
}

impl Open {
    /// Records a ballot; its receipt.
    pub fn cast(&mut self, credential: &str, ranking: Vec<String>) -> Result<String, Refused> {
        let header = self.header.as_ref().ok_or(Refused::Closed)?;
        if self.closed {
            return Err(Refused::Closed);
        }
        let tag = tag(&header.election, credential);
        if !self.voters.iter().any(|v| v.tag == tag) {
            return Err(Refused::UnknownCredential);
        }
        let mut seen = HashSet::new();
        for name in &ranking {
            if !header.candidates.contains(name) {
                return Err(Refused::NotACandidate(name.clone()));
            }
            if !seen.insert(name) {
                return Err(Refused::RankedTwice(name.clone()));
            }
        }
        let receipt = receipt(&tag, self.casts.len() as u64, &ranking);
        self.casts.push(Cast { tag, ranking, receipt: receipt.clone() });
        Ok(receipt)
    }

    /// Closes the box: each credential's last ballot, in the order cast.
    pub fn close(&mut self) -> Option<String> {
        let header = self.header.clone()?;
        self.closed = true;
        let last: BTreeMap<&str, usize> = self.casts.iter().enumerate().map(|(i, c)| (c.tag.as_str(), i)).collect();
        let mut kept: Vec<usize> = last.values().copied().collect();
        kept.sort_unstable();
        let ballots: Vec<Published> = kept
            .into_iter()
            .filter_map(|i| {
                let cast = &self.casts[i];
                let voter = self.voters.iter().find(|v| v.tag == cast.tag)?;
                Some(Published {
                    receipt: cast.receipt.clone(),
                    tag: cast.tag.clone(),
                    weight: voter.weight,
                    memberships: voter.memberships,
                    ranking: cast.ranking.clone(),
                })
            })
            .collect();
        Some(publish(&header, &ballots))
    }
}
