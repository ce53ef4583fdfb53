//! Hostile input: member files and trees built to break the reader, hide
//! text, smuggle a type past the schema, exhaust time or memory, or reach
//! outside the roll. Each case plants one attack in a copy of the shipped roll
//! and names the finding it must cause (rule, file, line). Every run must also
//! exit with 1 (never 101, a panic, nor 2, "cannot run"), finish within
//! seconds, print a valid JSON report whose messages cannot break the line
//! they are printed on, and make no finding beyond the expected one and those
//! the case lists as separate causes: one finding per cause.
//!
//! The friendly table holds unusual files that must validate clean, so the
//! hostile cases cannot pass merely because everything odd is refused.

use crate::common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Where a case's file goes unless the attack is on the path itself.
const MEMBER: &[u8] = b"members/ho/hostile-case.yaml";

/// Each run takes a fraction of a second; the margin is for loaded machines.
const TIME_LIMIT: Duration = Duration::from_secs(5);

/// What a case puts at its path.
enum Plant {
    File(Vec<u8>),
    /// A regular file with mode 755.
    Executable(Vec<u8>),
    /// A symbolic link; a relative target resolves from the link's directory.
    Symlink(&'static str),
    /// A named pipe: opening it for reading would block forever.
    Fifo,
}

impl From<Vec<u8>> for Plant {
    fn from(bytes: Vec<u8>) -> Plant {
        Plant::File(bytes)
    }
}

impl From<String> for Plant {
    fn from(text: String) -> Plant {
        Plant::File(text.into_bytes())
    }
}

impl From<&str> for Plant {
    fn from(text: &str) -> Plant {
        Plant::File(text.as_bytes().to_vec())
    }
}

struct Case {
    name: &'static str,
    /// Bytes, so that a file name can be other than UTF-8.
    path: &'static [u8],
    plant: Plant,
    rule: &'static str,
    line: u32,
    /// The rules of the other findings the input must cause, each for a
    /// cause of its own; no other finding may appear.
    also: &'static [&'static str],
}

fn case(name: &'static str, path: &'static [u8], plant: impl Into<Plant>, rule: &'static str, line: u32) -> Case {
    Case { name, path, plant: plant.into(), rule, line, also: &[] }
}

impl Case {
    fn also(self, also: &'static [&'static str]) -> Case {
        Case { also, ..self }
    }

    /// The path as reports name it (lossily when it is not UTF-8).
    fn file(&self) -> String {
        String::from_utf8_lossy(self.path).into_owned()
    }

    fn plant_in(&self, ledger: &Ledger) {
        let path: PathBuf = ledger.path().join(OsStr::from_bytes(self.path));
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        match &self.plant {
            Plant::File(bytes) => std::fs::write(&path, bytes).expect("write"),
            Plant::Executable(bytes) => {
                use std::os::unix::fs::PermissionsExt;
                std::fs::write(&path, bytes).expect("write");
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
            }
            Plant::Symlink(target) => std::os::unix::fs::symlink(target, &path).expect("symlink"),
            Plant::Fifo => {
                let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).expect("no NUL in the path");
                // SAFETY: `c_path` is a valid NUL-terminated string that outlives the call.
                let result = unsafe { libc::mkfifo(c_path.as_ptr(), 0o644) };
                assert_eq!(result, 0, "mkfifo: {}", std::io::Error::last_os_error());
            }
        }
    }

    fn check(&self) {
        let ledger = Ledger::shipped();
        self.plant_in(&ledger);
        let started = Instant::now();
        let out = ledger.validate(&[]);
        let elapsed = started.elapsed();
        assert!(elapsed < TIME_LIMIT, "the run took {elapsed:?}");
        assert_eq!(out.code, 1, "exit code (101 is a panic, 2 is \"cannot run\"); stderr: {}", out.stderr);
        assert!(serde_json::from_str::<Value>(&out.stdout).is_ok(), "the report is not JSON:\n{}", out.stdout);
        out.expect(self.rule, &self.file(), self.line);
        assert_eq!(out.of(self.rule).len(), 1, "one finding of {} expected:\n{}", self.rule, out.summary());
        let others: BTreeSet<&str> = out.rules().into_iter().filter(|rule| *rule != self.rule).collect();
        let also: BTreeSet<&str> = self.also.iter().copied().collect();
        assert_eq!(others, also, "other findings than expected:\n{}", out.summary());
        for f in &out.findings {
            let text = format!("{}{}", f.message, f.help);
            assert!(!text.chars().any(char::is_control), "a control character in the text of {}: {text:?}", f.rule);
        }
    }
}

