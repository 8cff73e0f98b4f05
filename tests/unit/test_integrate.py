"""The integration solver: targets reached, invariance to how the cut is parametrised, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tradewinds.core.errors import ScenarioError, UnknownLabelError
from tradewinds.data.loaders import load_baseline
from tradewinds.integration.gravity import cost_factor
from tradewinds.integration.integrate import (
    TradeTarget,
    WelfareOffset,
    parse_target,
    solve_cut,
)
from tradewinds.scenarios.runner import run_scenario
from tradewinds.scenarios.schema import parse_scenario


@pytest.fixture(scope="module")
def default():
    return load_baseline("default")


@pytest.fixture(scope="module")
def doubled(default):
    return solve_cut(default, [("CAN", "MEX")], "2x")


def test_parse_targets():
    assert parse_target("2x") == TradeTarget(factor=2.0, text="2x")
    assert parse_target("+50%").factor == pytest.approx(1.5)
    assert parse_target("US$60bn").level == pytest.approx(60_000)
    assert parse_target("$600m").level == pytest.approx(600)
    assert parse_target("offset:can") == WelfareOffset(country="CAN", text="offset:can")
    with pytest.raises(ScenarioError, match="Cannot read target"):
        parse_target("double")
    with pytest.raises(ScenarioError, match="positive"):
        parse_target("-150%")


def test_doubling_reaches_the_target(doubled):
    assert doubled.two_way_after / doubled.two_way_before == pytest.approx(2.0, rel=1e-9)
    assert doubled.d_hat < 1
    # The model's own trade elasticity bounds the cut: partial equilibrium would need
    # 2 ** (-1/4) = 0.841; general equilibrium (price indexes fall) needs a little more.
    assert 0.80 < doubled.d_hat < 0.85
    assert doubled.trade_cost_change_pct == pytest.approx(100 * (doubled.d_hat - 1))


def test_same_equilibrium_whatever_the_parametrisation(default, doubled):
    """ε = 4, fixed deficits: the cut as solve_cut's d_hat, as a scenario's trade_costs change
    (both directions or two directed entries), with the pair named in either order, and as a
    gravity coefficient converted by exp(-β/ε), gives one and the same equilibrium."""
    d = doubled.d_hat
    w0 = doubled.equilibrium.country["welfare_hat"].values
    t0 = doubled.equilibrium.bilateral["trade"].values
    between = parse_scenario(
        {"title": "t", "shocks": {"trade_costs": [{"between": ["CAN", "MEX"], "change": d - 1}]}}
    )
    directed = parse_scenario(
        {
            "title": "t",
            "shocks": {
                "trade_costs": [
                    {"exporter": "CAN", "importer": "MEX", "change": d - 1},
                    {"exporter": "MEX", "importer": "CAN", "change": d - 1},
                ]
            },
        }
    )
    beta = -4.0 * math.log(d)  # the RTA-style coefficient that means the same cut at ε = 4
    assert cost_factor(beta, 4.0) == pytest.approx(d, rel=1e-12)
    gravity = parse_scenario(
        {
            "title": "t",
            "shocks": {
                "trade_costs": [{"between": ["CAN", "MEX"], "change": cost_factor(beta, 4.0) - 1}]
            },
        }
    )
    for scenario in (between, directed, gravity):
        eq = run_scenario(scenario, default)
        np.testing.assert_allclose(eq.country["welfare_hat"].values, w0, rtol=1e-9)
        np.testing.assert_allclose(eq.bilateral["trade"].values, t0, rtol=1e-8)
    reverse = solve_cut(default, [("MEX", "CAN")], "2x")
    assert reverse.d_hat == pytest.approx(d, rel=1e-8)
    level = solve_cut(default, [("CAN", "MEX")], f"US${doubled.two_way_after / 1000:.6f}bn")
    assert level.d_hat == pytest.approx(d, rel=1e-6)


def test_target_beyond_the_bracket(default):
    with pytest.raises(ScenarioError, match="beyond the bracket"):
        solve_cut(default, [("CAN", "MEX")], "1000x")


def test_bad_pairs_and_sectors(default):
    with pytest.raises(UnknownLabelError, match="CAM"):
        solve_cut(default, [("CAM", "MEX")], "2x")
    with pytest.raises(ScenarioError, match="one country twice"):
        solve_cut(default, [("CAN", "CAN")], "2x")
    with pytest.raises(ScenarioError, match="WIOD"):
        solve_cut(default, [("CAN", "MEX")], "2x", sectors=["ict"])


def test_welfare_offset_on_a_tariff_shock(default):
    tariff = default["tariff"].copy()
    tariff.loc[{"exporter": "CAN", "importer": "USA"}] = 0.25
    result = solve_cut(default, [("CAN", "MEX")], "offset:CAN", new_tariff=tariff)
    assert result.equilibrium.country["welfare_hat"].sel(country="CAN") == pytest.approx(1, 1e-9)
    assert result.d_hat < 1
    records = result.to_records()
    metrics = set(records["metric"])
    assert {"trade_cost_change_pct", "two_way_trade", "exports_to_usa_change"} <= metrics


def test_multi_sector_mission_sectors():
    wiod = load_baseline("wiod2011")
    result = solve_cut(wiod, [("CAN", "MEX")], "+50%", model="multi-sector", sectors=["mission"])
    assert result.two_way_after / result.two_way_before == pytest.approx(1.5, rel=1e-8)
    assert "c14" in result.sectors
    assert "c2" not in result.sectors
