//! A merge killed at any point: the branch is before or after the event,
//! never between, with no lock left on it and no stray file in the work
//! tree or among the refs. The kill times are spread over the whole length
//! of a merge. (An event that never landed may leave unreachable objects
//! under .git/objects, as any interrupted git command does; `git gc` drops
//! them.)

use crate::common;

use crate::common::{AS_OF, Ledger, individual};
use std::process::{Command, Stdio};
use std::time::Instant;

fn merge_command(ledger: &Ledger, head: &str, id: &str, account: u64) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rollcall"));
    command
        .args(["merge", "--format", "json", "--date", AS_OF, "--head", head, "--author", id])
        .args(["--author-id", &account.to_string(), "--approved-by", "lena-hart,kofi-mensah", "--repo"])
        .arg(ledger.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// Every file of the work tree and of `.git/refs`, except git's objects.
fn files(ledger: &Ledger) -> Vec<String> {
    walkdir::WalkDir::new(ledger.path())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(ledger.path()).unwrap().to_string_lossy().into_owned())
        .filter(|p| !p.starts_with(".git/objects/") && !p.starts_with(".git/logs/"))
        .collect()
}

#[test]
fn a_merge_killed_at_any_point_leaves_the_branch_before_or_after() {
    let ledger = merge_desk();
    // How long an uninterrupted merge takes here.
    let head = propose(&ledger, "timing-run", 96_000_000);
    let start = Instant::now();
    assert!(merge_command(&ledger, &head, "timing-run", 96_000_000).status().unwrap().success());
    let length = start.elapsed();
    let (mut before, mut after, mut locks_left) = (0, 0, 0);
    const ROUNDS: u32 = 80;
    // On a busy machine a merge may take longer than the timing run did: the
    // rounds past ROUNDS wait ever longer, until a kill came after the event.
    for round in 0..ROUNDS + 8 {
        if round >= ROUNDS && after > 0 {
            break;
        }
        let id = format!("killed-{round}");
        let account = 96_000_001 + u64::from(round);
        let head = propose(&ledger, &id, account);
        let tip = tip(&ledger);
        let mut expected_files = files(&ledger);
        expected_files.retain(|f| !f.ends_with("main.lock"));
        // From the start of the process to a little past its usual end.
        let delay = if round < ROUNDS {
            length.mul_f64(1.2 * f64::from(round) / f64::from(ROUNDS))
        } else {
            length.mul_f64(f64::from(2u32.pow(round - ROUNDS + 1)))
        };
        let mut child = merge_command(&ledger, &head, &id, account).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        let now = self::tip(&ledger);
        let path = rollcall::roll::layout::member_path(&id);
        if now == tip {
            before += 1;
            let mut now_files = files(&ledger);
            now_files.retain(|f| !f.ends_with("main.lock"));
            assert_eq!(now_files, expected_files, "round {round} ({delay:?}): stray files");
        } else {
            after += 1;
            let repo = ledger.repo();
            let commit = repo.find_commit(now).unwrap();
            assert_eq!(commit.parent_ids().collect::<Vec<_>>(), [tip], "round {round}: one event on the old tip");
            assert!(commit.tree().unwrap().get_path(std::path::Path::new(&path)).is_ok());
            // The event moves the branch, never the work tree.
            let mut now_files = files(&ledger);
            now_files.retain(|f| !f.ends_with("main.lock"));
            assert_eq!(now_files, expected_files, "round {round} ({delay:?}): stray files");
        }
        assert!(
            !files(&ledger).iter().any(|f| f.ends_with(".tmp")),
            "round {round} ({delay:?}): a temporary file was left: {:?}",
            files(&ledger)
        );
        // A kill while git's lock on the branch was taken leaves that lock,
        // as a killed git does; the next event clears it and lands.
        if files(&ledger).contains(&".git/refs/heads/main.lock".to_owned()) {
            locks_left += 1;
        }
    }
    let head = propose(&ledger, "after-the-kills", 97_000_000);
    assert!(merge_command(&ledger, &head, "after-the-kills", 97_000_000).status().unwrap().success());
    assert!(!files(&ledger).iter().any(|f| f.ends_with(".lock")), "{:?}", files(&ledger));
    ledger.validate(&["--rev", "main"]).assert_clean();
    assert!(before > 0 && after > 0, "kills before ({before}) and after ({after}) the event were both exercised");
    eprintln!("{before} kills before the event, {after} after, {locks_left} left git's branch lock");
}

fn merge_desk() -> Ledger {
    let ledger = Ledger::shipped();
    let mut options = git2::RepositoryInitOptions::new();
    options.initial_head("main");
    git2::Repository::init_opts(ledger.path(), &options).unwrap();
    assert_eq!(ledger.run(&["index"]).code, 0);
    ledger.commit("the demonstration roll");
    ledger
}

fn tip(ledger: &Ledger) -> git2::Oid {
    ledger.repo().refname_to_id("refs/heads/main").unwrap()
}

/// A pull request head adding an application, as objects only.
fn propose(ledger: &Ledger, id: &str, account: u64) -> String {
    let bytes = common::canonical(&individual(id, account));
    let path = rollcall::roll::layout::member_path(id);
    common::commit_with_file(&ledger.repo(), tip(ledger), &path, bytes.as_bytes()).to_string()
}
