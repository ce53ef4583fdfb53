//! Who may sign ledger events, and whether a commit's signature is theirs.
//!
//! A foundation already lists its signers for git in an OpenSSH
//! allowed-signers file (`gpg.ssh.allowedSignersFile`, the format of
//! `ssh-keygen`'s ALLOWED SIGNERS section). `rollcall verify` reads that
//! same file, so git and rollcall agree on whose keys count, but judges
//! every event in-process, without `ssh-keygen`, and at the event's own
//! date rather than at the committer's clock: a key revoked later must not
//! unsign the events it signed while it was allowed.
//!
//! Where rollcall reads the file differently from OpenSSH:
//! - times without a `Z` are read as UTC (OpenSSH reads them as local time);
//! - a key is judged at the event's date, 00:00:00 UTC, and is valid if
//!   `valid-after <= instant < valid-before`: `valid-before="20260501"`
//!   revokes it for events dated 2026-05-01 and later;
//! - `cert-authority` lines are refused, and so are keys other than Ed25519
//!   ones, whose signatures rollcall cannot check.

use crate::change::sign::NAMESPACE;
use git2::{ErrorCode, Oid, Repository};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use ssh_key::public::KeyData;
use ssh_key::{Algorithm, HashAlg, PublicKey, SshSig};
use std::fmt;

/// The largest allowed-signers file read; a foundation's signers fit in far less.
pub const MAX_BYTES: usize = 1024 * 1024;
/// The most lines read, which also bounds the errors reported.
pub const MAX_LINES: usize = 10_000;

/// The parsed allowed-signers file.
#[derive(Clone, Debug)]
pub struct AllowedSigners {
    entries: Vec<SignerLine>,
}

/// One line naming a key.
#[derive(Clone, Debug)]
pub struct SignerLine {
    /// The line's number, from 1.
    pub line: usize,
    /// The principals field as written (quotes kept): comma-separated patterns.
    pub principals: String,
    pub valid_after: Option<Timestamp>,
    pub valid_before: Option<Timestamp>,
    key: PublicKey,
    /// The `namespaces` pattern-list, if the line restricts them.
    namespaces: Option<String>,
}

/// A line of the file that is not a valid entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    /// In characters, from 1.
    pub column: usize,
    pub message: String,
}

/// Why a commit does not count as signed by an allowed key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unsigned {
    Missing,
    Malformed(String),
    /// The signature's namespace, which is not "git".
    WrongNamespace(String),
    /// The fingerprint of a key no entry allows to sign git commits.
    UnknownKey(String),
    NotYetValid {
        key: String,
        valid_after: Timestamp,
    },
    NoLongerValid {
        key: String,
        valid_before: Timestamp,
    },
    /// The fingerprint of the key whose signature does not match the commit.
    BadSignature(String),
}

impl AllowedSigners {
    /// Reads an allowed-signers file; every bad line is reported.
    pub fn parse(text: &str) -> Result<AllowedSigners, Vec<LineError>> {
        check_size(text)?;
        let mut entries = Vec::new();
        let mut errors = Vec::new();
        for (index, line) in text.lines().enumerate() {
            match parse_line(index + 1, line) {
                Ok(Some(entry)) => entries.push(entry),
                Ok(None) => {}
                Err(fault) => errors.push(fault.at_line(index + 1, line)),
            }
        }
        if errors.is_empty() { Ok(AllowedSigners { entries }) } else { Err(errors) }
    }

    pub fn entries(&self) -> &[SignerLine] {
        &self.entries
    }

    /// The entries that allow `key` to sign git commits, in file order.
    fn for_git(&self, key: &KeyData) -> Vec<&SignerLine> {
        self.entries.iter().filter(|e| e.key.key_data() == key && e.signs_git()).collect()
    }
}

impl SignerLine {
    pub fn key(&self) -> &PublicKey {
        &self.key
    }

    /// Whether the line's namespaces, if it restricts them, include "git".
    fn signs_git(&self) -> bool {
        self.namespaces.as_deref().is_none_or(|list| matches_pattern_list(NAMESPACE, list))
    }