/// Runs every case, then fails naming each case that failed, and why.
fn check_all(cases: Vec<Case>) {
    assert!(cases.len() >= 3, "every attack class has at least three cases");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let payload = std::panic::catch_unwind(|| case.check()).err()?;
            let why = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Some(format!("case {:?}: {why}", case.name))
        })
        .collect();
    assert!(failures.is_empty(), "{} of {} cases failed:\n\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}

/// A valid application, canonical, line by line: 1 id, 2 name, 3 kind,
/// 4 tier, 5 status, 6 country, 7 github, 8 github_id, 9 contributions,
/// 10 summary, 11 links, 12 the link. Appended lines start at line 13.
fn valid() -> String {
    canonical(&individual("hostile-case", 99_000_001))
}

/// `text` with the first `from` replaced. A missing `from` fails the test, so
/// a typo cannot turn a hostile case into a copy of the valid file.
fn replaced(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} is not in the text to edit");
    text.replacen(from, to, 1)
}

/// The valid application with one edit.
fn edit(from: &str, to: &str) -> String {
    replaced(&valid(), from, to)
}

/// The valid application with lines appended from line 13.
fn appended(lines: &str) -> String {
    valid() + lines
}

/// The valid application with raw bytes (not UTF-8) in place of `from`.
fn spliced(from: &str, bytes: &[u8]) -> Vec<u8> {
    let text = valid();
    let at = text.find(from).expect("the text to replace");
    let (before, after) = text.as_bytes().split_at(at);
    [before, bytes, &after[from.len()..]].concat()
}

/// The canonical text of the valid application after `change`: the hostile
/// value is written exactly as the writer writes it.
fn written(change: impl FnOnce(&mut Value)) -> String {
    let mut value = individual("hostile-case", 99_000_001);
    change(&mut value);
    canonical(&value)
}

/// An admitted member, canonical: as `valid()` to line 12, then
/// 13 member_number, 14 admitted, 15 expires, 16 approvals,
/// 17-19 the first approval (github, github_id, date), 20-22 the second.
fn admitted_member() -> String {
    canonical(&admitted(individual("hostile-case", 99_000_001), 900, "2026-01-10", "2027-01-10"))
}

/// The "billion laughs": nine levels of nine aliases, 9^9 strings if expanded.
fn billion_laughs() -> String {
    let mut text = format!("a: &a [{}]\n", ["\"lol\""; 9].join(","));
    for (previous, name) in ('a'..='h').zip('b'..='i') {
        text += &format!("{name}: &{name} [{}]\n", vec![format!("*{previous}"); 9].join(","));
    }
    text
}

/// `levels` mappings nested in block style under `deep:`, one per line.
fn block_nesting(levels: usize) -> String {
    let mut text = String::from("deep:\n");
    for level in 1..levels {
        text += &format!("{}k{level}:\n", "  ".repeat(level));
    }
    text + &"  ".repeat(levels) + "end\n"
}

