//! JSON Schema (draft 2020-12) checks with located findings.
//!
//! The member schema (`schema/member.schema.json`) is the validator's real
//! input: it is loaded from the ledger, checked against the draft 2020-12
//! meta-schema with the same line/column precision as a member file, and
//! every violation becomes a finding. A subschema may name the rule its
//! violations belong to and say how to fix them, with `x-rule` and `x-help`.

use crate::finding::{Finding, Pos, parent_pointer, pointer_segment, quoted};
use crate::roll::yaml::{self, Spans};
use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

pub(crate) const MEMBER_SCHEMA_FILE: &str = "schema/member.schema.json";
/// A schema or policy file that cannot be used as one.
pub(crate) const SCHEMA_INVALID: &str = "config.invalid";

/// A compiled schema, kept with its source for `x-rule` and `x-help`.
pub struct Compiled {
    validator: Validator,
    source: Value,
}

impl Compiled {
    /// The schema as the ledger's file has it.
    pub fn source(&self) -> &Value {
        &self.source
    }

    pub fn new(source: Value) -> Result<Compiled, ValidationError<'static>> {
        let validator = jsonschema::draft202012::options().should_validate_formats(true).build(&source)?;
        Ok(Compiled { validator, source })
    }

    /// Whether the schema defines the top-level field `name`.
    pub(crate) fn defines_field(&self, name: &str) -> bool {
        self.source.get("properties").and_then(Value::as_object).is_some_and(|p| p.contains_key(name))
    }

    /// The subschema of the member field at `pointer` (`/a/b` is the
    /// property `b` of the property `a`), `$ref`s followed on the way but
    /// not at the end, so that its own `description` is kept.
    pub fn field(&self, pointer: &str) -> Option<&Value> {
        pointer.split('/').skip(1).try_fold(&self.source, |node, name| self.resolve(node).get("properties")?.get(name))
    }

    /// `node`, or what its local `$ref` points to (a few levels deep at most).
    pub(crate) fn resolve<'s>(&'s self, node: &'s Value) -> &'s Value {
        let mut node = node;
        for _ in 0..8 {
            match local_ref(&self.source, node) {
                Some(target) => node = target,
                None => break,
            }
        }
        node
    }

    /// Every `x-rule` name the schema declares.
    pub fn rule_names(&self) -> Vec<String> {
        fn collect(value: &Value, out: &mut Vec<String>) {
            match value {
                Value::Object(map) => {
                    if let Some(Value::String(rule)) = map.get("x-rule") {
                        out.push(rule.clone());
                    }
                    map.values().for_each(|v| collect(v, out));
                }
                Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
                _ => {}
            }
        }
        let mut names = Vec::new();
        collect(&self.source, &mut names);
        names
    }

    /// Checks `value` (the content of `file`) and locates every violation.
    pub fn check(&self, file: &str, value: &Value, spans: &Spans) -> Vec<Finding> {
        if self.validator.is_valid(value) {
            return Vec::new();
        }
        let mut findings = Vec::new();
        for error in self.validator.iter_errors(value) {
            self.locate(file, &error, spans, &mut findings);
        }
        findings
    }

    fn locate(&self, file: &str, error: &ValidationError<'_>, spans: &Spans, out: &mut Vec<Finding>) {
        let pointer = error.instance_path().as_str();
        let annotations = Annotations::along(&self.source, error.schema_path().as_str());
        let rule = annotations.rule.clone().unwrap_or_else(|| format!("schema.{}", kebab(error.kind().keyword())));
        let instance = error.instance();
        let mut push = |path: &str, pos: Pos, message: String, default_help: String| {
            let help = annotations.help.clone().unwrap_or(default_help);
            out.push(Finding::error(rule.clone(), file, pos, path, message, help));
        };
        match error.kind() {
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let path = format!("{pointer}/{}", pointer_segment(name));
                let here = if pointer.is_empty() { "the file" } else { "this mapping" };
                push(
                    &path,
                    spans.locate(pointer),
                    format!("missing required field `{name}`"),
                    format!("add `{name}:` to {here}"),
                );
            }
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                let allowed = annotations.allowed_fields();
                for name in unexpected {
                    let path = format!("{pointer}/{}", pointer_segment(name));
                    let pos = spans.key(&path).unwrap_or_else(|| spans.locate(pointer));
                    let help = if allowed.is_empty() {
                        "remove it".to_owned()
                    } else {
                        format!("remove it or fix its spelling; fields allowed here: {}", allowed.join(", "))
                    };
                    push(&path, pos, format!("unknown field {}", quoted(name)), help);
                }
            }
            kind => {
                let (message, help) = describe(kind, instance);
                let instead = instance.as_str().and_then(|value| annotations.instead?.get(value)?.as_str());
                match instead {
                    Some(instead) => {
                        let help = format!("{instead}; {}", annotations.help.as_deref().unwrap_or(&help));
                        out.push(Finding::error(rule.clone(), file, spans.locate(pointer), pointer, message, help));
                    }
                    None => push(pointer, spans.locate(pointer), message, help),
                }
            }
        }
    }
}

