//! `rollcall tally`: count the ranked ballots of a BLT file and print the
//! rounds, or the file's findings.

use super::out::{out, outln};
use super::{CannotRun, UNACCEPTABLE};
use rollcall::election::{self, Method, TallyError, blt};
use rollcall::output::lines::text_line;
use rollcall::output::report::{self, Format};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct TallyArgs {
    /// The ballots, in BLT format.
    file: PathBuf,
    /// The counting rule: reference Meek STV, or Astra's fixed-quota variant.
    #[arg(long, value_enum, default_value = "meek")]
    method: Method,
    /// The published tie order: candidate names, comma-separated; of tied candidates, the first listed is excluded.
    #[arg(long, value_delimiter = ',')]
    tie_order: Vec<String>,
    #[arg(long, value_enum, default_value = "human")]
    format: TallyFormat,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum TallyFormat {
    Human,
    Json,
}

pub fn run(args: TallyArgs) -> Result<ExitCode, CannotRun> {
    match election::tally(&args.file, args.method, &args.tie_order) {
        Ok(tally) => {
            match args.format {
                TallyFormat::Json => outln!("{}", serde_json::to_string_pretty(&tally.json())?),
                TallyFormat::Human => out!("{}", tally.human()),
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(TallyError::Findings(findings)) => {
            let format = match args.format {
                TallyFormat::Json => Format::Json,
                TallyFormat::Human => Format::Human,
            };
            let path = args.file.display().to_string();
            let text = head(&args.file);
            let line_of = |file: &str, line: u32| text_line(&path, &text, file, line);
            out!("{}", report::render(format, &findings, None, &line_of));
            Ok(ExitCode::from(UNACCEPTABLE))
        }
        Err(TallyError::CannotRun(message)) => Err(message.into()),
    }
}

/// The file's text as far as the reader reads it, for the source lines of
/// the human report (lossy: a finding may be about its encoding).
fn head(path: &Path) -> String {
    let mut bytes = Vec::new();
    if let Ok(file) = std::fs::File::open(path) {
        let _ = file.take(blt::MAX_BYTES).read_to_end(&mut bytes);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}
