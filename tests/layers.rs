//! The house keeps its layers: a module imports only from its own layer or a
//! lower one, so an import cycle between folders cannot come back silently.
//!
//! Every file under `src/` is read as text: each `crate::…` path (in a `use`
//! or in code, grouped `crate::{a, b}` included) and each `super::…` path
//! that leaves its folder names the top-level module it reaches; that
//! module's layer must not be above the file's own. Comment lines are not
//! read (a doc link is not an import).

use std::path::{Path, PathBuf};

/// Lowest first. A module may use its own layer and those before it.
const LAYERS: &[(&str, usize)] = &[
    ("util", 0),
    ("finding", 0),
    ("roll", 1),
    ("election", 2),
    ("change", 3),
    ("history", 4),
    ("output", 5),
    ("init", 6),
    ("cli", 7),
];

fn layer(top: &str) -> Option<usize> {
    LAYERS.iter().find(|(name, _)| *name == top).map(|(_, layer)| *layer)
}

/// The module path of a file under `src/`: `roll/rules/mod.rs` is
/// `roll::rules`, `change/merge.rs` is `change::merge`.
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.strip_suffix(".rs").unwrap_or(&last);
    if stem != "mod" {
        parts.push(stem.to_owned());
    }
    parts
}

fn ident_at(text: &str) -> &str {
    let end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '*')).unwrap_or(text.len());
    &text[..end]
}

/// The first segment of each item of a path at `text`: one for `a::b`,
/// each item's for `{a::b, c}`.
fn heads(text: &str) -> Vec<String> {
    let Some(group) = text.strip_prefix('{') else { return vec![ident_at(text).to_owned()] };
    let mut depth = 0;
    let mut items = vec![String::new()];
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => items.push(String::new()),
            _ => {}
        }
        if depth == 0 && c != ',' {
            items.last_mut().expect("one item").push(c);
        }
    }
    items.iter().map(|item| ident_at(item.trim()).to_owned()).filter(|h| !h.is_empty()).collect()
}

/// Each top-level module a file reaches through `crate::` or `super::`.
fn reached(module: &[String], text: &str) -> Vec<String> {
    let code: String = text.lines().filter(|l| !l.trim_start().starts_with("//")).map(|l| format!("{l}\n")).collect();
    let mut found = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        found.extend(heads(&code[at + "crate::".len()..]));
    }
    for (at, _) in code.match_indices("super::") {
        let before = &code[..at];
        if before.ends_with("super::")
            || before.chars().next_back().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            continue;
        }
        let mut rest = &code[at..];
        let mut base = module.to_vec();
        while let Some(after) = rest.strip_prefix("super::") {
            base.pop();
            rest = after;
        }
        match base.first() {
            Some(top) => found.push(top.clone()),
            None => found.extend(heads(rest)),
        }
    }
    found
}

/// What is wrong with one file: each upward reach, as a sentence.
fn violations(relative: &Path, text: &str) -> Vec<String> {
    let module = module_of(relative);
    let Some(own) = module.first().and_then(|top| layer(top)) else { return Vec::new() };
    reached(&module, text)
        .into_iter()
        .filter_map(|top| layer(&top).filter(|l| *l > own).map(|_| top))
        .map(|top| format!("{} (layer {own}) imports {top} (layer {})", relative.display(), layer(&top).unwrap_or(0)))
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_module_imports_from_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under src/");
        let text = std::fs::read_to_string(file).expect("a source file");
        if module_of(relative).first().and_then(|top| layer(top)).is_some() {
            checked += 1;
        }
        wrong.extend(violations(relative, &text));
    }
    assert!(checked > 40, "only {checked} files under src/ were checked");
    assert!(wrong.is_empty(), "imports from a layer above:\n{}", wrong.join("\n"));
}

#[test]
fn every_folder_under_src_has_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in std::fs::read_dir(&src).expect("src/ is readable") {
        let path = entry.expect("an entry").path();
        let name = path.file_stem().expect("a name").to_string_lossy().into_owned();
        if path.is_dir() || !["lib", "main"].contains(&name.as_str()) {
            assert!(layer(&name).is_some(), "src/{name} has no layer in LAYERS");
        }
    }
}

#[test]
fn an_upward_import_is_caught() {
    let roll = Path::new("roll/validate.rs");
    assert_eq!(violations(roll, "use crate::change::merge::Outcome;\n").len(), 1);
    assert_eq!(violations(roll, "use crate::{finding::Finding, history::Record};\n").len(), 1);
    assert_eq!(violations(roll, "use crate::{\n    finding::Finding,\n    output::report,\n};\n").len(), 1);
    assert_eq!(violations(roll, "fn f() { crate::history::log::log(); }\n").len(), 1);
    assert_eq!(violations(Path::new("roll/rules/file.rs"), "use super::super::super::change::merge;\n").len(), 1);
    // Down and sideways is fine; a comment is not an import.
    assert!(violations(roll, "use crate::finding::Finding;\nuse crate::roll::source::Source;\n").is_empty());
    assert!(violations(roll, "use crate::util::{atomic, parallel};\n").is_empty());
    assert!(violations(Path::new("roll/rules/file.rs"), "use super::{Context, Sink};\n").is_empty());
    assert!(violations(roll, "/// See [`crate::history`].\n").is_empty());
    assert!(violations(Path::new("output/report.rs"), "use crate::change::pull_request::Judgement;\n").is_empty());
    // The count sits below output: it may use finding and roll, not print.
    assert_eq!(violations(Path::new("election/meek.rs"), "use crate::output::report;\n").len(), 1);
    assert!(violations(Path::new("election/blt.rs"), "use crate::finding::Finding;\n").is_empty());
}
