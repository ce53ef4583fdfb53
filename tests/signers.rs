//! The allowed-signers file and signed-commit checks on real repositories:
//! each way a commit can fail to count as signed names its exact reason,
//! each kind of bad line is reported at its line and column, and git itself
//! agrees with rollcall on the same commits and file.

use crate::common;

use git2::{Oid, Repository};
use jiff::Timestamp;
use jiff::civil::{Date, date};
use proptest::prelude::*;
use rollcall::change::sign::Signer;
use rollcall::history::signers::{AllowedSigners, LineError, Unsigned, check_commit};
use ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey};
use std::path::PathBuf;
use std::process::Command;

const EVENT_KEY: &str = "event-signing-key";
const OTHER_KEY: &str = "other-signing-key";
/// The date most cases judge at.
const DATE: Date = date(2026, 5, 1);
/// Keys rollcall cannot check signatures of (made with ssh-keygen; never used).
const RSA_KEY: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQCleP4vAjVE2Pr5yft+NITOFZOpmvC6B1HORw8OSgvOEkfglyQ0eNAH4/XlP01yz1cKFIyvl9y9SDIJmqIAWPe0QMj7wfie14rGPgu0ccAUxaS3C4GFgnXbgItGQRzOQds/QOSNYIZwBK8CgBz6ht1uVNIykv2SI57ZsKfQypp+oQ==";
const ECDSA_KEY: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBPP6vQ66ob6mFr2IEHummzlOevWepmCwCPwTV1Msbw/MDK7lY2LcFrpTIsX4rwoniBB4fSXry9ngODwh5+gXP58=";

fn fixture(name: &str) -> PathBuf {
    common::repo_root().join("tests/fixtures").join(name)
}

/// `keytype base64` of a fixture key, without its comment.
fn public(name: &str) -> String {
    let text = std::fs::read_to_string(fixture(&format!("{name}.pub"))).expect("public key");
    text.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
}

fn fingerprint(name: &str) -> String {
    PublicKey::from_openssh(&public(name)).expect("public key").fingerprint(HashAlg::Sha256).to_string()
}

fn signer(name: &str) -> Signer {
    Signer::from_file(&fixture(name)).expect("signing key")
}

fn at(text: &str) -> Timestamp {
    text.parse().expect("timestamp")
}

fn scratch() -> (tempfile::TempDir, Repository) {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = Repository::init(dir.path()).expect("init");
    (dir, repo)
}

/// The bytes of a root commit with an empty tree, as the ledger signs them.
fn content(repo: &Repository, message: &str) -> String {
    let tree = repo.find_tree(repo.treebuilder(None).unwrap().write().unwrap()).unwrap();
    let who = common::signature();
    let buffer = repo.commit_create_buffer(&who, &who, message, &tree, &[]).unwrap();
    buffer.as_str().expect("utf-8").to_owned()
}

/// A commit whose gpgsig header is `armoured` as given.
fn commit_with_header(repo: &Repository, message: &str, armoured: &str) -> Oid {
    repo.commit_signed(&content(repo, message), armoured, Some("gpgsig")).expect("signed commit")
}

/// A commit signed by the fixture key `name`, as `ledger::record` signs events.
fn signed(repo: &Repository, name: &str) -> Oid {
    let content = content(repo, "an event\n");
    commit_with_header(repo, "an event\n", &signer(name).sign(content.as_bytes()).unwrap())
}

fn unsigned(repo: &Repository) -> Oid {
    repo.odb().unwrap().write(git2::ObjectType::Commit, content(repo, "an event\n").as_bytes()).unwrap()
}

#[track_caller]
fn signers(text: &str) -> AllowedSigners {
    AllowedSigners::parse(text).unwrap_or_else(|errors| panic!("{text}\n{errors:#?}"))
}

/// `check_commit` of `commit` at `date` against the allowed-signers `text`.
#[track_caller]
fn check(repo: &Repository, commit: Oid, date: Date, text: &str) -> Result<String, Unsigned> {
    check_commit(repo, commit, date, &signers(text))
}

/// One line allowing the event key with `options`.
fn event_line(options: &str) -> String {
    format!("alice@example.org {options} {}\n", public(EVENT_KEY))
}

