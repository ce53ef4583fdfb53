//! How rollcall's findings and judgements are printed: reports in each
//! format, the pull-request summary, the generated CODEOWNERS.

pub mod codeowners;
pub mod lines;
pub mod report;
pub mod summary;
