"""Monte Carlo and sweeps, solved in-process: bands, failed draws, parent/child records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tradewinds.core.errors import ConvergenceError, ScenarioError
from tradewinds.core.solver import SolverReport
from tradewinds.scenarios import load_scenario, runner
from tradewinds.scenarios.execute import execute
from tradewinds.scenarios.grid import parse_set_option
from tradewinds.scenarios.montecarlo import run_montecarlo
from tradewinds.scenarios.sweeps import run_sweep
from tradewinds.store import ResultsStore

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "announced-2025-02.yaml"


@pytest.fixture(scope="module")
def scenario() -> Any:
    return load_scenario(SCENARIO)


def _failing_above(limit: float, monkeypatch: pytest.MonkeyPatch) -> None:
    solve = runner.MODELS["one-sector"]

    def flaky(spec: Any, *args: Any) -> Any:
        if spec.eps > limit:
            report = SolverReport(False, 100, 0.3, 1e-10, 0.0, "newton")
            raise ConvergenceError(f"no equilibrium at eps={spec.eps}", report)
        return solve(spec, *args)

    monkeypatch.setitem(runner.MODELS, "one-sector", flaky)


def test_bands_bracket_the_central_answer(scenario: Any, tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    result = run_montecarlo(scenario, draws=40, seed=7, sink=store)
    assert result.converged == 40
    assert not result.failed
    bands = result.bands
    country = bands[(bands["partner"] == "") & (bands["sector"] == "TOTAL")]
    assert set(country["metric"]) >= {"welfare_pct", "real_wage_pct", "exports_pct", "imports_pct"}
    assert (country["p05"] <= country["p50"] + 1e-12).all()
    assert (country["p50"] <= country["p95"] + 1e-12).all()
    central = result.central.set_index(["country", "metric"])["value"]
    for c in ("CAN", "MEX", "USA"):
        row = country[(country["country"] == c) & (country["metric"] == "welfare_pct")].iloc[0]
        assert row["p05"] < central[(c, "welfare_pct")] < row["p95"]
        assert row["n"] == 40
    # Canada loses at every elasticity: the whole band is below zero.
    can = country[(country["country"] == "CAN") & (country["metric"] == "welfare_pct")].iloc[0]
    assert can["p95"] < 0


def test_draws_are_stored_under_one_parent_and_served_again(scenario: Any, tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    first = run_montecarlo(scenario, draws=12, seed=3, sink=store)
    assert store.list_runs()["run_id"].tolist() == [first.record.run_id]
    kids = store.children(first.record.run_id)
    assert len(kids) == 12
    assert all(k.parent_id == first.record.run_id for k in kids)
    eps = [k.settings["model.eps"] for k in kids]
    assert len(set(eps)) == 12
    per_draw = len(store.child_results(first.record.run_id)) / 12
    assert per_draw == len(first.bands)
    again = run_montecarlo(scenario, draws=12, seed=3, sink=store)
    assert again.cached
    assert again.record.run_id == first.record.run_id
    np.testing.assert_allclose(again.bands["p50"], first.bands["p50"])
    other_seed = run_montecarlo(scenario, draws=12, seed=4, sink=store)
    assert not other_seed.cached


def test_a_draw_that_fails_is_reported_with_its_parameters(
    scenario: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _failing_above(4.5, monkeypatch)
    store = ResultsStore(tmp_path)
    result = run_montecarlo(scenario, draws=30, seed=11, sink=store)
    expected = sum(1 for d in result.draws if d.settings["model.eps"] > 4.5)
    assert 0 < expected < 30
    assert len(result.failed) == expected
    for d in result.failed:
        assert d.settings["model.eps"] > 4.5
        assert "no equilibrium at eps" in d.error
        assert d.solver is not None
        assert d.solver["converged"] is False
    assert result.bands["n"].max() == 30 - expected
    stored = store.children(result.record.run_id)
    assert sum(1 for d in stored if d.status == "failed") == expected
    assert result.record.settings["failed"] == expected


def test_sweep_points_are_child_runs(scenario: Any, tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    axes = [parse_set_option("model.eps=2,8"), parse_set_option("model.closure=fixed,balanced")]
    sweep = run_sweep(scenario, axes, sink=store)
    assert len(sweep.points) == 4
    table = sweep.summary(["CAN", "USA"])
    assert table["model.eps"].tolist() == [2, 2, 8, 8]
    # Each point equals a direct run of the same settings.
    direct = execute(
        load_scenario(SCENARIO).model_copy(
            update={"model": scenario.model.model_copy(update={"eps": 8.0})}
        )
    )
    w = direct.records.set_index(["country", "partner", "sector", "metric"])["value"]
    assert table.loc[2, "CAN"] == pytest.approx(w[("CAN", "", "TOTAL", "welfare_pct")], rel=1e-9)
    # A higher elasticity means smaller losses for Canada.
    assert table.loc[0, "CAN"] < table.loc[2, "CAN"] < 0
    again = run_sweep(scenario, axes, sink=store)
    assert again.cached
    assert again.record.run_id == sweep.record.run_id
    assert len(again.results) == len(sweep.results)


def test_sweep_reports_failing_points(
    scenario: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _failing_above(5, monkeypatch)
    sweep = run_sweep(scenario, [parse_set_option("model.eps=3,6")], sink=ResultsStore(tmp_path))
    assert [p.status for p in sweep.points] == ["ok", "failed"]
    assert sweep.failed[0].settings == {"model.eps": 6}


def test_sweep_rejects_the_baseline_as_an_axis(scenario: Any) -> None:
    with pytest.raises(ScenarioError, match="cannot vary the baseline"):
        run_sweep(scenario, [("baseline", ["default"])])


def test_bilateral_bands_on_request(scenario: Any) -> None:
    plain = run_montecarlo(scenario, draws=4, seed=1)
    full = run_montecarlo(scenario, draws=4, seed=1, bilateral=True)
    assert "trade_pct" not in set(plain.bands["metric"])
    flows = full.bands[full.bands["metric"] == "trade_pct"]
    assert len(flows) > 0
    assert (flows["partner"] != "").all()
    can_usa = flows[(flows["country"] == "CAN") & (flows["partner"] == "USA")].iloc[0]
    assert can_usa["p95"] < 0  # a 25% tariff cuts Canada's exports to the US at any elasticity


def test_bands_skip_non_finite_values_and_count_the_rest() -> None:
    import pandas as pd

    from tradewinds.scenarios.batch import BatchResult, DrawOutcome
    from tradewinds.scenarios.montecarlo import percentile_bands

    keys = pd.DataFrame(
        {
            "country": ["A", "B"],
            "partner": "",
            "sector": "TOTAL",
            "metric": "exports_pct",
            "unit": "percent",
        }
    )
    values = [np.array([float(k), np.inf if k % 2 else float(k)]) for k in range(11)]
    batch = BatchResult(
        layouts=[keys],
        draws=[
            DrawOutcome(index=k, params={}, status="ok", layout=0, values=v)
            for k, v in enumerate(values)
        ]
        + [DrawOutcome(index=11, params={"model.eps": 9}, status="failed", error="x")],
    )
    bands = percentile_bands(batch)
    a, b = bands.iloc[0], bands.iloc[1]
    assert a["n"] == 11
    assert a["p50"] == 5.0
    assert a["p05"] == pytest.approx(0.5)
    assert b["n"] == 6  # the even draws 0, 2, ..., 10
    assert b["p50"] == 5.0
    assert np.isfinite(b["p95"])


def test_per_sector_draws_replace_the_baseline_elasticities(
    scenario: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A model reading theta from the baseline sees each draw's values (multi-sector path)."""
    import xarray as xr

    from tradewinds.data.loaders import load_baseline
    from tradewinds.models.onesector import OneSectorModel
    from tradewinds.scenarios.distributions import sector_prior

    def reads_theta(spec: Any, baseline: xr.Dataset, tariff: Any, cost: Any) -> Any:
        theta = float(baseline["trade_elasticity"].sel(sector="TOTAL"))
        return OneSectorModel(eps=theta, closure=spec.closure).solve(baseline, tariff, cost)

    monkeypatch.setitem(runner.MODELS, "one-sector", reads_theta)
    base = load_baseline("default")
    base = base.assign(trade_elasticity=("sector", [4.0]), trade_elasticity_se=("sector", [1.0]))
    prior = sector_prior(base)
    store = ResultsStore(tmp_path)
    result = run_montecarlo(scenario, draws=6, seed=2, baseline=base, prior=prior, sink=store)
    assert result.converged == 6
    assert result.record.settings["prior"]["sectors"]["TOTAL"]["se"] == 1.0
    draw = result.draws[3]
    theta = draw.settings["trade_elasticity"]["TOTAL"]
    assert theta != 4.0
    direct = OneSectorModel(eps=theta).solve(base, *runner.build_shocks(scenario, base))
    expected = direct.to_records(bilateral=False)
    stored = store.child_results(result.record.run_id)
    got = stored[stored["run_id"] == draw.run_id].reset_index(drop=True)
    np.testing.assert_allclose(got["value"], expected["value"], rtol=1e-12)
