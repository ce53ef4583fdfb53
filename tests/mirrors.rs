//! Mirror memberships checked against the foundation's mirror list, on real
//! ledgers with the real binary, against the fictional list in
//! `tests/fixtures/mirrors` (`mirrors.d/<hostname>.yml`). Every `mirror.*`
//! rule of the registry (`Check::Mirrors`) has its failing case here.

use crate::common::*;
use rollcall::roll::mirrors::{self, Probe};
use rollcall::roll::policy::MirrorList;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const LIST: &str = "https://github.com/example-os/mirrors";

/// The policy block that names the (fictional) mirror list; the shipped
/// demonstration policy has it only as a comment.
const BLOCK: &str = "\nmirrors:\n  repository: https://github.com/example-os/mirrors\n  path: \"mirrors.d/{hostname}.yml\"\n  branch: main\n";

/// The shipped ledger, its policy naming the mirror list.
fn listed() -> Ledger {
    let ledger = Ledger::shipped();
    ledger.edit_policy(|text| text + BLOCK);
    ledger
}

/// `desk()` with the policy naming the mirror list: committed on `main` as
/// the ledger's genesis.
fn listed_desk() -> Ledger {
    let ledger = listed();
    let mut options = git2::RepositoryInitOptions::new();
    options.initial_head("main");
    git2::Repository::init_opts(ledger.path(), &options).unwrap();
    assert_eq!(ledger.run(&["index"]).code, 0);
    ledger.commit(&genesis_message(&ledger, GENESIS_DATE));
    ledger
}

fn fixture_list() -> PathBuf {
    repo_root().join("tests/fixtures/mirrors")
}

/// A copy of the fixture list to change (the `TempDir` keeps it alive).
fn list_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mirrors");
    copy_dir(&fixture_list(), &path);
    (dir, path)
}

fn blob(host: &str) -> String {
    format!("{LIST}/blob/main/mirrors.d/{host}.yml")
}

/// A person's application for the mirror tier.
fn mirror_app(login: &str, github_id: u64, host: &str, country: &str) -> Value {
    let mut value = individual(login, github_id);
    let map = value.as_object_mut().unwrap();
    map.remove("contributions");
    map.insert("tier".into(), json!("mirror"));
    map.insert("country".into(), json!(country));
    map.insert("mirror".into(), json!({"hostname": host, "definition": blob(host)}));
    value
}

fn lakeside() -> Value {
    mirror_app("lake-admin", 93_100_001, "mirror.lakeside.example.ie", "IE")
}

/// 1-based line of the first line of `file` whose trimmed text starts with `prefix`.
fn line_of(ledger: &Ledger, file: &str, prefix: &str) -> u32 {
    let text = std::fs::read_to_string(ledger.path().join(file)).unwrap();
    text.lines().position(|l| l.trim_start().starts_with(prefix)).map(|i| i as u32 + 1).unwrap()
}

fn validate_with(ledger: &Ledger, list: &Path) -> Outcome {
    ledger.validate(&["--mirrors", list.to_str().unwrap()])
}

/// Adds `value` to the shipped roll, validates against `list`, and returns
/// the outcome, the file and the line of `prefix` in it.
fn judge(value: &Value, list: &Path, prefix: &str) -> (Outcome, String, u32) {
    let ledger = listed();
    let file = ledger.add(value);
    let line = line_of(&ledger, &file, prefix);
    (validate_with(&ledger, list), file, line)
}

#[test]
fn an_application_whose_definition_is_on_the_list_passes() {
    let (out, _, _) = judge(&lakeside(), &fixture_list(), "id:");
    out.assert_clean();
    // Its example, as shipped, too.
    let example: Value =
        serde_saphyr::from_str(&std::fs::read_to_string(repo_root().join("examples/mirror.yaml")).unwrap()).unwrap();
    let (out, _, _) = judge(&example, &fixture_list(), "id:");
    out.assert_clean();
}

#[test]
fn an_application_without_a_definition_is_refused_at_its_hostname() {
    let value = mirror_app("nowhere-admin", 93_100_002, "mirror.nowhere.example.org", "DE");
    let (out, file, line) = judge(&value, &fixture_list(), "hostname:");
    assert_eq!(out.code, 1);
    let f = out.expect("mirror.definition", &file, line);
    assert_eq!((f.path.as_str(), f.column), ("/mirror/hostname", 13));
    assert!(f.message.contains("mirrors.d/mirror.nowhere.example.org.yml"), "{}", f.message);
}

