//! `rollcall init`: a new foundation's ledger, created by the real binary
//! in a temporary directory, then used as the foundation would use it:
//! an application written by `apply`, judged by `check-pr`, recorded by
//! `merge`, a sponsor admitted with its payment, a renewal, the expiry of a
//! term, a signed checkpoint, and `verify` over it all, on real git.

use crate::common::tmux::Tmux;
use crate::common::{Outcome, commit_with_file, repo_root, run_bin, run_in};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

const ACTION: &str = "example-org/rollcall@0123456789abcdef0123456789abcdef01234567";

/// The flags of a foundation whose committee is three, one a director.
fn flags() -> Vec<String> {
    [
        "--no-input",
        "--name",
        "Open Harbor Foundation",
        "--origin",
        "openharbor.example/members",
        "--committee",
        "ann-lee:91000101",
        "--committee",
        "bo-chen:91000102",
        "--committee",
        "cy-diaz:91000103",
        "--director",
        "ann-lee:91000101",
        "--director",
        "dan-oyelaran:91000104",
        "--maintainer",
        "eve-moss:91000105",
        "--action",
        ACTION,
        "--date",
        "2024-01-01",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// `rollcall init DIR ARGS…` (init takes no --repo).
fn init(dir: &Path, args: &[String]) -> Outcome {
    run_bin([OsStr::new("init"), dir.as_os_str()].into_iter().chain(args.iter().map(OsStr::new)))
}

/// `merge` of `head` in the new ledger at `dir` on `date`, opened by
/// `author` and approved by two of its committee, plus `extra` arguments.
fn merge(dir: &Path, date: &str, head: &str, (login, id): (&str, &str), extra: &[&str]) -> Outcome {
    let args = ["merge", "--format", "json", "--date", date, "--head", head, "--author", login, "--author-id", id];
    run_in(dir, &[&args[..], &["--approved-by", "bo-chen,cy-diaz"], extra].concat())
}

fn tip(dir: &Path) -> git2::Oid {
    git2::Repository::open(dir).unwrap().refname_to_id("refs/heads/main").unwrap()
}

#[track_caller]
fn ok(out: &Outcome) {
    assert_eq!(out.code, 0, "stdout:\n{}\nstderr:\n{}\n{}", out.stdout, out.stderr, out.summary());
}

/// What is left in `parent` besides `keep`: nothing, after a refusal.
fn leftovers(parent: &Path, keep: &[&str]) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect()
}

#[test]
fn a_new_foundation_admits_renews_expires_and_checkpoints() {
    let temp = tempfile::tempdir().unwrap();
    let dir: PathBuf = temp.path().join("ledger");
    let out = init(&dir, &flags());
    ok(&out);
    assert!(out.stdout.contains("genesis"), "{}", out.stdout);
    assert_eq!(leftovers(temp.path(), &["ledger"]), Vec::<String>::new(), "no staging directory is left");

    // One commit, the genesis of an empty roll, and a clean work tree.
    let repo = git2::Repository::open(&dir).unwrap();
    let genesis = repo.find_commit(tip(&dir)).unwrap();
    assert_eq!(genesis.parent_count(), 0);
    assert!(genesis.message().unwrap().starts_with("Genesis of the ledger: 0 members"));
    assert!(repo.statuses(None).unwrap().is_empty(), "init leaves nothing uncommitted");
    for file in [
        "schema/policy.yaml",
        "schema/member.schema.json",
        "index/roll",
        ".github/CODEOWNERS",
        ".github/pull_request_template.md",
        ".github/workflows/check-pr.yml",
        ".github/workflows/validate.yml",
        ".github/workflows/merge.yml",
        ".github/workflows/expire.yml",
        ".github/workflows/checkpoint.yml",
        ".github/workflows/pages.yml",
        "CONTRIBUTING.md",
        "README.md",
        ".vscode/settings.json",
        ".vscode/member.schema.json",
        ".pre-commit-config.yaml",
    ] {
        assert!(genesis.tree().unwrap().get_path(Path::new(file)).is_ok(), "{file} is in the genesis");
    }
    let workflow = std::fs::read_to_string(dir.join(".github/workflows/check-pr.yml")).unwrap();
    assert!(workflow.contains(&format!("uses: {ACTION}")), "the workflows pin the action");
    assert!(!workflow.replace("${{", "").contains("{{"), "no placeholder is left");
    let policy = std::fs::read_to_string(dir.join("schema/policy.yaml")).unwrap();
    assert!(policy.contains("name: \"Open Harbor Foundation\"") && policy.contains("github_id: 91000104"));
    let editor = run_in(&dir, &["schema", "--editor"]);
    ok(&editor);
    assert_eq!(editor.stdout, std::fs::read_to_string(dir.join(".vscode/member.schema.json")).unwrap());
    for command in [&["validate"][..], &["verify"], &["log"], &["codeowners", "--check"], &["index", "--check"]] {
        ok(&run_in(&dir, command));
    }

    // An individual applies with `apply`, the pull request is judged and merged.
    let applied = run_in(
        &dir,
        &[
            "apply",
            "--no-input",
            "--tier",
            "individual",
            "--github",
            "Grace-Lin",
            "--github-id",
            "93000001",
            "--name",
            "Grace Lin",
            "--country",
            "TW",
            "--summary",
            "Fixed boot failures on ARM boards and wrote the regression tests that guard them.",
            "--link",
            "https://github.com/example-os/bootloader/pulls?q=author%3Agrace-lin",
        ],
    );
    ok(&applied);
    assert!(applied.stdout.contains(".vscode/settings.json gives it the member schema"), "{}", applied.stdout);
    let file = "members/gr/grace-lin.yaml";
    let bytes = std::fs::read(dir.join(file)).unwrap();
    let head = commit_with_file(&repo, tip(&dir), file, &bytes).to_string();
    let judged = run_in(
        &dir,
        &[
            "check-pr",
            "--base",
            "main",
            "--head",
            &head,
            "--author",
            "Grace-Lin",
            "--author-id",
            "93000001",
            "--format",
            "json",
        ],
    );
    ok(&judged);
    assert!(judged.ok);
    ok(&merge(&dir, "2024-01-10", &head, ("Grace-Lin", "93000001"), &[]));

    // A sponsor, admitted with the payment the committee records.
    let sponsor = serde_json::json!({
        "id": "harbor-cloud", "name": "Harbor Cloud", "kind": "organization", "tier": "silver", "status": "applicant",
        "country": "NL", "organization": "harbor-cloud", "website": "https://harbor-cloud.example.com",
        "representative": {"github": "hc-oss", "github_id": 93000002},
        "sponsorship": {"contribution": "cash", "amount_usd": 2500, "details": "Annual silver cash sponsorship of the foundation."}
    });
    let path = rollcall::roll::layout::member_path("harbor-cloud");
    let head =
        commit_with_file(&repo, tip(&dir), &path, rollcall::roll::yaml::to_canonical(&sponsor).as_bytes()).to_string();
    let without_payment = merge(&dir, "2024-02-01", &head, ("hc-oss", "93000002"), &[]);
    assert_eq!(without_payment.code, 1, "a sponsor needs its payment: {}", without_payment.stdout);
    assert!(without_payment.rules().contains(&"approval.payment"), "{}", without_payment.summary());
    let payment = ["--payment-usd", "2500", "--payment-reference", "INV-2024-7"];
    ok(&merge(&dir, "2024-02-01", &head, ("hc-oss", "93000002"), &payment));

    // Grace renews before her term ends; the sponsor does not, and lapses.
    ok(&run_in(&dir, &["renew", "grace-lin", "--format", "json", "--date", "2024-12-20", "--approved-by", "ann-lee"]));
    let expired = run_in(&dir, &["expire", "--format", "json", "--as-of", "2025-03-01"]);
    ok(&expired);
    let events: serde_json::Value = serde_json::from_str(&expired.stdout).unwrap();
    let lapsed: Vec<&str> =
        events["events"].as_array().unwrap().iter().map(|e| e["member"].as_str().unwrap()).collect();
    assert_eq!(lapsed, ["harbor-cloud"]);

    // A signed checkpoint of the head, which verify accepts with its key.
    let key = repo_root().join("tests/fixtures/event-signing-key");
    let checkpoint = run_in(&dir, &["checkpoint", "--sign", key.to_str().unwrap()]);
    ok(&checkpoint);
    assert!(checkpoint.stdout.starts_with("openharbor.example/members\n"), "{}", checkpoint.stdout);
    let note = temp.path().join("checkpoint");
    std::fs::write(&note, &checkpoint.stdout).unwrap();
    let vkey = run_in(&dir, &["checkpoint", "--vkey", "--sign", key.to_str().unwrap()]);
    ok(&vkey);
    let vkey_file = temp.path().join("checkpoint.vkey");
    std::fs::write(&vkey_file, &vkey.stdout).unwrap();

    let verified = run_in(
        &dir,
        &["verify", "--checkpoint", note.to_str().unwrap(), "--key", vkey_file.to_str().unwrap(), "--format", "json"],
    );
    ok(&verified);
    let log = run_in(&dir, &["log", "--format", "json"]);
    ok(&log);
    let log: serde_json::Value = serde_json::from_str(&log.stdout).unwrap();
    let kinds: Vec<&str> = log["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["lapse", "renew", "admit", "admit"], "newest first");
}

#[test]
fn the_cncf_preset_makes_a_ledger_of_organizations() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("ledger");
    let mut args = flags();
    args.extend(["--preset".to_owned(), "cncf".to_owned()]);
    ok(&init(&dir, &args));
    ok(&run_in(&dir, &["validate"]));
    ok(&run_in(&dir, &["verify"]));
    let policy = std::fs::read_to_string(dir.join("schema/policy.yaml")).unwrap();
    for tier in ["platinum", "gold", "silver", "end-user", "academic"] {
        assert!(policy.contains(&format!("- name: {tier}\n")), "{tier}");
    }
    assert!(!policy.contains("name: individual"));
    let guide = std::fs::read_to_string(dir.join("CONTRIBUTING.md")).unwrap();
    assert!(guide.contains("| end-user | organization |"), "the guide lists the preset's tiers");
}

#[test]
fn a_non_empty_directory_is_refused_and_left_as_it_was() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("ledger");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let out = init(&dir, &flags());
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("is not empty"), "{}", out.stderr);
    assert_eq!(leftovers(&dir, &[]), ["notes.txt"]);
    assert_eq!(leftovers(temp.path(), &[]), ["ledger"]);

    // An empty directory is used.
    let empty = temp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    ok(&init(&empty, &flags()));
    ok(&run_in(&empty, &["verify"]));
}

