//! `rollcall init`: a new, data-only ledger repository for a foundation.
//! Every file comes from a template embedded in the binary; the policy is
//! filled in with the foundation's name, origin, committee, board and
//! maintainers, then the whole ledger is judged as `validate` judges it, and
//! only then committed as one genesis (an empty roll) and moved into place.
//! The repository is built in a directory beside the target and renamed
//! onto it, so a refusal or a failure leaves nothing half-written.

use crate::change::genesis;
use crate::change::sign::Signer;
use crate::finding::Finding;
use crate::output::codeowners::{self, CODEOWNERS_FILE};
use crate::output::editor_schema::{self, EDITOR_SCHEMA_FILE};
use crate::roll::config::{self, ConfigError};
use crate::roll::policy::{self, Policy};
use crate::roll::sharded;
use crate::roll::source::Source;
use git2::{Oid, Repository};
use jiff::civil::Date;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The policy a new ledger starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Preset {
    /// Individual, mirror and four sponsor tiers, as the AlmaLinux OS Foundation.
    Almalinux,
    /// Organizations only: platinum, gold, silver, end-user and academic, as the CNCF.
    Cncf,
}

impl Preset {
    fn policy_template(self) -> &'static str {
        match self {
            Preset::Almalinux => include_str!("../../templates/ledger/policy/almalinux.yaml"),
            Preset::Cncf => include_str!("../../templates/ledger/policy/cncf.yaml"),
        }
    }
}

/// One GitHub account, as the policy names people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub login: String,
    pub id: u64,
}

impl std::str::FromStr for Account {
    type Err = String;

    /// `LOGIN:ID`, the login as GitHub allows it, the id the account's number.
    fn from_str(text: &str) -> Result<Account, String> {
        let (login, id) =
            text.split_once(':').ok_or_else(|| format!("{text:?} is not LOGIN:ID (e.g. octocat:583231)"))?;
        if !is_login(login) {
            return Err(format!(
                "{login:?} is not a GitHub login (letters, digits and single inner hyphens, at most 39)"
            ));
        }
        let id =
            id.parse::<u64>().ok().filter(|&n| n > 0 && id.bytes().all(|b| b.is_ascii_digit())).ok_or_else(|| {
                format!(
                    "{id:?} is not a GitHub account id: the number https://api.github.com/users/{login} shows as \"id\""
                )
            })?;
        Ok(Account { login: login.to_owned(), id })
    }
}

fn is_login(login: &str) -> bool {
    !login.is_empty()
        && login.len() <= 39
        && login.split('-').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// What a foundation says about itself to start its ledger.
#[derive(Clone, Debug)]
pub struct Foundation {
    pub name: String,
    pub origin: String,
    pub preset: Preset,
    pub committee: Vec<Account>,
    pub directors: Vec<Account>,
    pub maintainers: Vec<Account>,
    /// The rollcall action the workflows use, `OWNER/REPO@COMMIT`.
    pub action: String,
    /// The day the ledger begins.
    pub date: Date,
}

/// Why no ledger was created.
#[derive(Debug)]
pub enum InitError {
    /// What the foundation gave cannot make a valid ledger: each problem
    /// says which flag to change.
    Input(Vec<String>),
    /// The ledger written does not validate (a finding per problem).
    Invalid(Vec<Finding>),
    /// The target directory exists and is not empty.
    NotEmpty(PathBuf),
    /// The file system or git failed.
    Io(String),
}

impl std::fmt::Display for InitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InitError::Input(problems) => f.write_str(&problems.join("\n")),
            InitError::Invalid(findings) => write!(f, "the ledger would not validate ({} findings)", findings.len()),
            InitError::NotEmpty(dir) => {
                write!(f, "{} is not empty: init creates a new ledger in a new or empty directory", dir.display())
            }
            InitError::Io(message) => f.write_str(message),
        }
    }
}

impl From<git2::Error> for InitError {
    fn from(e: git2::Error) -> InitError {
        InitError::Io(crate::util::git_message(&e))
    }
}

impl From<std::io::Error> for InitError {
    fn from(e: std::io::Error) -> InitError {
        InitError::Io(e.to_string())
    }
}

/// A foundation's name: one line of printable text.
const MAX_NAME: usize = 200;

