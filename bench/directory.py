#!/usr/bin/env python3
"""The service directory's speed (issue 18): importing a large HSDS feed, and searching it.

1. Import: an HSDS 3.0 JSON feed of 50,000 services (each with its organization, a place with
   its address and position, two needs from a taxonomy, opening times and capacity) imported by
   `concord directory import` into a fresh SQLite database and, when PostgreSQL is available
   (scripts/postgres.sh), into PostgreSQL; then imported again (nothing changes). Goal: < 10 s.
2. Search: 10,000 services; each query run 200 times through `concord directory search` (the
   store's search as the pages and the Open Referral API use it: the count and the first page of
   25 full services), 50th and 95th percentiles. Goal: p95 < 50 ms. Beside it, the peer: SQLite's
   own full-text index (FTS5, through Python's sqlite3) over the same services' words, answering
   the same queries the same way (the count and the first 25 services' HSDS JSON, parsed).

Usage: bench/directory.py [--services 50000] [--search-services 10000]. Uses target/release/concord
if built, else target/debug/concord (say which in the figures).
"""

import argparse
import json
import math
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = next(
    (p for p in (os.path.join(ROOT, "target", b, "concord") for b in ("release", "debug")) if os.path.exists(p)),
    None,
)
NEEDS = ["Loneliness and social isolation", "Physical activity", "Mental wellbeing", "Money, debt and benefits",
         "Food", "Caring for someone", "Housing", "Older people's support", "Employment and learning",
         "Digital skills", "Arts and creativity", "Getting about"]
KINDS = ["Walking group", "Befriending", "Lunch club", "Carers' group", "Debt advice", "Food pantry",
         "Men's shed", "Memory café", "Chair yoga", "Job club", "Digital help", "Choir", "Peer support",
         "Community garden", "Warm space", "Youth club"]
PLACES = ["Riverside", "Docklands", "Eastbrook", "Market Towns", "Upper Vale", "Lower Vale", "Northmoor Bay",
          "Saltcliffe", "Moorside", "Kingsbridge"]
QUERIES = [["walking"], ["befriending", "riverside"], ["debt", "advice"], ["nothing-matches-this"]]


def uid(*parts):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(str(p) for p in parts)))


