//! Standard output that a closed pipe ends quietly.
//!
//! `println!` panics when the reader has gone (`rollcall log | head -1`):
//! exit 101 and a panic message, after a merge may already have recorded
//! its event. Every command prints through [`out!`] and [`outln!`] instead:
//! the first write that meets a closed pipe (EPIPE) marks standard output as
//! closed, every later write is dropped, and the command runs to its end and
//! exits with the code it would have had (an event recorded stays recorded;
//! nothing is undone). Any other write error is reported once on stderr.

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `args` to standard output, unless it has been closed.
pub fn write(args: std::fmt::Arguments<'_>) {
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(args).and_then(|()| stdout.flush()) {
        CLOSED.store(true, Ordering::Relaxed);
        if e.kind() != ErrorKind::BrokenPipe {
            eprintln!("rollcall: cannot write to standard output: {e}");
        }
    }
}

/// `print!` that ends quietly on a closed pipe.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::out::write(format_args!($($arg)*)) };
}

/// `println!` that ends quietly on a closed pipe.
macro_rules! outln {
    () => { $crate::cli::out::write(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::cli::out::write(format_args!("{}\n", format_args!($($arg)*))) };
}

pub(crate) use {out, outln};
