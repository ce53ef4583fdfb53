//! Issue 12, "the rules are governed too": after the genesis, anything
//! under `schema/` changes only by an amendment the directors approve,
//! recorded with `rollcall amend` and replayed by `verify`; a maintenance
//! commit that touches `schema/` is `history.unapproved-amendment` at that
//! commit. On real repositories with the real binary.

use crate::common;

use crate::common::{AS_OF, DIRECTORS, Ledger, Outcome, amend, amend_with, desk, fixture, merge, tip, verify};
use serde_json::Value;

const POLICY: &str = "schema/policy.yaml";
const SIGNERS: &str = "schema/allowed_signers";
const KEY: &str = "tests/fixtures/event-signing-key";
const OTHER_KEY: &str = "tests/fixtures/other-signing-key";

/// verify refuses with `rule` at `file:line`, naming `commit`.
#[track_caller]
fn refused_at(out: &Outcome, rule: &str, file: &str, line: u64, commit: git2::Oid) {
    assert_eq!(out.code, 1, "verify must refuse: {}{}", out.stdout, out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).expect("a JSON report");
    let findings = report["findings"].as_array().unwrap();
    let found = findings.iter().find(|f| f["rule"] == rule).unwrap_or_else(|| panic!("no {rule} in {}", out.stdout));
    assert_eq!((found["file"].as_str(), found["line"].as_u64()), (Some(file), Some(line)), "where {rule} points");
    assert_eq!(found["commit"].as_str(), Some(commit.to_string().as_str()), "the commit {rule} names");
}

/// An amendment refused: exit 1, `rule` at `file:line`, and nothing moved.
#[track_caller]
fn amend_refused(ledger: &Ledger, out: &Outcome, before: git2::Oid, rule: &str, file: &str, line: u32) {
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.expect(rule, file, line).severity, "error");
    assert_eq!(tip(ledger), before, "a refused amendment moves nothing");
}

fn lower_approvals(p: String) -> String {
    p.replace("    approvals: 2\n    evidence: [contributions]", "    approvals: 1\n    evidence: [contributions]")
}

fn add_committee_member(p: String) -> String {
    p.replace(
        "    - {github: diego-arce, github_id: 91000014, name: Diego Arce}\n",
        "    - {github: diego-arce, github_id: 91000014, name: Diego Arce}\n    - {github: friend-one, github_id: 91000015, name: Friend One}\n    - {github: friend-two, github_id: 91000016, name: Friend Two}\n",
    )
}

#[test]
fn maintenance_commits_that_change_the_rules_are_caught_at_their_commit() {
    for edit in [lower_approvals as fn(String) -> String, add_committee_member] {
        let ledger = desk();
        ledger.edit_policy(edit);
        let commit = ledger.commit("quietly change the rules");
        refused_at(&verify(&ledger), "history.unapproved-amendment", POLICY, 1, commit);
    }
    let ledger = desk();
    let public = std::fs::read_to_string(fixture(&format!("{OTHER_KEY}.pub"))).unwrap();
    ledger.write(SIGNERS, format!("someone@example.org namespaces=\"git\" {public}"));
    let commit = ledger.commit("swap the allowed signers");
    refused_at(&verify(&ledger), "history.unapproved-amendment", SIGNERS, 1, commit);
}

