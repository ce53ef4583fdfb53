//! `rollcall export`: the public roll as a static site. A versioned JSON
//! API under `api/v1/` (each file with `schema_version` and its JSON Schema
//! beside it), `members.csv`, the members page `index.html` (with its
//! style sheet and a small filter script), and `data/members.json` for a
//! Hugo or Jekyll site. Built in a temporary directory beside the output,
//! every JSON file read back and checked against its schema, then moved
//! into place at once. What is published, and what never is: [`data`].

pub mod data;
mod html;

use crate::finding::Finding;
use crate::history::HistoryError;
use data::Public;
use git2::{Oid, Repository};
use jiff::civil::Date;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The version of the API's documents; a change that breaks a reader is
/// published as `api/v2/`.
pub const SCHEMA_VERSION: u32 = 1;

/// Why the export could not be written (exit 2).
#[derive(Debug)]
pub struct ExportError(pub String);

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<HistoryError> for ExportError {
    fn from(e: HistoryError) -> ExportError {
        ExportError(e.0)
    }
}

/// What an export wrote.
pub struct Exported {
    pub as_of: Date,
    pub commit: String,
    pub members: usize,
    pub files: usize,
}

/// One JSON document of the export, with the schema it is checked against.
struct Document {
    path: &'static str,
    schema_path: &'static str,
    schema: &'static str,
    about: &'static str,
}

const DOCUMENTS: [Document; 7] = [
    Document {
        path: "api/v1/index.json",
        schema_path: "api/v1/index.schema.json",
        schema: include_str!("schemas/index.schema.json"),
        about: "this list, the foundation, the date and the ledger commit",
    },
    Document {
        path: "api/v1/members.json",
        schema_path: "api/v1/members.schema.json",
        schema: include_str!("schemas/members.schema.json"),
        about: "the listed members active on the date",
    },
    Document {
        path: "api/v1/counts.json",
        schema_path: "api/v1/counts.schema.json",
        schema: include_str!("schemas/counts.schema.json"),
        about: "listed members and votes per tier, members per country",
    },
    Document {
        path: "api/v1/growth.json",
        schema_path: "api/v1/growth.schema.json",
        schema: include_str!("schemas/growth.schema.json"),
        about: "per month: joins, renewals, lapses, resignations, terminations, members per tier",
    },
    Document {
        path: "api/v1/board.json",
        schema_path: "api/v1/board.schema.json",
        schema: include_str!("schemas/board.schema.json"),
        about: "the board of directors and the committees",
    },
    Document {
        path: "api/v1/elections.json",
        schema_path: "api/v1/elections.schema.json",
        schema: include_str!("schemas/elections.schema.json"),
        about: "certified election results with their rounds",
    },
    Document {
        path: "data/members.json",
        schema_path: "data/members.schema.json",
        schema: include_str!("schemas/site-data.schema.json"),
        about: "tiers and their members' names and URLs, for a Hugo or Jekyll site",
    },
];

/// Exports the public roll of `tip`'s history on `as_of` into `out`;
/// findings if the history has no one genesis.
pub fn export(
    repo: &Repository,
    tip: Oid,
    as_of: Date,
    out: &Path,
) -> Result<Result<Exported, Vec<Finding>>, ExportError> {
    let public = match data::gather(repo, tip, as_of)? {
        Ok(public) => public,
        Err(findings) => return Ok(Err(findings)),
    };
    let files = render(&public)?;
    let count = files.len();
    place(out, &files)?;
    Ok(Ok(Exported { as_of, commit: public.commit.clone(), members: public.members.len(), files: count }))
}

/// Every file of the export, by path.
fn render(public: &Public) -> Result<BTreeMap<String, Vec<u8>>, ExportError> {
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let documents = documents(public);
    for (document, value) in DOCUMENTS.iter().zip(documents) {
        files.insert(document.path.to_owned(), pretty(&value));
        files.insert(document.schema_path.to_owned(), document.schema.as_bytes().to_vec());
    }
    files.insert("members.csv".to_owned(), csv(public).into_bytes());
    for (path, bytes) in html::site(public) {
        files.insert(path, bytes);
    }
    Ok(files)
}

