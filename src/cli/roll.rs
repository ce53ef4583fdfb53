//! `rollcall roll`: the voting roll on a date, derived from history.

use super::{CannotRun, ListingArgs};
use rollcall::history::voting;
use std::process::ExitCode;

pub fn run(args: ListingArgs) -> Result<ExitCode, CannotRun> {
    args.print(voting::roll, voting::csv, voting::human)
}
