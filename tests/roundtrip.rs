//! Properties of the reader and the writer: what the writer writes, the
//! reader accepts and reads back unchanged (and serde-saphyr's own reader
//! agrees); what the reader accepts re-serializes to the same bytes, however
//! the bytes were made; and nothing makes the reader panic.

use proptest::prelude::*;
use rollcall::roll::canonical;
use rollcall::roll::yaml::{self, Layout, MEMBER_LIMITS};
use serde_json::{Map, Number, Value};

/// Text a member could write: printable characters of several scripts,
/// YAML punctuation, spaces at the edges, line breaks, and words that
/// YAML 1.1 reads as other types.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,30}",
        "[a-zA-Zéßçñ李雷😀 .,:#&*!|>'\"%@`{}\\[\\]-]{0,24}",
        "[a-z ]{0,10}\n[a-z ]{0,10}(\n)?",
        prop::sample::select(vec![
            "NO",
            "yes",
            "on",
            "Off",
            "~",
            "null",
            "Null",
            "true",
            "True",
            "0123",
            "0x1F",
            "1_000",
            "1:30",
            "1e3",
            ".inf",
            "2026-01-01",
            "-",
            "- a",
            "? x",
            "<<",
            "=",
            "---",
            "...",
            " lead",
            "trail ",
            "",
            "#",
            "a #b",
            "a: b",
        ])
        .prop_map(str::to_owned),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z_]{1,12}", text()]
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        text().prop_map(Value::String),
        any::<i64>().prop_map(|n| Value::Number(Number::from(n))),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ]
}

/// A document: a mapping at the top, up to four levels deep.
fn document() -> impl Strategy<Value = Value> {
    let nested = scalar().prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..5)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    });
    prop::collection::vec((key(), nested), 0..8)
        .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>()))
}

/// serde-saphyr's reader with the options rollcall's loader matches:
/// strict booleans, leading-zero numbers kept as strings.
fn serde_saphyr_reads(text: &str) -> Option<Value> {
    let options = serde_saphyr::options! { strict_booleans: true, leading_zero_numbers_as_strings: true };
    serde_saphyr::from_str_with_options::<Value>(text, options).ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn the_writers_output_is_accepted_and_reads_back_the_same(value in document()) {
        let text = yaml::to_canonical(&value);
        let doc = yaml::load("members/pr/prop.yaml", text.as_bytes(), MEMBER_LIMITS, Layout::Canonical);
        prop_assert!(doc.findings.is_empty(), "writer output refused:\n{text}\n{:?}", doc.findings);
        prop_assert_eq!(doc.value.as_ref(), Some(&value));
        let theirs = serde_saphyr_reads(&text);
        prop_assert_eq!(theirs.as_ref(), Some(&value), "serde-saphyr reads it differently:\n{}", text);
    }

    #[test]
    fn anything_accepted_reserializes_to_the_same_bytes(
        value in document(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..4),
    ) {
        let mut bytes = yaml::to_canonical(&value).into_bytes();
        for (at, byte, kind) in edits {
            match kind {
                0 if !bytes.is_empty() => { let i = at.index(bytes.len()); bytes[i] = byte; }
                1 => { let i = at.index(bytes.len() + 1); bytes.insert(i, byte); }
                _ if !bytes.is_empty() => { let i = at.index(bytes.len()); bytes.remove(i); }
                _ => {}
            }
        }
        let doc = yaml::load("members/pr/prop.yaml", &bytes, MEMBER_LIMITS, Layout::Canonical);
        if let (Some(value), true) = (&doc.value, doc.findings.is_empty()) {
            let rewritten = yaml::to_canonical(value);
            prop_assert_eq!(rewritten.as_bytes(), bytes.as_slice());
            let theirs = serde_saphyr_reads(&rewritten);
            prop_assert_eq!(theirs.as_ref(), Some(value));
        }
        for f in &doc.findings {
            prop_assert!(f.line >= 1 && f.column >= 1);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        for layout in [Layout::Canonical, Layout::Free] {
            let doc = yaml::load("members/pr/prop.yaml", &bytes, MEMBER_LIMITS, layout);
            prop_assert!(doc.value.is_some() || !doc.findings.is_empty(), "a refusal always says why");
        }
    }
}

#[test]
fn free_layout_files_are_rewritten_canonically() {
    let hand_written = "# a comment\nid:   x\nname: 'Ann'\nlinks: [a, b]\nnested: {k: 1}\n";
    let doc = yaml::load("x.yaml", hand_written.as_bytes(), MEMBER_LIMITS, Layout::Free);
    assert!(doc.findings.is_empty(), "{:?}", doc.findings);
    let canonical = yaml::to_canonical(doc.value.as_ref().unwrap());
    assert_eq!(canonical, "id: x\nname: Ann\nlinks:\n- a\n- b\nnested:\n  k: 1\n");
    let strict = yaml::load("x.yaml", hand_written.as_bytes(), MEMBER_LIMITS, Layout::Canonical);
    assert_eq!(strict.findings.len(), 1);
    assert_eq!(strict.findings[0].rule, yaml::NOT_CANONICAL);
    assert_eq!(strict.findings[0].line, 1, "the first differing line");
}

/// `text` with what `rollcall fmt` must set right: each line's leading
/// two-space groups as tabs (where the indentation is all such groups),
/// trailing spaces on some lines, CRLF line endings, a byte-order mark.
fn damaged(text: &str, tabs: bool, trailing: &[bool], crlf: bool, bom: bool) -> Vec<u8> {
    let mut out = String::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let content = line.strip_suffix('\n').unwrap_or(line);
        let indent = content.len() - content.trim_start_matches(' ').len();
        let mut content = if tabs && indent > 0 && indent % 2 == 0 {
            "\t".repeat(indent / 2) + &content[indent..]
        } else {
            content.to_owned()
        };
        // (Spaces after a tab-only indentation would mix the two: that is
        // ambiguous, and refused.)
        if trailing.get(i).copied().unwrap_or(false) && !content.trim().is_empty() {
            content.push_str("  ");
        }
        out.push_str(&content);
        if line.ends_with('\n') {
            out.push_str(if crlf { "\r\n" } else { "\n" });
        }
    }
    let mut bytes = if bom { vec![0xEF, 0xBB, 0xBF] } else { Vec::new() };
    bytes.extend_from_slice(out.as_bytes());
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// `rollcall fmt` fixes the layout and never a value: its output is
    /// what the loader reads from the damaged input (leniently), and
    /// validate's loader accepts it as canonical.
    #[test]
    fn fmt_sets_the_layout_right_and_keeps_every_value(
        value in document(),
        tabs in any::<bool>(),
        trailing in prop::collection::vec(any::<bool>(), 0..40),
        crlf in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let text = yaml::to_canonical(&value);
        let bytes = damaged(&text, tabs, &trailing, crlf, bom);
        let lenient = yaml::load("members/pr/prop.yaml", &bytes, MEMBER_LIMITS, Layout::Free);
        let read = lenient.value.clone();
        if !trailing.contains(&true) {
            prop_assert_eq!(read.as_ref(), Some(&value), "the layout alone changed");
        }
        let formatted = match rollcall::roll::member::format_bytes("members/pr/prop.yaml", &bytes) {
            Ok(Some(formatted)) => formatted,
            Ok(None) => String::from_utf8(bytes.clone()).unwrap(),
            Err(findings) => return Err(TestCaseError::fail(format!("refused:\n{:?}\n{findings:?}", String::from_utf8_lossy(&bytes)))),
        };
        let strict = yaml::load("members/pr/prop.yaml", formatted.as_bytes(), MEMBER_LIMITS, Layout::Canonical);
        prop_assert!(strict.findings.is_empty(), "fmt's output refused: {:?}", strict.findings);
        prop_assert_eq!(strict.value, read);
    }
}