#[test]
fn the_same_changes_as_amendments_of_a_director_majority_land_and_verify() {
    let ledger = desk();
    ledger.edit_policy(lower_approvals);
    let lowered = amend(&ledger, AS_OF, &[]);
    ledger.edit_policy(add_committee_member);
    let appointed = amend(&ledger, AS_OF, &[]);
    let out = verify(&ledger);
    out.assert_clean();
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    let amendments = report["amendments"].as_array().unwrap();
    assert_eq!(amendments.len(), 2);
    assert_eq!(amendments[0]["commit"], lowered.to_string());
    assert_eq!(amendments[0]["kind"], "amend");
    assert_eq!(amendments[1]["commit"], appointed.to_string());
    assert_eq!(amendments[1]["kind"], "appoint");
    let logins: Vec<&str> =
        amendments[0]["approvals"].as_array().unwrap().iter().map(|a| a["login"].as_str().unwrap()).collect();
    assert_eq!(logins, ["rowan-vale", "imani-okafor"]);
    let log: Value = serde_json::from_str(&ledger.run(&["log", "--format", "json"]).stdout).unwrap();
    let kinds: Vec<&str> = log["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["appoint", "amend"], "newest first");
    let human = ledger.run(&["verify"]);
    assert!(human.stdout.contains("verify: appoint schema/policy.yaml on 2026-11-22"), "{}", human.stdout);
}

#[test]
fn too_few_directors_a_non_director_or_a_director_twice_is_refused() {
    let ledger = desk();
    ledger.edit_policy(lower_approvals);
    let before = tip(&ledger);
    for approvers in ["rowan-vale", "rowan-vale,lena-hart", "rowan-vale,rowan-vale", "rowan-vale,Rowan-Vale"] {
        let out = amend_with(&ledger, AS_OF, approvers, &[]);
        amend_refused(&ledger, &out, before, "amend.approvals", POLICY, 1);
    }
    amend(&ledger, AS_OF, &[]);
}

#[test]
fn an_amendment_that_breaks_the_board_rules_or_the_roll_is_refused() {
    let ledger = desk();
    let before = tip(&ledger);
    // An even committee.
    ledger.edit_policy(|p| p.replace("    - {github: diego-arce, github_id: 91000014, name: Diego Arce}\n", ""));
    let out = amend_with(&ledger, AS_OF, DIRECTORS, &[]);
    amend_refused(&ledger, &out, before, "committee.size", POLICY, 95);
    ledger.edit_policy(|p| {
        p.replace(
            "    - {github: sara-lindgren, github_id: 91000013, name: Sara Lindgren}\n",
            "    - {github: sara-lindgren, github_id: 91000013, name: Sara Lindgren}\n    - {github: diego-arce, github_id: 91000014, name: Diego Arce}\n",
        )
    });
    // A second director from northwind: a seat the board rules refuse at that moment.
    let seat = "    - {github: nora-north, github_id: 91000042, name: Nora North, organization: northwind}\n";
    let policy = std::fs::read_to_string(ledger.path().join(POLICY)).unwrap();
    ledger.edit_policy(|p| p.replace("  directors:\n", &format!("  directors:\n{seat}")));
    let out = amend_with(&ledger, AS_OF, DIRECTORS, &[]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(
        out.of("board.one-per-organization").first().map(|f| (f.file.as_str(), f.severity.as_str())),
        Some((POLICY, "error"))
    );
    assert_eq!(tip(&ledger), before);
    ledger.write(POLICY, policy);
    // A member schema that requires a field no member file has: the roll breaks.
    let schema = std::fs::read_to_string(ledger.path().join("schema/member.schema.json")).unwrap();
    ledger.write("schema/member.schema.json", schema.replacen("\"required\": [", "\"required\": [\"nickname\", ", 1));
    let out = amend_with(&ledger, AS_OF, DIRECTORS, &[]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.findings.iter().any(|f| f.file.starts_with("members/") && f.severity == "error"), "{}", out.stdout);
    assert_eq!(tip(&ledger), before);
}

/// `check-pr` of `head` against `base`, opened by a member who is no director.
fn check_pr<'a>(base: &'a str, head: &'a str) -> [&'a str; 11] {
    ["check-pr", "--as-of", AS_OF, "--base", base, "--head", head, "--author", "ines-moreau", "--author-id", "91000031"]
}

#[test]
fn a_pull_request_mixing_schema_and_other_files_is_no_amendment() {
    let ledger = desk();
    let before = tip(&ledger);
    ledger.edit_policy(lower_approvals);
    ledger.write("README.md", "changed too\n");
    let head = common::propose_rules(&ledger);
    let repo = ledger.repo();
    let head = common::commit_with_file(&repo, head.parse().unwrap(), "README.md", b"changed too\n").to_string();
    let out = ledger.run(&["amend", "--format", "json", "--date", AS_OF, "--head", &head, "--approved-by", DIRECTORS]);
    amend_refused(&ledger, &out, before, "amend.scope", "README.md", 1);
    let check = ledger.run(&[&check_pr(&before.to_string(), &head)[..], &["--format", "json"]].concat());
    assert_eq!(check.code, 1, "{}", check.stdout);
    check.expect("amend.scope", "README.md", 1);
}

#[test]
fn check_pr_classifies_a_schema_change_as_an_amendment_and_says_what_it_needs() {
    let ledger = desk();
    let base = tip(&ledger).to_string();
    ledger.edit_policy(lower_approvals);
    let head = common::propose_rules(&ledger);
    let summary = ledger.path().join(".git/summary.md");
    let args = check_pr(&base, &head);
    let out = ledger.run(&[&args[..], &["--format", "json", "--summary", summary.to_str().unwrap()]].concat());
    assert_eq!(out.code, 0, "{}", out.stdout);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["change"]["kind"], "amendment");
    assert_eq!(report["change"]["paths"][0], POLICY);
    let needs = report["change"]["needs"].as_str().unwrap();
    assert!(needs.contains("2 of the 3 directors"), "{needs}");
    let human = ledger.run(&args);
    assert!(human.stdout.contains("an amendment of the rules (schema/policy.yaml)"), "{}", human.stdout);
    let markdown = std::fs::read_to_string(summary).unwrap();
    assert!(markdown.contains("rollcall amend"), "{markdown}");
    // merge refuses it: amendments are recorded by `rollcall amend`.
    let out = merge(&ledger, &head, ("ines-moreau", 91_000_031), &["--approved-by", DIRECTORS]);
    out.expect("merge.member-change", POLICY, 1);
}

