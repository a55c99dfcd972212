#!/usr/bin/env python3
"""Concord's security regression suite: the probes of the security review, replayed against a real
`concord demo` server over real sockets, then a short schemathesis run against its OpenAPI document.

Each probe is an attack that once worked (issue 13, "Close the doors"):
  - privilege escalation through every route that grants a role or a board seat;
  - one small request with deeply nested brackets that crashed the server;
  - redirects after sign-in carrying every control character;
  - parallel password guesses outrunning the throttle;
  - formula cells in every CSV export;
  - database and store files readable by other users;
  - anonymous 20 MB multipart uploads buffered before routing (memory growth);
  - PDF printing without a cap.

Usage: tests/security/probe.py [--schemathesis PATH] [--json RESULTS]
Exits 1 if any probe fails. Uses only the standard library; schemathesis runs from its own path.
"""

import argparse
import concurrent.futures as futures
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PASSWORD = "riverside-vale-demo"
RESULTS = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """A browser-like client: cookies, the page's CSRF token, no redirects followed."""

    def __init__(self, port, token=None):
        self.port = port
        self.cookies = {}
        self.csrf = ""
        self.token = token

    def request(self, method, path, body=None, headers=None, timeout=60):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), data

    def get(self, path):
        return self.request("GET", path)

    def form(self, path, fields):
        fields = list(fields) + [("csrf_token", self.csrf)]
        body = urllib.parse.urlencode(fields)
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def api(self, method, path, value=None):
        body = None if value is None else json.dumps(value)
        headers = {} if value is None else {"Content-Type": "application/json"}
        status, _, data = self.request(method, path, body, headers)
        try:
            return status, json.loads(data) if data else None
        except ValueError:
            return status, data.decode("utf-8", "replace")


def csrf_in(html):
    match = re.search(rb'name="csrf_token" value="([^"]+)"', html)
    return match.group(1).decode() if match else ""


def sign_in(port, username, next_path="/"):
    client = Client(port)
    _, _, page = client.get("/login")
    client.csrf = csrf_in(page)
    status, headers, _ = client.form("/login", [("username", username), ("password", PASSWORD), ("next", next_path)])
    if status == 303:
        _, _, account = client.get("/account")
        client.csrf = csrf_in(account)
    return client, status, headers


def token_for(port, username):
    client, status, _ = sign_in(port, username)
    assert status == 303, f"sign-in as {username}: {status}"
    _, _, page = client.form("/account/tokens", [("name", "security suite"), ("days", "1")])
    match = re.search(rb"(concord_[A-Za-z0-9_\-]+)", page)
    assert match, "the new token is shown once"
    return match.group(1).decode()


def probe(name):
    def wrap(fn):
        def run(*args):
            started = time.time()
            try:
                detail = fn(*args) or ""
                RESULTS.append({"probe": name, "ok": True, "detail": detail, "seconds": round(time.time() - started, 1)})
                print(f"ok    {name}: {detail}", flush=True)
            except AssertionError as e:
                RESULTS.append({"probe": name, "ok": False, "detail": str(e), "seconds": round(time.time() - started, 1)})
                print(f"FAIL  {name}: {e}", flush=True)
        return run
    return wrap


