//! Meek STV, as the Proportional Representation Foundation's reference rule
//! states Hill, Wichmann and Woodall's Algorithm 123, and Astra's
//! fixed-quota variant.
//!
//! The reference rule, step by step, and where this count departs from its
//! text (only in precision, never in a decision rule):
//!
//! - **B.1 Test count complete.** Stop when every seat is filled; when the
//!   elected and hopeful candidates are no more than the seats, elect every
//!   hopeful (step C).
//! - **B.2.a Distribute votes.** Each ballot starts with weight 1; at each
//!   candidate it ranks, in order, that candidate gets `w × kf` *rounded up*
//!   and `w` falls by as much, until `w` is 0 or the ranking ends. Withdrawn
//!   and excluded candidates have `kf = 0`, so they are skipped; a hopeful
//!   has `kf = 1` and takes the rest. Whatever is left is exhausted.
//! - **B.2.b Update quota.** `q = ⌊(sum of votes) / (seats + 1)⌋ + ε`, where
//!   the sum is everything not exhausted (so blank and exhausted ballots do
//!   not count) and ε is one unit of the last place: the reference's "plus
//!   0.000000001" with our precision. Recomputed every iteration, so it
//!   falls as ballots exhaust.
//! - **B.2.c Find winners.** A hopeful with `v ≥ q` is elected: since `q`
//!   carries the ε, that is "more than the exact quota".
//! - **B.2.d Total surplus** `s = Σ (v − q)` over elected candidates, not
//!   less than 0.
//! - **B.2.e Iteration finished** when step c elected someone (back to B.1),
//!   or `s < ω`, or (after the first iteration) `s` did not fall.
//! - **B.2.f Update keep factors**: `kf ← ⌈⌈kf × q⌉ / v⌉`.
//! - **B.3 Defeat low candidate**: the hopeful with the lowest vote; every
//!   hopeful with `v ≤ lowest + s` is tied with it. One per round.
//!
//! **Precision.** The reference rule uses 9 decimal places and ω = 10⁻⁶.
//! This count uses 18 decimal places (see [`super::fixed`]) and ω = 10⁻¹²:
//! at 9 places a published weighted example produces a false tie; every
//! rounding step is still the reference's (up for transfers and keep
//! factors, down for the quota), one unit being 10⁻¹⁸.
//!
//! **Ties for exclusion** (the reference breaks them by lot): backwards
//! first — the tied candidate with fewer votes at the most recent earlier
//! round where the tied candidates' votes differed is excluded (if several
//! share that lowest vote, the search goes on further back among them) —
//! then by the published tie order (the candidate listed first is
//! excluded), then by BLT order (the lowest-numbered candidate is
//! excluded). Each round records which rule decided.
//!
//! **Astra** (`Method::Astra`) is the count of AlmaLinux's Astra portal:
//! the same iteration, but the quota is fixed once at `⌊T / (S + 1)⌋ + 1`
//! (T the total weight of non-blank ballots, S the seats) and never falls
//! as ballots exhaust. With many short ballots, a candidate who would reach
//! the reference's falling quota never reaches Astra's, is excluded, and
//! another candidate takes the seat.
//!
//! **Speed.** The ballots are kept as a prefix tree in depth-first order:
//! ballots sharing their first preferences share the transfer at each of
//! those candidates. Because the remaining weight of a ballot at a
//! candidate depends only on the candidates before it, and the weight of a
//! ballot line is an integer, this gives exactly the votes ballot-by-ballot
//! distribution gives, unit for unit.

use super::blt::Election;
use super::count::{Method, Round, Tally, Tie, TieRule};
use super::fixed::{Fixed, ONE, mul_div_ceil, mul_unit_ceil};

/// ω: iteration stops when the total surplus is below it (10⁻¹²).
pub const OMEGA: u128 = ONE / 1_000_000_000_000;
/// A round gives up iterating after this many iterations (as if the
/// surplus had stopped falling). Never reached in practice.
pub const MAX_ITERATIONS: u32 = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Hopeful,
    Elected,
    Excluded,
    Withdrawn,
}

/// One node of the ballot tree: the ballots that rank `candidate` at
/// position `depth`, after the same candidates before it.
struct Node {
    candidate: u32,
    depth: u32,
    /// The index after this node's subtree.
    next: u32,
    /// The total weight of the ballots through this node.
    weight: u64,
}

/// The ballots, as a prefix tree in depth-first order.
pub struct Ballots {
    nodes: Vec<Node>,
    max_depth: usize,
    /// The total weight of the ballots that rank a candidate still standing.
    pub total: u64,
    /// The total weight of the ballots that rank nobody (after withdrawals).
    pub blank: u64,
}

