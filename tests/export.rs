//! `rollcall export`: the public roll as a static site, on real ledgers
//! through the real binary. The API of the shipped demonstration roll is
//! kept as a snapshot under `tests/snapshots/export/`; after a deliberate
//! change, refresh it with
//! `UPDATE_SNAPSHOTS=1 cargo test --test integration export::` and review the diff.

use crate::common::*;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn export(ledger: &Ledger, out: &Path, extra: &[&str]) -> Outcome {
    let out = out.to_str().expect("UTF-8 path");
    let mut args = vec!["export", "--out", out, "--as-of", AS_OF];
    args.extend_from_slice(extra);
    ledger.run(&args)
}

fn json_at(dir: &Path, path: &str) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join(path)).expect(path)).expect("JSON")
}

/// Every file under `dir`, by path relative to it.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("under dir").to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_api_of_the_shipped_roll_matches_its_snapshot() {
    let ledger = desk();
    let site = tempfile::tempdir().unwrap();
    let out = site.path().join("public");
    let run = export(&ledger, &out, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let snapshot = repo_root().join("tests/snapshots/export");
    // The whole API, the CSV and the site data file; the page is checked
    // in the browser test.
    let api: Vec<(String, Vec<u8>)> = files(&out)
        .into_iter()
        .filter(|(path, _)| path.starts_with("api/") || path.starts_with("data/") || path == "members.csv")
        .collect();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        let _ = std::fs::remove_dir_all(&snapshot);
        for (path, bytes) in &api {
            let target = snapshot.join(path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, bytes).unwrap();
        }
    }
    let kept = files(&snapshot);
    let names = |list: &[(String, Vec<u8>)]| list.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&api), names(&kept), "the exported files are not the snapshot's (UPDATE_SNAPSHOTS=1 to refresh)");
    for ((path, bytes), (_, expected)) in api.iter().zip(&kept) {
        assert!(
            bytes == expected,
            "{path} differs from tests/snapshots/export/{path} (UPDATE_SNAPSHOTS=1 cargo test --test integration export:: to refresh):\n{}",
            String::from_utf8_lossy(bytes)
        );
    }
    // The paths other tools rely on, and what the shipped roll holds.
    let members = json_at(&out, "api/v1/members.json");
    assert_eq!(members["schema_version"], 1);
    let ids: Vec<&str> = members["members"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    let roll = ledger.run(&["roll", "--as-of", AS_OF, "--format", "json"]);
    let roll: Value = serde_json::from_str(&roll.stdout).unwrap();
    let mut on_roll: Vec<&str> =
        roll["members"].as_array().unwrap().iter().map(|m| m["member"].as_str().unwrap()).collect();
    on_roll.sort_unstable();
    assert_eq!(ids, on_roll, "the listed members are the roll's (the shipped roll has no unlisted member)");
    assert!(out.join("index.html").is_file() && out.join("members.csv").is_file());
    // The same ledger and date export the same bytes.
    let again = site.path().join("again");
    assert_eq!(export(&ledger, &again, &[]).code, 0);
    assert_eq!(files(&out), files(&again));
}

/// An active member who asked to be unlisted, with distinctive values.
fn unlisted_person(id: &str, name: &str, github_id: u64, number: u64) -> Value {
    let mut value = admitted(individual(id, github_id), number, "2025-06-01", "2027-06-01");
    value["name"] = json!(name);
    value["country"] = json!("IS");
    value["unlisted"] = json!(true);
    value
}

