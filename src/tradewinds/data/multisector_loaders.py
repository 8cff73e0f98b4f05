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
    from tradewinds.core.inputs import check_input_file

    if not path.exists():
        raise DataError(f"Missing file {str(path)!r}.")
    check_input_file(path, "data file")  # a FIFO or device in the folder would hang the read
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


def baseline_from_iot(
    z: np.ndarray[Any, Any],
    final: np.ndarray[Any, Any],
    countries: list[str],
    sectors: list[str],
    *,
    year: int,
    source: str,
    provenance: dict[str, Any],
    theta: xr.DataArray | None = None,
    units: str = UNITS,
) -> xr.Dataset:
    """A multi-sector baseline from a world input–output table in basic prices.

    ``z`` is the intermediate block, rows origin (country, industry) and columns user (country,
    industry), both country-major; ``final`` is (origin country-industry, destination country),
    already summed over final-use categories. Negative final-demand cells (inventory
    drawdowns, and negative direct purchases abroad in ICIO) are set to zero; value added is
    gross output (sales, so that it matches the trade flows) minus the column sums of ``z``,
    floored at zero. Both adjustments are recorded in the provenance. Tariffs are zero:
    input–output tables carry no tariff matrix.
    """
    n, j = len(countries), len(sectors)
    if z.shape != (n * j, n * j) or final.shape != (n * j, n):
        raise DataError(
            f"Input-output blocks have shapes {z.shape} and {final.shape}; expected "
            f"{(n * j, n * j)} and {(n * j, n)} for {n} countries x {j} industries."
        )
    negative_final = final < 0
    provenance = dict(provenance)
    provenance["negative_final_demand_set_to_zero"] = {
        "cells": int(negative_final.sum()),
        "total": float(final[negative_final].sum()),
    }
    final = np.where(negative_final, 0.0, final)
    z4 = z.reshape(n, j, n, j)  # origin country, input, user country, user industry
    f3 = final.reshape(n, j, n)  # origin country, industry, destination
    trade = z4.sum(axis=3).transpose(0, 2, 1) + f3.transpose(0, 2, 1)  # (i, n, k)
    inter = z4.sum(axis=0).transpose(1, 0, 2)  # (user country, input, user industry)
    sales = trade.sum(axis=1)  # (i, k)
    va = sales - inter.sum(axis=1)
    negative_va = va < 0
    provenance["negative_value_added_set_to_zero"] = {
        f"{countries[a]}/{sectors[b]}": float(va[a, b])
        for a, b in zip(*np.nonzero(negative_va), strict=True)
    }
    va = np.where(negative_va, 0.0, va)
    spend = f3.sum(axis=0).T  # (destination, industry)
    c3 = {dims.EXPORTER: countries, dims.IMPORTER: countries, dims.SECTOR: sectors}
    trade_da = xr.DataArray(trade, dims=tuple(c3), coords=c3)
    return io_baseline(
        trade_da,
        xr.zeros_like(trade_da),
        xr.DataArray(
            inter,
            dims=(dims.EXPORTER, dims.INPUT_SECTOR, dims.SECTOR),
            coords={dims.EXPORTER: countries, dims.INPUT_SECTOR: sectors, dims.SECTOR: sectors},
        ),
        xr.DataArray(
            va,
            dims=(dims.EXPORTER, dims.SECTOR),
            coords={dims.EXPORTER: countries, dims.SECTOR: sectors},
        ),
        xr.DataArray(
            spend,
            dims=(dims.IMPORTER, dims.SECTOR),
            coords={dims.IMPORTER: countries, dims.SECTOR: sectors},
        ),
        theta=theta,
        units=units,
        year=year,
        source=source,
        provenance=provenance,
    )


def _theta_array(theta: float | dict[str, float] | None, sectors: list[str]) -> xr.DataArray | None:
    if theta is None:
        return None
    if isinstance(theta, dict):
        missing = [s for s in sectors if s not in theta]
        if missing:
            raise DataError(f"No trade elasticity for sector {missing[0]!r}.")
        values = [float(theta[s]) for s in sectors]
    else:
        values = [float(theta)] * len(sectors)
    return xr.DataArray(values, dims=dims.SECTOR, coords={dims.SECTOR: sectors})


def load_wiod2013(folder: Path, theta: dict[str, float] | None = None) -> xr.Dataset:
    """The WIOD 2013-release WIOT as converted in ``shared/data/wiod2013_release_2011``.

    Files: ``countries.csv``, ``industries.csv``, ``wiot2011_intermediate.csv.gz`` (1435 x 1435,
    row = supplying ``COUNTRY_cK``, column = using ``COUNTRY_cK``) and
    ``wiot2011_final_demand.csv.gz`` (columns ``COUNTRY_{CONS_h,CONS_np,CONS_g,GFCF,INVEN}``).
    Sectors keep the WIOD codes ``c1`` … ``c35``; ``RoW`` becomes ``ROW``.
    """
    z, by_use, iso, sectors, files = read_wiot2013_blocks(folder)
    provenance = {
        "loader": "tradewinds.data.multisector_loaders.load_wiod2013",
        "source": "WIOD 2013 release, WIOT 2011 (Timmer et al. 2015), via bquast/wiod",
        "files": files,
        "tariffs": "zero (the WIOT has no tariff matrix)",
    }
    return baseline_from_iot(
        z,
        by_use.sum(axis=2),
        iso,
        sectors,
        year=2011,
        source="WIOD 2013 release, world input-output table 2011 (41 regions x 35 industries)",
        provenance=provenance,
        theta=_theta_array(theta, sectors),
    )


