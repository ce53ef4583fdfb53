//! Benchmark of `rollcall verify` on a history that runs an election: a
//! generated history of member events (`common::build_history`), then one
//! election opened and NOMINATIONS nominations recorded with `rollcall
//! election record`, each voter of the electorate nominated by the next.
//! `verify` judges every nomination against the electorate of the
//! election's cut-off date.
//!
//! `cargo bench --bench election [-- NOMINATIONS …]` (default 200), on a
//! history of 1,000 member events. Each size's history is built once;
//! `verify` runs as one process, once cold (nothing remembered in the
//! repository) and then three times warm; the table shows the cold time,
//! the median warm time and the peak resident memory. `-- --generate DIR
//! NOMINATIONS` builds one history and stops, for profiling.

mod common;

use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The member events before the election.
const MEMBER_EVENTS: usize = 1_000;
const RUNS: usize = 3;
const ID: &str = "board-bench";
/// The members' events are dated from 2023-01-01, 100 a day, so every
/// generated member has a vote on the cut-off date.
const ELECTION: &str = "title: Board of Directors (benchmark)\nseats: 1\ncutoff: \"2023-04-01\"\nnominations: {opens: \"2023-04-01\", closes: \"2023-04-30\"}\nvoting: {opens: \"2023-05-11\", closes: \"2023-05-31\"}\n";
const OPENED_ON: &str = "2023-03-15";
const NOMINATED_ON: &str = "2023-04-02";
const COMMITTEE: &str = "priya-raman,jonas-berg";

fn main() {
    let bin = env!("CARGO_BIN_EXE_rollcall");
    // `-- --generate DIR NOMINATIONS` only builds one history, for profiling.
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--generate") {
        let dir = Path::new(&args[i + 1]);
        common::build_history(dir, MEMBER_EVENTS);
        run_election(bin, dir, args[i + 2].parse().expect("NOMINATIONS"));
        return;
    }
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![200] } else { sizes };
    println!("| member events | nominations | `verify` cold | `verify` warm | peak RSS |");
    println!("|---:|---:|---:|---:|---:|");
    for n in sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        common::build_history(dir.path(), MEMBER_EVENTS);
        run_election(bin, dir.path(), n);
        let repo = dir.path().to_str().expect("a UTF-8 temp dir");
        let args = ["verify", "--repo", repo];
        common::forget(dir.path());
        let (cold, cold_rss) = common::median_of_runs(bin, &args, 1, "");
        let (warm, warm_rss) = common::median_of_runs(bin, &args, RUNS, "");
        let s = |d: Duration| format!("{:.2} s", d.as_secs_f64());
        let peak = cold_rss.max(warm_rss) as f64 / 1024.0;
        println!("| {MEMBER_EVENTS} | {n} | {} | {} | {peak:.0} MB |", s(cold), s(warm));
    }
}

/// Opens the election and records `nominations` nominations on `main`, as
/// the election committee and the nominators would.
fn run_election(bin: &str, dir: &Path, nominations: usize) {
    let repo = git2::Repository::open(dir).expect("repo");
    let head = proposal(&repo, &format!("elections/{ID}/election.yaml"), ELECTION);
    record(bin, dir, &["--head", &head, "--date", OPENED_ON, "--approved-by", COMMITTEE]);
    let electorate = rollcall_json(bin, dir, &["election", "electorate", ID, "--format", "json"]);
    // Individual members, one vote each: each nominates one candidate, and
    // none is on the election committee.
    let voters: Vec<(String, u64)> = electorate["voters"]
        .as_array()
        .expect("voters")
        .iter()
        .filter(|v| v["weight"] == 1 && v["memberships"][0]["class"] == "individual")
        .filter(|v| !COMMITTEE.split(',').any(|c| v["login"] == c))
        .map(|v| (v["login"].as_str().expect("login").to_owned(), v["github_id"].as_u64().expect("github_id")))
        .collect();
    assert!(voters.len() > nominations, "{} voters for {nominations} nominations", voters.len());
    for pair in voters.windows(2).take(nominations) {
        let ((nominee, nominee_id), (nominator, nominator_id)) = (&pair[0], &pair[1]);
        let text = format!(
            "nominee: {{github: {nominee}, github_id: {nominee_id}, name: Nominee {nominee}}}\nnominator: {{github: {nominator}, github_id: {nominator_id}}}\nstatement: I will serve the members.\naccepted: false\n"
        );
        let head = proposal(&repo, &format!("elections/{ID}/nominations/{nominee}.yaml"), &text);
        let id = nominator_id.to_string();
        record(bin, dir, &["--head", &head, "--date", NOMINATED_ON, "--author", nominator, "--author-id", &id]);
    }
}

/// A pull request's head: main's tip with one file added, on no branch.
fn proposal(repo: &git2::Repository, path: &str, text: &str) -> String {
    let tip = repo.find_reference("refs/heads/main").and_then(|r| r.peel_to_commit()).expect("main");
    let mut update = git2::build::TreeUpdateBuilder::new();
    update.upsert(path, repo.blob(text.as_bytes()).expect("blob"), git2::FileMode::Blob);
    let tree = repo.find_tree(update.create_updated(repo, &tip.tree().expect("tree")).expect("tree")).expect("tree");
    let who = git2::Signature::now("Proposer", "proposer@localhost").expect("signature");
    repo.commit(None, &who, &who, "propose", &tree, &[&tip]).expect("commit").to_string()
}

fn record(bin: &str, dir: &Path, args: &[&str]) {
    let output =
        Command::new(bin).args(["election", "record", "--repo"]).arg(dir).args(args).output().expect("run rollcall");
    assert!(output.status.success(), "election record {args:?}: {}", String::from_utf8_lossy(&output.stdout));
}

fn rollcall_json(bin: &str, dir: &Path, args: &[&str]) -> Value {
    let output = Command::new(bin).args(args).arg("--repo").arg(dir).output().expect("run rollcall");
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON")
}
