//! The rough edges a new user trips on (issue 11, items 7 to 12), each
//! through the real binary on a real temporary ledger.

use crate::common::*;
use std::path::Path;
use std::process::{Command, Stdio};

const TWO: &[&str] = &["--approved-by", "lena-hart,kofi-mensah"];

/// Runs rollcall in `dir` with standard output a pipe whose reader is
/// already gone, so the first write meets EPIPE; returns (code, stderr).
fn with_closed_stdout(dir: &Path, args: &[&str]) -> (i32, String) {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let output = Command::new(env!("CARGO_BIN_EXE_rollcall"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("run rollcall");
    (output.status.code().expect("an exit code, not a signal"), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn no_command_panics_on_a_closed_pipe() {
    let ledger = desk();
    let as_of = format!("--as-of={AS_OF}");
    for args in [
        &["rules"][..],
        &["log"],
        &["log", "--format", "json"],
        &["roll", &as_of],
        &["roll", "--format", "csv", &as_of],
        &["validate", &as_of],
        &["validate", "--format", "json", &as_of],
        &["index", "--check"],
        &["codeowners"],
        &["verify"],
    ] {
        let (code, stderr) = with_closed_stdout(ledger.path(), args);
        assert_ne!(code, 101, "rollcall {args:?} panicked: {stderr}");
        assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "rollcall {args:?}: {stderr}");
    }
    // A merge whose report nobody reads still records its event, and says so
    // with its exit code.
    let before = tip(&ledger);
    let head = propose(&ledger, &individual("new-person", 93_000_001));
    let mut args = vec!["merge", "--date", AS_OF, "--head", &head, "--author", "new-person", "--author-id", "93000001"];
    args.extend_from_slice(TWO);
    let (code, stderr) = with_closed_stdout(ledger.path(), &args);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    assert_ne!(tip(&ledger), before, "the event was recorded");
}

/// Runs rollcall in `dir` without `--repo`.
fn run_here(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rollcall")).args(args).current_dir(dir).env("NO_COLOR", "1").output().expect("run")
}

#[test]
fn the_ledger_is_found_upward_from_a_subdirectory_and_a_missing_repo_is_named() {
    let ledger = desk();
    let as_of = format!("--as-of={AS_OF}");
    let at_root = run_here(ledger.path(), &["validate", "--format", "json", &as_of]);
    assert_eq!(at_root.status.code(), Some(0), "{}", String::from_utf8_lossy(&at_root.stderr));
    for sub in ["members", "members/ad", "schema"] {
        let dir = ledger.path().join(sub);
        for args in [&["validate", "--format", "json", &as_of][..], &["index", "--check"], &["codeowners"]] {
            let out = run_here(&dir, args);
            assert_eq!(out.status.code(), Some(0), "{sub}: {args:?}: {}", String::from_utf8_lossy(&out.stderr));
            if args[0] == "validate" {
                assert_eq!(out.stdout, at_root.stdout, "the same report from {sub}/");
            }
        }
        let roll = run_here(&dir, &["roll", &as_of]);
        assert_ne!(roll.status.code(), Some(2), "{sub}: {}", String::from_utf8_lossy(&roll.stderr));
    }
    // Not in a ledger at all: still "not a rollcall ledger", exit 2.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = run_here(elsewhere.path(), &["validate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a rollcall ledger"));
    // A --repo that does not exist says so, for every kind of command.
    for args in [&["validate"][..], &["log"], &["roll"], &["verify"], &["index"], &["apply", "--no-input"]] {
        let mut args = args.to_vec();
        args.extend(["--repo", "/nonexistent/ledger"]);
        let out = run_here(ledger.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("/nonexistent/ledger does not exist"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_bare_key_in_allowed_signers_says_what_the_line_needs() {
    let ledger = desk();
    let key = std::fs::read_to_string(fixture("tests/fixtures/event-signing-key.pub")).unwrap();
    let file = ledger.path().join(".git/signers");
    std::fs::write(&file, &key).unwrap();
    let out = ledger.run(&["verify", "--allowed-signers", file.to_str().unwrap()]);
    let said = format!("{}{}", out.stdout, out.stderr);
    assert_ne!(out.code, 0);
    assert!(!said.contains("unknown key type"), "{said}");
    assert!(said.contains("names who may sign first") && said.contains("PRINCIPALS [OPTIONS]"), "{said}");
    // The README's own line is accepted.
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let line = readme
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("lena-hart@example.org namespaces="))
        .expect("README shows a line");
    let fields: Vec<&str> = line.split_whitespace().collect();
    let ours = format!("{} {} {}", fields[0], fields[1], key.trim());
    std::fs::write(&file, ours + "\n").unwrap();
    let out = ledger.run(&["verify", "--allowed-signers", file.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}

#[test]
fn a_witness_key_printed_by_checkpoint_is_accepted_by_verify_witness() {
    let ledger = desk();
    let key = fixture("tests/fixtures/event-signing-key");
    let witness = fixture("tests/fixtures/other-signing-key");
    let git = ledger.path().join(".git");
    let save = |name: &str, out: &Outcome| {
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        let path = git.join(name);
        std::fs::write(&path, &out.stdout).unwrap();
        path.display().to_string()
    };
    let note = save("note", &ledger.run(&["checkpoint", "--sign", &key]));
    let cosigned = save(
        "cosigned",
        &ledger.run(&["checkpoint", "--cosign", &note, "--sign", &witness, "--name", "witness.example/w1"]),
    );
    let w_vkey = save(
        "w.vkey",
        &ledger.run(&["checkpoint", "--sign", &witness, "--name", "witness.example/w1", "--vkey", "--witness"]),
    );
    let ledger_vkey = fixture("tests/fixtures/event-signing-key.pub");
    let verify =
        |witness: &str| ledger.run(&["verify", "--checkpoint", &cosigned, "--key", &ledger_vkey, "--witness", witness]);
    let out = verify(&w_vkey);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    // The same key printed as a checkpoint key (type 0x01) is no witness key.
    let as_ledger =
        save("l.vkey", &ledger.run(&["checkpoint", "--sign", &witness, "--name", "witness.example/w1", "--vkey"]));
    assert_ne!(verify(&as_ledger).code, 0);
    // --witness means nothing without --vkey.
    assert_eq!(ledger.run(&["checkpoint", "--sign", &witness, "--witness"]).code, 2);
}

/// The canonical writing of a valid application, damaged by an editor:
/// a byte-order mark, CRLF line endings, tabs as indentation, a trailing
/// space, quotes the value does not need.
fn edited_by_hand(value: &serde_json::Value) -> Vec<u8> {
    let text = canonical(value)
        .replace("name: Test Person", "name: \"Test Person\" ")
        .replace("\n  ", "\n\t")
        .replace('\n', "\r\n");
    [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat()
}

#[test]
fn every_problem_of_a_readable_file_is_reported_in_one_run() {
    let ledger = Ledger::shipped();
    let mut value = individual("grace-lin", 93_000_001);
    value["country"] = "de".into(); // a schema finding
    value["github"] = "someone-else".into(); // a rule finding: the id is not the login
    let path = rollcall::roll::layout::member_path("grace-lin");
    ledger.write(&path, edited_by_hand(&value));
    let out = ledger.validate(&[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let mine: Vec<_> = out.findings.iter().filter(|f| f.file == path).collect();
    let rules: std::collections::BTreeSet<&str> = mine.iter().map(|f| f.rule.as_str()).collect();
    for rule in ["yaml.encoding", "yaml.control-character", "yaml.not-canonical", "identity.country-code"] {
        assert!(rules.contains(rule), "{rule} missing:\n{}", out.summary());
    }
    assert!(
        rules.iter().any(|r| !r.starts_with("yaml.") && !r.starts_with("schema.") && *r != "identity.country-code"),
        "a rule finding too:\n{}",
        out.summary()
    );
    // One finding per cause: the line endings once, the tabs once, the
    // layout once (the quotes on line 2, after the trailing space is noted).
    let control = out.of("yaml.control-character");
    assert_eq!(control.len(), 2, "{}", out.summary());
    assert!(control.iter().any(|f| f.message.contains("CRLF") && f.message.contains("12 lines")), "{}", out.summary());
    assert!(control.iter().any(|f| f.message.contains("indented with tabs") && f.line == 10), "{}", out.summary());
    assert_eq!(out.of("yaml.not-canonical").len(), 2, "the trailing space, then the quotes:\n{}", out.summary());
    assert!(out.of("yaml.not-canonical").iter().all(|f| f.line == 2), "{}", out.summary());

    // Counting: a tab is not a carriage return.
    let text =
        canonical(&individual("grace-lin", 93_000_001)).replace("Test Person", "Test\tPerson").replace('\n', "\r\n");
    ledger.write(&path, text);
    let out = ledger.validate(&[]);
    let control = out.of("yaml.control-character");
    assert!(control.iter().any(|f| f.message.contains("CRLF") && f.message.contains("12 lines")), "{}", out.summary());
    let tab = control.iter().find(|f| f.message.contains("tab")).expect("the tab");
    assert_eq!(tab.message, "the file contains a tab character", "counted alone");
    assert_eq!((tab.line, tab.column), (2, 11));
}

#[test]
fn fmt_fixes_the_layout_and_refuses_what_it_cannot_fix_safely() {
    let ledger = Ledger::shipped();
    let value = individual("grace-lin", 93_000_001);
    let path = rollcall::roll::layout::member_path("grace-lin");
    ledger.write(&path, edited_by_hand(&value));
    let full = ledger.path().join(&path);
    let out = run_here(ledger.path(), &["fmt", full.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(&full).unwrap(), canonical(&value));
    ledger.validate(&[]).assert_clean();
    // Twice is once.
    let again = run_here(ledger.path(), &["fmt", full.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0));
    assert!(again.stdout.is_empty());

    let good = canonical(&value);
    for (what, bad) in [
        ("an anchor", good.replace("kind: person", "kind: &k person")),
        ("a duplicate key", good.replace("kind: person\n", "kind: person\nkind: person\n")),
        ("a tag", good.replace("kind: person", "kind: !!str person")),
        ("an invisible character", good.replace("Test Person", "Test\u{200B}Person")),
        ("a value with two readings", good.replace("country: DE", "country: NO")),
        ("a tab inside a value", good.replace("Test Person", "Test\tPerson").replace('\n', "\r\n")),
        ("a syntax error", good.replace("name: Test Person", "name: Marta: Novak")),
    ] {
        std::fs::write(&full, &bad).unwrap();
        let out = run_here(ledger.path(), &["fmt", full.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{what}: {stderr}");
        assert!(stderr.contains("not rewritten"), "{what}: {stderr}");
        assert_eq!(std::fs::read_to_string(&full).unwrap(), bad, "{what}: the file is untouched");
    }
    // Never through a symbolic link.
    let target = ledger.path().join("elsewhere.yaml");
    std::fs::write(&target, edited_by_hand(&value)).unwrap();
    std::fs::remove_file(&full).unwrap();
    std::os::unix::fs::symlink(&target, &full).unwrap();
    let out = run_here(ledger.path(), &["fmt", full.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(&target).unwrap(), edited_by_hand(&value));
}

#[test]
fn help_texts_give_advice_that_is_accepted() {
    let ledger = Ledger::shipped();
    let path = rollcall::roll::layout::member_path("grace-lin");
    let good = canonical(&individual("grace-lin", 93_000_001));
    let check = |text: String| {
        ledger.write(&path, text);
        ledger.validate(&[])
    };
    // The country: unquoted capitals are accepted; the help says so.
    check(good.clone()).assert_clean();
    let out = check(good.replace("country: DE", "country: de"));
    let help = &out.expect("identity.country-code", &path, 6).help;
    assert!(help.contains("e.g. DE") && !help.contains("\"DE\""), "{help}");
    assert_eq!(check(good.replace("country: DE", "country: \"NO\"")).code, 0);
    for (common, iso) in [("UK", "GB"), ("EL", "GR"), ("JA", "JP")] {
        let out = check(good.replace("country: DE", &format!("country: {common}")));
        let help = &out.expect("identity.country-code", &path, 6).help;
        assert!(help.contains(&format!("code is {iso}")), "{common}: {help}");
    }
    for doc in ["README.md", "CONTRIBUTING.md", "schema/member.schema.json"] {
        let text = std::fs::read_to_string(repo_root().join(doc)).unwrap();
        assert!(!text.contains("capitals and double quotes"), "{doc} still advises quoting every code");
    }
    // A value with `: ` in it: the advice is to quote it, and the advice is accepted.
    let out = check(good.replace("name: Test Person", "name: Marta: Novak"));
    let finding = out.expect("yaml.syntax", &path, 2);
    assert!(finding.help.contains("write `name: \"Marta: Novak\"`"), "{}", finding.help);
    assert_eq!(check(good.replace("name: Test Person", "name: \"Marta: Novak\"")).code, 0);
    // A comment line and a blank line: remove them.
    for extra in ["# my application\n", "\n"] {
        let out = check(good.replace("kind: person\n", &format!("kind: person\n{extra}")));
        let finding = out.expect("yaml.not-canonical", &path, 4);
        assert!(finding.help.starts_with("remove this line"), "{extra:?}: {}", finding.help);
    }
}

#[test]
fn merging_a_merged_pull_request_again_says_it_is_merged() {
    let ledger = desk();
    let head = propose(&ledger, &individual("new-person", 93_000_001));
    let merge = || {
        let mut args = vec!["merge", "--format", "json", "--date", AS_OF, "--head", &head];
        args.extend(["--author", "new-person", "--author-id", "93000001", "--pull-request", "42"]);
        args.extend_from_slice(TWO);
        ledger.run(&args)
    };
    assert_eq!(merge().code, 0);
    let tip_after = tip(&ledger);
    let again = merge();
    assert_eq!(again.code, 1, "{}", again.stderr);
    assert_eq!(again.rules(), ["merge.already-merged"], "{}", again.summary());
    let message = &again.findings[0].message;
    assert!(message.contains("#42 was already merged: new-person is a member since 2026-11-22"), "{message}");
    assert_eq!(tip(&ledger), tip_after, "nothing recorded");
}
