//! `rollcall check-pr`: a pull request judged as a membership application.
//!
//! The pull request is read as git objects only (the merge base of base and
//! head, and a tree diff without rename detection), never as a work tree,
//! and judged under the schema and policy of the base revision, so that a
//! pull request cannot weaken the rules that judge it. Nothing is read
//! before the shape of the change is known to be acceptable, and no blob
//! over the size cap is ever read.

use crate::change::amendment;
use crate::finding::{self, Finding, Pos, Severity, quoted};
use crate::roll::config::{self, Config, ConfigError};
use crate::roll::index;
use crate::roll::member::{Account, Member, Status};
use crate::roll::mirrors;
use crate::roll::neighbours::{self, Wanted};
use crate::roll::policy::Kind;
use crate::roll::rules::Context;
use crate::roll::rules::names::pr::*;
use crate::roll::sharded;
use crate::roll::source::{Source, SourceError};
use crate::roll::validate::{self, Options};
use crate::roll::yaml::{self, MEMBER_LIMITS};
use git2::{Delta, FileMode, ObjectType, Oid, Repository, Tree};
use serde::Serialize;
use serde_json::Value;
use std::path::Path;

/// Files git itself interprets: a pull request may not add or change them.
const GIT_METADATA_NAMES: [&str; 5] = [".gitattributes", ".gitmodules", ".gitignore", ".mailmap", ".lfsconfig"];

/// Fields that say who a member is: never changed by a pull request.
const IDENTITY_FIELDS: [&str; 4] = ["id", "kind", "github_id", "organization"];

/// The account that opened the pull request, as GitHub reports it.
#[derive(Clone, Debug)]
pub struct Author {
    pub login: String,
    pub id: u64,
}

/// What a pull request is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum PrKind {
    /// Adds one member file with status `applicant`.
    Application { file: String, id: String, tier: String },
    /// A member changes fields of their own file.
    Update { file: String, id: String, fields: Vec<String> },
    /// A member asks for another tier: a new application for that tier.
    TierChange { file: String, id: String, from: String, to: String },
    /// A member asks to resign (`status: resigned`, nothing else).
    Resignation { file: String, id: String },
    /// Only paths outside `members/`: not an application.
    Maintenance { paths: Vec<String> },
    /// Only files under `schema/`: an amendment of the rules, recorded by
    /// `rollcall amend` once the directors approve it.
    Amendment { paths: Vec<String>, needs: String },
    /// Not acceptable as any of the above; the findings say why.
    Rejected,
}

/// The verdict on a pull request.
pub struct Judgement {
    pub change: PrKind,
    pub findings: Vec<Finding>,
    /// The member file as the pull request leaves it.
    pub member: Option<Value>,
    /// The base's rules, when they could be read.
    pub config: Option<Config>,
}

impl PrKind {
    /// What the pull request is, for a person (values from the pull request quoted).
    pub fn describe(&self) -> String {
        match self {
            PrKind::Application { file, tier, .. } => format!("an application for the {} tier ({file})", quoted(tier)),
            PrKind::Update { file, .. } => format!("an update of {file} by its member"),
            PrKind::TierChange { from, to, file, .. } => {
                format!("a request to change tier from {} to {} ({file})", quoted(from), quoted(to))
            }
            PrKind::Resignation { file, .. } => format!("a resignation request ({file})"),
            PrKind::Maintenance { .. } => {
                "a maintenance change: not a membership application; it needs a maintainer's review".to_owned()
            }
            PrKind::Amendment { paths, needs } => format!(
                "an amendment of the rules ({}): it needs {needs}, and is recorded with `rollcall amend`",
                paths.join(", ")
            ),
            PrKind::Rejected => "not a membership application rollcall can accept".to_owned(),
        }
    }
}

impl Judgement {
    pub fn is_acceptable(&self) -> bool {
        self.change != PrKind::Rejected && finding::is_ok(&self.findings)
    }

    fn rejected(findings: Vec<Finding>, config: Option<Config>) -> Judgement {
        Judgement { change: PrKind::Rejected, findings, member: None, config }
    }
}