#: Final-use columns of the WIOD 2016 release (numbers 57-61 after the 56 industries).
WIOD2016_FINAL = ("CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN")


def load_wiod2016(path: Path, theta: float | dict[str, float] | None = None) -> xr.Dataset:
    """A WIOT of the WIOD 2016 release in its R/CSV layout (``WIOT2014_October16_ROW``).

    Columns ``IndustryCode, IndustryDescription, Country, RNr, Year``, then one column per user
    country and number (``AUS1`` … ``AUS56`` industries, ``AUS57`` … ``AUS61`` final uses
    CONS_h, CONS_np, CONS_g, GFCF, INVEN), then ``TOT``. Rows with ``RNr`` 1-56 are the
    industries of ``Country``; summary rows (``RNr`` above 56: II_fob, TXSP, …, VA, GO) are
    ignored, since value added is rebuilt as output minus inputs. Money in US$ millions.
    """
    path = Path(path)
    table = _read(path, {"IndustryCode", "Country", "RNr", "Year"})
    years = sorted(table["Year"].dropna().unique().tolist())
    if len(years) != 1:
        raise DataError(f"{str(path)!r} holds years {years}; pass one table per year.")
    body = table[pd.to_numeric(table["RNr"], errors="coerce") <= 56]
    body = body.assign(RNr=pd.to_numeric(body["RNr"]))
    countries = list(dict.fromkeys(body["Country"].astype(str)))
    position = {c: k for k, c in enumerate(table.columns)}
    countries.sort(key=lambda c: position.get(f"{c}1", len(position)))
    sectors = list(
        dict.fromkeys(body.sort_values("RNr", kind="stable")["IndustryCode"].astype(str))
    )
    j = len(sectors)
    numbers = range(1, j + 1)
    z_cols = [f"{c}{k}" for c in countries for k in numbers]
    f_cols = [f"{c}{k}" for c in countries for k in range(j + 1, j + 1 + len(WIOD2016_FINAL))]
    missing = [c for c in (*z_cols, *f_cols) if c not in table.columns]
    if missing:
        raise DataError(f"{str(path)!r} lacks column {missing[0]!r} of the WIOD 2016 layout.")
    order = {(c, s): k for k, (c, s) in enumerate((c, s) for c in countries for s in sectors)}
    keys = list(zip(body["Country"].astype(str), body["IndustryCode"].astype(str), strict=True))
    if sorted(order[k] for k in keys) != list(range(len(order))):
        raise DataError(f"{str(path)!r} does not have one row per country and industry.")
    body = body.iloc[np.argsort([order[k] for k in keys])]
    final = body[f_cols].to_numpy(dtype=float).reshape(len(body), len(countries), -1).sum(axis=2)
    iso = ["ROW" if c.upper() == "ROW" else c.upper() for c in countries]
    provenance = {
        "loader": "tradewinds.data.multisector_loaders.load_wiod2016",
        "source": "WIOD 2016 release (Timmer et al. 2016)",
        "files": {path.name: file_sha256(path)},
        "tariffs": "zero (the WIOT has no tariff matrix)",
    }
    return baseline_from_iot(
        body[z_cols].to_numpy(dtype=float),
        final,
        iso,
        sectors,
        year=int(years[0]),
        source=f"WIOD 2016 release, world input-output table {int(years[0])}",
        provenance=provenance,
        theta=_theta_array(theta, sectors),
    )


#: ICIO country codes merged into one country (the 2023 release splits China and Mexico).
ICIO_MERGE = {"CN1": "CHN", "CN2": "CHN", "MX1": "MEX", "MX2": "MEX"}
#: Final-demand categories of the ICIO 2023 release.
ICIO_FINAL = ("HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR")


