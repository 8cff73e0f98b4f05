"""``corridors compare``: 3 origins x 5 destinations x 3 routings, cold and warm.

Usage: ``PYTHONPATH=src python benchmarks/bench_corridors.py [--repeat 5]``.

- *cold*: a fresh Python process imports tradewinds' corridor package, lets searoute build its
  MARNET graph and computes every route (the first command of a session);
- *warm graph*: in one process, the searoute graph built but the per-pair sea-path and land-path
  caches cleared (a new set of routes in a long-lived process such as the API);
- *warm*: the same comparison repeated (everything cached).

Origins CAN, MEX, USA; destinations CHN, JPN, KOR, SGP, VNM; routings direct plus the two
North American countries other than the origin (3 per origin). Target (issue 12): at most 2 s.
Prints medians, the number of routes and the load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORIGINS = ("CAN", "MEX", "USA")
DESTINATIONS = ("CHN", "JPN", "KOR", "SGP", "VNM")
ROUTINGS = ("direct", "CAN", "MEX", "USA")  # the origin's own code is skipped: 3 per origin

COLD = f"""
import time
t = time.perf_counter()
from tradewinds.integration.corridors import compare
routes = compare({ORIGINS!r}, {DESTINATIONS!r}, {ROUTINGS!r})
print(time.perf_counter() - t, len(routes))
"""


def cold(repeat: int) -> tuple[float, int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    times, n = [], 0
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", COLD], capture_output=True, text=True, check=True, env=env
        )
        seconds, count = out.stdout.split()
        times.append(float(seconds))
        n = int(count)
    return statistics.median(times), n


def warm(repeat: int) -> tuple[float, float]:
    from tradewinds.integration.corridors import compare
    from tradewinds.integration.corridors import network as net

    compare(ORIGINS, DESTINATIONS, ROUTINGS)
    graph_only, cached = [], []
    for _ in range(repeat):
        net.clear_caches()
        start = time.perf_counter()
        compare(ORIGINS, DESTINATIONS, ROUTINGS)
        graph_only.append(time.perf_counter() - start)
        start = time.perf_counter()
        compare(ORIGINS, DESTINATIONS, ROUTINGS)
        cached.append(time.perf_counter() - start)
    return statistics.median(graph_only), statistics.median(cached)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    cold_s, n = cold(args.repeat)
    graph_s, cached_s = warm(args.repeat)
    load = os.getloadavg()
    print(f"corridors compare, {len(ORIGINS)} origins x {len(DESTINATIONS)} destinations x 3 "
          f"routings = {n} routes (all port alternatives), median of {args.repeat}:")  # fmt: skip
    print(f"  cold (new process, graph built):   {cold_s:6.3f} s")
    print(f"  warm graph, path caches cleared:   {graph_s:6.3f} s")
    print(f"  warm (repeat, all cached):         {cached_s:6.3f} s")
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
