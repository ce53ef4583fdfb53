//! The names of the rules judged outside `roll/`: a pull request, an
//! event, the history, a BLT ballot file. The registry (`RULES`) owns every name, so it never
//! imports from the layers above it; each judge imports its names from
//! here. Search for a rule's name (`"history.linear"`) to find its constant
//! here, then the constant to find where it is judged.

/// `pr.*`: a pull request, judged by `change/pull_request.rs` (`check-pr`).
pub mod pr {
    pub(crate) const PATH: &str = "pr.path";
    pub(crate) const GIT_METADATA: &str = "pr.git-metadata";
    pub(crate) const FILE_MODE: &str = "pr.file-mode";
    pub(crate) const DELETION: &str = "pr.deletion";
    pub(crate) const ONE_MEMBER_FILE: &str = "pr.one-member-file";
    pub(crate) const MIXED_CHANGE: &str = "pr.mixed-change";
    pub(crate) const AUTHOR: &str = "pr.author";
    pub(crate) const IDENTITY_CHANGE: &str = "pr.identity-change";
    pub(crate) const MERGER_FIELD: &str = "pr.merger-field";
    pub(crate) const STATUS_CHANGE: &str = "pr.status-change";
    pub(crate) const MAINTENANCE: &str = "pr.maintenance";
    pub(crate) const UNRELATED_HISTORY: &str = "pr.unrelated-history";
    pub(crate) const INDEX: &str = "pr.index";
}

/// `approval.*`: who approved an event, judged by `change/approval.rs`.
pub mod approval {
    pub(crate) const AUTHORISED: &str = "approval.authorised";
    pub(crate) const NOT_SELF: &str = "approval.not-self";
    pub(crate) const NOT_SAME_ORGANIZATION: &str = "approval.not-same-organization";
    pub(crate) const COUNT: &str = "approval.count";
    pub(crate) const PAYMENT: &str = "approval.payment";
    pub(crate) const IN_KIND_BOARD: &str = "approval.in-kind-board";
    pub(crate) const BOARD_DECISION: &str = "approval.board-decision";
}

/// `lifecycle.*` and `merge.*`: an event being recorded, judged by
/// `change/merge.rs`.
pub mod lifecycle {
    pub(crate) const TRANSITION: &str = "lifecycle.transition";
    pub(crate) const STAMP: &str = "lifecycle.stamp";
    pub(crate) const NOT_A_MEMBER_CHANGE: &str = "merge.member-change";
    pub(crate) const ALREADY_MERGED: &str = "merge.already-merged";
    pub(crate) const UNKNOWN_MEMBER: &str = "lifecycle.unknown-member";
}

/// `history.*`: the ledger's history, judged by `history/log.rs` (which
/// commits are events) and `history/verify.rs` (the replay).
pub mod history {
    pub(crate) const EVENT_CHANGE: &str = "history.event-change";
    pub(crate) const MALFORMED_EVENT: &str = "history.malformed-event";
    pub(crate) const UNRECORDED_CHANGE: &str = "history.unrecorded-change";
    pub(crate) const LINEAR: &str = "history.linear";
    pub(crate) const PREVIOUS_EVENT: &str = "history.previous-event";
    pub(crate) const DATE_ORDER: &str = "history.date-order";
    pub(crate) const FUTURE_DATE: &str = "history.future-date";
    pub(crate) const NUMBER_REUSED: &str = "history.number-reused";
    pub(crate) const STAMPED: &str = "history.stamped";
    pub(crate) const MEMBER_FIELDS: &str = "history.member-fields";
    pub const SIGNATURE: &str = "history.signature";
    pub(crate) const SIGNERS_FILE: &str = "history.allowed-signers";
    pub(crate) const GENESIS: &str = "history.genesis";
    pub(crate) const UNAPPROVED_AMENDMENT: &str = "history.unapproved-amendment";
    pub(crate) const ANCHOR_ROTATION: &str = "history.anchor-rotation";
    pub(crate) const AMENDMENT_CHANGE: &str = "history.amendment-change";
    pub(crate) const INDEX: &str = "history.index";
}

/// `amend.*`: an amendment of the rules, judged by `change/amendment.rs`
/// (`check-pr`, `rollcall amend`) and replayed by `history/verify.rs`.
pub mod amend {
    pub(crate) const AMEND_APPROVALS: &str = "amend.approvals";
    pub(crate) const AMEND_SCOPE: &str = "amend.scope";
    pub(crate) const AMEND_BASE: &str = "amend.base";
}

/// `checkpoint.*`: a signed checkpoint of the ledger, judged by
/// `history/verify.rs`.
pub mod checkpoint {
    pub(crate) const EXTENDS: &str = "checkpoint.extends";
    pub(crate) const STATE_HASH: &str = "checkpoint.state";
    pub(crate) const CHECKPOINT_SIGNATURE: &str = "checkpoint.signature";
    pub(crate) const CHECKPOINT_ORIGIN: &str = "checkpoint.origin";
}

