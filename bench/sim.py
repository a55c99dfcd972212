#!/usr/bin/env python3
"""Simulation speed: Concord's engine beside Ciw and SimPy on the same models, in one run.

Models (as in issue 17): M/M/10 at rho = 0.95, and the GP -> first-contact physio -> MSK network
(12, 4 and 2 servers; 30% of GP patients to FCP, 40% of those to MSK). Each engine simulates about
10^6 arrivals in one replication on one core, from empty, in its own process; we report events per
CPU-second (an event is an arrival at a node or a service completion there, counted alike for
every engine: two for each service completed), peak memory (max RSS), and the mean
wait at each node beside queueing theory, so the engines are seen to answer the same question.
Then Concord alone with 10^7 customers, for memory that does not grow with the number of people.

Usage: bench/sim.py [--arrivals 1000000]. Needs `cargo build --release -p concord-sim --example
simbench` and a virtual environment with ciw and simpy (pip install ciw simpy), found at
target/bench-venv or given with --python.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIMBENCH = os.path.join(ROOT, "target", "release", "examples", "simbench")

MODELS = {
    "M/M/10, rho 0.95": {
        "rate": 9.5,
        "nodes": [("clinic", 10, [])],
    },
    "GP -> FCP -> MSK": {
        "rate": 10.0,
        "nodes": [("gp", 12, [(1, 0.3)]), ("fcp", 4, [(2, 0.4)]), ("msk", 2, [])],
    },
}


def erlang_c_wait(lam, mu, c):
    a = lam / mu
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    rho = a / c
    cc = b / (1 - rho * (1 - b))
    return cc / (c * mu - lam)


def theory(model):
    """Mean wait at each node of the (Jackson) network."""
    rates = [0.0] * len(model["nodes"])
    rates[0] = model["rate"]
    for i, (_, _, routes) in enumerate(model["nodes"]):
        for to, p in routes:
            rates[to] += rates[i] * p
    return {name: erlang_c_wait(rates[i], 1.0, c) for i, (name, c, _) in enumerate(model["nodes"])}


def toml_of(model, horizon):
    lines = [
        "[run]", 'time_unit = "hour"', "warm_up = 0", f"length = {horizon}", "replications = 1", "seed = 1", "",
        "[[source]]", 'name = "arrivals"', f'to = "{model["nodes"][0][0]}"',
        f'arrivals = {{ dist = "poisson", rate = {model["rate"]} }}', "",
    ]
    for name, c, routes in model["nodes"]:
        lines += ["[[node]]", f'name = "{name}"', f"servers = {c}",
                  'service = { dist = "exponential", mean = 1.0 }']
        if routes:
            r = ", ".join(f'{{ to = "{model["nodes"][to][0]}", p = {p} }}' for to, p in routes)
            lines.append(f"routes = [ {r} ]")
        lines.append("")
    return "\n".join(lines)


CIW = textwrap.dedent("""
    import ciw, json, sys
    spec = json.loads(sys.argv[1])
    n = len(spec["nodes"])
    routing = [[0.0] * n for _ in range(n)]
    for i, (_, _, routes) in enumerate(spec["nodes"]):
        for to, p in routes:
            routing[i][to] = p
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=spec["rate"])] + [None] * (n - 1),
        service_distributions=[ciw.dists.Exponential(rate=1.0)] * n,
        number_of_servers=[c for _, c, _ in spec["nodes"]],
        routing=routing,
    )
    ciw.seed(1)
    q = ciw.Simulation(network)
    q.simulate_until_max_time(spec["horizon"])
    records = q.get_all_records()
    waits = {}
    for i, (name, _, _) in enumerate(spec["nodes"]):
        w = [r.waiting_time for r in records if r.node == i + 1]
        waits[name] = sum(w) / len(w)
    arrivals = sum(1 for r in records if r.node == 1)
    print(json.dumps({"events": 2 * len(records), "waits": waits}))