#[test]
fn a_director_does_not_approve_a_change_to_their_own_seat() {
    let ledger = desk();
    let before = tip(&ledger);
    ledger.edit_policy(|p| p.replace("    - {github: imani-okafor, github_id: 91000002, name: Imani Okafor}\n", ""));
    let out = amend_with(&ledger, AS_OF, "imani-okafor,rowan-vale", &[]);
    amend_refused(&ledger, &out, before, "approval.not-self", POLICY, 1);
    let out = amend_with(&ledger, AS_OF, "rowan-vale,tomasz-wren", &[]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let log: Value = serde_json::from_str(&ledger.run(&["log", "--format", "json"]).stdout).unwrap();
    assert_eq!(log["events"][0]["kind"], "unseat");
    verify(&ledger).assert_clean();
}

/// `commit` again with `message`, as `main`'s tip: trailers edited by hand.
fn reworded(repo: &git2::Repository, commit: &git2::Commit, message: &str) -> git2::Oid {
    let parent = commit.parent(0).unwrap();
    let forged =
        repo.commit(None, &commit.author(), &commit.committer(), message, &commit.tree().unwrap(), &[&parent]).unwrap();
    repo.reference("refs/heads/main", forged, true, "forged").unwrap();
    forged
}

#[test]
fn an_amendment_edited_by_hand_is_refused_at_its_commit() {
    let ledger = desk();
    ledger.edit_policy(lower_approvals);
    let landed = amend(&ledger, AS_OF, &[]);
    let repo = ledger.repo();
    let commit = repo.find_commit(landed).unwrap();
    // One approval dropped from the trailers: no longer a majority.
    let message = commit.message().unwrap().replace("Rollcall-Approved-By: imani-okafor 91000002 board\n", "");
    let forged = reworded(&repo, &commit, &message);
    refused_at(&verify(&ledger), "amend.approvals", POLICY, 1, forged);
    // The files it names are not the ones it changed.
    let message = commit
        .message()
        .unwrap()
        .replace("Rollcall-Changed: schema/policy.yaml\n", "Rollcall-Changed: schema/member.schema.json\n");
    let message = message.replace("Amend schema/policy.yaml", "Amend schema/member.schema.json");
    let forged = reworded(&repo, &commit, &message);
    refused_at(&verify(&ledger), "history.amendment-change", "schema/member.schema.json", 1, forged);
}

#[test]
fn an_amendment_proposed_against_older_rules_is_refused() {
    let ledger = desk();
    ledger.edit_policy(lower_approvals);
    let stale = common::propose_rules(&ledger);
    amend(&ledger, AS_OF, &[]);
    ledger.edit_policy(add_committee_member);
    let before = tip(&ledger);
    let out = ledger.run(&["amend", "--format", "json", "--date", AS_OF, "--head", &stale, "--approved-by", DIRECTORS]);
    amend_refused(&ledger, &out, before, "amend.base", "", 1);
}

/// A ledger whose genesis requires signed events, allowing `KEY`.
fn signed_desk() -> Ledger {
    common::desk_with(|ledger| {
        ledger.edit_policy(|p| p + "\nsigned_events: true\n");
        let public = std::fs::read_to_string(fixture(&format!("{KEY}.pub"))).unwrap();
        ledger.write(SIGNERS, format!("merger@example.org namespaces=\"git\" {public}"));
    })
}

#[test]
fn a_key_rotation_signed_by_the_old_key_verifies_and_one_signed_by_the_new_key_does_not() {
    let other = std::fs::read_to_string(fixture(&format!("{OTHER_KEY}.pub"))).unwrap();
    // Signed by the new key only: refused before it lands, with verify's rule.
    let ledger = signed_desk();
    let before = tip(&ledger);
    ledger.write(SIGNERS, format!("merger@example.org namespaces=\"git\" {other}"));
    let out = amend_with(&ledger, AS_OF, DIRECTORS, &["--sign", &fixture(OTHER_KEY)]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.of("history.anchor-rotation").len() + out.of("history.signature").len() > 0, "{}", out.stdout);
    assert_eq!(tip(&ledger), before);
    // Landed anyway (written by hand): verify refuses it at its commit.
    let head = common::propose_rules(&ledger);
    let repo = ledger.repo();
    let head_commit = repo.find_commit(head.parse().unwrap()).unwrap();
    let amendment = rollcall::change::amendment::Amendment {
        kind: rollcall::change::amendment::AmendKind::Amend,
        changed: vec![SIGNERS.to_owned()],
        date: AS_OF.parse().unwrap(),
        approvals: vec![
            rollcall::change::event::Approval {
                login: "rowan-vale".into(),
                id: 91000001,
                role: rollcall::change::event::Role::Board,
            },
            rollcall::change::event::Approval {
                login: "imani-okafor".into(),
                id: 91000002,
                role: rollcall::change::event::Role::Board,
            },
        ],
        pull_request: None,
        pull_request_head: Some(head_commit.id()),
        previous: Some(before),
    };
    let signer = rollcall::change::sign::Signer::from_file(std::path::Path::new(&fixture(OTHER_KEY))).unwrap();
    let parent = repo.find_commit(before).unwrap();
    let now = git2::Signature::now("Test", "test@example.invalid").unwrap();
    let content =
        repo.commit_create_buffer(&now, &now, &amendment.message(), &head_commit.tree().unwrap(), &[&parent]).unwrap();
    let content = content.as_str().unwrap().to_owned();
    let forged = repo.commit_signed(&content, &signer.sign(content.as_bytes()).unwrap(), Some("gpgsig")).unwrap();
    repo.reference("refs/heads/main", forged, true, "landed by hand").unwrap();
    let out = verify(&ledger);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.of("history.signature").len() + out.of("history.anchor-rotation").len() == 1, "{}", out.stdout);
    let finding = out.findings.first().unwrap();
    assert_eq!((finding.file.as_str(), finding.line), (SIGNERS, 1));

    // Signed by the old key: lands; the new key signs the events after it.
    let ledger = signed_desk();
    ledger.write(SIGNERS, format!("merger@example.org namespaces=\"git\" {other}"));
    amend(&ledger, AS_OF, &["--sign", &fixture(KEY)]);
    let head = common::propose(&ledger, &common::individual("new-person", 93_000_001));
    let other_key = fixture(OTHER_KEY);
    let approved = ["--approved-by", "lena-hart,kofi-mensah", "--sign", &other_key];
    let merged = merge(&ledger, &head, ("new-person", 93_000_001), &approved);
    assert_eq!(merged.code, 0, "{}", merged.stdout);
    verify(&ledger).assert_clean();
}