#[test]
fn unlisted_members_appear_in_no_exported_byte() {
    let hidden = [
        ("quillon-zephyr", "Quillon Zephyr", 98_765_401u64),
        ("vashti-orm", "Vashti Ormsby-Lune", 98_765_402),
        ("ulric-pemb", "Ulric Pembrook", 98_765_403),
    ];
    let org_rep = ("xanthe-rep", 98_765_404u64);
    let ledger = desk_with(|ledger| {
        for (i, (id, name, github_id)) in hidden.iter().enumerate() {
            ledger.add(&unlisted_person(id, name, *github_id, 200 + i as u64));
        }
        let mut org = admitted(sponsor("yonder-works", "gold", org_rep.0, org_rep.1), 210, "2025-06-01", "2027-06-01");
        org["name"] = json!("Yonder Works Hidden Inc");
        org["country"] = json!("IS");
        org["unlisted"] = json!(true);
        ledger.add(&org);
    });
    let site = tempfile::tempdir().unwrap();
    let out = site.path().join("public");
    let run = export(&ledger, &out, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let mut needles: Vec<String> = Vec::new();
    for (id, name, github_id) in hidden {
        needles.extend([id.to_owned(), name.to_owned(), github_id.to_string()]);
    }
    needles.extend([
        "yonder-works".into(),
        "Yonder Works Hidden Inc".into(),
        "yonder-works.example.com".into(),
        org_rep.0.into(),
        org_rep.1.to_string(),
    ]);
    let all = files(&out);
    assert!(all.len() >= 10, "the export wrote {} files", all.len());
    for (path, bytes) in &all {
        let text = String::from_utf8_lossy(bytes).to_lowercase();
        for needle in &needles {
            assert!(!text.contains(&needle.to_lowercase()), "{path} names an unlisted member: {needle}");
        }
        // Iceland is only the unlisted members' country: no breakdown shows it.
        assert!(!String::from_utf8_lossy(bytes).contains("\"IS\""), "{path} shows the unlisted members' country");
    }
    // They are members all the same: one roll-wide total, at least SMALL_COUNT.
    let counts = json_at(&out, "api/v1/counts.json");
    assert_eq!(counts["unlisted_members"], 4);
    assert_eq!(counts["small_count_threshold"], 3);
    let gold = counts["tiers"].as_array().unwrap().iter().find(|t| t["tier"] == "gold").unwrap();
    assert_eq!(gold["members"], 1, "the unlisted gold sponsor is not counted in its tier");
    // The growth series counts listed members only.
    let growth = json_at(&out, "api/v1/growth.json");
    let last = growth["months"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["total"], counts["total"]["members"]);
    // And the roll still counts them (as unlisted).
    let roll = ledger.run(&["roll", "--as-of", AS_OF, "--format", "json"]);
    assert!(roll.stdout.contains("(unlisted)"));
}

#[test]
fn fewer_unlisted_members_than_the_threshold_are_not_counted_at_all() {
    let ledger = desk_with(|ledger| {
        ledger.add(&unlisted_person("solo-hidden", "Solo Hidden", 98_765_499, 220));
    });
    let site = tempfile::tempdir().unwrap();
    let out = site.path().join("public");
    assert_eq!(export(&ledger, &out, &[]).code, 0);
    let counts = json_at(&out, "api/v1/counts.json");
    assert_eq!(counts["unlisted_members"], Value::Null, "one unlisted member could be singled out");
    // Countries with fewer than three listed members are summed as `other`.
    let listed = counts["total"]["members"].as_u64().unwrap();
    let shown: u64 = counts["countries"].as_array().unwrap().iter().map(|c| c["members"].as_u64().unwrap()).sum();
    assert!(counts["countries"].as_array().unwrap().iter().all(|c| c["members"].as_u64().unwrap() >= 3));
    assert_eq!(shown + counts["other_countries"].as_u64().unwrap(), listed);
}

/// Members whose every field tries something.
fn hostile_ledger() -> Ledger {
    desk_with(|ledger| {
        let mut a = admitted(individual("hostile-a", 97_000_001), 301, "2025-06-01", "2027-06-01");
        a["name"] = json!("<script>alert(1)</script>");
        ledger.add(&a);
        let mut b = admitted(individual("hostile-b", 97_000_002), 302, "2025-06-01", "2027-06-01");
        b["name"] = json!("\"><img src=x onerror=alert(2)>");
        b["country"] = json!("\"><svg onload=alert(3)>");
        ledger.add(&b);
        let mut c =
            admitted(sponsor("hostile-c", "silver", "hostile-rep", 97_000_003), 303, "2025-06-01", "2027-06-01");
        c["name"] = json!("Evil RLOgnp.exePDF Corp");
        c["website"] = json!("javascript:alert(4)");
        // Written raw: the canonical writer would not keep the bidi controls.
        let text = canonical(&c).replace("RLO", "\u{202E}").replace("PDF", "\u{202C}");
        ledger.write(&rollcall::roll::layout::member_path("hostile-c"), text);
        let mut d = admitted(individual("hostile-d", 97_000_004), 304, "2025-06-01", "2027-06-01");
        d["name"] = json!("=HYPERLINK(\"https://evil.example\",\"x\")");
        ledger.add(&d);
        let mut e = admitted(sponsor("hostile-e", "ruby", "hostile-rep2", 97_000_005), 305, "2025-06-01", "2027-06-01");
        e["name"] = json!("Comma, \"Quote\" and\nNewline Ltd");
        e["website"] = json!("https://ok.example.com/\"onmouseover=alert(5)");
        ledger.add(&e);
    })
}

#[test]
fn hostile_names_are_text_everywhere() {
    let ledger = hostile_ledger();
    let site = tempfile::tempdir().unwrap();
    let out = site.path().join("public");
    let run = export(&ledger, &out, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    for raw in ["<script>alert", "<img", "<svg onload", "javascript:", "\"onmouseover"] {
        assert!(!html.contains(raw), "index.html carries {raw:?} as markup");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
    // Names are isolated from the text around them, and no text-direction
    // control reaches the page (the loader drops them; the page would too).
    assert!(html.contains("<bdi>Evil gnp.exe Corp</bdi>"), "{:?}", html.lines().find(|l| l.contains("gnp")));
    assert!(!html.contains(['\u{202E}', '\u{202C}']));
    // No link but https: the javascript: website and the one with a quote are shown unlinked.
    for href in html.split("href=\"").skip(1).map(|rest| &rest[..rest.find('"').unwrap()]) {
        assert!(
            href.starts_with("https://") || href.starts_with('#') || !href.contains(':'),
            "a link that is not https: {href}"
        );
    }
    // One script, the site's own, and a policy that allows no other.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains("script-src 'self'") && !html.contains("unsafe-inline"));
    // The JSON keeps the text as it is, and no unsafe URL.
    let members = json_at(&out, "api/v1/members.json");
    let c = members["members"].as_array().unwrap().iter().find(|m| m["id"] == "hostile-c").unwrap();
    assert_eq!(c["website"], Value::Null);
    assert_eq!(c["url"], Value::Null);
}

#[test]
fn the_csv_is_rfc_4180_and_no_formula() {
    let ledger = hostile_ledger();
    let site = tempfile::tempdir().unwrap();
    let out = site.path().join("public");
    assert_eq!(export(&ledger, &out, &[]).code, 0);
    let csv = std::fs::read_to_string(out.join("members.csv")).unwrap();
    assert!(csv.starts_with("id,name,kind,tier,country,github,website,url,member_number,admitted,votes\r\n"));
    assert!(csv.ends_with("\r\n"));
    // Every line break outside a quoted cell is CRLF.
    let mut quoted = false;
    let bytes = csv.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => assert_eq!(bytes[i - 1], b'\r', "a bare LF ends a record at byte {i}"),
            _ => {}
        }
    }
    assert!(csv.contains("\"Comma, \"\"Quote\"\" and\nNewline Ltd\""), "{csv}");
    assert!(csv.contains(",\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"x\"\")\","), "{csv}");
    for line in csv.split("\r\n") {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(!cell.starts_with(['=', '+', '@', '\t', '\r']), "a formula cell: {cell}");
        }
    }
}

