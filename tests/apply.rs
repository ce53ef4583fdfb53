//! `rollcall apply` on real ledgers: every tier from flags (checked by the
//! real `validate`), refusals that write nothing, hostile answers, the
//! prompt engine fed by a reader, and a session at a real terminal (tmux).

use crate::common::tmux::Tmux;
use crate::common::*;
use rollcall::change::apply::{self, Given};
use serde_json::Value;
use std::io::Cursor;
use std::path::Path;

const TIERS: [&str; 6] = ["individual", "mirror", "silver", "ruby", "gold", "platinum"];

fn example(tier: &str) -> (Value, String) {
    let text = std::fs::read_to_string(repo_root().join(format!("examples/{tier}.yaml"))).expect("example");
    (serde_saphyr::from_str(&text).expect("example parses"), text)
}

/// The flags that answer every question of `value`'s application.
fn flags_of(value: &Value) -> Vec<String> {
    let mut flags = Vec::new();
    let mut push = |flag: &str, answer: &Value| {
        let text = answer.as_str().map_or_else(|| answer.to_string(), str::to_owned);
        flags.extend([format!("--{flag}"), text]);
    };
    for (pointer, flag) in [
        ("/tier", "tier"),
        ("/kind", "kind"),
        ("/id", "id"),
        ("/name", "name"),
        ("/country", "country"),
        ("/github", "github"),
        ("/github_id", "github-id"),
        ("/organization", "organization"),
        ("/website", "website"),
        ("/representative/github", "representative"),
        ("/representative/github_id", "representative-id"),
        ("/contributions/summary", "summary"),
        ("/mirror/hostname", "hostname"),
        ("/mirror/definition", "definition"),
        ("/sponsorship/contribution", "contribution"),
        ("/sponsorship/amount_usd", "amount-usd"),
        ("/sponsorship/fte", "fte"),
        ("/sponsorship/details", "details"),
    ] {
        if let Some(answer) = value.pointer(pointer) {
            push(flag, answer);
        }
    }
    for link in value.pointer("/contributions/links").and_then(Value::as_array).into_iter().flatten() {
        push("link", link);
    }
    flags
}

/// `rollcall apply --no-input FLAGS --repo DIR`.
fn apply_flags(ledger: &Ledger, flags: &[String]) -> Outcome {
    let mut args = vec!["apply", "--no-input"];
    args.extend(flags.iter().map(String::as_str));
    ledger.run(&args)
}

/// The flags of a valid individual application, with `(flag, answer)` replaced or added.
fn individual_flags(login: &str, github_id: u64, changes: &[(&str, &str)]) -> Vec<String> {
    let mut value = individual(&login.to_lowercase(), github_id);
    value["github"] = login.into();
    let mut flags = flags_of(&value);
    for (flag, answer) in changes {
        let flag = format!("--{flag}");
        match flags.iter().position(|f| *f == flag) {
            Some(i) => flags[i + 1] = (*answer).to_owned(),
            None => flags.extend([flag, (*answer).to_owned()]),
        }
    }
    flags
}

/// Every file under `members/`, with its bytes.
fn roll_files(ledger: &Ledger) -> Vec<(String, Vec<u8>)> {
    let members = ledger.path().join("members");
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&members)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| (e.path().display().to_string(), std::fs::read(e.path()).unwrap_or_default()))
        .collect();
    files.sort();
    files
}

#[track_caller]
fn assert_report(out: &Outcome, rule: &str, location: &str, pointer: &str) {
    // The source line is shown with its location, or (when it cannot be shown) a note names it.
    let located = [format!("--> {location}"), format!("note: {location}")];
    let wanted = [format!("error[{rule}]"), format!("at {pointer}")];
    assert!(
        wanted.iter().all(|w| out.stdout.contains(w.as_str()))
            && located.iter().any(|l| out.stdout.contains(l.as_str())),
        "expected {wanted:?} in the report, got (exit {}):\n{}{}",
        out.code,
        out.stdout,
        out.stderr
    );
}

