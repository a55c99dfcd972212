#!/usr/bin/env python3
"""Consultations (issue 19): themed counts over 100,000 responses, and the public pages under load.

1. Counts: the release build of `consultation_bench` (crates/concord-demo/examples) loads the demo
   system into a fresh database, then the Joint Forward Plan consultation with 100,000 responses
   (one transaction, through the store's batch write) and one analyst's reading of every answer
   plus a second analyst's of the first 200, then computes the consultation's figures seven times:
   respondents by channel, place, age, sex, ethnic group and deprivation, every choice question,
   and the themes by place through the disclosure rule, with analysts' agreement. Goal: figures
   in < 1 s. On SQLite, and on PostgreSQL when scripts/postgres.sh can start one.
2. Load: the demo (its consultation has 1,500 responses) served by the release `concord`; 200
   requests a second for --seconds, on a fixed schedule from 20 threads with keep-alive
   connections, no sign-in: half to the open consultation's public form, half to the Joint
   Forward Plan's "you said, we did" page (counted at most once a day). A request's time
   runs from when it was due (no coordinated omission). Goal: p99 < 50 ms.

No consultation tool installs from the registries (Citizen Space is proprietary; Decidim and
CONSUL are Ruby on Rails applications with their own databases), so the figures stand against
the goals.

Usage: bench/consultations.py [--responses 100000] [--seconds 60]
       (needs target/release/concord and target/release/examples/consultation_bench)
"""
import argparse, http.client, json, os, re, statistics, subprocess, sys, tempfile, threading, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "concord")
EXAMPLE = os.path.join(ROOT, "target", "release", "examples", "consultation_bench")
PORT = 18391
BASE = f"http://127.0.0.1:{PORT}"


def counts(responses, env, label):
    out = subprocess.run([EXAMPLE, str(responses), "7"], env=env, check=True, capture_output=True, text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    print(f"{label}: {result['responses']:,} responses loaded and read in {result['load_seconds']:.1f} s; "
          f"figures (8 themes by place, every breakdown) median {result['figures_median_ms']:.0f} ms, "
          f"slowest {max(result['figures_ms']):.0f} ms of {len(result['figures_ms'])}")
    return result


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * len(values) + 0.5)) - 1)]


def worker(k, threads, paths, start_at, seconds, rate, results, errors):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    n = 0
    while True:
        # Requests spread evenly across each second, each thread taking every threads-th slot.
        slot = k + n * threads
        due = start_at + slot / rate
        if due - start_at >= seconds:
            break
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        name, path = paths[slot % len(paths)]
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            r.read()
            if r.status != 200:
                errors.append(f"{path}: {r.status}")
        except Exception as e:  # noqa: BLE001 - counted and reported
            errors.append(f"{path}: {e}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        results.append((name, (time.perf_counter() - due) * 1000))
        n += 1
    conn.close()


def load(seconds, rate=200, threads=20):
    work = tempfile.mkdtemp()
    env = dict(os.environ, RUST_LOG="warn", CONCORD_DATABASE=f"sqlite://{work}/bench.db")
    population = ["--population-store", os.path.join(work, "population"), "--key-file", os.path.join(work, "population.key")]
    subprocess.run([BIN, "demo", "--no-serve", "--people", "4000", *population], env=env, check=True, capture_output=True)
    server = subprocess.Popen([BIN, "serve", "--port", str(PORT), *population], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(BASE + "/healthz")
                break
            except Exception:
                time.sleep(0.1)
        page = urllib.request.urlopen(BASE + "/have-your-say").read().decode()
        links = re.findall(r'href="/have-your-say/([0-9a-f]{16})(/you-said-we-did)?"', page)
        form = next(i for i, results in links if not results)
        plan = next(i for i, results in links if results)
        paths = [("the open consultation's form", f"/have-your-say/{form}"),
                 ("you said, we did (1,500 responses)", f"/have-your-say/{plan}/you-said-we-did")]
        results, errors = [], []
        start_at = time.perf_counter() + 1
        pool = [threading.Thread(target=worker, args=(k, threads, paths, start_at, seconds, rate, results, errors))
                for k in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        took = time.perf_counter() - start_at
        times = [ms for _, ms in results]
        print(f"\nPublic pages: {len(results):,} requests in {took:.0f} s ({len(results) / took:.0f} a second), {len(errors)} errors")
        for name in sorted({n for n, _ in results}):
            ms = [m for n, m in results if n == name]
            print(f"  {name:36} n={len(ms):6}  p50 {statistics.median(ms):6.1f} ms  p95 {percentile(ms, 95):6.1f} ms  "
                  f"p99 {percentile(ms, 99):6.1f} ms  max {max(ms):7.1f} ms")
        print(f"  {'all':36} n={len(times):6}  p50 {statistics.median(times):6.1f} ms  p95 {percentile(times, 95):6.1f} ms  "
              f"p99 {percentile(times, 99):6.1f} ms  max {max(times):7.1f} ms")
        for e in errors[:5]:
            print("  error:", e)
    finally:
        server.kill()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args()
    for path in (BIN, EXAMPLE):
        if not os.path.exists(path):
            sys.exit(f"build {path} first: cargo build --release -p concord; cargo build --release -p concord-demo --example consultation_bench")
    env = dict(os.environ, RUST_LOG="warn", TMPDIR=tempfile.mkdtemp())
    env.pop("CONCORD_TEST_DATABASE", None)
    counts(args.responses, env, "SQLite")
    try:
        pg = subprocess.run([os.path.join(ROOT, "scripts", "postgres.sh"), "start"], check=True,
                            capture_output=True, text=True).stdout.strip()
        counts(args.responses, dict(env, CONCORD_TEST_DATABASE=pg), "PostgreSQL")
    except subprocess.CalledProcessError:
        print("PostgreSQL: not available here")
    if not args.skip_load:
        load(args.seconds)


if __name__ == "__main__":
    main()
