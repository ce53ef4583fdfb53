//! `validate`'s cache of per-file results: a warm run says exactly what a
//! run without it says, whatever changed in between (content, metadata,
//! rules, date, skipped rules), a damaged cache is ignored, and only
//! `validate` reads it: `check-pr` judges a poisoned cache's blob afresh.

use crate::common::{AS_OF, Ledger, Outcome, admitted, canonical, individual};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use rollcall::roll::validate_cache::{self, CACHE_FILE};
use std::path::PathBuf;
use std::time::Duration;

const ADA: &str = "members/ad/ada.yaml";

/// A ledger in git with a clean member, one with a schema error and two
/// sharing an account: findings of both the per-file and the roll rules.
fn ledger() -> Ledger {
    let ledger = Ledger::shipped();
    ledger.add(&admitted(individual("ada", 93000001), 901, "2026-01-10", "2027-01-10"));
    let mut broken = individual("bad-tier", 93000002);
    broken["tier"] = "platinum-plus".into();
    ledger.add(&broken);
    ledger.add(&individual("twin-a", 93000003));
    ledger.add(&individual("twin-b", 93000003));
    ledger.commit("a roll with findings");
    ledger
}

fn cache_path(ledger: &Ledger) -> PathBuf {
    ledger.path().join(".git").join(CACHE_FILE)
}

/// Every output of `validate` with `extra`, cached and not, must agree.
#[track_caller]
fn same_as_afresh(ledger: &Ledger, extra: &[&str]) -> Outcome {
    same_on(ledger, AS_OF, extra)
}

/// The same, judging expiry against `as_of`.
#[track_caller]
fn same_on(ledger: &Ledger, as_of: &str, extra: &[&str]) -> Outcome {
    let run = |format: &str, cache: bool| {
        let mut args = vec!["validate", "--format", format, "--as-of", as_of];
        args.extend_from_slice(extra);
        if !cache {
            args.push("--no-cache");
        }
        ledger.run(&args)
    };
    let expected = run("json", false);
    let cached = run("json", true);
    assert_eq!((cached.code, &cached.stdout), (expected.code, &expected.stdout), "json, {extra:?}");
    assert_eq!(run("human", true).stdout, run("human", false).stdout, "human, {extra:?}");
    cached
}

/// Files written in the second a run begins are never vouched for by
/// their metadata; waiting past it makes the next runs use it.
fn let_the_clock_pass() {
    std::thread::sleep(Duration::from_millis(1100));
}

#[test]
fn a_warm_run_reports_exactly_what_a_run_without_the_cache_does() {
    let ledger = ledger();
    let_the_clock_pass();
    let first = same_as_afresh(&ledger, &[]);
    assert!(cache_path(&ledger).is_file(), "the first run keeps its results in the git directory");
    assert_eq!(first.code, 1);
    assert!(first.of("tier.known").iter().any(|f| f.file == "members/ba/bad-tier.yaml"), "{}", first.summary());
    assert!(!first.of("identity.unique-github-id").is_empty(), "{}", first.summary());
    // The second run recalls every file by its metadata and says the same.
    let written = std::fs::metadata(cache_path(&ledger)).and_then(|m| m.modified()).expect("cache");
    same_as_afresh(&ledger, &[]);
    let unchanged = std::fs::metadata(cache_path(&ledger)).and_then(|m| m.modified()).expect("cache");
    assert_eq!(written, unchanged, "a run that learned nothing does not rewrite the cache");
}

#[test]
fn an_edit_is_seen_even_when_the_size_and_time_are_kept() {
    let ledger = ledger();
    let_the_clock_pass();
    same_as_afresh(&ledger, &[]).assert_ok_but_for_the_seeded_findings();
    let path = ledger.path().join(ADA);
    let before = std::fs::metadata(&path).expect("ada");
    let text = std::fs::read_to_string(&path).expect("ada");
    // Same length, another value: the status becomes one no member has.
    let edited = text.replace("status: active", "status: retird");
    assert_eq!(edited.len(), text.len());
    std::fs::write(&path, edited).expect("edit");
    let file = std::fs::File::options().write(true).open(&path).expect("open");
    file.set_modified(before.modified().expect("mtime")).expect("reset mtime");
    drop(file);
    let after = same_as_afresh(&ledger, &[]);
    assert!(after.findings.iter().any(|f| f.file == ADA && f.path == "/status"), "{}", after.summary());
}

#[test]
fn a_rule_date_or_skip_that_changed_is_judged_afresh() {
    let ledger = ledger();
    same_as_afresh(&ledger, &[]);
    // A later date: ada's membership has expired.
    let later = same_on(&ledger, "2027-03-01", &[]);
    assert!(later.findings.iter().any(|f| f.file == ADA), "{}", later.summary());
    same_as_afresh(&ledger, &["--skip", "tier.known"]);
    // A policy that no longer has the individual tier.
    ledger.edit_policy(|text| text.replace("  - name: individual\n", "  - name: individual-member\n"));
    let renamed = same_as_afresh(&ledger, &[]);
    assert!(renamed.findings.iter().any(|f| f.file == ADA && f.path == "/tier"), "{}", renamed.summary());
}