#[test]
fn every_tier_from_flags_writes_its_example_byte_for_byte_and_validates() {
    for tier in TIERS {
        let ledger = Ledger::shipped();
        let (value, text) = example(tier);
        let out = apply_flags(&ledger, &flags_of(&value));
        assert_eq!(out.code, 0, "{tier}: {}{}", out.stdout, out.stderr);
        let path = rollcall::roll::layout::member_path(value["id"].as_str().unwrap());
        let written = std::fs::read_to_string(ledger.path().join(&path)).expect("the file is written");
        assert_eq!(written, text, "{tier}: the written file is the canonical example");
        assert!(out.stdout.contains(&format!("git add {path}")), "{tier}: next steps name the file");
        assert!(out.stdout.contains("git checkout -b apply-") && out.stdout.contains("rollcall check-pr"));
        ledger.validate(&[]).assert_clean();
    }
}

#[test]
fn a_person_may_hold_a_mirror_and_the_kind_defaults_for_single_holder_tiers() {
    let ledger = Ledger::shipped();
    let mut flags = individual_flags("Mirror-Person", 99_000_010, &[("tier", "mirror"), ("kind", "person")]);
    let summary = flags.iter().position(|f| f == "--summary").unwrap();
    flags.drain(summary..summary + 4); // --summary and --link do not apply to a mirror
    flags.extend(
        ["--hostname", "mirror.person.example.org", "--definition", "https://example.org/mirrors/1"].map(String::from),
    );
    let out = apply_flags(&ledger, &flags);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let text = std::fs::read_to_string(ledger.path().join("members/mi/mirror-person.yaml")).unwrap();
    assert!(text.contains("kind: person\ntier: mirror\nstatus: applicant\n"), "{text}");
    ledger.validate(&[]).assert_clean();

    // Gold is held by organizations only: no --kind needed.
    let (mut gold, _) = example("gold");
    gold.as_object_mut().unwrap().remove("kind");
    assert_eq!(apply_flags(&ledger, &flags_of(&gold)).code, 0);
    ledger.validate(&[]).assert_clean();
}

#[test]
fn wrong_answers_from_flags_are_all_reported_and_nothing_is_written() {
    let ledger = Ledger::shipped();
    let before = roll_files(&ledger);
    let flags = individual_flags(
        "grace-lin",
        93_000_001,
        &[("country", "de"), ("github-id", "0123"), ("summary", "too short"), ("link", "http://insecure.example")],
    );
    let out = apply_flags(&ledger, &flags);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let file = "members/gr/grace-lin.yaml";
    assert_report(&out, "identity.country-code", &format!("{file}:6:10"), "/country");
    assert_report(&out, "schema.type", &format!("{file}:8:12"), "/github_id");
    assert_report(&out, "schema.min-length", &format!("{file}:10:12"), "/contributions/summary");
    assert_report(&out, "schema.pattern", &format!("{file}:12:5"), "/contributions/links/0");
    assert!(out.stdout.contains("not acceptable: 4 error(s)"), "{}", out.stdout);
    assert_eq!(roll_files(&ledger), before, "nothing written");
}

#[test]
fn missing_answers_name_their_flags() {
    let ledger = Ledger::empty();
    let out = apply_flags(&ledger, &["--tier".into(), "silver".into(), "--id".into(), "acme".into()]);
    assert_eq!(out.code, 1);
    assert_report(&out, "schema.required", "members/ac/acme.yaml:1:1", "/name");
    assert_report(&out, "tier.evidence-present", "members/ac/acme.yaml:1:1", "/sponsorship");
    assert!(
        out.stdout.contains(
            "answers still needed: --name, --country, --website, --representative, --representative-id, \
             --contribution, --details"
        ),
        "{}",
        out.stdout
    );
    assert!(!ledger.path().join("members").exists());

    // Without a usable tier nothing else can be asked: only the tier is reported.
    let out = apply_flags(&ledger, &["--tier".into(), "diamond".into(), "--name".into(), "X".into()]);
    assert_eq!(out.code, 1);
    assert_report(&out, "tier.known", "members/<shard>/<id>.yaml:1:7", "/tier");
    assert!(out.stdout.contains("1 error(s)"), "{}", out.stdout);
}

#[test]
fn a_flag_the_application_does_not_ask_for_cannot_run() {
    let ledger = Ledger::empty();
    let flags = individual_flags("grace-lin", 93_000_001, &[("hostname", "mirror.example.org")]);
    let out = apply_flags(&ledger, &flags);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--hostname is not part of an application for the individual tier"), "{}", out.stderr);
    assert!(!ledger.path().join("members").exists());
}

