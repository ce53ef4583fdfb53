//! Approvers read from GitHub's review list: GitHub's own semantics (latest
//! verdict per account id, comments change nothing, an approval counts only
//! on the head), paginated input, and hostile or broken input refused with a
//! clear error, never a panic.

use proptest::prelude::*;
use rollcall::change::reviews::{MAX_BYTES, ReviewsError, approvers};
use rollcall::roll::member::Account;
use serde_json::{Value, json};

const HEAD: &str = "3f786850e387550fdab836ed7e6dc881de23001b";
const OLD: &str = "89e6c98d92887913cadf06b2adb97f26cde4849b";

/// A review as GitHub's API writes it, with the fields rollcall ignores.
fn review(id: u64, login: &str, state: &str, commit: &str, minute: u32) -> Value {
    json!({
        "id": 80 + u64::from(minute),
        "node_id": "PRR_kwDOA",
        "user": {"login": login, "id": id, "type": "User", "site_admin": false},
        "body": "",
        "state": state,
        "html_url": "https://github.com/example/ledger/pull/7#pullrequestreview-80",
        "author_association": "MEMBER",
        "submitted_at": format!("2026-05-01T10:{minute:02}:00Z"),
        "commit_id": commit,
    })
}

fn account(login: &str, id: u64) -> Account {
    Account { login: login.to_owned(), id }
}

fn run(input: &Value) -> Result<Vec<Account>, ReviewsError> {
    approvers(&serde_json::to_vec(input).unwrap(), HEAD)
}

