//! `rollcall verify`: replay the ledger's history, from its root or from a
//! signed checkpoint.

use super::out::{out, outln};
use super::{CannotRun, HistoryArgs, exit, read_small};
use rollcall::finding::Finding;
use rollcall::history::checkpoint::Verifier;
use rollcall::history::signers::AllowedSigners;
use rollcall::history::verify::{self, Start, Verified};
use rollcall::output::report::{self, Format};
use rollcall::roll::source::Source;
use rollcall::roll::{config, rules, validate};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    history: HistoryArgs,
    /// Start from this signed checkpoint: check that history extends it, then replay what came after.
    #[arg(long, value_name = "FILE")]
    checkpoint: Option<PathBuf>,
    /// The ledger's checkpoint key: a file holding its verifier key (name+id+key) or OpenSSH public key
    /// (repeatable; default: the keys the branch publishes in schema/checkpoint.vkey).
    #[arg(long, value_name = "FILE", requires = "checkpoint")]
    key: Vec<PathBuf>,
    /// A witness whose cosignature the checkpoint must carry: a file holding its verifier key (repeatable).
    #[arg(long, value_name = "FILE", requires = "checkpoint")]
    witness: Vec<PathBuf>,
    /// Do not judge this rule (repeatable): one the events were merged with `--skip`.
    #[arg(long, value_name = "RULE")]
    skip: Vec<String>,
    /// Judge event signatures by this allowed-signers file instead of each commit's schema/allowed_signers.
    #[arg(long, value_name = "FILE")]
    allowed_signers: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

pub fn run(args: VerifyArgs) -> Result<ExitCode, CannotRun> {
    let (repo, tip) = args.history.open()?;
    let signers = match &args.allowed_signers {
        None => None,
        Some(path) => Some(AllowedSigners::parse(&read_small(path, "allowed-signers file")?).map_err(|errors| {
            let lines: Vec<String> = errors.iter().map(|e| format!("{}: {e}", path.display())).collect();
            lines.join("\n")
        })?),
    };
    let start = match &args.checkpoint {
        None => Start::Root,
        Some(path) => {
            let origin = config::origin_at(&repo, tip)?;
            let read_key = |path: &PathBuf| read_small(path, "key file");
            let named = |path: &PathBuf, e: String| format!("{}: {e}", path.display());
            let keys: Vec<Verifier> = if args.key.is_empty() {
                verify::published_keys(&repo, tip)?
            } else {
                let key = |p: &PathBuf| Verifier::ledger_key(&origin, &read_key(p)?).map_err(|e| named(p, e));
                args.key.iter().map(key).collect::<Result<_, String>>()?
            };
            let witness = |p: &PathBuf| Verifier::parse(read_key(p)?.trim()).map_err(|e| named(p, e));
            let witnesses: Vec<Verifier> = args.witness.iter().map(witness).collect::<Result<_, String>>()?;
            let note = read_small(path, "checkpoint")?;
            let given =
                verify::Given { note: &note, file: &path.display().to_string(), keys: &keys, witnesses: &witnesses };
            match verify::extended(&repo, tip, &origin, &given)? {
                Ok(head) => Start::Checkpoint(head),
                Err(findings) => return Ok(print_report(args.format, &findings, None)),
            }
        }
    };
    if !args.skip.is_empty() {
        let tree = repo.find_commit(tip).map_err(|e| e.message().to_owned())?.tree_id();
        let config = config::load(&Source::at(&repo, tree)).ok();
        rules::check_skip(&args.skip, config.as_ref()).map_err(validate::Error::UnknownRule)?;
    }
    let skip = args.skip.iter().cloned().collect();
    let verified = verify::verify(&repo, tip, start, signers.as_ref(), &skip)?;
    Ok(print_report(args.format, &verified.findings, Some(&verified)))
}

fn print_report(format: Format, findings: &[Finding], verified: Option<&Verified>) -> ExitCode {
    let ok = findings.is_empty();
    match format {
        Format::Json => {
            let counts = verified.map(|v| serde_json::json!({"commits": v.commits, "events": v.events}));
            let genesis = verified.and_then(|v| v.genesis.as_ref()).map(|(commit, g)| super::genesis::json(*commit, g));
            let amendments: Vec<serde_json::Value> = verified
                .map(|v| v.amendments.iter().map(|(commit, a)| super::amend::json(*commit, a)).collect())
                .unwrap_or_default();
            let certified: Vec<serde_json::Value> = verified
                .map(|v| {
                    v.certified
                        .iter()
                        .map(|(commit, e)| serde_json::json!({"commit": commit.to_string(), "election": e.election, "date": e.date}))
                        .collect()
                })
                .unwrap_or_default();
            let fields = serde_json::json!({
                "verified": counts, "genesis": genesis, "amendments": amendments, "elections_certified": certified,
            });
            out!("{}", report::json_with(ok, fields, findings));
        }
        format => {
            if let Some((commit, g)) = verified.and_then(|v| v.genesis.as_ref()) {
                outln!("verify: the ledger begins at the genesis {commit}, on {}, with {} members", g.date, g.members);
            }
            for (commit, a) in verified.map(|v| v.amendments.as_slice()).unwrap_or_default() {
                let approvals: Vec<&str> = a.approvals.iter().map(|a| a.login.as_str()).collect();
                outln!(
                    "verify: {} {} on {}, {}, approved by {}",
                    a.kind.as_str(),
                    a.changed.join(", "),
                    a.date,
                    commit,
                    approvals.join(", ")
                );
            }
            for (commit, e) in verified.map(|v| v.certified.as_slice()).unwrap_or_default() {
                outln!(
                    "verify: election {} certified on {}, {commit}, re-counted from its ballots",
                    e.election,
                    e.date
                );
            }
            if let (true, Some(v)) = (ok, verified) {
                let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
                let (commits, events) = (plural(v.commits, "commit"), plural(v.events, "event"));
                outln!("verify: {commits} replayed, {events}, every one legal");
            }
            out!("{}", report::render(format, findings, None, &|_, _| None));
        }
    }
    exit(ok)
}
