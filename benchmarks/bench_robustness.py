"""Solver robustness: random shocks either converge to finite numbers or fail cleanly.

Run from the repository root:
``PYTHONPATH=src python benchmarks/bench_robustness.py [N_ONE_SECTOR [N_WIOD [SEED]]]``
(defaults 1000 and 200).

Each draw is one solve with random parameters:

* one-sector model (on the bundled ``default`` and on the 194-country BACI 2023 aggregate of
  ``../shared/data/liberation_day_ignatenko2025``): tariffs of 0–1000% on 1–20 random
  (exporter, importer) pairs, trade-cost changes of −90% to +300% on 0–10 random pairs, a trade
  elasticity drawn log-uniformly in [0.5, 20], and a random closure (fixed, balanced, ratio);
* multi-sector model on ``wiod2011``: the same on random pairs and 1–5 random sectors, with a
  random closure and either the baseline's elasticities or one drawn in [0.5, 20] for all
  sectors.

A draw is **converged** when the solver returns and every output record is finite; **clean**
when it raises a :class:`~tradewinds.core.errors.TradewindsError` (a ``ConvergenceError`` for a
shock the model cannot absorb); **NaN** when it returns an answer with a NaN or infinite record;
**other** for any other exception (a bug). The tally and the median time per solve are printed
per baseline. ``tests/properties/test_solver_robustness.py`` runs a reduced version.
"""

from __future__ import annotations

import statistics
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from tradewinds.core import dims
from tradewinds.core.errors import TradewindsError

ROOT = Path(__file__).resolve().parents[1]
LD = ROOT.parent / "shared" / "data" / "liberation_day_ignatenko2025"
CLOSURES = ("fixed", "balanced", "ratio")


@dataclass
class Tally:
    """Outcome counts and solve times of one baseline."""

    name: str
    outcomes: Counter[str] = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)
    others: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One summary line."""
        n = sum(self.outcomes.values())
        med = statistics.median(self.seconds) if self.seconds else float("nan")
        p90 = float(np.percentile(self.seconds, 90)) if self.seconds else float("nan")
        return (
            f"{self.name:18s} n={n:5d}  converged {self.outcomes['converged']:5d}  "
            f"clean failures {self.outcomes['clean']:4d}  NaN outputs {self.outcomes['nan']:3d}  "
            f"other exceptions {self.outcomes['other']:3d}  median {med * 1e3:7.1f} ms/solve  "
            f"p90 {p90 * 1e3:7.1f} ms"
        )


def random_shock(
    baseline: xr.Dataset, rng: np.random.Generator, *, multi: bool = False
) -> tuple[xr.DataArray, xr.DataArray, dict[str, Any]]:
    """New tariffs, trade-cost changes and model options for one random draw."""
    tariff = baseline[dims.TARIFF].transpose(dims.EXPORTER, dims.IMPORTER, dims.SECTOR).copy()
    values = np.array(tariff.values, dtype=float)
    cost = np.ones_like(values)
    n, s = values.shape[0], values.shape[2]

    def pairs(k: int) -> list[tuple[int, int, np.ndarray]]:
        out = []
        for _ in range(k):
            a, b = rng.choice(n, size=2, replace=False)
            secs = (
                rng.choice(s, size=int(rng.integers(1, min(s, 5) + 1)), replace=False)
                if multi
                else np.arange(s)
            )
            out.append((int(a), int(b), secs))
        return out

    for a, b, secs in pairs(int(rng.integers(1, 21))):
        values[a, b, secs] = rng.uniform(0.0, 10.0)
    for a, b, secs in pairs(int(rng.integers(0, 11))):
        cost[a, b, secs] *= 1 + rng.uniform(-0.9, 3.0)
    options: dict[str, Any] = {"closure": str(rng.choice(CLOSURES))}
    elasticity = float(np.exp(rng.uniform(np.log(0.5), np.log(20.0))))
    if multi:
        options["theta"] = elasticity if rng.random() < 0.5 else None
    else:
        options["eps"] = elasticity
    return tariff.copy(data=values), tariff.copy(data=cost), options


def solve_once(baseline: xr.Dataset, rng: np.random.Generator, *, multi: bool) -> tuple[str, str]:
    """Draw and solve one shock; return (outcome, detail)."""
    tariff, cost, options = random_shock(baseline, rng, multi=multi)
    try:
        if multi:
            from tradewinds.models.multisector import MultiSectorModel

            eq = MultiSectorModel(**options).solve(baseline, tariff, cost)
        else:
            from tradewinds.models.onesector import OneSectorModel

            eq = OneSectorModel(**options).solve(baseline, tariff, cost)
        records = eq.to_records()
    except TradewindsError as exc:
        return "clean", f"{type(exc).__name__}: {str(exc)[:120]}"
    except Exception:  # the point of the benchmark: count anything else as a bug
        return "other", f"{options}: {traceback.format_exc(limit=3)}"
    values = records["value"].to_numpy(dtype=float)
    if not np.isfinite(values).all():
        bad = records[~np.isfinite(values)]["metric"].unique()[:5]
        return "nan", f"{options}: non-finite {list(bad)}"
    return "converged", ""


def run(name: str, baseline: xr.Dataset, n: int, seed: int, *, multi: bool = False) -> Tally:
    """Solve ``n`` random draws on ``baseline``."""
    import warnings

    rng = np.random.default_rng(seed)
    tally = Tally(name)
    for _ in range(n):
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            outcome, detail = solve_once(baseline, rng, multi=multi)
        tally.seconds.append(time.perf_counter() - start)
        tally.outcomes[outcome] += 1
        if outcome in ("other", "nan"):
            tally.others.append(detail)
    return tally


def main(n_one: int = 1000, n_wiod: int = 200, seed: int = 2026) -> None:
    """Print the tallies for the three baselines."""
    import logging
    import os

    from tradewinds.data.loaders import load_baseline

    logging.disable(logging.WARNING)
    print(f"load average before: {os.getloadavg()}")
    sets: list[tuple[str, xr.Dataset, int, bool]] = [
        ("default", load_baseline("default"), n_one, False)
    ]
    if LD.is_dir():
        sets.append(("BACI 194", load_baseline(LD), n_one, False))
    sets.append(("wiod2011", load_baseline("wiod2011"), n_wiod, True))
    for name, baseline, n, multi in sets:
        tally = run(name, baseline, n, seed, multi=multi)
        print(tally.line(), flush=True)
        for detail in tally.others[:5]:
            print("   ", detail.replace("\n", "\n    "))
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:4]))
