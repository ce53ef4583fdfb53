//! Fuzzes `rollcall::roll::yaml::load`, the strict reader every member file goes
//! through. Beyond "never panics", it checks that:
//!
//! a. a file the Canonical layout accepts is byte for byte what the writer
//!    (`to_canonical`) produces for its value;
//! b. serde-saphyr's own deserializer reads such a file as the same value, so
//!    no accepted file reads differently elsewhere;
//! c. every finding points at line >= 1, column >= 1;
//! d. whatever the Free layout accepts, the writer's output for it is accepted
//!    by the Canonical layout and reads back as the same value.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rollcall::roll::yaml::{self, Document, Layout};
use serde_saphyr::DuplicateKeyPolicy;

const FILE: &str = "members/fu/fuzz.yaml";

fn check_positions(doc: &Document, layout: &str, data: &[u8]) {
    for f in &doc.findings {
        assert!(
            f.line >= 1 && f.column >= 1,
            "{layout}: finding {} at line {} column {} (must be >= 1): {}\ninput: {:?}",
            f.rule,
            f.line,
            f.column,
            f.message,
            String::from_utf8_lossy(data),
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let canonical = yaml::load(FILE, data, yaml::MEMBER_LIMITS, Layout::Canonical);
    let free = yaml::load(FILE, data, yaml::MEMBER_LIMITS, Layout::Free);

    // c. Positions.
    check_positions(&canonical, "Canonical", data);
    check_positions(&free, "Free", data);

    // a + b. An accepted canonical file.
    if let (Some(value), true) = (&canonical.value, canonical.findings.is_empty()) {
        let written = yaml::to_canonical(value);
        assert!(
            written.as_bytes() == data,
            "accepted file is not what the writer writes\ninput:   {:?}\nwritten: {:?}",
            String::from_utf8_lossy(data),
            written,
        );
        // Accepted input is valid UTF-8 (the loader refuses anything else).
        let text = std::str::from_utf8(data).expect("accepted input is UTF-8");
        let opts = serde_saphyr::options! {
            strict_booleans: true,
            leading_zero_numbers_as_strings: true,
            duplicate_keys: DuplicateKeyPolicy::Error,
        };
        match serde_saphyr::from_str_with_options::<serde_json::Value>(text, opts) {
            Ok(theirs) => assert!(
                &theirs == value,
                "serde-saphyr reads an accepted file differently\ninput:       {text:?}\nloader:      {value}\nserde-saphyr: {theirs}",
            ),
            Err(e) => panic!("serde-saphyr refuses an accepted file\ninput: {text:?}\nerror: {e}"),
        }
    }

    // d. The writer's output for anything Free accepts is canonical.
    if let (Some(value), true) = (&free.value, free.findings.is_empty()) {
        let written = yaml::to_canonical(value);
        // Quoting can make the output longer than the input: lift the size cap
        // (not the depth cap, which the output shares with the input).
        let limits = yaml::Limits { max_bytes: u64::MAX, ..yaml::MEMBER_LIMITS };
        let again = yaml::load(FILE, written.as_bytes(), limits, Layout::Canonical);
        assert!(
            again.findings.is_empty(),
            "the writer's output is refused\ninput:   {:?}\nwritten: {written:?}\nfindings: {:#?}",
            String::from_utf8_lossy(data),
            again.findings,
        );
        assert!(
            again.value.as_ref() == Some(value),
            "the writer's output reads back differently\ninput:   {:?}\nwritten: {written:?}\nvalue:   {value}\nread:    {:?}",
            String::from_utf8_lossy(data),
            again.value,
        );
    }
});
