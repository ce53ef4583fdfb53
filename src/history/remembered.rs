//! What a reader of the roll makes of member files, remembered by blob id
//! in the repository between runs: a blob never changes, so a file read
//! once need not be read again, and the next run reads only the files
//! events changed since. `roll` and `export` each keep their own store.

use super::HistoryError;
use crate::roll::yaml::{self, MEMBER_LIMITS};
use crate::util::blob::{Capped, read_capped};
use git2::{Oid, Repository};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;

/// Where one reader's values are kept in the git directory: one JSON line
/// per blob after a header line that names the format.
pub(crate) struct Store {
    pub file: &'static str,
    pub header: &'static str,
    /// A larger file is not rollcall's and is ignored.
    pub max_bytes: u64,
}

/// The values made of member files, by blob id.
pub(crate) struct Remembered<T> {
    path: PathBuf,
    header: &'static str,
    /// `None`: the blob is not a member file that reads.
    known: HashMap<Oid, Option<T>>,
    added: usize,
}

impl<T: Serialize + DeserializeOwned + Send> Remembered<T> {
    /// What the repository remembers; nothing if the file is missing or
    /// not of the store's format.
    pub(crate) fn open(repo: &Repository, store: &Store) -> Remembered<T> {
        let path = repo.path().join(store.file);
        let text = String::from_utf8(crate::util::read_remembered(&path, store.max_bytes)).unwrap_or_default();
        let mut lines = text.lines();
        let known = match lines.next() {
            Some(header) if header == store.header => lines
                .map(|line| {
                    let (blob, value): (String, Option<T>) = serde_json::from_str(line).ok()?;
                    Some((Oid::from_str(&blob).ok()?, value))
                })
                .collect::<Option<HashMap<_, _>>>()
                .unwrap_or_default(),
            _ => HashMap::new(),
        };
        Remembered { path, header: store.header, known, added: 0 }
    }

    /// What `make` makes of each member file of `tree` (a regular file
    /// under `members/`, within a member file's size, a YAML mapping), in
    /// the tree's order; a file that is none is skipped (`validate` and
    /// `verify` report it). Files not remembered are read on every core.
    pub(crate) fn members(
        &mut self,
        repo: &Repository,
        tree: Oid,
        make: impl Fn(&Value) -> T + Sync,
    ) -> Result<Vec<&T>, HistoryError> {
        let files: Vec<(String, Oid)> = super::member_files(repo, tree)?
            .into_iter()
            .filter(|(_, side)| side.is_regular_file())
            .map(|(path, side)| (path, side.id))
            .collect();
        let unread: Vec<&(String, Oid)> = files.iter().filter(|(_, blob)| !self.known.contains_key(blob)).collect();
        let path = repo.path().to_path_buf();
        let parts = crate::util::parallel::for_each(
            &unread,
            || Ok::<_, HistoryError>((Repository::open(&path).map_err(HistoryError::from)?, Vec::new())),
            |(repo, read), (file, blob)| {
                read.push((*blob, member_value(repo, *blob, file)?.map(|v| make(&v))));
                Ok(())
            },
        )?;
        for (blob, made) in parts.into_iter().flat_map(|(_, read)| read) {
            self.added += usize::from(self.known.insert(blob, made).is_none());
        }
        Ok(files.iter().filter_map(|(_, blob)| self.known.get(blob)?.as_ref()).collect())
    }

    /// Writes what is known, if anything was added. A repository rollcall
    /// may not write to is only not remembered.
    pub(crate) fn save(&self) {
        if self.added == 0 {
            return;
        }
        let mut out = format!("{}\n", self.header);
        for (blob, value) in &self.known {
            out.push_str(&serde_json::to_string(&(blob.to_string(), value)).unwrap_or_default());
            out.push('\n');
        }
        let _ = crate::util::atomic::write(&self.path, out.as_bytes());
    }
}

/// A member file's value, if the blob is at most a member file's size (no
/// member file is larger) and a YAML mapping.
pub(crate) fn member_value(repo: &Repository, blob: Oid, file: &str) -> Result<Option<Value>, HistoryError> {
    let odb = repo.odb()?;
    let Capped::Read(object) = read_capped(&odb, blob, MEMBER_LIMITS.max_bytes)? else { return Ok(None) };
    Ok(yaml::load(file, object.data(), MEMBER_LIMITS, yaml::Layout::Free).value.filter(Value::is_object))
}