impl Ballots {
    pub fn new(election: &Election) -> Ballots {
        let mut lines: Vec<(Vec<u32>, u64)> = Vec::with_capacity(election.ballots.len());
        let mut blank = 0u64;
        let mut total = 0u64;
        for ballot in &election.ballots {
            let preferences: Vec<u32> = ballot
                .preferences
                .iter()
                .copied()
                .filter(|&c| !election.withdrawn.get(c as usize).copied().unwrap_or(true))
                .collect();
            if preferences.is_empty() {
                blank = blank.saturating_add(ballot.weight);
            } else {
                total = total.saturating_add(ballot.weight);
                lines.push((preferences, ballot.weight));
            }
        }
        lines.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut nodes: Vec<Node> = Vec::new();
        let mut path: Vec<usize> = Vec::new();
        let mut previous: &[u32] = &[];
        let mut max_depth = 0;
        for (preferences, weight) in &lines {
            let common = previous.iter().zip(preferences).take_while(|(a, b)| a == b).count();
            while path.len() > common {
                if let Some(i) = path.pop() {
                    nodes[i].next = nodes.len() as u32;
                }
            }
            for &candidate in &preferences[common..] {
                path.push(nodes.len());
                nodes.push(Node { candidate, depth: (path.len() - 1) as u32, next: 0, weight: 0 });
            }
            for &i in &path {
                nodes[i].weight = nodes[i].weight.saturating_add(*weight);
            }
            max_depth = max_depth.max(preferences.len());
            previous = preferences;
        }
        while let Some(i) = path.pop() {
            nodes[i].next = nodes.len() as u32;
        }
        Ballots { nodes, max_depth, total, blank }
    }

    /// Step B.2.a: each candidate's votes for the keep factors `kf`.
    fn distribute(&self, kf: &[u64], votes: &mut [u128], remaining: &mut [u64]) {
        votes.fill(0);
        remaining[0] = ONE as u64;
        let nodes = &self.nodes;
        let mut i = 0;
        while i < nodes.len() {
            let node = &nodes[i];
            let depth = node.depth as usize;
            let r = remaining[depth];
            let c = node.candidate as usize;
            let k = kf[c];
            let share = if k == ONE as u64 {
                r
            } else if k == 0 {
                0
            } else {
                mul_unit_ceil(r, k).min(r)
            };
            votes[c] += u128::from(share) * u128::from(node.weight);
            let rest = r - share;
            if rest == 0 {
                i = node.next as usize;
            } else {
                remaining[depth + 1] = rest;
                i += 1;
            }
        }
    }
}

/// Counts `election` by `method`. `tie_order` lists candidates (0-based),
/// the first of any tied group listed being excluded first; candidates it
/// does not list come after, in BLT order.
pub fn count(election: &Election, method: Method, tie_order: &[usize]) -> Tally {
    let ballots = Ballots::new(election);
    count_ballots(election, &ballots, method, tie_order)
}

