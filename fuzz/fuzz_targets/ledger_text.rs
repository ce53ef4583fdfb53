//! Fuzzes the texts `verify` reads besides member files: a checkpoint (a
//! signed note), an allowed-signers file, and a commit message read as a
//! ledger event. Beyond "never panics", it checks that:
//!
//! a. an event message that parses is exactly the message its event writes;
//! b. a checkpoint that opens begins with exactly the body it states (what
//!    the test key signed), so no two texts open as one checkpoint by
//!    accident of parsing.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rollcall::change::event::Event;
use rollcall::history::checkpoint::{self, Verifier};
use rollcall::history::signers::AllowedSigners;

const KEY: &str = include_str!("../../tests/fixtures/event-signing-key.pub");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Some(event) = Event::parse(text) {
        assert_eq!(event.message(), text, "an event reads back as the message it writes");
    }
    let _ = rollcall::history::Record::of(data);
    let _ = AllowedSigners::parse(text);
    let key = Verifier::from_openssh("example.org/members", KEY.trim()).expect("the test key");
    if let Ok(opened) = checkpoint::open(text, &[key], &[]) {
        assert!(text.starts_with(&opened.checkpoint.body()), "the note begins with the body it states");
    }
});
