//! The foundation's policy (`schema/policy.yaml`): tiers, fees, votes, who may
//! hold each tier, what each application must show, approvals needed, the
//! membership committee and the board. All of it is data; the rules read it.

use crate::finding::{Finding, Pos};
use crate::roll::schema::{self, Compiled};
use crate::roll::yaml::{self, Spans};
use serde::{Deserialize, Serialize};

pub const POLICY_FILE: &str = "schema/policy.yaml";

/// The shape every policy file must have; part of rollcall itself, since the
/// rules depend on it.
pub(crate) const POLICY_SCHEMA: &str = include_str!("policy.schema.json");

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Person,
    Organization,
}

impl Kind {
    pub fn parse(text: &str) -> Option<Kind> {
        match text {
            "person" => Some(Kind::Person),
            "organization" => Some(Kind::Organization),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Organization => "organization",
        }
    }
}

/// Which membership limits a tier counts against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TierClass {
    Individual,
    Mirror,
    Sponsor,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub name: String,
    pub class: TierClass,
    pub holders: Vec<Kind>,
    pub fee_usd: u64,
    #[serde(default)]
    pub fte: Option<u32>,
    #[serde(default)]
    pub in_kind: bool,
    pub votes: u32,
    pub approvals: u32,
    #[serde(default)]
    pub payment_required: bool,
    #[serde(default)]
    pub in_kind_needs_board: bool,
    /// Top-level fields an application for this tier must have.
    pub evidence: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub github: String,
    pub github_id: u64,
    #[serde(default)]
    pub name: Option<String>,
    /// The member organization the person works for, whose membership
    /// they may not approve.
    #[serde(default)]
    pub organization: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Director {
    pub github: String,
    pub github_id: u64,
    pub name: String,
    /// The member organization that employs or sponsors the director.
    #[serde(default)]
    pub organization: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Committee {
    pub min_size: usize,
    pub max_size: usize,
    pub odd_size: bool,
    pub min_directors: usize,
    pub max_directors: usize,
    pub members: Vec<Person>,
}

/// While members of `tier` exist, the board has at least `directors` per
/// such member, up to the board's maximum.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectorsPerMember {
    pub tier: String,
    pub directors: usize,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Board {
    pub min_directors: usize,
    pub max_directors: usize,
    #[serde(default)]
    pub directors_per_member: Option<DirectorsPerMember>,
    pub directors: Vec<Director>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Foundation {
    pub name: String,
    /// Identifies the ledger in checkpoints, e.g. `example.org/members`.
    pub origin: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quorum {
    pub members_percent: u32,
    pub votes_percent: u32,
}

impl Default for Quorum {
    fn default() -> Quorum {
        Quorum { members_percent: 10, votes_percent: 10 }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub foundation: Foundation,
    pub term_months: u32,
    pub voting_min_days: u32,
    pub tiers: Vec<Tier>,
    /// Fields only the merger writes; an application may not set them.
    pub merger_fields: Vec<String>,
    pub committee: Committee,
    pub board: Board,
    pub election_committee: Vec<Person>,
    /// Who reviews changes outside `members/` (schema, workflows, code).
    pub maintainers: Vec<Person>,
    /// ISO 3166-1 alpha-2 codes flagged for the committee (a warning).
    pub embargoed_countries: Vec<String>,
    /// What makes a vote quorate (10% of voting members, 10% of votes, if unset).
    #[serde(default)]
    pub quorum: Quorum,
    /// Every ledger event must be SSH-signed.
    #[serde(default)]
    pub signed_events: bool,
    /// Who approves a change to `schema/` (a majority of the directors, if unset).
    #[serde(default)]
    pub amendments: Amendments,
    /// The foundation's list of accepted mirrors (`None`: no list, no check).
    #[serde(default)]
    pub mirrors: Option<MirrorList>,
}

/// How an amendment of the rules is approved.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amendments {
    #[serde(default)]
    pub approvals: AmendmentApprovals,
}

/// How many of the directors seated before an amendment approve it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AmendmentApprovals {
    /// More than half of the directors.
    #[default]
    MajorityOfDirectors,
    /// At least two thirds of the directors.
    TwoThirdsOfDirectors,
}

impl AmendmentApprovals {
    pub fn as_str(self) -> &'static str {
        match self {
            AmendmentApprovals::MajorityOfDirectors => "majority-of-directors",
            AmendmentApprovals::TwoThirdsOfDirectors => "two-thirds-of-directors",
        }
    }

    /// How many distinct directors of a board of `seated` must approve.
    pub fn needed(self, seated: usize) -> usize {
        match self {
            AmendmentApprovals::MajorityOfDirectors => seated / 2 + 1,
            AmendmentApprovals::TwoThirdsOfDirectors => (2 * seated).div_ceil(3).max(1),
        }
    }
}

/// Where the foundation's accepted mirror definitions live: mirror
/// memberships are checked against a checkout of this repository.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MirrorList {
    /// The repository's web address, e.g. `https://github.com/example-os/mirrors`.
    pub repository: String,
    /// A definition's path in it, with `{hostname}` for the mirror's host name.
    pub path: String,
    /// The branch whose definitions are the accepted ones.
    #[serde(default = "main_branch")]
    pub branch: String,
}

fn main_branch() -> String {
    "main".to_owned()
}

impl Policy {
    pub fn tier(&self, name: &str) -> Option<&Tier> {
        self.tiers.iter().find(|t| t.name == name)
    }
}

/// A policy and where each of its values sits in `schema/policy.yaml`.
#[derive(Debug)]
pub struct LoadedPolicy {
    pub policy: Policy,
    pub spans: Spans,
}

impl LoadedPolicy {
    pub(crate) fn pos(&self, pointer: &str) -> Pos {
        self.spans.locate(pointer)
    }
}

/// Reads and checks the policy file. Findings if it cannot be used.
pub fn load(bytes: &[u8]) -> Result<LoadedPolicy, Vec<Finding>> {
    let doc = yaml::load(POLICY_FILE, bytes, yaml::CONFIG_LIMITS, yaml::Layout::Free);
    let Some(value) = doc.value else {
        return Err(doc.findings);
    };
    if !doc.findings.is_empty() {
        return Err(doc.findings);
    }
    let shape: serde_json::Value = serde_json::from_str(POLICY_SCHEMA).expect("the built-in policy schema is JSON");
    let compiled = Compiled::new(shape).expect("the built-in policy schema compiles");
    // A policy that breaks its shape is a configuration error, whatever keyword it breaks.
    let findings = compiled.check(POLICY_FILE, &value, &doc.spans);
    if !findings.is_empty() {
        return Err(findings.into_iter().map(|f| Finding { rule: schema::SCHEMA_INVALID.into(), ..f }).collect());
    }
    match serde_json::from_value::<Policy>(value) {
        Ok(policy) => Ok(LoadedPolicy { policy, spans: doc.spans }),
        Err(e) => Err(vec![Finding::error(
            schema::SCHEMA_INVALID,
            POLICY_FILE,
            Pos::START,
            "",
            format!("the policy does not have the expected shape: {e}"),
            "compare it with the policy that `rollcall init` writes",
        )]),
    }
}
