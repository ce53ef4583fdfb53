//! Whether the approvals given for an event meet the policy of the branch
//! it goes on. Each rule is a small named function; its findings point at
//! the member file's field the rule is about.

use crate::change::event::{Approval, Role};
use crate::finding::{Finding, Severity, quoted};
use crate::roll::member::Member;
use crate::roll::policy::{Policy, Tier, TierClass};
use crate::roll::rules::names::approval::*;
use crate::roll::yaml::Spans;
use serde_json::Value;

/// Someone named as approving: by login (`--approved-by`), or by the
/// numeric account id GitHub reports for a review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approver {
    pub login: String,
    pub id: Option<u64>,
}

/// A payment the committee records with the event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    pub amount_usd: u64,
    pub reference: String,
    /// `cash`, `in-kind` or `fte`; by default the sponsorship's own.
    pub kind: Option<String>,
}

/// What an event asks of its approvers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    /// The tier's number of committee approvals, its payment, and a
    /// director's approval for in-kind sponsorship (admission, readmission,
    /// tier change).
    Admission,
    /// A payment for sponsor tiers; one committee approval for the others.
    Renewal,
    /// One committee approval.
    One,
    /// A majority of the board's directors.
    Board,
    Nothing,
}

/// The member the event is about, as the rules need it.
pub struct Subject<'a> {
    pub member: &'a Member,
    pub value: &'a Value,
    /// Where each value of the member file sits, for the findings.
    pub spans: &'a Spans,
    /// Members of the roll whose accounts approve: an approver representing
    /// the member's organization is from that organization.
    pub roll: &'a [Member],
}

/// The approvals that count, recorded with their roles, and what is wrong.
pub struct Verdict {
    pub approvals: Vec<Approval>,
    pub findings: Vec<Finding>,
}

pub fn judge(
    policy: &Policy,
    needs: Needs,
    subject: &Subject,
    approvers: &[Approver],
    payment: Option<&Payment>,
) -> Verdict {
    let mut verdict = Verdict { approvals: Vec::new(), findings: Vec::new() };
    let tier = subject.member.tier.as_deref().and_then(|t| policy.tier(t));
    for approver in dedup(approvers) {
        if let Some(approval) = authorised(policy, needs, subject, &approver, &mut verdict.findings)
            && not_self(subject, &approval, &mut verdict.findings)
            && not_same_organization(policy, subject, &approval, &mut verdict.findings)
        {
            verdict.approvals.push(approval);
        }
    }
    match (needs, tier) {
        (Needs::Admission, Some(tier)) => {
            count(subject, tier.approvals, &verdict.approvals, &mut verdict.findings);
            payment_recorded(subject, tier, payment, &mut verdict.findings);
            in_kind_board(subject, tier, &verdict.approvals, &mut verdict.findings);
        }
        (Needs::Renewal, Some(tier)) if tier.class == TierClass::Sponsor => {
            payment_recorded(subject, tier, payment, &mut verdict.findings)
        }
        (Needs::Renewal | Needs::One, _) => count(subject, 1, &verdict.approvals, &mut verdict.findings),
        (Needs::Board, _) => board_decision(policy, subject, &verdict.approvals, &mut verdict.findings),
        _ => {}
    }
    verdict
}

/// One entry per person: the same login or account twice counts once.
fn dedup(approvers: &[Approver]) -> Vec<Approver> {
    let mut out: Vec<Approver> = Vec::new();
    for a in approvers {
        if !out.iter().any(|o| o.login.eq_ignore_ascii_case(&a.login) || (o.id.is_some() && o.id == a.id)) {
            out.push(a.clone());
        }
    }
    out
}

fn error(rule: &'static str, subject: &Subject, pointer: &str, message: String, help: &str) -> Finding {
    let member = subject.member;
    Finding::new(rule, Severity::Error, &member.file, subject.spans.locate(pointer), pointer, message, help)
}

/// The approver is on the membership committee, or on the board where a
/// director's approval is asked for. An account id, when known, decides;
/// a login alone must be the one the policy records.
fn authorised(
    policy: &Policy,
    needs: Needs,
    subject: &Subject,
    approver: &Approver,
    findings: &mut Vec<Finding>,
) -> Option<Approval> {
    let matches = |login: &str, id: u64| match approver.id {
        Some(given) => given == id,
        None => login.eq_ignore_ascii_case(&approver.login),
    };
    let director = policy.board.directors.iter().find(|d| matches(&d.github, d.github_id));
    let on_committee = policy.committee.members.iter().find(|p| matches(&p.github, p.github_id));
    let board_counts = matches!(needs, Needs::Board) || is_in_kind(subject.value);
    let found = match (needs, on_committee, director) {
        (Needs::Board, _, Some(d)) => Some((&d.github, d.github_id, Role::Board)),
        (Needs::Board, _, None) => None,
        // A director on the committee approving an in-kind admission: one
        // approval, both roles (counted for the committee, and the board's).
        (Needs::Admission, Some(p), Some(_)) if is_in_kind(subject.value) => {
            Some((&p.github, p.github_id, Role::CommitteeAndBoard))
        }
        (_, Some(p), _) => Some((&p.github, p.github_id, Role::Committee)),
        (_, None, Some(d)) if board_counts => Some((&d.github, d.github_id, Role::Board)),
        _ => None,
    };
    match found {
        Some((login, id, role)) => Some(Approval { login: login.clone(), id, role }),
        None => {
            let body = if needs == Needs::Board { "the board" } else { "the membership committee" };
            findings.push(error(
                AUTHORISED,
                subject,
                "",
                format!("{} is not on {body} in schema/policy.yaml", quoted(&approver.login)),
                "only approvals of the people schema/policy.yaml names count; check the login",
            ));
            None
        }
    }
}

