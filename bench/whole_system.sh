#!/bin/sh
# A whole-system what-if, timed: the demo ICS's registered population (the MSK pathway built from
# every network's registered adults), one simulated year, 5 scenarios x 100 replications on every
# core, compared on common random numbers. Goal: under 10 minutes on 2 cores.
#
# Needs `cargo build -p concord` (to build the demo) and
# `cargo build --release -p concord-sim --example simbench` (the engine, optimised).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$root/target/debug/concord" demo --no-serve > demo.log 2>&1
sqlite3 concord-demo.db "SELECT model FROM design_scenarios WHERE title = 'MSK pathway in Riverside today'" > base.toml
sqlite3 concord-demo.db "SELECT model FROM design_scenarios WHERE title = 'First-contact physiotherapy in every network'" > fcp.toml
# Three more: FCP with two more community MSK clinicians, FCP with fewer GP referrals to
# community MSK, and today's pathway with two more community MSK clinicians.
awk '/name = "community-msk"/{m=1} m && /^staff = 5$/{print "staff = 7"; m=0; next} {print}' fcp.toml > fcp-msk7.toml
sed 's/to = "community-msk", p = 0.2 }/to = "community-msk", p = 0.15 }/' fcp.toml > fcp-triage.toml
awk '/name = "community-msk"/{m=1} m && /^staff = 5$/{print "staff = 7"; m=0; next} {print}' base.toml > base-msk7.toml
grep -c '^\[\[source\]\]' base.toml | sed 's/^/sources (networks): /'
/usr/bin/time -f "cpu %U s user, %S s system; %e s wall; peak %M KB" \
  "$root/target/release/examples/simbench" --compare 100 base.toml fcp.toml fcp-msk7.toml fcp-triage.toml base-msk7.toml
