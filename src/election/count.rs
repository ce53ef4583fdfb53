//! The result of a count, and how it is printed.

use super::blt::Election;
use super::fixed::Fixed;
use serde_json::{Map, Value, json};
use std::fmt::Write as _;

/// The counting rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Reference Meek STV (PRF reference rule, Algorithm 123): the quota
    /// falls as ballots exhaust.
    Meek,
    /// AlmaLinux Astra's variant: Meek transfers with a fixed quota
    /// ⌊T/(S+1)⌋+1.
    Astra,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::Meek => "meek",
            Method::Astra => "astra",
        }
    }
}

/// Which rule decided a tie for exclusion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TieRule {
    /// Fewer votes at this earlier round, the most recent where they differed.
    Backwards { round: usize },
    /// The published tie order.
    TieOrder,
    /// BLT order: the lowest-numbered candidate.
    BltOrder,
}

impl TieRule {
    pub fn name(self) -> &'static str {
        match self {
            TieRule::Backwards { .. } => "backwards",
            TieRule::TieOrder => "tie-order",
            TieRule::BltOrder => "blt-order",
        }
    }
}

/// A tie for exclusion: the tied candidates and what decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tie {
    pub candidates: Vec<usize>,
    pub rule: TieRule,
}

/// One round: it ends with candidates elected or one excluded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Round {
    /// From 1.
    pub number: usize,
    pub quota: Fixed,
    /// Every candidate's votes (by candidate index) at the round's last iteration.
    pub votes: Vec<Fixed>,
    /// Votes no longer with any candidate (rounding residue included).
    pub exhausted: Fixed,
    /// The total surplus at the round's last iteration.
    pub surplus: Fixed,
    /// The iterations of step B.2 the round took.
    pub iterations: u32,
    /// Elected this round, in order of election.
    pub elected: Vec<usize>,
    pub excluded: Option<usize>,
    pub tie: Option<Tie>,
}

/// A counted election.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    pub method: Method,
    pub seats: usize,
    pub title: String,
    /// Names exactly as the BLT gives them.
    pub candidates: Vec<String>,
    pub withdrawn: Vec<bool>,
    /// The total weight of the ballots that count (not blank).
    pub total: u64,
    /// The total weight of blank ballots (none ranked, or only withdrawn candidates).
    pub blank: u64,
    /// In order of election.
    pub elected: Vec<usize>,
    pub rounds: Vec<Round>,
}

/// The tie order as candidate indices, from names (each a candidate, once).
pub fn tie_order(election: &Election, names: &[String]) -> Result<Vec<usize>, String> {
    let mut order = Vec::with_capacity(names.len());
    for name in names {
        let Some(c) = election.candidates.iter().position(|n| n == name) else {
            return Err(format!("the tie order names {}, who is not a candidate", crate::finding::quoted(name)));
        };
        if order.contains(&c) {
            return Err(format!("the tie order names {} twice", crate::finding::quoted(name)));
        }
        order.push(c);
    }
    Ok(order)
}

impl Tally {
    pub fn elected_names(&self) -> Vec<&str> {
        self.elected.iter().map(|&c| self.candidates[c].as_str()).collect()
    }

    /// The JSON result: `{"method", "seats", "elected", "rounds"}`. Every
    /// number of votes is a string holding its exact decimal value (at
    /// most 18 places), so no JSON reader rounds it.
    pub fn json(&self) -> Value {
        let rounds: Vec<Value> = self
            .rounds
            .iter()
            .map(|r| {
                let mut votes = Map::new();
                for (c, name) in self.candidates.iter().enumerate() {
                    if !self.withdrawn[c] {
                        votes.insert(name.clone(), Value::String(r.votes[c].exact()));
                    }
                }
                let tie = r.tie.as_ref().map_or(Value::Null, |t| {
                    let mut tie = Map::new();
                    let names: Vec<&str> = t.candidates.iter().map(|&c| self.candidates[c].as_str()).collect();
                    tie.insert("candidates".into(), json!(names));
                    tie.insert("rule".into(), json!(t.rule.name()));
                    if let TieRule::Backwards { round } = t.rule {
                        tie.insert("round".into(), json!(round));
                    }
                    Value::Object(tie)
                });
                let elected: Vec<&str> = r.elected.iter().map(|&c| self.candidates[c].as_str()).collect();
                let mut round = Map::new();
                round.insert("quota".into(), Value::String(r.quota.exact()));
                round.insert("votes".into(), Value::Object(votes));
                round.insert("exhausted".into(), Value::String(r.exhausted.exact()));
                round.insert("elected".into(), json!(elected));
                round.insert("excluded".into(), r.excluded.map_or(Value::Null, |c| json!(self.candidates[c])));
                round.insert("tie".into(), tie);
                Value::Object(round)
            })
            .collect();
        let mut out = Map::new();
        out.insert("method".into(), json!(self.method.name()));
        out.insert("seats".into(), json!(self.seats));
        out.insert("elected".into(), json!(self.elected_names()));
        out.insert("rounds".into(), Value::Array(rounds));
        Value::Object(out)
    }

