//! `rollcall apply`: writes the application file of the person running it.
//!
//! What is asked comes from the ledger's rules, not from this code: the
//! policy says what the chosen tier needs (who may hold it, which evidence
//! it shows) and the member schema says what each field may hold. Each
//! answer is checked by the validator itself, run on the document answered
//! so far and on the roll around it, so `apply` cannot accept what
//! `validate` would refuse. At a terminal a refused answer is asked again;
//! from flags alone, every finding is reported and nothing is written.

use crate::finding::{self, Finding};
use crate::roll::config::{self, Config, ConfigError};
use crate::roll::layout::{self, MEMBERS_DIR};
use crate::roll::member::Member;
use crate::roll::mirrors::MirrorCheck;
use crate::roll::policy::{Kind, Tier};
use crate::roll::rules::Context;
use crate::roll::schema::Compiled;
use crate::roll::source::Source;
use crate::roll::validate::{self, Options};
use crate::roll::yaml;
use crate::util::atomic;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, VecDeque};
use std::fs;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

/// The longest answer read from a terminal: longer lines are skipped
/// unread, so a pasted megabyte costs nothing. It is above every text
/// limit of the shipped schema (2,000 characters of up to 4 bytes).
pub const MAX_ANSWER_BYTES: usize = 8 * 1024;

/// Where findings point before the document has a usable id.
const UNNAMED: &str = "members/<shard>/<id>.yaml";

/// Answers given as flags, by flag name (without `--`).
#[derive(Debug, Default)]
pub struct Given(BTreeMap<String, VecDeque<String>>);

impl Given {
    pub fn add(&mut self, flag: &str, answer: impl Into<String>) {
        self.0.entry(flag.to_owned()).or_default().push_back(answer.into());
    }

    fn take(&mut self, flag: &str) -> VecDeque<String> {
        self.0.remove(flag).unwrap_or_default()
    }
}

/// A written application.
#[derive(Debug)]
pub struct Applied {
    /// `members/<shard>/<id>.yaml`, relative to the ledger.
    pub path: String,
    /// The file's bytes: canonical YAML.
    pub text: String,
    /// The file's value, for the next steps.
    pub value: Value,
    /// What `validate` will also warn about (an embargoed country, say).
    pub warnings: Vec<Finding>,
}

/// Why nothing was written.
#[derive(Debug)]
pub enum Error {
    /// The answers are not acceptable (exit 1): the findings in the file
    /// that would have been written, and the flags still to give.
    Refused { path: String, text: String, findings: Vec<Finding>, missing: Vec<String> },
    /// The member file exists (exit 1): `apply` never overwrites one.
    Exists(String),
    /// The ledger's schema or policy cannot be used (exit 2).
    Config(Vec<Finding>),
    /// The input ended before the application was complete (exit 2).
    Eof,
    /// Bad flags, not a ledger, or the file cannot be written (exit 2).
    CannotRun(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Refused { .. } => f.write_str("the answers are not acceptable; nothing was written"),
            Error::Exists(path) => write!(
                f,
                "{path} already exists; rollcall apply never overwrites a member file (to change a membership, edit \
                 its file and open a pull request)"
            ),
            Error::Config(_) => f.write_str("the ledger's schema or policy cannot be used"),
            Error::Eof => f.write_str("the input ended before the application was complete; nothing was written"),
            Error::CannotRun(message) => f.write_str(message),
        }
    }
}

/// Applies from flags alone: a missing or refused answer is a finding.
pub fn from_flags(repo: &Path, given: Given) -> Result<Applied, Error> {
    Session::open(repo, given, None)?.run()
}

/// Applies at a terminal: asks for what `given` lacks, and asks again for
/// any answer the checks refuse, showing why.
pub fn interactive(
    repo: &Path,
    given: Given,
    mut input: impl BufRead,
    mut output: impl Write,
) -> Result<Applied, Error> {
    let console = Console { input: &mut input, output: &mut output };
    Session::open(repo, given, Some(console))?.run()
}

/// How an answer's text becomes a value, from the field's schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Text,
    Integer,
    /// Yes or no; only a yes is written.
    Bool,
    /// One answer per item.
    List,
}

