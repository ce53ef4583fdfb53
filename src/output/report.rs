//! Printing findings: for people (the source line with a caret), for
//! programs (the JSON report of the specification), and for GitHub Actions
//! (workflow commands, escaped and capped as GitHub requires).

use crate::finding::{Finding, Severity, acts_on_terminal, is_ok};
use crate::history::log::{Log, LogEntry};
use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
}

pub fn render(
    format: Format,
    findings: &[Finding],
    files_checked: Option<usize>,
    source_line: &dyn Fn(&str, u32) -> Option<String>,
) -> String {
    match format {
        Format::Human => human(findings, files_checked, source_line),
        Format::Json => json(findings),
        Format::Github => github(findings),
    }
}

#[derive(Serialize)]
struct JsonReport<'a, E: Serialize> {
    ok: bool,
    #[serde(flatten)]
    extra: E,
    findings: &'a [Finding],
}

pub fn json(findings: &[Finding]) -> String {
    json_with(is_ok(findings), serde_json::Map::new(), findings)
}

/// The JSON report with more top-level fields (`check-pr` adds `change`).
pub fn json_with(ok: bool, extra: impl Serialize, findings: &[Finding]) -> String {
    let report = JsonReport { ok, extra, findings };
    let mut out = serde_json::to_string_pretty(&report).unwrap_or_default();
    out.push('\n');
    out
}

fn human(
    findings: &[Finding],
    files_checked: Option<usize>,
    source_line: &dyn Fn(&str, u32) -> Option<String>,
) -> String {
    let renderer = if std::env::var_os("NO_COLOR").is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for f in findings {
        let level = match f.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.primary_title(f.message.as_str()).id(f.rule.as_ref());
        let path_label = if f.path.is_empty() { String::new() } else { format!("at {}", f.path) };
        // A line that would act on the terminal (a control or text-direction
        // character) is not shown; the note below names file:line instead.
        let shown = |c: char| !acts_on_terminal(c);
        let line = source_line(&f.file, f.line).filter(|l| l.chars().count() < 500 && l.chars().all(shown));
        // A refused file name may hold any character; keep it on its line.
        let file =
            if f.file.chars().any(char::is_control) { f.file.escape_debug().to_string() } else { f.file.clone() };
        let help = Level::HELP.message(f.help.as_str());
        let group = match &line {
            Some(text) => {
                let span = token_span(text, f.column);
                title
                    .element(
                        Snippet::source(text.as_str())
                            .line_start(f.line as usize)
                            .path(file.as_str())
                            .annotation(AnnotationKind::Primary.span(span).label(path_label.as_str())),
                    )
                    .element(help)
            }
            None => {
                title.element(Level::NOTE.message(format!("{file}:{}:{} {path_label}", f.line, f.column))).element(help)
            }
        };
        let group = match &f.commit {
            Some(commit) => group.element(Level::NOTE.message(format!("in commit {commit}"))),
            None => group,
        };
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    let errors = findings.iter().filter(|f| f.is_error()).count();
    let warnings = findings.len() - errors;
    let files = findings.iter().map(|f| f.file.as_str()).collect::<std::collections::BTreeSet<_>>().len();
    let checked = files_checked.map(|n| format!("; {n} member files checked")).unwrap_or_default();
    if findings.is_empty() {
        out.push_str(&format!("ok: no findings{checked}\n"));
    } else {
        let verdict = if errors == 0 { "ok" } else { "not acceptable" };
        out.push_str(&format!("{verdict}: {errors} error(s), {warnings} warning(s) in {files} file(s){checked}\n"));
    }
    out
}

/// The bytes of the token at 1-based `column`: up to the next space, or one
/// character (the caret) if the column is at the end of the line.
fn token_span(line: &str, column: u32) -> std::ops::Range<usize> {
    let start = line.char_indices().nth(column.saturating_sub(1) as usize).map_or(line.len(), |(i, _)| i);
    let rest = &line[start..];
    let len = rest.find(' ').unwrap_or(rest.len());
    let len = if len == 0 { rest.chars().next().map_or(0, char::len_utf8) } else { len };
    start..start + len
}

/// GitHub shows at most this many error and this many warning annotations
/// per step; the rest would be dropped silently, so they are printed as
/// plain lines instead, and said so.
pub(crate) const GITHUB_ANNOTATIONS_PER_LEVEL: usize = 10;
/// A workflow command longer than this is cut; keep messages well inside.
const GITHUB_MAX_MESSAGE: usize = 4000;

fn github(findings: &[Finding]) -> String {
    let mut out = String::new();
    let (mut errors, mut warnings) = (0, 0);
    let mut unannotated = 0;
    for f in findings {
        let count = if f.is_error() { &mut errors } else { &mut warnings };
        *count += 1;
        let command = if f.is_error() { "error" } else { "warning" };
        let mut message = format!("{}\nhelp: {}", f.message, f.help);
        if !f.path.is_empty() {
            message.push_str(&format!("\nat {}", f.path));
        }
        if message.len() > GITHUB_MAX_MESSAGE {
            let cut = (0..=GITHUB_MAX_MESSAGE).rev().find(|&i| message.is_char_boundary(i)).unwrap_or(0);
            message.truncate(cut);
            message.push('…');
        }
        if *count <= GITHUB_ANNOTATIONS_PER_LEVEL {
            out.push_str(&format!(
                "::{command} file={},line={},col={},title={}::{}\n",
                escape_property(&f.file),
                f.line,
                f.column,
                escape_property(&f.rule),
                escape_data(&message)
            ));
        } else {
            unannotated += 1;
            // A fixed prefix: no line of ours may start with `::`.
            out.push_str(&format!(
                "rollcall: {}:{}:{}: {command}[{}]: {}\n",
                escape_property(&f.file),
                f.line,
                f.column,
                escape_property(&f.rule),
                escape_data(&message)
            ));
        }
    }
    if unannotated > 0 {
        out.push_str(&format!(
            "::notice title=rollcall::{unannotated} more finding(s) are listed in the log above without annotations (GitHub shows at most {GITHUB_ANNOTATIONS_PER_LEVEL} errors and {GITHUB_ANNOTATIONS_PER_LEVEL} warnings per step)\n"
        ));
    }
    let verdict = if errors == 0 { "ok" } else { "not acceptable" };
    out.push_str(&format!("{verdict}: {errors} error(s), {warnings} warning(s)\n"));
    out
}

/// Escaping for the message of a workflow command.
pub(crate) fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escaping for a property (`file=`, `title=`) of a workflow command;
/// invisible characters are shown, not passed on.
pub(crate) fn escape_property(text: &str) -> String {
    escape_data(&crate::finding::visible(text)).replace(':', "%3A").replace(',', "%2C")
}

/// The JSON report of `rollcall log`: the events, then the findings.
pub fn log_json(log: &Log) -> String {
    #[derive(Serialize)]
    struct Events<'a> {
        events: &'a [LogEntry],
    }
    json_with(is_ok(&log.findings), Events { events: &log.entries }, &log.findings)
}