    /// The round-by-round table election officers publish.
    pub fn human(&self) -> String {
        const PLACES: u32 = 6;
        let mut out = String::new();
        let method = match self.method {
            Method::Meek => "reference Meek STV (PRF reference rule, Algorithm 123)",
            Method::Astra => "Astra's Meek variant with a fixed quota (not reference Meek)",
        };
        let _ = writeln!(out, "{}", if self.title.is_empty() { "Election" } else { &self.title });
        let _ = writeln!(out, "Method: {method}; arithmetic to 18 decimal places, shown to {PLACES}");
        let standing = self.withdrawn.iter().filter(|w| !**w).count();
        let _ = writeln!(
            out,
            "Seats: {}; candidates: {standing}; votes: {} (blank: {})",
            self.seats, self.total, self.blank
        );
        let withdrawn: Vec<&str> =
            (0..self.candidates.len()).filter(|&c| self.withdrawn[c]).map(|c| self.candidates[c].as_str()).collect();
        if !withdrawn.is_empty() {
            let _ = writeln!(out, "Withdrawn: {}", withdrawn.join(", "));
        }
        let width = self
            .candidates
            .iter()
            .map(|n| n.chars().count())
            .chain(["Exhausted".len(), "Quota".len()])
            .max()
            .unwrap_or(9);
        let mut gone = vec![false; self.candidates.len()];
        for r in &self.rounds {
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "Round {} ({} iteration{})",
                r.number,
                r.iterations,
                if r.iterations == 1 { "" } else { "s" }
            );
            for (c, name) in self.candidates.iter().enumerate() {
                if self.withdrawn[c] || gone[c] {
                    continue;
                }
                let mark = if r.elected.contains(&c) {
                    "  elected"
                } else if r.excluded == Some(c) {
                    "  excluded"
                } else {
                    ""
                };
                let pad = width - name.chars().count();
                let _ = writeln!(out, "  {name}{} {:>20}{mark}", " ".repeat(pad), r.votes[c].truncated(PLACES));
            }
            let _ = writeln!(out, "  {:<width$} {:>20}", "Exhausted", r.exhausted.truncated(PLACES));
            let _ = writeln!(out, "  {:<width$} {:>20}", "Quota", r.quota.truncated(PLACES));
            if let Some(tie) = &r.tie {
                let names: Vec<&str> = tie.candidates.iter().map(|&c| self.candidates[c].as_str()).collect();
                let how = match tie.rule {
                    TieRule::Backwards { round } => format!("backwards: fewest votes at round {round}"),
                    TieRule::TieOrder => "by the published tie order".to_owned(),
                    TieRule::BltOrder => "by BLT order (lowest-numbered candidate)".to_owned(),
                };
                let _ = writeln!(out, "  Tie for exclusion between {}: decided {how}", names.join(", "));
            }
            for &c in &r.elected {
                let _ = writeln!(out, "  Elected: {}", self.candidates[c]);
            }
            if let Some(c) = r.excluded {
                let _ = writeln!(out, "  Excluded: {}", self.candidates[c]);
                gone[c] = true;
            }
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "Elected, in order of election: {}", self.elected_names().join(", "));
        out
    }
}
