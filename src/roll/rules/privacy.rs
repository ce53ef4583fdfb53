//! Rules keeping the public ledger free of personal contact details.

use super::{Context, MemberFile, Sink};
use crate::finding::pointer_segment;
use regex::Regex;
use serde_json::Value;
use std::sync::LazyLock;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}").expect("valid regex")
});
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\+\d[\d ().-]{6,}\d|\(\d{2,4}\)[ .-]?\d{3}[ .-]?\d{3,4}|\b\d{3}[ .-]\d{3}[ .-]\d{4}\b")
        .expect("valid regex")
});
static POSTAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\bp\.?\s?o\.?\s+box\b|\b\d{1,5}\s+(\w+\s+){0,3}(street|st\.|avenue|ave\.|road|rd\.|boulevard|blvd|lane|drive|straße|strasse)(\W|$)",
    )
    .expect("valid regex")
});

/// Field names that can only hold contact details.
const CONTACT_FIELDS: [&str; 10] =
    ["email", "e-mail", "mail", "phone", "telephone", "mobile", "address", "street", "postal_code", "zip"];

pub(crate) fn contact_details(file: &MemberFile, _: &Context, sink: &mut Sink) {
    let mut path = Vec::new();
    walk(file.value, &mut path, &mut |path, key, text| {
        let (message, help) = if let Some(key) = key.filter(|k| is_contact_field(k) || contact_in(k).is_some()) {
            (
                format!("the field {} would publish contact details", crate::finding::quoted(key)),
                "remove it: the ledger is public and holds no contact details",
            )
        } else if let Some(what) = contact_in(text) {
            (format!("this text contains {what}"), "remove it: the ledger is public; link to a profile page instead")
        } else {
            return;
        };
        let pointer = pointer(path);
        sink.report(file.path, file.spans.locate(&pointer), &pointer, message, help);
    });
}

fn is_contact_field(key: &str) -> bool {
    CONTACT_FIELDS.iter().any(|f| f.eq_ignore_ascii_case(key))
}

/// What kind of contact detail `text` holds, cheap checks first.
fn contact_in(text: &str) -> Option<&'static str> {
    if text.contains('@') && EMAIL.is_match(text) {
        return Some("an e-mail address");
    }
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    if digits >= 8 && may_hold_phone(text) && PHONE.is_match(text) {
        return Some("a phone number");
    }
    // Both of its forms have a space in them: dates, logins and links do not.
    if digits >= 1 && text.contains(char::is_whitespace) && POSTAL.is_match(text) {
        return Some("a postal address");
    }
    None
}

/// Whether `text` has what each form of [`PHONE`] starts from: a `+` or a
/// `(`, or three digits, a separator and three digits. A date, the
/// commonest text with eight digits, has none of them.
fn may_hold_phone(text: &str) -> bool {
    let three = |digits: &[u8]| digits.iter().all(u8::is_ascii_digit);
    text.contains(['+', '('])
        || text.as_bytes().windows(7).any(|w| three(&w[..3]) && b" .-".contains(&w[3]) && three(&w[4..]))
}

/// One step of a path into a document.
enum Step<'v> {
    Key(&'v str),
    Index(usize),
}

fn pointer(path: &[Step]) -> String {
    path.iter()
        .map(|step| match step {
            Step::Key(key) => format!("/{}", pointer_segment(key)),
            Step::Index(i) => format!("/{i}"),
        })
        .collect()
}

/// Receives each string: its path, the field holding it (if in a mapping), the text.
type Visit<'a> = dyn FnMut(&[Step], Option<&str>, &str) + 'a;

/// Calls `visit(path, key, text)` for every string in `value`: `key` is the
/// name of the field holding it, if it sits directly in a mapping.
fn walk<'v>(value: &'v Value, path: &mut Vec<Step<'v>>, visit: &mut Visit) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                path.push(Step::Key(key));
                if let Value::String(text) = child {
                    visit(path, Some(key), text);
                } else if is_contact_field(key) {
                    visit(path, Some(key), "");
                } else {
                    walk(child, path, visit);
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(Step::Index(i));
                match child {
                    Value::String(text) => visit(path, None, text),
                    _ => walk(child, path, visit),
                }
                path.pop();
            }
        }
        _ => {}
    }
}

pub(crate) fn embargoed_country(file: &MemberFile, ctx: &Context, sink: &mut Sink) {
    let Some(country) = file.field("country") else {
        return;
    };
    if ctx.config.policy.policy.embargoed_countries.iter().any(|c| c == country) {
        sink.report(
            file.path,
            file.spans.locate("/country"),
            "/country",
            format!("{country} is on the policy's list of embargoed countries"),
            "the membership committee must review this application against export regulations",
        );
    }
}
