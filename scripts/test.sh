#!/usr/bin/env bash
# Runs every test: unit and HTTP-level tests on SQLite and on PostgreSQL, then the browser tests in
# headless Chromium. Installs what a fresh machine lacks (PostgreSQL, Chromium, npm packages) first.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium chromium-driver)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]}"
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ ! -d tests/browser/node_modules ]; then
  echo "== installing the browser tests' npm packages"
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "== building"
cargo build --workspace --all-targets

echo "== tests on SQLite"
cargo test --workspace --no-fail-fast

echo "== tests on PostgreSQL"
pg_url=$(scripts/postgres.sh start)
CONCORD_TEST_DATABASE="$pg_url" cargo test --workspace --no-fail-fast

echo "== browser tests (headless Chromium)"
node --test tests/browser/