#[test]
fn an_existing_member_file_is_never_overwritten() {
    let ledger = Ledger::shipped();
    let path = ledger.add(&individual("taken", 99_000_001));
    let before = std::fs::read(ledger.path().join(&path)).unwrap();
    let out = apply_flags(&ledger, &individual_flags("Taken", 99_000_002, &[]));
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains(&format!("{path} already exists")), "{}", out.stderr);
    assert_eq!(std::fs::read(ledger.path().join(&path)).unwrap(), before);

    // A symbolic link there counts as a file, and is not followed.
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("target.yaml");
    std::fs::write(&target, "untouched").unwrap();
    std::fs::create_dir_all(ledger.path().join("members/li")).unwrap();
    std::os::unix::fs::symlink(&target, ledger.path().join("members/li/linked.yaml")).unwrap();
    let out = apply_flags(&ledger, &individual_flags("linked", 99_000_003, &[]));
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "untouched");
}

#[test]
fn an_account_already_in_the_roll_is_refused() {
    let ledger = Ledger::shipped();
    let before = roll_files(&ledger);
    // Ada's numeric account id under a new login: one membership per person.
    let out = apply_flags(&ledger, &individual_flags("ada-renamed", 92_000_001, &[]));
    assert_eq!(out.code, 1);
    assert_report(&out, "identity.unique-github-id", "members/ad/ada-renamed.yaml:8:12", "/github_id");
    assert!(out.stdout.contains("members/ad/ada-quill.yaml"), "names the member holding it:\n{}", out.stdout);

    // Northwind's representative cannot also speak for another organization.
    let (mut silver, _) = example("silver");
    silver["representative"]["github"] = "nw-opensource".into();
    silver["representative"]["github_id"] = 92_000_011.into();
    let out = apply_flags(&ledger, &flags_of(&silver));
    assert_eq!(out.code, 1);
    assert_report(
        &out,
        "identity.one-organization-per-login",
        "members/ac/acme-hosting.yaml:11:14",
        "/representative/github_id",
    );
    assert_eq!(roll_files(&ledger), before, "nothing written");
}

#[test]
fn a_symlinked_shard_or_roll_directory_is_never_written_through() {
    let outside = tempfile::tempdir().unwrap();
    let (value, _) = example("silver");

    let ledger = Ledger::empty();
    std::fs::create_dir(ledger.path().join("members")).unwrap();
    std::os::unix::fs::symlink(outside.path(), ledger.path().join("members/ac")).unwrap();
    let out = apply_flags(&ledger, &flags_of(&value));
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("members/ac is not a directory"), "{}", out.stderr);

    let ledger = Ledger::empty();
    std::os::unix::fs::symlink(outside.path(), ledger.path().join("members")).unwrap();
    let out = apply_flags(&ledger, &flags_of(&value));
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("members is not a directory"), "{}", out.stderr);

    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0, "nothing written outside the ledger");
}

#[test]
fn yaml_special_answers_round_trip_exactly_as_text() {
    for name in [
        "yes",
        "NO",
        "0123",
        "- x",
        "{a: b}",
        "\"quoted\"",
        "null",
        "~",
        "#hash",
        "a: b",
        "&anchor",
        "*alias",
        "!tag",
        "@at",
        "`tick`",
        "| block",
        "1e3",
        "0x1F",
        "2026-01-01",
        "名前 ☃ Ωmega",
        "-5",
    ] {
        let ledger = Ledger::shipped();
        let out = apply_flags(&ledger, &individual_flags("round-trip", 99_000_020, &[("name", name)]));
        assert_eq!(out.code, 0, "{name:?}: {}{}", out.stdout, out.stderr);
        let text = std::fs::read_to_string(ledger.path().join("members/ro/round-trip.yaml")).unwrap();
        let value: Value = serde_saphyr::from_str(&text).unwrap();
        assert_eq!(value["name"], name, "{name:?} reads back as written:\n{text}");
        assert_eq!(text, rollcall::roll::yaml::to_canonical(&value), "{name:?}: canonical");
        ledger.validate(&[]).assert_clean();
    }
}