impl Shape {
    fn of(schema: Option<&Value>) -> Shape {
        match schema.and_then(|s| s.get("type")).and_then(Value::as_str) {
            Some("integer") => Shape::Integer,
            Some("boolean") => Shape::Bool,
            Some("array") => Shape::List,
            _ => Shape::Text,
        }
    }

    /// The value an answer stands for. Text the shape cannot read stays
    /// text, so that the schema's own finding says what is expected.
    fn value(self, answer: &str) -> Option<Value> {
        let text = || Value::String(answer.to_owned());
        match self {
            Shape::Integer => Some(integer(answer).unwrap_or_else(text)),
            Shape::Bool => match answer.to_ascii_lowercase().as_str() {
                "y" | "yes" | "true" => Some(Value::Bool(true)),
                "n" | "no" | "false" => None,
                _ => Some(text()),
            },
            Shape::Text | Shape::List => Some(text()),
        }
    }
}

/// An integer written as the writer writes it (no sign, no leading zero),
/// so that `0123` is not silently read as 123.
fn integer(answer: &str) -> Option<Value> {
    match answer.parse::<i64>() {
        Ok(n) => (n.to_string() == answer).then(|| n.into()),
        Err(_) => answer.parse::<u64>().ok().filter(|n| n.to_string() == answer).map(Value::from),
    }
}

/// What an empty answer gives.
enum Fallback {
    None,
    /// The only possible answer (the tier has one kind of holder).
    Fixed(String),
    /// Another answer, lowercased if need be (an individual's id is their login).
    Copy {
        from: &'static str,
        lowercase: bool,
    },
}

/// One thing the applicant is asked.
struct Question {
    /// Where the answer goes in the member file.
    pointer: String,
    /// The flag that gives the answer, without `--`.
    flag: String,
    label: String,
    /// Shown before the prompt.
    hint: Option<String>,
    /// The allowed answers, when there are few.
    choices: Vec<String>,
    shape: Shape,
    required: bool,
    default: Fallback,
    /// Take the default without asking; ask only if it is refused.
    quiet: bool,
}

impl Question {
    fn hint(self, hint: impl Into<String>) -> Question {
        Question { hint: Some(hint.into()), ..self }
    }

    fn default(self, default: Fallback, quiet: bool) -> Question {
        Question { default, quiet, ..self }
    }

    fn optional(self) -> Question {
        Question { required: false, ..self }
    }
}

/// The terminal a person answers at.
struct Console<'c> {
    input: &'c mut dyn BufRead,
    output: &'c mut dyn Write,
}

/// One line of input.
enum Line {
    Text(String),
    TooLong,
    NotUtf8,
}

impl Console<'_> {
    fn say(&mut self, text: &str) -> Result<(), Error> {
        writeln!(self.output, "{text}").and_then(|_| self.output.flush()).map_err(console_error)
    }

    /// Shows `prompt` and reads one line; `None` at the end of the input.
    fn read_line(&mut self, prompt: &str) -> Result<Option<Line>, Error> {
        write!(self.output, "{prompt}").and_then(|_| self.output.flush()).map_err(console_error)?;
        let mut bytes = Vec::new();
        let mut capped = io::Read::take(&mut *self.input, MAX_ANSWER_BYTES as u64 + 1);
        let read = capped.read_until(b'\n', &mut bytes);
        if read.map_err(console_error)? == 0 {
            return Ok(None);
        }
        if bytes.last() == Some(&b'\n') {
            bytes.pop();
            if bytes.last() == Some(&b'\r') {
                bytes.pop();
            }
        } else if bytes.len() > MAX_ANSWER_BYTES {
            self.skip_line()?;
            return Ok(Some(Line::TooLong));
        }
        Ok(Some(String::from_utf8(bytes).map_or(Line::NotUtf8, Line::Text)))
    }

    /// Discards the rest of an overlong line without keeping it.
    fn skip_line(&mut self) -> Result<(), Error> {
        loop {
            let buffer = self.input.fill_buf().map_err(console_error)?;
            if buffer.is_empty() {
                return Ok(());
            }
            match buffer.iter().position(|&b| b == b'\n') {
                Some(end) => {
                    self.input.consume(end + 1);
                    return Ok(());
                }
                None => {
                    let len = buffer.len();
                    self.input.consume(len);
                }
            }
        }
    }

    /// Asks until a line is readable text; the end of the input is `Eof`.
    fn answer(&mut self, prompt: &str) -> Result<String, Error> {
        loop {
            match self.read_line(prompt)? {
                None => return Err(Error::Eof),
                Some(Line::Text(text)) => return Ok(text),
                Some(Line::TooLong) => self.say(&format!("  that answer is longer than {MAX_ANSWER_BYTES} bytes"))?,
                Some(Line::NotUtf8) => self.say("  that answer is not valid UTF-8 text")?,
            }
        }
    }

    fn show(&mut self, findings: &[Finding]) -> Result<(), Error> {
        for f in findings {
            self.say(&format!("  error[{}]: {}\n    help: {}", f.rule, f.message, f.help))?;
        }
        Ok(())
    }
}

