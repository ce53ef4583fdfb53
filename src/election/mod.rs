//! Elections, as data and as a count: what an election file, a nomination
//! and a published ballot box are, the rules a nomination is judged by,
//! and the count of ranked ballots. Nothing here reads history: the
//! electorate is built from the roll of a date by `history::electorate`,
//! and election events are recorded and replayed by `history::elections`.
//!
//! [`blt`] reads a BLT ballot file as hostile input; [`meek`] counts it by
//! reference Meek STV (or Astra's fixed-quota variant); [`count`] holds the
//! result and prints it for people and for programs. The `rollcall tally`
//! command is a thin layer over [`tally`].

pub mod ballot_box;
pub mod blt;
pub mod count;
pub mod electorate;
pub mod event;
pub mod file;
pub mod fixed;
pub mod meek;
pub mod nomination;

pub use count::{Method, Round, Tally, Tie, TieRule, tie_order};

use crate::finding::Finding;
use std::path::Path;

/// Why a count did not produce a result.
#[derive(Debug)]
pub enum TallyError {
    /// The BLT file has findings.
    Findings(Vec<Finding>),
    /// The count could not run (the file is unreadable, or the tie order
    /// names someone who is not a candidate).
    CannotRun(String),
}

/// Reads the BLT file at `path` and counts it.
pub fn tally(path: &Path, method: Method, tie_order_names: &[String]) -> Result<Tally, TallyError> {
    let election = match blt::read(path) {
        Ok(Ok(election)) => election,
        Ok(Err(findings)) => return Err(TallyError::Findings(findings)),
        Err(e) => return Err(TallyError::CannotRun(format!("cannot read {}: {e}", path.display()))),
    };
    let order = tie_order(&election, tie_order_names).map_err(TallyError::CannotRun)?;
    Ok(meek::count(&election, method, &order))
}
