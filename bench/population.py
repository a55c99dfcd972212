#!/usr/bin/env python3
"""Population benchmarks (issue "Understand"), side by side in one run:

1. Ingest of the same synthetic FHIR NDJSON (`concord synth`, seeded) by
   - Concord: `concord ingest` per source (validation, pseudonymisation, Parquet, atomic batches);
   - DuckDB: `read_json` of every file into Parquet (`COPY ... TO ... (FORMAT parquet)`);
   - Apache Spark (PySpark, local[2]): `spark.read.json` into Parquet. Pathling's import is Spark's
     JSON reader plus Pathling's FHIR encoders; Pathling's own JARs come from Maven Central, which
     this machine cannot reach (see bench/README.md), so Spark's reader is the nearest runnable
     stand-in and a lower bound on Pathling's time.
2. Three cohort questions over the same Parquet files, each asked of Concord (`concord cohort run`,
   a cold process: it reads the files every time) and of DuckDB SQL (a fresh connection each time,
   reading the files), with their answers compared number by number:
   frailty by PCN; older people at risk of social isolation by PCN; people with 2+ emergency
   admissions in 12 months by IMD decile.

Usage: cargo build --release -p concord && bench/.venv/bin/python bench/population.py [--people N]
       [--runs R] [--skip-spark]
Prints JSON; writes bench/data/population/results.json.
"""
import argparse
import csv
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "concord"
QUERIES = ROOT / "bench" / "population"
INDEX = "2026-10-31"


def run(args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw)


def timed(args, **kw):
    start = time.perf_counter()
    out = run(args, **kw)
    return time.perf_counter() - start, out.stdout


