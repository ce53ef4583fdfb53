//! Every rule, registered in one list. A rule is a small named function with
//! one job; its name is the `rule` of every finding it makes, and
//! `--skip NAME` turns it off. Findings of the loader (`yaml.*`) and of the
//! member schema (`schema.*`, or the schema's own `x-rule` names) are listed
//! here too, so that every name a finding can carry is known.

mod board;
mod file;
mod identity;
mod privacy;
mod status;
mod tier;
mod tree;

pub mod names;

use names::{amend, approval, ballot_box, blt, checkpoint, election, history, lifecycle, mirror, nomination, pr};

use crate::finding::{Finding, Pos, Severity};
use crate::roll::config::Config;
use crate::roll::member::Member;
use crate::roll::source::PathEntry;
use crate::roll::yaml::{self, Spans};
use jiff::civil::Date;
use serde_json::Value;

/// What a rule looks at.
pub enum Check {
    /// One path of the tree under `members/`, before it is read.
    Entry(fn(&PathEntry, &mut Sink)),
    /// One member file, read and parsed.
    Member(fn(&MemberFile, &Context, &mut Sink)),
    /// The whole roll and the policy.
    Roll(fn(&[Member], &Context, &mut Sink)),
    /// Made while reading a file; listed so its name is known.
    Loader,
    /// Made while judging a pull request (`check-pr`).
    PullRequest,
    /// Made while recording a ledger event (`merge` and the lifecycle commands).
    Event,
    /// Made while reading the ledger's history (`log`, `verify`, checkpoints).
    History,
    /// Made while reading a BLT ballot file (`tally`).
    Ballots,
    /// Made while checking mirror members against the foundation's mirror list.
    Mirrors,
    /// Made while judging an election: its file, its nominations, its
    /// ballots and its certification.
    Election,
}

/// A rule's severity is a property of the rule, here in the registry, not
/// of the command that runs it: `validate`, `check-pr`, `merge`, the
/// lifecycle commands and `verify` all report a rule's findings at the
/// severity registered, so no two of them can disagree.
pub struct Rule {
    pub name: &'static str,
    pub summary: &'static str,
    pub check: Check,
    pub severity: Severity,
}

const fn rule(name: &'static str, summary: &'static str, check: Check) -> Rule {
    Rule { name, summary, check, severity: Severity::Error }
}

/// A rule whose findings are warnings: reported, never a reason to refuse.
const fn warning(name: &'static str, summary: &'static str, check: Check) -> Rule {
    Rule { name, summary, check, severity: Severity::Warning }
}

/// The registered severity of the rule `name` (`None` for a name not
/// registered here, such as the member schema's own).
pub fn severity(name: &str) -> Option<Severity> {
    RULES.iter().find(|r| r.name == name).map(|r| r.severity)
}

