//! Rules on the board and the membership committee, as the policy records
//! them, checked against the roll.

use super::{Context, Sink};
use crate::finding::quoted;
use crate::roll::member::Member;
use crate::roll::policy::POLICY_FILE;
use std::collections::HashMap;

pub fn size(_: &[Member], ctx: &Context, sink: &mut Sink) {
    let loaded = &ctx.config.policy;
    let board = &loaded.policy.board;
    let n = board.directors.len();
    if n < board.min_directors || n > board.max_directors {
        sink.report(
            POLICY_FILE,
            loaded.pos("/board/directors"),
            "/board/directors",
            format!(
                "the board has {n} directors; the policy allows {} to {}",
                board.min_directors, board.max_directors
            ),
            "elect or remove directors so the board is within its bounds",
        );
    }
}

pub fn directors_per_member(members: &[Member], ctx: &Context, sink: &mut Sink) {
    let loaded = &ctx.config.policy;
    let board = &loaded.policy.board;
    let Some(rule) = &board.directors_per_member else {
        return;
    };
    let holders = members.iter().filter(|m| m.is_active() && m.tier.as_deref() == Some(rule.tier.as_str())).count();
    let needed = (holders * rule.directors).min(board.max_directors);
    if holders > 0 && board.directors.len() < needed {
        sink.report(
            POLICY_FILE,
            loaded.pos("/board/directors"),
            "/board/directors",
            format!(
                "{holders} active {} member(s) require at least {needed} directors; the board has {}",
                rule.tier,
                board.directors.len()
            ),
            format!(
                "the board needs {} directors per {} member (up to {}); elect more directors",
                rule.directors, rule.tier, board.max_directors
            ),
        );
    }
}

pub(crate) fn one_per_organization(_: &[Member], ctx: &Context, sink: &mut Sink) {
    let loaded = &ctx.config.policy;
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, director) in loaded.policy.board.directors.iter().enumerate() {
        let Some(org) = director.organization.as_deref() else {
            continue;
        };
        if let Some(&earlier) = first.get(org) {
            let pointer = format!("/board/directors/{i}/organization");
            sink.report(
                POLICY_FILE,
                loaded.pos(&pointer),
                &pointer,
                format!(
                    "{} is the second director from {}, after {}",
                    director.name,
                    quoted(org),
                    loaded.policy.board.directors[earlier].name
                ),
                "at most one director may come from any one member organization",
            );
        } else {
            first.insert(org, i);
        }
    }
}

/// A warning, in every command (the severity is the registry's): the
/// bylaws' "a director whose sponsoring membership ends loses the seat" is
/// kept by the board recording the seat change in the policy, not by
/// refusing the lapse, resignation or termination that ended it.
pub(crate) fn sponsor_active(members: &[Member], ctx: &Context, sink: &mut Sink) {
    let loaded = &ctx.config.policy;
    for (i, director) in loaded.policy.board.directors.iter().enumerate() {
        let Some(org) = director.organization.as_deref() else {
            continue;
        };
        let active = members.iter().any(|m| m.is_active() && m.organization_key() == Some(org));
        if !active {
            let pointer = format!("/board/directors/{i}/organization");
            sink.report(
                POLICY_FILE,
                loaded.pos(&pointer),
                &pointer,
                format!("{}'s sponsoring organization {} has no active membership", director.name, quoted(org)),
                "a director whose sponsoring membership ended loses the seat, and the board records the change as an \
                 `unseat` amendment: a pull request removing the director from `board.directors` in \
                 schema/policy.yaml, recorded with `rollcall amend` once a majority of the other directors \
                 approve (a warning until then, in every command)",
            );
        }
    }
}

pub(crate) fn committee_size(_: &[Member], ctx: &Context, sink: &mut Sink) {
    let loaded = &ctx.config.policy;
    let committee = &loaded.policy.committee;
    let n = committee.members.len();
    let in_bounds = (committee.min_size..=committee.max_size).contains(&n);
    if !in_bounds || (committee.odd_size && n.is_multiple_of(2)) {
        let odd = if committee.odd_size { ", and an odd number" } else { "" };
        sink.report(
            POLICY_FILE,
            loaded.pos("/committee/members"),
            "/committee/members",
            format!(
                "the membership committee has {n} members; the policy requires {} to {}{odd}",
                committee.min_size, committee.max_size
            ),
            "appoint or remove committee members",
        );
    }
}

pub(crate) fn committee_directors(_: &[Member], ctx: &Context, sink: &mut Sink) {
    let loaded = &ctx.config.policy;
    let policy = &loaded.policy;
    let directors = policy
        .committee
        .members
        .iter()
        .filter(|c| policy.board.directors.iter().any(|d| d.github_id == c.github_id))
        .count();
    let (min, max) = (policy.committee.min_directors, policy.committee.max_directors);
    if !(min..=max).contains(&directors) {
        sink.report(
            POLICY_FILE,
            loaded.pos("/committee/members"),
            "/committee/members",
            format!("the membership committee includes {directors} directors; the policy requires {min} to {max}"),
            "a committee member is a director when the same github_id is on the board",
        );
    }
}
