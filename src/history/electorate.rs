//! The electorate of an election, from the voting roll of its cut-off
//! date: the same roll `roll --as-of` prints, grouped by the person who
//! casts the votes.

use super::HistoryError;
use super::voting::{self, Roll};
use crate::election::electorate::{Electorate, Membership, Voter};
use crate::finding::Finding;
use git2::{Oid, Repository};
use jiff::civil::Date;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

/// The electorate of election `id` with cut-off `cutoff`, from the
/// first-parent history of `tip`.
pub fn electorate(
    repo: &Repository,
    tip: Oid,
    id: &str,
    cutoff: Date,
) -> Result<Result<Electorate, Vec<Finding>>, HistoryError> {
    Ok(voting::roll(repo, tip, cutoff)?.map(|roll| of_roll(id, cutoff, &roll)))
}

/// The electorates one replay of history has read, by election, so that
/// `verify` reads an election's once rather than once per nomination.
#[derive(Default)]
pub struct Electorates {
    read: HashMap<String, Read>,
}

/// An electorate as read from the history of `tip`.
struct Read {
    cutoff: Date,
    tip: Oid,
    electorate: Rc<Electorate>,
}

impl Electorates {
    /// The electorate of election `id` with cut-off `cutoff` from the
    /// history of `tip`, exactly as [`electorate`] reads it: the one read
    /// before, while the history since leaves the state of the cut-off date
    /// where it was.
    pub fn electorate(
        &mut self,
        repo: &Repository,
        tip: Oid,
        id: &str,
        cutoff: Date,
    ) -> Result<Result<Rc<Electorate>, Vec<Finding>>, HistoryError> {
        if let Some(read) = self.read.get_mut(id).filter(|read| read.cutoff == cutoff)
            && state_unmoved(repo, read, tip)?
        {
            read.tip = tip;
            return Ok(Ok(Rc::clone(&read.electorate)));
        }
        let found = electorate(repo, tip, id, cutoff)?.map(Rc::new);
        if let Ok(electorate) = &found {
            self.read.insert(id.to_owned(), Read { cutoff, tip, electorate: Rc::clone(electorate) });
        }
        Ok(found)
    }
}

/// Whether the history of `tip` places the ledger on the cut-off date
/// (`voting::state_on`) at the same state as the history of `read.tip`
/// did. It does when `tip` descends from `read.tip` by steps none of which
/// is a genesis and all dated after the cut-off date (or undated), and a
/// dated step after that state already bounded it at `read.tip`: then the
/// last step dated on or before the cut-off date, and the first dated one
/// after it, are the same. A state that was `read.tip` itself would take in
/// the maintenance committed since, so it is read again.
fn state_unmoved(repo: &Repository, read: &Read, tip: Oid) -> Result<bool, HistoryError> {
    let state = read.electorate.commit.as_deref().and_then(|c| Oid::from_str(c).ok());
    if state.is_none_or(|state| state == read.tip) {
        return Ok(false);
    }
    let since = super::chain(repo, tip, Some(read.tip))?;
    let descends = since.last().map_or(tip == read.tip, |oldest| oldest.parents.first() == Some(&read.tip));
    let after_cutoff =
        since.iter().all(|step| step.genesis().is_none() && step.record.date().is_none_or(|d| d > read.cutoff));
    Ok(descends && after_cutoff)
}

/// The voters of `roll`: every membership with a vote, grouped by the
/// account that casts it.
pub fn of_roll(id: &str, cutoff: Date, roll: &Roll) -> Electorate {
    let mut voters: BTreeMap<String, Voter> = BTreeMap::new();
    for m in roll.members.iter().filter(|m| m.votes > 0) {
        let who = &m.identity;
        let voter = voters.entry(who.login.to_ascii_lowercase()).or_insert_with(|| Voter {
            login: who.login.clone(),
            github_id: who.github_id,
            weight: 0,
            memberships: Vec::new(),
            unlisted: true,
        });
        voter.weight += u64::from(m.votes);
        voter.unlisted &= who.unlisted;
        voter.memberships.push(Membership {
            member: who.member.clone(),
            tier: m.tier.clone(),
            class: who.class.clone(),
            votes: m.votes,
        });
    }
    Electorate {
        election: id.to_owned(),
        cutoff,
        commit: roll.commit.clone(),
        voters: voters.into_values().collect(),
        quorum: roll.quorum.clone(),
    }
}
