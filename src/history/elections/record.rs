//! A pull request read as an election change, `check-pr` of it, and
//! election events recorded under merge's guarantees: built at the tip,
//! judged by `verify`'s gate, the branch moved by compare-and-swap.

use super::result::{certification, seat};
use super::*;

/// What recording an election event is given.
pub struct Request {
    pub branch: String,
    pub date: Date,
    pub pull_request: Option<u64>,
    /// The election committee members who approved (open, certify).
    pub approvers: Vec<Approver>,
    /// The pull request's account (nominate, accept).
    pub author: Option<Account>,
    /// `verify`'s judgement of the event's commit, run before the branch moves.
    pub gate: Gate,
}

/// What recording did: the event and its commit, or why not.
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub recorded: Option<(ElectionEvent, Oid)>,
}

/// A pull request read as an election change: which file it adds or
/// changes, and as what step.
pub struct Proposal {
    pub step: Step,
    pub election: String,
    pub nominee: Option<String>,
    pub path: String,
    pub blob: Oid,
}

/// What a pull request from `base` to `head` proposes for an election: one
/// file under `elections/`, regular, an election file or a nomination.
fn proposal(repo: &Repository, base: Oid, head: Oid) -> Result<Result<Proposal, Vec<Finding>>, HistoryError> {
    let (base_tree, head_tree) =
        (repo.find_commit(base).map_err(git)?.tree_id(), repo.find_commit(head).map_err(git)?.tree_id());
    let changed = changes(repo, base_tree, head_tree)?;
    let refuse = |message: String| {
        Ok(Err(vec![nomination::scope_finding(
            changed.first().map_or("", |(p, _)| p.as_str()),
            message,
            "an election pull request adds the election file, adds one nomination, or accepts one, and changes nothing else",
        )]))
    };
    let [(path, delta)] = changed.as_slice() else {
        return refuse(format!("the pull request changes {} files; an election change is one file", changed.len()));
    };
    let tree = repo.find_tree(head_tree).map_err(git)?;
    let entry = match tree.get_path(Path::new(path)) {
        Ok(entry) if entry.filemode() == i32::from(FileMode::Blob) => entry,
        _ => return refuse(format!("{path} is not a regular file")),
    };
    let id = file::id_of(path).unwrap_or_default().to_owned();
    let (step, nominee) = if *path == file::path(&id) && *delta == git2::Delta::Added {
        (Step::Open, None)
    } else if let Some((_, login)) = nomination::parts(path) {
        match delta {
            git2::Delta::Added => (Step::Nominate, Some(login.to_owned())),
            git2::Delta::Modified => (Step::Accept, Some(login.to_owned())),
            _ => return refuse(format!("{path} is deleted; a nomination is withdrawn by not accepting it")),
        }
    } else {
        return refuse(format!("{path} is not an election file or a nomination"));
    };
    Ok(Ok(Proposal { step, election: id, nominee, path: path.clone(), blob: entry.id() }))
}

/// The tree of `base` with the proposal's file (or files) put in.
fn with_files(repo: &Repository, base: Oid, files: &[(&str, Oid)]) -> Result<Oid, git2::Error> {
    let tree = repo.find_tree(base)?;
    let mut update = TreeUpdateBuilder::new();
    for (path, blob) in files {
        update.upsert(*path, *blob, FileMode::Blob);
    }
    update.create_updated(repo, &tree)
}

/// The event a proposal would be recorded as.
fn event_of(proposal: &Proposal, request: &Request, approvals: Vec<Signed>, previous: Option<Oid>) -> ElectionEvent {
    ElectionEvent {
        step: proposal.step,
        election: proposal.election.clone(),
        nominee: proposal.nominee.clone(),
        date: request.date,
        author: request
            .author
            .as_ref()
            .filter(|_| !proposal.step.needs_committee())
            .map(|a| Signed { login: a.github.clone(), id: a.github_id }),
        approvals,
        pull_request: request.pull_request,
        previous,
    }
}

/// What `check-pr` makes of an election pull request: what it proposes
/// (if it is an election change at all) and the findings.
pub type Judged = (Option<Proposal>, Vec<Finding>);