#[test]
fn encoding() {
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(valid().encode_utf16().flat_map(u16::to_le_bytes)).collect();
    check_all(vec![
        case("byte-order mark", MEMBER, [b"\xEF\xBB\xBF", valid().as_bytes()].concat(), "yaml.encoding", 1),
        case("UTF-16 with its byte-order mark", MEMBER, utf16, "yaml.encoding", 1),
        // An encoding error is reported on the line of the first bad byte.
        case("lone continuation byte", MEMBER, spliced("person", b"pers\x80on"), "yaml.encoding", 3),
        case("overlong encoding of a slash", MEMBER, spliced("Test", b"\xC0\xAFTest"), "yaml.encoding", 2),
        case("UTF-8-encoded surrogate", MEMBER, spliced("Test", b"\xED\xA0\x80Test"), "yaml.encoding", 2),
        case("truncated sequence inside a value", MEMBER, spliced("several", b"sev\xE2\x82eral"), "yaml.encoding", 10),
        case("truncated sequence at the end", MEMBER, [valid().as_bytes(), b"\xE2\x82"].concat(), "yaml.encoding", 13),
    ]);
}

#[test]
fn control_characters() {
    check_all(vec![
        case("NUL in the name", MEMBER, edit("Test Person", "Test\0Person"), "yaml.control-character", 2),
        case("NUL after the last line", MEMBER, appended("\0"), "yaml.control-character", 13),
        case("BEL in the country", MEMBER, edit("country: DE", "country: D\x07E"), "yaml.control-character", 6),
        case("form feed", MEMBER, edit("tier: individual", "tier: individual\x0C"), "yaml.control-character", 4),
        case("tab indentation", MEMBER, edit("  summary", "\tsummary"), "yaml.control-character", 10),
        case("tab inside a value", MEMBER, edit("Test Person", "Test\tPerson"), "yaml.control-character", 2),
        case("tab after a colon", MEMBER, edit("kind: person", "kind:\tperson"), "yaml.control-character", 3),
        case("CRLF line endings", MEMBER, valid().replace('\n', "\r\n"), "yaml.control-character", 1),
        case("CR line endings", MEMBER, valid().replace('\n', "\r"), "yaml.control-character", 1),
        case("lone CR inside a value", MEMBER, edit("Test Person", "Test\rPerson"), "yaml.control-character", 2),
        case("DEL", MEMBER, edit("Test Person", "Test\x7FPerson"), "yaml.control-character", 2),
        // NEL is a line break to a YAML 1.1 reader; CSI starts a terminal escape.
        case("C1 control NEL", MEMBER, edit("Test Person", "Test\u{85}Person"), "yaml.control-character", 2),
        case("C1 control CSI", MEMBER, edit("99000001", "99000001\u{9B}"), "yaml.control-character", 8),
        // Escapes put into a value what the raw text never shows.
        case(
            "tab written as \\t in the summary",
            MEMBER,
            written(|v| v["contributions"]["summary"] = "Keeps the table of ports:\tname\tversion\tstatus.".into()),
            "yaml.control-character",
            10,
        ),
    ]);
}

#[test]
fn invisible_characters() {
    check_all(vec![
        case("RLO in the name", MEMBER, edit("Test Person", "Test \u{202E}nosreP"), "yaml.invisible-character", 2),
        case(
            "LRI in the GitHub login",
            MEMBER,
            edit("github: hostile-case", "github: hostile\u{2066}-case"),
            "yaml.invisible-character",
            7,
        ),
        case("RLM in a link", MEMBER, edit("pulls?q", "pulls\u{200F}?q"), "yaml.invisible-character", 12),
        case("zero-width space in the name", MEMBER, edit("Test", "Te\u{200B}st"), "yaml.invisible-character", 2),
        case("zero-width space in a key", MEMBER, edit("country", "coun\u{200B}try"), "yaml.invisible-character", 6),
        case("word joiner in the summary", MEMBER, edit("several", "sev\u{2060}eral"), "yaml.invisible-character", 10),
        case(
            "U+FEFF inside the name",
            MEMBER,
            edit("Test Person", "Test\u{FEFF}Person"),
            "yaml.invisible-character",
            2,
        ),
        case(
            "Unicode tag characters",
            MEMBER,
            edit("Test Person", "Test Person\u{E0041}\u{E0042}"),
            "yaml.invisible-character",
            2,
        ),
        case("soft hyphen in the name", MEMBER, edit("Person", "Per\u{AD}son"), "yaml.invisible-character", 2),
        // A line break to a YAML 1.1 reader, invisible to a YAML 1.2 one.
        case(
            "line separator in the name",
            MEMBER,
            edit("Test Person", "Test\u{2028}Person"),
            "yaml.invisible-character",
            2,
        ),
    ]);
}

