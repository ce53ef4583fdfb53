//! Elections from git: an election opened by the election committee,
//! nominations and acceptances judged by `check-pr` and recorded as ledger
//! events, the electorate of the cut-off date, the ballot box, the
//! certified result that seats the winner, and `verify` re-counting it and
//! catching a tampered box or result at its commit. On real repositories
//! with the real binary.

use crate::common;

use crate::common::{Finding, Ledger, Outcome, commit_with_file, desk, run_bin, tip, verify};
use rollcall::roll::rules::{Check, RULES};
use serde_json::Value;
use std::path::Path;

const ID: &str = "board-2026";
const COMMITTEE: &str = "priya-raman,jonas-berg";

fn election_yaml(extra: &str) -> String {
    format!(
        "title: Board of Directors 2026\nseats: 1\ncutoff: \"2026-09-01\"\nnominations:\n  opens: \"2026-09-01\"\n  closes: \"2026-09-30\"\nvoting:\n  opens: \"2026-10-10\"\n  closes: \"2026-10-31\"\nreplaces: [tomasz-wren]\n{extra}"
    )
}

fn nomination(nominee: (&str, u64), nominator: (&str, u64), accepted: bool) -> String {
    format!(
        "nominee: {{github: {}, github_id: {}, name: Nominee {}}}\nnominator: {{github: {}, github_id: {}}}\nstatement: I will serve the members.\naccepted: {accepted}\n",
        nominee.0, nominee.1, nominee.0, nominator.0, nominator.1
    )
}

fn nomination_path(login: &str) -> String {
    format!("elections/{ID}/nominations/{login}.yaml")
}

/// A pull request's head: the tip plus one file.
fn pr(ledger: &Ledger, path: &str, text: &str) -> String {
    commit_with_file(&ledger.repo(), tip(ledger), path, text.as_bytes()).to_string()
}

/// What a command that records an event did, and the branch's tip before it.
struct Attempt {
    before: git2::Oid,
    out: Outcome,
}

impl std::ops::Deref for Attempt {
    type Target = Outcome;

    fn deref(&self) -> &Outcome {
        &self.out
    }
}

fn attempt(ledger: &Ledger, args: &[&str]) -> Attempt {
    let before = tip(ledger);
    Attempt { before, out: ledger.run(args) }
}

fn record(ledger: &Ledger, head: &str, date: &str, extra: &[&str]) -> Attempt {
    let mut args = vec!["election", "record", "--head", head, "--date", date, "--format", "json"];
    args.extend_from_slice(extra);
    attempt(ledger, &args)
}

fn certify(ledger: &Ledger, ballots: &Path, date: &str, approvers: &str) -> Attempt {
    let ballots = ballots.to_str().unwrap();
    let args = [
        "election",
        "certify",
        ID,
        "--ballots",
        ballots,
        "--date",
        date,
        "--approved-by",
        approvers,
        "--format",
        "json",
    ];
    attempt(ledger, &args)
}

fn check_pr(ledger: &Ledger, head: &str, author: (&str, u64), date: &str) -> Outcome {
    let id = author.1.to_string();
    ledger.run(&[
        "check-pr",
        "--base",
        "main",
        "--head",
        head,
        "--author",
        author.0,
        "--author-id",
        &id,
        "--as-of",
        date,
        "--format",
        "json",
    ])
}

fn nominate(ledger: &Ledger, nominee: (&str, u64), nominator: (&str, u64), date: &str) -> Attempt {
    let head = pr(ledger, &nomination_path(nominee.0), &nomination(nominee, nominator, false));
    let id = nominator.1.to_string();
    record(ledger, &head, date, &["--author", nominator.0, "--author-id", &id])
}

fn accept(ledger: &Ledger, nominee: (&str, u64), nominator: (&str, u64), date: &str) -> Attempt {
    let head = pr(ledger, &nomination_path(nominee.0), &nomination(nominee, nominator, true));
    let id = nominee.1.to_string();
    record(ledger, &head, date, &["--author", nominee.0, "--author-id", &id])
}

#[track_caller]
fn landed(out: &Outcome) {
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}

/// Asserts a finding of `rule` that says where: in `file` at `line` and
/// `column`, at the JSON Pointer `path` (empty for the whole file, or a
/// line of a file that is not YAML), and how to fix it.
#[track_caller]
fn found_at(findings: &[Finding], rule: &str, file: &str, line: u32, column: u32, path: &str) {
    let found = findings
        .iter()
        .find(|f| f.rule == rule && f.file == file && f.line == line && f.column == column && f.path == path);
    let listed: Vec<String> =
        findings.iter().map(|f| format!("  {} {}:{}:{} {:?}", f.rule, f.file, f.line, f.column, f.path)).collect();
    let found = found
        .unwrap_or_else(|| panic!("expected {rule} at {file}:{line}:{column} {path:?}, got:\n{}", listed.join("\n")));
    assert!(!found.help.trim().is_empty(), "{rule} says how to fix it");
}

/// Asserts that the attempt was refused with a finding of `rule` at
/// `file`, `line`, `column` and `path`, and that the branch did not move.
#[track_caller]
fn refused(ledger: &Ledger, attempt: &Attempt, rule: &str, file: &str, line: u32, column: u32, path: &str) {
    assert_eq!(attempt.code, 1, "{rule}: {}{}", attempt.stdout, attempt.stderr);
    found_at(&attempt.findings, rule, file, line, column, path);
    assert_eq!(tip(ledger), attempt.before, "{rule}: a refused event moved the branch");
}

const ADA: (&str, u64) = ("ada-quill", 92000001);
const BF: (&str, u64) = ("bf-cto", 92000010);
const SIL: (&str, u64) = ("sil-ops", 92000008);
const RC: (&str, u64) = ("rc-lead", 92000009);
const NW: (&str, u64) = ("nw-opensource", 92000011);
const FEN: (&str, u64) = ("fenwick", 92000006);
const PRIYA: (&str, u64) = ("priya-raman", 91000021);

/// The shipped ledger with the election opened.
fn opened() -> Ledger {
    let ledger = desk();
    let head = pr(&ledger, &format!("elections/{ID}/election.yaml"), &election_yaml(""));
    landed(&record(&ledger, &head, "2026-08-20", &["--approved-by", COMMITTEE]));
    ledger
}

