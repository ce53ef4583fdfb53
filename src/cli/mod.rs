//! The commands: one module per subcommand, each with its clap `Args` and a
//! `run` that calls the library and prints what it decided. A command that
//! cannot run returns [`CannotRun`] (with `?`); `main` turns that into exit
//! code 2, once.

pub mod amend;
pub mod apply;
pub mod board;
pub mod check_pr;
pub mod checkpoint;
pub mod codeowners;
pub mod completions;
pub mod election;
pub mod export;
pub mod fmt;
pub mod genesis;
pub mod index;
pub mod init;
pub mod lifecycle;
pub mod log;
pub mod merge;
pub mod mirrors;
pub mod out;
pub mod roll;
pub mod rules;
pub mod schema;
pub mod tally;
pub mod validate;
pub mod verify;

use clap::Args;
use jiff::civil::Date;
use out::{out, outln};
use rollcall::change::approval::{Approver, Payment};
use rollcall::change::merge::{MergeError, Outcome, Request};
use rollcall::change::sign::Signer;
use rollcall::finding::Finding;
use rollcall::history::HistoryError;
use rollcall::output::lines::SourceLines;
use rollcall::output::report::{self, Format};
use rollcall::roll::config::{self, Config, ConfigError};
use rollcall::roll::mirrors::MirrorCheck;
use rollcall::roll::source::Source;
use rollcall::roll::validate::Options;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit code 1 of the specification: the ledger or the change is not acceptable.
pub const UNACCEPTABLE: u8 = 1;

/// Why a command could not run (exit code 2). Any error converts to it, so
/// a command's errors travel up with `?`.
pub struct CannotRun {
    message: Option<String>,
}

impl CannotRun {
    /// A command that printed its own report of why it cannot run.
    pub fn reported() -> CannotRun {
        CannotRun { message: None }
    }

    /// What to print on stderr, if anything.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
}

impl<E: std::fmt::Display> From<E> for CannotRun {
    fn from(e: E) -> CannotRun {
        CannotRun { message: Some(e.to_string()) }
    }
}

/// Exit 0 if `ok`, else 1.
pub fn exit(ok: bool) -> ExitCode {
    if ok { ExitCode::SUCCESS } else { ExitCode::from(UNACCEPTABLE) }
}

/// The `--repo` of every command: as given, if it exists; when not given
/// (the empty default), the ledger the current directory is in, found upward
/// as git finds its repository ([`rollcall::roll::source::find_ledger`]).
pub fn ledger_dir(given: &str) -> Result<PathBuf, String> {
    if given.is_empty() {
        return Ok(rollcall::roll::source::find_ledger(Path::new(".")));
    }
    directory(given)
}

/// What every checking command takes.
#[derive(Args)]
pub struct CheckingArgs {
    /// The ledger repository (default: found from the current directory upward).
    #[arg(long, value_name = "DIR", default_value = "", hide_default_value = true, value_parser = ledger_dir)]
    pub repo: PathBuf,
    /// The date expiry is judged against (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<Date>,
    /// Do not run or report this rule (repeatable).
    #[arg(long, value_name = "RULE")]
    pub skip: Vec<String>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[command(flatten)]
    pub mirrors: MirrorArgs,
}

impl CheckingArgs {
    pub fn options(&self) -> Options {
        Options {
            as_of: self.as_of.unwrap_or_else(rollcall::util::today),
            skip: self.skip.iter().cloned().collect(),
            mirrors: self.mirrors.check(),
        }
    }
}

/// The checkout of the foundation's mirror list, for the commands that
/// check mirror memberships against it.
#[derive(Args)]
pub struct MirrorArgs {
    /// A checkout of the mirror list the policy's `mirrors:` names (without
    /// it, mirror memberships are not checked, and one notice says so).
    #[arg(long, value_name = "DIR", env = "ROLLCALL_MIRRORS", value_parser = directory)]
    pub mirrors: Option<PathBuf>,
}

impl MirrorArgs {
    pub fn check(&self) -> MirrorCheck {
        MirrorCheck::given(self.mirrors.clone())
    }
}

/// A directory given as an argument: it must exist.
pub fn directory(given: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(given);
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_dir() => Ok(path),
        Ok(_) => Err(format!("{given} is not a directory")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(format!("{given} does not exist")),
        Err(e) => Err(format!("cannot read {given}: {e}")),
    }
}

