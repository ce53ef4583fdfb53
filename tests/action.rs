//! The action's install script (`action/install.sh`), run by bash against a
//! release directory served from the file system: a binary whose sha256 is
//! the table's is installed and put on the PATH; one that differs is
//! refused and nothing is installed; a platform with no binary falls back
//! to building (stubbed by `ROLLCALL_BUILD_COMMAND`, as the script says).

use crate::common::repo_root;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "x86_64-unknown-linux-musl";

struct Release {
    dir: tempfile::TempDir,
}

impl Release {
    /// A release directory with one "binary" for Linux x86_64, and a runner
    /// temp directory beside it.
    fn new(binary: &[u8]) -> Release {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("release")).unwrap();
        std::fs::create_dir(dir.path().join("runner")).unwrap();
        std::fs::write(dir.path().join("release").join(format!("rollcall-{TARGET}")), binary).unwrap();
        Release { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a checksum table recording `sha` for the binary.
    fn table(&self, sha: &str) -> PathBuf {
        let table = self.path("checksums.txt");
        let url = format!("file://{}", self.path("release").display());
        std::fs::write(&table, format!("# test release\nurl {url}\n{TARGET} {sha}\n")).unwrap();
        table
    }

    /// Runs the install script on `os`/`arch` with `extra` environment.
    fn install(&self, table: &Path, os: &str, arch: &str, extra: &[(&str, &str)]) -> (i32, String) {
        let output = Command::new("bash")
            .arg(repo_root().join("action/install.sh"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("RUNNER_OS", os)
            .env("RUNNER_ARCH", arch)
            .env("RUNNER_TEMP", self.path("runner"))
            .env("GITHUB_PATH", self.path("github_path"))
            .env("ROLLCALL_CHECKSUMS", table)
            .envs(extra.iter().copied())
            .output()
            .unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        (output.status.code().unwrap_or(-1), text)
    }

    fn github_path(&self) -> String {
        std::fs::read_to_string(self.path("github_path")).unwrap_or_default()
    }

    fn installed(&self) -> PathBuf {
        self.path("runner/rollcall-bin/rollcall")
    }
}

const BINARY: &[u8] = b"#!/bin/sh\necho rollcall 0.1.0\n";

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn a_binary_with_the_recorded_sha256_is_installed_on_the_path() {
    let release = Release::new(BINARY);
    let table = release.table(&sha256(BINARY));
    let (code, text) = release.install(&table, "Linux", "X64", &[]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("installed the release binary"), "{text}");
    assert_eq!(std::fs::read(release.installed()).unwrap(), BINARY);
    let run = Command::new(release.installed()).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&run.stdout), "rollcall 0.1.0\n", "installed executable");
    assert_eq!(release.github_path(), format!("{}\n", release.path("runner/rollcall-bin").display()));
}

#[test]
fn a_binary_whose_sha256_differs_is_refused_and_nothing_is_installed() {
    let release = Release::new(BINARY);
    let table = release.table(&sha256(b"another binary"));
    let (code, text) = release.install(&table, "Linux", "X64", &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("refused") && text.contains(&sha256(BINARY)), "{text}");
    assert!(!release.installed().exists());
    assert_eq!(release.github_path(), "", "nothing is put on the PATH");
}

#[test]
fn a_platform_without_a_binary_falls_back_to_building() {
    let release = Release::new(BINARY);
    let table = release.table(&sha256(BINARY));
    // The stub build writes the binary where the script says, as cargo install would.
    let build = "printf '#!/bin/sh\\necho built\\n' > \"$ROLLCALL_INSTALL_BIN/rollcall\" && chmod 755 \"$ROLLCALL_INSTALL_BIN/rollcall\"";
    let (code, text) = release.install(&table, "Linux", "S390X", &[("ROLLCALL_BUILD_COMMAND", build)]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("building the action's source"), "{text}");
    let run = Command::new(release.installed()).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&run.stdout), "built\n");
    assert!(release.github_path().ends_with("rollcall-bin\n"));

    // A build that leaves no binary fails.
    let (code, text) = release.install(&table, "Linux", "S390X", &[("ROLLCALL_BUILD_COMMAND", "true")]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("left no rollcall"), "{text}");

    // With the fallback `fail`, a platform without a binary is an error.
    let (code, text) = release.install(&table, "FreeBSD", "X64", &[("ROLLCALL_FALLBACK", "fail")]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("no release binary for FreeBSD/X64"), "{text}");
}

#[test]
fn the_inputs_and_the_table_are_checked() {
    let release = Release::new(BINARY);
    let table = release.table(&sha256(BINARY));
    let (code, text) = release.install(&table, "Linux", "X64", &[("ROLLCALL_FALLBACK", "sometimes")]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("the fallback input is build or fail"), "{text}");

    let bad = release.path("bad.txt");
    std::fs::write(&bad, format!("url file://{}\n{TARGET} not-a-sha\n", release.path("release").display())).unwrap();
    let (code, text) = release.install(&bad, "Linux", "X64", &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("not 64 hex digits"), "{text}");
}
