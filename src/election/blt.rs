//! The BLT ballot format (OpenSTV, Droop, OpaVote, eSTV), read as hostile
//! input.
//!
//! ```text
//! 4 2            candidates, seats
//! -2             optional: withdrawn candidates, as negative numbers
//! 3 1 3 4 0      weight, preferences (candidate numbers from 1), terminator 0
//! 1 0            a blank ballot
//! 0              end of ballots
//! "Alice"        one quoted name per candidate, in candidate-number order
//! "Bob"
//! "Carol"
//! "Dave"
//! "Board election 2026"   the title
//! ```
//!
//! Every problem is a [`Finding`] with the line and column of the offending
//! token; the parser never panics and never allocates more than the caps
//! below allow.

use crate::finding::{Finding, Pos, quoted};
use crate::roll::rules::names::blt;
use std::path::Path;

/// The largest BLT file read, in bytes.
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;
/// The most candidates a BLT file may declare.
pub const MAX_CANDIDATES: usize = 1000;
/// The most ballot lines a BLT file may hold: bounds the memory a hostile
/// file can take (each line is kept until the count), far above any
/// election, whose identical ballots share one weighted line.
pub const MAX_BALLOT_LINES: usize = 2_000_000;
/// The largest weight of one ballot line.
pub const MAX_WEIGHT: u64 = 1_000_000_000_000;
/// The largest total weight of all ballots: keeps every count within the
/// fixed-point range of [`super::fixed`].
pub const MAX_TOTAL_WEIGHT: u64 = 1_000_000_000_000_000;
/// Findings stop being collected after this many.
const MAX_FINDINGS: usize = 100;

/// One ballot line: `weight` identical ballots ranking `preferences`
/// (0-based candidate indices, most preferred first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ballot {
    pub weight: u64,
    pub preferences: Vec<u32>,
}

/// A parsed BLT file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Election {
    pub title: String,
    pub seats: usize,
    /// Names exactly as the file gives them, in candidate-number order.
    pub candidates: Vec<String>,
    /// `withdrawn[i]`: candidate `i` withdrew; it is skipped on every ballot.
    pub withdrawn: Vec<bool>,
    pub ballots: Vec<Ballot>,
}

/// Reads and parses the BLT file at `path`. `Err` is an I/O error (the
/// count could not run); `Ok(Err(findings))` is a file with findings.
pub fn read(path: &Path) -> std::io::Result<Result<Election, Vec<Finding>>> {
    use std::io::Read;
    let file_name = path.display().to_string();
    let file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other(format!("{file_name} is not a regular file")));
    }
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Ok(Err(vec![error(
            blt::TOO_LARGE,
            &file_name,
            Pos::START,
            format!("the file is larger than {MAX_BYTES} bytes"),
            "split nothing: a real election's BLT is far smaller; check that this is the right file",
        )]));
    }
    Ok(parse(&bytes, &file_name))
}

fn error(rule: &'static str, file: &str, pos: Pos, message: String, help: &str) -> Finding {
    Finding::error(rule, file, pos, "", message, help)
}

/// One whitespace-separated token, with its 1-based column.
struct Token<'a> {
    text: &'a str,
    column: u32,
}

fn tokens(line: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut column = 0u32;
    let mut start: Option<(usize, u32)> = None;
    for (i, c) in line.char_indices() {
        column = column.saturating_add(1);
        if c.is_whitespace() {
            if let Some((s, col)) = start.take() {
                out.push(Token { text: &line[s..i], column: col });
            }
        } else if start.is_none() {
            start = Some((i, column));
        }
    }
    if let Some((s, col)) = start {
        out.push(Token { text: &line[s..], column: col });
    }
    out
}

/// The column just after the last character of `line`.
fn end_column(line: &str) -> u32 {
    u32::try_from(line.trim_end().chars().count()).unwrap_or(u32::MAX - 1).saturating_add(1)
}

/// A token of ASCII digits only, as an integer (`None` for anything else,
/// including a sign and an overflow).
fn unsigned(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 19 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

struct Parser<'a> {
    file: &'a str,
    findings: Vec<Finding>,
}

