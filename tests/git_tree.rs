//! `validate --rev` on hostile trees built from raw git objects: what a pull
//! request from a fork can contain, read as objects and never checked out.

use crate::common::*;
use git2::{Oid, Repository};

/// The shipped ledger committed, then a second commit adding `extra`.
fn ledger_with(extra: impl FnOnce(&Repository) -> Vec<(Vec<u8>, Oid)>) -> Ledger {
    let ledger = Ledger::shipped();
    ledger.commit("shipped roll");
    commit_raw_members(&ledger, extra);
    ledger
}

fn valid(id: &str, github_id: u64) -> Vec<u8> {
    canonical(&individual(id, github_id)).into_bytes()
}

#[test]
fn a_symlink_named_like_a_member_file_is_reported_and_never_read() {
    let ledger = ledger_with(|repo| {
        let target = blob(repo, b"/etc/passwd");
        vec![(b"ev".to_vec(), raw_tree(repo, &[(0o120000, b"evil.yaml", target)]))]
    });
    let out = ledger.validate(&["--rev", "HEAD"]);
    out.expect("tree.symlink", "members/ev/evil.yaml", 1);
    assert_eq!(out.findings.len(), 1, "{}", out.summary());
}

#[test]
fn a_gitlink_is_reported() {
    let ledger = ledger_with(|repo| {
        let commit = repo.head().unwrap().target().unwrap();
        vec![(b"su".to_vec(), raw_tree(repo, &[(0o160000, b"sub.yaml", commit)]))]
    });
    ledger.validate(&["--rev", "HEAD"]).expect("tree.submodule", "members/su/sub.yaml", 1);
}

#[test]
fn dot_dot_and_odd_names_are_not_member_files() {
    let ledger = ledger_with(|repo| {
        let file = blob(repo, &valid("x", 99_000_001));
        let inner = raw_tree(repo, &[(0o100644, b"x.yaml", file)]);
        vec![
            (b"..".to_vec(), inner),
            (b"sp".to_vec(), raw_tree(repo, &[(0o100644, b"spa ce.yaml", file)])),
            (b"ba".to_vec(), raw_tree(repo, &[(0o100644, b"back\\slash.yaml", file)])),
        ]
    });
    let out = ledger.validate(&["--rev", "HEAD"]);
    out.expect("tree.file-name", "members/../x.yaml", 1);
    out.expect("tree.file-name", "members/sp/spa ce.yaml", 1);
    out.expect("tree.file-name", "members/ba/back\\slash.yaml", 1);
    assert_eq!(out.findings.len(), 3, "nothing else is read: {}", out.summary());
}

#[test]
fn a_non_utf8_file_name_is_reported() {
    let ledger = ledger_with(|repo| {
        let file = blob(repo, &valid("nu", 99_000_001));
        vec![(b"nu".to_vec(), raw_tree(repo, &[(0o100644, b"n\xffu.yaml", file)]))]
    });
    let out = ledger.validate(&["--rev", "HEAD"]);
    let found = out.of("tree.file-name");
    assert_eq!(found.len(), 1, "{}", out.summary());
    assert!(found[0].message.contains("not valid UTF-8"));
    assert!(found[0].file.starts_with("members/nu/n"));
}

#[test]
fn case_colliding_files_are_reported() {
    let ledger = ledger_with(|repo| {
        let lower = blob(repo, &valid("casey", 99_000_001));
        let upper = blob(repo, &valid("casey", 99_000_002));
        vec![(b"ca".to_vec(), raw_tree(repo, &[(0o100644, b"casey.yaml", lower), (0o100644, b"Casey.yaml", upper)]))]
    });
    let out = ledger.validate(&["--rev", "HEAD"]);
    out.expect("file.stem-matches-id", "members/ca/Casey.yaml", 1);
    out.expect("identity.unique-id", "members/ca/Casey.yaml", 1);
    out.expect("identity.unique-id", "members/ca/casey.yaml", 1);
}

