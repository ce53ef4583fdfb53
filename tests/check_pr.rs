//! `rollcall check-pr` on real repositories: an authorization matrix (who
//! may make which change), hostile trees written as raw git objects, and
//! the guarantee that a pull request is judged by its base's rules.

use crate::common::*;
use serde_json::{Value, json};

/// Who opens the pull request.
#[derive(Clone, Copy)]
struct Role {
    name: &'static str,
    login: &'static str,
    id: u64,
    /// The member file the role's own actions target: its own, or the one
    /// it would like to pass as its own.
    target: &'static str,
}

const ADA: &str = "members/ad/ada-quill.yaml";
const FENWICK: &str = "members/fe/fenwick.yaml";
const NORTHWIND: &str = "members/no/northwind.yaml";

const ROLES: [Role; 9] = [
    Role { name: "applicant", login: "new-person", id: 95_000_001, target: ADA },
    Role { name: "member", login: "ada-quill", id: 92_000_001, target: ADA },
    Role { name: "other member", login: "fenwick", id: 92_000_006, target: FENWICK },
    Role { name: "representative", login: "nw-opensource", id: 92_000_011, target: NORTHWIND },
    Role { name: "non-representative employee", login: "nw-employee", id: 95_000_002, target: NORTHWIND },
    Role { name: "maintainer", login: "ines-moreau", id: 91_000_031, target: ADA },
    Role { name: "stranger", login: "mallory", id: 95_000_003, target: ADA },
    // Ada after renaming her account: same numeric id, new login.
    Role { name: "renamed-login account", login: "ada-writes", id: 92_000_001, target: ADA },
    // Whoever took the login `ada-quill` after Ada renamed: same login, new id.
    Role { name: "recycled-login account", login: "ada-quill", id: 95_000_004, target: ADA },
];

#[derive(Clone, Copy, Debug)]
enum Action {
    AddOwn,
    AddOther,
    EditOwn,
    EditOther,
    TierChange,
    Resign,
    Delete,
    Rename,
    TouchSchema,
    TouchWorkflow,
    SetMergerField,
}

const ACTIONS: [Action; 11] = [
    Action::AddOwn,
    Action::AddOther,
    Action::EditOwn,
    Action::EditOther,
    Action::TierChange,
    Action::Resign,
    Action::Delete,
    Action::Rename,
    Action::TouchSchema,
    Action::TouchWorkflow,
    Action::SetMergerField,
];

/// The expected verdict of every cell, one row per role in `ROLES` order and
/// one column per action in `ACTIONS` order: an accepted change's kind, or
/// the rule of the error that rejects it. A change to schema/ is an
/// amendment, whoever proposes it: the directors approve it.
#[rustfmt::skip]
const MATRIX: [[&str; 11]; 9] = [
    // add own,                          add other,   edit own,    edit other,  tier change,   resign,                 delete,        rename,        schema,        workflow,      merger field
    ["application",                      "pr.author", "pr.author", "pr.author", "pr.author",   "pr.author",            "pr.deletion", "pr.deletion", "amendment",   "maintenance", "status.merger-only-field"], // applicant
    ["identity.unique-github-id",        "pr.author", "update",    "pr.author", "tier-change", "resignation",          "pr.deletion", "pr.deletion", "amendment",   "maintenance", "pr.merger-field"],          // member
    ["identity.unique-github-id",        "pr.author", "update",    "pr.author", "tier-change", "resignation",          "pr.deletion", "pr.deletion", "amendment",   "maintenance", "pr.merger-field"],          // other member
    // A platinum member resigning takes its director's seat with it: a warning, for the board to record.
    ["identity.one-organization-per-login", "pr.author", "update", "pr.author", "tier-change", "resignation",          "pr.deletion", "pr.deletion", "amendment",   "maintenance", "pr.merger-field"],          // representative
    ["application",                      "pr.author", "pr.author", "pr.author", "pr.author",   "pr.author",            "pr.deletion", "pr.deletion", "amendment",   "maintenance", "status.merger-only-field"], // employee
    ["application",                      "pr.author", "pr.author", "pr.author", "pr.author",   "pr.author",            "pr.deletion", "pr.deletion", "amendment",   "maintenance", "status.merger-only-field"], // maintainer
    ["application",                      "pr.author", "pr.author", "pr.author", "pr.author",   "pr.author",            "pr.deletion", "pr.deletion", "amendment",   "maintenance", "status.merger-only-field"], // stranger
    ["identity.unique-github-id",        "pr.author", "update",    "pr.author", "tier-change", "resignation",          "pr.deletion", "pr.deletion", "amendment",   "maintenance", "pr.merger-field"],          // renamed login
    ["pr.author",                        "pr.author", "pr.author", "pr.author", "pr.author",   "pr.author",            "pr.deletion", "pr.deletion", "amendment",   "maintenance", "pr.author"],                // recycled login
];

