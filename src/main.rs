//! The `rollcall` command line: parses arguments and hands each command to
//! its module under `cli/`, which calls the library and prints. The exit
//! code of a command that cannot run (2) is decided here, once.

mod cli;

use clap::{Parser, Subcommand};
use cli::CannotRun;
use rollcall::change::event::Kind;
use std::process::ExitCode;

// The loader allocates many small strings per file; mimalloc makes that
// markedly cheaper than the system allocator (see the README's benchmark).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit code 2 of the specification: the command could not run.
const CANNOT_RUN: u8 = 2;

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
    Validate(cli::validate::ValidateArgs),
    /// Judge a pull request as a membership application, under the base's rules.
    CheckPr(cli::check_pr::CheckPrArgs),
    /// Write your application file: asks for what your tier needs (or takes flags) and checks every answer.
    Apply(Box<cli::apply::ApplyArgs>),
    /// Print .github/CODEOWNERS as the policy's maintainers call for it.
    Codeowners(cli::codeowners::CodeownersArgs),
    /// Write the roll's index (index/: who is who, for check-pr and the events) from the work tree's roll.
    Index(cli::index::IndexArgs),
    /// Merge an approved pull request onto the branch as one ledger event.
    Merge(cli::merge::MergeArgs),
    /// Renew a membership: its term extends from the previous expiry.
    Renew(cli::lifecycle::MemberEventArgs),
    /// Record a member's resignation.
    Resign(cli::lifecycle::MemberEventArgs),
    /// Record the board's termination of a membership.
    Terminate(cli::lifecycle::TerminateArgs),
    /// Readmit a lapsed or resigned member, with its old member number.
    Readmit(cli::lifecycle::MemberEventArgs),
    /// Move an active member to another tier.
    ChangeTier(cli::lifecycle::ChangeTierArgs),
    /// Lapse every active membership whose term ended before --as-of (one event each).
    Expire(cli::lifecycle::ExpireArgs),
    /// The voting roll on a date, derived from history: each member's votes and the quorum.
    Roll(cli::ListingArgs),
    /// The membership events of the ledger's history, newest first, each checked against its commit.
    Log(cli::log::LogArgs),
    /// Replay the ledger's history and check that every event on it was legal.
    Verify(cli::verify::VerifyArgs),
    /// Print a signed checkpoint (C2SP signed note) of the ledger's head, or cosign one as a witness.
    Checkpoint(cli::checkpoint::CheckpointArgs),
    /// Count ranked ballots in a BLT file by reference Meek STV (or Astra's variant) and print the rounds.
    Tally(cli::tally::TallyArgs),
    /// The board and the committees on a date, from history: each seat with the event that gave it.
    Board(cli::ListingArgs),
    /// Elections: the electorate, nominations, the ballot box, certification and status.
    #[command(subcommand_required = true)]
    Election(cli::election::ElectionArgs),
    /// Record a pull request that changes only schema/ as one amendment of the rules, approved by the directors.
    Amend(cli::amend::AmendArgs),
    /// Record the ledger's genesis on the branch: its history begins there (the roll must validate whole).
    Genesis(cli::genesis::GenesisArgs),
    /// List every rule a finding can name.
    Rules,
    /// Rewrite member files in the canonical layout (the values are kept).
    Fmt(cli::fmt::FmtArgs),
    /// Check the mirror memberships against the foundation's mirror list.
    Mirrors(cli::mirrors::MirrorsArgs),
    /// Create a new ledger repository for a foundation: policy, schema, workflows, guides, one genesis commit.
    Init(cli::init::InitArgs),
    /// Print the completion script of a shell (bash, zsh, fish, elvish, powershell).
    Completions(cli::completions::CompletionsArgs),
    /// Print the man page, rollcall(1), in roff.
    Man,
    /// Print the member schema; with --editor, in the draft editors read (draft-07), the policy's tiers offered.
    Schema(cli::schema::SchemaArgs),
    /// Write the public roll as a static site: a JSON API, CSV and a members page; unlisted members appear nowhere.
    Export(cli::export::ExportArgs),
}

fn main() -> ExitCode {
    // Every object rollcall reads was hash-checked when git received it
    // (index-pack checks every fetched object); hashing each again on
    // every read was a quarter of a merge's time at 100,000 members.
    git2::opts::strict_hash_verification(false);
    let cli = Cli::parse();
    // Reading history touches each commit once: libgit2's object cache
    // would only hold 100,000 parsed commits in memory for nothing.
    if matches!(
        cli.command,
        Command::Log(_)
            | Command::Roll(_)
            | Command::Board(_)
            | Command::Verify(_)
            | Command::Checkpoint(_)
            | Command::Export(_)
    ) {
        git2::opts::enable_caching(false);
    }
    // An audit trusts no object it has not hashed: a byte changed on disk
    // is refused, not replayed.
    if matches!(cli.command, Command::Verify(_) | Command::Checkpoint(_)) {
        git2::opts::strict_hash_verification(true);
    }
    match run(cli.command) {
        Ok(code) => code,
        Err(cannot_run) => {
            if let Some(message) = cannot_run.message() {
                eprintln!("rollcall: {message}");
            }
            ExitCode::from(CANNOT_RUN)
        }
    }
}

fn run(command: Command) -> Result<ExitCode, CannotRun> {
    use cli::*;
    match command {
        Command::Validate(args) => validate::run(args),
        Command::CheckPr(args) => check_pr::run(args),
        Command::Apply(args) => apply::run(&args),
        Command::Codeowners(args) => codeowners::run(args),
        Command::Index(args) => index::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Renew(args) => lifecycle::run(args, Kind::Renew),
        Command::Resign(args) => lifecycle::run(args, Kind::Resign),
        Command::Readmit(args) => lifecycle::run(args, Kind::Readmit),
        Command::Terminate(args) => lifecycle::terminate(args),
        Command::ChangeTier(args) => lifecycle::change_tier(args),
        Command::Expire(args) => lifecycle::expire(args),
        Command::Roll(args) => roll::run(args),
        Command::Log(args) => log::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Checkpoint(args) => checkpoint::run(args),
        Command::Tally(args) => tally::run(args),
        Command::Genesis(args) => genesis::run(args),
        Command::Amend(args) => amend::run(args),
        Command::Election(args) => election::run(args),
        Command::Board(args) => board::run(args),
        Command::Rules => rules::run(),
        Command::Fmt(args) => fmt::run(args),
        Command::Mirrors(args) => mirrors::run(args),
        Command::Init(args) => init::run(args),
        Command::Completions(args) => completions::run(args, <Cli as clap::CommandFactory>::command()),
        Command::Schema(args) => schema::run(args),
        Command::Man => completions::man(<Cli as clap::CommandFactory>::command()),
        Command::Export(args) => export::run(args),
    }
}