#[test]
fn verdicts_follow_githubs_semantics() {
    let null_user = {
        let mut r = review(9, "ghost", "APPROVED", HEAD, 1);
        r["user"] = Value::Null;
        r
    };
    let cases: Vec<(&str, Value, Vec<Account>)> = vec![
        ("approval on the head", json!([review(1, "ann", "APPROVED", HEAD, 1)]), vec![account("ann", 1)]),
        ("stale approval on an old commit", json!([review(1, "ann", "APPROVED", OLD, 1)]), vec![]),
        (
            "approval then changes requested",
            json!([review(1, "ann", "APPROVED", HEAD, 1), review(1, "ann", "CHANGES_REQUESTED", HEAD, 2)]),
            vec![],
        ),
        (
            "changes requested then approval",
            json!([review(1, "ann", "CHANGES_REQUESTED", OLD, 1), review(1, "ann", "APPROVED", HEAD, 2)]),
            vec![account("ann", 1)],
        ),
        (
            "approval then dismissed",
            json!([review(1, "ann", "APPROVED", HEAD, 1), review(1, "ann", "DISMISSED", HEAD, 2)]),
            vec![],
        ),
        (
            "a comment after an approval",
            json!([review(1, "ann", "APPROVED", HEAD, 1), review(1, "ann", "COMMENTED", HEAD, 2)]),
            vec![account("ann", 1)],
        ),
        (
            "a comment on the head after a stale approval",
            json!([review(1, "ann", "APPROVED", OLD, 1), review(1, "ann", "COMMENTED", HEAD, 2)]),
            vec![],
        ),
        (
            "a pending review after an approval",
            json!([review(1, "ann", "APPROVED", HEAD, 1), review(1, "ann", "PENDING", HEAD, 2)]),
            vec![account("ann", 1)],
        ),
        (
            "renamed login: one approver, the latest login",
            json!([review(1, "ann", "APPROVED", HEAD, 1), review(1, "ann-renamed", "APPROVED", HEAD, 2)]),
            vec![account("ann-renamed", 1)],
        ),
        (
            "same login, two accounts: keyed by id",
            json!([review(1, "ann", "APPROVED", HEAD, 1), review(2, "ann", "CHANGES_REQUESTED", HEAD, 2)]),
            vec![account("ann", 1)],
        ),
        (
            "chronological, not array order",
            json!([review(1, "ann", "APPROVED", HEAD, 5), review(1, "ann", "CHANGES_REQUESTED", HEAD, 2)]),
            vec![account("ann", 1)],
        ),
        (
            "same second: array order decides",
            json!([review(1, "ann", "CHANGES_REQUESTED", HEAD, 3), review(1, "ann", "APPROVED", HEAD, 3)]),
            vec![account("ann", 1)],
        ),
        (
            "sorted by login",
            json!([
                review(3, "zoe", "APPROVED", HEAD, 1),
                review(1, "ann", "APPROVED", HEAD, 2),
                review(2, "max", "APPROVED", HEAD, 3)
            ]),
            vec![account("ann", 1), account("max", 2), account("zoe", 3)],
        ),
        (
            "paginated input",
            json!([
                [review(1, "ann", "APPROVED", HEAD, 1), review(2, "bob", "APPROVED", HEAD, 2)],
                [],
                [review(1, "ann", "DISMISSED", HEAD, 3), review(3, "cy", "APPROVED", HEAD, 4)]
            ]),
            vec![account("bob", 2), account("cy", 3)],
        ),
        (
            "null user (deleted account)",
            json!([null_user, review(2, "bob", "APPROVED", HEAD, 2)]),
            vec![account("bob", 2)],
        ),
        ("no reviews", json!([]), vec![]),
        ("one empty page", json!([[]]), vec![]),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, input, expected)| {
            let got = run(input);
            (got.as_ref() != Ok(expected)).then(|| format!("{name}: expected {expected:?}, got {got:?}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn head_is_compared_ignoring_case() {
    let input = serde_json::to_vec(&json!([review(1, "ann", "APPROVED", HEAD, 1)])).unwrap();
    assert_eq!(approvers(&input, &HEAD.to_uppercase()), Ok(vec![account("ann", 1)]));
}

/// Replaces (or with `None` removes) one field of a valid review.
fn with(field: &str, value: Option<Value>) -> Vec<u8> {
    let mut r = review(1, "ann", "APPROVED", HEAD, 1);
    match value {
        Some(value) => r[field] = value,
        None => _ = r.as_object_mut().unwrap().remove(field),
    }
    serde_json::to_vec(&json!([review(2, "bob", "APPROVED", HEAD, 0), r])).unwrap()
}

#[test]
fn broken_input_is_refused_with_a_clear_error() {
    let huge = {
        let mut bytes = b"[".to_vec();
        bytes.resize(MAX_BYTES + 1, b' ');
        bytes.push(b']');
        bytes
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("garbage", b"\x00\xffnot json".to_vec(), "not valid JSON"),
        ("empty input", Vec::new(), "not valid JSON"),
        ("truncated", b"[{\"user\": {".to_vec(), "not valid JSON"),
        ("deep nesting", "[".repeat(100_000).into_bytes(), "not valid JSON"),
        ("oversize", huge, "more than the 8388608 bytes allowed"),
        ("an object, not an array", br#"{"message": "Not Found"}"#.to_vec(), "it is an object"),
        ("pages mixed with reviews", br#"[[], {}]"#.to_vec(), "[1] is an object among pages"),
        ("a review that is a number", b"[1]".to_vec(), "review [0] of the review list: it is a number, not a review"),
        ("a page nested in a page", b"[[[]]]".to_vec(), "review [0][0] of the review list: it is an array"),
        (
            "a review written as an array",
            serde_json::to_vec(&json!([[[{"login": "ann", "id": 1}, "APPROVED", HEAD, "2026-05-01T10:00:00Z"]]]))
                .unwrap(),
            "review [0][0] of the review list: it is an array, not a review",
        ),
        (
            "a user written as an array",
            with("user", Some(json!(["ann", 1]))),
            "review [1] of the review list: `user` is an array",
        ),
        ("missing user", with("user", None), "review [1] of the review list: missing field `user`"),
        ("missing commit_id", with("commit_id", None), "review [1] of the review list: missing field `commit_id`"),
        ("missing state", with("state", None), "review [1] of the review list: missing field `state`"),
        (
            "missing submitted_at",
            with("submitted_at", None),
            "review [1] of the review list: a submitted review has no",
        ),
        ("unknown state", with("state", Some(json!("APPROVED_ISH"))), "review [1] of the review list: unknown variant"),
        ("state of the wrong type", with("state", Some(json!(1))), "review [1] of the review list: invalid type"),
        ("user id as a string", with("user", Some(json!({"login": "ann", "id": "1"}))), "review [1]"),
        ("user id negative", with("user", Some(json!({"login": "ann", "id": -1}))), "review [1]"),
        ("user without login", with("user", Some(json!({"id": 1}))), "missing field `login`"),
        ("user as a string", with("user", Some(json!("ann"))), "`user` is a string"),
        ("commit_id as a number", with("commit_id", Some(json!(7))), "review [1]"),
        ("submitted_at as a number", with("submitted_at", Some(json!(7))), "review [1]"),
        ("submitted_at not a time", with("submitted_at", Some(json!("yesterday"))), "is not a timestamp"),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, input, expected)| match approvers(input, HEAD) {
            Err(e) if e.to_string().contains(expected) => None,
            other => Some(format!("{name}: expected an error containing {expected:?}, got {other:?}")),
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn head_must_be_a_full_commit_id() {
    let input = serde_json::to_vec(&json!([review(1, "ann", "APPROVED", HEAD, 1)])).unwrap();
    for head in ["", "HEAD", "main", &HEAD[..7], &format!("{HEAD}0"), "g".repeat(40).as_str()] {
        assert_eq!(approvers(&input, head), Err(ReviewsError::Head(head.to_owned())), "{head:?}");
    }
}

#[test]
fn a_null_commit_never_approves() {
    let input = with("commit_id", Some(Value::Null));
    assert_eq!(approvers(&input, HEAD), Ok(vec![account("bob", 2)]));
}

const STATES: [&str; 5] = ["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"];

/// One generated review: account (`None`: deleted), login variant, state,
/// whether it is on the head, minute submitted (few, so ties happen).
type Step = (Option<u64>, u8, usize, bool, u32);

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        (prop::option::weighted(0.9, 1u64..5), 0u8..3, 0..STATES.len(), any::<bool>(), 0u32..6),
        0..24,
    )
}

fn login(id: u64, variant: u8) -> String {
    format!("user{id}-v{variant}")
}

fn to_review(&(user, variant, state, on_head, minute): &Step) -> Value {
    let mut r = review(user.unwrap_or(0), &login(user.unwrap_or(0), variant), STATES[state], OLD, minute);
    if on_head {
        r["commit_id"] = json!(HEAD);
    }
    if user.is_none() {
        r["user"] = Value::Null;
    }
    if STATES[state] == "PENDING" {
        r.as_object_mut().unwrap().remove("submitted_at");
    }
    r
}

/// The specification, written naively: for each account, the latest (by
/// minute, then position) review that is neither a comment nor pending
/// decides; the latest non-pending review names the login.
fn model(steps: &[Step]) -> Vec<Account> {
    let latest = |id: u64, counts: &dyn Fn(&str) -> bool| {
        steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.0 == Some(id) && counts(STATES[s.2]))
            .max_by_key(|(i, s)| (s.4, *i))
            .map(|(_, s)| *s)
    };
    let mut approvers: Vec<Account> = (1..5)
        .filter_map(|id| {
            let verdict = latest(id, &|state| !matches!(state, "COMMENTED" | "PENDING"))?;
            let named = latest(id, &|state| state != "PENDING")?;
            (STATES[verdict.2] == "APPROVED" && verdict.3).then(|| account(&login(id, named.1), id))
        })
        .collect();
    approvers.sort_by(|a, b| a.login.cmp(&b.login));
    approvers
}

/// The reviews as one array, or cut into pages as `gh api --slurp` writes them.
fn encode(reviews: Vec<Value>, page_size: Option<usize>) -> Vec<u8> {
    let value = match page_size {
        None => Value::Array(reviews),
        Some(size) => Value::Array(reviews.chunks(size).map(|page| Value::Array(page.to_vec())).collect()),
    };
    serde_json::to_vec(&value).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn result_equals_the_model(steps in steps(), page_size in prop::option::of(1usize..6)) {
        let input = encode(steps.iter().map(to_review).collect(), page_size);
        prop_assert_eq!(approvers(&input, HEAD), Ok(model(&steps)));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let result = approvers(&bytes, HEAD);
        prop_assert!(result.is_err() || bytes.trim_ascii().starts_with(b"["), "{result:?}");
    }

    #[test]
    fn damaged_review_lists_never_panic(steps in steps(), cut in any::<prop::sample::Index>(), byte: u8) {
        let mut input = encode(steps.iter().map(to_review).collect(), Some(3));
        let at = cut.index(input.len());
        input[at] = byte;
        let result = approvers(&input, HEAD);
        input.truncate(at);
        let truncated = approvers(&input, HEAD);
        prop_assert!(truncated.is_err(), "a truncated list was accepted: {truncated:?} (and damaged: {result:?})");
    }
}
