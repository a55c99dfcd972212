#!/usr/bin/env python3
"""Deterministic SPC benchmark data: N series x P monthly points, as one long CSV.

Columns `series,date,value`; series ids s00000, s00001, ...; dates are month starts from
2021-04-01; values have 3 decimals. Seed 20261123 (stdlib `random`, so any python3 runs it and
the file is the same byte for byte on every machine).

Each series is normal noise around its own mean, with a pattern drawn per series so that every
special-cause rule fires somewhere: a step shift, a trend, a single outlier, a cluster near a
limit, or a mix (about 35% of series are pure noise).

Usage: python3 bench/spc_data.py [--series N] [--points P] [--out PATH]
"""
import argparse
import os
import random

SEED = 20261123
HERE = os.path.dirname(os.path.abspath(__file__))


def month_starts(points, year=2021, month=4):
    dates = []
    for _ in range(points):
        dates.append(f"{year:04d}-{month:02d}-01")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return dates


def series_values(rng, points):
    mean = rng.uniform(20.0, 500.0)
    sd = mean * rng.uniform(0.02, 0.10)
    values = [rng.gauss(mean, sd) for _ in range(points)]
    pattern = rng.random()

    def shift(at=None):
        at = rng.randrange(points // 4, points - 8) if at is None else at
        size = rng.choice((-1, 1)) * rng.uniform(1.0, 2.5) * sd
        for i in range(at, points):
            values[i] += size

    def trend():
        # A steady climb (or fall) over 7 to 10 months, then back to the usual level.
        length = rng.randrange(7, 11)
        start = rng.randrange(0, points - length)
        slope = rng.choice((-1, 1)) * rng.uniform(0.6, 1.0) * sd
        for k in range(length):
            values[start + k] += slope * k

    def outlier():
        i = rng.randrange(points)
        values[i] += rng.choice((-1, 1)) * rng.uniform(3.5, 6.0) * sd

    def near_limit():
        i = rng.randrange(points - 3)
        side = rng.choice((-1, 1))
        for j in (i, i + 2):
            values[j] = mean + side * rng.uniform(2.2, 2.9) * sd
        values[i + 1] = mean + side * rng.uniform(0.2, 1.0) * sd

    if pattern < 0.35:
        pass
    elif pattern < 0.55:
        shift()
    elif pattern < 0.70:
        trend()
    elif pattern < 0.80:
        outlier()
    elif pattern < 0.88:
        near_limit()
    else:
        shift()
        outlier()
        if rng.random() < 0.5:
            trend()
    # Keep values positive, as counts and rates are: lift the whole series (so no pattern changes)
    # rather than clip it (which would make ties).
    low = min(values)
    if low <= 0.0:
        values = [v - low + 0.05 * mean for v in values]
    return values


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--points", type=int, default=60)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    out = args.out or os.path.join(HERE, "data", f"spc_{args.series}x{args.points}.csv")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)

    rng = random.Random(SEED)
    dates = month_starts(args.points)
    with open(out, "w", newline="") as f:
        f.write("series,date,value\n")
        for s in range(args.series):
            sid = f"s{s:05d}"
            values = series_values(rng, args.points)
            f.write("".join(f"{sid},{d},{v:.3f}\n" for d, v in zip(dates, values)))
    print(f"wrote {out}: {args.series} series x {args.points} points")


if __name__ == "__main__":
    main()
