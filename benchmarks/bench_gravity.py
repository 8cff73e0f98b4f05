"""Gravity estimation and integration targets: median wall times.

Usage: ``PYTHONPATH=src python benchmarks/bench_gravity.py [--repeat 5]``.

- Yotov et al. (2016) Table 3, column ENDG: PPML of trade on the RTA dummy with exporter-year,
  importer-year and pair fixed effects (28,482 observations), clustered by pair. The data are
  loaded once; the time is the estimation (pyfixest's first call compiles its kernels and is
  reported apart). Target (issue 12): at most 5 s.
- ``solve_cut`` doubling Canada–Mexico trade on the default one-sector baseline (target 1 s) and
  on the WIOD 2011 multi-sector baseline, all sectors and the trade mission's sectors (target
  10 s), each including its baseline preparation.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import time
from collections.abc import Callable

from tradewinds.data.loaders import load_baseline
from tradewinds.integration.gravity import estimate
from tradewinds.integration.gravity_data import load_gravity_data
from tradewinds.integration.integrate import solve_cut
from tradewinds.integration.yotov2016 import TABLES


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)  # pyfixest's import would otherwise log at INFO
    data = load_gravity_data("yotov2016")
    spec = dict(TABLES[3])["ENDG"]
    first = timed(lambda: estimate(data, spec), 1)[0]
    endg = timed(lambda: estimate(data, spec), args.repeat)
    default = load_baseline("default")
    wiod = load_baseline("wiod2011")
    pairs = [("CAN", "MEX")]
    one = timed(lambda: solve_cut(default, pairs, "2x"), args.repeat)
    multi = timed(lambda: solve_cut(wiod, pairs, "2x", model="multi-sector"), args.repeat)
    mission = timed(
        lambda: solve_cut(wiod, pairs, "2x", model="multi-sector", sectors=["mission"]),
        args.repeat,
    )
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {args.repeat} repeats")
    median = statistics.median(endg)
    print(f"Table 3 ENDG (pair FE) PPML: first call {first:.2f} s, median {median:.2f} s")
    print(f"integrate 2x, default one-sector: median {statistics.median(one):.3f} s")
    print(f"integrate 2x, WIOD multi-sector: median {statistics.median(multi):.2f} s")
    print(f"integrate 2x, WIOD mission sectors: median {statistics.median(mission):.2f} s")


if __name__ == "__main__":
    main()