fn console_error(e: io::Error) -> Error {
    Error::CannotRun(format!("cannot talk to the terminal: {e}"))
}

/// The document being answered, and everything its checks need.
struct Session<'c> {
    repo: PathBuf,
    config: Config,
    options: Options,
    /// The roll as it is, for clashes with existing members.
    roll: Vec<Member>,
    given: Given,
    doc: Value,
    console: Option<Console<'c>>,
}

/// A document as checked.
struct Checked {
    path: String,
    text: String,
    findings: Vec<Finding>,
}

impl<'c> Session<'c> {
    fn open(repo: &Path, given: Given, console: Option<Console<'c>>) -> Result<Session<'c>, Error> {
        let source = Source::disk(repo).map_err(|e| Error::CannotRun(e.to_string()))?;
        let config = match config::load(&source) {
            Ok(config) => config,
            Err(ConfigError::Invalid(findings)) => return Err(Error::Config(findings)),
            Err(ConfigError::Source(e)) => return Err(Error::CannotRun(e.to_string())),
        };
        let options = Options { as_of: crate::util::today(), skip: Default::default(), mirrors: MirrorCheck::Off };
        // The roll's own findings are not the applicant's business; its members are.
        let roll = validate::validate_with(&source, &config, &options).map_err(|e| Error::CannotRun(e.to_string()))?;
        let doc = serde_json::json!({ "status": "applicant" });
        Ok(Session { repo: repo.to_path_buf(), config, options, roll: roll.members, given, doc, console })
    }

    fn run(mut self) -> Result<Applied, Error> {
        self.introduce()?;
        let tier = self.tier_question();
        self.ask(&tier)?;
        if self.tier().is_none() {
            return Err(self.refused(&[tier]));
        }
        let kind = self.kind_question();
        self.ask(&kind)?;
        let Some(plan) = self.plan() else {
            return Err(self.refused(&[tier, kind]));
        };
        self.refuse_unused_flags(&plan)?;
        for question in &plan {
            self.ask(question)?;
        }
        let checked = self.check()?;
        if !finding::is_ok(&checked.findings) {
            let asked: Vec<Question> = [tier, kind].into_iter().chain(plan).collect();
            return Err(refusal(checked, self.missing(&asked)));
        }
        self.write(&checked.path, &checked.text)?;
        Ok(Applied { path: checked.path, text: checked.text, value: self.ordered(), warnings: checked.findings })
    }

    fn tier(&self) -> Option<&Tier> {
        self.config.policy.policy.tier(self.doc.get("tier")?.as_str()?)
    }

    /// The questions after tier and kind, if both are usable: the core
    /// fields of the kind, then the evidence the tier names.
    fn plan(&self) -> Option<Vec<Question>> {
        let tier = self.tier()?;
        let kind = Kind::parse(self.doc.get("kind")?.as_str()?).filter(|k| tier.holders.contains(k))?;
        let mut plan = match kind {
            Kind::Person => self.person_questions(),
            Kind::Organization => self.organization_questions(),
        };
        for field in &tier.evidence {
            plan.extend(self.evidence_questions(field));
        }
        plan.push(self.question("/unlisted", "unlisted", "Hide this membership from public exports?").optional());
        Some(plan)
    }

    /// A question about the field at `pointer`, shaped by its schema.
    fn question(&self, pointer: &str, flag: &str, label: &str) -> Question {
        let schema = &self.config.schema;
        let field = schema.field(pointer).map(|f| schema.resolve(f));
        let choices = field.and_then(|f| f.get("enum")).and_then(Value::as_array).filter(|e| e.len() <= 12);
        Question {
            pointer: pointer.to_owned(),
            flag: flag.to_owned(),
            label: label.to_owned(),
            hint: None,
            choices: choices.into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect(),
            shape: Shape::of(field),
            required: true,
            default: Fallback::None,
            quiet: false,
        }
    }

    fn tier_question(&self) -> Question {
        let mut question = self.question("/tier", "tier", "Tier");
        question.choices = self.config.policy.policy.tiers.iter().map(|t| t.name.clone()).collect();
        question
    }

    fn kind_question(&self) -> Question {
        let holders: Vec<String> =
            self.tier().map(|t| t.holders.iter().map(|k| k.as_str().to_owned()).collect()).unwrap_or_default();
        let mut question = self.question("/kind", "kind", "Held by");
        if let [only] = holders.as_slice() {
            question = question.default(Fallback::Fixed(only.clone()), true);
        }
        if !holders.is_empty() {
            question.choices = holders;
        }
        question
    }

    fn person_questions(&self) -> Vec<Question> {
        vec![
            self.question("/github", "github", "Your GitHub login")
                .hint("the account you will open the pull request from"),
            self.question("/id", "id", "Id").default(Fallback::Copy { from: "/github", lowercase: true }, true),
            self.question("/github_id", "github-id", "Your GitHub account id").hint(ACCOUNT_ID_HINT),
            self.question("/name", "name", "Your name").hint("as the public roll will show it"),
            self.country_question(),
        ]
    }

    fn organization_questions(&self) -> Vec<Question> {
        vec![
            self.question("/id", "id", "Membership id")
                .hint("a short lowercase name (letters, digits, single hyphens); the file is named after it"),
            self.question("/name", "name", "Organization name"),
            self.country_question(),
            self.question("/organization", "organization", "Organization")
                .hint(
                    "the organization this membership belongs to: the id of its sponsor-tier membership, if it has one",
                )
                .default(Fallback::Copy { from: "/id", lowercase: false }, false),
            self.question("/website", "website", "Website").hint("an https:// link"),
            self.question("/representative/github", "representative", "Representative's GitHub login")
                .hint("the account that speaks for the organization and opens the pull request"),
            self.question("/representative/github_id", "representative-id", "Representative's GitHub account id")
                .hint(ACCOUNT_ID_HINT),
        ]
    }

    fn country_question(&self) -> Question {
        self.question("/country", "country", "Country").hint("its ISO 3166-1 alpha-2 code, in capitals: DE, NO, TW, …")
    }

    /// One question per field of an evidence mapping, in the schema's
    /// order, hinted by the schema's own help; a flag per field.
    fn evidence_questions(&self, field: &str) -> Vec<Question> {
        let schema = &self.config.schema;
        let pointer = format!("/{field}");
        let evidence = schema.field(&pointer).map(|f| schema.resolve(f));
        let Some(properties) = evidence.and_then(|e| e.get("properties")).and_then(Value::as_object) else {
            return vec![self.question(&pointer, field, field)];
        };
        let required = evidence.and_then(|e| e.get("required")).and_then(Value::as_array);
        properties
            .iter()
            .map(|(name, node)| {
                let field_pointer = format!("{pointer}/{name}");
                let mut question = self.question(&field_pointer, "", &format!("{field} {}", name.replace('_', " ")));
                question.flag = flag_name(name, question.shape);
                question.required = required.is_some_and(|r| r.iter().any(|n| n == name));
                question.hint = help_of(node).or_else(|| help_of(schema.resolve(node)));
                question
            })
            .collect()
    }

    /// A flag given for nothing this application asks is a mistake to say,
    /// not to drop.
    fn refuse_unused_flags(&self, plan: &[Question]) -> Result<(), Error> {
        let unused: Vec<String> = self
            .given
            .0
            .keys()
            .filter(|flag| !plan.iter().any(|q| q.flag == **flag))
            .map(|flag| format!("--{flag}"))
            .collect();
        if unused.is_empty() {
            return Ok(());
        }
        let tier = self.tier().map(|t| t.name.clone()).unwrap_or_default();
        let kind = self.doc["kind"].as_str().unwrap_or_default().to_owned();
        let asked: Vec<String> = plan.iter().map(|q| format!("--{}", q.flag)).collect();
        Err(Error::CannotRun(format!(
            "{} not part of an application for the {tier} tier ({kind}); it takes {}",
            unused.join(", ") + if unused.len() == 1 { " is" } else { " are" },
            asked.join(", ")
        )))
    }

    fn introduce(&mut self) -> Result<(), Error> {
        let policy = &self.config.policy.policy;
        let mut text = format!(
            "rollcall apply: an application for membership of {}\n\
             Answer each question and press Enter; an empty answer takes the [default].\n\
             Ctrl-D stops without writing anything.\n\nTiers:",
            policy.foundation.name
        );
        for tier in &policy.tiers {
            text.push_str(&format!("\n  {}", describe_tier(tier)));
        }
        match &mut self.console {
            Some(console) => console.say(&(text + "\n")),
            None => Ok(()),
        }
    }

    fn ask(&mut self, question: &Question) -> Result<(), Error> {
        let mut offered = self.given.take(&question.flag);
        if question.shape == Shape::List {
            return self.ask_list(question, offered);
        }
        if offered.is_empty() && (question.quiet || self.console.is_none()) {
            offered.extend(self.default_answer(question));
        }
        let mut hinted = false;
        loop {
            let answer = match offered.pop_front() {
                Some(answer) => answer,
                None if self.console.is_none() => return Ok(()),
                None => {
                    // Once: after a refusal, the finding's help says more.
                    if !std::mem::replace(&mut hinted, true) {
                        self.show_hint(question)?;
                    }
                    match self.prompt(question)? {
                        Some(answer) => answer,
                        None => return Ok(()),
                    }
                }
            };
            let Some(value) = question.shape.value(&answer) else { return Ok(()) };
            set(&mut self.doc, &question.pointer, value);
            if self.keep(&question.pointer)? {
                return Ok(());
            }
        }
    }

    /// Items from the flags, then, at a terminal and if none was accepted,
    /// one prompt per item until an empty line.
    fn ask_list(&mut self, question: &Question, offered: VecDeque<String>) -> Result<(), Error> {
        for answer in offered {
            self.add_item(question, answer)?;
        }
        if self.console.is_none() || self.items(question) > 0 {
            return Ok(());
        }
        self.show_hint(question)?;
        loop {
            let count = self.items(question);
            let more = if count == 0 { "" } else { " (an empty line ends the list)" };
            let answer = self.console_mut().answer(&format!("{} {}{more}: ", question.label, count + 1))?;
            match answer.as_str() {
                "" if count == 0 && question.required => self.console_mut().say("  at least one is needed")?,
                "" => return Ok(()),
                _ => self.add_item(question, answer)?,
            }
        }
    }

    fn add_item(&mut self, question: &Question, answer: String) -> Result<(), Error> {
        let mut items = self.doc.pointer(&question.pointer).and_then(Value::as_array).cloned().unwrap_or_default();
        let item = format!("{}/{}", question.pointer, items.len());
        items.push(Value::String(answer));
        set(&mut self.doc, &question.pointer, Value::Array(items));
        self.keep(&item).map(drop)
    }

    fn items(&self, question: &Question) -> usize {
        self.doc.pointer(&question.pointer).and_then(Value::as_array).map_or(0, Vec::len)
    }

    /// At a terminal, checks the answer just put at `pointer` and takes it
    /// back, showing why, if the document now has an error; from flags,
    /// everything is checked once at the end.
    fn keep(&mut self, pointer: &str) -> Result<bool, Error> {
        if self.console.is_none() {
            return Ok(true);
        }
        let errors = self.errors_so_far()?;
        if errors.is_empty() {
            return Ok(true);
        }
        remove(&mut self.doc, pointer);
        self.console_mut().show(&errors)?;
        Ok(false)
    }

    /// Asks `question` at the terminal: `None` for an empty answer to an
    /// optional question, the default for an empty answer if there is one.
    fn prompt(&mut self, question: &Question) -> Result<Option<String>, Error> {
        let default = self.default_answer(question);
        let mut prompt = question.label.clone();
        if !question.choices.is_empty() {
            prompt.push_str(&format!(" ({})", question.choices.join(", ")));
        }
        if let Some(default) = &default {
            prompt.push_str(&format!(" [{default}]"));
        } else if question.shape == Shape::Bool {
            prompt.push_str(" (y/N)");
        } else if !question.required {
            prompt.push_str(" (optional)");
        }
        prompt.push_str(": ");
        loop {
            let answer = self.console_mut().answer(&prompt)?;
            match (answer.is_empty(), &default) {
                (false, _) => return Ok(Some(answer)),
                (true, Some(default)) => return Ok(Some(default.clone())),
                (true, None) if !question.required => return Ok(None),
                (true, None) => self.console_mut().say("  an answer is needed")?,
            }
        }
    }

    fn show_hint(&mut self, question: &Question) -> Result<(), Error> {
        match &question.hint {
            Some(hint) => self.console_mut().say(&format!("  {hint}")),
            None => Ok(()),
        }
    }

    fn console_mut(&mut self) -> &mut Console<'c> {
        self.console.as_mut().expect("only asked at a terminal")
    }

