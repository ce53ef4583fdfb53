//! Rules on a membership's status and its dates.

use super::{Context, MemberFile, Sink};
use crate::finding::quoted;
use crate::roll::member::Status;

pub(crate) fn merger_only_field(file: &MemberFile, ctx: &Context, sink: &mut Sink) {
    if file.member.status != Some(Status::Applicant) {
        return;
    }
    for field in &ctx.config.policy.policy.merger_fields {
        let pointer = format!("/{field}");
        if file.value.get(field).is_some() {
            sink.report(
                file.path,
                file.spans.key(&pointer).unwrap_or_else(|| file.spans.locate(&pointer)),
                &pointer,
                format!("`{field}` is written by the merger, not by an application"),
                format!("delete the `{field}` field; it is filled in when the application is approved"),
            );
        }
    }
}

/// Fields every admitted membership (any status after `applicant`) carries.
const ADMISSION_FIELDS: [&str; 4] = ["member_number", "admitted", "expires", "approvals"];

pub(crate) fn admission_record(file: &MemberFile, _: &Context, sink: &mut Sink) {
    let Some(status) = file.member.status else {
        return;
    };
    if status == Status::Applicant {
        return;
    }
    for field in ADMISSION_FIELDS {
        if file.value.get(field).is_none() {
            sink.report(
                file.path,
                file.spans.locate(""),
                &format!("/{field}"),
                format!("a membership with status {} has no `{field}`", status.as_str()),
                "admitted memberships are recorded by `rollcall merge`; restore the field from the ledger's history",
            );
        }
    }
}

pub(crate) fn dates_in_order(file: &MemberFile, _: &Context, sink: &mut Sink) {
    let (Some(admitted), Some(expires)) = (file.member.admitted, file.member.expires) else {
        return;
    };
    if expires <= admitted {
        sink.report(
            file.path,
            file.member.pos("/expires"),
            "/expires",
            format!("expiry {expires} is not after admission {admitted}"),
            "a term ends after it begins; restore the dates from the ledger's history",
        );
    }
}

/// A warning, never an error: the passing of time must not turn an
/// unrelated change red.
pub fn expired(file: &MemberFile, ctx: &Context, sink: &mut Sink) {
    let Some(expires) = file.member.expires else {
        return;
    };
    if file.member.is_active() && expires < ctx.as_of {
        let id = file.member.id.as_deref().unwrap_or("MEMBER");
        sink.report(
            file.path,
            file.member.pos("/expires"),
            "/expires",
            format!("the membership of {} expired on {expires} but is still active", quoted(id)),
            format!("record the lapse with `rollcall expire --as-of {}`, or renew it", ctx.as_of),
        );
    }
}
