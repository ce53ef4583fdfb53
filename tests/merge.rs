//! `rollcall merge` and the lifecycle commands on real repositories: every
//! approval rule, every transition legal and illegal, the race between two
//! merges, signed events, and a merge killed at any point.

use crate::common;

use crate::common::{AS_OF, Ledger, Outcome, canonical, desk, individual, merge, propose, sponsor, tip};
use git2::Oid;
use rollcall::change::event::{Event, Kind, Role};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;

fn propose_bytes(ledger: &Ledger, path: &str, bytes: &[u8]) -> String {
    common::commit_with_file(&ledger.repo(), tip(ledger), path, bytes).to_string()
}

fn event_at(ledger: &Ledger, commit: Oid) -> Event {
    let repo = ledger.repo();
    let commit = repo.find_commit(commit).expect("commit");
    Event::parse(commit.message().expect("utf-8")).expect("a ledger event")
}

/// The paths one commit changed against its single parent.
/// The files an event changed, but for the split index (`index/`), which
/// every event updates and `verify` checks on its own.
fn changed_paths(ledger: &Ledger, commit: Oid) -> Vec<String> {
    let repo = ledger.repo();
    let commit = repo.find_commit(commit).expect("commit");
    assert_eq!(commit.parent_count(), 1, "an event has exactly one parent");
    let old = commit.parent(0).unwrap().tree().unwrap();
    let diff = repo.diff_tree_to_tree(Some(&old), Some(&commit.tree().unwrap()), None).unwrap();
    let paths = diff.deltas().map(|d| d.new_file().path().unwrap().to_string_lossy().into_owned());
    paths.filter(|p| !p.starts_with("index/")).collect()
}

fn file_at(ledger: &Ledger, rev: Oid, path: &str) -> Value {
    let repo = ledger.repo();
    let tree = repo.find_commit(rev).unwrap().tree().unwrap();
    let blob = repo.find_blob(tree.get_path(Path::new(path)).unwrap().id()).unwrap();
    serde_saphyr::from_slice(blob.content()).unwrap()
}

fn all_paths(ledger: &Ledger, rev: Oid) -> BTreeSet<String> {
    let repo = ledger.repo();
    let tree = repo.find_commit(rev).unwrap().tree().unwrap();
    let mut paths = BTreeSet::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        // The split index files members by their fields: one may go when
        // its last member changes tier, say; the members never do.
        let path = format!("{dir}{}", entry.name().unwrap());
        if !path.starts_with("index") {
            paths.insert(path);
        }
        git2::TreeWalkResult::Ok
    })
    .unwrap();
    paths
}

/// The branch validates clean as git objects.
#[track_caller]
fn assert_valid(ledger: &Ledger) {
    ledger.validate(&["--rev", "main"]).assert_clean();
}

const TWO: &[&str] = &["--approved-by", "lena-hart,kofi-mensah"];

