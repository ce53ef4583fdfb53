//! rollcall: a git-backed membership ledger.
//!
//! Each member is one YAML file under `members/`; the rules are data under
//! `schema/`. This library loads and judges the roll; the `rollcall` binary
//! parses arguments and prints what the library decides.

pub mod apply;
pub mod approval;
pub mod atomic;
pub mod checkpoint;
pub mod codeowners;
pub mod config;
pub mod event;
pub mod finding;
pub mod history;
pub mod index;
pub mod ledger;
pub mod lifecycle;
pub mod log;
pub mod merge;
pub mod neighbours;
pub mod parallel;
pub mod policy;
pub mod pull_request;
pub mod report;
pub mod reviews;
pub mod roll;
pub mod rules;
pub mod schema;
pub mod sign;
pub mod signers;
pub mod source;
pub mod summary;
pub mod validate;
pub mod verify;
pub mod voting;
pub mod yaml;

/// Today's date in UTC: the default `--as-of`.
pub fn today() -> jiff::civil::Date {
    jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date()
}
