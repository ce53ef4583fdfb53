//! Every rule has a failing fixture that says where: one table, one entry
//! per rule name, and a test that the table covers every registered rule
//! and every `x-rule` of the shipped member schema.

use crate::common::*;
use serde_json::{Value, json};
use std::os::unix::fs::PermissionsExt;

/// Builds a failing ledger for one rule; returns the file and line the
/// finding must name.
type Setup = fn(&Ledger) -> (String, u32);

struct Fixture {
    rule: &'static str,
    setup: Setup,
    /// Validate the committed revision instead of the work tree.
    from_git: bool,
}

const fn fixture(rule: &'static str, setup: Setup) -> Fixture {
    Fixture { rule, setup, from_git: false }
}

/// The 1-based line of the first line of `file` (in the ledger) starting with `prefix`.
fn line_of(ledger: &Ledger, file: &str, prefix: &str) -> u32 {
    let text = std::fs::read_to_string(ledger.path().join(file)).expect("read fixture");
    text.lines()
        .position(|l| l.starts_with(prefix))
        .map(|i| i as u32 + 1)
        .unwrap_or_else(|| panic!("{prefix} not in {file}"))
}

/// Adds `value` and returns its path and the line of `prefix` in it.
fn add_at(ledger: &Ledger, value: &Value, prefix: &str) -> (String, u32) {
    let file = ledger.add(value);
    let line = line_of(ledger, &file, prefix);
    (file, line)
}

fn person(id: &str) -> Value {
    individual(id, 99_000_001)
}

fn with(mut value: Value, key: &str, field: Value) -> Value {
    value.as_object_mut().expect("mapping").insert(key.to_owned(), field);
    value
}

fn without(mut value: Value, key: &str) -> Value {
    value.as_object_mut().expect("mapping").remove(key);
    value
}

fn raw(ledger: &Ledger, file: &str, text: &str) -> String {
    ledger.write(file, text);
    file.to_owned()
}

const POLICY: &str = "schema/policy.yaml";

fn policy_line(ledger: &Ledger, prefix: &str) -> u32 {
    let text = std::fs::read_to_string(ledger.path().join(POLICY)).expect("policy");
    text.lines().position(|l| l.trim_start().starts_with(prefix)).map(|i| i as u32 + 1).expect("policy line")
}

