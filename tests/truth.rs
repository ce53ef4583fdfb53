//! Issue 11, "whatever is accepted must verify": on real repositories with
//! the real binary, what `check-pr`, `merge` and the lifecycle commands
//! accept is what `verify` accepts once it lands, with the same rule at the
//! same severity; what they refuse moves nothing.

use crate::common;

use crate::common::{AS_OF, Ledger, Outcome, desk, fixture, individual, merge, propose, sponsor, tip, verify};
use rollcall::change::event::{Event, Role};
use serde_json::{Value, json};

const TWO: &str = "lena-hart,kofi-mensah";
const KEY: &str = "tests/fixtures/event-signing-key";
const OTHER_KEY: &str = "tests/fixtures/other-signing-key";

/// The one finding of `rule` at `file:line`, with its severity.
#[track_caller]
fn severity_of(out: &Outcome, rule: &str, file: &str, line: u32) -> String {
    out.expect(rule, file, line).severity.clone()
}

/// A refusal: exit 1, the finding, and the branch where it was.
#[track_caller]
fn assert_refused(ledger: &Ledger, out: &Outcome, before: git2::Oid, rule: &str, file: &str, line: u32) {
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert_eq!(severity_of(out, rule, file, line), "error");
    assert_eq!(tip(ledger), before, "a refused event moves nothing");
    assert!(ledger.repo().statuses(None).unwrap().is_empty(), "a refused event writes no file");
}

/// Item 2: an event signed with a key the allowed-signers file does not
/// hold is refused before the branch moves, with verify's own finding.
#[test]
fn an_event_signed_by_a_key_not_allowed_is_refused_before_it_lands() {
    let ledger = common::desk_with(|ledger| {
        ledger.edit_policy(|p| p + "\nsigned_events: true\n");
        let public = std::fs::read_to_string(fixture(&format!("{KEY}.pub"))).unwrap();
        ledger.write("schema/allowed_signers", format!("merger@example.org namespaces=\"git\" {public}"));
    });
    let before = tip(&ledger);
    let head = propose(&ledger, &individual("new-person", 93_000_001));
    let wrong = ["--approved-by", TWO, "--sign", &fixture(OTHER_KEY)];
    let out = merge(&ledger, &head, ("new-person", 93_000_001), &wrong);
    assert_refused(&ledger, &out, before, "history.signature", "members/ne/new-person.yaml", 1);
    // A lifecycle command goes through the same gate.
    let out = ledger.run(&["renew", "ada-quill", "--format", "json", "--date", AS_OF, "--approved-by", "lena-hart"]);
    assert_eq!(out.code, 2, "unsigned: cannot run");
    let renew = ["renew", "ada-quill", "--format", "json", "--date", AS_OF, "--approved-by", "lena-hart"];
    let out = ledger.run(&[&renew[..], &["--sign", &fixture(OTHER_KEY)]].concat());
    assert_refused(&ledger, &out, before, "history.signature", "members/ad/ada-quill.yaml", 1);
    // With the allowed key, both land, and verify accepts them.
    let right = ["--approved-by", TWO, "--sign", &fixture(KEY)];
    assert_eq!(merge(&ledger, &head, ("new-person", 93_000_001), &right).code, 0);
    assert_eq!(ledger.run(&[&renew[..], &["--sign", &fixture(KEY)]].concat()).code, 0);
    verify(&ledger).assert_clean();
}

