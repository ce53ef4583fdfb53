//! Generated ledgers for the benchmarks: the shipped schema, policy and
//! roll, plus valid individuals, mirrors and sponsors spread over ~900
//! shards, as real logins spread over the alphabet.
#![allow(dead_code)] // each benchmark uses a different part of this module

use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Generated member `i`: its path and its canonical bytes.
pub fn member(i: usize) -> (String, String) {
    const FIRST: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
    const SECOND: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let prefix = format!("{}{}", FIRST[i % 26] as char, SECOND[i / 26 % 36] as char);
    let number = 1000 + i as u64;
    let admitted = format!("2026-{:02}-{:02}", 1 + i % 12, 1 + i % 28);
    let expires = format!("2027-{:02}-{:02}", 1 + i % 12, 1 + i % 28);
    let approvals = json!([
        {"github": "lena-hart", "github_id": 91000011, "date": admitted, "role": "committee"},
        {"github": "kofi-mensah", "github_id": 91000012, "date": admitted, "role": "committee"}
    ]);
    let value: Value = match i % 20 {
        0 => {
            let id = format!("{prefix}-org{i}");
            let tier = ["silver", "ruby", "gold"][i / 20 % 3];
            json!({"id": id, "name": format!("Organization {i}"), "kind": "organization", "tier": tier,
                "status": "active", "country": "US", "organization": id, "website": format!("https://{id}.example.com"),
                "representative": {"github": format!("rep{i}"), "github_id": 50_000_000 + i},
                "sponsorship": {"contribution": "cash", "amount_usd": 5000, "details": "Annual cash sponsorship of the foundation."},
                "member_number": number, "admitted": admitted, "expires": expires, "approvals": approvals,
                "payments": [{"date": admitted, "amount_usd": 5000, "kind": "cash", "reference": format!("invoice {i}")}]})
        }
        1 => {
            let id = format!("{prefix}-mirror{i}");
            json!({"id": id, "name": format!("Mirror {i}"), "kind": "person", "tier": "mirror", "status": "active",
                "country": "DE", "github": id, "github_id": 60_000_000 + i,
                "mirror": {"hostname": format!("{id}.example.net"), "definition": format!("https://github.com/example-os/mirrors/blob/main/mirrors.d/{id}.yml")},
                "member_number": number, "admitted": admitted, "expires": expires, "approvals": approvals})
        }
        _ => {
            let id = format!("{prefix}-user{i}");
            json!({"id": id, "name": format!("User Number {i}"), "kind": "person", "tier": "individual", "status": "active",
                "country": "FR", "github": id, "github_id": 70_000_000 + i,
                "contributions": {"summary": "Packaged and maintained several components of the distribution for years.",
                    "links": [format!("https://github.com/example-os/packages/pulls?q=author%3A{id}")]},
                "member_number": number, "admitted": admitted, "expires": expires, "approvals": approvals})
        }
    };
    let id = value["id"].as_str().unwrap_or_default().to_owned();
    (rollcall::rules::member_path(&id), rollcall::yaml::to_canonical(&value))
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
    // The roll.index of main's last state, as the merger keeps it.
    let work = tempfile::tempdir().expect("temp dir");
    generate(work.path(), members);
    let source = rollcall::source::Source::disk(work.path()).expect("ledger");
    let index = rollcall::index::build(&source).expect("index");
    mark += 1;
    commit(&mut out, mark, &mut std::iter::once((rollcall::index::INDEX_FILE.to_owned(), index.into_bytes())), "main");
    let file = ("members/ne/new-applicant.yaml".to_owned(), rollcall::yaml::to_canonical(&application).into_bytes());
    commit(&mut out, mark + 1, &mut std::iter::once(file), "pr");
    drop(out);
    assert!(child.wait().expect("fast-import").success(), "git fast-import failed");
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