    fn window(&self, at: Timestamp) -> Window {
        match (self.valid_after, self.valid_before) {
            (Some(after), _) if at < after => Window::NotYet(after),
            (_, Some(before)) if before <= at => Window::Ended(before),
            _ => Window::Open,
        }
    }
}

/// Where an instant falls against an entry's validity.
enum Window {
    Open,
    NotYet(Timestamp),
    Ended(Timestamp),
}

/// Whether `commit` carries a valid signature by a key allowed at `date`;
/// Ok(principals of the entry) or why not. A key on several lines counts
/// if any of them allows it; which principals signed is not asked, as
/// `git verify-commit` does not ask either.
pub fn check_commit(repo: &Repository, commit: Oid, date: Date, signers: &AllowedSigners) -> Result<String, Unsigned> {
    let (armoured, signed) = signature_of(repo, commit)?;
    let signature = SshSig::from_pem(armoured)
        .map_err(|e| Unsigned::Malformed(format!("the gpgsig header is not an SSH signature ({e})")))?;
    if signature.namespace() != NAMESPACE {
        return Err(Unsigned::WrongNamespace(signature.namespace().to_owned()));
    }
    let key = fingerprint(signature.public_key());
    let entries = signers.for_git(signature.public_key());
    let Some(first) = entries.first() else {
        return Err(Unsigned::UnknownKey(key));
    };
    first.key.verify(NAMESPACE, &signed, &signature).map_err(|_| Unsigned::BadSignature(key.clone()))?;
    judge(&entries, instant(date), key)
}

/// The commit's armoured signature and the bytes it signs.
fn signature_of(repo: &Repository, commit: Oid) -> Result<(Vec<u8>, Vec<u8>), Unsigned> {
    repo.find_commit(commit)
        .map_err(|e| Unsigned::Malformed(format!("cannot read commit {commit}: {}", e.message())))?;
    match repo.extract_signature(&commit, Some("gpgsig")) {
        Ok((armoured, signed)) => Ok((armoured.to_vec(), signed.to_vec())),
        Err(e) if e.code() == ErrorCode::NotFound => Err(Unsigned::Missing),
        Err(e) => Err(Unsigned::Malformed(e.message().to_owned())),
    }
}

/// Ok if an entry's window holds `at`; otherwise the most telling reason:
/// the latest revocation before `at`, else the earliest start after it.
fn judge(entries: &[&SignerLine], at: Timestamp, key: String) -> Result<String, Unsigned> {
    let (mut ended, mut not_yet): (Option<Timestamp>, Option<Timestamp>) = (None, None);
    for entry in entries {
        match entry.window(at) {
            Window::Open => return Ok(entry.principals.clone()),
            Window::Ended(before) => ended = ended.max(Some(before)),
            Window::NotYet(after) => not_yet = Some(not_yet.map_or(after, |n| n.min(after))),
        }
    }
    Err(match (ended, not_yet) {
        (Some(valid_before), _) => Unsigned::NoLongerValid { key, valid_before },
        (None, Some(valid_after)) => Unsigned::NotYetValid { key, valid_after },
        (None, None) => Unsigned::UnknownKey(key),
    })
}

/// The instant an event dated `date` is judged at: its midnight, UTC.
fn instant(date: Date) -> Timestamp {
    // Only dates at the very ends of jiff's range fall outside Timestamp's.
    TimeZone::UTC
        .to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
        .unwrap_or_else(|_| if date.year() > 0 { Timestamp::MAX } else { Timestamp::MIN })
}

fn fingerprint(key: &KeyData) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// A problem at byte `at` of a line.
struct Fault {
    at: usize,
    message: String,
}

impl Fault {
    fn new(at: usize, message: impl Into<String>) -> Fault {
        Fault { at, message: message.into() }
    }

    fn at_line(self, line: usize, text: &str) -> LineError {
        let column = text.get(..self.at).map_or(1, |before| before.chars().count() + 1);
        LineError { line, column, message: self.message }
    }
}