/// Nominations made and accepted: sil-ops (self, a sponsor's
/// representative) and bf-cto (by ada-quill).
fn nominated() -> Ledger {
    let ledger = opened();
    landed(&nominate(&ledger, BF, ADA, "2026-09-05"));
    landed(&nominate(&ledger, SIL, SIL, "2026-09-06"));
    landed(&accept(&ledger, BF, ADA, "2026-09-10"));
    landed(&accept(&ledger, SIL, SIL, "2026-09-11"));
    ledger
}

/// A day of the election's voting window (2026-10-10 to 2026-10-31).
const VOTING_DAY: &str = "2026-10-15";

/// Issues credentials into the box `dir` on a day of the voting window;
/// each voter's credential by login.
fn issue(ledger: &Ledger, dir: &Path) -> impl Fn(&str) -> String {
    landed(&ledger.run(&["election", "box", "issue", ID, "--box", dir.to_str().unwrap(), "--as-of", VOTING_DAY]));
    let csv = std::fs::read_to_string(dir.join("credentials.csv")).unwrap();
    move |login: &str| {
        csv.lines().find(|l| l.starts_with(&format!("{login},"))).unwrap().rsplit(',').next().unwrap().to_owned()
    }
}

/// Casts `ranking` with `credential` into the box `dir` on `date`.
fn cast(ledger: &Ledger, dir: &Path, credential: &str, ranking: &str, date: &str) -> Attempt {
    let dir = dir.to_str().unwrap();
    let args =
        ["election", "box", "vote", "--box", dir, "--credential", credential, "--rank", ranking, "--as-of", date];
    attempt(ledger, &[&args[..], &["--format", "json"]].concat())
}

/// Closes the ballot box at `dir`, publishing its ballots to `out`.
fn close_box(dir: &Path, out: &Path) {
    landed(&run_bin(["election", "box", "close", "--box", dir.to_str().unwrap(), "--out", out.to_str().unwrap()]));
}

/// Issues credentials and casts `votes` (voter login → ranking); closes the
/// box into `out`. Returns each voter's receipt.
fn vote(ledger: &Ledger, dir: &Path, votes: &[(&str, &str)], out: &Path) -> Vec<String> {
    let credential = issue(ledger, dir);
    let mut receipts = Vec::new();
    for (login, ranking) in votes {
        let out = cast(ledger, dir, &credential(login), ranking, VOTING_DAY);
        landed(&out);
        let receipt: Value = serde_json::from_str(&out.stdout).unwrap();
        receipts.push(receipt["receipt"].as_str().unwrap().to_owned());
    }
    close_box(dir, out);
    receipts
}

#[test]
fn an_election_from_opening_to_certification_verifies_and_seats_the_winner() {
    let ledger = nominated();
    // The electorate is the roll of the cut-off date, grouped by voter.
    let electorate: Value =
        serde_json::from_str(&ledger.run(&["election", "electorate", ID, "--format", "json"]).stdout).unwrap();
    let roll: Value =
        serde_json::from_str(&ledger.run(&["roll", "--as-of", "2026-09-01", "--format", "json"]).stdout).unwrap();
    assert_eq!(electorate["votes"], roll["quorum"]["votes"]);
    assert_eq!(electorate["voting_members"], roll["quorum"]["voting_members"]);
    let weight = |login: &str| {
        electorate["voters"].as_array().unwrap().iter().find(|v| v["login"] == login).map(|v| v["weight"].clone())
    };
    assert_eq!(weight("nw-opensource"), Some(Value::from(50)));
    assert_eq!(weight("ada-quill"), Some(Value::from(1)));
    // A re-vote replaces the earlier ballot.
    let scratch = tempfile::tempdir().unwrap();
    let published = scratch.path().join("ballots.box");
    let receipts = vote(
        &ledger,
        &scratch.path().join("box"),
        &[
            ("nw-opensource", "bf-cto,sil-ops"),
            ("bf-cto", "bf-cto"),
            ("ada-quill", "bf-cto"),
            ("nw-opensource", "sil-ops,bf-cto"),
            ("rc-lead", ""),
        ],
        &published,
    );
    let text = std::fs::read_to_string(&published).unwrap();
    assert!(!text.contains(&receipts[0]), "the replaced ballot is not published");
    assert!(text.contains(&receipts[3]), "a voter finds their receipt");
    assert_eq!(text.lines().count(), 4 + 2, "four counted ballots, a header and the head");
    // Certification before voting closes, or by one member of the committee, is refused.
    let result_file = format!("elections/{ID}/result.json");
    let early = certify(&ledger, &published, "2026-10-20", COMMITTEE);
    refused(&ledger, &early, "election.closed", &result_file, 1, 1, "");
    let alone = certify(&ledger, &published, "2026-11-05", "priya-raman");
    refused(&ledger, &alone, "election.approvals", &result_file, 1, 1, "");
    landed(&certify(&ledger, &published, "2026-11-05", COMMITTEE));
    let result: Value =
        serde_json::from_str(&std::fs::read_to_string(ledger.path().join(&result_file)).unwrap_or_else(|_| {
            String::from_utf8(
                ledger
                    .repo()
                    .find_blob(
                        ledger
                            .repo()
                            .find_commit(tip(&ledger))
                            .unwrap()
                            .tree()
                            .unwrap()
                            .get_path(Path::new(&result_file))
                            .unwrap()
                            .id(),
                    )
                    .unwrap()
                    .content()
                    .to_vec(),
            )
            .unwrap()
        }))
        .unwrap();
    assert_eq!(result["elected"], serde_json::json!(["sil-ops"]), "{result}");
    assert_eq!(result["turnout"]["ballots"], 4);
    assert_eq!(result["quorum"]["quorate"], true);
    // The winner sits on the board in place of the director replaced.
    let board: Value = serde_json::from_str(&ledger.run(&["board", "--format", "json"]).stdout).unwrap();
    let seated: Vec<&str> =
        board["directors"].as_array().unwrap().iter().map(|s| s["github"].as_str().unwrap()).collect();
    assert!(seated.contains(&"sil-ops") && !seated.contains(&"tomasz-wren"), "{board}");
    let verified = verify(&ledger);
    verified.assert_clean();
    let report: Value = serde_json::from_str(&verified.stdout).unwrap();
    assert_eq!(report["elections_certified"][0]["election"], ID, "{report}");
    let log: Value = serde_json::from_str(&ledger.run(&["log", "--format", "json"]).stdout).unwrap();
    let kinds: Vec<&str> = log["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds[..2], ["election-certify", "election-accept"]);
    // The public roll publishes the certified result and its rounds.
    let site = tempfile::tempdir().unwrap();
    let out_dir = site.path().join("public");
    landed(&ledger.run(&["export", "--out", out_dir.to_str().unwrap(), "--as-of", "2026-11-30"]));
    let api: Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("api/v1/elections.json")).unwrap()).unwrap();
    assert_eq!(api["elections"][0]["id"], ID);
    assert_eq!(api["elections"][0]["elected"], serde_json::json!(["sil-ops"]));
    assert!(api["elections"][0]["rounds"].as_array().is_some_and(|r| !r.is_empty()), "{api}");
    let page = std::fs::read_to_string(out_dir.join("index.html")).unwrap();
    assert!(page.contains(&format!("Rounds of the count of {ID}")), "the page shows the rounds");
    let status = ledger.run(&["election", "status", ID]);
    assert!(status.stdout.contains("certified") && status.stdout.contains("sil-ops"), "{}", status.stdout);
}

