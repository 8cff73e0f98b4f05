"""Median wall-clock time of the Caliendo–Parro model on its two reference problems.

Run from the repository root: ``PYTHONPATH=src python benchmarks/bench_multisector.py
[--repeat N] [--shared PATH]``. Targets (issue 3): the CP2015 NAFTA counterfactual (31 x 40,
baseline and counterfactual equilibria) in at most 50 ms, one counterfactual on the bundled
WIOD 2011 default (41 x 35) in at most 100 ms. Data loading is not timed. The "prepared" rows
time a counterfactual alone, with the baseline equilibrium solved once beforehand
(``MultiSectorModel.prepare``), as sweeps and searches do; the "gradient" row adds the adjoint
gradient of Canada's real income with respect to all 58,835 WIOD tariffs to that counterfactual
(``PreparedBaseline.real_income_gradient``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from tradewinds.data.loaders import load_baseline
from tradewinds.data.multisector_loaders import load_cp2015
from tradewinds.models.multisector import MultiSectorModel

ROOT = Path(__file__).resolve().parents[1]


def median_ms(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    run()  # warm-up: imports, caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times), 1e3 * min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()

    cp, tariff_2005 = load_cp2015(args.shared / "data" / "cp2015_nafta" / "csv")
    wiod = load_baseline("wiod2011")
    shock = wiod["tariff"].copy()
    shock.loc[{"exporter": ["CAN", "MEX"], "importer": "USA"}] = 0.25

    cp_prepared = MultiSectorModel().prepare(cp)
    wiod_prepared = MultiSectorModel().prepare(wiod)
    cases = {
        "cp2015 NAFTA, balanced (target 50 ms)": lambda: MultiSectorModel().solve(cp, tariff_2005),
        "cp2015 NAFTA, fixed deficits": lambda: MultiSectorModel(closure="fixed").solve(
            cp, tariff_2005
        ),
        "wiod2011, 25% on CAN+MEX (target 100 ms)": lambda: MultiSectorModel().solve(wiod, shock),
        "cp2015 NAFTA, prepared baseline": lambda: cp_prepared.solve(tariff_2005),
        "wiod2011, prepared baseline": lambda: wiod_prepared.solve(shock),
        "wiod2011, prepared, with gradient": lambda: wiod_prepared.real_income_gradient(
            shock, weights={"CAN": 1.0}
        ),
    }
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name, run in cases.items():
        median, best = median_ms(run, args.repeat)
        print(f"{name:45s} median {median:7.1f} ms   best {best:7.1f} ms   ({args.repeat} runs)")


if __name__ == "__main__":
    main()
