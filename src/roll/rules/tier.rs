//! Rules on a member's tier, read from the policy.

use super::{Context, MemberFile, Sink};
use crate::finding::quoted;
use crate::roll::member::Member;
use crate::roll::policy::POLICY_FILE;

pub fn known(file: &MemberFile, ctx: &Context, sink: &mut Sink) {
    let Some(tier) = file.field("tier") else {
        return;
    };
    let policy = &ctx.config.policy.policy;
    if policy.tier(tier).is_none() {
        let names: Vec<&str> = policy.tiers.iter().map(|t| t.name.as_str()).collect();
        sink.report(
            file.path,
            file.spans.locate("/tier"),
            "/tier",
            format!("{} is not a tier of this foundation", quoted(tier)),
            format!("use one of: {}", names.join(", ")),
        );
    }
}

pub(crate) fn holder_kind(file: &MemberFile, ctx: &Context, sink: &mut Sink) {
    let (Some(tier_name), Some(kind)) = (file.field("tier"), file.member.kind) else {
        return;
    };
    let Some(tier) = ctx.config.policy.policy.tier(tier_name) else {
        return;
    };
    if !tier.holders.contains(&kind) {
        let holders: Vec<&str> = tier.holders.iter().map(|k| k.as_str()).collect();
        sink.report(
            file.path,
            file.spans.locate("/tier"),
            "/tier",
            format!("the {tier_name} tier cannot be held by a {}", kind.as_str()),
            format!("the {tier_name} tier is held by: {}; choose another tier or correct `kind`", holders.join(", ")),
        );
    }
}

/// Each required piece of evidence missing is one finding, at the mapping
/// that should hold it; its shape is the schema's business.
pub(crate) fn evidence_present(file: &MemberFile, ctx: &Context, sink: &mut Sink) {
    let Some(tier_name) = file.field("tier") else {
        return;
    };
    let Some(tier) = ctx.config.policy.policy.tier(tier_name) else {
        return;
    };
    for field in &tier.evidence {
        if file.value.get(field).is_none() {
            let example = format!("examples/{tier_name}.yaml");
            sink.report(
                file.path,
                file.spans.locate(""),
                &format!("/{field}"),
                format!("an application for the {tier_name} tier must include `{field}`"),
                format!("add a `{field}:` section; {example} shows one"),
            );
        }
    }
}

/// The sponsorship terms the policy sets for the tier: in-kind only where
/// the tier has `in_kind: true`; engineers' time only where it has `fte`,
/// and at least that many; cash of at least the tier's fee. Judged on
/// applications and active memberships (an ended one renews no more), so
/// `apply`, `validate`, `check-pr`, `merge` and `verify` see the same.
pub fn sponsorship_terms(file: &MemberFile, ctx: &Context, sink: &mut Sink) {
    let (Some(tier_name), Some(sponsorship)) = (file.field("tier"), file.value.get("sponsorship")) else {
        return;
    };
    let Some(tier) = ctx.config.policy.policy.tier(tier_name) else {
        return;
    };
    if !matches!(file.field("status"), Some("applicant" | "active")) || file.is_refused("/sponsorship/contribution") {
        return;
    }
    let Some(contribution) = sponsorship.get("contribution").and_then(serde_json::Value::as_str) else {
        return;
    };
    let at = |pointer: &str| {
        let pos = if sponsorship.pointer(pointer.trim_start_matches("/sponsorship")).is_some() {
            file.spans.locate(pointer)
        } else {
            file.spans.locate("/sponsorship")
        };
        (pos, pointer.to_owned())
    };
    let terms = tier_terms(tier);
    let mut refuse = |pointer: &str, message: String| {
        let (pos, pointer) = at(pointer);
        sink.report(
            file.path,
            pos,
            &pointer,
            message,
            format!("the {tier_name} tier's terms (schema/policy.yaml): {terms}; state a contribution the tier takes"),
        );
    };
    match contribution {
        "in-kind" if !tier.in_kind => {
            refuse("/sponsorship/contribution", format!("the {tier_name} tier takes no in-kind sponsorship"))
        }
        "fte" => match (tier.fte, sponsorship.get("fte").and_then(serde_json::Value::as_u64)) {
            (None, _) => refuse(
                "/sponsorship/contribution",
                format!("the {tier_name} tier takes no engineers' time (fte) as its contribution"),
            ),
            (Some(needed), stated) if stated.unwrap_or(0) < u64::from(needed) => refuse(
                "/sponsorship/fte",
                format!(
                    "the {tier_name} tier needs at least {needed} FTE; the application states {}",
                    stated.unwrap_or(0)
                ),
            ),
            _ => {}
        },
        "cash" if tier.fee_usd > 0 => {
            let stated = sponsorship.get("amount_usd").and_then(serde_json::Value::as_u64);
            if stated.unwrap_or(0) < tier.fee_usd {
                let said = stated.map_or("no amount".to_owned(), |a| format!("{a} USD"));
                refuse(
                    "/sponsorship/amount_usd",
                    format!("the {tier_name} tier's fee is {} USD; the application states {said}", tier.fee_usd),
                );
            }
        }
        _ => {}
    }
}

/// The contributions a tier takes, in words.
pub fn tier_terms(tier: &crate::roll::policy::Tier) -> String {
    let mut terms = vec![format!("cash of at least {} USD (`amount_usd`)", tier.fee_usd)];
    if let Some(fte) = tier.fte {
        terms.push(format!("at least {fte} FTE of engineers' time (`contribution: fte`, `fte: {fte}`)"));
    }
    if tier.in_kind {
        terms.push("in-kind sponsorship, with a director's approval".to_owned());
    }
    terms.join(", or ")
}

/// Configuration precision: the policy may only name tiers that exist and
/// evidence fields that the member schema defines.
pub(crate) fn policy_references(_: &[Member], ctx: &Context, sink: &mut Sink) {
    let loaded = &ctx.config.policy;
    let policy = &loaded.policy;
    if let Some(rule) = &policy.board.directors_per_member
        && policy.tier(&rule.tier).is_none()
    {
        let pointer = "/board/directors_per_member/tier";
        sink.report(
            POLICY_FILE,
            loaded.pos(pointer),
            pointer,
            format!("{} is not a tier of this policy", quoted(&rule.tier)),
            "name one of the tiers under `tiers`",
        );
    }
    for (t, tier) in policy.tiers.iter().enumerate() {
        for (e, field) in tier.evidence.iter().enumerate() {
            if !ctx.config.schema.defines_field(field) {
                let pointer = format!("/tiers/{t}/evidence/{e}");
                sink.report(
                    POLICY_FILE,
                    loaded.pos(&pointer),
                    &pointer,
                    format!("evidence field {} is not defined by the member schema", quoted(field)),
                    "define the field under `properties` in schema/member.schema.json, or fix the name",
                );
            }
        }
        if policy.tiers[..t].iter().any(|other| other.name == tier.name) {
            let pointer = format!("/tiers/{t}/name");
            sink.report(
                POLICY_FILE,
                loaded.pos(&pointer),
                &pointer,
                format!("the tier {} is defined twice", quoted(&tier.name)),
                "give each tier a distinct name",
            );
        }
    }
}