#[test]
fn a_valid_signature_names_the_entrys_principals() {
    let (_dir, repo) = scratch();
    let commit = signed(&repo, EVENT_KEY);
    let file = format!("# signers\n\nalice@example.org,bob@example.org {} alice\n", public(EVENT_KEY));
    assert_eq!(check(&repo, commit, DATE, &file), Ok("alice@example.org,bob@example.org".to_owned()));
}

#[test]
fn an_unsigned_commit_is_missing_its_signature() {
    let (_dir, repo) = scratch();
    assert_eq!(check(&repo, unsigned(&repo), DATE, &event_line("")), Err(Unsigned::Missing));
}

#[test]
fn a_key_the_file_does_not_list_is_unknown() {
    let (_dir, repo) = scratch();
    let commit = signed(&repo, OTHER_KEY);
    let unknown = Err(Unsigned::UnknownKey(fingerprint(OTHER_KEY)));
    assert_eq!(check(&repo, commit, DATE, &event_line("")), unknown);
    assert_eq!(check(&repo, commit, DATE, "# nobody yet\n"), unknown);
}

#[test]
fn a_key_revoked_on_or_before_the_event_date_no_longer_counts() {
    let (_dir, repo) = scratch();
    let commit = signed(&repo, EVENT_KEY);
    let key = fingerprint(EVENT_KEY);
    for (before, valid_before) in [("20260501", "2026-05-01T00:00:00Z"), ("20260401", "2026-04-01T00:00:00Z")] {
        let file = event_line(&format!("valid-before=\"{before}\""));
        let revoked = Unsigned::NoLongerValid { key: key.clone(), valid_before: at(valid_before) };
        assert_eq!(check(&repo, commit, DATE, &file), Err(revoked));
    }
}

#[test]
fn a_key_valid_only_after_the_event_date_does_not_count_yet() {
    let (_dir, repo) = scratch();
    let commit = signed(&repo, EVENT_KEY);
    let early = Unsigned::NotYetValid { key: fingerprint(EVENT_KEY), valid_after: at("2026-05-02T00:00:00Z") };
    assert_eq!(check(&repo, commit, DATE, &event_line("valid-after=\"20260502\"")), Err(early));
}

