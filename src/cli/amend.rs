//! `rollcall amend`: record a pull request that changes only `schema/` as
//! one amendment of the rules, approved by the directors.

use super::out::{out, outln};
use super::{CannotRun, exit};
use jiff::civil::Date;
use rollcall::change::amendment::{self, Outcome};
use rollcall::change::approval::Approver;
use rollcall::change::reviews;
use rollcall::change::sign::Signer;
use rollcall::output::report::{self, Format};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct AmendArgs {
    /// The ledger repository.
    #[arg(long, default_value = ".")]
    repo: PathBuf,
    /// The branch events go on.
    #[arg(long, default_value = "main")]
    branch: String,
    /// The pull request's head commit (it changes only files under schema/).
    #[arg(long, value_name = "REV")]
    head: String,
    /// The pull request's number, recorded in the amendment.
    #[arg(long = "pull-request", value_name = "N")]
    number: Option<u64>,
    /// The directors who approved, by GitHub login (comma-separated or repeated).
    #[arg(long, value_name = "LOGIN", value_delimiter = ',', required_unless_present = "reviews")]
    approved_by: Vec<String>,
    /// Take the approvers from GitHub's review list of the pull request
    /// (JSON, as `gh api --paginate --slurp …/reviews` prints it).
    #[arg(long, value_name = "FILE", conflicts_with = "approved_by")]
    reviews: Option<PathBuf>,
    /// The amendment's date (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<Date>,
    /// SSH-sign the amendment's commit with this OpenSSH private key (a
    /// key allowed before it, if it changes a trust anchor).
    #[arg(long, value_name = "KEYFILE")]
    sign: Option<PathBuf>,
    /// Do not run or report this rule (repeatable).
    #[arg(long, value_name = "RULE")]
    skip: Vec<String>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

pub fn run(args: AmendArgs) -> Result<ExitCode, CannotRun> {
    let signer = args.sign.as_deref().map(Signer::from_file).transpose()?;
    let approvers = match &args.reviews {
        Some(path) => reviews::approvers_in_file(&args.repo, path, &args.head)?,
        None => args.approved_by.iter().map(|login| Approver { login: login.clone(), id: None }).collect(),
    };
    let request = amendment::Request {
        branch: args.branch.clone(),
        head: args.head.clone(),
        pull_request: args.number,
        approvers,
        date: args.date.unwrap_or_else(rollcall::util::today),
        skip: args.skip.iter().cloned().collect(),
        gate: rollcall::history::verify::gate,
    };
    let Outcome { findings, recorded } = amendment::amend(&args.repo, &request, signer.as_ref())?;
    let ok = recorded.is_some();
    match args.format {
        Format::Json => {
            let amendment = recorded.as_ref().map(|(a, commit)| json(*commit, a));
            out!("{}", report::json_with(ok, serde_json::json!({ "amendment": amendment }), &findings));
        }
        format => {
            if let Some((a, commit)) = &recorded {
                outln!("recorded: {} ({commit})", a.message().lines().next().unwrap_or_default());
            }
            out!("{}", report::render(format, &findings, None, &|_, _| None));
        }
    }
    Ok(exit(ok))
}

/// An amendment as the JSON reports show it.
pub fn json(commit: git2::Oid, a: &amendment::Amendment) -> serde_json::Value {
    serde_json::json!({
        "commit": commit.to_string(), "kind": a.kind, "date": a.date.to_string(), "changed": a.changed,
        "approvals": a.approvals, "pull_request": a.pull_request,
    })
}