/// Refuses a file too large to be a list of signers, at the line where it
/// crosses the limit.
fn check_size(text: &str) -> Result<(), Vec<LineError>> {
    if text.len() > MAX_BYTES {
        let line = text.as_bytes()[..MAX_BYTES].iter().filter(|&&b| b == b'\n').count() + 1;
        let message = format!("the file is larger than {MAX_BYTES} bytes; an allowed-signers file is far smaller");
        return Err(vec![LineError { line, column: 1, message }]);
    }
    if text.lines().nth(MAX_LINES).is_some() {
        let message = format!("the file has more than {MAX_LINES} lines; an allowed-signers file has far fewer");
        return Err(vec![LineError { line: MAX_LINES + 1, column: 1, message }]);
    }
    Ok(())
}

/// One line: `principals [options] keytype base64 [comment]`, or a
/// comment or blank line (`None`).
fn parse_line(number: usize, line: &str) -> Result<Option<SignerLine>, Fault> {
    let Some(principals) = next_field(line, 0)? else { return Ok(None) };
    if principals.text.starts_with('#') {
        return Ok(None);
    }
    if is_key_type(principals.text) {
        return Err(Fault::new(
            principals.start,
            format!(
                "this line starts with a key: an allowed-signers line names who may sign first, \
                 `PRINCIPALS [OPTIONS] KEYTYPE KEY [COMMENT]`, e.g. \
                 `lena-hart@example.org namespaces=\"git\" {} AAAA… lena-hart`",
                principals.text
            ),
        ));
    }
    let second = next_field(line, principals.end())?.ok_or_else(|| missing_key(line))?;
    let (options, key_type) = split_options(line, second)?;
    let options = options.map_or_else(|| Ok(Options::default()), |field| parse_options(&field))?;
    let key = parse_key(line, key_type)?;
    Ok(Some(SignerLine {
        line: number,
        principals: principals.text.to_owned(),
        valid_after: options.valid_after,
        valid_before: options.valid_before,
        key,
        namespaces: options.namespaces,
    }))
}

fn missing_key(line: &str) -> Fault {
    Fault::new(line.trim_end().len(), "the key is missing: write `principals [options] ssh-ed25519 AAAA…`")
}

/// A field of a line, starting at byte `start`.
#[derive(Clone, Copy)]
struct Field<'a> {
    start: usize,
    text: &'a str,
}

impl Field<'_> {
    fn end(&self) -> usize {
        self.start + self.text.len()
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r')
}

/// The field at or after byte `from`; spaces inside double quotes (where
/// `\"` is a quote) belong to it, as OpenSSH reads options.
fn next_field(line: &str, from: usize) -> Result<Option<Field<'_>>, Fault> {
    let bytes = line.as_bytes();
    let Some(start) = (from..bytes.len()).find(|&i| !is_space(bytes[i])) else { return Ok(None) };
    let mut open_quote = None;
    let mut end = bytes.len();
    let mut i = start;
    while i < bytes.len() {
        match (open_quote, bytes[i]) {
            (Some(_), b'\\') if bytes.get(i + 1) == Some(&b'"') => i += 1,
            (Some(_), b'"') => open_quote = None,
            (None, b'"') => open_quote = Some(i),
            (None, b) if is_space(b) => {
                end = i;
                break;
            }
            _ => {}
        }
        i += 1;
    }
    match open_quote {
        Some(at) => Err(Fault::new(at, "unterminated quote: this \" has no closing \"")),
        None => Ok(Some(Field { start, text: &line[start..end] })),
    }
}

/// Whether the field after the principals is the options or the key type:
/// options when the field after them is a key type, or when they look like
/// options (a missing or misspelt key type is then reported as such).
fn split_options<'a>(line: &'a str, second: Field<'a>) -> Result<(Option<Field<'a>>, Field<'a>), Fault> {
    if is_key_type(second.text) {
        return Ok((None, second));
    }
    let looks_like_options = second.text.contains(['=', '"'])
        || second.text.split(',').any(|option| option.eq_ignore_ascii_case("cert-authority"));
    match next_field(line, second.end())? {
        Some(third) if looks_like_options || is_key_type(third.text) => Ok((Some(second), third)),
        None if looks_like_options => Err(missing_key(line)),
        _ => Err(unknown_key_type(second)),
    }
}

