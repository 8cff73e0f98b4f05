"""The vectorised shock builder gives the cell-by-cell answer of the label-indexed reference.

The reference below is the xarray ``.loc`` loop that ``build_shocks`` used before it was
vectorised (one label lookup per entry and per pair); random scenarios with groups,
``all_except``, ``add``/``rate``, sector lists and trade-cost changes must give identical arrays.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from tradewinds.core import dims
from tradewinds.core.errors import ScenarioError
from tradewinds.data.baseline import countries
from tradewinds.data.loaders import load_baseline
from tradewinds.scenarios.runner import _sector_list, build_shocks, resolve_countries
from tradewinds.scenarios.schema import Scenario, parse_scenario


def _reference(scenario: Scenario, baseline: xr.Dataset) -> tuple[xr.DataArray, xr.DataArray]:
    known = countries(baseline)
    sectors = [str(s) for s in baseline[dims.SECTOR].values]
    tariff = baseline[dims.TARIFF].copy()
    cost = xr.ones_like(tariff)
    off_diag = xr.DataArray(
        ~np.eye(len(known), dtype=bool),
        dims=(dims.EXPORTER, dims.IMPORTER),
        coords={dims.EXPORTER: known, dims.IMPORTER: known},
    )
    for shock in scenario.shocks.tariffs:
        cells = {
            dims.EXPORTER: resolve_countries(shock.exporter, known, scenario.groups, ""),
            dims.IMPORTER: resolve_countries(shock.importer, known, scenario.groups, ""),
            dims.SECTOR: _sector_list(shock.sectors, sectors, ""),
        }
        mask = off_diag.loc[{d: cells[d] for d in (dims.EXPORTER, dims.IMPORTER)}]
        current = tariff.loc[cells]
        new = shock.rate if shock.rate is not None else current + (shock.add or 0.0)
        tariff.loc[cells] = current.where(~mask, new)
    for tc in scenario.shocks.trade_costs:
        secs = _sector_list(tc.sectors, sectors, "")
        if tc.between is not None:
            group = resolve_countries(tc.between, known, scenario.groups, "")
            pairs = [(a, b) for a in group for b in group if a != b]
        else:
            exps = resolve_countries(tc.exporter, known, scenario.groups, "")  # type: ignore[arg-type]
            imps = resolve_countries(tc.importer, known, scenario.groups, "")  # type: ignore[arg-type]
            pairs = [(a, b) for a in exps for b in imps if a != b]
        for a, b in pairs:
            cost.loc[{dims.EXPORTER: a, dims.IMPORTER: b, dims.SECTOR: secs}] *= 1 + tc.change
    return tariff, cost


def _random_scenario(rng: np.random.Generator, known: list[str], sectors: list[str]) -> dict:
    def country_set() -> object:
        kind = rng.integers(5)
        if kind == 0:
            return "all"
        if kind == 1:
            return "G1"
        if kind == 2:
            return {"all_except": [str(c) for c in rng.choice(known, 2, replace=False)]}
        return [str(c) for c in rng.choice(known, int(rng.integers(1, 4)), replace=False)]

    def sector_set() -> object:
        if rng.random() < 0.5:
            return "all"
        return [
            str(s)
            for s in rng.choice(sectors, min(len(sectors), int(rng.integers(1, 3))), replace=False)
        ]

    tariffs = []
    for _ in range(12):
        entry = {"importer": country_set(), "exporter": country_set(), "sectors": sector_set()}
        if rng.random() < 0.5:
            entry["rate"] = float(rng.uniform(0, 2))
        else:
            entry["add"] = float(rng.uniform(0, 0.5))
        tariffs.append(entry)
    costs = []
    for _ in range(4):
        entry = {"change": float(rng.uniform(-0.5, 1)), "sectors": sector_set()}
        if rng.random() < 0.5:
            entry["between"] = [str(c) for c in rng.choice(known, 3, replace=False)]
        else:
            entry["exporter"], entry["importer"] = country_set(), country_set()
        costs.append(entry)
    group = [str(c) for c in rng.choice(known, 3, replace=False)]
    return {
        "title": "random",
        "groups": {"G1": group},
        "shocks": {"tariffs": tariffs, "trade_costs": costs},
    }


@pytest.mark.parametrize("name", ["default", "wiod2011"])
def test_vectorised_shocks_match_reference(name: str) -> None:
    baseline = load_baseline(name)
    known = countries(baseline)
    sectors = [str(s) for s in baseline[dims.SECTOR].values]
    rng = np.random.default_rng(7)
    for _ in range(5):
        spec = parse_scenario(_random_scenario(rng, known, sectors))
        tariff, cost = build_shocks(spec, baseline)
        ref_t, ref_c = _reference(spec, baseline)
        np.testing.assert_array_equal(
            tariff.transpose(*ref_t.dims).values, ref_t.values, err_msg="tariff"
        )
        np.testing.assert_allclose(
            cost.transpose(*ref_c.dims).values, ref_c.values, rtol=1e-15, err_msg="cost"
        )


def test_negative_add_is_refused_naming_the_entry() -> None:
    spec = parse_scenario(
        {"title": "t", "shocks": {"tariffs": [{"importer": "USA", "exporter": "CAN", "add": -5}]}}
    )
    with pytest.raises(ScenarioError, match=r"shocks\.tariffs\.0: the change makes a tariff"):
        build_shocks(spec, load_baseline("default"))


def _registry_reference(scenario: Scenario, baseline: xr.Dataset) -> xr.DataArray:
    """The cell-by-cell loop ``apply_registry_tariffs`` used before it was vectorised."""
    from tradewinds.scenarios.registry_shocks import scenario_registry_tariffs

    table = scenario_registry_tariffs(scenario, baseline)
    tariff = baseline[dims.TARIFF].copy()
    for exporter in table[dims.EXPORTER].values:
        for sector in table[dims.SECTOR].values:
            cell = {dims.EXPORTER: exporter, dims.IMPORTER: "USA", dims.SECTOR: sector}
            rate = float(table.sel(cell))
            if rate == rate:
                tariff.loc[cell] = rate
    return tariff


@pytest.mark.parametrize(
    ("name", "model"), [("default", "one-sector"), ("wiod2011", "multi-sector")]
)
def test_registry_tariffs_match_the_cell_loop(name: str, model: str) -> None:
    from tradewinds.scenarios.registry_shocks import apply_registry_tariffs

    baseline = load_baseline(name)
    spec = parse_scenario(
        {
            "title": "t",
            "baseline": name,
            "model": {"name": model},
            "shocks": {"tariffs_as_of": "2025-06-01"},
        }
    )
    new = apply_registry_tariffs(spec, baseline, baseline[dims.TARIFF].copy())
    ref = _registry_reference(spec, baseline)
    assert new.dims == ref.dims
    np.testing.assert_array_equal(new.values, ref.values)
    assert (new.values != baseline[dims.TARIFF].values).any()