/// Item 3: a director's sponsoring membership ending is a warning in the
/// event, in validate and in verify alike; the roll stays green.
#[test]
fn a_director_losing_the_sponsor_is_a_warning_in_every_command() {
    let ledger = desk();
    let out = ledger.run(&["resign", "bluefin-labs", "--format", "json", "--date", AS_OF]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let (rule, policy, line) = ("board.sponsor-active", "schema/policy.yaml", 111);
    assert_eq!(severity_of(&out, rule, policy, line), "warning");
    let help = &out.expect(rule, policy, line).help;
    assert!(help.contains("`unseat` amendment") && help.contains("rollcall amend"), "{help}");
    let validated = ledger.validate(&["--rev", "main"]);
    assert_eq!(validated.code, 0, "{}", validated.summary());
    assert_eq!(severity_of(&validated, rule, policy, line), "warning");
    verify(&ledger).assert_clean();
    let registered = rollcall::roll::rules::severity(rule);
    assert_eq!(registered, Some(rollcall::finding::Severity::Warning));
    // The board records the seat's loss: an unseat amendment, and the warning is gone.
    ledger.edit_policy(|p| {
        p.replace(", organization: bluefin-labs}", "}")
            .replace("    - {github: tomasz-wren, github_id: 91000003, name: Tomasz Wren}\n", "")
    });
    let out = common::amend_with(&ledger, AS_OF, common::DIRECTORS, &[]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let validated = ledger.validate(&["--rev", "main"]);
    assert!(validated.of(rule).is_empty(), "{}", validated.summary());
    let log: Value = serde_json::from_str(&ledger.run(&["log", "--format", "json"]).stdout).unwrap();
    assert_eq!(log["events"][0]["kind"], "unseat");
    verify(&ledger).assert_clean();
}

/// Item 3: a policy pull request that leaves the roll invalid under its own
/// rules is refused by check-pr, as validate and verify refuse it.
#[test]
fn a_policy_change_check_pr_passes_is_one_verify_accepts() {
    let ledger = desk();
    let base = tip(&ledger).to_string();
    let author = ["--author", "ines-moreau", "--author-id", "91000031"];
    let check = |head: &str| {
        let args = ["check-pr", "--format", "json", "--as-of", AS_OF, "--base", &base, "--head", head];
        ledger.run(&[&args[..], &author].concat())
    };
    // An even committee: the policy's own committee.size refuses it.
    ledger.edit_policy(|p| p.replace("    - {github: diego-arce, github_id: 91000014, name: Diego Arce}\n", ""));
    let policy = std::fs::read(ledger.path().join("schema/policy.yaml")).unwrap();
    let head = common::commit_with_file(&ledger.repo(), tip(&ledger), "schema/policy.yaml", &policy).to_string();
    let (rule, file, line) = ("committee.size", "schema/policy.yaml", 95);
    let judged = check(&head);
    assert_eq!(judged.code, 1, "{}", judged.stdout);
    assert_eq!(severity_of(&judged, rule, file, line), "error");
    let validated = ledger.validate(&["--rev", &head]);
    assert_eq!(severity_of(&validated, rule, file, line), "error");
    // The amendment that would record it is refused with the same finding.
    let amend = |head: &str| {
        ledger.run(&["amend", "--format", "json", "--date", AS_OF, "--head", head, "--approved-by", common::DIRECTORS])
    };
    let before = tip(&ledger);
    let amended = amend(&head);
    assert_eq!(amended.code, 1, "{}", amended.stdout);
    assert_eq!(severity_of(&amended, rule, file, line), "error");
    assert_eq!(tip(&ledger), before);
    // Landed anyway as maintenance: verify refuses it, an unapproved amendment.
    ledger.repo().reference("refs/heads/main", head.parse().unwrap(), true, "merged anyway").unwrap();
    let verified = verify(&ledger);
    assert_eq!(verified.code, 1);
    assert_eq!(severity_of(&verified, "history.unapproved-amendment", file, 1), "error");
    // A policy change that keeps the roll valid passes, lands as an amendment, and verifies.
    ledger.repo().reference("refs/heads/main", base.parse().unwrap(), true, "back").unwrap();
    let text = String::from_utf8(policy).unwrap();
    let fine = text.replace("    - {github: sara-lindgren, github_id: 91000013, name: Sara Lindgren}\n", "");
    let head = common::commit_with_file(&ledger.repo(), tip(&ledger), "schema/policy.yaml", fine.as_bytes());
    let judged = check(&head.to_string());
    assert_eq!(judged.code, 0, "{}", judged.summary());
    assert_eq!(amend(&head.to_string()).code, 0);
    verify(&ledger).assert_clean();
}

/// Item 4: an event dated after tomorrow (UTC) is refused by merge, every
/// lifecycle command and expire; nothing moves.
#[test]
fn future_dates_are_refused_and_nothing_moves() {
    let ledger = desk();
    let before = tip(&ledger);
    let future = "2999-01-01";
    let out = ledger.run(&["renew", "ada-quill", "--format", "json", "--date", future, "--approved-by", "lena-hart"]);
    assert_refused(&ledger, &out, before, "history.future-date", "members/ad/ada-quill.yaml", 1);
    assert!(out.expect("history.future-date", "members/ad/ada-quill.yaml", 1).help.contains("omit --date"));
    let out = ledger.run(&["expire", "--format", "json", "--as-of", future]);
    assert_refused(&ledger, &out, before, "history.future-date", "", 1);
    let head = propose(&ledger, &individual("new-person", 93_000_001));
    let args = ["merge", "--format", "json", "--date", future, "--head", &head, "--author", "new-person"];
    let out = ledger.run(&[&args[..], &["--author-id", "93000001", "--approved-by", TWO]].concat());
    assert_refused(&ledger, &out, before, "history.future-date", "members/ne/new-person.yaml", 1);
    // Today is fine.
    let out = ledger.run(&["renew", "ada-quill", "--format", "json", "--approved-by", "lena-hart"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    verify(&ledger).assert_clean();
}

fn application_with(tier: &str, sponsorship: Value) -> Value {
    let mut value = sponsor("acme", tier, "acme-rep", 93_000_010);
    value["sponsorship"] = sponsorship;
    value
}

/// Item 5: the tier's terms, at application (validate and check-pr) and
/// at payment (merge), and verify judges them the same way.
#[test]
fn sponsorship_terms_are_enforced_at_application_and_at_payment() {
    let ledger = desk();
    let base = tip(&ledger).to_string();
    let file = "members/ac/acme.yaml";
    let details = "Annual sponsorship of the foundation's build infrastructure.";
    let cases = [
        (
            "gold",
            json!({"contribution": "cash", "amount_usd": 5000, "details": details}),
            14,
            "/sponsorship/amount_usd",
        ),
        ("ruby", json!({"contribution": "in-kind", "details": details}), 13, "/sponsorship/contribution"),
        ("ruby", json!({"contribution": "fte", "fte": 1, "details": details}), 13, "/sponsorship/contribution"),
        ("platinum", json!({"contribution": "fte", "fte": 1, "details": details}), 14, "/sponsorship/fte"),
    ];
    for (tier, sponsorship, line, pointer) in cases {
        let head = propose(&ledger, &application_with(tier, sponsorship.clone()));
        let args = ["check-pr", "--format", "json", "--as-of", AS_OF, "--base", &base, "--head", &head];
        let judged = ledger.run(&[&args[..], &["--author", "acme-rep", "--author-id", "93000010"]].concat());
        assert_eq!(judged.code, 1, "{tier} {sponsorship}: {}", judged.summary());
        let finding = judged.expect("tier.sponsorship-terms", file, line);
        assert_eq!((finding.severity.as_str(), finding.path.as_str()), ("error", pointer), "{tier} {sponsorship}");
        let validated = ledger.validate(&["--rev", &head]);
        assert_eq!(validated.expect("tier.sponsorship-terms", file, line).severity, "error");
    }
    // A gold cash application paid with 1 USD "of fte" is refused.
    let cash = json!({"contribution": "cash", "amount_usd": 20000, "details": details});
    let head = propose(&ledger, &application_with("gold", cash));
    let before = tip(&ledger);
    let paid = |usd: &str, kind: &str| {
        let payment = ["--payment-usd", usd, "--payment-reference", "INV-1", "--payment-kind", kind];
        merge(&ledger, &head, ("acme-rep", 93_000_010), &[&["--approved-by", TWO][..], &payment].concat())
    };
    assert_refused(&ledger, &paid("1", "fte"), before, "approval.payment", file, 4);
    assert_refused(&ledger, &paid("19999", "cash"), before, "approval.payment", file, 4);
    let out = paid("20000", "cash");
    assert_eq!(out.code, 0, "{}", out.summary());
    verify(&ledger).assert_clean();
}

/// Item 6: a director on the membership committee approves an in-kind
/// sponsorship once, for both roles; the event records it so, and verify
/// counts it the same way.
#[test]
fn a_director_on_the_committee_is_the_boards_approval_of_in_kind() {
    let ledger = desk();
    let details = "Build servers and bandwidth for the foundation's mirrors.";
    let value = application_with("silver", json!({"contribution": "in-kind", "details": details}));
    let head = propose(&ledger, &value);
    let payment = ["--payment-usd", "0", "--payment-reference", "AGREEMENT-7"];
    let out = merge(
        &ledger,
        &head,
        ("acme-rep", 93_000_010),
        &[&["--approved-by", "rowan-vale,lena-hart"][..], &payment].concat(),
    );
    assert_eq!(out.code, 0, "{}", out.summary());
    let repo = ledger.repo();
    let event = Event::parse(repo.find_commit(tip(&ledger)).unwrap().message().unwrap()).unwrap();
    let roles: Vec<(&str, Role)> = event.approvals.iter().map(|a| (a.login.as_str(), a.role)).collect();
    assert_eq!(roles, [("rowan-vale", Role::CommitteeAndBoard), ("lena-hart", Role::Committee)]);
    verify(&ledger).assert_clean();
    // Without a second committee member, the one approval is still one.
    let ledger = desk();
    let head = propose(&ledger, &value);
    let before = tip(&ledger);
    let out =
        merge(&ledger, &head, ("acme-rep", 93_000_010), &[&["--approved-by", "rowan-vale"][..], &payment].concat());
    assert_refused(&ledger, &out, before, "approval.count", "members/ac/acme.yaml", 4);
}
