//! `rollcall merge`: record an approved pull request as one ledger event.

use super::{CannotRun, EventArgs, MirrorArgs, PullRequestArgs};
use rollcall::change::merge;
use rollcall::change::reviews;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct MergeArgs {
    #[command(flatten)]
    event: EventArgs,
    #[command(flatten)]
    pull_request: PullRequestArgs,
    /// The pull request's number, recorded in the event.
    #[arg(long = "pull-request", value_name = "N")]
    number: Option<u64>,
    /// Take the approvers from GitHub's review list of the pull request
    /// (JSON, as `gh api --paginate --slurp …/reviews` prints it): those
    /// whose latest review approves --head.
    #[arg(long, value_name = "FILE", conflicts_with = "approved_by")]
    reviews: Option<PathBuf>,
    #[command(flatten)]
    mirrors: MirrorArgs,
}

pub fn run(args: MergeArgs) -> Result<ExitCode, CannotRun> {
    let signer = args.event.signer()?;
    let pr = merge::PullRequest {
        head: args.pull_request.head.clone(),
        author: args.pull_request.author(),
        number: args.number,
    };
    let mut request = args.event.request();
    request.mirrors = args.mirrors.check();
    if let Some(path) = &args.reviews {
        request.approvers = reviews::approvers_in_file(&args.event.repo, path, &args.pull_request.head)?;
    }
    let outcome = merge::merge(&args.event.repo, &request, &pr, signer.as_ref());
    args.event.report(outcome.map(|o| vec![o]))
}
