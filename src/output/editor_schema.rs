//! The member schema in the form editors understand: yaml-language-server
//! reads JSON Schema draft-07 reliably and 2020-12 barely. The ledger's own
//! schema stays the validator's input; this is a rendering of it for
//! completion and hover, never a judge.

use crate::roll::policy::Policy;
use serde_json::{Map, Value};

/// Where `rollcall init` writes it, and `.vscode/settings.json` maps
/// `members/**/*.yaml` to it.
pub const EDITOR_SCHEMA_FILE: &str = ".vscode/member.schema.json";

/// `schema` (2020-12) as draft-07, with the policy's tiers as the `tier`
/// values an editor offers.
pub fn render(schema: &Value, policy: &Policy) -> String {
    let mut out = convert(schema);
    if let Some(root) = out.as_object_mut() {
        root.insert("$schema".into(), "http://json-schema.org/draft-07/schema#".into());
        root.remove("$id");
        let tiers: Vec<Value> = policy.tiers.iter().map(|t| Value::from(t.name.clone())).collect();
        if let Some(tier) = root.get_mut("properties").and_then(|p| p.get_mut("tier")).and_then(Value::as_object_mut) {
            tier.insert("enum".into(), Value::Array(tiers));
        }
    }
    let mut text = serde_json::to_string_pretty(&out).unwrap_or_default();
    text.push('\n');
    text
}

fn convert(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, v) in map {
                match key.as_str() {
                    "$defs" => {
                        out.insert("definitions".into(), convert(v));
                    }
                    "$ref" => {
                        let target = v.as_str().unwrap_or_default().replacen("#/$defs/", "#/definitions/", 1);
                        out.insert("$ref".into(), target.into());
                    }
                    // The help rollcall prints is what an editor shows on hover.
                    "x-help" if !map.contains_key("description") => {
                        out.insert("description".into(), v.clone());
                    }
                    k if k.starts_with("x-") => {}
                    _ => {
                        out.insert(key.clone(), convert(v));
                    }
                }
            }
            // Draft-07 ignores every keyword beside `$ref`: keep them by
            // moving the reference into an `allOf`.
            if out.len() > 1
                && let Some(reference) = out.remove("$ref")
            {
                let mut wrapped = Map::new();
                wrapped.insert("$ref".into(), reference);
                out.insert("allOf".into(), Value::Array(vec![Value::Object(wrapped)]));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(convert).collect()),
        other => other.clone(),
    }
}