/// A key type OpenSSH names (whether or not rollcall can check it).
fn is_key_type(text: &str) -> bool {
    Algorithm::new(text).is_ok_and(|algorithm| !matches!(algorithm, Algorithm::Other(_)))
}

fn unknown_key_type(field: Field) -> Fault {
    let text: String = field.text.chars().take(24).collect();
    let shown = if text.len() < field.text.len() { format!("{text}…") } else { text };
    if field.text.starts_with("AAAA") {
        // A base64 key where its type belongs: the type was left out.
        return Fault::new(
            field.start,
            format!("{shown:?} is a key without its type: write `PRINCIPALS [OPTIONS] ssh-ed25519 AAAA… [COMMENT]`"),
        );
    }
    Fault::new(field.start, format!("unknown key type {shown:?}: expected ssh-ed25519 (or an option)"))
}

/// The key from its type field and the base64 field after it; the rest of
/// the line is a comment.
fn parse_key(line: &str, key_type: Field) -> Result<PublicKey, Fault> {
    if !is_key_type(key_type.text) {
        return Err(unknown_key_type(key_type));
    }
    // ssh-key is built for Ed25519 only: other keys do not even decode.
    if !matches!(Algorithm::new(key_type.text), Ok(Algorithm::Ed25519 | Algorithm::SkEd25519)) {
        let message = format!("rollcall cannot check {} signatures: list an ssh-ed25519 key", key_type.text);
        return Err(Fault::new(key_type.start, message));
    }
    let Some(data) = next_field(line, key_type.end())? else {
        return Err(Fault::new(line.trim_end().len(), format!("the base64 key after {} is missing", key_type.text)));
    };
    PublicKey::from_openssh(&format!("{} {}", key_type.text, data.text))
        .map_err(|e| Fault::new(data.start, format!("this is not a valid {} key ({e})", key_type.text)))
}

#[derive(Default)]
struct Options {
    namespaces: Option<String>,
    valid_after: Option<Timestamp>,
    valid_before: Option<Timestamp>,
}

/// `option[,option…]`, each `name="value"`; names are case-insensitive.
fn parse_options(field: &Field) -> Result<Options, Fault> {
    let mut options = Options::default();
    for (offset, option) in split_outside_quotes(field.text) {
        let at = field.start + offset;
        let (written, value) = option.split_once('=').unwrap_or((option, ""));
        let name = written.to_ascii_lowercase();
        match name.as_str() {
            "namespaces" => set_once(&mut options.namespaces, unquote(&name, value, at)?, &name, at)?,
            "valid-after" => set_once(&mut options.valid_after, parse_time(&name, value, at)?, &name, at)?,
            "valid-before" => set_once(&mut options.valid_before, parse_time(&name, value, at)?, &name, at)?,
            "cert-authority" => {
                return Err(Fault::new(at, "cert-authority is not supported: list the signers' own keys"));
            }
            "" => return Err(Fault::new(at, "an empty option: remove the extra comma")),
            _ => {
                let message = format!("unknown option {written:?}: expected namespaces, valid-after or valid-before");
                return Err(Fault::new(at, message));
            }
        }
    }
    if let (Some(after), Some(before)) = (options.valid_after, options.valid_before)
        && before <= after
    {
        return Err(Fault::new(field.start, "valid-before is not later than valid-after: the key is never valid"));
    }
    Ok(options)
}