#[test]
fn an_approved_application_becomes_one_ledger_event() {
    let ledger = desk();
    let before = tip(&ledger);
    let head = propose(&ledger, &individual("new-person", 93_000_001));
    let out = merge(&ledger, &head, ("new-person", 93_000_001), &[TWO, &["--pull-request", "42"]].concat());
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let after = tip(&ledger);
    assert_eq!(ledger.repo().find_commit(after).unwrap().parent_id(0).unwrap(), before);
    assert_eq!(changed_paths(&ledger, after), ["members/ne/new-person.yaml"]);
    let event = event_at(&ledger, after);
    assert_eq!(event.kind, Kind::Admit);
    assert_eq!(event.member, "new-person");
    assert_eq!(event.member_number, Some(11), "the shipped roll's highest number is 10");
    assert_eq!(event.pull_request, Some(42));
    assert_eq!(event.pull_request_head.unwrap().to_string(), head);
    assert_eq!(event.previous, Some(before), "the first event on this branch links to the genesis");
    let logins: Vec<&str> = event.approvals.iter().map(|a| a.login.as_str()).collect();
    assert_eq!(logins, ["lena-hart", "kofi-mensah"]);
    let file = file_at(&ledger, after, "members/ne/new-person.yaml");
    assert_eq!(file["status"], "active");
    assert_eq!(file["member_number"], 11);
    assert_eq!(file["admitted"], AS_OF);
    assert_eq!(file["expires"], "2027-11-22", "one term of 12 months");
    assert_eq!(
        file["approvals"][1],
        json!({"github": "kofi-mensah", "github_id": 91000012, "date": AS_OF, "role": "committee"})
    );
    assert_valid(&ledger);
    // The event moved the branch, never the work tree.
    assert!(!ledger.path().join("members/ne/new-person.yaml").exists());

    // The next event links to this one and takes the next number.
    let second = propose(&ledger, &individual("second-person", 93_000_002));
    assert_eq!(merge(&ledger, &second, ("second-person", 93_000_002), TWO).code, 0);
    let event = event_at(&ledger, tip(&ledger));
    assert_eq!((event.member_number, event.previous), (Some(12), Some(after)));
}

struct Case {
    rule: &'static str,
    /// Proposed by its applicant (see [`applicant`]).
    application: Value,
    args: Vec<&'static str>,
    line_of: &'static str,
}

/// Who applies with `application`: the person, or the organization's
/// representative.
fn applicant(application: &Value) -> (&str, u64) {
    let holder = application.get("representative").unwrap_or(application);
    (holder["github"].as_str().unwrap(), holder["github_id"].as_u64().unwrap())
}

fn in_kind_application() -> Value {
    let mut v = sponsor("kindly", "silver", "kindly-rep", 93_000_020);
    v["sponsorship"] = json!({"contribution": "in-kind", "details": "Build servers and bandwidth for the mirrors."});
    v
}

/// One approval rule broken per case.
fn approval_cases() -> Vec<Case> {
    let silver_in_kind = in_kind_application();
    vec![
        Case {
            rule: "approval.not-self",
            application: individual("lena-hart", 91_000_011),
            args: vec!["--approved-by", "lena-hart,kofi-mensah,sara-lindgren"],
            line_of: "github_id:",
        },
        Case {
            rule: "approval.authorised",
            application: individual("new-person", 93_000_001),
            args: vec!["--approved-by", "lena-hart,mallory"],
            line_of: "id:",
        },
        Case {
            rule: "approval.count",
            application: individual("new-person", 93_000_001),
            args: vec!["--approved-by", "lena-hart,LENA-HART"],
            line_of: "tier:",
        },
        Case {
            // rowan-vale sits on the committee and is northwind's director.
            rule: "approval.not-same-organization",
            application: {
                let mut v = sponsor("northwind-mirror", "mirror", "nw-opensource", 92_000_011);
                v["organization"] = json!("northwind");
                v.as_object_mut().unwrap().remove("sponsorship");
                v["mirror"] = json!({"hostname": "mirror.northwind.example.com", "definition": "https://mirrors.example.org/northwind"});
                v
            },
            args: vec!["--approved-by", "rowan-vale,lena-hart"],
            line_of: "organization:",
        },
        Case {
            rule: "approval.payment",
            application: sponsor("acme", "ruby", "acme-rep", 93_000_010),
            args: TWO.to_vec(),
            line_of: "tier:",
        },
        Case {
            rule: "approval.payment",
            application: sponsor("acme", "ruby", "acme-rep", 93_000_010),
            args: [TWO, &["--payment-usd", "100", "--payment-reference", "INV-1"]].concat(),
            line_of: "tier:",
        },
        Case {
            rule: "approval.in-kind-board",
            application: silver_in_kind.clone(),
            args: [TWO, &["--payment-usd", "0", "--payment-reference", "IN-KIND-1"]].concat(),
            line_of: "  contribution:",
        },
    ]
}