/// [`count`], with the ballot tree built already (the benchmark builds it once).
pub fn count_ballots(election: &Election, ballots: &Ballots, method: Method, tie_order: &[usize]) -> Tally {
    let n = election.candidates.len();
    let seats = election.seats;
    let divisor = seats as u128 + 1;
    let fixed_quota = (u128::from(ballots.total) / divisor + 1) * ONE;
    let mut status: Vec<Status> =
        (0..n).map(|c| if election.withdrawn[c] { Status::Withdrawn } else { Status::Hopeful }).collect();
    let mut kf: Vec<u64> = status.iter().map(|s| if *s == Status::Hopeful { ONE as u64 } else { 0 }).collect();
    let mut votes = vec![0u128; n];
    let mut remaining = vec![0u64; ballots.max_depth + 2];
    let mut tally = Tally {
        method,
        seats,
        title: election.title.clone(),
        candidates: election.candidates.clone(),
        withdrawn: election.withdrawn.clone(),
        total: ballots.total,
        blank: ballots.blank,
        elected: Vec::new(),
        rounds: Vec::new(),
    };
    let quota_of = |votes: &[u128]| -> u128 {
        match method {
            Method::Meek => votes.iter().sum::<u128>() / divisor + 1,
            Method::Astra => fixed_quota,
        }
    };
    let total_units = u128::from(ballots.total) * ONE;
    let round_of = |votes: &[u128], quota: u128, iterations: u32, surplus: u128| Round {
        number: 0,
        quota: Fixed(quota),
        votes: votes.iter().map(|&v| Fixed(v)).collect(),
        exhausted: Fixed(total_units.saturating_sub(votes.iter().sum())),
        surplus: Fixed(surplus),
        iterations,
        elected: Vec::new(),
        excluded: None,
        tie: None,
    };
    let by_votes_desc =
        |votes: &[u128], list: &mut Vec<usize>| list.sort_by(|&a, &b| votes[b].cmp(&votes[a]).then(a.cmp(&b)));

    loop {
        let elected = status.iter().filter(|s| **s == Status::Elected).count();
        let hopeful: Vec<usize> = (0..n).filter(|&c| status[c] == Status::Hopeful).collect();
        if elected >= seats {
            break;
        }
        if elected + hopeful.len() <= seats {
            // Step C: the hopefuls fill the seats left.
            ballots.distribute(&kf, &mut votes, &mut remaining);
            let mut round = round_of(&votes, quota_of(&votes), 1, 0);
            let mut rest = hopeful;
            by_votes_desc(&votes, &mut rest);
            for &c in &rest {
                status[c] = Status::Elected;
            }
            tally.elected.extend(&rest);
            round.elected = rest;
            push_round(&mut tally, round);
            break;
        }
        let mut previous_surplus: Option<u128> = None;
        let mut iterations = 0u32;
        loop {
            iterations += 1;
            ballots.distribute(&kf, &mut votes, &mut remaining);
            let quota = quota_of(&votes);
            let mut newly: Vec<usize> = (0..n).filter(|&c| status[c] == Status::Hopeful && votes[c] >= quota).collect();
            by_votes_desc(&votes, &mut newly);
            newly.truncate(seats - elected);
            for &c in &newly {
                status[c] = Status::Elected;
            }
            let surplus = {
                let mut s: i128 = 0;
                for c in (0..n).filter(|&c| status[c] == Status::Elected) {
                    s += votes[c] as i128 - quota as i128;
                }
                s.max(0) as u128
            };
            if !newly.is_empty() {
                let mut round = round_of(&votes, quota, iterations, surplus);
                tally.elected.extend(&newly);
                round.elected = newly;
                push_round(&mut tally, round);
                break;
            }
            let stalled = previous_surplus.is_some_and(|p| surplus >= p);
            if surplus < OMEGA || stalled || iterations >= MAX_ITERATIONS {
                // Step B.3: exclude the lowest hopeful.
                let lowest = hopeful.iter().map(|&c| votes[c]).min().unwrap_or(0);
                let tied: Vec<usize> =
                    hopeful.iter().copied().filter(|&c| votes[c] <= lowest.saturating_add(surplus)).collect();
                let (excluded, tie) = break_tie(&tied, &tally.rounds, tie_order);
                let mut round = round_of(&votes, quota, iterations, surplus);
                status[excluded] = Status::Excluded;
                kf[excluded] = 0;
                round.excluded = Some(excluded);
                round.tie = tie;
                push_round(&mut tally, round);
                break;
            }
            // Step B.2.f: update the keep factors.
            for c in (0..n).filter(|&c| status[c] == Status::Elected) {
                if votes[c] == 0 {
                    continue;
                }
                let kept = mul_div_ceil(u128::from(kf[c]), quota, ONE)
                    .and_then(|x| mul_div_ceil(x, ONE, votes[c]))
                    .unwrap_or(ONE);
                kf[c] = kept.min(ONE) as u64;
            }
            previous_surplus = Some(surplus);
        }
    }
    tally
}

fn push_round(tally: &mut Tally, mut round: Round) {
    round.number = tally.rounds.len() + 1;
    tally.rounds.push(round);
}

/// Which of the `tied` candidates (more than one, or one) is excluded, and
/// by which rule.
fn break_tie(tied: &[usize], rounds: &[Round], tie_order: &[usize]) -> (usize, Option<Tie>) {
    if let [only] = tied {
        return (*only, None);
    }
    let mut left: Vec<usize> = tied.to_vec();
    for round in rounds.iter().rev() {
        let lowest = left.iter().map(|&c| round.votes[c]).min().unwrap_or(Fixed::ZERO);
        if left.iter().all(|&c| round.votes[c] == lowest) {
            continue;
        }
        left.retain(|&c| round.votes[c] == lowest);
        if let [only] = left[..] {
            return (only, Some(Tie { candidates: tied.to_vec(), rule: TieRule::Backwards { round: round.number } }));
        }
    }
    let position = |c: usize| tie_order.iter().position(|&t| t == c).unwrap_or(usize::MAX);
    let listed = left.iter().any(|&c| position(c) != usize::MAX);
    let chosen = left.iter().copied().min_by_key(|&c| (position(c), c)).unwrap_or(tied[0]);
    let rule = if listed { TieRule::TieOrder } else { TieRule::BltOrder };
    (chosen, Some(Tie { candidates: tied.to_vec(), rule }))
}