#[test]
fn an_executable_member_file_is_reported() {
    let ledger = ledger_with(|repo| {
        let file = blob(repo, &valid("ex", 99_000_001));
        vec![(b"ex".to_vec(), raw_tree(repo, &[(0o100755, b"ex.yaml", file)]))]
    });
    let out = ledger.validate(&["--rev", "HEAD"]);
    out.expect("tree.executable", "members/ex/ex.yaml", 1);
    assert_eq!(out.findings.len(), 1, "an executable file is not read: {}", out.summary());
}

#[test]
fn a_directory_where_a_member_file_belongs_is_reported() {
    let ledger = ledger_with(|repo| {
        let file = blob(repo, &valid("di", 99_000_001));
        let inner = raw_tree(repo, &[(0o100644, b"di.yaml", file)]);
        vec![(b"di".to_vec(), raw_tree(repo, &[(0o040000, b"di.yaml", inner)]))]
    });
    ledger.validate(&["--rev", "HEAD"]).expect("tree.file-name", "members/di/di.yaml/di.yaml", 1);
}

/// Peak resident memory of a run of the binary, in KiB.
#[allow(clippy::zombie_processes, reason = "reaped by wait4, which also reports its peak memory")]
fn peak_rss_kib(args: &[&str], dir: &std::path::Path) -> (i64, i32) {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_rollcall"))
        .args(args)
        .arg("--repo")
        .arg(dir)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child into valid out-pointers.
    unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    (usage.ru_maxrss, libc::WEXITSTATUS(status))
}

#[test]
fn a_90_mb_blob_is_refused_from_its_header_without_being_read() {
    let ledger = ledger_with(|repo| {
        // Compresses to almost nothing in the object store, but is 90 MB to read.
        let huge = blob(repo, &vec![b'a'; 90 * 1024 * 1024]);
        vec![(b"hu".to_vec(), raw_tree(repo, &[(0o100644, b"huge.yaml", huge)]))]
    });
    let out = ledger.validate(&["--rev", "HEAD"]);
    let found = out.expect("yaml.too-large", "members/hu/huge.yaml", 1);
    assert!(found.message.contains("94371840 bytes"), "{}", found.message);
    // Compared with the same roll one commit earlier, without the blob.
    let (with_blob, code) =
        peak_rss_kib(&["validate", "--format", "json", "--rev", "HEAD", "--as-of", AS_OF], ledger.path());
    assert_eq!(code, 1);
    let (baseline, code) =
        peak_rss_kib(&["validate", "--format", "json", "--rev", "HEAD~1", "--as-of", AS_OF], ledger.path());
    assert_eq!(code, 0);
    assert!(with_blob < baseline + 20 * 1024, "peak RSS {with_blob} KiB against {baseline} KiB: the blob was read");
}

#[test]
fn the_rules_come_from_the_revision_too() {
    // A revision that weakens its own schema is judged by that schema: --rev
    // validates a revision as it stands; judging a change by its base's rules
    // is what `check-pr` does.
    let ledger = Ledger::shipped();
    ledger.commit("shipped");
    let schema = ledger.path().join("schema/member.schema.json");
    let text = std::fs::read_to_string(&schema).unwrap();
    std::fs::write(&schema, text.replace("\"maxLength\": 200,", "\"maxLength\": 2,")).unwrap();
    let out = ledger.validate(&[]);
    assert!(out.of("schema.max-length").len() >= 10, "the work tree's schema applies to the work tree");
    ledger.validate(&["--rev", "HEAD"]).assert_clean();
}

#[test]
fn a_missing_object_makes_the_revision_unreadable() {
    let ledger = ledger_with(|repo| {
        let nowhere = Oid::from_str("1234567890123456789012345678901234567890").unwrap();
        vec![(b"mi".to_vec(), raw_tree(repo, &[(0o100644, b"missing.yaml", nowhere)]))]
    });
    let out = ledger.validate(&["--rev", "HEAD"]);
    assert_eq!(out.code, 2, "{}", out.summary());
    assert!(out.stderr.contains("members/mi/missing.yaml"), "{}", out.stderr);
}