#[test]
fn anchors_aliases_merge_keys_and_tags() {
    check_all(vec![
        case("anchor on a value", MEMBER, edit("name: Test", "name: &n Test"), "yaml.anchor", 2),
        case("alias of no anchor", MEMBER, edit("github: hostile-case", "github: *n"), "yaml.alias", 7),
        // Refused at its first anchor: no alias is ever expanded.
        case("billion laughs", MEMBER, appended(&billion_laughs()), "yaml.anchor", 13),
        case(
            "merge key of an alias",
            MEMBER,
            edit("contributions:\n", "contributions:\n  <<: *base\n"),
            "yaml.merge-key",
            10,
        ),
        case(
            "merge key of a flow mapping",
            MEMBER,
            edit("contributions:\n", "contributions:\n  <<: {summary: x}\n"),
            "yaml.merge-key",
            10,
        ),
        case("!!str tag", MEMBER, edit("name: Test", "name: !!str Test"), "yaml.tag", 2),
        case("!!binary tag", MEMBER, edit("name: Test Person", "name: !!binary VGVzdA=="), "yaml.tag", 2),
        case("custom !foo tag", MEMBER, edit("name: Test", "name: !foo Test"), "yaml.tag", 2),
        case("verbatim tag", MEMBER, edit("name: Test", "name: !<tag:yaml.org,2002:str> Test"), "yaml.tag", 2),
        // The tag is written on line 9; the mapping it tags starts on line 10.
        case("tag on a mapping", MEMBER, edit("contributions:\n", "contributions: !!map\n"), "yaml.tag", 9),
        case(
            "%TAG directive and its shorthand",
            MEMBER,
            format!("%TAG !e! tag:example.com,2000:\n---\n{}", edit("name: Test", "name: !e!x Test")),
            "yaml.tag",
            4,
        ),
        case("a flow sequence as a key", MEMBER, appended("[a, b]: x\n"), "yaml.complex-key", 13),
    ]);
}

#[test]
fn duplicate_keys() {
    check_all(vec![
        case("top-level key again at the end", MEMBER, appended("name: Other Person\n"), "yaml.duplicate-key", 13),
        case(
            "same key, same value",
            MEMBER,
            edit("kind: person\n", "kind: person\nkind: person\n"),
            "yaml.duplicate-key",
            4,
        ),
        case(
            "nested, in contributions",
            MEMBER,
            edit("  links:", "  summary: Another summary, long enough to pass on its own.\n  links:"),
            "yaml.duplicate-key",
            11,
        ),
        case(
            "inside a list item",
            MEMBER,
            replaced(&admitted_member(), "  date: \"2026-01-10\"\n", "  date: \"2026-01-10\"\n  github_id: 91000013\n"),
            "yaml.duplicate-key",
            20,
        ),
        case(
            "id and \"id\"",
            MEMBER,
            edit("name: Test Person\n", "name: Test Person\n\"id\": x\n"),
            "yaml.duplicate-key",
            3,
        ),
        case(
            "name and 'name'",
            MEMBER,
            edit("kind: person\n", "'name': Other\nkind: person\n"),
            "yaml.duplicate-key",
            3,
        ),
        case(
            "name spelled with an escape",
            MEMBER,
            edit("kind: person\n", "\"n\\x61me\": Other\nkind: person\n"),
            "yaml.duplicate-key",
            3,
        ),
    ]);
}

