//! `rollcall codeowners`: .github/CODEOWNERS as the policy's maintainers call for it.

use super::out::out;
use super::{CannotRun, exit};
use rollcall::output::codeowners::{self, CODEOWNERS_FILE};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct CodeownersArgs {
    /// The ledger repository (default: found from the current directory upward).
    #[arg(long, value_name = "DIR", default_value = "", hide_default_value = true, value_parser = super::ledger_dir)]
    repo: PathBuf,
    /// Compare with the repository's file instead: exit 1 if it differs.
    #[arg(long)]
    check: bool,
}

pub fn run(args: CodeownersArgs) -> Result<ExitCode, CannotRun> {
    let Some(config) = super::work_tree_rules(&args.repo)? else { return Ok(exit(false)) };
    let wanted = codeowners::render(&config.policy.policy);
    if !args.check {
        out!("{wanted}");
        return Ok(ExitCode::SUCCESS);
    }
    match std::fs::read_to_string(args.repo.join(CODEOWNERS_FILE)) {
        Ok(current) if current == wanted => Ok(ExitCode::SUCCESS),
        _ => {
            eprintln!(
                "{CODEOWNERS_FILE} does not match the policy's maintainers; regenerate it: rollcall codeowners > {CODEOWNERS_FILE}"
            );
            Ok(exit(false))
        }
    }
}