/// The comma-separated parts of `text` and their byte offsets; commas
/// inside double quotes do not separate.
fn split_outside_quotes(text: &str) -> Vec<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut i) = (0, false, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quoted && bytes.get(i + 1) == Some(&b'"') => i += 1,
            b'"' => quoted = !quoted,
            b',' if !quoted => {
                parts.push((start, &text[start..i]));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push((start, &text[start..]));
    parts
}

fn set_once<T>(slot: &mut Option<T>, value: T, name: &str, at: usize) -> Result<(), Fault> {
    if slot.is_some() {
        return Err(Fault::new(at, format!("{name} is given twice")));
    }
    *slot = Some(value);
    Ok(())
}

/// An option's value: one double-quoted string, where `\"` is a quote.
fn unquote(name: &str, value: &str, at: usize) -> Result<String, Fault> {
    let quoted = || {
        let mut chars = value.strip_prefix('"')?.chars();
        let mut out = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' if chars.as_str().starts_with('"') => {
                    out.push('"');
                    chars.next();
                }
                '"' => return chars.as_str().is_empty().then_some(out),
                c => out.push(c),
            }
        }
        None
    };
    quoted().ok_or_else(|| Fault::new(at, format!("the value of {name} must be in double quotes: {name}=\"…\"")))
}

/// `YYYYMMDD[HHMM[SS]]`, optionally ending in `Z`, as an instant in UTC.
fn parse_time(name: &str, value: &str, at: usize) -> Result<Timestamp, Fault> {
    let text = unquote(name, value, at)?;
    let digits = text.strip_suffix(['Z', 'z']).unwrap_or(&text);
    if !matches!(digits.len(), 8 | 12 | 14) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        let message = format!("{name} {text:?} is not a time: write YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, then Z");
        return Err(Fault::new(at, message));
    }
    // Every part is ASCII digits, four for the year and two for the rest, so the numbers fit.
    let part = |from: usize, to: usize| digits.get(from..to).map_or(0, |d| d.parse::<i16>().unwrap_or(0));
    let small = |from: usize| part(from, from + 2) as i8;
    DateTime::new(part(0, 4), small(4), small(6), small(8), small(10), small(12), 0)
        .and_then(|time| TimeZone::UTC.to_timestamp(time))
        .map_err(|e| Fault::new(at, format!("{name} {text:?} is not a valid time: {e}")))
}

/// OpenSSH's pattern-lists: comma-separated `*`/`?` patterns, where a
/// matching `!pattern` excludes.
fn matches_pattern_list(text: &str, list: &str) -> bool {
    let mut matched = false;
    for pattern in list.split(',') {
        match pattern.strip_prefix('!') {
            Some(negated) if matches_pattern(text, negated) => return false,
            Some(_) => {}
            None => matched |= matches_pattern(text, pattern),
        }
    }
    matched
}

/// A `*`/`?` wildcard match, backtracking only to the last `*`.
fn matches_pattern(text: &str, pattern: &str) -> bool {
    let (text, pattern): (Vec<char>, Vec<char>) = (text.chars().collect(), pattern.chars().collect());
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                t += 1;
                p += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    star = Some((star_p, star_t + 1));
                    (p, t) = (star_p + 1, star_t + 1);
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for LineError {}

impl fmt::Display for Unsigned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unsigned::Missing => f.write_str("the commit is not signed"),
            Unsigned::Malformed(why) => write!(f, "the commit's signature cannot be read: {why}"),
            Unsigned::WrongNamespace(namespace) => {
                write!(f, "the commit's signature is for namespace {namespace:?}, not \"git\": it signs no commit")
            }
            Unsigned::UnknownKey(key) => {
                write!(f, "the commit is signed by key {key}, which no line of the allowed-signers file allows for git")
            }
            Unsigned::NotYetValid { key, valid_after } => {
                write!(f, "the commit is signed by key {key}, which is allowed only from {valid_after} (valid-after)")
            }
            Unsigned::NoLongerValid { key, valid_before } => {
                write!(
                    f,
                    "the commit is signed by key {key}, which is allowed only before {valid_before} (valid-before)"
                )
            }
            Unsigned::BadSignature(key) => {
                write!(f, "the signature by key {key} does not match the commit: it was changed after signing")
            }
        }
    }
}

impl std::error::Error for Unsigned {}