    fn default_answer(&self, question: &Question) -> Option<String> {
        match &question.default {
            Fallback::None => None,
            Fallback::Fixed(answer) => Some(answer.clone()),
            Fallback::Copy { from, lowercase } => {
                let source = self.doc.pointer(from)?.as_str()?;
                Some(if *lowercase { source.to_lowercase() } else { source.to_owned() })
            }
        }
    }

    /// The errors in what is answered so far: a field not answered yet is
    /// not one.
    fn errors_so_far(&mut self) -> Result<Vec<Finding>, Error> {
        let checked = self.check()?;
        Ok(checked.findings.into_iter().filter(|f| f.is_error() && self.is_answered(&f.path)).collect())
    }

    fn is_answered(&self, pointer: &str) -> bool {
        self.doc.pointer(pointer).is_some()
    }

    /// Checks the document as `validate` checks a file of this roll: the
    /// file's own rules, then the rules across the roll with it added. Only
    /// its own findings are kept; once it has a valid id, its path is
    /// checked too (nothing there, nothing to write through).
    fn check(&self) -> Result<Checked, Error> {
        let path = self.path();
        let text = yaml::to_canonical(&self.ordered());
        let ctx = Context { config: &self.config, as_of: self.options.as_of };
        let mut findings = Vec::new();
        if let Some((member, _)) = validate::check_document(&path, text.as_bytes(), &ctx, &self.options, &mut findings)
        {
            if path != UNNAMED && !findings.iter().any(|f| f.is_error() && f.path == "/id") {
                check_target(&self.repo, &path)?;
            }
            findings.extend(crate::roll::neighbours::caused_findings(&self.roll, &member, None, &ctx, &self.options));
        }
        findings.retain(|f| f.file == path);
        finding::sort_and_dedup(&mut findings);
        Ok(Checked { path, text, findings })
    }

