//! `rollcall validate`: every member file against the schema, the tier
//! rules and the cross-file rules, in parallel, with every finding located.

use crate::finding::{self, Finding};
use crate::roll::config::{self, Config, ConfigError};
use crate::roll::member::Member;
use crate::roll::mirrors::{self, MirrorCheck};
use crate::roll::rules::{Check, Context, MemberFile, RULES, Sink};
use crate::roll::source::{PathEntry, ReadError, Reader, Source, SourceError, Stamp};
use crate::roll::validate_cache::{self, Cache, Checked, Judged};
use crate::roll::yaml::{self, MEMBER_LIMITS};
use git2::{ObjectType, Oid};
use jiff::civil::Date;
use std::collections::BTreeSet;
use std::ops::Range;
use std::path::Path;

pub struct Options {
    /// "Today" for expiry warnings.
    pub as_of: Date,
    /// Rule names not to run or report.
    pub skip: BTreeSet<String>,
    /// Whether mirror members are checked against the mirror list, and where its checkout is.
    pub mirrors: MirrorCheck,
}

/// The roll as validated: every finding, and the members that were read.
pub struct Validated {
    pub findings: Vec<Finding>,
    pub members: Vec<Member>,
}

/// Why validation could not run (exit 2).
#[derive(Debug)]
pub enum Error {
    Source(SourceError),
    UnknownRule(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Source(e) => e.fmt(f),
            Error::UnknownRule(name) => write!(f, "--skip {name}: no such rule (`rollcall rules` lists them)"),
        }
    }
}

impl From<SourceError> for Error {
    fn from(e: SourceError) -> Error {
        Error::Source(e)
    }
}

/// Validates the ledger in `source`. An error means the command could not
/// run (exit 2); a broken policy or schema is findings like any other.
/// With `cache` (a file in the repository's git directory), the per-file
/// results of the last run are reused for the files that did not change
/// ([`validate_cache`](crate::roll::validate_cache)).
pub fn validate(source: &Source, options: &Options, cache: Option<&Path>) -> Result<Validated, Error> {
    let config = match config::load(source) {
        Ok(config) => config,
        Err(ConfigError::Source(e)) => return Err(e.into()),
        Err(ConfigError::Invalid(findings)) => return Ok(finish(findings, Vec::new(), options)),
    };
    crate::roll::rules::check_skip(&options.skip, Some(&config)).map_err(Error::UnknownRule)?;
    let mut validated = judge(source, &config, options, cache)?;
    let mut found = mirrors::check_roll(source, &config.policy, &validated.members, &options.mirrors)?;
    if !found.is_empty() {
        found.append(&mut validated.findings);
        validated = finish(found, validated.members, options);
    }
    Ok(validated)
}

/// Validates the roll in `source` under `config` (which may come from
/// another revision: a pull request is judged by its base's rules).
pub(crate) fn validate_with(source: &Source, config: &Config, options: &Options) -> Result<Validated, SourceError> {
    judge(source, config, options, None)
}