/// One approval rule broken per case; each refused with its rule at the
/// member file's line, and the branch left where it was.
#[test]
fn every_approval_rule_refuses_its_case() {
    let cases = approval_cases();
    let silver_in_kind = in_kind_application();
    for case in &cases {
        let ledger = desk();
        let before = tip(&ledger);
        let head = propose(&ledger, &case.application);
        let out = merge(&ledger, &head, applicant(&case.application), &case.args);
        let file = rollcall::roll::layout::member_path(case.application["id"].as_str().unwrap());
        let text = canonical(&case.application);
        let line = text.lines().position(|l| l.starts_with(case.line_of)).unwrap() as u32 + 1;
        assert_eq!(out.code, 1, "{}: {}", case.rule, out.stdout);
        out.expect(case.rule, &file, line);
        assert_eq!(tip(&ledger), before, "{}: a refusal moves nothing", case.rule);
    }
    // With a director's approval the in-kind sponsorship is admitted, the
    // director recorded in the board's role.
    let ledger = desk();
    let head = propose(&ledger, &silver_in_kind);
    let args = [
        "--approved-by",
        "lena-hart,kofi-mensah,imani-okafor",
        "--payment-usd",
        "0",
        "--payment-reference",
        "IN-KIND-1",
    ];
    let out = merge(&ledger, &head, applicant(&silver_in_kind), &args);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let event = event_at(&ledger, tip(&ledger));
    assert_eq!(
        event.approvals.iter().map(|a| a.role).collect::<Vec<_>>(),
        [Role::Committee, Role::Committee, Role::Board]
    );
    let file = file_at(&ledger, tip(&ledger), "members/ki/kindly.yaml");
    assert_eq!(
        file["payments"][0],
        json!({"date": AS_OF, "amount_usd": 0, "kind": "in-kind", "reference": "IN-KIND-1"})
    );
    assert_valid(&ledger);
}

#[test]
fn a_sponsor_admitted_with_its_payment_and_a_refused_pull_request_is_not_merged() {
    let ledger = desk();
    let head = propose(&ledger, &sponsor("acme", "ruby", "acme-rep", 93_000_010));
    let args = [TWO, &["--payment-usd", "5000", "--payment-reference", "INV-2026-17"]].concat();
    assert_eq!(merge(&ledger, &head, ("acme-rep", 93_000_010), &args).code, 0);
    assert_valid(&ledger);
    // check-pr's verdict stands: a stranger's pull request is refused whatever the approvals.
    let before = tip(&ledger);
    let head = propose(&ledger, &individual("someone", 93_000_003));
    let out = merge(&ledger, &head, ("mallory", 66), TWO);
    assert_eq!(out.code, 1);
    assert!(!out.of("pr.author").is_empty(), "{}", out.stdout);
    assert_eq!(tip(&ledger), before);
    // A maintenance change is not recorded as an event.
    let head = propose_bytes(&ledger, "README.md", b"hello\n");
    let out = merge(&ledger, &head, ("ines-moreau", 91_000_031), TWO);
    assert_eq!(out.code, 1);
    out.expect("merge.member-change", "README.md", 1);
}

/// `rollcall EVENT MEMBER ARGS…` with a JSON report.
fn event(ledger: &Ledger, command: &str, member: &str, extra: &[&str]) -> Outcome {
    let mut args = vec![command, "--format", "json", "--date", AS_OF];
    if !member.is_empty() {
        args.push(member);
    }
    args.extend_from_slice(extra);
    ledger.run(&args)
}

const BOARD: &[&str] = &["--approved-by", "rowan-vale,imani-okafor"];
const TERMINATE: &[&str] = &["--reason", "Repeated breaches of the code of conduct.", "--notice-date", "2026-11-01"];

