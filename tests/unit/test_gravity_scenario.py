"""A scenario can take its trade-cost shock from a recorded gravity run."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tradewinds.core.errors import DataError, ScenarioError
from tradewinds.data.loaders import load_baseline
from tradewinds.integration.gravity import GravityResult, GravitySpec, load_run, save_run
from tradewinds.scenarios.runner import build_shocks, run_scenario
from tradewinds.scenarios.schema import parse_scenario


@pytest.fixture
def recorded(tmp_path, monkeypatch):
    monkeypatch.setenv("TRADEWINDS_GRAVITY_RUNS", str(tmp_path))
    result = GravityResult(
        run_id="gravity-test00000000",
        data="yotov2016",
        spec=GravitySpec(regressors=["rta"]),
        coefficients=pd.DataFrame({"variable": ["rta"], "estimate": [0.557], "std_error": [0.102]}),
        n_obs=28482,
    )
    save_run(result)
    return result


def _scenario(shock: object, model: dict | None = None):
    doc: dict = {"title": "gravity", "shocks": {"trade_costs": shock}}
    if model:
        doc["model"] = model
    return parse_scenario(doc)


def test_round_trip(recorded):
    again = load_run(recorded.run_id)
    assert again.coefficient("rta") == pytest.approx(0.557)
    with pytest.raises(ScenarioError, match="no coefficient 'fta'"):
        again.coefficient("fta")
    with pytest.raises(DataError, match="gravity estimate"):
        load_run("gravity-missing")


def test_from_gravity_solves_as_the_converted_change(recorded):
    baseline = load_baseline("default")
    gravity = _scenario(
        {"from_gravity": {"run": recorded.run_id, "variable": "rta", "pairs": ["CAN-MEX"]}}
    )
    _, cost = build_shocks(gravity, baseline)
    expected = math.exp(-0.557 / 4.0)
    assert float(cost.sel(exporter="CAN", importer="MEX").item()) == pytest.approx(expected)
    assert float(cost.sel(exporter="MEX", importer="CAN").item()) == pytest.approx(expected)
    assert float(cost.sel(exporter="CAN", importer="USA").item()) == 1.0
    direct = _scenario([{"between": ["CAN", "MEX"], "change": expected - 1}])
    a, b = run_scenario(gravity, baseline), run_scenario(direct, baseline)
    assert a.report.converged
    np.testing.assert_allclose(a.country["welfare_hat"], b.country["welfare_hat"], rtol=1e-10)


def test_multi_sector_uses_theta_by_sector(recorded):
    wiod = load_baseline("wiod2011")
    scenario = _scenario(
        {"from_gravity": {"run": recorded.run_id, "variable": "rta", "pairs": ["CAN-MEX"]}},
        {"name": "multi-sector"},
    )
    _, cost = build_shocks(scenario, wiod)
    theta = wiod["trade_elasticity"].sel(sector="c13").item()
    got = cost.sel(exporter="CAN", importer="MEX", sector="c13").item()
    assert got == pytest.approx(math.exp(-0.557 / theta))


def test_from_gravity_validation():
    with pytest.raises(ScenarioError, match="from_gravity"):
        _scenario(
            [
                {
                    "from_gravity": {"run": "x", "variable": "rta", "pairs": ["CAN-MEX"]},
                    "change": -0.1,
                }
            ]
        )
    with pytest.raises(ScenarioError, match="CAN-MEX"):
        _scenario({"from_gravity": {"run": "x", "variable": "rta", "pairs": ["CANMEX"]}})
    with pytest.raises(ScenarioError, match="change"):
        _scenario([{"between": ["CAN", "MEX"]}])
