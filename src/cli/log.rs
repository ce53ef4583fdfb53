//! `rollcall log`: the membership events of the ledger's history.

use super::out::out;
use super::{CannotRun, HistoryArgs, ListFormat, exit};
use jiff::civil::Date;
use rollcall::finding;
use rollcall::history::log;
use rollcall::output::report::{self, Format};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct LogArgs {
    #[command(flatten)]
    history: HistoryArgs,
    /// Only this member's events (its id).
    member: Option<String>,
    /// Only events on or after this date.
    #[arg(long, value_name = "YYYY-MM-DD")]
    since: Option<Date>,
    /// Only events on or before this date.
    #[arg(long, value_name = "YYYY-MM-DD")]
    until: Option<Date>,
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    format: ListFormat,
}

pub fn run(args: LogArgs) -> Result<ExitCode, CannotRun> {
    let (repo, tip) = args.history.open()?;
    let query = log::Query { member: args.member.clone(), since: args.since, until: args.until };
    let log = log::log(&repo, tip, &query)?;
    let ok = finding::is_ok(&log.findings);
    match args.format {
        ListFormat::Json => out!("{}", report::log_json(&log)),
        ListFormat::Csv => out!("{}", log::csv(&log.entries)),
        ListFormat::Human => out!("{}", log::human(&log.entries)),
    }
    if args.format != ListFormat::Json && !log.findings.is_empty() {
        eprint!("{}", report::render(Format::Human, &log.findings, None, &|_, _| None));
    }
    Ok(exit(ok))
}
