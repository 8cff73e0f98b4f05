r"""Outputs of the Caliendo–Parro model: welfare and its decomposition, flows, sector results.

Both solutions (baseline ``0`` and counterfactual ``1``) are relative to the same data, so a
change between them is a ratio of the two, e.g. ``c_hat = c_1 / c_0``. Imports of n from i in
sector j at producer prices are ``M_nij = pi_nij X_nj / (1 + t_nij)``.

Welfare as CP2015 report it (their eq. 16, the decomposition of ``d ln W_n`` evaluated on the
discrete changes, relative to baseline income ``I_n = w_n L_n + R_n + D_n``)::

    ToT_n = sum_j sum_i [M_inj (c_hat_nj - 1) - M_nij (c_hat_ij - 1)] / I_n
    VoT_n = sum_j sum_i t_nij M_nij (M'_nij / M_nij - c_hat_ij) / I_n
    TE_n  = - sum_j sum_i M_nij (1 + t_nij) (d_hat_nij - 1) / I_n   (iceberg changes only)
    welfare_hat_n = 1 + ToT_n + VoT_n + TE_n

and the exact real-income change ``((w L + R)_1 / (w L + R)_0) / (P_1 / P_0)`` with
``P_n = prod_j P_nj^alpha_nj``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

from tradewinds.core import dims
from tradewinds.models.equilibrium import Equilibrium

if TYPE_CHECKING:
    from tradewinds.core.solver import SolverReport
    from tradewinds.models._cp_kernels import Array
    from tradewinds.models._cp_solver import State
    from tradewinds.models.multisector import MultiSectorModel, _Data


def imports(state: State, tariff: Array) -> Array:
    """``M[j, n, i]``: imports of n from i in sector j at producer prices."""
    return np.asarray(state.pi * state.spend.T[:, :, None] / (1 + tariff))


def decomposition(
    data: _Data, deficit: Array, t_new: Array, d_hat: Array, base: State, new: State
) -> dict[str, Array]:
    """Terms-of-trade, volume-of-trade and technical-efficiency terms by country and sector."""
    eco = data.eco
    m0 = imports(base, eco.tariff)
    m1 = imports(new, t_new)
    c_hat = np.exp(new.log_c - base.log_c)  # (N, J)
    labour0 = np.exp(base.x) * eco.va
    revenue0 = (m0 * eco.tariff).sum(axis=(0, 2))
    income0 = labour0 + revenue0 + deficit
    # Exports (and domestic sales) of n valued at n's cost change, minus purchases valued at the
    # seller's; domestic sales cancel.
    sales0 = m0.sum(axis=1).T  # (N, J): sum over importers of M[j, i, n]
    bought = (m0 * (c_hat.T[:, None, :] - 1)).sum(axis=2).T  # (N, J)
    tot = (sales0 * (c_hat - 1) - bought) / income0[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(m0 > 0, m1 / m0, 0.0)
    vot = (eco.tariff * m0 * (ratio - c_hat.T[:, None, :])).sum(axis=2).T / income0[:, None]
    tech = -(m0 * (1 + eco.tariff) * (d_hat - 1)).sum(axis=2).T / income0[:, None]
    return {"tot": tot, "vot": vot, "tech": tech, "income0": income0}


def package(
    baseline: xr.Dataset,
    data: _Data,
    deficit: Array,
    t_new: Array,
    d_hat: Array,
    base: State,
    new: State,
    report: SolverReport,
    model: MultiSectorModel,
) -> Equilibrium:
    """Assemble the :class:`Equilibrium` (money in the baseline's unit)."""
    eco = data.eco
    scale = data.scale
    m0 = imports(base, eco.tariff)
    m1 = imports(new, t_new)
    w_hat = np.exp(new.x - base.x)
    p_hat = np.exp((eco.alpha * (new.log_p - base.log_p)).sum(axis=1))
    labour0 = np.exp(base.x) * eco.va
    labour1 = np.exp(new.x) * eco.va
    revenue0 = (m0 * eco.tariff).sum(axis=(0, 2))
    revenue1 = (m1 * t_new).sum(axis=(0, 2))
    parts = decomposition(data, deficit, t_new, d_hat, base, new)
    tot, vot, tech = (parts[k].sum(axis=1) for k in ("tot", "vot", "tech"))
    off = ~np.eye(len(data.countries), dtype=bool)[None, :, :]
    exports0 = np.where(off, m0, 0).sum(axis=(0, 1))
    exports1 = np.where(off, m1, 0).sum(axis=(0, 1))
    imports0 = np.where(off, m0, 0).sum(axis=(0, 2))
    imports1 = np.where(off, m1, 0).sum(axis=(0, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        # One Dataset from plain arrays and one coordinate: building a DataArray per variable
        # and merging them cost as much as a Newton step.
        country_vars: dict[str, Array] = {
            "welfare_hat": 1 + tot + vot + tech,
            "real_income_hat": (labour1 + revenue1) / (labour0 + revenue0) / p_hat,
            "real_wage_hat": w_hat / p_hat,
            "wage_hat": w_hat,
            "price_index_hat": p_hat,
            "exports_hat": exports1 / exports0,
            "imports_hat": imports1 / imports0,
            "tot_pct": 100 * tot,
            "vot_pct": 100 * vot,
            "tariff_revenue": revenue1 * scale,
            "tariff_revenue_baseline": revenue0 * scale,
            "exports": exports1 * scale,
            "imports": imports1 * scale,
            "income": (labour1 + revenue1) * scale,
            "absorption_baseline": parts["income0"] * scale,
        }
        if np.any(d_hat != 1):
            country_vars["technical_efficiency_pct"] = 100 * tech
        country = xr.Dataset(
            {k: (dims.COUNTRY, v) for k, v in country_vars.items()},
            coords={dims.COUNTRY: data.countries},
        )
        sector = _sector(baseline, data, base, new, parts)
        bilateral = _bilateral(data, m0, m1, t_new)
    params: dict[str, Any] = {
        "closure": model.closure,
        "tol": model.tol,
        "theta": dict(zip(data.sectors, map(float, eco.theta), strict=True)),
    }
    return Equilibrium(
        model="multi-sector",
        country=country,
        bilateral=bilateral,
        report=report,
        units=str(baseline.attrs.get("units", "")),
        params=params,
        sector=sector,
    )


def welfare_by_partner(eq: Equilibrium) -> xr.Dataset:
    """CP2015's welfare decomposition by partner and sector, from a multi-sector equilibrium.

    Returns a dataset on (``country``, ``partner``, ``sector``) with ``tot_contribution`` and
    ``vot_contribution`` in percentage points of the country's baseline income ``I_n``: for
    country n and partner i in sector j, ``[M_inj (c_hat_nj - 1) - M_nij (c_hat_ij - 1)] / I_n``
    and ``t_nij M_nij (M'_nij / M_nij - c_hat_ij) / I_n``. Summed over partners and sectors they
    give ``tot_pct`` and ``vot_pct``.
    """
    if eq.sector is None or "tariff_baseline" not in eq.bilateral:
        raise ValueError("welfare_by_partner needs an equilibrium of the multi-sector model")
    countries = [str(c) for c in eq.country[dims.COUNTRY].values]
    order = (dims.EXPORTER, dims.IMPORTER, dims.SECTOR)
    m0 = np.asarray(eq.bilateral["trade_baseline"].transpose(*order).values)  # [i, n, j]
    m1 = np.asarray(eq.bilateral["trade"].transpose(*order).values)
    t0 = np.asarray(eq.bilateral["tariff_baseline"].transpose(*order).values)
    c_hat = np.asarray(eq.sector["unit_cost_hat"].transpose(dims.COUNTRY, dims.SECTOR).values)
    income0 = np.asarray(eq.country["absorption_baseline"].values)
    # country n = first axis, partner i = second axis, sector j = third.
    sold = m0 * (c_hat[:, None, :] - 1)  # [n, i, j]: n sells to i, valued at n's cost change
    bought = m0.transpose(1, 0, 2) * (c_hat[None, :, :] - 1)  # [n, i, j]: n buys from i
    tot = (sold - bought) / income0[:, None, None]
    m0_in = m0.transpose(1, 0, 2)  # [n, i, j] imports of n from i
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(m0_in > 0, m1.transpose(1, 0, 2) / m0_in, 0.0)
    vot = t0.transpose(1, 0, 2) * m0_in * (ratio - c_hat[None, :, :]) / income0[:, None, None]
    sectors = [str(s) for s in eq.sector[dims.SECTOR].values]
    coords = {dims.COUNTRY: countries, "partner": countries, dims.SECTOR: sectors}
    dims3 = (dims.COUNTRY, "partner", dims.SECTOR)
    units = {"units": "percentage points"}
    return xr.Dataset(
        {
            "tot_contribution": (dims3, 100 * tot, units),
            "vot_contribution": (dims3, 100 * vot, units),
        },
        coords=coords,
    )


def _sector(
    baseline: xr.Dataset, data: _Data, base: State, new: State, parts: dict[str, Array]
) -> xr.Dataset:
    """Prices, output and value added by (country, sector), with the welfare contributions."""
    eco, scale = data.eco, data.scale
    pair = (dims.COUNTRY, dims.SECTOR)
    output0, output1 = base.output, new.output
    units = {"units": str(baseline.attrs.get("units", ""))}
    points = {"units": "percentage points"}
    return xr.Dataset(
        {
            "price_hat": (pair, np.exp(new.log_p - base.log_p)),
            "unit_cost_hat": (pair, np.exp(new.log_c - base.log_c)),
            "gross_output_hat": (pair, output1 / output0),
            "value_added_hat": (pair, (eco.gva * output1) / (eco.gva * output0)),
            "gross_output": (pair, output1 * scale, units),
            "gross_output_baseline": (pair, output0 * scale, units),
            "value_added": (pair, eco.gva * output1 * scale, units),
            "value_added_baseline": (pair, eco.gva * output0 * scale, units),
            "tot_contribution": (pair, 100 * parts["tot"], points),
            "vot_contribution": (pair, 100 * parts["vot"], points),
        },
        coords={dims.COUNTRY: data.countries, dims.SECTOR: data.sectors},
    )


def _bilateral(data: _Data, m0: Array, m1: Array, t_new: Array) -> xr.Dataset:
    """Trade flows and tariffs by (exporter, importer, sector), before and after."""
    order = (dims.EXPORTER, dims.IMPORTER, dims.SECTOR)
    scale = data.scale
    return xr.Dataset(
        {
            "trade_baseline": (order, m0.transpose(2, 1, 0) * scale),
            "trade": (order, m1.transpose(2, 1, 0) * scale),
            "trade_hat": (order, (m1 / m0).transpose(2, 1, 0)),
            "tariff_baseline": (order, data.eco.tariff.transpose(2, 1, 0)),
            "tariff": (order, t_new.transpose(2, 1, 0)),
        },
        coords={
            dims.EXPORTER: data.countries,
            dims.IMPORTER: data.countries,
            dims.SECTOR: data.sectors,
        },
    )
