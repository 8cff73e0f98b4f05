"""Time building the shocks of registry scenarios (first build and cached rebuilds).

Run from the repository root: ``PYTHONPATH=src python benchmarks/bench_registry_shocks.py``.
Sweeps and Monte Carlo draws rebuild one scenario's shocks many times; the registry table is
cached on everything it depends on, so only the first build reads the registry.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from tradewinds.data.loaders import load_baseline
from tradewinds.scenarios import load_scenario
from tradewinds.scenarios.runner import build_shocks

ROOT = Path(__file__).resolve().parents[1]
FILES = (
    "measures-2025-09-01.yaml",
    "canada-countermeasures-2025-04-10.yaml",
    "usmca-collapse.yaml",
)


def main(repeats: int = 20) -> None:
    """Print the first-build time and the median rebuild time of each library scenario."""
    baseline = load_baseline("default")
    for name in FILES:
        spec = load_scenario(ROOT / "scenarios" / name)
        start = time.perf_counter()
        build_shocks(spec, baseline)
        first = time.perf_counter() - start
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            build_shocks(spec, baseline)
            times.append(time.perf_counter() - start)
        median = statistics.median(times) * 1e3
        print(f"{name:45s} first {first * 1e3:8.1f} ms   rebuild median {median:6.1f} ms")


if __name__ == "__main__":
    main()