#[test]
fn the_growth_series_follows_the_events() {
    let ledger = desk();
    let admit = |value: &Value, date: &str| {
        let head = propose(&ledger, value);
        let holder = value.get("representative").unwrap_or(value);
        let (login, id) = (holder["github"].as_str().unwrap(), holder["github_id"].to_string());
        let mut args = vec!["merge", "--head", &head, "--author", login, "--author-id", &id];
        args.extend(["--approved-by", "lena-hart,kofi-mensah", "--date", date]);
        if value["tier"] != "individual" {
            args.extend(["--payment-usd", "2500", "--payment-reference", "invoice 1"]);
        }
        let out = ledger.run(&args);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    };
    admit(&individual("person-a", 93_000_001), "2026-01-05");
    admit(&sponsor("acme-corp", "silver", "acme-rep", 93_000_002), "2026-01-10");
    for (command, member, date) in [("renew", "ada-quill", "2026-02-01"), ("resign", "person-a", "2026-02-15")] {
        let mut args = vec![command, member, "--date", date];
        if command == "renew" {
            args.extend(["--approved-by", "lena-hart"]);
        }
        let out = ledger.run(&args);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    }
    // A tier change: its new tier is read from the file its event wrote.
    let moved = ledger.run(&[
        "change-tier",
        "rubycore",
        "--tier",
        "silver",
        "--approved-by",
        "lena-hart,kofi-mensah",
        "--payment-usd",
        "2500",
        "--payment-reference",
        "INV-10",
        "--date",
        "2026-03-10",
    ]);
    assert_eq!(moved.code, 0, "{}{}", moved.stdout, moved.stderr);
    let site = tempfile::tempdir().unwrap();
    let out = site.path().join("public");
    assert_eq!(export(&ledger, &out, &[]).code, 0);
    let growth = json_at(&out, "api/v1/growth.json");
    let month = |m: &str| growth["months"].as_array().unwrap().iter().find(|row| row["month"] == m).unwrap().clone();
    let (december, january, february) = (month("2025-12"), month("2026-01"), month("2026-02"));
    assert_eq!(january["joins"], 2);
    assert_eq!(
        january["totals"]["individual"].as_u64().unwrap(),
        december["totals"]["individual"].as_u64().unwrap() + 1
    );
    assert_eq!(january["totals"]["silver"].as_u64().unwrap(), december["totals"]["silver"].as_u64().unwrap() + 1);
    assert_eq!((february["renewals"].clone(), february["resignations"].clone()), (json!(1), json!(1)));
    assert_eq!(february["totals"]["individual"], december["totals"]["individual"]);
    let march = month("2026-03");
    let count = |m: &Value, tier: &str| m["totals"][tier].as_u64().unwrap();
    assert_eq!(
        (count(&march, "ruby"), count(&march, "silver")),
        (count(&february, "ruby") - 1, count(&february, "silver") + 1)
    );
    assert_eq!(march["total"], february["total"]);
    assert_eq!(growth["months"].as_array().unwrap().last().unwrap()["month"], "2026-11");
    // An export of a date before the events shows none of them.
    let before = site.path().join("before");
    let run = ledger.run(&["export", "--out", before.to_str().unwrap(), "--as-of", "2025-12-31"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let earlier = json_at(&before, "api/v1/members.json");
    assert!(!earlier["members"].as_array().unwrap().iter().any(|m| m["id"] == "person-a"));
    // --rev reads the history ending at a revision: the genesis alone.
    let genesis = ledger.repo().revparse_single("main~5").unwrap().id().to_string();
    let at_genesis = site.path().join("at-genesis");
    assert_eq!(export(&ledger, &at_genesis, &["--rev", &genesis]).code, 0);
    let members = json_at(&at_genesis, "api/v1/members.json");
    assert!(!members["members"].as_array().unwrap().iter().any(|m| m["id"] == "person-a" || m["id"] == "acme-corp"));
}

#[test]
fn the_export_replaces_only_an_earlier_export_and_leaves_nothing_behind() {
    let ledger = desk();
    let site = tempfile::tempdir().unwrap();
    let out: PathBuf = site.path().join("public");
    assert_eq!(export(&ledger, &out, &[]).code, 0);
    std::fs::write(out.join("stale.txt"), "from before").unwrap();
    // An earlier export is replaced whole.
    assert_eq!(export(&ledger, &out, &[]).code, 0);
    assert!(!out.join("stale.txt").exists());
    assert!(out.join("index.html").is_file());
    // A directory of something else is not touched.
    let other = site.path().join("notes");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("keep.txt"), "mine").unwrap();
    let refused = export(&ledger, &other, &[]);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("not an earlier export"), "{}", refused.stderr);
    assert_eq!(std::fs::read_to_string(other.join("keep.txt")).unwrap(), "mine");
    // No temporary directory is left beside the output.
    let names: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["notes", "public"]);
}

