#!/usr/bin/env bash
# Load benchmark (issue: foundation). With the demo data, 100 concurrent connections on loopback at a
# fixed, evenly spaced request rate, signed in (sign-in excluded): 50 connections on the directory page
# and 50 on an API list, both at once, for SECONDS. Prints requests/s, p50, p99 and errors for each.
#
# Load generator: oha (`cargo install oha`), open-loop with latency correction, so a slow response
# cannot hide the requests that should have been sent while it was pending.
# Usage: bench/load.sh [SECONDS=60] [RATE_PER_TARGET=200]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
rate=${2:-200}
port=18181
db=$(mktemp -d)/bench.db
bin=target/release/concord
command -v oha >/dev/null || { echo "install the load generator: cargo install oha" >&2; exit 1; }
[ -x "$bin" ] || cargo build --release -p concord
export CONCORD_DATABASE="sqlite://$db"
$bin demo --no-serve >/dev/null
$bin serve --port $port >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

# Sign in through the real form, then make an API token on the account page.
jar=$(mktemp)
field() { grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }
csrf=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$port/login" | field)
curl -s -c "$jar" -b "$jar" -o /dev/null -d "csrf_token=$csrf&username=analyst&password=riverside-vale-demo&next=/" "http://127.0.0.1:$port/login"
session=$(awk '$6 == "__Host-concord_session" { print $7 }' "$jar")
csrf=$(curl -s -b "$jar" "http://127.0.0.1:$port/account" | field)
token=$(curl -s -b "$jar" -d "csrf_token=$csrf&name=bench&days=1" "http://127.0.0.1:$port/account/tokens" | grep -o 'concord_[A-Za-z0-9_-]*' | head -1)
[ -n "$session" ] && [ -n "$token" ] || { echo "could not sign in" >&2; exit 1; }

out=$(mktemp -d)
run() { oha --no-tui --output-format json -z "${seconds}s" -c 50 -q "$rate" --latency-correction "$@"; }
run -H "Cookie: __Host-concord_session=$session" "http://127.0.0.1:$port/directory?q=surgery" > "$out/page.json" &
run -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/organisations?per_page=50&page=2" > "$out/api.json" &
wait %2 %3 2>/dev/null || wait
[ -n "${BENCH_KEEP:-}" ] && cp "$out"/*.json "$BENCH_KEEP"/

echo "Fixed rate ${rate} req/s per target, 50 connections per target (100 in all), ${seconds} s, both at once, $(nproc) cores shared with the load generator:"
for target in page api; do
  python3 - "$out/$target.json" "$target" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
name = {"page": "GET /directory?q=surgery (page)", "api": "GET /api/v1/organisations (API)"}[sys.argv[2]]
codes = d.get("statusCodeDistribution", {})
errors = dict(d.get("errorDistribution", {}))
cut = errors.pop("aborted due to deadline", 0)  # still in flight when the run's time was up
failed = sum(n for code, n in codes.items() if code != "200") + sum(errors.values())
total = sum(codes.values()) + sum(errors.values())
p = d["latencyPercentiles"]
print(f"{name:34} {d['summary']['requestsPerSec']:8.1f} req/s   p50 {p['p50']*1000:6.2f} ms   p99 {p['p99']*1000:6.2f} ms   errors {failed} of {total}   (in flight at the end: {cut})")
PY
done
