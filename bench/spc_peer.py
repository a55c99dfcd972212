#!/usr/bin/env python3
"""Peer timing for "SPC for 10,000 series of 60 points": abspc 1.1.0 (PyPI), the Python package of
Aneurin Bevan University Health Board's Making Data Count SPC visuals.

The CSV (`series,date,value`, from bench/spc_data.py) is read once and split into one DataFrame
per series (`date`, `value`) before timing starts: that is loading. One timed pass then runs,
for every series in turn, in this one process and thread, abspc's public analysis functions
(no plotting; `plot_spc_chart` calls the same four and then draws):

  calculate_control_limits(df, "XmR")       mean, UCL/LCL (mean +/- 3/1.128 MR-bar), 2-sigma lines
  detect_special_causes(result)             rule1..rule4 flags and special_cause
  determine_point_colours(result, "high")   improvement / concern / common cause per point
  determine_variation_type(result, "high")  the variation icon

abspc's improvement direction is "high"/"low"; "high" is Concord's "increase". With
`--stage flags` only the first two run. The whole pass is repeated `--repeat` times.

Usage (with the venv that has abspc==1.1.0, see bench/spc_peer_notes.md):
  bench/.venv/bin/python bench/spc_peer.py [--csv PATH] [--repeat R] [--limit N] [--stage full|flags]
  bench/.venv/bin/python bench/spc_peer.py --check 3      # limits and flagged points, no timing

Prints JSON on stdout. Point indices in --check are 0-based positions in date order.
"""
import os

# Single-threaded, and no display needed (importing abspc imports matplotlib).
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")
os.environ.setdefault("MPLBACKEND", "Agg")

import argparse
import json
import statistics
import sys
import time
from importlib.metadata import version

import pandas as pd

import abspc
from abspc import (
    calculate_control_limits,
    detect_special_causes,
    determine_point_colours,
    determine_variation_type,
)
from abspc import spc as abspc_spc

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CSV = os.path.join(HERE, "data", "spc_10000x60.csv")
DIRECTION = "high"  # abspc's name for Concord's "increase"


def load(path, limit=None):
    """The CSV as a list of (series id, DataFrame[date, value]) in series and date order."""
    frame = pd.read_csv(path, dtype={"series": str, "date": str, "value": float})
    frame["date"] = pd.to_datetime(frame["date"])
    frame = frame.sort_values(["series", "date"], kind="stable")
    out = []
    for sid, part in frame.groupby("series", sort=True):
        out.append((sid, part[["date", "value"]].reset_index(drop=True)))
        if limit is not None and len(out) >= limit:
            break
    return out


def make_analyse(stage, shift=None, trend=None):
    """The per-series analysis. With shift/trend given, abspc's own rule helpers are re-run with
    those run lengths (its public detect_special_causes fixes them at 8 and 6)."""

    def analyse(df):
        result = calculate_control_limits(df, chart_type="XmR", subgroup_col=None)
        result = detect_special_causes(result)
        if shift is not None or trend is not None:
            values = result["value"].to_numpy(dtype=float)
            mean = result["mean"].to_numpy(dtype=float)
            if shift is not None:
                result["rule2"] = abspc_spc._rule2_shift(values, mean, run_length=shift)
            if trend is not None:
                result["rule3"] = abspc_spc._rule3_trend(values, run_length=trend)
            result["special_cause"] = result[["rule1", "rule2", "rule3", "rule4"]].any(axis=1)
        if stage == "flags":
            return result, None, None
        colours = determine_point_colours(result, improvement_direction=DIRECTION)
        variation = determine_variation_type(result, improvement_direction=DIRECTION)
        return result, colours, variation

    return analyse


def indices(mask):
    return [int(i) for i, flagged in enumerate(mask) if flagged]