#[test]
fn without_a_genesis_or_before_it_there_is_nothing_to_export() {
    let ledger = Ledger::shipped();
    let mut options = git2::RepositoryInitOptions::new();
    options.initial_head("main");
    git2::Repository::init_opts(ledger.path(), &options).unwrap();
    ledger.commit("a roll without a genesis");
    let site = tempfile::tempdir().unwrap();
    let out = site.path().join("public");
    let run = export(&ledger, &out, &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(!out.exists());
    let ledger = desk();
    let run = ledger.run(&["export", "--out", out.to_str().unwrap(), "--as-of", "2020-01-01"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("the ledger begins on"), "{}", run.stderr);
    assert!(!out.exists());
}

#[test]
fn a_tier_of_more_than_a_thousand_is_counted_on_the_page_and_listed_on_pages() {
    let ledger = desk_with(|ledger| {
        for i in 0..1_001u64 {
            let id = format!("crowd-{i:04}");
            ledger.add(&admitted(individual(&id, 96_000_000 + i), 1_000 + i, "2025-06-01", "2027-06-01"));
        }
    });
    let site = tempfile::tempdir().unwrap();
    let out = site.path().join("public");
    let run = export(&ledger, &out, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let members = json_at(&out, "api/v1/members.json");
    let individuals = members["members"].as_array().unwrap().iter().filter(|m| m["tier"] == "individual").count();
    assert_eq!(individuals, 1_002, "the shipped roll's one individual and the crowd");
    // The page shows the sponsors in full and the individuals by count, with links to their pages.
    assert!(html.contains("Northwind Computing"));
    assert!(!html.contains("data-name=\"test person\""), "the crowd is not on the index page");
    assert!(html.contains("1002 members, listed 1000 to a page:"), "no count of the crowd");
    let pages: Vec<String> = files(&out.join("tiers")).into_iter().map(|(p, _)| p).collect();
    assert_eq!(pages.len(), 2, "{pages:?}");
    let mut listed = 0;
    for page in &pages {
        assert!(html.contains(&format!("href=\"tiers/{page}\"")), "index.html does not link {page}");
        let text = std::fs::read_to_string(out.join("tiers").join(page)).unwrap();
        listed += text.matches("<li data-name=").count();
        assert!(text.contains("href=\"../style.css\"") && text.contains("src=\"../filter.js\""));
        assert!(text.contains("id=\"filter\""), "{page} has no filter");
    }
    assert_eq!(listed, 1_002);
}
