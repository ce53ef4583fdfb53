//! The Markdown summary of a pull request, for the job summary or a
//! comment: the verdict, who applies for what, the evidence, what the
//! policy requires next, and every finding. Every piece of text that came
//! from the pull request is escaped, so that a name like `::error::`,
//! `<img>`, a backtick fence or an `@mention` is shown, never obeyed.

use crate::change::pull_request::{Author, Judgement, PrKind};
use crate::finding::{Finding, Severity};
use serde_json::Value;
use std::fmt::Write;

/// Escapes text for Markdown and the HTML GitHub allows in it, on one line.
pub fn md(text: &str) -> String {
    let text = crate::finding::visible(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '-' | '.' | '!' | '|' | '~'
            | ':' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("&#64;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Where the findings' files can be read in a browser: a base URL that the
/// file's path and `#L<line>` complete (on GitHub,
/// `https://github.com/OWNER/REPO/blob/HEAD_SHA`), so each finding links to
/// the exact line to fix.
#[derive(Clone, Copy)]
pub struct Links<'a>(pub Option<&'a str>);

impl Links<'_> {
    fn place(self, f: &Finding) -> String {
        if f.file.is_empty() {
            return String::new();
        }
        let text = format!("{}:{}:{}", md(&f.file), f.line, f.column);
        match self.0 {
            Some(base) => format!("[{text}]({}/{}#L{})", base.trim_end_matches('/'), url_path(&f.file), f.line),
            None => text,
        }
    }
}

/// A path in a URL: unreserved characters and `/` as they are, every other
/// byte percent-encoded, so no file name can end the link or start another.
fn url_path(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'.' | b'_' | b'-' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn render(judgement: &Judgement, author: &Author, links: Links) -> String {
    let mut out = String::new();
    let verdict = if judgement.is_acceptable() { "✅ acceptable" } else { "❌ not acceptable" };
    let what = md(&judgement.change.describe());
    let _ = writeln!(out, "## rollcall: {verdict}\n\nThis pull request is {what}.\n");
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| opened by | {} (GitHub account {}) |", md(&author.login), author.id);
    if let Some(member) = &judgement.member {
        let text = |key: &str| member.get(key).and_then(Value::as_str).map(md).unwrap_or_default();
        let _ = writeln!(out, "| member | {} (id {}) |", text("name"), text("id"));
        let _ = writeln!(out, "| kind | {} |", text("kind"));
        let tier = member.get("tier").and_then(Value::as_str).unwrap_or_default();
        let _ = writeln!(out, "| tier | {} |", tier_terms(judgement, tier));
    }
    if let PrKind::Update { fields, .. } = &judgement.change {
        let fields: Vec<String> = fields.iter().map(|f| md(f)).collect();
        let _ = writeln!(out, "| fields changed | {} |", fields.join(", "));
    }
    out.push('\n');
    evidence(judgement, &mut out);
    next_steps(judgement, &mut out);
    findings(&judgement.findings, links, &mut out);
    out
}

/// The summary of an election pull request (an election file, a
/// nomination, an acceptance): what it is, and the findings.
pub fn render_election(description: &str, ok: bool, author: &Author, found: &[Finding], links: Links) -> String {
    let mut out = String::new();
    let verdict = if ok { "✅ acceptable" } else { "❌ not acceptable" };
    let _ = writeln!(out, "## rollcall: {verdict}\n\nThis pull request is {}.\n", md(description));
    let _ = writeln!(out, "| | |\n|---|---|\n| opened by | {} (GitHub account {}) |\n", md(&author.login), author.id);
    findings(found, links, &mut out);
    out
}

/// The tier's fee and votes, from the base's policy.
fn tier_terms(judgement: &Judgement, tier: &str) -> String {
    let shown = md(tier);
    let Some(config) = &judgement.config else { return shown };
    match config.policy.policy.tier(tier) {
        Some(t) if t.fee_usd == 0 => format!("{shown}: free, {} vote(s)", t.votes),
        Some(t) => {
            let fte = t.fte.map(|n| format!(" or {n} FTE")).unwrap_or_default();
            format!("{shown}: {} USD a year{fte}, {} vote(s)", t.fee_usd, t.votes)
        }
        None => format!("{shown} (not a tier of this foundation)"),
    }
}

fn evidence(judgement: &Judgement, out: &mut String) {
    let (Some(member), Some(config)) = (&judgement.member, &judgement.config) else { return };
    let Some(tier) = member.get("tier").and_then(Value::as_str).and_then(|t| config.policy.policy.tier(t)) else {
        return;
    };
    if tier.evidence.is_empty() {
        return;
    }
    out.push_str("### Evidence\n\n");
    for field in &tier.evidence {
        let mark = if member.get(field).is_some() { "✅ present" } else { "❌ missing" };
        let _ = writeln!(out, "- {}: {mark}", md(field));
    }
    out.push('\n');
}

fn next_steps(judgement: &Judgement, out: &mut String) {
    out.push_str("### What happens next\n\n");
    if !judgement.is_acceptable() {
        out.push_str("- Fix the findings below and push again; this summary is updated on every push.\n\n");
        return;
    }
    let Some(config) = &judgement.config else { return };
    let policy = &config.policy.policy;
    let tier_name = match &judgement.change {
        PrKind::Application { tier, .. } => Some(tier.as_str()),
        PrKind::TierChange { to, .. } => Some(to.as_str()),
        _ => None,
    };
    match (&judgement.change, tier_name.and_then(|t| policy.tier(t))) {
        (PrKind::Maintenance { .. }, _) => {
            out.push_str("- A maintainer reviews the change (see `.github/CODEOWNERS`).\n");
        }
        (PrKind::Amendment { needs, .. }, _) => {
            let _ = writeln!(out, "- This amendment of the rules needs {needs}.");
            out.push_str("- Once they approve, it is recorded with `rollcall amend --head REV --approved-by …` (never merged as maintenance).\n");
        }
        (PrKind::Resignation { .. }, _) => {
            out.push_str("- A maintainer records the resignation with `rollcall resign`; the membership ends, the ledger keeps it.\n");
        }
        (PrKind::Update { .. }, _) => {
            out.push_str("- A maintainer reviews and merges the update.\n");
        }
        (_, Some(tier)) => {
            let _ = writeln!(
                out,
                "- {} approving review(s) from members of the membership committee, none from the applicant or their organization.",
                tier.approvals
            );
            if tier.payment_required {
                let _ = writeln!(
                    out,
                    "- The committee records the payment ({} USD a year{}).",
                    tier.fee_usd,
                    tier.fte.map(|n| format!(" or {n} FTE")).unwrap_or_default()
                );
            }
            if tier.in_kind_needs_board {
                out.push_str("- An in-kind sponsorship also needs a board member's approval.\n");
            }
            out.push_str("- Then a maintainer runs the merge workflow, which admits the member as one ledger event.\n");
        }
        _ => {}
    }
    out.push('\n');
}

fn findings(findings: &[Finding], links: Links, out: &mut String) {
    if findings.is_empty() {
        out.push_str("No findings.\n");
        return;
    }
    let _ = writeln!(
        out,
        "### Findings ({})\n\n| | where | rule | message | how to fix |\n|---|---|---|---|---|",
        findings.len()
    );
    for f in findings {
        let mark = if f.severity == Severity::Error { "❌" } else { "⚠️" };
        let place = links.place(f);
        let _ = writeln!(out, "| {mark} | {place} | {} | {} | {} |", md(&f.rule), md(&f.message), md(&f.help));
    }
}
