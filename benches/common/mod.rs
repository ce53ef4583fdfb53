//! Generated ledgers for the benchmarks: the shipped schema, policy and
//! roll, plus valid individuals, mirrors and sponsors spread over ~900
//! shards, as real logins spread over the alphabet.
#![allow(dead_code)] // each benchmark uses a different part of this module

use jiff::civil::Date;
use rollcall::change::event::Kind;
use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Generated applicant `i`: member `i`'s file as its pull request proposed
/// it (status `applicant`, none of the merger's fields).
pub fn application(i: usize) -> Value {
    const FIRST: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
    const SECOND: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let prefix = format!("{}{}", FIRST[i % 26] as char, SECOND[i / 26 % 36] as char);
    match i % 20 {
        0 => {
            let id = format!("{prefix}-org{i}");
            let tier = ["silver", "ruby", "gold"][i / 20 % 3];
            let amount = sponsorship_usd(tier);
            json!({"id": id, "name": format!("Organization {i}"), "kind": "organization", "tier": tier,
                "status": "applicant", "country": "US", "organization": id, "website": format!("https://{id}.example.com"),
                "representative": {"github": format!("rep{i}"), "github_id": 50_000_000 + i},
                "sponsorship": {"contribution": "cash", "amount_usd": amount, "details": "Annual cash sponsorship of the foundation."}})
        }
        1 => {
            let id = format!("{prefix}-mirror{i}");
            json!({"id": id, "name": format!("Mirror {i}"), "kind": "person", "tier": "mirror", "status": "applicant",
                "country": "DE", "github": id, "github_id": 60_000_000 + i,
                "mirror": {"hostname": format!("{id}.example.net"), "definition": format!("https://github.com/example-os/mirrors/blob/main/mirrors.d/{id}.yml")}})
        }
        _ => {
            let id = format!("{prefix}-user{i}");
            json!({"id": id, "name": format!("User Number {i}"), "kind": "person", "tier": "individual", "status": "applicant",
                "country": "FR", "github": id, "github_id": 70_000_000 + i,
                "contributions": {"summary": "Packaged and maintained several components of the distribution for years.",
                    "links": [format!("https://github.com/example-os/packages/pulls?q=author%3A{id}")]}})
        }
    }
}

/// A generated sponsor's yearly cash sponsorship: at least its tier's fee
/// (the shipped policy's), as `tier.sponsorship-terms` requires.
fn sponsorship_usd(tier: &str) -> u64 {
    if tier == "gold" { 20_000 } else { 5_000 }
}

/// Generated member `i`: its path and its canonical bytes.
pub fn member(i: usize) -> (String, String) {
    let mut value = application(i);
    let sponsorship_usd = value["sponsorship"]["amount_usd"].clone();
    let admitted = format!("2026-{:02}-{:02}", 1 + i % 12, 1 + i % 28);
    let expires = format!("2027-{:02}-{:02}", 1 + i % 12, 1 + i % 28);
    let approvals = json!([
        {"github": "lena-hart", "github_id": 91000011, "date": admitted, "role": "committee"},
        {"github": "kofi-mensah", "github_id": 91000012, "date": admitted, "role": "committee"}
    ]);
    let doc = value.as_object_mut().expect("a mapping");
    doc.insert("status".into(), json!("active"));
    doc.insert("member_number".into(), json!(1000 + i as u64));
    doc.insert("admitted".into(), json!(admitted));
    doc.insert("expires".into(), json!(expires));
    doc.insert("approvals".into(), approvals);
    if i.is_multiple_of(20) {
        let payment = json!({"date": admitted, "amount_usd": sponsorship_usd, "kind": "cash", "reference": format!("invoice {i}")});
        doc.insert("payments".into(), json!([payment]));
    }
    let id = value["id"].as_str().unwrap_or_default().to_owned();
    (rollcall::roll::layout::member_path(&id), rollcall::roll::yaml::to_canonical(&value))
}

/// The shipped schema, policy and roll: (path, bytes) for every file.
pub fn shipped_files() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["schema", "members"] {
        for entry in walkdir::WalkDir::new(root.join(dir)).into_iter().filter_map(Result::ok) {
            if entry.file_type().is_file() {
                let path = entry.path().strip_prefix(root).expect("inside").to_string_lossy().into_owned();
                files.push((path, std::fs::read(entry.path()).expect("read")));
            }
        }
    }
    files
}

