//! Mirror memberships checked against the foundation's mirror list
//! (`mirrors:` in `schema/policy.yaml`): the definition for the mirror's
//! hostname is in a local checkout of the list, the member's link points at
//! it in the list's repository, and the definition is sound (its `name` is
//! the hostname, it has an https address, its country is the member's).
//!
//! The checkout is not the ledger's: its files are hostile input. A
//! definition is read only if every component of its path is a real
//! directory or, last, a regular file of at most 64 KiB inside the checkout
//! (no symbolic link is followed), with the loader's free layout (comments
//! and any style of the list's own) but still no anchors, aliases, tags or
//! duplicate keys.

use crate::finding::{Finding, Pos, Severity, quoted};
use crate::roll::member::{Member, Status};
use crate::roll::policy::{LoadedPolicy, MirrorList, POLICY_FILE, Policy, TierClass};
use crate::roll::rules::names::mirror::*;
use crate::roll::source::{Source, SourceError};
use crate::roll::yaml::{self, Layout, Limits, MEMBER_LIMITS, Spans};
use serde_json::Value;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The largest definition file read.
pub const MAX_DEFINITION_BYTES: u64 = 64 * 1024;
const DEFINITION_LIMITS: Limits = Limits { max_bytes: MAX_DEFINITION_BYTES, max_depth: 16 };

/// How old a mirror's `TIME` file may be (`mirrors check --reachability`).
pub const MAX_AGE_SECONDS: i64 = 24 * 60 * 60;

/// Whether, and against what, a command checks mirror memberships.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum MirrorCheck {
    /// Not this command's business (`verify`, `apply`, the replay).
    #[default]
    Off,
    /// The command checks mirrors, but no checkout was given: one notice.
    Missing,
    /// A local checkout of the mirror list's branch.
    Checkout(PathBuf),
}

impl MirrorCheck {
    /// `--mirrors DIR` (or `ROLLCALL_MIRRORS`) of a command that checks mirrors.
    pub fn given(dir: Option<PathBuf>) -> MirrorCheck {
        dir.map_or(MirrorCheck::Missing, MirrorCheck::Checkout)
    }
}

/// Whether `value` (a member file) holds a membership of a mirror tier.
pub fn is_mirror(policy: &Policy, value: &Value) -> bool {
    value.get("tier").and_then(Value::as_str).and_then(|t| policy.tier(t)).is_some_and(|t| t.class == TierClass::Mirror)
}

/// The one notice of a command that checks mirrors without a checkout.
fn unchecked(file: &str, pos: Pos, path: &str, what: &str) -> Finding {
    Finding::new(
        UNCHECKED,
        Severity::Warning,
        file,
        pos,
        path,
        format!("{what} not checked against the mirror list: no checkout of it was given"),
        "clone the repository `mirrors:` names in schema/policy.yaml and pass --mirrors DIR (or set ROLLCALL_MIRRORS)",
    )
}

/// The mirror checks of one member file (for `check-pr`, `merge` and the
/// lifecycle events): nothing if the command does not check mirrors, the
/// policy names no list or the member is not a mirror; one notice if
/// there is no checkout.
pub fn check_document(policy: &Policy, check: &MirrorCheck, file: &str, value: &Value, spans: &Spans) -> Vec<Finding> {
    let Some(list) = &policy.mirrors else { return Vec::new() };
    if !is_mirror(policy, value) {
        return Vec::new();
    }
    match check {
        MirrorCheck::Off => Vec::new(),
        MirrorCheck::Missing => {
            vec![unchecked(file, spans.locate("/mirror"), "/mirror", "this mirror membership was")]
        }
        MirrorCheck::Checkout(dir) => check_member(list, dir, file, value, spans),
    }
}