#[test]
fn a_link_that_points_elsewhere_is_refused_at_the_link() {
    let mut value = lakeside();
    value["mirror"]["definition"] =
        json!("https://github.com/someone-else/mirrors/blob/main/mirrors.d/mirror.lakeside.example.ie.yml");
    let (out, file, line) = judge(&value, &fixture_list(), "definition:");
    assert_eq!(out.code, 1);
    assert_eq!(out.expect("mirror.link", &file, line).path, "/mirror/definition");
    // The link to another host's definition in the right repository, too.
    value["mirror"]["definition"] = json!(blob("mirror.fenwick.example.net"));
    let (out, file, line) = judge(&value, &fixture_list(), "definition:");
    out.expect("mirror.link", &file, line);
    assert_eq!(out.rules(), ["mirror.link"]);
}

#[test]
fn a_definition_naming_another_host_is_refused() {
    let value = mirror_app("harbour-admin", 93_100_003, "mirror.harbour.example.org", "PT");
    let (out, file, line) = judge(&value, &fixture_list(), "hostname:");
    assert_eq!(out.code, 1);
    let f = out.expect("mirror.definition-name", &file, line);
    assert!(f.message.contains("mirror.quay.example.org"), "{}", f.message);
}

#[test]
fn a_definition_without_an_https_address_is_refused() {
    let value = mirror_app("plain-admin", 93_100_004, "mirror.plain.example.org", "PT");
    let (out, file, line) = judge(&value, &fixture_list(), "hostname:");
    assert_eq!(out.code, 1);
    out.expect("mirror.definition-https", &file, line);
    assert_eq!(out.rules(), ["mirror.definition-https"]);
}

#[test]
fn a_mirror_in_another_country_is_a_warning_at_the_country() {
    let value = mirror_app("abroad-admin", 93_100_005, "mirror.abroad.example.org", "DE");
    let (out, file, line) = judge(&value, &fixture_list(), "country:");
    assert_eq!(out.code, 0, "a warning never fails: {}", out.summary());
    let f = out.expect("mirror.country", &file, line);
    assert_eq!((f.severity.as_str(), f.path.as_str()), ("warning", "/country"));
    assert!(f.message.contains("\"FR\""), "{}", f.message);
}

#[test]
fn without_a_checkout_exactly_one_notice_says_so() {
    let ledger = listed();
    ledger.add(&lakeside());
    ledger.add(&mirror_app("nowhere-admin", 93_100_002, "mirror.nowhere.example.org", "DE"));
    let out = ledger.validate(&[]);
    assert_eq!(out.code, 0, "{}", out.summary());
    assert_eq!(out.rules(), ["mirror.unchecked"], "one notice, however many mirror members");
    let notice = &out.findings[0];
    assert_eq!((notice.severity.as_str(), notice.file.as_str()), ("warning", "schema/policy.yaml"));
    assert!(notice.message.contains("4 mirror membership(s)"), "{}", notice.message);
    // The environment variable the workflows set gives the checkout too.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rollcall"))
        .args(["validate", "--format", "json", "--as-of", AS_OF, "--repo"])
        .arg(ledger.path())
        .env("ROLLCALL_MIRRORS", fixture_list())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("mirror.definition") && !stdout.contains("mirror.unchecked"), "{stdout}");
}

#[test]
fn a_policy_without_a_mirror_list_checks_nothing_and_says_nothing() {
    // The shipped demonstration policy names no list.
    let ledger = Ledger::shipped();
    ledger.add(&mirror_app("nowhere-admin", 93_100_002, "mirror.nowhere.example.org", "DE"));
    ledger.validate(&[]).assert_clean();
    validate_with(&ledger, &fixture_list()).assert_clean();
}

