"""The one run path solves a one-sector scenario on cached arrays with the runner's numbers.

:func:`~tradewinds.scenarios.execute.execute` solves a one-sector scenario on a bundled baseline
on its cached numpy arrays, whether its tariffs are explicit or come from the measure registry
(``tariffs_as_of``). Random scenarios with groups, ``all_except``, ``rate``/``add`` tariffs and
trade-cost changes under each closure are run both ways (the labelled runner is what a loaded
dataset given as the baseline takes); every tidy record must be equal to the last bit, since
both apply the same shock functions, solver and record formulas to the same arrays.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.unit.test_build_shocks_vectorised import _random_scenario
from tradewinds.core.errors import ConvergenceError, ScenarioError
from tradewinds.data.arrays import bundled_arrays, bundled_identity
from tradewinds.data.baseline import countries
from tradewinds.data.identity import baseline_digest
from tradewinds.data.loaders import load_baseline
from tradewinds.scenarios import execute as run_path
from tradewinds.scenarios.execute import execute
from tradewinds.scenarios.schema import parse_scenario
from tradewinds.store import ResultsStore
from tradewinds.store.index import INDEX_NAME


def _same_run(spec: object) -> None:
    """The array solve's records, params and solver report equal the labelled runner's."""
    fast = execute(spec)  # type: ignore[arg-type]
    full = execute(spec, baseline=load_baseline("default"))  # type: ignore[arg-type]
    assert fast.equilibrium is None  # solved on the arrays ...
    assert full.equilibrium is not None  # ... and by the runner
    pd.testing.assert_frame_equal(fast.records, full.records, check_exact=True)
    assert fast.record.cache_key == full.record.cache_key
    assert fast.record.params == full.record.params
    assert fast.record.solver is not None
    assert full.record.solver is not None
    for key in ("converged", "iterations", "max_residual", "method"):
        assert fast.record.solver[key] == full.record.solver[key], key


@pytest.mark.parametrize("closure", ["fixed", "balanced", "ratio"])
def test_array_solve_equals_the_runner(closure: str) -> None:
    baseline = load_baseline("default")
    rng = np.random.default_rng(11)
    compared = 0
    for _ in range(4):
        data = _random_scenario(rng, countries(baseline), ["TOTAL"])
        for entry in data["shocks"]["tariffs"]:  # keep the shocks in the model's range
            entry.update({"rate": entry["rate"] / 4} if "rate" in entry else {})
        data["model"] = {"name": "one-sector", "eps": 4, "closure": closure}
        spec = parse_scenario(data)
        try:
            execute(spec, baseline=baseline)
        except ConvergenceError:
            with pytest.raises(ConvergenceError):
                execute(spec)
            continue
        _same_run(spec)
        compared += 1
    assert compared >= 2, f"only {compared} of 4 draws converged: the comparison proves little"


@pytest.mark.parametrize(
    "shocks",
    [
        {"tariffs_as_of": "2025-09-01"},
        {"tariffs_as_of": "2025-04-10", "usmca_shares": "2024", "tariffs_only": ["CAN", "MEX"]},
        {
            "tariffs_as_of": "2025-09-01",
            "tariffs": [{"importer": "CAN", "exporter": "USA", "add": 0.1}],
        },
    ],
)
def test_array_solve_of_registry_tariffs_equals_the_runner(shocks: dict[str, object]) -> None:
    """``tariffs_as_of`` (the README's first command) takes the array solve too."""
    spec = parse_scenario({"title": "t", "model": {"name": "one-sector"}, "shocks": shocks})
    assert run_path._on_arrays(spec, run_path._Baseline.of(spec, None))
    _same_run(spec)


def test_arrays_are_the_validated_baseline() -> None:
    baseline = load_baseline("default")
    arrays = bundled_arrays("default")
    assert arrays is not None
    assert arrays.digest == baseline_digest(baseline)
    assert list(arrays.countries) == countries(baseline)
    order = ("exporter", "importer", "sector")
    np.testing.assert_array_equal(arrays.trade, baseline["trade"].transpose(*order).values)
    np.testing.assert_array_equal(arrays.tariff, baseline["tariff"].transpose(*order).values)
    assert bundled_arrays("wiod2011") is not None
    assert bundled_arrays("no-such-baseline") is None


@pytest.mark.parametrize("name", ["default", "ld2023-regions", "wiod2011"])
def test_the_identity_a_store_hit_reads_is_the_arrays(name: str) -> None:
    arrays, identity = bundled_arrays(name), bundled_identity(name)
    assert arrays is not None
    assert identity is not None
    assert identity.digest == arrays.digest == baseline_digest(load_baseline(name))
    assert (identity.countries, identity.sectors) == (arrays.countries, arrays.sectors)
    assert identity.attrs == arrays.attrs
    assert bundled_identity("no-such-baseline") is None


def test_what_the_array_solve_does_not_take() -> None:
    def on_arrays(data: dict[str, object], baseline: str | None = None) -> bool:
        spec = parse_scenario(data)
        return run_path._on_arrays(spec, run_path._Baseline.of(spec, baseline))

    base = {
        "title": "t",
        "shocks": {"tariffs": [{"importer": "USA", "exporter": "CAN", "add": 0.1}]},
    }
    assert on_arrays(base)
    assert on_arrays(base, "ld2023-regions")
    assert not on_arrays(base, "wiod2011")  # 56 sectors
    assert not on_arrays({**base, "model": {"name": "multi-sector"}})
    retaliation = {"retaliation": [{"by": "CAN", "against": "USA", "mirror": True}]}
    assert not on_arrays({"title": "t", "shocks": {**base["shocks"], **retaliation}})
    assert on_arrays({"title": "t", "shocks": {"tariffs_as_of": "2025-09-01"}})


def test_array_solve_errors_name_the_entry() -> None:
    spec = parse_scenario(
        {"title": "t", "shocks": {"tariffs": [{"importer": "USA", "exporter": "CAN", "add": -5}]}}
    )
    with pytest.raises(ScenarioError, match=r"shocks\.tariffs\.0: the change makes a tariff"):
        execute(spec)


def test_a_recorded_array_solve_is_served_as_it_was_recorded(tmp_path) -> None:
    spec = parse_scenario(
        {"title": "t", "shocks": {"tariffs": [{"importer": "USA", "exporter": "MEX", "rate": 0.2}]}}
    )
    store = ResultsStore(tmp_path)
    first = execute(spec, sink=store)
    assert not first.cached
    assert (tmp_path / INDEX_NAME).exists()
    served = execute(spec, sink=store)
    assert served.cached
    assert served.record == first.record
    pd.testing.assert_frame_equal(served.records, first.records, check_exact=True)
    pd.testing.assert_frame_equal(served.records, store.results(first.run_id), check_exact=True)