def check(series, analyse):
    out = []
    for sid, df in series:
        result, colours, variation = analyse(df)
        row = result.iloc[0]
        spread = float(row["ucl"] - row["mean"])
        entry = {
            "series": sid,
            "points": len(result),
            "mean": float(row["mean"]),
            "mean_moving_range": spread / (3.0 / 1.128),
            "lpl": float(row["lcl"]),
            "upl": float(row["ucl"]),
            "lower_two_sigma": float(row["lwl"]),
            "upper_two_sigma": float(row["uwl"]),
            "rules": {
                "outside_limits": indices(result["rule1"]),
                "shift": indices(result["rule2"]),
                "trend": indices(result["rule3"]),
                "two_in_three": indices(result["rule4"]),
            },
            "special_cause": indices(result["special_cause"]),
        }
        if colours is not None:
            entry["improvement"] = [i for i, c in enumerate(colours) if c == abspc_spc.COLOUR_IMPROVEMENT]
            entry["concern"] = [i for i, c in enumerate(colours) if c == abspc_spc.COLOUR_CONCERN]
            entry["variation"] = variation
        out.append(entry)
    return out


def main():
    parser = argparse.ArgumentParser(description="abspc 1.1.0 peer timing for XmR charts")
    parser.add_argument("--csv", default=DEFAULT_CSV)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None, help="only the first N series")
    parser.add_argument("--stage", choices=("full", "flags"), default="full")
    parser.add_argument("--check", type=int, default=None, metavar="N",
                        help="print limits and flagged points of the first N series; no timing")
    parser.add_argument("--shift", type=int, default=None,
                        help="re-run abspc's shift helper with this run length (default: abspc's 8)")
    parser.add_argument("--trend", type=int, default=None,
                        help="re-run abspc's trend helper with this run length (default: abspc's 6)")
    args = parser.parse_args()

    limit = args.check if args.check is not None else args.limit
    series = load(args.csv, limit)
    analyse = make_analyse(args.stage, args.shift, args.trend)
    peer = f"abspc {version('abspc')}"
    rules = {
        "shift": args.shift or 8,
        "trend": args.trend or 6,
        "limits": "mean +/- (3/1.128) MR-bar",
        "two_in_three": "2 of 3 same side beyond 2 sigma, points beyond limits not counted",
        "moving_range_screening": False,
    }

    if args.check is not None:
        head = json.dumps({"peer": peer, "rules": rules, "improvement_direction": DIRECTION,
                           "index_base": 0})
        rows = ",\n  ".join(json.dumps(entry) for entry in check(series, analyse))
        print(head[:-1] + ',\n "series": [\n  ' + rows + "\n ]\n}")
        return

    points = {len(df) for _, df in series}
    runs_ms = []
    last = None
    for _ in range(args.repeat):
        results = []
        start = time.perf_counter()
        for _sid, df in series:
            results.append(analyse(df))
        runs_ms.append((time.perf_counter() - start) * 1000.0)
        last = results

    # Totals from the last pass, to compare with another engine (outside timing).
    totals = {"outside_limits": 0, "shift": 0, "trend": 0, "two_in_three": 0, "special_cause": 0,
              "series_with_special_cause": 0}
    for result, _colours, _variation in last:
        for key, col in (("outside_limits", "rule1"), ("shift", "rule2"), ("trend", "rule3"),
                         ("two_in_three", "rule4"), ("special_cause", "special_cause")):
            totals[key] += int(result[col].sum())
        totals["series_with_special_cause"] += int(result["special_cause"].any())

    report = {
        "peer": peer,
        "series": len(series),
        "points": points.pop() if len(points) == 1 else sorted(points),
        "runs_ms": [round(t, 1) for t in runs_ms],
        "median_ms": round(statistics.median(runs_ms), 1),
        "min_ms": round(min(runs_ms), 1),
        "stage": args.stage,
        "improvement_direction": DIRECTION,
        "rules": rules,
        "flagged_points": totals,
        "python": sys.version.split()[0],
        "pandas": pd.__version__,
        "numpy": version("numpy"),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