def load_icio(path: Path, year: int, theta: float | dict[str, float] | None = None) -> xr.Dataset:
    """An OECD Inter-Country Input–Output table in the CSV layout of the 2023 release.

    The first column holds row labels ``COU_IND`` (e.g. ``AUS_A01_02``) followed by ``TLS``,
    ``VA`` and ``OUT``; columns are ``COU_IND`` users, then ``COU_{HFCE, NPISH, GGFC, GFCF,
    INVNT, DPABR}`` final uses, then ``OUT``. Split countries (``CN1/CN2``, ``MX1/MX2``) are
    merged into ``CHN`` and ``MEX``. The CSV does not state its year, so pass it. Money in US$
    millions.
    """
    path = Path(path)
    try:
        table = pd.read_csv(path, index_col=0)
    except (OSError, pd.errors.ParserError) as exc:
        raise DataError(f"Cannot read ICIO file {str(path)!r}: {exc}") from exc
    table.index = table.index.astype(str)
    rows = [r for r in table.index if "_" in r]
    if not rows:
        raise DataError(f"{str(path)!r} has no COU_IND rows; is it an ICIO 2023 CSV?")

    def split(label: str) -> tuple[str, str]:
        cou, ind = label.split("_", 1)
        return ICIO_MERGE.get(cou, cou), ind

    row_keys = [split(r) for r in rows]
    countries = list(dict.fromkeys(c for c, _ in row_keys))
    sectors = list(dict.fromkeys(s for _, s in row_keys))
    z_cols = [c for c in table.columns if "_" in c and c.split("_", 1)[1] not in ICIO_FINAL]
    f_cols = [c for c in table.columns if "_" in c and c.split("_", 1)[1] in ICIO_FINAL]
    if [c for c in z_cols if c not in rows] or not f_cols:
        raise DataError(
            f"{str(path)!r}: user columns must match the row labels and final-use columns "
            f"({', '.join(ICIO_FINAL)}) must exist."
        )
    block = table.loc[rows, z_cols].astype(float)
    block.index = pd.MultiIndex.from_tuples(row_keys)
    block.columns = pd.MultiIndex.from_tuples([split(c) for c in z_cols])
    z = block.T.groupby(level=[0, 1], sort=False).sum().T.groupby(level=[0, 1], sort=False).sum()
    full = pd.MultiIndex.from_product([countries, sectors])
    z = z.reindex(index=full, columns=full, fill_value=0.0)
    fin = table.loc[rows, f_cols].astype(float)
    fin.index = pd.MultiIndex.from_tuples(row_keys)
    fin.columns = [ICIO_MERGE.get(c.split("_", 1)[0], c.split("_", 1)[0]) for c in f_cols]
    fin = fin.T.groupby(level=0, sort=False).sum().T.groupby(level=[0, 1], sort=False).sum()
    fin = fin.reindex(index=full, columns=countries, fill_value=0.0)
    provenance = {
        "loader": "tradewinds.data.multisector_loaders.load_icio",
        "source": "OECD Inter-Country Input-Output tables, 2023 release",
        "files": {path.name: file_sha256(path)},
        "merged": ICIO_MERGE,
        "tariffs": "zero (the ICIO has no tariff matrix)",
    }
    return baseline_from_iot(
        z.to_numpy(),
        fin.to_numpy(),
        countries,
        sectors,
        year=year,
        source=f"OECD ICIO 2023 release, {year}",
        provenance=provenance,
        theta=_theta_array(theta, sectors),
    )


#: Final-use categories of the WIOD 2013 release, in the column order of each country.
WIOD2013_FINAL = ("CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN")


def read_wiot2013_blocks(
    folder: Path,
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], list[str], list[str], dict[str, str]]:
    """The raw blocks of the WIOD 2013-release WIOT, before any adjustment.

    Returns the intermediate block ``z`` (origin country-industry x user country-industry,
    country-major), the final uses by category ``final`` (origin country-industry x destination
    country x :data:`WIOD2013_FINAL`, inventory changes negative where stocks fell), the ISO3
    country labels as :func:`load_wiod2013` gives them (``RoW`` as ``ROW``; Romania keeps WIOD's
    ``ROM``), the industry codes and the
    SHA-256 of each file read. This is the prior of the ``wiod2023`` update
    (``scripts/build_wiod2023.py``), which needs the categories that :func:`load_wiod2013` sums.
    """
    folder = Path(folder)
    names = ("countries.csv", "industries.csv")
    blocks = ("wiot2011_intermediate.csv.gz", "wiot2011_final_demand.csv.gz")
    countries = _read(folder / names[0], {"country"})["country"].astype(str).tolist()
    sectors = _read(folder / names[1], {"wiod_code"})["wiod_code"].astype(str).tolist()
    from tradewinds.core.inputs import check_input_file

    for block in blocks:
        check_input_file(folder / block, "WIOD table file")
    z = pd.read_csv(folder / blocks[0], index_col=0)
    f = pd.read_csv(folder / blocks[1], index_col=0)
    rows = [f"{c}_{s}" for c in countries for s in sectors]
    if list(z.index) != rows or list(z.columns) != rows:
        raise DataError(f"{blocks[0]} is not ordered country-major as {rows[:2]} ...")
    f_cols = [f"{c}_{k}" for c in countries for k in WIOD2013_FINAL]
    if list(f.columns) != f_cols or list(f.index) != rows:
        raise DataError(f"{blocks[1]} columns are not {f_cols[:5]} ... for every country.")
    iso = ["ROW" if c == "RoW" else c.upper() for c in countries]
    final = f.to_numpy(dtype=float).reshape(len(rows), len(countries), len(WIOD2013_FINAL))
    files = {n: file_sha256(folder / n) for n in (*names, *blocks)}
    return z.to_numpy(dtype=float), final, iso, sectors, files
