"""When does a LocalCluster pay? Start-up cost against per-draw time, in one run.

Usage: ``PYTHONPATH=src python benchmarks/bench_crossover.py [--workers 2] [--draws 200]``.
Measures (1) the seconds from ``dask_client()`` to a cluster that holds the baseline, (2) the
per-draw time of a Monte Carlo run on the default baseline in this process and (3) on the
cluster, and prints the crossover: the number of draws above which the cluster is faster,
``start / (in-process per draw - cluster per draw)``. ``choose_workers`` uses the model
``n * t * (1 - 1/workers) > CLUSTER_START_S``; the figures here check that model.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from tradewinds.data.loaders import load_baseline
from tradewinds.scenarios import load_scenario
from tradewinds.scenarios.cluster import CLUSTER_START_S, dask_client
from tradewinds.scenarios.montecarlo import run_montecarlo

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "announced-2025-02.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    scenario = load_scenario(SCENARIO)
    baseline = load_baseline(scenario.baseline)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    run_montecarlo(scenario, draws=5, seed=0, baseline=baseline, client=None)  # warm
    local = []
    for k in range(args.repeats):
        start = time.perf_counter()
        run_montecarlo(scenario, draws=args.draws, seed=k, baseline=baseline, client=None)
        local.append((time.perf_counter() - start) / args.draws)
    starts, remote = [], []
    for k in range(args.repeats):
        start = time.perf_counter()
        with dask_client(args.workers) as client:
            client.scatter([baseline], broadcast=True)
            starts.append(time.perf_counter() - start)
            begin = time.perf_counter()
            run_montecarlo(scenario, draws=args.draws, seed=k, baseline=baseline, client=client)
            remote.append((time.perf_counter() - begin) / args.draws)
    t_local, t_remote, t_start = (statistics.median(x) for x in (local, remote, starts))
    print(f"in-process: {t_local * 1e3:.1f} ms per draw ({args.draws} draws, default baseline)")
    print(f"cluster of {args.workers}: start {t_start:.2f} s, then {t_remote * 1e3:.1f} ms/draw")
    gain = t_local - t_remote
    if gain > 0:
        print(f"crossover: the cluster pays above about {t_start / gain:,.0f} draws")
    else:
        print("crossover: none; the cluster is not faster per draw at this size")
    model = CLUSTER_START_S / (t_local * (1 - 1 / args.workers))
    print(f"choose_workers' model (start {CLUSTER_START_S} s) puts it at {model:,.0f} draws")


if __name__ == "__main__":
    main()