    /// The document with its fields in the order the schema lists them, as
    /// in `examples/`, whatever order they were answered in.
    fn ordered(&self) -> Value {
        fn order(value: &Value, schema: &Compiled, node: Option<&Value>) -> Value {
            let (Value::Object(map), Some(properties)) =
                (value, node.map(|n| schema.resolve(n)).and_then(|n| n.get("properties")).and_then(Value::as_object))
            else {
                return value.clone();
            };
            let listed =
                properties.iter().filter_map(|(name, node)| Some((name, order(map.get(name)?, schema, Some(node)))));
            let rest = map.iter().filter(|(name, _)| !properties.contains_key(*name)).map(|(n, v)| (n, v.clone()));
            Value::Object(listed.chain(rest).map(|(name, v)| (name.clone(), v)).collect())
        }
        let schema = &self.config.schema;
        order(&self.doc, schema, schema.field(""))
    }

    /// `members/<shard>/<id>.yaml`, once the id makes a member file's path.
    fn path(&self) -> String {
        let path = self.doc.get("id").and_then(Value::as_str).map(layout::member_path);
        path.filter(|p| layout::is_member_path(p)).unwrap_or_else(|| UNNAMED.to_owned())
    }

    /// The findings of an application that stopped at tier or kind: about
    /// what was answered, and what those questions lack.
    fn refused(&mut self, asked: &[Question]) -> Error {
        let checked = match self.check() {
            Ok(checked) => checked,
            Err(e) => return e,
        };
        let reached = |f: &Finding| asked.iter().any(|q| q.pointer == f.path);
        let findings = checked.findings.iter().filter(|f| self.is_answered(&f.path) || reached(f)).cloned().collect();
        refusal(Checked { findings, ..checked }, self.missing(asked))
    }

