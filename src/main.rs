//! The `rollcall` command line: parses arguments, calls the library, prints.

use clap::{Parser, Subcommand};
use jiff::civil::Date;
use rollcall::change::apply;
use rollcall::change::approval::{Approver, Payment};
use rollcall::change::event::Kind;
use rollcall::change::lifecycle::Termination;
use rollcall::change::merge::{self, Outcome};
use rollcall::change::pull_request::{self, Author};
use rollcall::change::sign::Signer;
use rollcall::output::codeowners;
use rollcall::output::report::{self, Format};
use rollcall::output::summary;
use rollcall::roll::config;
use rollcall::roll::index;
use rollcall::roll::rules;
use rollcall::roll::source::Source;
use rollcall::roll::validate::{self, Options};
use rollcall::roll::yaml;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// The loader allocates many small strings per file; mimalloc makes that
// markedly cheaper than the system allocator (see the README's benchmark).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A git-backed membership ledger.
#[derive(Parser)]
#[command(name = "rollcall", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check every member file against the schema, the tier rules and the cross-file rules.
    Validate(ValidateArgs),
    /// Judge a pull request as a membership application, under the base's rules.
    CheckPr(CheckPrArgs),
    /// Write your application file: asks for what your tier needs (or takes flags) and checks every answer.
    Apply(Box<ApplyArgs>),
    /// Print .github/CODEOWNERS as the policy's maintainers call for it.
    Codeowners {
        /// The ledger repository.
        #[arg(long, default_value = ".")]
        repo: PathBuf,
        /// Compare with the repository's file instead: exit 1 if it differs.
        #[arg(long)]
        check: bool,
    },
    /// Write roll.index (who is who, for check-pr) from the work tree's roll.
    Index {
        /// The ledger repository.
        #[arg(long, default_value = ".")]
        repo: PathBuf,
        /// Compare with the repository's file instead: exit 1 if it differs.
        #[arg(long)]
        check: bool,
        /// With --check: a stale index (files added or changed since) is only
        /// a warning; an index edited by hand still fails.
        #[arg(long, requires = "check")]
        stale_ok: bool,
    },
    /// Merge an approved pull request onto the branch as one ledger event.
    Merge(MergeArgs),
    /// Renew a membership: its term extends from the previous expiry.
    Renew(MemberEventArgs),
    /// Record a member's resignation.
    Resign(MemberEventArgs),
    /// Record the board's termination of a membership.
    Terminate(TerminateArgs),
    /// Readmit a lapsed or resigned member, with its old member number.
    Readmit(MemberEventArgs),
    /// Move an active member to another tier.
    ChangeTier(ChangeTierArgs),
    /// Lapse every active membership whose term ended before --as-of (one event each).
    Expire(ExpireArgs),
    /// The voting roll on a date, derived from history: each member's votes and the quorum.
    Roll(RollArgs),
    /// The membership events of the ledger's history, newest first, each checked against its commit.
    Log(LogArgs),
    /// Replay the ledger's history and check that every event on it was legal.
    Verify(VerifyArgs),
    /// Print a signed checkpoint (C2SP signed note) of the ledger's head, or cosign one as a witness.
    Checkpoint(CheckpointArgs),
    /// List every rule a finding can name.
    Rules,
    /// Rewrite member files in the canonical layout (the values are kept).
    Fmt {
        /// Member files to rewrite.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// What every checking command takes.
#[derive(clap::Args)]
struct CheckingArgs {
    /// The ledger repository.
    #[arg(long, default_value = ".")]
    repo: PathBuf,
    /// The date expiry is judged against (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
    /// Do not run or report this rule (repeatable).
    #[arg(long, value_name = "RULE")]
    skip: Vec<String>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

impl CheckingArgs {
    fn options(&self) -> Options {
        Options { as_of: self.as_of.unwrap_or_else(rollcall::util::today), skip: self.skip.iter().cloned().collect() }
    }
}

#[derive(clap::Args)]
struct ValidateArgs {
    #[command(flatten)]
    common: CheckingArgs,
    /// Validate this git revision's objects instead of the work tree.
    #[arg(long, value_name = "REV")]
    rev: Option<String>,
}

#[derive(clap::Args)]
struct CheckPrArgs {
    #[command(flatten)]
    common: CheckingArgs,
    /// The branch the pull request targets; its rules judge the change.
    #[arg(long, value_name = "REV")]
    base: String,
    #[command(flatten)]
    pull_request: PullRequestArgs,
    /// Append a Markdown summary to this file (e.g. $GITHUB_STEP_SUMMARY).
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
}

/// What every command that reads the ledger's history takes.
#[derive(clap::Args)]
struct HistoryArgs {
    /// The ledger repository.
    #[arg(long, default_value = ".")]
    repo: PathBuf,
    /// The branch whose history is the ledger.
    #[arg(long, default_value = "main")]
    branch: String,
}

impl HistoryArgs {
    fn open(&self) -> Result<(git2::Repository, git2::Oid), String> {
        let repo = git2::Repository::open(&self.repo)
            .map_err(|e| format!("{} is not a git repository: {}", self.repo.display(), e.message()))?;
        let tip = rollcall::change::ledger::Branch::open(&repo, &self.branch).map_err(|e| e.to_string())?.tip;
        Ok((repo, tip))
    }
}

/// How a listing command prints.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ListFormat {
    Human,
    Json,
    Csv,
}

#[derive(clap::Args)]
struct LogArgs {
    #[command(flatten)]
    history: HistoryArgs,
    /// Only this member's events (its id).
    member: Option<String>,
    /// Only events on or after this date.
    #[arg(long, value_name = "YYYY-MM-DD")]
    since: Option<Date>,
    /// Only events on or before this date.
    #[arg(long, value_name = "YYYY-MM-DD")]
    until: Option<Date>,
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    format: ListFormat,
}

#[derive(clap::Args)]
struct RollArgs {
    #[command(flatten)]
    history: HistoryArgs,
    /// The roll of this date (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    format: ListFormat,
}

#[derive(clap::Args)]
struct VerifyArgs {
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

#[derive(clap::Args)]
struct CheckpointArgs {
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
}

/// What every command that records ledger events takes.
#[derive(clap::Args)]
struct EventArgs {
    /// The ledger repository.
    #[arg(long, default_value = ".")]
    repo: PathBuf,
    /// The branch events go on.
    #[arg(long, default_value = "main")]
    branch: String,
    /// Who approved, by GitHub login (comma-separated or repeated).
    #[arg(long, value_name = "LOGIN", value_delimiter = ',')]
    approved_by: Vec<String>,
    /// The payment the committee records, in USD.
    #[arg(long, value_name = "AMOUNT", requires = "payment_reference")]
    payment_usd: Option<u64>,
    /// The payment's reference (an invoice or agreement number).
    #[arg(long, value_name = "TEXT", requires = "payment_usd")]
    payment_reference: Option<String>,
    /// `cash`, `in-kind` or `fte` (default: the sponsorship's own).
    #[arg(long, value_name = "KIND", value_parser = ["cash", "in-kind", "fte"], requires = "payment_usd")]
    payment_kind: Option<String>,
    /// The event's date (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<Date>,
    /// SSH-sign the event's commit with this OpenSSH private key.
    #[arg(long, value_name = "KEYFILE")]
    sign: Option<PathBuf>,
    /// Do not run or report this rule (repeatable).
    #[arg(long, value_name = "RULE")]
    skip: Vec<String>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

impl EventArgs {
    fn request(&self) -> merge::Request {
        let payment = self.payment_usd.map(|amount_usd| Payment {
            amount_usd,
            reference: self.payment_reference.clone().unwrap_or_default(),
            kind: self.payment_kind.clone(),
        });
        merge::Request {
            branch: self.branch.clone(),
            approvers: self.approved_by.iter().map(|login| Approver { login: login.clone(), id: None }).collect(),
            payment,
            date: self.date.unwrap_or_else(rollcall::util::today),
            skip: self.skip.iter().cloned().collect(),
        }
    }
}

/// The pull request `check-pr` judges and `merge` records.
#[derive(clap::Args)]
struct PullRequestArgs {
    /// The pull request's head commit (fetched as objects, never checked out).
    #[arg(long, value_name = "REV")]
    head: String,
    /// The login of the pull request's author.
    #[arg(long, value_name = "LOGIN")]
    author: String,
    /// The numeric GitHub account id of the pull request's author.
    #[arg(long, value_name = "ID")]
    author_id: u64,
}

impl PullRequestArgs {
    fn author(&self) -> Author {
        Author { login: self.author.clone(), id: self.author_id }
    }
}

#[derive(clap::Args)]
struct MergeArgs {
    #[command(flatten)]
    event: EventArgs,
    #[command(flatten)]
    pull_request: PullRequestArgs,
    /// The pull request's number, recorded in the event.
    #[arg(long = "pull-request", value_name = "N")]
    number: Option<u64>,
    /// Take the approvers from GitHub's review list of the pull request
    /// (JSON, as `gh api --paginate --slurp …/reviews` prints it): those
    /// whose latest review approves --head.
    #[arg(long, value_name = "FILE", conflicts_with = "approved_by")]
    reviews: Option<PathBuf>,
}

#[derive(clap::Args)]
struct MemberEventArgs {
    #[command(flatten)]
    event: EventArgs,
    /// The member's id.
    member: String,
}

#[derive(clap::Args)]
struct TerminateArgs {
    #[command(flatten)]
    event: EventArgs,
    /// The member's id.
    member: String,
    /// The board's recorded reason.
    #[arg(long)]
    reason: String,
    /// When the member was given notice.
    #[arg(long, value_name = "YYYY-MM-DD")]
    notice_date: Date,
}

#[derive(clap::Args)]
struct ChangeTierArgs {
    #[command(flatten)]
    event: EventArgs,
    /// The member's id.
    member: String,
    /// The tier to move to.
    #[arg(long)]
    tier: String,
}

#[derive(clap::Args)]
struct ExpireArgs {
    #[command(flatten)]
    event: EventArgs,
    /// Lapse memberships whose term ended before this date (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
}

/// The answers of `rollcall apply`; at a terminal, it asks for the ones not given.
/// An answer may start with a hyphen: what it may hold is the schema's
/// business, and its findings say so.
#[derive(clap::Args)]
struct ApplyArgs {
    /// The ledger repository.
    #[arg(long, default_value = ".")]
    repo: PathBuf,
    /// The membership tier (schema/policy.yaml lists them).
    #[arg(long, allow_hyphen_values = true)]
    tier: Option<String>,
    /// `person` or `organization` (default: the only kind the tier allows).
    #[arg(long, allow_hyphen_values = true)]
    kind: Option<String>,
    /// The membership's id (default for a person: the GitHub login in lowercase).
    #[arg(long, allow_hyphen_values = true)]
    id: Option<String>,
    /// The public name of the person or organization.
    #[arg(long, allow_hyphen_values = true)]
    name: Option<String>,
    /// ISO 3166-1 alpha-2 country code, e.g. DE.
    #[arg(long, allow_hyphen_values = true)]
    country: Option<String>,
    /// A person's GitHub login.
    #[arg(long, value_name = "LOGIN", allow_hyphen_values = true)]
    github: Option<String>,
    /// A person's numeric GitHub account id.
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    github_id: Option<String>,
    /// The organization a membership belongs to (default: the id).
    #[arg(long, allow_hyphen_values = true)]
    organization: Option<String>,
    /// An organization's https:// website.
    #[arg(long, value_name = "URL", allow_hyphen_values = true)]
    website: Option<String>,
    /// The GitHub login of an organization's representative.
    #[arg(long, value_name = "LOGIN", allow_hyphen_values = true)]
    representative: Option<String>,
    /// The representative's numeric GitHub account id.
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    representative_id: Option<String>,
    /// Contributions: a summary (individual tier).
    #[arg(long, allow_hyphen_values = true)]
    summary: Option<String>,
    /// Contributions: an https:// link (repeatable).
    #[arg(long, value_name = "URL", allow_hyphen_values = true)]
    link: Vec<String>,
    /// Mirror: its host name.
    #[arg(long, allow_hyphen_values = true)]
    hostname: Option<String>,
    /// Mirror: a link to its accepted definition.
    #[arg(long, value_name = "URL", allow_hyphen_values = true)]
    definition: Option<String>,
    /// Sponsorship: `cash`, `in-kind` or `fte`.
    #[arg(long, allow_hyphen_values = true)]
    contribution: Option<String>,
    /// Sponsorship: the yearly amount in US dollars.
    #[arg(long, value_name = "USD", allow_hyphen_values = true)]
    amount_usd: Option<String>,
    /// Sponsorship: the number of full-time engineers.
    #[arg(long, allow_hyphen_values = true)]
    fte: Option<String>,
    /// Sponsorship: what it consists of.
    #[arg(long, allow_hyphen_values = true)]
    details: Option<String>,
    /// Hide the membership from every public export.
    #[arg(long)]
    unlisted: bool,
    /// Never prompt, even at a terminal: a missing answer is an error.
    #[arg(long)]
    no_input: bool,
}

impl ApplyArgs {
    fn given(&self) -> apply::Given {
        let mut given = apply::Given::default();
        let answers = [
            ("tier", &self.tier),
            ("kind", &self.kind),
            ("id", &self.id),
            ("name", &self.name),
            ("country", &self.country),
            ("github", &self.github),
            ("github-id", &self.github_id),
            ("organization", &self.organization),
            ("website", &self.website),
            ("representative", &self.representative),
            ("representative-id", &self.representative_id),
            ("summary", &self.summary),
            ("hostname", &self.hostname),
            ("definition", &self.definition),
            ("contribution", &self.contribution),
            ("amount-usd", &self.amount_usd),
            ("fte", &self.fte),
            ("details", &self.details),
        ];
        for (flag, answer) in answers {
            if let Some(answer) = answer {
                given.add(flag, answer.clone());
            }
        }
        self.link.iter().for_each(|link| given.add("link", link.clone()));
        if self.unlisted {
            given.add("unlisted", "yes");
        }
        given
    }
}

/// Exit codes of the specification.
const UNACCEPTABLE: u8 = 1;
const CANNOT_RUN: u8 = 2;

fn main() -> ExitCode {
    // Every object rollcall reads was hash-checked when git received it
    // (index-pack checks every fetched object); hashing each again on
    // every read was a quarter of a merge's time at 100,000 members.
    git2::opts::strict_hash_verification(false);
    let cli = Cli::parse();
    // Reading history touches each commit once: libgit2's object cache
    // would only hold 100,000 parsed commits in memory for nothing.
    if matches!(cli.command, Command::Log(_) | Command::Roll(_) | Command::Verify(_) | Command::Checkpoint(_)) {
        git2::opts::enable_caching(false);
    }
    // An audit trusts no object it has not hashed: a byte changed on disk
    // is refused, not replayed.
    if matches!(cli.command, Command::Verify(_) | Command::Checkpoint(_)) {
        git2::opts::strict_hash_verification(true);
    }
    match cli.command {
        Command::Validate(args) => validate_command(args),
        Command::CheckPr(args) => check_pr_command(args),
        Command::Merge(args) => merge_command(args),
        Command::Renew(args) => member_event(args.event, args.member, Kind::Renew, None, None),
        Command::Resign(args) => member_event(args.event, args.member, Kind::Resign, None, None),
        Command::Readmit(args) => member_event(args.event, args.member, Kind::Readmit, None, None),
        Command::Terminate(args) => {
            let termination = Termination { reason: args.reason, notice_date: args.notice_date };
            member_event(args.event, args.member, Kind::Terminate, Some(termination), None)
        }
        Command::ChangeTier(args) => member_event(args.event, args.member, Kind::ChangeTier, None, Some(args.tier)),
        Command::Expire(mut args) => {
            args.event.date = args.as_of.or(args.event.date);
            expire_command(args.event)
        }
        Command::Apply(args) => apply_command(&args),
        Command::Log(args) => log_command(&args),
        Command::Roll(args) => roll_command(&args),
        Command::Verify(args) => verify_command(&args),
        Command::Checkpoint(args) => checkpoint_command(&args),
        Command::Rules => {
            for rule in rules::RULES {
                println!("{:<40} {}", rule.name, rule.summary);
            }
            println!("{:<40} a member file violates schema/member.schema.json", "schema.<keyword>");
            ExitCode::SUCCESS
        }
        Command::Fmt { files } => fmt_command(&files),
        Command::Codeowners { repo, check } => codeowners_command(&repo, check),
        Command::Index { repo, check, stale_ok } => index_command(&repo, check, stale_ok),
    }
}

fn cannot_run(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("rollcall: {message}");
    ExitCode::from(CANNOT_RUN)
}

fn validate_command(args: ValidateArgs) -> ExitCode {
    let source = match &args.rev {
        Some(rev) => Source::revision(&args.common.repo, rev),
        None => Source::disk(&args.common.repo),
    };
    let source = match source {
        Ok(source) => source,
        Err(e) => return cannot_run(e),
    };
    let options = args.common.options();
    let validated = match validate::validate(&source, &options) {
        Ok(v) => v,
        Err(e) => return cannot_run(e),
    };
    let sources = [source];
    let lines = SourceLines::new(&sources);
    let line_of = |file: &str, line: u32| lines.line(file, line);
    print!("{}", report::render(args.common.format, &validated.findings, Some(validated.members.len()), &line_of));
    if rollcall::finding::is_ok(&validated.findings) { ExitCode::SUCCESS } else { ExitCode::from(UNACCEPTABLE) }
}

fn check_pr_command(args: CheckPrArgs) -> ExitCode {
    let author = args.pull_request.author();
    let options = args.common.options();
    let judgement = match pull_request::judge(&args.common.repo, &args.base, &args.pull_request.head, &author, &options)
    {
        Ok(j) => j,
        Err(e) => return cannot_run(e),
    };
    if let Some(path) = &args.summary {
        let text = summary::render(&judgement, &author);
        let written = std::fs::OpenOptions::new().create(true).append(true).open(path).and_then(|mut f| {
            use std::io::Write;
            f.write_all(text.as_bytes())
        });
        if let Err(e) = written {
            return cannot_run(format!("cannot write the summary to {}: {e}", path.display()));
        }
    }
    let ok = judgement.is_acceptable();
    match args.common.format {
        Format::Json => {
            print!("{}", report::json_with(ok, serde_json::json!({ "change": judgement.change }), &judgement.findings))
        }
        format => {
            let sources: Vec<Source> = [&args.pull_request.head, &args.base]
                .iter()
                .filter_map(|rev| Source::revision(&args.common.repo, rev).ok())
                .collect();
            let lines = SourceLines::new(&sources);
            let line_of = |file: &str, line: u32| lines.line(file, line);
            println!("check-pr: {}: {}", if ok { "acceptable" } else { "not acceptable" }, judgement.change.describe());
            print!("{}", report::render(format, &judgement.findings, None, &line_of));
        }
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::from(UNACCEPTABLE) }
}

fn log_command(args: &LogArgs) -> ExitCode {
    let (repo, tip) = match args.history.open() {
        Ok(opened) => opened,
        Err(e) => return cannot_run(e),
    };
    let query = rollcall::history::log::Query { member: args.member.clone(), since: args.since, until: args.until };
    let log = match rollcall::history::log::log(&repo, tip, &query) {
        Ok(log) => log,
        Err(e) => return cannot_run(e),
    };
    let ok = rollcall::finding::is_ok(&log.findings);
    match args.format {
        ListFormat::Json => print!("{}", report::log_json(&log)),
        ListFormat::Csv => print!("{}", rollcall::history::log::csv(&log.entries)),
        ListFormat::Human => print!("{}", rollcall::history::log::human(&log.entries)),
    }
    if args.format != ListFormat::Json && !log.findings.is_empty() {
        eprint!("{}", report::render(Format::Human, &log.findings, None, &|_, _| None));
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::from(UNACCEPTABLE) }
}

fn roll_command(args: &RollArgs) -> ExitCode {
    let (repo, tip) = match args.history.open() {
        Ok(opened) => opened,
        Err(e) => return cannot_run(e),
    };
    let roll = match rollcall::history::voting::roll(&repo, tip, args.as_of.unwrap_or_else(rollcall::util::today)) {
        Ok(roll) => roll,
        Err(e) => return cannot_run(e),
    };
    match args.format {
        ListFormat::Json => println!("{}", serde_json::to_string_pretty(&roll).unwrap_or_default()),
        ListFormat::Csv => print!("{}", rollcall::history::voting::csv(&roll)),
        ListFormat::Human => print!("{}", rollcall::history::voting::human(&roll)),
    }
    ExitCode::SUCCESS
}

/// Files given to rollcall that are not the ledger's: small, and read whole.
fn read_small(path: &Path, what: &str) -> Result<String, String> {
    const MAX: u64 = 1024 * 1024;
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read the {what} {}: {e}", path.display()))?;
    if !meta.is_file() || meta.len() > MAX {
        return Err(format!("the {what} {} is not a file of at most {MAX} bytes", path.display()));
    }
    std::fs::read_to_string(path).map_err(|e| format!("cannot read the {what} {}: {e}", path.display()))
}

/// The ledger's origin, from the policy at `commit`.
fn origin_at(repo: &git2::Repository, commit: git2::Oid) -> Result<String, String> {
    let tree = repo.find_commit(commit).map_err(|e| e.message().to_owned())?.tree_id();
    match config::load(&Source::Git { repo: repo.path().to_path_buf(), tree }) {
        Ok(config) => Ok(config.policy.policy.foundation.origin),
        Err(_) => Err(format!("the policy at {commit} cannot be read; run `rollcall validate --rev {commit}`")),
    }
}

fn verify_command(args: &VerifyArgs) -> ExitCode {
    use rollcall::history::checkpoint::Verifier;
    use rollcall::history::verify::{self, Start};
    let (repo, tip) = match args.history.open() {
        Ok(opened) => opened,
        Err(e) => return cannot_run(e),
    };
    let signers = match &args.allowed_signers {
        None => None,
        Some(path) => match read_small(path, "allowed-signers file").and_then(|text| {
            rollcall::history::signers::AllowedSigners::parse(&text).map_err(|errors| {
                let lines: Vec<String> = errors.iter().map(|e| format!("{}: {e}", path.display())).collect();
                lines.join("\n")
            })
        }) {
            Ok(signers) => Some(signers),
            Err(e) => return cannot_run(e),
        },
    };
    let start = match &args.checkpoint {
        None => Start::Root,
        Some(path) => {
            let origin = match origin_at(&repo, tip) {
                Ok(origin) => origin,
                Err(e) => return cannot_run(e),
            };
            let key = |path: &PathBuf, witness: bool| -> Result<Verifier, String> {
                let text = read_small(path, "key file")?;
                let text = text.trim();
                let parsed = if text.starts_with("ssh-") && !witness {
                    Verifier::from_openssh(&origin, text)
                } else {
                    Verifier::parse(text)
                };
                parsed.map_err(|e| format!("{}: {e}", path.display()))
            };
            let keys: Result<Vec<Verifier>, String> = if args.key.is_empty() {
                verify::published_keys(&repo, tip)
            } else {
                args.key.iter().map(|p| key(p, false)).collect()
            };
            let witnesses: Result<Vec<Verifier>, String> = args.witness.iter().map(|p| key(p, true)).collect();
            let (keys, witnesses) = match (keys, witnesses) {
                (Ok(k), Ok(w)) => (k, w),
                (Err(e), _) | (_, Err(e)) => return cannot_run(e),
            };
            let note = match read_small(path, "checkpoint") {
                Ok(note) => note,
                Err(e) => return cannot_run(e),
            };
            let given =
                verify::Given { note: &note, file: &path.display().to_string(), keys: &keys, witnesses: &witnesses };
            match verify::extended(&repo, tip, &origin, &given) {
                Ok(Ok(head)) => Start::Checkpoint(head),
                Ok(Err(findings)) => return verify_report(args.format, &findings, None),
                Err(e) => return cannot_run(e),
            }
        }
    };
    if !args.skip.is_empty() {
        let tree = match repo.find_commit(tip) {
            Ok(commit) => commit.tree_id(),
            Err(e) => return cannot_run(e.message()),
        };
        let config = config::load(&Source::Git { repo: repo.path().to_path_buf(), tree });
        let known = |rule: &str| match &config {
            Ok(config) => rules::is_known(rule, config),
            Err(_) => rules::RULES.iter().any(|r| r.name == rule),
        };
        if let Some(unknown) = args.skip.iter().find(|r| !known(r)) {
            return cannot_run(format!("--skip {unknown}: no such rule (`rollcall rules` lists them)"));
        }
    }
    let skip = args.skip.iter().cloned().collect();
    match verify::verify(&repo, tip, start, signers.as_ref(), &skip) {
        Ok(verified) => verify_report(args.format, &verified.findings, Some(&verified)),
        Err(e) => cannot_run(e),
    }
}

fn verify_report(
    format: Format,
    findings: &[rollcall::finding::Finding],
    verified: Option<&rollcall::history::verify::Verified>,
) -> ExitCode {
    let ok = findings.is_empty();
    match format {
        Format::Json => {
            let counts = verified.map(|v| serde_json::json!({"commits": v.commits, "events": v.events}));
            print!("{}", report::json_with(ok, serde_json::json!({ "verified": counts }), findings));
        }
        format => {
            if let (true, Some(v)) = (ok, verified) {
                println!("verify: {} commits replayed, {} events, every one legal", v.commits, v.events);
            }
            print!("{}", report::render(format, findings, None, &|_, _| None));
        }
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::from(UNACCEPTABLE) }
}

fn checkpoint_command(args: &CheckpointArgs) -> ExitCode {
    use rollcall::history::checkpoint::{self, NoteSigner};
    let (repo, tip) = match args.history.open() {
        Ok(opened) => opened,
        Err(e) => return cannot_run(e),
    };
    let head = match &args.rev {
        None => tip,
        Some(rev) => match repo.revparse_single(rev).and_then(|o| o.peel_to_commit()) {
            Ok(commit) => commit.id(),
            Err(e) => return cannot_run(format!("cannot read --rev {rev:?}: {}", e.message())),
        },
    };
    let origin = match origin_at(&repo, head) {
        Ok(origin) => origin,
        Err(e) => return cannot_run(e),
    };
    let name = args.name.clone().unwrap_or_else(|| origin.clone());
    let signer = match NoteSigner::from_file(&name, &args.sign) {
        Ok(signer) => signer,
        Err(e) => return cannot_run(e),
    };
    if args.vkey {
        println!("{}", signer.verifier().vkey());
        return ExitCode::SUCCESS;
    }
    if let Some(path) = &args.cosign {
        let note = match read_small(path, "checkpoint") {
            Ok(note) => note,
            Err(e) => return cannot_run(e),
        };
        let now = jiff::Timestamp::now().as_second().max(0) as u64;
        return match checkpoint::cosign(&note, &signer, now) {
            Ok(cosigned) => {
                print!("{cosigned}");
                ExitCode::SUCCESS
            }
            Err(e) => cannot_run(format!("{}: {e}", path.display())),
        };
    }
    match rollcall::history::verify::checkpoint_of(&repo, tip, head, &origin) {
        Ok(checkpoint) => {
            print!("{}", checkpoint::sign(&checkpoint, &signer));
            ExitCode::SUCCESS
        }
        Err(e) => cannot_run(e),
    }
}

/// Lines of the ledger's files, for showing findings in context: each file
/// is read once, from the first source that has it, however many findings
/// it has.
struct SourceLines<'s> {
    sources: &'s [Source],
    texts: std::cell::RefCell<std::collections::HashMap<String, Option<String>>>,
}

impl<'s> SourceLines<'s> {
    fn new(sources: &'s [Source]) -> SourceLines<'s> {
        SourceLines { sources, texts: Default::default() }
    }

    fn line(&self, file: &str, line: u32) -> Option<String> {
        let mut texts = self.texts.borrow_mut();
        let text = texts.entry(file.to_owned()).or_insert_with(|| self.sources.iter().find_map(|s| read_text(s, file)));
        let found = text.as_deref()?.split('\n').nth(line.checked_sub(1)? as usize)?;
        Some(found.trim_end_matches('\r').to_owned())
    }
}

fn read_text(source: &Source, file: &str) -> Option<String> {
    let entry = source.entry(file).ok()??;
    let bytes = source.reader().ok()?.read(&entry, yaml::CONFIG_LIMITS.max_bytes).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

fn apply_command(args: &ApplyArgs) -> ExitCode {
    use std::io::IsTerminal;
    let given = args.given();
    let result = if !args.no_input && std::io::stdin().is_terminal() {
        apply::interactive(&args.repo, given, std::io::stdin().lock(), std::io::stdout())
    } else {
        apply::from_flags(&args.repo, given)
    };
    match result {
        Ok(applied) => {
            println!("wrote {}:\n\n{}", applied.path, applied.text);
            if !applied.warnings.is_empty() {
                let line_of = |file: &str, line: u32| text_line(&applied.path, &applied.text, file, line);
                print!("{}", report::render(Format::Human, &applied.warnings, None, &line_of));
            }
            print!("{}", apply::next_steps(&args.repo, &applied));
            ExitCode::SUCCESS
        }
        Err(apply::Error::Refused { path, text, findings, missing }) => {
            let line_of = |file: &str, line: u32| text_line(&path, &text, file, line);
            print!("{}", report::render(Format::Human, &findings, None, &line_of));
            if !missing.is_empty() {
                println!("answers still needed: {}", missing.join(", "));
            }
            ExitCode::from(UNACCEPTABLE)
        }
        Err(apply::Error::Config(findings)) => {
            print!("{}", report::render(Format::Human, &findings, None, &|_, _| None));
            ExitCode::from(CANNOT_RUN)
        }
        Err(e @ apply::Error::Exists(_)) => {
            eprintln!("rollcall: {e}");
            ExitCode::from(UNACCEPTABLE)
        }
        Err(e) => cannot_run(e),
    }
}

/// Line `line` of `text`, the content of `path` (written or not), for the human report.
fn text_line(path: &str, text: &str, file: &str, line: u32) -> Option<String> {
    (file == path).then(|| text.split('\n').nth(line.checked_sub(1)? as usize).map(str::to_owned)).flatten()
}

fn codeowners_command(repo: &Path, check: bool) -> ExitCode {
    let config = match Source::disk(repo).map(|s| config::load(&s)) {
        Ok(Ok(config)) => config,
        Ok(Err(config::ConfigError::Invalid(findings))) => {
            print!("{}", report::render(Format::Human, &findings, None, &|_, _| None));
            return ExitCode::from(UNACCEPTABLE);
        }
        Ok(Err(config::ConfigError::Source(e))) | Err(e) => return cannot_run(e),
    };
    let wanted = codeowners::render(&config.policy.policy);
    if !check {
        print!("{wanted}");
        return ExitCode::SUCCESS;
    }
    let path = repo.join(codeowners::CODEOWNERS_FILE);
    match std::fs::read_to_string(&path) {
        Ok(current) if current == wanted => ExitCode::SUCCESS,
        _ => {
            eprintln!(
                "{} does not match the policy's maintainers; regenerate it: rollcall codeowners > {}",
                codeowners::CODEOWNERS_FILE,
                codeowners::CODEOWNERS_FILE
            );
            ExitCode::from(UNACCEPTABLE)
        }
    }
}

fn index_command(repo: &Path, check: bool, stale_ok: bool) -> ExitCode {
    let wanted = match Source::disk(repo).and_then(|source| index::build(&source)) {
        Ok(text) => text,
        Err(e) => return cannot_run(e),
    };
    let path = repo.join(index::INDEX_FILE);
    if !check {
        return match rollcall::util::atomic::write(&path, wanted.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => cannot_run(format!("cannot write {}: {e}", path.display())),
        };
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    match index::compare(&current, &wanted) {
        index::Comparison::Current => ExitCode::SUCCESS,
        index::Comparison::Stale if stale_ok && !matches!(index::stale_is_true(repo, &current), Ok(true)) => {
            eprintln!(
                "{} describes an older roll but says something else about it: it was edited by hand; regenerate it: rollcall index",
                index::INDEX_FILE
            );
            ExitCode::from(UNACCEPTABLE)
        }
        index::Comparison::Stale if stale_ok => {
            println!(
                "warning: {} is stale (check-pr reads every member file until it is regenerated: rollcall index)",
                index::INDEX_FILE
            );
            ExitCode::SUCCESS
        }
        index::Comparison::Stale => {
            eprintln!("{} does not match the roll; regenerate it: rollcall index", index::INDEX_FILE);
            ExitCode::from(UNACCEPTABLE)
        }
        index::Comparison::Edited => {
            eprintln!(
                "{} names the roll's files but says something else about them: it was edited by hand; regenerate it: rollcall index",
                index::INDEX_FILE
            );
            ExitCode::from(UNACCEPTABLE)
        }
    }
}

fn fmt_command(files: &[PathBuf]) -> ExitCode {
    let mut failed = false;
    for path in files {
        match fmt_file(path) {
            Ok(true) => println!("rewrote {}", path.display()),
            Ok(false) => {}
            Err(message) => {
                eprintln!("{message}");
                failed = true;
            }
        }
    }
    if failed { ExitCode::from(UNACCEPTABLE) } else { ExitCode::SUCCESS }
}

/// Rewrites one file canonically; false if it already was.
fn fmt_file(path: &Path) -> Result<bool, String> {
    let name = path.display().to_string();
    let meta = std::fs::symlink_metadata(path).map_err(|e| format!("{name}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{name}: not a regular file"));
    }
    if meta.len() > yaml::MEMBER_LIMITS.max_bytes {
        return Err(format!("{name}: larger than {} bytes", yaml::MEMBER_LIMITS.max_bytes));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{name}: {e}"))?;
    let doc = yaml::load(&name, &bytes, yaml::MEMBER_LIMITS, yaml::Layout::Free);
    let refusals: Vec<String> = doc
        .findings
        .iter()
        .map(|f| format!("{}:{}:{}: {} [{}]\n  help: {}", f.file, f.line, f.column, f.message, f.rule, f.help))
        .collect();
    let Some(value) = doc.value.filter(|_| refusals.is_empty()) else {
        return Err(format!("{}\n{name}: not rewritten; fix the above first", refusals.join("\n")));
    };
    let canonical = yaml::to_canonical(&value);
    if canonical.as_bytes() == bytes.as_slice() {
        return Ok(false);
    }
    rollcall::util::atomic::write(path, canonical.as_bytes()).map_err(|e| format!("{name}: {e}"))?;
    Ok(true)
}

fn signer(args: &EventArgs) -> Result<Option<Signer>, ExitCode> {
    args.sign.as_deref().map(Signer::from_file).transpose().map_err(cannot_run)
}

fn merge_command(args: MergeArgs) -> ExitCode {
    let signer = match signer(&args.event) {
        Ok(signer) => signer,
        Err(code) => return code,
    };
    let pr = merge::PullRequest {
        head: args.pull_request.head.clone(),
        author: args.pull_request.author(),
        number: args.number,
    };
    let mut request = args.event.request();
    if let Some(path) = &args.reviews {
        match reviewed_approvers(&args.event.repo, path, &args.pull_request.head) {
            Ok(approvers) => request.approvers = approvers,
            Err(message) => return cannot_run(message),
        }
    }
    let outcome = merge::merge(&args.event.repo, &request, &pr, signer.as_ref());
    report_outcomes(&args.event, outcome.map(|o| vec![o]))
}

fn member_event(
    args: EventArgs,
    member: String,
    kind: Kind,
    termination: Option<Termination>,
    tier: Option<String>,
) -> ExitCode {
    let signer = match signer(&args) {
        Ok(signer) => signer,
        Err(code) => return code,
    };
    let event = merge::Lifecycle { member, kind, termination, tier };
    let outcome = merge::lifecycle(&args.repo, &args.request(), &event, signer.as_ref());
    report_outcomes(&args, outcome.map(|o| vec![o]))
}

fn expire_command(args: EventArgs) -> ExitCode {
    let signer = match signer(&args) {
        Ok(signer) => signer,
        Err(code) => return code,
    };
    let outcomes = merge::expire(&args.repo, &args.request(), signer.as_ref());
    report_outcomes(&args, outcomes)
}

/// Prints the events recorded and every finding; exit 1 if any event was refused.
fn report_outcomes(args: &EventArgs, outcomes: Result<Vec<Outcome>, merge::MergeError>) -> ExitCode {
    let outcomes = match outcomes {
        Ok(outcomes) => outcomes,
        Err(e) => return cannot_run(e),
    };
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
    match args.format {
        Format::Json => print!("{}", report::json_with(ok, serde_json::json!({ "events": events }), &findings)),
        format => {
            for (event, commit) in outcomes.iter().filter_map(|o| o.recorded.as_ref()) {
                println!("recorded: {} ({commit})", event.message().lines().next().unwrap_or_default());
            }
            if outcomes.is_empty() {
                println!("no event to record");
            }
            if ok && !outcomes.is_empty() && branch_checked_out(args) {
                println!(
                    "note: {} moved, your checkout of it did not: `git stash` any local change, then `git reset --hard {}`",
                    args.branch, args.branch
                );
            }
            let sources: Vec<Source> = Source::revision(&args.repo, &args.branch).into_iter().collect();
            let lines = SourceLines::new(&sources);
            let line_of = |file: &str, line: u32| lines.line(file, line);
            print!("{}", report::render(format, &findings, None, &line_of));
        }
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::from(UNACCEPTABLE) }
}

/// The accounts whose latest review approves the head commit.
fn reviewed_approvers(repo: &Path, path: &Path, head: &str) -> Result<Vec<Approver>, String> {
    let head = git2::Repository::open(repo)
        .and_then(|r| r.revparse_single(head).and_then(|o| o.peel_to_commit()).map(|c| c.id().to_string()))
        .map_err(|e| format!("cannot read --head {head:?}: {}", e.message()))?;
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let accounts =
        rollcall::change::reviews::approvers(&bytes, &head).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(accounts.into_iter().map(|a| Approver { login: a.login, id: Some(a.id) }).collect())
}

/// Whether the events' branch is the repository's checked-out branch.
fn branch_checked_out(args: &EventArgs) -> bool {
    let Ok(repo) = git2::Repository::open(&args.repo) else { return false };
    rollcall::change::ledger::Branch::open(&repo, &args.branch)
        .is_ok_and(|b| rollcall::change::ledger::is_checked_out(&repo, &b))
}