#[test]
fn hostile_answers_are_refused_with_a_finding() {
    let cases: [(&str, &str, &str); 8] = [
        ("control character", "Grace\u{1}Lin", "yaml.control-character"),
        ("tab", "Grace\tLin", "yaml.control-character"),
        ("carriage return", "Grace\rLin", "yaml.control-character"),
        ("right-to-left override", "Grace\u{202E}niL", "yaml.invisible-character"),
        ("zero-width space", "Gra\u{200B}ce", "yaml.invisible-character"),
        ("new line in a name", "Grace\nLin", "schema.pattern"),
        ("leading space", " Grace", "schema.pattern"),
        ("e-mail address", "grace@example.org", "privacy.contact-details"),
    ];
    for (what, name, rule) in cases {
        let ledger = Ledger::empty();
        let out = apply_flags(&ledger, &individual_flags("hostile", 99_000_030, &[("name", name)]));
        assert_eq!(out.code, 1, "{what}: {}{}", out.stdout, out.stderr);
        assert_report(&out, rule, "members/ho/hostile.yaml:", "/name");
        if rule.starts_with("yaml.") {
            assert!(!out.stdout.contains(name), "{what}: the answer is shown escaped, never raw");
        }
        assert!(!ledger.path().join("members").exists(), "{what}: nothing written");
    }
    // A 100 KB answer (an argument cannot be much longer) makes a file over the cap.
    let ledger = Ledger::empty();
    let huge = "x".repeat(100 * 1024);
    let out = apply_flags(&ledger, &individual_flags("hostile", 99_000_030, &[("summary", &huge)]));
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("error[yaml.too-large]"), "{}", &out.stdout[..out.stdout.len().min(2000)]);
    assert!(!ledger.path().join("members").exists());
}

/// Runs the prompt engine on `input`; returns its result and what it printed.
fn session(ledger: &Ledger, given: Given, input: &[u8]) -> (Result<apply::Applied, apply::Error>, String) {
    let mut output = Vec::new();
    let result = apply::interactive(ledger.path(), given, Cursor::new(input), &mut output);
    (result, String::from_utf8(output).expect("the prompts are UTF-8"))
}

#[test]
fn a_session_asks_again_after_each_wrong_answer() {
    let ledger = Ledger::shipped();
    let answers = [
        "diamond", // no such tier
        "individual",
        "Sam_Field", // not a GitHub login
        "Sam-Field",
        "92000001", // Ada's account
        "99000040",
        "Sam Field",
        "de", // lowercase country
        "SE",
        "Packages.", // too short
        "Maintains the packaging of several libraries and reviews patches.",
        "http://example.org/plain", // not https
        "https://github.com/example-os/packages/pulls?q=author%3Asam-field",
        "https://github.com/example-os/packages/pulls?q=author%3Asam-field", // twice
        "",
        "maybe", // not yes or no
        "n",
    ];
    let input = answers.join("\n") + "\n";
    let (result, output) = session(&ledger, Given::default(), input.as_bytes());
    let applied = result.unwrap_or_else(|e| panic!("{e:?}\n{output}"));
    assert_eq!(applied.path, "members/sa/sam-field.yaml");
    for (prompt, times) in [
        ("Tier (individual, mirror, silver, ruby, gold, platinum): ", 2),
        ("Your GitHub login: ", 2),
        ("Your GitHub account id: ", 2),
        ("Country: ", 2),
        ("contributions summary: ", 2),
        ("contributions links 1: ", 2),
        ("contributions links 2 (an empty line ends the list): ", 2),
        ("Hide this membership from public exports? (y/N): ", 2),
    ] {
        assert_eq!(output.matches(prompt).count(), times, "{prompt:?} asked {times} times:\n{output}");
    }
    for rule in [
        "tier.known",
        "schema.pattern",
        "identity.unique-github-id",
        "identity.country-code",
        "schema.min-length",
        "schema.unique-items",
        "schema.type",
    ] {
        assert!(output.contains(&format!("error[{rule}]")), "{rule} shown:\n{output}");
    }
    let text = std::fs::read_to_string(ledger.path().join(&applied.path)).unwrap();
    assert_eq!(text, applied.text);
    assert!(!text.contains("unlisted"), "a no is not written:\n{text}");
    ledger.validate(&[]).assert_clean();
}

