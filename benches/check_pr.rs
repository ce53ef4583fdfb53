//! Benchmark of `rollcall check-pr`: a one-file application against a
//! generated ledger of N members whose history has H commits.
//!
//! `cargo bench --bench check_pr [-- MEMBERS:COMMITS …]` (default 1000:1000,
//! 10000:10000, 100000:100000 and 100000:1). Histories are streamed into
//! `git fast-import`, which packs them as a real repository would be; each
//! commit after the first adds one member, and a last one the current
//! `roll.index`. Prints a Markdown table: best wall
//! time of three runs and the peak resident memory. `-- --generate DIR
//! MEMBERS:COMMITS` builds one repository and stops, for profiling.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn main() {
    // `-- --generate DIR MEMBERS:COMMITS` only builds one repository, for profiling.
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--generate") {
        let (members, commits) = args[i + 2].split_once(':').expect("MEMBERS:COMMITS");
        common::build(Path::new(&args[i + 1]), members.parse().expect("members"), commits.parse().expect("commits"));
        return;
    }
    let sizes: Vec<(usize, usize)> = std::env::args()
        .skip(1)
        .filter_map(|a| a.split_once(':').and_then(|(m, c)| Some((m.parse().ok()?, c.parse().ok()?))))
        .collect();
    let sizes =
        if sizes.is_empty() { vec![(1_000, 1_000), (10_000, 10_000), (100_000, 100_000), (100_000, 1)] } else { sizes };
    let bin = env!("CARGO_BIN_EXE_rollcall");
    println!("| members | commits | wall (best of 3) | peak RSS |");
    println!("|---:|---:|---:|---:|");
    for (members, commits) in sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        common::build(dir.path(), members, commits);
        let mut best = Duration::MAX;
        let mut peak_kib = 0;
        for _ in 0..3 {
            let (elapsed, rss, ok) = run(bin, dir.path());
            assert!(ok, "the application must be acceptable");
            best = best.min(elapsed);
            peak_kib = peak_kib.max(rss);
        }
        println!("| {members} | {commits} | {:.3} s | {:.0} MB |", best.as_secs_f64(), peak_kib as f64 / 1024.0);
    }
}

fn run(bin: &str, repo: &Path) -> (Duration, i64, bool) {
    common::timed(
        Command::new(bin)
            .args(["check-pr", "--format", "json", "--as-of", "2026-11-22", "--base", "main", "--head", "pr"])
            .args(["--author", "new-applicant", "--author-id", "99999999", "--repo"])
            .arg(repo),
    )
}
