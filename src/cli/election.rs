//! `rollcall election`: an election from the ledger. Its electorate and
//! status are read from history; opening it, nominations and acceptances
//! are recorded from their pull requests; the ballot box is kept by the
//! returning officer outside the repository; certification commits the
//! published ballots and the result and seats the winners.

use super::out::{out, outln};
use super::{CannotRun, HistoryArgs, ListFormat, exit};
use jiff::civil::Date;
use rollcall::change::approval::Approver;
use rollcall::change::sign::Signer;
use rollcall::election::ballot_box::{self, Entitled, Header, Open, Use};
use rollcall::election::electorate::Electorate;
use rollcall::election::nomination::Account;
use rollcall::history::elections::{self, Outcome, Request};
use rollcall::history::electorate;
use rollcall::output::report::{self, Format};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ElectionArgs {
    #[command(subcommand)]
    command: Sub,
}

#[derive(clap::Subcommand)]
enum Sub {
    /// Every voter on the election's cut-off date, their weight and why, and the quorum.
    Electorate(ElectorateArgs),
    /// Where the election stands: nominations, candidates, electorate, turnout.
    Status(StatusArgs),
    /// Record a pull request that opens an election, nominates or accepts a nomination.
    Record(RecordArgs),
    /// Commit the published ballots and the result; the winners take their seats.
    Certify(CertifyArgs),
    /// The returning officer's ballot box (kept outside the repository).
    #[command(subcommand)]
    Box(BoxSub),
}

#[derive(clap::Args)]
struct ElectorateArgs {
    #[command(flatten)]
    history: HistoryArgs,
    /// The election's id (its folder under elections/).
    id: String,
    /// Show unlisted voters by login (for the returning officer; never publish it).
    #[arg(long)]
    private: bool,
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    format: ListFormat,
}

#[derive(clap::Args)]
struct StatusArgs {
    #[command(flatten)]
    history: HistoryArgs,
    id: String,
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    format: ListFormat,
}

#[derive(clap::Args)]
struct EventArgs {
    /// The ledger repository.
    #[arg(long, default_value = ".")]
    repo: PathBuf,
    /// The branch events go on.
    #[arg(long, default_value = "main")]
    branch: String,
    /// The pull request's number, recorded in the event.
    #[arg(long = "pull-request", value_name = "N")]
    number: Option<u64>,
    /// The event's date (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<Date>,
    /// SSH-sign the event's commit with this OpenSSH private key.
    #[arg(long, value_name = "KEYFILE")]
    sign: Option<PathBuf>,
    /// Members of the election committee who approved (open, certify).
    #[arg(long, value_name = "LOGIN", value_delimiter = ',')]
    approved_by: Vec<String>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(clap::Args)]
struct RecordArgs {
    #[command(flatten)]
    event: EventArgs,
    /// The pull request's head commit.
    #[arg(long, value_name = "REV")]
    head: String,
    /// The pull request's author (a nomination's nominator, an acceptance's nominee).
    #[arg(long, value_name = "LOGIN")]
    author: Option<String>,
    #[arg(long, value_name = "ID", requires = "author")]
    author_id: Option<u64>,
}

#[derive(clap::Args)]
struct CertifyArgs {
    #[command(flatten)]
    event: EventArgs,
    id: String,
    /// The published ballots: a box closed by `rollcall election box close`
    /// (`.box`), or a voting service's BLT export (`.blt`).
    #[arg(long, value_name = "FILE")]
    ballots: PathBuf,
}

#[derive(clap::Subcommand)]
enum BoxSub {
    /// Issue a credential to every voter of the electorate, any day before
    /// voting closes: writes DIR/credentials.csv (login, weight, credential)
    /// to send each voter theirs, and the box DIR/box.json.
    Issue(BoxIssueArgs),
    /// Cast (or replace) the ballot of a credential while voting is open;
    /// prints the receipt.
    Vote(BoxVoteArgs),
    /// Close the box and write the published box (the ballots, hash-chained).
    Close(BoxCloseArgs),
}

#[derive(clap::Args)]
struct BoxIssueArgs {
    #[command(flatten)]
    history: HistoryArgs,
    id: String,
    /// The box's directory, outside the repository; must not exist yet.
    #[arg(long = "box", value_name = "DIR")]
    dir: PathBuf,
    /// The day taken as today (default: today, UTC); for tests and replays.
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
}