#[test]
fn documents() {
    let v = valid();
    check_all(vec![
        case("two documents, each after ---", MEMBER, format!("---\n{v}---\n{v}"), "yaml.multiple-documents", 14),
        case("a second document after ---", MEMBER, format!("{v}---\n{v}"), "yaml.multiple-documents", 13),
        case("more content after ...", MEMBER, format!("{v}...\n{v}"), "yaml.multiple-documents", 14),
        case("an empty second document", MEMBER, appended("---\n"), "yaml.multiple-documents", 13),
        case("empty file", MEMBER, "", "yaml.empty", 1),
        case("only a newline", MEMBER, "\n", "yaml.empty", 1),
        case("only comments", MEMBER, "# nothing\n# here\n", "yaml.empty", 1),
        case("only a document start", MEMBER, "---\n", "yaml.empty", 1),
        case("a scalar as the document", MEMBER, "hostile-case\n", "schema.type", 1),
        case("a list as the document", MEMBER, "- id: hostile-case\n- name: Test Person\n", "schema.type", 1),
    ]);
}

/// Each value here reads as text to some YAML readers and as another type to
/// others. The loader reports it once: the schema's complaint about the
/// same value (a string where a number belongs) is not repeated.
#[test]
fn ambiguous_scalars() {
    let dated = admitted_member();
    let with_email = written(|v| v["contributions"]["summary"] = "Reviews patches; write to jane@example.org.".into());
    check_all(vec![
        case("country: NO", MEMBER, edit("country: DE", "country: NO"), "yaml.ambiguous-scalar", 6),
        case("country: no", MEMBER, edit("country: DE", "country: no"), "yaml.ambiguous-scalar", 6),
        case("github: yes", MEMBER, edit("github: hostile-case", "github: yes"), "yaml.ambiguous-scalar", 7),
        case("github: on", MEMBER, edit("github: hostile-case", "github: on"), "yaml.ambiguous-scalar", 7),
        case("github: ~", MEMBER, edit("github: hostile-case", "github: ~"), "yaml.ambiguous-scalar", 7),
        case(
            "github: 1:30 (base 60)",
            MEMBER,
            edit("github: hostile-case", "github: 1:30"),
            "yaml.ambiguous-scalar",
            7,
        ),
        case("github_id: 0123", MEMBER, edit("github_id: 99000001", "github_id: 0123"), "yaml.ambiguous-scalar", 8),
        case("github_id: 0x1F", MEMBER, edit("github_id: 99000001", "github_id: 0x1F"), "yaml.ambiguous-scalar", 8),
        case("github_id: 1_000", MEMBER, edit("github_id: 99000001", "github_id: 1_000"), "yaml.ambiguous-scalar", 8),
        case("github_id: 1e3", MEMBER, edit("github_id: 99000001", "github_id: 1e3"), "yaml.ambiguous-scalar", 8),
        case("github_id: .inf", MEMBER, edit("github_id: 99000001", "github_id: .inf"), "yaml.ambiguous-scalar", 8),
        // Numbers that start with a point or a sign, where the reader's
        // first-character shortcut for text must not stop.
        case("name: .5", MEMBER, edit("name: Test Person", "name: .5"), "yaml.ambiguous-scalar", 2),
        case("name: -.5e3", MEMBER, edit("name: Test Person", "name: -.5e3"), "yaml.ambiguous-scalar", 2),
        case("name: +0o17", MEMBER, edit("name: Test Person", "name: +0o17"), "yaml.ambiguous-scalar", 2),
        case(
            "github_id beyond 64 bits",
            MEMBER,
            edit("github_id: 99000001", "github_id: 99999999999999999999"),
            "yaml.ambiguous-scalar",
            8,
        ),
        case(
            "unquoted date",
            MEMBER,
            replaced(&dated, "admitted: \"2026-01-10\"", "admitted: 2026-01-10"),
            "yaml.ambiguous-scalar",
            14,
        ),
        case(
            "unquoted timestamp as the name",
            MEMBER,
            edit("name: Test Person", "name: 2026-01-01T10:00:00Z"),
            "yaml.ambiguous-scalar",
            2,
        ),
        // The key is one cause, the e-mail address another: both are reported.
        case("unquoted key yes beside an e-mail address", MEMBER, with_email + "yes: x\n", "yaml.ambiguous-scalar", 13)
            .also(&["privacy.contact-details"]),
    ]);
}

