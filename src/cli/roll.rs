//! `rollcall roll`: the voting roll on a date, derived from history.

use super::out::{out, outln};
use super::{CannotRun, HistoryArgs, ListFormat};
use jiff::civil::Date;
use rollcall::history::voting;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct RollArgs {
    #[command(flatten)]
    history: HistoryArgs,
    /// The roll of this date (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    format: ListFormat,
}

pub fn run(args: RollArgs) -> Result<ExitCode, CannotRun> {
    let (repo, tip) = args.history.open()?;
    let roll = match voting::roll(&repo, tip, args.as_of.unwrap_or_else(rollcall::util::today))? {
        Ok(roll) => roll,
        Err(findings) => return Ok(super::history_findings(args.format, &findings)),
    };
    match args.format {
        ListFormat::Json => outln!("{}", serde_json::to_string_pretty(&roll).unwrap_or_default()),
        ListFormat::Csv => out!("{}", voting::csv(&roll)),
        ListFormat::Human => out!("{}", voting::human(&roll)),
    }
    Ok(ExitCode::SUCCESS)
}
