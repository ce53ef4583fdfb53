//! The canonical layout: the one way rollcall writes a member file, and
//! the test of whether a text is laid out that way.
//!
//! The writer is serde-saphyr's, and it stays the only definition of the
//! layout. Testing a file by writing its whole document again costs about
//! a seventh of a cold `validate`, most of it in the writer's handling of
//! each key; so [`is_canonical`] compares the shapes member files have
//! (mappings, and lists of scalars or of mappings, nothing empty) line by
//! line here, with each key and scalar spelled as the writer spells it,
//! and gives every other shape to the writer whole. A property test
//! (`tests/roundtrip.rs`) holds the two answers equal.

use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::HashMap;

/// The one way rollcall writes a document: serde-saphyr's block style, two
/// spaces, quotes wherever a YAML 1.1 or 1.2 reader could read another type,
/// multi-line text as a literal block, and long text on one line (folding
/// would hide trailing spaces and make edits harder to review).
pub fn to_canonical(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut impl std::fmt::Write) -> bool {
    let options = serde_saphyr::ser_options! { folded_wrap_chars: usize::MAX };
    // A serde_json::Value has string keys and finite numbers: it always
    // serializes; only a writer that stops early makes this false.
    serde_saphyr::to_fmt_writer_with_options(out, value, options).is_ok()
}

/// Whether `text` is exactly what [`to_canonical`] writes for `value`.
pub fn is_canonical(text: &str, value: &Value) -> bool {
    compare_layout(text, value).unwrap_or_else(|| is_written(text, value))
}

/// The line-by-line answer, `None` for a shape it leaves to the writer.
pub fn compare_layout(text: &str, value: &Value) -> Option<bool> {
    match compare(text, value) {
        Ok(()) => Some(true),
        Err(Miss::Differs) => Some(false),
        Err(Miss::Unmodelled) => None,
    }
}

/// The same answer from the writer itself: `text` compared as the
/// document is written, stopping at the first difference, with no copy.
pub fn is_written(text: &str, value: &Value) -> bool {
    struct Compare<'a> {
        rest: &'a str,
    }
    impl std::fmt::Write for Compare<'_> {
        fn write_str(&mut self, piece: &str) -> std::fmt::Result {
            match self.rest.strip_prefix(piece) {
                Some(rest) => {
                    self.rest = rest;
                    Ok(())
                }
                None => Err(std::fmt::Error),
            }
        }
    }
    let mut compare = Compare { rest: text };
    write_canonical(value, &mut compare) && compare.rest.is_empty()
}

/// Why the line-by-line comparison stopped.
enum Miss {
    /// The text is not what the writer writes.
    Differs,
    /// A shape this comparison does not model: the writer decides.
    Unmodelled,
}

/// Compares `text` with the writer's layout of `value`. The writer writes
/// in order, so a difference found before an unmodelled shape is one.
fn compare(text: &str, value: &Value) -> Result<(), Miss> {
    let Value::Object(map) = value else { return Err(Miss::Unmodelled) };
    let mut cursor = Cursor { rest: text };
    cursor.fields(map, 0)?;
    if cursor.rest.is_empty() { Ok(()) } else { Err(Miss::Differs) }
}

/// What of the text is still to be compared.
struct Cursor<'t> {
    rest: &'t str,
}

