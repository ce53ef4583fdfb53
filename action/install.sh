#!/usr/bin/env bash
# Installs rollcall for the runner's platform, as the action at this commit
# pins it: the release binary named in action/checksums.txt, refused unless
# its sha256 is the one recorded there; or, when the table has no binary for
# the platform, a build of the action's own source (`cargo install --locked`).
#
# Inputs, all through the environment:
#   RUNNER_OS, RUNNER_ARCH       the platform (GitHub sets them)
#   RUNNER_TEMP, GITHUB_PATH     where to install, and how to put it on PATH
#   ROLLCALL_FALLBACK            `build` (default) or `fail`: no binary for the platform
#   ROLLCALL_CHECKSUMS           another checksum table (default: action/checksums.txt)
#   ROLLCALL_BUILD_COMMAND       the build of the fallback, run with ROLLCALL_INSTALL_BIN
#                                naming the directory the binary goes to (default:
#                                cargo install --locked from this source); tests stub it
set -euo pipefail

fail() { echo "::error::rollcall install: $1" >&2; exit 1; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_dir=$(dirname "$here")
table=${ROLLCALL_CHECKSUMS:-$here/checksums.txt}
fallback=${ROLLCALL_FALLBACK:-build}
[[ "$fallback" =~ ^(build|fail)$ ]] || fail "the fallback input is build or fail, not '$fallback'"
[[ -n "${RUNNER_TEMP:-}" && -d "$RUNNER_TEMP" ]] || fail "RUNNER_TEMP is not a directory"
[[ -n "${GITHUB_PATH:-}" ]] || fail "GITHUB_PATH is not set"
[[ -f "$table" ]] || fail "no checksum table at $table"

case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) target="" ;;
esac
exe=rollcall
if [[ "$target" == *windows* ]]; then exe=rollcall.exe; fi

bin="$RUNNER_TEMP/rollcall-bin"
rm -rf "$bin"
mkdir -p "$bin"

url=$(awk '$1 == "url" && NF == 2 { print $2 }' "$table")
sha=""
if [[ -n "$target" ]]; then
  sha=$(awk -v t="$target" '$1 == t && NF == 2 { print $2 }' "$table")
fi

if [[ -n "$url" && -n "$sha" ]]; then
  [[ "$sha" =~ ^[0-9a-f]{64}$ ]] || fail "the table's sha256 for $target is not 64 hex digits"
  [[ "$url" =~ ^(https|file)://[A-Za-z0-9._~:/%+-]+$ ]] || fail "the table's url is not an https:// address"
  download="$bin/.download"
  curl --fail --silent --show-error --location --proto '=https,file' --retry 3 \
    --output "$download" "$url/rollcall-$target${exe#rollcall}" || fail "cannot download rollcall-$target"
  if command -v sha256sum > /dev/null; then
    got=$(sha256sum "$download" | cut -d' ' -f1)
  else
    got=$(shasum -a 256 "$download" | cut -d' ' -f1)
  fi
  if [[ "$got" != "$sha" ]]; then
    rm -f "$download"
    fail "rollcall-$target has sha256 $got, not the $sha this action's commit records: refused"
  fi
  chmod 755 "$download"
  mv "$download" "$bin/$exe"
  echo "rollcall: installed the release binary for $target (sha256 $sha)"
else
  [[ "$fallback" == build ]] \
    || fail "no release binary for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?} in the checksum table, and the fallback is fail"
  echo "rollcall: no release binary for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}: building the action's source"
  export ROLLCALL_INSTALL_BIN="$bin"
  if [[ -n "${ROLLCALL_BUILD_COMMAND:-}" ]]; then
    bash -c "$ROLLCALL_BUILD_COMMAND" || fail "the build failed"
  else
    cargo install --locked --root "$RUNNER_TEMP/rollcall-build" --path "$source_dir" || fail "cargo install failed"
    mv "$RUNNER_TEMP/rollcall-build/bin/$exe" "$bin/$exe"
  fi
  [[ -x "$bin/$exe" ]] || fail "the build left no $exe in $bin"
fi
echo "$bin" >> "$GITHUB_PATH"
