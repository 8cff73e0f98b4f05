"""The ``Baseline`` dataset: observed flows, tariffs and deficits, validated.

A baseline is an :class:`xarray.Dataset` with dims ``exporter``, ``importer`` and ``sector`` (and
``input_sector`` for models with input-output links). Its variables:

``trade`` (exporter, importer, sector)
    Flows at producer prices, i.e. net of tariffs, with domestic absorption on the diagonal.
``tariff`` (exporter, importer, sector)
    Ad valorem tariff rate imposed by the importer on the exporter (0.25 means 25%).
``deficit`` (importer)
    Expenditure minus income minus tariff revenue, ``D = E - Y - R``.

Multi-sector baselines add ``value_added`` (exporter, sector), ``io_share`` (exporter,
input_sector, sector), ``final_share`` (importer, sector) and ``trade_elasticity`` (sector).
``attrs`` carry ``units``, ``year``, ``source`` and ``provenance`` (a JSON string).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from tradewinds.core import dims
from tradewinds.core.errors import DataError, UnknownLabelError

log = logging.getLogger(__name__)

Baseline = xr.Dataset

#: Relative tolerance of accounting identities checked in :func:`validate_baseline`.
ACCOUNTING_RTOL = 1e-6


def make_baseline(
    trade: xr.DataArray,
    tariff: xr.DataArray | None = None,
    *,
    units: str,
    year: int,
    source: str,
    provenance: Mapping[str, Any] | None = None,
    deficit: xr.DataArray | None = None,
    **extra: xr.DataArray,
) -> xr.Dataset:
    """Assemble and validate a baseline.

    ``deficit`` defaults to the value implied by the flows and tariffs, ``D = E - Y - R``, which
    is the only value consistent with a one-sector baseline. Multi-sector baselines pass it
    explicitly with their other variables in ``extra``.
    """
    if dims.SECTOR not in trade.dims:
        trade = trade.expand_dims({dims.SECTOR: [dims.TOTAL_SECTOR]}, axis=-1)
    trade = trade.transpose(dims.EXPORTER, dims.IMPORTER, dims.SECTOR).astype(float)
    if tariff is None:
        tariff = xr.zeros_like(trade)
    elif dims.SECTOR not in tariff.dims:
        tariff = tariff.expand_dims({dims.SECTOR: trade[dims.SECTOR].values}, axis=-1)
    tariff = tariff.transpose(dims.EXPORTER, dims.IMPORTER, dims.SECTOR).astype(float)
    ds = xr.Dataset({dims.TRADE: trade, dims.TARIFF: tariff, **extra})
    if deficit is None:
        deficit = implied_deficit(ds)
    ds[dims.DEFICIT] = deficit
    ds.attrs.update(
        units=units,
        year=int(year),
        source=source,
        provenance=json.dumps(dict(provenance or {}), sort_keys=True, default=str),
    )
    validate_baseline(ds)
    return ds


def countries(ds: xr.Dataset) -> list[str]:
    """Country labels, in the dataset's order."""
    return [str(c) for c in ds[dims.EXPORTER].values]


def income(ds: xr.Dataset) -> xr.DataArray:
    """Producer income ``Y_n = sum_k X_nk`` (sales at producer prices, all sectors)."""
    return ds[dims.TRADE].sum((dims.IMPORTER, dims.SECTOR))


def expenditure(ds: xr.DataArray | xr.Dataset) -> xr.DataArray:
    """Expenditure including tariffs, ``E_n = sum_i X_in (1 + t_in)``, on the importer dim."""
    trade = ds[dims.TRADE]
    return (trade * (1 + ds[dims.TARIFF])).sum((dims.EXPORTER, dims.SECTOR))


def tariff_revenue(ds: xr.Dataset) -> xr.DataArray:
    """Tariff revenue ``R_n = sum_i t_in X_in`` collected by each importer."""
    return (ds[dims.TRADE] * ds[dims.TARIFF]).sum((dims.EXPORTER, dims.SECTOR))


def implied_deficit(ds: xr.Dataset) -> xr.DataArray:
    """Deficit ``D_n = E_n - Y_n - R_n`` implied by flows and tariffs (one-sector identity)."""
    y = income(ds).rename({dims.EXPORTER: dims.IMPORTER})
    return expenditure(ds) - y - tariff_revenue(ds)


def _first_bad(arr: xr.DataArray, mask: np.ndarray[Any, Any]) -> str:
    """Describe the first cell where ``mask`` is true, by its labels."""
    idx = np.argwhere(mask)[0]
    where = ", ".join(
        f"{d}={arr[d].values[i]!s}" for d, i in zip(arr.dims, idx, strict=True) if d in arr.coords
    )
    return f"{arr.name}[{where}] = {arr.values[tuple(idx)]!r}"


