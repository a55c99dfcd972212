#!/usr/bin/env bash
# Load benchmark: the demo data, 100 concurrent connections on loopback at a fixed rate, signed in
# (sign-in itself excluded), against the directory page and an API list, for 60 s each, at once.
# Prints requests/s, p50, p99 and errors for each. Needs `hey` (Debian package) and a release build.
# Usage: bench/load.sh [SECONDS] [RATE_PER_CONNECTION]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
rate=${2:-4}            # requests per second per connection; 50 connections per target
port=18181
db=$(mktemp -d)/bench.db
bin=target/release/concord
command -v hey >/dev/null || { echo "install hey: apt-get install hey" >&2; exit 1; }
[ -x "$bin" ] || cargo build --release -p concord
export CONCORD_DATABASE="sqlite://$db"
$bin demo --no-serve >/dev/null
$bin serve --port $port >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

jar=$(mktemp)
csrf=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$port/login" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
curl -s -c "$jar" -b "$jar" -o /dev/null -d "csrf_token=$csrf&username=analyst&password=riverside-vale-demo&next=/" "http://127.0.0.1:$port/login"
session=$(awk '$6 == "__Host-concord_session" { print $7 }' "$jar")
csrf=$(curl -s -b "$jar" "http://127.0.0.1:$port/account" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
token=$(curl -s -b "$jar" -d "csrf_token=$csrf&name=bench&days=1" "http://127.0.0.1:$port/account/tokens" | grep -o 'concord_[A-Za-z0-9_-]*' | head -1)
[ -n "$session" ] && [ -n "$token" ] || { echo "could not sign in" >&2; exit 1; }

out=$(mktemp -d)
hey -z "${seconds}s" -c 50 -q "$rate" -H "Cookie: __Host-concord_session=$session" \
  "http://127.0.0.1:$port/directory?q=surgery&page=1" > "$out/page.txt" &
hey -z "${seconds}s" -c 50 -q "$rate" -H "Authorization: Bearer $token" \
  "http://127.0.0.1:$port/api/v1/organisations?per_page=50&page=2" > "$out/api.txt" &
wait %2 %3 2>/dev/null || wait

summary() {
  local name=$1 file=$2
  local rps p50 p99 total ok
  rps=$(awk '/Requests\/sec/ { print $2 }' "$file")
  p50=$(awk '/ 50%% in / || / 50% in / { print $3 * 1000 }' "$file")
  p99=$(awk '/ 99%% in / || / 99% in / { print $3 * 1000 }' "$file")
  total=$(awk '/Status code distribution/ { f = 1; next } f && /\[/ { gsub(/[\[\]]/, "", $1); n += $2 } END { print n + 0 }' "$file")
  ok=$(awk '/\[200\]/ { print $2 }' "$file")
  printf '%-34s %8.1f req/s   p50 %6.2f ms   p99 %6.2f ms   errors %d of %d\n' "$name" "$rps" "$p50" "$p99" "$((total - ${ok:-0}))" "$total"
}
echo "50 connections each at $rate req/s per connection, ${seconds}s, both targets at once (100 connections):"
summary "GET /directory?q=surgery (page)" "$out/page.txt"
summary "GET /api/v1/organisations (API)" "$out/api.txt"
grep -h -A3 "Error distribution" "$out"/*.txt || true