#[test]
fn the_ballot_box_takes_ballots_only_while_voting_is_open() {
    let ledger = nominated();
    let scratch = tempfile::tempdir().unwrap();
    let file = format!("elections/{ID}/election.yaml");
    // Credentials go out before voting opens; none after it closes.
    let late = scratch.path().join("late");
    let args = ["election", "box", "issue", ID, "--box", late.to_str().unwrap(), "--as-of", "2026-11-01"];
    let refused_issue = ledger.run(&args);
    assert_eq!(refused_issue.code, 1, "{}", refused_issue.stderr);
    assert!(refused_issue.stderr.contains("box.window") && refused_issue.stderr.contains(&format!("{file}:9:11")));
    assert!(!late.exists(), "a refused box is not issued");
    let dir = scratch.path().join("box");
    let args = ["election", "box", "issue", ID, "--box", dir.to_str().unwrap(), "--as-of", "2026-09-20"];
    landed(&ledger.run(&args));
    let csv = std::fs::read_to_string(dir.join("credentials.csv")).unwrap();
    let credential = |login: &str| {
        csv.lines().find(|l| l.starts_with(&format!("{login},"))).unwrap().rsplit(',').next().unwrap().to_owned()
    };
    // Both ends of the window are in it; a day either side is not.
    let early = cast(&ledger, &dir, &credential("ada-quill"), "bf-cto", "2026-10-09");
    found_at(&early.findings, "box.window", &file, 8, 10, "/voting/opens");
    landed(&cast(&ledger, &dir, &credential("ada-quill"), "bf-cto", "2026-10-10"));
    landed(&cast(&ledger, &dir, &credential("bf-cto"), "bf-cto", "2026-10-31"));
    let after = cast(&ledger, &dir, &credential("fenwick"), "sil-ops", "2026-11-01");
    found_at(&after.findings, "box.window", &file, 9, 11, "/voting/closes");
    let published = scratch.path().join("ballots.box");
    let close = ["election", "box", "close", "--box", dir.to_str().unwrap(), "--out", published.to_str().unwrap()];
    landed(&run_bin(close));
    let text = std::fs::read_to_string(&published).unwrap();
    assert_eq!(text.lines().count(), 2 + 2, "the two ballots cast in the window, a header and the head");
}

/// Casts `ranking` with `credential` on a voting day, as people read it (no `--format`).
fn cast_for_people(ledger: &Ledger, dir: &Path, credential: &str, ranking: &str) -> Outcome {
    let dir = dir.to_str().unwrap();
    ledger.run(&[
        "election",
        "box",
        "vote",
        "--box",
        dir,
        "--credential",
        credential,
        "--rank",
        ranking,
        "--as-of",
        VOTING_DAY,
    ])
}

#[test]
fn every_refusal_of_box_vote_comes_out_in_the_format_asked() {
    let ledger = nominated();
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().join("box");
    let credential = issue(&ledger, &dir)("ada-quill");
    let box_file = dir.join("box.json").display().to_string();
    // Each refusal: in JSON, one finding of the box's file that says why
    // and how to fix it; for people, the one line on stderr it always was.
    let refusals = [
        ("no-such-credential", "bf-cto", "box.unknown-credential", "the credential is not one this box issued"),
        (credential.as_str(), "nobody", "box.ranking", "\"nobody\" is not a candidate"),
        (credential.as_str(), "bf-cto,bf-cto", "box.ranking", "\"bf-cto\" is ranked twice"),
    ];
    let refuse = |credential: &str, ranking: &str, rule: &str, why: &str| {
        let json = cast(&ledger, &dir, credential, ranking, VOTING_DAY);
        assert_eq!(json.code, 1, "{rule}: {}{}", json.stdout, json.stderr);
        let report: Value =
            serde_json::from_str(&json.stdout).unwrap_or_else(|e| panic!("{rule}: {e}: {}", json.stdout));
        assert_eq!(report["ok"], false, "{report}");
        assert!(json.stderr.is_empty(), "{rule}: {}", json.stderr);
        found_at(&json.findings, rule, &box_file, 1, 1, "");
        assert_eq!(json.findings.len(), 1, "{}", json.summary());
        assert_eq!(json.findings[0].message, why);
        let people = cast_for_people(&ledger, &dir, credential, ranking);
        assert_eq!(people.code, 1);
        assert_eq!(
            (people.stdout.as_str(), people.stderr.as_str()),
            ("", format!("error: the ballot was not taken: {why}\n").as_str())
        );
    };
    for (credential, ranking, rule, why) in refusals {
        refuse(credential, ranking, rule, why);
    }
    let published = scratch.path().join("ballots.box");
    close_box(&dir, &published);
    refuse(&credential, "bf-cto", "box.closed", "the ballot box is closed");
    // The GitHub format gets a workflow command, not plain text.
    let args = [
        "election",
        "box",
        "vote",
        "--box",
        dir.to_str().unwrap(),
        "--credential",
        &credential,
        "--as-of",
        VOTING_DAY,
        "--format",
        "github",
    ];
    let github = ledger.run(&args);
    assert_eq!(github.code, 1);
    assert!(
        github.stdout.starts_with(&format!("::error file={box_file},line=1,col=1,title=box.closed")),
        "{}",
        github.stdout
    );
    // Nothing refused went into the box: only the close wrote it.
    let open: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("box.json")).unwrap()).unwrap();
    assert_eq!(open["casts"].as_array().map(Vec::len), Some(0), "{open}");
}