impl Cursor<'_> {
    fn expect(&mut self, piece: &str) -> Result<(), Miss> {
        self.rest = self.rest.strip_prefix(piece).ok_or(Miss::Differs)?;
        Ok(())
    }

    fn indent(&mut self, width: usize) -> Result<(), Miss> {
        let bytes = self.rest.as_bytes();
        if bytes.len() < width || bytes[..width].iter().any(|&b| b != b' ') {
            return Err(Miss::Differs);
        }
        self.rest = &self.rest[width..];
        Ok(())
    }

    /// A mapping's fields, each on its own line at `indent`.
    fn fields(&mut self, map: &Map<String, Value>, indent: usize) -> Result<(), Miss> {
        if map.is_empty() {
            return Err(Miss::Unmodelled);
        }
        for (key, value) in map {
            self.indent(indent)?;
            self.field(key, value, indent)?;
        }
        Ok(())
    }

    /// One field, from its key on: a scalar on the key's line, a mapping
    /// indented below it, a list's items at the key's own indentation.
    fn field(&mut self, key: &str, value: &Value, indent: usize) -> Result<(), Miss> {
        if certainly_plain_key(key) {
            self.expect(key)?;
        } else {
            self.spelled(key, Role::Key)?;
        }
        self.expect(":")?;
        match value {
            Value::Object(map) if !map.is_empty() => {
                self.expect("\n")?;
                self.fields(map, indent + 2)
            }
            Value::Array(items) if !items.is_empty() => {
                self.expect("\n")?;
                self.items(items, indent)
            }
            Value::Object(_) | Value::Array(_) => Err(Miss::Unmodelled),
            scalar => {
                self.expect(" ")?;
                self.scalar(scalar)?;
                self.expect("\n")
            }
        }
    }

    /// A list's items, each after `- ` at `indent`; a mapping item's first
    /// field on the dash's line, the others aligned under it.
    fn items(&mut self, items: &[Value], indent: usize) -> Result<(), Miss> {
        for item in items {
            self.indent(indent)?;
            self.expect("- ")?;
            match item {
                Value::Object(map) => {
                    let mut fields = map.iter();
                    let Some((key, value)) = fields.next() else { return Err(Miss::Unmodelled) };
                    if value.is_object() || value.is_array() {
                        return Err(Miss::Unmodelled);
                    }
                    self.field(key, value, indent + 2)?;
                    for (key, value) in fields {
                        self.indent(indent + 2)?;
                        self.field(key, value, indent + 2)?;
                    }
                }
                Value::Array(_) => return Err(Miss::Unmodelled),
                scalar => {
                    self.scalar(scalar)?;
                    self.expect("\n")?;
                }
            }
        }
        Ok(())
    }

    fn scalar(&mut self, value: &Value) -> Result<(), Miss> {
        match value {
            Value::String(text) if certainly_plain(text) => self.expect(text),
            Value::String(text) => self.spelled(text, Role::Value),
            Value::Bool(true) => self.expect("true"),
            Value::Bool(false) => self.expect("false"),
            Value::Number(n) if n.is_u64() || n.is_i64() => self.expect(&n.to_string()),
            _ => Err(Miss::Unmodelled),
        }
    }
}

/// Text the writer certainly leaves unquoted as a value: printable ASCII
/// starting with a letter (so no indicator, number, date or document
/// marker), with no `#`, no `: `, no trailing space or colon, and not a
/// special word.
fn certainly_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.last().is_some_and(|&b| b != b' ' && b != b':')
        && bytes.iter().all(|&b| (b' '..=b'~').contains(&b) && b != b'#')
        && !text.contains(": ")
        && !is_special_word(text)
}

/// A key the writer certainly leaves unquoted: keys are held to more than
/// values (no flow indicators), so only a letter followed by letters,
/// digits, `_` and `-`, and not a special word.
fn certainly_plain_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !is_special_word(key)
}

/// A word a YAML 1.1 or 1.2 reader takes for a boolean, null or number.
fn is_special_word(text: &str) -> bool {
    const WORDS: [&str; 11] = ["null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf"];
    WORDS.iter().any(|word| word.eq_ignore_ascii_case(text))
}

#[derive(Clone, Copy)]
enum Role {
    Key,
    Value,
}

/// How many spellings a thread keeps of each role, and of how long a text:
/// member files repeat their keys and many short values (dates, tiers,
/// roles), and the bounds keep a roll of long unique strings from growing
/// the memory (a few megabytes a thread at most).
const REMEMBERED: usize = 4096;
const REMEMBERED_LEN: usize = 64;

type Spellings = RefCell<HashMap<String, Option<String>>>;

thread_local! {
    static KEYS: Spellings = RefCell::new(HashMap::new());
    static VALUES: Spellings = RefCell::new(HashMap::new());
}

impl Cursor<'_> {
    /// `text` as the writer spells it as a key or as a one-line value.
    fn spelled(&mut self, text: &str, role: Role) -> Result<(), Miss> {
        let spellings = match role {
            Role::Key => &KEYS,
            Role::Value => &VALUES,
        };
        spellings.with(|spellings| {
            if let Some(known) = spellings.borrow().get(text) {
                return self.expect(known.as_deref().ok_or(Miss::Unmodelled)?);
            }
            let spelled = ask_writer(text, role);
            let result = self.expect(spelled.as_deref().ok_or(Miss::Unmodelled)?);
            let mut spellings = spellings.borrow_mut();
            if spellings.len() < REMEMBERED && text.len() <= REMEMBERED_LEN {
                spellings.insert(text.to_owned(), spelled);
            }
            result
        })
    }
}

/// The writer's spelling of `text`, cut from a one-field document: the
/// key of `{text: 0}`, or the value of `{"k": text}`; `None` if the writer
/// does not write it on one line (a literal block, say).
fn ask_writer(text: &str, role: Role) -> Option<String> {
    let mut one = Map::new();
    match role {
        Role::Key => one.insert(text.to_owned(), Value::from(0)),
        Role::Value => one.insert("k".to_owned(), Value::String(text.to_owned())),
    };
    let written = to_canonical(&Value::Object(one));
    let spelled = match role {
        Role::Key => written.strip_suffix(": 0\n")?,
        Role::Value => written.strip_prefix("k: ")?.strip_suffix('\n')?,
    };
    (!spelled.contains('\n')).then(|| spelled.to_owned())
}
