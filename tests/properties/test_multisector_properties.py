"""Properties of the Caliendo–Parro model on random small economies (Hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from tradewinds.core import dims
from tradewinds.data.baseline import make_baseline
from tradewinds.models.multisector import MultiSectorModel

pytestmark = pytest.mark.property

NAMES = ["AAA", "BBB", "CCC"]
SECTORS = ["goods", "parts", "services"]


def economy(seed: int, symmetric: bool = False) -> xr.Dataset:
    rng = np.random.default_rng(seed)
    n, j = len(NAMES), len(SECTORS)
    flows = rng.uniform(1, 30, (n, n, j))
    io = rng.uniform(0, 0.25, (n, j, j))
    final = rng.uniform(0.2, 1, (n, j))
    tariff = rng.uniform(0, 0.2, (n, n, j))
    if symmetric:  # every country identical: same flows pattern, same technology
        flows[:] = flows[0, 1]
        io[:] = io[0]
        final[:] = final[0]
        tariff[:] = 0.05
    for k in range(j):
        flows[:, :, k][np.diag_indices(n)] = 200.0 if symmetric else rng.uniform(100, 300, n)
        tariff[:, :, k][np.diag_indices(n)] = 0
    flows[:, :, 2] = np.diag(np.diag(flows[:, :, 2]))  # services are non-tradable
    c3 = {dims.EXPORTER: NAMES, dims.IMPORTER: NAMES, dims.SECTOR: SECTORS}
    trade = xr.DataArray(flows, dims=tuple(c3), coords=c3)
    io_da = xr.DataArray(
        io,
        dims=(dims.EXPORTER, dims.INPUT_SECTOR, dims.SECTOR),
        coords={dims.EXPORTER: NAMES, dims.INPUT_SECTOR: SECTORS, dims.SECTOR: SECTORS},
    )
    sales = trade.sum(dims.IMPORTER)
    return make_baseline(
        trade,
        xr.DataArray(tariff, dims=tuple(c3), coords=c3),
        deficit=trade.sum((dims.EXPORTER, dims.SECTOR))
        - trade.sum((dims.IMPORTER, dims.SECTOR)).rename({dims.EXPORTER: dims.IMPORTER}),
        units="US$ m",
        year=2020,
        source="synthetic",
        value_added=sales * (1 - io_da.sum(dims.INPUT_SECTOR)),
        io_share=io_da,
        final_share=xr.DataArray(
            final / final.sum(axis=1, keepdims=True),
            dims=(dims.IMPORTER, dims.SECTOR),
            coords={dims.IMPORTER: NAMES, dims.SECTOR: SECTORS},
        ),
        trade_elasticity=xr.DataArray(
            [5.0, 3.0, 8.0], dims=dims.SECTOR, coords={dims.SECTOR: SECTORS}
        ),
    )


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), closure=st.sampled_from(["fixed", "balanced"]))
def test_zero_shock_changes_nothing(seed: int, closure: str) -> None:
    eq = MultiSectorModel(closure=closure).solve(economy(seed))  # type: ignore[arg-type]
    for var in ("welfare_hat", "real_income_hat", "wage_hat", "real_wage_hat"):
        np.testing.assert_allclose(eq.country[var], 1.0, atol=1e-9)


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), rate=st.floats(0.0, 1.0))
def test_trade_balances_and_numeraire(seed: int, rate: float) -> None:
    """Balanced closure: exports equal imports; world labour income is unchanged."""
    baseline = economy(seed)
    shock = baseline[dims.TARIFF].copy()
    shock.loc[{dims.IMPORTER: "AAA", dims.EXPORTER: ["BBB", "CCC"]}] = rate
    eq = MultiSectorModel().solve(baseline, shock)
    np.testing.assert_allclose(eq.country["exports"], eq.country["imports"], rtol=1e-8)
    va = eq.sector["value_added"].sum()
    va0 = eq.sector["value_added_baseline"].sum()
    assert float(va) == pytest.approx(float(va0), rel=1e-9)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), rate=st.floats(0.0, 0.5))
def test_symmetric_countries_symmetric_answers(seed: int, rate: float) -> None:
    """Identical countries facing a uniform tariff change stay identical."""
    baseline = economy(seed, symmetric=True)
    shock = baseline[dims.TARIFF] * 0 + rate
    for k in range(len(SECTORS)):
        shock[:, :, k] = shock[:, :, k] * (1 - np.eye(len(NAMES)))
    eq = MultiSectorModel().solve(baseline, shock)
    for var in ("welfare_hat", "real_income_hat", "wage_hat"):
        values = eq.country[var].values
        np.testing.assert_allclose(values, values[0], rtol=1e-9)
