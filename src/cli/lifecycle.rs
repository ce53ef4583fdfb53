//! The lifecycle events: `renew`, `resign`, `readmit`, `terminate`,
//! `change-tier` (one member each) and `expire` (every membership due).

use super::{CannotRun, EventArgs, MirrorArgs};
use jiff::civil::Date;
use rollcall::change::event::Kind;
use rollcall::change::lifecycle::Termination;
use rollcall::change::merge;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct MemberEventArgs {
    #[command(flatten)]
    event: EventArgs,
    /// The member's id.
    member: String,
    #[command(flatten)]
    mirrors: MirrorArgs,
}

#[derive(clap::Args)]
pub struct TerminateArgs {
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
pub struct ChangeTierArgs {
    #[command(flatten)]
    event: EventArgs,
    /// The member's id.
    member: String,
    /// The tier to move to.
    #[arg(long)]
    tier: String,
}

#[derive(clap::Args)]
pub struct ExpireArgs {
    #[command(flatten)]
    event: EventArgs,
    /// Lapse memberships whose term ended before this date (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
}

/// `renew`, `resign` or `readmit`: the event `kind` for one member.
pub fn run(args: MemberEventArgs, kind: Kind) -> Result<ExitCode, CannotRun> {
    let mut request = args.event.request();
    request.mirrors = args.mirrors.check();
    record(&args.event, request, merge::Lifecycle { member: args.member, kind, termination: None, tier: None })
}

pub fn terminate(args: TerminateArgs) -> Result<ExitCode, CannotRun> {
    let termination = Termination { reason: args.reason, notice_date: args.notice_date };
    let event =
        merge::Lifecycle { member: args.member, kind: Kind::Terminate, termination: Some(termination), tier: None };
    record(&args.event, args.event.request(), event)
}

pub fn change_tier(args: ChangeTierArgs) -> Result<ExitCode, CannotRun> {
    let event =
        merge::Lifecycle { member: args.member, kind: Kind::ChangeTier, termination: None, tier: Some(args.tier) };
    record(&args.event, args.event.request(), event)
}

pub fn expire(mut args: ExpireArgs) -> Result<ExitCode, CannotRun> {
    args.event.date = args.as_of.or(args.event.date);
    let signer = args.event.signer()?;
    let outcomes = merge::expire(&args.event.repo, &args.event.request(), signer.as_ref());
    args.event.report(outcomes)
}

fn record(args: &EventArgs, request: merge::Request, event: merge::Lifecycle) -> Result<ExitCode, CannotRun> {
    let signer = args.signer()?;
    let outcome = merge::lifecycle(&args.repo, &request, &event, signer.as_ref());
    args.report(outcome.map(|o| vec![o]))
}
