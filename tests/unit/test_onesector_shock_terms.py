"""The one-sector solver computes log tau_hat only where it is not zero; the answer must not care.

``solve_wages`` skips the tariff term where a tariff is unchanged and the trade-cost term when
no cost changes. A uniform iceberg change ``d_hat = c`` on every pair (domestic ones included)
only rescales prices: wages, shares and flows are those without it and ``P_hat`` is ``c`` times
as high (eq. 1 of ``tradewinds.models.onesector``), so the paths with and without the cost
term must agree, alone and together with a tariff shock.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from tradewinds.data.loaders import load_baseline
from tradewinds.models.onesector import OneSectorModel


@pytest.mark.parametrize("closure", ["fixed", "balanced", "ratio"])
@pytest.mark.parametrize("with_tariff", [False, True])
def test_a_uniform_cost_change_only_rescales_prices(closure: str, with_tariff: bool) -> None:
    base = load_baseline("default")
    tariff = base["tariff"].isel(sector=0, drop=True).copy()
    if with_tariff:
        tariff.loc[{"exporter": ["CAN", "MEX"], "importer": "USA"}] = 0.25
    cost = xr.full_like(tariff, 1.2)
    model = OneSectorModel(closure=closure)  # type: ignore[arg-type]
    plain = model.solve(base, tariff)
    costly = model.solve(base, tariff, cost)
    # Newton stops within 1e-10 of excess demand by different paths: compare to 1e-9.
    for var in ("wage_hat", "expenditure_hat", "tariff_revenue", "exports_hat"):
        np.testing.assert_allclose(costly.country[var], plain.country[var], rtol=1e-9)
    np.testing.assert_allclose(
        costly.country["price_index_hat"], 1.2 * plain.country["price_index_hat"], rtol=1e-9
    )
    np.testing.assert_allclose(costly.bilateral["trade"], plain.bilateral["trade"], rtol=1e-9)
