//! `rollcall validate`: the whole roll, of the work tree or a revision.

use super::out::out;
use super::{CannotRun, CheckingArgs, exit};
use rollcall::finding;
use rollcall::output::lines::SourceLines;
use rollcall::output::report;
use rollcall::roll::source::Source;
use rollcall::roll::{validate, validate_cache};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    common: CheckingArgs,
    /// Validate this git revision's objects instead of the work tree.
    #[arg(long, value_name = "REV")]
    rev: Option<String>,
    /// Judge every file afresh: neither read nor write the cache of the
    /// last run's per-file results (kept in the repository's git
    /// directory, reused only for files whose content is unchanged).
    #[arg(long)]
    no_cache: bool,
    /// Report only the findings in these member files (a pre-commit hook
    /// passes the changed ones). The whole roll is still judged, so a clash
    /// with another file is reported in the changed one, and a finding in
    /// the rules (outside members/) is always reported; given a file outside
    /// members/ (a rule changed), every finding is.
    #[arg(value_name = "FILE")]
    files: Vec<std::path::PathBuf>,
}

pub fn run(args: ValidateArgs) -> Result<ExitCode, CannotRun> {
    let source = match &args.rev {
        Some(rev) => Source::revision(&args.common.repo, rev)?,
        None => Source::disk(&args.common.repo)?,
    };
    let cache = if args.no_cache { None } else { validate_cache::location(&source) };
    let mut validated = validate::validate(&source, &args.common.options(), cache.as_deref())?;
    let wanted: Vec<String> = args.files.iter().map(|f| relative(&args.common.repo, f)).collect();
    // A change to the rules can touch every member file: then all is reported.
    if !wanted.is_empty() && wanted.iter().all(|f| f.starts_with("members/")) {
        validated.findings.retain(|f| !f.file.starts_with("members/") || wanted.contains(&f.file));
    }
    let sources = [source];
    let lines = SourceLines::new(&sources);
    let line_of = |file: &str, line: u32| lines.line(file, line);
    out!("{}", report::render(args.common.format, &validated.findings, Some(validated.members.len()), &line_of));
    let ok = finding::is_ok(&validated.findings);
    // The process ends with this command: freeing 100,000 member summaries
    // one by one would only delay the exit.
    std::mem::forget(validated.members);
    Ok(exit(ok))
}

/// A file given on the command line as the findings name it: relative to
/// the ledger's root, with slashes.
fn relative(repo: &std::path::Path, file: &std::path::Path) -> String {
    let absolute = |p: &std::path::Path| std::fs::canonicalize(p).ok();
    let inside = match (absolute(repo), absolute(file)) {
        (Some(root), Some(path)) => path.strip_prefix(&root).map(std::path::Path::to_path_buf).ok(),
        _ => None,
    };
    let path = inside.unwrap_or_else(|| file.to_path_buf());
    let text = path.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").unwrap_or(&text).to_owned()
}
