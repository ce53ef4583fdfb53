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
        sink.error(
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
        sink.error(
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
            sink.error(
                file.path,
                file.spans.locate(""),
                &format!("/{field}"),
                format!("an application for the {tier_name} tier must include `{field}`"),
                format!("add a `{field}:` section; {example} shows one"),
            );
        }
    }
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
        sink.error(
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
                sink.error(
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
            sink.error(
                POLICY_FILE,
                loaded.pos(&pointer),
                &pointer,
                format!("the tier {} is defined twice", quoted(&tier.name)),
                "give each tier a distinct name",
            );
        }
    }
}