#[test]
fn a_rotation_an_unsigned_ledger_makes_needs_the_key_allowed_before_it() {
    // The rule in isolation: a ledger that does not require signed events
    // still rotates its allowed signers only under a key allowed before.
    let ledger = common::desk_with(|ledger| {
        let public = std::fs::read_to_string(fixture(&format!("{KEY}.pub"))).unwrap();
        ledger.write(SIGNERS, format!("merger@example.org namespaces=\"git\" {public}"));
    });
    let before = tip(&ledger);
    let other = std::fs::read_to_string(fixture(&format!("{OTHER_KEY}.pub"))).unwrap();
    ledger.write(SIGNERS, format!("merger@example.org namespaces=\"git\" {other}"));
    let out = amend_with(&ledger, AS_OF, DIRECTORS, &[]);
    amend_refused(&ledger, &out, before, "history.anchor-rotation", SIGNERS, 1);
    let out = amend_with(&ledger, AS_OF, DIRECTORS, &["--sign", &fixture(OTHER_KEY)]);
    amend_refused(&ledger, &out, before, "history.anchor-rotation", SIGNERS, 1);
    amend(&ledger, AS_OF, &["--sign", &fixture(KEY)]);
    verify(&ledger).assert_clean();
    // The checkpoint key is a trust anchor too: replaced unsigned, refused.
    let before = tip(&ledger);
    ledger.write("schema/checkpoint.vkey", "example.org/members+00000000+AAAA\n");
    let out = amend_with(&ledger, AS_OF, DIRECTORS, &[]);
    amend_refused(&ledger, &out, before, "history.anchor-rotation", "schema/checkpoint.vkey", 1);
}

