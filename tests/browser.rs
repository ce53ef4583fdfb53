//! The exported members page in a real browser: headless Chromium (the
//! system's `/usr/bin/chromium`, or `$CHROMIUM`) driven by the harness in
//! `tests/browser/` (playwright-core and axe-core, `npm ci` there). It
//! checks the page of the shipped demonstration roll and of a roll of
//! hostile names; the screenshots (light and dark) land in
//! `target/browser/`.
//!
//! Without Chromium, node or the harness's `node_modules`, the test says
//! so and passes, unless `ROLLCALL_BROWSER_TEST=required` (as `.ci/run`
//! sets it), where it fails: CI always runs it for real.

use crate::common::*;
use serde_json::json;
use std::path::PathBuf;
use std::process::Command;

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// Why the browser test cannot run here, if it cannot.
fn missing() -> Option<String> {
    let harness = repo_root().join("tests/browser");
    if !chromium().is_file() {
        return Some(format!("no Chromium at {} (apt-get install chromium)", chromium().display()));
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("no node on PATH".to_owned());
    }
    for package in ["playwright-core", "axe-core"] {
        if !harness.join("node_modules").join(package).is_dir() {
            return Some(format!("no {package} in tests/browser/node_modules (run `npm ci` there)"));
        }
    }
    None
}

/// Exports `ledger` into `target/browser/NAME/site` and runs the harness on it.
fn check_in_browser(ledger: &Ledger, name: &str) {
    let dir = repo_root().join("target/browser").join(name);
    let site = dir.join("site");
    let out = ledger.run(&["export", "--out", site.to_str().unwrap(), "--as-of", AS_OF]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let run = Command::new("node")
        .arg(repo_root().join("tests/browser/check.mjs"))
        .arg(&site)
        .arg(&dir)
        .env("CHROMIUM", chromium())
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "the browser check of {name} failed:\n{stdout}\n{stderr}");
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).expect("the harness's JSON line");
    assert_eq!(report["failures"], json!([]));
    assert!(report["checks"].as_array().is_some_and(|c| c.len() >= 4), "{stdout}");
    for theme in ["light", "dark"] {
        let shot = dir.join(format!("members-{theme}.png"));
        assert!(std::fs::metadata(&shot).is_ok_and(|m| m.len() > 1000), "no screenshot at {}", shot.display());
    }
    eprintln!("{name}: {stdout}");
}

fn runnable() -> bool {
    let Some(why) = missing() else { return true };
    let required = std::env::var("ROLLCALL_BROWSER_TEST").is_ok_and(|v| v == "required");
    assert!(!required, "ROLLCALL_BROWSER_TEST=required, but the browser test cannot run: {why}");
    eprintln!("browser test skipped: {why}");
    false
}

#[test]
fn the_shipped_roll_in_a_real_browser() {
    if runnable() {
        check_in_browser(&desk(), "shipped");
    }
}

#[test]
fn hostile_names_in_a_real_browser() {
    if !runnable() {
        return;
    }
    let ledger = desk_with(|ledger| {
        let names = [
            "<script>window.pwned=1</script>",
            "\"><img src=x onerror=alert(1)>",
            "Evil \u{202E}gnp.exe\u{202C} Corp",
            "</bdi></li></ul><script src=https://evil.example/x.js></script>",
        ];
        for (i, name) in names.iter().enumerate() {
            let id = format!("hostile-{i}");
            let mut value =
                admitted(individual(&id, 97_100_000 + i as u64), 400 + i as u64, "2025-06-01", "2027-06-01");
            value["name"] = json!(name);
            ledger.add(&value);
        }
        let mut org =
            admitted(sponsor("hostile-org", "silver", "hostile-rep", 97_100_099), 499, "2025-06-01", "2027-06-01");
        org["website"] = json!("javascript:alert(document.domain)");
        ledger.add(&org);
    });
    check_in_browser(&ledger, "hostile");
}