/// Replaces the tip of main by a commit of the same parent, author and
/// committer whose tree and message `change` gives: history rewritten by hand.
fn rewrite_tip(
    ledger: &Ledger,
    change: impl FnOnce(&git2::Repository, &git2::Commit) -> (git2::Oid, String),
) -> git2::Oid {
    let repo = ledger.repo();
    let head = repo.find_commit(tip(ledger)).unwrap();
    let (tree, message) = change(&repo, &head);
    let tree = repo.find_tree(tree).unwrap();
    let parent = head.parent(0).unwrap();
    let commit = repo.commit(None, &head.author(), &head.committer(), &message, &tree, &[&parent]).unwrap();
    repo.reference("refs/heads/main", commit, true, "rewrite").unwrap();
    commit
}

/// Rewrites the tip's commit with the text at `path` edited, keeping its message.
fn tamper(ledger: &Ledger, path: &str, edit: impl FnOnce(String) -> String) -> git2::Oid {
    rewrite_tip(ledger, |repo, head| {
        let entry = head.tree().unwrap().get_path(Path::new(path)).unwrap();
        let text = String::from_utf8(repo.find_blob(entry.id()).unwrap().content().to_vec()).unwrap();
        let blob = repo.blob(edit(text).as_bytes()).unwrap();
        (common::tree_with_file(repo, head.tree_id(), path, blob), head.message().unwrap().to_owned())
    })
}

/// Rewrites the tip's commit with its message (the event's trailers) edited, keeping its tree.
fn forge(ledger: &Ledger, edit: impl FnOnce(&str) -> String) -> git2::Oid {
    rewrite_tip(ledger, |_, head| (head.tree_id(), edit(head.message().unwrap())))
}

fn certified() -> (Ledger, tempfile::TempDir) {
    let ledger = nominated();
    let scratch = tempfile::tempdir().unwrap();
    let published = scratch.path().join("ballots.box");
    vote(
        &ledger,
        &scratch.path().join("box"),
        &[("nw-opensource", "sil-ops"), ("bf-cto", "bf-cto"), ("fenwick", "bf-cto,sil-ops")],
        &published,
    );
    landed(&certify(&ledger, &published, "2026-11-05", COMMITTEE));
    (ledger, scratch)
}

#[track_caller]
fn caught(ledger: &Ledger, rule: &str, commit: git2::Oid) {
    let out = verify(ledger);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    let found = report["findings"].as_array().unwrap().iter().find(|f| f["rule"] == rule);
    let found = found.unwrap_or_else(|| panic!("{rule} expected: {}", out.stdout));
    assert_eq!(found["commit"].as_str(), Some(commit.to_string().as_str()));
}

#[test]
fn a_tampered_box_or_result_is_caught_at_its_commit() {
    let box_path = format!("elections/{ID}/ballots.box");
    // A ballot changed after the close breaks the chain.
    let (ledger, _keep) = certified();
    let commit = tamper(&ledger, &box_path, |t| t.replacen("[\"sil-ops\"]", "[\"bf-cto\"]", 1));
    caught(&ledger, "box.chain", commit);
    // A ballot dropped (with the head rewritten to match) changes the count or the chain.
    let (ledger, _keep) = certified();
    let commit = tamper(&ledger, &box_path, |t| {
        let lines: Vec<&str> = t.lines().collect();
        let mut kept: Vec<&str> = lines.clone();
        kept.remove(1);
        kept.join("\n") + "\n"
    });
    caught(&ledger, "box.chain", commit);
    // The result claims another winner.
    let (ledger, _keep) = certified();
    let commit = tamper(&ledger, &format!("elections/{ID}/result.json"), |t| t.replace("\"sil-ops\"", "\"bf-cto\""));
    caught(&ledger, "election.result", commit);
    // The board seats someone the count did not elect.
    let (ledger, _keep) = certified();
    let commit = tamper(&ledger, "schema/policy.yaml", |t| t.replace("github: sil-ops", "github: bf-cto"));
    caught(&ledger, "election.result", commit);
}

#[test]
fn the_ledger_on_a_date_before_the_certification_has_neither_its_board_nor_its_commit() {
    let (ledger, _keep) = certified();
    let repo = ledger.repo();
    // Newest first: the certification (2026-11-05), the acceptances, the
    // nominations, the opening (2026-08-20); no member event since the genesis.
    let steps = rollcall::history::chain(&repo, tip(&ledger), None).unwrap();
    let (certification, accepted, opening) = (steps[0].commit, steps[1].commit, steps[5].commit);
    assert_eq!(steps[5].date().to_string(), "2026-08-20");
    let json = |args: &[&str]| -> Value {
        let out = ledger.run(args);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
        serde_json::from_str(&out.stdout).unwrap()
    };
    let roll = json(&["roll", "--as-of", "2026-11-04", "--format", "json"]);
    assert_eq!(roll["commit"], accepted.to_string(), "the roll of the day before reads the state before it");
    let roll = json(&["roll", "--as-of", "2026-11-05", "--format", "json"]);
    assert_eq!(roll["commit"], certification.to_string());
    // The electorate of the cut-off date is the state of that date, however late it is asked for.
    let electorate = json(&["election", "electorate", ID, "--format", "json"]);
    assert_eq!(electorate["commit"], opening.to_string());
    let directors = |board: &Value| -> Vec<String> {
        board["directors"].as_array().unwrap().iter().map(|d| d["github"].as_str().unwrap().to_owned()).collect()
    };
    let before = directors(&json(&["board", "--as-of", "2026-11-04", "--format", "json"]));
    assert!(before.contains(&"tomasz-wren".to_owned()) && !before.contains(&"sil-ops".to_owned()), "{before:?}");
    let after = directors(&json(&["board", "--as-of", "2026-11-05", "--format", "json"]));
    assert!(after.contains(&"sil-ops".to_owned()) && !after.contains(&"tomasz-wren".to_owned()), "{after:?}");
    // The public roll of the day before: the state before the certification, no election certified yet.
    let site = tempfile::tempdir().unwrap();
    let out_dir = site.path().join("public");
    landed(&ledger.run(&["export", "--out", out_dir.to_str().unwrap(), "--as-of", "2026-11-04"]));
    let api = |file: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("api/v1").join(file)).unwrap()).unwrap()
    };
    assert_eq!(api("index.json")["commit"], accepted.to_string());
    assert_eq!(api("elections.json")["elections"], serde_json::json!([]));
    assert_eq!(directors(&api("board.json")), before);
}