/// Changes one account number in the first file of the split index that
/// files account 92000001, as a hand edit would; returns that file.
fn edit_index(ledger: &Ledger) -> String {
    let mut files: Vec<std::path::PathBuf> = walkdir::WalkDir::new(ledger.path().join("index"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        if text.contains("\t92000001\t") {
            std::fs::write(&path, text.replace("\t92000001\t", "\t1\t")).unwrap();
            return path.strip_prefix(ledger.path()).unwrap().to_string_lossy().into_owned();
        }
    }
    panic!("no index file names account 92000001")
}

/// A committed base: the shipped roll, its current index and a workflow file.
fn base() -> (Ledger, String) {
    let ledger = Ledger::shipped();
    ledger.write(
        ".github/workflows/validate.yml",
        std::fs::read(repo_root().join(".github/workflows/validate.yml")).unwrap(),
    );
    assert_eq!(ledger.run(&["index"]).code, 0);
    let base = ledger.commit("base").to_string();
    (ledger, base)
}

fn read(ledger: &Ledger, rel: &str) -> Value {
    serde_saphyr::from_str(&std::fs::read_to_string(ledger.path().join(rel)).unwrap()).unwrap()
}

fn write(ledger: &Ledger, rel: &str, value: &Value) {
    ledger.write(rel, canonical(value));
}

fn edit(ledger: &Ledger, rel: &str, change: impl FnOnce(&mut Value)) {
    let mut value = read(ledger, rel);
    change(&mut value);
    write(ledger, rel, &value);
}

/// An application of `role` for itself: an individual membership, or for
/// a representative, a new organization it would represent.
fn own_application(role: &Role) -> Value {
    match role.name {
        "representative" => sponsor("nw-labs", "silver", role.login, role.id),
        "member" | "other member" | "renamed-login account" => {
            // A second membership under a new id, same account.
            let mut value = individual(&format!("{}-again", role.login), role.id);
            value["id"] = json!(format!("{}-again", role.login));
            value["github"] = json!(role.login);
            value
        }
        _ => individual(role.login, role.id),
    }
}

fn act(ledger: &Ledger, role: &Role, action: Action) {
    let other = if role.target == ADA { FENWICK } else { ADA };
    match action {
        Action::AddOwn => {
            ledger.add(&own_application(role));
        }
        Action::AddOther => {
            ledger.add(&individual("victim-person", 95_000_099));
        }
        Action::EditOwn => edit(ledger, role.target, change_details),
        Action::EditOther => edit(ledger, other, change_details),
        Action::TierChange => edit(ledger, role.target, |v| match v["tier"].as_str().unwrap() {
            "individual" => {
                v["tier"] = json!("mirror");
                v["mirror"] = json!({"hostname": "mirror.ada.example.net", "definition": "https://github.com/example-os/mirrors/blob/main/m.yml"});
            }
            "mirror" => {
                v["tier"] = json!("individual");
                v["contributions"] = json!({"summary": "Runs a mirror and fixes the mirror tooling's bugs regularly.", "links": ["https://github.com/example-os/mirrors/pulls"]});
            }
            _ => v["tier"] = json!("gold"),
        }),
        Action::Resign => edit(ledger, role.target, |v| v["status"] = json!("resigned")),
        Action::Delete => std::fs::remove_file(ledger.path().join(role.target)).unwrap(),
        Action::Rename => {
            let text = std::fs::read(ledger.path().join(role.target)).unwrap();
            std::fs::remove_file(ledger.path().join(role.target)).unwrap();
            ledger.write("members/zz/zz-renamed.yaml", text);
        }
        Action::TouchSchema => {
            let path = ledger.path().join("schema/member.schema.json");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(path, text.replace("\"A member of the foundation\"", "\"Anything goes\"")).unwrap();
        }
        Action::TouchWorkflow => {
            let path = ledger.path().join(".github/workflows/validate.yml");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(path, format!("{text}# edited\n")).unwrap();
        }
        Action::SetMergerField => {
            if ["member", "other member", "representative", "renamed-login account", "recycled-login account"]
                .contains(&role.name)
            {
                edit(ledger, role.target, |v| v["member_number"] = json!(999));
            } else {
                let mut value = own_application(role);
                value["member_number"] = json!(999);
                ledger.add(&value);
            }
        }
    }
}

fn change_details(value: &mut Value) {
    if value.get("sponsorship").is_some() {
        value["sponsorship"]["details"] = json!("Updated sponsorship details for the coming year, paid in cash.");
    } else if value.get("contributions").is_some() {
        value["contributions"]["summary"] =
            json!("Updated summary: maintains the build tooling and reviews many patches.");
    } else {
        value["name"] = json!("A New Display Name");
    }
}

/// `rollcall check-pr` from `base` to `head`, opened by `role`, plus `extra` flags.
fn check_pr(ledger: &Ledger, base: &str, head: &str, role: &Role, extra: &[&str]) -> Outcome {
    let id = role.id.to_string();
    let mut args =
        vec!["check-pr", "--as-of", AS_OF, "--base", base, "--head", head, "--author", role.login, "--author-id", &id];
    args.extend_from_slice(extra);
    if !extra.contains(&"--summary") {
        args.extend_from_slice(&["--format", "json"]);
    }
    ledger.run(&args)
}

/// Runs `check-pr` as `role` on the change `prepare` makes on a fresh base.
fn judge(role: &Role, prepare: impl FnOnce(&Ledger)) -> Outcome {
    let (ledger, base) = base();
    prepare(&ledger);
    let head = ledger.commit("pull request").to_string();
    check_pr(&ledger, &base, &head, role, &[])
}

fn change_kind(out: &Outcome) -> String {
    let report: Value = serde_json::from_str(&out.stdout).unwrap_or(Value::Null);
    report["change"]["kind"].as_str().unwrap_or("none").to_owned()
}

#[test]
fn authorization_matrix() {
    let mut failures = Vec::new();
    let mut cells = 0;
    for (role, expected_row) in ROLES.iter().zip(MATRIX) {
        for (action, expected) in ACTIONS.iter().zip(expected_row) {
            cells += 1;
            let out = judge(role, |l| act(l, role, *action));
            let kind = change_kind(&out);
            let errors: Vec<&str> =
                out.findings.iter().filter(|f| f.severity == "error").map(|f| f.rule.as_str()).collect();
            let verdict_ok = if expected.contains('.') {
                out.code == 1 && errors.contains(&expected)
            } else {
                let exit_ok = out.code == 0 && errors.is_empty();
                exit_ok && kind == expected
            };
            if !verdict_ok {
                failures.push(format!(
                    "{} / {action:?}: expected {expected}, got exit {} kind {kind} errors {errors:?}\n{}",
                    role.name,
                    out.code,
                    out.summary()
                ));
            }
        }
    }
    assert!(cells >= 90, "the matrix has {cells} cells");
    assert!(failures.is_empty(), "{} of {cells} cells wrong:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn a_maintenance_change_says_it_needs_a_maintainer() {
    let maintainer = ROLES[5];
    let out = judge(&maintainer, |l| act(l, &maintainer, Action::TouchWorkflow));
    assert_eq!(out.code, 0);
    let warning = &out.of("pr.maintenance")[0];
    assert_eq!(warning.severity, "warning");
    assert!(warning.help.contains("maintainer"));
}

/// Commits the work tree with `parent` as the only parent, leaving HEAD alone.
fn commit_on(ledger: &Ledger, parent: git2::Oid, message: &str) -> git2::Oid {
    let repo = ledger.repo();
    let mut index = repo.index().unwrap();
    index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).unwrap();
    index.update_all(["*"], None).unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let parent = repo.find_commit(parent).unwrap();
    repo.commit(None, &signature(), &signature(), message, &tree, &[&parent]).unwrap()
}

#[test]
fn a_pull_request_is_judged_by_its_base_not_by_the_tree_it_branched_from() {
    let (ledger, _) = base();
    let strict = std::fs::read_to_string(ledger.path().join("schema/policy.yaml")).unwrap();
    // Old main let a person hold gold; the pull request branched from it...
    ledger.edit_policy(|p| {
        p.replace(
            "    holders: [organization]\n    fee_usd: 20000",
            "    holders: [person, organization]\n    fee_usd: 20000",
        )
    });
    let old_main = ledger.commit("loose policy");
    let applicant = ROLES[0];
    let mut value = individual(applicant.login, applicant.id);
    value["tier"] = json!("gold");
    value["sponsorship"] =
        json!({"contribution": "cash", "amount_usd": 20000, "details": "Annual cash sponsorship of the foundation."});
    ledger.add(&value);
    let head = ledger.commit("apply for gold").to_string();
    // ...and main has tightened the policy since.
    std::fs::write(ledger.path().join("schema/policy.yaml"), strict).unwrap();
    std::fs::remove_dir_all(ledger.path().join("members/ne")).unwrap();
    let main = commit_on(&ledger, old_main, "strict policy").to_string();
    let run = |base: &str| check_pr(&ledger, base, &head, &applicant, &[]);
    let out = run(&main);
    assert_eq!(out.code, 1);
    assert_eq!(out.of("tier.holder-kind").len(), 1, "the base's policy judges: {}", out.summary());
    // Against the old main, the same change was acceptable.
    run(&old_main.to_string()).assert_clean();
}

#[test]
fn a_pull_request_that_edits_the_rules_is_not_an_application() {
    let applicant = ROLES[0];
    let out = judge(&applicant, |l| {
        l.edit_policy(|p| {
            p.replace(
                "    holders: [organization]\n    fee_usd: 20000",
                "    holders: [person, organization]\n    fee_usd: 20000",
            )
        });
        let mut value = individual(applicant.login, applicant.id);
        value["tier"] = json!("gold");
        l.add(&value);
    });
    assert_eq!(out.code, 1);
    assert_eq!(out.of("pr.mixed-change").len(), 1, "{}", out.summary());
}

#[test]
fn more_than_one_member_file_is_rejected() {
    let applicant = ROLES[0];
    let out = judge(&applicant, |l| {
        l.add(&individual(applicant.login, applicant.id));
        l.add(&individual("second-person", 95_000_010));
    });
    assert_eq!(out.code, 1);
    assert_eq!(out.of("pr.one-member-file").len(), 1, "{}", out.summary());
}

#[test]
fn a_renamed_login_updates_its_own_file() {
    let renamed = ROLES[7];
    let out = judge(&renamed, |l| edit(l, ADA, |v| v["github"] = json!("ada-writes")));
    assert_eq!(change_kind(&out), "update", "{}", out.summary());
    assert_eq!(out.code, 0);
    // But the recycled login cannot claim the file by renaming it back.
    let recycled = ROLES[8];
    let out = judge(&recycled, |l| edit(l, ADA, |v| v["github"] = json!("ada-quill-x")));
    assert_eq!(out.code, 1);
    assert!(!out.of("pr.author").is_empty());
}

#[test]
fn a_duplicate_account_is_reported_in_the_touched_file_and_the_existing_one() {
    let member = ROLES[1];
    let out = judge(&member, |l| act(l, &member, Action::AddOwn));
    let clashes = out.of("identity.unique-github-id");
    let files: Vec<&str> = clashes.iter().map(|f| f.file.as_str()).collect();
    assert_eq!(files, vec!["members/ad/ada-quill-again.yaml", ADA], "{}", out.summary());
}

#[test]
fn a_stale_index_is_not_trusted() {
    let (ledger, _) = base();
    // A member added to the base without regenerating roll.index...
    ledger.add(&admitted(individual("quiet-member", 95_000_500), 700, "2026-06-01", "2027-06-01"));
    let base = ledger.commit("member added, index stale").to_string();
    assert_eq!(ledger.run(&["index", "--check"]).code, 1);
    // ...is still found when a renamed account applies again.
    let mut value = individual("loud-member", 95_000_500);
    value["github"] = json!("loud-member");
    ledger.add(&value);
    let head = ledger.commit("second application").to_string();
    let role = Role { name: "renamed", login: "loud-member", id: 95_000_500, target: ADA };
    let out = check_pr(&ledger, &base, &head, &role, &[]);
    assert_eq!(out.code, 1);
    assert_eq!(out.of("identity.unique-github-id").len(), 2, "{}", out.summary());
}

#[test]
fn the_index_finds_the_same_clashes_as_a_full_read() {
    for with_index in [true, false] {
        let (ledger, _) = base();
        if !with_index {
            std::fs::remove_dir_all(ledger.path().join("index")).unwrap();
        }
        let base = ledger.commit("base").to_string();
        // A second organization under the platinum member's representative,
        // and a sponsor tier for an organization that already has one.
        let mut value = sponsor("northwind-gold", "gold", "nw-opensource", 92_000_011);
        value["organization"] = json!("northwind");
        ledger.add(&value);
        let head = ledger.commit("application").to_string();
        let out = check_pr(&ledger, &base, &head, &ROLES[3], &[]);
        assert_eq!(out.code, 1);
        let files: Vec<&str> = out.of("identity.one-sponsor-tier").iter().map(|f| f.file.as_str()).collect();
        assert_eq!(
            files,
            vec!["members/no/northwind-gold.yaml", NORTHWIND],
            "with index {with_index}: {}",
            out.summary()
        );
    }
}

#[test]
fn only_findings_the_change_causes_are_reported() {
    let (ledger, _) = base();
    // A pre-existing problem elsewhere in the roll (an expired active member)...
    edit(&ledger, FENWICK, |v| v["expires"] = json!("2026-05-01"));
    let base = ledger.commit("base with a lapsed member").to_string();
    let applicant = ROLES[0];
    ledger.add(&individual(applicant.login, applicant.id));
    let head = ledger.commit("application").to_string();
    let out = check_pr(&ledger, &base, &head, &applicant, &[]);
    // ...is not this pull request's business.
    out.assert_clean();
}

#[test]
fn the_summary_escapes_what_the_pull_request_wrote() {
    let applicant = ROLES[0];
    let (ledger, base) = base();
    let mut value = individual(applicant.login, applicant.id);
    value["name"] = json!("::error::x <img src=x onerror=alert(1)> ``` @everyone [link](http://evil)");
    ledger.add(&value);
    let head = ledger.commit("application").to_string();
    let summary = ledger.path().join("summary.md");
    let out = check_pr(&ledger, &base, &head, &applicant, &["--summary", summary.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.contains("&lt;img src=x onerror=alert\\(1\\)&gt;"), "{text}");
    assert!(!text.contains("<img") && !text.contains("```") && !text.contains("@everyone") && !text.contains("](http"));
    assert!(text.contains("\\:\\:error\\:\\:x"));
    assert!(text.contains("## rollcall: ✅ acceptable"));
    assert!(text.contains("2 approving review(s)"));
}

#[test]
fn the_summary_links_each_finding_to_its_line() {
    let applicant = ROLES[0];
    let (ledger, base) = base();
    let mut value = individual(applicant.login, applicant.id);
    value["country"] = json!("XX");
    let file = ledger.add(&value);
    let head = ledger.commit("application").to_string();
    let summary = ledger.path().join("summary.md");
    let url = "https://github.com/example-os/members/blob/0123abc";
    let args = ["--summary", summary.to_str().unwrap(), "--source-url", url, "--format", "json"];
    let out = check_pr(&ledger, &base, &head, &applicant, &args);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let finding = &out.findings[0];
    let text = std::fs::read_to_string(&summary).unwrap();
    let link = format!("]({url}/{file}#L{})", finding.line);
    assert!(text.contains(&link), "{link} in {text}");
    // A URL that could break the Markdown is refused before anything runs.
    let bad = check_pr(&ledger, &base, &head, &applicant, &["--summary", "s.md", "--source-url", "https://x/a)(b"]);
    assert_eq!(bad.code, 2);
}

#[test]
fn unreadable_revisions_cannot_run() {
    let (ledger, base) = base();
    let out = ledger.run(&["check-pr", "--base", &base, "--head", "no-such-rev", "--author", "a", "--author-id", "1"]);
    assert_eq!(out.code, 2);
}

/// Runs `check-pr` for the applicant on a pull request whose head adds the
/// raw shard trees `extra`.
fn judge_raw(extra: impl FnOnce(&git2::Repository) -> Vec<(Vec<u8>, git2::Oid)>) -> Outcome {
    let (ledger, base) = base();
    let head = commit_raw_members(&ledger, extra).to_string();
    let applicant = ROLES[0];
    check_pr(&ledger, &base, &head, &applicant, &[])
}

fn application_bytes() -> Vec<u8> {
    canonical(&individual(ROLES[0].login, ROLES[0].id)).into_bytes()
}

#[test]
fn a_symlink_named_like_a_member_file_is_rejected_unread() {
    let out = judge_raw(|repo| {
        let target = blob(repo, b"../../schema/policy.yaml");
        vec![(b"ne".to_vec(), raw_tree(repo, &[(0o120000, b"new-person.yaml", target)]))]
    });
    assert_eq!(out.code, 1);
    out.expect("pr.file-mode", "members/ne/new-person.yaml", 1);
    assert_eq!(out.findings.len(), 1, "{}", out.summary());
}

#[test]
fn a_gitlink_is_rejected() {
    let out = judge_raw(|repo| {
        let commit = repo.head().unwrap().target().unwrap();
        vec![(b"ne".to_vec(), raw_tree(repo, &[(0o160000, b"new-person.yaml", commit)]))]
    });
    out.expect("pr.file-mode", "members/ne/new-person.yaml", 1);
}

#[test]
fn an_executable_member_file_is_rejected() {
    let out = judge_raw(|repo| {
        let file = blob(repo, &application_bytes());
        vec![(b"ne".to_vec(), raw_tree(repo, &[(0o100755, b"new-person.yaml", file)]))]
    });
    out.expect("pr.file-mode", "members/ne/new-person.yaml", 1);
}

#[test]
fn dot_dot_and_non_utf8_paths_are_rejected() {
    let out = judge_raw(|repo| {
        let file = blob(repo, &application_bytes());
        vec![(b"..".to_vec(), raw_tree(repo, &[(0o100644, b"new-person.yaml", file)]))]
    });
    out.expect("pr.path", "members/../new-person.yaml", 1);
    let out = judge_raw(|repo| {
        let file = blob(repo, &application_bytes());
        vec![(b"ne".to_vec(), raw_tree(repo, &[(0o100644, b"new\xff-person.yaml", file)]))]
    });
    assert_eq!(out.code, 1);
    assert_eq!(out.of("pr.path").len(), 1, "{}", out.summary());
}

#[test]
fn case_colliding_files_are_rejected() {
    let out = judge_raw(|repo| {
        let file = blob(repo, &application_bytes());
        vec![(
            b"ne".to_vec(),
            raw_tree(repo, &[(0o100644, b"new-person.yaml", file), (0o100644, b"New-person.yaml", file)]),
        )]
    });
    assert_eq!(out.code, 1);
    assert_eq!(out.of("pr.one-member-file").len(), 1, "{}", out.summary());
    // One file differing from an existing member only by case is not that member's file.
    let out = judge_raw(|repo| {
        let file = blob(repo, &canonical(&individual("ada-quill", 95_000_001)).into_bytes());
        let head = repo.head().unwrap().peel_to_tree().unwrap();
        let ada = head.get_path(std::path::Path::new(ADA)).unwrap().id();
        vec![(
            b"ad".to_vec(),
            raw_tree(repo, &[(0o100644, b"ada-quill.yaml", ada), (0o100644, b"Ada-quill.yaml", file)]),
        )]
    });
    assert_eq!(out.code, 1);
    assert!(!out.of("file.stem-matches-id").is_empty(), "{}", out.summary());
}

#[test]
fn git_metadata_files_are_rejected_anywhere() {
    let applicant = ROLES[0];
    for path in [".gitattributes", "members/.gitattributes", "docs/.gitmodules"] {
        let out = judge(&applicant, |l| l.write(path, "* filter=evil\n"));
        assert_eq!(out.code, 1, "{path}");
        assert!(!out.of("pr.git-metadata").is_empty(), "{path}: {}", out.summary());
    }
}

#[test]
fn a_90_mb_blob_is_rejected_from_its_header() {
    let out = judge_raw(|repo| {
        let huge = blob(repo, &vec![b'a'; 90 * 1024 * 1024]);
        vec![(b"ne".to_vec(), raw_tree(repo, &[(0o100644, b"new-person.yaml", huge)]))]
    });
    assert_eq!(out.code, 1);
    out.expect("yaml.too-large", "members/ne/new-person.yaml", 1);
}

#[test]
fn unrelated_history_is_rejected() {
    let (ledger, base) = base();
    let repo = ledger.repo();
    let tree = repo.head().unwrap().peel_to_tree().unwrap();
    let orphan = repo.commit(None, &signature(), &signature(), "orphan", &tree, &[]).unwrap().to_string();
    let out = check_pr(&ledger, &base, &orphan, &ROLES[6], &[]);
    assert_eq!(out.code, 1);
    out.expect("pr.unrelated-history", "", 1);
}

/// The 1-based line of the first line of `file` in the ledger's work tree
/// (the pull request's head) that starts with `prefix`.
fn line_in(ledger: &Ledger, file: &str, prefix: &str) -> u32 {
    let text = std::fs::read_to_string(ledger.path().join(file)).unwrap();
    text.lines()
        .position(|l| l.starts_with(prefix))
        .map(|i| i as u32 + 1)
        .unwrap_or_else(|| panic!("{prefix} not in {file}"))
}

/// A pull request that must fail one `pr.*` rule: who opens it, what it
/// changes, and the file and line the finding must name.
struct PrFixture {
    rule: &'static str,
    role: usize,
    change: fn(&Ledger) -> (String, u32),
}

fn pr_fixtures() -> Vec<PrFixture> {
    vec![
        PrFixture {
            rule: "pr.path",
            role: 0,
            change: |l| {
                l.write("members/notes.txt", "hello\n");
                ("members/notes.txt".into(), 1)
            },
        },
        PrFixture {
            rule: "pr.git-metadata",
            role: 5,
            change: |l| {
                l.write(".gitattributes", "* filter=evil\n");
                (".gitattributes".into(), 1)
            },
        },
        PrFixture {
            rule: "pr.file-mode",
            role: 0,
            change: |l| {
                use std::os::unix::fs::PermissionsExt;
                let file = l.add(&individual(ROLES[0].login, ROLES[0].id));
                std::fs::set_permissions(l.path().join(&file), std::fs::Permissions::from_mode(0o755)).unwrap();
                (file, 1)
            },
        },
        PrFixture {
            rule: "pr.deletion",
            role: 1,
            change: |l| {
                std::fs::remove_file(l.path().join(ADA)).unwrap();
                (ADA.into(), 1)
            },
        },
        PrFixture {
            rule: "pr.one-member-file",
            role: 0,
            change: |l| {
                l.add(&individual(ROLES[0].login, ROLES[0].id));
                (l.add(&individual("second-person", 95_000_010)), 1)
            },
        },
        PrFixture {
            rule: "pr.mixed-change",
            role: 0,
            change: |l| {
                l.add(&individual(ROLES[0].login, ROLES[0].id));
                l.write("docs/notes.md", "notes\n");
                ("docs/notes.md".into(), 1)
            },
        },
        PrFixture {
            rule: "pr.author",
            role: 6,
            change: |l| {
                let file = l.add(&individual("victim-person", 95_000_099));
                let line = line_in(l, &file, "github_id:");
                (file, line)
            },
        },
        PrFixture {
            rule: "pr.identity-change",
            role: 1,
            change: |l| {
                edit(l, ADA, |v| v["github_id"] = json!(95_000_123));
                (ADA.into(), line_in(l, ADA, "github_id:"))
            },
        },
        PrFixture {
            rule: "pr.merger-field",
            role: 1,
            change: |l| {
                edit(l, ADA, |v| v["member_number"] = json!(999));
                (ADA.into(), line_in(l, ADA, "member_number:"))
            },
        },
        PrFixture {
            rule: "pr.status-change",
            role: 1,
            change: |l| {
                edit(l, ADA, |v| v["status"] = json!("lapsed"));
                (ADA.into(), line_in(l, ADA, "status:"))
            },
        },
        PrFixture {
            rule: "pr.maintenance",
            role: 5,
            change: |l| {
                act(l, &ROLES[5], Action::TouchWorkflow);
                (".github/workflows/validate.yml".into(), 1)
            },
        },
        PrFixture { rule: "pr.index", role: 5, change: |l| (edit_index(l), 1) },
    ]
}

#[test]
fn every_pull_request_rule_fails_its_fixture_at_the_right_place() {
    let mut failures = Vec::new();
    for fixture in pr_fixtures() {
        let mut place = (String::new(), 0);
        let out = judge(&ROLES[fixture.role], |l| place = (fixture.change)(l));
        let (file, line) = place;
        if !out.findings.iter().any(|f| f.rule == fixture.rule && f.file == file && f.line == line) {
            failures.push(format!("{}: expected at {file}:{line}, got:\n{}", fixture.rule, out.summary()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_pull_request_rule_has_a_fixture() {
    let covered: Vec<&str> = pr_fixtures().iter().map(|f| f.rule).collect();
    for rule in
        rollcall::roll::rules::RULES.iter().filter(|r| matches!(r.check, rollcall::roll::rules::Check::PullRequest))
    {
        // A history without a merge base cannot be made by editing a work
        // tree: `unrelated_history_is_rejected` covers it.
        if rule.name != "pr.unrelated-history" {
            assert!(covered.contains(&rule.name), "{} has no fixture in pr_fixtures()", rule.name);
        }
    }
}

#[test]
fn a_resignation_is_judged_on_the_bytes_that_would_merge() {
    let member = ROLES[1];
    let out = judge(&member, |l| {
        let text = std::fs::read_to_string(l.path().join(ADA)).unwrap();
        let text = text
            .replace("status: active", "status: resigned")
            .replace("github_id: 92000001\n", "github_id: 92000001\ngithub_id: 95000003\n");
        l.write(ADA, text);
    });
    assert_eq!(out.code, 1, "{}", out.summary());
    assert!(!out.of("yaml.duplicate-key").is_empty(), "{}", out.summary());
}

#[test]
fn quoted_values_are_found_without_an_index() {
    let (ledger, _) = base();
    // An organization whose name the writer must quote, added without
    // regenerating the index, so the full read runs.
    let mut first = admitted(sponsor("42", "silver", "rep-a", 95_000_200), 800, "2026-06-01", "2027-06-01");
    first["organization"] = json!("42");
    ledger.add(&first);
    let base = ledger.commit("organization 42").to_string();
    let mut second = sponsor("fortytwo", "ruby", "mallory", 95_000_003);
    second["organization"] = json!("42");
    ledger.add(&second);
    let head = ledger.commit("a second sponsor tier").to_string();
    let out = check_pr(&ledger, &base, &head, &ROLES[6], &[]);
    assert_eq!(out.code, 1);
    assert_eq!(out.of("identity.one-sponsor-tier").len(), 2, "{}", out.summary());
}

#[test]
fn a_representative_cannot_hand_the_membership_to_another_account() {
    let representative = ROLES[3];
    let out = judge(&representative, |l| edit(l, NORTHWIND, |v| v["representative"]["github_id"] = json!(91_000_001)));
    assert_eq!(out.code, 1);
    assert!(!out.of("pr.identity-change").is_empty(), "{}", out.summary());
    let out = judge(&representative, |l| edit(l, NORTHWIND, |v| v["representative"]["github"] = json!("rowan-vale")));
    assert_eq!(out.code, 1);
    assert!(!out.of("pr.author").is_empty(), "{}", out.summary());
}

#[test]
fn nobody_applies_in_an_organizations_name() {
    let stranger = ROLES[6];
    let out = judge(&stranger, |l| {
        let mut mirror = sponsor("nw-mirror", "mirror", stranger.login, stranger.id);
        mirror["organization"] = json!("northwind");
        mirror.as_object_mut().unwrap().remove("sponsorship");
        mirror["mirror"] = json!({"hostname": "mirror.nw.example.com", "definition": "https://github.com/example-os/mirrors/blob/main/m.yml"});
        l.add(&mirror);
    });
    assert_eq!(out.code, 1);
    assert!(!out.of("identity.one-representative-per-organization").is_empty(), "{}", out.summary());
}

#[test]
fn a_hand_edited_index_is_rejected_and_a_regenerated_one_accepted() {
    let maintainer = ROLES[5];
    // One number changed in a generated file could later hide a clash.
    let mut edited = String::new();
    let out = judge(&maintainer, |l| edited = edit_index(l));
    assert_eq!(out.code, 1);
    out.expect("pr.index", &edited, 1);
    // Regenerating it after a stale base is a plain maintenance change.
    let (ledger, _) = base();
    ledger.add(&admitted(individual("late-member", 95_000_600), 900, "2026-06-01", "2027-06-01"));
    let stale_base = ledger.commit("member without index").to_string();
    assert_eq!(ledger.run(&["index"]).code, 0);
    let head = ledger.commit("regenerate the index").to_string();
    let out = check_pr(&ledger, &stale_base, &head, &maintainer, &[]);
    assert_eq!(out.code, 0, "{}", out.summary());
    assert_eq!(out.rules(), vec!["pr.maintenance"]);
}