/// The applicant and active mirror members of the roll.
fn mirror_members<'a>(policy: &Policy, members: &'a [Member]) -> Vec<&'a Member> {
    members
        .iter()
        .filter(|m| matches!(m.status, Some(Status::Applicant | Status::Active)))
        .filter(|m| m.tier.as_deref().and_then(|t| policy.tier(t)).is_some_and(|t| t.class == TierClass::Mirror))
        .collect()
}

/// Each member's file, read again for its values and positions. A file
/// the loader refuses is skipped: `validate` reports it.
fn documents(source: &Source, members: &[&Member]) -> Result<Vec<(String, Value, Spans)>, SourceError> {
    let reader = source.reader()?;
    let mut documents = Vec::new();
    for member in members {
        let Some(entry) = source.entry(&member.file)? else { continue };
        let Ok(bytes) = reader.read(&entry, MEMBER_LIMITS.max_bytes) else { continue };
        let doc = yaml::load(&member.file, &bytes, MEMBER_LIMITS, Layout::Canonical);
        if let Some(value) = doc.value {
            documents.push((member.file.clone(), value, doc.spans));
        }
    }
    Ok(documents)
}

/// The mirror checks of the roll (`validate`): every applicant and active
/// mirror member. Without a checkout, one notice at the policy's
/// `mirrors`, however many mirror members there are.
pub fn check_roll(
    source: &Source,
    policy: &LoadedPolicy,
    members: &[Member],
    check: &MirrorCheck,
) -> Result<Vec<Finding>, SourceError> {
    let Some(list) = &policy.policy.mirrors else { return Ok(Vec::new()) };
    let mirrors = mirror_members(&policy.policy, members);
    if mirrors.is_empty() {
        return Ok(Vec::new());
    }
    let dir = match check {
        MirrorCheck::Off => return Ok(Vec::new()),
        MirrorCheck::Missing => {
            let what = format!("{} mirror membership(s) were", mirrors.len());
            return Ok(vec![unchecked(POLICY_FILE, policy.pos("/mirrors"), "/mirrors", &what)]);
        }
        MirrorCheck::Checkout(dir) => dir,
    };
    let mut findings = Vec::new();
    for (file, value, spans) in documents(source, &mirrors)? {
        findings.extend(check_member(list, dir, &file, &value, &spans));
    }
    Ok(findings)
}

/// `rollcall mirrors check`: every applicant and active mirror member whose
/// definition has gone from the list or is unsound, and, with a `probe`,
/// whose `TIME` file is stale or cannot be fetched. Only `mirror.*`
/// findings (and a policy that cannot be read); `validate` reports the rest.
pub fn review(
    source: &Source,
    dir: &Path,
    probe: Option<&dyn Probe>,
    now: jiff::Timestamp,
) -> Result<Vec<Finding>, crate::roll::validate::Error> {
    use crate::roll::config::{self, ConfigError};
    let config = match config::load(source) {
        Ok(config) => config,
        Err(ConfigError::Invalid(findings)) => return Ok(findings),
        Err(ConfigError::Source(e)) => return Err(e.into()),
    };
    let policy = &config.policy.policy;
    let Some(list) = &policy.mirrors else {
        return Err(SourceError::NotALedger(
            "the policy names no mirror list (`mirrors:` in schema/policy.yaml): nothing to check against".to_owned(),
        )
        .into());
    };
    let options = crate::roll::validate::Options {
        as_of: crate::util::today(),
        skip: Default::default(),
        mirrors: MirrorCheck::Off,
    };
    let validated = crate::roll::validate::validate_with(source, &config, &options)?;
    let mut findings = Vec::new();
    for (file, value, spans) in documents(source, &mirror_members(policy, &validated.members))? {
        findings.extend(check_member(list, dir, &file, &value, &spans));
        if let Some(probe) = probe {
            findings.extend(freshness(list, dir, &file, &value, &spans, probe, now));
        }
    }
    crate::finding::sort_and_dedup(&mut findings);
    Ok(findings)
}

