//! The split index (`index/`): every event keeps it current by rewriting a
//! few small files, `verify` refuses an index file edited by hand whether a
//! maintenance commit or an event's commit carries it, and a ledger still
//! on the first layout (`roll.index`) keeps working and migrates by a plain
//! `rollcall index`.

use crate::common::*;
use git2::{Oid, Repository};

const TWO: &[&str] = &["--approved-by", "lena-hart,kofi-mensah"];

fn merge(ledger: &Ledger, id: &str, account: u64) -> Outcome {
    let head = propose(ledger, &individual(id, account));
    let account = account.to_string();
    let mut args = vec!["merge", "--format", "json", "--date", AS_OF, "--head", &head, "--author", id];
    args.extend(["--author-id", &account]);
    args.extend_from_slice(TWO);
    ledger.run(&args)
}

/// The paths a commit changed against its parent, with their sizes now.
fn changed(repo: &Repository, commit: Oid) -> Vec<(String, usize)> {
    let commit = repo.find_commit(commit).unwrap();
    let old = commit.parent(0).unwrap().tree().unwrap();
    let new = commit.tree().unwrap();
    let diff = repo.diff_tree_to_tree(Some(&old), Some(&new), None).unwrap();
    diff.deltas()
        .map(|d| {
            let size = repo.find_blob(d.new_file().id()).map_or(0, |b| b.size());
            (d.new_file().path().unwrap().to_string_lossy().into_owned(), size)
        })
        .collect()
}

/// Moves main to a maintenance commit setting `path` to `bytes`.
fn maintenance(ledger: &Ledger, path: &str, bytes: &[u8]) -> Oid {
    let repo = ledger.repo();
    let commit = commit_with_file(&repo, tip(ledger), path, bytes);
    repo.reference("refs/heads/main", commit, true, "maintenance").unwrap();
    commit
}

/// The first index file at the tip that files `needle`, and its text.
fn index_file_with(ledger: &Ledger, needle: &str) -> (String, String) {
    let repo = ledger.repo();
    let tree = repo.find_commit(tip(ledger)).unwrap().tree().unwrap();
    for (path, blob) in rollcall::roll::sharded::committed(&repo, &tree).unwrap() {
        let text = String::from_utf8(repo.find_blob(blob).unwrap().content().to_vec()).unwrap();
        if text.contains(needle) {
            return (path, text);
        }
    }
    panic!("no index file has {needle:?}")
}

#[track_caller]
fn refused_at(out: &Outcome, rule: &str, file: &str, commit: Oid) {
    assert_eq!(out.code, 1, "verify must refuse: {}{}", out.stdout, out.stderr);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["rule"] == rule && f["file"] == file && f["commit"] == commit.to_string()),
        "{rule} at {file} in {commit}: {}",
        out.stdout
    );
}

#[test]
fn an_event_rewrites_a_few_small_index_files_and_verifies() {
    let ledger = desk();
    let out = merge(&ledger, "new-person", 93_000_001);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let files = changed(&ledger.repo(), tip(&ledger));
    let index: Vec<&(String, usize)> = files.iter().filter(|(p, _)| p.starts_with("index/")).collect();
    // Its account, id and number, its tier's shard file, and the header.
    assert!((2..=6).contains(&index.len()), "{files:?}");
    assert!(index.iter().all(|(_, size)| *size < 4096), "{files:?}");
    assert!(index.iter().any(|(p, _)| p == rollcall::roll::sharded::HEADER_FILE));
    assert_eq!(verify(&ledger).code, 0, "{}", verify(&ledger).stdout);
    assert_eq!(ledger.run(&["validate", "--rev", "main"]).code, 0);
}

