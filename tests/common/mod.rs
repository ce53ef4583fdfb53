//! Test ledgers: real directories and real git repositories (built with
//! git2), checked by the real `rollcall` binary.

pub mod tmux;

use serde::Deserialize;
use serde_json::{Value, json};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The fixed "today" of every test, so that expiry never depends on the clock.
pub const AS_OF: &str = "2026-11-22";

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file of this repository (a key, say), as a command's argument.
pub fn fixture(path: &str) -> String {
    repo_root().join(path).display().to_string()
}

/// A finding as the JSON report prints it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Finding {
    pub rule: String,
    pub severity: String,
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub path: String,
    pub message: String,
    pub help: String,
}

#[derive(Debug, Deserialize)]
struct Report {
    ok: bool,
    findings: Vec<Finding>,
}

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Outcome {
    pub code: i32,
    pub ok: bool,
    pub findings: Vec<Finding>,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// The findings of `rule`.
    pub fn of(&self, rule: &str) -> Vec<&Finding> {
        self.findings.iter().filter(|f| f.rule == rule).collect()
    }

    /// Asserts a finding of `rule` in `file` at `line`, and returns it.
    #[track_caller]
    pub fn expect(&self, rule: &str, file: &str, line: u32) -> &Finding {
        match self.findings.iter().find(|f| f.rule == rule && f.file == file && f.line == line) {
            Some(f) => f,
            None => panic!("expected {rule} at {file}:{line}, got:\n{}", self.summary()),
        }
    }

    pub fn rules(&self) -> Vec<&str> {
        self.findings.iter().map(|f| f.rule.as_str()).collect()
    }

    pub fn summary(&self) -> String {
        let mut out: Vec<String> = self
            .findings
            .iter()
            .map(|f| format!("  {} {}:{}:{} {} {}", f.rule, f.file, f.line, f.column, f.path, f.message))
            .collect();
        if !self.stderr.is_empty() {
            out.push(format!("  stderr: {}", self.stderr));
        }
        out.join("\n")
    }

    #[track_caller]
    pub fn assert_clean(&self) {
        assert!(
            self.code == 0 && self.findings.is_empty(),
            "expected no findings, got (exit {}):\n{}",
            self.code,
            self.summary()
        );
    }
}

/// A ledger in a temporary directory, with the shipped schema and policy.
pub struct Ledger {
    dir: tempfile::TempDir,
}

impl Ledger {
    /// The shipped schema and policy, and an empty roll.
    pub fn empty() -> Ledger {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(&repo_root().join("schema"), &dir.path().join("schema"));
        Ledger { dir }
    }

    /// The shipped schema, policy and demonstration roll.
    pub fn shipped() -> Ledger {
        let ledger = Ledger::empty();
        copy_dir(&repo_root().join("members"), &ledger.path().join("members"));
        ledger
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes raw bytes at `rel`, creating directories.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }

    /// Writes `value` canonically at its proper path; returns that path.
    pub fn add(&self, value: &Value) -> String {
        let id = value["id"].as_str().expect("id");
        let rel = rollcall::roll::layout::member_path(id);
        self.write(&rel, rollcall::roll::yaml::to_canonical(value));
        rel
    }

    /// Edits the policy file's text.
    pub fn edit_policy(&self, edit: impl FnOnce(String) -> String) {
        let path = self.path().join("schema/policy.yaml");
        let text = std::fs::read_to_string(&path).expect("policy");
        std::fs::write(&path, edit(text)).expect("write policy");
    }

    /// `rollcall ARGS --repo DIR` with a JSON report.
    pub fn run(&self, args: &[&str]) -> Outcome {
        run_in(self.path(), args)
    }

    /// `rollcall validate --format json --as-of AS_OF` plus `extra`.
    pub fn validate(&self, extra: &[&str]) -> Outcome {
        let mut args = vec!["validate", "--format", "json", "--as-of", AS_OF];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// Commits the whole directory (git2), returning the commit id.
    pub fn commit(&self, message: &str) -> git2::Oid {
        let repo = git2::Repository::open(self.path()).or_else(|_| git2::Repository::init(self.path())).expect("repo");
        let mut index = repo.index().expect("index");
        index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).expect("add");
        index.update_all(["*"], None).expect("update");
        index.write().expect("write index");
        let tree = repo.find_tree(index.write_tree().expect("tree")).expect("find tree");
        let parents: Vec<git2::Commit> = repo.head().ok().and_then(|h| h.peel_to_commit().ok()).into_iter().collect();
        let parents: Vec<&git2::Commit> = parents.iter().collect();
        repo.commit(Some("HEAD"), &signature(), &signature(), message, &tree, &parents).expect("commit")
    }

