//! The certified result: the ballots counted as the election says, the
//! result file, and the board the winners take their seats on.

use super::*;

/// The ballots certified: counted as BLT, with what the result records of them.
struct Counted {
    blt: blt::Election,
    /// Voting memberships behind the ballots, when the box says.
    memberships: Option<u64>,
    ballots: Option<usize>,
    head: Option<String>,
}

fn read_ballots(
    name: &str,
    path: &str,
    bytes: &[u8],
    election: &Election,
    electorate: &Electorate,
    candidates: &[String],
) -> Result<Counted, Vec<Finding>> {
    let counted = if name == PUBLISHED_FILE {
        let sealed = ballot_box::read(path, bytes)?;
        let mut findings = sealed.check_weights(path, electorate);
        if sealed.header.election != election.id || sealed.header.seats != election.seats {
            findings.push(error(
                ELECTION_CANDIDATES,
                path,
                format!("the box is of election {} for {} seats", quoted(&sealed.header.election), sealed.header.seats),
                "certify the box of this election",
            ));
        }
        if !findings.is_empty() {
            return Err(findings);
        }
        Counted {
            blt: sealed.blt(),
            memberships: Some(sealed.ballots.iter().map(|b| b.memberships as u64).sum()),
            ballots: Some(sealed.ballots.len()),
            head: Some(sealed.head.clone()),
        }
    } else {
        let parsed = blt::parse(bytes, path)?;
        Counted { blt: parsed, memberships: None, ballots: None, head: None }
    };
    let mut names: Vec<String> = counted.blt.candidates.iter().map(|c| c.to_ascii_lowercase()).collect();
    names.sort();
    let mut findings = Vec::new();
    if names != candidates || counted.blt.seats != election.seats {
        findings.push(error(
            ELECTION_CANDIDATES,
            path,
            format!(
                "the ballots are for {} seat(s) among {}; the election fills {} among its accepted nominees {}",
                counted.blt.seats,
                counted.blt.candidates.join(", "),
                election.seats,
                candidates.join(", ")
            ),
            "the ballots name the accepted nominees by GitHub login, and the election's seats",
        ));
    }
    let total: u64 = counted.blt.ballots.iter().map(|b| b.weight).sum();
    if total > electorate.quorum.votes {
        findings.push(error(
            ELECTION_CANDIDATES,
            path,
            format!(
                "the ballots weigh {total} votes; the electorate of {} holds {}",
                electorate.cutoff, electorate.quorum.votes
            ),
            "the ballots come from the electorate of the cut-off date",
        ));
    }
    if findings.is_empty() { Ok(counted) } else { Err(findings) }
}

/// Counts the ballots as the election says.
fn count(election: &Election, ballots: &blt::Election) -> Result<Tally, String> {
    let order = tie_order(ballots, &election.tie_order)?;
    Ok(meek::count(ballots, election.method, &order))
}