/// The problems of what the foundation gave, each with the flag that
/// fixes it, judged against the bounds of the preset's own policy.
pub fn problems(foundation: &Foundation) -> Vec<String> {
    let mut problems = Vec::new();
    let name = &foundation.name;
    if name.trim().is_empty()
        || name.trim() != name
        || name.chars().count() > MAX_NAME
        || name.chars().any(char::is_control)
    {
        problems.push(format!(
            "--name: the foundation's name is one line of 1 to {MAX_NAME} characters, without leading or trailing spaces"
        ));
    }
    let origin_ok = !foundation.origin.is_empty()
        && foundation.origin.len() <= 200
        && foundation.origin.split('/').enumerate().all(|(i, part)| {
            !part.is_empty()
                && part.bytes().all(|b| {
                    b.is_ascii_digit()
                        || b == b'.'
                        || b == b'-'
                        || b.is_ascii_lowercase()
                        || (i > 0 && (b == b'_' || b.is_ascii_uppercase()))
                })
        });
    if !origin_ok {
        problems.push(
            "--origin: the ledger's origin is a lowercase host name with an optional path, e.g. example.org/members \
             (its checkpoints carry it)"
                .to_owned(),
        );
    }
    if !is_action(&foundation.action) {
        problems.push(format!(
            "--action: {:?} is not OWNER/REPO@COMMIT with the commit's full 40-character sha (workflows pin actions by commit)",
            foundation.action
        ));
    }
    let bounds = match policy::load(render(foundation.preset.policy_template(), &placeholder_values()).as_bytes()) {
        Ok(loaded) => loaded.policy,
        Err(_) => return problems,
    };
    for (flag, accounts) in [
        ("--committee", &foundation.committee),
        ("--director", &foundation.directors),
        ("--maintainer", &foundation.maintainers),
    ] {
        problems.extend(duplicates(flag, accounts));
    }
    problems.extend(conflicting_ids(foundation));
    let committee = &bounds.committee;
    let n = foundation.committee.len();
    if n < committee.min_size || n > committee.max_size || (committee.odd_size && n.is_multiple_of(2)) {
        let odd = if committee.odd_size { ", an odd number" } else { "" };
        problems.push(format!(
            "--committee: the membership committee needs {} to {} people{odd}; {n} given",
            committee.min_size, committee.max_size
        ));
    }
    let board = &bounds.board;
    let d = foundation.directors.len();
    if d < board.min_directors || d > board.max_directors {
        problems.push(format!(
            "--director: the board needs {} to {} directors; {d} given",
            board.min_directors, board.max_directors
        ));
    }
    let seated = foundation.committee.iter().filter(|c| foundation.directors.iter().any(|d| d.id == c.id)).count();
    if seated < committee.min_directors || seated > committee.max_directors {
        problems.push(format!(
            "--committee: {} to {} of the committee must be directors (give them also as --director, same LOGIN:ID); {seated} are",
            committee.min_directors, committee.max_directors
        ));
    }
    if foundation.maintainers.is_empty() {
        problems.push(
            "--maintainer: at least one maintainer reviews the changes outside members/ and schema/ (CODEOWNERS)"
                .to_owned(),
        );
    }
    problems
}

