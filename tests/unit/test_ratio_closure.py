"""The ``ratio`` deficit closure of the one-sector model: equation (3r) and its exact Jacobian."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import xarray as xr

from tests.conftest import small_baseline
from tradewinds.core import dims
from tradewinds.core.errors import ConvergenceError
from tradewinds.models import OneSectorModel, onesector

RATIO = OneSectorModel(closure="ratio")


def _tariffs(ds: xr.Dataset, seed: int, top: float = 0.4) -> xr.DataArray:
    """Random new tariffs (0 to ``top``) on every international pair, none at home."""
    t = ds[dims.TARIFF].isel({dims.SECTOR: 0}, drop=True).copy()
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, top, size=t.shape)
    np.fill_diagonal(values, 0.0)
    t.values = values
    return t


def _capture_system(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record the residual function the kernel hands to Newton (the solve itself still runs)."""
    seen: list[Any] = []
    real = onesector.newton

    def spy(system: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(system)
        return real(system, *args, **kwargs)

    monkeypatch.setattr(onesector, "newton", spy)
    return seen


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ratio_jacobian_matches_central_differences(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """The analytic Jacobian of (3r), kappa included, equals central differences.

    Central differences with h = 1e-6 on residuals of order one have truncation error O(h^2)
    ~ 1e-12 and rounding error ~ 1e-16 / h ~ 1e-10, hence the 1e-7 absolute tolerance; a missing
    kappa term (of the size of the deficits, ~1e-2 here) would fail it by five orders of magnitude.
    """
    ds = small_baseline(6, seed=seed, tariff=0.1)
    seen = _capture_system(monkeypatch)
    cost = xr.full_like(_tariffs(ds, seed), 1.0)
    cost.values[0, 1:] = 0.7
    RATIO.solve(ds, _tariffs(ds, seed + 10), cost)
    system = seen[0]
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 0.2, size=6)
    _, jac = system(x)
    analytic = jac() if callable(jac) else jac
    h = 1e-6
    numeric = np.empty_like(analytic)
    for k in range(x.size):
        step = np.zeros_like(x)
        step[k] = h
        numeric[:, k] = (system(x + step)[0] - system(x - step)[0]) / (2 * h)
    np.testing.assert_allclose(analytic, numeric, atol=1e-7, rtol=0)


def test_ratio_holds_deficit_to_output_ratios_up_to_one_world_factor() -> None:
    """(3r): (E' - R') / (w_hat Y) = kappa phi for all countries, and deficits sum to zero."""
    ds = small_baseline(5, seed=3, tariff=0.05)
    eq = RATIO.solve(ds, _tariffs(ds, 3))
    trade = ds[dims.TRADE].isel(sector=0).values
    tariff = ds[dims.TARIFF].isel(sector=0).values
    y = trade.sum(axis=1)
    phi = trade.sum(axis=0) / y  # (E - R) / Y at producer prices
    assert np.ptp(phi) > 0.05  # the baseline has deficits worth testing
    new = eq.bilateral["trade"].isel(sector=0).values
    spending_new = new.sum(axis=0)  # E' - R'
    income_new = eq.country["wage_hat"].values * y
    kappa = spending_new / (phi * income_new)
    np.testing.assert_allclose(kappa, kappa[0], rtol=1e-10)
    assert kappa[0] != pytest.approx(1.0, abs=1e-8)  # kappa moves at second order, but moves
    # World spending at producer prices equals world income: deficits sum to zero.
    assert spending_new.sum() == pytest.approx(income_new.sum(), rel=1e-12)
    # Tariff revenue is charged on the new flows, and market clearing (4) holds.
    new_tariff = _tariffs(ds, 3).values
    revenue = (new * new_tariff).sum(axis=0)
    np.testing.assert_allclose(eq.country["tariff_revenue"].values, revenue, rtol=1e-12)
    np.testing.assert_allclose(new.sum(axis=1), income_new, rtol=1e-10)
    assert not np.allclose(tariff, new_tariff)


def test_ratio_zero_shock_changes_nothing() -> None:
    ds = small_baseline(5, seed=4, tariff=0.1)
    eq = RATIO.solve(ds)
    for name in ("wage_hat", "price_index_hat", "welfare_hat", "expenditure_hat"):
        np.testing.assert_allclose(eq.country[name].values, 1.0, atol=1e-12)


def test_ratio_equals_fixed_without_deficits() -> None:
    """With balanced trade phi = 1, kappa = 1 and (3r) is (3) with D' = 0 = D."""
    ds = small_baseline(5, seed=5)
    flows = ds[dims.TRADE].values[:, :, 0]
    symmetric = ds.copy(deep=True)
    symmetric[dims.TRADE].values[:, :, 0] = (flows + flows.T) / 2  # balanced: rows = columns
    shock = _tariffs(symmetric, 5)
    fixed = OneSectorModel(closure="fixed").solve(symmetric, shock)
    ratio = RATIO.solve(symmetric, shock)
    for name in ("wage_hat", "welfare_hat", "price_index_hat"):
        np.testing.assert_allclose(ratio.country[name].values, fixed.country[name].values, 1e-10)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("rate", [10.0, -0.5])
def test_ratio_extreme_tariffs_solve_or_fail_clearly(rate: float, seed: int) -> None:
    """A 1000% tariff or a 50% import subsidy on everything: a converged answer or one message.

    Near autarky a deficit that is a fixed share of output must still be financed by a trickle of
    trade, so some baselines have no equilibrium within reach (as under ``fixed``); the solver must
    then say so and point to ``balanced``, never return NaN or an unconverged answer.
    """
    ds = small_baseline(6, seed=seed)
    t = ds[dims.TARIFF].isel(sector=0, drop=True).copy()
    t.values = np.full(t.shape, rate)
    np.fill_diagonal(t.values, 0.0)
    error: ConvergenceError | None = None
    try:
        eq = RATIO.solve(ds, t)
    except ConvergenceError as exc:
        error = exc
    if error is not None:
        assert rate > 1  # subsidies always solve
        assert "ratio-deficit closure" in str(error)
        assert "Use closure 'balanced'" in str(error)
        assert not error.report.converged
        return
    assert eq.report.converged
    assert eq.report.max_residual <= 1e-10
    assert np.all(np.isfinite(eq.country["welfare_hat"].values))
