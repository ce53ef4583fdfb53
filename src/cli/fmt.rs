//! `rollcall fmt`: rewrite member files in the canonical layout.

use super::out::outln;
use super::{CannotRun, exit};
use rollcall::roll::member::format_file;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct FmtArgs {
    /// Member files to rewrite.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

pub fn run(args: FmtArgs) -> Result<ExitCode, CannotRun> {
    let mut failed = false;
    for path in &args.files {
        match format_file(path) {
            Ok(true) => outln!("rewrote {}", path.display()),
            Ok(false) => {}
            Err(message) => {
                eprintln!("{message}");
                failed = true;
            }
        }
    }
    Ok(exit(!failed))
}