    /// The flags of the required questions left unanswered.
    fn missing(&self, asked: &[Question]) -> Vec<String> {
        asked
            .iter()
            .filter(|q| q.required && !q.quiet && !self.is_answered(&q.pointer))
            .map(|q| format!("--{}", q.flag))
            .collect()
    }

    /// Creates the directories one by one without following a link, and
    /// the file only if nothing is there.
    fn write(&self, path: &str, text: &str) -> Result<(), Error> {
        check_target(&self.repo, path)?;
        for dir in member_dirs(path) {
            let full = self.repo.join(dir);
            match fs::create_dir(&full) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(Error::CannotRun(format!("cannot create {dir}: {e}"))),
            }
            plain_dir(&self.repo, dir)?;
        }
        atomic::create(&self.repo.join(path), text.as_bytes()).map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => Error::Exists(path.to_owned()),
            _ => Error::CannotRun(format!("cannot write {path}: {e}")),
        })
    }
}

fn refusal(checked: Checked, missing: Vec<String>) -> Error {
    Error::Refused { path: checked.path, text: checked.text, findings: checked.findings, missing }
}

const ACCOUNT_ID_HINT: &str = "the number shown as \"id\" at https://api.github.com/users/LOGIN";

/// `--amount-usd` for `amount_usd`; `--link`, once per item, for `links`.
fn flag_name(property: &str, shape: Shape) -> String {
    let flag = property.replace('_', "-");
    match flag.strip_suffix('s') {
        Some(one) if shape == Shape::List => one.to_owned(),
        _ => flag,
    }
}

