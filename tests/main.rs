//! The integration tests: one test binary, one module per subject, so the
//! suite links once and its tests share both cores from start to end.

mod common;

mod action;
mod amend;
mod apply;
mod browser;
mod check_pr;
mod checkpoint;
mod crash;
mod edges;
mod elections;
mod event;
mod export;
mod genesis;
mod git_tree;
mod history;
mod hostile;
mod index;
mod init;
mod layers;
mod merge;
mod mirrors;
mod model;
mod packaging;
mod report;
mod reviews;
mod roundtrip;
mod rules;
mod shipped;
mod signers;
mod tally;
mod tree_diff;
mod truth;
mod validate_cache;