    pub fn repo(&self) -> git2::Repository {
        git2::Repository::open(self.path()).expect("repo")
    }
}

pub fn signature() -> git2::Signature<'static> {
    git2::Signature::new("Test", "test@example.invalid", &git2::Time::new(1_790_000_000, 0)).expect("signature")
}

/// Runs the real binary with `--repo dir` appended.
pub fn run_in(dir: &Path, args: &[&str]) -> Outcome {
    run_bin(args.iter().map(OsStr::new).chain([OsStr::new("--repo"), dir.as_os_str()]))
}

/// Runs the real binary with `args` as they are (`init` takes no `--repo`).
pub fn run_bin<S: AsRef<OsStr>>(args: impl IntoIterator<Item = S>) -> Outcome {
    let output = Command::new(env!("CARGO_BIN_EXE_rollcall"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("ROLLCALL_MIRRORS")
        .output()
        .expect("run rollcall");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let code = output.status.code().expect("exit code (a signal means a crash)");
    let (ok, findings) = match serde_json::from_str::<Report>(&stdout) {
        Ok(report) => (report.ok, report.findings),
        Err(_) => (code == 0, Vec::new()),
    };
    Outcome { code, ok, findings, stdout, stderr }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().filter_map(Result::ok) {
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("dir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A valid application of an individual.
pub fn individual(id: &str, github_id: u64) -> Value {
    json!({
        "id": id, "name": "Test Person", "kind": "person", "tier": "individual", "status": "applicant",
        "country": "DE", "github": id, "github_id": github_id,
        "contributions": {
            "summary": "Maintains several packages of the distribution and reviews patches.",
            "links": [format!("https://github.com/example-os/packages/pulls?q=author%3A{id}")]
        }
    })
}

/// A valid application of an organization for a sponsor tier.
pub fn sponsor(id: &str, tier: &str, rep: &str, rep_id: u64) -> Value {
    json!({
        "id": id, "name": "Test Organization", "kind": "organization", "tier": tier, "status": "applicant",
        "country": "US", "organization": id, "website": format!("https://{id}.example.com"),
        "representative": {"github": rep, "github_id": rep_id},
        "sponsorship": {"contribution": "cash", "amount_usd": 5000, "details": "Annual cash sponsorship of the foundation."}
    })
}

/// `value` stamped as an admitted, active member.
pub fn admitted(mut value: Value, number: u64, admitted: &str, expires: &str) -> Value {
    let map = value.as_object_mut().expect("mapping");
    map.insert("status".into(), json!("active"));
    map.insert("member_number".into(), json!(number));
    map.insert("admitted".into(), json!(admitted));
    map.insert("expires".into(), json!(expires));
    map.insert(
        "approvals".into(),
        json!([
            {"github": "lena-hart", "github_id": 91000011, "date": admitted},
            {"github": "kofi-mensah", "github_id": 91000012, "date": admitted}
        ]),
    );
    value
}

/// Canonical text of a value, to edit by hand for a hostile variant.
pub fn canonical(value: &Value) -> String {
    rollcall::roll::yaml::to_canonical(value)
}

/// One raw tree entry: mode, name bytes (anything, even `..` or non-UTF-8), object.
pub type RawEntry<'a> = (u32, &'a [u8], git2::Oid);

/// Writes a tree object byte for byte, bypassing every name check.
pub fn raw_tree(repo: &git2::Repository, entries: &[RawEntry]) -> git2::Oid {
    let mut sorted = entries.to_vec();
    sorted.sort_by(|a, b| a.1.cmp(b.1));
    let mut bytes = Vec::new();
    for (mode, name, oid) in sorted {
        bytes.extend_from_slice(format!("{mode:o} ").as_bytes());
        bytes.extend_from_slice(name);
        bytes.push(0);
        bytes.extend_from_slice(oid.as_bytes());
    }
    repo.odb().unwrap().write(git2::ObjectType::Tree, &bytes).unwrap()
}

pub fn blob(repo: &git2::Repository, bytes: &[u8]) -> git2::Oid {
    repo.blob(bytes).unwrap()
}

/// Commits, on top of HEAD, HEAD's tree with `members/` replaced by the
/// shipped shard trees plus `extra` shard trees (name, tree) written raw.
pub fn commit_raw_members(
    ledger: &Ledger,
    extra: impl FnOnce(&git2::Repository) -> Vec<(Vec<u8>, git2::Oid)>,
) -> git2::Oid {
    let repo = ledger.repo();
    let head = repo.head().unwrap().peel_to_tree().unwrap();
    let members = repo.find_tree(head.get_name("members").unwrap().id()).unwrap();
    let mut entries: Vec<(u32, Vec<u8>, git2::Oid)> =
        members.iter().map(|e| (e.filemode() as u32, e.name_bytes().to_vec(), e.id())).collect();
    for (name, tree) in extra(&repo) {
        entries.retain(|(_, n, _)| *n != name);
        entries.push((0o040000, name, tree));
    }
    let raw: Vec<RawEntry> = entries.iter().map(|(m, n, o)| (*m, n.as_slice(), *o)).collect();
    let members = raw_tree(&repo, &raw);
    let mut root = repo.treebuilder(Some(&head)).unwrap();
    root.insert("members", members, 0o040000).unwrap();
    let tree = repo.find_tree(root.write().unwrap()).unwrap();
    let parent = repo.head().unwrap().peel_to_commit().unwrap();
    repo.commit(Some("HEAD"), &signature(), &signature(), "raw members", &tree, &[&parent]).unwrap()
}

/// A commit on top of `base` that sets the regular file at `path` to
/// `bytes`, written as objects only: no branch moves (as a pull request's
/// head, fetched and never checked out).
pub fn commit_with_file(repo: &git2::Repository, base: git2::Oid, path: &str, bytes: &[u8]) -> git2::Oid {
    let base = repo.find_commit(base).expect("base commit");
    let blob = repo.blob(bytes).expect("blob");
    let tree = repo.find_tree(tree_with_file(repo, base.tree_id(), path, blob)).expect("tree");
    repo.commit(None, &signature(), &signature(), "apply", &tree, &[&base]).expect("commit")
}

/// `tree` with the regular file at `path` set to `blob`.
pub fn tree_with_file(repo: &git2::Repository, tree: git2::Oid, path: &str, blob: git2::Oid) -> git2::Oid {
    fn with_file(repo: &git2::Repository, tree: Option<&git2::Tree>, parts: &[&str], blob: git2::Oid) -> git2::Oid {
        let mut builder = repo.treebuilder(tree).expect("tree builder");
        match parts {
            [name] => builder.insert(name, blob, 0o100644).expect("insert"),
            [name, rest @ ..] => {
                let sub = tree.and_then(|t| t.get_name(name)).and_then(|e| repo.find_tree(e.id()).ok());
                builder.insert(name, with_file(repo, sub.as_ref(), rest, blob), 0o040000).expect("insert")
            }
            [] => unreachable!("a path has a name"),
        };
        builder.write().expect("write tree")
    }
    let parts: Vec<&str> = path.split('/').collect();
    with_file(repo, Some(&repo.find_tree(tree).expect("tree")), &parts, blob)
}

/// The date of the genesis `desk` records: before every event the tests date.
pub const GENESIS_DATE: &str = "2025-12-01";

/// The genesis message of the roll in the ledger's work tree, dated `date`.
pub fn genesis_message(ledger: &Ledger, date: &str) -> String {
    let members = walkdir::WalkDir::new(ledger.path().join("members"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count() as u64;
    rollcall::change::genesis::Genesis { members, date: date.parse().expect("date") }.message()
}

/// The shipped ledger committed on `main` as the ledger's genesis, with its
/// current roll.index.
pub fn desk() -> Ledger {
    desk_with(|_| {})
}

pub fn tip(ledger: &Ledger) -> git2::Oid {
    ledger.repo().refname_to_id("refs/heads/main").expect("main")
}

/// A pull request's head: `main` plus the member file of `value`, as a
/// commit no branch points at (the merge workflow fetches it as objects).
pub fn propose(ledger: &Ledger, value: &Value) -> String {
    let path = rollcall::roll::layout::member_path(value["id"].as_str().expect("id"));
    commit_with_file(&ledger.repo(), tip(ledger), &path, canonical(value).as_bytes()).to_string()
}

/// `rollcall verify` of the ledger, with a JSON report.
pub fn verify(ledger: &Ledger) -> Outcome {
    ledger.run(&["verify", "--format", "json"])
}

/// `rollcall merge` of `head` on `AS_OF` by its author, plus `extra`
/// arguments, with a JSON report.
pub fn merge(ledger: &Ledger, head: &str, author: (&str, u64), extra: &[&str]) -> Outcome {
    let id = author.1.to_string();
    let mut args = vec!["merge", "--format", "json", "--date", AS_OF, "--head", head, "--author", author.0];
    args.extend(["--author-id", &id]);
    args.extend_from_slice(extra);
    ledger.run(&args)
}

/// The directors of the shipped policy: a majority of its three.
pub const DIRECTORS: &str = "rowan-vale,imani-okafor";

/// The work tree's `schema/` proposed as a pull request on `main` (a
/// commit no branch points at) and recorded with `rollcall amend` on
/// `date`, approved by `approvers`, plus `extra` arguments.
pub fn amend_with(ledger: &Ledger, date: &str, approvers: &str, extra: &[&str]) -> Outcome {
    let head = propose_rules(ledger);
    let mut args = vec!["amend", "--format", "json", "--date", date, "--head", &head, "--approved-by", approvers];
    args.extend_from_slice(extra);
    ledger.run(&args)
}

/// The work tree's `schema/` recorded as an amendment approved by a
/// majority of the directors; panics if it is refused.
#[track_caller]
pub fn amend(ledger: &Ledger, date: &str, extra: &[&str]) -> git2::Oid {
    let out = amend_with(ledger, date, DIRECTORS, extra);
    assert_eq!(out.code, 0, "the amendment was refused: {}{}", out.stdout, out.stderr);
    tip(ledger)
}

/// A pull request's head: `main` with the work tree's `schema/`.
pub fn propose_rules(ledger: &Ledger) -> String {
    let repo = ledger.repo();
    let mut index = git2::Index::new().expect("index");
    for entry in walkdir::WalkDir::new(ledger.path().join("schema")).into_iter().filter_map(Result::ok) {
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(ledger.path()).expect("inside").to_string_lossy().into_owned();
            let bytes = std::fs::read(entry.path()).expect("read");
            let blob = repo.blob(&bytes).expect("blob");
            let mut e = git2::IndexEntry {
                ctime: git2::IndexTime::new(0, 0),
                mtime: git2::IndexTime::new(0, 0),
                dev: 0,
                ino: 0,
                mode: 0o100644,
                uid: 0,
                gid: 0,
                file_size: bytes.len() as u32,
                id: blob,
                flags: 0,
                flags_extended: 0,
                path: rel.into_bytes(),
            };
            e.flags = e.path.len().min(0xfff) as u16;
            index.add(&e).expect("add");
        }
    }
    let schema = index.write_tree_to(&repo).expect("schema tree");
    let schema = repo.find_tree(schema).expect("tree").get_name("schema").expect("schema").id();
    let parent = repo.find_commit(tip(ledger)).expect("tip");
    let mut root = repo.treebuilder(Some(&parent.tree().expect("tree"))).expect("builder");
    root.insert("schema", schema, 0o040000).expect("insert");
    let tree = repo.find_tree(root.write().expect("write")).expect("tree");
    repo.commit(None, &signature(), &signature(), "Propose a change to the rules", &tree, &[&parent])
        .expect("commit")
        .to_string()
}

/// `desk`, with `prepare` run on the work tree before the genesis records it.
pub fn desk_with(prepare: impl FnOnce(&Ledger)) -> Ledger {
    let ledger = Ledger::shipped();
    prepare(&ledger);
    let mut options = git2::RepositoryInitOptions::new();
    options.initial_head("main");
    git2::Repository::init_opts(ledger.path(), &options).expect("init");
    assert_eq!(ledger.run(&["index"]).code, 0);
    ledger.commit(&genesis_message(&ledger, GENESIS_DATE));
    ledger
}