fn not_self(subject: &Subject, approval: &Approval, findings: &mut Vec<Finding>) -> bool {
    let member = subject.member;
    if member.account.as_ref().is_some_and(|a| a.id == approval.id) {
        findings.push(error(
            NOT_SELF,
            subject,
            member.account_pointer(),
            format!("{} cannot approve their own membership", quoted(&approval.login)),
            "ask another member of the committee to approve",
        ));
        return false;
    }
    true
}

/// Nobody approves their own organization's membership: a director it
/// employs, a committee member the policy ties to it, or the account
/// representing it in the roll.
fn not_same_organization(policy: &Policy, subject: &Subject, approval: &Approval, findings: &mut Vec<Finding>) -> bool {
    let Some(organization) = subject.member.organization_key() else { return true };
    let by_policy = policy
        .board
        .directors
        .iter()
        .filter(|d| d.github_id == approval.id)
        .any(|d| d.organization.as_deref() == Some(organization))
        || policy
            .committee
            .members
            .iter()
            .filter(|p| p.github_id == approval.id)
            .any(|p| p.organization.as_deref() == Some(organization));
    let by_roll = subject
        .roll
        .iter()
        .any(|m| m.account.as_ref().is_some_and(|a| a.id == approval.id) && m.organization_key() == Some(organization));
    if by_policy || by_roll {
        findings.push(error(
            NOT_SAME_ORGANIZATION,
            subject,
            "/organization",
            format!("{} is from {}, the organization applying", quoted(&approval.login), quoted(organization)),
            "approvals must come from committee members outside the organization",
        ));
        return false;
    }
    true
}

fn count(subject: &Subject, needed: u32, approvals: &[Approval], findings: &mut Vec<Finding>) {
    let counted = approvals.iter().filter(|a| a.role.is_committee()).count();
    if counted < needed as usize {
        findings.push(error(
            COUNT,
            subject,
            "/tier",
            format!("{counted} committee approval(s) count; this needs {needed}"),
            "collect the missing approvals from the membership committee",
        ));
    }
}

fn is_in_kind(value: &Value) -> bool {
    value.pointer("/sponsorship/contribution").and_then(Value::as_str) == Some("in-kind")
}

/// A sponsor tier needs the committee's record of payment, on the tier's
/// terms: of the kind the application contributes (cash, in-kind or fte),
/// a kind the tier takes, and in cash at least the fee.
fn payment_recorded(subject: &Subject, tier: &Tier, payment: Option<&Payment>, findings: &mut Vec<Finding>) {
    if !tier.payment_required {
        return;
    }
    let contribution = subject.value.pointer("/sponsorship/contribution").and_then(Value::as_str).unwrap_or("cash");
    let message = match payment {
        None => format!("the {} tier needs a recorded payment", quoted(&tier.name)),
        Some(p) if p.kind.as_deref().is_some_and(|k| k != contribution) => format!(
            "a payment of kind {} for a sponsorship whose contribution is {}: a payment is of the application's kind",
            p.kind.as_deref().unwrap_or_default(),
            contribution
        ),
        Some(p) if contribution == "cash" && p.amount_usd < tier.fee_usd => {
            format!(
                "a payment of {} USD is less than the {} tier's fee of {} USD",
                p.amount_usd, tier.name, tier.fee_usd
            )
        }
        Some(_) if contribution == "fte" && tier.fte.is_none() => {
            format!("the {} tier takes no engineers' time (fte) as payment", tier.name)
        }
        Some(_) if contribution == "in-kind" && !tier.in_kind => {
            format!("the {} tier takes no in-kind payment", tier.name)
        }
        Some(_) => return,
    };
    findings.push(error(
        PAYMENT,
        subject,
        "/tier",
        message,
        "record the payment with --payment-usd AMOUNT --payment-reference REFERENCE, of the kind the application \
         states (--payment-kind, by default the sponsorship's own), and in cash at least the tier's fee",
    ));
}

fn in_kind_board(subject: &Subject, tier: &Tier, approvals: &[Approval], findings: &mut Vec<Finding>) {
    if tier.in_kind_needs_board && is_in_kind(subject.value) && !approvals.iter().any(|a| a.role.is_board()) {
        findings.push(error(
            IN_KIND_BOARD,
            subject,
            "/sponsorship/contribution",
            "in-kind sponsorship needs a board member's approval".to_owned(),
            "add the approval of a director named in schema/policy.yaml; a director who sits on the membership \
             committee may give it, and that one approval counts for both (recorded as `committee+board`)",
        ));
    }
}

/// A termination is the board's decision: a majority of its directors.
fn board_decision(policy: &Policy, subject: &Subject, approvals: &[Approval], findings: &mut Vec<Finding>) {
    let directors = policy.board.directors.len();
    let counted = approvals.iter().filter(|a| a.role.is_board()).count();
    if counted * 2 <= directors {
        findings.push(error(
            BOARD_DECISION,
            subject,
            "/status",
            format!("{counted} of {directors} directors approved; a termination needs a majority of the board"),
            "record the approvals of a majority of the directors named in schema/policy.yaml",
        ));
    }
}
