//! Benchmark of `rollcall export`: the public roll of a generated ledger
//! (`common::build_history`: about 90% admissions, 5% renewals, 5%
//! resignations), written as a static site.
//!
//! `cargo bench --bench export [-- EVENTS …]` (default 111200 events: about
//! 100,000 admitted members). `-- --generate DIR EVENTS` builds one history
//! and stops; `-- --on DIR` measures an existing one. The export runs as one
//! process into a fresh directory, for the last event's date: once cold
//! (nothing remembered in the repository), then three times warm (the
//! member files remembered by blob id); the table shows the cold time, the
//! median warm time, the peak resident memory, and what the site holds.
//! Target at 100,000 members and 100,000+ events: ≤ 5 s.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

const RUNS: usize = 3;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let after = |flag: &str| args.iter().position(|a| a == flag).map(|i| &args[i + 1..]);
    if let Some(rest) = after("--generate") {
        let history = common::build_history(Path::new(&rest[0]), rest[1].parse().expect("EVENTS"));
        eprintln!("generated {} events", history.events.len());
        return;
    }
    header();
    if let Some(rest) = after("--on") {
        measure(Path::new(&rest[0]));
        return;
    }
    let sizes: Vec<usize> = args.iter().skip(1).filter_map(|a| a.parse().ok()).collect();
    for n in if sizes.is_empty() { vec![111_200] } else { sizes } {
        let dir = tempfile::tempdir().expect("temp dir");
        common::build_history(dir.path(), n);
        measure(dir.path());
    }
}

fn header() {
    println!("| events | member files | export cold | export warm (median of {RUNS}) | peak RSS | files | site size |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
}

fn measure(dir: &Path) {
    let repo = git2::Repository::open(dir).expect("a generated history");
    let tip = repo.refname_to_id("refs/heads/main").expect("main");
    let steps = rollcall::history::chain(&repo, tip, None).expect("history");
    let events = steps.iter().filter(|s| s.event().is_some()).count();
    let as_of = steps.iter().find_map(|s| s.event()).expect("an event").date.to_string();
    let tree = repo.find_commit(tip).expect("tip").tree().expect("tree");
    let mut members = 0;
    tree.walk(git2::TreeWalkMode::PreOrder, |root, entry| {
        members += usize::from(root.starts_with("members/") && entry.kind() == Some(git2::ObjectType::Blob));
        git2::TreeWalkResult::Ok
    })
    .expect("walk");
    let bin = env!("CARGO_BIN_EXE_rollcall");
    let repo_arg = dir.to_str().expect("a UTF-8 path");
    let site = dir.join("bench-site");
    let out = site.to_str().expect("a UTF-8 path");
    let mut peak_kib = 0;
    let mut run = || {
        let _ = std::fs::remove_dir_all(&site);
        let (elapsed, rss, ok) =
            common::timed(Command::new(bin).args(["export", "--repo", repo_arg, "--as-of", &as_of, "--out", out]));
        assert!(ok, "`rollcall export` did not exit 0 on the {events}-event history");
        peak_kib = peak_kib.max(rss);
        elapsed
    };
    let _ = std::fs::remove_file(dir.join(".git/rollcall-export-cache"));
    let cold = run();
    let mut warm: Vec<Duration> = (0..RUNS).map(|_| run()).collect();
    warm.sort();
    let (files, bytes) = size(&site);
    let _ = std::fs::remove_dir_all(&site);
    println!(
        "| {events} | {members} | {:.2} s | {:.2} s | {:.0} MB | {files} | {:.1} MB |",
        cold.as_secs_f64(),
        warm[RUNS / 2].as_secs_f64(),
        peak_kib as f64 / 1024.0,
        bytes as f64 / 1e6
    );
}

/// How many files the site has and their total size in bytes.
fn size(dir: &Path) -> (usize, u64) {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .fold((0, 0), |(n, b), e| (n + 1, b + e.metadata().map_or(0, |m| m.len())))
}