def validate_baseline(ds: xr.Dataset) -> None:
    """Check labels, values and accounting identities; raise :class:`DataError` naming the cell.

    Checks: the required variables and dims exist; exporter and importer labels are identical
    and unique; flows are finite and non-negative; tariffs are finite and above -1; every
    country has positive expenditure; deficits sum to zero across the world (to
    :data:`ACCOUNTING_RTOL` of world income). Multi-sector baselines also need non-negative
    input-output shares that leave a non-negative value-added share, and final-demand shares
    that sum to one.
    """
    for var in (dims.TRADE, dims.TARIFF, dims.DEFICIT):
        if var not in ds:
            raise DataError(
                f"Baseline has no {var!r} variable (it has {sorted(map(str, ds.data_vars))}). "
                "Build baselines with tradewinds.data.make_baseline or a loader."
            )
    trade = ds[dims.TRADE]
    if set(trade.dims) != {dims.EXPORTER, dims.IMPORTER, dims.SECTOR}:
        raise DataError(
            f"Baseline 'trade' has dims {trade.dims}; expected (exporter, importer, sector)."
        )
    exp = [str(x) for x in ds[dims.EXPORTER].values]
    imp = [str(x) for x in ds[dims.IMPORTER].values]
    if exp != imp:
        raise DataError(
            "Exporter and importer labels differ "
            f"(first mismatch {next((a, b) for a, b in zip(exp, imp, strict=False) if a != b)!r}); "
            "reorder so both dims list the same countries in the same order."
        )
    dupes = pd.Index(exp)[pd.Index(exp).duplicated()]
    if len(dupes):
        raise DataError(f"Country label {dupes[0]!r} appears twice; labels must be unique.")
    values = trade.values
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        raise DataError(
            f"Trade flow {_first_bad(trade, bad)} is negative or not finite; flows must be "
            "finite and >= 0 (use 0 for a missing flow)."
        )
    tariff = ds[dims.TARIFF]
    bad = ~np.isfinite(tariff.values) | (tariff.values <= -1)
    if bad.any():
        raise DataError(
            f"Tariff {_first_bad(tariff, bad)} is not a rate above -1; tariffs are fractions "
            "(0.25 for 25%)."
        )
    spend = expenditure(ds)
    if (spend.values <= 0).any():
        i = int(np.argmax(spend.values <= 0))
        raise DataError(
            f"Country {imp[i]!r} has no expenditure (no purchases from anyone, itself included); "
            "give it domestic absorption or drop it from the baseline."
        )
    world = float(income(ds).sum())
    total_deficit = float(ds[dims.DEFICIT].sum())
    if abs(total_deficit) > ACCOUNTING_RTOL * world:
        raise DataError(
            f"Deficits sum to {total_deficit:.6g} {ds.attrs.get('units', '')}, not zero "
            f"(world income {world:.6g}); some flows are missing from the matrix, or the "
            "deficits come from another source. Recompute them from the flows."
        )
    if dims.IO_SHARE in ds:
        _validate_io(ds)


def _validate_io(ds: xr.Dataset) -> None:
    io = ds[dims.IO_SHARE]
    bad = ~np.isfinite(io.values) | (io.values < 0)
    if bad.any():
        raise DataError(f"Input-output share {_first_bad(io, bad)} is negative or not finite.")
    used = io.sum(dims.INPUT_SECTOR)
    over = used.values > 1 + ACCOUNTING_RTOL
    if over.any():
        raise DataError(
            f"Input shares sum above one at {_first_bad(used.rename('sum of io_share'), over)}; "
            "value added would be negative. Check the input-output table's units."
        )
    if dims.FINAL_SHARE in ds:
        fs = ds[dims.FINAL_SHARE]
        total = fs.sum(dims.SECTOR)
        off = np.abs(total.values - 1) > 1e-6
        if off.any() or (fs.values < 0).any():
            raise DataError(
                f"Final-demand shares must be >= 0 and sum to one per importer; "
                f"{_first_bad(total.rename('sum of final_share'), off | (total.values < 0))}."
            )


def check_countries(ds: xr.Dataset, labels: list[str], where: str) -> None:
    """Raise :class:`UnknownLabelError` for the first label not in the baseline."""
    known = countries(ds)
    for label in labels:
        if label not in known:
            raise UnknownLabelError("country", label, known, where)


def _read_grouping(grouping: Mapping[str, str] | pd.DataFrame) -> dict[str, str]:
    if isinstance(grouping, pd.DataFrame):
        cols = list(grouping.columns)
        if len(cols) < 2:
            raise DataError(f"Region table needs two columns (country, region); it has {cols}.")
        return dict(zip(grouping[cols[0]].astype(str), grouping[cols[1]].astype(str), strict=True))
    return {str(k): str(v) for k, v in grouping.items()}