/// A valid ledger of `n` members (the shipped roll counts) in `root`.
pub fn generate(root: &Path, n: usize) {
    let shipped = shipped_files();
    let shipped_members = shipped.iter().filter(|(p, _)| p.starts_with("members/")).count();
    let generated = (0..n.saturating_sub(shipped_members)).map(member);
    for (path, bytes) in shipped.into_iter().chain(generated.map(|(p, t)| (p, t.into_bytes()))) {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }
}

/// Streams the ledger's history into `git fast-import`: a first commit with
/// the shipped files and the members the later commits do not add, then one
/// commit per member, then branch `pr` with one application on top.
pub fn build(dir: &Path, members: usize, commits: usize) {
    git2::Repository::init(dir).expect("git init");
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import (the git binary is needed to generate histories)");
    let mut out = std::io::BufWriter::new(child.stdin.take().expect("stdin"));
    let shipped = shipped_files();
    let shipped_members = shipped.iter().filter(|(p, _)| p.starts_with("members/")).count();
    let generated = members.saturating_sub(shipped_members);
    let in_first = generated.saturating_sub(commits.saturating_sub(1));
    let mut time = 1_790_000_000u64;
    let mut commit = |out: &mut dyn Write,
                      mark: usize,
                      files: &mut dyn Iterator<Item = (String, Vec<u8>)>,
                      branch: &str| {
        time += 60;
        write!(out, "commit refs/heads/{branch}\nmark :{mark}\ncommitter Bench <bench@example.invalid> {time} +0000\ndata 6\nevent\n").unwrap();
        if mark > 1 {
            writeln!(out, "from :{}", mark - 1).unwrap();
        }
        for (path, bytes) in files {
            write!(out, "M 100644 inline {path}\ndata {}\n", bytes.len()).unwrap();
            out.write_all(&bytes).unwrap();
            out.write_all(b"\n").unwrap();
        }
        out.write_all(b"\n").unwrap();
    };
    let first = (0..in_first).map(|i| {
        let (p, t) = member(i);
        (p, t.into_bytes())
    });
    commit(&mut out, 1, &mut shipped.into_iter().chain(first), "main");
    let mut mark = 1;
    for i in in_first..generated {
        mark += 1;
        let (path, text) = member(i);
        commit(&mut out, mark, &mut std::iter::once((path, text.into_bytes())), "main");
    }
    let application = serde_json::json!({
        "id": "new-applicant", "name": "New Applicant", "kind": "person", "tier": "individual", "status": "applicant",
        "country": "DE", "github": "new-applicant", "github_id": 99_999_999,
        "contributions": {"summary": "Maintains several packages of the distribution and reviews patches.",
            "links": ["https://github.com/example-os/packages/pulls?q=author%3Anew-applicant"]}
    });
    // The split index of main's last state, as `rollcall index` writes it
    // and every event keeps it.
    let work = tempfile::tempdir().expect("temp dir");
    generate(work.path(), members);
    let source = rollcall::roll::source::Source::disk(work.path()).expect("ledger");
    let index = rollcall::roll::sharded::build(&source).expect("index");
    mark += 1;
    commit(&mut out, mark, &mut index.into_iter(), "main");
    let file =
        ("members/ne/new-applicant.yaml".to_owned(), rollcall::roll::yaml::to_canonical(&application).into_bytes());
    commit(&mut out, mark + 1, &mut std::iter::once(file), "pr");
    drop(out);
    assert!(child.wait().expect("fast-import").success(), "git fast-import failed");
}

/// A generated ledger history: what `build_history` wrote on `main`.
pub struct History {
    /// The first commit, the ledger's genesis: the shipped schema and roll.
    pub genesis: git2::Oid,
    /// The event commits, oldest first.
    pub events: Vec<git2::Oid>,
    /// Each event's kind, in the same order.
    pub kinds: Vec<Kind>,
    /// Each event's date, in the same order (never decreasing).
    pub dates: Vec<Date>,
    /// A member with several events (the most of any; the earliest admitted
    /// among those), for `rollcall log MEMBER`.
    pub member: String,
    /// How many events `member` has.
    pub member_events: usize,
}

/// The first event's date.
const HISTORY_START: Date = jiff::civil::date(2023, 1, 1);
/// Events a day: the date advances every this many events.
const EVENTS_PER_DAY: usize = 100;
/// The oid every generated admission records as its pull request's head.
const PULL_REQUEST_HEAD: &str = "5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e";

/// A generated member's state between its events.
struct Tracked {
    id: String,
    path: String,
    /// The member file as it stands (read back as the merger reads it).
    bytes: String,
    expires: Date,
    /// The tier's fee when the tier requires a payment.
    fee: Option<u64>,
    events: usize,
    /// Where it sits in the active list (`usize::MAX`: not active).
    slot: usize,
}

