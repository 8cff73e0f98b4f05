"""Median time of one one-sector counterfactual on the full 194-country baseline.

Usage: ``PYTHONPATH=src python benchmarks/bench_onesector.py [--repeat 50]``. Prints the median
and quartiles of the solve alone (the baseline is loaded once), for the February 2025
announcement (25% US tariff on Canada and Mexico) under each deficit closure, with the median
of the Newton part (the solver report's seconds) and the ratio of the two (issue 15: <= 1.3), as
a ratio of medians and as the median of each solve's own ratio. The load average is printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import xarray as xr

from tradewinds.core import dims
from tradewinds.data.loaders import load_liberation_day
from tradewinds.models.onesector import OneSectorModel, solve_one_sector

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    baseline = load_liberation_day(SHARED / "liberation_day_ignatenko2025")
    tariff = xr.zeros_like(baseline[dims.TARIFF].isel(sector=0, drop=True))
    tariff.loc[{dims.EXPORTER: ["CAN", "MEX"], dims.IMPORTER: "USA"}] = 0.25
    for closure in ("fixed", "balanced", "ratio"):
        model = OneSectorModel(closure=closure)  # type: ignore[arg-type]
        solve_one_sector(baseline, tariff, model=model)  # warm-up
        times, newton = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            eq = solve_one_sector(baseline, tariff, model=model)
            times.append(time.perf_counter() - start)
            newton.append(eq.report.seconds)
        q1, median, q3 = statistics.quantiles(times, n=4)
        core = statistics.median(newton)
        # Each solve against its own Newton part: on a loaded machine the two medians can come
        # from different moments, the ratio of one solve's parts cannot.
        paired = statistics.median(t / n for t, n in zip(times, newton, strict=True))
        print(
            f"one-sector, 194 countries, closure={closure}: median {median * 1e3:.2f} ms "
            f"(IQR {q1 * 1e3:.2f}-{q3 * 1e3:.2f} ms, n={args.repeat}, "
            f"{eq.report.iterations} Newton iterations); Newton part {core * 1e3:.2f} ms, "
            f"solve / Newton {median / core:.2f}, median per solve {paired:.2f} (target <= 1.3)"
        )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at end")


if __name__ == "__main__":
    main()
