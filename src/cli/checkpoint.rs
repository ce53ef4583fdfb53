//! `rollcall checkpoint`: sign a checkpoint of the ledger's head, or
//! cosign one as a witness.

use super::out::{out, outln};
use super::{CannotRun, HistoryArgs, read_small};
use rollcall::history::checkpoint::{self, NoteSigner};
use rollcall::history::verify;
use rollcall::roll::config;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct CheckpointArgs {
    #[command(flatten)]
    history: HistoryArgs,
    /// The OpenSSH ed25519 private key that signs (the ledger's, or a witness's with --cosign).
    #[arg(long, value_name = "KEYFILE")]
    sign: PathBuf,
    /// The signer's name (default: the ledger's origin, from the policy).
    #[arg(long)]
    name: Option<String>,
    /// The commit to checkpoint (default: the branch's tip).
    #[arg(long, value_name = "REV")]
    rev: Option<String>,
    /// As a witness: add a cosignature to this checkpoint (check it first with `rollcall verify --checkpoint`).
    #[arg(long, value_name = "FILE", conflicts_with = "rev")]
    cosign: Option<PathBuf>,
    /// Print the key's verifier key (what a foundation publishes) instead of a checkpoint.
    #[arg(long, conflicts_with_all = ["rev", "cosign"])]
    vkey: bool,
    /// With --vkey: print the key as a witness's cosignature key (type 0x04), for `verify --witness`.
    #[arg(long, requires = "vkey")]
    witness: bool,
}

pub fn run(args: CheckpointArgs) -> Result<ExitCode, CannotRun> {
    let (repo, tip) = args.history.open()?;
    let head = match &args.rev {
        None => tip,
        Some(rev) => repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map_err(|e| format!("cannot read --rev {rev:?}: {}", e.message()))?
            .id(),
    };
    let origin = config::origin_at(&repo, head)?;
    let name = args.name.clone().unwrap_or_else(|| origin.clone());
    let signer = NoteSigner::from_file(&name, &args.sign)?;
    if args.vkey {
        let verifier = if args.witness { signer.witness_verifier() } else { signer.verifier() };
        outln!("{}", verifier.vkey());
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(path) = &args.cosign {
        let note = read_small(path, "checkpoint")?;
        let now = jiff::Timestamp::now().as_second().max(0) as u64;
        let cosigned = checkpoint::cosign(&note, &signer, now).map_err(|e| format!("{}: {e}", path.display()))?;
        out!("{cosigned}");
        return Ok(ExitCode::SUCCESS);
    }
    let checkpoint = verify::checkpoint_of(&repo, tip, head, &origin)?;
    out!("{}", checkpoint::sign(&checkpoint, &signer));
    Ok(ExitCode::SUCCESS)
}