/// A small deterministic generator (splitmix64): the same history every run.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Streams a ledger history of `events` events into `git fast-import` in
/// `dir`, on branch `main` (HEAD names it; the work tree stays empty): a
/// first commit with the shipped schema and roll, then one commit per
/// event, exactly as the merger writes them: one parent, one member file,
/// stamped by `lifecycle::stamp`, the message `Event::message()` naming the
/// previous event's commit.
///
/// The events, the same every run: about 90% admissions of new members
/// (the shapes of `member(i)`: individuals, mirrors, silver, ruby and gold
/// sponsors), 5% renewals of the active member whose term ends first (while
/// it can still be renewed), 5% resignations of an active member picked at
/// random. Member numbers follow the shipped roll's highest. Dates start at
/// 2023-01-01, 100 events a day, and the committer time follows the date.
/// Every 256th event also writes a refreshed `roll.index`, as the merger
/// does (naming the members tree before the event, which readers overlay).
pub fn build_history(dir: &Path, events: usize) -> History {
    /// How often the merger refreshes `roll.index`.
    const INDEX_REFRESH: usize = 256;
    use rollcall::change::approval::Payment;
    use rollcall::change::event::{Approval, Event, Role};
    use rollcall::change::lifecycle::{self, Stamp};
    use rollcall::roll::yaml::{self, Layout, MEMBER_LIMITS};
    use std::io::BufRead;

    let shipped = shipped_files();
    let policy_bytes =
        &shipped.iter().find(|(p, _)| p == rollcall::roll::policy::POLICY_FILE).expect("shipped policy").1;
    let policy =
        rollcall::roll::policy::load(policy_bytes).unwrap_or_else(|_| panic!("the shipped policy loads")).policy;
    let load = |path: &str, bytes: &[u8]| -> Value {
        yaml::load(path, bytes, MEMBER_LIMITS, Layout::Free).value.unwrap_or_else(|| panic!("{path} reads"))
    };
    let mut number = shipped
        .iter()
        .filter(|(p, _)| p.starts_with("members/"))
        .filter_map(|(p, b)| load(p, b).get("member_number").and_then(Value::as_u64))
        .max()
        .unwrap_or(0);
    let committee = |login: &str| {
        let person = policy.committee.members.iter().find(|p| p.github == login).expect("on the committee");
        Approval { login: person.github.clone(), id: person.github_id, role: Role::Committee }
    };
    let (lena, kofi) = (committee("lena-hart"), committee("kofi-mensah"));
    let head = git2::Oid::from_str(PULL_REQUEST_HEAD).expect("oid");

    git2::Repository::init(dir).expect("git init");
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("git fast-import (the git binary is needed to generate histories)");
    let mut out = std::io::BufWriter::new(child.stdin.take().expect("stdin"));
    let mut marks = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let start = HISTORY_START.to_zoned(jiff::tz::TimeZone::UTC).expect("zoned").timestamp().as_second();
    // Writes one commit on main and returns its id, which fast-import tells
    // (`get-mark`) once it has written it.
    let mut mark = 0;
    // Given the roll's index entries, the commit also writes `roll.index`,
    // naming the previous commit's members tree (which fast-import tells,
    // `ls`), as the merger refreshes it every 256 events.
    let mut commit =
        |out: &mut std::io::BufWriter<std::process::ChildStdin>,
         time: i64,
         message: &str,
         files: &[(&str, &[u8])],
         index: Option<&std::collections::BTreeMap<String, rollcall::roll::index::IndexedMember>>| {
            let index = index.map(|entries| {
                writeln!(out, "ls :{mark} members").unwrap();
                out.flush().expect("write to git fast-import");
                let mut line = String::new();
                marks.read_line(&mut line).expect("read from git fast-import");
                let tree = line.split_whitespace().nth(2).and_then(|t| git2::Oid::from_str(t).ok());
                let entries = entries.values().cloned().collect();
                rollcall::roll::index::render(&rollcall::roll::index::Index { members_tree: tree, entries })
            });
            let mut files = files.to_vec();
            if let Some(text) = &index {
                files.push((rollcall::roll::index::INDEX_FILE, text.as_bytes()));
            }
            mark += 1;
            let who = format!("rollcall <rollcall@localhost> {time} +0000");
            write!(
                out,
                "commit refs/heads/main\nmark :{mark}\nauthor {who}\ncommitter {who}\ndata {}\n",
                message.len()
            )
            .unwrap();
            out.write_all(message.as_bytes()).unwrap();
            for (path, bytes) in files {
                write!(out, "M 100644 inline {path}\ndata {}\n", bytes.len()).unwrap();
                out.write_all(bytes).unwrap();
                out.write_all(b"\n").unwrap();
            }
            write!(out, "\nget-mark :{mark}\n").unwrap();
            out.flush().expect("write to git fast-import");
            let mut line = String::new();
            marks.read_line(&mut line).expect("read from git fast-import");
            git2::Oid::from_str(line.trim_end())
                .unwrap_or_else(|_| panic!("git fast-import answered {line:?} to get-mark"))
        };

    let files: Vec<(&str, &[u8])> = shipped.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect();
    let genesis = rollcall::change::genesis::Genesis {
        members: files.iter().filter(|(p, _)| p.starts_with("members/")).count() as u64,
        date: HISTORY_START.yesterday().expect("date"),
    };
    let genesis = commit(&mut out, start - 86_400, &genesis.message(), &files, None);
    let entry = |path: &str, bytes: &[u8]| {
        let member = rollcall::roll::neighbours::summarise(path, bytes).expect("a member file");
        let blob = git2::Oid::hash_object(git2::ObjectType::Blob, bytes).expect("hash");
        rollcall::roll::index::IndexedMember::from_member(&member, blob)
    };
    let mut index: std::collections::BTreeMap<String, rollcall::roll::index::IndexedMember> =
        shipped.iter().filter(|(p, _)| p.starts_with("members/")).map(|(p, b)| (p.clone(), entry(p, b))).collect();
    let mut history = History {
        genesis,
        events: Vec::with_capacity(events),
        kinds: Vec::with_capacity(events),
        dates: Vec::with_capacity(events),
        member: String::new(),
        member_events: 0,
    };
    let mut members: Vec<Tracked> = Vec::new();
    // The active members (for resignations), and those whose term can still
    // be renewed, by expiry (for renewals).
    let mut active: Vec<usize> = Vec::new();
    let mut by_expiry: std::collections::BTreeSet<(Date, usize)> = std::collections::BTreeSet::new();
    let mut mix = Mix(0x0dd_ba11);
    let (mut pull_requests, mut invoices) = (0, 0);
    let mut previous: Option<git2::Oid> = Some(genesis);
    for k in 0..events {
        let date = HISTORY_START.checked_add(jiff::Span::new().days((k / EVENTS_PER_DAY) as i64)).expect("date");
        let time = start + (k / EVENTS_PER_DAY) as i64 * 86_400 + (k % EVENTS_PER_DAY) as i64 * 600;
        let roll = mix.next() % 100;
        // Renewal: the active member whose term ends first, if it can still be.
        let mut renew = None;
        if roll < 5 {
            while let Some(&(expires, m)) = by_expiry.first() {
                if expires.checked_add(jiff::Span::new().months(policy.term_months)).expect("date") > date {
                    renew = Some(m);
                    break;
                }
                by_expiry.pop_first();
            }
        }
        let resign = ((5..10).contains(&roll) && !active.is_empty())
            .then(|| active[(mix.next() % active.len() as u64) as usize]);
        let mut invoice = || {
            invoices += 1;
            format!("invoice {invoices}")
        };
        let (kind, m, stamped, approvals) = if let Some(m) = renew.or(resign) {
            let member = &members[m];
            let kind = if renew.is_some() { Kind::Renew } else { Kind::Resign };
            let approvals = if kind == Kind::Renew { vec![lena.clone()] } else { Vec::new() };
            let payment = (kind == Kind::Renew).then_some(member.fee).flatten().map(|fee| Payment {
                amount_usd: fee,
                reference: invoice(),
                kind: None,
            });
            let stamp = Stamp {
                date,
                term_months: policy.term_months,
                approvals: approvals.clone(),
                payment,
                number: None,
                termination: None,
                tier: None,
            };
            let value = load(&member.path, member.bytes.as_bytes());
            let stamped =
                lifecycle::stamp(kind, &value, &stamp).unwrap_or_else(|e| panic!("{kind:?} {}: {e}", member.id));
            (kind, m, stamped, approvals)
        } else {
            let i = members.len();
            let mut value = application(i);
            let tier = policy.tier(value["tier"].as_str().expect("tier")).expect("a tier of the policy");
            let fee = tier.payment_required.then_some(tier.fee_usd);
            if let Some(fee) = fee {
                value["sponsorship"]["amount_usd"] = json!(fee);
            }
            number += 1;
            let approvals = vec![lena.clone(), kofi.clone()];
            let stamp = Stamp {
                date,
                term_months: policy.term_months,
                approvals: approvals.clone(),
                payment: fee.map(|fee| Payment { amount_usd: fee, reference: invoice(), kind: None }),
                number: Some(number),
                termination: None,
                tier: None,
            };
            let stamped = lifecycle::stamp(Kind::Admit, &value, &stamp).unwrap_or_else(|e| panic!("admit {i}: {e}"));
            let id = value["id"].as_str().expect("id").to_owned();
            let path = rollcall::roll::layout::member_path(&id);
            members.push(Tracked { id, path, bytes: String::new(), expires: date, fee, events: 0, slot: usize::MAX });
            (Kind::Admit, i, stamped, approvals)
        };
        let member = &mut members[m];
        let expires = stamped.get("expires").and_then(Value::as_str).and_then(|e| e.parse().ok()).expect("expires");
        by_expiry.remove(&(member.expires, m));
        match kind {
            Kind::Resign => {
                let slot = std::mem::replace(&mut member.slot, usize::MAX);
                active.swap_remove(slot);
                if let Some(&moved) = active.get(slot) {
                    members[moved].slot = slot;
                }
            }
            _ => {
                if kind == Kind::Admit {
                    member.slot = active.len();
                    active.push(m);
                }
                by_expiry.insert((expires, m));
            }
        }
        let member = &mut members[m];
        member.expires = expires;
        member.events += 1;
        member.bytes = rollcall::roll::yaml::to_canonical(&stamped);
        let admission = kind == Kind::Admit;
        if admission {
            pull_requests += 1;
        }
        let event = Event {
            kind,
            member: member.id.clone(),
            file: member.path.clone(),
            member_number: stamped.get("member_number").and_then(Value::as_u64),
            date,
            approvals,
            pull_request: admission.then_some(pull_requests),
            pull_request_head: admission.then_some(head),
            previous,
        };
        let message = event.message();
        assert_eq!(Event::parse(&message).as_ref(), Some(&event), "the message reads back as its event");
        let refresh = (k % INDEX_REFRESH == INDEX_REFRESH - 1).then_some(&index);
        let id = commit(&mut out, time, &message, &[(member.path.as_str(), member.bytes.as_bytes())], refresh);
        index.insert(member.path.clone(), entry(&member.path, member.bytes.as_bytes()));
        previous = Some(id);
        history.events.push(id);
        history.kinds.push(kind);
        history.dates.push(date);
    }
    out.write_all(b"done\n").unwrap();
    drop(out);
    assert!(child.wait().expect("fast-import").success(), "git fast-import failed");
    let repo = git2::Repository::open(dir).expect("repo");
    repo.set_head("refs/heads/main").expect("HEAD");
    // The member with the most events; the earliest admitted among them.
    if let Some(most) = members.iter().rev().max_by_key(|m| m.events) {
        history.member = most.id.clone();
        history.member_events = most.events;
    }
    history
}