/// A host name safe to put in a path: DNS labels of letters, digits and
/// inner hyphens, joined by single dots.
pub fn is_safe_hostname(hostname: &str) -> bool {
    hostname.len() <= 253
        && !hostname.is_empty()
        && hostname.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// The checks of one mirror member against the checkout at `dir`.
pub fn check_member(list: &MirrorList, dir: &Path, file: &str, value: &Value, spans: &Spans) -> Vec<Finding> {
    // A missing or malformed hostname is the member schema's finding.
    let Some(hostname) = value.pointer("/mirror/hostname").and_then(Value::as_str) else { return Vec::new() };
    let at = |pointer: &str| spans.locate(pointer);
    let error = |rule: &'static str, pointer: &str, message: String, help: String| {
        Finding::error(rule, file, at(pointer), pointer, message, help)
    };
    if !is_safe_hostname(hostname) {
        return vec![error(
            DEFINITION,
            "/mirror/hostname",
            format!("{} cannot name a definition in the mirror list", quoted(hostname)),
            "give the mirror's host name: letters, digits, hyphens and dots, e.g. mirror.example.org".to_owned(),
        )];
    }
    let rel = list.path.replace("{hostname}", hostname);
    let mut findings = Vec::new();
    if let Some(link) = value.pointer("/mirror/definition").and_then(Value::as_str)
        && !link_points_at(list, &rel, link)
    {
        findings.push(error(
            LINK,
            "/mirror/definition",
            format!("the link {} is not the definition {rel} in {}", quoted(link), list.repository),
            format!(
                "link the definition file ({}/blob/{}/{rel}), or the commit or pull request of {} that added it",
                list.repository.trim_end_matches('/'),
                list.branch,
                list.repository
            ),
        ));
    }
    let bytes = match read_definition(dir, &rel) {
        Ok(bytes) => bytes,
        Err(Unread::Missing) => {
            findings.push(error(
                DEFINITION,
                "/mirror/hostname",
                format!(
                    "the mirror list has no definition for {}: {rel} is not on its {} branch (never accepted, or removed from the list)",
                    quoted(hostname),
                    list.branch
                ),
                format!(
                    "the mirror's definition must be accepted into {} first; a mirror removed from the list cannot be admitted or renew",
                    list.repository
                ),
            ));
            return findings;
        }
        Err(Unread::Refused(why)) => {
            findings.push(error(
                DEFINITION_REFUSED,
                "/mirror/hostname",
                format!("the definition {rel} for {} was refused: {why}", quoted(hostname)),
                "the mirror list's maintainers must make it a plain YAML file of at most 64 KiB".to_owned(),
            ));
            return findings;
        }
    };
    let doc = yaml::load(&rel, &bytes, DEFINITION_LIMITS, Layout::Free);
    let loaded = match (doc.value, doc.findings.iter().find(|f| f.is_error())) {
        (Some(value), None) => value,
        (_, first) => {
            let why = first.map_or_else(
                || "it holds no document".to_owned(),
                |f| format!("{}:{}:{}: {} [{}]", f.file, f.line, f.column, f.message, f.rule),
            );
            findings.push(error(
                DEFINITION_REFUSED,
                "/mirror/hostname",
                format!("the definition {rel} for {} was refused: {why}", quoted(hostname)),
                "the mirror list's maintainers must make it plain YAML: no anchors, aliases, tags or duplicate keys"
                    .to_owned(),
            ));
            return findings;
        }
    };
    let name = loaded.get("name").and_then(Value::as_str);
    if !name.is_some_and(|n| n.trim_end_matches('.').eq_ignore_ascii_case(hostname)) {
        findings.push(error(
            DEFINITION_NAME,
            "/mirror/hostname",
            match name {
                Some(name) => format!("the definition {rel} names the host {}, not {}", quoted(name), quoted(hostname)),
                None => format!("the definition {rel} has no `name`"),
            },
            "the definition's `name` must be the mirror's hostname: correct the hostname here or the definition"
                .to_owned(),
        ));
    }
    let https = loaded.pointer("/address/https").and_then(Value::as_str);
    if !https.is_some_and(is_https_address) {
        findings.push(error(
            DEFINITION_HTTPS,
            "/mirror/hostname",
            match https {
                Some(address) => format!("the definition {rel} gives {} as its https address", quoted(address)),
                None => format!("the definition {rel} gives no https address (`address: {{https: …}}`)"),
            },
            "a mirror serves its content over https: its definition needs `address.https: https://HOST/PATH`"
                .to_owned(),
        ));
    }
    let theirs = loaded.pointer("/geolocation/country").and_then(Value::as_str);
    let ours = value.get("country").and_then(Value::as_str);
    if let Some(ours) = ours
        && !theirs.is_some_and(|c| c.eq_ignore_ascii_case(ours))
    {
        findings.push(Finding::new(
            COUNTRY,
            Severity::Warning,
            file,
            at("/country"),
            "/country",
            match theirs {
                Some(theirs) => {
                    format!("the definition {rel} places the mirror in {}, the member is in {ours}", quoted(theirs))
                }
                None => format!("the definition {rel} names no country (`geolocation.country`)"),
            },
            "the committee checks where the mirror is; correct `country` here or the definition if either is wrong",
        ));
    }
    findings
}