#[test]
fn size_and_depth() {
    check_all(vec![
        case("70 KiB", MEMBER, appended(&format!("# {}\n", "x".repeat(70 * 1024))), "yaml.too-large", 1),
        case("1 MiB", MEMBER, appended(&format!("# {}\n", "x".repeat(1024 * 1024))), "yaml.too-large", 1),
        case(
            "flow nesting 10,000 deep",
            MEMBER,
            appended(&format!("deep: {}{}\n", "[".repeat(10_000), "]".repeat(10_000))),
            "yaml.too-deep",
            13,
        ),
        case(
            "unclosed flow nesting",
            MEMBER,
            appended(&format!("deep: {}\n", "[".repeat(10_000))),
            "yaml.too-deep",
            13,
        ),
        case(
            "flow mappings 10,000 deep",
            MEMBER,
            appended(&format!("deep: {}\n", "{a: ".repeat(10_000))),
            "yaml.too-deep",
            13,
        ),
        // `deep` is on line 13 and k<n> on line 13 + n: the seventeenth level opens at k16.
        case("block nesting 100 deep", MEMBER, appended(&block_nesting(100)), "yaml.too-deep", 29),
        // Under the size cap, so the whole line is read; the writer never
        // folds, so the summary's text is on its own key's line, 10.
        case(
            "a 60 KiB line",
            MEMBER,
            written(|v| v["contributions"]["summary"] = "x".repeat(60 * 1024).into()),
            "schema.max-length",
            10,
        ),
    ]);
}

#[test]
fn canonical_layout() {
    check_all(vec![
        case("comment line", MEMBER, edit("kind: person\n", "# note\nkind: person\n"), "yaml.not-canonical", 3),
        case("comment after a value", MEMBER, edit("kind: person", "kind: person # note"), "yaml.not-canonical", 3),
        case(
            "flow mapping",
            MEMBER,
            "{id: hostile-case, name: Test Person, kind: person, tier: individual, status: applicant, country: DE, \
             github: hostile-case, github_id: 99000001, contributions: {summary: Maintains several packages of \
             the distribution and reviews patches., links: \
             [\"https://github.com/example-os/packages/pulls?q=author%3Ahostile-case\"]}}\n",
            "yaml.not-canonical",
            1,
        ),
        case("4-space indentation", MEMBER, valid().replace("  ", "    "), "yaml.not-canonical", 10),
        case("single quotes the writer omits", MEMBER, edit("Test Person", "'Test Person'"), "yaml.not-canonical", 2),
        case("double quotes the writer omits", MEMBER, edit("Test Person", "\"Test Person\""), "yaml.not-canonical", 2),
        case("trailing space", MEMBER, edit("Test Person", "Test Person "), "yaml.not-canonical", 2),
        case("trailing blank line", MEMBER, appended("\n"), "yaml.not-canonical", 13),
        case("no final newline", MEMBER, valid().trim_end().to_owned(), "yaml.not-canonical", 12),
        case("document start marker", MEMBER, format!("---\n{}", valid()), "yaml.not-canonical", 1),
        case("document end marker", MEMBER, appended("...\n"), "yaml.not-canonical", 13),
        case("%YAML 1.1 directive", MEMBER, format!("%YAML 1.1\n---\n{}", valid()), "yaml.not-canonical", 1),
        case("explicit key", MEMBER, edit("country: DE", "? country\n: DE"), "yaml.not-canonical", 6),
        case("plain scalar the writer quotes", MEMBER, edit("Test Person", "::error::pwned"), "yaml.not-canonical", 2),
    ]);
}

