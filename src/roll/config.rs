//! The rules a ledger is judged by: its policy and its member schema, read
//! from one source (for a pull request, always the base revision).

use crate::finding::{Finding, Pos};
use crate::roll::policy::{self, LoadedPolicy, POLICY_FILE};
use crate::roll::schema::{self, Compiled, MEMBER_SCHEMA_FILE};
use crate::roll::source::{ReadError, Source, SourceError};
use crate::roll::yaml::{self, CONFIG_LIMITS};

pub(crate) const MISSING: &str = "config.missing";

pub struct Config {
    pub policy: LoadedPolicy,
    pub schema: Compiled,
    /// The SHA-256 of both files' bytes: what `validate`'s cache keys its
    /// results to, so a changed rule is never judged by an old result.
    pub digest: [u8; 32],
}

/// Why the rules could not be loaded.
pub enum ConfigError {
    /// The files are there but unusable: findings say where.
    Invalid(Vec<Finding>),
    Source(SourceError),
}

/// The ledger's origin (the name its checkpoints carry), from the policy
/// at `commit`.
pub fn origin_at(repo: &git2::Repository, commit: git2::Oid) -> Result<String, String> {
    let tree = repo.find_commit(commit).map_err(|e| e.message().to_owned())?.tree_id();
    match load(&Source::at(repo, tree)) {
        Ok(config) => Ok(config.policy.policy.foundation.origin),
        Err(_) => Err(format!("the policy at {commit} cannot be read; run `rollcall validate --rev {commit}`")),
    }
}

/// Loads and checks the policy and the member schema, reporting problems in
/// both files at once.
pub fn load(source: &Source) -> Result<Config, ConfigError> {
    let policy_bytes = read(source, POLICY_FILE);
    let schema_bytes = read(source, MEMBER_SCHEMA_FILE);
    let (policy_bytes, schema_bytes) = match (policy_bytes, schema_bytes) {
        (Err(ConfigError::Source(e)), _) | (_, Err(ConfigError::Source(e))) => {
            return Err(ConfigError::Source(e));
        }
        (Ok(p), Ok(s)) => (p, s),
        (p, s) => {
            let mut findings = Vec::new();
            for result in [p, s] {
                if let Err(ConfigError::Invalid(f)) = result {
                    findings.extend(f);
                }
            }
            return Err(ConfigError::Invalid(findings));
        }
    };
    let policy = policy::load(&policy_bytes);
    let schema = schema::load_member_schema(&schema_bytes);
    match (policy, schema) {
        (Ok(policy), Ok(schema)) => Ok(Config { policy, schema, digest: digest(&policy_bytes, &schema_bytes) }),
        (policy, schema) => {
            let mut findings = policy.err().unwrap_or_default();
            findings.extend(schema.err().unwrap_or_default());
            Err(ConfigError::Invalid(findings))
        }
    }
}

fn digest(policy: &[u8], schema: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for bytes in [policy, schema] {
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    }
    hash.finalize().into()
}

fn read(source: &Source, path: &str) -> Result<Vec<u8>, ConfigError> {
    let missing = |why: &str| {
        ConfigError::Invalid(vec![Finding::error(
            MISSING,
            path,
            Pos::START,
            "",
            format!("{path} {why}"),
            "restore it from the ledger's history, or create a ledger with `rollcall init`",
        )])
    };
    let entry = source.entry(path).map_err(ConfigError::Source)?;
    let Some(entry) = entry.filter(|e| e.kind == crate::roll::source::EntryKind::File) else {
        return Err(missing("is missing or is not a regular file"));
    };
    let reader = source.reader().map_err(ConfigError::Source)?;
    match reader.read(&entry, CONFIG_LIMITS.max_bytes) {
        Ok(bytes) => Ok(bytes),
        Err(ReadError::TooLarge(size)) => Err(ConfigError::Invalid(vec![yaml::too_large(path, size, CONFIG_LIMITS)])),
        Err(ReadError::Missing) => Err(missing("is missing")),
        Err(ReadError::Io(e)) => Err(ConfigError::Source(SourceError::Io(format!("cannot read {path}: {e}")))),
    }
}