/// The certified result as committed: the count, the ballots it counted
/// (their file's name and sha256, the box's head), the turnout and
/// whether it meets the quorum. The text and whether it is quorate.
fn result_json(
    election: &Election,
    tally: &Tally,
    (name, bytes): (&str, &[u8]),
    counted: &Counted,
    electorate: &Electorate,
) -> (String, bool) {
    let votes: u64 = counted.blt.ballots.iter().map(|b| b.weight).sum();
    let memberships = counted.memberships;
    let quorate =
        votes >= electorate.quorum.votes_needed && memberships.is_none_or(|m| m >= electorate.quorum.members_needed);
    let mut value = tally.json();
    if let Some(map) = value.as_object_mut() {
        map.insert("election".to_owned(), json!(election.id));
        map.insert("ballots_file".to_owned(), json!(name));
        map.insert("ballots_sha256".to_owned(), json!(hex_sha256(bytes)));
        map.insert("box_head".to_owned(), json!(counted.head));
        map.insert(
            "turnout".to_owned(),
            json!({"ballots": counted.ballots, "voting_members": memberships, "votes": votes}),
        );
        map.insert(
            "quorum".to_owned(),
            json!({"members_needed": electorate.quorum.members_needed, "votes_needed": electorate.quorum.votes_needed, "quorate": quorate}),
        );
    }
    (format!("{}\n", serde_json::to_string_pretty(&value).unwrap_or_default()), quorate)
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A director the election seats.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Seat {
    pub github: String,
    pub github_id: u64,
    pub name: String,
    pub organization: Option<String>,
}

/// The board after the election: the directors seated before it, less
/// those it replaces, then the winners in order of election.
fn board_after(policy: &Policy, election: &Election, winners: &[Seat]) -> Vec<Seat> {
    policy
        .board
        .directors
        .iter()
        .filter(|d| !election.replaces.iter().any(|r| r.eq_ignore_ascii_case(&d.github)))
        .map(|d| Seat {
            github: d.github.clone(),
            github_id: d.github_id,
            name: d.name.clone(),
            organization: d.organization.clone(),
        })
        .chain(winners.iter().cloned())
        .collect()
}

fn seats_of(policy: &Policy) -> Vec<Seat> {
    policy
        .board
        .directors
        .iter()
        .map(|d| Seat {
            github: d.github.clone(),
            github_id: d.github_id,
            name: d.name.clone(),
            organization: d.organization.clone(),
        })
        .collect()
}

/// The winners of a count, as directors.
fn winners(tally: &Tally, nominations: &[Nomination], electorate: &Electorate) -> Vec<Seat> {
    tally
        .elected_names()
        .iter()
        .filter_map(|login| {
            let n = nominations.iter().find(|n| n.nominee.github.eq_ignore_ascii_case(login))?;
            Some(Seat {
                github: n.nominee.github.clone(),
                github_id: n.nominee.github_id,
                name: n.nominee_name.clone(),
                organization: electorate.voter(login).and_then(|v| v.sponsor()).map(str::to_owned),
            })
        })
        .collect()
}

/// What certifying `name` (the ballots' file name) with `bytes` makes of
/// election `election` at the state `old` (the tree of `parent`): the
/// count, the result file's text, whether it is quorate, and the board
/// after it. The recorder writes exactly this, and `verify` compares.
pub(super) struct Certification {
    pub tally: Tally,
    pub result: String,
    pub quorate: bool,
    pub board: Vec<Seat>,
    pub electorate: Rc<Electorate>,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn certification(
    repo: &Repository,
    parent: Oid,
    old: Oid,
    election: &Election,
    policy: &Policy,
    name: &str,
    bytes: &[u8],
    electorates: &mut Electorates,
) -> Result<Result<Certification, Vec<Finding>>, HistoryError> {
    let ballots_path = format!("{}/{name}", file::folder(&election.id));
    let electorate = match electorate_of(repo, parent, election, &ballots_path, electorates)? {
        Ok(e) => e,
        Err(findings) => return Ok(Err(findings)),
    };
    let nominations = nominations_at(repo, old, &election.id)?;
    let counted = match read_ballots(name, &ballots_path, bytes, election, &electorate, &candidates(&nominations)) {
        Ok(counted) => counted,
        Err(findings) => return Ok(Err(findings)),
    };
    let tally = match count(election, &counted.blt) {
        Ok(tally) => tally,
        Err(why) => {
            let help = "the election's tie_order names its candidates";
            return Ok(Err(vec![error(ELECTION_RESULT, &ballots_path, why, help)]));
        }
    };
    let (result, quorate) = result_json(election, &tally, (name, bytes), &counted, &electorate);
    let board = board_after(policy, election, &winners(&tally, &nominations, &electorate));
    Ok(Ok(Certification { tally, result, quorate, board, electorate }))
}

pub(super) fn judge_certify(judging: Judging, electorates: &mut Electorates) -> Result<Verdict, HistoryError> {
    let Judging { repo, parent, old, new, event, before, changed } = judging;
    let id = &event.election;
    let folder = file::folder(id);
    let result_path = format!("{folder}/{RESULT_FILE}");
    let policy = &before.policy.policy;
    let election = match election_at(repo, old, id, policy)? {
        Ok(election) => election,
        Err(findings) => return Ok(Err(findings)),
    };
    if event.date <= election.voting.closes {
        return Ok(Err(vec![error(
            ELECTION_CLOSED,
            &result_path,
            format!("voting closes on {}; the result is certified on {}", election.voting.closes, event.date),
            "certify the result after voting closes",
        )]));
    }
    // Any entry at the result's path, of whatever kind or size, is an earlier certification.
    if repo.find_tree(old).map_err(git)?.get_path(Path::new(&result_path)).is_ok() {
        return Ok(Err(vec![error(
            ELECTION_CLOSED,
            &result_path,
            format!("election {id} is certified already"),
            "an election is certified once",
        )]));
    }
    let name =
        [PUBLISHED_FILE, BLT_FILE].into_iter().find(|n| changed.iter().any(|(p, _)| *p == format!("{folder}/{n}")));
    let Some(name) = name else {
        return Ok(Err(vec![error(
            ELECTION_SCOPE,
            &result_path,
            "the certification commits no ballots".to_owned(),
            "certify with --ballots FILE",
        )]));
    };
    let ballots_path = format!("{folder}/{name}");
    let mut allowed = vec![(ballots_path.as_str(), git2::Delta::Added), (result_path.as_str(), git2::Delta::Added)];
    if changed.iter().any(|(p, _)| p == POLICY_FILE) {
        allowed.push((POLICY_FILE, git2::Delta::Modified));
    }
    if let Err(findings) = scope(changed, &allowed, &result_path) {
        return Ok(Err(findings));
    }
    let Some(bytes) = read(repo, new, &ballots_path, MAX_BALLOTS_BYTES)? else {
        return Ok(Err(vec![error(
            ELECTION_SCOPE,
            &ballots_path,
            "the ballots are not a regular file within the size cap".to_owned(),
            "certify the published ballots",
        )]));
    };
    let Certification { tally, result: expected, quorate, board: seated, electorate } =
        match certification(repo, parent, old, &election, policy, name, &bytes, electorates)? {
            Ok(c) => c,
            Err(findings) => return Ok(Err(findings)),
        };
    let mut findings = Vec::new();
    if !quorate {
        findings.push(error(
            ELECTION_RESULT,
            &result_path,
            format!(
                "the turnout is below the quorum: {} votes needed from {} voting memberships",
                electorate.quorum.votes_needed, electorate.quorum.members_needed
            ),
            "an election without a quorum is not certified; the election committee calls another",
        ));
    }
    let written = read(repo, new, &result_path, MAX_BALLOTS_BYTES)?;
    if written.as_deref() != Some(expected.as_bytes()) {
        findings.push(error(
            ELECTION_RESULT,
            &result_path,
            format!(
                "the committed result is not the count of the committed ballots (elected: {})",
                tally.elected_names().join(", ")
            ),
            "the result was edited by hand: certify again with `rollcall election certify`",
        ));
    }
    let after = match load_config(repo, new)? {
        Ok(config) => config,
        Err(found) => return Ok(Err(found)),
    };
    let same_rest = amendment::without_seats(&amendment::policy_bytes(repo, old))
        == amendment::without_seats(&amendment::policy_bytes(repo, new))
        && committees(policy) == committees(&after.policy.policy);
    if seats_of(&after.policy.policy) != seated || !same_rest {
        findings.push(error(
            ELECTION_RESULT,
            POLICY_FILE,
            "the board after certification is not the board before it, less the seats replaced, with the winners seated".to_owned(),
            "certify with `rollcall election certify`, which seats the winners and changes nothing else",
        ));
    }
    if !findings.is_empty() {
        return Ok(Err(findings));
    }
    let options = Options { as_of: event.date, skip: BTreeSet::new(), mirrors: MirrorCheck::Off };
    let validated =
        validate::validate_with(&Source::at(repo, new), &after, &options).map_err(|e| HistoryError(e.to_string()))?;
    let errors: Vec<Finding> = validated.findings.into_iter().filter(|f| f.is_error()).collect();
    Ok(if errors.is_empty() { Ok(()) } else { Err(errors) })
}

fn committees(policy: &Policy) -> (Vec<u64>, Vec<u64>) {
    (
        policy.committee.members.iter().map(|p| p.github_id).collect(),
        policy.election_committee.iter().map(|p| p.github_id).collect(),
    )
}

/// The policy's text with the board's directors replaced by `seats`,
/// everything else kept byte for byte (comments too). Checked by reading
/// it back: `None` if the directors' list is not where it can be replaced.
pub(super) fn seat(text: &str, seats: &[Seat]) -> Option<String> {
    let doc = crate::roll::yaml::load(
        POLICY_FILE,
        text.as_bytes(),
        crate::roll::yaml::CONFIG_LIMITS,
        crate::roll::yaml::Layout::Free,
    );
    let key = doc.spans.key("/board/directors")?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let start = usize::try_from(key.line).ok()?.checked_sub(1)?;
    let indent = usize::try_from(key.column).ok()?.checked_sub(1)?;
    let mut end = start + 1;
    while let Some(line) = lines.get(end) {
        let trimmed = line.trim_start();
        let depth = line.len() - trimmed.len();
        let inside = trimmed.trim().is_empty()
            || trimmed.starts_with('#')
            || depth > indent
            || (depth == indent && trimmed.starts_with("- "));
        if !inside {
            break;
        }
        end += 1;
    }
    while end > start + 1 && (lines[end - 1].trim().is_empty() || lines[end - 1].trim_start().starts_with('#')) {
        end -= 1;
    }
    let pad = " ".repeat(indent);
    let mut block = format!("{pad}directors:\n");
    for s in seats {
        let organization =
            s.organization.as_ref().map(|o| format!(", organization: {}", json_string(o))).unwrap_or_default();
        block.push_str(&format!(
            "{pad}  - {{github: {}, github_id: {}, name: {}{organization}}}\n",
            s.github,
            s.github_id,
            json_string(&s.name)
        ));
    }
    let out: String = lines[..start].concat() + &block + &lines[end..].concat();
    let check = crate::roll::yaml::load(
        POLICY_FILE,
        out.as_bytes(),
        crate::roll::yaml::CONFIG_LIMITS,
        crate::roll::yaml::Layout::Free,
    );
    let directors = check.value.as_ref()?.pointer("/board/directors")?.as_array()?.len();
    (directors == seats.len() && amendment::without_seats(out.as_bytes()) == amendment::without_seats(text.as_bytes()))
        .then_some(out)
}

fn json_string(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

/// The certified result of election `id` at `tree`, if it is certified.
pub fn result_at(repo: &Repository, tree: Oid, id: &str) -> Option<Value> {
    let path = format!("{}/{RESULT_FILE}", file::folder(id));
    let bytes = read(repo, tree, &path, MAX_BALLOTS_BYTES).ok()??;
    serde_json::from_slice(&bytes).ok()
}
