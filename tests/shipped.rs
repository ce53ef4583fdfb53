//! The shipped roll, the examples and the work tree / revision equivalence.

use crate::common::*;

#[test]
fn shipped_roll_validates_clean() {
    let out = run_in(&repo_root(), &["validate", "--format", "json", "--as-of", AS_OF]);
    out.assert_clean();
}

#[test]
fn shipped_roll_covers_every_tier_and_status() {
    let mut tiers = std::collections::BTreeSet::new();
    let mut statuses = std::collections::BTreeSet::new();
    for entry in walkdir::WalkDir::new(repo_root().join("members")).into_iter().filter_map(Result::ok) {
        if entry.file_type().is_file() {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let value: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
            tiers.insert(value["tier"].as_str().unwrap().to_owned());
            statuses.insert(value["status"].as_str().unwrap().to_owned());
        }
    }
    let all_tiers: Vec<&str> = vec!["gold", "individual", "mirror", "platinum", "ruby", "silver"];
    assert_eq!(tiers.iter().map(String::as_str).collect::<Vec<_>>(), all_tiers);
    let all_statuses = vec!["active", "applicant", "lapsed", "resigned", "terminated"];
    assert_eq!(statuses.iter().map(String::as_str).collect::<Vec<_>>(), all_statuses);
}

#[test]
fn every_example_is_a_valid_application_for_its_tier() {
    for tier in ["individual", "mirror", "silver", "ruby", "gold", "platinum"] {
        let ledger = Ledger::shipped();
        let text = std::fs::read(repo_root().join(format!("examples/{tier}.yaml"))).unwrap();
        let value: serde_json::Value = serde_saphyr::from_slice(&text).unwrap();
        assert_eq!(value["tier"], tier);
        assert_eq!(value["status"], "applicant");
        let path = rollcall::roll::layout::member_path(value["id"].as_str().unwrap());
        ledger.write(&path, &text);
        ledger.validate(&[]).assert_clean();
    }
}

#[test]
fn revision_gives_the_same_result_as_its_checkout() {
    let ledger = Ledger::shipped();
    ledger.add(&individual("zed-example", 99_000_001));
    let mut bad = individual("yan-example", 99_000_002);
    bad["tier"] = "gold".into();
    ledger.add(&bad);
    ledger.commit("roll");
    let from_tree = ledger.validate(&[]);
    let from_rev = ledger.validate(&["--rev", "HEAD"]);
    assert_eq!(from_tree.findings, from_rev.findings);
    assert_eq!(from_tree.code, 1);
    // Changing the work tree does not change what --rev reads.
    std::fs::remove_dir_all(ledger.path().join("members/ya")).unwrap();
    ledger.validate(&[]).assert_clean();
    assert_eq!(ledger.validate(&["--rev", "HEAD"]).findings, from_rev.findings);
}

