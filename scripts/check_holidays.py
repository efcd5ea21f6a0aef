#!/usr/bin/env python3
"""Cross-check `redress calendar holidays` against the PyPI package `holidays` (an
independent implementation) for 1995-2045 in every region.

Usage: pip install holidays && python3 scripts/check_holidays.py [path/to/redress]
Prints every date one side has and the other lacks; see
crates/calendar/tests/fixtures/README.md for the one known, deliberate difference.
"""
import subprocess
import sys

import holidays

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/debug/redress"
SUBDIVS = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}

for region, subdiv in SUBDIVS.items():
    ours = {
        line.split("\t")[0]
        for line in subprocess.run(
            [BIN, "calendar", "holidays", "--region", region, "--from", "1995", "--to", "2045"],
            check=True, capture_output=True, text=True,
        ).stdout.splitlines()
    }
    theirs = {str(d) for d in holidays.UK(subdiv=subdiv, years=range(1995, 2046)) if d.weekday() < 5}
    for d in sorted(ours - theirs):
        print(f"{region}: only redress has {d}")
    for d in sorted(theirs - ours):
        print(f"{region}: only `holidays` has {d}")
