#!/usr/bin/env python3
"""numpy's busday_offset on the same holidays and inputs as the criterion bench.

Usage: python3 scripts/bench_busday_numpy.py [path/to/redress]

Takes England & Wales holidays 1970-2200 from `redress calendar holidays`, generates the
bench's 100,000 (date, n) inputs with the same LCG, times numpy.busday_offset(roll="forward")
(best of 20), and checks that `redress calendar add-working-days` batch mode gives the same
dates for every input. Prints ns per call for numpy.
"""
import subprocess
import sys
import time

import numpy as np

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/redress"
MASK = (1 << 64) - 1


def inputs(count):
    x = 42
    base = np.datetime64("2000-01-01")
    dates, ns = [], []
    for _ in range(count):
        x = (x * 6364136223846793005 + 1442695040888963407) & MASK
        d = x >> 33
        x = (x * 6364136223846793005 + 1442695040888963407) & MASK
        n = x >> 33
        dates.append(base + np.timedelta64(d % 36500, "D"))
        ns.append(n % 1000)
    return np.array(dates, dtype="datetime64[D]"), np.array(ns, dtype=np.int64)


def main():
    out = subprocess.run(
        [BIN, "calendar", "holidays", "--region", "england-and-wales", "--from", "1970", "--to", "2200"],
        check=True, capture_output=True, text=True,
    ).stdout
    holidays = np.array([line.split("\t")[0] for line in out.splitlines()], dtype="datetime64[D]")
    cal = np.busdaycalendar(weekmask="1111100", holidays=holidays)
    dates, ns = inputs(100_000)
    best = float("inf")
    for _ in range(20):
        t = time.perf_counter()
        result = np.busday_offset(dates, ns, roll="forward", busdaycal=cal)
        best = min(best, time.perf_counter() - t)
    feed = "".join(f"{d} {n}\n" for d, n in zip(dates.astype(str), ns))
    ours = subprocess.run(
        [BIN, "calendar", "add-working-days", "--region", "england-and-wales"],
        input=feed, check=True, capture_output=True, text=True,
    ).stdout.split()
    mismatches = sum(1 for a, b in zip(ours, result.astype(str)) if a != b)
    if mismatches or len(ours) != len(result):
        sys.exit(f"redress and numpy disagree on {mismatches} of {len(result)} inputs")
    print(f"numpy {np.__version__} busday_offset: {best / len(dates) * 1e9:.1f} ns per call "
          f"({len(dates) / best / 1e6:.2f} M/s), {len(holidays)} holidays; redress agrees on all {len(dates)} inputs")


if __name__ == "__main__":
    main()