pub static RULES: &[Rule] = &[
    rule("tree.symlink", "no symbolic links under members/", Check::Entry(tree::symlink)),
    rule("tree.submodule", "no submodules under members/", Check::Entry(tree::submodule)),
    rule("tree.executable", "member files are not executable", Check::Entry(tree::executable)),
    rule("tree.special-file", "only regular files under members/", Check::Entry(tree::special_file)),
    rule("tree.file-name", "file names are UTF-8 and only members/<shard>/<id>.yaml", Check::Entry(tree::file_name)),
    rule(yaml::SYNTAX, "the file is well-formed YAML", Check::Loader),
    rule(yaml::ENCODING, "UTF-8 without a byte-order mark", Check::Loader),
    rule(yaml::CONTROL_CHARACTER, "no control characters (tabs, CR, NUL, …)", Check::Loader),
    rule(yaml::INVISIBLE_CHARACTER, "no bidirectional-control or invisible characters", Check::Loader),
    rule(yaml::TOO_LARGE, "a member file is at most 64 KiB", Check::Loader),
    rule(yaml::TOO_DEEP, "nesting stays within the depth cap", Check::Loader),
    rule(yaml::EMPTY, "the file holds a document", Check::Loader),
    rule(yaml::MULTIPLE_DOCUMENTS, "one document per file", Check::Loader),
    rule(yaml::ANCHOR, "no anchors", Check::Loader),
    rule(yaml::ALIAS, "no aliases", Check::Loader),
    rule(yaml::TAG, "no tags", Check::Loader),
    rule(yaml::MERGE_KEY, "no merge keys", Check::Loader),
    rule(yaml::COMPLEX_KEY, "keys are plain text", Check::Loader),
    rule(yaml::DUPLICATE_KEY, "no key twice in one mapping", Check::Loader),
    rule(yaml::AMBIGUOUS_SCALAR, "no unquoted value that a YAML reader could read as another type", Check::Loader),
    rule(yaml::NOT_CANONICAL, "the file is laid out exactly as rollcall writes it", Check::Loader),
    rule(crate::roll::schema::SCHEMA_INVALID, "the schema and the policy are valid", Check::Loader),
    rule(crate::roll::config::MISSING, "the schema and the policy exist", Check::Loader),
    rule("file.stem-matches-id", "the file is named <id>.yaml", Check::Member(file::stem_matches_id)),
    rule("file.in-shard", "the file sits in members/<first two characters of id>/", Check::Member(file::in_shard)),
    rule("tier.known", "the tier is one the policy defines", Check::Member(tier::known)),
    rule("tier.holder-kind", "the tier may be held by this kind of member", Check::Member(tier::holder_kind)),
    rule(
        "tier.evidence-present",
        "the application shows what its tier requires",
        Check::Member(tier::evidence_present),
    ),
    rule(
        "tier.sponsorship-terms",
        "the sponsorship is one the tier takes: in-kind, FTE and cash fee as the policy sets",
        Check::Member(tier::sponsorship_terms),
    ),
    rule(
        "status.merger-only-field",
        "an application sets no field only the merger writes",
        Check::Member(status::merger_only_field),
    ),
    rule(
        "status.admission-record",
        "an admitted member has a number, admission and expiry",
        Check::Member(status::admission_record),
    ),
    rule("status.dates-in-order", "expiry comes after admission", Check::Member(status::dates_in_order)),
    warning(
        "status.expired",
        "an active membership past its expiry is recorded as lapsed",
        Check::Member(status::expired),
    ),
    rule(
        "privacy.contact-details",
        "no e-mail address, phone number or postal address",
        Check::Member(privacy::contact_details),
    ),
    warning(
        "privacy.embargoed-country",
        "members from embargoed countries are flagged (warning)",
        Check::Member(privacy::embargoed_country),
    ),
    rule(
        "identity.id-matches-login",
        "an individual applies under their lowercase GitHub login",
        Check::Member(identity::id_matches_login),
    ),
    rule("identity.unique-id", "no two files share an id", Check::Roll(identity::unique_id)),
    rule(
        "identity.unique-github-id",
        "one membership per person (by GitHub account id)",
        Check::Roll(identity::unique_github_id),
    ),
    rule(
        "identity.unique-member-number",
        "member numbers are never shared",
        Check::Roll(identity::unique_member_number),
    ),
    rule(
        "identity.one-sponsor-tier",
        "an organization holds at most one sponsor tier",
        Check::Roll(identity::one_sponsor_tier),
    ),
    rule(
        "identity.one-mirror",
        "an organization holds at most one mirror membership",
        Check::Roll(identity::one_mirror),
    ),
    rule(
        "identity.one-representative-per-organization",
        "all memberships of one organization have the same representative",
        Check::Roll(identity::one_representative_per_organization),
    ),
    rule(
        "identity.one-organization-per-login",
        "an account represents at most one organization",
        Check::Roll(identity::one_organization_per_login),
    ),
    rule("board.size", "the board has between its minimum and maximum of directors", Check::Roll(board::size)),
    rule(
        "board.directors-per-member",
        "enough directors per member of the tier that requires it",
        Check::Roll(board::directors_per_member),
    ),
    rule(
        "board.one-per-organization",
        "at most one director per member organization",
        Check::Roll(board::one_per_organization),
    ),
    warning(
        "board.sponsor-active",
        "every director's sponsoring membership is active (warning, until the board records the seat change)",
        Check::Roll(board::sponsor_active),
    ),
    rule(
        "committee.size",
        "the membership committee's size is within policy (and odd)",
        Check::Roll(board::committee_size),
    ),
    rule(
        "committee.directors",
        "the committee includes its number of directors",
        Check::Roll(board::committee_directors),
    ),
    rule(
        "policy.references",
        "the policy names only tiers and fields that exist",
        Check::Roll(tier::policy_references),
    ),
    rule(pr::PATH, "a pull request adds or changes only members/<shard>/<id>.yaml", Check::PullRequest),
    rule(
        pr::GIT_METADATA,
        "a pull request does not touch .gitattributes, .gitmodules and the like",
        Check::PullRequest,
    ),
    rule(
        pr::FILE_MODE,
        "a pull request adds only regular files (no symlinks, submodules, executables)",
        Check::PullRequest,
    ),
    rule(pr::DELETION, "members are never deleted (nor renamed)", Check::PullRequest),
    rule(pr::ONE_MEMBER_FILE, "one member file per pull request", Check::PullRequest),
    rule(pr::MIXED_CHANGE, "a member file is not changed together with other files", Check::PullRequest),
    rule(
        pr::AUTHOR,
        "only the account a member file names (or its representative) may add or change it",
        Check::PullRequest,
    ),
    rule(pr::IDENTITY_CHANGE, "a pull request does not change who a member is", Check::PullRequest),
    rule(pr::MERGER_FIELD, "a pull request does not set or change fields only the merger writes", Check::PullRequest),
    rule(pr::STATUS_CHANGE, "the only status change a member asks for is to resign", Check::PullRequest),
    warning(pr::MAINTENANCE, "a change outside members/ is not an application (warning)", Check::PullRequest),
    rule(pr::UNRELATED_HISTORY, "the pull request shares history with its base", Check::PullRequest),
    rule(pr::INDEX, "a pull request changing the index ships the index its roll generates", Check::PullRequest),
    rule(
        approval::AUTHORISED,
        "approvers are on the membership committee (or the board, where it decides)",
        Check::Event,
    ),
    rule(approval::NOT_SELF, "nobody approves their own membership", Check::Event),
    rule(approval::NOT_SAME_ORGANIZATION, "nobody approves their own organization's membership", Check::Event),
    rule(approval::COUNT, "the tier's number of committee approvals", Check::Event),
    rule(approval::PAYMENT, "sponsor tiers need the committee's record of payment", Check::Event),
    rule(approval::IN_KIND_BOARD, "in-kind sponsorship needs a director's approval", Check::Event),
    rule(approval::BOARD_DECISION, "a termination is approved by a majority of the board", Check::Event),
    rule(lifecycle::TRANSITION, "an event follows only the statuses it may follow", Check::Event),
    rule(lifecycle::STAMP, "the event's dates and records are consistent", Check::Event),
    rule(lifecycle::UNKNOWN_MEMBER, "a lifecycle event names a member of the roll", Check::Event),
    rule(lifecycle::NOT_A_MEMBER_CHANGE, "merge records member changes only, not maintenance", Check::Event),
    rule(lifecycle::ALREADY_MERGED, "a pull request is merged once", Check::Event),
    rule(history::GENESIS, "history begins at exactly one genesis, whose roll validates whole", Check::History),
    rule(history::EVENT_CHANGE, "an event's commit changes its member file and nothing else", Check::History),
    rule(history::MALFORMED_EVENT, "ledger trailers are written by rollcall, whole", Check::History),
    rule(history::UNRECORDED_CHANGE, "member files change only in ledger events", Check::History),
    rule(history::LINEAR, "the ledger's history has no merge commits", Check::History),
    rule(history::PREVIOUS_EVENT, "each event names the event before it on the branch", Check::History),
    rule(history::DATE_ORDER, "events are recorded in date order", Check::History),
    rule(
        history::FUTURE_DATE,
        "no event is dated after the day it is recorded (one day of clock skew allowed)",
        Check::History,
    ),
    rule(history::NUMBER_REUSED, "a member number is given once, ever", Check::History),
    rule(history::STAMPED, "an event's member file is what the merger stamps for it", Check::History),
    rule(history::MEMBER_FIELDS, "an event changes only the member fields its kind may", Check::History),
    rule(history::SIGNATURE, "where the policy requires it, events are signed by an allowed key", Check::History),
    rule(history::SIGNERS_FILE, "the allowed-signers file exists and reads", Check::History),
    rule(
        history::UNAPPROVED_AMENDMENT,
        "after the genesis, schema/ changes only by an approved amendment (`rollcall amend`)",
        Check::History,
    ),
    rule(
        history::ANCHOR_ROTATION,
        "a trust anchor changes only by an amendment signed by a key allowed before it",
        Check::History,
    ),
    rule(
        history::AMENDMENT_CHANGE,
        "an amendment's commit changes the files it names and only schema/",
        Check::History,
    ),
    rule(
        history::INDEX,
        "the split index (index/) changes only as each event writes it, or as `rollcall index` builds it",
        Check::History,
    ),
    rule(
        amend::AMEND_APPROVALS,
        "an amendment is approved as the rules before it require, each director once",
        Check::Event,
    ),
    rule(amend::AMEND_SCOPE, "an amendment changes schema/ and nothing else", Check::Event),
    rule(amend::AMEND_BASE, "an amendment changes the rules in force at the branch's tip", Check::Event),
    rule(checkpoint::EXTENDS, "history extends the checkpoint: its head is an ancestor", Check::History),
    rule(checkpoint::STATE_HASH, "the roll at the checkpoint's head hashes to its state", Check::History),
    rule(checkpoint::CHECKPOINT_SIGNATURE, "a checkpoint is signed by the ledger's key", Check::History),
    rule(checkpoint::CHECKPOINT_ORIGIN, "a checkpoint is of this ledger", Check::History),
    rule(blt::TOO_LARGE, "a BLT file is at most 64 MiB", Check::Ballots),
    rule(blt::ENCODING, "a BLT file is UTF-8 text", Check::Ballots),
    rule(blt::HEADER, "the first line is `candidates seats`, two positive integers", Check::Ballots),
    rule(blt::SEATS, "there are fewer seats than candidates", Check::Ballots),
    rule(blt::CANDIDATE_RANGE, "a candidate number is between 1 and the number of candidates", Check::Ballots),
    rule(blt::WITHDRAWN_REPEATED, "a candidate is withdrawn once", Check::Ballots),
    rule(blt::WEIGHT, "a ballot's weight is a positive integer", Check::Ballots),
    rule(blt::TOTAL_WEIGHT, "the ballots' total weight is within the counting range", Check::Ballots),
    rule(blt::EQUAL_RANKING, "equal rankings (`=`) are not supported", Check::Ballots),
    rule(blt::REPEATED_PREFERENCE, "a ballot ranks each candidate once", Check::Ballots),
    rule(blt::MISSING_TERMINATOR, "a ballot line ends with 0", Check::Ballots),
    rule(
        blt::TOO_MANY_BALLOTS,
        "a BLT file holds at most 2,000,000 ballot lines (identical ballots share a line)",
        Check::Ballots,
    ),
    rule(blt::MISSING_END, "the ballots end with a line holding only 0", Check::Ballots),
    rule(blt::SYNTAX, "a token that belongs nowhere in a BLT file", Check::Ballots),
    rule(blt::NAME_SYNTAX, "a candidate name or the title is one double-quoted string on its line", Check::Ballots),
    rule(blt::NAME_COUNT, "one name per candidate, then the title", Check::Ballots),
    rule(blt::NAME_DUPLICATE, "candidate names are distinct", Check::Ballots),
    rule(blt::NAME_INVALID, "a candidate name is not empty and holds no control characters", Check::Ballots),
    rule(
        election::ELECTION_FILE_RULE,
        "an election file has the fields of an election, each of its type",
        Check::Election,
    ),
    rule(election::ELECTION_ID, "an election lives in elections/<id>/ with a lowercase id", Check::Election),
    rule(election::ELECTION_SEATS, "an election fills 1 to board.max_directors seats", Check::Election),
    rule(
        election::ELECTION_WINDOWS,
        "cut-off on or before nominations open; nominations close 10 days before voting; voting lasts 14 days",
        Check::Election,
    ),
    rule(election::ELECTION_METHOD, "an election is counted by meek or astra", Check::Election),
    rule(election::ELECTION_REPLACES, "the seats an election fills are held by directors seated now", Check::Election),
    rule(
        election::ELECTION_APPROVALS,
        "an election is opened and certified with a majority of the election committee",
        Check::Election,
    ),
    rule(election::ELECTION_SCOPE, "an election event changes its election's files and nothing else", Check::Election),
    rule(election::ELECTION_CLOSED, "an election is certified after voting closes, once", Check::Election),
    rule(
        election::ELECTION_RESULT,
        "the certified result is the count of the certified ballots, and the winners take the seats",
        Check::Election,
    ),
    rule(election::ELECTION_CANDIDATES, "the ballots' candidates are the accepted nominees", Check::Election),
    rule(election::ELECTION_EVENT, "an election event is recorded by rollcall as it writes it", Check::Election),
    rule(nomination::NOMINATION_FILE, "a nomination has the fields of a nomination, each of its type", Check::Election),
    rule(
        nomination::NOMINATION_SCOPE,
        "a nomination pull request adds or accepts one nomination and changes nothing else",
        Check::Election,
    ),
    rule(nomination::NOMINATION_AUTHOR, "a nomination is opened by its nominator's account", Check::Election),
    rule(nomination::NOMINATION_WINDOW, "nominations are made while nominations are open", Check::Election),
    rule(
        nomination::NOMINATION_ACCEPTANCE,
        "only the nominee accepts, by setting accepted to true before voting opens",
        Check::Election,
    ),
    rule(nomination::NOMINATION_DUPLICATE, "a person is nominated once per election", Check::Election),
    rule(nomination::NOMINATION_NOMINATOR, "the nominator votes on the cut-off date", Check::Election),
    rule(
        nomination::NOMINATION_NOMINEE_STANDING,
        "the nominee is a member in good standing with a vote on the cut-off date",
        Check::Election,
    ),
    rule(
        nomination::NOMINATION_SELF,
        "nobody nominates themselves, except a sponsor's representative",
        Check::Election,
    ),
    rule(nomination::NOMINATION_COMMITTEE, "the election committee cannot be nominated", Check::Election),
    rule(
        nomination::NOMINATION_ONE_EACH,
        "an individual or mirror member nominates at most one candidate",
        Check::Election,
    ),
    rule(ballot_box::BOX_FORMAT, "a published ballot box is a header, ballot lines and the head", Check::Election),
    rule(ballot_box::BOX_CHAIN, "every ballot's hash chains to the one before, up to the head", Check::Election),
    rule(ballot_box::BOX_CREDENTIAL_TWICE, "no credential or receipt counts twice", Check::Election),
    rule(ballot_box::BOX_RANKING, "a ranking names candidates, each once", Check::Election),
    rule(
        ballot_box::BOX_WEIGHTS,
        "the ballots' weights are those of the electorate of the cut-off date",
        Check::Election,
    ),
    rule(
        ballot_box::BOX_WINDOW,
        "the ballot box takes ballots while voting is open, and issues credentials before it closes",
        Check::Election,
    ),
    rule(ballot_box::BOX_CLOSED, "a closed ballot box takes no more ballots", Check::Election),
    rule(ballot_box::BOX_UNKNOWN_CREDENTIAL, "a ballot is cast with a credential the box issued", Check::Election),
    warning(
        mirror::UNCHECKED,
        "mirror memberships were not checked: no checkout of the mirror list was given (warning)",
        Check::Mirrors,
    ),
    rule(mirror::DEFINITION, "the mirror list has a definition for the mirror's hostname", Check::Mirrors),
    rule(
        mirror::DEFINITION_REFUSED,
        "the mirror's definition is a small regular file of plain YAML inside the checkout",
        Check::Mirrors,
    ),
    rule(mirror::DEFINITION_NAME, "the mirror's definition is named for its hostname", Check::Mirrors),
    rule(mirror::DEFINITION_HTTPS, "the mirror's definition gives an https address", Check::Mirrors),
    rule(mirror::LINK, "the mirror's link points at its definition in the mirror list", Check::Mirrors),
    warning(mirror::COUNTRY, "the mirror's definition is in the member's country (warning)", Check::Mirrors),
    warning(
        mirror::UNREACHABLE,
        "the mirror's TIME file could be fetched (`mirrors check --reachability`; warning)",
        Check::Mirrors,
    ),
    rule(
        mirror::STALE,
        "the mirror's TIME file is at most 24 hours old (`mirrors check --reachability`)",
        Check::Mirrors,
    ),
];

