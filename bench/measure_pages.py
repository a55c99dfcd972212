#!/usr/bin/env python3
"""Measure pages benchmark (issue: Measure): the system dashboard for the demo (goal < 100 ms).

Loads the demo into a fresh SQLite file (9 metrics, 28 series: real NHS England A&E data and synthetic
monthly series), serves it with the release build and, signed in as the analyst, times 100 sequential
requests each of:
  - the performance dashboard `/measure` (every series' XmR chart computed live for its icons);
  - the system finance page for the current year (positions, rule verdicts, pools, efficiency);
  - one series page (chart as server-side SVG plus its data table).
No peer product is named for the pages, so the ratio is against the goal.
Usage: bench/measure_pages.py   (needs target/release/concord; starts its own server on a free port)
"""
import os, re, statistics, subprocess, sys, tempfile, time, urllib.request
import align  # the hand-cookie client

PORT = 18284
BASE = f"http://127.0.0.1:{PORT}"
align.PORT, align.BASE = PORT, BASE

def timed(fetch, n):
    fetch()
    times = []
    for _ in range(n):
        t = time.perf_counter(); fetch(); times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], times[-1]

def main():
    work = tempfile.mkdtemp()
    env = dict(os.environ, CONCORD_DATABASE=f"sqlite://{work}/bench.db", RUST_LOG="warn")
    subprocess.run([align.BIN, "demo", "--no-serve"], env=env, check=True, capture_output=True)
    server = subprocess.Popen([align.BIN, "serve", "--port", str(PORT)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(BASE + "/healthz"); break
            except Exception:
                time.sleep(0.1)
        c = align.Client()
        c.post("/login", {"csrf_token": c.csrf(c.get("/login")), "username": "analyst", "password": "riverside-vale-demo", "next": "/"})
        dashboard = c.get("/measure")
        series = re.findall(r'href="/series/([0-9a-f]+)"', dashboard)
        slug = c._send("GET", "/finance")[1].rsplit("/", 1)[1]  # redirects to the latest year
        print(f"demo: {len(set(series))} series on the dashboard")
        for label, path in [("dashboard /measure", "/measure"), (f"finance /finance/{slug}", f"/finance/{slug}"),
                            ("series page", f"/series/{series[0]}")]:
            p50, p95, worst = timed(lambda: c.get(path), 100)
            print(f"{label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms over 100 requests; goal < 100 ms: {100 / p95:.1f}x under at p95")
    finally:
        server.terminate()

if __name__ == "__main__":
    sys.exit(main())
