//! `rollcall completions SHELL` and `rollcall man`: what packagers install
//! beside the binary, generated from the command line's own definition.

use super::CannotRun;
use super::out::out;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    shell: clap_complete::Shell,
}

/// Prints the completion script of `shell` for `command`.
pub fn run(args: CompletionsArgs, mut command: clap::Command) -> Result<ExitCode, CannotRun> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "rollcall", &mut script);
    out!("{}", String::from_utf8(script)?);
    Ok(ExitCode::SUCCESS)
}

/// Prints the man page, rollcall(1), in roff.
pub fn man(command: clap::Command) -> Result<ExitCode, CannotRun> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command).render(&mut page)?;
    out!("{}", String::from_utf8(page)?);
    Ok(ExitCode::SUCCESS)
}
