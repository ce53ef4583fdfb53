//! rollcall: a git-backed membership ledger.
//!
//! Each member is one YAML file under `members/`; the rules are data under
//! `schema/`. This library loads and judges the roll; the `rollcall` binary
//! parses arguments and prints what the library decides.
//!
//! One folder per concept, lowest layer first; a module imports only from its
//! own layer or a lower one (`tests/layers.rs` keeps it so):
//!
//! - [`util`] and [`finding`]: plumbing every layer may use;
//! - [`roll`]: the roll at one tree: files, rules, validation, index;
//! - [`change`]: a change to the roll: pull requests, approvals, merges, events;
//! - [`history`]: the chain of changes: log, roll as of a date, verify, checkpoints;
//! - [`election`]: the count of ranked ballots (BLT files, Meek STV);
//! - [`output`]: how findings and judgements are printed;
//! - [`init`]: a new ledger repository, from the templates under `templates/ledger/`.

pub mod change;
pub mod election;
pub mod finding;
pub mod history;
pub mod init;
pub mod output;
pub mod roll;
pub mod util;