/// Whether `address` is an `https://HOST…` address.
fn is_https_address(address: &str) -> bool {
    address.strip_prefix("https://").is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !rest.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

/// Whether `link` points at the definition `rel` in the list's repository:
/// the file itself (`REPO/blob/REF/REL` or `REPO/tree/REF/REL`, where REF
/// is the list's branch or a commit id), or a commit (`REPO/commit/SHA`) or
/// pull request (`REPO/pull/N`, optionally `/files` or `/commits`) of the
/// repository, the change that added it. Owner and repository compare
/// without regard to case, as GitHub's addresses do.
pub fn link_points_at(list: &MirrorList, rel: &str, link: &str) -> bool {
    let repository = list.repository.trim_end_matches('/');
    let repository = repository.strip_suffix(".git").unwrap_or(repository);
    let link = link.split(['?', '#']).next().unwrap_or_default();
    let Some(prefix) = link.get(..repository.len()) else { return false };
    if !prefix.eq_ignore_ascii_case(repository) {
        return false;
    }
    let Some(rest) = link[repository.len()..].strip_prefix('/') else { return false };
    let rest = rest.trim_end_matches('/');
    for kind in ["blob/", "tree/"] {
        let Some(after) = rest.strip_prefix(kind) else { continue };
        if after.strip_prefix(list.branch.as_str()).and_then(|p| p.strip_prefix('/')) == Some(rel) {
            return true;
        }
        return after.split_once('/').is_some_and(|(git_ref, path)| is_commit_id(git_ref) && path == rel);
    }
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        ["commit", sha] => is_commit_id(sha),
        ["pull", number] | ["pull", number, "files" | "commits"] => {
            !number.is_empty() && number.len() <= 10 && number.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

fn is_commit_id(text: &str) -> bool {
    (7..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Why a definition was not read.
enum Unread {
    Missing,
    Refused(String),
}

/// Reads `rel` under `dir` without following any symbolic link and without
/// leaving `dir`: every component must be a plain name, every directory on
/// the way a real directory, the file a regular file within the size cap.
fn read_definition(dir: &Path, rel: &str) -> Result<Vec<u8>, Unread> {
    let relative = Path::new(rel);
    if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(Unread::Refused(format!("{} leaves the checkout", quoted(rel))));
    }
    let mut path = dir.to_path_buf();
    let count = relative.components().count();
    for (i, component) in relative.components().enumerate() {
        path.push(component);
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Unread::Missing),
            Err(e) => return Err(Unread::Refused(format!("cannot read it: {e}"))),
        };
        let what = if i + 1 == count { "it" } else { "a directory on its path" };
        if meta.file_type().is_symlink() {
            return Err(Unread::Refused(format!("{what} is a symbolic link, which is never followed")));
        }
        if i + 1 < count && !meta.is_dir() {
            return Err(Unread::Missing);
        }
        if i + 1 == count {
            if !meta.is_file() {
                return Err(Unread::Refused("it is not a regular file".to_owned()));
            }
            if meta.len() > MAX_DEFINITION_BYTES {
                return Err(Unread::Refused(format!(
                    "it is {} bytes, over the cap of {MAX_DEFINITION_BYTES}",
                    meta.len()
                )));
            }
        }
    }
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(&path)
        .map_err(|e| Unread::Refused(format!("cannot open it: {e}")))?;
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err(Unread::Refused("it is not a regular file".to_owned()));
    }
    let mut bytes = Vec::new();
    file.take(MAX_DEFINITION_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Unread::Refused(format!("cannot read it: {e}")))?;
    if bytes.len() as u64 > MAX_DEFINITION_BYTES {
        return Err(Unread::Refused(format!("it is over the cap of {MAX_DEFINITION_BYTES} bytes")));
    }
    Ok(bytes)
}

/// What a mirror's web server answered for its `TIME` file: the body, or
/// why there was none. `mirrors check --reachability` gives a real client;
/// tests give a fake.
pub trait Probe {
    fn get(&self, url: &str) -> Result<String, String>;
}

/// The `TIME` file of a mirror member's https address fetched through
/// `probe` and judged against `now`: a network error is a warning
/// (`mirror.unreachable`), a timestamp older than 24 hours an error
/// (`mirror.stale`). The `TIME` file holds seconds since the epoch, or an
/// RFC 3339 timestamp.
pub fn freshness(
    list: &MirrorList,
    dir: &Path,
    file: &str,
    value: &Value,
    spans: &Spans,
    probe: &dyn Probe,
    now: jiff::Timestamp,
) -> Option<Finding> {
    let hostname = value.pointer("/mirror/hostname").and_then(Value::as_str).filter(|h| is_safe_hostname(h))?;
    let rel = list.path.replace("{hostname}", hostname);
    let loaded = yaml::load(&rel, &read_definition(dir, &rel).ok()?, DEFINITION_LIMITS, Layout::Free);
    let address = loaded.value?.pointer("/address/https").and_then(Value::as_str).map(str::to_owned)?;
    if !is_https_address(&address) {
        return None;
    }
    let url = format!("{}/TIME", address.trim_end_matches('/'));
    let pos = spans.locate("/mirror/hostname");
    let warn = |message: String| {
        Finding::new(
            UNREACHABLE,
            Severity::Warning,
            file,
            pos,
            "/mirror/hostname",
            message,
            "check that the mirror is up and serves TIME; a network error here is never a refusal",
        )
    };
    let body = match probe.get(&url) {
        Ok(body) => body,
        Err(why) => return Some(warn(format!("{} could not be fetched: {why}", quoted(&url)))),
    };
    let text = body.trim();
    let stamp = match text.parse::<i64>() {
        Ok(seconds) => jiff::Timestamp::from_second(seconds).ok(),
        Err(_) => text.parse::<jiff::Timestamp>().ok(),
    };
    let Some(stamp) = stamp else {
        return Some(warn(format!("{} holds no timestamp: {}", quoted(&url), quoted(text))));
    };
    let age = now.as_second() - stamp.as_second();
    (age > MAX_AGE_SECONDS).then(|| {
        Finding::error(
            STALE,
            file,
            pos,
            "/mirror/hostname",
            format!("{} says the mirror last synced at {stamp}, {} hours before {now}", quoted(&url), age / 3600),
            "the mirror must sync at least daily; the committee reviews a mirror that has stopped syncing",
        )
    })
}