#[test]
fn inputs_that_cannot_make_a_valid_policy_are_refused_each_with_its_flag() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("ledger");
    let with = |drop: &[&str], add: &[&str]| {
        let mut args = flags();
        for flag in drop {
            let at = args.iter().position(|a| a == flag).unwrap();
            args.drain(at..at + 2);
        }
        args.extend(add.iter().map(|a| (*a).to_owned()));
        init(&dir, &args)
    };
    let cases: &[(&[&str], &[&str], &str)] = &[
        // Four in the committee: the policy wants an odd number.
        (
            &[],
            &["--committee", "fay-ng:91000106"],
            "--committee: the membership committee needs 3 to 15 people, an odd number; 4 given",
        ),
        // No director on the committee.
        (
            &["--director"],
            &["--director", "zoe-park:91000109", "--director", "dan-oyelaran:91000104"],
            "1 to 3 of the committee must be directors",
        ),
        (&["--maintainer"], &[], "--maintainer: at least one maintainer"),
        (&["--name"], &[], "--name: the foundation's name is missing"),
        (&["--origin"], &["--origin", "Not An Origin"], "--origin: the ledger's origin is a lowercase host name"),
        (&["--action"], &["--action", "example-org/rollcall@v1"], "--action:"),
        (&[], &["--maintainer", "eve-moss:91000199"], "the login eve-moss is given with two account ids"),
    ];
    for (drop, add, expected) in cases {
        let out = with(drop, add);
        assert_eq!(out.code, 1, "{expected}: {}", out.stderr);
        assert!(out.stderr.contains(expected), "expected {expected:?} in:\n{}", out.stderr);
        assert!(out.stderr.contains("nothing was written"));
        assert_eq!(leftovers(temp.path(), &[]), Vec::<String>::new(), "{expected}: nothing is left");
    }
    // A login that is not a login is refused by the argument parser (exit 2).
    let out = with(&[], &["--committee", "not a login:5"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("is not a GitHub login"), "{}", out.stderr);
}