#[test]
fn exit_code_two_when_the_command_cannot_run() {
    let empty = tempfile::tempdir().unwrap();
    let out = run_in(empty.path(), &["validate"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("not a rollcall ledger"));
    let ledger = Ledger::shipped();
    ledger.commit("roll");
    assert_eq!(ledger.validate(&["--rev", "no-such-revision"]).code, 2);
    assert_eq!(ledger.validate(&["--skip", "no.such-rule"]).code, 2);
    assert_eq!(ledger.validate(&["--as-of", "2026-13-40"]).code, 2);
}

#[test]
fn skip_turns_a_rule_off() {
    let ledger = Ledger::shipped();
    let mut bad = individual("zed-example", 99_000_001);
    bad["country"] = "CU".into();
    ledger.add(&bad);
    let out = ledger.validate(&[]);
    assert_eq!(out.rules(), vec!["privacy.embargoed-country"]);
    assert_eq!(out.code, 0, "a warning does not fail validation");
    ledger.validate(&["--skip", "privacy.embargoed-country"]).assert_clean();
}

#[test]
fn codeowners_follows_the_policy() {
    let out = run_in(&repo_root(), &["codeowners", "--check"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let ledger = Ledger::shipped();
    std::fs::create_dir_all(ledger.path().join(".github")).unwrap();
    std::fs::copy(repo_root().join(".github/CODEOWNERS"), ledger.path().join(".github/CODEOWNERS")).unwrap();
    assert_eq!(ledger.run(&["codeowners", "--check"]).code, 0);
    // A new maintainer in the policy makes the file stale until it is regenerated.
    ledger.edit_policy(|p| {
        p.replace(
            "maintainers:\n",
            "maintainers:\n  - {github: new-maintainer, github_id: 91000099, name: New Maintainer}\n",
        )
    });
    let stale = ledger.run(&["codeowners", "--check"]);
    assert_eq!(stale.code, 1);
    assert!(stale.stderr.contains("rollcall codeowners > .github/CODEOWNERS"));
    let fresh = ledger.run(&["codeowners"]);
    assert!(fresh.stdout.contains("* @new-maintainer @ines-moreau @tariq-haddad\n"));
    assert!(fresh.stdout.contains("\n/members/\n"), "member files have no code owner");
    // The rules are the board's: a newly seated director reviews schema/.
    ledger.edit_policy(|p| {
        p.replace(
            "  directors:\n",
            "  directors:\n    - {github: new-director, github_id: 91000098, name: New Director}\n",
        )
    });
    let fresh = ledger.run(&["codeowners"]);
    assert!(
        fresh.stdout.contains("\n/schema/ @new-director @rowan-vale @imani-okafor @tomasz-wren\n"),
        "{}",
        fresh.stdout
    );
}

#[test]
fn the_shipped_index_is_current_and_a_stale_one_is_caught() {
    let out = run_in(&repo_root(), &["index", "--check"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let ledger = Ledger::shipped();
    copy_dir(&repo_root().join("index"), &ledger.path().join("index"));
    assert_eq!(ledger.run(&["index", "--check"]).code, 0);
    ledger.add(&individual("new-member", 95_000_001));
    let stale = ledger.run(&["index", "--check"]);
    assert_eq!(stale.code, 1);
    assert!(stale.stderr.contains("rollcall index"));
    assert_eq!(ledger.run(&["index"]).code, 0);
    let members = index_members(ledger.path());
    assert!(members.contains("members/ne/new-member.yaml"));
    assert_eq!(members.len(), 12);
}

/// The member files the split index under `dir/index/` files.
fn index_members(dir: &std::path::Path) -> std::collections::BTreeSet<String> {
    let files = rollcall::roll::sharded::read_dir(dir).expect("the written index reads");
    let lines = files.iter().filter(|(path, _)| path.as_str() != rollcall::roll::sharded::HEADER_FILE);
    lines
        .flat_map(|(_, bytes)| {
            String::from_utf8(bytes.clone())
                .unwrap()
                .lines()
                .map(|l| l.split('\t').next().unwrap().to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn index_check_tells_a_stale_index_from_an_edited_one() {
    let ledger = Ledger::shipped();
    assert_eq!(ledger.run(&["index"]).code, 0);
    let files = rollcall::roll::sharded::read_dir(ledger.path()).unwrap();
    let (file, text) = files.iter().find(|(_, b)| String::from_utf8_lossy(b).contains("\t92000001\t")).unwrap();
    let (path, text) = (ledger.path().join(file), String::from_utf8(text.clone()).unwrap());
    std::fs::write(&path, text.replace("\t92000001\t", "\t1\t")).unwrap();
    let edited = ledger.run(&["index", "--check", "--stale-ok"]);
    assert_eq!(edited.code, 1, "an edited index fails even with --stale-ok");
    assert!(edited.stderr.contains("edited by hand"));
    std::fs::write(&path, text).unwrap();
    ledger.add(&individual("new-member", 95_000_001));
    assert_eq!(ledger.run(&["index", "--check"]).code, 1);
    let stale = ledger.run(&["index", "--check", "--stale-ok"]);
    assert_eq!(stale.code, 0);
    assert!(stale.stdout.contains("stale"));
}
