"""Per-draw overhead of Monte Carlo draws, and when a LocalCluster pays, in one run.

Usage: ``PYTHONPATH=src python benchmarks/bench_crossover.py [--workers 2] [--draws 200]
[--repeats 5] [--large] [--multi] [--no-cluster]``.

1. **Per-draw overhead** (issue 15: at most 25% above the solve). For elasticity draws of the
   default scenario it times, per draw: the model's solve (the call ``run_scenario`` makes,
   ``MODELS[name](spec, baseline, tariffs, costs)``) inside the draws themselves and in a loop
   of its own; the draws through ``run_draws`` in this process (scenario per draw, shocks
   lookup, solve, finiteness check, record values); and a whole ``run_montecarlo`` (which adds
   the central run, the bands and the long results once per run), and a ``run_sweep`` over
   the same elasticities (each point a child run with its own scenario, hash and YAML, and
   bilateral records, as ``tradewinds sweep`` records them). Overhead is time per draw
   over the solve in the draws, minus one; wall and CPU time are both shown.
   ``--large`` repeats this on the 194-country baseline (``../shared/data``), ``--multi`` on a
   multi-sector scenario (WIOD, 41 regions x 35 sectors, per-sector elasticity draws).
2. **Crossover** (skipped with ``--no-cluster``): the seconds from ``dask_client()`` to a
   cluster that holds the baseline and has solved a first draw on each worker (the workers
   import tradewinds for their first task), the per-draw time on that cluster, and the number
   of draws above which the cluster is faster, ``start / (in-process per draw - cluster per
   draw)``. ``choose_workers`` uses the model ``n * t * (1 - 1/workers) > CLUSTER_START_S``
   with ``t`` from ``time_one_solve``; the figures here check that model and its probe.

Figures are medians over the repeats; the load average is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from tradewinds.data.loaders import load_baseline
from tradewinds.scenarios import load_scenario
from tradewinds.scenarios.cluster import CLUSTER_START_S, dask_client, run_draws, time_one_solve
from tradewinds.scenarios.distributions import default_prior
from tradewinds.scenarios.grid import apply_settings
from tradewinds.scenarios.montecarlo import run_montecarlo
from tradewinds.scenarios.runner import MODELS, build_shocks
from tradewinds.scenarios.schema import Scenario
from tradewinds.scenarios.sweeps import run_sweep

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "announced-2025-02.yaml"
MULTI = ROOT / "scenarios" / "canada-countermeasures-2025-04-10-wiod.yaml"
LARGE = ROOT.parent / "shared" / "data" / "liberation_day_ignatenko2025"


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _solve_alone(scenario: Scenario, baseline: xr.Dataset, specs: list[Any]) -> tuple[float, float]:
    """Wall and CPU seconds per draw of the model's solve alone, the rest prepared beforehand."""
    shocks = build_shocks(scenario, baseline)
    solver = MODELS[scenario.model.name]
    prepared = []
    for draw in specs:
        spec = apply_settings(scenario, draw.settings, "bench") if draw.settings else scenario
        data = baseline
        if draw.baseline_vars:
            data = baseline.assign(
                {
                    name: (baseline[name].dims, np.asarray(values, dtype=float))
                    for name, values in draw.baseline_vars.items()
                }
            )
        prepared.append((spec.model, data))
    wall = cpu = 0.0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # as run_scenario
        for model, data in prepared:
            start, c0 = time.perf_counter(), time.process_time()
            solver(model, data, *shocks)
            wall += time.perf_counter() - start
            cpu += time.process_time() - c0
    return wall / len(specs), cpu / len(specs)


def _per_draw(func: Any, draws: int) -> tuple[float, float]:
    start, c0 = time.perf_counter(), time.process_time()
    func()
    return (time.perf_counter() - start) / draws, (time.process_time() - c0) / draws


class _TimedSolver:
    """Wraps a model's entry in ``MODELS`` and adds up the wall and CPU time of its calls."""

    def __init__(self, name: str) -> None:
        self.name, self.solver = name, MODELS[name]
        self.calls, self.wall, self.cpu = 0, 0.0, 0.0

    def __call__(self, *args: Any) -> Any:
        start, c0 = time.perf_counter(), time.process_time()
        try:
            return self.solver(*args)
        finally:
            self.wall += time.perf_counter() - start
            self.cpu += time.process_time() - c0
            self.calls += 1

    def __enter__(self) -> _TimedSolver:
        MODELS[self.name] = self
        return self

    def __exit__(self, *exc: object) -> None:
        MODELS[self.name] = self.solver