fn is_action(action: &str) -> bool {
    let Some((repo, commit)) = action.split_once('@') else { return false };
    let Some((owner, name)) = repo.split_once('/') else { return false };
    let part = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    part(owner)
        && part(name)
        && commit.len() == 40
        && commit.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

fn duplicates(flag: &str, accounts: &[Account]) -> Vec<String> {
    let mut problems = Vec::new();
    for (i, a) in accounts.iter().enumerate() {
        if accounts[..i].iter().any(|b| b.id == a.id || b.login.eq_ignore_ascii_case(&a.login)) {
            problems.push(format!("{flag}: {}:{} is given twice", a.login, a.id));
        }
    }
    problems
}

/// One account id is one person: the same id under two logins, or one
/// login under two ids, is a typo somewhere. Each is said once.
fn conflicting_ids(foundation: &Foundation) -> Vec<String> {
    let all = foundation.committee.iter().chain(&foundation.directors).chain(&foundation.maintainers);
    let mut logins: BTreeMap<u64, std::collections::BTreeSet<String>> = BTreeMap::new();
    let mut ids: BTreeMap<String, std::collections::BTreeSet<u64>> = BTreeMap::new();
    for a in all {
        logins.entry(a.id).or_default().insert(a.login.to_ascii_lowercase());
        ids.entry(a.login.to_ascii_lowercase()).or_default().insert(a.id);
    }
    let mut problems = Vec::new();
    for (id, names) in logins.iter().filter(|(_, names)| names.len() > 1) {
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        problems.push(format!("account id {id} is given as {}: one account has one login", names.join(" and as ")));
    }
    for (login, numbers) in ids.iter().filter(|(_, numbers)| numbers.len() > 1) {
        let numbers: Vec<String> = numbers.iter().map(u64::to_string).collect();
        problems.push(format!("the login {login} is given with two account ids ({})", numbers.join(", ")));
    }
    problems
}

/// Values that make the template load, to read the preset's bounds.
fn placeholder_values() -> Vec<(&'static str, String)> {
    vec![
        ("name", "\"x\"".to_owned()),
        ("origin", "example.org".to_owned()),
        ("committee", "    - {github: x, github_id: 1}\n".to_owned()),
        ("directors", "    - {github: x, github_id: 1, name: x}\n".to_owned()),
        ("maintainers", "  - {github: x, github_id: 1}\n".to_owned()),
    ]
}

/// `template` with each `{{key}}` replaced, in one pass (a value is never
/// itself searched for placeholders).
fn render(template: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(at) = rest.find("{{") {
        let key_end = rest[at..].find("}}").map(|e| at + e);
        let value = key_end.and_then(|end| values.iter().find(|(k, _)| *k == &rest[at + 2..end]));
        match (key_end, value) {
            (Some(end), Some((_, value))) => {
                out.push_str(&rest[..at]);
                out.push_str(value);
                rest = &rest[end + 2..];
            }
            _ => {
                out.push_str(&rest[..at + 2]);
                rest = &rest[at + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A YAML double-quoted scalar: a JSON string is one.
fn quoted(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

fn people(indent: &str, accounts: &[Account], director: bool) -> String {
    let mut out = String::new();
    for a in accounts {
        // The login is quoted: a login such as `no` or `123` is another type to YAML.
        let name = if director { format!(", name: {}", quoted(&a.login)) } else { String::new() };
        out.push_str(&format!("{indent}- {{github: {}, github_id: {}{name}}}\n", quoted(&a.login), a.id));
    }
    out
}

/// The policy file of the foundation.
pub fn policy_text(foundation: &Foundation) -> String {
    render(
        foundation.preset.policy_template(),
        &[
            ("name", quoted(&foundation.name)),
            ("origin", foundation.origin.clone()),
            ("committee", people("    ", &foundation.committee, false)),
            ("directors", people("    ", &foundation.directors, true)),
            ("maintainers", people("  ", &foundation.maintainers, false)),
        ],
    )
}

/// The files every new ledger has, as templates.
const FILES: &[(&str, &str)] = &[
    ("schema/member.schema.json", include_str!("../../schema/member.schema.json")),
    ("README.md", include_str!("../../templates/ledger/README.md")),
    ("CONTRIBUTING.md", include_str!("../../templates/ledger/CONTRIBUTING.md")),
    (".github/pull_request_template.md", include_str!("../../templates/ledger/pull_request_template.md")),
    (".github/workflows/check-pr.yml", include_str!("../../templates/ledger/workflows/check-pr.yml")),
    (".github/workflows/validate.yml", include_str!("../../templates/ledger/workflows/validate.yml")),
    (".github/workflows/merge.yml", include_str!("../../templates/ledger/workflows/merge.yml")),
    (".github/workflows/expire.yml", include_str!("../../templates/ledger/workflows/expire.yml")),
    (".github/workflows/checkpoint.yml", include_str!("../../templates/ledger/workflows/checkpoint.yml")),
    (".github/workflows/pages.yml", include_str!("../../templates/ledger/workflows/pages.yml")),
    (".vscode/settings.json", include_str!("../../templates/ledger/vscode-settings.json")),
    (".pre-commit-config.yaml", include_str!("../../templates/ledger/pre-commit-config.yaml")),
];

/// Every file of the new ledger but those derived from the policy
/// (CODEOWNERS, the roll's index, the editors' schema), path → contents.
pub fn files(foundation: &Foundation) -> BTreeMap<String, String> {
    let (action_repo, action_commit) = foundation.action.split_once('@').unwrap_or((&foundation.action, ""));
    let tiers = match policy::load(policy_text(foundation).as_bytes()) {
        Ok(loaded) => tier_table(&loaded.policy),
        Err(_) => String::new(),
    };
    let values = vec![
        // Markdown shows the name as text: its own markup is escaped.
        ("name", markdown_text(&foundation.name)),
        ("origin", foundation.origin.clone()),
        ("action", foundation.action.clone()),
        ("action_repo", action_repo.to_owned()),
        ("action_commit", action_commit.to_owned()),
        ("tiers", tiers),
    ];
    let mut files = BTreeMap::new();
    files.insert(policy::POLICY_FILE.to_owned(), policy_text(foundation));
    for (path, template) in FILES {
        let text = if path.starts_with("schema/") { (*template).to_owned() } else { render(template, &values) };
        files.insert((*path).to_owned(), text);
    }
    files
}

fn markdown_text(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\`*_{}[]()<>#+-.!|~&@:".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The tiers as the applicants' guide shows them.
fn tier_table(policy: &Policy) -> String {
    let mut out = String::from("| tier | who | fee per year | votes | what to show |\n|---|---|---|---|---|\n");
    for tier in &policy.tiers {
        let holders: Vec<&str> = tier.holders.iter().map(|k| k.as_str()).collect();
        let fee = if tier.fee_usd == 0 { "free".to_owned() } else { format!("{} USD", tier.fee_usd) };
        let evidence: Vec<String> = tier.evidence.iter().map(|e| format!("`{e}`")).collect();
        out.push_str(&format!(
            "| {} | {} | {fee} | {} | {} |\n",
            tier.name,
            holders.join(" or "),
            tier.votes,
            evidence.join(", ")
        ));
    }
    out
}

/// Creates the ledger at `dir` (which must not exist, or be empty): every
/// file, judged whole, then one genesis commit on `main`. Returns the
/// genesis commit.
pub fn create(dir: &Path, foundation: &Foundation, signer: Option<&Signer>) -> Result<Oid, InitError> {
    let problems = problems(foundation);
    if !problems.is_empty() {
        return Err(InitError::Input(problems));
    }
    let existed = target(dir)?;
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("ledger");
    if !parent.is_dir() {
        return Err(InitError::Io(format!("{} does not exist: create it first", parent.display())));
    }
    let staging = parent.join(format!(".{name}.rollcall-init.{}", std::process::id()));
    fs::create_dir(&staging).map_err(|e| InitError::Io(format!("cannot create {}: {e}", staging.display())))?;
    let built = build(&staging, foundation, signer).and_then(|genesis| {
        // An empty directory is replaced (rename(2) does so where it can).
        if existed && fs::rename(&staging, dir).is_err() {
            fs::remove_dir(dir)?;
        }
        if !dir.exists() {
            fs::rename(&staging, dir)
                .map_err(|e| InitError::Io(format!("cannot move the ledger to {}: {e}", dir.display())))?;
        }
        Ok(genesis)
    });
    if built.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    built
}

/// Whether `dir` exists (empty): a ledger may be created there. A
/// non-empty directory, or one that cannot be read, is refused.
pub fn target(dir: &Path) -> Result<bool, InitError> {
    match fs::read_dir(dir) {
        Ok(entries) => {
            if entries.into_iter().next().is_some() {
                return Err(InitError::NotEmpty(dir.to_path_buf()));
            }
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(InitError::Io(format!("cannot use {}: {e}", dir.display()))),
    }
}

fn build(root: &Path, foundation: &Foundation, signer: Option<&Signer>) -> Result<Oid, InitError> {
    for (path, text) in files(foundation) {
        write(root, &path, &text)?;
    }
    let source = Source::disk(root).map_err(|e| InitError::Io(e.to_string()))?;
    let config = match config::load(&source) {
        Ok(config) => config,
        Err(ConfigError::Invalid(findings)) => return Err(InitError::Invalid(findings)),
        Err(ConfigError::Source(e)) => return Err(InitError::Io(e.to_string())),
    };
    write(root, CODEOWNERS_FILE, &codeowners::render(&config.policy.policy))?;
    write(root, EDITOR_SCHEMA_FILE, &editor_schema::render(config.schema.source(), &config.policy.policy))?;
    let index = sharded::build(&source).map_err(|e| InitError::Io(e.to_string()))?;
    sharded::write_dir(root, &index).map_err(|e| InitError::Io(e.to_string()))?;

    let mut options = git2::RepositoryInitOptions::new();
    options.initial_head("main");
    let repo = Repository::init_opts(root, &options)?;
    let mut index = repo.index()?;
    index.add_all(["*"], git2::IndexAddOption::DEFAULT | git2::IndexAddOption::FORCE, None)?;
    index.write()?;
    let tree = index.write_tree()?;
    let (findings, _) = genesis::judge(&repo, tree, foundation.date).map_err(|e| match e {
        genesis::GenesisError::Refused(findings) => InitError::Invalid(findings),
        genesis::GenesisError::Ledger(e) => InitError::Io(e.to_string()),
    })?;
    if !findings.is_empty() {
        return Err(InitError::Invalid(findings));
    }
    let commit = genesis::write_root(&repo, tree, foundation.date, signer).map_err(|e| InitError::Io(e.to_string()))?;
    repo.reference("refs/heads/main", commit, false, "rollcall init: the genesis")?;
    Ok(commit)
}

fn write(root: &Path, path: &str, text: &str) -> Result<(), InitError> {
    let target = root.join(path);
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(&target, text).map_err(|e| InitError::Io(format!("cannot write {}: {e}", target.display())))
}
