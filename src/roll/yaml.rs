//! Reading and writing YAML.
//!
//! Every file rollcall reads goes through [`load`]: one strict reader built on
//! the event parser that serde-saphyr itself is built on (granit-parser, the
//! maintained fork of saphyr's parser), keeping the position of every node so
//! that any finding can name its line and column. Member files must also be
//! canonical: byte for byte what [`to_canonical`] (serde-saphyr's serializer)
//! writes for the same value. So what the validator reads is what the merger
//! writes, and no accepted file can parse differently than it reads.

use crate::finding::{Finding, Pos, is_invisible, quoted};
use serde_json::{Map, Number, Value};
use serde_saphyr::granit_parser::{ErrorKind, Event, Marker, Parser, ScalarStyle};
use std::borrow::Cow;
use std::ops::Range;

pub(crate) const SYNTAX: &str = "yaml.syntax";
pub(crate) const ENCODING: &str = "yaml.encoding";
pub(crate) const CONTROL_CHARACTER: &str = "yaml.control-character";
pub(crate) const INVISIBLE_CHARACTER: &str = "yaml.invisible-character";
pub(crate) const TOO_LARGE: &str = "yaml.too-large";
pub(crate) const TOO_DEEP: &str = "yaml.too-deep";
pub(crate) const EMPTY: &str = "yaml.empty";
pub(crate) const MULTIPLE_DOCUMENTS: &str = "yaml.multiple-documents";
pub(crate) const ANCHOR: &str = "yaml.anchor";
pub(crate) const ALIAS: &str = "yaml.alias";
pub const TAG: &str = "yaml.tag";
pub(crate) const MERGE_KEY: &str = "yaml.merge-key";
pub(crate) const COMPLEX_KEY: &str = "yaml.complex-key";
pub(crate) const DUPLICATE_KEY: &str = "yaml.duplicate-key";
pub(crate) const AMBIGUOUS_SCALAR: &str = "yaml.ambiguous-scalar";
pub const NOT_CANONICAL: &str = "yaml.not-canonical";

/// Caps on what one file may cost to read.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_bytes: u64,
    pub max_depth: usize,
}

/// Member files: small documents, a few levels deep.
pub const MEMBER_LIMITS: Limits = Limits { max_bytes: 64 * 1024, max_depth: 16 };
/// The schema and the policy: written by maintainers, larger and deeper.
pub(crate) const CONFIG_LIMITS: Limits = Limits { max_bytes: 1024 * 1024, max_depth: 64 };

/// How a file must be laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Exactly as [`to_canonical`] writes it (member files).
    Canonical,
    /// Any layout, comments allowed (hand-written configuration).
    Free,
}

/// Where each node of a document starts.
#[derive(Debug, Default)]
pub struct Spans {
    entries: Vec<SpanEntry>,
    /// Every entry's pointer, one after the other: one buffer for a
    /// document rather than one string for each node.
    pointers: String,
}

#[derive(Debug)]
struct SpanEntry {
    /// Where the pointer is in [`Spans::pointers`].
    pointer: Range<usize>,
    key: Option<Pos>,
    value: Pos,
}

impl Spans {
    fn pointer(&self, entry: &SpanEntry) -> &str {
        &self.pointers[entry.pointer.clone()]
    }

    fn find(&self, pointer: &str) -> Option<&SpanEntry> {
        self.entries.iter().find(|e| self.pointer(e) == pointer)
    }

    /// The start of the value at `pointer`, if the document has one there.
    pub fn value(&self, pointer: &str) -> Option<Pos> {
        self.find(pointer).map(|e| e.value)
    }

    /// The start of the key that names `pointer` (its value for list items).
    pub fn key(&self, pointer: &str) -> Option<Pos> {
        self.find(pointer).map(|e| e.key.unwrap_or(e.value))
    }

    /// The value at `pointer`, or for a missing node the nearest parent that
    /// exists: a missing field is reported at its parent mapping.
    pub(crate) fn locate(&self, pointer: &str) -> Pos {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.value(p) {
                return pos;
            }
            if p.is_empty() {
                return Pos::START;
            }
            p = crate::finding::parent_pointer(p);
        }
    }

    /// The pointer of the first node that starts on `line`.
    pub(crate) fn pointer_on_line(&self, line: u32) -> Option<&str> {
        self.entries.iter().find(|e| e.key.unwrap_or(e.value).line == line).map(|e| self.pointer(e))
    }
}