/// Moves main to a maintenance commit on its tip (a file outside the ledger's folders).
fn maintain(ledger: &Ledger, path: &str) {
    let repo = ledger.repo();
    let commit = commit_with_file(&repo, tip(ledger), path, b"notes\n");
    repo.reference("refs/heads/main", commit, true, "maintenance").unwrap();
}

#[test]
fn the_electorate_read_once_per_replay_is_the_one_read_afresh_at_every_commit() {
    // The state of the cut-off date moves: to a maintenance commit made
    // after the last event dated before it, and to a nomination dated on
    // the cut-off day itself; then events dated after it leave it put.
    let ledger = opened();
    maintain(&ledger, "docs/one.md");
    landed(&nominate(&ledger, BF, ADA, "2026-09-01"));
    maintain(&ledger, "docs/two.md");
    landed(&nominate(&ledger, SIL, SIL, "2026-09-06"));
    maintain(&ledger, "docs/three.md");
    landed(&accept(&ledger, BF, ADA, "2026-09-10"));
    landed(&accept(&ledger, SIL, SIL, "2026-09-11"));
    verify(&ledger).assert_clean();
    let repo = ledger.repo();
    let cutoff: jiff::civil::Date = "2026-09-01".parse().unwrap();
    let mut steps = rollcall::history::chain(&repo, tip(&ledger), None).unwrap();
    steps.reverse();
    let mut remembered = rollcall::history::electorate::Electorates::default();
    let mut states = Vec::new();
    for step in steps.iter().filter(|s| s.date() >= "2026-08-20".parse().unwrap()) {
        let afresh = rollcall::history::electorate::electorate(&repo, step.commit, ID, cutoff).unwrap().unwrap();
        let read = remembered.electorate(&repo, step.commit, ID, cutoff).unwrap().unwrap();
        assert_eq!(*read, afresh, "the electorate read from {}", step.commit);
        states.push(afresh.commit);
    }
    states.dedup();
    assert_eq!(states.len(), 4, "the state of the cut-off date moved three times: {states:?}");
}

/// Moves main to a commit on its tip that sets `path` to `text` by hand.
fn write_by_hand(ledger: &Ledger, path: &str, text: &str) {
    let repo = ledger.repo();
    let commit = commit_with_file(&repo, tip(ledger), path, text.as_bytes());
    repo.reference("refs/heads/main", commit, true, "by hand").unwrap();
}

#[test]
fn the_nominations_remembered_per_replay_are_the_ones_read_afresh_at_every_commit() {
    // A nomination rewritten by its acceptance, another by hand to other
    // bytes, and a second path holding the very bytes of the first (which
    // do not read there: the file is named for another nominee). Each is
    // a blob the replay has not read at that path.
    let ledger = opened();
    landed(&nominate(&ledger, BF, ADA, "2026-09-05"));
    landed(&nominate(&ledger, SIL, SIL, "2026-09-06"));
    landed(&accept(&ledger, BF, ADA, "2026-09-10"));
    write_by_hand(&ledger, &nomination_path("sil-ops"), &nomination(SIL, RC, false));
    write_by_hand(&ledger, &nomination_path("nw-opensource"), &nomination(BF, ADA, true));
    let repo = ledger.repo();
    let mut steps = rollcall::history::chain(&repo, tip(&ledger), None).unwrap();
    steps.reverse();
    let mut remembered = rollcall::history::elections::Nominations::default();
    let mut seen = Vec::new();
    for step in &steps {
        let afresh = rollcall::history::elections::nominations_at(&repo, step.tree, ID).unwrap();
        let read: Vec<_> = remembered.at(&repo, step.tree, ID).unwrap().into_iter().map(|n| (*n).clone()).collect();
        assert_eq!(read, afresh, "the nominations read at {}", step.commit);
        seen.push(afresh.iter().map(|n| (n.file.clone(), n.nominator.github.clone(), n.accepted)).collect::<Vec<_>>());
    }
    let last = seen.last().unwrap();
    let files = ["bf-cto", "sil-ops"].map(nomination_path);
    assert_eq!(
        last.iter().map(|(file, ..)| file.clone()).collect::<Vec<_>>(),
        files,
        "bf-cto's bytes read only at bf-cto"
    );
    assert!(seen.iter().any(|s| s.contains(&(files[0].clone(), "ada-quill".to_owned(), false))));
    assert!(last.contains(&(files[0].clone(), "ada-quill".to_owned(), true)), "the acceptance read again");
    assert!(last.contains(&(files[1].clone(), "rc-lead".to_owned(), false)), "the rewrite read again");
}

#[test]
fn verify_refuses_a_duplicate_nomination_as_the_recorder_does_after_the_first_was_rewritten() {
    // bf-cto's nomination is read by the replay, then rewritten by its
    // acceptance; sil-ops's file, rewritten by hand to name bf-cto's
    // account, is a duplicate, found where the recorder finds it.
    let ledger = opened();
    landed(&nominate(&ledger, BF, ADA, "2026-09-05"));
    landed(&accept(&ledger, BF, ADA, "2026-09-10"));
    let duplicate = nomination((SIL.0, BF.1), SIL, false);
    let head = pr(&ledger, &nomination_path("sil-ops"), &duplicate);
    let id = SIL.1.to_string();
    let refusal = record(&ledger, &head, "2026-09-11", &["--author", SIL.0, "--author-id", &id]);
    let at = nomination_path("sil-ops");
    refused(&ledger, &refusal, "nomination.duplicate", &at, 1, 10, "/nominee");
    landed(&nominate(&ledger, SIL, SIL, "2026-09-11"));
    verify(&ledger).assert_clean();
    let commit = tamper(&ledger, &at, |_| duplicate.clone());
    caught(&ledger, "nomination.duplicate", commit);
    let found = verify(&ledger).findings;
    let expected = refusal.of("nomination.duplicate")[0];
    found_at(&found, &expected.rule, &expected.file, expected.line, expected.column, &expected.path);
    assert!(found.iter().any(|f| f.rule == expected.rule && f.severity == expected.severity));
}