/// The schema's help for a field: `x-help`, else its `description`.
fn help_of(node: &Value) -> Option<String> {
    node.get("x-help").or_else(|| node.get("description")).and_then(Value::as_str).map(str::to_owned)
}

/// `individual  person  free; 1 vote`, for the list of tiers.
fn describe_tier(tier: &Tier) -> String {
    let holders: Vec<&str> = tier.holders.iter().map(|k| k.as_str()).collect();
    let mut fee = if tier.fee_usd == 0 { "free".to_owned() } else { format!("{} USD a year", thousands(tier.fee_usd)) };
    if let Some(fte) = tier.fte {
        fee.push_str(&format!(" or {fte} FTE"));
    }
    if tier.in_kind {
        fee.push_str(" or in kind");
    }
    let votes = if tier.votes == 1 { "1 vote".to_owned() } else { format!("{} votes", tier.votes) };
    format!("{:<12}{:<24}{fee}; {votes}", tier.name, holders.join(" or "))
}

/// `2,500` for 2500.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `members` and `members/<shard>`, the directories above a member file.
fn member_dirs(path: &str) -> [&str; 2] {
    [MEMBERS_DIR, path.rsplit_once('/').map_or(MEMBERS_DIR, |(dir, _)| dir)]
}

/// Refuses a member file that exists, or a path through anything but plain
/// directories (a link under `members/` is never written through).
fn check_target(repo: &Path, path: &str) -> Result<(), Error> {
    for dir in member_dirs(path) {
        if !plain_dir(repo, dir)? {
            return Ok(());
        }
    }
    match fs::symlink_metadata(repo.join(path)) {
        Ok(_) => Err(Error::Exists(path.to_owned())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::CannotRun(format!("cannot inspect {path}: {e}"))),
    }
}

