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

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    // `-- --generate DIR MEMBERS:COMMITS` only builds one repository, for profiling.
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--generate") {
        let (members, commits) = args[i + 2].split_once(':').expect("MEMBERS:COMMITS");
        build(Path::new(&args[i + 1]), members.parse().expect("members"), commits.parse().expect("commits"));
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
        build(dir.path(), members, commits);
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

/// Streams the ledger's history into `git fast-import`: a first commit with
/// the shipped files and the members the later commits do not add, then one
/// commit per member, then branch `pr` with one application on top.
fn build(dir: &Path, members: usize, commits: usize) {
    git2::Repository::init(dir).expect("git init");
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import (the git binary is needed to generate histories)");
    let mut out = std::io::BufWriter::new(child.stdin.take().expect("stdin"));
    let shipped = common::shipped_files();
    let shipped_members = shipped.iter().filter(|(p, _)| p.starts_with("members/")).count();
    let generated = members.saturating_sub(shipped_members);
    let in_first = generated.saturating_sub(commits.saturating_sub(1));
    let mut time = 1_790_000_000u64;
    let mut commit = |out: &mut dyn Write,
                      mark: usize,
                      files: &mut dyn Iterator<Item = (String, Vec<u8>)>,
                      branch: &str| {
        time += 60;
        write!(out, "commit refs/heads/{branch}\nmark :{mark}\ncommitter Bench <bench@example.invalid> {time} +0000\ndata 6\nevent\n").unwrap();
        if mark > 1 {
            writeln!(out, "from :{}", mark - 1).unwrap();
        }
        for (path, bytes) in files {
            write!(out, "M 100644 inline {path}\ndata {}\n", bytes.len()).unwrap();
            out.write_all(&bytes).unwrap();
            out.write_all(b"\n").unwrap();
        }
        out.write_all(b"\n").unwrap();
    };
    let first = (0..in_first).map(|i| {
        let (p, t) = common::member(i);
        (p, t.into_bytes())
    });
    commit(&mut out, 1, &mut shipped.into_iter().chain(first), "main");
    let mut mark = 1;
    for i in in_first..generated {
        mark += 1;
        let (path, text) = common::member(i);
        commit(&mut out, mark, &mut std::iter::once((path, text.into_bytes())), "main");
    }
    let application = serde_json::json!({
        "id": "new-applicant", "name": "New Applicant", "kind": "person", "tier": "individual", "status": "applicant",
        "country": "DE", "github": "new-applicant", "github_id": 99_999_999,
        "contributions": {"summary": "Maintains several packages of the distribution and reviews patches.",
            "links": ["https://github.com/example-os/packages/pulls?q=author%3Anew-applicant"]}
    });
    // The roll.index of main's last state, as the merger keeps it.
    let work = tempfile::tempdir().expect("temp dir");
    common::generate(work.path(), members);
    let source = rollcall::source::Source::disk(work.path()).expect("ledger");
    let index = rollcall::index::build(&source).expect("index");
    mark += 1;
    commit(&mut out, mark, &mut std::iter::once((rollcall::index::INDEX_FILE.to_owned(), index.into_bytes())), "main");
    let file = ("members/ne/new-applicant.yaml".to_owned(), rollcall::yaml::to_canonical(&application).into_bytes());
    commit(&mut out, mark + 1, &mut std::iter::once(file), "pr");
    drop(out);
    assert!(child.wait().expect("fast-import").success(), "git fast-import failed");
}

#[allow(clippy::zombie_processes, reason = "reaped by wait4, which also reports its peak memory")]
fn run(bin: &str, repo: &Path) -> (Duration, i64, bool) {
    let start = Instant::now();
    let child = Command::new(bin)
        .args(["check-pr", "--format", "json", "--as-of", "2026-11-22", "--base", "main", "--head", "pr"])
        .args(["--author", "new-applicant", "--author-id", "99999999", "--repo"])
        .arg(repo)
        .stdout(Stdio::null())
        .spawn()
        .expect("run rollcall");
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; status and usage are valid out-pointers.
    unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    (start.elapsed(), usage.ru_maxrss, libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0)
}