#[test]
fn a_maintenance_commit_under_elections_is_unrecorded() {
    let ledger = opened();
    ledger.write(&nomination_path("bf-cto"), nomination(BF, ADA, true));
    let commit = ledger.commit("add a nomination by hand");
    caught(&ledger, "history.unrecorded-change", commit);
}

#[test]
fn check_pr_judges_nominations_like_the_recorder() {
    let ledger = opened();
    let head = pr(&ledger, &nomination_path("bf-cto"), &nomination(BF, ADA, false));
    let ok = check_pr(&ledger, &head, ADA, "2026-09-05");
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    let summary = tempfile::NamedTempFile::new().unwrap();
    let path = summary.path().to_str().unwrap();
    let out = ledger.run(&[
        "check-pr",
        "--base",
        "main",
        "--head",
        &head,
        "--author",
        "ada-quill",
        "--author-id",
        "92000001",
        "--as-of",
        "2026-09-05",
        "--summary",
        path,
    ]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let text = std::fs::read_to_string(summary.path()).unwrap();
    assert!(text.contains("acceptable") && text.contains("a nomination of bf\\-cto"), "{text}");
    // The authorization matrix: a non-member, the election committee, a
    // representative nominating themselves, a member nominating themselves.
    let stranger = check_pr(
        &ledger,
        &pr(&ledger, &nomination_path("bf-cto"), &nomination(BF, ("someone", 99), false)),
        ("someone", 99),
        "2026-09-05",
    );
    let bf = nomination_path("bf-cto");
    found_at(&stranger.findings, "nomination.nominator", &bf, 2, 12, "/nominator");
    let committee =
        check_pr(&ledger, &pr(&ledger, &nomination_path("bf-cto"), &nomination(BF, PRIYA, false)), PRIYA, "2026-09-05");
    found_at(&committee.findings, "nomination.nominator", &bf, 2, 12, "/nominator");
    let rep =
        check_pr(&ledger, &pr(&ledger, &nomination_path("sil-ops"), &nomination(SIL, SIL, false)), SIL, "2026-09-05");
    assert_eq!(rep.code, 0, "a sponsor's representative may nominate themselves: {}", rep.stdout);
    let own =
        check_pr(&ledger, &pr(&ledger, &nomination_path("ada-quill"), &nomination(ADA, ADA, false)), ADA, "2026-09-05");
    found_at(&own.findings, "nomination.self", &nomination_path("ada-quill"), 2, 12, "/nominator");
    let nominee_committee = check_pr(
        &ledger,
        &pr(&ledger, &nomination_path("priya-raman"), &nomination(PRIYA, ADA, false)),
        ADA,
        "2026-09-05",
    );
    let priya = nomination_path("priya-raman");
    found_at(&nominee_committee.findings, "nomination.election-committee", &priya, 1, 10, "/nominee");
    // A pull request that also changes a member file is no nomination.
    let repo = ledger.repo();
    let first =
        commit_with_file(&repo, tip(&ledger), &nomination_path("bf-cto"), nomination(BF, ADA, false).as_bytes());
    let both = commit_with_file(&repo, first, "members/zz/zed.yaml", b"id: zed\n").to_string();
    let mixed = check_pr(&ledger, &both, ADA, "2026-09-05");
    found_at(&mixed.findings, "nomination.scope", &bf, 1, 1, "");
}

/// One failing case for every rule of an election (`Check::Election`):
/// each refused with its rule at the place it names (file, line, column
/// and YAML path, with help), and nothing moved. A rule counts as covered
/// only through `case` or `seen`, which both demand the place.
#[test]
fn every_election_rule_has_a_failing_case() {
    let covered: std::cell::RefCell<Vec<&str>> = std::cell::RefCell::new(Vec::new());
    let case =
        |rule: &'static str, ledger: &Ledger, attempt: Attempt, file: &str, line: u32, column: u32, path: &str| {
            refused(ledger, &attempt, rule, file, line, column, path);
            covered.borrow_mut().push(rule);
        };
    // Findings of no recording: of `verify`, or of a file read directly.
    let seen = |rule: &'static str, findings: &[Finding], file: &str, line: u32, column: u32, path: &str| {
        found_at(findings, rule, file, line, column, path);
        covered.borrow_mut().push(rule);
    };
    let open_with = |yaml: &str, approvers: &str, path: &str| {
        let ledger = desk();
        let head = pr(&ledger, path, yaml);
        let out = record(&ledger, &head, "2026-08-20", &["--approved-by", approvers]);
        (ledger, out)
    };
    let file = format!("elections/{ID}/election.yaml");
    let (l, o) = open_with(&election_yaml("colour: blue\n"), COMMITTEE, &file);
    case("election.file", &l, o, &file, 11, 9, "/colour");
    let (l, o) = open_with(&election_yaml(""), COMMITTEE, "elections/Board_2026/election.yaml");
    case("election.id", &l, o, "elections/Board_2026/election.yaml", 1, 1, "");
    let (l, o) = open_with(&election_yaml("").replace("seats: 1", "seats: 40"), COMMITTEE, &file);
    case("election.seats", &l, o, &file, 2, 8, "/seats");
    let (l, o) =
        open_with(&election_yaml("").replace("closes: \"2026-10-31\"", "closes: \"2026-10-15\""), COMMITTEE, &file);
    case("election.windows", &l, o, &file, 9, 11, "/voting/closes");
    let (l, o) = open_with(&election_yaml("method: plurality\n"), COMMITTEE, &file);
    case("election.method", &l, o, &file, 11, 9, "/method");
    let (l, o) = open_with(&election_yaml("").replace("[tomasz-wren]", "[tomasz-wren, ada-quill]"), COMMITTEE, &file);
    case("election.replaces", &l, o, &file, 10, 25, "/replaces/1");
    let (l, o) = open_with(&election_yaml(""), "priya-raman", &file);
    case("election.approvals", &l, o, &file, 1, 1, "");
    // Opened after its nominations open: judged at recording, at the field to blame.
    let l = desk();
    let head = pr(&l, &file, &election_yaml(""));
    let o = record(&l, &head, "2026-09-02", &["--approved-by", COMMITTEE]);
    refused(&l, &o, "election.windows", &file, 5, 10, "/nominations/opens");
    // A nomination recorded before the election exists.
    let l = desk();
    let head = pr(&l, &nomination_path("bf-cto"), &nomination(BF, ADA, false));
    let o = record(&l, &head, "2026-09-05", &["--author", ADA.0, "--author-id", "92000001"]);
    case("election.scope", &l, o, &file, 1, 1, "");
    let l = nominated();
    let scratch = tempfile::tempdir().unwrap();
    let published = scratch.path().join("ballots.box");
    vote(&l, &scratch.path().join("box"), &[("nw-opensource", "sil-ops")], &published);
    let result_file = format!("elections/{ID}/result.json");
    let box_file = format!("elections/{ID}/ballots.box");
    case("election.closed", &l, certify(&l, &published, "2026-10-30", COMMITTEE), &result_file, 1, 1, "");
    // A BLT whose candidates are not the accepted nominees: its first line
    // gives the number of candidates and seats.
    let blt = scratch.path().join("service.blt");
    let blt_file = format!("elections/{ID}/ballots.blt");
    std::fs::write(&blt, "2 1\n10 1 2 0\n0\n\"bf-cto\"\n\"someone\"\n\"Board\"\n").unwrap();
    case("election.candidates", &l, certify(&l, &blt, "2026-11-05", COMMITTEE), &blt_file, 1, 1, "");
    // A BLT too light for the quorum: certified never.
    std::fs::write(&blt, "2 1\n1 1 2 0\n0\n\"bf-cto\"\n\"sil-ops\"\n\"Board\"\n").unwrap();
    case("election.result", &l, certify(&l, &blt, "2026-11-05", COMMITTEE), &result_file, 1, 1, "");
    // A box with a ballot of a weight nobody in the electorate holds: the
    // changed ballot no longer chains to the header.
    let forged = std::fs::read_to_string(&published).unwrap().replace("\"weight\":50", "\"weight\":49");
    let forged_path = scratch.path().join("forged.box");
    std::fs::write(&forged_path, &forged).unwrap();
    let o = certify(&l, &forged_path, "2026-11-05", COMMITTEE);
    refused(&l, &o, "box.chain", &box_file, 2, 1, "");
    // The box's own rules, read directly: each at the line to blame.
    let header = forged.lines().next().unwrap().to_owned();
    let ballot = |receipt: &str, tag: &str, weight: u64, ranking: &str| serde_json::json!({"receipt": receipt, "tag": tag, "weight": weight, "memberships": 1, "ranking": serde_json::from_str::<Value>(ranking).unwrap()});
    let sealed = |ballots: Vec<Value>| {
        let header: rollcall::election::ballot_box::Header = serde_json::from_str(&header).unwrap();
        let ballots: Vec<rollcall::election::ballot_box::Published> =
            ballots.into_iter().map(|b| serde_json::from_value(b).unwrap()).collect();
        rollcall::election::ballot_box::publish(&header, &ballots)
    };
    // A box's findings as the report prints them; each case finds one.
    let read_box = |text: &str| -> Vec<Finding> {
        let found = rollcall::election::ballot_box::read("b.box", text.as_bytes()).err().unwrap_or_default();
        assert_eq!(found.len(), 1, "{found:?}");
        serde_json::from_value(serde_json::to_value(found).unwrap()).unwrap()
    };
    seen("box.format", &read_box("not a box\n"), "b.box", 1, 1, "");
    let twice = sealed(vec![ballot("r1", "t1", 1, "[]"), ballot("r2", "t1", 1, "[]")]);
    seen("box.credential-twice", &read_box(&twice), "b.box", 3, 1, "");
    let ranked_twice = sealed(vec![ballot("r1", "t1", 1, "[\"sil-ops\", \"sil-ops\"]")]);
    seen("box.ranking", &read_box(&ranked_twice), "b.box", 2, 1, "");
    found_at(&read_box(&sealed(vec![ballot("r1", "t1", 0, "[]")])), "box.weights", "b.box", 2, 1, "");
    let light = sealed(vec![ballot("r1", "t1", 49, "[\"sil-ops\"]")]);
    std::fs::write(&forged_path, &light).unwrap();
    case("box.weights", &l, certify(&l, &forged_path, "2026-11-05", COMMITTEE), &box_file, 2, 1, "");
    let headless = light.replace(light.lines().last().unwrap(), "{\"head\":\"00\",\"ballots\":1}");
    seen("box.chain", &read_box(&headless), "b.box", 3, 1, "");
    // The ballot box outside the voting window: at the end of it to blame.
    let early_box = scratch.path().join("early-box");
    let credential = issue(&l, &early_box)("ada-quill");
    let o = cast(&l, &early_box, &credential, "sil-ops", "2026-11-01");
    case("box.window", &l, o, &file, 9, 11, "/voting/closes");
    let o = cast(&l, &early_box, &credential, "sil-ops", "2026-10-09");
    refused(&l, &o, "box.window", &file, 8, 10, "/voting/opens");
    // A credential the box did not issue, and a box closed: at the box's file.
    let early_file = early_box.join("box.json").display().to_string();
    let o = cast(&l, &early_box, "forged", "sil-ops", VOTING_DAY);
    case("box.unknown-credential", &l, o, &early_file, 1, 1, "");
    let closed = scratch.path().join("early.box");
    close_box(&early_box, &closed);
    case("box.closed", &l, cast(&l, &early_box, &credential, "sil-ops", VOTING_DAY), &early_file, 1, 1, "");
    // Nominations: the nominee's fields on line 1, the nominator's on line 2.
    let l = opened();
    let by_ada = ["--author", ADA.0, "--author-id", "92000001"];
    let bf = nomination_path("bf-cto");
    let head = pr(&l, &bf, "nominee: {github: bf-cto}\n");
    case("nomination.file", &l, record(&l, &head, "2026-09-05", &by_ada), &bf, 1, 10, "/nominee/github_id");
    let repo = l.repo();
    let first = commit_with_file(&repo, tip(&l), &bf, nomination(BF, ADA, false).as_bytes());
    let both = commit_with_file(&repo, first, "README.md", b"x\n").to_string();
    case("nomination.scope", &l, record(&l, &both, "2026-09-05", &by_ada), "README.md", 1, 1, "");
    case("nomination.author", &l, nominate_by(&l, BF, ADA, FEN, "2026-09-05"), &bf, 2, 12, "/nominator");
    // Made on a day out of its window: no field of the file is to blame.
    case("nomination.window", &l, nominate(&l, BF, ADA, "2026-10-05"), &bf, 1, 1, "");
    let head = pr(&l, &bf, &nomination(BF, ADA, true));
    case("nomination.acceptance", &l, record(&l, &head, "2026-09-05", &by_ada), &bf, 4, 11, "/accepted");
    case("nomination.nominator", &l, nominate(&l, BF, ("stranger", 99), "2026-09-05"), &bf, 2, 12, "/nominator");
    let stranger = nomination_path("stranger");
    let o = nominate(&l, ("stranger", 99), ADA, "2026-09-05");
    case("nomination.nominee-standing", &l, o, &stranger, 1, 10, "/nominee");
    let o = nominate(&l, ADA, ADA, "2026-09-05");
    case("nomination.self", &l, o, &nomination_path("ada-quill"), 2, 12, "/nominator");
    let o = nominate(&l, PRIYA, ADA, "2026-09-05");
    case("nomination.election-committee", &l, o, &nomination_path("priya-raman"), 1, 10, "/nominee");
    landed(&nominate(&l, BF, ADA, "2026-09-05"));
    let o = nominate(&l, ("bf-cto-2", 92000010), RC, "2026-09-06");
    case("nomination.duplicate", &l, o, &nomination_path("bf-cto-2"), 1, 10, "/nominee");
    let o = nominate(&l, NW, ADA, "2026-09-06");
    case("nomination.one-each", &l, o, &nomination_path("nw-opensource"), 2, 12, "/nominator");
    // Events edited after they were recorded, their trailers or their
    // files: `verify` judges them as the recorder does, at the same place.
    let l = opened();
    landed(&nominate(&l, BF, ADA, "2026-09-05"));
    forge(&l, |m| m.replace("Rollcall-Author: ada-quill 92000001", "Rollcall-Author: rc-lead 92000009"));
    found_at(&verify(&l).findings, "nomination.author", &bf, 2, 12, "/nominator");
    forge(&l, |m| m.replace("Rollcall-Author: rc-lead 92000009\n", ""));
    let out = verify(&l);
    assert!(out.findings.iter().any(|f| f.rule == "history.malformed-event"), "{}", out.stdout);
    let l = opened();
    tamper(&l, &file, |t| t.replace("[tomasz-wren]", "[tomasz-wren, ada-quill]"));
    found_at(&verify(&l).findings, "election.replaces", &file, 10, 25, "/replaces/1");
    seen("election.event", &election_event_rule().findings, &file, 1, 1, "");

    let covered = covered.into_inner();
    let registered: Vec<&str> = RULES.iter().filter(|r| matches!(r.check, Check::Election)).map(|r| r.name).collect();
    for rule in &registered {
        assert!(covered.contains(rule), "{rule} has no failing case that says where");
    }
    for rule in &covered {
        assert!(registered.contains(rule), "{rule} is not registered in RULES as Check::Election");
    }
}