def overhead(
    scenario: Scenario, baseline: xr.Dataset, draws: int, repeats: int, label: str
) -> None:
    """Print the per-draw overhead of ``run_draws`` and ``run_montecarlo`` over the solve.

    The solve is timed twice: inside the draws themselves (the model's entry in ``MODELS`` is
    wrapped in a timer while ``run_draws`` runs, so solve and draw are measured in the same
    loop under the same load) and alone, in a loop of its own over the same draws.
    """
    prior = default_prior(scenario, baseline)
    run_montecarlo(scenario, draws=3, seed=0, baseline=baseline)  # warm
    names = ("solve in the draws", "solve alone", "run_draws", "run_montecarlo", "run_sweep")
    rows: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for k in range(repeats):  # interleaved, so that a change of load hits all of them alike
        specs = prior.draws(draws, k)
        with _TimedSolver(scenario.model.name) as timer:
            rows["run_draws"].append(
                _per_draw(
                    partial(run_draws, None, baseline, scenario, specs, bilateral=False), draws
                )
            )
        rows["solve in the draws"].append((timer.wall / timer.calls, timer.cpu / timer.calls))
        rows["solve alone"].append(_solve_alone(scenario, baseline, specs))
        rows["run_montecarlo"].append(
            _per_draw(
                partial(run_montecarlo, scenario, draws=draws, seed=k, baseline=baseline), draws
            )
        )
        if "eps" in type(scenario.model).model_fields:  # the same values as a sweep's grid
            axis = ("model.eps", [d.settings["model.eps"] for d in specs])
            rows["run_sweep"].append(
                _per_draw(partial(run_sweep, scenario, [axis], baseline=baseline), draws)
            )
    rows = {name: xs for name, xs in rows.items() if xs}
    wall = {name: statistics.median(w for w, _ in xs) for name, xs in rows.items()}
    cpu = {name: statistics.median(c for _, c in xs) for name, xs in rows.items()}
    ref = names[0]
    print(f"{label}, {draws} draws, median of {repeats} (load {_load()}):")
    print("  per draw               wall ms  overhead |  CPU ms  overhead")
    for name in rows:
        print(
            f"  {name:<21s}{wall[name] * 1e3:8.3f}  {wall[name] / wall[ref] - 1:+7.0%} |"
            f"{cpu[name] * 1e3:8.3f}  {cpu[name] / cpu[ref] - 1:+7.0%}"
        )
    print(
        "  (overhead = time per draw / solve in the draws - 1; target for run_draws <= +25%; "
        "run_montecarlo adds the central run, bands and results once per run; run_sweep solves "
        "the same values as a grid, recorded as child runs with their own scenarios, "
        "bilateral records included)"
    )


def crossover(scenario: Scenario, baseline: xr.Dataset, args: argparse.Namespace) -> None:
    """Print the cluster's start-up, its per-draw time and the crossover against in-process."""
    local = []
    for k in range(args.repeats):
        start = time.perf_counter()
        run_montecarlo(scenario, draws=args.draws, seed=k, baseline=baseline, client=None)
        local.append((time.perf_counter() - start) / args.draws)
    starts, remote = [], []
    prior = default_prior(scenario, baseline)
    for k in range(args.repeats):
        start = time.perf_counter()
        with dask_client(args.workers) as client:
            client.scatter([baseline], broadcast=True, hash=False)
            # a first draw on each worker: the workers import tradewinds for their first task
            warm = prior.draws(args.workers, 10_000 + k)
            run_draws(client, baseline, scenario, warm, bilateral=False, chunk_size=1)
            starts.append(time.perf_counter() - start)
            begin = time.perf_counter()
            run_montecarlo(scenario, draws=args.draws, seed=k, baseline=baseline, client=client)
            remote.append((time.perf_counter() - begin) / args.draws)
    t_local, t_remote, t_start = (statistics.median(x) for x in (local, remote, starts))
    print(f"crossover, default baseline, {args.draws} draws (load {_load()}):")
    print(f"  in-process: {t_local * 1e3:.2f} ms per draw")
    print(f"  cluster of {args.workers}: start {t_start:.2f} s, then {t_remote * 1e3:.2f} ms/draw")
    gain = t_local - t_remote
    if gain > 0:
        print(f"  crossover: the cluster pays above about {t_start / gain:,.0f} draws")
    else:
        print("  crossover: none; the cluster is not faster per draw at this size")
    model = CLUSTER_START_S / (t_local * (1 - 1 / args.workers))
    print(f"  choose_workers' model (start {CLUSTER_START_S} s) puts it at {model:,.0f} draws")
    probe = time_one_solve(scenario, scenario.baseline)
    print(
        f"  its probe (time_one_solve) {probe * 1e3:.2f} ms, so the CLI starts a cluster above "
        f"{CLUSTER_START_S / (probe * (1 - 1 / args.workers)):,.0f} draws"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--large", action="store_true", help="also the 194-country baseline")
    parser.add_argument("--multi", action="store_true", help="also a multi-sector scenario")
    parser.add_argument("--no-cluster", action="store_true", help="skip the crossover")
    args = parser.parse_args()
    scenario = load_scenario(SCENARIO)
    baseline = load_baseline(scenario.baseline)
    print(f"load average {_load()}")
    overhead(scenario, baseline, args.draws, args.repeats, "default baseline (11 regions)")
    if args.large:
        large = load_baseline(LARGE)
        overhead(scenario, large, max(20, args.draws // 4), args.repeats, "194 countries")
    if args.multi:
        multi = load_scenario(MULTI)
        overhead(
            multi,
            load_baseline(multi.baseline),
            10,
            args.repeats,
            f"{MULTI.stem}, per-sector theta",
        )
    if not args.no_cluster:
        crossover(scenario, baseline, args)
    print(f"load average {_load()} at end")


if __name__ == "__main__":
    main()
