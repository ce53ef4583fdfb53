//! The life of a membership: which event may follow which status, and what
//! each event writes into the member file. Pure functions on documents;
//! `merge` decides when they run and `ledger` records the result.
//!
//! Nothing is ever deleted: an event sets fields, and what they held before
//! stays in the ledger's history.

use crate::change::approval::{Needs, Payment};
use crate::change::event::{Approval, Kind};
use crate::roll::member::Status;
use jiff::ToSpan;
use jiff::civil::Date;
use serde_json::{Map, Value, json};

/// The merger's fields, in the order the member file keeps them (after
/// everything the member wrote).
const MERGER_ORDER: [&str; 7] =
    ["member_number", "admitted", "expires", "ended", "termination", "approvals", "payments"];

/// The board's recorded decision to end a membership.
#[derive(Clone, Debug)]
pub struct Termination {
    pub reason: String,
    pub notice_date: Date,
}

/// What an event needs besides the member file.
#[derive(Clone, Debug)]
pub struct Stamp {
    pub date: Date,
    pub term_months: u32,
    pub approvals: Vec<Approval>,
    pub payment: Option<Payment>,
    /// For an admission: the next member number.
    pub number: Option<u64>,
    pub termination: Option<Termination>,
    /// For a tier change by a lifecycle command: the new tier.
    pub tier: Option<String>,
}

/// The status an event leads to from `from`, or why it may not happen.
pub fn transition(kind: Kind, from: Status) -> Result<Status, String> {
    use Status::*;
    let to = match (kind, from) {
        (Kind::Admit, Applicant) => Active,
        (Kind::Update, status) if status != Applicant => status,
        (Kind::Renew, Active | Lapsed) => Active,
        (Kind::Lapse, Active) => Lapsed,
        (Kind::Resign, Active) => Resigned,
        (Kind::Terminate, Active) => Terminated,
        (Kind::Readmit, Lapsed | Resigned) => Active,
        (Kind::ChangeTier, Active) => Active,
        (kind, from) => {
            let why = match (kind, from) {
                (Kind::Admit, _) => "only an application (status applicant) is admitted",
                (Kind::Readmit, Terminated) => "a terminated membership is not readmitted; the board decides anew",
                (_, Applicant) => "an application must be admitted first",
                (Kind::Readmit, _) => "only a lapsed or resigned membership is readmitted",
                (Kind::Renew, _) => "only an active or lapsed membership is renewed",
                _ => "only an active membership can",
            };
            return Err(format!("{} a membership with status {}: {why}", kind.as_str(), from.as_str()));
        }
    };
    Ok(to)
}

/// What each event asks of its approvers.
pub fn needs(kind: Kind) -> Needs {
    match kind {
        Kind::Admit | Kind::Readmit | Kind::ChangeTier => Needs::Admission,
        Kind::Renew => Needs::Renewal,
        Kind::Update => Needs::One,
        Kind::Terminate => Needs::Board,
        Kind::Lapse | Kind::Resign => Needs::Nothing,
    }
}

/// The member file after `kind` happened to `value` (whose status allows
/// it; see `transition`). Errors say why the event cannot be stamped.
pub fn stamp(kind: Kind, value: &Value, stamp: &Stamp) -> Result<Value, String> {
    let mut doc = value.as_object().cloned().ok_or("the member file is not a mapping")?;
    let date = stamp.date;
    let text = |d: Date| Value::String(d.to_string());
    let expires = doc.get("expires").and_then(Value::as_str).and_then(|s| s.parse::<Date>().ok());
    let term = |from: Date| from.checked_add(i64::from(stamp.term_months).months()).map_err(|e| e.to_string());
    let status = |s: Status| Value::String(s.as_str().to_owned());
    match kind {
        Kind::Admit | Kind::Readmit => {
            if kind == Kind::Admit {
                let number = stamp.number.ok_or("an admission needs a member number")?;
                doc.insert("member_number".into(), json!(number));
            }
            doc.insert("status".into(), status(Status::Active));
            doc.insert("admitted".into(), text(date));
            doc.insert("expires".into(), text(term(date)?));
            doc.remove("ended");
            doc.remove("termination");
        }
        Kind::Renew => {
            let previous = expires.ok_or("the membership records no expiry to extend")?;
            let next = term(previous)?;
            if next <= date {
                return Err(format!(
                    "a renewal extends from the previous expiry ({previous}) to {next}, which has passed: readmit the member instead"
                ));
            }
            doc.insert("status".into(), status(Status::Active));
            doc.insert("expires".into(), text(next));
            doc.remove("ended");
        }
        Kind::Lapse => {
            let expired = expires.filter(|e| *e < date).ok_or("the membership has not expired")?;
            doc.insert("status".into(), status(Status::Lapsed));
            doc.insert("ended".into(), text(expired));
        }
        Kind::Resign => {
            doc.insert("status".into(), status(Status::Resigned));
            doc.insert("ended".into(), text(date));
        }
        Kind::Terminate => {
            let termination =
                stamp.termination.as_ref().ok_or("a termination needs the board's reason and notice date")?;
            if termination.notice_date > date {
                return Err(format!("the notice date {} is after the decision {date}", termination.notice_date));
            }
            doc.insert("status".into(), status(Status::Terminated));
            doc.insert("ended".into(), text(date));
            doc.insert(
                "termination".into(),
                json!({"reason": termination.reason, "notice_date": termination.notice_date.to_string(), "decided": date.to_string()}),
            );
        }
        Kind::ChangeTier => {
            if let Some(tier) = &stamp.tier {
                doc.insert("tier".into(), Value::String(tier.clone()));
            }
        }
        Kind::Update => {}
    }
    append(
        &mut doc,
        "approvals",
        stamp
            .approvals
            .iter()
            .map(|a| json!({"github": a.login, "github_id": a.id, "date": date.to_string(), "role": a.role.as_str()})),
    );
    if let Some(p) = &stamp.payment {
        let kind = p.kind.clone().or_else(|| {
            doc.get("sponsorship").and_then(|s| s.get("contribution")).and_then(Value::as_str).map(str::to_owned)
        });
        let mut record = json!({"date": date.to_string(), "amount_usd": p.amount_usd});
        if let Some(kind) = kind {
            record["kind"] = Value::String(kind);
        }
        record["reference"] = Value::String(p.reference.clone());
        append(&mut doc, "payments", std::iter::once(record));
    }
    Ok(Value::Object(in_merger_order(doc)))
}

fn append(doc: &mut Map<String, Value>, field: &str, items: impl Iterator<Item = Value>) {
    let mut items = items.peekable();
    if items.peek().is_none() {
        return;
    }
    let list = doc.entry(field).or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(list) = list {
        list.extend(items);
    }
}

/// The member's own fields first, in their order, then the merger's.
fn in_merger_order(mut doc: Map<String, Value>) -> Map<String, Value> {
    let merger: Vec<(String, Value)> =
        MERGER_ORDER.iter().filter_map(|k| doc.shift_remove(*k).map(|v| ((*k).to_owned(), v))).collect();
    doc.extend(merger);
    doc
}