fn judge(source: &Source, config: &Config, options: &Options, cache: Option<&Path>) -> Result<Validated, SourceError> {
    let ctx = Context { config, as_of: options.as_of };
    // The cache is read while the work tree is listed: one waits on the
    // disk's metadata, the other decodes.
    let (entries, cache) = std::thread::scope(|scope| {
        let opening = cache.map(|path| scope.spawn(move || Cache::open(path, config, options.as_of, &options.skip)));
        let entries = source.member_entries();
        let cache = opening.and_then(|o| o.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        (entries, cache)
    });
    let entries = entries?;
    let mut findings = Vec::new();
    for rule in RULES.iter().filter(|r| !options.skip.contains(r.name)) {
        if let Check::Entry(check) = rule.check {
            let mut sink = Sink::new(rule, &mut findings);
            entries.iter().for_each(|entry| check(entry, &mut sink));
        }
    }
    let files: Vec<&PathEntry> = entries.iter().filter(|e| e.is_member_file()).collect();
    let (members, file_findings) = check_files(source, &files, &ctx, options, cache)?;
    findings.extend(file_findings);
    for rule in RULES.iter().filter(|r| !options.skip.contains(r.name)) {
        if let Check::Roll(check) = rule.check {
            check(&members, &ctx, &mut Sink::new(rule, &mut findings));
        }
    }
    Ok(finish(findings, members, options))
}

fn finish(mut findings: Vec<Finding>, members: Vec<Member>, options: &Options) -> Validated {
    findings.retain(|f| !options.skip.contains(f.rule.as_ref()));
    finding::sort_and_dedup(&mut findings);
    Validated { findings, members }
}

/// How many files a worker takes at a time: enough that a run's
/// bookkeeping is nothing beside reading its files, few enough that both
/// cores stay busy to the end.
const RUN: usize = 64;

/// Reads and checks the member files on every core, reusing the cached
/// result of each file that did not change, and remembering this run's.
fn check_files(
    source: &Source,
    files: &[&PathEntry],
    ctx: &Context,
    options: &Options,
    cache: Option<Cache>,
) -> Result<(Vec<Member>, Vec<Finding>), SourceError> {
    // Files are taken in runs, so that each worker keeps its results in
    // runs and they are put back in file order with one move each.
    let runs: Vec<Range<usize>> =
        (0..files.len()).step_by(RUN).map(|start| start..(start + RUN).min(files.len())).collect();
    let parts = crate::util::parallel::for_each(
        &runs,
        || Ok::<_, SourceError>((source.reader()?, Vec::new())),
        |(reader, done), run| {
            let checked: Result<Vec<Checked>, _> =
                run.clone().map(|at| check_file(files[at], at, reader, ctx, options, cache.as_ref())).collect();
            let part = if cache.is_some() { Part::Checked(checked?) } else { Part::unpacked(checked?) };
            done.push((run.start, part));
            Ok(())
        },
    )?;
    // Back in file order, whichever thread read which run: the roll rules
    // report in that order, and the cache keeps it.
    let mut done: Vec<(usize, Part)> = parts.into_iter().flat_map(|(_, done)| done).collect();
    done.sort_unstable_by_key(|(start, _)| *start);
    let Some(cache) = cache else {
        let (mut members, mut findings) = (Vec::with_capacity(files.len()), Vec::new());
        for (_, part) in done {
            if let Part::Judged(mut judged, mut found) = part {
                members.append(&mut judged);
                findings.append(&mut found);
            }
        }
        return Ok((members, findings));
    };
    let mut checked = Vec::with_capacity(files.len());
    for (_, part) in done {
        if let Part::Checked(run) = part {
            checked.extend(run);
        }
    }
    Ok(validate_cache::gather(cache, files, checked))
}

/// What one run of files gave: their results as the cache keeps them, or,
/// with no cache to keep them for, their summaries and findings, unpacked
/// on the worker's own core rather than one by one after the workers end.
enum Part {
    Checked(Vec<Checked>),
    Judged(Vec<Member>, Vec<Finding>),
}

impl Part {
    fn unpacked(checked: Vec<Checked>) -> Part {
        let (mut members, mut findings) = (Vec::with_capacity(checked.len()), Vec::new());
        for checked in checked {
            if let Checked::Judged(judged) = checked {
                let judged = *judged;
                members.extend(judged.member);
                findings.extend(judged.findings);
            }
        }
        Part::Judged(members, findings)
    }
}

/// Loads one member file and runs the per-file rules on it, or takes the
/// cached result of the same bytes. An unreadable file stops the run
/// (exit 2): a roll that cannot be read whole cannot be judged.
fn check_file(
    entry: &PathEntry,
    position: usize,
    reader: &Reader,
    ctx: &Context,
    options: &Options,
    cache: Option<&Cache>,
) -> Result<Checked, SourceError> {
    if let Some(at) = cache.and_then(|c| c.recall(entry, position)) {
        return Ok(Checked::Known { at });
    }
    let bytes = match reader.read(entry, MEMBER_LIMITS.max_bytes) {
        Ok(bytes) => bytes,
        Err(ReadError::TooLarge(size)) => {
            let too_large = yaml::too_large(&entry.path, size, MEMBER_LIMITS);
            return Ok(Checked::Judged(Box::new(Judged {
                stamp: None,
                blob: None,
                member: None,
                findings: vec![too_large],
            })));
        }
        Err(ReadError::Missing) => {
            return Err(SourceError::Io(format!("{} changed while it was being read", entry.path)));
        }
        Err(ReadError::Io(e)) => return Err(SourceError::Io(format!("cannot read {}: {e}", entry.path))),
    };
    let Some(cache) = cache else {
        return Ok(Checked::Judged(Box::new(judge_file(entry, &bytes, None, None, ctx, options))));
    };
    let blob = match entry.blob() {
        Some(blob) => blob,
        None => Oid::hash_object(ObjectType::Blob, &bytes)?,
    };
    let stamp = cache.vouching(entry.stamp());
    if let Some(at) = cache.recall_blob(&entry.path, position, blob) {
        return Ok(Checked::Recognized { at, stamp: stamp.map(Box::new) });
    }
    Ok(Checked::Judged(Box::new(judge_file(entry, &bytes, stamp, Some(blob), ctx, options))))
}

/// Runs the per-file rules on `bytes`, the content of `entry`.
fn judge_file(
    entry: &PathEntry,
    bytes: &[u8],
    stamp: Option<Stamp>,
    blob: Option<Oid>,
    ctx: &Context,
    options: &Options,
) -> Judged {
    let mut findings = Vec::new();
    let member = check_document(&entry.path, bytes, ctx, options, &mut findings).map(|(member, _)| member);
    Judged { stamp, blob, member, findings }
}

/// Loader findings that refuse one value but read on.
const REFUSED_VALUE: [&str; 4] =
    [yaml::AMBIGUOUS_SCALAR, yaml::DUPLICATE_KEY, yaml::INVISIBLE_CHARACTER, yaml::CONTROL_CHARACTER];

/// Loads the member file `path` from `bytes` and runs the per-file rules on
/// it; returns its summary and value if it could be read.
pub(crate) fn check_document(
    path: &str,
    bytes: &[u8],
    ctx: &Context,
    options: &Options,
    out: &mut Vec<Finding>,
) -> Option<(Member, serde_json::Value)> {
    let doc = yaml::load(path, bytes, MEMBER_LIMITS, yaml::Layout::Canonical);
    let Some(value) = doc.value else {
        out.extend(doc.findings);
        return None;
    };
    // A value the loader already refused (an unquoted `0123`, a repeated
    // key, a hidden character) is one cause: what the schema and the rules
    // would say about it again is dropped, and rules may ask.
    let refused: Vec<&str> = doc
        .findings
        .iter()
        .filter(|f| !f.path.is_empty() && REFUSED_VALUE.contains(&f.rule.as_ref()))
        .map(|f| f.path.as_str())
        .collect();
    let mut findings = ctx.config.schema.check(path, &value, &doc.spans);
    // Rules comparing values also leave alone the ones the schema refused.
    let judged: Vec<&str> = refused.iter().copied().chain(findings.iter().map(|f| f.path.as_str())).collect();
    let member = Member::from_document(path, &value, &doc.spans);
    let file = MemberFile { path, value: &value, spans: &doc.spans, member: &member, refused: &judged };
    let mut rule_findings = Vec::new();
    for rule in RULES.iter().filter(|r| !options.skip.contains(r.name)) {
        if let Check::Member(check) = rule.check {
            check(&file, ctx, &mut Sink::new(rule, &mut rule_findings));
        }
    }
    findings.extend(rule_findings);
    findings.retain(|f| !refused.iter().any(|p| f.path == *p || f.path.starts_with(&format!("{p}/"))));
    out.extend(doc.findings);
    out.extend(findings);
    Some((member, value))
}