/// A message and a default help for one violation, quoting the value safely.
fn describe(kind: &ValidationErrorKind, instance: &Value) -> (String, String) {
    let shown = show(instance);
    match kind {
        ValidationErrorKind::Type { kind } => {
            let expected = format!("{kind:?}").to_lowercase().replace("single(", "").replace(')', "");
            let help = if expected.contains("string") && !instance.is_string() {
                "put the value in double quotes".to_owned()
            } else {
                format!("write a value of type {expected} here")
            };
            (format!("expected {expected}, found {} {shown}", type_name(instance)), help)
        }
        ValidationErrorKind::Enum { options } => {
            let listed = options.as_array().map(|o| o.iter().map(show).collect::<Vec<_>>()).unwrap_or_default();
            if listed.len() <= 12 {
                (format!("{shown} is not one of the allowed values"), format!("use one of: {}", listed.join(", ")))
            } else {
                (
                    format!("{shown} is not one of the allowed values"),
                    "use one of the values the schema lists".to_owned(),
                )
            }
        }
        ValidationErrorKind::Constant { expected_value } => {
            (format!("{shown} is not allowed here"), format!("the value must be {}", show(expected_value)))
        }
        ValidationErrorKind::Pattern { .. } | ValidationErrorKind::Format { .. } => {
            (format!("{shown} does not have the expected form"), "see examples/ for a valid value".to_owned())
        }
        ValidationErrorKind::MinLength { limit } => {
            (format!("too short: at least {limit} characters are needed"), "write more".to_owned())
        }
        ValidationErrorKind::MaxLength { limit } => {
            (format!("too long: at most {limit} characters are allowed"), "shorten it".to_owned())
        }
        ValidationErrorKind::MinItems { limit } => {
            (format!("at least {limit} items are needed"), "add items to the list".to_owned())
        }
        ValidationErrorKind::MaxItems { limit } => {
            (format!("at most {limit} items are allowed"), "remove items from the list".to_owned())
        }
        ValidationErrorKind::Minimum { limit } | ValidationErrorKind::ExclusiveMinimum { limit } => {
            (format!("{shown} is below the minimum {limit}"), format!("use a value of at least {limit}"))
        }
        ValidationErrorKind::Maximum { limit } | ValidationErrorKind::ExclusiveMaximum { limit } => {
            (format!("{shown} is above the maximum {limit}"), format!("use a value of at most {limit}"))
        }
        ValidationErrorKind::UniqueItems => {
            ("the list repeats an item".to_owned(), "remove the repeated item".to_owned())
        }
        ValidationErrorKind::FalseSchema | ValidationErrorKind::Not { .. } => {
            ("this value is not allowed here".to_owned(), "remove it".to_owned())
        }
        other => {
            (format!("schema violation ({})", other.keyword()), "see the schema for what is allowed here".to_owned())
        }
    }
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => quoted(s),
        Value::Object(_) => "a mapping".to_owned(),
        Value::Array(_) => "a list".to_owned(),
        other => quoted(&other.to_string()),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "mapping",
    }
}