/// A maintenance change to `schema/` is judged as `verify` judges it once
/// merged: the rules it brings must load, and the base's roll must
/// validate under them with no error. The member changes of other pull
/// requests are still judged under the base's rules; this check can only
/// refuse. The roll judged is the base's, with the head's `schema/`.
fn rules_at_head(repo: &Repository, base: &Tree, head: &Tree, options: &Options) -> Result<Vec<Finding>, SourceError> {
    let git = |e: git2::Error| SourceError::Git(e.message().to_owned());
    let mut root = repo.treebuilder(Some(base)).map_err(git)?;
    match head.get_name("schema") {
        Some(schema) => {
            root.insert("schema", schema.id(), schema.filemode()).map_err(git)?;
        }
        None => {
            if base.get_name("schema").is_some() {
                root.remove("schema").map_err(git)?;
            }
        }
    }
    let tree = root.write().map_err(git)?;
    let source = Source::Git { repo: repo.path().to_path_buf(), tree };
    let config = match config::load(&source) {
        Ok(config) => config,
        Err(ConfigError::Invalid(findings)) => return Ok(findings),
        Err(ConfigError::Source(e)) => return Err(e),
    };
    let validated = validate::validate_with(&source, &config, options)?;
    Ok(validated.findings.into_iter().filter(Finding::is_error).collect())
}

/// One changed path, from the merge base to the head.
struct Changed {
    status: Delta,
    path: String,
    utf8: bool,
    mode: FileMode,
    oid: Oid,
}

/// Judges the pull request from `base` to `head` in the repository at
/// `dir`: its findings sorted, each cause once, `--skip`ped rules left out.
pub fn judge(
    dir: &Path,
    base: &str,
    head: &str,
    author: &Author,
    options: &Options,
) -> Result<Judgement, validate::Error> {
    let mut judgement = assess(dir, base, head, author, options)?;
    if let Some(config) = &judgement.config {
        crate::roll::rules::check_skip(&options.skip, Some(config)).map_err(validate::Error::UnknownRule)?;
    }
    judgement.findings.retain(|f| !options.skip.contains(f.rule.as_ref()));
    finding::sort_and_dedup(&mut judgement.findings);
    Ok(judgement)
}

