//! Who approved a pull request, read from the review list GitHub's REST API
//! returns for `GET /repos/{owner}/{repo}/pulls/{n}/reviews`.
//!
//! rollcall never asks GitHub itself: the workflow fetches the list with
//! `gh api --paginate --slurp` (so the reviews may come as an array of pages)
//! and passes the file. The semantics are GitHub's: a reviewer, known by the
//! numeric account id (a login can be renamed or recycled), is in the state of
//! their latest approving, change-requesting or dismissed review; comments and
//! pending reviews change nothing. An approval counts only if it was given on
//! the commit being merged: anything pushed after it has not been reviewed.

use std::collections::BTreeMap;
use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::roll::member::Account;

/// Far beyond any real review list (GitHub pages hold 100 reviews of a few
/// KiB each), small enough that reading the file is never the problem.
pub const MAX_BYTES: usize = 8 << 20;

/// Why a review list cannot be read.
#[derive(Debug, PartialEq, Eq)]
pub enum ReviewsError {
    /// The input is larger than [`MAX_BYTES`].
    TooLarge(usize),
    /// The input is not JSON.
    Json(String),
    /// The input is JSON, but not an array of reviews or of pages of reviews.
    Shape(String),
    /// One review lacks a field or has one of the wrong type; `at` is its
    /// place in the input, `[i]` or `[page][i]`.
    Review { at: String, message: String },
    /// The head to judge the approvals against is not a full commit id.
    Head(String),
}

impl fmt::Display for ReviewsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReviewsError::TooLarge(size) => {
                write!(f, "the review list is {size} bytes, more than the {MAX_BYTES} bytes allowed")
            }
            ReviewsError::Json(e) => write!(f, "the review list is not valid JSON: {e}"),
            ReviewsError::Shape(m) => write!(
                f,
                "the review list must be a JSON array of reviews, or an array of pages of reviews \
                 (as `gh api --paginate --slurp` writes it): {m}"
            ),
            ReviewsError::Review { at, message } => write!(f, "review {at} of the review list: {message}"),
            ReviewsError::Head(head) => {
                write!(f, "the head {head:?} is not a full commit id (40 hexadecimal digits)")
            }
        }
    }
}

impl std::error::Error for ReviewsError {}

/// The approvers of `head` (any revision) in the repository at `repo`, from
/// the review list saved at `reviews`: those whose latest review approves
/// it.
pub fn approvers_in_file(
    repo: &std::path::Path,
    reviews: &std::path::Path,
    head: &str,
) -> Result<Vec<crate::change::approval::Approver>, String> {
    let head = git2::Repository::open(repo)
        .and_then(|r| r.revparse_single(head).and_then(|o| o.peel_to_commit()).map(|c| c.id().to_string()))
        .map_err(|e| format!("cannot read --head {head:?}: {}", e.message()))?;
    let bytes = std::fs::read(reviews).map_err(|e| format!("cannot read {}: {e}", reviews.display()))?;
    let accounts = approvers(&bytes, &head).map_err(|e| format!("{}: {e}", reviews.display()))?;
    Ok(accounts.into_iter().map(|a| crate::change::approval::Approver { login: a.login, id: Some(a.id) }).collect())
}

/// The accounts whose latest verdict on the pull request is an approval of
/// `head`, sorted by login (then id), each once.
pub fn approvers(json: &[u8], head: &str) -> Result<Vec<Account>, ReviewsError> {
    check_head(head)?;
    let mut reviews = submitted(json)?;
    // Stable: reviews submitted in the same second keep the list's order.
    reviews.sort_by_key(|review| review.at);
    let mut reviewers: BTreeMap<u64, Reviewer> = BTreeMap::new();
    for review in reviews {
        reviewers.entry(review.user.id).or_default().record(review);
    }
    let mut approvers: Vec<Account> = reviewers
        .into_iter()
        .filter(|(_, reviewer)| reviewer.approves(head))
        .map(|(id, reviewer)| Account { login: reviewer.login, id })
        .collect();
    approvers.sort_by(|a, b| (&a.login, a.id).cmp(&(&b.login, b.id)));
    Ok(approvers)
}

fn check_head(head: &str) -> Result<(), ReviewsError> {
    if head.len() == 40 && head.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(ReviewsError::Head(head.to_owned()))
    }
}