/// `additionalProperties` → `additional-properties`.
fn kebab(keyword: &str) -> String {
    let mut out = String::new();
    for c in keyword.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The innermost `x-rule` and `x-help` on the way from the schema's root to
/// the keyword that failed, following local `$ref`s.
struct Annotations<'s> {
    rule: Option<String>,
    help: Option<String>,
    /// The schema object holding the failed keyword.
    holder: Option<&'s Value>,
    /// `x-instead`: for a common value that is refused, what to write
    /// instead and why (`"UK"`: the United Kingdom's code is GB).
    instead: Option<&'s serde_json::Map<String, Value>>,
}

impl<'s> Annotations<'s> {
    fn along(root: &'s Value, schema_path: &str) -> Annotations<'s> {
        let mut found = Annotations { rule: None, help: None, holder: None, instead: None };
        let mut node = root;
        let segments: Vec<String> =
            schema_path.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect();
        for segment in &segments {
            found.note(node);
            found.holder = Some(node);
            let next = if segment == "$ref" {
                local_ref(root, node)
            } else {
                match node {
                    Value::Object(map) => map.get(segment.as_str()),
                    Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
                    _ => None,
                }
            };
            match next {
                Some(next) => node = next,
                None => break,
            }
        }
        found
    }

    fn note(&mut self, node: &'s Value) {
        if let Some(rule) = node.get("x-rule").and_then(Value::as_str) {
            self.rule = Some(rule.to_owned());
            self.help = None;
            self.instead = None;
        }
        if let Some(instead) = node.get("x-instead").and_then(Value::as_object) {
            self.instead = Some(instead);
        }
        if let Some(help) = node.get("x-help").and_then(Value::as_str) {
            self.help = Some(help.to_owned());
        }
    }

    fn allowed_fields(&self) -> Vec<String> {
        self.holder
            .and_then(|h| h.get("properties"))
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    }
}

/// The target of `node`'s `$ref` within the same schema (`#/$defs/…`).
fn local_ref<'s>(root: &'s Value, node: &Value) -> Option<&'s Value> {
    node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')).and_then(|p| root.pointer(p))
}

/// Loads the member schema from its file, refusing one that is not a valid
/// draft 2020-12 schema, with every problem located in the schema file.
pub fn load_member_schema(bytes: &[u8]) -> Result<Compiled, Vec<Finding>> {
    let file = MEMBER_SCHEMA_FILE;
    let doc = yaml::load(file, bytes, yaml::CONFIG_LIMITS, yaml::Layout::Free);
    let Some(value) = doc.value else {
        return Err(doc.findings);
    };
    if !doc.findings.is_empty() {
        return Err(doc.findings);
    }
    const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";
    if value.get("$schema").and_then(Value::as_str) != Some(DRAFT) {
        return Err(vec![Finding::error(
            SCHEMA_INVALID,
            file,
            doc.spans.locate("/$schema"),
            "/$schema",
            "the member schema must declare JSON Schema draft 2020-12",
            format!("set \"$schema\": \"{DRAFT}\""),
        )]);
    }
    let meta = jsonschema::draft202012::meta::validator();
    let mut findings: Vec<Finding> = meta
        .iter_errors(&value)
        .map(|e| {
            let pointer = e.instance_path().as_str();
            Finding::error(
                SCHEMA_INVALID,
                file,
                doc.spans.locate(pointer),
                pointer,
                format!("not a valid JSON Schema: {}", describe(e.kind(), e.instance()).0),
                "see https://json-schema.org/draft/2020-12 for what this keyword takes",
            )
        })
        .collect();
    if !findings.is_empty() {
        return Err(findings);
    }
    Compiled::new(value).map_err(|e| {
        let pointer = e.instance_path().as_str().to_owned();
        let pointer = if doc.spans.value(&pointer).is_some() { pointer } else { parent_pointer(&pointer).to_owned() };
        findings.push(Finding::error(
            SCHEMA_INVALID,
            file,
            doc.spans.locate(&pointer),
            &pointer,
            format!("the schema cannot be compiled: {}", quoted(&e.to_string())),
            "fix the keyword at this place (a regular expression or a `$ref`, usually)",
        ));
        findings
    })
}
