//! One change to the roll: a pull request judged ([`pull_request`]), its
//! approvals ([`approval`], [`reviews`]), its merge as a signed ledger event
//! ([`merge`], [`lifecycle`], [`ledger`], [`event`], [`sign`]), and a local
//! application applied to a working tree ([`apply`]); the ledger's
//! beginning ([`genesis`]); a change to the rules ([`amendment`]).

pub mod amendment;
pub mod apply;
pub mod approval;
pub mod event;
pub mod genesis;
pub mod ledger;
pub mod lifecycle;
pub mod merge;
pub mod pull_request;
pub mod reviews;
pub mod sign;