#[test]
fn a_session_asks_only_what_the_flags_did_not_answer_and_again_for_a_wrong_flag() {
    let ledger = Ledger::shipped();
    let mut given = Given::default();
    for (flag, answer) in [("tier", "gold"), ("id", "granite-data"), ("name", "Granite Data"), ("country", "br")] {
        given.add(flag, answer);
    }
    let answers = [
        "BR",
        "", // the organization: its default, the id
        "https://granite.example.com.br",
        "granite-eng",
        "93000005",
        "fte",
        "", // no amount
        "1",
        "One full-time engineer maintaining the cloud images.",
        "",
    ];
    let (result, output) = session(&ledger, given, (answers.join("\n") + "\n").as_bytes());
    let applied = result.unwrap_or_else(|e| panic!("{e:?}\n{output}"));
    assert!(!output.contains("Tier (") && !output.contains("Membership id") && !output.contains("Held by"), "{output}");
    assert!(output.contains("error[identity.country-code]"), "the wrong --country is shown:\n{output}");
    assert!(output.contains("Organization [granite-data]: "), "{output}");
    assert!(output.contains("sponsorship amount usd (optional): "), "{output}");
    let (_, example) = example("gold");
    assert_eq!(applied.text, example);
    ledger.validate(&[]).assert_clean();
}

#[test]
fn the_end_of_input_mid_session_writes_nothing() {
    let ledger = Ledger::shipped();
    let before = roll_files(&ledger);
    let (result, output) = session(&ledger, Given::default(), b"individual\nsam-field\n99000040\nSam Fi");
    assert!(matches!(result, Err(apply::Error::Eof)), "{result:?}\n{output}");
    let (result, _) = session(&ledger, Given::default(), b"");
    assert!(matches!(result, Err(apply::Error::Eof)));
    assert_eq!(roll_files(&ledger), before);
}

#[test]
fn an_overlong_or_binary_answer_is_skipped_and_asked_again() {
    let ledger = Ledger::shipped();
    let mut input = b"individual\n".to_vec();
    input.extend(std::iter::repeat_n(b'x', 1024 * 1024));
    input.extend(b"\n\xff\xfe\nlong-answer\n99000050\nLong Answer\nFI\n");
    input.extend(b"Wrote the documentation of the installer and fixed its translations.\n");
    input.extend(b"https://github.com/example-os/installer/pulls?q=author%3Along-answer\n\n\n");
    let (result, output) = session(&ledger, Given::default(), &input);
    let applied = result.unwrap_or_else(|e| panic!("{e:?}\n{output}"));
    assert!(output.contains(&format!("that answer is longer than {} bytes", apply::MAX_ANSWER_BYTES)), "{output}");
    assert!(output.contains("that answer is not valid UTF-8 text"), "{output}");
    assert!(output.len() < 64 * 1024, "the long answer is not echoed");
    assert_eq!(applied.path, "members/lo/long-answer.yaml");
    ledger.validate(&[]).assert_clean();
}

#[test]
fn an_interactive_session_at_a_real_terminal() {
    let ledger = Ledger::shipped();
    let binary = env!("CARGO_BIN_EXE_rollcall");
    let repo = ledger.path().to_str().expect("a UTF-8 temporary path");
    assert!(!repo.contains('\''), "the path is quoted in single quotes");
    let tmux =
        Tmux::start("apply", &format!("NO_COLOR=1 '{binary}' apply --repo '{repo}'; echo \"exit=$?\"; sleep 600"));
    tmux.answer("Tier (individual, mirror, silver, ruby, gold, platinum): ", 1, "individual");
    tmux.answer("Your GitHub login: ", 1, "Tmux-Tester");
    tmux.answer("Your GitHub account id: ", 1, "12x");
    tmux.wait_for("error[schema.type]: expected integer", 1);
    tmux.answer("Your GitHub account id: ", 2, "99000060");
    tmux.answer("Your name: ", 1, "Tmux Tester");
    tmux.answer("Country: ", 1, "SE");
    tmux.answer("contributions summary: ", 1, "Triaged installer bugs for two releases and wrote the fixes.");
    tmux.answer(
        "contributions links 1: ",
        1,
        "https://github.com/example-os/installer/issues?q=commenter%3Atmux-tester",
    );
    tmux.answer("contributions links 2 (an empty line ends the list): ", 1, "");
    tmux.answer("Hide this membership from public exports? (y/N): ", 1, "");
    tmux.wait_for("exit=", 1);
    let screen = tmux.screen();
    assert!(screen.contains("exit=0"), "{screen}");
    assert!(
        screen.contains("wrote members/tm/tmux-tester.yaml") && screen.contains("git checkout -b apply-tmux-tester")
    );
    let text = std::fs::read_to_string(Path::new(repo).join("members/tm/tmux-tester.yaml")).expect("written");
    assert!(text.contains("github: Tmux-Tester\ngithub_id: 99000060\n"), "{text}");
    ledger.validate(&[]).assert_clean();
}