#[test]
fn an_index_file_edited_by_hand_is_refused_by_verify() {
    let ledger = desk();
    assert_eq!(merge(&ledger, "new-person", 93_000_001).code, 0);
    assert_eq!(verify(&ledger).code, 0);
    // One account changed in one file, as a maintenance commit: that file is named.
    let (path, text) = index_file_with(&ledger, "\t92000001\t");
    let edited = maintenance(&ledger, &path, text.replace("\t92000001\t", "\t1\t").as_bytes());
    refused_at(&verify(&ledger), "history.index", &path, edited);
    // Rebuilt by `rollcall index`, an index is a plain maintenance change.
    let ledger = desk();
    assert_eq!(merge(&ledger, "new-person", 93_000_001).code, 0);
    let repo = ledger.repo();
    let tree = repo.find_commit(tip(&ledger)).unwrap().tree_id();
    let source = rollcall::roll::source::Source::Git { repo: repo.path().to_path_buf(), tree };
    let built = rollcall::roll::sharded::build(&source).unwrap();
    let (path, bytes) = built.iter().next().unwrap();
    maintenance(&ledger, path, bytes);
    assert_eq!(verify(&ledger).code, 0, "{}", verify(&ledger).stdout);
}

#[test]
fn an_event_whose_index_was_edited_is_refused_by_verify() {
    let ledger = desk();
    assert_eq!(merge(&ledger, "new-person", 93_000_001).code, 0);
    let repo = ledger.repo();
    let event = tip(&ledger);
    // The event's commit rewritten with one of its index files edited: the
    // member file and the trailers are as the merger wrote them.
    let (path, text) = index_file_with(&ledger, "\t93000001\t");
    let blob = repo.blob(text.replace("\t93000001\t", "\t93000002\t").as_bytes()).unwrap();
    let commit = repo.find_commit(event).unwrap();
    let tree = tree_with_file(&repo, commit.tree_id(), &path, blob);
    let raw = repo.odb().unwrap().read(event).unwrap().data().to_vec();
    let text = String::from_utf8(raw).unwrap().replacen(&commit.tree_id().to_string(), &tree.to_string(), 1);
    let forged = repo.odb().unwrap().write(git2::ObjectType::Commit, text.as_bytes()).unwrap();
    repo.reference("refs/heads/main", forged, true, "forged").unwrap();
    refused_at(&verify(&ledger), "history.index", &path, forged);
}

#[test]
fn a_ledger_on_roll_index_keeps_working_and_migrates_by_rollcall_index() {
    // The first layout, as ledgers written before the split carry it.
    let ledger = Ledger::shipped();
    let mut options = git2::RepositoryInitOptions::new();
    options.initial_head("main");
    git2::Repository::init_opts(ledger.path(), &options).unwrap();
    let source = rollcall::roll::source::Source::disk(ledger.path()).unwrap();
    ledger.write("roll.index", rollcall::roll::index::build(&source).unwrap());
    ledger.commit(&genesis_message(&ledger, GENESIS_DATE));
    assert_eq!(ledger.run(&["index", "--check"]).code, 0);
    // Events read it, leave it alone and verify; a clash is still found through it.
    assert_eq!(merge(&ledger, "new-person", 93_000_001).code, 0);
    let files = changed(&ledger.repo(), tip(&ledger));
    assert_eq!(files.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(), ["members/ne/new-person.yaml"]);
    let clash = merge(&ledger, "same-person", 93_000_001);
    assert_eq!(clash.code, 1);
    assert!(!clash.of("identity.unique-github-id").is_empty(), "{}", clash.stdout);
    assert_eq!(verify(&ledger).code, 0);
    // Migrated in the work tree (checked out at the tip) by `rollcall index`,
    // committed as maintenance.
    let repo = ledger.repo();
    repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force())).unwrap();
    assert_eq!(ledger.run(&["index"]).code, 0);
    assert!(!ledger.path().join("roll.index").exists() && ledger.path().join("index/roll").is_file());
    assert_eq!(ledger.run(&["index", "--check"]).code, 0);
    ledger.commit("the split index");
    assert_eq!(verify(&ledger).code, 0, "{}", verify(&ledger).stdout);
    let out = merge(&ledger, "another-person", 93_000_002);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(changed(&ledger.repo(), tip(&ledger)).iter().any(|(p, _)| p.starts_with("index/")));
    assert_eq!(merge(&ledger, "again-person", 93_000_002).code, 1, "a clash found through the split index");
    assert_eq!(verify(&ledger).code, 0);
}
