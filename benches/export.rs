//! Benchmark of `rollcall export`: the public roll of a generated ledger
//! (`common::build_history`: about 90% admissions, 5% renewals, 5%
//! resignations), written as a static site.
//!
//! `cargo bench --bench export [-- EVENTS …]` (default 111200 events: about
//! 100,000 admitted members). `-- --generate DIR EVENTS` builds one history
//! and stops, for profiling. The history is built once; the export
//! then runs as one process three times, each into a fresh directory; the
//! table shows the median wall time, the peak resident memory, and what
//! the site holds. Target at 100,000 members and 100,000+ events: ≤ 5 s.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 3;

fn main() {
    // `-- --generate DIR EVENTS` only builds one history, for profiling.
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--generate") {
        let (dir, events) = (Path::new(&args[i + 1]), args[i + 2].parse().expect("EVENTS"));
        let history = common::build_history(dir, events);
        eprintln!("generated {} events", history.events.len());
        return;
    }
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![111_200] } else { sizes };
    let bin = env!("CARGO_BIN_EXE_rollcall");
    println!("| events | member files | export (median of {RUNS}) | peak RSS | files | site size |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for n in sizes.into_iter().filter(|&n| n > 0) {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = dir.path().to_str().expect("a UTF-8 temp dir");
        let start = Instant::now();
        let history = common::build_history(dir.path(), n);
        let admitted = history.kinds.iter().filter(|k| **k == rollcall::change::event::Kind::Admit).count();
        eprintln!(
            "generated {} events ({admitted} admissions) in {:.1} s",
            history.events.len(),
            start.elapsed().as_secs_f64()
        );
        let as_of = history.dates[n - 1].to_string();
        let mut times: Vec<Duration> = Vec::new();
        let mut peak_kib = 0;
        let (mut files, mut bytes) = (0, 0);
        for run in 0..RUNS {
            let out = dir.path().join(format!("site-{run}"));
            let out = out.to_str().expect("a UTF-8 temp dir");
            let (elapsed, rss, ok) =
                common::timed(Command::new(bin).args(["export", "--repo", repo, "--as-of", &as_of, "--out", out]));
            assert!(ok, "`rollcall export` did not exit 0 on the {n}-event history");
            times.push(elapsed);
            peak_kib = peak_kib.max(rss);
            (files, bytes) = size(Path::new(out));
        }
        times.sort();
        println!(
            "| {n} | {} | {:.2} s | {:.0} MB | {files} | {:.1} MB |",
            admitted + common::shipped_files().iter().filter(|(p, _)| p.starts_with("members/")).count(),
            times[RUNS / 2].as_secs_f64(),
            peak_kib as f64 / 1024.0,
            bytes as f64 / 1e6
        );
    }
}

/// How many files the site has and their total size in bytes.
fn size(dir: &Path) -> (usize, u64) {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .fold((0, 0), |(n, b), e| (n + 1, b + e.metadata().map_or(0, |m| m.len())))
}
