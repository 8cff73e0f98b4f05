"""Batch duty calculator: median time for one million shipment lines.

Usage: ``PYTHONPATH=src python benchmarks/bench_duty.py [--lines 1000000] [--repeat 3]``.
The lines are drawn from the packaged 2024 import weights (HTS10 codes actually imported from
Canada and Mexico), with dates spread over 2025-01-01 .. 2026-03-15, random USMCA claims, US
content and steel shares. Target (issue 4): at most 10 s for 1,000,000 lines.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from tradewinds.cli.main import main as main_cli
from tradewinds.measures.batch import calculate_batch, write_csv
from tradewinds.measures.etr import weights
from tradewinds.measures.products import hts_universe
from tradewinds.measures.registry import load_registry


def make_lines(n: int, seed: int = 0, days_span: int = 439) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    w = weights()
    w = w[w["hts10"].isin(hts_universe().codes)]  # 2024 codes still valid in 2025
    rows = rng.integers(0, len(w), n)
    days = rng.integers(0, days_span, n)
    dates = (np.datetime64("2025-01-01") + days.astype("timedelta64[D]")).astype(str)
    return pd.DataFrame(
        {
            "hts": w["hts10"].to_numpy()[rows],
            "origin": w["country"].to_numpy()[rows],
            "date": dates,
            "value": rng.uniform(100, 100_000, n).round(2),
            "usmca": rng.random(n) < 0.6,
            "us_content": np.where(rng.random(n) < 0.5, 0.4, np.nan),
            "steel": np.where(rng.random(n) < 0.1, 0.5, np.nan),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--end",
        default="2026-03-15",
        help="last entry date (2026-07-03, the coverage date, also exercises the 2026 regimes)",
    )
    args = parser.parse_args()
    registry = load_registry()
    span = int((np.datetime64(args.end) - np.datetime64("2025-01-01")).astype(int)) + 1
    lines = make_lines(args.lines, days_span=span)
    calculate_batch(lines.head(1000), registry=registry)  # warm caches (scope masks, tables)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        out = calculate_batch(lines, registry=registry)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    calculate_batch(lines.head(200_000), registry=registry)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        write_csv(out, Path(tmp) / "out.csv")
        write = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "lines.csv", Path(tmp) / "out.csv"
        lines.to_csv(src, index=False)
        start = time.perf_counter()
        code = main_cli(["duty", "--batch", str(src), "--output", str(dst)])
        cli = time.perf_counter() - start
        assert code == 0
    print(f"end to end (tradewinds duty --batch: read CSV, compute, write CSV): {cli:.2f} s")
    runs = ", ".join(f"{t:.2f}" for t in times)
    print(f"lines: {args.lines:,}; compute median {statistics.median(times):.2f} s ({runs})")
    print(f"CSV write {write:.2f} s; traced peak for 200k lines {peak / 2**20:.0f} MiB")
    print(f"total duty US$ {out['total_duty'].sum():,.0f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
    print(f"peak resident memory of this process: {rss:,.0f} MiB")


if __name__ == "__main__":
    main()