/// A loaded file: its value (absent when it could not be read as a whole),
/// where every node is, and what is wrong with it.
#[derive(Debug)]
pub struct Document {
    pub value: Option<Value>,
    pub spans: Spans,
    pub findings: Vec<Finding>,
    /// How many of `findings` are of the layout alone (a byte-order mark,
    /// CRLF line endings, tabs as indentation, trailing spaces, the
    /// canonical layout): the value was read regardless, and `rollcall fmt`
    /// fixes them. The others it cannot fix safely.
    pub fixable: usize,
}

/// Reads one YAML file. Never panics; every problem becomes a finding.
///
/// Every problem of a file that can still be read is reported in one pass:
/// a byte-order mark, CRLF line endings and tabs used as indentation are
/// each one finding, and the file is then read as if they had been set
/// right (see [`normalise`]), so the schema and the rules judge it in the
/// same run. Only input that cannot be read (not UTF-8, too large, too
/// deep, another control character, a syntax error) stops early.
pub fn load(file: &str, bytes: &[u8], limits: Limits, layout: Layout) -> Document {
    let mut doc = Document { value: None, spans: Spans::default(), findings: Vec::new(), fixable: 0 };
    if bytes.len() as u64 > limits.max_bytes {
        doc.findings.push(too_large(file, bytes.len() as u64, limits));
        return doc;
    }
    let (bom, bytes) = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let mut layout_findings = Vec::new();
    if bom {
        layout_findings.push(Finding::error(
            ENCODING,
            file,
            Pos::START,
            "",
            "the file starts with a byte-order mark",
            format!("save the file as UTF-8 without a byte-order mark (BOM); `rollcall fmt {file}` removes it"),
        ));
    }
    let text = match decode(file, bytes) {
        Ok(text) => text,
        Err(finding) => {
            doc.findings.push(*finding);
            return doc;
        }
    };
    let normalised = normalise(file, text);
    layout_findings.extend(normalised.findings);
    if let Some(fatal) = normalised.fatal {
        doc.fixable = layout_findings.len();
        doc.findings = layout_findings;
        doc.findings.push(fatal);
        return doc;
    }
    let text: &str = &normalised.text;
    let mut builder = Builder::new(file, limits);
    let parsed = builder.run(text);
    doc.spans = builder.spans;
    doc.findings.extend(builder.findings);
    // Invisible characters inside values are reported at the value; one
    // anywhere else (a comment, say) still refuses the file.
    if !doc.findings.iter().any(|f| f.rule == INVISIBLE_CHARACTER)
        && let Some(finding) = find_raw_invisible(file, text)
    {
        doc.findings.push(finding);
    }
    if parsed {
        match builder.root {
            None | Some(Value::Null) => doc.findings.push(Finding::error(
                EMPTY,
                file,
                Pos::START,
                "",
                "the file holds no fields",
                "write the member's fields as `key: value` lines (see examples/)",
            )),
            Some(value) => {
                if layout == Layout::Canonical && doc.findings.is_empty() {
                    let stripped = without_trailing_spaces(file, text, &value, limits);
                    let text = match &stripped {
                        Some((stripped, finding)) => {
                            layout_findings.push(finding.clone());
                            stripped.as_str()
                        }
                        None => text,
                    };
                    let mut canonical = Vec::new();
                    check_canonical(file, text, &value, &doc.spans, &mut canonical);
                    layout_findings.extend(canonical);
                }
                doc.value = Some(value);
            }
        }
    }
    doc.fixable = layout_findings.len();
    doc.findings.splice(0..0, layout_findings);
    doc
}

/// The text as read, with what [`load`] sets right before parsing.
struct Normalised<'t> {
    text: Cow<'t, str>,
    /// One finding per cause set right.
    findings: Vec<Finding>,
    /// A control character that cannot be set right: the file is not read.
    fatal: Option<Finding>,
}