def setup(work: Path, people: int):
    synth = work / f"synth-{people}"
    if not (synth / "done").exists():
        shutil.rmtree(synth, ignore_errors=True)
        run([BIN, "synth", "--people", str(people), "--out", synth])
        (synth / "done").write_text("ok")
    demo_db = work / "demo.db"
    if not demo_db.exists():
        run([BIN, "--database", f"sqlite://{demo_db}", "demo", "--no-serve", "--people", "1000",
             "--population-store", work / "demo-population", "--key-file", work / "demo.key"])
    with sqlite3.connect(demo_db) as db:
        rows = db.execute(
            "SELECT o.code, pcn.name FROM organisations o JOIN organisations pcn ON pcn.id = o.parent_id "
            "WHERE o.org_type = 'gp_practice'").fetchall()
    with open(work / "practices.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["code", "pcn"])
        w.writerows(rows)
    return synth, demo_db


def sources(synth: Path):
    return [(d, src) for d, src in [("gp", "QRV"), ("RRV", "RRV"), ("RNM", "RNM")] if (synth / d).exists()]


def ndjson_files(synth: Path):
    return sorted(p for d, _ in sources(synth) for p in (synth / d).glob("*.ndjson"))


def ingest_concord(synth: Path, store: Path, key: Path):
    shutil.rmtree(store, ignore_errors=True)
    total = 0.0
    for d, src in sources(synth):
        files = sorted((synth / d).glob("*.ndjson"))
        seconds, _ = timed([BIN, "ingest", "--source", src, "--store", store, "--key-file", key,
                            "--postcodes", synth / "reference" / "postcodes.csv", *files])
        total += seconds
    (store / "reference").mkdir(exist_ok=True)
    shutil.copy(synth / "reference" / "lsoas.csv", store / "reference" / "lsoas.csv")
    return total


def ingest_duckdb(synth: Path, out: Path):
    import duckdb
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    start = time.perf_counter()
    con = duckdb.connect()
    for i, f in enumerate(ndjson_files(synth)):
        con.execute(f"COPY (SELECT * FROM read_json('{f}', format = 'newline_delimited', union_by_name = true, "
                    f"maximum_object_size = 16777216)) TO '{out}/{i:02d}-{f.stem}.parquet' (FORMAT parquet)")
    con.close()
    return time.perf_counter() - start


def ingest_spark(synth: Path, out: Path):
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").appName("bench")
             .config("spark.driver.memory", "8g").config("spark.ui.enabled", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    for i, f in enumerate(ndjson_files(synth)):
        spark.read.json(str(f)).write.parquet(str(out / f"{i:02d}-{f.stem}"))
    seconds = time.perf_counter() - start
    spark.stop()
    return seconds


def duck_sql(name: str, store: Path, work: Path) -> str:
    p = f"read_parquet('{store}/batches/*/patients/*/*.parquet', filename = true)"
    e = f"read_parquet('{store}/batches/*/events/*/*.parquet')"
    i = f"DATE '{INDEX}'"
    people = f"""people AS (SELECT pseudonym,
        arg_max(practice, filename) FILTER (WHERE practice IS NOT NULL) AS practice,
        arg_max(birth_month, filename) FILTER (WHERE birth_month IS NOT NULL) AS birth_month,
        arg_max(deceased_month, filename) FILTER (WHERE deceased_month IS NOT NULL) AS deceased_month,
        arg_max(lsoa, filename) FILTER (WHERE lsoa IS NOT NULL) AS lsoa
      FROM {p} GROUP BY pseudonym),
    reg AS (SELECT *, year({i}) - year(birth_month) - CASE WHEN month({i}) < month(birth_month) THEN 1 ELSE 0 END AS age
      FROM people WHERE practice IS NOT NULL AND (deceased_month IS NULL OR deceased_month > {i})
        AND (birth_month IS NULL OR birth_month <= {i})),
    pr AS (SELECT * FROM read_csv('{work}/practices.csv', all_varchar = true))"""
    if name == "frailty":
        return f"""WITH {people},
        efi AS (SELECT DISTINCT deficit, code FROM read_csv('{ROOT}/data/codelists/efi.csv', all_varchar = true)),
        ev AS (SELECT pseudonym, kind, code, date FROM {e} WHERE date IS NULL OR date <= {i}),
        coded AS (SELECT ev.pseudonym, count(DISTINCT efi.deficit) AS n FROM ev JOIN efi ON ev.code = efi.code GROUP BY ev.pseudonym),
        meds AS (SELECT pseudonym, count(DISTINCT code) AS n FROM ev WHERE kind = 'medication' AND date > {i} - INTERVAL 12 MONTH GROUP BY pseudonym),
        scored AS (SELECT reg.practice, coalesce(coded.n, 0) + CASE WHEN coalesce(meds.n, 0) >= 5 THEN 1 ELSE 0 END AS d
          FROM reg LEFT JOIN coded USING (pseudonym) LEFT JOIN meds USING (pseudonym) WHERE reg.age >= 65)
        SELECT coalesce(pr.pcn, '(not known)') AS pcn,
          CASE WHEN d <= 4 THEN 'fit' WHEN d <= 8 THEN 'mild' WHEN d <= 12 THEN 'moderate' ELSE 'severe' END AS frailty,
          count(*) AS n FROM scored LEFT JOIN pr ON pr.code = scored.practice GROUP BY ALL"""
    if name == "social":
        w = f"{i} - INTERVAL 24 MONTH"
        return f"""WITH {people},
        flags AS (SELECT pseudonym,
            bool_or(code IN ('105529008', '160726006')) AS alone,
            bool_or(code = '267076002' AND date > {w}) AS lonely,
            bool_or(code = '422650009' AND date > {w}) AS isolated,
            arg_max(value, date) FILTER (WHERE code = '106418-7' AND date > {w} AND value IS NOT NULL) AS ucla
          FROM {e} WHERE date <= {i} GROUP BY pseudonym)
        SELECT coalesce(pr.pcn, '(not known)') AS pcn, 'count' AS c, count(*) AS n
        FROM reg JOIN flags USING (pseudonym) LEFT JOIN pr ON pr.code = reg.practice
        WHERE age >= 65 AND (alone OR lonely OR isolated OR ucla >= 6) GROUP BY ALL"""
    if name == "admissions":
        return f"""WITH {people},
        adm AS (SELECT pseudonym, count(*) AS n FROM {e}
          WHERE code = '183452005' AND class = 'IMP' AND date > {i} - INTERVAL 12 MONTH AND date <= {i} GROUP BY pseudonym),
        l AS (SELECT * FROM read_csv('{store}/reference/lsoas.csv', all_varchar = true))
        SELECT coalesce(l.imd_decile, '(not known)') AS decile, 'count' AS c, count(*) AS n
        FROM reg JOIN adm USING (pseudonym) LEFT JOIN l ON l.lsoa = reg.lsoa WHERE adm.n >= 2 GROUP BY ALL"""
    raise ValueError(name)


def concord_counts(stdout: str):
    report = json.loads(stdout)
    b = report["breakdowns"][0]
    out = {}
    for r, row in enumerate(b["rows"]):
        for c, col in enumerate(b["columns"]):
            cell = b["table"]["cells"][r][c]
            if "count" in cell and cell["count"]:
                out[(row, col)] = cell["count"]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--skip-spark", action="store_true")
    args = ap.parse_args()
    import duckdb
    work = ROOT / "bench" / "data" / "population"
    work.mkdir(parents=True, exist_ok=True)
    synth, demo_db = setup(work, args.people)
    files = ndjson_files(synth)
    resources = sum(sum(1 for _ in open(f, "rb")) for f in files)
    size = sum(f.stat().st_size for f in files)
    result = {"people": args.people, "resources": resources, "bytes": size, "machine": "2 cores, 24 GiB"}
    store = work / "store"
    t = ingest_concord(synth, store, work / "bench.key")
    result["ingest"] = {"concord_s": t}
    t = ingest_duckdb(synth, work / "duckdb-parquet")
    result["ingest"]["duckdb_read_json_s"] = t
    if not args.skip_spark:
        result["ingest"]["spark_read_json_s"] = ingest_spark(synth, work / "spark-parquet")
    for k, v in list(result["ingest"].items()):
        result["ingest"][k.replace("_s", "_resources_per_s")] = resources / v
        result["ingest"][k.replace("_s", "_mb_per_s")] = size / v / 1e6
    result["cohorts"] = {}
    for name in ["frailty", "social", "admissions"]:
        toml = QUERIES / f"{name}.toml"
        concord_times, duck_times = [], []
        concord_answer = duck_answer = None
        for _ in range(args.runs):
            seconds, out = timed([BIN, "--database", f"sqlite://{demo_db}", "cohort", "run", toml, "--store", store,
                                  "--format", "json", "--suppress-below", "1", "--round-to", "1"])
            concord_times.append(seconds)
            concord_answer = concord_counts(out)
            start = time.perf_counter()
            con = duckdb.connect()
            rows = con.execute(duck_sql(name, store, work)).fetchall()
            con.close()
            duck_times.append(time.perf_counter() - start)
            duck_answer = {(str(r[0]), str(r[1])): r[2] for r in rows if r[2]}
        c, d = statistics.median(concord_times), statistics.median(duck_times)
        result["cohorts"][name] = {
            "concord_median_s": c, "duckdb_median_s": d, "ratio_concord_over_duckdb": c / d,
            "answers_equal": concord_answer == duck_answer,
            "cells": len(concord_answer), "people_counted": sum(concord_answer.values()),
        }
        if concord_answer != duck_answer:
            diff = {k: (concord_answer.get(k), duck_answer.get(k)) for k in set(concord_answer) | set(duck_answer)
                    if concord_answer.get(k) != duck_answer.get(k)}
            result["cohorts"][name]["differences"] = {f"{k[0]}|{k[1]}": v for k, v in list(diff.items())[:10]}
    (work / "results.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