/// (command, member, arguments, the fields it must leave behind)
type Transition<'a> = (&'a str, &'a str, Vec<&'a str>, Vec<(&'a str, Value)>);

#[test]
fn every_legal_transition_is_one_event_and_deletes_nothing() {
    let terminate: Vec<&str> = [BOARD, TERMINATE].concat();
    let cases: Vec<Transition> = vec![
        (
            "renew",
            "ada-quill",
            vec!["--approved-by", "lena-hart"],
            vec![("/status", json!("active")), ("/expires", json!("2028-02-10"))],
        ),
        (
            "renew",
            "rubycore",
            vec!["--payment-usd", "5000", "--payment-reference", "INV-9"],
            vec![("/expires", json!("2028-06-01")), ("/payments/1/reference", json!("INV-9"))],
        ),
        ("resign", "ada-quill", vec![], vec![("/status", json!("resigned")), ("/ended", json!(AS_OF))]),
        (
            "terminate",
            "ada-quill",
            terminate,
            vec![
                ("/status", json!("terminated")),
                ("/termination/decided", json!(AS_OF)),
                ("/termination/notice_date", json!("2026-11-01")),
            ],
        ),
        (
            "readmit",
            "bjorn-ek",
            TWO.to_vec(),
            vec![
                ("/status", json!("active")),
                ("/member_number", json!(2)),
                ("/admitted", json!(AS_OF)),
                ("/expires", json!("2027-11-22")),
            ],
        ),
        ("readmit", "chidi-obi", TWO.to_vec(), vec![("/status", json!("active")), ("/member_number", json!(3))]),
        (
            "change-tier",
            "rubycore",
            // To silver, whose terms rubycore's 5,000 USD in cash meets (a tier
            // whose fee it does not meet needs the new terms in a pull request).
            [&["--tier", "silver"], TWO, &["--payment-usd", "2500", "--payment-reference", "INV-10"]].concat(),
            vec![("/tier", json!("silver")), ("/expires", json!("2027-06-01"))],
        ),
    ];
    for (command, member, args, checks) in cases {
        let ledger = desk();
        let before = tip(&ledger);
        let out = event(&ledger, command, member, &args);
        assert_eq!(out.code, 0, "{command} {member}: {}{}", out.stdout, out.stderr);
        let after = tip(&ledger);
        let file = rollcall::roll::layout::member_path(member);
        assert_eq!(changed_paths(&ledger, after), std::slice::from_ref(&file), "{command}");
        assert!(all_paths(&ledger, before).is_subset(&all_paths(&ledger, after)), "{command}: nothing deleted");
        let event = event_at(&ledger, after);
        assert_eq!((event.kind.as_str(), event.member.as_str()), (command, member));
        let value = file_at(&ledger, after, &file);
        for (pointer, expected) in checks {
            assert_eq!(value.pointer(pointer), Some(&expected), "{command} {member} {pointer}");
        }
        assert_valid(&ledger);
    }
}

/// (command, member, arguments, the rule that refuses it, words of its
/// reason, the start of the member file's line it points at: "" for line 1)
type Illegal = (&'static str, &'static str, Vec<&'static str>, &'static str, &'static str, &'static str);

fn illegal_cases() -> Vec<Illegal> {
    let renew = || vec!["--approved-by", "lena-hart"];
    vec![
        ("readmit", "dmitri-falk", TWO.to_vec(), "lifecycle.transition", "terminated", "status:"),
        ("readmit", "ada-quill", TWO.to_vec(), "lifecycle.transition", "lapsed or resigned", "status:"),
        ("resign", "bjorn-ek", vec![], "lifecycle.transition", "status lapsed", "status:"),
        ("renew", "chidi-obi", renew(), "lifecycle.transition", "active or lapsed", "status:"),
        ("terminate", "chidi-obi", [BOARD, TERMINATE].concat(), "lifecycle.transition", "status resigned", "status:"),
        ("change-tier", "bjorn-ek", vec!["--tier", "mirror"], "lifecycle.transition", "status lapsed", "status:"),
        ("renew", "eliza-park", renew(), "lifecycle.transition", "admitted first", "status:"),
        // Lapsed for more than a term: a renewal from the old expiry has passed.
        ("renew", "bjorn-ek", renew(), "lifecycle.stamp", "readmit", ""),
        (
            "terminate",
            "ada-quill",
            [&["--approved-by", "rowan-vale"], TERMINATE].concat(),
            "approval.board-decision",
            "majority",
            "status:",
        ),
        (
            "terminate",
            "ada-quill",
            [BOARD, &["--reason", "Breaches.", "--notice-date", "2026-12-01"]].concat(),
            "lifecycle.stamp",
            "after the decision",
            "",
        ),
        ("renew", "ada-quill", vec![], "approval.count", "needs 1", "tier:"),
        ("renew", "silverline", vec![], "approval.payment", "recorded payment", "tier:"),
        (
            "change-tier",
            "ada-quill",
            vec!["--tier", "gold", "--approved-by", "lena-hart,kofi-mensah", "--payment-usd", "20000"]
                .into_iter()
                .chain(["--payment-reference", "INV-11"])
                .collect(),
            "tier.holder-kind",
            "",
            "tier:",
        ),
        ("resign", "nobody-here", vec![], "lifecycle.unknown-member", "no member", ""),
        (
            "change-tier",
            "rubycore",
            vec!["--tier", "gold", "--approved-by", "lena-hart,kofi-mensah", "--payment-usd", "5000"]
                .into_iter()
                .chain(["--payment-reference", "INV-12"])
                .collect(),
            "approval.payment",
            "gold",
            "tier:",
        ),
    ]
}

#[test]
fn every_illegal_transition_is_refused_with_the_reason() {
    let ledger = desk();
    let before = tip(&ledger);
    let cases = illegal_cases();
    for (command, member, args, rule, reason, line_of) in cases {
        let out = event(&ledger, command, member, &args);
        assert_eq!(out.code, 1, "{command} {member}: {}{}", out.stdout, out.stderr);
        let file = rollcall::roll::layout::member_path(member);
        let text = std::fs::read_to_string(ledger.path().join(&file)).unwrap_or_default();
        let at = text.lines().position(|l| !line_of.is_empty() && l.starts_with(line_of));
        let found = out.expect(rule, &file, at.map_or(1, |i| i as u32 + 1));
        assert!(found.message.contains(reason), "{command} {member}: {}", found.message);
        assert_eq!(tip(&ledger), before, "{command} {member}: a refusal moves nothing");
    }
    // An update of an application still on the branch is not an event either.
    let mut eliza: Value = file_at(&ledger, before, "members/el/eliza-park.yaml");
    eliza["name"] = json!("Eliza Park-Lee");
    let head = propose(&ledger, &eliza);
    let account = eliza["github_id"].as_u64().unwrap();
    let out = merge(&ledger, &head, ("eliza-park", account), TWO);
    assert_eq!(out.rules(), ["lifecycle.transition"], "{}", out.stdout);
}

#[test]
fn expire_lapses_each_overdue_membership_in_its_own_event() {
    // The demonstration roll with ada-quill's and bluefin-labs' terms one
    // year earlier, so that they are overdue today (an expiry is never in
    // the future: see `future_dates_are_refused_and_nothing_moves`).
    let ledger = Ledger::shipped();
    for (file, year) in [("members/ad/ada-quill.yaml", "-02-10"), ("members/bl/bluefin-labs.yaml", "-01-15")] {
        let path = ledger.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text.replace(&format!("2026{year}"), &format!("2025{year}"));
        std::fs::write(&path, text.replace(&format!("2027{year}"), &format!("2026{year}"))).unwrap();
    }
    let mut options = git2::RepositoryInitOptions::new();
    options.initial_head("main");
    git2::Repository::init_opts(ledger.path(), &options).unwrap();
    assert_eq!(ledger.run(&["index"]).code, 0);
    ledger.commit("the demonstration roll, two terms overdue");
    let before = tip(&ledger);
    let out = ledger.run(&["expire", "--format", "json", "--as-of", AS_OF]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    // ada-quill (2026-02-10) and bluefin-labs (2026-01-15) ran out; fenwick (2027-04-20) did not.
    let repo = ledger.repo();
    let mut walk = repo.revwalk().unwrap();
    walk.push(tip(&ledger)).unwrap();
    walk.hide(before).unwrap();
    let mut lapsed: Vec<String> = walk.map(|c| event_at(&ledger, c.unwrap()).member).collect();
    lapsed.sort();
    assert_eq!(lapsed, ["ada-quill", "bluefin-labs"]);
    let ada = file_at(&ledger, tip(&ledger), "members/ad/ada-quill.yaml");
    assert_eq!((ada["status"].as_str(), ada["ended"].as_str()), (Some("lapsed"), Some("2026-02-10")));
    // bluefin-labs sponsored a director's seat: recorded, and the board told
    // to act, by a warning in the event and in validate alike.
    let warned = out.of("board.sponsor-active");
    assert_eq!(warned.len(), 1, "{}", out.stdout);
    assert_eq!(warned[0].severity, "warning");
    let validated = ledger.validate(&["--rev", "main"]);
    assert_eq!(validated.code, 0, "{}", validated.summary());
    assert_eq!(validated.of("board.sponsor-active")[0].severity, "warning");
    // Run again: nothing left to lapse.
    let again = ledger.run(&["expire", "--format", "json", "--as-of", AS_OF]);
    assert_eq!(again.code, 0);
    assert!(again.stdout.contains("\"events\": []"), "{}", again.stdout);
}

#[test]
fn a_renamed_login_is_recorded_under_its_account_and_numbers_follow_the_index_overlay() {
    // Ten admissions in a row: the index stays as committed and every
    // event finds the numbers taken since through the overlay.
    let ledger = desk();
    for i in 0..10u64 {
        let id = format!("person-{i}");
        let head = propose(&ledger, &individual(&id, 94_000_000 + i));
        let out = merge(&ledger, &head, (&id, 94_000_000 + i), TWO);
        assert_eq!(out.code, 0, "{}", out.stdout);
        assert_eq!(event_at(&ledger, tip(&ledger)).member_number, Some(11 + i));
    }
    assert_valid(&ledger);
    // A second application by an account already in the roll is refused.
    let head = propose(&ledger, &individual("person-x", 94_000_003));
    let out = merge(&ledger, &head, ("person-x", 94_000_003), TWO);
    assert_eq!(out.code, 1);
    assert!(!out.of("identity.unique-github-id").is_empty(), "{}", out.stdout);
}

#[test]
fn the_policy_can_require_signed_events() {
    let ledger = desk();
    ledger.edit_policy(|p| p + "\nsigned_events: true\n");
    let public = common::repo_root().join("tests/fixtures/event-signing-key.pub");
    let public = std::fs::read_to_string(public).unwrap();
    ledger.write("schema/allowed_signers", format!("merger@example.org namespaces=\"git\" {public}"));
    ledger.commit("require signed events");
    let head = propose(&ledger, &individual("new-person", 93_000_001));
    let out = merge(&ledger, &head, ("new-person", 93_000_001), TWO);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--sign"), "{}", out.stderr);
    let key = common::repo_root().join("tests/fixtures/event-signing-key");
    let out = merge(&ledger, &head, ("new-person", 93_000_001), &[TWO, &["--sign", key.to_str().unwrap()]].concat());
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}

#[test]
fn a_signed_event_verifies_with_the_public_key() {
    let ledger = desk();
    let key = common::repo_root().join("tests/fixtures/event-signing-key");
    let head = propose(&ledger, &individual("new-person", 93_000_001));
    let out = merge(&ledger, &head, ("new-person", 93_000_001), &[TWO, &["--sign", key.to_str().unwrap()]].concat());
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let repo = ledger.repo();
    let (signature, signed) = repo.extract_signature(&tip(&ledger), None).expect("a signature");
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    let public = ssh_key::PublicKey::from_openssh(&public).unwrap();
    let signature = ssh_key::SshSig::from_pem(&*signature).unwrap();
    public.verify("git", &signed, &signature).expect("the event's signature verifies");
    // A changed byte of the commit does not.
    let mut forged = signed.to_vec();
    forged[0] ^= 1;
    assert!(public.verify("git", &forged, &signature).is_err());
    // And git itself accepts it, given an allowed-signers file naming the key.
    let allowed = ledger.path().join(".git/allowed_signers");
    std::fs::write(&allowed, format!("rollcall@example.org {}", public.to_openssh().unwrap())).unwrap();
    let verified = std::process::Command::new("git")
        .current_dir(ledger.path())
        .args(["-c", "gpg.format=ssh", "-c"])
        .arg(format!("gpg.ssh.allowedSignersFile={}", allowed.display()))
        .args(["verify-commit", "main"])
        .output()
        .expect("git (and ssh-keygen) are needed to verify signatures");
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stderr));
}