/// Sets right what is easiest to get wrong in an editor and has one
/// meaning: CRLF line endings become LF (YAML reads a line break inside a
/// value as LF either way), and a line indented with tabs only is read
/// with two spaces per tab (one level each, the canonical indentation).
/// Any other control character (a tab inside a value or mixed with spaces
/// in an indentation, a lone CR) is fatal: its meaning is not clear.
fn normalise<'t>(file: &str, text: &'t str) -> Normalised<'t> {
    let mut out = Normalised { text: Cow::Borrowed(text), findings: Vec::new(), fatal: None };
    if printable_ascii(text, true) {
        return out;
    }
    let (mut crlf, mut first_crlf) = (0usize, None);
    let (mut tabbed, mut first_tab) = (0usize, None);
    let mut other: Option<(Pos, char)> = None;
    let mut other_count = 0usize;
    let lines: Vec<&str> = text.split('\n').collect();
    let last = lines.len() - 1;
    for (index, content) in lines.iter().enumerate() {
        let line = index as u32 + 1;
        let indent = content.len() - content.trim_start_matches([' ', '\t']).len();
        let tabs_only = indent > 0 && content[..indent].bytes().all(|b| b == b'\t');
        let mut line_tabbed = false;
        for (column, (at, c)) in content.char_indices().enumerate() {
            if !is_control(c) {
                continue;
            }
            let pos = Pos { line, column: column as u32 + 1 };
            if c == '\r' && at + 1 == content.len() && index < last {
                crlf += 1;
                first_crlf.get_or_insert(pos);
            } else if c == '\t' && at < indent && tabs_only {
                line_tabbed = true;
                first_tab.get_or_insert(pos);
            } else {
                match other {
                    None => {
                        other = Some((pos, c));
                        other_count = 1;
                    }
                    Some((_, first)) if first == c => other_count += 1,
                    Some(_) => {}
                }
            }
        }
        tabbed += usize::from(line_tabbed);
    }
    let how_many = |count: usize, what: &str| {
        if count > 1 { format!(" ({count} {what} in the file; the first is here)") } else { String::new() }
    };
    if let Some(pos) = first_crlf {
        out.findings.push(Finding::error(
            CONTROL_CHARACTER,
            file,
            pos,
            "",
            format!("the file has Windows (CRLF) line endings{}", how_many(crlf, "lines")),
            format!("save the file with Unix (LF) line endings; `rollcall fmt {file}` converts them"),
        ));
    }
    if let Some(pos) = first_tab {
        out.findings.push(Finding::error(
            CONTROL_CHARACTER,
            file,
            pos,
            "",
            format!("the line is indented with tabs{}", how_many(tabbed, "lines")),
            format!(
                "indent with two spaces per level (rollcall read each tab as one level); \
                 `rollcall fmt {file}` replaces the tabs"
            ),
        ));
    }
    if let Some((pos, c)) = other {
        let (what, help) = match c {
            '\t' => ("a tab character".to_owned(), "indent with spaces; text may not contain tabs"),
            '\r' => {
                ("a carriage return that does not end a line".to_owned(), "save the file with Unix (LF) line endings")
            }
            _ => (format!("the control character U+{:04X}", c as u32), "delete the control character"),
        };
        out.fatal = Some(Finding::error(
            CONTROL_CHARACTER,
            file,
            pos,
            "",
            format!("the file contains {what}{}", occurrences(other_count)),
            help,
        ));
        return out;
    }
    if crlf > 0 || tabbed > 0 {
        let mut fixed = String::with_capacity(text.len() + tabbed * 8);
        for (index, content) in lines.iter().enumerate() {
            let content = if index < last { content.strip_suffix('\r').unwrap_or(content) } else { content };
            let tabs = content.len() - content.trim_start_matches('\t').len();
            let rest = &content[tabs..];
            if tabs > 0 && !rest.starts_with(' ') {
                fixed.extend(std::iter::repeat_n("  ", tabs));
                fixed.push_str(rest);
            } else {
                fixed.push_str(content);
            }
            if index < last {
                fixed.push('\n');
            }
        }
        out.text = Cow::Owned(fixed);
    }
    out
}

/// `text` without the spaces that end its lines, with the finding that
/// says so, if there are any and removing them keeps the value (inside a
/// literal block they are part of the text, and stay).
fn without_trailing_spaces(file: &str, text: &str, value: &Value, limits: Limits) -> Option<(String, Finding)> {
    if !text.contains(" \n") && !text.ends_with(' ') {
        return None;
    }
    let mut first = None;
    let mut count = 0usize;
    let mut stripped = String::with_capacity(text.len());
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let content = line.strip_suffix('\n').unwrap_or(line);
        let kept = content.trim_end_matches(' ');
        if kept.len() < content.len() {
            count += 1;
            first.get_or_insert(Pos { line: index as u32 + 1, column: kept.chars().count() as u32 + 1 });
        }
        stripped.push_str(kept);
        if line.ends_with('\n') {
            stripped.push('\n');
        }
    }
    let pos = first?;
    let mut builder = Builder::new(file, limits);
    if !builder.run(&stripped) || !builder.findings.is_empty() || builder.root.as_ref() != Some(value) {
        return None;
    }
    let finding = Finding::error(
        NOT_CANONICAL,
        file,
        pos,
        "",
        format!("the line ends with spaces{}", occurrences(count).replace(" in the file", " lines in the file")),
        format!("delete the spaces at the ends of lines; `rollcall fmt {file}` removes them"),
    );
    Some((stripped, finding))
}

use crate::roll::canonical::is_canonical;
pub use crate::roll::canonical::to_canonical;