/// Stable formatting: two-space indentation, keys in a fixed order, a
/// final newline.
fn pretty(value: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The documents of [`DOCUMENTS`], in its order.
fn documents(public: &Public) -> [Value; 7] {
    let as_of = public.as_of.to_string();
    let index = json!({
        "schema_version": SCHEMA_VERSION,
        "foundation": public.foundation,
        "as_of": as_of,
        "commit": public.commit,
        "files": DOCUMENTS.iter().map(|d| json!({
            "path": d.path.strip_prefix("api/v1/").map_or_else(|| format!("../../{}", d.path), str::to_owned),
            "schema": d.schema_path.strip_prefix("api/v1/").map_or_else(|| format!("../../{}", d.schema_path), str::to_owned),
            "about": d.about,
        })).collect::<Vec<_>>(),
    });
    let mut by_id: Vec<&data::PublicMember> = public.members.iter().collect();
    by_id.sort_by(|a, b| a.id.cmp(&b.id));
    let members = json!({ "schema_version": SCHEMA_VERSION, "as_of": as_of, "members": by_id });
    let counts = json!({
        "schema_version": SCHEMA_VERSION,
        "as_of": as_of,
        "small_count_threshold": data::SMALL_COUNT,
        "tiers": public.tiers,
        "total": {
            "members": public.tiers.iter().map(|t| t.members).sum::<usize>(),
            "voting_members": public.tiers.iter().map(|t| t.voting_members).sum::<usize>(),
            "votes": public.tiers.iter().map(|t| t.votes).sum::<u64>(),
        },
        "countries": public.countries.iter().map(|(c, n)| json!({"country": c, "members": n})).collect::<Vec<_>>(),
        "other_countries": public.other_countries,
        "unlisted_members": public.unlisted,
    });
    let growth = json!({
        "schema_version": SCHEMA_VERSION,
        "as_of": as_of,
        "tiers": public.tiers.iter().map(|t| &t.tier).collect::<Vec<_>>(),
        "months": public.growth.iter().map(|m| {
            let totals: serde_json::Map<String, Value> =
                public.tiers.iter().zip(&m.totals).map(|(t, n)| (t.tier.clone(), json!(n))).collect();
            json!({
                "month": m.month, "joins": m.joins, "renewals": m.renewals, "lapses": m.lapses,
                "resignations": m.resignations, "terminations": m.terminations, "totals": totals, "total": m.total,
            })
        }).collect::<Vec<_>>(),
    });
    let seats = |seats: &[crate::history::board::Seat]| {
        seats
            .iter()
            .map(|s| {
                json!({
                    "github": s.github, "name": s.name, "organization": s.organization,
                    "since": {"commit": s.since.commit, "date": s.since.date, "kind": s.since.kind},
                })
            })
            .collect::<Vec<_>>()
    };
    let b = &public.board;
    let board = json!({
        "schema_version": SCHEMA_VERSION,
        "as_of": as_of,
        "rules": {"commit": b.rules.commit, "date": b.rules.date, "kind": b.rules.kind},
        "directors": seats(&b.directors),
        "committee": seats(&b.committee),
        "election_committee": seats(&b.election_committee),
    });
    let elections = json!({ "schema_version": SCHEMA_VERSION, "elections": public.elections });
    let site = json!({
        "schema_version": SCHEMA_VERSION,
        "as_of": as_of,
        "tiers": public.tiers.iter().map(|t| json!({
            "name": t.tier,
            "members": public.members.iter().filter(|m| m.tier == t.tier)
                .map(|m| json!({"name": m.name, "url": m.url})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    [index, members, counts, growth, board, elections, site]
}

pub const CSV_HEADER: &str = "id,name,kind,tier,country,github,website,url,member_number,admitted,votes\r\n";

/// RFC 4180: CRLF line ends, a cell quoted where it must be, and a cell a
/// spreadsheet would evaluate as a formula prefixed with `'`.
fn csv(public: &Public) -> String {
    let mut out = String::from(CSV_HEADER);
    for m in &public.members {
        let cells = [
            m.id.clone(),
            m.name.clone(),
            m.kind.clone(),
            m.tier.clone(),
            m.country.clone().unwrap_or_default(),
            m.github.clone().unwrap_or_default(),
            m.website.clone().unwrap_or_default(),
            m.url.clone().unwrap_or_default(),
            m.member_number.map(|n| n.to_string()).unwrap_or_default(),
            m.admitted.clone().unwrap_or_default(),
            m.votes.to_string(),
        ];
        let row: Vec<String> = cells.iter().map(|c| crate::history::log::csv_cell(c)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Writes `files` into a temporary directory beside `out`, reads every
/// JSON document back and checks it against its schema, then puts the
/// directory in `out`'s place. An existing `out` is replaced only if it is
/// empty or an earlier export (it has `api/v1/index.json`).
fn place(out: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<(), ExportError> {
    let fail = |what: &str, path: &Path, e: std::io::Error| ExportError(format!("{what} {}: {e}", path.display()));
    let name = out
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| *n != ".." && *n != ".")
        .ok_or_else(|| ExportError(format!("{}: --out needs a directory name, such as public/", out.display())))?;
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let replacing = match fs::symlink_metadata(out) {
        Ok(meta) if meta.is_dir() => {
            let empty = fs::read_dir(out).map_err(|e| fail("cannot read", out, e))?.next().is_none();
            if !empty && !out.join("api/v1/index.json").is_file() {
                return Err(ExportError(format!(
                    "{} is a directory that is not an earlier export (it has no api/v1/index.json): \
                     choose a new or empty directory",
                    out.display()
                )));
            }
            true
        }
        Ok(_) => return Err(ExportError(format!("{} exists and is not a directory", out.display()))),
        Err(_) => false,
    };
    let temp = parent.join(format!(".{name}.export-{}", std::process::id()));
    let _ = fs::remove_dir_all(&temp);
    let result = (|| {
        for (path, bytes) in files {
            let target = temp.join(path);
            if let Some(dir) = target.parent() {
                fs::create_dir_all(dir).map_err(|e| fail("cannot create", dir, e))?;
            }
            fs::write(&target, bytes).map_err(|e| fail("cannot write", &target, e))?;
        }
        check(&temp)?;
        swap(&temp, out, replacing)
    })();
    let _ = fs::remove_dir_all(&temp);
    result
}

/// Reads every JSON document of the export back from disk and checks it
/// against its published schema (also read back).
fn check(dir: &Path) -> Result<(), ExportError> {
    for document in &DOCUMENTS {
        let read = |path: &str| -> Result<Value, ExportError> {
            let bytes = fs::read(dir.join(path)).map_err(|e| ExportError(format!("cannot read back {path}: {e}")))?;
            serde_json::from_slice(&bytes).map_err(|e| ExportError(format!("{path} does not read back as JSON: {e}")))
        };
        let schema = read(document.schema_path)?;
        let instance = read(document.path)?;
        let validator = jsonschema::draft202012::new(&schema)
            .map_err(|e| ExportError(format!("{} is not a valid schema: {e}", document.schema_path)))?;
        if let Some(error) = validator.iter_errors(&instance).next() {
            return Err(ExportError(format!(
                "{} does not match {} at {}: {error}",
                document.path,
                document.schema_path,
                error.instance_path()
            )));
        }
    }
    Ok(())
}

/// Moves the finished export to `out`. On Linux an existing `out` is
/// exchanged with it in one step (readers see the old export or the new);
/// elsewhere the old one is moved aside first. The old one is then removed.
fn swap(temp: &Path, out: &Path, replacing: bool) -> Result<(), ExportError> {
    let fail = |e: std::io::Error| ExportError(format!("cannot move the export to {}: {e}", out.display()));
    if !replacing {
        return fs::rename(temp, out).map_err(fail);
    }
    let old: PathBuf = temp.with_extension("old");
    if !exchange(temp, out) {
        fs::rename(out, &old).map_err(fail)?;
        fs::rename(temp, out).map_err(fail)?;
        let _ = fs::remove_dir_all(&old);
    }
    // After an exchange, `temp` holds the old export.
    let _ = fs::remove_dir_all(temp);
    Ok(())
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let (Ok(a), Ok(b)) =
        (std::ffi::CString::new(a.as_os_str().as_bytes()), std::ffi::CString::new(b.as_os_str().as_bytes()))
    else {
        return false;
    };
    // SAFETY: both paths are NUL-terminated C strings that outlive the call.
    unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) == 0 }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}
