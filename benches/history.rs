//! Benchmark of the commands that read a ledger's history: `rollcall log`,
//! `rollcall roll --as-of`, `rollcall verify` (from the first commit, and
//! from a signed checkpoint 1,000 events back), on generated histories.
//!
//! `cargo bench --bench history [-- EVENTS …]` (default 1000, 10000 and
//! 100000). Each history is built once with `common::build_history`; each
//! command runs as one process: once cold (without what rollcall remembers
//! in the repository between runs), then three times warm; the table shows
//! the cold time, the median warm time, and the peak resident memory. Targets at 100k
//! events: `log` ≤ 2 s, `roll --as-of` ≤ 2 s, `verify` ≤ 60 s, `verify
//! --checkpoint` ≤ 1 s. The last columns time `git log --raw --no-abbrev`
//! on the same history (git reading every commit and the trees it changed)
//! and each cold command's ratio to it. `-- --generate DIR EVENTS` builds
//! one history and stops, for profiling.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 3;
/// How many events `verify --checkpoint` replays.
const CHECKPOINT_BACK: usize = 1_000;
const SIGNING_KEY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/event-signing-key");
const VERIFYING_KEY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/event-signing-key.pub");

fn main() {
    // `-- --generate DIR EVENTS` only builds one history, for profiling.
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--generate") {
        let (dir, events) = (Path::new(&args[i + 1]), args[i + 2].parse().expect("EVENTS"));
        let start = Instant::now();
        let history = common::build_history(dir, events);
        eprintln!("{}", describe(&history, start.elapsed()));
        return;
    }
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![1_000, 10_000, 100_000] } else { sizes };
    let bin = env!("CARGO_BIN_EXE_rollcall");
    println!(
        "| events | log (cold / warm) | log MEMBER | roll mid | roll last | verify (cold) | verify from checkpoint (cold) | peak RSS | `git log --raw` | cold log / roll last / verify ÷ git |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for n in sizes.into_iter().filter(|&n| n > 0) {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = dir.path().to_str().expect("a UTF-8 temp dir");
        let start = Instant::now();
        let history = common::build_history(dir.path(), n);
        eprintln!("{}", describe(&history, start.elapsed()));
        let mid = history.dates[n / 2].to_string();
        let last = history.dates[n - 1].to_string();
        // The commit with CHECKPOINT_BACK events after it (the first, for a shorter history).
        let back = n.checked_sub(CHECKPOINT_BACK + 1).map_or(history.genesis, |i| history.events[i]).to_string();
        let checkpoint = dir.path().join("checkpoint.txt");
        let mut peak_kib = 0;
        // Cold: without what earlier commands remembered in the repository
        // (checked commits, read member files); warm: the median of the
        // runs after, each remembering what the one before read.
        let mut run = |args: &[&str]| {
            common::forget(dir.path());
            let (cold_time, rss) = common::median_of_runs(bin, args, 1, &format!(" on the {n}-event history"));
            let (warm_time, warm_rss) = common::median_of_runs(bin, args, RUNS, &format!(" on the {n}-event history"));
            peak_kib = peak_kib.max(rss).max(warm_rss);
            (cold_time, warm_time)
        };
        let log = run(&["log", "--repo", repo, "--format", "json"]);
        let log_member = run(&["log", &history.member, "--repo", repo]);
        let roll_mid = run(&["roll", "--as-of", &mid, "--repo", repo, "--format", "json"]);
        let roll_last = run(&["roll", "--as-of", &last, "--repo", repo, "--format", "json"]);
        let verify = run(&["verify", "--repo", repo]).0;
        write_checkpoint(bin, &["checkpoint", "--sign", SIGNING_KEY, "--rev", &back, "--repo", repo], &checkpoint, n);
        let checkpoint = checkpoint.to_str().expect("a UTF-8 temp dir");
        let from_checkpoint = run(&["verify", "--checkpoint", checkpoint, "--key", VERIFYING_KEY, "--repo", repo]).0;
        // The floor: git itself reading every commit and the trees it changed.
        let (git, _, ok) = common::timed(Command::new("git").args(["-C", repo, "log", "--raw", "--no-abbrev", "main"]));
        assert!(ok, "git log on the {n}-event history");
        let ratio = |d: Duration| format!("{:.1}×", d.as_secs_f64() / git.as_secs_f64());
        let s = |d: Duration| format!("{:.2} s", d.as_secs_f64());
        let both = |(cold, warm): (Duration, Duration)| format!("{} / {}", s(cold), s(warm));
        println!(
            "| {n} | {} | {} | {} | {} | {} | {} | {:.0} MB | {} | {} / {} / {} |",
            both(log),
            both(log_member),
            both(roll_mid),
            both(roll_last),
            s(verify),
            s(from_checkpoint),
            peak_kib as f64 / 1024.0,
            s(git),
            ratio(log.0),
            ratio(roll_last.0),
            ratio(verify),
        );
    }
}

/// One line for stderr: how the history was made and what it holds.
fn describe(history: &common::History, took: Duration) -> String {
    use rollcall::change::event::Kind;
    let count = |kind| history.kinds.iter().filter(|&&k| k == kind).count();
    format!(
        "generated {} events in {:.1} s ({} admissions, {} renewals, {} resignations; {} to {}); {} has {} events",
        history.events.len(),
        took.as_secs_f64(),
        count(Kind::Admit),
        count(Kind::Renew),
        count(Kind::Resign),
        history.dates.first().map(ToString::to_string).unwrap_or_default(),
        history.dates.last().map(ToString::to_string).unwrap_or_default(),
        history.member,
        history.member_events,
    )
}

/// Runs `rollcall ARGS` (a checkpoint) and writes what it prints to `file`.
fn write_checkpoint(bin: &str, args: &[&str], file: &Path, events: usize) {
    let output = Command::new(bin).args(args).output().expect("run rollcall");
    assert!(
        output.status.success(),
        "`rollcall {}` did not exit 0 on the {events}-event history: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(file, &output.stdout).expect("write the checkpoint");
}
