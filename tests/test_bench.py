"""The benchmark script runs end to end on a handful of records and prints its table."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "bench.py"


def test_bench_prints_every_figure_for_small_sites_and_their_growth():
    result = subprocess.run(
        [sys.executable, str(BENCH), "--n", "20", "10"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    table = result.stdout
    assert re.search(r"^records +20$", table, re.MULTILINE)
    assert re.search(r"^validate \(in-process\) +[\d.]+ s .*; 0 errors,", table, re.MULTILINE)
    assert re.search(r"^validate command \(cold\) +[\d.]+ s median of 3 \(", table, re.M)
    assert re.search(r"^file system +2,000 empty files created in [\d.]+ s$", table, re.M)
    for label in (
        "generate",
        "build",
        "build per 1,000 clinics",
        "build peak memory",
        "pages written",
        "output size",
        "/data/index.json per clinic",
        "/map/ HTML",
        "largest page",
        "rebuild after one edit",
        "  rebuild / full build",
        "baseline Pelican build",
        "ours / baseline",
    ):
        assert re.search(rf"^{re.escape(label)} +\S", table, re.MULTILINE), label
    assert "missing" not in table
    growth = table[table.index("\ngrowth\n") :]
    for count in (20, 10):
        assert re.search(
            rf"^N = {count} +build [\d.]+ s \([\d.]+ s per 1,000\), rebuild", growth, re.M
        )
