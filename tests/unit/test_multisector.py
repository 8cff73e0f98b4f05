"""The Caliendo–Parro model: collapse to the one-sector model, invariances and bad input."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from tradewinds.core import dims
from tradewinds.core.errors import ConvergenceError, ScenarioError, UnknownLabelError
from tradewinds.data.baseline import make_baseline
from tradewinds.models.equilibrium import Equilibrium
from tradewinds.models.multisector import MultiSectorModel
from tradewinds.models.onesector import OneSectorModel

COUNTRIES = ["AAA", "BBB", "CCC", "DDD"]


def one_sector_baseline(seed: int = 0) -> xr.Dataset:
    rng = np.random.default_rng(seed)
    n = len(COUNTRIES)
    flows = rng.uniform(1, 20, (n, n))
    flows[np.diag_indices(n)] = rng.uniform(100, 300, n)
    tariff = rng.uniform(0, 0.15, (n, n))
    tariff[np.diag_indices(n)] = 0
    coords = {dims.EXPORTER: COUNTRIES, dims.IMPORTER: COUNTRIES}
    return make_baseline(
        xr.DataArray(flows, dims=(dims.EXPORTER, dims.IMPORTER), coords=coords),
        xr.DataArray(tariff, dims=(dims.EXPORTER, dims.IMPORTER), coords=coords),
        units="US$ m",
        year=2020,
        source="synthetic",
    )


def multi_sector_baseline(seed: int = 1, sectors: int = 3) -> xr.Dataset:
    rng = np.random.default_rng(seed)
    n = len(COUNTRIES)
    names = [f"s{k}" for k in range(sectors)]
    coords = {dims.EXPORTER: COUNTRIES, dims.IMPORTER: COUNTRIES, dims.SECTOR: names}
    flows = rng.uniform(1, 20, (n, n, sectors))
    for k in range(sectors):
        flows[:, :, k][np.diag_indices(n)] = rng.uniform(100, 300, n)
    flows[:, :, -1] = np.diag(rng.uniform(100, 300, n))[:, :]  # a non-tradable sector
    tariff = rng.uniform(0, 0.15, (n, n, sectors))
    for k in range(sectors):
        tariff[:, :, k][np.diag_indices(n)] = 0
    io = rng.uniform(0, 0.5 / sectors, (n, sectors, sectors))
    final = rng.uniform(0.1, 1, (n, sectors))
    trade = xr.DataArray(flows, dims=tuple(coords), coords=coords)
    sales = trade.sum(dims.IMPORTER)
    value_added = sales * (
        1 - xr.DataArray(io.sum(axis=1), dims=(dims.EXPORTER, dims.SECTOR), coords=sales.coords)
    )
    return make_baseline(
        trade,
        xr.DataArray(tariff, dims=tuple(coords), coords=coords),
        deficit=(
            trade.sum((dims.EXPORTER, dims.SECTOR))
            - trade.sum((dims.IMPORTER, dims.SECTOR)).rename({dims.EXPORTER: dims.IMPORTER})
        ),
        units="US$ m",
        year=2020,
        source="synthetic",
        value_added=value_added,
        io_share=xr.DataArray(
            io,
            dims=(dims.EXPORTER, dims.INPUT_SECTOR, dims.SECTOR),
            coords={dims.EXPORTER: COUNTRIES, dims.INPUT_SECTOR: names, dims.SECTOR: names},
        ),
        final_share=xr.DataArray(
            final / final.sum(axis=1, keepdims=True),
            dims=(dims.IMPORTER, dims.SECTOR),
            coords={dims.IMPORTER: COUNTRIES, dims.SECTOR: names},
        ),
        trade_elasticity=xr.DataArray(
            [4.0, 8.0, 6.0][:sectors], dims=dims.SECTOR, coords={dims.SECTOR: names}
        ),
    )


def tariff_war(baseline: xr.Dataset) -> xr.DataArray:
    new = baseline[dims.TARIFF].copy()
    new.loc[{dims.EXPORTER: ["BBB", "CCC"], dims.IMPORTER: "AAA"}] = 0.4
    new.loc[{dims.EXPORTER: "AAA", dims.IMPORTER: "BBB"}] = 0.25
    return new


@pytest.mark.parametrize("closure", ["fixed", "balanced", "ratio"])
def test_one_sector_collapse(closure: str) -> None:
    """With one sector and no input-output links, CP2015 is the one-sector model exactly.

    Both solvers run to 1e-13 so that their own tolerances do not blur the 1e-10 comparison.
    """
    baseline = one_sector_baseline()
    shock = tariff_war(baseline)
    one = OneSectorModel(eps=5.0, closure=closure, tol=1e-13)  # type: ignore[arg-type]
    multi = MultiSectorModel(closure=closure, theta=5.0, tol=1e-13)  # type: ignore[arg-type]
    one_eq, multi_eq = one.solve(baseline, shock), multi.solve(baseline, shock)
    compare(one_eq, multi_eq)


def compare(one: Equilibrium, multi: Equilibrium) -> None:
    for var in ("wage_hat", "price_index_hat", "real_wage_hat", "exports_hat", "imports_hat"):
        np.testing.assert_allclose(multi.country[var], one.country[var], rtol=1e-10, err_msg=var)
    # The one-sector welfare_hat is the exact real-income change.
    np.testing.assert_allclose(
        multi.country["real_income_hat"], one.country["welfare_hat"], rtol=1e-10
    )
    np.testing.assert_allclose(
        multi.country["tariff_revenue"], one.country["tariff_revenue"], rtol=1e-9
    )
    np.testing.assert_allclose(multi.bilateral["trade_hat"], one.bilateral["trade_hat"], rtol=1e-9)


@pytest.mark.parametrize("closure", ["fixed", "balanced", "ratio"])
def test_no_shock_changes_nothing(closure: str) -> None:
    baseline = multi_sector_baseline()
    eq = MultiSectorModel(closure=closure).solve(baseline)
    assert eq.report.converged
    assert eq.report.max_residual <= 1e-10
    for var in ("welfare_hat", "real_income_hat", "wage_hat", "price_index_hat"):
        np.testing.assert_allclose(eq.country[var], 1.0, atol=1e-9, err_msg=var)
    np.testing.assert_allclose(eq.sector["price_hat"], 1.0, atol=1e-9)


def test_fixed_closure_on_consistent_data_keeps_the_baseline() -> None:
    """On data that already is an equilibrium, the fixed-deficit baseline solve changes nothing."""
    baseline = one_sector_baseline()
    eq = MultiSectorModel(closure="fixed", theta=4.0).solve(baseline)
    np.testing.assert_allclose(
        eq.bilateral["trade_baseline"].values, baseline[dims.TRADE].values, rtol=1e-9
    )


def test_tariff_war_multi_sector_accounting() -> None:
    baseline = multi_sector_baseline()
    eq = MultiSectorModel(closure="fixed").solve(baseline, tariff_war(baseline))
    assert eq.report.max_residual <= 1e-10
    # AAA raised tariffs: its tariff revenue rises; world labour income is the numéraire.
    assert float(eq.country["tariff_revenue"].sel(country="AAA")) > float(
        eq.country["tariff_revenue_baseline"].sel(country="AAA")
    )
    va0 = eq.sector["value_added_baseline"].sum()
    va1 = eq.sector["value_added"].sum()
    np.testing.assert_allclose(float(va1), float(va0), rtol=1e-9)
    # The non-tradable sector stays non-traded.
    last = eq.bilateral["trade"].isel(sector=-1).values
    assert np.allclose(last - np.diag(np.diag(last)), 0.0)
    # Records carry the decomposition and the sector results.
    records = eq.to_records()
    assert {"tot_pct", "vot_pct", "welfare_pct", "real_income_pct", "price_pct"} <= set(
        records["metric"]
    )


def test_prices_homogeneous_in_the_numeraire() -> None:
    """Scaling all money by a constant changes no ratio."""
    baseline = multi_sector_baseline()
    scaled = baseline.copy()
    for var in (dims.TRADE, dims.VALUE_ADDED, dims.DEFICIT):
        scaled[var] = baseline[var] * 1000
    a = MultiSectorModel().solve(baseline, tariff_war(baseline))
    b = MultiSectorModel().solve(scaled, tariff_war(scaled))
    np.testing.assert_allclose(a.country["welfare_hat"], b.country["welfare_hat"], rtol=1e-9)


def test_bad_input() -> None:
    baseline = multi_sector_baseline()
    with pytest.raises(ScenarioError, match="closure"):
        MultiSectorModel(closure="nope")  # type: ignore[arg-type]
    with pytest.raises(UnknownLabelError, match="s9"):
        MultiSectorModel(theta={"s9": 3.0}).solve(baseline)
    with pytest.raises(ScenarioError, match="theta"):
        MultiSectorModel().solve(one_sector_baseline())
    bad = baseline[dims.TARIFF].rename({dims.SECTOR: "industry"})
    with pytest.raises(ScenarioError, match="labels"):
        MultiSectorModel().solve(baseline, bad)


def test_non_convergence_raises_with_explanation() -> None:
    """Out of iterations, the solver raises a ConvergenceError that says what failed."""
    from tradewinds.models import _cp_solver
    from tradewinds.models._cp_kernels import make_shock
    from tradewinds.models.multisector import economy_from

    baseline = multi_sector_baseline()
    data = economy_from(baseline, MultiSectorModel())
    new = np.asarray(tariff_war(baseline).transpose("sector", "importer", "exporter").values)
    shock = make_shock(data.eco, new, np.ones_like(new))
    deficits = _cp_solver.Deficits(data.deficit)
    with pytest.raises(ConvergenceError) as info:
        _cp_solver.solve(data.eco, shock, deficits, tol=1e-10, what="test", max_iter=1)
    assert not info.value.report.converged
    assert "no solution within 1 Newton iterations" in str(info.value)
    assert "did NOT converge" in str(info.value)


def test_welfare_by_partner_adds_up() -> None:
    from tradewinds.models.multisector import welfare_by_partner

    baseline = multi_sector_baseline()
    eq = MultiSectorModel().solve(baseline, tariff_war(baseline))
    parts = welfare_by_partner(eq)
    np.testing.assert_allclose(
        parts["tot_contribution"].sum(("partner", "sector")), eq.country["tot_pct"], atol=1e-12
    )
    np.testing.assert_allclose(
        parts["vot_contribution"].sum(("partner", "sector")), eq.country["vot_pct"], atol=1e-12
    )
    np.testing.assert_allclose(
        parts["tot_contribution"].sum("partner"),
        eq.sector["tot_contribution"].transpose("country", "sector"),
        atol=1e-12,
    )


def test_prepared_baseline_gives_the_same_answer() -> None:
    baseline = multi_sector_baseline()
    model = MultiSectorModel(closure="fixed")
    prepared = model.prepare(baseline)
    for rate in (0.1, 0.4):
        shock = tariff_war(baseline) * 0 + rate
        shock = shock.where(shock["exporter"] != shock["importer"], 0.0)
        direct = model.solve(baseline, shock)
        again = prepared.solve(shock)
        np.testing.assert_allclose(
            again.country["welfare_hat"], direct.country["welfare_hat"], rtol=1e-10
        )


def test_warm_start_gives_the_same_answer_in_fewer_iterations() -> None:
    """A solve started from a nearby counterfactual agrees with a cold one and needs less work."""
    baseline = multi_sector_baseline()
    prepared = MultiSectorModel(closure="balanced").prepare(baseline)
    near = prepared.solve(tariff_war(baseline))
    shock = tariff_war(baseline)
    shock.loc[{dims.EXPORTER: "AAA", dims.IMPORTER: "BBB"}] = 0.3
    start = prepared.start_from(near)
    assert start is not None
    warm = prepared.solve(shock, start=start)
    cold = prepared.solve(shock)
    for name in ("wage_hat", "real_income_hat", "welfare_hat"):
        np.testing.assert_allclose(warm.country[name], cold.country[name], rtol=0, atol=1e-9)
    assert cold.sector is not None
    assert warm.sector is not None
    np.testing.assert_allclose(
        warm.sector["price_hat"], cold.sector["price_hat"], rtol=0, atol=1e-9
    )
    assert warm.report.converged
    assert warm.report.max_residual <= 1e-10
    assert warm.report.iterations < cold.report.iterations
    # Starting at the answer itself: nothing left to do.
    again = prepared.solve(shock, start=prepared.start_from(cold))
    assert again.report.iterations == prepared.report.iterations
    with pytest.raises(ScenarioError, match="Warm start has shapes"):
        prepared.solve(shock, start=(np.zeros(2), np.zeros((2, 2))))