#[test]
fn tree() {
    let alice = canonical(&individual("alice", 99_000_001));
    check_all(vec![
        case("symlink named like a member file", MEMBER, Plant::Symlink("/etc/passwd"), "tree.symlink", 1),
        case("dangling symlink", MEMBER, Plant::Symlink("nowhere.yaml"), "tree.symlink", 1),
        // A linked directory is never entered: nothing outside members/ is listed or read.
        case("symlink to a directory outside the roll", b"members/zz", Plant::Symlink("../schema"), "tree.symlink", 1),
        case("symlink making a shard appear twice", b"members/ae", Plant::Symlink("ad"), "tree.symlink", 1),
        case("executable member file", MEMBER, Plant::Executable(valid().into_bytes()), "tree.executable", 1),
        case("fifo named like a member file", MEMBER, Plant::Fifo, "tree.special-file", 1),
        case("README under members/", b"members/README.md", "# Members\n", "tree.file-name", 1),
        case("member file too shallow", b"members/hostile-case.yaml", valid(), "tree.file-name", 1),
        case("member file too deep", b"members/ab/cd/ab.yaml", valid(), "tree.file-name", 1),
        case("shard of three characters", b"members/hos/hostile-case.yaml", valid(), "tree.file-name", 1),
        case("file name with no stem", b"members/ho/.yaml", valid(), "tree.file-name", 1),
        case(".yml extension", b"members/ho/hostile-case.yml", valid(), "tree.file-name", 1),
        case("file name not UTF-8", b"members/ho/hostile-\xFF.yaml", valid(), "tree.file-name", 1),
        // A name that would print a GitHub workflow command on a line of its own.
        case("newline in the file name", b"members/ho/x\n::error::pwned.yaml", valid(), "tree.file-name", 1),
        case("uppercase file name", b"members/al/Alice.yaml", alice, "file.stem-matches-id", 1),
        case("wrong shard", b"members/hx/hostile-case.yaml", valid(), "file.in-shard", 1),
    ]);
}

/// The ledger is public. A field that can only hold contact details is both
/// unknown to the schema and a privacy finding: the privacy finding is the
/// one asserted, because it says why the field must go and stays true even
/// if the schema one day allows more fields.
#[test]
fn privacy() {
    let summary = |text: &str| {
        let text = text.to_owned();
        written(move |v| v["contributions"]["summary"] = text.into())
    };
    check_all(vec![
        case(
            "e-mail address in the summary",
            MEMBER,
            summary("Reviews patches; write to jane.doe@example.org for help."),
            "privacy.contact-details",
            10,
        ),
        case(
            "phone number in the summary",
            MEMBER,
            summary("Reviews patches and answers calls on +49 30 1234567 daily."),
            "privacy.contact-details",
            10,
        ),
        case(
            "phone number with an area code in the summary",
            MEMBER,
            summary("Reviews patches and answers calls on (030) 123 4567 daily."),
            "privacy.contact-details",
            10,
        ),
        case(
            "plain phone number in the summary",
            MEMBER,
            summary("Reviews patches and answers calls on 555-123-4567 daily."),
            "privacy.contact-details",
            10,
        ),
        case(
            "street address in the summary",
            MEMBER,
            summary("Reviews patches from the office at 221 Baker Street daily."),
            "privacy.contact-details",
            10,
        ),
        case(
            "P.O. Box in the name",
            MEMBER,
            edit("Test Person", "Test Person, P.O. Box 123"),
            "privacy.contact-details",
            2,
        ),
        case("email field", MEMBER, appended("email: jane@example.org\n"), "privacy.contact-details", 13)
            .also(&["schema.additional-properties"]),
    ]);
}

