//! `rollcall mirrors check`: the committee's periodic review of the mirror
//! memberships against the foundation's mirror list.

use super::out::{out, outln};
use super::{CannotRun, directory, exit, ledger_dir};
use rollcall::finding;
use rollcall::output::lines::SourceLines;
use rollcall::output::report::{self, Format};
use rollcall::roll::mirrors::{self, Probe};
use rollcall::roll::source::Source;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};

#[derive(clap::Args)]
pub struct MirrorsArgs {
    #[command(subcommand)]
    command: MirrorsCommand,
}

#[derive(clap::Subcommand)]
enum MirrorsCommand {
    /// Every applicant and active mirror member whose definition has gone from the list or is unsound (exit 1 if any).
    Check(CheckArgs),
    /// Print where the policy's mirror list is, `REPOSITORY BRANCH` on one line (nothing if it names none), for a workflow to clone it.
    Where(WhereArgs),
}

#[derive(clap::Args)]
struct WhereArgs {
    /// The ledger repository (default: found from the current directory upward).
    #[arg(long, value_name = "DIR", default_value = "", hide_default_value = true, value_parser = ledger_dir)]
    repo: PathBuf,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// The ledger repository (default: found from the current directory upward).
    #[arg(long, value_name = "DIR", default_value = "", hide_default_value = true, value_parser = ledger_dir)]
    repo: PathBuf,
    /// Check this git revision's roll instead of the work tree's.
    #[arg(long, value_name = "REV")]
    rev: Option<String>,
    /// A checkout of the mirror list the policy's `mirrors:` names.
    #[arg(long, value_name = "DIR", env = "ROLLCALL_MIRRORS", value_parser = directory)]
    mirrors: PathBuf,
    /// Also fetch each mirror's TIME file over https (with curl) and report
    /// one older than 24 hours; a network error is a warning.
    #[arg(long)]
    reachability: bool,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

pub fn run(args: MirrorsArgs) -> Result<ExitCode, CannotRun> {
    match args.command {
        MirrorsCommand::Check(args) => check(args),
        MirrorsCommand::Where(args) => {
            let source = Source::disk(&args.repo)?;
            let config = rollcall::roll::config::load(&source).map_err(|e| match e {
                rollcall::roll::config::ConfigError::Source(e) => e.to_string(),
                rollcall::roll::config::ConfigError::Invalid(findings) => {
                    findings.first().map(|f| format!("{}:{}: {}", f.file, f.line, f.message)).unwrap_or_default()
                }
            })?;
            if let Some(list) = &config.policy.policy.mirrors {
                outln!("{} {}", list.repository, list.branch);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn check(args: CheckArgs) -> Result<ExitCode, CannotRun> {
    let source = match &args.rev {
        Some(rev) => Source::revision(&args.repo, rev)?,
        None => Source::disk(&args.repo)?,
    };
    let probe = args.reachability.then_some(&Curl as &dyn Probe);
    let findings = mirrors::review(&source, &args.mirrors, probe, jiff::Timestamp::now())?;
    let sources = [source];
    let lines = SourceLines::new(&sources);
    let line_of = |file: &str, line: u32| lines.line(file, line);
    out!("{}", report::render(args.format, &findings, None, &line_of));
    Ok(exit(finding::is_ok(&findings)))
}

/// The real client of `--reachability`: the system's curl, https only, a
/// short timeout and a tiny size cap. No HTTP library is linked into
/// rollcall for an optional check.
struct Curl;

impl Probe for Curl {
    fn get(&self, url: &str) -> Result<String, String> {
        const MAX: u64 = 4096;
        let mut child = Command::new("curl")
            .args(["--silent", "--show-error", "--fail", "--location", "--max-time", "15"])
            .args(["--max-filesize", "4096", "--proto", "=https", "--proto-redir", "=https", "--", url])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run curl: {e}"))?;
        let mut body = Vec::new();
        child.stdout.take().map(|s| s.take(MAX).read_to_end(&mut body));
        let mut error = String::new();
        child.stderr.take().map(|s| s.take(MAX).read_to_string(&mut error));
        let status = child.wait().map_err(|e| format!("curl: {e}"))?;
        if !status.success() {
            return Err(error.trim().chars().take(200).collect());
        }
        String::from_utf8(body).map_err(|_| "the answer is not UTF-8".to_owned())
    }
}