/// Whether `dir` exists as a directory; an error if it is anything else.
fn plain_dir(repo: &Path, dir: &str) -> Result<bool, Error> {
    match fs::symlink_metadata(repo.join(dir)) {
        Ok(meta) if meta.is_dir() => Ok(true),
        Ok(_) => Err(Error::CannotRun(format!(
            "{dir} is not a directory (a symbolic link, say); refusing to write through it"
        ))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::CannotRun(format!("cannot inspect {dir}: {e}"))),
    }
}

/// Puts `value` at `pointer`, making the mappings on the way.
fn set(doc: &mut Value, pointer: &str, value: Value) {
    let Some((parent, last)) = pointer.rsplit_once('/') else { return };
    let mut node = doc;
    for name in parent.split('/').skip(1) {
        let next = node.as_object_mut().map(|m| m.entry(name).or_insert_with(|| Value::Object(Map::new())));
        match next {
            Some(next) => node = next,
            None => return,
        }
    }
    if let Value::Object(map) = node {
        map.insert(last.to_owned(), value);
    }
}

/// Takes back the value at `pointer`, and any mapping or list it leaves empty.
fn remove(doc: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else { return };
    if let Some(node) = doc.pointer_mut(parent) {
        match node {
            Value::Object(map) => {
                map.remove(last);
            }
            Value::Array(items) => {
                items.pop();
            }
            _ => {}
        }
    }
    let emptied = doc
        .pointer(parent)
        .is_some_and(|n| n.as_object().is_some_and(Map::is_empty) || n.as_array().is_some_and(Vec::is_empty));
    if !parent.is_empty() && emptied {
        remove(doc, parent);
    }
}

/// What the applicant does next, as commands to copy.
pub fn next_steps(repo: &Path, applied: &Applied) -> String {
    let value = &applied.value;
    let id = value["id"].as_str().unwrap_or_default();
    let tier = value["tier"].as_str().unwrap_or_default();
    let account = if value["kind"] == "organization" { &value["representative"] } else { value };
    let login = account["github"].as_str().unwrap_or_default();
    let account_id = account["github_id"].as_u64().unwrap_or_default();
    let mut commands = Vec::new();
    if repo != Path::new(".") {
        commands.push(format!("cd {}", shell_quote(&repo.to_string_lossy())));
    }
    commands.extend([
        "rollcall validate                # the roll with your file, as CI checks it".to_owned(),
        format!("git checkout -b apply-{id}"),
        format!("git add {}", applied.path),
        format!("git commit -m \"Apply for {tier} membership: {id}\""),
        format!("git push -u origin apply-{id}"),
    ]);
    let mut steps = String::from("Next steps:\n");
    commands.iter().for_each(|c| steps.push_str(&format!("  {c}\n")));
    steps.push_str(&format!(
        "Then open a pull request from the GitHub account {login} (account id {account_id}): its check compares \
         that account with the file.\nCI runs `rollcall check-pr` on the pull request; to run the same check \
         yourself:\n  rollcall check-pr --base origin/main --head HEAD --author {login} --author-id {account_id}\n"
    ));
    if repo.join(".vscode/settings.json").is_file() {
        steps.push_str(
            "To edit the file by hand, open the ledger in an editor with the YAML language server (VS Code's \
             YAML extension): .vscode/settings.json gives it the member schema, so it completes fields and \
             marks mistakes as you type.\n",
        );
    }
    steps
}

/// `text` as one shell word.
fn shell_quote(text: &str) -> String {
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c)) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}
