//! `rollcall validate`: the whole roll, of the work tree or a revision.

use super::out::out;
use super::{CannotRun, CheckingArgs, exit};
use rollcall::finding;
use rollcall::output::lines::SourceLines;
use rollcall::output::report;
use rollcall::roll::source::Source;
use rollcall::roll::validate;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    common: CheckingArgs,
    /// Validate this git revision's objects instead of the work tree.
    #[arg(long, value_name = "REV")]
    rev: Option<String>,
}

pub fn run(args: ValidateArgs) -> Result<ExitCode, CannotRun> {
    let source = match &args.rev {
        Some(rev) => Source::revision(&args.common.repo, rev)?,
        None => Source::disk(&args.common.repo)?,
    };
    let validated = validate::validate(&source, &args.common.options())?;
    let sources = [source];
    let lines = SourceLines::new(&sources);
    let line_of = |file: &str, line: u32| lines.line(file, line);
    out!("{}", report::render(args.common.format, &validated.findings, Some(validated.members.len()), &line_of));
    Ok(exit(finding::is_ok(&validated.findings)))
}
