#!/usr/bin/env python3
"""Referrals under load (issue 18): 100 referrers at once, at a fixed rate.

Loads the demo (with a 20,000-person population, so practices have registered lists) into a fresh
database, signs in as the demo's clinician through the real sign-in form, makes an API token,
reads the practice's worklist (its people's NHS numbers) and the services that take referrals;
each referrer has its own person and service. Then 100 referrer threads, each on its own keep-alive
connection, each start a cycle every second on a fixed schedule: make a referral
(`POST /api/v1/referrals`, a write with its audit entry), read it back (`GET
/api/v1/referrals/{id}`: the view is audited before it is served, so also a write) and read it as
FHIR (`GET /api/v1/fhir/Task/{id}`, audited too), and withdraw it (`POST .../status`, so the same
person may be referred again next cycle): 400 requests a second for --seconds. Each
request's time is measured from when its cycle was due, so a server that falls behind is charged
for the wait (no coordinated omission). Goal: p99 < 50 ms and no errors.

Peer: none is named by the issue and no referral-management product installs from the
registries, so the figures stand against the goal. The same run on PostgreSQL when
scripts/postgres.sh can start one (the test server: fsync off, so it flatters writes).

Usage: bench/referrals.py [--referrers 100] [--seconds 60]   (needs target/release/concord)
"""
import argparse, csv, io, json, os, re, statistics, subprocess, sys, tempfile, threading, time, urllib.request
import http.client
import align  # the hand-cookie client

PORT = 18383
BASE = f"http://127.0.0.1:{PORT}"
align.PORT, align.BASE = PORT, BASE
BIN = align.BIN
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start(env, work):
    population = ["--population-store", os.path.join(work, "population"), "--key-file", os.path.join(work, "population.key")]
    subprocess.run([BIN, "demo", "--no-serve", "--people", "20000", *population], env=env, check=True, capture_output=True)
    server = subprocess.Popen([BIN, "serve", "--port", str(PORT), *population], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            urllib.request.urlopen(BASE + "/healthz")
            return server
        except Exception:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


def setup():
    c = align.Client()
    c.post("/login", {"csrf_token": c.csrf(c.get("/login")), "username": "clinician",
                      "password": "riverside-vale-demo", "next": "/"})
    token = re.search(r"concord_[A-Za-z0-9_-]+",
                      c.post("/account/tokens", {"csrf_token": c.csrf(c.get("/account")), "name": "bench", "days": "1"})[1]).group(0)
    cohorts = c.get("/population/cohorts")
    cohort = re.search(r'href="/population/cohorts/([0-9a-f]+)"[^>]*>Older people at risk of social isolation', cohorts).group(1)
    rows = list(csv.DictReader(io.StringIO(c.get(f"/population/cohorts/{cohort}/worklist.csv"))))
    numbers = [r["nhs_number"] for r in rows]
    # The services that take referrals, as the referral form offers them.
    form = c.get("/referrals/new")
    select = form[form.index('id="service_id"'):]
    services = re.findall(r'<option value="([0-9a-f-]{36})"', select[:select.index("</select>")])
    return token, numbers, services


def referrer(k, token, numbers, services, start_at, seconds, results, errors):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def send(method, path, body, due):
        try:
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            text = r.read()
        except Exception as e:  # noqa: BLE001 - counted and reported
            errors.append(f"{method} {path}: {e}")
            return None
        elapsed = (time.perf_counter() - due) * 1000
        results.append((method + " " + re.sub(r"/[0-9a-f]{16}", "/{id}", path), elapsed))
        if r.status >= 400:
            errors.append(f"{method} {path}: {r.status} {text[:200]!r}")
            return None
        return text

    cycle = 0
    while True:
        due = start_at + k / 100 + cycle  # referrers spread across each second
        if due - start_at >= seconds:
            break
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        # Each referrer refers its own person to its own service (a pair no other referrer
        # uses), so no two ask at once for what Concord refuses twice.
        nhs = numbers[k % len(numbers)]
        service = services[(k // len(numbers)) % len(services)]
        body = json.dumps({"nhs_number": nhs, "service_id": service, "reason": "Would like company",
                           "phone": "01632 960 001", "contact_preference": "phone", "consent": True})
        made = send("POST", "/api/v1/referrals", body, due)
        if made:
            rid = json.loads(made)["id"]
            t = time.perf_counter()
            send("GET", f"/api/v1/referrals/{rid}", None, t)
            t = time.perf_counter()
            send("GET", f"/api/v1/fhir/Task/{rid}", None, t)
            # Withdrawn again, so the next cycle may refer the same person (Concord refuses a
            # second open referral of one person to one service).
            t = time.perf_counter()
            send("POST", f"/api/v1/referrals/{rid}/status", json.dumps({"status": "entered_in_error", "reason": "mistake"}), t)
        cycle += 1
    conn.close()


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * len(values) + 0.5)) - 1)]


def run(label, env, referrers, seconds):
    work = tempfile.mkdtemp()
    server = start(env, work)
    try:
        token, numbers, services = setup()
        if len(numbers) * len(services) < referrers:
            sys.exit(f"only {len(numbers)} people x {len(services)} services for {referrers} referrers")
        results, errors = [], []
        start_at = time.perf_counter() + 1
        threads = [threading.Thread(target=referrer, args=(k, token, numbers, services, start_at, seconds, results, errors))
                   for k in range(referrers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.perf_counter() - start_at
        times = [ms for _, ms in results]
        print(f"\n{label}: {referrers} referrers, {seconds} s, {len(results)} requests "
              f"({len(results) / took:.0f} a second), {len(errors)} errors")
        for name in sorted({n for n, _ in results}):
            ms = [m for n, m in results if n == name]
            print(f"  {name:34} n={len(ms):6}  p50 {statistics.median(ms):6.1f} ms  p95 {percentile(ms, 95):6.1f} ms  "
                  f"p99 {percentile(ms, 99):6.1f} ms  max {max(ms):7.1f} ms")
        print(f"  {'all':34} n={len(times):6}  p50 {statistics.median(times):6.1f} ms  p95 {percentile(times, 95):6.1f} ms  "
              f"p99 {percentile(times, 99):6.1f} ms  max {max(times):7.1f} ms")
        for e in errors[:5]:
            print("  error:", e)
        return percentile(times, 99), len(errors)
    finally:
        server.kill()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--referrers", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    if not os.path.exists(BIN):
        sys.exit("build target/release/concord first: cargo build --release -p concord")
    base_env = dict(os.environ, RUST_LOG="warn")
    work = tempfile.mkdtemp()
    run("SQLite", dict(base_env, CONCORD_DATABASE=f"sqlite://{work}/bench.db"), args.referrers, args.seconds)
    try:
        pg = subprocess.run([os.path.join(ROOT, "scripts", "postgres.sh"), "start"], check=True,
                            capture_output=True, text=True).stdout.strip()
    except Exception:  # noqa: BLE001
        print("\nPostgreSQL: not available here")
        return
    db = f"bench_referrals_{os.getpid()}"
    subprocess.run(["psql", pg, "-c", f"CREATE DATABASE {db}"], check=True, capture_output=True)
    run("PostgreSQL", dict(base_env, CONCORD_DATABASE=pg.rsplit("/", 1)[0] + "/" + db), args.referrers, args.seconds)


if __name__ == "__main__":
    main()
