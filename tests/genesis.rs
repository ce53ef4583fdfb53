//! The genesis: where a ledger's history begins. Real repositories, the
//! real binary: development commits before the genesis are not the
//! ledger's; a ledger has exactly one genesis, whose roll validates whole
//! and whose trailers say what it holds; `rollcall genesis` records one
//! only on a valid roll; the first event links to it.

use crate::common;

use crate::common::{GENESIS_DATE, Ledger, Outcome, canonical, desk, genesis_message, individual, propose, tip};
use git2::Oid;
use rollcall::change::genesis::{self, Genesis};
use serde_json::Value;

const TWO: &str = "lena-hart,kofi-mensah";

fn init(ledger: &Ledger) {
    let mut options = git2::RepositoryInitOptions::new();
    options.initial_head("main");
    git2::Repository::init_opts(ledger.path(), &options).expect("init");
}

fn json(out: &Outcome) -> Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|_| panic!("a JSON report: {}{}", out.stdout, out.stderr))
}

/// The finding of `rule` at `file`:`line`, which must name `commit`.
#[track_caller]
fn at_commit(out: &Outcome, rule: &str, file: &str, line: u64, commit: Oid) {
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let report = json(out);
    let found = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {}", out.stdout))
        .clone();
    assert_eq!((found["file"].as_str(), found["line"].as_u64()), (Some(file), Some(line)), "where {rule} points");
    assert_eq!(found["commit"].as_str(), Some(commit.to_string().as_str()), "the commit {rule} names");
}

/// Admits `id` through the real merger on `date`.
fn admit(ledger: &Ledger, id: &str, account: u64, date: &str) -> Outcome {
    let head = propose(ledger, &individual(id, account));
    let account = account.to_string();
    ledger.run(&[
        "merge",
        "--head",
        &head,
        "--author",
        id,
        "--author-id",
        &account,
        "--approved-by",
        TWO,
        "--date",
        date,
        "--format",
        "json",
    ])
}