/// `check-pr` of an election pull request: the proposal judged at the
/// base as `verify` will judge it once recorded (today, by its author).
fn check_pr(repo: &Repository, base: Oid, head: Oid, author: &Account, date: Date) -> Result<Judged, HistoryError> {
    let base = repo.merge_base(base, head).map_err(git)?;
    let proposal = match proposal(repo, base, head)? {
        Ok(p) => p,
        Err(findings) => return Ok((None, findings)),
    };
    if proposal.step.needs_committee() {
        // The committee's approvals come later; the file itself is judged now.
        let config = match load_config(repo, repo.find_commit(base).map_err(git)?.tree_id())? {
            Ok(c) => c,
            Err(findings) => return Ok((Some(proposal), findings)),
        };
        let bytes = repo.find_blob(proposal.blob).map_err(git)?.content().to_vec();
        let findings =
            file::parse(&proposal.path, &bytes, config.policy.policy.board.max_directors).err().unwrap_or_default();
        return Ok((Some(proposal), findings));
    }
    let tree = with_files(repo, repo.find_commit(base).map_err(git)?.tree_id(), &[(&proposal.path, proposal.blob)])
        .map_err(git)?;
    let request = Request {
        branch: String::new(),
        date,
        pull_request: None,
        approvers: Vec::new(),
        author: Some(author.clone()),
        gate: |_, _, _, _| Ok(Vec::new()),
    };
    let event = event_of(&proposal, &request, Vec::new(), None);
    let verdict = judge(repo, base, tree, &event, &mut Memo::default())?;
    Ok((Some(proposal), verdict.err().unwrap_or_default()))
}

const ATTEMPTS: usize = 16;

/// Records the pull request `head` (an election file, a nomination or an
/// acceptance) as one election event on the branch.
pub fn record(dir: &Path, request: &Request, head: &str, signer: Option<&Signer>) -> Result<Outcome, MergeError> {
    let repo = Repository::open(dir).map_err(MergeError::from)?;
    let head = repo.revparse_single(head).and_then(|o| o.peel_to_commit()).map_err(MergeError::from)?.id();
    commit_event(&repo, request, signer, |repo, tip| {
        let base = repo.merge_base(tip, head)?;
        let proposal = match proposal(repo, base, head).map_err(|e| git2::Error::from_str(&e.0))? {
            Ok(p) => p,
            Err(findings) => return Ok(Err(findings)),
        };
        let tree = with_files(repo, repo.find_commit(tip)?.tree_id(), &[(&proposal.path, proposal.blob)])?;
        Ok(Ok((proposal, tree)))
    })
}

/// Certifies election `id` with the published ballots `ballots` (a box
/// closed by `rollcall election box close`, or a voting service's BLT):
/// counts them, writes the result, seats the winners.
pub fn certify(
    dir: &Path,
    request: &Request,
    id: &str,
    ballots: &[u8],
    is_box: bool,
    signer: Option<&Signer>,
) -> Result<Outcome, MergeError> {
    let repo = Repository::open(dir).map_err(MergeError::from)?;
    commit_event(&repo, request, signer, |repo, tip| {
        let tip_tree = repo.find_commit(tip)?.tree_id();
        let config = match load_config(repo, tip_tree).map_err(|e| git2::Error::from_str(&e.0))? {
            Ok(c) => c,
            Err(findings) => return Ok(Err(findings)),
        };
        let policy = &config.policy.policy;
        let folder = file::folder(id);
        let election = match election_at(repo, tip_tree, id, policy).map_err(|e| git2::Error::from_str(&e.0))? {
            Ok(e) => e,
            Err(findings) => return Ok(Err(findings)),
        };
        let name = if is_box { PUBLISHED_FILE } else { BLT_FILE };
        let ballots_path = format!("{folder}/{name}");
        let certified =
            certification(repo, tip, tip_tree, &election, policy, name, ballots, &mut Electorates::default());
        let (result, seated) = match certified.map_err(|e| git2::Error::from_str(&e.0))? {
            Ok(c) => (c.result, c.board),
            Err(findings) => return Ok(Err(findings)),
        };
        let policy_text = String::from_utf8(amendment::policy_bytes(repo, tip_tree)).unwrap_or_default();
        let Some(policy_text) = seat(&policy_text, &seated) else {
            return Ok(Err(vec![error(
                ELECTION_RESULT,
                POLICY_FILE,
                "the board's directors could not be rewritten in the policy file".to_owned(),
                "keep board.directors a block list in schema/policy.yaml, then certify again",
            )]));
        };
        let blobs = [
            (ballots_path, repo.blob(ballots)?),
            (format!("{folder}/{RESULT_FILE}"), repo.blob(result.as_bytes())?),
            (POLICY_FILE.to_owned(), repo.blob(policy_text.as_bytes())?),
        ];
        let files: Vec<(&str, Oid)> = blobs.iter().map(|(p, b)| (p.as_str(), *b)).collect();
        let tree = with_files(repo, tip_tree, &files)?;
        // The event's own file is its result: `verify` reports the certification there.
        let proposal = Proposal {
            step: Step::Certify,
            election: id.to_owned(),
            nominee: None,
            path: blobs[1].0.clone(),
            blob: blobs[1].1,
        };
        Ok(Ok((proposal, tree)))
    })
}

