//! `rollcall board`: the board and the committees on a date, from history.

use super::out::{out, outln};
use super::{CannotRun, HistoryArgs, ListFormat};
use jiff::civil::Date;
use rollcall::history::board;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct BoardArgs {
    #[command(flatten)]
    history: HistoryArgs,
    /// The board of this date (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    format: ListFormat,
}

pub fn run(args: BoardArgs) -> Result<ExitCode, CannotRun> {
    let (repo, tip) = args.history.open()?;
    let board = match board::board(&repo, tip, args.as_of.unwrap_or_else(rollcall::util::today))? {
        Ok(board) => board,
        Err(findings) => return Ok(super::history_findings(args.format, &findings)),
    };
    match args.format {
        ListFormat::Json => outln!("{}", serde_json::to_string_pretty(&board).unwrap_or_default()),
        ListFormat::Csv => out!("{}", board::csv(&board)),
        ListFormat::Human => out!("{}", board::human(&board)),
    }
    Ok(ExitCode::SUCCESS)
}
