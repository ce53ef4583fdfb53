//! `rollcall board`: the board and the committees on a date, from history.

use super::{CannotRun, ListingArgs};
use rollcall::history::board;
use std::process::ExitCode;

pub fn run(args: ListingArgs) -> Result<ExitCode, CannotRun> {
    args.print(board::board, board::csv, board::human)
}
