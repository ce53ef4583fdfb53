//! `elections/<id>/election.yaml`: an election as data in the ledger. Its
//! windows, its seats, the cut-off date that fixes the electorate, the
//! counting method and the published tie order, read with the position of
//! every field so that each finding names its line.

use crate::finding::{Finding, Pos, quoted};
use crate::roll::rules::names::election::*;
use crate::roll::yaml::{self, Layout, MEMBER_LIMITS, Spans};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::Value;

use super::Method;

/// Where elections live in the ledger.
pub const ELECTIONS_DIR: &str = "elections";
/// An election's own file, inside its folder.
pub const ELECTION_FILE: &str = "election.yaml";
/// The nominations' folder, inside the election's.
pub const NOMINATIONS_DIR: &str = "nominations";

/// Nominations close at least this long before voting opens.
pub const NOMINATIONS_TO_VOTING_DAYS: i64 = 10;
/// Voting lasts at least this long.
pub const MIN_VOTING_DAYS: i64 = 14;
/// The longest election id.
const MAX_ID_CHARS: usize = 64;

/// A window of dates, both days included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Window {
    pub opens: Date,
    pub closes: Date,
}

impl Window {
    pub fn contains(&self, date: Date) -> bool {
        self.opens <= date && date <= self.closes
    }
}

/// An election, as its file defines it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Election {
    pub id: String,
    pub title: String,
    pub seats: usize,
    /// The electorate is the voting roll of this date.
    pub cutoff: Date,
    pub nominations: Window,
    pub voting: Window,
    pub method: Method,
    /// GitHub logins of candidates, the first excluded first when every
    /// other way of breaking a tie for exclusion fails.
    pub tie_order: Vec<String>,
    /// GitHub logins of the directors whose seats this election fills:
    /// they leave the board when the result is certified.
    pub replaces: Vec<String>,
}

/// The folder of election `id`.
pub fn folder(id: &str) -> String {
    format!("{ELECTIONS_DIR}/{id}")
}

/// The path of election `id`'s file.
pub fn path(id: &str) -> String {
    format!("{ELECTIONS_DIR}/{id}/{ELECTION_FILE}")
}

/// Whether `id` is a usable election id: lowercase letters, digits and
/// inner hyphens, as a folder name on every system.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_CHARS
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// The election id of a path under `elections/`, if it has one.
pub fn id_of(path: &str) -> Option<&str> {
    path.strip_prefix("elections/")?.split('/').next().filter(|id| !id.is_empty())
}

const FIELDS: [&str; 8] = ["title", "seats", "cutoff", "nominations", "voting", "method", "tie_order", "replaces"];

/// Reads an election file. `max_seats` is the board's size limit.
pub fn parse(file: &str, bytes: &[u8], max_seats: usize) -> Result<Election, Vec<Finding>> {
    if bytes.len() as u64 > MEMBER_LIMITS.max_bytes {
        return Err(vec![Finding::error(
            ELECTION_FILE_RULE,
            file,
            Pos::START,
            "",
            format!("the election file is {} bytes; at most {} are read", bytes.len(), MEMBER_LIMITS.max_bytes),
            "an election file is a few lines of YAML",
        )]);
    }
    let doc = yaml::load(file, bytes, MEMBER_LIMITS, Layout::Free);
    let errors: Vec<Finding> = doc.findings.iter().filter(|f| f.is_error()).cloned().collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some(value) = doc.value.as_ref().filter(|v| v.is_object()) else {
        return Err(vec![shape(file, &doc.spans, "", "the election file is not a mapping of fields")]);
    };
    let reader = Reader { file, spans: &doc.spans, findings: Vec::new() };
    reader.election(file, value, max_seats)
}

struct Reader<'a> {
    file: &'a str,
    spans: &'a Spans,
    findings: Vec<Finding>,
}

