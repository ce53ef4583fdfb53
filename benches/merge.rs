//! Benchmark of `rollcall merge`: 1,000 admissions in a row onto generated
//! ledgers, each one process as the merge workflow runs it.
//!
//! `cargo bench --bench merge [-- MEMBERS:MERGES …]` (default 1000:1000,
//! 10000:1000 and 100000:1000). Prints a Markdown table of the time per
//! merge (mean, median, 99th percentile, worst) and the peak memory.
//! `-- --generate DIR MEMBERS` builds one ledger (branch `pr` holds an
//! application) and stops, for profiling.

mod common;

use git2::{Oid, Repository};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--generate") {
        let (Some(dir), Some(members)) = (args.get(i + 1), args.get(i + 2).and_then(|n| n.parse().ok())) else {
            panic!("--generate DIR MEMBERS");
        };
        common::build(Path::new(dir), members, 1);
        return;
    }
    let sizes: Vec<(usize, usize)> = std::env::args()
        .skip(1)
        .filter_map(|a| a.split_once(':').and_then(|(m, n)| Some((m.parse().ok()?, n.parse().ok()?))))
        .collect();
    let sizes = if sizes.is_empty() { vec![(1_000, 1_000), (10_000, 1_000), (100_000, 1_000)] } else { sizes };
    let bin = env!("CARGO_BIN_EXE_rollcall");
    println!("| members | merges | mean | median | p99 | worst | peak RSS |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for (members, merges) in sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        common::build(dir.path(), members, 1);
        let repo = Repository::open(dir.path()).expect("repo");
        let mut times = Vec::with_capacity(merges);
        let mut peak_kib = 0;
        for i in 0..merges {
            let id = format!("bench-applicant-{i}");
            let account = 80_000_000 + i as u64;
            let head = application(&repo, &id, account);
            let (elapsed, rss, ok) = run(bin, dir.path(), &head.to_string(), &id, account);
            assert!(ok, "merge {i} must succeed");
            times.push(elapsed);
            peak_kib = peak_kib.max(rss);
        }
        times.sort();
        let mean = times.iter().sum::<Duration>() / merges as u32;
        let at = |q: f64| times[((merges as f64 - 1.0) * q).round() as usize];
        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
        println!(
            "| {members} | {merges} | {} | {} | {} | {} | {:.0} MB |",
            ms(mean),
            ms(at(0.5)),
            ms(at(0.99)),
            ms(*times.last().unwrap()),
            peak_kib as f64 / 1024.0
        );
    }
}

/// A pull request's head: main plus one application, as objects only.
fn application(repo: &Repository, id: &str, account: u64) -> Oid {
    let value = serde_json::json!({
        "id": id, "name": "Bench Applicant", "kind": "person", "tier": "individual", "status": "applicant",
        "country": "DE", "github": id, "github_id": account,
        "contributions": {"summary": "Maintains several packages of the distribution and reviews patches.",
            "links": [format!("https://github.com/example-os/packages/pulls?q=author%3A{id}")]}
    });
    let main = repo.find_reference("refs/heads/main").and_then(|r| r.peel_to_commit()).expect("main");
    let blob = repo.blob(rollcall::roll::yaml::to_canonical(&value).as_bytes()).expect("blob");
    let path = rollcall::roll::layout::member_path(id);
    let (shard, name) = path.strip_prefix("members/").unwrap().split_once('/').unwrap();
    let root = main.tree().unwrap();
    let members = repo.find_tree(root.get_name("members").unwrap().id()).unwrap();
    let old = members.get_name(shard).and_then(|e| repo.find_tree(e.id()).ok());
    let mut shard_tree = repo.treebuilder(old.as_ref()).unwrap();
    shard_tree.insert(name, blob, 0o100644).unwrap();
    let mut members_tree = repo.treebuilder(Some(&members)).unwrap();
    members_tree.insert(shard, shard_tree.write().unwrap(), 0o040000).unwrap();
    let mut root_tree = repo.treebuilder(Some(&root)).unwrap();
    root_tree.insert("members", members_tree.write().unwrap(), 0o040000).unwrap();
    let tree = repo.find_tree(root_tree.write().unwrap()).unwrap();
    let sig = git2::Signature::new("Bench", "bench@example.invalid", &git2::Time::new(1_790_000_000, 0)).unwrap();
    repo.commit(None, &sig, &sig, "apply", &tree, &[&main]).expect("commit")
}

fn run(bin: &str, repo: &Path, head: &str, id: &str, account: u64) -> (Duration, i64, bool) {
    common::timed(
        Command::new(bin)
            .args(["merge", "--format", "json", "--date", "2026-11-22", "--head", head, "--author", id])
            .args(["--author-id", &account.to_string(), "--approved-by", "lena-hart,kofi-mensah", "--repo"])
            .arg(repo),
    )
}