""")

SIMPY = textwrap.dedent("""
    import simpy, random, json, sys
    spec = json.loads(sys.argv[1])
    random.seed(1)
    env = simpy.Environment()
    servers = [simpy.Resource(env, capacity=c) for _, c, _ in spec["nodes"]]
    sums = [0.0] * len(servers); counts = [0] * len(servers)
    served = [0]
    def person(env):
        node = 0
        while node is not None:
            arrived = env.now
            with servers[node].request() as req:
                yield req
                sums[node] += env.now - arrived; counts[node] += 1
                yield env.timeout(random.expovariate(1.0))
            served[0] += 1
            nxt = None; u = random.random(); acc = 0.0
            for to, p in spec["nodes"][node][2]:
                acc += p
                if u < acc:
                    nxt = to; break
            node = nxt
    def source(env):
        while True:
            yield env.timeout(random.expovariate(spec["rate"]))
            env.process(person(env))
    env.process(source(env))
    env.run(until=spec["horizon"])
    waits = {name: sums[i] / counts[i] for i, (name, _, _) in enumerate(spec["nodes"])}
    print(json.dumps({"events": 2 * served[0], "waits": waits}))
""")


def measured(command):
    """Runs a command under GNU time; returns its JSON line, CPU seconds (user + system, to the
    microsecond, from the kernel's accounting of the child and of GNU time itself, so a
    millisecond too much if anything) and peak memory (max RSS of the command, MB, from GNU
    time: a child forked from this Python process would count Python's own memory)."""
    child = subprocess.Popen(["/usr/bin/time", "-f", "%M"] + command, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    out, err = child.stdout.read(), child.stderr.read()  # both small
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    child.stdout.close()
    child.stderr.close()
    if child.returncode != 0:
        sys.exit(f"{command[0]} failed with {child.returncode}: {err}")
    rss_kb = int(err.strip().splitlines()[-1])
    return json.loads(out.strip().splitlines()[-1]), usage.ru_utime + usage.ru_stime, rss_kb / 1024


def median_of(runs, command):
    """Concord's run takes a tenth of a second, so it is run `runs` times and the run with the
    median CPU time is reported (the peers' take minutes and are run once)."""
    results = sorted((measured(command) for _ in range(runs)), key=lambda r: r[1])
    return results[len(results) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arrivals", type=int, default=1_000_000)
    parser.add_argument("--python", default=os.path.join(ROOT, "target", "bench-venv", "bin", "python"))
    parser.add_argument("--big", type=int, default=10_000_000, help="customers for Concord's memory check")
    args = parser.parse_args()
    if not os.path.exists(SIMBENCH):
        sys.exit("build it first: cargo build --release -p concord-sim --example simbench")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, model in MODELS.items():
            horizon = args.arrivals / model["rate"]
            path = os.path.join(tmp, "model.toml")
            with open(path, "w") as f:
                f.write(toml_of(model, horizon))
            spec = json.dumps({**model, "horizon": horizon})
            engines = {
                "Concord": [SIMBENCH, path],
                "Ciw": [args.python, "-c", CIW, spec],
                "SimPy": [args.python, "-c", SIMPY, spec],
            }
            expected = theory(model)
            results = {}
            for name, command in engines.items():
                line, cpu, memory = median_of(5, command) if name == "Concord" else measured(command)
                results[name] = (line["events"] / max(cpu, 0.01), memory, line["waits"], cpu)
            for name, (rate, memory, waits, cpu) in results.items():
                ratio = results["Concord"][0] / rate
                shown = ", ".join(f"{k} {v:.3f} (theory {expected[k]:.3f})" for k, v in waits.items())
                rows.append((label, name, rate, ratio, memory, cpu, shown))
        big_model = MODELS["M/M/10, rho 0.95"]
        path = os.path.join(tmp, "big.toml")
        with open(path, "w") as f:
            f.write(toml_of(big_model, args.big / big_model["rate"]))
        _, big_cpu, big_memory = measured([SIMBENCH, path])
    print(f"{'model':<20} {'engine':<8} {'events/CPU-s':>14} {'Concord is':>11} {'peak MB':>8} {'CPU s':>7}  mean waits")
    for label, name, rate, ratio, memory, cpu, shown in rows:
        print(f"{label:<20} {name:<8} {rate:>14,.0f} {ratio:>10,.1f}x {memory:>8.1f} {cpu:>7.3f}  {shown}")
    print(f"Concord, M/M/10 with {args.big:,} customers: peak memory {big_memory:.1f} MB, {big_cpu:.3f} CPU s")


if __name__ == "__main__":
    main()