fn directors_of(policy: &str) -> Vec<(String, u64)> {
    let value: Value = serde_saphyr::from_str(policy).unwrap();
    value["board"]["directors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["github"].as_str().unwrap().to_owned(), d["github_id"].as_u64().unwrap()))
        .collect()
}

#[test]
fn board_as_of_a_date_is_the_board_the_event_list_gives() {
    let ledger = desk();
    let seat = "    - {github: nia-board, github_id: 91000041, name: Nia Board}\n";
    ledger.edit_policy(|p| p.replace("  directors:\n", &format!("  directors:\n{seat}")));
    let seated = amend(&ledger, "2026-02-01", &[]);
    ledger.edit_policy(add_committee_member);
    amend_with(&ledger, "2026-03-01", "rowan-vale,imani-okafor,tomasz-wren", &[]);
    ledger.edit_policy(|p| p.replace("    - {github: imani-okafor, github_id: 91000002, name: Imani Okafor}\n", ""));
    // Imani Okafor does not approve her own unseating; three of the four others do.
    let out = amend_with(&ledger, "2026-04-01", "rowan-vale,imani-okafor,tomasz-wren", &[]);
    assert_eq!(out.code, 1);
    out.expect("approval.not-self", POLICY, 1);
    let out = amend_with(&ledger, "2026-04-01", "rowan-vale,nia-board,tomasz-wren", &[]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    verify(&ledger).assert_clean();

    // The event list alone: the genesis, then each amendment in log order.
    let repo = ledger.repo();
    let genesis = rollcall::change::genesis::find(&repo, tip(&ledger)).unwrap().unwrap();
    let log: Value = serde_json::from_str(&ledger.run(&["log", "--format", "json"]).stdout).unwrap();
    let mut events: Vec<(String, String, String)> =
        vec![(genesis.0.to_string(), genesis.1.date.to_string(), "genesis".to_owned())];
    for e in log["events"].as_array().unwrap().iter().rev() {
        events.push((
            e["commit"].as_str().unwrap().into(),
            e["date"].as_str().unwrap().into(),
            e["kind"].as_str().unwrap().into(),
        ));
    }
    let kinds: Vec<&str> = events.iter().map(|e| e.2.as_str()).collect();
    assert_eq!(kinds, ["genesis", "seat", "appoint", "unseat"]);
    let policy_at = |commit: &str| {
        let tree = repo.find_commit(commit.parse().unwrap()).unwrap().tree().unwrap();
        let blob = repo.find_blob(tree.get_path(std::path::Path::new(POLICY)).unwrap().id()).unwrap();
        String::from_utf8(blob.content().to_vec()).unwrap()
    };
    for as_of in ["2025-12-01", "2026-01-15", "2026-02-01", "2026-03-15", "2026-04-01", AS_OF] {
        let upto: Vec<&(String, String, String)> = events.iter().filter(|e| e.1.as_str() <= as_of).collect();
        let mut expected: Vec<(String, String)> = directors_of(&policy_at(&upto.last().unwrap().0))
            .into_iter()
            .map(|(login, id)| {
                // Seated by the first event of the unbroken run that holds the director up to as_of.
                let mut since = upto.last().unwrap().0.clone();
                for e in upto.iter().rev() {
                    if directors_of(&policy_at(&e.0)).iter().any(|d| d.1 == id) {
                        since = e.0.clone();
                    } else {
                        break;
                    }
                }
                (login, since)
            })
            .collect();
        expected.sort();
        let out = ledger.run(&["board", "--format", "json", "--as-of", as_of]);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
        let board: Value = serde_json::from_str(&out.stdout).unwrap();
        let got: Vec<(String, String)> = board["directors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["github"].as_str().unwrap().to_owned(), d["since"]["commit"].as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(got, expected, "the board on {as_of}");
    }
    // Nia Board, seated by the seat event, and Rowan Vale's organization, by the genesis.
    let board: Value =
        serde_json::from_str(&ledger.run(&["board", "--format", "json", "--as-of", AS_OF]).stdout).unwrap();
    let nia = board["directors"].as_array().unwrap().iter().find(|d| d["github"] == "nia-board").unwrap();
    assert_eq!(
        (nia["since"]["commit"].as_str(), nia["since"]["kind"].as_str()),
        (Some(seated.to_string().as_str()), Some("seat"))
    );
    let rowan = board["directors"].as_array().unwrap().iter().find(|d| d["github"] == "rowan-vale").unwrap();
    assert_eq!((rowan["organization"].as_str(), rowan["since"]["kind"].as_str()), (Some("northwind"), Some("genesis")));
    assert_eq!(board["committee"].as_array().unwrap().len(), 7);
    let csv = ledger.run(&["board", "--format", "csv", "--as-of", AS_OF]).stdout;
    assert!(csv.starts_with("body,github,github_id"), "{csv}");
    assert!(csv.contains(&format!("board,nia-board,91000041,Nia Board,,2026-02-01,seat,{seated}")), "{csv}");
    let human = ledger.run(&["board", "--as-of", AS_OF]).stdout;
    assert!(human.contains("Board of directors (3)"), "{human}");
    // Before the genesis there is no board: exit 1 with the finding.
    let out = ledger.run(&["board", "--format", "json", "--as-of", "2025-01-01"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.findings[0].rule, "history.genesis");
}

/// The platinum tier's votes on the roll of `date`, and the commit it reads.
fn platinum_votes(ledger: &Ledger, date: &str) -> (Value, Value) {
    let out = ledger.run(&["roll", "--as-of", date, "--format", "json"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let roll: Value = serde_json::from_str(&out.stdout).unwrap();
    let totals = roll["totals"].as_array().unwrap();
    let platinum = totals.iter().find(|t| t["tier"] == "platinum").expect("a platinum total");
    (platinum["votes"].clone(), roll["commit"].clone())
}

#[test]
fn the_roll_of_a_date_is_under_the_rules_then_not_an_amendment_dated_later() {
    let ledger = desk();
    let head = common::propose(&ledger, &common::individual("person-a", 93_000_001));
    let args = ["merge", "--head", &head, "--author", "person-a", "--author-id", "93000001"];
    let out = ledger.run(&[&args[..], &["--approved-by", "lena-hart,kofi-mensah", "--date", "2026-09-01"]].concat());
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let admitted = tip(&ledger);
    ledger.edit_policy(|p| p.replace("    votes: 50\n", "    votes: 40\n"));
    let amended = amend(&ledger, "2026-10-01", &[]);
    verify(&ledger).assert_clean();
    // The amendment is the last commit, but dated after the date asked about.
    assert_eq!(platinum_votes(&ledger, "2026-09-15"), (Value::from(50), Value::from(admitted.to_string())));
    assert_eq!(platinum_votes(&ledger, "2026-09-30"), (Value::from(50), Value::from(admitted.to_string())));
    assert_eq!(platinum_votes(&ledger, "2026-10-01"), (Value::from(40), Value::from(amended.to_string())));
    // A maintenance commit after it has no date: it goes with the amendment.
    let notes = common::commit_with_file(&ledger.repo(), amended, "NOTES.md", b"notes\n");
    ledger.repo().reference("refs/heads/main", notes, true, "notes").unwrap();
    assert_eq!(platinum_votes(&ledger, "2026-09-15"), (Value::from(50), Value::from(admitted.to_string())));
    assert_eq!(platinum_votes(&ledger, "2026-10-01"), (Value::from(40), Value::from(notes.to_string())));
}