/// A software project's development history (a broken policy, a member
/// file that is no member's, a merge commit), then the demonstration roll
/// made valid and its genesis recorded with `rollcall genesis`, then one
/// event. Returns the ledger and the genesis.
fn developed() -> (Ledger, Oid) {
    let ledger = Ledger::shipped();
    init(&ledger);
    ledger.commit("Start the project");
    ledger.edit_policy(|p| p.replace("foundation:\n", "foundations:\n"));
    ledger.write("members/zz/zz-top.yaml", "not: [a member");
    ledger.commit("WIP: rename the policy's foundation");
    let repo = ledger.repo();
    let main = repo.head().unwrap().peel_to_commit().unwrap();
    let sig = common::signature();
    let side = repo.commit(None, &sig, &sig, "a side branch", &main.tree().unwrap(), &[&main]).unwrap();
    let side = repo.find_commit(side).unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "Merge branch 'side'", &main.tree().unwrap(), &[&main, &side]).unwrap();
    ledger.edit_policy(|p| p.replace("foundations:\n", "foundation:\n"));
    std::fs::remove_file(ledger.path().join("members/zz/zz-top.yaml")).unwrap();
    assert_eq!(ledger.run(&["index"]).code, 0);
    ledger.commit("Fix the policy; the demonstration roll");
    let out = ledger.run(&["genesis", "--date", GENESIS_DATE, "--format", "json"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let genesis = tip(&ledger);
    assert_eq!(json(&out)["genesis"]["commit"], genesis.to_string());
    let out = admit(&ledger, "person-a", 93_000_001, "2026-01-05");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    (ledger, genesis)
}

#[test]
fn commits_before_the_genesis_are_not_the_ledgers() {
    let (ledger, genesis) = developed();
    let out = ledger.run(&["verify", "--format", "json"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let report = json(&out);
    assert_eq!(report["ok"], true);
    assert_eq!(report["findings"], serde_json::json!([]));
    assert_eq!(report["verified"]["events"], 1);
    assert_eq!(report["verified"]["commits"], 2, "the genesis and the event, nothing before");
    assert_eq!(
        report["genesis"],
        serde_json::json!({"commit": genesis.to_string(), "date": GENESIS_DATE, "members": 11})
    );
    let human = ledger.run(&["verify"]);
    assert_eq!(human.code, 0, "{}", human.stdout);
    assert!(
        human.stdout.contains(&format!("genesis {genesis}, on {GENESIS_DATE}, with 11 members")),
        "an auditor sees the genesis: {}",
        human.stdout
    );

    let log = ledger.run(&["log", "--format", "json"]);
    assert_eq!(log.code, 0, "{}{}", log.stdout, log.stderr);
    let events = json(&log)["events"].as_array().unwrap().clone();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["previous"], genesis.to_string(), "the first event links to the genesis");
    assert_eq!(ledger.run(&["log"]).code, 0);

    let roll = ledger.run(&["roll", "--as-of", "2026-03-06", "--format", "json"]);
    assert_eq!(roll.code, 0, "{}{}", roll.stdout, roll.stderr);
    let roll = json(&roll);
    assert!(roll["members"].as_array().unwrap().iter().any(|m| m["member"] == "person-a"), "{roll}");
    // The genesis day itself has a roll: the genesis's.
    let first = ledger.run(&["roll", "--as-of", GENESIS_DATE, "--format", "json"]);
    assert_eq!(json(&first)["commit"], genesis.to_string());
}

#[test]
fn no_roll_before_the_ledger_began() {
    let (ledger, _) = developed();
    let out = ledger.run(&["roll", "--as-of", "2025-11-30"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains(&format!("the ledger begins on {GENESIS_DATE}")), "{}", out.stderr);
}

#[test]
fn a_history_without_a_genesis_is_refused() {
    let ledger = Ledger::shipped();
    init(&ledger);
    assert_eq!(ledger.run(&["index"]).code, 0);
    ledger.commit("the demonstration roll");
    for args in [&["verify", "--format", "json"][..], &["log", "--format", "json"], &["roll", "--format", "json"]] {
        let out = ledger.run(args);
        assert_eq!(out.code, 1, "{args:?}: {}{}", out.stdout, out.stderr);
        let finding = out.expect("history.genesis", "", 1);
        assert!(finding.message.contains("no genesis"), "{}", finding.message);
        assert!(finding.help.contains("rollcall genesis"), "{}", finding.help);
    }
    // In people's words, on the terminal.
    let out = ledger.run(&["verify"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("history.genesis"), "{}", out.stdout);
    let out = ledger.run(&["roll"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("history.genesis"), "{}", out.stderr);
    // No checkpoint of a ledger that has not begun.
    let key = common::repo_root().join("tests/fixtures/event-signing-key");
    let out = ledger.run(&["checkpoint", "--sign", key.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stderr.contains("genesis"), "{}", out.stderr);
}

#[test]
fn rollcall_genesis_refuses_a_second_genesis_and_verify_refuses_one_written_by_hand() {
    let (ledger, first) = developed();
    let before = tip(&ledger);
    let out = ledger.run(&["genesis", "--format", "json"]);
    at_commit(&out, "history.genesis", "", 1, first);
    assert_eq!(tip(&ledger), before, "nothing was written");

    // Written by hand on top of the event: the newer one is the finding.
    let message = genesis_message(&ledger, "2026-02-01");
    let repo = ledger.repo();
    let parent = repo.find_commit(before).unwrap();
    let sig = common::signature();
    let second =
        repo.commit(Some("refs/heads/main"), &sig, &sig, &message, &parent.tree().unwrap(), &[&parent]).unwrap();
    for args in [&["verify", "--format", "json"][..], &["log", "--format", "json"], &["roll", "--format", "json"]] {
        at_commit(&ledger.run(args), "history.genesis", "", 1, second);
    }
}

#[test]
fn a_genesis_that_miscounts_its_members_is_refused() {
    let ledger = desk();
    let repo = ledger.repo();
    let root = repo.find_commit(tip(&ledger)).unwrap();
    // The same roll, a genesis claiming one member more.
    let lie = Genesis { members: 12, date: GENESIS_DATE.parse().unwrap() }.message();
    let sig = common::signature();
    let forged = repo.commit(None, &sig, &sig, &lie, &root.tree().unwrap(), &[]).unwrap();
    repo.reference("refs/heads/main", forged, true, "forge").unwrap();
    let out = ledger.run(&["verify", "--format", "json"]);
    at_commit(&out, "history.genesis", "members", 1, forged);
    assert!(out.findings[0].message.contains("12 members"), "{}", out.findings[0].message);
}

#[test]
fn a_genesis_roll_that_does_not_validate_is_refused_with_its_commit() {
    // A member file that does not validate.
    let ledger = Ledger::shipped();
    init(&ledger);
    let mut bad = individual("bad-country", 93_000_009);
    bad["country"] = "XX".into();
    let file = ledger.add(&bad);
    assert_eq!(ledger.run(&["index"]).code, 0);
    ledger.commit("the demonstration roll and a bad application");
    let before = tip(&ledger);
    let refused = ledger.run(&["genesis", "--date", GENESIS_DATE, "--format", "json"]);
    assert_eq!(refused.code, 1, "{}{}", refused.stdout, refused.stderr);
    let line = canonical(&bad).lines().position(|l| l.starts_with("country:")).unwrap() as u32 + 1;
    refused.expect("identity.country-code", &file, line);
    assert_eq!(tip(&ledger), before, "nothing was written");
    // Written by hand all the same: verify names the genesis commit.
    let forged = ledger.commit(&genesis_message(&ledger, GENESIS_DATE));
    at_commit(&ledger.run(&["verify", "--format", "json"]), "identity.country-code", &file, line as u64, forged);

    // Rules that do not read: the finding names the genesis commit too.
    let ledger = Ledger::shipped();
    init(&ledger);
    ledger.edit_policy(|p| p.replace("foundation:\n", "foundations:\n"));
    ledger.commit("a policy that does not read");
    let refused = ledger.run(&["genesis", "--format", "json"]);
    assert_eq!(refused.code, 1, "{}{}", refused.stdout, refused.stderr);
    let forged = ledger.commit(&genesis_message(&ledger, GENESIS_DATE));
    let out = ledger.run(&["verify", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let report = json(&out);
    let finding = &report["findings"][0];
    assert!(finding["rule"].as_str().unwrap().starts_with("config."), "{finding}");
    assert_eq!(finding["file"], "schema/policy.yaml");
    assert_eq!(finding["commit"], forged.to_string(), "every history finding names its commit");
}

#[test]
fn events_link_to_the_genesis_and_never_predate_it() {
    let ledger = Ledger::shipped();
    init(&ledger);
    assert_eq!(ledger.run(&["index"]).code, 0);
    ledger.commit("the demonstration roll");
    let out = ledger.run(&["genesis", "--date", "2026-01-10"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("the ledger begins on 2026-01-10 with 11 members"), "{}", out.stdout);
    let genesis = tip(&ledger);
    let repo = ledger.repo();
    let commit = repo.find_commit(genesis).unwrap();
    assert_eq!(commit.tree_id(), commit.parent(0).unwrap().tree_id(), "the genesis changes nothing");
    assert_eq!(
        commit.message().ok(),
        Some(
            "Genesis of the ledger: 11 members\n\nRollcall-Event: genesis\nRollcall-Members: 11\nRollcall-Date: 2026-01-10\n"
        )
    );
    // Before the genesis's date: refused by the merger.
    let early = admit(&ledger, "person-a", 93_000_001, "2026-01-09");
    assert_eq!(early.code, 1, "{}{}", early.stdout, early.stderr);
    assert_eq!(tip(&ledger), genesis);
    let out = admit(&ledger, "person-a", 93_000_001, "2026-01-10");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let message = ledger.repo().find_commit(tip(&ledger)).unwrap().message().unwrap().to_owned();
    let event = rollcall::change::event::Event::parse(&message).unwrap();
    assert_eq!(event.previous, Some(genesis));

    // An event dated before the genesis, written by hand: history.date-order.
    let mut forged = event.clone();
    forged.date = "2026-01-09".parse().unwrap();
    let event_commit = repo.find_commit(tip(&ledger)).unwrap();
    let parent = event_commit.parent(0).unwrap();
    let sig = common::signature();
    let tree = event_commit.tree().unwrap();
    let bad = repo.commit(None, &sig, &sig, &forged.message(), &tree, &[&parent]).unwrap();
    repo.reference("refs/heads/main", bad, true, "forge").unwrap();
    let out = ledger.run(&["verify", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(out.rules()[0], "history.date-order", "{}", out.summary());
}

#[test]
fn a_checkpoint_before_the_genesis_is_refused() {
    use rollcall::history::checkpoint::{Checkpoint, NoteSigner};
    let (ledger, genesis) = developed();
    let repo = ledger.repo();
    let before = repo.find_commit(genesis).unwrap().parent_id(0).unwrap();
    let key = common::repo_root().join("tests/fixtures/event-signing-key");
    let signer = NoteSigner::from_file("example.org/members", &key).unwrap();
    // The genesis changes no file: the state at its parent is the genesis's.
    let at = rollcall::history::verify::checkpoint_of(&repo, tip(&ledger), genesis, "example.org/members").unwrap();
    let checkpoint = Checkpoint { events: 0, head: before, ..at.clone() };
    let path = ledger.path().join(".git/early-checkpoint");
    std::fs::write(&path, rollcall::history::checkpoint::sign(&checkpoint, &signer)).unwrap();
    let public = common::repo_root().join("tests/fixtures/event-signing-key.pub");
    let args =
        ["verify", "--format", "json", "--checkpoint", path.to_str().unwrap(), "--key", public.to_str().unwrap()];
    at_commit(&ledger.run(&args), "history.genesis", "", 1, genesis);
    // `rollcall checkpoint` signs no commit before the genesis.
    let out = ledger.run(&["checkpoint", "--sign", key.to_str().unwrap(), "--rev", &before.to_string()]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    // One at the genesis is good, and pins it.
    std::fs::write(&path, rollcall::history::checkpoint::sign(&at, &signer)).unwrap();
    let out = ledger.run(&args);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(json(&out)["genesis"]["commit"], genesis.to_string());
}

#[test]
fn a_new_ledgers_genesis_is_its_first_commit() {
    let ledger = Ledger::shipped();
    init(&ledger);
    assert_eq!(ledger.run(&["index"]).code, 0);
    let repo = ledger.repo();
    let mut index = repo.index().unwrap();
    index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).unwrap();
    let tree = index.write_tree().unwrap();
    let date = "2026-01-01".parse().unwrap();
    let root = genesis::write_root(&repo, tree, date, None).unwrap();
    let commit = repo.find_commit(root).unwrap();
    assert_eq!(commit.parent_count(), 0);
    assert_eq!(commit.tree_id(), tree);
    assert_eq!(Genesis::parse(commit.message().unwrap()), Some(Genesis { members: 11, date }));
    assert!(repo.find_reference("refs/heads/main").is_err(), "no branch moved");
    repo.reference("refs/heads/main", root, false, "init").unwrap();
    let out = ledger.run(&["verify", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(json(&out)["genesis"]["members"], 11);
    // An empty roll: a genesis of no members.
    let empty = repo.treebuilder(None).unwrap().write().unwrap();
    let root = genesis::write_root(&repo, empty, date, None).unwrap();
    assert!(repo.find_commit(root).unwrap().message().unwrap().starts_with("Genesis of the ledger: 0 members\n"));
}

#[test]
fn a_genesis_message_reads_back_only_exactly_as_written() {
    let genesis = Genesis { members: 11, date: "2026-12-02".parse().unwrap() };
    let message = genesis.message();
    assert_eq!(
        message,
        "Genesis of the ledger: 11 members\n\nRollcall-Event: genesis\nRollcall-Members: 11\nRollcall-Date: 2026-12-02\n"
    );
    assert_eq!(Genesis::parse(&message), Some(genesis.clone()));
    let one = Genesis { members: 1, ..genesis.clone() };
    assert_eq!(Genesis::parse(&one.message()), Some(one));
    for bad in [
        message.replace("Members: 11", "Members: 011"),
        message.replace("Members: 11", "Members: +11"),
        message.replace("Members: 11", "Members: 12"),
        message.replace("2026-12-02", "2026-12-2"),
        message.replace("Event: genesis", "Event: Genesis"),
        message.replace("ledger: 11", "ledger:  11"),
        message.clone() + "Rollcall-Previous-Event: none\n",
        message.trim_end().to_owned(),
        message.replace("Rollcall-Members: 11\n", ""),
    ] {
        assert_eq!(Genesis::parse(&bad), None, "{bad:?}");
        assert!(rollcall::change::event::Event::parse(&bad).is_none());
    }
    // What a commit with a near-genesis message is: malformed, never maintenance.
    let near = message.replace("Members: 11", "Members: 011");
    assert!(matches!(rollcall::history::Record::of(near.as_bytes()), rollcall::history::Record::Malformed));
    assert!(matches!(rollcall::history::Record::of(message.as_bytes()), rollcall::history::Record::Genesis(_)));
}