def aggregate(
    ds: xr.Dataset, grouping: Mapping[str, str] | pd.DataFrame, *, rest: str | None = "ROW"
) -> xr.Dataset:
    """Aggregate a baseline to regions.

    Flows and deficits are summed, so every country's and the world's income, expenditure and
    deficit add up exactly. Tariffs are averaged with the flows as weights, which preserves
    tariff revenue. Input-output shares are averaged with gross output as weights and
    final-demand shares with final expenditure as weights, which keeps input costs and final
    spending consistent after aggregation.

    Parameters
    ----------
    ds
        The baseline to aggregate.
    grouping
        Country to region, as a mapping or a two-column table (country, region). Countries may
        map to themselves.
    rest
        Region for countries the grouping does not name; ``None`` makes an unlisted country an
        error.
    """
    table = _read_grouping(grouping)
    known = countries(ds)
    for c in table:
        if c not in known:
            raise UnknownLabelError("country", c, known, "the region table")
    missing = [c for c in known if c not in table]
    if missing and rest is None:
        raise DataError(
            f"Region table does not place {missing[0]!r} (and {len(missing) - 1} more); "
            "add them or pass rest='ROW'."
        )
    region = [table.get(c, rest or "") for c in known]
    order = list(dict.fromkeys(region))
    exp_map = xr.DataArray(region, dims=dims.EXPORTER, coords={dims.EXPORTER: known})
    imp_map = exp_map.rename({dims.EXPORTER: dims.IMPORTER})

    trade = ds[dims.TRADE]
    new_trade = _group_sum(trade, exp_map, imp_map).reindex(
        {dims.EXPORTER: order, dims.IMPORTER: order}
    )
    revenue = _group_sum(trade * ds[dims.TARIFF], exp_map, imp_map).reindex(
        {dims.EXPORTER: order, dims.IMPORTER: order}
    )
    new_tariff = (revenue / new_trade.where(new_trade > 0)).fillna(0.0)
    deficit = _group_sum(ds[dims.DEFICIT], exp_map, imp_map).reindex({dims.IMPORTER: order})
    extra: dict[str, xr.DataArray] = {}
    if dims.VALUE_ADDED in ds:
        extra[dims.VALUE_ADDED] = _group_sum(ds[dims.VALUE_ADDED], exp_map, imp_map).reindex(
            {dims.EXPORTER: order}
        )
    if dims.IO_SHARE in ds:
        gross = trade.sum(dims.IMPORTER)
        weighted = _group_sum(ds[dims.IO_SHARE] * gross, exp_map, imp_map)
        extra[dims.IO_SHARE] = (
            (weighted / _group_sum(gross, exp_map, imp_map))
            .fillna(0.0)
            .reindex({dims.EXPORTER: order})
        )
    if dims.FINAL_SHARE in ds:
        final = ds[dims.FINAL_SHARE] * _final_spending(ds)
        summed = _group_sum(final, exp_map, imp_map)
        extra[dims.FINAL_SHARE] = (summed / summed.sum(dims.SECTOR)).reindex({dims.IMPORTER: order})
    if dims.TRADE_ELASTICITY in ds:
        extra[dims.TRADE_ELASTICITY] = ds[dims.TRADE_ELASTICITY]
    provenance = json.loads(ds.attrs.get("provenance", "{}"))
    members = {r: [c for c, g in zip(known, region, strict=True) if g == r] for r in order}
    provenance["aggregation"] = {r: m for r, m in members.items() if m != [r]}
    return make_baseline(
        new_trade,
        new_tariff,
        deficit=deficit,
        units=str(ds.attrs.get("units", "")),
        year=int(ds.attrs.get("year", 0)),
        source=str(ds.attrs.get("source", "")),
        provenance=provenance,
        **extra,
    )


def _group_sum(arr: xr.DataArray, exp_map: xr.DataArray, imp_map: xr.DataArray) -> xr.DataArray:
    """Sum ``arr`` over countries of the same region along exporter and importer dims."""
    out = arr
    if dims.EXPORTER in out.dims:
        out = out.assign_coords(_region=(dims.EXPORTER, exp_map.values)).groupby("_region").sum()
        out = out.rename({"_region": dims.EXPORTER})
    if dims.IMPORTER in out.dims:
        out = out.assign_coords(_region=(dims.IMPORTER, imp_map.values)).groupby("_region").sum()
        out = out.rename({"_region": dims.IMPORTER})
    return out


def _final_spending(ds: xr.Dataset) -> xr.DataArray:
    """Total final spending per importer, ``E_n - intermediate purchases`` (multi-sector)."""
    spend = (ds[dims.TRADE] * (1 + ds[dims.TARIFF])).sum(dims.EXPORTER)
    gross = ds[dims.TRADE].sum(dims.IMPORTER)
    inter = (ds[dims.IO_SHARE] * gross).sum(dims.SECTOR)
    inter = inter.rename({dims.INPUT_SECTOR: dims.SECTOR, dims.EXPORTER: dims.IMPORTER})
    return (spend - inter).sum(dims.SECTOR)
