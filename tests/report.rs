//! The three output formats: the JSON report of the specification, GitHub
//! workflow commands (escaped, capped as GitHub caps them), and the human
//! format with the source line and a caret.

use crate::common::*;
use rollcall::finding::{Finding, Pos, Severity};
use rollcall::output::report::{self, Format};
use serde_json::json;

fn finding(rule: &'static str, severity: Severity, message: &str) -> Finding {
    Finding::new(rule, severity, "members/ac/acme.yaml", Pos { line: 4, column: 7 }, "/tier", message, "fix it")
}

fn no_source(_: &str, _: u32) -> Option<String> {
    None
}

#[test]
fn json_report_has_the_specified_shape() {
    let ledger = Ledger::shipped();
    let mut value = individual("acme", 99_000_001);
    value["tier"] = json!("gold");
    ledger.add(&value);
    let out = ledger.validate(&[]);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["ok"], false);
    let first = &report["findings"][0];
    let keys: Vec<&str> = first.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["rule", "severity", "file", "line", "column", "path", "message", "help"]);
    assert_eq!(first["severity"], "error");
}

#[test]
fn github_format_escapes_data_and_properties() {
    let f = Finding::new(
        "schema.pattern",
        Severity::Error,
        "members/a,b/x:y.yaml",
        Pos { line: 2, column: 3 },
        "/name",
        "100% wrong\r\n::error::injected",
        "line one\nline two",
    );
    let out = report::render(Format::Github, &[f], None, &no_source);
    let first = out.lines().next().unwrap();
    assert_eq!(
        first,
        "::error file=members/a%2Cb/x%3Ay.yaml,line=2,col=3,title=schema.pattern::100%25 wrong%0D%0A::error::injected%0Ahelp: line one%0Aline two%0Aat /name"
    );
    assert_eq!(out.lines().filter(|l| l.starts_with("::error")).count(), 1, "nothing breaks out of its line");
}

#[test]
fn github_format_caps_annotations_per_level_and_keeps_the_rest() {
    let mut findings: Vec<Finding> =
        (0..15).map(|i| finding("tier.known", Severity::Error, &format!("e{i}"))).collect();
    findings.extend((0..12).map(|i| finding("status.expired", Severity::Warning, &format!("w{i}"))));
    let out = report::render(Format::Github, &findings, None, &no_source);
    assert_eq!(out.lines().filter(|l| l.starts_with("::error ")).count(), 10);
    assert_eq!(out.lines().filter(|l| l.starts_with("::warning ")).count(), 10);
    for i in 0..15 {
        assert!(out.contains(&format!("e{i}%0A")), "finding e{i} is still in the log");
    }
    assert!(out.contains("::notice title=rollcall::7 more finding(s)"));
}

#[test]
fn human_format_shows_the_line_with_a_caret_and_the_help() {
    let ledger = Ledger::shipped();
    let mut value = individual("acme", 99_000_001);
    value["tier"] = json!("gold");
    let file = ledger.add(&value);
    let out = ledger.run(&["validate", "--as-of", AS_OF]);
    assert_eq!(out.code, 1);
    let expected_head = format!("error[tier.holder-kind]: the gold tier cannot be held by a person\n --> {file}:4:7\n");
    assert!(out.stdout.contains(&expected_head), "{}", out.stdout);
    assert!(out.stdout.contains("4 | tier: gold\n  |       ^^^^ at /tier"), "{}", out.stdout);
    assert!(out.stdout.contains("= help: the gold tier is held by: organization"), "{}", out.stdout);
    assert!(out.stdout.ends_with("member files checked\n"));
}

#[test]
fn values_in_messages_are_quoted_and_escaped() {
    let ledger = Ledger::shipped();
    let mut value = individual("quoted", 99_000_001);
    value["tier"] = json!("x\u{1b}[31m\n::error::");
    ledger.add(&value);
    let out = ledger.validate(&[]);
    let f = out.findings.iter().find(|f| f.rule == "tier.known" || f.rule.starts_with("yaml.")).unwrap();
    assert!(!f.message.contains('\u{1b}') && !f.message.contains('\n'), "{f:?}");
}

#[test]
fn github_format_lines_past_the_cap_cannot_be_commands() {
    let findings: Vec<Finding> = (0..12)
        .map(|i| {
            Finding::new(
                "tier.known",
                Severity::Error,
                "::stop-commands::pwn",
                Pos { line: i + 1, column: 1 },
                "",
                "::error title=rollcall::forged",
                "h",
            )
        })
        .collect();
    let out = report::render(Format::Github, &findings, None, &no_source);
    for line in out.lines().filter(|l| l.starts_with("::")) {
        assert!(line.starts_with("::error file=") || line.starts_with("::notice title=rollcall::"), "{line}");
    }
}

#[test]
fn invisible_characters_in_file_names_are_shown_not_passed_on() {
    let f = Finding::new("tree.file-name", Severity::Error, "members/ev/x\u{202e}lmy.yaml", Pos::START, "", "m", "h");
    let out = report::render(Format::Github, std::slice::from_ref(&f), None, &no_source);
    assert!(out.contains("file=members/ev/x[U+202E]lmy.yaml"), "{out}");
    assert!(!out.contains('\u{202e}'));
    assert_eq!(rollcall::output::summary::md("a\u{202e}b"), "a\\[U\\+202E\\]b");
}
