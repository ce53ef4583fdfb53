//! Benchmark of `rollcall validate` on generated ledgers.
//!
//! `cargo bench --bench validate [-- SIZES…]` generates ledgers of 1k, 10k and
//! 100k members (or the given sizes) from the shipped schema and policy,
//! commits each with git2, and times the release binary on the work tree and
//! on `--rev HEAD`: best wall time of three runs and the peak resident memory.
//! It prints a Markdown table for the README. `-- --generate DIR N` writes
//! one ledger and stops, for profiling.

mod common;

use common::generate;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn main() {
    // `-- --generate DIR N` only writes a ledger of N members into DIR, for profiling.
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--generate") {
        let (dir, n) = (Path::new(&args[i + 1]), args[i + 2].parse().expect("N"));
        generate(dir, n);
        commit(dir);
        return;
    }
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![1_000, 10_000, 100_000] } else { sizes };
    let bin = env!("CARGO_BIN_EXE_rollcall");
    println!("| members | source | wall (best of 3) | files/s | peak RSS |");
    println!("|---:|---|---:|---:|---:|");
    for n in sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        generate(dir.path(), n);
        commit(dir.path());
        for (label, extra) in [("work tree", vec![]), ("--rev HEAD", vec!["--rev", "HEAD"])] {
            let mut best = Duration::MAX;
            let mut peak_kib = 0;
            for _ in 0..3 {
                let (elapsed, rss, ok) = run(bin, dir.path(), &extra);
                assert!(ok, "the generated ledger must validate clean");
                best = best.min(elapsed);
                peak_kib = peak_kib.max(rss);
            }
            println!(
                "| {n} | {label} | {:.3} s | {:.0} | {:.0} MB |",
                best.as_secs_f64(),
                n as f64 / best.as_secs_f64(),
                peak_kib as f64 / 1024.0
            );
        }
    }
}

fn run(bin: &str, repo: &Path, extra: &[&str]) -> (Duration, i64, bool) {
    common::timed(
        Command::new(bin)
            .args(["validate", "--format", "json", "--as-of", "2026-11-22", "--repo"])
            .arg(repo)
            .args(extra),
    )
}

/// Commits the whole directory as one commit, through git2, and packs the
/// objects as a clone would have them.
fn commit(root: &Path) {
    let repo = git2::Repository::init(root).expect("git init");
    let mut index = repo.index().expect("index");
    index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).expect("add");
    index.write().expect("write index");
    let tree = repo.find_tree(index.write_tree().expect("tree")).expect("find tree");
    let sig =
        git2::Signature::new("bench", "bench@example.invalid", &git2::Time::new(1_790_000_000, 0)).expect("signature");
    let commit = repo.commit(Some("HEAD"), &sig, &sig, "generated ledger", &tree, &[]).expect("commit");
    let mut pack = repo.packbuilder().expect("packbuilder");
    pack.insert_commit(commit).expect("pack commit");
    let objects = repo.path().join("objects");
    pack.write(&objects.join("pack"), 0o644).expect("write pack");
    for entry in std::fs::read_dir(&objects).expect("objects").filter_map(Result::ok) {
        let name = entry.file_name();
        if name.len() == 2 && name.to_str().is_some_and(|n| n.bytes().all(|b| b.is_ascii_hexdigit())) {
            std::fs::remove_dir_all(entry.path()).expect("remove loose objects");
        }
    }
}