fn fixtures() -> Vec<Fixture> {
    vec![
        fixture("tree.symlink", |l| {
            std::fs::create_dir_all(l.path().join("members/ev")).unwrap();
            std::os::unix::fs::symlink("/etc/passwd", l.path().join("members/ev/evil.yaml")).unwrap();
            ("members/ev/evil.yaml".into(), 1)
        }),
        Fixture {
            rule: "tree.submodule",
            setup: |l| {
                // A gitlink (mode 160000) named like a member file, in a real commit.
                let repo = git2::Repository::init(l.path()).unwrap();
                l.commit("roll");
                let head = repo.head().unwrap().peel_to_tree().unwrap();
                let members = repo.find_tree(head.get_name("members").unwrap().id()).unwrap();
                let mut shard = repo.treebuilder(None).unwrap();
                shard.insert("sub.yaml", head.id(), 0o160000).unwrap();
                let shard = shard.write().unwrap();
                let mut members = repo.treebuilder(Some(&members)).unwrap();
                members.insert("su", shard, 0o040000).unwrap();
                let members = members.write().unwrap();
                let mut root = repo.treebuilder(Some(&head)).unwrap();
                root.insert("members", members, 0o040000).unwrap();
                let tree = repo.find_tree(root.write().unwrap()).unwrap();
                let parent = repo.head().unwrap().peel_to_commit().unwrap();
                repo.commit(Some("HEAD"), &signature(), &signature(), "gitlink", &tree, &[&parent]).unwrap();
                ("members/su/sub.yaml".into(), 1)
            },
            from_git: true,
        },
        fixture("tree.executable", |l| {
            let file = l.add(&person("exec-bit"));
            std::fs::set_permissions(l.path().join(&file), std::fs::Permissions::from_mode(0o755)).unwrap();
            (file, 1)
        }),
        fixture("tree.special-file", |l| {
            std::fs::create_dir_all(l.path().join("members/fi")).unwrap();
            let path = std::ffi::CString::new(l.path().join("members/fi/fifo.yaml").to_str().unwrap()).unwrap();
            // SAFETY: a valid NUL-terminated path.
            assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0);
            ("members/fi/fifo.yaml".into(), 1)
        }),
        fixture("tree.file-name", |l| (raw(l, "members/notes.txt", "hello\n"), 1)),
        fixture("yaml.syntax", |l| (raw(l, "members/sy/syntax.yaml", "id: syntax\nname: [unclosed\n"), 2)),
        fixture("yaml.encoding", |l| (raw(l, "members/bo/bom.yaml", "\u{feff}id: bom\n"), 1)),
        fixture("yaml.control-character", |l| (raw(l, "members/nu/nul.yaml", "id: nul\nname: a\u{0}b\n"), 2)),
        fixture("yaml.invisible-character", |l| {
            let text = canonical(&person("bidi")).replace("name: Test Person", "name: Test \u{202e}nosreP");
            (raw(l, "members/bi/bidi.yaml", &text), 2)
        }),
        fixture("yaml.too-large", |l| (raw(l, "members/bi/big.yaml", &"# padding\n".repeat(7000)), 1)),
        fixture("yaml.too-deep", |l| (raw(l, "members/de/deep.yaml", &format!("id: {}\n", "[".repeat(100))), 1)),
        fixture("yaml.empty", |l| (raw(l, "members/em/empty.yaml", ""), 1)),
        fixture("yaml.multiple-documents", |l| {
            let text = format!("{}---\nid: again\n", canonical(&person("twice")));
            let line = text.lines().count() as u32 - 1;
            (raw(l, "members/tw/twice.yaml", &text), line)
        }),
        fixture("yaml.anchor", |l| (raw(l, "members/an/anchor.yaml", "id: anchor\nname: &n Anchor\n"), 2)),
        fixture("yaml.alias", |l| (raw(l, "members/al/alias.yaml", "id: alias\nname: *n\n"), 2)),
        fixture("yaml.tag", |l| (raw(l, "members/ta/tag.yaml", "id: tag\nname: !!str Tag\n"), 2)),
        fixture("yaml.merge-key", |l| (raw(l, "members/me/merge.yaml", "id: merge\n<<: {name: Merge}\n"), 2)),
        fixture("yaml.complex-key", |l| (raw(l, "members/co/complex.yaml", "id: complex\n? [a, b]\n: c\n"), 2)),
        fixture("yaml.duplicate-key", |l| {
            let text = canonical(&person("dup-key")).replace("name: Test Person\n", "name: Test Person\nname: Other\n");
            (raw(l, "members/du/dup-key.yaml", &text), 3)
        }),
        fixture("yaml.ambiguous-scalar", |l| {
            let text = canonical(&person("norway")).replace("country: DE", "country: NO");
            let file = raw(l, "members/no/norway.yaml", &text);
            let line = line_of(l, &file, "country:");
            (file, line)
        }),
        fixture("yaml.not-canonical", |l| {
            let text = canonical(&person("commented")).replace("tier: individual\n", "tier: individual # free\n");
            let file = raw(l, "members/co/commented.yaml", &text);
            let line = line_of(l, &file, "tier:");
            (file, line)
        }),
        fixture("config.invalid", |l| {
            l.edit_policy(|p| p.replace("term_months: 12", "term_months: twelve"));
            (POLICY.into(), policy_line(l, "term_months:"))
        }),
        fixture("config.missing", |l| {
            std::fs::remove_file(l.path().join(POLICY)).unwrap();
            (POLICY.into(), 1)
        }),
        fixture("file.stem-matches-id", |l| {
            let file = raw(l, "members/al/alice.yaml", &canonical(&person("alicia")));
            (file, 1)
        }),
        fixture("file.in-shard", |l| {
            let file = raw(l, "members/zz/alice.yaml", &canonical(&person("alice")));
            (file, 1)
        }),
        fixture("tier.known", |l| add_at(l, &with(person("diamond"), "tier", json!("diamond")), "tier:")),
        fixture("tier.holder-kind", |l| add_at(l, &with(person("golden"), "tier", json!("gold")), "tier:")),
        fixture("tier.sponsorship-terms", |l| {
            let path = l.path().join("members/ru/rubycore.yaml");
            let text = std::fs::read_to_string(&path).unwrap().replace("amount_usd: 5000", "amount_usd: 4000");
            std::fs::write(&path, &text).unwrap();
            let line = text.lines().position(|t| t.contains("amount_usd: 4000")).unwrap() + 1;
            ("members/ru/rubycore.yaml".into(), line as u32)
        }),
        fixture("tier.evidence-present", |l| (l.add(&without(person("no-evidence"), "contributions")), 1)),
        fixture("status.merger-only-field", |l| {
            add_at(l, &with(person("self-made"), "member_number", json!(7)), "member_number:")
        }),
        fixture("status.admission-record", |l| (l.add(&with(person("no-record"), "status", json!("active"))), 1)),
        fixture("status.dates-in-order", |l| {
            add_at(l, &admitted(person("backwards"), 500, "2026-06-01", "2026-05-01"), "expires:")
        }),
        fixture("status.expired", |l| {
            add_at(l, &admitted(person("overdue"), 500, "2025-01-01", "2026-01-01"), "expires:")
        }),
        fixture("privacy.contact-details", |l| {
            let mut value = person("mailer");
            value["contributions"]["summary"] = json!("Maintains packages; reach me at mailer@example.com any time.");
            add_at(l, &value, "  summary:")
        }),
        fixture("privacy.embargoed-country", |l| {
            add_at(l, &with(person("havana"), "country", json!("CU")), "country:")
        }),
        fixture("identity.id-matches-login", |l| {
            let mut value = person("someone-else");
            value["github"] = json!("the-real-login");
            (l.add(&value), 1)
        }),
        fixture("identity.unique-id", |l| {
            let file = raw(l, "members/ad/ada-quill-2.yaml", &canonical(&individual("ada-quill", 99_000_009)));
            (file, 1)
        }),
        fixture("identity.unique-github-id", |l| {
            // A renamed login applying again: a new file, the same account id as ada-quill.
            add_at(l, &individual("ada-renamed", 92000001), "github_id:")
        }),
        fixture("identity.unique-member-number", |l| {
            add_at(l, &admitted(person("number-one"), 1, "2026-06-01", "2027-06-01"), "member_number:")
        }),
        fixture("identity.one-sponsor-tier", |l| {
            let mut second = sponsor("northwind-gold", "gold", "nw-opensource", 92000011);
            second["organization"] = json!("northwind");
            add_at(l, &second, "tier:")
        }),
        fixture("identity.one-mirror", |l| {
            let mut second = sponsor("oakridge-mirror-2", "mirror", "oak-admin", 92000007);
            second["organization"] = json!("oakridge");
            second.as_object_mut().unwrap().remove("sponsorship");
            second["mirror"] = json!({"hostname": "mirror2.oakridge.example.edu", "definition": "https://github.com/example-os/mirrors/blob/main/m.yml"});
            add_at(l, &second, "tier:")
        }),
        fixture("identity.one-representative-per-organization", |l| {
            // Someone else applies for a mirror in the platinum member's name.
            let mut mirror = sponsor("northwind-mirror", "mirror", "mallory", 95_000_003);
            mirror["organization"] = json!("northwind");
            mirror.as_object_mut().unwrap().remove("sponsorship");
            mirror["mirror"] = json!({"hostname": "mirror.northwind.example.com", "definition": "https://github.com/example-os/mirrors/blob/main/m.yml"});
            add_at(l, &mirror, "  github_id:")
        }),
        fixture("identity.one-organization-per-login", |l| {
            // The platinum member's representative also speaks for another organization.
            add_at(l, &sponsor("shadow-corp", "silver", "nw-opensource", 92000011), "  github_id:")
        }),
        fixture("board.size", |l| {
            l.edit_policy(|p| {
                let start = p.find("  directors:\n").unwrap();
                let end = p.find("# Members of the election committee").unwrap();
                format!("{}  directors: []\n\n{}", &p[..start], &p[end..])
            });
            (POLICY.into(), policy_line(l, "directors: []"))
        }),
        fixture("board.directors-per-member", |l| {
            l.add(&admitted(
                sponsor("second-platinum", "platinum", "sp-rep", 99_000_100),
                600,
                "2026-06-01",
                "2027-06-01",
            ));
            // The board's list starts at its first director.
            (POLICY.into(), policy_line(l, "directors:") + 1)
        }),
        fixture("board.one-per-organization", |l| {
            l.edit_policy(|p| p.replace("name: Imani Okafor}", "name: Imani Okafor, organization: northwind}"));
            (POLICY.into(), policy_line(l, "- {github: imani-okafor"))
        }),
        fixture("board.sponsor-active", |l| {
            l.edit_policy(|p| p.replace("organization: bluefin-labs}", "organization: ghost-corp}"));
            (POLICY.into(), policy_line(l, "- {github: tomasz-wren"))
        }),
        fixture("committee.size", |l| {
            l.edit_policy(|p| p.replace("    - {github: diego-arce, github_id: 91000014, name: Diego Arce}\n", ""));
            (POLICY.into(), policy_line(l, "- {github: rowan-vale, github_id: 91000001, name: Rowan Vale}"))
        }),
        fixture("committee.directors", |l| {
            l.edit_policy(|p| {
                p.replace(
                    "    - {github: rowan-vale, github_id: 91000001, name: Rowan Vale}\n",
                    "    - {github: noel-ash, github_id: 91000015, name: Noel Ash}\n",
                )
            });
            (POLICY.into(), policy_line(l, "- {github: noel-ash"))
        }),
        fixture("policy.references", |l| {
            l.edit_policy(|p| {
                p.replace("directors_per_member: {tier: platinum", "directors_per_member: {tier: diamond")
            });
            (POLICY.into(), policy_line(l, "directors_per_member:"))
        }),
        fixture("identity.person-account", |l| (l.add(&without(person("no-account"), "github_id")), 1)),
        fixture("identity.organization-fields", |l| {
            (l.add(&without(sponsor("no-rep", "silver", "x", 99_000_200), "representative")), 1)
        }),
        fixture("status.end-record", |l| {
            let lapsed = with(admitted(person("no-end"), 500, "2024-01-01", "2025-01-01"), "status", json!("lapsed"));
            (l.add(&lapsed), 1)
        }),
        fixture("status.termination-record", |l| {
            let mut value =
                with(admitted(person("no-reason"), 500, "2025-01-01", "2026-01-01"), "status", json!("terminated"));
            value["ended"] = json!("2025-06-01");
            (l.add(&value), 1)
        }),
        fixture("identity.id-form", |l| {
            let value = with(person("shouting"), "id", json!("SHOUTING--ID"));
            let text = canonical(&value);
            (raw(l, "members/sh/shouting.yaml", &text), 1)
        }),
        fixture("identity.country-code", |l| add_at(l, &with(person("nowhere"), "country", json!("XX")), "country:")),
        fixture("schema.type", |l| add_at(l, &with(person("numbered"), "name", json!(42)), "name:")),
        fixture("schema.additional-properties", |l| {
            add_at(l, &with(person("extra"), "nickname", json!("x")), "nickname:")
        }),
        fixture("schema.required", |l| (l.add(&without(person("nameless"), "name")), 1)),
        fixture("schema.pattern", |l| {
            add_at(l, &with(person("bad-link"), "website", json!("http://insecure.example")), "website:")
        }),
    ]
}

