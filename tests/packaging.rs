//! What packagers, editors and pre-commit use: shell completions, the man
//! page, the member schema in the editors' draft, and `validate FILE…`
//! reporting only the findings of the changed member files.

use crate::common::{Ledger, individual, run_in};

fn rollcall(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_rollcall")).args(args).output().unwrap()
}

#[test]
fn completions_and_the_man_page_cover_every_command() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = rollcall(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        for command in ["check-pr", "init", "validate", "merge"] {
            assert!(script.contains(command), "{shell} completes {command}");
        }
    }
    let out = rollcall(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2), "an unknown shell is a usage error");

    let out = rollcall(&["man"]);
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH rollcall 1"), "{page}");
    assert!(page.contains("check\\-pr") && page.contains("init"), "the page lists the commands");
}

#[test]
fn the_editor_schema_is_draft_07_with_the_policys_tiers() {
    let ledger = Ledger::empty();
    let out = ledger.run(&["schema", "--editor"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert!(!out.stdout.contains("$defs") && !out.stdout.contains("x-rule"), "nothing draft-07 does not read");
    assert_eq!(
        schema["properties"]["tier"]["enum"],
        serde_json::json!(["individual", "mirror", "silver", "ruby", "gold", "platinum"])
    );
    // A `$ref` with siblings is wrapped, so draft-07 keeps the siblings.
    assert!(schema["properties"]["tier"]["allOf"][0]["$ref"].as_str().unwrap().starts_with("#/definitions/"));
    // Without --editor: the ledger's own schema, unchanged in meaning.
    let own = ledger.run(&["schema"]);
    let own: serde_json::Value = serde_json::from_str(&own.stdout).unwrap();
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ledger.path().join("schema/member.schema.json")).unwrap())
            .unwrap();
    assert_eq!(own, file);
}

#[test]
fn validate_files_reports_the_findings_of_those_files_only() {
    let ledger = Ledger::empty();
    let good = ledger.add(&individual("good-one", 95000001));
    let mut bad = individual("bad-one", 95000002);
    bad["country"] = serde_json::json!("XX");
    let bad = ledger.add(&bad);

    let out = ledger.validate(&[&good]);
    assert_eq!(out.code, 0, "{}", out.summary());
    let out = ledger.validate(&[&bad]);
    assert_eq!(out.code, 1);
    // Only the bad file's findings among the member files (the rules' own stay).
    assert!(out.findings.iter().all(|f| f.file == bad || !f.file.starts_with("members/")), "{}", out.summary());
    assert!(out.findings.iter().any(|f| f.file == bad), "{}", out.summary());
    // A path as the shell gives it, from inside the ledger, names the same file.
    let out = run_in(ledger.path(), &["validate", "--format", "json", &format!("./{bad}")]);
    assert_eq!(out.code, 1);

    // A clash is reported in the changed file too.
    let twin = ledger.add(&individual("twin-one", 95000001));
    let out = ledger.validate(&[&twin]);
    assert_eq!(out.code, 1);
    assert!(out.findings.iter().any(|f| f.file == twin && f.rule.starts_with("identity.")), "{}", out.summary());

    // A changed rule file reports everything.
    let out = ledger.validate(&["schema/policy.yaml"]);
    assert!(out.findings.iter().any(|f| f.file == bad), "{}", out.summary());
}
