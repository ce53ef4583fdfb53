//! How rollcall's findings and judgements are printed: reports in each
//! format, the pull-request summary, the generated CODEOWNERS, the member
//! schema in the draft editors read.

pub mod codeowners;
pub mod editor_schema;
pub mod export;
pub mod lines;
pub mod report;
pub mod summary;
