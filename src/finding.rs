//! Findings: what every check reports, in the shape of the JSON report.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A 1-based position in a file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, column: 1 };
}

/// One problem, located in one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable dotted name of the rule; `rollcall rules` lists them.
    pub rule: Cow<'static, str>,
    pub severity: Severity,
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// JSON Pointer into the document; empty for the whole file.
    pub path: String,
    pub message: String,
    pub help: String,
    /// The commit of the ledger's history the finding is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

impl Finding {
    pub fn new(
        rule: impl Into<Cow<'static, str>>,
        severity: Severity,
        file: &str,
        pos: Pos,
        path: &str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Finding {
        Finding {
            rule: rule.into(),
            severity,
            file: file.to_owned(),
            line: pos.line,
            column: pos.column,
            path: path.to_owned(),
            message: message.into(),
            help: help.into(),
            commit: None,
        }
    }

    /// The finding, as found in `commit` of the ledger's history.
    pub(crate) fn in_commit(self, commit: git2::Oid) -> Finding {
        Finding { commit: Some(commit.to_string()), ..self }
    }

    pub fn error(
        rule: impl Into<Cow<'static, str>>,
        file: &str,
        pos: Pos,
        path: &str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Finding {
        Finding::new(rule, Severity::Error, file, pos, path, message, help)
    }

    pub(crate) fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts by file and line and drops repeats, so each cause is reported once.
pub(crate) fn sort_and_dedup(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.rule, &a.path, &a.message)
            .cmp(&(&b.file, b.line, b.column, &b.rule, &b.path, &b.message))
    });
    findings.dedup_by(|a, b| a.file == b.file && a.rule == b.rule && a.path == b.path && a.message == b.message);
}

/// Shows text that came from a file inside a message: quoted, escaped, and
/// short, so that no value can break the line it is printed on.
pub fn quoted(text: &str) -> String {
    const MAX_CHARS: usize = 60;
    let mut out = String::from("\"");
    for (i, c) in text.chars().enumerate() {
        if i == MAX_CHARS {
            out.push('…');
            break;
        }
        out.extend(c.escape_debug());
    }
    out.push('"');
    out
}

/// Escapes one segment of a JSON Pointer (RFC 6901).
pub(crate) fn pointer_segment(segment: &str) -> Cow<'_, str> {
    if segment.contains(['~', '/']) {
        Cow::Owned(segment.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(segment)
    }
}

/// The pointer one level up (`/a/b` → `/a`, `/a` → ``).
pub(crate) fn parent_pointer(pointer: &str) -> &str {
    pointer.rfind('/').map_or("", |i| &pointer[..i])
}

/// `text` with every control and invisible character shown as `[U+XXXX]`,
/// for places where escaping alone would let it act (a file name in a
/// summary or an annotation).
pub(crate) fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acts_on_terminal) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if acts_on_terminal(c) { format!("[U+{:04X}]", c as u32) } else { c.to_string() })
            .collect(),
    )
}

/// Bidirectional controls, zero-width and other invisible characters, and
/// Unicode tags: the characters of "Trojan Source" and of look-alike names.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}'
        | '\u{FFFE}' | '\u{FFFF}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Whether `c` would act on a terminal or a page rather than show: a
/// control character, or an invisible or text-direction one.
pub(crate) fn acts_on_terminal(c: char) -> bool {
    c.is_control() || is_invisible(c)
}

/// Whether the findings leave the ledger acceptable: warnings do.
pub fn is_ok(findings: &[Finding]) -> bool {
    !findings.iter().any(Finding::is_error)
}
