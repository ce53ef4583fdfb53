//! Rules across the roll: who is who, and how many memberships each holds.

use super::{Context, MemberFile, Sink};
use crate::finding::quoted;
use crate::roll::member::Member;
use crate::roll::member::Status;
use crate::roll::policy::{Kind, TierClass};

/// The members with their keys, sorted by key; within a key, in the order
/// given (file order). Grouping by sorting rather than hashing: one
/// allocation for the roll rather than one for each key, and no key a
/// member file chooses can make it slower.
fn by_key<'m, K: Ord>(members: impl Iterator<Item = (K, &'m Member)>) -> Vec<(K, &'m Member)> {
    let mut keyed: Vec<(K, &Member)> = members.collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed
}

/// Each key that two or more members share in `keyed` (from [`by_key`]),
/// with those members in file order.
fn shared<'k, 'm, K: Ord>(keyed: &'k [(K, &'m Member)]) -> impl Iterator<Item = (&'k K, Vec<&'m Member>)> {
    keyed
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() > 1)
        .map(|run| (&run[0].0, run.iter().map(|(_, m)| *m).collect()))
}

/// Reports every member of every group of two or more, each finding naming
/// the other files, so a clash is visible from both sides.
fn report_clashes<'m, K: Ord>(
    members: impl Iterator<Item = (K, &'m Member)>,
    sink: &mut Sink,
    pointer: impl Fn(&Member) -> &str,
    message: impl Fn(&Member, &[&str]) -> String,
    help: &str,
) {
    let keyed = by_key(members);
    let mut clashes: Vec<Vec<&Member>> = shared(&keyed).map(|(_, held)| held).collect();
    clashes.sort_by(|a, b| a[0].file.cmp(&b[0].file));
    for group in clashes {
        for member in &group {
            let others: Vec<&str> = group.iter().filter(|m| m.file != member.file).map(|m| m.file.as_str()).collect();
            let p = pointer(member);
            sink.report(&member.file, member.pos(p), p, message(member, &others), help);
        }
    }
}

/// An individual applies under their lowercase login; once admitted, the id
/// stays even if the login is renamed.
pub(crate) fn id_matches_login(file: &MemberFile, _: &Context, sink: &mut Sink) {
    let member = file.member;
    if member.kind != Some(Kind::Person) || member.status != Some(Status::Applicant) {
        return;
    }
    if file.is_refused("/id") || file.is_refused("/github") {
        return;
    }
    let (Some(id), Some(account)) = (&member.id, &member.account) else { return };
    if *id != account.login.to_lowercase() {
        sink.report(
            file.path,
            member.pos("/id"),
            "/id",
            format!("an individual's id is their GitHub login in lowercase, {}", quoted(&account.login.to_lowercase())),
            "set `id` to your login in lowercase and name the file after it",
        );
    }
}

pub(crate) fn unique_id(members: &[Member], _: &Context, sink: &mut Sink) {
    report_clashes(
        members.iter().filter_map(|m| Some((m.id.as_deref()?, m))),
        sink,
        |_| "/id",
        |m, others| format!("id {} is also used by {}", quoted(m.id.as_deref().unwrap_or_default()), others.join(", ")),
        "every member has its own id; keep one file and remove the other from this change",
    );
}

/// One membership per person, by the numeric account id that survives a
/// rename, so a renamed login cannot apply twice.
pub(crate) fn unique_github_id(members: &[Member], _: &Context, sink: &mut Sink) {
    report_clashes(
        members.iter().filter(|m| m.kind == Some(Kind::Person)).filter_map(|m| Some((m.account.as_ref()?.id, m))),
        sink,
        |m| m.account_pointer(),
        |m, others| {
            format!(
                "GitHub account {} already holds the membership in {}",
                m.account.as_ref().map_or(0, |a| a.id),
                others.join(", ")
            )
        },
        "a person holds one membership; a renamed login keeps its existing file (update `github` there)",
    );
}

