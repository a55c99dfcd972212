#!/usr/bin/env python3
"""Board pack benchmark (issue: Govern and deliver): the board pack for a board governing 10 programmes.

Loads the demo into a fresh SQLite file, then through the JSON API gives the MSK programme board nine
more programmes (10 in all), each with 12 monthly status reports, 5 milestones, 8 risks reviewed
twice, 2 benefits with 12 readings and an item on the board's next agenda. Then times, signed in:
  - the board pack page (server-side, live data): 50 requests, p50 / p95 / max;
  - the same pack as JSON (API): 50 requests;
  - the pack as PDF (headless Chromium print): 5 requests.
Goal (issue): the page in under 1 s. No peer product is named, so the ratio is against the goal.
Usage: bench/board_pack.py   (needs target/release/concord; starts its own server on a free port)
"""
import json, os, statistics, subprocess, sys, tempfile, time, urllib.request
import align  # the hand-cookie client and API helper

PORT = 18283
BASE = f"http://127.0.0.1:{PORT}"
align.PORT, align.BASE = PORT, BASE
BIN = align.BIN

def get_json(path, token):
    req = urllib.request.Request(BASE + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)

def post_json(method, path, token, body):
    req = urllib.request.Request(BASE + path, method=method, data=json.dumps(body).encode(),
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        text = r.read()
        return json.loads(text) if text else None

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
    subprocess.run([BIN, "demo", "--no-serve"], env=env, check=True, capture_output=True)
    server = subprocess.Popen([BIN, "serve", "--port", str(PORT)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(BASE + "/healthz"); break
            except Exception:
                time.sleep(0.1)
        c = align.Client()
        c.post("/login", {"csrf_token": c.csrf(c.get("/login")), "username": "admin", "password": "riverside-vale-demo", "next": "/"})
        import re
        token = re.search(r"concord_[A-Za-z0-9_-]+", c.post("/account/tokens", {"csrf_token": c.csrf(c.get("/account")), "name": "bench", "days": "1"})[1]).group(0)
        msk = next(p for p in get_json("/api/v1/programmes", token) if p["name"].startswith("MSK"))
        board = msk["board_id"]
        detail = get_json(f"/api/v1/programmes/{msk['id']}", token)
        objective = detail["objectives"][0]["id"]
        people = [p["id"] for p in get_json("/api/v1/people?per_page=100", token)["items"]]
        meeting = get_json(f"/api/v1/boards/{board}/meetings", token)[0]["id"]
        for n in range(9):
            pid = post_json("POST", f"/api/v1/organisations/{msk['lead_organisation_id']}/programmes", token, {
                "name": f"Benchmark programme {n + 1}", "summary": "A programme for the benchmark", "lead_organisation_id": "",
                "sro_person_id": people[n], "manager_person_id": people[n + 10], "board_id": board, "status": "active",
                "rag": "amber", "rag_reason": "Mobilising", "starts_on": "2025-11-01", "objective_ids": [objective]})["id"]
            for m in range(12):
                post_json("POST", f"/api/v1/programmes/{pid}/reports", token, {"as_of": f"{2025 + (m + 11) // 12}-{(m + 11) % 12 + 1:02}-28",
                          "status": "active", "rag": "green" if m % 3 else "amber", "rag_reason": "As reported", "progress": f"Month {m + 1}"})
            for m in range(5):
                post_json("POST", f"/api/v1/programmes/{pid}/milestones", token, {"title": f"Milestone {m + 1}", "owner_person_id": people[n],
                          "baseline_on": f"2026-{m * 2 + 1:02}-15", "forecast_on": f"2026-{m * 2 + 2:02}-15"})
            for r in range(8):
                rid = post_json("POST", f"/api/v1/programmes/{pid}/risks", token, {"title": f"Risk {r + 1}", "owner_person_id": people[r],
                                "likelihood": r % 5 + 1, "impact": 4, "target_likelihood": 1, "target_impact": 2, "mitigations": "Mitigated", "confidential": r == 7})["id"]
                for k in range(0 if r == 7 else 2):
                    post_json("POST", f"/api/v1/programmes/{pid}/risks/{rid}/reviews", token, {"likelihood": (r + k) % 5 + 1, "impact": 4,
                              "note": "Reviewed", "reviewed_on": f"2026-0{k + 6}-01"})
            for b in range(2):
                bid = post_json("POST", f"/api/v1/programmes/{pid}/benefits", token, {"title": f"Benefit {b + 1}", "metric": "Per month",
                                "direction": "decrease", "baseline": 1000, "target": 800, "target_on": "2027-03-31",
                                "impacts": [{"organisation_id": msk["lead_organisation_id"], "effect": "demand_falls", "note": ""}]})["id"]
                for m in range(12):
                    post_json("PUT", f"/api/v1/programmes/{pid}/benefits/{bid}/readings", token, {"measured_on": f"2026-{m + 1:02}-28", "value": 1000 - 10 * m})
            post_json("POST", f"/api/v1/meetings/{meeting}/agenda", token, {"title": f"Highlight report {n + 1}", "purpose": "decision", "programme_id": pid})
        pack = get_json(f"/api/v1/meetings/{meeting}/pack", token)
        assert len(pack["programmes"]) == 10, len(pack["programmes"])
        page = lambda: c.get(f"/meetings/{meeting}/pack")
        p50, p95, worst = timed(page, 50)
        print(f"board pack page, 10 programmes, signed in: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms over 50 requests; goal < 1000 ms: {1000 / p95:.0f}x under at p95")
        a50, a95, amax = timed(lambda: get_json(f"/api/v1/meetings/{meeting}/pack", token), 50)
        print(f"board pack JSON (API): p50 {a50:.1f} ms, p95 {a95:.1f} ms, max {amax:.1f} ms over 50 requests")
        def pdf():
            import http.client
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
            conn.request("GET", f"/meetings/{meeting}/pack.pdf", headers={"Cookie": "; ".join(f"{k}={v}" for k, v in c.cookies.items())})
            r = conn.getresponse()
            body = r.read()
            assert r.status == 200 and body.startswith(b"%PDF"), (r.status, body[:200])
            return len(body)
        d50, d95, dmax = timed(pdf, 5)
        print(f"board pack PDF (headless Chromium print): p50 {d50:.0f} ms, max {dmax:.0f} ms over 5 requests")
    finally:
        server.terminate()

if __name__ == "__main__":
    sys.exit(main())