/// A nomination naming `nominator` opened by `author`.
fn nominate_by(
    ledger: &Ledger,
    nominee: (&str, u64),
    nominator: (&str, u64),
    author: (&str, u64),
    date: &str,
) -> Attempt {
    let head = pr(ledger, &nomination_path(nominee.0), &nomination(nominee, nominator, false));
    let id = author.1.to_string();
    record(ledger, &head, date, &["--author", author.0, "--author-id", &id])
}

/// An opening whose recorded approver is spelled otherwise than the policy
/// spells them: the recorder never writes it, so it is forged here.
fn election_event_rule() -> Outcome {
    let ledger = opened();
    forge(&ledger, |m| m.replace("Rollcall-Approved-By: priya-raman", "Rollcall-Approved-By: PRIYA-RAMAN"));
    verify(&ledger)
}

mod sealed {
    use proptest::prelude::*;
    use rollcall::election::ballot_box::{FORMAT, Header, Published, publish, read};

    fn header() -> Header {
        Header {
            format: FORMAT.to_owned(),
            election: "e".to_owned(),
            title: "E".to_owned(),
            seats: 2,
            candidates: ["a", "b", "c", "d"].map(String::from).to_vec(),
        }
    }

    fn ballots() -> impl Strategy<Value = Vec<Published>> {
        prop::collection::vec((1u64..60, 1usize..3, Just(["a", "b", "c", "d"]).prop_shuffle(), 0usize..5), 1..25)
            .prop_map(|raw| {
                raw.into_iter()
                    .enumerate()
                    .map(|(i, (weight, memberships, order, len))| Published {
                        receipt: format!("r{i}"),
                        tag: format!("t{i}"),
                        weight,
                        memberships,
                        ranking: order[..len].iter().map(|s| s.to_string()).collect(),
                    })
                    .collect()
            })
    }

