//! `rollcall genesis`: record the ledger's beginning on its branch.

use super::out::{out, outln};
use super::{CannotRun, HistoryArgs, exit};
use jiff::civil::Date;
use rollcall::change::genesis::{self, Genesis, GenesisError};
use rollcall::change::ledger::Branch;
use rollcall::change::sign::Signer;
use rollcall::output::report::{self, Format};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct GenesisArgs {
    #[command(flatten)]
    history: HistoryArgs,
    /// The day the ledger begins (default: today, UTC); no event may be dated before it.
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<Date>,
    /// SSH-sign the genesis commit with this OpenSSH private key.
    #[arg(long, value_name = "KEYFILE")]
    sign: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

pub fn run(args: GenesisArgs) -> Result<ExitCode, CannotRun> {
    let (repo, tip) = args.history.open()?;
    let signer = args.sign.as_deref().map(Signer::from_file).transpose()?;
    let branch = Branch { name: args.history.branch.clone(), tip };
    let date = args.date.unwrap_or_else(rollcall::util::today);
    let (recorded, findings) = match genesis::record(&repo, &branch, date, signer.as_ref()) {
        Ok(recorded) => (Some(recorded), Vec::new()),
        Err(GenesisError::Refused(findings)) => (None, findings),
        Err(GenesisError::Ledger(e)) => return Err(e.into()),
    };
    match args.format {
        Format::Json => {
            let genesis = recorded.as_ref().map(|(commit, g)| json(*commit, g));
            out!("{}", report::json_with(recorded.is_some(), serde_json::json!({ "genesis": genesis }), &findings));
        }
        format => {
            if let Some((commit, g)) = &recorded {
                outln!("genesis: {commit}, the ledger begins on {} with {} members", g.date, g.members);
            }
            out!("{}", report::render(format, &findings, None, &|_, _| None));
        }
    }
    Ok(exit(recorded.is_some()))
}

/// A genesis as the JSON reports show it.
pub fn json(commit: git2::Oid, genesis: &Genesis) -> serde_json::Value {
    serde_json::json!({"commit": commit.to_string(), "date": genesis.date.to_string(), "members": genesis.members})
}