def feed(n):
    services = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        place = PLACES[(i // len(KINDS)) % len(PLACES)]
        needs = [NEEDS[i % len(NEEDS)], NEEDS[(i * 7 + 3) % len(NEEDS)]]
        district = f"RV{1 + i % 9}"
        services.append({
            "id": uid("service", i),
            "name": f"{kind}, {place} {i}",
            "description": f"A weekly {kind.lower()} in {place} for anyone who would like to come along.",
            "status": "active",
            "last_modified": "2026-11-30T09:00:00Z",
            "organization": {"id": uid("org", i % 2000), "name": f"{place} Community Group {i % 2000}",
                             "description": "A local charity."},
            "schedules": [{"id": uid("schedule", i), "freq": "WEEKLY", "byday": "TU",
                           "opens_at": "10:00:00", "closes_at": "12:00:00"}],
            "service_at_locations": [{
                "id": uid("at", i),
                "location": {
                    "id": uid("location", i), "location_type": "physical", "name": f"{place} Hall",
                    "latitude": 53.7 + (i % 100) / 1000, "longitude": -1.5 - (i % 77) / 1000,
                    "addresses": [{"id": uid("address", i), "address_1": f"{1 + i % 200} High Street",
                                   "city": place, "state_province": "England",
                                   "postal_code": f"{district} {1 + i % 9}AB", "country": "GB",
                                   "address_type": "physical"}],
                },
            }],
            "attributes": [{"id": uid("attr", i, k), "taxonomy_term": {
                "id": uid("need", name), "name": name, "description": f"Help with {name.lower()}."}}
                for k, name in enumerate(needs)],
            "capacities": [{"id": uid("capacity", i), "unit": {"id": uid("unit"), "name": "places"},
                            "available": i % 13, "maximum": 12 + i % 5, "updated": "2026-11-30T09:00:00Z"}],
        })
    return services


def run(args, url):
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", BINARY, "--database", url] + args,
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"concord {' '.join(args)} failed: {done.stdout}{done.stderr}")
    user, system, rss = done.stderr.strip().splitlines()[-1].split()
    return done.stdout, wall, float(user) + float(system), int(rss) / 1024


def postgres():
    try:
        url = subprocess.run([os.path.join(ROOT, "scripts", "postgres.sh"), "start"], capture_output=True,
                             text=True, check=True, timeout=120).stdout.strip()
        return url or None
    except Exception:
        return None


def fresh_pg(url, name):
    """A new empty database beside `url`'s, for one run."""
    base, _, _ = url.rpartition("/")
    subprocess.run(["psql", url, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True, capture_output=True)
    subprocess.run(["psql", url, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return f"{base}/{name}"


def fts5_peer(services, queries, repeat):
    """SQLite FTS5 over the same words, answering as Concord's search does: the count and the first
    25 services' HSDS JSON, parsed."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE services (id TEXT PRIMARY KEY, name TEXT, document TEXT)")
    db.execute("CREATE VIRTUAL TABLE words USING fts5(id UNINDEXED, text)")
    for s in services:
        text = " ".join([s["name"], s["description"], s["organization"]["name"]] +
                        [a["taxonomy_term"]["name"] for a in s["attributes"]])
        db.execute("INSERT INTO services VALUES (?, ?, ?)", (s["id"], s["name"], json.dumps(s)))
        db.execute("INSERT INTO words VALUES (?, ?)", (s["id"], text))
    results = {}
    for words in queries:
        match = " AND ".join('"' + w.replace('"', '') + '"*' for w in words)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            total = db.execute("SELECT COUNT(*) FROM words WHERE words MATCH ?", (match,)).fetchone()[0]
            rows = db.execute(
                "SELECT s.document FROM words w JOIN services s ON s.id = w.id WHERE words MATCH ? "
                "ORDER BY s.name LIMIT 25", (match,)).fetchall()
            [json.loads(r[0]) for r in rows]
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        results[" ".join(words)] = (total, statistics.median(times), times[int(len(times) * 0.95) - 1])
    return results


NEAR = [("RV3", 1000), ("RV3", 2000), ("RV5", 5000)]


def haversine(a, b):
    """Great-circle metres between (lat, lon) points on a sphere of the Earth's mean radius."""
    (p1, l1), (p2, l2) = [(math.radians(x), math.radians(y)) for x, y in (a, b)]
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((l2 - l1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(h)))


def rtree_peer(services, district, metres, repeat):
    """SQLite's R*Tree index answering the same question from the same middle (the median position of
    the district's places): a bounding box from the index, then the exact great-circle distance,
    nearest first; the count and the first page of 25 documents."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE boxes USING rtree(rowid, min_lat, max_lat, min_lon, max_lon)")
    db.execute("CREATE TABLE services (rowid INTEGER PRIMARY KEY, name TEXT, lat REAL, lon REAL, document TEXT)")
    points = []
    for i, s in enumerate(services):
        loc = s["service_at_locations"][0]["location"]
        db.execute("INSERT INTO services VALUES (?, ?, ?, ?, ?)", (i, s["name"], loc["latitude"], loc["longitude"], json.dumps(s)))
        db.execute("INSERT INTO boxes VALUES (?, ?, ?, ?, ?)", (i, loc["latitude"], loc["latitude"], loc["longitude"], loc["longitude"]))
        if loc["addresses"][0]["postal_code"].split()[0] == district:
            points.append((loc["latitude"], loc["longitude"]))
    centre = (statistics.median(p[0] for p in points), statistics.median(p[1] for p in points))
    d_lat = metres / 111_195.08
    d_lon = d_lat / math.cos(math.radians(centre[0]))
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        rows = db.execute(
            "SELECT s.rowid, s.name, s.lat, s.lon FROM boxes b JOIN services s ON s.rowid = b.rowid "
            "WHERE b.min_lat >= ? AND b.max_lat <= ? AND b.min_lon >= ? AND b.max_lon <= ?",
            (centre[0] - d_lat, centre[0] + d_lat, centre[1] - d_lon, centre[1] + d_lon)).fetchall()
        near = sorted((haversine(centre, (r[2], r[3])), r[1], r[0]) for r in rows)
        near = [n for n in near if n[0] <= metres]
        first = [json.loads(db.execute("SELECT document FROM services WHERE rowid = ?", (n[2],)).fetchone()[0])
                 for n in near[:25]]
        assert len(first) == min(25, len(near))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return len(near), statistics.median(times), times[int(len(times) * 0.95) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", type=int, default=50_000)
    parser.add_argument("--search-services", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    if BINARY is None:
        sys.exit("build it first: cargo build -p concord")
    print(f"binary: {os.path.relpath(BINARY, ROOT)}")
    with tempfile.TemporaryDirectory() as tmp:
        big = os.path.join(tmp, "services.json")
        with open(big, "w") as f:
            json.dump(feed(args.services), f)
        print(f"feed: {args.services:,} services, {os.path.getsize(big) / 1e6:.0f} MB")
        targets = [("SQLite", f"sqlite://{tmp}/import.db")]
        pg = postgres()
        if pg:
            targets.append(("PostgreSQL", fresh_pg(pg, "concord_bench_directory")))
        for label, url in targets:
            run(["migrate"], url)
            out, wall, cpu, rss = run(["directory", "import", big], url)
            print(f"{label}: import of {args.services:,} services {wall:.2f} s wall, {cpu:.2f} CPU s, "
                  f"peak {rss:.0f} MB — {out.strip().splitlines()[0]}")
            out, wall, cpu, rss = run(["directory", "import", big], url)
            print(f"{label}: the same feed again {wall:.2f} s wall — {out.strip().splitlines()[0]}")

        services = feed(args.search_services)
        small = os.path.join(tmp, "search.json")
        with open(small, "w") as f:
            json.dump(services, f)
        url = f"sqlite://{tmp}/search.db"
        run(["migrate"], url)
        run(["directory", "import", small], url)
        peer = fts5_peer(services, QUERIES, args.repeat)
        print(f"search over {args.search_services:,} services, {args.repeat} runs each (ms):")
        print(f"{'query':<24} {'found':>6} {'Concord p50':>12} {'p95':>8} {'FTS5 p50':>9} {'p95':>8} {'ratio p95':>10}")
        for words in QUERIES:
            out, _, _, _ = run(["directory", "search", "--repeat", str(args.repeat)] + words, url)
            line = out.strip().splitlines()[0]
            found = int(line.split()[0])
            p50 = float(line.split("50th percentile ")[1].split(" ms")[0])
            p95 = float(line.split("95th ")[1].split(" ms")[0])
            total, f50, f95 = peer[" ".join(words)]
            print(f"{' '.join(words):<24} {found:>6} {p50:>12.2f} {p95:>8.2f} {f50:>9.2f} {f95:>8.2f} {p95 / f95:>9.1f}x"
                  + ("" if total == found else f"  (FTS5 found {total})"))
        print(f"near a district's middle over {args.search_services:,} services, {args.repeat} runs each (ms):")
        print(f"{'district, metres':<24} {'found':>6} {'Concord p50':>12} {'p95':>8} {'R*Tree p50':>10} {'p95':>8} {'ratio p95':>10}")
        for district, metres in NEAR:
            out, _, _, _ = run(["directory", "search", "--district", district, "--within", str(metres),
                                "--repeat", str(args.repeat)], url)
            line = out.strip().splitlines()[0]
            found = int(line.split()[0])
            p50 = float(line.split("50th percentile ")[1].split(" ms")[0])
            p95 = float(line.split("95th ")[1].split(" ms")[0])
            total, r50, r95 = rtree_peer(services, district, metres, args.repeat)
            print(f"{district + ', ' + str(metres):<24} {found:>6} {p50:>12.2f} {p95:>8.2f} {r50:>10.2f} {r95:>8.2f} {p95 / r95:>9.1f}x"
                  + ("" if total == found else f"  (R*Tree found {total})"))


if __name__ == "__main__":
    main()