impl Parser<'_> {
    fn push(&mut self, rule: &'static str, line: u32, column: u32, message: String, help: &str) {
        if self.findings.len() < MAX_FINDINGS {
            self.findings.push(error(rule, self.file, Pos { line, column }, message, help));
        }
    }

    fn full(&self) -> bool {
        self.findings.len() >= MAX_FINDINGS
    }
}

/// Parses a BLT file's bytes; `file` names it in the findings.
pub fn parse(bytes: &[u8], file: &str) -> Result<Election, Vec<Finding>> {
    let mut p = Parser { file, findings: Vec::new() };
    if bytes.len() as u64 > MAX_BYTES {
        p.push(blt::TOO_LARGE, 1, 1, format!("the file is larger than {MAX_BYTES} bytes"), "check the file");
        return Err(p.findings);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = std::str::from_utf8(&good[line_start..]).map_or(1, |s| s.chars().count() + 1);
            p.push(
                blt::ENCODING,
                u32::try_from(line).unwrap_or(u32::MAX),
                u32::try_from(column).unwrap_or(u32::MAX),
                "the file is not UTF-8 text".to_owned(),
                "save the BLT file as UTF-8",
            );
            return Err(p.findings);
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Numbered non-blank lines.
    let mut lines = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (u32::try_from(i + 1).unwrap_or(u32::MAX), l.strip_suffix('\r').unwrap_or(l)))
        .filter(|(_, l)| !l.trim().is_empty())
        .peekable();

    // The header.
    let Some((header_line, header)) = lines.next() else {
        p.push(blt::HEADER, 1, 1, "the file is empty".to_owned(), "a BLT file starts with `candidates seats`");
        return Err(p.findings);
    };
    let toks = tokens(header);
    let numbers: Vec<Option<u64>> = toks.iter().map(|t| unsigned(t.text)).collect();
    let (candidates, seats) = match (toks.len(), numbers.as_slice()) {
        (2, [Some(c), Some(s)]) if *c >= 1 && *s >= 1 => (*c, *s),
        _ => {
            let column = toks
                .iter()
                .zip(&numbers)
                .find(|(_, n)| n.is_none_or(|n| n == 0))
                .map_or_else(|| toks.get(2).map_or(1, |t| t.column), |(t, _)| t.column);
            p.push(
                blt::HEADER,
                header_line,
                column,
                format!("the first line is {}, not two positive integers `candidates seats`", quoted(header)),
                "write the number of candidates and the number of seats, e.g. `4 2`",
            );
            return Err(p.findings);
        }
    };
    if candidates > MAX_CANDIDATES as u64 {
        p.push(
            blt::HEADER,
            header_line,
            toks[0].column,
            format!("{candidates} candidates is more than the {MAX_CANDIDATES} a count accepts"),
            "check the header",
        );
        return Err(p.findings);
    }
    let n = candidates as usize;
    if seats >= candidates {
        p.push(
            blt::SEATS,
            header_line,
            toks[1].column,
            format!("{seats} seats for {candidates} candidates: there is nothing to count"),
            "an STV count needs more candidates than seats",
        );
    }
    let seats = usize::try_from(seats).unwrap_or(usize::MAX);

    // Withdrawn candidates.
    let mut withdrawn = vec![false; n];
    if let Some(&(line_no, line)) = lines.peek()
        && line.trim_start().starts_with('-')
    {
        lines.next();
        for t in tokens(line) {
            let number = t.text.strip_prefix('-').and_then(unsigned);
            match number {
                Some(c) if c >= 1 && c <= candidates => {
                    let i = (c - 1) as usize;
                    if withdrawn[i] {
                        p.push(
                            blt::WITHDRAWN_REPEATED,
                            line_no,
                            t.column,
                            format!("candidate {c} is withdrawn twice"),
                            "list each withdrawn candidate once",
                        );
                    }
                    withdrawn[i] = true;
                }
                Some(c) => p.push(
                    blt::CANDIDATE_RANGE,
                    line_no,
                    t.column,
                    format!("withdrawn candidate {c} is not between 1 and {candidates}"),
                    "candidates are numbered from 1 in the order of the names",
                ),
                None => p.push(
                    blt::SYNTAX,
                    line_no,
                    t.column,
                    format!("{} is not a withdrawn candidate (a negative candidate number)", quoted(t.text)),
                    "the withdrawn line lists candidates as `-2 -4`",
                ),
            }
        }
    }

    // Ballots, up to the lone 0.
    let mut ballots = Vec::new();
    let mut total: u64 = 0;
    let mut total_reported = false;
    let mut ended = false;
    let mut seen = vec![u32::MAX; n];
    let mut last_line = header_line;
    let mut ballot_lines = 0usize;
    while let Some(&(line_no, line)) = lines.peek() {
        if line.trim_start().starts_with('"') {
            break;
        }
        lines.next();
        last_line = line_no;
        let toks = tokens(line);
        if toks.len() == 1 && toks[0].text == "0" {
            ended = true;
            break;
        }
        if p.full() {
            continue;
        }
        ballot_lines += 1;
        if ballot_lines > MAX_BALLOT_LINES {
            p.push(
                blt::TOO_MANY_BALLOTS,
                line_no,
                1,
                format!("more than {MAX_BALLOT_LINES} ballot lines"),
                "give identical ballots once, with their count as the weight",
            );
            return Err(p.findings);
        }
        let weight_tok = &toks[0];
        let weight = match unsigned(weight_tok.text) {
            Some(w) if (1..=MAX_WEIGHT).contains(&w) => Some(w),
            _ => {
                p.push(
                    blt::WEIGHT,
                    line_no,
                    weight_tok.column,
                    format!("the weight {} is not a positive integer up to {MAX_WEIGHT}", quoted(weight_tok.text)),
                    "a ballot line starts with how many voters cast it (or its weight), e.g. `1 2 3 0`",
                );
                None
            }
        };
        let mut preferences = Vec::new();
        let mut ok = weight.is_some();
        let mut terminated = false;
        // Lines are numbered apart, accepted or not, so a mark never leaks.
        let ballot_id = u32::try_from(ballot_lines).unwrap_or(u32::MAX - 1);
        for t in &toks[1..] {
            if terminated {
                p.push(
                    blt::SYNTAX,
                    line_no,
                    t.column,
                    format!("{} after the ballot's terminating 0", quoted(t.text)),
                    "a ballot line ends at its 0",
                );
                ok = false;
                break;
            }
            if t.text == "0" {
                terminated = true;
                continue;
            }
            if t.text.contains('=') {
                p.push(
                    blt::EQUAL_RANKING,
                    line_no,
                    t.column,
                    format!("{} ranks candidates equally, which this count does not support", quoted(t.text)),
                    "rank candidates one after another; equal rankings (`=`) are refused rather than guessed at",
                );
                ok = false;
                continue;
            }
            match unsigned(t.text) {
                Some(c) if c >= 1 && c <= candidates => {
                    let i = (c - 1) as usize;
                    if seen[i] == ballot_id {
                        p.push(
                            blt::REPEATED_PREFERENCE,
                            line_no,
                            t.column,
                            format!("candidate {c} is ranked twice on this ballot"),
                            "a ballot ranks each candidate at most once",
                        );
                        ok = false;
                    } else {
                        seen[i] = ballot_id;
                        preferences.push(i as u32);
                    }
                }
                Some(c) => {
                    p.push(
                        blt::CANDIDATE_RANGE,
                        line_no,
                        t.column,
                        format!("candidate {c} is not between 1 and {candidates}"),
                        "candidates are numbered from 1 in the order of the names",
                    );
                    ok = false;
                }
                None => {
                    p.push(
                        blt::SYNTAX,
                        line_no,
                        t.column,
                        format!("{} is not a candidate number", quoted(t.text)),
                        "a ballot line is `weight c1 c2 … 0`",
                    );
                    ok = false;
                }
            }
        }
        if !terminated {
            p.push(
                blt::MISSING_TERMINATOR,
                line_no,
                end_column(line),
                "the ballot line does not end with 0".to_owned(),
                "end every ballot line with ` 0`",
            );
            ok = false;
        }
        if let (true, Some(weight)) = (ok, weight) {
            total = total.saturating_add(weight);
            if total > MAX_TOTAL_WEIGHT && !total_reported {
                total_reported = true;
                p.push(
                    blt::TOTAL_WEIGHT,
                    line_no,
                    weight_tok.column,
                    format!("the ballots' total weight passes {MAX_TOTAL_WEIGHT}"),
                    "check the weights",
                );
            }
            ballots.push(Ballot { weight, preferences });
        }
    }
    if !ended {
        let (line, column) = match lines.peek() {
            Some(&(l, _)) => (l, 1),
            None => (last_line.saturating_add(1), 1),
        };
        p.push(
            blt::MISSING_END,
            line,
            column,
            "the ballots do not end with a line holding only 0".to_owned(),
            "after the last ballot line, write a line `0`, then the names",
        );
    }

    // Names, then the title.
    let mut names: Vec<(u32, u32, String)> = Vec::new();
    for (line_no, line) in lines {
        let trimmed = line.trim();
        let column = u32::try_from(line.chars().count() - line.trim_start().chars().count() + 1).unwrap_or(1);
        match trimmed.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
            Some(inner) if !trimmed.is_empty() && trimmed.len() >= 2 && !inner.contains('"') => {
                if names.len() > n {
                    p.push(
                        blt::NAME_COUNT,
                        line_no,
                        column,
                        format!("more quoted lines than the {n} names and the title"),
                        "give one name per candidate, then the title, and nothing after",
                    );
                    break;
                }
                names.push((line_no, column, inner.to_owned()));
            }
            _ => {
                p.push(
                    blt::NAME_SYNTAX,
                    line_no,
                    column,
                    format!("{} is not one double-quoted name", quoted(trimmed)),
                    "after the 0 line, each line is a name in double quotes, e.g. \"Alice\"",
                );
                if p.full() {
                    break;
                }
            }
        }
    }
    if names.len() < n + 1 && p.findings.iter().all(|f| f.rule != blt::NAME_COUNT) {
        let line = names.last().map_or(last_line, |(l, _, _)| *l).saturating_add(1);
        p.push(
            blt::NAME_COUNT,
            line,
            1,
            format!("{} quoted lines, but {n} candidates need {n} names and then the title", names.len()),
            "give one name per candidate, in candidate-number order, then the title",
        );
    }
    let title_entry = if names.len() == n + 1 { names.pop() } else { None };
    let mut candidate_names = Vec::with_capacity(n);
    for (i, (line, column, name)) in names.iter().enumerate().take(n) {
        if name.trim().is_empty() || name.chars().any(|c| c.is_control()) {
            p.push(
                blt::NAME_INVALID,
                *line,
                column + 1,
                format!("candidate {}'s name {} is empty or holds control characters", i + 1, quoted(name)),
                "write the name as it should be published",
            );
        } else if let Some(first) = names[..i].iter().position(|(_, _, other)| other == name) {
            p.push(
                blt::NAME_DUPLICATE,
                *line,
                column + 1,
                format!("candidates {} and {} are both named {}", first + 1, i + 1, quoted(name)),
                "names identify candidates in the result; make them distinct",
            );
        }
        candidate_names.push(name.clone());
    }
    if let Some((line, column, title)) = &title_entry
        && title.chars().any(|c| c.is_control())
    {
        p.push(
            blt::NAME_INVALID,
            *line,
            column + 1,
            "the title holds control characters".to_owned(),
            "write the title as it should be published",
        );
    }
    if !p.findings.is_empty() {
        return Err(p.findings);
    }
    let title = title_entry.map(|(_, _, t)| t).unwrap_or_default();
    Ok(Election { title, seats, candidates: candidate_names, withdrawn, ballots })
}
