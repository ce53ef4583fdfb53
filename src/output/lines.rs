//! The source lines a human report shows under each finding.

use crate::roll::source::Source;
use crate::roll::yaml;
use std::cell::RefCell;
use std::collections::HashMap;

/// Lines of the ledger's files, for showing findings in context: each file
/// is read once, from the first source that has it, however many findings
/// it has.
pub struct SourceLines<'s> {
    sources: &'s [Source],
    texts: RefCell<HashMap<String, Option<String>>>,
}

impl<'s> SourceLines<'s> {
    pub fn new(sources: &'s [Source]) -> SourceLines<'s> {
        SourceLines { sources, texts: Default::default() }
    }

    pub fn line(&self, file: &str, line: u32) -> Option<String> {
        let mut texts = self.texts.borrow_mut();
        let text = texts.entry(file.to_owned()).or_insert_with(|| self.sources.iter().find_map(|s| read_text(s, file)));
        let found = text.as_deref()?.split('\n').nth(line.checked_sub(1)? as usize)?;
        Some(found.trim_end_matches('\r').to_owned())
    }
}

fn read_text(source: &Source, file: &str) -> Option<String> {
    let entry = source.entry(file).ok()??;
    let bytes = source.reader().ok()?.read(&entry, yaml::CONFIG_LIMITS.max_bytes).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Line `line` of `text`, the content of `path` (written or not), for the human report.
pub fn text_line(path: &str, text: &str, file: &str, line: u32) -> Option<String> {
    (file == path).then(|| text.split('\n').nth(line.checked_sub(1)? as usize).map(str::to_owned)).flatten()
}
