//! `rollcall check-pr`: judge a pull request under its base's rules.

use super::out::{out, outln};
use super::{CannotRun, CheckingArgs, PullRequestArgs, exit};
use rollcall::change::pull_request;
use rollcall::output::lines::SourceLines;
use rollcall::output::report::{self, Format};
use rollcall::output::summary;
use rollcall::roll::source::Source;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct CheckPrArgs {
    #[command(flatten)]
    common: CheckingArgs,
    /// The branch the pull request targets; its rules judge the change.
    #[arg(long, value_name = "REV")]
    base: String,
    #[command(flatten)]
    pull_request: PullRequestArgs,
    /// Append a Markdown summary to this file (e.g. $GITHUB_STEP_SUMMARY).
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
    /// In the summary, link each finding to its line: this https URL, then
    /// the file's path and #L<line> (e.g. https://github.com/OWNER/REPO/blob/HEAD_SHA).
    #[arg(long, value_name = "URL", value_parser = https_url, requires = "summary")]
    source_url: Option<String>,
}

pub fn run(args: CheckPrArgs) -> Result<ExitCode, CannotRun> {
    let author = args.pull_request.author();
    let options = args.common.options();
    let account = rollcall::election::nomination::Account { github: author.login.clone(), github_id: author.id };
    let date = args.common.as_of.unwrap_or_else(rollcall::util::today);
    if let Some((proposal, findings)) =
        rollcall::history::elections::judge_pr(&args.common.repo, &args.base, &args.pull_request.head, &account, date)?
    {
        let ok = proposal.is_some() && rollcall::finding::is_ok(&findings);
        let what =
            proposal.as_ref().map_or_else(|| "not an election change rollcall can accept".to_owned(), |p| p.describe());
        if let Some(path) = &args.summary {
            append(
                path,
                &summary::render_election(&what, ok, &author, &findings, summary::Links(args.source_url.as_deref())),
            )?;
        }
        match args.common.format {
            Format::Json => out!(
                "{}",
                report::json_with(
                    ok,
                    serde_json::json!({ "change": {"kind": "election", "description": what} }),
                    &findings
                )
            ),
            format => {
                outln!("check-pr: {}: {what}", if ok { "acceptable" } else { "not acceptable" });
                out!("{}", report::render(format, &findings, None, &|_, _| None));
            }
        }
        return Ok(exit(ok));
    }
    let judgement = pull_request::judge(&args.common.repo, &args.base, &args.pull_request.head, &author, &options)?;
    if let Some(path) = &args.summary {
        append(path, &summary::render(&judgement, &author, summary::Links(args.source_url.as_deref())))?;
    }
    let ok = judgement.is_acceptable();
    match args.common.format {
        Format::Json => {
            out!("{}", report::json_with(ok, serde_json::json!({ "change": judgement.change }), &judgement.findings))
        }
        format => {
            let sources: Vec<Source> = [&args.pull_request.head, &args.base]
                .iter()
                .filter_map(|rev| Source::revision(&args.common.repo, rev).ok())
                .collect();
            let lines = SourceLines::new(&sources);
            let line_of = |file: &str, line: u32| lines.line(file, line);
            outln!("check-pr: {}: {}", if ok { "acceptable" } else { "not acceptable" }, judgement.change.describe());
            out!("{}", report::render(format, &judgement.findings, None, &line_of));
        }
    }
    Ok(exit(ok))
}

/// Appends the Markdown summary to `path` (e.g. $GITHUB_STEP_SUMMARY).
fn append(path: &std::path::Path, text: &str) -> Result<(), CannotRun> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| format!("cannot write the summary to {}: {e}", path.display()).into())
}

/// An https URL with nothing a Markdown link could be broken by.
fn https_url(text: &str) -> Result<String, String> {
    let fine = text.starts_with("https://")
        && text.len() <= 2000
        && !text.contains(|c: char| c.is_whitespace() || "()<>[]\"'`".contains(c) || c.is_control());
    if fine { Ok(text.to_owned()) } else { Err("an https:// URL without spaces, quotes or brackets".to_owned()) }
}
