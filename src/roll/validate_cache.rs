//! `validate`'s cache: what the per-file rules found in each member file
//! last time, keyed by the file's path and blob id under one set of rules,
//! so that a second run reads and parses only the files that changed.
//!
//! A file on disk is known unchanged as git knows it: by its metadata
//! (size, times, inode) matching what was recorded when its blob id was
//! last computed, except when it was written in the second the recording
//! run began, which its time cannot tell apart. Anything else is read and
//! hashed, and a result is reused only for the same blob id.
//!
//! The cache lives in the repository's git directory, where a pull request
//! cannot write, and only `validate` reads it: `verify`, `check-pr` and
//! `merge` always judge every file themselves. A result is tied to the
//! binary, the policy and schema bytes, the date and the skipped rules; a
//! file that does not match all of them is ignored whole.

use crate::finding::{Finding, Severity};
use crate::roll::config::Config;
use crate::roll::member::Member;
use crate::roll::source::{PathEntry, Source, Stamp};
use git2::Oid;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The file's name in the git directory.
pub const CACHE_FILE: &str = "rollcall-validate-cache";
const FORMAT: &str = "rollcall validate cache v1";
/// About 210 bytes a member file; a larger file is not this cache.
const MAX_CACHE_BYTES: u64 = 256 * 1024 * 1024;
/// The most elements a vector is allocated for before reading them: more
/// than the largest roll known (about 110,000), and a bound on what a
/// damaged length can make rollcall allocate.
const PREALLOCATED: usize = 250_000;

/// What the per-file rules made of one member file, this run.
pub(crate) enum Checked {
    /// The cache's result at `at`, recalled without reading the file.
    Known {
        at: usize,
    },
    /// The cache's result at `at`, for the same bytes, read and hashed
    /// because the file's metadata changed (`stamp`: what it is now, if it
    /// can vouch for them next time).
    Recognized {
        at: usize,
        /// Boxed: a touched file is rare, and every file's result is kept
        /// until the run ends.
        stamp: Option<Box<Stamp>>,
    },
    Judged(Box<Judged>),
}

/// A member file read and judged this run.
pub(crate) struct Judged {
    /// The file's metadata, if it can vouch for the content next time.
    pub stamp: Option<Stamp>,
    /// Computed only for a cache; `None` too for a file not read whole.
    pub blob: Option<Oid>,
    pub member: Option<Member>,
    pub findings: Vec<Finding>,
}

/// One file's result as kept: where its member summary is in the kept
/// members, and its findings without the path (which it names once).
#[derive(Serialize, Deserialize)]
struct Kept {
    path: String,
    stamp: Option<Stamp>,
    blob: [u8; 20],
    member: Option<u32>,
    findings: Vec<Found>,
}

#[derive(Serialize, Deserialize)]
struct Found {
    rule: String,
    severity: Severity,
    line: u32,
    column: u32,
    path: String,
    message: String,
    help: String,
}

impl Found {
    fn of(f: &Finding) -> Found {
        Found {
            rule: f.rule.to_string(),
            severity: f.severity,
            line: f.line,
            column: f.column,
            path: f.path.clone(),
            message: f.message.clone(),
            help: f.help.clone(),
        }
    }

    fn at(&self, file: &str) -> Finding {
        Finding {
            rule: self.rule.clone().into(),
            severity: self.severity,
            file: file.to_owned(),
            line: self.line,
            column: self.column,
            path: self.path.clone(),
            message: self.message.clone(),
            help: self.help.clone(),
            commit: None,
        }
    }
}

/// The file: its files sorted by path, and the member summaries they point to.
#[derive(Deserialize)]
struct Stored {
    format: String,
    key: [u8; 32],
    #[serde(deserialize_with = "whole_vec")]
    files: Vec<Kept>,
    #[serde(deserialize_with = "whole_vec")]
    members: Vec<Member>,
}

/// The same, written from borrowed parts.
#[derive(Serialize)]
struct StoredRef<'a> {
    format: &'a str,
    key: &'a [u8; 32],
    files: &'a [Kept],
    members: &'a [Member],
}

/// The results of the last run under the same rules.
pub(crate) struct Cache {
    path: PathBuf,
    key: [u8; 32],
    /// When this run began (seconds): a file modified since then, or in
    /// the same second, is not vouched for by its metadata next time.
    began: i64,
    files: Vec<Kept>,
    /// The summaries of `files`, in their order.
    members: Vec<Member>,
}

