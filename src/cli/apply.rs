//! `rollcall apply`: write an application file, asking at a terminal for
//! the answers not given.

use super::out::{out, outln};
use super::{CannotRun, UNACCEPTABLE};
use rollcall::change::apply;
use rollcall::output::lines::text_line;
use rollcall::output::report::{self, Format};
use std::path::PathBuf;
use std::process::ExitCode;

/// The answers of `rollcall apply`; at a terminal, it asks for the ones not given.
/// An answer may start with a hyphen: what it may hold is the schema's
/// business, and its findings say so.
#[derive(clap::Args)]
pub struct ApplyArgs {
    /// The ledger repository (default: found from the current directory upward).
    #[arg(long, value_name = "DIR", default_value = "", hide_default_value = true, value_parser = super::ledger_dir)]
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

pub fn run(args: &ApplyArgs) -> Result<ExitCode, CannotRun> {
    use std::io::IsTerminal;
    let given = args.given();
    let result = if !args.no_input && std::io::stdin().is_terminal() {
        apply::interactive(&args.repo, given, std::io::stdin().lock(), std::io::stdout())
    } else {
        apply::from_flags(&args.repo, given)
    };
    match result {
        Ok(applied) => {
            outln!("wrote {}:\n\n{}", applied.path, applied.text);
            if !applied.warnings.is_empty() {
                let line_of = |file: &str, line: u32| text_line(&applied.path, &applied.text, file, line);
                out!("{}", report::render(Format::Human, &applied.warnings, None, &line_of));
            }
            out!("{}", apply::next_steps(&args.repo, &applied));
            Ok(ExitCode::SUCCESS)
        }
        Err(apply::Error::Refused { path, text, findings, missing }) => {
            let line_of = |file: &str, line: u32| text_line(&path, &text, file, line);
            out!("{}", report::render(Format::Human, &findings, None, &line_of));
            if !missing.is_empty() {
                outln!("answers still needed: {}", missing.join(", "));
            }
            Ok(ExitCode::from(UNACCEPTABLE))
        }
        Err(apply::Error::Config(findings)) => {
            out!("{}", report::render(Format::Human, &findings, None, &|_, _| None));
            Err(CannotRun::reported())
        }
        Err(e @ apply::Error::Exists(_)) => {
            eprintln!("rollcall: {e}");
            Ok(ExitCode::from(UNACCEPTABLE))
        }
        Err(e) => Err(e.into()),
    }
}