/// A document shaped as member files are, which the line-by-line layout
/// comparison models: fields of scalars, nested mappings, and lists of
/// scalars or of mappings whose first field is a scalar.
fn member_like() -> impl Strategy<Value = Value> {
    let name = || prop_oneof![key(), "[a-zA-Z][a-zA-Z0-9_-]{0,10}"];
    let scalar = prop_oneof![
        4 => "[a-zA-Z][ -~]{0,30}".prop_map(Value::String),
        2 => text().prop_map(Value::String),
        1 => any::<u32>().prop_map(|n| Value::Number(Number::from(n))),
        1 => any::<i64>().prop_map(|n| Value::Number(Number::from(n))),
        1 => any::<bool>().prop_map(Value::Bool),
    ];
    let item = prop_oneof![
        scalar.clone(),
        (name(), scalar.clone(), prop::collection::vec((name(), scalar.clone()), 0..3)).prop_map(|(k, v, rest)| {
            let mut map = Map::new();
            map.insert(k, v);
            map.extend(rest);
            Value::Object(map)
        }),
    ];
    let field = prop_oneof![
        4 => scalar.clone(),
        1 => prop::collection::vec((name(), scalar), 1..4).prop_map(|e| Value::Object(e.into_iter().collect())),
        1 => prop::collection::vec(item, 1..4).prop_map(Value::Array),
    ];
    prop::collection::vec((name(), field), 1..10).prop_map(|e| Value::Object(e.into_iter().collect()))
}

/// `text` with one character deleted or inserted at `at` (a character index).
fn mutated(text: &str, at: usize, insert: Option<char>) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let at = at % (chars.len() + 1);
    match insert {
        Some(c) => chars.insert(at, c),
        None if at < chars.len() => {
            chars.remove(at);
        }
        None => {}
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// The line-by-line layout comparison says what the writer says: it
    /// accepts the writer's own text, and of a text one character off it
    /// gives the writer's answer or leaves the question to the writer.
    #[test]
    fn the_layout_comparison_agrees_with_the_writer(
        value in prop_oneof![member_like(), document()],
        at in any::<usize>(),
        insert in prop::option::of(prop::sample::select(vec![' ', '\n', '"', '\'', 'a', ':', '-', '#', '0'])),
    ) {
        let written = yaml::to_canonical(&value);
        prop_assert!(canonical::is_canonical(&written, &value), "rejects its own writing:\n{written}");
        let changed = mutated(&written, at, insert);
        if let Some(answer) = canonical::compare_layout(&changed, &value) {
            prop_assert_eq!(answer, canonical::is_written(&changed, &value), "text:\n{}", changed);
        }
    }
}

/// The comparison decides the shipped examples itself, without the writer.
#[test]
fn member_files_are_compared_line_by_line() {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(examples).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let doc = yaml::load("example.yaml", text.as_bytes(), MEMBER_LIMITS, Layout::Canonical);
        let value = doc.value.expect("an example reads");
        assert_eq!(canonical::compare_layout(&text, &value), Some(true), "{}", path.display());
        seen += 1;
    }
    assert!(seen >= 5, "the examples were found");
}