/// Runs `command` with its output discarded and returns its wall time, its
/// peak RSS in KiB (from wait4), and whether it exited 0.
#[allow(clippy::zombie_processes, reason = "reaped by wait4, which also reports its peak memory")]
pub fn timed(command: &mut Command) -> (Duration, i64, bool) {
    let start = Instant::now();
    let child = command.stdout(Stdio::null()).spawn().expect("run rollcall");
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; status and usage are valid out-pointers.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let elapsed = start.elapsed();
    assert_eq!(pid, child.id() as i32);
    (elapsed, usage.ru_maxrss, libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0)
}

/// Removes what rollcall remembers in the repository between runs.
pub fn forget(repo: &Path) {
    for file in ["rollcall-checked", "rollcall-roll-cache"] {
        let _ = std::fs::remove_file(repo.join(".git").join(file));
    }
}

/// `rollcall ARGS` run `runs` times: the median wall time and the peak RSS.
/// `context` ends the message if a run fails (" on the 1000-event history").
pub fn median_of_runs(bin: &str, args: &[&str], runs: usize, context: &str) -> (Duration, i64) {
    let mut times = Vec::with_capacity(runs);
    let mut peak_kib = 0;
    for _ in 0..runs {
        let (elapsed, rss, ok) = timed(Command::new(bin).args(args));
        assert!(ok, "`rollcall {}` did not exit 0{context}", args.join(" "));
        times.push(elapsed);
        peak_kib = peak_kib.max(rss);
    }
    times.sort();
    (times[runs / 2], peak_kib)
}