pub(crate) fn unique_member_number(members: &[Member], _: &Context, sink: &mut Sink) {
    report_clashes(
        members.iter().filter_map(|m| Some((m.member_number?, m))),
        sink,
        |_| "/member_number",
        |m, others| {
            format!("member number {} is also held by {}", m.member_number.unwrap_or_default(), others.join(", "))
        },
        "member numbers are never reused; restore the number from the ledger's history",
    );
}

fn org_memberships_of_class<'m>(
    members: &'m [Member],
    ctx: &Context,
    class: TierClass,
) -> impl Iterator<Item = (&'m str, &'m Member)> {
    let policy = &ctx.config.policy.policy;
    members.iter().filter_map(move |m| {
        let tier = policy.tier(m.tier.as_deref()?)?;
        (tier.class == class).then_some((m.organization_key()?, m))
    })
}

pub(crate) fn one_sponsor_tier(members: &[Member], ctx: &Context, sink: &mut Sink) {
    report_clashes(
        org_memberships_of_class(members, ctx, TierClass::Sponsor),
        sink,
        |_| "/tier",
        |m, others| {
            format!(
                "organization {} already holds a sponsor tier in {}",
                quoted(m.organization_key().unwrap_or_default()),
                others.join(", ")
            )
        },
        "an organization holds one sponsor tier; to change tier, change the existing membership",
    );
}

pub(crate) fn one_mirror(members: &[Member], ctx: &Context, sink: &mut Sink) {
    report_clashes(
        org_memberships_of_class(members, ctx, TierClass::Mirror),
        sink,
        |_| "/tier",
        |m, others| {
            format!(
                "organization {} already holds a mirror membership in {}",
                quoted(m.organization_key().unwrap_or_default()),
                others.join(", ")
            )
        },
        "an organization holds one mirror membership",
    );
}

/// An organization speaks through one account: a second membership of the
/// same organization (a mirror beside a sponsor tier) has the same
/// representative, so nobody applies on an organization's behalf.
pub(crate) fn one_representative_per_organization(members: &[Member], _: &Context, sink: &mut Sink) {
    let keyed = by_key(
        members
            .iter()
            .filter(|m| m.kind == Some(Kind::Organization) && m.account.is_some())
            .filter_map(|m| Some((m.organization_key()?, m))),
    );
    for (org, held) in shared(&keyed) {
        let first = held[0].account.as_ref().map(|a| a.id);
        if held.iter().all(|m| m.account.as_ref().map(|a| a.id) == first) {
            continue;
        }
        for m in &held {
            let others: Vec<&str> = held.iter().filter(|o| o.file != m.file).map(|o| o.file.as_str()).collect();
            let pointer = m.account_pointer();
            sink.report(
                &m.file,
                m.pos(pointer),
                pointer,
                format!("organization {} has another representative in {}", quoted(org), others.join(", ")),
                "all memberships of one organization name the same representative account",
            );
        }
    }
}

/// A representative's account speaks for one organization only.
pub(crate) fn one_organization_per_login(members: &[Member], _: &Context, sink: &mut Sink) {
    let keyed = by_key(
        members
            .iter()
            .filter(|m| m.kind == Some(Kind::Organization) && m.organization_key().is_some())
            .filter_map(|m| Some((m.account.as_ref()?.id, m))),
    );
    for (id, held) in shared(&keyed) {
        let first = held[0].organization_key();
        if held.iter().all(|m| m.organization_key() == first) {
            continue;
        }
        for m in &held {
            let others: Vec<&str> =
                held.iter().filter(|o| o.organization_key() != m.organization_key()).map(|o| o.file.as_str()).collect();
            let pointer = m.account_pointer();
            sink.report(
                &m.file,
                m.pos(pointer),
                pointer,
                format!("account {id} also represents another organization in {}", others.join(", ")),
                "an account represents one organization; name a different representative",
            );
        }
    }
}