/// What every command that reads the ledger's history takes.
#[derive(Args)]
pub struct HistoryArgs {
    /// The ledger repository (default: found from the current directory upward).
    #[arg(long, value_name = "DIR", default_value = "", hide_default_value = true, value_parser = ledger_dir)]
    pub repo: PathBuf,
    /// The branch whose history is the ledger.
    #[arg(long, default_value = "main")]
    pub branch: String,
}

impl HistoryArgs {
    pub fn open(&self) -> Result<(git2::Repository, git2::Oid), String> {
        let repo = git2::Repository::open(&self.repo)
            .map_err(|e| format!("{} is not a git repository: {}", self.repo.display(), e.message()))?;
        let tip = rollcall::change::ledger::Branch::open(&repo, &self.branch).map_err(|e| e.to_string())?.tip;
        Ok((repo, tip))
    }
}

/// How a listing command prints.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
    Csv,
}

impl ListFormat {
    /// Prints `listed` as JSON, or as `csv` or `human` render it.
    pub fn print<T: serde::Serialize>(self, listed: &T, csv: fn(&T) -> String, human: fn(&T) -> String) -> ExitCode {
        match self {
            ListFormat::Json => outln!("{}", serde_json::to_string_pretty(listed).unwrap_or_default()),
            ListFormat::Csv => out!("{}", csv(listed)),
            ListFormat::Human => out!("{}", human(listed)),
        }
        ExitCode::SUCCESS
    }
}

/// What a command that lists the ledger as it stood on a date takes
/// (`roll`, `board`).
#[derive(Args)]
pub struct ListingArgs {
    #[command(flatten)]
    history: HistoryArgs,
    /// The ledger as it stood on this date (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    format: ListFormat,
}

impl ListingArgs {
    /// Prints what `list` reads from the history on the date (see
    /// [`ListFormat::print`]); the history's findings instead, exit 1.
    pub fn print<T: serde::Serialize>(
        &self,
        list: impl FnOnce(&git2::Repository, git2::Oid, Date) -> Result<Result<T, Vec<Finding>>, HistoryError>,
        csv: fn(&T) -> String,
        human: fn(&T) -> String,
    ) -> Result<ExitCode, CannotRun> {
        let (repo, tip) = self.history.open()?;
        Ok(match list(&repo, tip, self.as_of.unwrap_or_else(rollcall::util::today))? {
            Ok(listed) => self.format.print(&listed, csv, human),
            Err(findings) => history_findings(self.format, &findings),
        })
    }
}

/// The pull request `check-pr` judges and `merge` records.
#[derive(Args)]
pub struct PullRequestArgs {
    /// The pull request's head commit (fetched as objects, never checked out).
    #[arg(long, value_name = "REV")]
    pub head: String,
    /// The login of the pull request's author.
    #[arg(long, value_name = "LOGIN")]
    pub author: String,
    /// The numeric GitHub account id of the pull request's author.
    #[arg(long, value_name = "ID")]
    pub author_id: u64,
}

impl PullRequestArgs {
    pub fn author(&self) -> rollcall::change::pull_request::Author {
        rollcall::change::pull_request::Author { login: self.author.clone(), id: self.author_id }
    }
}

/// What every command that records ledger events takes.
#[derive(Args)]
pub struct EventArgs {
    /// The ledger repository (default: found from the current directory upward).
    #[arg(long, value_name = "DIR", default_value = "", hide_default_value = true, value_parser = ledger_dir)]
    pub repo: PathBuf,
    /// The branch events go on.
    #[arg(long, default_value = "main")]
    pub branch: String,
    /// Who approved, by GitHub login (comma-separated or repeated).
    #[arg(long, value_name = "LOGIN", value_delimiter = ',')]
    pub approved_by: Vec<String>,
    /// The payment the committee records, in USD.
    #[arg(long, value_name = "AMOUNT", requires = "payment_reference")]
    pub payment_usd: Option<u64>,
    /// The payment's reference (an invoice or agreement number).
    #[arg(long, value_name = "TEXT", requires = "payment_usd")]
    pub payment_reference: Option<String>,
    /// `cash`, `in-kind` or `fte` (default: the sponsorship's own).
    #[arg(long, value_name = "KIND", value_parser = ["cash", "in-kind", "fte"], requires = "payment_usd")]
    pub payment_kind: Option<String>,
    /// The event's date (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<Date>,
    /// SSH-sign the event's commit with this OpenSSH private key.
    #[arg(long, value_name = "KEYFILE")]
    pub sign: Option<PathBuf>,
    /// Do not run or report this rule (repeatable).
    #[arg(long, value_name = "RULE")]
    pub skip: Vec<String>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

impl EventArgs {
    pub fn request(&self) -> Request {
        let payment = self.payment_usd.map(|amount_usd| Payment {
            amount_usd,
            reference: self.payment_reference.clone().unwrap_or_default(),
            kind: self.payment_kind.clone(),
        });
        Request {
            branch: self.branch.clone(),
            approvers: self.approved_by.iter().map(|login| Approver { login: login.clone(), id: None }).collect(),
            payment,
            date: self.date.unwrap_or_else(rollcall::util::today),
            skip: self.skip.iter().cloned().collect(),
            gate: rollcall::history::verify::gate,
            mirrors: MirrorCheck::Off,
        }
    }