#[test]
fn without_a_terminal_nothing_is_asked() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("ledger");
    // Standard input is not a terminal: the missing values are errors, not questions.
    let output = Command::new(env!("CARGO_BIN_EXE_rollcall"))
        .arg("init")
        .arg(&dir)
        .args(["--name", "x"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--origin") && stderr.contains("--committee"), "{stderr}");
    assert!(!dir.exists());
}

/// The install step of the workflows init writes, and of this repository's
/// own (rollcall's source, so it builds the revision it checked out).
const INSTALL_LEDGER: &str = "      - name: Install rollcall\n        uses: {{action}}\n";
const INSTALL_HERE: &str = "      # This repository is rollcall's source: the revision checked out is built.\n      \
     - name: Install rollcall\n        \
     run: cargo build --locked --release && echo \"$PWD/target/release\" >> \"$GITHUB_PATH\"\n";

#[test]
fn this_repository_runs_the_workflows_init_writes() {
    let templates = repo_root().join("templates/ledger/workflows");
    let mut names: Vec<String> =
        std::fs::read_dir(&templates).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["check-pr.yml", "checkpoint.yml", "expire.yml", "merge.yml", "pages.yml", "validate.yml"]);
    for name in names {
        let template = std::fs::read_to_string(templates.join(&name)).unwrap();
        assert_eq!(template.matches(INSTALL_LEDGER).count(), 1, "{name} installs rollcall once, with the action");
        let here = std::fs::read_to_string(repo_root().join(".github/workflows").join(&name)).unwrap();
        assert_eq!(here, template.replace(INSTALL_LEDGER, INSTALL_HERE), "{name} differs from its template");
    }
}