fn assess(dir: &Path, base: &str, head: &str, author: &Author, options: &Options) -> Result<Judgement, SourceError> {
    let repo = Repository::open(dir)
        .map_err(|e| SourceError::Git(format!("{}: not a git repository: {}", dir.display(), e.message())))?;
    let commit = |rev: &str| {
        repo.revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map_err(|e| SourceError::Git(format!("cannot read revision {rev:?}: {}", e.message())))
    };
    let (base, head) = (commit(base)?, commit(head)?);
    let base_tree = base.tree().map_err(SourceError::from)?;
    let config = match config::load(&Source::at(&repo, base_tree.id())) {
        Ok(config) => config,
        Err(ConfigError::Invalid(findings)) => return Ok(Judgement::rejected(findings, None)),
        Err(ConfigError::Source(e)) => return Err(e),
    };
    let Ok(merge_base) = repo.merge_base(base.id(), head.id()) else {
        let finding = Finding::error(
            UNRELATED_HISTORY,
            "",
            Pos::START,
            "",
            "the pull request shares no history with the base branch",
            "open the pull request from a branch of this repository's main branch",
        );
        return Ok(Judgement::rejected(vec![finding], Some(config)));
    };
    let from = repo.find_commit(merge_base).and_then(|c| c.tree()).map_err(SourceError::from)?;
    let to = head.tree().map_err(SourceError::from)?;
    let changes = changed_paths(&repo, &from, &to).map_err(SourceError::from)?;
    let mut findings = Vec::new();
    let shape = triage(&changes, &mut findings);
    if changes.iter().any(|c| c.path == index::INDEX_FILE && c.status != Delta::Deleted) {
        check_index(&repo, &to, &mut findings)?;
    }
    if changes.iter().any(|c| sharded::is_under_index(&c.path)) {
        check_split_index(&repo, &to, &mut findings)?;
    }
    if findings.iter().any(Finding::is_error) {
        return Ok(Judgement::rejected(findings, Some(config)));
    }
    let member_change = match shape {
        Shape::Empty => {
            findings.push(Finding::new(
                MAINTENANCE,
                Severity::Warning,
                "",
                Pos::START,
                "",
                "the pull request changes nothing",
                "push the change you meant to propose",
            ));
            return Ok(Judgement {
                change: PrKind::Maintenance { paths: Vec::new() },
                findings,
                member: None,
                config: Some(config),
            });
        }
        Shape::Maintenance(paths) if paths.iter().any(|p| amendment::is_rules_file(p)) => {
            let rules = match amendment::scope(&paths) {
                Ok(rules) => rules,
                Err(found) => return Ok(Judgement::rejected(found, Some(config))),
            };
            findings.extend(rules_at_head(&repo, &base_tree, &to, options)?);
            let needs = amendment::needs(&config.policy.policy);
            return Ok(Judgement {
                change: PrKind::Amendment { paths: rules, needs },
                findings,
                member: None,
                config: Some(config),
            });
        }
        Shape::Maintenance(paths) => {
            findings.push(Finding::new(
                MAINTENANCE,
                Severity::Warning,
                &paths[0],
                Pos::START,
                "",
                "this is a maintenance change, not a membership application",
                "it changes only files outside members/ and needs a maintainer's review (see CODEOWNERS)",
            ));
            return Ok(Judgement {
                change: PrKind::Maintenance { paths },
                findings,
                member: None,
                config: Some(config),
            });
        }
        Shape::MemberFile(i) => &changes[i],
    };
    let ctx = Context { config: &config, as_of: options.as_of };
    let mut judged = judge_member_file(&repo, &base_tree, member_change, author, &ctx, options)?;
    if matches!(judged.change, PrKind::Application { .. } | PrKind::Update { .. } | PrKind::TierChange { .. })
        && let Some(value) = &judged.member
    {
        // The member file was read whole above; read again for its positions.
        let blob = repo.find_blob(member_change.oid).map_err(SourceError::from)?;
        let doc = yaml::load(&member_change.path, blob.content(), yaml::MEMBER_LIMITS, yaml::Layout::Canonical);
        let policy = &config.policy.policy;
        judged.findings.extend(mirrors::check_document(
            policy,
            &options.mirrors,
            &member_change.path,
            value,
            &doc.spans,
        ));
    }
    Ok(Judgement { change: judged.change, findings: judged.findings, member: judged.member, config: Some(config) })
}

/// The files the pull request changed, descending only into the folders
/// it changed: the cost of a pull request, not of the roll.
fn changed_paths(repo: &Repository, from: &Tree, to: &Tree) -> Result<Vec<Changed>, git2::Error> {
    Ok(crate::util::tree_diff::changes(repo, Some(from), Some(to))?
        .into_iter()
        .map(|change| Changed {
            status: change.status,
            utf8: std::str::from_utf8(&change.path).is_ok(),
            path: String::from_utf8_lossy(&change.path).into_owned(),
            mode: change.file_mode(),
            oid: change.side().id,
        })
        .collect())
}

/// The shape of a pull request once its paths are known.
enum Shape {
    Empty,
    Maintenance(Vec<String>),
    /// Exactly one member file, at this index of the changes.
    MemberFile(usize),
}

