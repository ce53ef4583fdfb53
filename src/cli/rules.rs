//! `rollcall rules`: every rule a finding can name.

use super::CannotRun;
use rollcall::roll::rules::RULES;
use std::process::ExitCode;

pub fn run() -> Result<ExitCode, CannotRun> {
    for rule in RULES {
        println!("{:<40} {}", rule.name, rule.summary);
    }
    println!("{:<40} a member file violates schema/member.schema.json", "schema.<keyword>");
    Ok(ExitCode::SUCCESS)
}