#[test]
fn at_a_terminal_init_asks_for_what_the_flags_leave_open() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("ledger");
    let path = dir.to_str().expect("a UTF-8 temporary path");
    assert!(!path.contains('\''), "the path is quoted in single quotes");
    let binary = env!("CARGO_BIN_EXE_rollcall");
    let tmux = Tmux::start(
        "init",
        &format!(
            "NO_COLOR=1 '{binary}' init '{path}' --action {ACTION} --maintainer eve-moss:91000105; echo \"exit=$?\"; sleep 600"
        ),
    );
    tmux.answer("The foundation's name: ", 1, "Terminal Foundation");
    tmux.answer("(e.g. example.org/members): ", 1, "terminal.example/members");
    tmux.answer("1 to 3 of them directors): ", 1, "ann-lee bo-chen:91000102");
    tmux.wait_for("\"ann-lee\" is not LOGIN:ID", 1);
    tmux.answer("1 to 3 of them directors): ", 2, "ann-lee:91000101 bo-chen:91000102 cy-diaz:91000103");
    tmux.answer("Directors of the board (LOGIN:ID, space-separated): ", 1, "ann-lee:91000101");
    tmux.wait_for("exit=", 1);
    let screen = tmux.screen();
    assert!(screen.contains("exit=0") && screen.contains("created the ledger of Terminal Foundation"), "{screen}");
    assert!(!screen.contains("Maintainers"), "a value the flags gave is not asked for");
    ok(&run_in(&dir, &["verify"]));
    let policy = std::fs::read_to_string(dir.join("schema/policy.yaml")).unwrap();
    assert!(policy.contains("name: \"Terminal Foundation\"") && policy.contains("origin: terminal.example/members"));
}

#[test]
fn a_name_is_data_wherever_it_goes() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("ledger");
    // Placeholders, YAML and Markdown syntax in the name are text, not instructions.
    let name = "Ops: \"{{origin}}\" & <b>#1</b> {{committee}}";
    let mut args = flags();
    let at = args.iter().position(|a| a == "--name").unwrap();
    args[at + 1] = name.to_owned();
    ok(&init(&dir, &args));
    ok(&run_in(&dir, &["validate"]));
    let text = std::fs::read_to_string(dir.join("schema/policy.yaml")).unwrap();
    let policy = rollcall::roll::policy::load(text.as_bytes()).expect("the policy loads");
    assert_eq!(policy.policy.foundation.name, name);
    assert_eq!(policy.policy.foundation.origin, "openharbor.example/members");
    assert_eq!(policy.policy.committee.members.len(), 3);
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(readme.contains("\\<b\\>") && !readme.contains("<b>"), "Markdown shows the name as text");
    assert!(!readme.contains("openharbor.example/members\" &"), "a placeholder in the name is not filled");
}