#[test]
fn a_damaged_or_foreign_cache_is_ignored() {
    let ledger = ledger();
    same_as_afresh(&ledger, &[]);
    let cache = cache_path(&ledger);
    let good = std::fs::read(&cache).expect("cache");
    let damaged: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"not a cache".to_vec(),
        good[..good.len() / 2].to_vec(),
        good.iter().map(|b| b ^ 0x5a).collect(),
        [good.as_slice(), b"trailing"].concat(),
        vec![0xff; 4096],
    ];
    for bytes in damaged {
        std::fs::write(&cache, &bytes).expect("damage");
        same_as_afresh(&ledger, &[]);
    }
    // Where the cache belongs there is a link, or a directory: never followed, never fatal.
    let elsewhere = ledger.path().join("elsewhere");
    std::fs::write(&elsewhere, &good).expect("target");
    std::fs::remove_file(&cache).expect("remove");
    std::os::unix::fs::symlink(&elsewhere, &cache).expect("symlink");
    same_as_afresh(&ledger, &[]);
    assert_eq!(std::fs::read(&elsewhere).expect("target"), good, "nothing is written through the link");
    std::fs::remove_file(&cache).expect("remove link");
    std::fs::create_dir(&cache).expect("dir");
    same_as_afresh(&ledger, &[]);
}

#[test]
fn only_validate_trusts_the_cache_check_pr_judges_the_blob_itself() {
    let ledger = Ledger::shipped();
    ledger.add(&individual("ada", 93000001));
    let base = ledger.commit("ada applies").to_string();
    let mut broken = individual("ada", 93000001);
    broken["tier"] = "platinum-plus".into();
    ledger.add(&broken);
    let head = ledger.commit("ada asks for a tier that does not exist").to_string();
    let repo = ledger.repo();
    let blob = |rev: &str| repo.revparse_single(&format!("{rev}:{ADA}")).expect("blob").id();
    let (clean, bad) = (blob(&base), blob(&head));

    ledger.validate(&["--rev", &base]).assert_clean();
    // Someone with write access to the git directory swaps the blob id:
    // the cache now claims the broken blob is clean.
    let cache = cache_path(&ledger);
    let bytes = std::fs::read(&cache).expect("cache");
    let at = bytes.windows(20).position(|w| w == clean.as_bytes()).expect("the blob id is in the cache");
    let mut poisoned = bytes.clone();
    poisoned[at..at + 20].copy_from_slice(bad.as_bytes());
    std::fs::write(&cache, poisoned).expect("poison");

    // validate trusts its own local cache (that is what it is for)…
    ledger.validate(&["--rev", &head]).assert_clean();
    // …but without it, and in check-pr, the blob is judged.
    let afresh = ledger.validate(&["--rev", &head, "--no-cache"]);
    assert!(afresh.of("tier.known").iter().any(|f| f.file == ADA), "{}", afresh.summary());
    let judged = ledger.run(&[
        "check-pr",
        "--base",
        &base,
        "--head",
        &head,
        "--author",
        "ada",
        "--author-id",
        "93000001",
        "--format",
        "json",
        "--as-of",
        AS_OF,
    ]);
    assert!(judged.findings.iter().any(|f| f.rule == "tier.known" && f.file == ADA), "{}", judged.summary());
}

trait Seeded {
    fn assert_ok_but_for_the_seeded_findings(&self);
}

impl Seeded for Outcome {
    /// Only the findings `ledger()` planted, none in ada's file.
    #[track_caller]
    fn assert_ok_but_for_the_seeded_findings(&self) {
        assert!(self.findings.iter().all(|f| f.file != ADA), "{}", self.summary());
    }
}

/// What one step of a random session does to one of a few member files.
#[derive(Clone, Debug)]
enum Step {
    Write { file: usize, variant: usize },
    Touch { file: usize },
    Delete { file: usize },
    Rules { strict: bool },
}

const IDS: [&str; 3] = ["ada", "bo", "cy"];

