//! `rollcall export`: the public roll as a static site, from history.

use super::out::outln;
use super::{CannotRun, HistoryArgs, ListFormat};
use jiff::civil::Date;
use rollcall::output::export;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    history: HistoryArgs,
    /// The directory to write the site into (created, or replaced if it holds an earlier export).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The roll of this date (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
    /// Export the history ending at this revision instead of the branch's tip (read as git objects).
    #[arg(long, value_name = "REV")]
    rev: Option<String>,
}

pub fn run(args: ExportArgs) -> Result<ExitCode, CannotRun> {
    let (repo, tip) = match &args.rev {
        None => args.history.open()?,
        Some(rev) => {
            let repo = git2::Repository::open(&args.history.repo)
                .map_err(|e| format!("{} is not a git repository: {}", args.history.repo.display(), e.message()))?;
            let tip = repo
                .revparse_single(rev)
                .and_then(|o| o.peel_to_commit())
                .map_err(|e| format!("cannot read revision {rev}: {}", e.message()))?
                .id();
            (repo, tip)
        }
    };
    let as_of = args.as_of.unwrap_or_else(rollcall::util::today);
    let exported = match export::export(&repo, tip, as_of, &args.out)? {
        Ok(exported) => exported,
        Err(findings) => return Ok(super::history_findings(ListFormat::Human, &findings)),
    };
    outln!(
        "exported the public roll as of {} (ledger at {}): {} listed member(s), {} files in {}",
        exported.as_of,
        &exported.commit[..12.min(exported.commit.len())],
        exported.members,
        exported.files,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