/// One review as GitHub's API writes it; other fields are ignored.
#[derive(Deserialize)]
struct RawReview {
    /// `null` for a deleted account, but never absent.
    #[serde(deserialize_with = "present")]
    user: Option<RawUser>,
    state: State,
    #[serde(deserialize_with = "present")]
    commit_id: Option<String>,
    /// Absent from a pending review, which is not submitted yet.
    #[serde(default)]
    submitted_at: Option<String>,
}

#[derive(Deserialize)]
struct RawUser {
    login: String,
    id: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum State {
    Approved,
    ChangesRequested,
    Commented,
    Dismissed,
    Pending,
}

/// A nullable field that must be there: serde would read a missing `Option`
/// as `None`, which would let a truncated review pass for a deleted account.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    Option::deserialize(deserializer)
}

/// A submitted review by an existing account.
struct Review {
    user: Account,
    state: State,
    commit: Option<String>,
    at: Timestamp,
}

/// The submitted reviews of existing accounts, in the input's order.
fn submitted(json: &[u8]) -> Result<Vec<Review>, ReviewsError> {
    if json.len() > MAX_BYTES {
        return Err(ReviewsError::TooLarge(json.len()));
    }
    let value: Value = serde_json::from_slice(json).map_err(|e| ReviewsError::Json(e.to_string()))?;
    let Value::Array(items) = value else {
        return Err(ReviewsError::Shape(format!("it is {}", kind(&value))));
    };
    let mut reviews = Vec::new();
    for (at, value) in flatten(items)? {
        if let Some(review) = review(value).map_err(|message| ReviewsError::Review { at, message })? {
            reviews.push(review);
        }
    }
    Ok(reviews)
}

/// The reviews with their places, from a flat array or an array of pages.
fn flatten(items: Vec<Value>) -> Result<Vec<(String, Value)>, ReviewsError> {
    if !items.iter().any(Value::is_array) {
        return Ok(items.into_iter().enumerate().map(|(i, review)| (format!("[{i}]"), review)).collect());
    }
    let mut reviews = Vec::new();
    for (p, page) in items.into_iter().enumerate() {
        let Value::Array(page) = page else {
            return Err(ReviewsError::Shape(format!("[{p}] is {} among pages (arrays)", kind(&page))));
        };
        reviews.extend(page.into_iter().enumerate().map(|(i, review)| (format!("[{p}][{i}]"), review)));
    }
    Ok(reviews)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// One review, or `None` if it cannot matter: its account was deleted, or it
/// is still pending.
fn review(value: Value) -> Result<Option<Review>, String> {
    check_objects(&value)?;
    let raw = RawReview::deserialize(value).map_err(|e| e.to_string())?;
    let Some(user) = raw.user else { return Ok(None) };
    if raw.state == State::Pending {
        return Ok(None);
    }
    let text = raw.submitted_at.ok_or("a submitted review has no `submitted_at`")?;
    let at = text.parse().map_err(|e| format!("`submitted_at` {text:?} is not a timestamp: {e}"))?;
    Ok(Some(Review { user: Account { login: user.login, id: user.id }, state: raw.state, commit: raw.commit_id, at }))
}

/// serde reads a struct from an array too (`["ann", 1]` as a user): GitHub
/// writes objects, and anything else is refused.
fn check_objects(review: &Value) -> Result<(), String> {
    let Value::Object(fields) = review else {
        return Err(format!("it is {}, not a review (an object)", kind(review)));
    };
    match fields.get("user") {
        Some(user @ (Value::Bool(_) | Value::Number(_) | Value::String(_) | Value::Array(_))) => {
            Err(format!("`user` is {}, not an account (an object) or null", kind(user)))
        }
        _ => Ok(()),
    }
}

/// What one account's reviews so far add up to.
#[derive(Default)]
struct Reviewer {
    /// The login of the latest review: a renamed account shows its new one.
    login: String,
    /// The latest state that counts, and the commit it was given on.
    verdict: Option<(State, Option<String>)>,
}

impl Reviewer {
    fn record(&mut self, review: Review) {
        self.login = review.user.login;
        if review.state != State::Commented {
            self.verdict = Some((review.state, review.commit));
        }
    }

    fn approves(&self, head: &str) -> bool {
        match &self.verdict {
            Some((State::Approved, Some(commit))) => commit.eq_ignore_ascii_case(head),
            _ => false,
        }
    }
}