/// The variants a member file takes: clean, a schema error, a shared
/// account (a roll-rule finding), a YAML error.
fn variant(id: &str, which: usize) -> String {
    match which {
        0 => canonical(&individual(id, 93000100 + id.len() as u64)),
        1 => {
            let mut value = individual(id, 93000200 + id.len() as u64);
            value["tier"] = "nonesuch".into();
            canonical(&value)
        }
        2 => canonical(&individual(id, 93000999)),
        _ => format!("id: {id}\nname: [unclosed\n"),
    }
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..IDS.len(), 0..4usize).prop_map(|(file, variant)| Step::Write { file, variant }),
        1 => (0..IDS.len()).prop_map(|file| Step::Touch { file }),
        1 => (0..IDS.len()).prop_map(|file| Step::Delete { file }),
        1 => any::<bool>().prop_map(|strict| Step::Rules { strict }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// After any sequence of edits, the cached run says what a run without
    /// the cache says.
    #[test]
    fn any_session_of_edits_is_judged_as_without_the_cache(steps in prop::collection::vec(step(), 1..6)) {
        let ledger = Ledger::shipped();
        ledger.commit("the shipped roll");
        let policy = std::fs::read_to_string(ledger.path().join("schema/policy.yaml")).expect("policy");
        for step in steps {
            match step {
                Step::Write { file, variant: which } => {
                    let id = IDS[file];
                    ledger.write(&format!("members/{}/{id}.yaml", &id[..2]), variant(id, which));
                }
                Step::Touch { file } => {
                    let id = IDS[file];
                    let path = ledger.path().join(format!("members/{}/{id}.yaml", &id[..2]));
                    if let Ok(bytes) = std::fs::read(&path) {
                        std::fs::write(&path, bytes).expect("touch");
                    }
                }
                Step::Delete { file } => {
                    let id = IDS[file];
                    let _ = std::fs::remove_file(ledger.path().join(format!("members/{}/{id}.yaml", &id[..2])));
                }
                Step::Rules { strict } => {
                    let text = if strict { policy.replace("  - name: individual\n", "  - name: individual-member\n") } else { policy.clone() };
                    std::fs::write(ledger.path().join("schema/policy.yaml"), text).expect("policy");
                }
            }
            same_as_afresh(&ledger, &[]);
        }
    }
}

/// What may lie where the cache file belongs instead of what `validate`
/// wrote: any bytes, or its bytes with some changed, cut short, or with
/// bytes inserted (lengths among them).
#[derive(Clone, Debug)]
enum Damage {
    Random(Vec<u8>),
    Overwrite(Vec<(prop::sample::Index, u8)>),
    Truncate(prop::sample::Index),
    Insert(prop::sample::Index, Vec<u8>),
}

impl Damage {
    fn apply(&self, good: &[u8]) -> Vec<u8> {
        let mut bytes = good.to_vec();
        match self {
            Damage::Random(random) => return random.clone(),
            Damage::Overwrite(changes) => {
                for (at, byte) in changes {
                    bytes[at.index(good.len())] = *byte;
                }
            }
            Damage::Truncate(at) => bytes.truncate(at.index(good.len())),
            Damage::Insert(at, inserted) => {
                bytes.splice(at.index(good.len())..at.index(good.len()), inserted.iter().copied());
            }
        }
        bytes
    }
}

fn damage() -> impl Strategy<Value = Damage> {
    let index = any::<prop::sample::Index>;
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512).prop_map(Damage::Random),
        prop::collection::vec((index(), any::<u8>()), 1..8).prop_map(Damage::Overwrite),
        index().prop_map(Damage::Truncate),
        (index(), prop::collection::vec(any::<u8>(), 1..12)).prop_map(|(at, bytes)| Damage::Insert(at, bytes)),
    ]
}

/// Whatever bytes are in the cache file, `validate` does not panic, and
/// says what it says without the cache unless the bytes still read as a
/// cache of its rules. Those it believes, as it believes its own cache
/// (see `only_validate_trusts_the_cache_check_pr_judges_the_blob_itself`):
/// its report is then only required to be whole.
#[test]
fn no_bytes_in_the_cache_file_make_validate_panic_or_say_otherwise() {
    let ledger = ledger();
    let validate = |format: &str, cache: bool| {
        let mut args = vec!["validate", "--format", format, "--as-of", AS_OF];
        if !cache {
            args.push("--no-cache");
        }
        ledger.run(&args)
    };
    let afresh = [("json", validate("json", false)), ("human", validate("human", false))];
    validate("json", true);
    let cache = cache_path(&ledger);
    let good = std::fs::read(&cache).expect("cache");
    assert!(validate_cache::usable(&good), "what validate writes is usable");
    let mut runner = TestRunner::new(ProptestConfig { cases: 32, ..ProptestConfig::default() });
    let outcome = runner.run(&damage(), |damage| {
        let bytes = damage.apply(&good);
        let believed = validate_cache::usable(&bytes);
        for (format, expected) in &afresh {
            // Each run replaces the damaged cache with a good one.
            std::fs::write(&cache, &bytes).expect("damage");
            let cached = validate(format, true);
            prop_assert!(!cached.stderr.contains("panicked"), "{}", cached.stderr);
            prop_assert!(cached.code == 0 || cached.code == 1, "exit {}: {}", cached.code, cached.stderr);
            if *format == "json" {
                prop_assert!(serde_json::from_str::<serde_json::Value>(&cached.stdout).is_ok(), "{}", cached.stdout);
            }
            if !believed {
                prop_assert_eq!((cached.code, &cached.stdout), (expected.code, &expected.stdout), "{}", format);
            }
        }
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}