#[test]
fn a_bad_mirror_list_in_the_policy_is_a_finding_at_its_line() {
    for (field, bad) in [
        ("path:", r#"path: "../elsewhere/{hostname}.yml""#),
        ("path:", r#"path: "mirrors.d/mirror.yml""#),
        ("path:", r#"path: "/etc/{hostname}""#),
        ("repository:", "repository: http://github.com/example-os/mirrors"),
    ] {
        let ledger = listed();
        ledger.edit_policy(|text| {
            let start = text.find("\nmirrors:").unwrap();
            let (head, tail) = text.split_at(start);
            let line = tail.lines().find(|l| l.trim_start().starts_with(field)).unwrap();
            format!("{head}{}", tail.replace(line, &format!("  {bad}")))
        });
        let out = ledger.validate(&[]);
        assert_eq!(out.code, 1, "{bad}: {}", out.summary());
        let line = line_of(&ledger, "schema/policy.yaml", bad);
        assert!(
            out.findings.iter().any(|f| f.file == "schema/policy.yaml" && f.line == line),
            "{bad}: expected a finding at line {line}:\n{}",
            out.summary()
        );
    }
}

/// The fixture list with `host`'s definition replaced by what `hostile` makes of it.
fn hostile_list(host: &str, hostile: impl FnOnce(&Path)) -> (tempfile::TempDir, PathBuf) {
    let (dir, list) = list_copy();
    hostile(&list.join(format!("mirrors.d/{host}.yml")));
    (dir, list)
}

#[test]
fn hostile_definitions_are_refused() {
    let host = "mirror.lakeside.example.ie";
    type Make = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, Make)> = vec![
        (
            "a symbolic link",
            Box::new(|path: &Path| {
                std::fs::remove_file(path).unwrap();
                std::os::unix::fs::symlink(path.with_file_name("mirror.fenwick.example.net.yml"), path).unwrap();
            }),
        ),
        (
            "a symbolic link out of the checkout",
            Box::new(|path: &Path| {
                std::fs::remove_file(path).unwrap();
                std::os::unix::fs::symlink("/etc/hostname", path).unwrap();
            }),
        ),
        (
            "a symlinked directory",
            Box::new(|path: &Path| {
                let dir = path.parent().unwrap();
                let real = dir.with_file_name("real.d");
                std::fs::rename(dir, &real).unwrap();
                std::os::unix::fs::symlink(&real, dir).unwrap();
            }),
        ),
        (
            "over the size cap",
            Box::new(|path: &Path| {
                let mut text = std::fs::read_to_string(path).unwrap();
                text.push_str(&format!("# {}\n", "x".repeat(70 * 1024)));
                std::fs::write(path, text).unwrap();
            }),
        ),
        (
            "not a regular file",
            Box::new(|path: &Path| {
                std::fs::remove_file(path).unwrap();
                std::fs::create_dir(path).unwrap();
            }),
        ),
        (
            "an anchor and an alias",
            Box::new(|path: &Path| {
                let text = std::fs::read_to_string(path).unwrap();
                std::fs::write(path, text.replace("name: mirror", "name: &n mirror") + "again: *n\n").unwrap();
            }),
        ),
        (
            "a tag",
            Box::new(|path: &Path| {
                let text = std::fs::read_to_string(path).unwrap();
                std::fs::write(path, text.replace("name: mirror", "name: !!str mirror")).unwrap();
            }),
        ),
        (
            "a duplicate key",
            Box::new(|path: &Path| {
                let text = std::fs::read_to_string(path).unwrap();
                std::fs::write(path, text + "name: mirror.other.example.org\n").unwrap();
            }),
        ),
        ("not UTF-8", Box::new(|path: &Path| std::fs::write(path, b"name: \xff\xfe\n").unwrap())),
        ("a syntax error", Box::new(|path: &Path| std::fs::write(path, "name: [unclosed\n").unwrap())),
    ];
    for (what, make) in cases {
        let (_dir, list) = hostile_list(host, make);
        let (out, file, line) = judge(&lakeside(), &list, "hostname:");
        assert_eq!(out.code, 1, "{what}: {}", out.summary());
        let f = out.expect("mirror.definition-refused", &file, line);
        assert!(!f.help.is_empty(), "{what}");
        assert!(!out.rules().contains(&"mirror.definition-name"), "{what}: a refused definition is not read");
    }
    // The fixture list's own hostile definition (an anchor and an alias).
    let value = mirror_app("tag-admin", 93_100_006, "mirror.tagged.example.org", "PT");
    let (out, file, line) = judge(&value, &fixture_list(), "hostname:");
    assert!(out.expect("mirror.definition-refused", &file, line).message.contains("yaml.anchor"));
}

#[test]
fn the_definitions_own_style_is_accepted() {
    // Comments, a document marker, flow mappings and quoted strings: the
    // list's layout, not rollcall's canonical one.
    let (_dir, list) = hostile_list("mirror.lakeside.example.ie", |path| {
        std::fs::write(
            path,
            "---\n# Lakeside\nname: 'mirror.lakeside.example.ie'\naddress: {https: \"https://mirror.lakeside.example.ie/\"}\n\ngeolocation:\n    country: ie\nupdate_frequency: 4h\n",
        )
        .unwrap();
    });
    let (out, _, _) = judge(&lakeside(), &list, "id:");
    out.assert_clean();
}

fn check_pr(ledger: &Ledger, head: &str, who: (&str, u64), extra: &[&str]) -> Outcome {
    let id = who.1.to_string();
    let mut args = vec!["check-pr", "--format", "json", "--as-of", AS_OF, "--base", "main", "--head", head];
    args.extend(["--author", who.0, "--author-id", &id]);
    args.extend_from_slice(extra);
    ledger.run(&args)
}

#[test]
fn check_pr_checks_the_mirror_application_it_judges() {
    let ledger = listed_desk();
    let list = fixture_list();
    let list = list.to_str().unwrap();
    let head = propose(&ledger, &lakeside());
    let out = check_pr(&ledger, &head, ("lake-admin", 93_100_001), &["--mirrors", list]);
    out.assert_clean();
    // Without the checkout: acceptable, with one notice at the member file.
    let out = check_pr(&ledger, &head, ("lake-admin", 93_100_001), &[]);
    assert_eq!((out.code, out.rules()), (0, vec!["mirror.unchecked"]), "{}", out.summary());
    assert_eq!(out.findings[0].file, "members/la/lake-admin.yaml");
    // A host the list does not have: refused at the file's hostname line.
    let value = mirror_app("nowhere-admin", 93_100_002, "mirror.nowhere.example.org", "DE");
    let head = propose(&ledger, &value);
    let out = check_pr(&ledger, &head, ("nowhere-admin", 93_100_002), &["--mirrors", list]);
    assert_eq!(out.code, 1);
    let line = canonical(&value).lines().position(|l| l.trim_start().starts_with("hostname:")).unwrap() as u32 + 1;
    out.expect("mirror.definition", "members/no/nowhere-admin.yaml", line);
    // An application for another tier says nothing of mirrors.
    let head = propose(&ledger, &individual("plain-person", 93_100_009));
    check_pr(&ledger, &head, ("plain-person", 93_100_009), &[]).assert_clean();
}

fn merge(ledger: &Ledger, head: &str, who: (&str, u64), extra: &[&str]) -> Outcome {
    let id = who.1.to_string();
    let mut args = vec!["merge", "--format", "json", "--date", AS_OF, "--head", head, "--author", who.0];
    args.extend(["--author-id", &id, "--approved-by", "lena-hart,kofi-mensah"]);
    args.extend_from_slice(extra);
    ledger.run(&args)
}

#[test]
fn merge_admits_a_listed_mirror_and_refuses_an_unlisted_one() {
    let ledger = listed_desk();
    let list = fixture_list();
    let list = list.to_str().unwrap();
    let before = tip(&ledger);
    let value = mirror_app("nowhere-admin", 93_100_002, "mirror.nowhere.example.org", "DE");
    let head = propose(&ledger, &value);
    let out = merge(&ledger, &head, ("nowhere-admin", 93_100_002), &["--mirrors", list]);
    assert_eq!(out.code, 1, "{}", out.summary());
    assert_eq!(out.rules(), ["mirror.definition"]);
    assert_eq!(tip(&ledger), before, "nothing recorded");
    let head = propose(&ledger, &lakeside());
    let out = merge(&ledger, &head, ("lake-admin", 93_100_001), &["--mirrors", list]);
    assert_eq!(out.code, 0, "{}", out.summary());
    assert_ne!(tip(&ledger), before);
    assert!(out.findings.is_empty(), "{}", out.summary());
}

fn renew(ledger: &Ledger, member: &str, extra: &[&str]) -> Outcome {
    let mut args = vec!["renew", member, "--format", "json", "--date", AS_OF, "--approved-by", "lena-hart"];
    args.extend_from_slice(extra);
    ledger.run(&args)
}

#[test]
fn a_mirror_removed_from_the_list_cannot_renew() {
    let ledger = listed_desk();
    let file = "members/oa/oakridge-mirror.yaml";
    let (_dir, list) = list_copy();
    std::fs::remove_file(list.join("mirrors.d/mirror.oakridge.example.edu.yml")).unwrap();
    let before = tip(&ledger);
    let out = renew(&ledger, "oakridge-mirror", &["--mirrors", list.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.summary());
    let f = out.expect("mirror.definition", file, line_of(&ledger, file, "hostname:"));
    assert!(f.message.contains("removed from the list") && f.help.contains("cannot be admitted or renew"), "{f:?}");
    assert_eq!(tip(&ledger), before, "nothing recorded");
    // Without a checkout the renewal is recorded, with the notice.
    let out = renew(&ledger, "oakridge-mirror", &[]);
    assert_eq!((out.code, out.rules()), (0, vec!["mirror.unchecked"]), "{}", out.summary());
    // Still listed: renewed without a word.
    let ledger = listed_desk();
    let out = renew(&ledger, "oakridge-mirror", &["--mirrors", fixture_list().to_str().unwrap()]);
    assert_eq!((out.code, out.findings.len()), (0, 0), "{}", out.summary());
}

#[test]
fn mirrors_check_lists_the_members_whose_definition_is_gone() {
    let ledger = listed();
    ledger.add(&lakeside());
    let (_dir, list) = list_copy();
    let list_arg = list.to_str().unwrap();
    let run = |ledger: &Ledger| ledger.run(&["mirrors", "check", "--format", "json", "--mirrors", list_arg]);
    let out = run(&ledger);
    out.assert_clean();
    std::fs::remove_file(list.join("mirrors.d/mirror.oakridge.example.edu.yml")).unwrap();
    std::fs::remove_file(list.join("mirrors.d/mirror.lakeside.example.ie.yml")).unwrap();
    let out = run(&ledger);
    assert_eq!(out.code, 1);
    let gone: Vec<&str> = out.of("mirror.definition").iter().map(|f| f.file.as_str()).collect();
    assert_eq!(gone, ["members/la/lake-admin.yaml", "members/oa/oakridge-mirror.yaml"]);
    assert_eq!(out.findings.len(), 2, "only mirror findings: {}", out.summary());
    // Human output names them too; a policy without a list cannot run.
    let human = ledger.run(&["mirrors", "check", "--mirrors", list_arg]);
    assert!(human.stdout.contains("members/oa/oakridge-mirror.yaml"), "{}", human.stdout);
    ledger.edit_policy(|text| text[..text.find("\nmirrors:").unwrap()].to_owned() + "\n");
    assert_eq!(run(&ledger).code, 2);
    // The checkout is required.
    assert_eq!(ledger.run(&["mirrors", "check"]).code, 2);
}

#[test]
fn mirrors_where_prints_the_list_the_policy_names_for_the_workflows() {
    let out = listed().run(&["mirrors", "where"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "https://github.com/example-os/mirrors main\n"));
    let out = Ledger::shipped().run(&["mirrors", "where"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "no list, nothing to clone");
}

fn list() -> MirrorList {
    MirrorList { repository: LIST.into(), path: "mirrors.d/{hostname}.yml".into(), branch: "main".into() }
}

#[test]
fn links_that_point_at_the_definition() {
    let rel = "mirrors.d/mirror.a.example.org.yml";
    let sha = "0123456789abcdef0123456789abcdef01234567";
    for good in [
        format!("{LIST}/blob/main/{rel}"),
        format!("{LIST}/tree/main/{rel}"),
        format!("https://GitHub.com/Example-OS/Mirrors/blob/main/{rel}"),
        format!("{LIST}/blob/{sha}/{rel}"),
        format!("{LIST}/blob/main/{rel}#L1"),
        format!("{LIST}/commit/{sha}"),
        format!("{LIST}/pull/42"),
        format!("{LIST}/pull/42/files"),
    ] {
        assert!(mirrors::link_points_at(&list(), rel, &good), "{good}");
    }
    for bad in [
        format!("{LIST}/blob/devel/{rel}"),
        format!("{LIST}/blob/main/mirrors.d/mirror.b.example.org.yml"),
        format!("{LIST}-fork/blob/main/{rel}"),
        format!("{LIST}s/blob/main/{rel}"),
        format!("https://github.com/other/mirrors/blob/main/{rel}"),
        format!("{LIST}/commit/main"),
        format!("{LIST}/pull/42abc"),
        format!("{LIST}/issues/42"),
        format!("{LIST}/blob/main/../{rel}"),
        format!("http://github.com/example-os/mirrors/blob/main/{rel}"),
        LIST.to_owned(),
    ] {
        assert!(!mirrors::link_points_at(&list(), rel, &bad), "{bad}");
    }
}

#[test]
fn hostnames_are_checked_before_they_name_a_path() {
    for good in ["mirror.example.org", "a.b-c.example"] {
        assert!(mirrors::is_safe_hostname(good), "{good}");
    }
    for bad in ["", "..", "../etc", "a/b.example", "a..b", ".a.example", "a.example.", "-a.example", "a b.example"] {
        assert!(!mirrors::is_safe_hostname(bad), "{bad}");
    }
}

/// A fake web: the answer for each URL.
struct Fake(Vec<(String, Result<String, String>)>);

impl Probe for Fake {
    fn get(&self, url: &str) -> Result<String, String> {
        self.0.iter().find(|(u, _)| u == url).map_or_else(|| Err("no route to host".to_owned()), |(_, a)| a.clone())
    }
}

#[test]
fn freshness_is_judged_from_the_time_file_through_an_injected_client() {
    let ledger = listed();
    let source = rollcall::roll::source::Source::disk(ledger.path()).unwrap();
    let now: jiff::Timestamp = "2026-11-22T12:00:00Z".parse().unwrap();
    let oak = "https://mirror.oakridge.example.edu/example-os/TIME";
    let fen = "https://mirror.fenwick.example.net/pub/example-os/TIME";
    let fresh = (now.as_second() - 3600).to_string();
    let stale = (now.as_second() - 25 * 3600).to_string();
    let review = |fake: Fake| mirrors::review(&source, &fixture_list(), Some(&fake), now).unwrap();
    let found = review(Fake(vec![(oak.into(), Ok(fresh.clone())), (fen.into(), Ok("2026-11-22T02:00:00Z\n".into()))]));
    assert!(found.is_empty(), "{found:?}");
    let found = review(Fake(vec![(oak.into(), Ok(stale)), (fen.into(), Err("timed out".into()))]));
    let rules: Vec<(&str, &str)> = found.iter().map(|f| (f.rule.as_ref(), f.file.as_str())).collect();
    assert_eq!(
        rules,
        [("mirror.unreachable", "members/fe/fenwick.yaml"), ("mirror.stale", "members/oa/oakridge-mirror.yaml")]
    );
    assert_eq!(found[0].severity, rollcall::finding::Severity::Warning, "a network error never refuses");
    let line = line_of(&ledger, "members/oa/oakridge-mirror.yaml", "hostname:");
    assert_eq!((found[1].line, found[1].path.as_str()), (line, "/mirror/hostname"));
    // Garbage in the TIME file is a warning, not a crash.
    let found = review(Fake(vec![(oak.into(), Ok("yesterday".into())), (fen.into(), Ok(fresh))]));
    assert_eq!(found.iter().map(|f| f.rule.as_ref()).collect::<Vec<_>>(), ["mirror.unreachable"]);
    // Not asked for: nothing fetched.
    assert!(mirrors::review(&source, &fixture_list(), None, now).unwrap().is_empty());
}

/// `tests/rules.rs` leaves the registry's `Check::Mirrors` rules to this
/// file: each has a failing case above.
#[test]
fn every_mirror_rule_has_a_failing_case_here() {
    let covered = [
        "mirror.unchecked",
        "mirror.definition",
        "mirror.definition-refused",
        "mirror.definition-name",
        "mirror.definition-https",
        "mirror.link",
        "mirror.country",
        "mirror.unreachable",
        "mirror.stale",
    ];
    let registered: Vec<&str> = rollcall::roll::rules::RULES
        .iter()
        .filter(|r| matches!(r.check, rollcall::roll::rules::Check::Mirrors))
        .map(|r| r.name)
        .collect();
    for rule in &registered {
        assert!(covered.contains(rule), "{rule} has no failing case in tests/mirrors.rs");
    }
    for rule in covered {
        assert!(registered.contains(&rule), "{rule} is not registered in RULES as Check::Mirrors");
    }
}