pub(crate) fn too_large(file: &str, size: u64, limits: Limits) -> Finding {
    Finding::error(
        TOO_LARGE,
        file,
        Pos::START,
        "",
        format!("the file is {size} bytes; the limit is {} bytes", limits.max_bytes),
        "shorten the text fields; a member file holds a few short fields and links",
    )
}

fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, Box<Finding>> {
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
        Box::new(Finding::error(
            ENCODING,
            file,
            end_position(valid),
            "",
            "the file is not valid UTF-8",
            "save the file with UTF-8 encoding",
        ))
    })
}

/// The position just after `text`.
fn end_position(text: &str) -> Pos {
    let line = 1 + text.matches('\n').count() as u32;
    let last = text.rfind('\n').map_or(text, |i| &text[i + 1..]);
    Pos { line, column: 1 + last.chars().count() as u32 }
}

/// An invisible character outside any value (in a comment, say).
fn find_raw_invisible(file: &str, text: &str) -> Option<Finding> {
    if text.is_ascii() {
        return None;
    }
    text.split('\n').enumerate().find_map(|(line, content)| {
        let (column, c) = find_invisible(content)?;
        Some(Finding::error(
            INVISIBLE_CHARACTER,
            file,
            Pos { line: line as u32 + 1, column: column as u32 + 1 },
            "",
            format!("invisible or text-direction character U+{:04X}", c as u32),
            INVISIBLE_HELP,
        ))
    })
}

const INVISIBLE_HELP: &str = "delete it (retype the text around it): invisible and bidirectional-control characters \
                              make text read differently than it is stored";

fn occurrences(count: usize) -> String {
    if count > 1 { format!(" ({count} in the file; the first is here)") } else { String::new() }
}

fn is_control(c: char) -> bool {
    (c < ' ' && c != '\n') || ('\u{7f}'..='\u{9f}').contains(&c)
}

/// The first forbidden invisible character of `text` and its character index.
/// Zero-width (non-)joiners are allowed between two non-ASCII characters,
/// where Persian and Indic names and emoji sequences need them, and refused
/// where they could hide inside ASCII (`ad\u{200D}min`).
fn find_invisible(text: &str) -> Option<(usize, char)> {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().find_map(|(i, &c)| (is_invisible(c) && !joins_letters(&chars, i)).then_some((i, c)))
}

/// Whether `chars[i]` is a zero-width (non-)joiner between two visible
/// non-ASCII characters.
fn joins_letters(chars: &[char], i: usize) -> bool {
    let visible_neighbour =
        |n: Option<&char>| n.is_some_and(|&n| !n.is_ascii() && !n.is_whitespace() && !is_invisible(n));
    matches!(chars[i], '\u{200C}' | '\u{200D}')
        && visible_neighbour(i.checked_sub(1).and_then(|p| chars.get(p)))
        && visible_neighbour(chars.get(i + 1))
}

/// Builds a JSON value from parser events, recording where each node starts
/// and refusing every YAML feature a member file has no use for.
struct Builder<'f> {
    file: &'f str,
    limits: Limits,
    stack: Vec<Frame>,
    root: Option<Value>,
    spans: Spans,
    findings: Vec<Finding>,
    documents: usize,
}

enum Frame {
    Seq { span: usize, items: Vec<Value> },
    Map { span: usize, map: Map<String, Value>, key: Option<Key> },
}

struct Key {
    name: String,
    pos: Pos,
    duplicate: bool,
}

fn pos_of(marker: &Marker) -> Pos {
    Pos { line: marker.line() as u32, column: marker.col() as u32 + 1 }
}

impl<'f> Builder<'f> {
    fn new(file: &'f str, limits: Limits) -> Self {
        // A member file has a few dozen nodes: size for that once.
        let spans = Spans { entries: Vec::with_capacity(64), pointers: String::with_capacity(1024) };
        Builder { file, limits, stack: Vec::new(), root: None, spans, findings: Vec::new(), documents: 0 }
    }

    fn error(&mut self, rule: &'static str, pos: Pos, message: String, help: &str) {
        let pointer = self.child_pointer();
        self.findings.push(Finding::error(rule, self.file, pos, &pointer, message, help));
    }