/// Whether `name` may be given to `--skip`.
pub(crate) fn is_known(name: &str, config: &Config) -> bool {
    RULES.iter().any(|r| r.name == name)
        || name.starts_with("schema.")
        || config.schema.rule_names().iter().any(|n| n == name)
}

/// Each command's `--skip` check: the first name given that names no rule
/// is refused (`Err(name)`). Without a config (the rules at that commit
/// cannot be read), the registry's names are the known ones.
pub fn check_skip<'a>(skip: impl IntoIterator<Item = &'a String>, config: Option<&Config>) -> Result<(), String> {
    let known = |name: &str| match config {
        Some(config) => is_known(name, config),
        None => RULES.iter().any(|r| r.name == name),
    };
    match skip.into_iter().find(|name| !known(name)) {
        Some(unknown) => Err(unknown.clone()),
        None => Ok(()),
    }
}

/// What every rule may consult.
pub struct Context<'a> {
    pub config: &'a Config,
    /// The date "now" means: expiry warnings are relative to it.
    pub as_of: Date,
}

/// One member file as the per-file rules see it.
pub struct MemberFile<'a> {
    pub path: &'a str,
    pub value: &'a Value,
    pub spans: &'a Spans,
    pub member: &'a Member,
    /// Pointers of the values the loader or the schema refused.
    pub refused: &'a [&'a str],
}

impl MemberFile<'_> {
    /// Whether the loader or the schema refused the value at `pointer`: a
    /// rule comparing values does not judge a refused one again (one cause,
    /// one finding).
    pub(crate) fn is_refused(&self, pointer: &str) -> bool {
        self.refused.contains(&pointer)
    }

    /// A top-level text field.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.value.get(name).and_then(Value::as_str)
    }
}

/// Collects one rule's findings, stamping its name and its registered
/// severity on each.
pub struct Sink<'a> {
    rule: &'static str,
    severity: Severity,
    out: &'a mut Vec<Finding>,
}

impl<'a> Sink<'a> {
    pub fn new(rule: &Rule, out: &'a mut Vec<Finding>) -> Sink<'a> {
        Sink { rule: rule.name, severity: rule.severity, out }
    }

    /// One finding, at the rule's severity.
    pub fn report(&mut self, file: &str, pos: Pos, pointer: &str, message: impl Into<String>, help: impl Into<String>) {
        self.out.push(Finding::new(self.rule, self.severity, file, pos, pointer, message, help));
    }
}
