"""The one-sector model: accounting, closures, extreme shocks and errors."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from tests.conftest import small_baseline
from tradewinds.core import dims
from tradewinds.core.errors import ConvergenceError, ScenarioError
from tradewinds.models import OneSectorModel, solve_one_sector


def _pair_tariff(ds: xr.Dataset, exporters: list[str], importer: str, rate: float) -> xr.DataArray:
    t = ds[dims.TARIFF].isel({dims.SECTOR: 0}, drop=True).copy()
    t.loc[{dims.EXPORTER: exporters, dims.IMPORTER: importer}] = rate
    return t


def test_new_flows_add_up_to_incomes_and_expenditures() -> None:
    ds = small_baseline(5, seed=1, tariff=0.05)
    eq = solve_one_sector(ds, _pair_tariff(ds, ["C01", "C02"], "C00", 0.3))
    trade = eq.bilateral["trade"].isel(sector=0)
    y = ds[dims.TRADE].sum((dims.IMPORTER, dims.SECTOR)).values
    # Market clearing (4): sales at producer prices equal w_hat * Y.
    np.testing.assert_allclose(
        trade.sum(dims.IMPORTER).values, eq.country["wage_hat"].values * y, rtol=1e-10
    )
    # Numeraire: world income unchanged.
    assert float((eq.country["wage_hat"].values * y).sum()) == pytest.approx(y.sum(), rel=1e-10)
    assert eq.report.converged
    assert eq.report.max_residual <= 1e-10


def test_tariff_revenue_is_reported() -> None:
    ds = small_baseline(4, seed=2)
    eq = solve_one_sector(ds, _pair_tariff(ds, ["C01"], "C00", 0.25))
    rev = eq.country["tariff_revenue"].sel(country="C00").item()
    flow = eq.bilateral["trade"].sel(exporter="C01", importer="C00").item()
    assert rev == pytest.approx(0.25 * flow)
    assert eq.country["tariff_revenue"].sel(country="C01").item() == 0.0


def test_tariff_hurts_target_and_moves_terms_of_trade() -> None:
    ds = small_baseline(4, seed=4)
    eq = solve_one_sector(ds, _pair_tariff(ds, ["C01", "C02", "C03"], "C00", 0.2))
    w = eq.country["welfare_hat"]
    assert w.sel(country="C01").item() < 1
    # A large importer's wage rises relative to its partners' (terms-of-trade gain).
    assert (
        eq.country["wage_hat"].sel(country="C00").item()
        > eq.country["wage_hat"].sel(country="C01").item()
    )


@pytest.mark.parametrize(
    ("closure", "exporters"),
    [("fixed", ["CAN", "MEX"]), ("balanced", ["CAN", "MEX"]), ("balanced", None)],
)
def test_extreme_tariffs_solve(
    full_baseline: xr.Dataset, closure: str, exporters: list[str] | None
) -> None:
    """1000% US tariffs solve to tolerance without NaN (on CAN and MEX, or on everyone)."""
    t = xr.zeros_like(full_baseline[dims.TARIFF].isel(sector=0, drop=True))
    t.loc[{dims.IMPORTER: "USA"}] = 10.0
    t.loc[{dims.EXPORTER: "USA", dims.IMPORTER: "USA"}] = 0.0
    if exporters is not None:
        t.loc[{dims.IMPORTER: "USA"}] = 0.0
        t.loc[{dims.EXPORTER: exporters, dims.IMPORTER: "USA"}] = 10.0
    eq = solve_one_sector(full_baseline, t, model=OneSectorModel(closure=closure))  # type: ignore[arg-type]
    assert eq.report.converged
    assert np.all(np.isfinite(eq.country["welfare_hat"].values))


def test_fixed_deficits_infeasible_shock_fails_with_advice(full_baseline: xr.Dataset) -> None:
    """A 1000% US tariff on all imports cannot keep every surplus fixed: a clear error."""
    t = xr.zeros_like(full_baseline[dims.TARIFF].isel(sector=0, drop=True))
    t.loc[{dims.IMPORTER: "USA"}] = 10.0
    t.loc[{dims.EXPORTER: "USA", dims.IMPORTER: "USA"}] = 0.0
    with pytest.raises(ConvergenceError, match="fixed-deficit closure") as info:
        solve_one_sector(full_baseline, t)
    assert not info.value.report.converged


@pytest.mark.parametrize("change", [0.1, 1.9])
def test_trade_cost_shocks_of_90_percent_solve(full_baseline: xr.Dataset, change: float) -> None:
    labels = full_baseline[dims.EXPORTER].values
    d = xr.DataArray(
        np.full((len(labels),) * 2, change),
        dims=(dims.EXPORTER, dims.IMPORTER),
        coords={dims.EXPORTER: labels, dims.IMPORTER: labels},
    )
    d.values[np.diag_indices(len(labels))] = 1.0
    eq = solve_one_sector(full_baseline, None, d)
    assert eq.report.converged
    assert np.all(np.isfinite(eq.country["welfare_hat"].values))
    direction = np.sign(eq.country["welfare_hat"].sel(country="CAN").item() - 1)
    assert direction == (1 if change < 1 else -1)


def test_prohibitive_tariffs_on_everything_fixed_closure_fail_clearly(
    full_baseline: xr.Dataset,
) -> None:
    t = xr.full_like(full_baseline[dims.TARIFF].isel(sector=0, drop=True), 10.0)
    t.values[np.diag_indices(t.shape[0])] = 0.0
    with pytest.raises(ConvergenceError, match="Use closure 'balanced'"):
        solve_one_sector(full_baseline, t)
    eq = solve_one_sector(full_baseline, t, model=OneSectorModel(closure="balanced"))
    assert eq.report.converged


def test_bad_parameters_and_shocks() -> None:
    ds = small_baseline(3)
    with pytest.raises(ScenarioError, match="eps"):
        OneSectorModel(eps=-1)
    with pytest.raises(ScenarioError, match="closure"):
        OneSectorModel(closure="open")  # type: ignore[arg-type]
    t = _pair_tariff(ds, ["C01"], "C00", -1.5)
    with pytest.raises(ScenarioError, match="above -1"):
        solve_one_sector(ds, t)
    other = small_baseline(3, labels=["A", "B", "C"])
    with pytest.raises(ScenarioError, match="baseline's countries"):
        solve_one_sector(ds, other[dims.TARIFF])


def test_records_are_tidy() -> None:
    ds = small_baseline(3, seed=5)
    eq = solve_one_sector(ds, _pair_tariff(ds, ["C01"], "C00", 0.1))
    rec = eq.to_records()
    assert list(rec.columns) == ["country", "partner", "sector", "metric", "value", "unit"]
    metrics = set(rec["metric"])
    assert {
        "welfare_pct",
        "real_wage_pct",
        "exports_pct",
        "imports_pct",
        "tariff_revenue",
        "trade_pct",
    } <= metrics
    assert rec.loc[rec["metric"] == "welfare_pct", "unit"].eq("percent").all()