/// Checks every changed path without reading any content.
fn triage(changes: &[Changed], findings: &mut Vec<Finding>) -> Shape {
    let mut error = |rule: &'static str, path: &str, message: String, help: &str| {
        findings.push(Finding::error(rule, path, Pos::START, "", message, help));
    };
    let mut member_files = Vec::new();
    let mut other_paths = Vec::new();
    for (i, change) in changes.iter().enumerate() {
        let path = change.path.as_str();
        let in_members = path.starts_with("members/") || path == "members";
        let name = path.rsplit('/').next().unwrap_or(path);
        if GIT_METADATA_NAMES.contains(&name) {
            error(
                GIT_METADATA,
                path,
                format!("{} is read by git itself", quoted(name)),
                "remove this file from the pull request",
            );
        }
        if matches!(change.mode, FileMode::Link | FileMode::Commit)
            || (in_members && change.status != Delta::Deleted && change.mode != FileMode::Blob)
        {
            let what = match change.mode {
                FileMode::Link => "a symbolic link",
                FileMode::Commit => "a submodule",
                FileMode::BlobExecutable => "an executable file",
                _ => "not a regular file",
            };
            error(
                FILE_MODE,
                path,
                format!("{} is {what}", quoted(path)),
                "a pull request may only add or change regular files",
            );
        }
        if !in_members {
            other_paths.push(path.to_owned());
            continue;
        }
        if change.status == Delta::Deleted {
            error(
                DELETION,
                path,
                format!("the pull request deletes {}", quoted(path)),
                "members are never deleted (a rename is a deletion plus an addition); ask to resign instead",
            );
        } else if !change.utf8 || !crate::roll::layout::is_member_path(path) {
            error(
                PATH,
                path,
                format!("{} is not a member file path", quoted(path)),
                "a member file is members/<first two characters of the id>/<id>.yaml",
            );
        }
        member_files.push(i);
    }
    if member_files.len() > 1 {
        for &i in &member_files[1..] {
            error(
                ONE_MEMBER_FILE,
                &changes[i].path,
                format!("the pull request changes {} member files", member_files.len()),
                "one pull request is one application: change only your own member file",
            );
        }
    }
    if !member_files.is_empty() && !other_paths.is_empty() {
        for path in &other_paths {
            error(
                MIXED_CHANGE,
                path,
                format!("{} is changed together with a member file", quoted(path)),
                "an application changes only its member file; propose other changes separately",
            );
        }
    }
    match (member_files.as_slice(), other_paths.is_empty()) {
        ([], true) => Shape::Empty,
        ([], false) => Shape::Maintenance(other_paths),
        ([first, ..], _) => Shape::MemberFile(*first),
    }
}

struct MemberJudgement {
    change: PrKind,
    findings: Vec<Finding>,
    member: Option<Value>,
}

fn judge_member_file(
    repo: &Repository,
    base_tree: &Tree,
    changed: &Changed,
    author: &Author,
    ctx: &Context,
    options: &Options,
) -> Result<MemberJudgement, SourceError> {
    let path = changed.path.as_str();
    // What the file itself breaks, and what the change breaks, kept apart:
    // a resignation replaces the first.
    let mut file_findings = Vec::new();
    let rejected = |findings| Ok(MemberJudgement { change: PrKind::Rejected, findings, member: None });
    let Some(bytes) = neighbours::read_capped(repo, changed.oid, path, &mut file_findings)? else {
        return rejected(file_findings);
    };
    let Some((member, value)) = validate::check_document(path, &bytes, ctx, options, &mut file_findings) else {
        return rejected(file_findings);
    };
    // The file as the base has it: who owns it now, and what it holds.
    let old = match base_tree.get_path(Path::new(path)) {
        Ok(entry) if entry.kind() == Some(ObjectType::Blob) => {
            neighbours::read_capped(repo, entry.id(), path, &mut Vec::new())?.and_then(|bytes| {
                let doc = yaml::load(path, &bytes, MEMBER_LIMITS, yaml::Layout::Free);
                doc.value.map(|value| (Member::from_document(path, &value, &doc.spans), value))
            })
        }
        _ => None,
    };
    let mut findings = Vec::new();
    let change = match &old {
        None => classify_new(path, &member, &value, author, &mut findings),
        Some((old_member, old_value)) => {
            classify_edit(path, (old_member, old_value), (&member, &value), author, ctx, &mut findings)
        }
    };
    // A resignation is judged as the state it asks for: the merger stamps
    // the end date, which the member may not write.
    let member = match &change {
        PrKind::Resignation { .. } => {
            let mut projected = value.clone();
            projected["ended"] = Value::String(ctx.as_of.to_string());
            // What the loader says of the real bytes stands: they are what merges.
            file_findings.retain(|f| f.rule.starts_with("yaml."));
            let bytes = yaml::to_canonical(&projected);
            validate::check_document(path, bytes.as_bytes(), ctx, options, &mut file_findings)
                .map_or(member, |(m, _)| m)
        }
        _ => member,
    };
    findings.extend(file_findings);
    let old_member = old.map(|(member, _)| member);
    let wanted = Wanted::of(&member, old_member.as_ref(), ctx);
    let found = neighbours::find(repo, base_tree, &member.file, &wanted)?;
    // The roll rules judge an application as the merger will admit it: a
    // platinum member the board is too small for is refused here, not first
    // at the merge.
    let admitted = match &change {
        PrKind::Application { .. } => {
            let mut admitted = member.clone();
            admitted.status = Some(Status::Active);
            admitted
        }
        _ => member.clone(),
    };
    findings.extend(neighbours::caused_findings(&found.members, &admitted, old_member.as_ref(), ctx, options));
    let change =
        if findings.iter().any(|f| f.is_error() && f.rule.starts_with("pr.")) { PrKind::Rejected } else { change };
    Ok(MemberJudgement { change, findings, member: Some(value) })
}

