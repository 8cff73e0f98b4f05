"""Properties of the one-sector model that hold for any valid baseline and shock."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import small_baseline
from tradewinds.core import dims
from tradewinds.models import OneSectorModel, solve_one_sector

pytestmark = pytest.mark.property

seeds = st.integers(min_value=0, max_value=10_000)
sizes = st.integers(min_value=2, max_value=7)
eps_values = st.floats(min_value=1.5, max_value=12.0)
closures = st.sampled_from(["fixed", "balanced"])


def _random_tariffs(ds: xr.Dataset, seed: int, high: float = 0.6) -> xr.DataArray:
    rng = np.random.default_rng(seed + 1)
    t = ds[dims.TARIFF].isel({dims.SECTOR: 0}, drop=True).copy()
    values = rng.uniform(0.0, high, size=t.shape)
    np.fill_diagonal(values, 0.0)
    t.values = values
    return t


@settings(max_examples=40, deadline=None)
@given(n=sizes, seed=seeds, eps=eps_values, base_tariff=st.floats(0.0, 0.3), closure=closures)
def test_zero_shock_changes_nothing(
    n: int, seed: int, eps: float, base_tariff: float, closure: str
) -> None:
    ds = small_baseline(n, seed=seed, tariff=base_tariff)
    eq = solve_one_sector(ds, model=OneSectorModel(eps=eps, closure="fixed"))
    for var in ("wage_hat", "price_index_hat", "welfare_hat", "real_wage_hat", "exports_hat"):
        np.testing.assert_allclose(eq.country[var].values, 1.0, atol=1e-10)
    np.testing.assert_allclose(eq.bilateral["trade_hat"].values, 1.0, atol=1e-10)
    if closure == "balanced":
        # Re-solving the zero-deficit world with no shock must also leave everything at one.
        eq = solve_one_sector(ds, model=OneSectorModel(eps=eps, closure="balanced"))
        np.testing.assert_allclose(eq.country["welfare_hat"].values, 1.0, atol=1e-10)


@settings(max_examples=30, deadline=None)
@given(n=sizes, seed=seeds, eps=eps_values, scale=st.floats(0.5, 2.0))
def test_wages_homogeneous_of_degree_zero_in_uniform_cost_factors(
    n: int, seed: int, eps: float, scale: float
) -> None:
    """Scaling every cost factor of an importer (domestic included) leaves wages and shares alone.

    A common factor c_n on all of n's purchases cancels in lambda'_in (eq. 2) and multiplies
    P_hat_n by c_n, so w_hat (and trade shares) are homogeneous of degree zero in it.
    """
    ds = small_baseline(n, seed=seed, tariff=0.1)
    t = _random_tariffs(ds, seed)
    base = solve_one_sector(ds, t, model=OneSectorModel(eps=eps))
    rng = np.random.default_rng(seed)
    factors = rng.uniform(0.5, 2.0, size=n) * scale
    d = xr.ones_like(t) * xr.DataArray(
        factors, dims=dims.IMPORTER, coords={dims.IMPORTER: t[dims.IMPORTER].values}
    )
    scaled = solve_one_sector(ds, t, d, model=OneSectorModel(eps=eps))
    np.testing.assert_allclose(scaled.country["wage_hat"], base.country["wage_hat"], rtol=1e-9)
    np.testing.assert_allclose(
        scaled.country["price_index_hat"], base.country["price_index_hat"] * factors, rtol=1e-9
    )


@settings(max_examples=40, deadline=None)
@given(n=sizes, seed=seeds, eps=eps_values, closure=closures)
def test_world_sales_equal_world_expenditure_net_of_tariffs(
    n: int, seed: int, eps: float, closure: str
) -> None:
    ds = small_baseline(n, seed=seed, tariff=0.05)
    t = _random_tariffs(ds, seed)
    eq = solve_one_sector(ds, t, model=OneSectorModel(eps=eps, closure=closure))  # type: ignore[arg-type]
    trade = eq.bilateral["trade"].isel(sector=0)
    sales = trade.sum(dims.IMPORTER).values
    spending_net = trade.sum(dims.EXPORTER).values  # E'_n / (1 + t') summed = net of tariffs
    assert sales.sum() == pytest.approx(spending_net.sum(), rel=1e-12)
    gross = (trade * (1 + t)).sum(dims.EXPORTER).values
    np.testing.assert_allclose(
        gross - spending_net, eq.country["tariff_revenue"].values, rtol=1e-9, atol=1e-9
    )


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 6), eps=eps_values, rate=st.floats(0.0, 2.0), closure=closures)
def test_symmetric_countries_get_symmetric_answers(
    n: int, eps: float, rate: float, closure: str
) -> None:
    labels = [f"S{k}" for k in range(n)]
    flows = np.full((n, n), 3.0)
    np.fill_diagonal(flows, 50.0)
    coords = {dims.EXPORTER: labels, dims.IMPORTER: labels}
    from tradewinds.data.baseline import make_baseline

    ds = make_baseline(
        xr.DataArray(flows, dims=(dims.EXPORTER, dims.IMPORTER), coords=coords),
        units="u",
        year=2000,
        source="symmetric",
    )
    t = xr.DataArray(
        np.where(np.eye(n, dtype=bool), 0.0, rate),
        dims=(dims.EXPORTER, dims.IMPORTER),
        coords=coords,
    )
    eq = solve_one_sector(ds, t, model=OneSectorModel(eps=eps, closure=closure))  # type: ignore[arg-type]
    for var in ("wage_hat", "welfare_hat", "price_index_hat"):
        values = eq.country[var].values
        np.testing.assert_allclose(values, values[0], rtol=1e-10)
    np.testing.assert_allclose(eq.country["wage_hat"].values, 1.0, rtol=1e-10)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 6), seed=seeds, eps=eps_values)
def test_autarky_gives_the_acr_gains_from_trade(n: int, seed: int, eps: float) -> None:
    """Prohibitive tariffs on every import give welfare_hat = lambda_nn^(1/eps) (ACR 2012).

    Under the balanced closure the reference is the zero-deficit baseline, whose domestic
    shares lambda_nn the zero-shock balanced solve reports. The tariff 10^(16/eps) cuts import
    shares by a factor (1 + t)^-eps of about 1e-16, so the formula holds to far better than
    the 1e-9 tolerance whatever eps is.
    """
    ds = small_baseline(n, seed=seed, tariff=0.0)
    model = OneSectorModel(eps=eps, closure="balanced")
    ref = solve_one_sector(ds, model=model)
    trade0 = ref.bilateral["trade"].isel(sector=0).values
    lam_nn = np.diag(trade0) / trade0.sum(axis=0)
    t = xr.full_like(ds[dims.TARIFF].isel(sector=0, drop=True), 10 ** (16 / eps))
    t.values[np.diag_indices(n)] = 0.0
    eq = solve_one_sector(ds, t, model=model)
    np.testing.assert_allclose(eq.country["welfare_hat"].values, lam_nn ** (1 / eps), rtol=1e-9)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(3, 6), seed=seeds)
def test_relabelling_countries_permutes_answers(n: int, seed: int) -> None:
    ds = small_baseline(n, seed=seed, tariff=0.1)
    t = _random_tariffs(ds, seed)
    eq = solve_one_sector(ds, t)
    order = list(np.random.default_rng(seed).permutation(ds[dims.EXPORTER].values))
    perm = ds.sel({dims.EXPORTER: order, dims.IMPORTER: order})
    eq2 = solve_one_sector(perm, t.sel({dims.EXPORTER: order, dims.IMPORTER: order}))
    np.testing.assert_allclose(
        eq2.country["welfare_hat"].sel(country=order).values,
        eq.country["welfare_hat"].sel(country=order).values,
        rtol=1e-9,
    )