    /// Runs the parser to the end; false if the document could not be read whole.
    fn run(&mut self, text: &str) -> bool {
        let options = serde_saphyr::granit_parser::options! {
            emit_comments: false,
            emit_unresolved_aliases: true,
            emit_anchor_events: true,
            block_nesting_limit: self.limits.max_depth + 1,
            flow_nesting_limit: self.limits.max_depth + 1,
        };
        for item in Parser::new_from_str_with_options(text, options) {
            let (event, span) = match item {
                Ok(next) => next,
                Err(e) => {
                    let pos = pos_of(e.marker());
                    let (rule, help) = if matches!(e.kind(), ErrorKind::RecursionLimitExceeded) {
                        (TOO_DEEP, "a member file needs only a few levels of nesting".to_owned())
                    } else {
                        (SYNTAX, syntax_help(text, pos, &e.info()))
                    };
                    self.error(rule, pos, format!("YAML could not be read: {}", e.info()), &help);
                    return false;
                }
            };
            let pos = pos_of(&span.start);
            let step = match event {
                Event::DocumentStart(..) => self.document_start(pos),
                Event::Alias(_) | Event::UnresolvedAlias(_) => {
                    self.error(ALIAS, pos, "aliases (`*name`) are not allowed".into(), "write the value out in full");
                    Err(())
                }
                // The anchor itself is reported at its `&name` token, the event after.
                Event::Anchor(..) => {
                    self.error(
                        ANCHOR,
                        pos,
                        "anchors (`&name`) are not allowed".into(),
                        "delete the anchor and write values out in full",
                    );
                    Err(())
                }
                Event::Scalar(_, _, _, Some(_))
                | Event::SequenceStart(_, _, Some(_))
                | Event::MappingStart(_, _, Some(_)) => {
                    let at = span.tag_start.as_ref().map_or(pos, pos_of);
                    self.error(
                        TAG,
                        at,
                        "tags (`!name` or `!!type`) are not allowed".into(),
                        "delete the tag; quote the value if it is text",
                    );
                    Err(())
                }
                Event::Scalar(text, style, _, None) => {
                    // An empty node (`key:` with nothing after it) is a plain scalar
                    // with an empty span (the parser reads it as `~`).
                    let empty = style == ScalarStyle::Plain && span.start.index() == span.end.index();
                    self.scalar(if empty { Cow::Borrowed("") } else { text }, style, pos)
                }
                Event::SequenceStart(_, _, None) => self.open(pos, false),
                Event::MappingStart(_, _, None) => self.open(pos, true),
                Event::SequenceEnd | Event::MappingEnd => {
                    self.close();
                    Ok(())
                }
                _ => Ok(()),
            };
            if step.is_err() {
                return false;
            }
        }
        true
    }

    fn document_start(&mut self, pos: Pos) -> Result<(), ()> {
        self.documents += 1;
        if self.documents > 1 {
            self.error(
                MULTIPLE_DOCUMENTS,
                pos,
                "the file holds more than one YAML document".into(),
                "keep one document per file: delete the `---` line and what follows it",
            );
            return Err(());
        }
        Ok(())
    }

    /// Whether the next node is a mapping key.
    fn expecting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    /// The pointer the next node will have.
    fn child_pointer(&mut self) -> String {
        let at = self.push_child_pointer();
        self.spans.pointers.split_off(at.start)
    }

    /// Writes the pointer the next node will have at the end of
    /// `spans.pointers`, and says where.
    fn push_child_pointer(&mut self) -> Range<usize> {
        use std::fmt::Write;
        let spans = &mut self.spans;
        let start = spans.pointers.len();
        match self.stack.last() {
            None => {}
            Some(Frame::Seq { span, items }) => {
                spans.pointers.extend_from_within(spans.entries[*span].pointer.clone());
                let _ = write!(spans.pointers, "/{}", items.len());
            }
            Some(Frame::Map { span, key, .. }) => {
                spans.pointers.extend_from_within(spans.entries[*span].pointer.clone());
                if let Some(key) = key {
                    spans.pointers.push('/');
                    spans.pointers.push_str(&crate::finding::pointer_segment(&key.name));
                }
            }
        }
        start..spans.pointers.len()
    }

    /// Records where the next node starts; returns its index in `spans`.
    fn record(&mut self, pos: Pos) -> usize {
        let pointer = self.push_child_pointer();
        let key = match self.stack.last() {
            Some(Frame::Map { key: Some(key), .. }) => Some(key.pos),
            _ => None,
        };
        self.spans.entries.push(SpanEntry { pointer, key, value: pos });
        self.spans.entries.len() - 1
    }

    fn open(&mut self, pos: Pos, mapping: bool) -> Result<(), ()> {
        if self.expecting_key() {
            self.error(COMPLEX_KEY, pos, "a mapping key must be plain text".into(), "use a simple `name:` key");
            return Err(());
        }
        if self.stack.len() >= self.limits.max_depth {
            self.error(
                TOO_DEEP,
                pos,
                format!("nesting deeper than {} levels", self.limits.max_depth),
                "a member file needs only a few levels of nesting",
            );
            return Err(());
        }
        let span = self.record(pos);
        // Sized for a member file (a dozen or so fields at the top, a few
        // in each nested mapping), so that a mapping seldom grows.
        let fields = if self.stack.is_empty() { 16 } else { 4 };
        self.stack.push(if mapping {
            Frame::Map { span, map: Map::with_capacity(fields), key: None }
        } else {
            Frame::Seq { span, items: Vec::new() }
        });
        Ok(())
    }