#[test]
fn every_rule_fails_its_fixture_at_the_right_place() {
    let mut failures = Vec::new();
    for fixture in fixtures() {
        let ledger = Ledger::shipped();
        let (file, line) = (fixture.setup)(&ledger);
        let out = if fixture.from_git { ledger.validate(&["--rev", "HEAD"]) } else { ledger.validate(&[]) };
        let found = out.findings.iter().find(|f| f.rule == fixture.rule && f.file == file && f.line == line);
        match found {
            None => failures.push(format!("{}: expected at {file}:{line}, got:\n{}", fixture.rule, out.summary())),
            Some(f) => {
                assert!(!f.help.is_empty() && !f.message.is_empty(), "{}: message and help", fixture.rule);
                assert!(f.column >= 1);
                let expected_code = if f.severity == "warning" { 0 } else { 1 };
                if out.code != expected_code && !out.findings.iter().any(|o| o.severity == "error") {
                    failures.push(format!("{}: exit {} but expected {expected_code}", fixture.rule, out.code));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_rule_has_a_fixture() {
    let covered: Vec<&str> = fixtures().iter().map(|f| f.rule).collect();
    let bytes = std::fs::read(repo_root().join("schema/member.schema.json")).unwrap();
    let schema = rollcall::roll::schema::load_member_schema(&bytes).unwrap_or_else(|f| panic!("shipped schema: {f:?}"));
    // Pull-request rules have their failing cases in tests/check_pr.rs, the
    // rules of ledger events theirs in tests/merge.rs, the history's in
    // tests/history.rs, a BLT ballot file's in tests/tally.rs, the
    // mirror list's in tests/mirrors.rs, an election's in tests/elections.rs (each with its own test that every
    // rule of its kind has one).
    let mut names: Vec<String> = rollcall::roll::rules::RULES
        .iter()
        .filter(|r| {
            !matches!(
                r.check,
                rollcall::roll::rules::Check::PullRequest
                    | rollcall::roll::rules::Check::Event
                    | rollcall::roll::rules::Check::History
                    | rollcall::roll::rules::Check::Ballots
                    | rollcall::roll::rules::Check::Mirrors
                    | rollcall::roll::rules::Check::Election
            )
        })
        .map(|r| r.name.to_owned())
        .collect();
    names.extend(schema.rule_names());
    let missing: Vec<&String> = names.iter().filter(|n| !covered.contains(&n.as_str())).collect();
    assert!(missing.is_empty(), "rules without a failing fixture: {missing:?}");
}

#[test]
fn a_duplicate_github_id_points_at_both_files() {
    let ledger = Ledger::shipped();
    let file = ledger.add(&individual("ada-renamed", 92000001));
    let out = ledger.validate(&[]);
    let clashes = out.of("identity.unique-github-id");
    let files: Vec<&str> = clashes.iter().map(|f| f.file.as_str()).collect();
    assert_eq!(files, vec!["members/ad/ada-quill.yaml", file.as_str()], "{}", out.summary());
    assert!(clashes.iter().all(|f| f.path == "/github_id"));
    assert!(clashes[0].message.contains(&file), "each side names the other");
}

#[test]
fn one_missing_thing_is_one_finding() {
    let ledger = Ledger::shipped();
    // A person with no account fields at all: one finding per missing field, nothing else.
    let value = without(without(person("bare"), "github"), "github_id");
    let file = ledger.add(&value);
    let out = ledger.validate(&[]);
    assert_eq!(out.rules(), vec!["identity.person-account", "identity.person-account"], "{}", out.summary());
    let paths: Vec<&str> = out.findings.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, vec!["/github", "/github_id"]);
    assert!(out.findings.iter().all(|f| f.file == file && f.line == 1), "a missing field points at its parent mapping");
}

#[test]
fn findings_are_sorted_by_file_and_line() {
    let ledger = Ledger::shipped();
    ledger.add(&with(with(person("zz-last"), "tier", json!("gold")), "country", json!("XX")));
    ledger.add(&with(person("aa-first"), "tier", json!("diamond")));
    let out = ledger.validate(&[]);
    let keys: Vec<(String, u32)> = out.findings.iter().map(|f| (f.file.clone(), f.line)).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(out.findings.len() >= 4, "{}", out.summary());
}

#[test]
fn an_expired_membership_warns_with_the_command_to_run() {
    let ledger = Ledger::shipped();
    ledger.add(&admitted(person("overdue"), 500, "2025-01-01", "2026-01-01"));
    let out = ledger.validate(&[]);
    let warning = out.of("status.expired");
    assert_eq!(warning.len(), 1);
    assert_eq!(warning[0].severity, "warning");
    assert!(warning[0].help.contains("rollcall expire --as-of 2026-11-22"));
    assert_eq!(out.code, 0, "the passing of time must not fail an unrelated change");
    // Before the expiry date, nothing to say.
    ledger.run(&["validate", "--format", "json", "--as-of", "2025-12-31"]).assert_clean();
}
