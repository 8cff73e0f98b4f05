"""Loaders of multi-sector baselines: CP2015 NAFTA data and world input–output tables.

Every loader returns a validated :class:`~tradewinds.data.baseline.Baseline` with dims
``exporter, importer, sector, input_sector`` and the variables ``trade`` (producer prices),
``tariff``, ``value_added`` (exporter, sector), ``io_share`` (exporter = producing country,
input_sector, sector), ``final_share`` (importer, sector), ``deficit`` (importer) and, where the
source has them, ``trade_elasticity`` (sector). Money is in US$ millions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from tradewinds.core import dims
from tradewinds.core.errors import DataError
from tradewinds.data.baseline import make_baseline
from tradewinds.data.loaders import UNITS, file_sha256

#: CP2015 region names -> ISO3 (``Row`` is the rest of the world).
CP2015_ISO3 = {
    "Argentina": "ARG", "Australia": "AUS", "Austria": "AUT", "Brazil": "BRA", "Canada": "CAN",
    "Chile": "CHL", "China": "CHN", "Denmark": "DNK", "Finland": "FIN", "France": "FRA",
    "Germany": "DEU", "Greece": "GRC", "Hungary": "HUN", "India": "IND", "Indonesia": "IDN",
    "Ireland": "IRL", "Italy": "ITA", "Japan": "JPN", "Korea": "KOR", "Mexico": "MEX",
    "Netherlands": "NLD", "New Zealand": "NZL", "Norway": "NOR", "Portugal": "PRT",
    "South Africa": "ZAF", "Spain": "ESP", "Sweden": "SWE", "Turkey": "TUR", "UK": "GBR",
    "USA": "USA", "Row": "ROW",
}  # fmt: skip

CP2015_FILES = (
    "trade.csv",
    "intermediate_consumption.csv",
    "final_consumption.csv",
    "value_added.csv",
    "theta.csv",
    "regions.csv",
    "sectors.csv",
)


def _read(path: Path, need: set[str]) -> pd.DataFrame:
    if not path.exists():
        raise DataError(f"Missing file {str(path)!r}.")
    try:
        table = pd.read_csv(path)
    except (OSError, pd.errors.ParserError) as exc:
        raise DataError(f"Cannot read {str(path)!r}: {exc}") from exc
    if not need <= set(table.columns):
        raise DataError(
            f"{str(path)!r} has columns {list(table.columns)}; expected at least {sorted(need)}."
        )
    return table


def io_baseline(
    trade: xr.DataArray,
    tariff: xr.DataArray,
    intermediate: xr.DataArray,
    value_added: xr.DataArray,
    final: xr.DataArray,
    *,
    theta: xr.DataArray | None,
    units: str,
    year: int,
    source: str,
    provenance: dict[str, Any],
) -> xr.Dataset:
    """Assemble a multi-sector baseline from levels.

    ``intermediate`` is on (exporter = using country, input_sector, sector) and ``final`` on
    (importer, sector), both at purchasers' prices; gross output is their column sum plus value
    added, ``io_share = intermediate / gross output`` (zero where a sector has no output) and
    ``final_share = final / sum over sectors``. The deficit is imports minus exports.
    """
    gross = intermediate.sum(dims.INPUT_SECTOR) + value_added
    io = (intermediate / gross.where(gross > 0)).fillna(0.0)
    total = final.sum(dims.SECTOR)
    if (total <= 0).any():
        bad = str(total[dims.IMPORTER].values[int(np.argmax((total <= 0).values))])
        raise DataError(f"Country {bad!r} has no positive final demand; cannot form its shares.")
    share = final / total
    domestic = xr.DataArray(
        np.eye(trade.sizes[dims.EXPORTER], dtype=bool),
        dims=(dims.EXPORTER, dims.IMPORTER),
        coords={dims.EXPORTER: trade[dims.EXPORTER], dims.IMPORTER: trade[dims.IMPORTER]},
    )
    foreign = trade.where(~domestic, 0.0).sum(dims.SECTOR)
    deficit = foreign.sum(dims.EXPORTER) - foreign.sum(dims.IMPORTER).rename(
        {dims.EXPORTER: dims.IMPORTER}
    )
    extra: dict[str, xr.DataArray] = {
        dims.VALUE_ADDED: value_added,
        dims.IO_SHARE: io,
        dims.FINAL_SHARE: share,
    }
    if theta is not None:
        extra[dims.TRADE_ELASTICITY] = theta
    return make_baseline(
        trade,
        tariff,
        deficit=deficit,
        units=units,
        year=year,
        source=source,
        provenance=provenance,
        **extra,
    )


def load_cp2015(folder: Path) -> tuple[xr.Dataset, xr.DataArray]:
    """The CP2015 NAFTA data (31 regions x 40 sectors, 1993) and the 2005 tariffs.

    ``folder`` is ``shared/data/cp2015_nafta/csv``. Its ``trade.csv`` is keyed
    ``sector, exporter, importer`` (the R original is an array indexed [importer, exporter,
    sector]; the CSV names the roles, checked by the deficits and by Mexico's higher 1993
    tariffs), flows are net of tariffs, intermediate and final consumption are
    tariff-inclusive. Values are converted from US dollars to US$ millions. Returns the baseline
    (1993 tariffs) and the counterfactual tariffs (``tariff_cfl``: 2005 rates on the six
    intra-NAFTA pairs, 1993 elsewhere) on (exporter, importer, sector).
    """
    folder = Path(folder)
    trade_t = _read(folder / "trade.csv", {"sector", "exporter", "importer", "value", "tariff"})
    ic = _read(folder / "intermediate_consumption.csv", {"input", "sector", "region", "value"})
    fc = _read(folder / "final_consumption.csv", {"sector", "region", "value"})
    va = _read(folder / "value_added.csv", {"sector", "region", "value"})
    th = _read(folder / "theta.csv", {"sector", "value"})
    regions = _read(folder / "regions.csv", {"region"})["region"].tolist()
    sectors = _read(folder / "sectors.csv", {"sector"})["sector"].astype(str).tolist()
    unknown = [r for r in regions if r not in CP2015_ISO3]
    if unknown:
        raise DataError(f"Region {unknown[0]!r} in {folder / 'regions.csv'} has no ISO3 code.")
    iso = [CP2015_ISO3[r] for r in regions]

    def cube(table: pd.DataFrame, keys: list[str], value: str, names: list[str]) -> xr.DataArray:
        levels = {"sector": sectors, "input": sectors, "exporter": regions, "importer": regions}
        levels["region"] = regions
        idx = pd.MultiIndex.from_product([levels[k] for k in keys], names=keys)
        series = table.set_index(keys)[value]
        if series.index.duplicated().any():
            raise DataError(f"Duplicate rows in {keys} of the CP2015 {value!r} table.")
        full = series.reindex(idx)
        if full.isna().any():
            raise DataError(f"CP2015 table with keys {keys} is not a complete grid.")
        shape = [len(levels[k]) for k in keys]
        coords = {
            name: (sectors if k in {"sector", "input"} else iso)
            for k, name in zip(keys, names, strict=True)
        }
        return xr.DataArray(full.to_numpy(dtype=float).reshape(shape), dims=names, coords=coords)

    tri = ["exporter", "importer", "sector"]
    flow_dims = [dims.EXPORTER, dims.IMPORTER, dims.SECTOR]
    trade = cube(trade_t, tri, "value", flow_dims) / 1e6
    tariff = cube(trade_t, tri, "tariff", flow_dims)
    tariff_cfl = cube(trade_t, tri, "tariff_cfl", flow_dims) if "tariff_cfl" in trade_t else tariff
    inter = cube(
        ic, ["region", "input", "sector"], "value", [dims.EXPORTER, dims.INPUT_SECTOR, dims.SECTOR]
    )
    inter = inter / 1e6
    frame = inter.to_dataframe(name="value")
    clipped = {
        "/".join(str(v) for v in (cell if isinstance(cell, tuple) else (cell,))): float(value)
        for cell, value in frame.loc[frame["value"] < 0, "value"].items()
    }
    inter = inter.clip(min=0.0)
    value_added = cube(va, ["region", "sector"], "value", [dims.EXPORTER, dims.SECTOR]) / 1e6
    final = cube(fc, ["region", "sector"], "value", [dims.IMPORTER, dims.SECTOR]) / 1e6
    theta = cube(th, ["sector"], "value", [dims.SECTOR])
    provenance = {
        "loader": "tradewinds.data.multisector_loaders.load_cp2015",
        "source": "Caliendo & Parro (2015), REStud 82(1), via paulofelipe/cp2015 (MIT)",
        "files": {n: file_sha256(folder / n) for n in CP2015_FILES if (folder / n).exists()},
        "regions": dict(zip(iso, regions, strict=True)),
        "negative_intermediate_set_to_zero_musd": clipped,
    }
    baseline = io_baseline(
        trade,
        tariff,
        inter,
        value_added,
        final,
        theta=theta,
        units=UNITS,
        year=1993,
        source="Caliendo & Parro (2015) NAFTA data, 31 regions x 40 sectors, 1993",
        provenance=provenance,
    )
    return baseline, tariff_cfl.rename("tariff")


def provenance_json(ds: xr.Dataset) -> str:
    """The provenance record of a baseline, pretty-printed."""
    return json.dumps(json.loads(ds.attrs.get("provenance", "{}")), indent=2, sort_keys=True)
