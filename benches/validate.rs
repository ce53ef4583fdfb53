//! Benchmark of `rollcall validate` on generated ledgers.
//!
//! `cargo bench --bench validate [-- SIZES…]` generates ledgers of 1k, 10k and
//! 100k members (or the given sizes) from the shipped schema and policy,
//! commits each with git2, and times the release binary on the work tree and
//! on `--rev HEAD`, judging every file (`--no-cache`) and then again with
//! the cache of the previous run: best wall time of three runs and the
//! peak resident memory.
//! It prints a Markdown table for the README. `-- --generate DIR N` writes
//! one ledger and stops, for profiling. `-- --ajv PATH` also times ajv-cli
//! (`PATH` is its `ajv` binary, installed with ajv-formats beside it) on the
//! same member files against the same schema in the same run, and prints
//! the ratio: ajv-cli checks the schema only, rollcall also parses with
//! positions and runs the roll rules.

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
    let ajv = args.iter().position(|a| a == "--ajv").map(|i| std::path::PathBuf::from(&args[i + 1]));
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![1_000, 10_000, 100_000] } else { sizes };
    let bin = env!("CARGO_BIN_EXE_rollcall");
    println!("| members | source | wall (best of 3) | files/s | peak RSS |");
    println!("|---:|---|---:|---:|---:|");
    let mut ratios = Vec::new();
    for n in sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        generate(dir.path(), n);
        commit(dir.path());
        let mut work_tree = Duration::MAX;
        // Cold rows judge every file (`--no-cache`); a warm row's first run
        // fills the cache and is not timed.
        let rows = [
            ("work tree", vec!["--no-cache"], false),
            ("--rev HEAD", vec!["--rev", "HEAD", "--no-cache"], false),
            ("work tree, warm cache", vec![], true),
            ("--rev HEAD, warm cache", vec!["--rev", "HEAD"], true),
        ];
        for (label, extra, warm) in rows {
            if warm {
                assert!(run(bin, dir.path(), &extra).2, "the generated ledger must validate clean");
            }
            let best = best_of_three(n, label, || {
                let (elapsed, rss, ok) = run(bin, dir.path(), &extra);
                assert!(ok, "the generated ledger must validate clean");
                (elapsed, rss)
            });
            if label == "work tree" {
                work_tree = best;
            }
        }
        if let Some(ajv) = &ajv {
            let best = best_of_three(n, "ajv-cli (schema only)", || {
                let (elapsed, rss, ok) = run_ajv(ajv, dir.path());
                assert!(ok, "ajv-cli must accept the generated member files");
                (elapsed, rss)
            });
            ratios.push((n, best.as_secs_f64() / work_tree.as_secs_f64()));
        }
    }
    for (n, ratio) in ratios {
        println!("\n{n} members: rollcall validate (work tree) is {ratio:.2}x as fast as ajv-cli");
    }
}

/// Runs `once` three times (each gives its wall time and peak resident
/// KiB) and prints the table row of the best time and the largest peak.
fn best_of_three(n: usize, label: &str, once: impl Fn() -> (Duration, i64)) -> Duration {
    let mut best = Duration::MAX;
    let mut peak_kib = 0;
    for _ in 0..3 {
        let (elapsed, rss) = once();
        best = best.min(elapsed);
        peak_kib = peak_kib.max(rss);
    }
    println!(
        "| {n} | {label} | {:.3} s | {:.0} | {:.0} MB |",
        best.as_secs_f64(),
        n as f64 / best.as_secs_f64(),
        peak_kib as f64 / 1024.0
    );
    best
}

/// `ajv validate --spec=draft2020 --strict=false -c ajv-formats --all-errors`
/// on every member file, with ajv-formats found beside the binary.
fn run_ajv(ajv: &Path, repo: &Path) -> (Duration, i64, bool) {
    let modules = ajv.parent().and_then(Path::parent).expect("ajv lives in node_modules/.bin");
    common::timed(
        Command::new(ajv)
            .current_dir(repo)
            .env("NODE_PATH", modules)
            .args(["validate", "--spec=draft2020", "--strict=false", "-c", "ajv-formats", "--all-errors"])
            .args(["-s", "schema/member.schema.json", "-d", "members/**/*.yaml"]),
    )
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