    /// The key that signs the events, if `--sign` names one.
    pub fn signer(&self) -> Result<Option<Signer>, CannotRun> {
        Ok(self.sign.as_deref().map(Signer::from_file).transpose()?)
    }

    /// Prints the events recorded and every finding; exit 1 if any event was refused.
    pub fn report(&self, outcomes: Result<Vec<Outcome>, MergeError>) -> Result<ExitCode, CannotRun> {
        let outcomes = outcomes?;
        let ok = outcomes.iter().all(|o| o.recorded.is_some());
        let findings: Vec<_> = outcomes.iter().flat_map(|o| o.findings.iter().cloned()).collect();
        let events: Vec<serde_json::Value> = outcomes
            .iter()
            .filter_map(|o| o.recorded.as_ref())
            .map(|(event, commit)| {
                serde_json::json!({
                    "kind": event.kind, "member": event.member, "file": event.file,
                    "member_number": event.member_number, "date": event.date.to_string(), "commit": commit.to_string(),
                })
            })
            .collect();
        match self.format {
            Format::Json => out!("{}", report::json_with(ok, serde_json::json!({ "events": events }), &findings)),
            format => {
                for (event, commit) in outcomes.iter().filter_map(|o| o.recorded.as_ref()) {
                    outln!("recorded: {} ({commit})", event.message().lines().next().unwrap_or_default());
                }
                if outcomes.is_empty() {
                    outln!("no event to record");
                }
                if ok
                    && !outcomes.is_empty()
                    && rollcall::change::ledger::branch_is_checked_out(&self.repo, &self.branch)
                {
                    outln!(
                        "note: {} moved, your checkout of it did not: `git stash` any local change, then `git reset --hard {}`",
                        self.branch,
                        self.branch
                    );
                }
                let sources: Vec<Source> = Source::revision(&self.repo, &self.branch).into_iter().collect();
                let lines = SourceLines::new(&sources);
                let line_of = |file: &str, line: u32| lines.line(file, line);
                out!("{}", report::render(format, &findings, None, &line_of));
            }
        }
        Ok(exit(ok))
    }
}

/// The rules in the ledger's work tree, for a command that prints what it
/// makes of them; `None` once their findings are printed (exit 1).
pub fn work_tree_rules(repo: &Path) -> Result<Option<Config>, CannotRun> {
    match config::load(&Source::disk(repo)?) {
        Ok(config) => Ok(Some(config)),
        Err(ConfigError::Invalid(findings)) => {
            out!("{}", report::render(Format::Human, &findings, None, &|_, _| None));
            Ok(None)
        }
        Err(ConfigError::Source(e)) => Err(e.into()),
    }
}

/// Files given to rollcall that are not the ledger's: small, and read whole.
pub fn read_small(path: &Path, what: &str) -> Result<String, String> {
    const MAX: u64 = 1024 * 1024;
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read the {what} {}: {e}", path.display()))?;
    if !meta.is_file() || meta.len() > MAX {
        return Err(format!("the {what} {} is not a file of at most {MAX} bytes", path.display()));
    }
    std::fs::read_to_string(path).map_err(|e| format!("cannot read the {what} {}: {e}", path.display()))
}

/// A history command's findings where its answer would be (JSON), or on
/// stderr: exit 1.
pub fn history_findings(format: ListFormat, findings: &[Finding]) -> ExitCode {
    match format {
        ListFormat::Json => out!("{}", report::json_with(false, serde_json::json!({}), findings)),
        _ => eprint!("{}", report::render(Format::Human, findings, None, &|_, _| None)),
    }
    exit(false)
}
