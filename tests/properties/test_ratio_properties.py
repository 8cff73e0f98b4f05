"""Properties of the one-sector model's ``ratio`` closure for any valid baseline and shock."""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from tests.conftest import small_baseline
from tradewinds.core import dims
from tradewinds.core.errors import ConvergenceError
from tradewinds.models import OneSectorModel, onesector

pytestmark = pytest.mark.property

seeds = st.integers(min_value=0, max_value=10_000)
sizes = st.integers(min_value=2, max_value=7)
# With two countries, eps near 8 and the largest shocks below, trade can collapse so far that a
# surplus country cannot earn its fixed deficit share (no equilibrium exists; the solver says
# so), which is outside the property under test: see _solve_or_reject.
eps_values = st.floats(min_value=1.5, max_value=8.0)


def _shock(ds: xr.Dataset, seed: int) -> tuple[xr.DataArray, xr.DataArray]:
    """Random new tariffs (0-60%) and iceberg changes (0.5-2) on international pairs."""
    rng = np.random.default_rng(seed + 7)
    t = ds[dims.TARIFF].isel({dims.SECTOR: 0}, drop=True).copy()
    t.values = rng.uniform(0.0, 0.6, size=t.shape)
    d = xr.ones_like(t)
    d.values = np.exp(rng.uniform(np.log(0.5), np.log(2.0), size=t.shape))
    np.fill_diagonal(t.values, 0.0)
    np.fill_diagonal(d.values, 1.0)
    return t, d


def _solve_or_reject(ds: xr.Dataset, t: xr.DataArray, d: xr.DataArray, eps: float) -> Any:
    """Solve under ``ratio``; reject the example if the closure has no equilibrium there.

    Rejection needs the solver's own explanation (the closure cannot keep a surplus) and the
    same shock solving under ``balanced``, so a solver that merely fails is never excused. Seen:
    two countries, eps = 6, tariffs of 31% and 55% on top of trade costs up 80% and 97%.
    """
    try:
        return OneSectorModel(eps=eps, closure="ratio").solve(ds, t, d)
    except ConvergenceError as exc:
        why = exc.message
    assert "no solution under the ratio-deficit closure" in why
    OneSectorModel(eps=eps, closure="balanced").solve(ds, t, d)
    return reject()


@settings(max_examples=40, deadline=None)
@given(n=sizes, seed=seeds, eps=eps_values, base_tariff=st.floats(0.0, 0.3))
def test_ratio_keeps_spending_to_output_ratios_up_to_one_factor(
    n: int, seed: int, eps: float, base_tariff: float
) -> None:
    """(3r): (E' - R') / (w_hat Y) = kappa phi_n with one kappa; world deficits sum to zero."""
    ds = small_baseline(n, seed=seed, tariff=base_tariff)
    t, d = _shock(ds, seed)
    eq = _solve_or_reject(ds, t, d, eps)
    flows = ds[dims.TRADE].isel(sector=0).values
    y = flows.sum(axis=1)
    phi = flows.sum(axis=0) / y
    new = eq.bilateral["trade"].isel(sector=0).values
    income = eq.country["wage_hat"].values * y
    kappa = new.sum(axis=0) / (phi * income)
    np.testing.assert_allclose(kappa, kappa[0], rtol=1e-9)
    np.testing.assert_allclose(new.sum(axis=1), income, rtol=1e-9)
    assert new.sum() == pytest.approx(income.sum(), rel=1e-12)
    assert eq.report.max_residual <= 1e-10


@settings(max_examples=25, deadline=None)
@given(n=sizes, seed=seeds, eps=eps_values, base_tariff=st.floats(0.0, 0.3))
def test_ratio_jacobian_is_exact(n: int, seed: int, eps: float, base_tariff: float) -> None:
    """The analytic Jacobian equals central differences at random points (see the unit test)."""
    ds = small_baseline(n, seed=seed, tariff=base_tariff)
    t, d = _shock(ds, seed)
    seen: list[Any] = []
    real = onesector.newton

    def spy(system: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(system)
        return real(system, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(onesector, "newton", spy)
        with contextlib.suppress(ConvergenceError):  # only the system is needed
            OneSectorModel(eps=eps, closure="ratio").solve(ds, t, d)
    system = seen[0]
    x = np.random.default_rng(seed).normal(0.0, 0.1, size=n)
    jac = system(x)[1]
    analytic = jac() if callable(jac) else jac
    h = 1e-6
    numeric = np.column_stack(
        [(system(x + h * e)[0] - system(x - h * e)[0]) / (2 * h) for e in np.eye(n)]
    )
    scale = max(1.0, float(np.max(np.abs(analytic))))
    np.testing.assert_allclose(analytic, numeric, atol=1e-7 * scale, rtol=0)
