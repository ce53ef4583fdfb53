//! The names of the rules judged outside `roll/`: a pull request, an
//! event, the history. The registry (`RULES`) owns every name, so it never
//! imports from the layers above it; each judge imports its names from
//! here. Search for a rule's name (`"history.linear"`) to find its constant
//! here, then the constant to find where it is judged.

/// `pr.*`: a pull request, judged by `change/pull_request.rs` (`check-pr`).
pub mod pr {
    pub const PATH: &str = "pr.path";
    pub const GIT_METADATA: &str = "pr.git-metadata";
    pub const FILE_MODE: &str = "pr.file-mode";
    pub const DELETION: &str = "pr.deletion";
    pub const ONE_MEMBER_FILE: &str = "pr.one-member-file";
    pub const MIXED_CHANGE: &str = "pr.mixed-change";
    pub const AUTHOR: &str = "pr.author";
    pub const IDENTITY_CHANGE: &str = "pr.identity-change";
    pub const MERGER_FIELD: &str = "pr.merger-field";
    pub const STATUS_CHANGE: &str = "pr.status-change";
    pub const MAINTENANCE: &str = "pr.maintenance";
    pub const UNRELATED_HISTORY: &str = "pr.unrelated-history";
    pub const INDEX: &str = "pr.index";
}

/// `approval.*`: who approved an event, judged by `change/approval.rs`.
pub mod approval {
    pub const AUTHORISED: &str = "approval.authorised";
    pub const NOT_SELF: &str = "approval.not-self";
    pub const NOT_SAME_ORGANIZATION: &str = "approval.not-same-organization";
    pub const COUNT: &str = "approval.count";
    pub const PAYMENT: &str = "approval.payment";
    pub const IN_KIND_BOARD: &str = "approval.in-kind-board";
    pub const BOARD_DECISION: &str = "approval.board-decision";
}

/// `lifecycle.*` and `merge.*`: an event being recorded, judged by
/// `change/merge.rs`.
pub mod lifecycle {
    pub const TRANSITION: &str = "lifecycle.transition";
    pub const STAMP: &str = "lifecycle.stamp";
    pub const NOT_A_MEMBER_CHANGE: &str = "merge.member-change";
    pub const UNKNOWN_MEMBER: &str = "lifecycle.unknown-member";
}

/// `history.*`: the ledger's history, judged by `history/log.rs` (which
/// commits are events) and `history/verify.rs` (the replay).
pub mod history {
    pub const EVENT_CHANGE: &str = "history.event-change";
    pub const MALFORMED_EVENT: &str = "history.malformed-event";
    pub const UNRECORDED_CHANGE: &str = "history.unrecorded-change";
    pub const LINEAR: &str = "history.linear";
    pub const PREVIOUS_EVENT: &str = "history.previous-event";
    pub const DATE_ORDER: &str = "history.date-order";
    pub const NUMBER_REUSED: &str = "history.number-reused";
    pub const STAMPED: &str = "history.stamped";
    pub const MEMBER_FIELDS: &str = "history.member-fields";
    pub const SIGNATURE: &str = "history.signature";
    pub const SIGNERS_FILE: &str = "history.allowed-signers";
}

/// `checkpoint.*`: a signed checkpoint of the ledger, judged by
/// `history/verify.rs`.
pub mod checkpoint {
    pub const EXTENDS: &str = "checkpoint.extends";
    pub const STATE_HASH: &str = "checkpoint.state";
    pub const CHECKPOINT_SIGNATURE: &str = "checkpoint.signature";
    pub const CHECKPOINT_ORIGIN: &str = "checkpoint.origin";
}
