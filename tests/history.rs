//! The ledger's history: histories built with the real merger, then
//! tampered with in every way one can (each caught at the right commit by
//! `rollcall verify`), signed events and their keys' windows, checkpoints
//! against rewrites, `rollcall log`, and `roll --as-of` against a roll
//! computed independently from the event list.

use crate::common;

use crate::common::{Ledger, Outcome, canonical, desk, fixture, individual, propose, sponsor, tip, tree_with_file};
use git2::{Oid, Repository};
use rollcall::change::event::Event;
use rollcall::change::sign::Signer;
use serde_json::Value;
use std::path::Path;

const KEY: &str = "tests/fixtures/event-signing-key";
const PUBLIC_KEY: &str = "tests/fixtures/event-signing-key.pub";

const TWO: &str = "lena-hart,kofi-mensah";
/// The script's first event's file.
const PERSON_A: &str = "members/pe/person-a.yaml";

/// One event of a scripted history.
enum Step {
    Admit(Value, &'static str),
    Lifecycle(&'static str, &'static str, &'static str),
}

/// Merges `steps` onto `ledger`'s main with the real binary, each on its
/// date; `extra` goes to every command (e.g. `--sign`).
fn record(ledger: &Ledger, steps: &[Step], extra: &[&str]) {
    for step in steps {
        let out = match step {
            Step::Admit(value, date) => {
                let head = propose(ledger, value);
                let holder = value.get("representative").unwrap_or(value);
                let (login, id) = (holder["github"].as_str().unwrap(), holder["github_id"].to_string());
                let mut args = vec!["merge", "--head", &head, "--author", login, "--author-id", &id];
                args.extend(["--approved-by", TWO, "--date", date]);
                if value["tier"] != "individual" {
                    args.extend(["--payment-usd", "2500", "--payment-reference", "invoice 1"]);
                }
                args.extend_from_slice(extra);
                ledger.run(&args)
            }
            Step::Lifecycle(command, member, date) => {
                let mut args = vec![*command, *member, "--date", date];
                if *command == "renew" {
                    args.extend(["--approved-by", "lena-hart"]);
                }
                args.extend_from_slice(extra);
                ledger.run(&args)
            }
        };
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    }
}

fn script() -> Vec<Step> {
    vec![
        Step::Admit(individual("person-a", 93_000_001), "2026-01-05"),
        Step::Admit(sponsor("acme-corp", "silver", "acme-rep", 93_000_002), "2026-01-10"),
        Step::Admit(individual("person-b", 93_000_003), "2026-01-20"),
        Step::Lifecycle("renew", "ada-quill", "2026-02-01"),
        Step::Lifecycle("resign", "person-a", "2026-02-15"),
        Step::Admit(individual("person-c", 93_000_004), "2026-03-01"),
    ]
}

/// The demonstration roll, then the script's six events.
fn merged() -> (Ledger, Oid) {
    let ledger = desk();
    let genesis = tip(&ledger);
    record(&ledger, &script(), &[]);
    (ledger, genesis)
}

/// One commit after the genesis, as a change to replay: the file it sets,
/// the message, and whether it is signed.
#[derive(Clone)]
struct Item {
    path: String,
    blob: Oid,
    message: String,
    signed: bool,
    /// Extra parents (a merge commit).
    also_parents: Vec<Oid>,
    /// The commit it was, for an item of the original history.
    commit: Option<Oid>,
}

fn items(repo: &Repository, genesis: Oid) -> Vec<Item> {
    let steps = rollcall::history::chain(repo, repo.refname_to_id("refs/heads/main").unwrap(), Some(genesis)).unwrap();
    let mut trees = rollcall::history::Trees::new(repo).unwrap();
    let mut out: Vec<Item> = steps
        .iter()
        .map(|step| {
            let parent = repo.find_commit(step.parents[0]).unwrap().tree_id();
            let changes = trees.changes(Some(parent), step.tree).unwrap();
            let change = changes.iter().find(|c| c.path.starts_with("members/")).expect("a changed file");
            let commit = repo.find_commit(step.commit).unwrap();
            Item {
                path: change.path.clone(),
                blob: change.new.unwrap().id,
                message: commit.message().unwrap().to_owned(),
                signed: repo.extract_signature(&step.commit, None).is_ok(),
                also_parents: Vec::new(),
                commit: Some(step.commit),
            }
        })
        .collect();
    out.reverse();
    out
}

/// `tree` with the member file at `path` set to `blob` and the split index
/// updated as the merger updates it: a forger who knows the index.
fn event_tree(repo: &Repository, tree: Oid, path: &str, blob: Oid) -> Oid {
    let with_file = tree_with_file(repo, tree, path, blob);
    if !path.starts_with("members/") {
        return with_file;
    }
    let parent = repo.find_tree(tree).unwrap();
    let members = repo.find_tree(with_file).unwrap().get_name("members").unwrap().id();
    let rewrites = rollcall::roll::sharded::update(repo, &parent, path, blob, members).unwrap().unwrap_or_default();
    let mut update = git2::build::TreeUpdateBuilder::new();
    for (file, bytes) in rewrites {
        match bytes {
            Some(bytes) => update.upsert(file, repo.blob(&bytes).unwrap(), git2::FileMode::Blob),
            None => update.remove(file),
        };
    }
    update.create_updated(repo, &repo.find_tree(with_file).unwrap()).unwrap()
}

/// Writes `items` as commits on `genesis` and moves main to the last one:
/// the items still as the original history has them keep their commits,
/// the rest are written anew. `relink` rewrites the previous-event trailers
/// of the new ones as a careful forger would. Returns every commit.
fn rebuild(repo: &Repository, genesis: Oid, items: &[Item], relink: bool) -> Vec<Oid> {
    let signer = Signer::from_file(Path::new(&fixture(KEY))).unwrap();
    let mut parent = genesis;
    let mut previous_event = None;
    let mut commits = Vec::new();
    let mut kept = true;
    for (i, item) in items.iter().enumerate() {
        let original = item.commit.filter(|c| {
            let commit = repo.find_commit(*c).unwrap();
            let tree = event_tree(repo, repo.find_commit(parent).unwrap().tree_id(), &item.path, item.blob);
            commit.parent_id(0).ok() == Some(parent)
                && commit.tree_id() == tree
                && commit.message() == Ok(item.message.as_str())
                && item.also_parents.is_empty()
                && repo.extract_signature(c, None).is_ok() == item.signed
                && i == commits.len()
        });
        if let (true, Some(commit)) = (kept, original) {
            if Event::parse(&item.message).is_some() {
                previous_event = Some(commit);
            }
            commits.push(commit);
            parent = commit;
            continue;
        }
        kept = false;
        let parent_commit = repo.find_commit(parent).unwrap();
        let tree = repo.find_tree(event_tree(repo, parent_commit.tree_id(), &item.path, item.blob)).unwrap();
        let mut message = item.message.clone();
        if let Some(mut event) = Event::parse(&message).filter(|_| relink) {
            event.previous = previous_event;
            message = event.message();
        }
        let mut parents = vec![parent_commit];
        parents.extend(item.also_parents.iter().map(|p| repo.find_commit(*p).unwrap()));
        let parents: Vec<&git2::Commit> = parents.iter().collect();
        let sig = common::signature();
        let buffer = repo.commit_create_buffer(&sig, &sig, &message, &tree, &parents).unwrap();
        let content = buffer.as_str().unwrap().to_owned();
        let commit = if item.signed {
            repo.commit_signed(&content, &signer.sign(content.as_bytes()).unwrap(), Some("gpgsig")).unwrap()
        } else {
            repo.odb().unwrap().write(git2::ObjectType::Commit, content.as_bytes()).unwrap()
        };
        if Event::parse(&message).is_some() {
            previous_event = Some(commit);
        }
        commits.push(commit);
        parent = commit;
    }
    repo.reference("refs/heads/main", parent, true, "rewrite").unwrap();
    commits
}

fn set_field(repo: &Repository, item: &mut Item, edit: impl FnOnce(&mut Value)) {
    let mut value: Value = serde_saphyr::from_slice(repo.find_blob(item.blob).unwrap().content()).unwrap();
    edit(&mut value);
    item.blob = repo.blob(canonical(&value).as_bytes()).unwrap();
}

fn set_event(item: &mut Item, edit: impl FnOnce(&mut Event)) {
    let mut event = Event::parse(&item.message).expect("an event");
    edit(&mut event);
    item.message = event.message();
}

/// A new commit on top: a copy of `items[of]`, changed by `change`.
fn append_copy(items: &mut Vec<Item>, of: usize, change: impl FnOnce(&mut Item)) {
    let mut copy = items[of].clone();
    copy.commit = None;
    change(&mut copy);
    items.push(copy);
}

fn verify(ledger: &Ledger, extra: &[&str]) -> Outcome {
    let mut args = vec!["verify", "--format", "json"];
    args.extend_from_slice(extra);
    ledger.run(&args)
}

/// The verdict's finding of `rule`, which must be at `file` and `line`.
#[track_caller]
fn located(out: &Outcome, rule: &str, file: &str, line: u64) -> Value {
    assert_eq!(out.code, 1, "verify must refuse: {}{}", out.stdout, out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).expect("a JSON report");
    let findings = report["findings"].as_array().unwrap();
    let found = findings.iter().find(|f| f["rule"] == rule).unwrap_or_else(|| panic!("no {rule} in {}", out.stdout));
    assert_eq!((found["file"].as_str(), found["line"].as_u64()), (Some(file), Some(line)), "where {rule} points");
    found.clone()
}

/// The verdict's finding of `rule`, at `file` and `line`: the commit it names.
#[track_caller]
fn refused(out: &Outcome, rule: &str, file: &str, line: u64) -> String {
    located(out, rule, file, line)["commit"].as_str().expect("the finding names a commit").to_owned()
}

#[test]
fn a_merged_history_verifies_and_logs_every_event() {
    let (ledger, _) = merged();
    let out = verify(&ledger, &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["verified"]["events"], 6);

    let log: Value = serde_json::from_str(&ledger.run(&["log", "--format", "json"]).stdout).unwrap();
    let kinds: Vec<&str> = log["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["admit", "resign", "renew", "admit", "admit", "admit"], "newest first");
    assert_eq!(log["events"][0]["commit"], tip(&ledger).to_string());
    assert_eq!(log["events"][5]["member_number"], 11);

    let one: Value = serde_json::from_str(&ledger.run(&["log", "person-a", "--format", "json"]).stdout).unwrap();
    let dates: Vec<&str> = one["events"].as_array().unwrap().iter().map(|e| e["date"].as_str().unwrap()).collect();
    assert_eq!(dates, ["2026-02-15", "2026-01-05"]);

    let window = ledger.run(&["log", "--since", "2026-01-10", "--until", "2026-02-01", "--format", "csv"]);
    let lines: Vec<&str> = window.stdout.lines().collect();
    assert_eq!(lines[0], rollcall::history::log::CSV_HEADER.trim_end());
    let members: Vec<&str> = lines[1..].iter().map(|l| l.split(',').nth(3).unwrap()).collect();
    assert_eq!(members, ["ada-quill", "person-b", "acme-corp"]);
    assert!(lines[3].contains("lena-hart:91000011:committee;kofi-mensah:91000012:committee"));
}

/// The tampered history, the rule that must catch it, and the commit (by
/// its position among the rebuilt commits) it must name.
struct Tamper {
    name: &'static str,
    rule: &'static str,
    /// The file and line the finding points at (none for a commit's own fault).
    file: &'static str,
    line: u64,
    at: usize,
    edit: fn(&Repository, &mut Vec<Item>),
}

fn tampers() -> Vec<Tamper> {
    vec![
        Tamper {
            name: "an event dated more than a day after its commit",
            rule: "history.future-date",
            file: "members/pe/person-c.yaml",
            line: 1,
            at: 5,
            edit: |_, items| set_event(&mut items[5], |e| e.date = "2027-06-01".parse().unwrap()),
        },
        Tamper {
            name: "an edited old event (its member number)",
            rule: "history.stamped",
            file: "members/pe/person-b.yaml",
            line: 1,
            at: 2,
            edit: |repo, items| set_field(repo, &mut items[2], |v| v["member_number"] = 99.into()),
        },
        Tamper {
            name: "an old event's approval struck from file and trailer",
            rule: "approval.count",
            file: "members/pe/person-b.yaml",
            line: 4,
            at: 2,
            edit: |repo, items| {
                set_field(repo, &mut items[2], |v| {
                    v["approvals"].as_array_mut().unwrap().pop();
                });
                set_event(&mut items[2], |e| {
                    e.approvals.pop();
                });
            },
        },
        Tamper {
            name: "a dropped event",
            rule: "history.previous-event",
            file: "members/ad/ada-quill.yaml",
            line: 1,
            at: 2,
            edit: |_, items| {
                items.remove(2);
            },
        },
        Tamper {
            name: "a reordered pair",
            rule: "history.previous-event",
            file: "members/ad/ada-quill.yaml",
            line: 1,
            at: 2,
            edit: |_, items| items.swap(2, 3),
        },
        Tamper {
            name: "a forged event trailer on a maintenance commit",
            rule: "history.event-change",
            file: "members/pe/person-c.yaml",
            line: 1,
            at: 6,
            edit: |repo, items| {
                let last = items[5].commit;
                append_copy(items, 5, |forged| {
                    forged.path = "README.md".into();
                    forged.blob = repo.blob(b"a maintenance change\n").unwrap();
                    set_event(forged, |e| {
                        e.member = "ghost".into();
                        e.previous = last;
                    });
                });
            },
        },
        Tamper {
            name: "a hand-written trailer",
            rule: "history.malformed-event",
            file: "",
            line: 1,
            at: 6,
            edit: |repo, items| {
                let blob = repo.blob(b"docs\n").unwrap();
                let message = "Fix the docs\n\nRollcall-Event: admit\nRollcall-Member: ghost\n".to_owned();
                let item =
                    Item { path: "README.md".into(), blob, message, signed: false, also_parents: vec![], commit: None };
                items.push(item);
            },
        },
        Tamper {
            name: "a member file changed by a maintenance commit",
            rule: "history.unrecorded-change",
            file: "members/pe/person-c.yaml",
            line: 1,
            at: 6,
            edit: |repo, items| {
                append_copy(items, 5, |edit| {
                    set_field(repo, edit, |v| v["name"] = "Someone Else".into());
                    edit.message = "Tidy a name".into();
                });
            },
        },
        Tamper {
            name: "a member number reused",
            rule: "history.number-reused",
            file: "members/pe/person-c.yaml",
            line: 13,
            at: 5,
            edit: |repo, items| {
                set_field(repo, &mut items[5], |v| v["member_number"] = 11.into());
                set_event(&mut items[5], |e| e.member_number = Some(11));
            },
        },
        Tamper {
            name: "an event dated before the one before it",
            rule: "history.date-order",
            file: "members/pe/person-c.yaml",
            line: 1,
            at: 5,
            edit: |_, items| set_event(&mut items[5], |e| e.date = "2026-02-14".parse().unwrap()),
        },
        Tamper {
            name: "a renewal that also renames the member",
            rule: "history.member-fields",
            file: "members/ad/ada-quill.yaml",
            line: 2,
            at: 3,
            edit: |repo, items| set_field(repo, &mut items[3], |v| v["name"] = "Ada Quill-Renamed".into()),
        },
        Tamper {
            name: "a merge commit",
            rule: "history.linear",
            file: "",
            line: 1,
            at: 5,
            edit: |repo, items| {
                let side = repo.refname_to_id("refs/heads/main").unwrap();
                items[5].also_parents.push(side);
            },
        },
        Tamper {
            name: "a second genesis: history begun anew after the events",
            rule: "history.genesis",
            file: "",
            line: 1,
            at: 6,
            edit: |_, items| {
                let genesis = rollcall::change::genesis::Genesis { members: 14, date: "2026-03-02".parse().unwrap() };
                append_copy(items, 5, |again| again.message = genesis.message());
            },
        },
        Tamper {
            name: "a resignation of a member who had resigned",
            rule: "lifecycle.transition",
            file: "members/pe/person-a.yaml",
            line: 5,
            at: 6,
            edit: |repo, items| {
                let last = items[5].commit;
                append_copy(items, 4, |again| {
                    set_field(repo, again, |v| v["ended"] = "2026-03-02".into());
                    set_event(again, |e| {
                        e.date = "2026-03-02".parse().unwrap();
                        e.previous = last;
                    });
                });
            },
        },
    ]
}

#[test]
fn every_tampering_is_caught_at_its_commit() {
    let (ledger, genesis) = merged();
    let repo = ledger.repo();
    let original = items(&repo, genesis);
    assert_eq!(original.len(), 6);
    for tamper in tampers() {
        let mut edited = original.clone();
        (tamper.edit)(&repo, &mut edited);
        let commits = rebuild(&repo, genesis, &edited, false);
        let named = refused(&verify(&ledger, &[]), tamper.rule, tamper.file, tamper.line);
        assert_eq!(named, commits[tamper.at].to_string(), "{}: the wrong commit was named", tamper.name);
        // `log` checks each commit against its change too, and names it the same.
        if ["history.event-change", "history.malformed-event", "history.unrecorded-change"].contains(&tamper.rule) {
            let named = refused(&ledger.run(&["log", "--format", "json"]), tamper.rule, tamper.file, tamper.line);
            assert_eq!(named, commits[tamper.at].to_string(), "{}: log named the wrong commit", tamper.name);
        }
    }
    // The untouched history, rebuilt, verifies again.
    rebuild(&repo, genesis, &original, true);
    assert_eq!(verify(&ledger, &[]).code, 0);
}

/// The demonstration roll with a policy that requires signed events and
/// an allowed-signers file naming the test key, then the script, signed.
fn signed_ledger() -> (Ledger, Oid) {
    let ledger = common::desk_with(|ledger| {
        ledger.edit_policy(|p| p + "\nsigned_events: true\n");
        let public = std::fs::read_to_string(fixture(PUBLIC_KEY)).unwrap();
        ledger.write("schema/allowed_signers", format!("merger@example.org namespaces=\"git\" {public}"));
    });
    let genesis = tip(&ledger);
    record(&ledger, &script(), &["--sign", &fixture(KEY)]);
    (ledger, genesis)
}

#[test]
fn signed_events_are_checked_against_the_keys_allowed_on_their_dates() {
    let (ledger, genesis) = signed_ledger();
    assert_eq!(verify(&ledger, &[]).code, 0, "{}", verify(&ledger, &[]).stdout);
    let public = std::fs::read_to_string(fixture(PUBLIC_KEY)).unwrap();
    let signers = |options: &str| {
        let path = ledger.path().join(".git/signers");
        std::fs::write(&path, format!("merger@example.org {options} {public}")).unwrap();
        path.display().to_string()
    };
    let repo = ledger.repo();
    let commits = items(&repo, genesis);
    let first = rollcall::history::chain(&repo, tip(&ledger), Some(genesis)).unwrap().last().unwrap().commit;

    // Revoked before the first event's date, or valid only after it.
    for window in ["valid-before=\"20260105\"", "valid-after=\"20260106\""] {
        let file = signers(window);
        let named = refused(&verify(&ledger, &["--allowed-signers", &file]), "history.signature", PERSON_A, 1);
        assert_eq!(named, first.to_string(), "{window}");
    }
    // A window that holds every event's date.
    let file = signers("valid-after=\"20260101\",valid-before=\"20260401\"");
    assert_eq!(verify(&ledger, &["--allowed-signers", &file]).code, 0);

    // An unsigned event among signed ones.
    let mut unsigned = commits.clone();
    unsigned[3].signed = false;
    let rebuilt = rebuild(&repo, genesis, &unsigned, true);
    assert_eq!(
        refused(&verify(&ledger, &[]), "history.signature", "members/ad/ada-quill.yaml", 1),
        rebuilt[3].to_string()
    );
    // A key the file does not name.
    let other = ledger.path().join(".git/other");
    let other_key = std::fs::read_to_string(fixture("tests/fixtures/other-signing-key.pub")).unwrap();
    std::fs::write(&other, format!("other@example.org {other_key}")).unwrap();
    let file = other.display().to_string();
    rebuild(&repo, genesis, &commits, true);
    let out = verify(&ledger, &["--allowed-signers", &file]);
    assert_eq!(refused(&out, "history.signature", PERSON_A, 1), first.to_string());
}

fn checkpoint(ledger: &Ledger, rev: &str) -> std::path::PathBuf {
    let out = ledger.run(&["checkpoint", "--sign", &fixture(KEY), "--rev", rev]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let path = ledger.path().join(format!(".git/checkpoint-{rev}"));
    std::fs::write(&path, out.stdout).unwrap();
    path
}

#[test]
fn a_checkpoint_catches_a_rewrite_that_verifies_on_its_own() {
    let (ledger, genesis) = merged();
    let repo = ledger.repo();
    let at = rollcall::history::chain(&repo, tip(&ledger), None).unwrap()[2].commit.to_string();
    let note = checkpoint(&ledger, &at);
    let text = std::fs::read_to_string(&note).unwrap();
    assert!(text.starts_with("example.org/members\n4\n"), "origin and event count: {text}");
    let note = note.display().to_string();
    let key = fixture(PUBLIC_KEY);
    let from = |ledger: &Ledger| verify(ledger, &["--checkpoint", &note, "--key", &key]);
    let out = from(&ledger);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["verified"]["events"], 2, "only the events after the checkpoint are replayed");

    // A careful forger drops an event and relinks the rest: every event is
    // legal, so verify from the first commit passes; the checkpoint does not.
    let original = tip(&ledger);
    let mut forged = items(&repo, genesis);
    forged.remove(1);
    rebuild(&repo, genesis, &forged, true);
    assert_eq!(verify(&ledger, &[]).code, 0, "the rewrite is consistent on its own");
    located(&from(&ledger), "checkpoint.extends", &note, 4);
    // Nor is a commit off the branch's history signed as its checkpoint.
    let off = ledger.run(&["checkpoint", "--sign", &fixture(KEY), "--rev", &at]);
    assert_eq!(off.code, 2, "{}", off.stdout);
    assert!(off.stderr.contains("first-parent history"), "{}", off.stderr);

    // A checkpoint signed by another key is refused.
    repo.reference("refs/heads/main", original, true, "restore").unwrap();
    let other = fixture("tests/fixtures/other-signing-key.pub");
    located(&verify(&ledger, &["--checkpoint", &note, "--key", &other]), "checkpoint.signature", &note, 1);
}

#[test]
fn every_single_byte_change_to_an_event_or_a_checkpoint_is_rejected() {
    use rollcall::history::checkpoint::{NoteSigner, Verifier};
    let ledger = desk();
    let genesis = tip(&ledger);
    let steps: Vec<Step> = (0..50)
        .map(|i| {
            let id: &'static str = Box::leak(format!("model-{i:02}").into_boxed_str());
            let date: &'static str = Box::leak(format!("2026-01-{:02}", 1 + i / 2).into_boxed_str());
            Step::Admit(individual(id, 94_000_000 + i as u64), date)
        })
        .collect();
    record(&ledger, &steps, &[]);
    let repo = ledger.repo();
    let chain: Vec<Oid> = {
        let mut c: Vec<Oid> =
            rollcall::history::chain(&repo, tip(&ledger), Some(genesis)).unwrap().iter().map(|s| s.commit).collect();
        c.reverse();
        c
    };
    let signer = NoteSigner::from_file("example.org/members", &common::repo_root().join(KEY)).unwrap();
    let keys: Vec<Verifier> = vec![signer.verifier()];
    let original_tip = tip(&ledger);
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut rejected = 0;
    for n in 1..=50 {
        let head = chain[n - 1];
        let cp = rollcall::history::verify::checkpoint_of(&repo, chain[n - 1], head, "example.org/members").unwrap();
        assert_eq!(cp.events, n as u64);
        let note = rollcall::history::checkpoint::sign(&cp, &signer);
        // Every byte of the checkpoint, changed three ways.
        for i in 0..note.len() {
            for delta in [1u8, 0x20, 0x80] {
                let mut bytes = note.clone().into_bytes();
                bytes[i] = bytes[i].wrapping_add(delta);
                let Ok(text) = String::from_utf8(bytes) else { continue };
                let opened = rollcall::history::checkpoint::open(&text, &keys, &[]);
                assert!(opened.is_err() || opened.unwrap().checkpoint != cp, "byte {i} of checkpoint {n}");
                rejected += 1;
            }
        }
        // A byte of one of its events (the commit or its member file), the
        // history above it rebuilt on the change: the checkpoint rejects it.
        for _ in 0..4 {
            let k = next() as usize % n;
            let commit = repo.find_commit(chain[k]).unwrap();
            let odb = repo.odb().unwrap();
            let (target, kind) = if next() % 2 == 0 {
                (chain[k], git2::ObjectType::Commit)
            } else {
                let tree = commit.tree().unwrap();
                let path = Event::parse(commit.message().unwrap()).unwrap().file;
                (tree.get_path(Path::new(&path)).unwrap().id(), git2::ObjectType::Blob)
            };
            let mut bytes = odb.read(target).unwrap().data().to_vec();
            let at = next() as usize % bytes.len();
            bytes[at] = bytes[at].wrapping_add(1 + (next() % 255) as u8);
            let changed = odb.write(kind, &bytes).unwrap();
            let new_tip = reparent(&repo, &chain[..n], k, kind, changed);
            // A commit that no longer parses stops the walk: rejected too.
            if let Ok(found) = rollcall::history::verify::extends(&repo, new_tip, &cp) {
                assert!(!found.is_empty(), "a change to byte {at} of event {k} under checkpoint {n} went unseen");
            }
            rejected += 1;
        }
    }
    assert!(rejected > 10_000, "{rejected}");
    repo.reference("refs/heads/main", original_tip, true, "restore").unwrap();
    assert_eq!(verify(&ledger, &[]).code, 0);
}

/// History up to `chain`'s end with event `k` replaced: its commit by
/// `changed`, or its member file's blob by `changed`; everything above it
/// re-parented. Returns the new tip.
fn reparent(repo: &Repository, chain: &[Oid], k: usize, kind: git2::ObjectType, changed: Oid) -> Oid {
    let odb = repo.odb().unwrap();
    let mut parent = None;
    for (i, oid) in chain.iter().enumerate() {
        let raw = odb.read(*oid).unwrap().data().to_vec();
        let mut text = String::from_utf8(raw).unwrap();
        if i == k && kind == git2::ObjectType::Commit {
            parent = Some(changed);
            continue;
        }
        if i == k {
            let commit = repo.find_commit(*oid).unwrap();
            let path = Event::parse(commit.message().unwrap()).unwrap().file;
            let tree = tree_with_file(repo, commit.tree_id(), &path, changed);
            text = text.replacen(&commit.tree_id().to_string(), &tree.to_string(), 1);
        }
        if let (Some(new), Some(old)) = (parent, (i > 0).then(|| chain[i - 1])) {
            text = text.replacen(&format!("parent {old}"), &format!("parent {new}"), 1);
        }
        parent = Some(odb.write(git2::ObjectType::Commit, text.as_bytes()).unwrap());
    }
    parent.unwrap()
}

/// The roll on `date` as the event list says it, computed without
/// `rollcall::history::voting`: who is active (admitted, renewed; not resigned),
/// since when, until when, and the tier's votes once 60 days old.
fn roll_from_events(ledger: &Ledger, date: &str) -> Vec<(String, u64)> {
    let date: jiff::civil::Date = date.parse().unwrap();
    let votes = |tier: &str| match tier {
        "individual" | "mirror" => 1,
        "silver" | "ruby" => 5,
        "gold" => 15,
        _ => 50,
    };
    // The demonstration roll as the first commit has it.
    let mut members: std::collections::BTreeMap<String, (String, String, jiff::civil::Date, jiff::civil::Date)> =
        Default::default();
    for entry in walkdir::WalkDir::new(common::repo_root().join("members")).into_iter().filter_map(Result::ok) {
        if !entry.file_type().is_file() {
            continue;
        }
        let v: Value = serde_saphyr::from_slice(&std::fs::read(entry.path()).unwrap()).unwrap();
        let d = |f: &str| v[f].as_str().and_then(|s| s.parse().ok()).unwrap_or(jiff::civil::Date::MAX);
        let status = v["status"].as_str().unwrap().to_owned();
        members.insert(
            v["id"].as_str().unwrap().into(),
            (status, v["tier"].as_str().unwrap().into(), d("admitted"), d("expires")),
        );
    }
    let log: Value = serde_json::from_str(&ledger.run(&["log", "--format", "json"]).stdout).unwrap();
    let mut events: Vec<&Value> = log["events"].as_array().unwrap().iter().collect();
    events.reverse();
    for e in events {
        let when: jiff::civil::Date = e["date"].as_str().unwrap().parse().unwrap();
        if when > date {
            break;
        }
        let id = e["member"].as_str().unwrap().to_owned();
        let year = |d: jiff::civil::Date| d.checked_add(jiff::Span::new().years(1)).unwrap();
        match e["kind"].as_str().unwrap() {
            "admit" => {
                let tier = if id == "acme-corp" { "silver" } else { "individual" };
                members.insert(id, ("active".into(), tier.into(), when, year(when)));
            }
            "renew" => {
                let m = members.get_mut(&id).unwrap();
                m.0 = "active".into();
                m.3 = year(m.3);
            }
            "resign" => members.get_mut(&id).unwrap().0 = "resigned".into(),
            other => panic!("the script has no {other}"),
        }
    }
    let old_enough = |admitted: jiff::civil::Date| admitted.checked_add(jiff::Span::new().days(60)).unwrap() <= date;
    members
        .into_iter()
        .filter(|(_, (status, _, admitted, expires))| status == "active" && *admitted <= date && *expires >= date)
        .map(|(id, (_, tier, admitted, _))| {
            let v = if old_enough(admitted) { votes(&tier) } else { 0 };
            (id, v)
        })
        .collect()
}

/// Each member on a roll (`roll --format json`) with its votes.
fn votes_on(roll: &Value) -> Vec<(String, u64)> {
    let members = roll["members"].as_array().unwrap();
    members.iter().map(|m| (m["member"].as_str().unwrap().to_owned(), m["votes"].as_u64().unwrap())).collect()
}

#[test]
fn the_roll_as_of_a_date_is_the_roll_the_event_list_gives() {
    let (ledger, _) = merged();
    for date in ["2025-12-31", "2026-01-05", "2026-01-19", "2026-02-15", "2026-03-06", "2026-04-20", "2026-06-30"] {
        let out = ledger.run(&["roll", "--as-of", date, "--format", "json"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let roll: Value = serde_json::from_str(&out.stdout).unwrap();
        let got = votes_on(&roll);
        assert_eq!(got, roll_from_events(&ledger, date), "the roll of {date}");
        let total: u64 = got.iter().map(|(_, v)| v).sum();
        let voting = got.iter().filter(|(_, v)| *v > 0).count() as u64;
        assert_eq!(roll["quorum"]["votes"], total);
        assert_eq!(roll["quorum"]["members_needed"], voting.div_ceil(10));
        assert_eq!(roll["quorum"]["votes_needed"], total.div_ceil(10));
    }
    // A member who resigned since is on the roll of a day it was a member.
    let past: Value =
        serde_json::from_str(&ledger.run(&["roll", "--as-of", "2026-02-14", "--format", "json"]).stdout).unwrap();
    assert!(past["members"].as_array().unwrap().iter().any(|m| m["member"] == "person-a"));
}

#[test]
fn a_policy_that_requires_signatures_needs_its_allowed_signers_file() {
    let ledger = common::desk_with(|ledger| ledger.edit_policy(|p| p + "\nsigned_events: true\n"));
    let before = tip(&ledger);
    // The merger refuses the event: verify would.
    let head = propose(&ledger, &individual("person-a", 93_000_001));
    let args = ["merge", "--format", "json", "--head", &head, "--author", "person-a", "--author-id", "93000001"];
    let out =
        ledger.run(&[&args[..], &["--approved-by", TWO, "--date", "2026-01-05", "--sign", &fixture(KEY)]].concat());
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    out.expect("history.allowed-signers", "schema/allowed_signers", 1);
    assert_eq!(tip(&ledger), before, "a refused event moves nothing");
    // An event forged past the gate (here: the library with a gate that
    // lets everything through) is caught by verify, at its commit.
    let request = rollcall::change::merge::Request {
        branch: "main".to_owned(),
        approvers: TWO
            .split(',')
            .map(|l| rollcall::change::approval::Approver { login: l.to_owned(), id: None })
            .collect(),
        payment: None,
        date: "2026-01-05".parse().unwrap(),
        skip: Default::default(),
        gate: |_, _, _, _| Ok(Vec::new()),
        mirrors: Default::default(),
    };
    let pr = rollcall::change::merge::PullRequest {
        head,
        author: rollcall::change::pull_request::Author { login: "person-a".to_owned(), id: 93_000_001 },
        number: None,
    };
    let signer = Signer::from_file(Path::new(&fixture(KEY))).unwrap();
    let outcome = rollcall::change::merge::merge(ledger.path(), &request, &pr, Some(&signer)).unwrap();
    assert!(outcome.recorded.is_some());
    let named = refused(&verify(&ledger, &[]), "history.allowed-signers", "schema/allowed_signers", 1);
    assert_eq!(named, tip(&ledger).to_string());
}

#[test]
fn a_checkpoint_of_another_ledger_or_another_state_is_refused() {
    use rollcall::history::checkpoint::{Checkpoint, NoteSigner};
    let (ledger, _) = merged();
    let repo = ledger.repo();
    let head = tip(&ledger);
    let good = rollcall::history::verify::checkpoint_of(&repo, head, head, "example.org/members").unwrap();
    let signer = NoteSigner::from_file("example.org/members", &common::repo_root().join(KEY)).unwrap();
    let key = fixture(PUBLIC_KEY);
    let cases = [
        ("checkpoint.origin", 1, Checkpoint { origin: "other.example/members".into(), ..good.clone() }),
        ("checkpoint.state", 3, Checkpoint { state: [7; 32], ..good.clone() }),
    ];
    for (rule, line, checkpoint) in cases {
        let path = ledger.path().join(".git/forged-checkpoint");
        std::fs::write(&path, rollcall::history::checkpoint::sign(&checkpoint, &signer)).unwrap();
        let path = path.to_str().unwrap();
        located(&verify(&ledger, &["--checkpoint", path, "--key", &key]), rule, path, line);
    }
    let path = ledger.path().join(".git/good-checkpoint");
    std::fs::write(&path, rollcall::history::checkpoint::sign(&good, &signer)).unwrap();
    assert_eq!(verify(&ledger, &["--checkpoint", path.to_str().unwrap(), "--key", &key]).code, 0);
}

/// The rules the tests above catch tampering with, beyond the table's.
const CAUGHT_ELSEWHERE: [&str; 10] = [
    // tests/index.rs
    "history.index",
    // tests/amend.rs
    "history.unapproved-amendment",
    "history.anchor-rotation",
    "history.amendment-change",
    "history.signature",
    "history.allowed-signers",
    "checkpoint.extends",
    "checkpoint.signature",
    "checkpoint.origin",
    "checkpoint.state",
];

#[test]
fn every_history_rule_has_a_failing_case() {
    let caught: std::collections::BTreeSet<&str> = tampers().iter().map(|t| t.rule).chain(CAUGHT_ELSEWHERE).collect();
    for rule in rollcall::roll::rules::RULES.iter().filter(|r| matches!(r.check, rollcall::roll::rules::Check::History))
    {
        assert!(caught.contains(rule.name), "no test makes history break {}", rule.name);
    }
}

#[test]
fn what_log_and_roll_remember_changes_no_answer() {
    let (ledger, _) = merged();
    let run = |args: &[&str]| {
        let out = ledger.run(args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let log = run(&["log", "--format", "json"]);
    let roll = run(&["roll", "--as-of", "2026-03-06", "--format", "json"]);
    let git = ledger.path().join(".git");
    assert!(git.join("rollcall-checked").is_file() && git.join("rollcall-roll-cache").is_file());
    // Remembered: the same answers.
    assert_eq!(run(&["log", "--format", "json"]), log);
    assert_eq!(run(&["roll", "--as-of", "2026-03-06", "--format", "json"]), roll);
    // Garbled, truncated or replaced by a directory: ignored, and the same answers.
    for garble in [&b"rollcall checked commits v1\n\x01\x02"[..], b"", b"not rollcall's\n"] {
        std::fs::write(git.join("rollcall-checked"), garble).unwrap();
        std::fs::write(git.join("rollcall-roll-cache"), garble).unwrap();
        assert_eq!(run(&["log", "--format", "json"]), log);
        assert_eq!(run(&["roll", "--as-of", "2026-03-06", "--format", "json"]), roll);
    }
    // A cached summary that lies about a blob is what a cache keyed by
    // content cannot have; one about a blob no longer on the roll is unused.
    let mut lines: Vec<String> =
        std::fs::read_to_string(git.join("rollcall-roll-cache")).unwrap().lines().map(str::to_owned).collect();
    lines.push(format!("[\"{}\",null]", "0".repeat(40)));
    std::fs::write(git.join("rollcall-roll-cache"), lines.join("\n") + "\n").unwrap();
    assert_eq!(run(&["roll", "--as-of", "2026-03-06", "--format", "json"]), roll);
}

#[test]
fn a_checkpoint_is_checked_against_the_key_the_branch_publishes() {
    let ledger = desk();
    let vkey = ledger.run(&["checkpoint", "--sign", &fixture(KEY), "--vkey"]);
    assert_eq!(vkey.code, 0, "{}", vkey.stderr);
    assert!(vkey.stdout.starts_with("example.org/members+"), "{}", vkey.stdout);
    ledger.write(
        rollcall::history::verify::CHECKPOINT_KEYS_FILE,
        format!("# the ledger's checkpoint key\n{}", vkey.stdout),
    );
    ledger.commit("publish the checkpoint key");
    record(&ledger, &script()[..3], &[]);
    let note = checkpoint(&ledger, "main~1");
    let note = note.to_str().unwrap();
    record(&ledger, &script()[3..4], &[]);
    let out = verify(&ledger, &["--checkpoint", note]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    // Signed by another key than the one published: refused.
    let other = ledger.path().join(".git/other-checkpoint");
    let signer =
        rollcall::history::checkpoint::NoteSigner::from_file("example.org/members", &common::repo_root().join(KEY))
            .unwrap();
    let theirs = rollcall::history::checkpoint::NoteSigner::from_file(
        "example.org/members",
        &common::repo_root().join("tests/fixtures/other-signing-key"),
    )
    .unwrap();
    let head = tip(&ledger);
    let checkpoint =
        rollcall::history::verify::checkpoint_of(&ledger.repo(), head, head, "example.org/members").unwrap();
    assert!(rollcall::history::checkpoint::sign(&checkpoint, &signer).contains("head"));
    std::fs::write(&other, rollcall::history::checkpoint::sign(&checkpoint, &theirs)).unwrap();
    let other = other.to_str().unwrap();
    located(&verify(&ledger, &["--checkpoint", other]), "checkpoint.signature", other, 1);
}

#[test]
fn an_object_changed_on_disk_is_refused_by_verify() {
    let (ledger, _) = merged();
    let repo = ledger.repo();
    let steps = rollcall::history::chain(&repo, tip(&ledger), None).unwrap();
    let event = steps[3].event().unwrap().clone();
    let tree = repo.find_commit(steps[3].commit).unwrap().tree().unwrap();
    let blob = tree.get_path(Path::new(&event.file)).unwrap().id();
    // The member file's loose object, overwritten with another content's
    // (a valid object file, for the wrong id).
    let mut bytes = repo.find_blob(blob).unwrap().content().to_vec();
    bytes[0] ^= 0x20;
    let other = repo.blob(&bytes).unwrap();
    let loose = |oid: Oid| {
        let hex = oid.to_string();
        ledger.path().join(".git/objects").join(&hex[..2]).join(&hex[2..])
    };
    assert!(loose(blob).is_file(), "the merger writes loose objects");
    let mut permissions = std::fs::metadata(loose(blob)).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(loose(blob), permissions).unwrap();
    std::fs::copy(loose(other), loose(blob)).unwrap();
    let out = verify(&ledger, &[]);
    assert_ne!(out.code, 0, "{}", out.stdout);
    assert!(out.stderr.contains("hash"), "{}", out.stderr);
}

#[test]
fn a_tree_that_names_members_twice_is_refused() {
    let (ledger, _) = merged();
    let repo = ledger.repo();
    let main = repo.find_commit(tip(&ledger)).unwrap();
    let root = main.tree().unwrap();
    let members = root.get_name("members").unwrap().id();
    // A second `members` entry, after the first, holding a roll of one.
    let forged =
        repo.find_tree(tree_with_file(&repo, root.id(), "members/ev/evil.yaml", repo.blob(b"x").unwrap())).unwrap();
    let evil_members = forged.get_name("members").unwrap().id();
    let mut entries: Vec<(String, String, Oid)> =
        root.iter().map(|e| (format!("{:o}", e.filemode()), e.name().unwrap().to_owned(), e.id())).collect();
    let at = entries.iter().position(|(_, name, _)| name == "members").unwrap();
    entries.insert(at + 1, ("40000".into(), "members".into(), evil_members));
    assert_eq!(entries[at].2, members);
    let mut raw = Vec::new();
    for (mode, name, id) in &entries {
        raw.extend_from_slice(format!("{} {name}\0", mode.trim_start_matches('0')).as_bytes());
        raw.extend_from_slice(id.as_bytes());
    }
    let tree = repo.odb().unwrap().write(git2::ObjectType::Tree, &raw).unwrap();
    let sig = common::signature();
    let text = repo.commit_create_buffer(&sig, &sig, "Tidy up", &repo.find_tree(tree).unwrap(), &[&main]).unwrap();
    let commit = repo.odb().unwrap().write(git2::ObjectType::Commit, text.as_str().unwrap().as_bytes()).unwrap();
    repo.reference("refs/heads/main", commit, true, "forge").unwrap();
    let out = verify(&ledger, &[]);
    assert_ne!(out.code, 0, "{}", out.stdout);
    assert!(out.stderr.contains("corrupt"), "{}", out.stderr);
    assert_ne!(ledger.run(&["log"]).code, 0);
}

#[test]
fn a_maintenance_commit_with_an_old_clock_does_not_move_the_roll_of_a_date() {
    let (ledger, _) = merged();
    let repo = ledger.repo();
    let main = repo.find_commit(tip(&ledger)).unwrap();
    let tree = tree_with_file(&repo, main.tree_id(), "README.md", repo.blob(b"docs\n").unwrap());
    let old = git2::Signature::new("Maintainer", "m@example.org", &git2::Time::new(946_684_800, 0)).unwrap();
    let commit = repo.commit(None, &old, &old, "Docs", &repo.find_tree(tree).unwrap(), &[&main]).unwrap();
    repo.reference("refs/heads/main", commit, true, "docs").unwrap();
    for date in ["2026-02-14", "2026-03-06"] {
        let roll: Value =
            serde_json::from_str(&ledger.run(&["roll", "--as-of", date, "--format", "json"]).stdout).unwrap();
        let got = votes_on(&roll);
        assert_eq!(got, roll_from_events(&ledger, date), "the roll of {date}");
    }
}

#[test]
fn a_rule_an_event_was_merged_without_is_skipped_by_verify_too() {
    let ledger = desk();
    let mut application = individual("mailer", 93_000_009);
    application["name"] = "Mail me at mailer@example.org".into();
    let head = propose(&ledger, &application);
    let out = ledger.run(&[
        "merge",
        "--head",
        &head,
        "--author",
        "mailer",
        "--author-id",
        "93000009",
        "--approved-by",
        TWO,
        "--date",
        "2026-01-05",
        "--skip",
        "privacy.contact-details",
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let out = verify(&ledger, &[]);
    assert_eq!(refused(&out, "privacy.contact-details", "members/ma/mailer.yaml", 2), tip(&ledger).to_string());
    let out = verify(&ledger, &["--skip", "privacy.contact-details"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(verify(&ledger, &["--skip", "no.such-rule"]).code, 2);
}

/// The ledger on a date, for random histories of member events,
/// amendments and maintenance commits: the roll of a date is the roll of
/// the history cut after the last event dated on or before it.
mod dated {
    use super::{TWO, common};
    use common::{Ledger, amend, desk, individual, propose, tip};
    use git2::Oid;
    use jiff::civil::Date;
    use proptest::prelude::*;
    use rollcall::history::{Record, chain};
    use serde_json::Value;

    /// One commit after the genesis, `gap` days after the one before it
    /// (the first, after 2026-04-11).
    #[derive(Clone, Debug)]
    enum Op {
        Admit,
        /// The individual tier's votes go from 1 to 2, 3, then 1 again.
        Amend,
        Maintenance,
    }

    fn op() -> impl Strategy<Value = (Op, i64)> {
        let op = prop_oneof![Just(Op::Admit), Just(Op::Amend), Just(Op::Maintenance)];
        (op, 0i64..40)
    }

    /// `policy` with the individual tier's votes set to `votes`.
    fn individual_votes(mut policy: String, votes: u32) -> String {
        let tier = policy.find("  - name: individual\n").expect("the individual tier");
        let line = tier + policy[tier..].find("    votes: ").expect("its votes");
        let end = line + policy[line..].find('\n').expect("a line");
        policy.replace_range(line..end, &format!("    votes: {votes}"));
        policy
    }

    /// Records `ops` with the real binary, each on its date.
    fn record(ledger: &Ledger, ops: &[(Op, i64)]) {
        // From the day the shipped roll's first individual member votes.
        let mut date: Date = "2026-04-11".parse().unwrap();
        let mut votes = 1;
        for (i, (op, gap)) in ops.iter().enumerate() {
            date = date.checked_add(jiff::Span::new().days(*gap)).unwrap();
            let day = date.to_string();
            match op {
                Op::Admit => {
                    let id = 93_100_000 + i as u64;
                    let login = format!("person-{}", char::from(b'a' + i as u8));
                    let head = propose(ledger, &individual(&login, id));
                    let id = id.to_string();
                    let args = ["merge", "--head", &head, "--author", &login, "--author-id", &id, "--approved-by", TWO];
                    let out = ledger.run(&[&args[..], &["--date", &day]].concat());
                    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
                }
                Op::Amend => {
                    votes = votes % 3 + 1;
                    ledger.edit_policy(|p| individual_votes(p, votes));
                    amend(ledger, &day, &[]);
                }
                Op::Maintenance => {
                    let notes = common::commit_with_file(&ledger.repo(), tip(ledger), "NOTES.md", day.as_bytes());
                    ledger.repo().reference("refs/heads/main", notes, true, "notes").unwrap();
                }
            }
        }
    }

    fn roll(ledger: &Ledger, date: Date) -> Value {
        let out = ledger.run(&["roll", "--as-of", &date.to_string(), "--format", "json"]);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
        serde_json::from_str(&out.stdout).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10))]

        #[test]
        fn the_roll_of_a_date_is_the_roll_of_the_history_cut_after_its_last_event(
            ops in proptest::collection::vec(op(), 1..6),
        ) {
            let ledger = desk();
            record(&ledger, &ops);
            let repo = ledger.repo();
            let full = tip(&ledger);
            let steps = chain(&repo, full, None).unwrap();
            let dated: Vec<Option<Date>> = steps.iter().map(|s| s.record.date()).collect();
            prop_assert!(steps.iter().all(|s| !matches!(s.record, Record::Malformed)));
            // Every event's day, the day before it, and the genesis's.
            let mut dates: Vec<Date> = dated.iter().flatten().flat_map(|d| [*d, d.yesterday().unwrap()]).collect();
            dates.retain(|d| d.to_string().as_str() >= common::GENESIS_DATE);
            dates.sort();
            dates.dedup();
            for date in dates {
                let whole = roll(&ledger, date);
                // Newest first: the last event dated on or before the date.
                let last = dated.iter().position(|d| d.is_some_and(|d| d <= date)).unwrap();
                repo.reference("refs/heads/main", steps[last].commit, true, "cut").unwrap();
                let cut = roll(&ledger, date);
                repo.reference("refs/heads/main", full, true, "restore").unwrap();
                for field in ["members", "totals", "quorum"] {
                    prop_assert_eq!(&whole[field], &cut[field], "{} of {}", field, date);
                }
                // The state read is that event's or an undated commit after
                // it, up to the next dated one.
                let at: Oid = whole["commit"].as_str().unwrap().parse().unwrap();
                let at = steps.iter().position(|s| s.commit == at).unwrap();
                prop_assert!(at <= last, "the roll of {} reads a state before its last event", date);
                prop_assert!(dated[at..last].iter().all(Option::is_none), "a dated step after {} is in its roll", date);
                prop_assert!(at == 0 || dated[at - 1].is_some(), "an undated commit of {} is left out", date);
            }
        }
    }
}
