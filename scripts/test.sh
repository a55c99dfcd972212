#!/usr/bin/env bash
# Runs every test: unit and HTTP-level tests on SQLite and on PostgreSQL, the browser tests in
# headless Chromium, then the security regression suite against a running demo (with a short
# schemathesis run). Installs what a fresh machine lacks (PostgreSQL, Chromium, npm packages,
# schemathesis and aiosmtpd from PyPI in their own virtual environments) first.
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

security_venv=target/security-venv
if [ ! -x "$security_venv/bin/schemathesis" ]; then
  echo "== installing schemathesis (PyPI) for the security suite"
  python3 -m venv "$security_venv"
  "$security_venv/bin/pip" install --quiet --disable-pip-version-check schemathesis==4.32.5
fi

smtp_venv=target/smtp-venv
if ! "$smtp_venv/bin/python" -c "import aiosmtpd" 2>/dev/null; then
  echo "== installing aiosmtpd (PyPI), the SMTP server the notification tests send to"
  python3 -m venv "$smtp_venv"
  "$smtp_venv/bin/pip" install --quiet --disable-pip-version-check aiosmtpd==1.4.6
fi

# Every test's scratch files (SQLite stores, exports, browser profiles) and the PostgreSQL cluster live in
# one directory removed at the end, so repeated runs do not fill the disk.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/concord-tests.XXXXXX")
chmod 755 "$scratch"
export TMPDIR="$scratch" CONCORD_PG_DIR="$scratch/pg" CONCORD_PG_PORT=${CONCORD_PG_PORT:-55433}
trap 'scripts/postgres.sh stop; rm -rf "$scratch"' EXIT

echo "== building"
cargo build --workspace --all-targets

echo "== tests on SQLite"
cargo test --workspace --no-fail-fast

echo "== tests on PostgreSQL"
pg_url=$(scripts/postgres.sh start)
CONCORD_TEST_DATABASE="$pg_url" cargo test --workspace --no-fail-fast

echo "== browser tests (headless Chromium)"
node --test tests/browser/

echo "== security regression suite (probes against a running demo, then schemathesis)"
python3 tests/security/probe.py --schemathesis "$security_venv/bin/schemathesis"