fn shape(file: &str, spans: &Spans, pointer: &str, message: impl Into<String>) -> Finding {
    Finding::error(
        ELECTION_FILE_RULE,
        file,
        spans.locate(pointer),
        pointer,
        message,
        "an election file has title, seats, cutoff, nominations {opens, closes}, voting {opens, closes}, \
         and optionally method (meek or astra), tie_order and replaces (lists of GitHub logins)",
    )
}

impl Reader<'_> {
    fn fail(&mut self, rule: &'static str, pointer: &str, message: String, help: &str) {
        self.findings.push(Finding::error(rule, self.file, self.spans.locate(pointer), pointer, message, help));
    }

    fn bad_shape(&mut self, pointer: &str, message: String) {
        self.findings.push(shape(self.file, self.spans, pointer, message));
    }

    fn text(&mut self, value: &Value, pointer: &str) -> Option<String> {
        match value.pointer(pointer) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            Some(_) => {
                self.bad_shape(pointer, format!("{pointer} is not a line of text"));
                None
            }
            None => {
                self.bad_shape(pointer, format!("the field {} is missing", &pointer[1..]));
                None
            }
        }
    }

    fn date(&mut self, value: &Value, pointer: &str) -> Option<Date> {
        let text = self.text(value, pointer)?;
        match text.parse::<Date>() {
            Ok(date) if date.to_string() == text => Some(date),
            _ => {
                self.bad_shape(pointer, format!("{pointer} is {}, not a date YYYY-MM-DD", quoted(&text)));
                None
            }
        }
    }

    fn logins(&mut self, value: &Value, pointer: &str) -> Vec<String> {
        match value.pointer(pointer) {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let mut out: Vec<String> = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let at = format!("{pointer}/{i}");
                    match item.as_str().filter(|s| is_login(s)) {
                        Some(login) if out.iter().any(|o| o.eq_ignore_ascii_case(login)) => {
                            self.bad_shape(&at, format!("{} is listed twice", quoted(login)));
                        }
                        Some(login) => out.push(login.to_owned()),
                        None => self.bad_shape(&at, format!("{at} is not a GitHub login")),
                    }
                }
                out
            }
            Some(_) => {
                self.bad_shape(pointer, format!("{pointer} is not a list of GitHub logins"));
                Vec::new()
            }
        }
    }

    fn window(&mut self, value: &Value, pointer: &str) -> Option<Window> {
        if let Some(map) = value.pointer(pointer).and_then(Value::as_object) {
            for key in map.keys().filter(|k| !["opens", "closes"].contains(&k.as_str())) {
                self.bad_shape(&format!("{pointer}/{key}"), format!("{pointer} has no field {}", quoted(key)));
            }
        } else if value.pointer(pointer).is_some() {
            self.bad_shape(pointer, format!("{pointer} is not a mapping of opens and closes"));
            return None;
        }
        let opens = self.date(value, &format!("{pointer}/opens"));
        let closes = self.date(value, &format!("{pointer}/closes"));
        Some(Window { opens: opens?, closes: closes? })
    }

    fn election(mut self, file: &str, value: &Value, max_seats: usize) -> Result<Election, Vec<Finding>> {
        for key in value.as_object().into_iter().flat_map(|m| m.keys()) {
            if !FIELDS.contains(&key.as_str()) {
                self.bad_shape(&format!("/{key}"), format!("an election file has no field {}", quoted(key)));
            }
        }
        let id = id_of(file).unwrap_or_default().to_owned();
        if !is_valid_id(&id) || file != path(&id) {
            self.fail(
                ELECTION_ID,
                "",
                format!("{} is not elections/<id>/election.yaml with a valid id", quoted(file)),
                "name the election's folder with lowercase letters, digits and hyphens, at most 64 characters \
                 (for example elections/board-2027/election.yaml)",
            );
        }
        let title = self.text(value, "/title");
        let seats = match value.get("seats") {
            Some(Value::Number(n)) => match n.as_u64().and_then(|n| usize::try_from(n).ok()) {
                Some(n) if (1..=max_seats).contains(&n) => Some(n),
                _ => {
                    self.fail(
                        ELECTION_SEATS,
                        "/seats",
                        format!("seats is {n}; the board holds 1 to {max_seats} directors"),
                        "give the number of seats the election fills, at least 1 and at most board.max_directors",
                    );
                    None
                }
            },
            Some(_) => {
                self.bad_shape("/seats", "seats is not a whole number".to_owned());
                None
            }
            None => {
                self.bad_shape("/seats", "the field seats is missing".to_owned());
                None
            }
        };
        let cutoff = self.date(value, "/cutoff");
        let nominations = self.window(value, "/nominations");
        let voting = self.window(value, "/voting");
        let method = match value.get("method") {
            None => Some(Method::Meek),
            Some(Value::String(s)) if s == "meek" => Some(Method::Meek),
            Some(Value::String(s)) if s == "astra" => Some(Method::Astra),
            Some(other) => {
                let shown = other.as_str().map_or_else(|| other.to_string(), quoted);
                self.fail(
                    ELECTION_METHOD,
                    "/method",
                    format!("method is {shown}"),
                    "method is meek (the default) or astra",
                );
                None
            }
        };
        let tie_order = self.logins(value, "/tie_order");
        let replaces = self.logins(value, "/replaces");
        if let (Some(cutoff), Some(n), Some(v)) = (cutoff, nominations, voting) {
            self.windows(cutoff, n, v);
        }
        match (title, seats, cutoff, nominations, voting, method) {
            (Some(title), Some(seats), Some(cutoff), Some(nominations), Some(voting), Some(method))
                if self.findings.is_empty() =>
            {
                Ok(Election { id, title, seats, cutoff, nominations, voting, method, tie_order, replaces })
            }
            _ => Err(self.findings),
        }
    }

    /// The calendar: the electorate is fixed before nominations open;
    /// nominations close ten days before voting opens; voting lasts at
    /// least fourteen days.
    fn windows(&mut self, cutoff: Date, nominations: Window, voting: Window) {
        let help = "the cut-off date is on or before the day nominations open; nominations close at least 10 days \
                    before voting opens; voting lasts at least 14 days";
        if cutoff > nominations.opens {
            let message = format!("the cut-off date {cutoff} is after nominations open ({})", nominations.opens);
            self.fail(ELECTION_WINDOWS, "/cutoff", message, help);
        }
        if nominations.closes < nominations.opens {
            let message =
                format!("nominations close ({}) before they open ({})", nominations.closes, nominations.opens);
            self.fail(ELECTION_WINDOWS, "/nominations/closes", message, help);
        }
        if nominations.closes.saturating_add(NOMINATIONS_TO_VOTING_DAYS.days()) > voting.opens {
            let message = format!(
                "nominations close on {} and voting opens on {}: fewer than {NOMINATIONS_TO_VOTING_DAYS} days apart",
                nominations.closes, voting.opens
            );
            self.fail(ELECTION_WINDOWS, "/voting/opens", message, help);
        }
        if voting.opens.saturating_add(MIN_VOTING_DAYS.days()) > voting.closes {
            let message = format!(
                "voting opens on {} and closes on {}: it lasts fewer than {MIN_VOTING_DAYS} days",
                voting.opens, voting.closes
            );
            self.fail(ELECTION_WINDOWS, "/voting/closes", message, help);
        }
    }
}

/// Where the election file's fields are, for findings about a parsed file.
pub fn spans(file: &str, bytes: &[u8]) -> Spans {
    yaml::load(file, bytes, MEMBER_LIMITS, Layout::Free).spans
}

/// A GitHub login: 1 to 39 letters, digits and inner single hyphens.
pub fn is_login(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 39
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-')
        && !text.contains("--")
}