/// The event is judged at its date's midnight, UTC: `valid-after` holds from
/// that instant, `valid-before` ends just before it.
#[test]
fn the_window_is_judged_at_midnight_utc_of_the_event_date() {
    let (_dir, repo) = scratch();
    let commit = signed(&repo, EVENT_KEY);
    let key = fingerprint(EVENT_KEY);
    let ok = || Ok("alice@example.org".to_owned());
    let not_yet = |t| Err(Unsigned::NotYetValid { key: key.clone(), valid_after: at(t) });
    let ended = |t| Err(Unsigned::NoLongerValid { key: key.clone(), valid_before: at(t) });
    let both = r#"valid-after="20260501",valid-before="20260502""#;
    let cases = [
        (r#"valid-after="20260501""#, DATE, ok()),
        (r#"valid-after="20260501Z""#, DATE, ok()),
        (r#"valid-after="20260501000001Z""#, DATE, not_yet("2026-05-01T00:00:01Z")),
        (r#"valid-after="202605010001""#, DATE, not_yet("2026-05-01T00:01:00Z")),
        (r#"valid-before="20260501""#, date(2026, 4, 30), ok()),
        (r#"valid-before="20260501""#, DATE, ended("2026-05-01T00:00:00Z")),
        (r#"valid-before="20260501000001""#, DATE, ok()),
        (both, date(2026, 4, 30), not_yet("2026-05-01T00:00:00Z")),
        (both, DATE, ok()),
        (both, date(2026, 5, 2), ended("2026-05-02T00:00:00Z")),
    ];
    for (options, date, expected) in cases {
        assert_eq!(check(&repo, commit, date, &event_line(options)), expected, "{options} at {date}");
    }
}

#[test]
fn a_key_restricted_to_other_namespaces_does_not_sign_events() {
    let (_dir, repo) = scratch();
    let commit = signed(&repo, EVENT_KEY);
    let unknown = || Err(Unsigned::UnknownKey(fingerprint(EVENT_KEY)));
    let ok = || Ok("alice@example.org".to_owned());
    let cases = [
        (r#"namespaces="file""#, unknown()),
        (r#"namespaces="file,git""#, ok()),
        (r#"NAMESPACES="git""#, ok()),
        (r#"namespaces="*""#, ok()),
        (r#"namespaces="g?t""#, ok()),
        (r#"namespaces="*,!git""#, unknown()),
        (r#"namespaces="gits""#, unknown()),
    ];
    for (options, expected) in cases {
        assert_eq!(check(&repo, commit, DATE, &event_line(options)), expected, "{options}");
    }
}

/// The signed commit's raw object with another message and the same
/// gpgsig header: a signature over different data.
#[test]
fn a_commit_changed_after_signing_has_a_bad_signature() {
    let (_dir, repo) = scratch();
    let commit = signed(&repo, EVENT_KEY);
    let odb = repo.odb().unwrap();
    let raw = odb.read(commit).unwrap().data().to_vec();
    let raw = String::from_utf8(raw).unwrap();
    assert!(raw.contains("gpgsig -----BEGIN SSH SIGNATURE-----") && raw.ends_with("\n\nan event\n"));
    let tampered = raw.replace("\n\nan event\n", "\n\na forged event\n");
    let tampered = odb.write(git2::ObjectType::Commit, tampered.as_bytes()).unwrap();
    assert_eq!(repo.find_commit(tampered).unwrap().message().ok(), Some("a forged event\n"));
    assert_eq!(check(&repo, commit, DATE, &event_line("")), Ok("alice@example.org".to_owned()));
    assert_eq!(check(&repo, tampered, DATE, &event_line("")), Err(Unsigned::BadSignature(fingerprint(EVENT_KEY))));
}

#[test]
fn a_gpgsig_header_that_is_no_ssh_signature_is_malformed() {
    let (_dir, repo) = scratch();
    let pgp = "-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEE\n-----END PGP SIGNATURE-----";
    for armoured in ["garbage", pgp, "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----"] {
        let commit = commit_with_header(&repo, "an event\n", armoured);
        let verdict = check(&repo, commit, DATE, &event_line(""));
        assert!(matches!(verdict, Err(Unsigned::Malformed(_))), "{armoured}: {verdict:?}");
    }
}

#[test]
fn a_signature_made_for_another_namespace_signs_no_commit() {
    let (_dir, repo) = scratch();
    let key = PrivateKey::read_openssh_file(&fixture(EVENT_KEY)).unwrap();
    let content = content(&repo, "an event\n");
    let armoured = key.sign("file", HashAlg::Sha512, content.as_bytes()).unwrap().to_pem(LineEnding::LF).unwrap();
    let commit = commit_with_header(&repo, "an event\n", &armoured);
    assert_eq!(check(&repo, commit, DATE, &event_line("")), Err(Unsigned::WrongNamespace("file".to_owned())));
}

/// A key allowed for two periods with a gap between them, as a signer who
/// left and came back; and on a third line for files only.
#[test]
fn a_key_listed_twice_counts_if_either_window_holds() {
    let (_dir, repo) = scratch();
    let commit = signed(&repo, EVENT_KEY);
    let key = public(EVENT_KEY);
    let file = format!(
        "alice@example.org valid-after=\"20260101\",valid-before=\"20260301\" {key}\n\
         alice@example.org namespaces=\"file\" {key}\n\
         alice@example.net valid-after=\"20260601\" {key}\n"
    );
    let fp = fingerprint(EVENT_KEY);
    let cases = [
        (date(2025, 12, 31), Err(Unsigned::NotYetValid { key: fp.clone(), valid_after: at("2026-01-01T00:00:00Z") })),
        (date(2026, 2, 1), Ok("alice@example.org".to_owned())),
        (date(2026, 4, 1), Err(Unsigned::NoLongerValid { key: fp, valid_before: at("2026-03-01T00:00:00Z") })),
        (date(2026, 6, 1), Ok("alice@example.net".to_owned())),
    ];
    for (date, expected) in cases {
        assert_eq!(check(&repo, commit, date, &file), expected, "at {date}");
    }
}

#[test]
fn every_reason_names_the_key_by_its_fingerprint() {
    let key = fingerprint(EVENT_KEY);
    let reasons = [
        Unsigned::UnknownKey(key.clone()),
        Unsigned::NotYetValid { key: key.clone(), valid_after: at("2026-05-02T00:00:00Z") },
        Unsigned::NoLongerValid { key: key.clone(), valid_before: at("2026-05-01T00:00:00Z") },
        Unsigned::BadSignature(key.clone()),
    ];
    for reason in reasons {
        let text = reason.to_string();
        assert!(text.contains(&key) && key.starts_with("SHA256:"), "{text}");
    }
    let revoked = Unsigned::NoLongerValid { key, valid_before: at("2026-05-01T00:00:00Z") };
    assert!(revoked.to_string().contains("allowed only before 2026-05-01T00:00:00Z (valid-before)"), "{revoked}");
    assert_eq!(Unsigned::Missing.to_string(), "the commit is not signed");
}

/// `git verify-commit` with the same file and commits agrees. git judges at
/// the committer's time (2026-09-21 in every test commit), so the file's
/// windows are chosen to give the same answer at the event's date.
#[test]
fn git_verify_commit_agrees() {
    let (dir, repo) = scratch();
    let committed = Timestamp::from_second(common::signature().when().seconds()).unwrap();
    let date = committed.to_zoned(jiff::tz::TimeZone::UTC).date();
    let file = format!(
        "# Comments allowed at start of line\n\
         alice@example.org,bob@example.org {} alice's laptop\n\
         carol@example.org namespaces=\"file\" {}\n\
         *@example.org namespaces=\"git\",valid-after=\"20260101\",valid-before=\"20260901Z\" {}\n",
        public(EVENT_KEY),
        public(OTHER_KEY),
        public(OTHER_KEY),
    );
    let path = dir.path().join("allowed_signers");
    std::fs::write(&path, &file).unwrap();
    let git_verifies = |commit: Oid| {
        let out = Command::new("git")
            .current_dir(dir.path())
            .args(["-c", "gpg.format=ssh", "-c"])
            .arg(format!("gpg.ssh.allowedSignersFile={}", path.display()))
            .args(["verify-commit", &commit.to_string()])
            .output()
            .expect("git (and ssh-keygen) are needed to verify signatures");
        (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
    };

    let valid = signed(&repo, EVENT_KEY);
    let (ok, stderr) = git_verifies(valid);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("alice@example.org"), "{stderr}");
    assert_eq!(check(&repo, valid, date, &file), Ok("alice@example.org,bob@example.org".to_owned()));

    // The other key signs files only, and events only until September.
    let revoked = signed(&repo, OTHER_KEY);
    let (ok, stderr) = git_verifies(revoked);
    assert!(!ok && stderr.contains("key has expired"), "{stderr}");
    let expired = Unsigned::NoLongerValid { key: fingerprint(OTHER_KEY), valid_before: at("2026-09-01T00:00:00Z") };
    assert_eq!(check(&repo, revoked, date, &file), Err(expired));

    let tampered = {
        let odb = repo.odb().unwrap();
        let raw = String::from_utf8(odb.read(valid).unwrap().data().to_vec()).unwrap();
        odb.write(git2::ObjectType::Commit, raw.replace("an event", "a forged event").as_bytes()).unwrap()
    };
    let (ok, stderr) = git_verifies(tampered);
    assert!(!ok && stderr.contains("incorrect signature"), "{stderr}");
    assert_eq!(check(&repo, tampered, date, &file), Err(Unsigned::BadSignature(fingerprint(EVENT_KEY))));
}

#[test]
fn an_ssh_keygen_style_file_with_several_principals_parses() {
    let file = format!(
        "# Comments allowed at start of line\r\n\
         alice@example.org,bob@example.org {event} alice's laptop \"quoted\r\n\
         \r\n\
         # A key that is accepted only for file signing.\r\n\
         \t  # an indented comment\r\n\
         carol@example.org namespaces=\"file\" {other}\r\n\
         *@example.org,!mallory@example.org Valid-After=\"20260101\",valid-before=\"202701011230Z\" {other} ci\r\n\
         \"dave smith@example.org\"\t{event}",
        event = public(EVENT_KEY),
        other = public(OTHER_KEY),
    );
    let signers = signers(&file);
    let entries: Vec<_> = signers
        .entries()
        .iter()
        .map(|e| (e.line, e.principals.as_str(), e.key().fingerprint(HashAlg::Sha256).to_string()))
        .collect();
    assert_eq!(
        entries,
        [
            (2, "alice@example.org,bob@example.org", fingerprint(EVENT_KEY)),
            (6, "carol@example.org", fingerprint(OTHER_KEY)),
            (7, "*@example.org,!mallory@example.org", fingerprint(OTHER_KEY)),
            (8, "\"dave smith@example.org\"", fingerprint(EVENT_KEY)),
        ]
    );
    let windowed = &signers.entries()[2];
    assert_eq!(windowed.valid_after, Some(at("2026-01-01T00:00:00Z")));
    assert_eq!(windowed.valid_before, Some(at("2027-01-01T12:30:00Z")));
    assert_eq!((signers.entries()[0].valid_after, signers.entries()[0].valid_before), (None, None));
}

/// Each kind of bad line, preceded by a comment, a blank and a good line,
/// so that it is line 4: its column and a part of its message.
#[test]
fn each_kind_of_bad_line_is_reported_at_its_line_and_column() {
    let key = public(EVENT_KEY);
    let cases: Vec<(String, usize, &str)> = vec![
        (format!("alice@example.org foo=\"bar\" {key}"), 19, "unknown option \"foo\""),
        (format!("alice@example.org namespaces=\"git {key}"), 30, "unterminated quote"),
        (format!("alice@example.org valid-after=\"2026-05-01\" {key}"), 19, "\"2026-05-01\" is not a time"),
        (format!("alice@example.org valid-after=\"20261301\" {key}"), 19, "\"20261301\" is not a valid time"),
        (format!("alice@example.org valid-before=\"20260230Z\" {key}"), 19, "is not a valid time"),
        ("alice@example.org ssh-foo AAAAC3NzaC1lZDI1NTE5".to_owned(), 19, "unknown key type \"ssh-foo\""),
        (format!("alice@example.org namespaces=\"git\" ssh-foo {}", &key[12..]), 36, "unknown key type"),
        (format!("*@example.org cert-authority {key}"), 15, "cert-authority is not supported"),
        (format!("*@example.org namespaces=\"git\",CERT-AUTHORITY {key}"), 32, "cert-authority is not supported"),
        ("alice@example.org".to_owned(), 18, "the key is missing"),
        ("alice@example.org namespaces=\"git\"  ".to_owned(), 35, "the key is missing"),
        ("alice@example.org ssh-ed25519".to_owned(), 30, "the base64 key after ssh-ed25519 is missing"),
        ("alice@example.org ssh-ed25519 AAAA!!not-base64".to_owned(), 31, "not a valid ssh-ed25519 key"),
        (format!("alice@example.org ssh-ed25519 {}", &RSA_KEY[8..]), 31, "not a valid ssh-ed25519 key"),
        (format!("alice@example.org valid-after=20260501 {key}"), 19, "must be in double quotes"),
        (format!("alice@example.org namespaces=\"git\"x {key}"), 19, "must be in double quotes"),
        (format!("alice@example.org valid-after=\"20260501\",valid-after=\"20260601\" {key}"), 42, "given twice"),
        (format!("alice@example.org valid-after=\"20260601\",valid-before=\"20260601\" {key}"), 19, "never valid"),
        (format!("alice@example.org namespaces=\"git\",,valid-after=\"20260101\" {key}"), 36, "an empty option"),
        (format!("alice@example.org {RSA_KEY}"), 19, "rollcall cannot check ssh-rsa signatures"),
        (format!("alice@example.org {ECDSA_KEY}"), 19, "rollcall cannot check ecdsa-sha2-nistp256 signatures"),
        (format!("alice@example.org ssh-ed25519-cert-v01@openssh.com {}", &key[12..]), 19, "unknown key type"),
        (format!("élise@example.org foo=\"bar\" {key}"), 19, "unknown option"),
        (key.clone(), 1, "this line starts with a key: an allowed-signers line names who may sign first"),
        (format!("alice@example.org {}", &key[12..]), 19, "is a key without its type: write `PRINCIPALS"),
    ];
    for (bad, column, message) in cases {
        let file = format!("# signers\n\nbob@example.org {key}\n{bad}\nbob@example.net {key}\n");
        let errors = AllowedSigners::parse(&file).err().unwrap_or_else(|| panic!("accepted: {bad}"));
        assert_eq!(errors.len(), 1, "{bad}: {errors:#?}");
        let error = &errors[0];
        assert_eq!((error.line, error.column), (4, column), "{bad}: {error}");
        assert!(error.message.contains(message), "{bad}: {error}");
    }
}

#[test]
fn every_bad_line_is_reported_and_the_file_refused() {
    let key = public(EVENT_KEY);
    let lines = [&format!("a@example.org {key}"), "b@example.org", &format!("c@example.org cert-authority {key}")];
    let file = lines.join("\n") + &format!("\n\nd@example.org {key}\ne@x ssh-foo AAAA\n");
    let errors = AllowedSigners::parse(&file).unwrap_err();
    let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [2, 3, 6]);
    let first = LineError { line: 2, column: 14, message: errors[0].message.clone() };
    assert_eq!(errors[0], first);
    assert_eq!(errors[1].to_string(), format!("line 3, column 15: {}", errors[1].message));
}

#[test]
fn comments_and_blank_lines_make_an_empty_list() {
    let signers = signers("# nobody signs yet\n\n   \n\t# indented\n#no space\n");
    assert!(signers.entries().is_empty());
    assert!(AllowedSigners::parse("").unwrap().entries().is_empty());
}

#[test]
fn a_file_too_large_or_too_long_is_refused_at_the_line_that_crosses_the_limit() {
    let line = format!("alice@example.org {}\n", public(EVENT_KEY));
    let large = line.repeat(rollcall::history::signers::MAX_BYTES / line.len() + 1);
    let errors = AllowedSigners::parse(&large).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, rollcall::history::signers::MAX_BYTES / line.len() + 1, "{}", errors[0]);
    assert!(errors[0].message.contains("larger than"), "{}", errors[0]);

    let long = "#\n".repeat(rollcall::history::signers::MAX_LINES + 1);
    let errors = AllowedSigners::parse(&long).unwrap_err();
    assert_eq!((errors.len(), errors[0].line), (1, rollcall::history::signers::MAX_LINES + 1));
    assert!(signers(&"#\n".repeat(rollcall::history::signers::MAX_LINES)).entries().is_empty());
}

/// Lines made of the pieces that steer the parser, in any order.
fn hostile_line() -> impl Strategy<Value = String> {
    let key = public(EVENT_KEY);
    let pieces = vec![
        " ".to_owned(),
        "\t".to_owned(),
        "\"".to_owned(),
        "\\\"".to_owned(),
        ",".to_owned(),
        "=".to_owned(),
        "#".to_owned(),
        "é".to_owned(),
        "a@b".to_owned(),
        "namespaces=".to_owned(),
        "valid-after=".to_owned(),
        "valid-before=\"2026".to_owned(),
        "cert-authority".to_owned(),
        "20260501".to_owned(),
        "Z".to_owned(),
        "ssh-ed25519".to_owned(),
        "ssh-rsa".to_owned(),
        "AAAAC3NzaC1lZDI1NTE5".to_owned(),
        key,
    ];
    prop::collection::vec(prop::sample::select(pieces), 0..12).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn no_input_makes_the_parser_panic(lines in prop::collection::vec(prop_oneof![hostile_line(), "\\PC{0,40}"], 0..6)) {
        let text = lines.join("\n");
        if let Err(errors) = AllowedSigners::parse(&text) {
            for error in errors {
                let line = text.lines().nth(error.line - 1).expect("an error is on a line of the file");
                prop_assert!(error.column >= 1 && error.column <= line.chars().count() + 1, "{error} in {line:?}");
            }
        }
    }
}
