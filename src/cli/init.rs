//! `rollcall init DIR`: a new ledger repository for a foundation, from
//! flags or, at a terminal, from answers to what the flags left open.

use super::out::outln;
use super::{CannotRun, UNACCEPTABLE};
use jiff::civil::Date;
use rollcall::change::sign::Signer;
use rollcall::init::{self, Account, Foundation, InitError, Preset};
use rollcall::output::report::{self, Format};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// The action commit a release build pins in the workflows it writes (the
/// release workflow sets it); other builds need `--action`.
const BUILT_ACTION: Option<&str> = option_env!("ROLLCALL_ACTION");

#[derive(clap::Args)]
pub struct InitArgs {
    /// The directory to create the ledger in: new, or empty.
    dir: PathBuf,
    /// The foundation's name, as the policy and the README show it.
    #[arg(long)]
    name: Option<String>,
    /// The ledger's origin, the name its checkpoints carry (e.g. example.org/members).
    #[arg(long)]
    origin: Option<String>,
    /// The policy to start from.
    #[arg(long, value_enum, default_value_t = Preset::Almalinux)]
    preset: Preset,
    /// A member of the membership committee (repeatable; 3 to 15, an odd number, 1 to 3 of them directors).
    #[arg(long, value_name = "LOGIN:ID")]
    committee: Vec<Account>,
    /// A director of the board (repeatable; a committee member may also be a director).
    #[arg(long, value_name = "LOGIN:ID")]
    director: Vec<Account>,
    /// A maintainer, who reviews changes outside members/ and schema/ (repeatable).
    #[arg(long, value_name = "LOGIN:ID")]
    maintainer: Vec<Account>,
    /// The rollcall action the workflows use, pinned: OWNER/REPO@COMMIT (default: the one this build was released from).
    #[arg(long, value_name = "OWNER/REPO@COMMIT")]
    action: Option<String>,
    /// The day the ledger begins (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<Date>,
    /// SSH-sign the genesis commit with this OpenSSH private key.
    #[arg(long, value_name = "KEYFILE")]
    sign: Option<PathBuf>,
    /// Never ask: what the flags leave open is an error.
    #[arg(long)]
    no_input: bool,
}

pub fn run(mut args: InitArgs) -> Result<ExitCode, CannotRun> {
    // Refused before anything is asked.
    match init::target(&args.dir) {
        Err(e @ InitError::NotEmpty(_)) => {
            eprintln!("rollcall: {e}");
            return Ok(ExitCode::from(UNACCEPTABLE));
        }
        Err(e) => return Err(e.to_string().into()),
        Ok(_) => {}
    }
    if !args.no_input && std::io::stdin().is_terminal() {
        ask_missing(&mut args)?;
    }
    let signer = args.sign.as_deref().map(Signer::from_file).transpose()?;
    let mut missing = Vec::new();
    if args.name.is_none() {
        missing.push("--name: the foundation's name is missing".to_owned());
    }
    if args.origin.is_none() {
        missing.push("--origin: the ledger's origin is missing (e.g. example.org/members)".to_owned());
    }
    let action = args.action.clone().or(BUILT_ACTION.map(str::to_owned));
    if action.is_none() {
        missing.push(
            "--action: this build was not released, so it does not know which commit of the rollcall action to pin; \
             give --action OWNER/REPO@COMMIT"
                .to_owned(),
        );
    }
    let foundation = Foundation {
        name: args.name.unwrap_or_default(),
        origin: args.origin.unwrap_or_default(),
        preset: args.preset,
        committee: args.committee,
        directors: args.director,
        maintainers: args.maintainer,
        action: action.unwrap_or_default(),
        date: args.date.unwrap_or_else(rollcall::util::today),
    };
    if !missing.is_empty() {
        missing.extend(
            init::problems(&foundation)
                .into_iter()
                .filter(|p| !p.starts_with("--name") && !p.starts_with("--origin") && !p.starts_with("--action")),
        );
        return refuse(&missing);
    }
    match init::create(&args.dir, &foundation, signer.as_ref()) {
        Ok(genesis) => {
            let dir = args.dir.display();
            outln!("created the ledger of {} in {dir}: genesis {genesis} on main, an empty roll", foundation.name);
            outln!("Next steps (the README in {dir} explains each):");
            outln!("  cd {dir} && rollcall validate && rollcall verify");
            outln!("  edit nothing under schema/ by hand from now on: it changes by `rollcall amend`");
            outln!("  create the GitHub repository, push main, then make its settings (README: \"Setting up GitHub\")");
            Ok(ExitCode::SUCCESS)
        }
        Err(InitError::Input(problems)) => refuse(&problems),
        Err(InitError::NotEmpty(dir)) => {
            eprintln!("rollcall: {}", InitError::NotEmpty(dir));
            Ok(ExitCode::from(UNACCEPTABLE))
        }
        Err(InitError::Invalid(findings)) => {
            eprintln!("rollcall: the ledger would not validate; nothing was written:");
            eprint!("{}", report::render(Format::Human, &findings, None, &|_, _| None));
            Ok(ExitCode::from(UNACCEPTABLE))
        }
        Err(InitError::Io(message)) => Err(format!("{message}; nothing was written").into()),
    }
}

fn refuse(problems: &[String]) -> Result<ExitCode, CannotRun> {
    eprintln!("rollcall: cannot create the ledger; nothing was written:");
    for problem in problems {
        eprintln!("  {problem}");
    }
    Ok(ExitCode::from(UNACCEPTABLE))
}

/// Asks at the terminal for each value the flags did not give.
fn ask_missing(args: &mut InitArgs) -> Result<(), CannotRun> {
    let stdin = std::io::stdin();
    let mut lines = stdin.lock();
    let mut ask = |prompt: &str| -> Result<String, CannotRun> {
        eprint!("{prompt}: ");
        std::io::stderr().flush()?;
        let mut line = String::new();
        // A terminal line is short; a longer one is not an answer.
        if lines.read_line(&mut line)? == 0 {
            return Err("the input ended before every question was answered; nothing was written".into());
        }
        Ok(line.trim().chars().take(1000).collect())
    };
    if args.name.is_none() {
        args.name = Some(ask("The foundation's name")?);
    }
    if args.origin.is_none() {
        args.origin = Some(ask("The ledger's origin, a host name and path (e.g. example.org/members)")?);
    }
    for (list, what) in [
        (
            &mut args.committee,
            "Membership committee (LOGIN:ID, space-separated; 3 to 15, odd, 1 to 3 of them directors)",
        ),
        (&mut args.director, "Directors of the board (LOGIN:ID, space-separated)"),
        (&mut args.maintainer, "Maintainers, who review changes outside the roll (LOGIN:ID, space-separated)"),
    ] {
        while list.is_empty() {
            let answer = ask(what)?;
            match answer.split_whitespace().map(str::parse).collect::<Result<Vec<Account>, String>>() {
                Ok(accounts) => *list = accounts,
                Err(e) => eprintln!("  {e}"),
            }
        }
    }
    Ok(())
}
