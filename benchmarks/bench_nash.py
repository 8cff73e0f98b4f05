"""Median time of a three-player (USA, CAN, MEX) Nash tariff war.

Cases:
1. one-sector model on the bundled 11-region default, uniform tariffs, serial best responses;
2. the same with best responses on a 2-worker Dask LocalCluster (cluster start not timed);
3. the multi-sector model on the WIOD 2011 default (41 countries, 35 sectors), if a model named
   ``multi-sector`` is registered in ``tradewinds.scenarios.runner.MODELS`` (skipped with a note
   otherwise): uniform rates, then one rate per sector (default ``--sectors all``: every player
   sets all 35 sector rates on the other two, the case with a 2-minute target; a list such as
   ``c12,c15,c9`` restricts the rates to those sectors). By-sector best responses use the
   model's adjoint gradient; ``--numeric`` drops it to time the central-difference searches.

Run from the repository root: ``PYTHONPATH=src python benchmarks/bench_nash.py [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from collections.abc import Callable

from tradewinds.policy.nash import NashResult, nash_tariffs
from tradewinds.policy.parallel import Mapper, serial_map
from tradewinds.scenarios.runner import MODELS
from tradewinds.scenarios.schema import parse_scenario
from tradewinds.scenarios.strategy import dask_mapper, tariff_problem

PLAYERS = ("USA", "CAN", "MEX")
THREAT = [
    {"importer": "USA", "exporter": "CAN", "rate": 0.35},
    {"importer": "USA", "exporter": "MEX", "rate": 0.30},
]


def war(
    model: dict[str, object],
    baseline: str,
    by_sector: bool,
    mapper: Mapper,
    sectors: list[str] | None = None,
    numeric: bool = False,
) -> NashResult:
    spec = parse_scenario(
        {"title": "bench", "baseline": baseline, "model": model, "shocks": {"tariffs": THREAT}}
    )
    problem, _ = tariff_problem(spec)
    if numeric:
        problem = dataclasses.replace(problem, gradient=None)
    instruments = [
        problem.instrument(p, [q for q in PLAYERS if q != p], by_sector=by_sector, sectors=sectors)
        for p in PLAYERS
    ]
    return nash_tariffs(problem, instruments, mapper=mapper)


def median_time(fn: Callable[[], NashResult], repeat: int) -> tuple[float, NashResult]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    assert result is not None
    return statistics.median(times), result


def report(name: str, seconds: float, result: NashResult) -> None:
    rates = ", ".join(f"{p} {100 * result.values[p].mean():.2f}%" for p in PLAYERS)
    print(
        f"{name}: median {seconds:.2f} s; {result.status} in {len(result.path)} rounds; "
        f"mean rates {rates}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--wiod-baseline", default="wiod2011", help="Name of the WIOD default.")
    parser.add_argument(
        "--sectors",
        default="all",
        help="Sectors with their own rate in the by-sector war (e.g. c12,c15,c9), or 'all'.",
    )
    parser.add_argument(
        "--numeric",
        action="store_true",
        help="Central-difference gradients instead of the model's adjoint (much slower).",
    )
    args = parser.parse_args()
    one = {"name": "one-sector", "eps": 4, "closure": "fixed"}
    seconds, result = median_time(lambda: war(one, "default", False, serial_map), args.repeat)
    report("one-sector, 11 regions, uniform, serial", seconds, result)
    with dask_mapper(workers=2) as mapper:
        seconds, result = median_time(lambda: war(one, "default", False, mapper), args.repeat)
    report("one-sector, 11 regions, uniform, Dask LocalCluster(2)", seconds, result)
    if "multi-sector" not in MODELS:
        print("multi-sector: SKIPPED (no model named 'multi-sector' is registered in MODELS yet)")
        return
    multi = {"name": "multi-sector"}
    with dask_mapper(workers=2) as mapper:
        seconds, result = median_time(
            lambda: war(multi, args.wiod_baseline, False, mapper), max(1, args.repeat // 5)
        )
        report(f"multi-sector, {args.wiod_baseline}, uniform, Dask(2)", seconds, result)
        chosen = None if args.sectors == "all" else args.sectors.split(",")
        seconds, result = median_time(
            lambda: war(multi, args.wiod_baseline, True, mapper, chosen, args.numeric),
            max(1, args.repeat // 5),
        )
        label = "all sectors" if chosen is None else f"{len(chosen)} sectors"
        label += ", central differences" if args.numeric else ", adjoint gradient"
        report(f"multi-sector, {args.wiod_baseline}, by sector ({label}), Dask(2)", seconds, result)


if __name__ == "__main__":
    main()
