//! The roll as the cross-file rules see it: a small summary of each member
//! file, with where its identifying fields sit, so the documents themselves
//! need not stay in memory at 100,000 members.

use crate::finding::{Finding, Pos};
use crate::roll::policy::Kind;
use crate::roll::yaml::Spans;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Applicant,
    Active,
    Lapsed,
    Resigned,
    Terminated,
}

impl Status {
    pub fn parse(text: &str) -> Option<Status> {
        Some(match text {
            "applicant" => Status::Applicant,
            "active" => Status::Active,
            "lapsed" => Status::Lapsed,
            "resigned" => Status::Resigned,
            "terminated" => Status::Terminated,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Applicant => "applicant",
            Status::Active => "active",
            Status::Lapsed => "lapsed",
            Status::Resigned => "resigned",
            Status::Terminated => "terminated",
        }
    }
}

/// A GitHub account: the login may change, the numeric id never does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub login: String,
    pub id: u64,
}

/// The fields of one member file that rules across files need. Kept
/// between runs by `validate`'s cache, so it serializes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Member {
    /// The cache keeps it once, as its file's key.
    #[serde(skip)]
    pub file: String,
    pub id: Option<String>,
    pub kind: Option<Kind>,
    pub tier: Option<String>,
    pub status: Option<Status>,
    /// The individual's own account, or an organization's representative.
    pub account: Option<Account>,
    pub organization: Option<String>,
    pub member_number: Option<u64>,
    pub admitted: Option<Date>,
    pub expires: Option<Date>,
    /// Where each of [`KEPT`] is, in its order; line 0 where it is not.
    positions: [Pos; KEPT.len()],
}

/// The pointers whose positions a summary keeps.
const KEPT: [&str; 10] = [
    "",
    "/id",
    "/tier",
    "/status",
    "/github_id",
    "/representative/github_id",
    "/organization",
    "/member_number",
    "/admitted",
    "/expires",
];

impl Member {
    pub(crate) fn from_document(file: &str, value: &Value, spans: &Spans) -> Member {
        let text = |field: &str| value.get(field).and_then(Value::as_str).map(str::to_owned);
        let date = |field: &str| value.get(field).and_then(Value::as_str).and_then(|s| s.parse::<Date>().ok());
        let account = |holder: Option<&Value>| {
            let holder = holder?;
            let login = holder.get("github").and_then(Value::as_str)?;
            let id = holder.get("github_id").and_then(Value::as_u64)?;
            Some(Account { login: login.to_owned(), id })
        };
        let kind = text("kind").and_then(|k| Kind::parse(&k));
        Member {
            file: file.to_owned(),
            id: text("id"),
            kind,
            tier: text("tier"),
            status: text("status").and_then(|s| Status::parse(&s)),
            account: match kind {
                Some(Kind::Organization) => account(value.get("representative")),
                _ => account(Some(value)),
            },
            organization: text("organization"),
            member_number: value.get("member_number").and_then(Value::as_u64),
            admitted: date("admitted"),
            expires: date("expires"),
            positions: KEPT.map(|p| spans.value(p).unwrap_or_default()),
        }
    }

    /// Where `pointer` (one of the kept fields) is, or the file's start.
    pub(crate) fn pos(&self, pointer: &str) -> Pos {
        let kept = KEPT.iter().position(|p| *p == pointer).map(|i| self.positions[i]);
        kept.filter(|pos| pos.line > 0).unwrap_or(Pos::START)
    }

    /// The pointer of the account's numeric id in this file.
    pub(crate) fn account_pointer(&self) -> &'static str {
        match self.kind {
            Some(Kind::Organization) => "/representative/github_id",
            _ => "/github_id",
        }
    }

    /// The organization an organization-held membership belongs to.
    pub(crate) fn organization_key(&self) -> Option<&str> {
        match self.kind {
            Some(Kind::Organization) => self.organization.as_deref().or(self.id.as_deref()),
            _ => None,
        }
    }

    pub(crate) fn is_active(&self) -> bool {
        self.status == Some(Status::Active)
    }
}

/// What `rollcall fmt` makes of a member file's bytes: `Ok(None)` if they
/// already are canonical, `Ok(Some(text))` the canonical writing of the
/// same value, or every finding if the file cannot be rewritten safely.
///
/// It fixes exactly what changes the layout and never a value: a
/// byte-order mark, CRLF line endings, tabs used as indentation, trailing
/// spaces, quotes a value does not need, any other layout the writer does
/// not write. It refuses what only a person can decide: an anchor, alias,
/// tag or merge key, a duplicate key, a control or invisible character in
/// a value, an unquoted value with two readings, a syntax error.
pub fn format_bytes(name: &str, bytes: &[u8]) -> Result<Option<String>, Vec<Finding>> {
    use crate::roll::yaml;
    let doc = yaml::load(name, bytes, yaml::MEMBER_LIMITS, yaml::Layout::Free);
    match doc.value {
        Some(value) if doc.findings.len() == doc.fixable => {
            let canonical = yaml::to_canonical(&value);
            Ok((canonical.as_bytes() != bytes).then_some(canonical))
        }
        _ => Err(doc.findings),
    }
}

/// Rewrites the member file at `path` in the canonical layout, its values
/// kept ([`format_bytes`]): `Ok(false)` if it already was. The file is
/// replaced atomically (a temporary file beside it, renamed over it), and
/// never through a symbolic link.
pub fn format_file(path: &std::path::Path) -> Result<bool, String> {
    use crate::roll::yaml;
    let name = path.display().to_string();
    let meta = std::fs::symlink_metadata(path).map_err(|e| format!("{name}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{name}: not a regular file"));
    }
    if meta.len() > yaml::MEMBER_LIMITS.max_bytes {
        return Err(format!("{name}: larger than {} bytes", yaml::MEMBER_LIMITS.max_bytes));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{name}: {e}"))?;
    match format_bytes(&name, &bytes) {
        Ok(None) => Ok(false),
        Ok(Some(canonical)) => {
            crate::util::atomic::write(path, canonical.as_bytes()).map_err(|e| format!("{name}: {e}"))?;
            Ok(true)
        }
        Err(findings) => {
            let refusals: Vec<String> = findings
                .iter()
                .map(|f| format!("{}:{}:{}: {} [{}]\n  help: {}", f.file, f.line, f.column, f.message, f.rule, f.help))
                .collect();
            Err(format!("{}\n{name}: not rewritten; fix the above first", refusals.join("\n")))
        }
    }
}