@probe("nobody grants themselves a role or a seat, through any route")
def escalation(port, ids):
    lead_token = token_for(port, "lead")
    api = Client(port, lead_token)
    me = api.api("GET", "/api/v1/me")[1]
    own_org = next(g["organisation_id"] for g in me["grants"] if g["role"] == "partner_lead")
    person = me["person_id"]
    tried = 0
    for role in ["system_administrator", "direct_care_clinician", "analyst"]:
        status, body = api.api("POST", f"/api/v1/organisations/{own_org}/memberships", {"person_id": person, "role": role})
        tried += 1
        assert status == 403, f"API membership {role} for themselves: {status} {body}"
    status, _ = api.api("POST", f"/api/v1/organisations/{own_org}/people",
                        {"given_name": "Alias", "family_name": "Admin", "email": "alias.admin@example.nhs.uk",
                         "role": "system_administrator"})
    tried += 1
    assert status == 403, f"API new person as administrator: {status}"
    browser, _, _ = sign_in(port, "lead")
    _, _, own_page = browser.get(f"/organisations/{own_org}")
    assert b'value="system_administrator"' not in own_page, "the membership form offers administrator"
    email = api.api("GET", f"/api/v1/people/{person}")[1]["email"]
    status, _, _ = browser.form(f"/organisations/{own_org}/memberships", [("email", email), ("role", "system_administrator")])
    tried += 1
    assert status == 403, f"page membership for themselves: {status}"
    status, _, _ = browser.form(f"/organisations/{own_org}/people",
                                [("given_name", "Alias"), ("family_name", "Two"), ("email", "alias2@example.nhs.uk"),
                                 ("role", "system_administrator")])
    tried += 1
    assert status == 403, f"page new person as administrator: {status}"
    # A council's lead cannot make themselves a clinician to break glass on a practice's patients.
    council = Client(port, token_for(port, "otherlead"))
    other = council.api("GET", "/api/v1/me")[1]
    council_org = other["grants"][0]["organisation_id"]
    status, _ = council.api("POST", f"/api/v1/organisations/{council_org}/memberships",
                            {"person_id": other["person_id"], "role": "direct_care_clinician"})
    tried += 1
    assert status == 403, f"council lead as clinician: {status}"
    # Administrators do not seat themselves on a board (to respond for a partner or read confidential items).
    admin = Client(port, token_for(port, "admin"))
    admin_id = admin.api("GET", "/api/v1/me")[1]["person_id"]
    boards = admin.api("GET", "/api/v1/boards")[1]
    for board in boards[:3]:
        status, _ = admin.api("POST", f"/api/v1/boards/{board['id']}/members", {"person_id": admin_id, "board_role": "member"})
        tried += 1
        assert status == 403, f"administrator seats themselves on {board['name']}: {status}"
    status, _ = api.api("GET", "/api/v1/audit")
    assert status == 403, "the lead still cannot read the audit log"
    return f"{tried} self-grants through 6 routes refused"


@probe("deep nesting is refused and the server stays up")
def nesting(port, ids):
    api = Client(port, token_for(port, "analyst"))
    sent = 0
    for expression in ["(" * 2054 + "age" + ")" * 2054, "not " * 6200 + "registered", "(" * 100000]:
        definition = f'name = "Deep"\nwhere = "{expression}"\n'
        for path in ["/api/v1/population/counts", "/api/v1/population/cohorts"]:
            status, body = api.api("POST", path, {"definition": definition})
            sent += 1
            assert status == 422, f"{path}: {status} {str(body)[:200]}"
    status, _, _ = api.get("/healthz")
    assert status == 200, "the server is still serving"
    return f"{sent} hostile definitions answered 422; still serving"


@probe("sign-in never redirects off the site, whatever control character next carries")
def redirects(port, ids):
    tried = 0
    for code in list(range(0x00, 0x20)) + [0x7f, 0x5c]:
        for template in ["/{c}/evil.example/", "/{c}{c}evil.example", "/ok{c}path"]:
            nxt = template.replace("{c}", chr(code))
            _, status, headers = sign_in(port, "lead", nxt)
            tried += 1
            assert status == 303, f"next={nxt!r}: {status}"
            location = headers.get("location", "")
            parsed = urllib.parse.urlsplit(location)
            assert location.startswith("/") and not parsed.netloc and not location.startswith("//") \
                and "\\" not in location and not any(ord(ch) < 0x20 or ord(ch) == 0x7f for ch in location), \
                f"next={nxt!r} went to {location!r}"
    return f"{tried} next values, every Location local"


@probe("25 parallel wrong passwords: at most 5 are checked")
def throttle(port, ids):
    anonymous = Client(port)
    _, _, page = anonymous.get("/login")
    csrf = csrf_in(page)

    def guess(i):
        c = Client(port)
        c.cookies = dict(anonymous.cookies)
        c.csrf = csrf
        return c.form("/login", [("username", "probe-nobody"), ("password", f"wrong {i}")])[0]

    with futures.ThreadPoolExecutor(25) as pool:
        statuses = list(pool.map(guess, range(25)))
    checked = statuses.count(401)
    throttled = statuses.count(429)
    assert checked + throttled == 25, statuses
    assert checked <= 5, f"{checked} of 25 parallel guesses were checked"
    return f"{checked} checked, {throttled} throttled"


