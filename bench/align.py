#!/usr/bin/env python3
"""Alignment benchmark (issue: Agree): 50 partners x 40 service areas.

1. Times `concord align` on a generated rankings CSV (hyperfine, if installed, else repeated runs).
2. Loads the same rankings into a running demo server through its pages and JSON API, then times the
   alignment page (server-side render, signed in) over repeated requests: p50, p95, max.
Usage: bench/align.py   (needs target/release/concord; starts its own server on a free port)
"""
import json, os, random, re, shutil, statistics, subprocess, sys, tempfile, time, urllib.parse, urllib.request
from http.cookiejar import CookieJar

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "concord")
PARTNERS, AREAS, PORT = 50, 40, 18282
BASE = f"http://127.0.0.1:{PORT}"

def rankings():
    rng = random.Random(2026)
    rows = []
    for p in range(PARTNERS):
        scores = [rng.gauss(a % 7, 2.0) for a in range(AREAS)]
        order = sorted(range(AREAS), key=lambda a: -scores[a])
        ranked = order if p % 3 else order[: AREAS // 2]  # a third give partial rankings
        for rank, a in enumerate(ranked, 1):
            rows.append((f"Partner {p:02}", f"Area {a:02}", rank if rank % 9 else rank - 1))  # some ties
    return rows

def time_cli(csv_path):
    cmd = f"{BIN} align --input {csv_path} --format json"
    if shutil.which("hyperfine"):
        out = os.path.join(tempfile.mkdtemp(), "h.json")
        subprocess.run(["hyperfine", "-N", "--warmup", "3", "--runs", "30", "--export-json", out, cmd], check=True, capture_output=True)
        r = json.load(open(out))["results"][0]
        return r["median"] * 1000, r["min"] * 1000, r["max"] * 1000
    times = []
    for _ in range(30):
        t = time.perf_counter(); subprocess.run(cmd.split(), check=True, capture_output=True); times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), min(times), max(times)

class Client:
    """A browser-like client that keeps cookies by hand: Python's cookie jar will not send `Secure`
    cookies over http, even to loopback, and Concord's cookies are `__Host-` and Secure."""
    def __init__(self):
        self.cookies = {}
    def _send(self, method, path, fields=None):
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", PORT)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        for value in r.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";")[0]
        text = r.read().decode()
        if r.status >= 400:
            raise RuntimeError(f"{method} {path}: {r.status} {text[:300]}")
        return r.status, r.getheader("Location") or path, text
    def get(self, path):
        return self._send("GET", path)[2]
    def post(self, path, fields):
        _, location, text = self._send("POST", path, fields)
        return location, text
    @staticmethod
    def csrf(html):
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

def api(method, path, token, body):
    req = urllib.request.Request(BASE + path, method=method, data=json.dumps(body).encode(),
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return r.status

def main():
    rows = rankings()
    work = tempfile.mkdtemp()
    csv_path = os.path.join(work, "rankings.csv")
    with open(csv_path, "w") as f:
        f.write("partner,area,rank\n" + "".join(f"{p},{a},{r}\n" for p, a, r in rows))
    median, low, high = time_cli(csv_path)
    print(f"concord align, {PARTNERS} partners x {AREAS} areas ({len(rows)} rows): median {median:.1f} ms (min {low:.1f}, max {high:.1f}) per run, process start included")

    env = dict(os.environ, CONCORD_DATABASE=f"sqlite://{work}/bench.db", RUST_LOG="warn")
    subprocess.run([BIN, "demo", "--no-serve"], env=env, check=True, capture_output=True)
    server = subprocess.Popen([BIN, "serve", "--port", str(PORT)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(BASE + "/healthz"); break
            except Exception:
                time.sleep(0.1)
        c = Client()
        c.post("/login", {"csrf_token": c.csrf(c.get("/login")), "username": "admin", "password": "riverside-vale-demo", "next": "/"})
        token = re.search(r"concord_[A-Za-z0-9_-]+", c.post("/account/tokens", {"csrf_token": c.csrf(c.get("/account")), "name": "bench", "days": "1"})[1]).group(0)
        boards = json.load(urllib.request.urlopen(urllib.request.Request(BASE + "/api/v1/boards", headers={"Authorization": f"Bearer {token}"})))
        board = boards[0]["id"]
        url, _ = c.post(f"/boards/{board}/rounds", {"csrf_token": c.csrf(c.get("/account")), "title": "Benchmark round", "stage": "consulting", "opens_on": "2027-01-01", "closes_on": "2027-12-31"})
        round_id = url.rstrip("/").split("/")[-1]
        for a in range(AREAS):
            c.post(f"/rounds/{round_id}/areas", {"csrf_token": c.csrf(c.get("/account")), "name": f"Area {a:02}"})
        orgs = json.load(urllib.request.urlopen(urllib.request.Request(f"{BASE}/api/v1/organisations?per_page=200&org_type=", headers={"Authorization": f"Bearer {token}"})))["items"][:PARTNERS]
        page = c.get(f"/rounds/{round_id}/views/{orgs[0]['id']}")
        area_ids = {name: aid for aid, name in re.findall(r'for="rank_([0-9a-f]+)">([^<]+)</label>', page)}
        assert len(area_ids) == AREAS, f"found {len(area_ids)} area fields"
        by_partner = {}
        for p, a, r in rows:
            by_partner.setdefault(p, []).append({"area_id": area_ids[a], "rank": r})
        for org, (partner, ranks) in zip(orgs, sorted(by_partner.items())):
            api("PUT", f"/api/v1/rounds/{round_id}/views/{org['id']}", token, {"ranks": ranks, "aims": f"Aims of {partner}"})
        path = f"/rounds/{round_id}/alignment"
        c.get(path)
        times = []
        for _ in range(50):
            t = time.perf_counter(); body = c.get(path); times.append((time.perf_counter() - t) * 1000)
        assert "Where partners align" in body and body.count("concord-heat-") >= PARTNERS * PARTNERS
        times.sort()
        print(f"alignment page, {PARTNERS} partners x {AREAS} areas, signed in: p50 {statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95) - 1]:.1f} ms, max {times[-1]:.1f} ms over {len(times)} requests (goal < 200 ms)")
    finally:
        server.terminate()

if __name__ == "__main__":
    sys.exit(main())
