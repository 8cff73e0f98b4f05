"""Time building the shocks of a scenario with many explicit tariff entries.

Run from the repository root:
``PYTHONPATH=src python benchmarks/bench_shock_building.py [N [BASELINE]]``.
Each entry sets a tariff on one (importer, exporter) pair of the 194-country baseline (falls back
to the bundled default when ``../shared/data`` is absent). Prints the median of a few builds,
in total and per entry. Work must stay proportional to the number of entries.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import yaml

from tradewinds.core.inputs import parse_yaml
from tradewinds.data.loaders import load_baseline
from tradewinds.scenarios.runner import build_shocks
from tradewinds.scenarios.schema import parse_scenario

ROOT = Path(__file__).resolve().parents[1]
LD = ROOT.parent / "shared" / "data" / "liberation_day_ignatenko2025"


def scenario_data(countries: list[str], n: int, seed: int = 0) -> dict[str, object]:
    """A scenario with ``n`` tariff entries on random off-diagonal pairs."""
    rng = np.random.default_rng(seed)
    tariffs = []
    for _ in range(n):
        a, b = rng.choice(len(countries), size=2, replace=False)
        entry: dict[str, object] = {"importer": countries[a], "exporter": countries[b]}
        if rng.random() < 0.5:
            entry["rate"] = round(float(rng.uniform(0, 1)), 4)
        else:
            entry["add"] = round(float(rng.uniform(0, 0.5)), 4)
        tariffs.append(entry)
    return {"title": f"{n} entries", "shocks": {"tariffs": tariffs}}


def main(n: int = 10_000, name: str = "", repeats: int = 3) -> None:
    """Print the median build time for ``n`` entries on baseline ``name`` (default: 194)."""
    baseline = load_baseline(name or (LD if LD.is_dir() else "default"))
    countries = [str(c) for c in baseline["exporter"].values]
    text = yaml.safe_dump(scenario_data(countries, n), default_flow_style=None, width=200)
    start = time.perf_counter()
    spec = parse_scenario(parse_yaml(text, "bench"))
    parse = time.perf_counter() - start
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        build_shocks(spec, baseline)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(
        f"{len(countries)} countries x {baseline.sizes['sector']} sectors, {n} tariff entries: "
        f"YAML {len(text) / 1e6:.2f} MB read and validated in {parse:.2f} s; build_shocks "
        f"median {median:.3f} s over {repeats} ({median / n * 1e3:.3f} ms per entry)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000, *sys.argv[2:3])
