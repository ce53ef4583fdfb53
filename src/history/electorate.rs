//! The electorate of an election, from the voting roll of its cut-off
//! date: the same roll `roll --as-of` prints, grouped by the person who
//! casts the votes.

use super::HistoryError;
use super::voting::{self, Roll};
use crate::election::electorate::{Electorate, Membership, Voter};
use crate::finding::Finding;
use git2::{Oid, Repository};
use jiff::civil::Date;
use std::collections::BTreeMap;

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