/// A pull request that changes `roll.index` must ship exactly the index its
/// own roll generates: a hand-edited line could hide a clash later.
fn check_index(repo: &Repository, head: &Tree, findings: &mut Vec<Finding>) -> Result<(), SourceError> {
    let wanted = index::build(&Source::at(repo, head.id()))?;
    let current = head
        .get_path(Path::new(index::INDEX_FILE))
        .ok()
        .and_then(|entry| repo.find_blob(entry.id()).ok())
        .map(|blob| String::from_utf8_lossy(blob.content()).into_owned())
        .unwrap_or_default();
    if index::compare(&current, &wanted) != index::Comparison::Current {
        findings.push(Finding::error(
            INDEX,
            index::INDEX_FILE,
            Pos::START,
            "",
            "roll.index is not the index of the roll it comes with",
            "regenerate it with `rollcall index`; never edit it by hand",
        ));
    }
    Ok(())
}

/// A pull request that changes the split index (`index/`) must ship
/// exactly the index its own roll generates, or none at all.
fn check_split_index(repo: &Repository, head: &Tree, findings: &mut Vec<Finding>) -> Result<(), SourceError> {
    if head.get_name(sharded::INDEX_DIR).is_none() {
        return Ok(());
    }
    let wanted = sharded::build(&Source::at(repo, head.id()))?;
    if let Some(path) = sharded::first_difference(repo, head, &wanted)? {
        findings.push(Finding::error(
            INDEX,
            &path,
            Pos::START,
            "",
            format!("{path} is not the index of the roll it comes with"),
            "regenerate the index with `rollcall index`; never edit it by hand",
        ));
    }
    Ok(())
}

/// Whether `author` is the account a member file names (by numeric id; the
/// login must be the author's current one).
fn check_author(path: &str, member: &Member, owner: Option<&Account>, author: &Author, findings: &mut Vec<Finding>) {
    let pointer = member.account_pointer();
    let whose = if member.kind == Some(Kind::Organization) { "its representative" } else { "that account" };
    match owner {
        Some(owner) if owner.id == author.id => {}
        Some(owner) => findings.push(Finding::error(
            AUTHOR,
            path,
            member.pos(pointer),
            pointer,
            format!(
                "this member file belongs to GitHub account {} ({}); the pull request was opened by {} ({})",
                owner.id,
                quoted(&owner.login),
                author.id,
                quoted(&author.login)
            ),
            format!("only {whose} may add or change this file"),
        )),
        None => findings.push(Finding::error(
            AUTHOR,
            path,
            member.pos(""),
            pointer,
            "the member file names no GitHub account",
            "name your GitHub login and numeric account id",
        )),
    }
}

fn classify_new(path: &str, member: &Member, value: &Value, author: &Author, findings: &mut Vec<Finding>) -> PrKind {
    check_author(path, member, member.account.as_ref(), author, findings);
    if let Some(account) = &member.account
        && account.id == author.id
        && !account.login.eq_ignore_ascii_case(&author.login)
    {
        let pointer = member.account_pointer().replace("github_id", "github");
        findings.push(Finding::error(
            AUTHOR,
            path,
            member.pos(member.account_pointer()),
            &pointer,
            format!(
                "the file names login {} but the account's login is {}",
                quoted(&account.login),
                quoted(&author.login)
            ),
            "write your current GitHub login",
        ));
    }
    if member.status.is_some_and(|s| s != Status::Applicant) {
        findings.push(Finding::error(
            MERGER_FIELD,
            path,
            member.pos("/status"),
            "/status",
            "an application has `status: applicant`",
            "set `status: applicant`; the merger records the admission",
        ));
    }
    PrKind::Application {
        file: path.to_owned(),
        id: member.id.clone().unwrap_or_default(),
        tier: value.get("tier").and_then(Value::as_str).unwrap_or_default().to_owned(),
    }
}