    proptest! {
        /// A published box reads back as it was sealed, and its BLT
        /// carries every ballot's weight.
        #[test]
        fn a_sealed_box_reads_back(ballots in ballots()) {
            let text = publish(&header(), &ballots);
            let read = read("b.box", text.as_bytes()).expect("a sealed box reads");
            prop_assert_eq!(&read.ballots, &ballots);
            let total: u64 = read.blt().ballots.iter().map(|b| b.weight).sum();
            prop_assert_eq!(total, ballots.iter().map(|b| b.weight).sum::<u64>());
        }

        /// Any ballot line changed, dropped, or two swapped is refused.
        #[test]
        fn any_change_after_the_close_is_caught(ballots in ballots(), pick in any::<prop::sample::Index>(), how in 0u8..3) {
            let text = publish(&header(), &ballots);
            let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
            let n = ballots.len();
            let i = 1 + pick.index(n);
            match how {
                0 => lines[i] = lines[i].replacen("\"weight\":", "\"weight\":1", 1),
                1 => { lines.remove(i); }
                _ if n > 1 => { let j = 1 + (i % n); lines.swap(i, j); }
                _ => lines[i] = lines[i].replacen("\"receipt\":\"r", "\"receipt\":\"x", 1),
            }
            let tampered = lines.join("\n") + "\n";
            prop_assume!(tampered != text);
            prop_assert!(read("b.box", tampered.as_bytes()).is_err());
        }
    }
}