@probe("no CSV export carries a live formula")
def csv_exports(port, ids):
    admin, _, _ = sign_in(port, "admin")
    admin_api = Client(port, token_for(port, "admin"))
    pcns = admin_api.api("GET", "/api/v1/organisations?org_type=pcn&per_page=200")[1]["items"]
    pcn = pcns[0]
    formula = '=HYPERLINK("http://evil.example","Riverside North PCN")'
    status, body = admin_api.api("PUT", f"/api/v1/organisations/{pcn['id']}",
                                 {"name": formula, "code": pcn["code"], "org_type": "pcn", "parent_id": pcn.get("parent_id")})
    assert status == 200, f"renaming the PCN: {status} {body}"
    analyst, _, _ = sign_in(port, "analyst")
    cohorts = Client(port, token_for(port, "analyst")).api("GET", "/api/v1/population/cohorts")[1]
    exports = [(admin, "/audit/export.csv")] + [(analyst, f"/population/cohorts/{c['id']}/results.csv") for c in cohorts]
    cells = 0
    for client, path in exports:
        status, _, data = client.get(path)
        assert status == 200, f"{path}: {status}"
        import csv
        import io
        for row in csv.reader(io.StringIO(data.decode())):
            for cell in row:
                cells += 1
                if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    try:
                        float(cell)
                    except ValueError:
                        raise AssertionError(f"{path}: live formula {cell[:60]!r}")
    return f"{len(exports)} exports, {cells} cells, none a live formula"


@probe("database, key, anchor and store files are owner-only")
def file_modes(port, ids):
    checked = []
    for name in os.listdir(ids["dir"]):
        path = os.path.join(ids["dir"], name)
        if name == "server.log":
            continue
        mode = os.stat(path).st_mode & 0o777
        checked.append(f"{name} {oct(mode)}")
        assert mode & 0o077 == 0, f"{name} is {oct(mode)}"
    return ", ".join(sorted(checked))


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