type Built = Result<(Proposal, Oid), Vec<Finding>>;

/// Builds the event's tree at the branch's tip, writes its commit, has the
/// gate judge it, and moves the branch by compare-and-swap; again if
/// another writer won the race.
fn commit_event(
    repo: &Repository,
    request: &Request,
    signer: Option<&Signer>,
    build: impl Fn(&Repository, Oid) -> Result<Built, git2::Error>,
) -> Result<Outcome, MergeError> {
    let refused = |findings| Ok(Outcome { findings, recorded: None });
    if let Some(finding) = crate::change::merge::future_date(request.date, "") {
        return refused(vec![finding]);
    }
    for _ in 0..ATTEMPTS {
        let branch = Branch::open(repo, &request.branch)?;
        let tip = repo.find_commit(branch.tip).map_err(MergeError::from)?;
        let config = crate::change::merge::load_config(&Source::at(repo, tip.tree_id()))?;
        if config.policy.policy.signed_events && signer.is_none() {
            return Err(MergeError::Unsigned);
        }
        let (proposal, tree) = match build(repo, tip.id()).map_err(MergeError::from)? {
            Ok(built) => built,
            Err(findings) => return refused(findings),
        };
        let approvals = if proposal.step.needs_committee() {
            match judge_approvals(&config.policy.policy, &request.approvers, &proposal.path) {
                Ok(approvals) => approvals,
                Err(findings) => return refused(findings),
            }
        } else {
            Vec::new()
        };
        let previous = ledger::previous_event(repo, tip.id())?;
        let event = event_of(&proposal, request, approvals, previous);
        let message = event.message();
        let commit = ledger::write_commit(repo, &message, tree, &[&tip], signer)?;
        let found = (request.gate)(repo, tip.id(), commit, &BTreeSet::new()).map_err(LedgerError::Git)?;
        if !found.is_empty() {
            return refused(found);
        }
        match ledger::advance(repo, &branch, commit, &message) {
            Ok(()) => return Ok(Outcome { findings: Vec::new(), recorded: Some((event, commit)) }),
            Err(LedgerError::Moved) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(MergeError::Contended)
}

/// `check-pr` of a pull request that changes anything under `elections/`:
/// `None` if it changes nothing there (it is judged as a membership
/// change), else what it proposes and the findings.
pub fn judge_pr(
    dir: &Path,
    base: &str,
    head: &str,
    author: &Account,
    date: Date,
) -> Result<Option<Judged>, HistoryError> {
    let repo = Repository::open(dir).map_err(git)?;
    let commit = |rev: &str| repo.revparse_single(rev).and_then(|o| o.peel_to_commit()).map(|c| c.id()).map_err(git);
    let (base, head) = (commit(base)?, commit(head)?);
    // Unrelated histories are the membership judgement's to refuse (`pr.unrelated-history`).
    let Ok(merge_base) = repo.merge_base(base, head) else { return Ok(None) };
    let (old, new) =
        (repo.find_commit(merge_base).map_err(git)?.tree_id(), repo.find_commit(head).map_err(git)?.tree_id());
    if !changes(&repo, old, new)?.iter().any(|(p, _)| p.starts_with("elections/")) {
        return Ok(None);
    }
    check_pr(&repo, base, head, author, date).map(Some)
}

impl Proposal {
    /// What the pull request is, for a person.
    pub fn describe(&self) -> String {
        match self.step {
            Step::Open => format!(
                "the opening of election {} ({}): it needs a majority of the election committee, and is recorded with `rollcall election record`",
                self.election, self.path
            ),
            Step::Nominate => format!(
                "a nomination of {} in election {} ({})",
                self.nominee.as_deref().unwrap_or_default(),
                self.election,
                self.path
            ),
            Step::Accept => format!(
                "{}'s acceptance of their nomination in election {}",
                self.nominee.as_deref().unwrap_or_default(),
                self.election
            ),
            Step::Certify => format!("the certification of election {}", self.election),
        }
    }
}