impl Cache {
    /// The cache at `path` if it was written under `config` and `options`'
    /// date and skipped rules by this binary; an empty one otherwise.
    /// `None` if the binary cannot be identified, and so neither can
    /// whether a result is its own.
    pub fn open(path: &Path, config: &Config, as_of: jiff::civil::Date, skip: &BTreeSet<String>) -> Option<Cache> {
        let key = key(config, as_of, skip)?;
        let began = jiff::Timestamp::now().as_second();
        let bytes = crate::util::read_remembered(path, MAX_CACHE_BYTES);
        let (files, members) = match decode(&bytes) {
            Some(stored) if stored.key == key => (stored.files, stored.members),
            _ => (Vec::new(), Vec::new()),
        };
        Some(Cache { path: path.to_path_buf(), key, began, files, members })
    }

    /// Where `path` is among the kept files, looked for at `guess` first:
    /// both lists are in path order, so an unchanged roll finds every file
    /// where it is in this run's.
    fn find(&self, path: &str, guess: usize) -> Option<usize> {
        if self.files.get(guess).is_some_and(|kept| kept.path == path) {
            return Some(guess);
        }
        self.files.binary_search_by(|kept| kept.path.as_str().cmp(path)).ok()
    }

    /// The result for `entry` (the `position`th member file this run) if it
    /// is known unchanged without reading it: the same metadata on disk,
    /// the same blob id in git.
    pub fn recall(&self, entry: &PathEntry, position: usize) -> Option<usize> {
        let at = self.find(&entry.path, position)?;
        let kept = &self.files[at];
        let unchanged = match (entry.stamp(), entry.blob()) {
            (Some(stamp), _) => kept.stamp == Some(stamp),
            (None, Some(blob)) => kept.blob == blob.as_bytes(),
            (None, None) => false,
        };
        unchanged.then_some(at)
    }

    /// The result for the file at `path` (the `position`th) whose bytes have
    /// the blob id `blob`.
    pub fn recall_blob(&self, path: &str, position: usize, blob: Oid) -> Option<usize> {
        self.find(path, position).filter(|at| self.files[*at].blob == blob.as_bytes())
    }

    /// `stamp` if it can vouch for the file's content next time: not
    /// written in or after the second this run began.
    pub fn vouching(&self, stamp: Option<Stamp>) -> Option<Stamp> {
        stamp.filter(|s| s.modified.0 < self.began && s.changed.0 < self.began)
    }
}

/// Every file's member summary (in path order) and findings, from this
/// run's `checked` results of `files` (sorted by path); the cache is then
/// replaced by them, unless they are what it already holds. A
/// repository rollcall may not write to is only not remembered.
pub(crate) fn gather(cache: Cache, files: &[&PathEntry], checked: Vec<Checked>) -> (Vec<Member>, Vec<Finding>) {
    // Whether this run learned anything: only then is the cache rewritten,
    // and what it held moved into what it will hold.
    let learned = files.len() != cache.files.len()
        || checked.iter().any(|checked| match checked {
            Checked::Known { .. } => false,
            Checked::Recognized { at, stamp } => stamp.as_deref() != cache.files[*at].stamp.as_ref(),
            Checked::Judged(_) => true,
        });
    if !learned {
        return recalled(cache);
    }
    let mut members = Vec::with_capacity(files.len());
    let mut findings = Vec::new();
    let Cache { path, key, files: mut old_files, members: old_members, .. } = cache;
    // Files and the cache's files are both in path order, so the summaries
    // a run recalls come in the cache's order: each is moved out once.
    let mut old_members = old_members.into_iter().enumerate();
    let mut kept = Vec::with_capacity(files.len());
    for (entry, checked) in files.iter().zip(checked) {
        let index = u32::try_from(members.len()).ok();
        match checked {
            Checked::Known { at } | Checked::Recognized { at, .. } => {
                let old = &mut old_files[at];
                findings.extend(old.findings.iter().map(|f| f.at(&entry.path)));
                let mut member = old.member.and_then(|m| old_members.find(|(i, _)| *i == m as usize).map(|(_, m)| m));
                // Read from git, a known file keeps the metadata its file
                // on disk had for the same blob, which still vouches for it.
                let stamp = match checked {
                    Checked::Recognized { stamp, .. } => stamp.map(|s| *s),
                    _ => old.stamp,
                };
                kept.push(Kept {
                    path: old.path.clone(),
                    stamp,
                    blob: old.blob,
                    member: member.as_ref().and(index),
                    findings: std::mem::take(&mut old.findings),
                });
                if let Some(member) = &mut member {
                    member.file = std::mem::take(&mut old.path);
                }
                members.extend(member);
            }
            Checked::Judged(judged) => {
                let judged = *judged;
                if let Some(blob) = judged.blob {
                    let mut id = [0; 20];
                    id.copy_from_slice(blob.as_bytes());
                    kept.push(Kept {
                        path: entry.path.clone(),
                        stamp: judged.stamp,
                        blob: id,
                        member: judged.member.as_ref().and(index),
                        findings: judged.findings.iter().map(Found::of).collect(),
                    });
                }
                members.extend(judged.member);
                findings.extend(judged.findings);
            }
        }
    }
    let stored = StoredRef { format: FORMAT, key: &key, files: &kept, members: &members };
    if let Ok(bytes) = postcard::to_stdvec(&stored) {
        let _ = crate::util::atomic::write(&path, &bytes);
    }
    (members, findings)
}