@probe("64 parallel anonymous 20 MB uploads: memory growth under 100 MB")
def uploads(port, ids):
    pid = ids["pid"]
    baseline = rss_kb(pid)
    peak = [baseline]
    done = threading.Event()

    def watch():
        while not done.is_set():
            peak[0] = max(peak[0], rss_kb(pid))
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    chunk = b"x" * (1 << 20)
    boundary = "XyZ"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nchosen\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n").encode()

    def upload(i):
        path = ["/no/such/path", "/measure/upload", "/finance/upload", "/population/registered-list"][i % 4]
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        try:
            s.sendall((f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: __Host-concord_csrf=chosen\r\n"
                       f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {20 * (1 << 20) + len(head)}\r\n\r\n").encode())
            s.sendall(head)
            for _ in range(20):
                s.sendall(chunk)
        except OSError:
            pass  # the server answered without reading the body, and closed
        try:
            return s.recv(64)[:12] or b"closed"
        except OSError:
            return b"closed"
        finally:
            s.close()

    started = time.time()
    with futures.ThreadPoolExecutor(64) as pool:
        answers = list(pool.map(upload, range(64)))
    done.set()
    watcher.join()
    growth_mb = (peak[0] - baseline) / 1024
    status, _, _ = Client(port).get("/healthz")
    assert status == 200
    assert growth_mb < 100, f"memory grew {growth_mb:.0f} MB"
    ids["upload_growth_mb"] = round(growth_mb, 1)
    return f"RSS {baseline / 1024:.0f} MB -> peak {peak[0] / 1024:.0f} MB (+{growth_mb:.1f} MB) in {time.time() - started:.1f} s; answers {sorted(set(answers))}"


def chromium_prints():
    """Chromium browsers printing a PDF now: the browser binary itself (not Debian's launcher script
    or its subshells, which carry the same arguments, nor Chromium's helpers, which carry --type=),
    counted once per browser: a browser's child caught between fork and exec still carries its
    parent's arguments, so a printing process whose parent is also one is not a second browser."""
    printing = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read()
            exe = os.path.basename(os.readlink(f"/proc/{pid}/exe"))
            with open(f"/proc/{pid}/stat", "rb") as f:
                parent = f.read().rsplit(b")", 1)[1].split()[1].decode()
        except (OSError, IndexError):
            continue
        if b"--print-to-pdf" in cmd and b"--type=" not in cmd and exe.startswith("chrom"):
            printing[pid] = parent
    return sum(1 for parent in printing.values() if parent not in printing)


@probe("12 parallel board-pack PDFs: at most 2 print at once, the rest queue or are turned away")
def pdfs(port, ids):
    if not any(os.path.exists(p) for p in ["/usr/bin/chromium", "/usr/bin/chromium-browser"]):
        return "skipped: no Chromium"
    client, _, _ = sign_in(port, "vcse")
    meetings = Client(port, token_for(port, "vcse")).api("GET", "/api/v1/programmes")[1]
    programme = meetings[0]["id"]
    most = [0]
    done = threading.Event()

    def watch():
        while not done.is_set():
            most[0] = max(most[0], chromium_prints())
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()

    def fetch(_):
        c = Client(port)
        c.cookies = dict(client.cookies)
        started = time.time()
        status, headers, _ = c.request("GET", f"/programmes/{programme}/highlight.pdf", timeout=120)
        return status, time.time() - started, headers.get("retry-after")

    with futures.ThreadPoolExecutor(12) as pool:
        outcomes = list(pool.map(fetch, range(12)))
    done.set()
    watcher.join()
    printed = [t for s, t, _ in outcomes if s == 200]
    busy = [r for s, _, r in outcomes if s == 503]
    assert len(printed) + len(busy) == 12, outcomes
    assert most[0] <= 2, f"{most[0]} Chromiums printed at once"
    assert all(r == "60" for r in busy), "turned-away prints say when to retry"
    ids["pdf"] = {"most_at_once": most[0], "printed": len(printed), "turned_away": len(busy),
                  "slowest_seconds": round(max(printed), 1), "fastest_seconds": round(min(printed), 1)}
    return (f"at most {most[0]} at once; {len(printed)} printed (fastest {min(printed):.1f} s, "
            f"slowest {max(printed):.1f} s after queueing), {len(busy)} turned away with Retry-After")


@probe("schemathesis: 0 server errors and 0 schema violations")
def schemathesis(port, ids):
    st = ids.get("schemathesis")
    if not st:
        return "skipped: no schemathesis given"
    st = os.path.abspath(st)
    token = token_for(port, "admin")
    report = os.path.join(ids["dir"], "schemathesis.json")
    command = [st, "run", f"http://127.0.0.1:{port}/api/openapi.json",
               "-H", f"Authorization: Bearer {token}",
               "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
               "--phases", "examples,coverage,fuzzing", "--max-examples", "8", "--max-time", "100",
               "--seed", "13", "--generation-database", "none", "--no-color",
               # One worker: with two threads, CPython 3.11's AST recursion counter races inside
               # hypothesis ("AST constructor recursion depth mismatch"), a failure of the tool, not
               # of the API (it failed two runs here and, as "Runtime Error", a CI run).
               "--workers", "1",
               # A busy two-core runner can drop a connection; retry network-level failures (a
               # server that died is caught after every probe, and a 5xx is never retried away).
               "--request-timeout", "30", "--request-retries", "2",
               "--report", "ndjson", "--report-ndjson-path", report]
    # Run in the suite's temporary directory, so schemathesis's cache never lands in the checkout.
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ids["dir"])
    # Everything from the first error or failure section, so a CI log says what went wrong.
    lines = run.stdout.splitlines()
    first = next((i for i, l in enumerate(lines) if "ERRORS" in l or "FAILURES" in l), max(0, len(lines) - 25))
    # The section's start says what failed; the hints schemathesis adds after it can be cut.
    tail = "\n".join(lines[first:])[:8000]
    requests = 0
    if os.path.exists(report):
        with open(report) as f:
            for line in f:
                requests += line.count('"request":')
    ids["schemathesis_requests"] = requests
    assert run.returncode == 0, f"schemathesis found problems:\n{tail}\n{run.stderr[-2000:]}"
    summary = [l for l in run.stdout.splitlines() if "passed" in l or "test cases" in l.lower()]
    return f"{requests} requests; " + " ".join(summary[-2:]).strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schemathesis", help="the schemathesis executable")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "debug", "concord"))
    args = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="concord-security-")
    port = free_port()
    env = dict(os.environ, CONCORD_DATABASE=f"sqlite://{directory}/demo.db", RUST_LOG="warn")
    log = open(os.path.join(directory, "server.log"), "w")
    server = subprocess.Popen([args.binary, "demo", "--port", str(port), "--people", "1500",
                               "--population-store", os.path.join(directory, "population"),
                               "--key-file", os.path.join(directory, "population.key")],
                              cwd=directory, env=env, stdout=log, stderr=log)
    try:
        for _ in range(600):
            try:
                if Client(port).get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise SystemExit("the demo server did not start")
        ids = {"dir": directory, "pid": server.pid, "schemathesis": args.schemathesis}
        for check in [escalation, nesting, redirects, throttle, csv_exports, file_modes, uploads, pdfs, schemathesis]:
            check(port, ids)
            assert server.poll() is None, "the server died"
        figures = {k: v for k, v in ids.items() if k not in ("dir", "pid", "schemathesis")}
    finally:
        server.terminate()
        server.wait(timeout=30)
    failed = [r for r in RESULTS if not r["ok"]]
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"results": RESULTS, "figures": figures}, f, indent=2)
    print(f"\n{len(RESULTS) - len(failed)} of {len(RESULTS)} probes passed; figures: {json.dumps(figures)}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