/// Text that means something to whatever displays the report: a terminal, a
/// GitHub Actions log, a Markdown or HTML page. Plain text of this kind is
/// legal (see the friendly table); what is refused is what hides or breaks.
#[test]
fn injection() {
    check_all(vec![
        case(
            "ANSI escape in the name",
            MEMBER,
            edit("Test Person", "\x1B[31mTest Person"),
            "yaml.control-character",
            2,
        ),
        // The same escape written as a double-quoted escape sequence.
        case(
            "ANSI escape written as \\e",
            MEMBER,
            edit("name: Test Person", "name: \"\\e[31mTest Person\""),
            "yaml.control-character",
            2,
        ),
        case(
            "NUL written as \\0",
            MEMBER,
            edit("name: Test Person", "name: \"Test\\0Person\""),
            "yaml.control-character",
            2,
        ),
        // The writer writes a multi-line name as a block; the name's form refuses the newline.
        case(
            "newline written as \\n in the name",
            MEMBER,
            edit("Test Person", "\"Test\\nPerson\""),
            "schema.pattern",
            2,
        )
        .also(&["yaml.not-canonical"]),
        case("backtick fence opening the name", MEMBER, edit("Test Person", "```Test"), "yaml.syntax", 2),
        // The id is echoed in messages and help, where it must not start a line
        // of its own. The writer writes it as a block: its text starts on line 2.
        case(
            "workflow command after a newline in the id",
            MEMBER,
            written(|v| v["id"] = "x\n::error::pwned".into()),
            "identity.id-form",
            2,
        ),
    ]);
}

/// Unusual but valid: each must validate clean in the shipped roll.
#[test]
fn friendly_files_validate_clean() {
    let named = |name: &str| {
        let name = name.to_owned();
        written(move |v| v["name"] = name.into())
    };
    let summary = |text: String| written(move |v| v["contributions"]["summary"] = text.into());
    let member = String::from_utf8_lossy(MEMBER).into_owned();
    let alone = |name: &'static str, text: String| (name, vec![(member.clone(), text)]);
    let examples: Vec<(String, String)> = std::fs::read_dir(repo_root().join("examples"))
        .expect("examples")
        .map(|entry| {
            let text = std::fs::read_to_string(entry.expect("entry").path()).expect("example");
            let value: Value = serde_saphyr::from_str(&text).expect("example YAML");
            (rollcall::roll::layout::member_path(value["id"].as_str().expect("id")), text)
        })
        .collect();
    let cases = vec![
        alone("accented and CJK name", named("Zoë Ñúñez 李雷")),
        alone("emoji in the name", named("Ada 🦀 Quill")),
        alone("right-to-left script without controls", named("مريم الحسيني")),
        alone("country \"NO\", quoted", edit("country: DE", "country: \"NO\"")),
        alone("keys in another order", edit("name: Test Person\nkind: person\n", "kind: person\nname: Test Person\n")),
        alone("multi-line literal summary", summary("Packages the toolchain.\nReviews patches every week.".into())),
        alone("long summary, folded by the writer", summary("Reviews patches and packages. ".repeat(60).trim().into())),
        alone("workflow command, %0A and HTML as text", named("::error::x %0A <img src=x onerror=alert(1)>")),
        alone(
            "backtick fence inside the summary",
            summary("Wrote the ```rust examples of the packaging guide.".into()),
        ),
        ("every example in one roll", examples),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, files)| {
            let ledger = Ledger::shipped();
            for (path, text) in files {
                ledger.write(path, text);
            }
            let started = Instant::now();
            let out = ledger.validate(&[]);
            let elapsed = started.elapsed();
            let json = serde_json::from_str::<Value>(&out.stdout).is_ok();
            let clean = out.code == 0 && out.findings.is_empty() && json && elapsed < TIME_LIMIT;
            (!clean).then(|| format!("case {name:?} (exit {}, {elapsed:?}):\n{}", out.code, out.summary()))
        })
        .collect();
    assert!(failures.is_empty(), "{} friendly cases failed:\n\n{}", failures.len(), failures.join("\n\n"));
}