/// A run that found every file as the cache holds it: the cache's
/// summaries are the run's, moved whole rather than copied one by one
/// (each file is then the cache's file at the same place).
fn recalled(cache: Cache) -> (Vec<Member>, Vec<Finding>) {
    let Cache { files, mut members, .. } = cache;
    let mut findings = Vec::new();
    for kept in files {
        findings.extend(kept.findings.iter().map(|f| f.at(&kept.path)));
        if let Some(member) = kept.member.and_then(|m| members.get_mut(m as usize)) {
            member.file = kept.path;
        }
    }
    (members, findings)
}

/// A sequence read into a vector allocated once at its announced length
/// (serde grows it from a cautious guess instead, copying 100,000
/// summaries several times), up to [`PREALLOCATED`].
fn whole_vec<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(input: D) -> Result<Vec<T>, D::Error> {
    struct Whole<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Whole<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a sequence")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(PREALLOCATED));
            while let Some(item) = seq.next_element()? {
                out.push(item);
            }
            Ok(out)
        }
    }
    input.deserialize_seq(Whole(std::marker::PhantomData))
}

/// `bytes` read as a cache file, if they are one whole: this format, and
/// consistent. Any bytes at all may be on disk: a damaged length makes it
/// allocate at most as many elements as there are bytes left to read them
/// from (postcard announces no more), and at most [`PREALLOCATED`].
fn decode(bytes: &[u8]) -> Option<Stored> {
    postcard::from_bytes::<Stored>(bytes).ok().filter(|stored| stored.format == FORMAT && consistent(stored))
}

/// Whether `bytes`, found where the cache file belongs, hold results that
/// `validate` would use (under the rules their key names). It takes the
/// path every cache file is read by, so it answers for any bytes without
/// panicking; the fuzz target `validate_cache` holds it to that.
pub fn usable(bytes: &[u8]) -> bool {
    decode(bytes).is_some()
}

/// Whether a stored cache is what `gather` writes: files in path order,
/// the member summaries in the same order, one to each file that has one
/// (a summary's own path is its file's, kept once).
fn consistent(stored: &Stored) -> bool {
    let mut next = 0;
    stored.files.windows(2).all(|w| w[0].path < w[1].path)
        && stored.files.iter().all(|kept| match kept.member {
            Some(m) if m as usize == next => {
                next += 1;
                true
            }
            Some(_) => false,
            None => true,
        })
        && next == stored.members.len()
}

/// Where `source`'s cache is kept: its repository's git directory (for a
/// work tree, the repository it is in); `None` outside git.
pub fn location(source: &Source) -> Option<PathBuf> {
    let git_dir = match source {
        Source::Disk(dir) => git2::Repository::discover(dir).ok()?.path().to_path_buf(),
        Source::Git { repo, .. } => repo.clone(),
    };
    Some(git_dir.join(CACHE_FILE))
}

/// What a result depends on besides the file: the binary that judged it
/// (its version, and its size and time, which change with every build),
/// the rules' bytes, the date expiry is judged against, the skipped rules.
fn key(config: &Config, as_of: jiff::civil::Date, skip: &BTreeSet<String>) -> Option<[u8; 32]> {
    use sha2::{Digest, Sha256};
    use std::os::unix::fs::MetadataExt;
    let binary = std::env::current_exe().and_then(std::fs::metadata).ok()?;
    let mut hash = Sha256::new();
    hash.update(FORMAT);
    hash.update(env!("CARGO_PKG_VERSION"));
    hash.update(format!("{} {} {}", binary.len(), binary.mtime(), binary.mtime_nsec()));
    hash.update(config.digest);
    hash.update(as_of.to_string());
    for rule in skip {
        hash.update([0]);
        hash.update(rule);
    }
    Some(hash.finalize().into())
}
