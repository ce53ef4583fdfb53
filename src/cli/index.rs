//! `rollcall index`: write roll.index, or check it.

use super::out::outln;
use super::{CannotRun, UNACCEPTABLE};
use rollcall::roll::index::{self, FileCheck, INDEX_FILE};
use rollcall::roll::source::Source;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct IndexArgs {
    /// The ledger repository (default: found from the current directory upward).
    #[arg(long, value_name = "DIR", default_value = "", hide_default_value = true, value_parser = super::ledger_dir)]
    repo: PathBuf,
    /// Compare with the repository's file instead: exit 1 if it differs.
    #[arg(long)]
    check: bool,
    /// With --check: a stale index (files added or changed since) is only
    /// a warning; an index edited by hand still fails.
    #[arg(long, requires = "check")]
    stale_ok: bool,
}

pub fn run(args: IndexArgs) -> Result<ExitCode, CannotRun> {
    let wanted = index::build(&Source::disk(&args.repo)?)?;
    let path = args.repo.join(INDEX_FILE);
    if !args.check {
        rollcall::util::atomic::write(&path, wanted.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        return Ok(ExitCode::SUCCESS);
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    let refused = |message: String| {
        eprintln!("{message}");
        Ok(ExitCode::from(UNACCEPTABLE))
    };
    match index::check_file(&args.repo, &current, &wanted, args.stale_ok) {
        FileCheck::Current => Ok(ExitCode::SUCCESS),
        FileCheck::StaleAccepted => {
            outln!(
                "warning: {INDEX_FILE} is stale (check-pr reads every member file until it is regenerated: rollcall index)"
            );
            Ok(ExitCode::SUCCESS)
        }
        FileCheck::StaleEdited => refused(format!(
            "{INDEX_FILE} describes an older roll but says something else about it: it was edited by hand; regenerate it: rollcall index"
        )),
        FileCheck::Stale => refused(format!("{INDEX_FILE} does not match the roll; regenerate it: rollcall index")),
        FileCheck::Edited => refused(format!(
            "{INDEX_FILE} names the roll's files but says something else about them: it was edited by hand; regenerate it: rollcall index"
        )),
    }
}
