"""The quick path (numpy arrays, no xarray) gives the full runner's numbers, exactly.

Random scenarios with groups, ``all_except``, ``rate``/``add`` tariffs and trade-cost changes
under each closure are solved both ways on the bundled default; the headline columns and the
Canada–Mexico flows must be equal to the last bit, since both paths apply the same shock
functions, solver and output formulas to the same arrays.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.unit.test_build_shocks_vectorised import _random_scenario
from tradewinds.cli.run import headline_of
from tradewinds.core.errors import ConvergenceError, ScenarioError
from tradewinds.data.arrays import bundled_arrays, bundled_identity
from tradewinds.data.baseline import countries
from tradewinds.data.identity import baseline_digest
from tradewinds.data.loaders import load_baseline
from tradewinds.scenarios import quick
from tradewinds.scenarios.execute import execute
from tradewinds.scenarios.schema import parse_scenario
from tradewinds.store import ResultsStore
from tradewinds.store.index import INDEX_NAME


@pytest.mark.parametrize("closure", ["fixed", "balanced", "ratio"])
def test_quick_headline_equals_the_runners(closure: str) -> None:
    baseline = load_baseline("default")
    arrays = bundled_arrays("default")
    assert arrays is not None
    rng = np.random.default_rng(11)
    compared = 0
    for _ in range(4):
        data = _random_scenario(rng, countries(baseline), ["TOTAL"])
        for entry in data["shocks"]["tariffs"]:  # keep the shocks in the model's range
            entry.update({"rate": entry["rate"] / 4} if "rate" in entry else {})
        data["model"] = {"name": "one-sector", "eps": 4, "closure": closure}
        spec = parse_scenario(data)
        assert quick.arrays_for(spec, None) is arrays
        try:
            full = execute(spec)
        except ConvergenceError:
            with pytest.raises(ConvergenceError):
                quick.solve(spec, arrays)
            continue
        fast, report = quick.solve(spec, arrays)
        slow = headline_of(full.records, full.units)
        assert fast.countries == slow.countries
        assert list(fast.columns) == list(slow.columns)
        for metric, values in slow.columns.items():
            np.testing.assert_array_equal(fast.columns[metric], values, err_msg=metric)
        assert fast.camx == slow.camx
        assert report.iterations == full.record.solver["iterations"]
        compared += 1
    assert compared >= 2, f"only {compared} of 4 draws converged: the comparison proves little"


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


def test_what_the_quick_path_does_not_take() -> None:
    base = {
        "title": "t",
        "shocks": {"tariffs": [{"importer": "USA", "exporter": "CAN", "add": 0.1}]},
    }
    assert quick.arrays_for(parse_scenario(base), None) is not None
    assert quick.identity_for(parse_scenario(base), None) is not None
    assert quick.arrays_for(parse_scenario(base), "wiod2011") is None  # 56 sectors
    assert quick.identity_for(parse_scenario(base), "wiod2011") is None
    assert quick.arrays_for(parse_scenario(base), "some/path.nc") is None
    multi = {**base, "model": {"name": "multi-sector"}}
    assert quick.arrays_for(parse_scenario(multi), None) is None
    assert quick.identity_for(parse_scenario(multi), None) is None
    dated = {"title": "t", "shocks": {"tariffs_as_of": "2025-09-01"}}
    assert quick.arrays_for(parse_scenario(dated), None) is None  # solved by the runner ...
    assert quick.identity_for(parse_scenario(dated), None) is not None  # ... served from the index


def test_quick_errors_name_the_entry() -> None:
    spec = parse_scenario(
        {"title": "t", "shocks": {"tariffs": [{"importer": "USA", "exporter": "CAN", "add": -5}]}}
    )
    arrays = bundled_arrays("default")
    assert arrays is not None
    with pytest.raises(ScenarioError, match=r"shocks\.tariffs\.0: the change makes a tariff"):
        quick.solve(spec, arrays)


def test_quick_key_is_the_stores_key(tmp_path) -> None:
    spec = parse_scenario(
        {"title": "t", "shocks": {"tariffs": [{"importer": "USA", "exporter": "MEX", "rate": 0.2}]}}
    )
    store = ResultsStore(tmp_path)
    result = execute(spec, sink=store)
    arrays = bundled_arrays("default")
    assert arrays is not None
    assert quick.cache_key_for(spec, arrays) == result.record.cache_key
    assert (tmp_path / INDEX_NAME).exists()