#[derive(clap::Args)]
struct BoxVoteArgs {
    /// The ledger whose election the box is of: its voting window is read at the tip.
    #[command(flatten)]
    history: HistoryArgs,
    #[arg(long = "box", value_name = "DIR")]
    dir: PathBuf,
    /// The day taken as today (default: today, UTC); for tests and replays.
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
    /// The voter's credential.
    #[arg(long, env = "ROLLCALL_CREDENTIAL", hide_env_values = true)]
    credential: String,
    /// The candidates' logins, most preferred first (comma-separated; none for a blank ballot).
    #[arg(long, value_delimiter = ',')]
    rank: Vec<String>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(clap::Args)]
struct BoxCloseArgs {
    #[arg(long = "box", value_name = "DIR")]
    dir: PathBuf,
    /// Where to write the published box.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

pub fn run(args: ElectionArgs) -> Result<ExitCode, CannotRun> {
    match args.command {
        Sub::Electorate(args) => electorate(args),
        Sub::Status(args) => status(args),
        Sub::Record(args) => record(args),
        Sub::Certify(args) => certify(args),
        Sub::Box(BoxSub::Issue(args)) => box_issue(args),
        Sub::Box(BoxSub::Vote(args)) => box_vote(args),
        Sub::Box(BoxSub::Close(args)) => box_close(args),
    }
}

/// The election's definition at the tip.
fn election_at(
    repo: &git2::Repository,
    tip: git2::Oid,
    id: &str,
) -> Result<rollcall::election::file::Election, CannotRun> {
    let tree = repo.find_commit(tip).map_err(|e| e.message().to_owned())?.tree_id();
    let config = rollcall::roll::config::load(&rollcall::roll::source::Source::at(repo, tree))
        .map_err(|_| "the rules at the tip cannot be read: run `rollcall validate`".to_owned())?;
    elections::election_at(repo, tree, id, &config.policy.policy)?.map_err(|findings| {
        let first = findings.first().map(|f| format!("{}: {}", f.file, f.message)).unwrap_or_default();
        CannotRun::from(first)
    })
}

fn electorate(args: ElectorateArgs) -> Result<ExitCode, CannotRun> {
    let (repo, tip) = args.history.open()?;
    let election = election_at(&repo, tip, &args.id)?;
    let found = match electorate::electorate(&repo, tip, &election.id, election.cutoff)? {
        Ok(found) => found,
        Err(findings) => return Ok(super::history_findings(args.format, &findings)),
    };
    let shown = if args.private { found } else { found.public() };
    Ok(args.format.print(&shown, Electorate::csv, Electorate::human))
}

fn status(args: StatusArgs) -> Result<ExitCode, CannotRun> {
    let (repo, tip) = args.history.open()?;
    let election = election_at(&repo, tip, &args.id)?;
    let tree = repo.find_commit(tip).map_err(|e| e.message().to_owned())?.tree_id();
    let nominations = elections::nominations_at(&repo, tree, &election.id)?;
    let candidates = elections::candidates(&nominations);
    let today = rollcall::util::today();
    let voters = match electorate::electorate(&repo, tip, &election.id, election.cutoff) {
        Ok(Ok(e)) => Some(e),
        _ => None,
    };
    let result = rollcall::history::elections::result_at(&repo, tree, &election.id);
    let stage = match () {
        _ if result.is_some() => "certified",
        _ if today < election.nominations.opens => "announced",
        _ if today <= election.nominations.closes => "nominations open",
        _ if today < election.voting.opens => "nominations closed",
        _ if today <= election.voting.closes => "voting open",
        _ => "voting closed, not certified",
    };
    let value = serde_json::json!({
        "election": election,
        "stage": stage,
        "nominations": nominations.iter().map(|n| serde_json::json!({
            "nominee": n.nominee.github, "nominator": n.nominator.github, "accepted": n.accepted,
        })).collect::<Vec<_>>(),
        "candidates": candidates,
        "electorate": voters.as_ref().map(|e| serde_json::json!({
            "voters": e.voters.len(), "votes": e.quorum.votes, "voting_members": e.quorum.voting_members,
            "members_needed": e.quorum.members_needed, "votes_needed": e.quorum.votes_needed,
        })),
        "result": result,
    });
    match args.format {
        ListFormat::Json => outln!("{}", serde_json::to_string_pretty(&value).unwrap_or_default()),
        _ => {
            outln!("{} ({}): {stage}", election.title, election.id);
            outln!("  seats: {}; method: {}; cut-off {}", election.seats, election.method.name(), election.cutoff);
            outln!(
                "  nominations {} to {}; voting {} to {}",
                election.nominations.opens,
                election.nominations.closes,
                election.voting.opens,
                election.voting.closes
            );
            for n in &nominations {
                outln!(
                    "  nominee {} by {}{}",
                    n.nominee.github,
                    n.nominator.github,
                    if n.accepted { ", accepted" } else { "" }
                );
            }
            if let Some(e) = &voters {
                outln!(
                    "  electorate: {} voters holding {} votes; quorum {} voting memberships and {} votes",
                    e.voters.len(),
                    e.quorum.votes,
                    e.quorum.members_needed,
                    e.quorum.votes_needed
                );
            }
            if let Some(result) = &result {
                outln!("  elected: {}", result.get("elected").map(|e| e.to_string()).unwrap_or_default());
                outln!("  turnout: {}", result.get("turnout").map(|e| e.to_string()).unwrap_or_default());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn request(event: &EventArgs, author: Option<Account>) -> Request {
    Request {
        branch: event.branch.clone(),
        date: event.date.unwrap_or_else(rollcall::util::today),
        pull_request: event.number,
        approvers: event.approved_by.iter().map(|login| Approver { login: login.clone(), id: None }).collect(),
        author,
        gate: rollcall::history::verify::gate,
    }
}

fn report_outcome(format: Format, outcome: &Outcome) -> ExitCode {
    let ok = outcome.recorded.is_some();
    match format {
        Format::Json => {
            let event = outcome
                .recorded
                .as_ref()
                .map(|(e, commit)| serde_json::json!({"commit": commit.to_string(), "event": e}));
            out!("{}", report::json_with(ok, serde_json::json!({ "event": event }), &outcome.findings));
        }
        format => {
            if let Some((event, commit)) = &outcome.recorded {
                outln!("recorded: {} ({commit})", event.message().lines().next().unwrap_or_default());
            }
            out!("{}", report::render(format, &outcome.findings, None, &|_, _| None));
        }
    }
    exit(ok)
}

fn record(args: RecordArgs) -> Result<ExitCode, CannotRun> {
    let signer = args.event.sign.as_deref().map(Signer::from_file).transpose()?;
    let author = match (&args.author, args.author_id) {
        (Some(login), Some(id)) => Some(Account { github: login.clone(), github_id: id }),
        (Some(_), None) => return Err("--author needs --author-id".to_owned().into()),
        _ => None,
    };
    let request = request(&args.event, author);
    let outcome = elections::record(&args.event.repo, &request, &args.head, signer.as_ref())?;
    Ok(report_outcome(args.event.format, &outcome))
}

fn certify(args: CertifyArgs) -> Result<ExitCode, CannotRun> {
    let signer = args.event.sign.as_deref().map(Signer::from_file).transpose()?;
    let bytes = read_capped(&args.ballots)?;
    let is_box = args.ballots.extension().is_some_and(|e| e == "box");
    let request = request(&args.event, None);
    let outcome = elections::certify(&args.event.repo, &request, &args.id, &bytes, is_box, signer.as_ref())?;
    Ok(report_outcome(args.event.format, &outcome))
}

fn read_capped(path: &Path) -> Result<Vec<u8>, CannotRun> {
    let size = std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?.len();
    if size > ballot_box::MAX_BYTES as u64 {
        return Err(format!("{} is {size} bytes; at most {} are read", path.display(), ballot_box::MAX_BYTES).into());
    }
    Ok(std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?)
}

const BOX_FILE: &str = "box.json";
const CREDENTIALS_FILE: &str = "credentials.csv";

fn load_box(dir: &Path) -> Result<Open, CannotRun> {
    let bytes = read_capped(&dir.join(BOX_FILE))?;
    Ok(serde_json::from_slice(&bytes)
        .map_err(|e| format!("{} is not a ballot box: {e}", dir.join(BOX_FILE).display()))?)
}

fn save_box(dir: &Path, open: &Open) -> Result<(), CannotRun> {
    let text = serde_json::to_string_pretty(open).unwrap_or_default();
    Ok(rollcall::util::atomic::write(&dir.join(BOX_FILE), text.as_bytes())
        .map_err(|e| format!("cannot write the box in {}: {e}", dir.display()))?)
}

/// The finding if the box may not be used for `what` on `today`: a day
/// outside `election`'s voting window, as its file at `tip` sets it.
fn outside_window(
    repo: &git2::Repository,
    tip: git2::Oid,
    election: &rollcall::election::file::Election,
    what: Use,
    today: Date,
) -> Result<Option<rollcall::finding::Finding>, CannotRun> {
    let tree = repo.find_commit(tip).map_err(|e| e.message().to_owned())?.tree_id();
    let spans = elections::election_spans(repo, tree, &election.id)?;
    Ok(ballot_box::in_window(election, &spans, what, today))
}

fn box_issue(args: BoxIssueArgs) -> Result<ExitCode, CannotRun> {
    let (repo, tip) = args.history.open()?;
    let election = election_at(&repo, tip, &args.id)?;
    let today = args.as_of.unwrap_or_else(rollcall::util::today);
    if let Some(finding) = outside_window(&repo, tip, &election, Use::Issue, today)? {
        return Ok(super::history_findings(ListFormat::Human, &[finding]));
    }
    let tree = repo.find_commit(tip).map_err(|e| e.message().to_owned())?.tree_id();
    let candidates = elections::candidates(&elections::nominations_at(&repo, tree, &election.id)?);
    let voters = match electorate::electorate(&repo, tip, &election.id, election.cutoff)? {
        Ok(found) => found,
        Err(findings) => return Ok(super::history_findings(ListFormat::Human, &findings)),
    };
    if args.dir.exists() {
        return Err(format!("{} exists: a box is issued once, into a new directory", args.dir.display()).into());
    }
    // Only the returning officer reads the credentials.
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(&args.dir).map_err(|e| format!("cannot create {}: {e}", args.dir.display()))?;
    let mut open = Open {
        header: Some(Header {
            format: ballot_box::FORMAT.to_owned(),
            election: election.id.clone(),
            title: election.title.clone(),
            seats: election.seats,
            candidates,
        }),
        ..Open::default()
    };
    let mut csv = String::from("login,weight,credential\r\n");
    for voter in &voters.voters {
        let credential = rollcall::util::random_hex(32).map_err(|e| format!("no randomness: {e}"))?;
        open.voters.push(Entitled {
            tag: ballot_box::tag(&election.id, &credential),
            weight: voter.weight,
            memberships: voter.memberships.len(),
        });
        csv.push_str(&format!("{},{},{credential}\r\n", voter.login, voter.weight));
    }
    rollcall::util::atomic::write(&args.dir.join(CREDENTIALS_FILE), csv.as_bytes())
        .map_err(|e| format!("cannot write the credentials: {e}"))?;
    save_box(&args.dir, &open)?;
    outln!(
        "issued {} credentials for {} into {}; send each voter theirs from {CREDENTIALS_FILE}, and keep the directory out of the repository",
        open.voters.len(),
        election.id,
        args.dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// One writer of the box at a time: two ballots cast at once must not
/// lose one. The lock is a file made with `create_new`, removed when done.
struct BoxLock(PathBuf);

impl BoxLock {
    fn take(dir: &Path) -> Result<BoxLock, CannotRun> {
        let path = dir.join("box.lock");
        for _ in 0..50 {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(_) => return Ok(BoxLock(path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                Err(e) => return Err(format!("cannot lock the box: {e}").into()),
            }
        }
        Err(format!("the box is busy ({} exists); if no vote is being cast, remove it", path.display()).into())
    }
}

impl Drop for BoxLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn box_vote(args: BoxVoteArgs) -> Result<ExitCode, CannotRun> {
    let _lock = BoxLock::take(&args.dir)?;
    let mut open = load_box(&args.dir)?;
    if let Some(header) = &open.header {
        let (repo, tip) = args.history.open()?;
        let election = election_at(&repo, tip, &header.election)?;
        let today = args.as_of.unwrap_or_else(rollcall::util::today);
        if let Some(finding) = outside_window(&repo, tip, &election, Use::Vote, today)? {
            out!("{}", report::render(args.format, &[finding], None, &|_, _| None));
            return Ok(exit(false));
        }
    }
    let ranking: Vec<String> =
        args.rank.iter().map(|r| r.trim().to_ascii_lowercase()).filter(|r| !r.is_empty()).collect();
    match open.cast(args.credential.trim(), ranking) {
        Ok(receipt) => {
            save_box(&args.dir, &open)?;
            match args.format {
                Format::Json => {
                    out!("{}", report::json_with(true, serde_json::json!({ "receipt": receipt }), &[]));
                }
                _ => outln!("receipt: {receipt}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        // People read why on stderr, as ever; programs get the report they asked for.
        Err(why) => {
            match args.format {
                Format::Human => eprintln!("error: the ballot was not taken: {why}"),
                format => {
                    let finding = why.finding(&args.dir.join(BOX_FILE).display().to_string());
                    out!("{}", report::render(format, &[finding], None, &|_, _| None));
                }
            }
            Ok(exit(false))
        }
    }
}

fn box_close(args: BoxCloseArgs) -> Result<ExitCode, CannotRun> {
    let _lock = BoxLock::take(&args.dir)?;
    let mut open = load_box(&args.dir)?;
    let Some(published) = open.close() else {
        return Err("the box has no header: issue it with `rollcall election box issue`".to_owned().into());
    };
    rollcall::util::atomic::write(&args.out, published.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    save_box(&args.dir, &open)?;
    let counted = published.lines().count().saturating_sub(2);
    outln!("closed: {counted} ballots published in {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}