/// `blt.*`: a BLT ballot file, judged by `election/blt.rs` (`tally`).
pub mod blt {
    pub(crate) const TOO_LARGE: &str = "blt.too-large";
    pub(crate) const ENCODING: &str = "blt.encoding";
    pub(crate) const HEADER: &str = "blt.header";
    pub(crate) const SEATS: &str = "blt.seats";
    pub(crate) const CANDIDATE_RANGE: &str = "blt.candidate-range";
    pub(crate) const WITHDRAWN_REPEATED: &str = "blt.withdrawn-repeated";
    pub(crate) const WEIGHT: &str = "blt.weight";
    pub(crate) const TOTAL_WEIGHT: &str = "blt.total-weight";
    pub(crate) const EQUAL_RANKING: &str = "blt.equal-ranking";
    pub(crate) const REPEATED_PREFERENCE: &str = "blt.repeated-preference";
    pub(crate) const MISSING_TERMINATOR: &str = "blt.missing-terminator";
    pub(crate) const TOO_MANY_BALLOTS: &str = "blt.too-many-ballots";
    pub(crate) const MISSING_END: &str = "blt.missing-end";
    pub(crate) const SYNTAX: &str = "blt.syntax";
    pub(crate) const NAME_SYNTAX: &str = "blt.name-syntax";
    pub(crate) const NAME_COUNT: &str = "blt.name-count";
    pub(crate) const NAME_DUPLICATE: &str = "blt.name-duplicate";
    pub(crate) const NAME_INVALID: &str = "blt.name-invalid";
}

/// `mirror.*`: a mirror membership checked against the foundation's mirror
/// list (a local checkout of it), judged by `roll/mirrors.rs` for
/// `validate`, `check-pr`, `merge`, `renew` and `mirrors check`.
pub mod mirror {
    pub const UNCHECKED: &str = "mirror.unchecked";
    pub const DEFINITION: &str = "mirror.definition";
    pub const DEFINITION_REFUSED: &str = "mirror.definition-refused";
    pub const DEFINITION_NAME: &str = "mirror.definition-name";
    pub const DEFINITION_HTTPS: &str = "mirror.definition-https";
    pub const LINK: &str = "mirror.link";
    pub const COUNTRY: &str = "mirror.country";
    pub const UNREACHABLE: &str = "mirror.unreachable";
    pub const STALE: &str = "mirror.stale";
}

/// `election.*`: an election file, judged by `election/file.rs`, and its
/// events, judged by `history/elections.rs`.
pub mod election {
    pub(crate) const ELECTION_FILE_RULE: &str = "election.file";
    pub(crate) const ELECTION_ID: &str = "election.id";
    pub(crate) const ELECTION_SEATS: &str = "election.seats";
    pub(crate) const ELECTION_WINDOWS: &str = "election.windows";
    pub(crate) const ELECTION_METHOD: &str = "election.method";
    pub(crate) const ELECTION_REPLACES: &str = "election.replaces";
    pub(crate) const ELECTION_APPROVALS: &str = "election.approvals";
    pub(crate) const ELECTION_SCOPE: &str = "election.scope";
    pub(crate) const ELECTION_CLOSED: &str = "election.closed";
    pub(crate) const ELECTION_RESULT: &str = "election.result";
    pub(crate) const ELECTION_CANDIDATES: &str = "election.candidates";
    pub(crate) const ELECTION_EVENT: &str = "election.event";
}

/// `nomination.*`: a nomination, judged by `election/nomination.rs`.
pub mod nomination {
    pub(crate) const NOMINATION_FILE: &str = "nomination.file";
    pub(crate) const NOMINATION_SCOPE: &str = "nomination.scope";
    pub(crate) const NOMINATION_AUTHOR: &str = "nomination.author";
    pub(crate) const NOMINATION_WINDOW: &str = "nomination.window";
    pub(crate) const NOMINATION_ACCEPTANCE: &str = "nomination.acceptance";
    pub(crate) const NOMINATION_DUPLICATE: &str = "nomination.duplicate";
    pub(crate) const NOMINATION_NOMINATOR: &str = "nomination.nominator";
    pub(crate) const NOMINATION_NOMINEE_STANDING: &str = "nomination.nominee-standing";
    pub(crate) const NOMINATION_SELF: &str = "nomination.self";
    pub(crate) const NOMINATION_COMMITTEE: &str = "nomination.election-committee";
    pub(crate) const NOMINATION_ONE_EACH: &str = "nomination.one-each";
}

/// `box.*`: the ballot box and the box it publishes, judged by `election/ballot_box.rs`.
pub mod ballot_box {
    pub(crate) const BOX_FORMAT: &str = "box.format";
    pub(crate) const BOX_CHAIN: &str = "box.chain";
    pub(crate) const BOX_CREDENTIAL_TWICE: &str = "box.credential-twice";
    pub(crate) const BOX_RANKING: &str = "box.ranking";
    pub(crate) const BOX_WEIGHTS: &str = "box.weights";
    pub(crate) const BOX_WINDOW: &str = "box.window";
    pub(crate) const BOX_CLOSED: &str = "box.closed";
    pub(crate) const BOX_UNKNOWN_CREDENTIAL: &str = "box.unknown-credential";
}
