//! Elections from git: an election opened by the election committee,
//! nominations and acceptances judged by `check-pr` and recorded as ledger
//! events, the electorate of the cut-off date, the ballot box, the
//! certified result that seats the winner, and `verify` re-counting it and
//! catching a tampered box or result at its commit. On real repositories
//! with the real binary.

mod common;

use common::{Ledger, Outcome, commit_with_file, desk, run_in, tip};
use rollcall::roll::rules::{Check, RULES};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

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

fn record(ledger: &Ledger, head: &str, date: &str, extra: &[&str]) -> Outcome {
    let mut args = vec!["election", "record", "--head", head, "--date", date, "--format", "json"];
    args.extend_from_slice(extra);
    ledger.run(&args)
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

fn nominate(ledger: &Ledger, nominee: (&str, u64), nominator: (&str, u64), date: &str) -> Outcome {
    let head = pr(ledger, &nomination_path(nominee.0), &nomination(nominee, nominator, false));
    let id = nominator.1.to_string();
    record(ledger, &head, date, &["--author", nominator.0, "--author-id", &id])
}

fn accept(ledger: &Ledger, nominee: (&str, u64), nominator: (&str, u64), date: &str) -> Outcome {
    let head = pr(ledger, &nomination_path(nominee.0), &nomination(nominee, nominator, true));
    let id = nominee.1.to_string();
    record(ledger, &head, date, &["--author", nominee.0, "--author-id", &id])
}

#[track_caller]
fn landed(out: &Outcome) {
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}

#[track_caller]
fn refused(ledger: &Ledger, out: &Outcome, rule: &str) {
    let before = tip(ledger);
    assert_eq!(out.code, 1, "{rule}: {}{}", out.stdout, out.stderr);
    assert!(out.findings.iter().any(|f| f.rule == rule), "{rule} expected: {}", out.stdout);
    assert_eq!(tip(ledger), before);
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

fn bin(args: &[&str]) -> Outcome {
    let output = Command::new(env!("CARGO_BIN_EXE_rollcall")).args(args).output().expect("run");
    Outcome {
        code: output.status.code().expect("exit"),
        ok: output.status.success(),
        findings: Vec::new(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Issues credentials and casts `votes` (voter login → ranking); closes the
/// box into `out`. Returns each voter's receipt.
fn vote(ledger: &Ledger, dir: &Path, votes: &[(&str, &str)], out: &Path) -> Vec<String> {
    landed(&ledger.run(&["election", "box", "issue", ID, "--box", dir.to_str().unwrap()]));
    let csv = std::fs::read_to_string(dir.join("credentials.csv")).unwrap();
    let credential = |login: &str| {
        csv.lines().find(|l| l.starts_with(&format!("{login},"))).unwrap().rsplit(',').next().unwrap().to_owned()
    };
    let mut receipts = Vec::new();
    for (login, ranking) in votes {
        let out = bin(&[
            "election",
            "box",
            "vote",
            "--box",
            dir.to_str().unwrap(),
            "--credential",
            &credential(login),
            "--rank",
            ranking,
        ]);
        landed(&out);
        receipts.push(out.stdout.trim().trim_start_matches("receipt: ").to_owned());
    }
    landed(&bin(&["election", "box", "close", "--box", dir.to_str().unwrap(), "--out", out.to_str().unwrap()]));
    receipts
}

fn verify(ledger: &Ledger) -> Outcome {
    ledger.run(&["verify", "--format", "json"])
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
    let path = published.to_str().unwrap();
    let early = ledger.run(&[
        "election",
        "certify",
        ID,
        "--ballots",
        path,
        "--date",
        "2026-10-20",
        "--approved-by",
        COMMITTEE,
        "--format",
        "json",
    ]);
    refused(&ledger, &early, "election.closed");
    let alone = ledger.run(&[
        "election",
        "certify",
        ID,
        "--ballots",
        path,
        "--date",
        "2026-11-05",
        "--approved-by",
        "priya-raman",
        "--format",
        "json",
    ]);
    refused(&ledger, &alone, "election.approvals");
    landed(&ledger.run(&[
        "election",
        "certify",
        ID,
        "--ballots",
        path,
        "--date",
        "2026-11-05",
        "--approved-by",
        COMMITTEE,
    ]));
    let result: Value = serde_json::from_str(
        &std::fs::read_to_string(ledger.path().join(format!("elections/{ID}/result.json"))).unwrap_or_else(|_| {
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
                            .get_path(Path::new(&format!("elections/{ID}/result.json")))
                            .unwrap()
                            .id(),
                    )
                    .unwrap()
                    .content()
                    .to_vec(),
            )
            .unwrap()
        }),
    )
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

/// Rewrites the tip's commit with `path` replaced by `bytes`, keeping its message.
fn tamper(ledger: &Ledger, path: &str, edit: impl FnOnce(String) -> String) -> git2::Oid {
    let repo = ledger.repo();
    let head = repo.find_commit(tip(ledger)).unwrap();
    let entry = head.tree().unwrap().get_path(Path::new(path)).unwrap();
    let text = String::from_utf8(repo.find_blob(entry.id()).unwrap().content().to_vec()).unwrap();
    let blob = repo.blob(edit(text).as_bytes()).unwrap();
    let tree = repo.find_tree(common::tree_with_file(&repo, head.tree_id(), path, blob)).unwrap();
    let parent = head.parent(0).unwrap();
    let commit =
        repo.commit(None, &head.author(), &head.committer(), head.message().unwrap(), &tree, &[&parent]).unwrap();
    repo.reference("refs/heads/main", commit, true, "tamper").unwrap();
    commit
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
    landed(&ledger.run(&[
        "election",
        "certify",
        ID,
        "--ballots",
        published.to_str().unwrap(),
        "--date",
        "2026-11-05",
        "--approved-by",
        COMMITTEE,
    ]));
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
    assert!(stranger.findings.iter().any(|f| f.rule == "nomination.nominator"), "{}", stranger.stdout);
    let committee =
        check_pr(&ledger, &pr(&ledger, &nomination_path("bf-cto"), &nomination(BF, PRIYA, false)), PRIYA, "2026-09-05");
    assert!(committee.findings.iter().any(|f| f.rule == "nomination.nominator"), "{}", committee.stdout);
    let rep =
        check_pr(&ledger, &pr(&ledger, &nomination_path("sil-ops"), &nomination(SIL, SIL, false)), SIL, "2026-09-05");
    assert_eq!(rep.code, 0, "a sponsor's representative may nominate themselves: {}", rep.stdout);
    let own =
        check_pr(&ledger, &pr(&ledger, &nomination_path("ada-quill"), &nomination(ADA, ADA, false)), ADA, "2026-09-05");
    assert!(own.findings.iter().any(|f| f.rule == "nomination.self"), "{}", own.stdout);
    let nominee_committee = check_pr(
        &ledger,
        &pr(&ledger, &nomination_path("priya-raman"), &nomination(PRIYA, ADA, false)),
        ADA,
        "2026-09-05",
    );
    assert!(
        nominee_committee.findings.iter().any(|f| f.rule == "nomination.election-committee"),
        "{}",
        nominee_committee.stdout
    );
    // A pull request that also changes a member file is no nomination.
    let repo = ledger.repo();
    let first =
        commit_with_file(&repo, tip(&ledger), &nomination_path("bf-cto"), nomination(BF, ADA, false).as_bytes());
    let both = commit_with_file(&repo, first, "members/zz/zed.yaml", b"id: zed\n").to_string();
    let mixed = check_pr(&ledger, &both, ADA, "2026-09-05");
    assert!(mixed.findings.iter().any(|f| f.rule == "nomination.scope"), "{}", mixed.stdout);
}

/// One failing case for every rule of an election (`Check::Election`):
/// each refused with its rule, and nothing moved.
#[test]
fn every_election_rule_has_a_failing_case() {
    let covered: std::cell::RefCell<Vec<&str>> = std::cell::RefCell::new(Vec::new());
    let case = |rule: &'static str, ledger: &Ledger, out: Outcome| {
        refused(ledger, &out, rule);
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
    case("election.file", &l, o);
    let (l, o) = open_with(&election_yaml(""), COMMITTEE, "elections/Board_2026/election.yaml");
    case("election.id", &l, o);
    let (l, o) = open_with(&election_yaml("").replace("seats: 1", "seats: 40"), COMMITTEE, &file);
    case("election.seats", &l, o);
    let (l, o) =
        open_with(&election_yaml("").replace("closes: \"2026-10-31\"", "closes: \"2026-10-15\""), COMMITTEE, &file);
    case("election.windows", &l, o);
    let (l, o) = open_with(&election_yaml("method: plurality\n"), COMMITTEE, &file);
    case("election.method", &l, o);
    let (l, o) = open_with(&election_yaml("").replace("[tomasz-wren]", "[ada-quill]"), COMMITTEE, &file);
    case("election.replaces", &l, o);
    let (l, o) = open_with(&election_yaml(""), "priya-raman", &file);
    case("election.approvals", &l, o);
    // A nomination recorded before the election exists.
    let l = desk();
    let head = pr(&l, &nomination_path("bf-cto"), &nomination(BF, ADA, false));
    let o = record(&l, &head, "2026-09-05", &["--author", ADA.0, "--author-id", "92000001"]);
    case("election.scope", &l, o);
    let l = nominated();
    let scratch = tempfile::tempdir().unwrap();
    let published = scratch.path().join("ballots.box");
    vote(&l, &scratch.path().join("box"), &[("nw-opensource", "sil-ops")], &published);
    let p = published.to_str().unwrap().to_owned();
    let o = l.run(&[
        "election",
        "certify",
        ID,
        "--ballots",
        &p,
        "--date",
        "2026-10-30",
        "--approved-by",
        COMMITTEE,
        "--format",
        "json",
    ]);
    case("election.closed", &l, o);
    // A BLT whose candidates are not the accepted nominees.
    let blt = scratch.path().join("service.blt");
    std::fs::write(&blt, "2 1\n10 1 2 0\n0\n\"bf-cto\"\n\"someone\"\n\"Board\"\n").unwrap();
    let o = l.run(&[
        "election",
        "certify",
        ID,
        "--ballots",
        blt.to_str().unwrap(),
        "--date",
        "2026-11-05",
        "--approved-by",
        COMMITTEE,
        "--format",
        "json",
    ]);
    case("election.candidates", &l, o);
    // A BLT too light for the quorum: certified never.
    std::fs::write(&blt, "2 1\n1 1 2 0\n0\n\"bf-cto\"\n\"sil-ops\"\n\"Board\"\n").unwrap();
    let o = l.run(&[
        "election",
        "certify",
        ID,
        "--ballots",
        blt.to_str().unwrap(),
        "--date",
        "2026-11-05",
        "--approved-by",
        COMMITTEE,
        "--format",
        "json",
    ]);
    case("election.result", &l, o);
    // A box with a ballot of a weight nobody in the electorate holds.
    let forged = std::fs::read_to_string(&published).unwrap().replace("\"weight\":50", "\"weight\":49");
    let forged_path = scratch.path().join("forged.box");
    std::fs::write(&forged_path, &forged).unwrap();
    let o = l.run(&[
        "election",
        "certify",
        ID,
        "--ballots",
        forged_path.to_str().unwrap(),
        "--date",
        "2026-11-05",
        "--approved-by",
        COMMITTEE,
        "--format",
        "json",
    ]);
    assert!(o.findings.iter().any(|f| f.rule == "box.chain"), "a changed weight breaks the chain: {}", o.stdout);
    // The box's own rules, read directly.
    let header = forged.lines().next().unwrap().to_owned();
    let ballot = |receipt: &str, tag: &str, weight: u64, ranking: &str| serde_json::json!({"receipt": receipt, "tag": tag, "weight": weight, "memberships": 1, "ranking": serde_json::from_str::<Value>(ranking).unwrap()});
    let sealed = |ballots: Vec<Value>| {
        let header: rollcall::election::ballot_box::Header = serde_json::from_str(&header).unwrap();
        let ballots: Vec<rollcall::election::ballot_box::Published> =
            ballots.into_iter().map(|b| serde_json::from_value(b).unwrap()).collect();
        rollcall::election::ballot_box::publish(&header, &ballots)
    };
    let rules_of = |text: &str| -> Vec<String> {
        rollcall::election::ballot_box::read("b.box", text.as_bytes())
            .err()
            .unwrap_or_default()
            .iter()
            .map(|f| f.rule.to_string())
            .collect()
    };
    assert_eq!(rules_of("not a box\n"), ["box.format"]);
    covered.borrow_mut().push("box.format");
    assert_eq!(
        rules_of(&sealed(vec![ballot("r1", "t1", 1, "[]"), ballot("r2", "t1", 1, "[]")])),
        ["box.credential-twice"]
    );
    covered.borrow_mut().push("box.credential-twice");
    assert_eq!(rules_of(&sealed(vec![ballot("r1", "t1", 1, "[\"sil-ops\", \"sil-ops\"]")])), ["box.ranking"]);
    covered.borrow_mut().push("box.ranking");
    assert_eq!(rules_of(&sealed(vec![ballot("r1", "t1", 0, "[]")])), ["box.weights"]);
    let light = sealed(vec![ballot("r1", "t1", 49, "[\"sil-ops\"]")]);
    std::fs::write(&forged_path, &light).unwrap();
    let o = l.run(&[
        "election",
        "certify",
        ID,
        "--ballots",
        forged_path.to_str().unwrap(),
        "--date",
        "2026-11-05",
        "--approved-by",
        COMMITTEE,
        "--format",
        "json",
    ]);
    case("box.weights", &l, o);
    assert_eq!(
        rules_of(&light.replace(&light.lines().last().unwrap().to_owned(), "{\"head\":\"00\",\"ballots\":1}")),
        ["box.chain"]
    );
    covered.borrow_mut().push("box.chain");
    // Nominations.
    let l = opened();
    let head = pr(&l, &nomination_path("bf-cto"), "nominee: {github: bf-cto}\n");
    case("nomination.file", &l, record(&l, &head, "2026-09-05", &["--author", ADA.0, "--author-id", "92000001"]));
    let repo = l.repo();
    let first = commit_with_file(&repo, tip(&l), &nomination_path("bf-cto"), nomination(BF, ADA, false).as_bytes());
    let both = commit_with_file(&repo, first, "README.md", b"x\n").to_string();
    case("nomination.scope", &l, record(&l, &both, "2026-09-05", &["--author", ADA.0, "--author-id", "92000001"]));
    case("nomination.author", &l, nominate_by(&l, BF, ADA, FEN, "2026-09-05"));
    case("nomination.window", &l, nominate(&l, BF, ADA, "2026-10-05"));
    let head = pr(&l, &nomination_path("bf-cto"), &nomination(BF, ADA, true));
    case("nomination.acceptance", &l, record(&l, &head, "2026-09-05", &["--author", ADA.0, "--author-id", "92000001"]));
    case("nomination.nominator", &l, nominate(&l, BF, ("stranger", 99), "2026-09-05"));
    case("nomination.nominee-standing", &l, nominate(&l, ("stranger", 99), ADA, "2026-09-05"));
    case("nomination.self", &l, nominate(&l, ADA, ADA, "2026-09-05"));
    case("nomination.election-committee", &l, nominate(&l, PRIYA, ADA, "2026-09-05"));
    landed(&nominate(&l, BF, ADA, "2026-09-05"));
    case("nomination.duplicate", &l, nominate(&l, ("bf-cto-2", 92000010), RC, "2026-09-06"));
    case("nomination.one-each", &l, nominate(&l, NW, ADA, "2026-09-06"));
    // election.event: an event whose trailers do not match its change.
    let l = opened();
    let head = pr(&l, &nomination_path("bf-cto"), &nomination(BF, ADA, false));
    landed(&record(&l, &head, "2026-09-05", &["--author", ADA.0, "--author-id", "92000001"]));
    let repo = l.repo();
    let commit = repo.find_commit(tip(&l)).unwrap();
    let parent = commit.parent(0).unwrap();
    let message =
        commit.message().unwrap().replace("Rollcall-Author: ada-quill 92000001", "Rollcall-Author: rc-lead 92000009");
    let forged = repo
        .commit(None, &commit.author(), &commit.committer(), &message, &commit.tree().unwrap(), &[&parent])
        .unwrap();
    repo.reference("refs/heads/main", forged, true, "forge").unwrap();
    let out = verify(&l);
    assert!(out.findings.iter().any(|f| f.rule == "nomination.author"), "{}", out.stdout);
    let message = commit.message().unwrap().replace("Rollcall-Author: ada-quill 92000001\n", "");
    let forged = repo
        .commit(None, &commit.author(), &commit.committer(), &message, &commit.tree().unwrap(), &[&parent])
        .unwrap();
    repo.reference("refs/heads/main", forged, true, "forge").unwrap();
    let out = verify(&l);
    assert!(out.findings.iter().any(|f| f.rule == "history.malformed-event"), "{}", out.stdout);
    let out = election_event_rule();
    assert!(out.findings.iter().any(|f| f.rule == "election.event"), "{}", out.stdout);
    covered.borrow_mut().push("election.event");

    let covered = covered.into_inner();
    let registered: Vec<&str> = RULES.iter().filter(|r| matches!(r.check, Check::Election)).map(|r| r.name).collect();
    for rule in &registered {
        assert!(covered.contains(rule), "{rule} has no failing case");
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
) -> Outcome {
    let head = pr(ledger, &nomination_path(nominee.0), &nomination(nominee, nominator, false));
    let id = author.1.to_string();
    record(ledger, &head, date, &["--author", author.0, "--author-id", &id])
}

/// An opening whose recorded approver is spelled otherwise than the policy
/// spells them: the recorder never writes it, so it is forged here.
fn election_event_rule() -> Outcome {
    let ledger = desk();
    let head = pr(&ledger, &format!("elections/{ID}/election.yaml"), &election_yaml(""));
    landed(&record(&ledger, &head, "2026-08-20", &["--approved-by", COMMITTEE]));
    let repo = ledger.repo();
    let commit = repo.find_commit(tip(&ledger)).unwrap();
    let parent = commit.parent(0).unwrap();
    let message =
        commit.message().unwrap().replace("Rollcall-Approved-By: priya-raman", "Rollcall-Approved-By: PRIYA-RAMAN");
    let forged = repo
        .commit(None, &commit.author(), &commit.committer(), &message, &commit.tree().unwrap(), &[&parent])
        .unwrap();
    repo.reference("refs/heads/main", forged, true, "forge").unwrap();
    run_in(ledger.path(), &["verify", "--format", "json"])
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