    fn close(&mut self) {
        let value = match self.stack.pop() {
            Some(Frame::Seq { items, .. }) => Value::Array(items),
            Some(Frame::Map { map, .. }) => Value::Object(map),
            None => return,
        };
        self.attach(value);
    }

    fn attach(&mut self, value: Value) {
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::Seq { items, .. }) => items.push(value),
            Some(Frame::Map { map, key, .. }) => {
                if let Some(key) = key.take()
                    && !key.duplicate
                {
                    map.insert(key.name, value);
                }
            }
        }
    }

    fn scalar(&mut self, text: Cow<'_, str>, style: ScalarStyle, pos: Pos) -> Result<(), ()> {
        let plain = style == ScalarStyle::Plain;
        if self.expecting_key() {
            return self.key(text.into_owned(), plain, pos);
        }
        let text = self.check_decoded(text, pos);
        let value = match plain.then(|| resolve_plain(&text)) {
            None | Some(Ok(Plain::Text)) => Value::String(text.into_owned()),
            Some(Ok(Plain::Null)) => Value::Null,
            Some(Ok(Plain::Bool(b))) => Value::Bool(b),
            Some(Ok(Plain::Integer(n))) => Value::Number(Number::from(n)),
            Some(Err(reading)) => {
                self.error(
                    AMBIGUOUS_SCALAR,
                    pos,
                    format!("unquoted {} can be read as {reading}", quoted(&text)),
                    &format!("if it is text, put it in double quotes: {}", quoted(&text)),
                );
                Value::String(text.into_owned())
            }
        };
        self.record(pos);
        self.attach(value);
        Ok(())
    }

    /// Escapes in double quotes (`"\u202E"`, `"\0"`) put characters into a
    /// value that the scan of the raw text never sees, so what was decoded is
    /// checked, and reported at the value. Reading goes on with the visible
    /// text, so that the schema judges what a reader sees and one character
    /// is one finding.
    fn check_decoded<'t>(&mut self, text: Cow<'t, str>, pos: Pos) -> Cow<'t, str> {
        match decoded_problem(&text) {
            Some((rule, message, help)) => {
                self.error(rule, pos, message, help);
                Cow::Owned(visible(&text))
            }
            None => text,
        }
    }

    /// A mapping key. It becomes the pending key before anything is reported
    /// about it, so that those findings carry its own pointer (`/parent/key`).
    fn key(&mut self, text: String, plain: bool, pos: Pos) -> Result<(), ()> {
        let problem = decoded_problem(&text);
        let text = if problem.is_some() { visible(&text) } else { text };
        let merge = plain && text == "<<";
        let ambiguous = plain && !merge && !matches!(resolve_plain(&text), Ok(Plain::Text));
        let Some(Frame::Map { map, key, .. }) = self.stack.last_mut() else { return Ok(()) };
        // A member file's mappings are small: comparing a few keys is
        // cheaper than hashing one.
        let seen = if map.len() <= 16 { map.keys().any(|k| *k == text) } else { map.contains_key(&text) };
        let duplicate = seen || key.is_some();
        let shown = if duplicate || ambiguous { quoted(&text) } else { String::new() };
        *key = Some(Key { name: text, pos, duplicate });
        if merge {
            self.error(MERGE_KEY, pos, "merge keys (`<<`) are not allowed".into(), "write the fields out in full");
            return Err(());
        }
        if let Some((rule, message, help)) = problem {
            self.error(rule, pos, message, help);
        }
        if ambiguous {
            self.error(
                AMBIGUOUS_SCALAR,
                pos,
                format!("the unquoted key {shown} is not read as text by every YAML reader"),
                "put the key in double quotes, or use a field name the schema defines",
            );
        }
        if duplicate {
            let first = self.child_pointer();
            let first_line = self.spans.find(&first).map(|e| e.key.unwrap_or(e.value).line);
            let message = match first_line {
                Some(line) => format!("the key {shown} appears again (first on line {line})"),
                None => format!("the key {shown} appears again"),
            };
            self.error(DUPLICATE_KEY, pos, message, "keep one of the two; YAML readers disagree on which one wins");
        }
        Ok(())
    }
}

