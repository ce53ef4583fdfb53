//! `rollcall index`: write the roll's split index (`index/`), or check it.

use super::out::outln;
use super::{CannotRun, UNACCEPTABLE};
use rollcall::roll::index::{self, FileCheck, INDEX_FILE};
use rollcall::roll::sharded::{self, INDEX_DIR};
use rollcall::roll::source::Source;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct IndexArgs {
    /// The ledger repository (default: found from the current directory upward).
    #[arg(long, value_name = "DIR", default_value = "", hide_default_value = true, value_parser = super::ledger_dir)]
    repo: PathBuf,
    /// Compare with the repository's index instead: exit 1 if it differs.
    #[arg(long)]
    check: bool,
    /// With --check: a stale index (files added or changed since) is only
    /// a warning; an index edited by hand still fails.
    #[arg(long, requires = "check")]
    stale_ok: bool,
}

pub fn run(args: IndexArgs) -> Result<ExitCode, CannotRun> {
    let source = Source::disk(&args.repo)?;
    let legacy = args.repo.join(INDEX_FILE);
    if !args.check {
        let files = sharded::build(&source)?;
        sharded::write_dir(&args.repo, &files)
            .map_err(|e| format!("cannot write {}: {e}", args.repo.join(INDEX_DIR).display()))?;
        // The split index replaces the first layout's single file.
        if legacy.symlink_metadata().is_ok() {
            std::fs::remove_file(&legacy).map_err(|e| format!("cannot remove {}: {e}", legacy.display()))?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    // A ledger not yet given the split index is checked against its roll.index.
    let (name, found) = if args.repo.join(INDEX_DIR).is_dir() || !legacy.exists() {
        (format!("{INDEX_DIR}/"), check_split(&args, &source)?)
    } else {
        let wanted = index::build(&source)?;
        let current = std::fs::read_to_string(&legacy).unwrap_or_default();
        (INDEX_FILE.to_owned(), index::check_file(&args.repo, &current, &wanted, args.stale_ok))
    };
    let refused = |message: String| {
        eprintln!("{message}");
        Ok(ExitCode::from(UNACCEPTABLE))
    };
    match found {
        FileCheck::Current => Ok(ExitCode::SUCCESS),
        FileCheck::StaleAccepted => {
            outln!(
                "warning: {name} is stale (check-pr reads every member file until it is regenerated: rollcall index)"
            );
            Ok(ExitCode::SUCCESS)
        }
        FileCheck::StaleEdited => refused(format!(
            "{name} describes an older roll but says something else about it: it was edited by hand; regenerate it: rollcall index"
        )),
        FileCheck::Stale => refused(format!("{name} does not match the roll; regenerate it: rollcall index")),
        FileCheck::Edited => refused(format!(
            "{name} names the roll's files but says something else about them: it was edited by hand; regenerate it: rollcall index"
        )),
    }
}

/// How the split index on disk stands against the one the roll builds.
fn check_split(args: &IndexArgs, source: &Source) -> Result<FileCheck, CannotRun> {
    let wanted = sharded::build(source)?;
    let current = match sharded::read_dir(&args.repo) {
        Ok(files) => files,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => sharded::Files::new(),
        Err(e) => return Err(format!("cannot read {}: {e}", args.repo.join(INDEX_DIR).display()).into()),
    };
    if current == wanted {
        return Ok(FileCheck::Current);
    }
    let header = |files: &sharded::Files| {
        files.get(sharded::HEADER_FILE).and_then(|b| std::str::from_utf8(b).ok()).and_then(sharded::Header::parse)
    };
    let described = header(&current).and_then(|h| h.members_tree);
    if described.is_some() && described == header(&wanted).and_then(|h| h.members_tree) {
        return Ok(FileCheck::Edited);
    }
    if !args.stale_ok {
        return Ok(FileCheck::Stale);
    }
    // Stale: accepted only if it tells the truth about the older roll it names.
    Ok(match described.map(|tree| stale_is_true(args, tree, &current)) {
        Some(Ok(false)) => FileCheck::StaleEdited,
        _ => FileCheck::StaleAccepted,
    })
}

/// Whether `current` is the index of the `members/` tree `tree` (when the
/// repository has it; an index naming a tree it lacks is never used).
fn stale_is_true(args: &IndexArgs, tree: git2::Oid, current: &sharded::Files) -> Result<bool, CannotRun> {
    let Ok(repo) = git2::Repository::open(&args.repo) else { return Ok(true) };
    if repo.find_tree(tree).is_err() {
        return Ok(true);
    }
    let mut root = repo.treebuilder(None).map_err(|e| e.message().to_owned())?;
    root.insert("members", tree, 0o040000).map_err(|e| e.message().to_owned())?;
    let root = root.write().map_err(|e| e.message().to_owned())?;
    Ok(sharded::build(&Source::at(&repo, root))? == *current)
}
