"""Solve time of the 2023 table against the 2011 table (issue 23: at most 1.2x).

Run from the repository root: ``PYTHONPATH=src python benchmarks/bench_wiod2023.py
[--rounds N]``. The same shock (25% on every US import from Canada and Mexico, balanced
closure, baseline and counterfactual equilibria) is solved on ``wiod2011`` and ``wiod2023``
in alternation, round after round, so that the machine's load falls on both alike; the
medians, their ratio and the load average are printed. Data loading is not timed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from tradewinds.data.loaders import load_baseline
from tradewinds.models.multisector import MultiSectorModel


def main() -> None:
    """Alternate the two solves and print the medians and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    runs = {}
    for name in ("wiod2011", "wiod2023"):
        ds = load_baseline(name)
        shock = ds["tariff"].copy()
        shock.loc[{"exporter": ["CAN", "MEX"], "importer": "USA"}] = 0.25
        runs[name] = (ds, shock)
        MultiSectorModel().solve(ds, shock)  # warm-up
    times: dict[str, list[float]] = {name: [] for name in runs}
    iterations: dict[str, int] = {}
    start_load = os.getloadavg()[0]
    for k in range(args.rounds):
        order = list(runs) if k % 2 == 0 else list(reversed(runs))
        for name in order:
            ds, shock = runs[name]
            start = time.perf_counter()
            result = MultiSectorModel().solve(ds, shock)
            times[name].append(time.perf_counter() - start)
            iterations[name] = result.report.iterations
    print(f"load average {start_load:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    medians = {name: 1e3 * statistics.median(t) for name, t in times.items()}
    for name, median in medians.items():
        print(
            f"{name}: median {median:7.1f} ms  best {1e3 * min(times[name]):7.1f} ms  "
            f"({iterations[name]} iterations, {args.rounds} runs)"
        )
    print(f"ratio 2023 / 2011: {medians['wiod2023'] / medians['wiod2011']:.2f}")


if __name__ == "__main__":
    main()