/// An edit of an existing member file: by its owner, of fields a member
/// may change; a tier change and a resignation are requests of their own.
fn classify_edit(
    path: &str,
    (old, old_value): (&Member, &Value),
    (new, value): (&Member, &Value),
    author: &Author,
    ctx: &Context,
    findings: &mut Vec<Finding>,
) -> PrKind {
    check_author(path, old, old.account.as_ref(), author, findings);
    let empty = serde_json::Map::new();
    let (before, after) = (old_value.as_object().unwrap_or(&empty), value.as_object().unwrap_or(&empty));
    let mut changed: Vec<&str> = before.keys().chain(after.keys()).map(String::as_str).collect();
    changed.sort_unstable();
    changed.dedup();
    changed.retain(|k| before.get(*k) != after.get(*k));
    let at = |field: &str| new.pos(&format!("/{field}"));
    let merger_fields = &ctx.config.policy.policy.merger_fields;
    for field in &changed {
        let pointer = format!("/{}", finding::pointer_segment(field));
        if IDENTITY_FIELDS.contains(field) || (*field == "github" && new.kind != Some(Kind::Person)) {
            findings.push(Finding::error(
                IDENTITY_CHANGE,
                path,
                at(field),
                &pointer,
                format!("`{field}` identifies the member and cannot change"),
                "keep the value the ledger has; memberships are not transferable",
            ));
        } else if merger_fields.iter().any(|m| m == field) {
            findings.push(Finding::error(
                MERGER_FIELD,
                path,
                at(field),
                &pointer,
                format!("`{field}` is written by the merger, not by a pull request"),
                "restore the value the ledger has",
            ));
        }
    }
    // A representative's account is the organization's identity too: handing
    // the membership to another account goes through the maintainers.
    if new.kind == Some(Kind::Organization)
        && let (Some(before), Some(after)) = (&old.account, &new.account)
    {
        if before.id != after.id {
            findings.push(Finding::error(
                IDENTITY_CHANGE,
                path,
                new.pos("/representative/github_id"),
                "/representative/github_id",
                "the representative's account cannot be changed by a pull request",
                "ask the maintainers to record a new representative",
            ));
        } else if before.login != after.login && !after.login.eq_ignore_ascii_case(&author.login) {
            findings.push(Finding::error(
                AUTHOR,
                path,
                new.pos("/representative/github_id"),
                "/representative/github",
                format!("a renamed login must be the account's current one, {}", quoted(&author.login)),
                "write your current GitHub login",
            ));
        }
    }
    if changed.contains(&"github")
        && let Some(account) = &new.account
        && !account.login.eq_ignore_ascii_case(&author.login)
    {
        findings.push(Finding::error(
            AUTHOR,
            path,
            at("github"),
            "/github",
            format!("a renamed login must be the account's current one, {}", quoted(&author.login)),
            "write your current GitHub login",
        ));
    }
    let id = new.id.clone().unwrap_or_default();
    if changed.contains(&"status") {
        if old.status == Some(Status::Active) && new.status == Some(Status::Resigned) && changed == ["status"] {
            return PrKind::Resignation { file: path.to_owned(), id };
        }
        findings.push(Finding::error(
            STATUS_CHANGE,
            path,
            at("status"),
            "/status",
            "the status is written by the merger",
            "to resign, change only `status: active` to `status: resigned`; every other status is recorded by the merger",
        ));
    }
    if changed.contains(&"tier") {
        return PrKind::TierChange {
            file: path.to_owned(),
            id,
            from: old.tier.clone().unwrap_or_default(),
            to: new.tier.clone().unwrap_or_default(),
        };
    }
    PrKind::Update { file: path.to_owned(), id, fields: changed.iter().map(|f| f.to_string()).collect() }
}
