"""Equilibrium of Ignatenko et al. (2025): zero shock, Jacobian, residuals, errors, records."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from tradewinds.core import dims
from tradewinds.core.errors import ScenarioError, UnknownLabelError
from tradewinds.data.baseline import make_baseline
from tradewinds.data.liberation_day import read_liberation_day
from tradewinds.data.loaders import load_liberation_day
from tradewinds.models.ignatenko import IgnatenkoModel, build_baseline
from tradewinds.models.ignatenko.kernel import Kernel
from tradewinds.models.ignatenko.solve import solve_kernel

LABELS = ["CAN", "MEX", "USA", "CHN", "DEU", "JPN"]


def _world(seed: int = 0):
    rng = np.random.default_rng(seed)
    n = len(LABELS)
    trade = rng.uniform(1, 20, (n, n))
    np.fill_diagonal(trade, 0)
    gdp = trade.sum(axis=1) * rng.uniform(2, 5, n)
    return build_baseline(trade, gdp, LABELS.index("USA"))


def _tariffs(seed: int = 1, n: int = 6) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, 0.4, (n, n))
    np.fill_diagonal(t, 0)
    return t


@pytest.mark.parametrize("recycling", ["income-tax", "lump-sum"])
@pytest.mark.parametrize("pass_through", [1.0, 0.25])
def test_jacobian_matches_central_differences(recycling, pass_through):
    base = _world()
    n = base.size
    rng = np.random.default_rng(7)
    cost = rng.uniform(0.8, 1.2, (n, n))
    model = IgnatenkoModel(recycling=recycling, pass_through=pass_through)
    kernel = Kernel(base, _tariffs(), cost, model.params(base), tol=0.0)
    z = rng.normal(0, 0.05, 2 * n)  # away from the solution, so every term is active
    f, jacobian = kernel.system(z)
    jac = jacobian()
    numeric = np.empty_like(jac)
    h = 1e-6
    for k in range(2 * n):
        step = np.zeros(2 * n)
        step[k] = h
        numeric[:, k] = (kernel.residual(z + step) - kernel.residual(z - step)) / (2 * h)
    assert np.all(np.isfinite(f))
    np.testing.assert_allclose(jac, numeric, rtol=1e-6, atol=1e-8)


def test_zero_shock_changes_nothing_on_the_paper_data(shared_data):
    data = read_liberation_day(shared_data / "data" / "liberation_day_ignatenko2025")
    base = build_baseline(data.trade, data.gdp, data.index("USA"))
    n = base.size
    eq = IgnatenkoModel().solve_arrays(base, np.zeros((n, n)), data.labels)
    c = eq.country
    for var in ("welfare_hat", "wage_hat", "price_index_hat", "employment_hat", "expenditure_hat"):
        np.testing.assert_allclose(c[var].values, 1.0, atol=1e-12, err_msg=var)
    for var in ("deficit_pct", "exports_gdp_pct", "imports_gdp_pct", "prices_pct"):
        np.testing.assert_allclose(c[var].values, 0.0, atol=1e-9, err_msg=var)
    assert np.all(c["tariff_revenue_share"].values == 0)
    np.testing.assert_allclose(eq.bilateral["trade"].values, eq.bilateral["trade_baseline"].values)
    assert eq.report.iterations == 0


@pytest.mark.parametrize("recycling", ["income-tax", "lump-sum"])
def test_solution_meets_every_condition(recycling):
    base = _world(2)
    n = base.size
    t = _tariffs(3)
    model = IgnatenkoModel(recycling=recycling, pass_through=0.5)
    state, kernel, report = solve_kernel(base, t, np.ones((n, n)), model.params(base))
    assert report.converged
    assert report.max_residual <= 1e-10
    # check (K6)-(K9) directly in levels, the dropped income equation included
    w, emp = np.exp(state.x), np.exp(state.ell)
    lam = kernel.shares(state)
    np.testing.assert_allclose(lam.sum(axis=0), 1.0, rtol=1e-13)
    x_new = lam * state.e_new[None, :] / (1 + t)
    revenue = (lam * t / (1 + t) * state.e_new[None, :]).sum(axis=0)
    income = w * emp * base.income
    sales = (x_new * (1 - base.nu)[None, :]).sum(axis=1) + base.nu * x_new.sum(axis=0)
    np.testing.assert_allclose(sales, income, rtol=1e-9)
    share = income.sum() / base.income.sum()
    np.testing.assert_allclose(revenue + income + base.transfers * share, state.e_new, rtol=1e-12)
    p_hat = np.exp(state.log_p)
    assert abs(((p_hat - 1) * base.expenditure).sum()) < 1e-9 * base.expenditure.sum()
    tau_hat = 1 / (1 - revenue / income) if recycling == "income-tax" else np.ones(n)
    np.testing.assert_allclose(emp, (tau_hat * w / p_hat) ** 0.5, rtol=1e-9)


def test_records_carry_the_paper_metrics():
    base = _world()
    n = base.size
    eq = IgnatenkoModel().solve_arrays(base, _tariffs(), LABELS)
    records = eq.to_records(bilateral=False)
    metrics = set(records["metric"])
    for name in (
        "welfare_pct",
        "deficit_pct",
        "exports_gdp_pct",
        "imports_gdp_pct",
        "employment_pct",
        "prices_pct",
        "tariff_revenue_share",
    ):
        assert name in metrics
    share = records[records["metric"] == "tariff_revenue_share"]
    assert (share["unit"] == "fraction of baseline expenditure").all()
    assert len(share) == n
    usa = records[(records["country"] == "USA") & (records["metric"] == "prices_pct")]
    assert float(usa["value"].iloc[0]) == pytest.approx(
        (float(eq.country["price_index_hat"].sel(country="USA")) - 1) * 100
    )


def _xr_baseline(base, labels, tariff=None):
    coords = {dims.EXPORTER: labels, dims.IMPORTER: labels}
    trade = xr.DataArray(base.trade, dims=(dims.EXPORTER, dims.IMPORTER), coords=coords)
    t = None if tariff is None else xr.DataArray(tariff, dims=trade.dims, coords=coords)
    return make_baseline(trade, t, units="USD", year=2023, source="test")


def test_baseline_without_usa_or_with_tariffs_is_refused():
    base = _world()
    labels = [c if c != "USA" else "USX" for c in LABELS]
    with pytest.raises(UnknownLabelError, match="USA"):
        IgnatenkoModel().solve(_xr_baseline(base, labels))
    with pytest.raises(ScenarioError, match="tariff-free"):
        IgnatenkoModel().solve(_xr_baseline(base, LABELS, _tariffs()))
    with pytest.raises(ScenarioError, match="kappa"):
        IgnatenkoModel(kappa=-1)
    with pytest.raises(ScenarioError, match="recycling"):
        IgnatenkoModel(recycling="helicopter")  # type: ignore[arg-type]


def test_scenario_baseline_gives_the_replication_answer(shared_data):
    """The 194-country Baseline (GDP restored for clipped countries) equals the raw arrays."""
    folder = shared_data / "data" / "liberation_day_ignatenko2025"
    data = read_liberation_day(folder)
    us = data.index("USA")
    n = len(data.labels)
    t = np.zeros((n, n))
    t[:, us] = 0.2
    t[us, us] = 0
    direct = IgnatenkoModel().solve_arrays(build_baseline(data.trade, data.gdp, us), t, data.labels)
    ds = load_liberation_day(folder)
    tariff = xr.zeros_like(ds[dims.TARIFF].isel({dims.SECTOR: 0}, drop=True)) + xr.DataArray(
        t, dims=(dims.EXPORTER, dims.IMPORTER)
    )
    via = IgnatenkoModel().solve(ds, tariff)
    np.testing.assert_allclose(
        via.country["welfare_hat"].values, direct.country["welfare_hat"].values, rtol=1e-10
    )
    assert via.params["nu_us"] == pytest.approx(direct.params["nu_us"], rel=1e-12)


def test_gdp_of_the_bundled_default_restores_clipped_countries_in_their_region(shared_data):
    from tradewinds.data.baseline import income
    from tradewinds.data.loaders import load_baseline
    from tradewinds.models.ignatenko import baseline_gdp

    ds = load_baseline("default")
    labels = [str(c) for c in ds[dims.EXPORTER].values]
    gdp = baseline_gdp(ds)
    raw = read_liberation_day(shared_data / "data" / "liberation_day_ignatenko2025")
    rest = [k for k, c in enumerate(raw.labels) if c not in labels and c not in raw.eu]
    row = labels.index("ROW")
    assert gdp[row] == pytest.approx(raw.gdp[rest].sum(), rel=1e-12)
    assert gdp[row] < float(income(ds).sel({dims.EXPORTER: "ROW"}))
