"""Scenario files and the runner with the multi-sector model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tradewinds.core.errors import ScenarioError
from tradewinds.data.loaders import load_baseline
from tradewinds.scenarios import run_scenario
from tradewinds.scenarios.runner import MODELS, build_shocks
from tradewinds.scenarios.schema import MultiSectorSpec, load_scenario, parse_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
FILES = sorted(SCENARIOS.glob("wiod-*.yaml"))


def test_registered() -> None:
    assert "multi-sector" in MODELS


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_scenario_files_parse_and_cite(path: Path) -> None:
    scenario = load_scenario(path)
    assert isinstance(scenario.model, MultiSectorSpec)
    assert scenario.baseline == "wiod2011"
    assert scenario.sources
    baseline = load_baseline(scenario.baseline)
    tariff, _ = build_shocks(scenario, baseline)
    usa = tariff.sel(importer="USA")
    assert float(usa.max()) > 0
    assert float(tariff.drop_sel(importer="USA").max()) == 0.0


def test_goods_tariff_scenario_runs() -> None:
    scenario = load_scenario(SCENARIOS / "wiod-25pct-can-mex-goods.yaml")
    eq = run_scenario(scenario)
    assert eq.model == "multi-sector"
    assert eq.report.max_residual <= 1e-10
    welfare = eq.country["welfare_hat"]
    assert float(welfare.sel(country="CAN")) < 1
    assert float(welfare.sel(country="MEX")) < 1
    # Services stay untaxed and the tariffed goods lose US market share.
    trade_hat = eq.bilateral["trade_hat"].sel(exporter="MEX", importer="USA")
    assert float(trade_hat.sel(sector="c15")) < 0.9
    assert np.isfinite(eq.sector["price_hat"].values).all()


def test_spec_validation() -> None:
    base = {"title": "x", "model": {"name": "multi-sector", "closure": "nope"}}
    with pytest.raises(ScenarioError, match="closure"):
        parse_scenario(base)
    spec = parse_scenario({"title": "x", "model": {"name": "multi-sector", "theta": 4}}).model
    assert isinstance(spec, MultiSectorSpec)
    assert spec.theta == 4
    with pytest.raises(ScenarioError, match="theta"):
        parse_scenario({"title": "x", "model": {"name": "multi-sector", "theta": -1}})


def test_measures_wiod_sector_tariffs_fit_the_wiod_default() -> None:
    """The measures registry's WIOD sector tariffs use the default's sector labels."""
    import datetime as dt

    from tradewinds.measures.shocks import as_shock_records, sector_tariffs

    table = sector_tariffs(dt.date(2025, 9, 1), sectors="wiod")
    baseline = load_baseline("wiod2011")
    assert {str(s) for s in table["sector"].values} <= {str(s) for s in baseline["sector"].values}
    scenario = parse_scenario(
        {
            "title": "registry tariffs on the WIOD default",
            "baseline": "wiod2011",
            "model": {"name": "multi-sector"},
            "shocks": {"tariffs": as_shock_records(table)},
        }
    )
    tariff, _ = build_shocks(scenario, baseline)
    assert float(tariff.sel(exporter="CAN", importer="USA").max()) > 0.1
