//! `rollcall rules`: every rule a finding can name.

use super::CannotRun;
use super::out::outln;
use rollcall::roll::rules::RULES;
use std::process::ExitCode;

pub fn run() -> Result<ExitCode, CannotRun> {
    for rule in RULES {
        outln!("{:<40} {}", rule.name, rule.summary);
    }
    outln!("{:<40} a member file violates schema/member.schema.json", "schema.<keyword>");
    Ok(ExitCode::SUCCESS)
}
