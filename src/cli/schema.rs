//! `rollcall schema [--editor]`: the ledger's member schema, or its
//! rendering for editors (draft-07, the policy's tiers offered).

use super::out::out;
use super::{CannotRun, exit};
use rollcall::output::editor_schema;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct SchemaArgs {
    /// The ledger repository (default: found from the current directory upward).
    #[arg(long, value_name = "DIR", default_value = "", hide_default_value = true, value_parser = super::ledger_dir)]
    repo: PathBuf,
    /// The form editors read (JSON Schema draft-07, for yaml-language-server), as .vscode/member.schema.json holds it.
    #[arg(long)]
    editor: bool,
}

pub fn run(args: SchemaArgs) -> Result<ExitCode, CannotRun> {
    let Some(config) = super::work_tree_rules(&args.repo)? else { return Ok(exit(false)) };
    if args.editor {
        out!("{}", editor_schema::render(config.schema.source(), &config.policy.policy));
    } else {
        out!("{}\n", serde_json::to_string_pretty(config.schema.source())?);
    }
    Ok(ExitCode::SUCCESS)
}