/// Two processes merge at once, 100 times: each round ends with two events
/// in some order (distinct applications) and the roll valid, every number
/// unique.
#[test]
fn racing_merges_give_two_events_or_one_refusal_never_a_lost_event() {
    let ledger = desk();
    let mut expected = 10;
    for round in 0..100u64 {
        let a = (format!("racer-a{round}"), 95_000_000 + 2 * round);
        let b = (format!("racer-b{round}"), 95_000_001 + 2 * round);
        let heads = [propose(&ledger, &individual(&a.0, a.1)), propose(&ledger, &individual(&b.0, b.1))];
        // Every fifth round, both merge the same application: one event, one refusal.
        let same = round % 5 == 0;
        let results: Vec<Outcome> = std::thread::scope(|scope| {
            let runs: Vec<_> = [&a, &b]
                .iter()
                .enumerate()
                .map(|(i, who)| {
                    let (head, who) = if same { (&heads[0], &a) } else { (&heads[i], *who) };
                    let ledger = &ledger;
                    scope.spawn(move || merge(ledger, head, (&who.0, who.1), TWO))
                })
                .collect();
            runs.into_iter().map(|r| r.join().unwrap()).collect()
        });
        let merged = results.iter().filter(|r| r.code == 0).count();
        for r in &results {
            assert!(r.code == 0 || r.code == 1, "round {round}: {}{}", r.stdout, r.stderr);
        }
        assert_eq!(merged, if same { 1 } else { 2 }, "round {round}");
        expected += merged as u64;
        assert_eq!(event_at(&ledger, tip(&ledger)).member_number, Some(expected), "round {round}");
    }
    let validated = ledger.validate(&["--rev", "main"]);
    validated.assert_clean();
    // Every number from 1 to the last is taken exactly once.
    let repo = ledger.repo();
    let mut numbers = Vec::new();
    let tree = repo.find_commit(tip(&ledger)).unwrap().tree().unwrap();
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        if dir.starts_with("members/") && entry.kind() == Some(git2::ObjectType::Blob) {
            let value: Value = serde_saphyr::from_slice(repo.find_blob(entry.id()).unwrap().content()).unwrap();
            numbers.extend(value["member_number"].as_u64());
        }
        git2::TreeWalkResult::Ok
    })
    .unwrap();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=expected).collect::<Vec<_>>());
}

