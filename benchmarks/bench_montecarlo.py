"""Monte Carlo throughput on Dask: 1,000 one-sector draws on the 194-country baseline (target
<= 30 s on a 2-core machine) and 200 multi-sector draws on the WIOD default (target <= 60 s,
skipped with a note until a ``multi-sector`` model is registered).

Usage: ``PYTHONPATH=src python benchmarks/bench_montecarlo.py [--repeats 3] [--workers 2]
[--shared ../shared]``. Prints the cluster start-up time, then median timings over the repeats
for the draws alone and for draws plus writing everything to a fresh results store.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from tradewinds.core.errors import ScenarioError
from tradewinds.data.loaders import bundled_names, load_baseline
from tradewinds.scenarios.cluster import dask_client, default_workers
from tradewinds.scenarios.montecarlo import run_montecarlo
from tradewinds.scenarios.runner import MODELS
from tradewinds.scenarios.schema import Scenario, parse_scenario
from tradewinds.store import ResultsStore

ROOT = Path(__file__).resolve().parents[1]

#: The US tariffs of February 2025 (25% on Canada and Mexico), used by both benchmarks.
SHOCK = {"tariffs": [{"importer": "USA", "exporter": ["CAN", "MEX"], "rate": 0.25}]}


def _time(
    client: Any, scenario: Scenario, baseline: Any, draws: int, repeats: int, store: bool
) -> tuple[list[float], Any]:
    times = []
    result = None
    for k in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            sink = ResultsStore(tmp) if store else None
            t0 = time.perf_counter()
            result = run_montecarlo(
                scenario, draws=draws, seed=k, baseline=baseline, client=client, sink=sink
            )
            times.append(time.perf_counter() - t0)
    return times, result


def _report(label: str, times: list[float], target: float) -> None:
    med = statistics.median(times)
    flag = "OK" if med <= target else "OVER TARGET"
    print(
        f"  {label}: median {med:.1f} s over {len(times)} runs "
        f"(min {min(times):.1f}, max {max(times):.1f}); target {target:.0f} s: {flag}"
    )


def _cpu(result: Any) -> None:
    """Worker CPU time per draw: what the draws cost on an otherwise idle machine."""
    cpu = [d.timings.get("cpu", 0.0) for d in result.draws]
    wall = [d.timings.get("solve", 0.0) for d in result.draws]
    print(
        f"  worker CPU per draw {1e3 * statistics.median(cpu):.1f} ms (wall "
        f"{1e3 * statistics.median(wall):.1f} ms, the gap is other load); "
        f"CPU total {sum(cpu):.1f} s"
    )


def one_sector(client: Any, shared: Path, repeats: int) -> None:
    baseline = load_baseline(shared / "data" / "liberation_day_ignatenko2025")
    scenario = parse_scenario(
        {"title": "bench: 25% on CAN and MEX", "model": {"name": "one-sector"}, "shocks": SHOCK}
    )
    print("one-sector, 194 countries, 1,000 draws of eps ~ TN(4, 1; 1, 12):")
    times, result = _time(client, scenario, baseline, 1000, repeats, store=False)
    _report("draws + bands", times, 30)
    times, result = _time(client, scenario, baseline, 1000, repeats, store=True)
    _report("draws + bands + store", times, 30)
    print(f"  converged {result.converged} of 1000; {len(result.bands)} banded outputs")
    _cpu(result)


def multi_sector(client: Any, repeats: int) -> None:
    if "multi-sector" not in MODELS:
        print(
            "multi-sector: skipped, no 'multi-sector' model is registered in "
            "tradewinds.scenarios.runner.MODELS yet."
        )
        return
    names = [n for n in bundled_names() if "wiod" in n.lower()]
    if not names:
        print(f"multi-sector: skipped, no bundled WIOD baseline (bundled: {bundled_names()}).")
        return
    baseline = load_baseline(names[0])
    try:
        scenario = parse_scenario(
            {
                "title": "bench: 25% on CAN and MEX",
                "baseline": names[0],
                "model": {"name": "multi-sector"},
                "shocks": SHOCK,
            }
        )
    except ScenarioError as exc:
        print(f"multi-sector: skipped, its default scenario does not parse: {exc}")
        return
    print(f"multi-sector on {names[0]!r}, 200 draws of per-sector theta:")
    times, result = _time(client, scenario, baseline, 200, repeats, store=True)
    _report("draws + bands + store", times, 60)
    print(f"  converged {result.converged} of 200")
    _cpu(result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    print(f"{args.workers} workers; load average {os.getloadavg()[0]:.1f} at start")
    t0 = time.perf_counter()
    with dask_client(args.workers) as client:
        print(f"LocalCluster start-up: {time.perf_counter() - t0:.1f} s")
        one_sector(client, args.shared, args.repeats)
        multi_sector(client, args.repeats)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"load average {os.getloadavg()[0]:.1f} at end; client peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