/// How to fix a syntax error. The commonest: a value with `: ` in it
/// (`name: Marta: Novak`), which YAML reads as a second mapping; quoting
/// the value makes it text.
fn syntax_help(text: &str, pos: Pos, info: &str) -> String {
    const GENERIC: &str = "fix the YAML syntax here; examples/ shows the expected layout";
    if !info.contains("mapping values are not allowed") {
        return GENERIC.to_owned();
    }
    let line = text.split('\n').nth(pos.line.saturating_sub(1) as usize).unwrap_or_default();
    let indent = line.len() - line.trim_start_matches([' ', '-']).len();
    match line[indent..].split_once(": ") {
        Some((key, value)) if !value.trim().is_empty() => {
            let value = value.trim_end();
            let quoted = serde_json::to_string(value).unwrap_or_default();
            let fixed: String = format!("{key}: {quoted}").chars().take(100).collect();
            format!("a value containing `: ` must be in double quotes: write `{fixed}`")
        }
        _ => "a value containing `: ` must be in double quotes, e.g. name: \"Marta: Novak\"".to_owned(),
    }
}

/// `text` without the control and invisible characters that
/// [`decoded_problem`] refuses.
fn visible(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let refused = (c != '\n' && is_control(c)) || (is_invisible(c) && !joins_letters(&chars, i));
        if !refused {
            out.push(c);
        }
    }
    out
}

/// Whether every byte of `text` is printable ASCII (or, with `newlines`, a
/// line break): nearly every member file and value is. Written without an
/// early exit, so that it is checked many bytes at a time.
fn printable_ascii(text: &str, newlines: bool) -> bool {
    text.bytes().fold(true, |all, b| all & ((0x20..0x7f).contains(&b) | (newlines & (b == b'\n'))))
}

/// A control or invisible character in decoded text: rule, message, help.
fn decoded_problem(text: &str) -> Option<(&'static str, String, &'static str)> {
    if printable_ascii(text, false) {
        return None;
    }
    if let Some(c) = text.chars().find(|&c| c != '\n' && is_control(c)) {
        return Some((
            CONTROL_CHARACTER,
            format!("the text contains the control character U+{:04X}", c as u32),
            "remove the escaped control character from the text",
        ));
    }
    let (_, c) = find_invisible(text)?;
    Some((
        INVISIBLE_CHARACTER,
        format!("the text contains the invisible or text-direction character U+{:04X}", c as u32),
        INVISIBLE_HELP,
    ))
}

/// How an unquoted scalar reads. YAML 1.2's core schema decides the type of
/// `true`, `false`, `null` and plain decimal integers; everything that a YAML
/// 1.1 reader (or a lax 1.2 one) could read as another type is refused, with
/// what it could be read as, so the Norway problem cannot happen silently.
fn resolve_plain(text: &str) -> Result<Plain, &'static str> {
    match text {
        "" | "null" => return Ok(Plain::Null),
        "true" => return Ok(Plain::Bool(true)),
        "false" => return Ok(Plain::Bool(false)),
        "~" => return Err("null"),
        _ => {}
    }
    // Every special word is short: lowercase it on the stack.
    let mut buffer = [0u8; 6];
    let lower = match buffer.get_mut(..text.len()) {
        Some(lower) => {
            lower.copy_from_slice(text.as_bytes());
            lower.make_ascii_lowercase();
            &*lower
        }
        None => &[],
    };
    match lower {
        b"y" | b"yes" | b"on" | b"true" => return Err("the boolean true"),
        b"n" | b"no" | b"off" | b"false" => return Err("the boolean false"),
        b"null" => return Err("null"),
        b"nan" | b".nan" | b"inf" | b"+inf" | b"-inf" | b".inf" | b"+.inf" | b"-.inf" => {
            return Err("a floating-point number");
        }
        b"=" => return Err("a YAML 1.1 value key"),
        _ => {}
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if digits.len() > 1 && digits.starts_with('0') {
            return Err("an octal or zero-padded number");
        }
        return text.parse::<i64>().map(Plain::Integer).map_err(|_| "a number too large to keep exactly");
    }
    if looks_numeric(text) {
        return Err("a number, date or time");
    }
    Ok(Plain::Text)
}

/// What an unquoted scalar was read as; text is left to the caller, who
/// owns it.
enum Plain {
    Null,
    Bool(bool),
    Integer(i64),
    Text,
}

/// Numbers in any YAML spelling (signs, radix prefixes, underscores, floats,
/// exponents, base 60) and dates. Each production here is one the writer
/// also quotes, so the writer's output never trips it.
fn looks_numeric(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    // Every one of them starts with a digit or a point: most text is
    // settled here.
    if !unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return false;
    }
    is_radix_number(unsigned) || is_decimal_number(unsigned) || is_base60(unsigned) || is_date(text)
}

fn digit_run(s: &str, radix: u32, underscores: bool) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_digit(radix) || (underscores && c == '_'))
}