/// Every rule of ledger events has a failing case above: in the approval
/// table, the illegal-transition table, or (for `merge.member-change`) the
/// maintenance pull request refused in the sponsor test.
#[test]
fn every_event_rule_has_a_failing_case() {
    let mut covered: Vec<&str> = approval_cases().iter().map(|c| c.rule).collect();
    covered.extend(illegal_cases().iter().map(|c| c.3));
    covered.push("merge.member-change");
    covered.push("merge.already-merged"); // tests/edges.rs
    // tests/amend.rs: an amendment's approvals, scope and base.
    covered.extend(["amend.approvals", "amend.scope", "amend.base"]);
    let missing: Vec<&str> = rollcall::roll::rules::RULES
        .iter()
        .filter(|r| matches!(r.check, rollcall::roll::rules::Check::Event))
        .map(|r| r.name)
        .filter(|name| !covered.contains(name))
        .collect();
    assert!(missing.is_empty(), "event rules without a failing case: {missing:?}");
}

/// Approvers read from GitHub's review list: only the latest review of
/// each account counts, and only if it approves the head being merged.
#[test]
fn reviews_approving_an_older_commit_do_not_count() {
    let ledger = desk();
    let head = propose(&ledger, &individual("new-person", 93_000_001));
    let review = |id: u64, login: &str, user: u64, state: &str, commit: &str| {
        json!({"id": id, "user": {"login": login, "id": user}, "state": state, "commit_id": commit,
               "submitted_at": format!("2026-11-2{id}T10:00:00Z")})
    };
    let old = "1".repeat(40);
    let write = |reviews: Value| {
        let path = ledger.path().join(".git/reviews.json");
        std::fs::write(&path, reviews.to_string()).unwrap();
        path
    };
    // kofi-mensah approved an earlier push only: one approval counts.
    let stale = write(json!([
        review(1, "kofi-mensah", 91_000_012, "APPROVED", &old),
        review(2, "lena-hart", 91_000_011, "APPROVED", &head),
    ]));
    let out = merge(&ledger, &head, ("new-person", 93_000_001), &["--reviews", stale.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(out.rules(), ["approval.count"]);
    // Approving the current head, under a renamed login: the account id decides.
    let current = write(json!([
        review(1, "kofi-mensah", 91_000_012, "APPROVED", &old),
        review(2, "lena-hart", 91_000_011, "APPROVED", &head),
        review(3, "kofi-renamed", 91_000_012, "APPROVED", &head),
    ]));
    let out = merge(&ledger, &head, ("new-person", 93_000_001), &["--reviews", current.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let logins: Vec<String> = event_at(&ledger, tip(&ledger)).approvals.into_iter().map(|a| a.login).collect();
    assert_eq!(logins, ["kofi-mensah", "lena-hart"], "recorded under the policy's login for the account");
}

/// What each event writes to the split index (the few files its member is
/// filed in, never a re-read of the roll) leaves exactly the index
/// `rollcall index` builds from the roll.
#[test]
fn every_event_keeps_the_index_the_index_of_the_roll() {
    let ledger = desk();
    for i in 0..3u64 {
        let id = format!("person-{i}");
        let head = propose(&ledger, &individual(&id, 94_000_000 + i));
        assert_eq!(merge(&ledger, &head, (&id, 94_000_000 + i), TWO).code, 0);
    }
    let repo = ledger.repo();
    let tree = repo.find_commit(tip(&ledger)).unwrap().tree().unwrap();
    let found =
        rollcall::roll::neighbours::find(&repo, &tree, "", &rollcall::roll::neighbours::Wanted::default()).unwrap();
    assert_eq!(found.max_number, 13);
    assert!(rollcall::roll::sharded::current(&repo, &tree).is_some(), "the index describes the roll at the tip");
    let source = rollcall::roll::source::Source::Git { repo: repo.path().to_path_buf(), tree: tree.id() };
    let built = rollcall::roll::sharded::build(&source).unwrap();
    assert_eq!(rollcall::roll::sharded::first_difference(&repo, &tree, &built).unwrap(), None);
}