/// `0x1F`, `0o17`, `0b101`, underscores allowed.
fn is_radix_number(s: &str) -> bool {
    let radix = match s.get(..2) {
        Some("0x" | "0X") => 16,
        Some("0o" | "0O") => 8,
        Some("0b" | "0B") => 2,
        _ => return false,
    };
    digit_run(&s[2..], radix, true)
}

/// `12`, `1_000`, `1.5`, `1.`, `.5`, `1e3`, `2.5E-4`.
fn is_decimal_number(s: &str) -> bool {
    let (mantissa, exponent) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['+', '-']).unwrap_or(e))),
        None => (s, None),
    };
    if exponent.is_some_and(|e| !digit_run(e, 10, false)) {
        return false;
    }
    match mantissa.split_once('.') {
        Some(("", fraction)) => digit_run(fraction, 10, false),
        Some((whole, fraction)) => {
            whole.starts_with(|c: char| c.is_ascii_digit())
                && digit_run(whole, 10, true)
                && (fraction.is_empty() || digit_run(fraction, 10, false))
        }
        None => mantissa.starts_with(|c: char| c.is_ascii_digit()) && digit_run(mantissa, 10, true),
    }
}

/// YAML 1.1 base 60: `1:30`, `190:20:30`.
fn is_base60(s: &str) -> bool {
    let Some((first, rest)) = s.split_once(':') else {
        return false;
    };
    first.starts_with(|c: char| matches!(c, '1'..='9'))
        && digit_run(first, 10, true)
        && rest.split(':').all(|part| match part.as_bytes() {
            [d] => d.is_ascii_digit(),
            [tens, units] => matches!(tens, b'0'..=b'5') && units.is_ascii_digit(),
            _ => false,
        })
}

/// `2026-01-31`, or `2026-01-31T10:00:00Z` and its variants: a YAML 1.1
/// timestamp.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let date = |b: &[u8]| {
        b.len() == 10
            && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
    };
    match b.get(10) {
        None => date(b),
        Some(b'T' | b't' | b' ') => date(&b[..10]) && is_time(&s[11..]),
        Some(_) => false,
    }
}

/// `10:00:00`, with optional fraction and `Z` or `+01`/`-05:30` zone.
fn is_time(s: &str) -> bool {
    let (clock, zone) = match s.find(['Z', '+', '-']) {
        Some(i) => s.split_at(i),
        None => (s, ""),
    };
    let (clock, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
    let parts: Vec<&str> = clock.split(':').collect();
    let zone_ok = match zone.as_bytes() {
        [] | [b'Z'] => true,
        [b'+' | b'-', rest @ ..] => {
            let rest = std::str::from_utf8(rest).unwrap_or("");
            let (hours, minutes) = rest.split_once(':').unwrap_or((rest, "00"));
            (1..=2).contains(&hours.len())
                && digit_run(hours, 10, false)
                && minutes.len() == 2
                && digit_run(minutes, 10, false)
        }
        _ => false,
    };
    parts.len() == 3
        && parts.iter().all(|p| (1..=2).contains(&p.len()) && digit_run(p, 10, false))
        && (fraction.is_empty() || digit_run(fraction, 10, false))
        && zone_ok
}

/// Points at the first line that differs from the canonical writing.
fn check_canonical(file: &str, text: &str, value: &Value, spans: &Spans, findings: &mut Vec<Finding>) {
    if is_canonical(text, value) {
        return;
    }
    let canonical = to_canonical(value);
    let mut expected = canonical.split_inclusive('\n');
    let mut line = 0u32;
    for actual in text.split_inclusive('\n') {
        line += 1;
        let want = expected.next();
        if want == Some(actual) {
            continue;
        }
        let shown = actual.trim_end_matches('\n').trim();
        let help = match want {
            Some(want) if want.trim_end_matches('\n') == actual => "end the file with a newline".to_owned(),
            _ if shown.is_empty() || shown.starts_with('#') => {
                "remove this line (comments and blank lines are not kept in member files)".to_owned()
            }
            Some(want) => format!("write this line as: {}", quoted(want.trim_end_matches('\n'))),
            None => "delete this line (comments, blank lines and `---` are not kept in member files)".to_owned(),
        };
        let pointer = spans.pointer_on_line(line).unwrap_or("");
        findings.push(Finding::error(
            NOT_CANONICAL,
            file,
            Pos { line, column: 1 },
            pointer,
            format!("line {line} is not in the canonical layout"),
            format!("{help}; `rollcall fmt {file}` rewrites the whole file"),
        ));
        return;
    }
    findings.push(Finding::error(
        NOT_CANONICAL,
        file,
        end_position(text),
        "",
        "the file ends early: its canonical layout has more lines",
        format!("`rollcall fmt {file}` rewrites the file in the canonical layout"),
    ));
}
