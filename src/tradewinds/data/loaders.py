"""Loaders: the bundled defaults, the 194-country BACI aggregate, raw BACI HS6 files, netCDF.

:func:`load_baseline` resolves a name or a path to a validated baseline:

- a bundled default by name (``default``, see :func:`bundled_names`);
- a folder laid out like ``liberation_day_ignatenko2025`` (``trade_cepii.csv``,
  ``country_labels.csv``, ``gdp.csv``);
- a BACI HS6 CSV as CEPII distributes it (columns ``t,i,j,k,v,q``);
- a netCDF file written by :func:`save_baseline`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from tradewinds.core import dims
from tradewinds.core.errors import DataError, UnknownLabelError
from tradewinds.data._lazy_dask import install as _lazy_dask
from tradewinds.data.arrays import BUNDLED as _BUNDLED
from tradewinds.data.baseline import make_baseline, validate_baseline

_lazy_dask()  # bundled baselines load without importing dask (see tradewinds.data._lazy_dask)

log = logging.getLogger(__name__)

#: Money unit of every baseline this module builds.
UNITS = "millions of current US dollars"

#: Bundled baselines: name -> file in ``tradewinds/defaults`` (listed in data.arrays, which
#: serves their arrays without xarray).
BUNDLED = _BUNDLED


def bundled_names() -> list[str]:
    """Names accepted by :func:`load_baseline` for the bundled defaults."""
    return sorted(BUNDLED)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, for provenance records."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_baseline(name_or_path: str | Path = "default") -> xr.Dataset:
    """Load a baseline by bundled name or path; see the module docstring for accepted forms."""
    key = str(name_or_path)
    if key in BUNDLED:
        ref = resources.files("tradewinds") / "defaults" / BUNDLED[key]
        with resources.as_file(ref) as path:
            return _read_bundled(path)
    path = Path(key).expanduser()
    if not path.exists():
        hint = ", ".join(bundled_names())
        raise DataError(
            f"Baseline {key!r} is neither a bundled name ({hint}) nor an existing path. "
            "Pass a bundled name, a folder like liberation_day_ignatenko2025, a BACI CSV "
            "or a .nc file."
        )
    if path.is_dir():
        if (path / "trade_cepii.csv").exists():
            return load_liberation_day(path)
        raise DataError(
            f"Folder {str(path)!r} has no trade_cepii.csv; expected the layout of "
            "shared/data/liberation_day_ignatenko2025 "
            "(trade_cepii.csv, country_labels.csv, gdp.csv)."
        )
    from tradewinds.core.inputs import check_input_file

    check_input_file(path, "baseline file")
    if path.suffix == ".nc":
        return read_netcdf(path)
    if path.suffix in {".csv", ".gz"}:
        return load_baci(path)
    raise DataError(f"Cannot tell what kind of baseline {str(path)!r} is (suffix {path.suffix!r}).")


def _read_bundled(path: Path) -> xr.Dataset:
    """A bundled baseline, kept decoded in the user cache (keyed by the file's contents).

    Decoding netCDF needs scipy.io, whose import costs more than a small model's solve; the
    cached copy is validated again on every load, like a file read afresh.
    """
    from tradewinds.core.cache import cached

    ds = cached(
        f"baseline-{path.stem}",
        [path],
        lambda: _decode_netcdf(path),
        code=[__name__],
        extra=f"xarray {xr.__version__} numpy {np.__version__}",
    )
    validate_baseline(ds)
    return ds


def _decode_netcdf(path: Path) -> xr.Dataset:
    try:
        with xr.open_dataset(path, engine="scipy") as handle:
            ds = handle.load()
    except (OSError, ValueError, TypeError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0].rstrip(":")
        raise DataError(
            f"Cannot read baseline file {str(path)!r} as netCDF-3 ({first}). Give a file written "
            "by tradewinds (save_baseline), a bundled name or a data folder."
        ) from None
    for dim in (dims.EXPORTER, dims.IMPORTER, dims.SECTOR, dims.INPUT_SECTOR):
        if dim in ds.coords:
            ds = ds.assign_coords({dim: [str(v) for v in ds[dim].values]})
    return ds


def read_netcdf(path: Path) -> xr.Dataset:
    """Read and validate a baseline saved with :func:`save_baseline`."""
    ds = _decode_netcdf(path)
    validate_baseline(ds)
    return ds


def save_baseline(ds: xr.Dataset, path: Path) -> None:
    """Write a baseline as netCDF-3 (readable with scipy alone)."""
    validate_baseline(ds)
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.to_netcdf(path, engine="scipy")


def load_liberation_day(folder: Path) -> xr.Dataset:
    """The 194-country BACI 2023 aggregate of Ignatenko et al. (2025), one sector.

    ``trade_cepii.csv`` is a 194 x 194 matrix in thousands of USD, rows exporters and columns
    importers, without domestic flows. ``gdp.csv`` holds GDP in current USD. Domestic absorption
    is GDP minus exports; where exports exceed GDP (two small re-exporting economies in 2023) it
    is set to zero and the adjustment is recorded in the provenance and logged. Baseline tariffs
    are zero: the dataset has no applied-tariff matrix. Values are converted to US$ millions.
    """
    from tradewinds.core.inputs import check_input_file

    folder = Path(folder)
    files = {name: folder / name for name in ("trade_cepii.csv", "country_labels.csv", "gdp.csv")}
    for name, path in files.items():
        if not path.exists():
            raise DataError(
                f"Missing {name} in {str(folder)!r}; the folder needs all of {list(files)}."
            )
        check_input_file(path, "baseline data file")
    labels = pd.read_csv(files["country_labels.csv"], dtype={"iso3": str})
    flows = pd.read_csv(files["trade_cepii.csv"]).fillna(0.0).to_numpy(dtype=float) / 1e3
    gdp = pd.read_csv(files["gdp.csv"])["gdp"].to_numpy(dtype=float) / 1e6
    iso = labels["iso3"].str.upper().tolist()
    n = len(iso)
    if flows.shape != (n, n) or gdp.shape != (n,):
        raise DataError(
            f"Shapes disagree in {str(folder)!r}: trade {flows.shape}, gdp {gdp.shape}, "
            f"{n} country labels. All three must list the same countries in the same order."
        )
    np.fill_diagonal(flows, 0.0)
    exports = flows.sum(axis=1)
    domestic = gdp - exports
    clipped = {iso[k]: float(domestic[k]) for k in np.flatnonzero(domestic < 0)}
    for country, value in clipped.items():
        # A property of the data, not of a run: recorded in the provenance and shown by
        # `tradewinds baseline info`, not printed every time the baseline loads.
        log.info(
            "%s: exports exceed GDP by US$%.0f m; domestic absorption set to zero", country, -value
        )
    np.fill_diagonal(flows, np.maximum(domestic, 0.0))
    trade = xr.DataArray(
        flows, dims=(dims.EXPORTER, dims.IMPORTER), coords={dims.EXPORTER: iso, dims.IMPORTER: iso}
    )
    provenance: dict[str, Any] = {
        "loader": "tradewinds.data.loaders.load_liberation_day",
        "source": "CEPII BACI HS22 V202501, year 2023, aggregated by Ignatenko et al. (2025)",
        "files": {name: file_sha256(path) for name, path in files.items()},
        "domestic_absorption": "GDP minus exports",
        "domestic_absorption_clipped_to_zero": clipped,
        "tariffs": "zero (the dataset has no applied-tariff matrix)",
    }
    return make_baseline(
        trade, units=UNITS, year=2023, source="BACI 2023 (194 countries)", provenance=provenance
    )


def _read_baci(path: Path, need: set[str]) -> pd.DataFrame:
    """The rows of a BACI HS6 file, with the columns ``need`` checked (one message if not)."""
    try:
        raw = pd.read_csv(path, dtype={"k": str}, skipinitialspace=True)
    except (OSError, pd.errors.ParserError) as exc:
        raise DataError(f"Cannot read BACI file {str(path)!r}: {exc}") from exc
    raw.columns = [c.strip() for c in raw.columns]
    if not need <= set(raw.columns):
        raise DataError(
            f"{str(path)!r} is not a BACI file: columns {list(raw.columns)}, expected t,i,j,k,v,q."
        )
    return raw


def _check_baci_countries(raw: pd.DataFrame, codes: dict[int, str]) -> None:
    """Every exporter and importer code of ``raw`` is in the release's country-code table."""
    for col in ("i", "j"):
        unknown = sorted(set(raw[col].astype(int)) - set(codes))
        if unknown:
            raise DataError(
                f"BACI country code {unknown[0]} (column {col}) is not in the country-code table; "
                "pass the country_codes file of the same BACI release."
            )


def load_baci(
    path: Path,
    *,
    country_codes: Path | None = None,
    gdp: Path | pd.Series | None = None,
    year: int | None = None,
) -> xr.Dataset:
    """Aggregate a BACI HS6 file (``t,i,j,k,v,q``; ``v`` in thousands of USD) to country totals.

    ``i`` and ``j`` are CEPII numeric country codes, mapped to ISO3 with the ``country_codes``
    table CEPII ships beside the data (``country_code, country_iso3``). By default it is looked for
    next to ``path`` as ``country_codes_*.csv``. ``gdp`` (a CSV ``iso3,gdp`` in current USD, or a
    Series) supplies domestic absorption as GDP minus exports; without it, domestic absorption is
    taken as zero, which no GE model can use, so a :class:`DataError` says what to pass.
    """
    path = Path(path)
    raw = _read_baci(path, {"t", "i", "j", "k", "v", "q"})
    years = sorted(raw["t"].unique().tolist())
    if year is None:
        if len(years) != 1:
            raise DataError(f"{str(path)!r} holds years {years}; pass year= to pick one.")
        year = int(years[0])
    raw = raw[raw["t"] == year]
    codes = _baci_codes(path, country_codes)
    _check_baci_countries(raw, codes)
    raw = raw.assign(
        exporter=raw["i"].astype(int).map(codes), importer=raw["j"].astype(int).map(codes)
    )
    totals = raw.groupby(["exporter", "importer"])["v"].sum() / 1e3
    iso = sorted(set(totals.index.get_level_values(0)) | set(totals.index.get_level_values(1)))
    flows = (
        totals.unstack("importer").reindex(index=iso, columns=iso).fillna(0.0).to_numpy(copy=True)
    )
    np.fill_diagonal(flows, 0.0)
    if gdp is None:
        raise DataError(
            "BACI has no domestic flows; pass gdp= (CSV iso3,gdp in current USD) so that domestic "
            f"absorption can be set to GDP minus exports for the {len(iso)} countries in "
            f"{str(path)!r}."
        )
    gdp_series = gdp if isinstance(gdp, pd.Series) else _read_gdp(Path(gdp))
    missing = [c for c in iso if c not in gdp_series.index]
    if missing:
        raise UnknownLabelError("country", missing[0], list(gdp_series.index), "the GDP table")
    domestic = gdp_series.reindex(iso).to_numpy(dtype=float) / 1e6 - flows.sum(axis=1)
    clipped = {iso[k]: float(domestic[k]) for k in np.flatnonzero(domestic < 0)}
    np.fill_diagonal(flows, np.maximum(domestic, 0.0))
    trade = xr.DataArray(
        flows, dims=(dims.EXPORTER, dims.IMPORTER), coords={dims.EXPORTER: iso, dims.IMPORTER: iso}
    )
    provenance = {
        "loader": "tradewinds.data.loaders.load_baci",
        "files": {path.name: file_sha256(path)},
        "products": int(raw["k"].nunique()),
        "domestic_absorption_clipped_to_zero": clipped,
    }
    return make_baseline(
        trade, units=UNITS, year=year, source=f"BACI HS6 {year}", provenance=provenance
    )


def _baci_codes(path: Path, table: Path | None) -> dict[int, str]:
    if table is None:
        found = sorted(path.parent.glob("country_codes*.csv"))
        if not found:
            raise DataError(
                f"No country_codes*.csv next to {str(path)!r}; pass country_codes= "
                "(the table CEPII ships with BACI)."
            )
        table = found[-1]
    from tradewinds.core.inputs import check_input_file

    check_input_file(Path(table), "country-code table")  # found beside the file, never opened
    codes = pd.read_csv(table, dtype=str)
    code_col = next((c for c in codes.columns if c.lower() in {"country_code", "code"}), None)
    iso_col = next((c for c in codes.columns if "iso3" in c.lower()), None)
    if code_col is None or iso_col is None:
        raise DataError(
            f"Country-code table {str(table)!r} needs country_code and country_iso3 columns; "
            f"it has {list(codes.columns)}."
        )
    codes = codes.dropna(subset=[code_col, iso_col])
    return dict(zip(codes[code_col].astype(int), codes[iso_col].str.upper(), strict=True))


def _read_gdp(path: Path) -> pd.Series:
    table = pd.read_csv(path, dtype={"iso3": str})
    if not {"iso3", "gdp"} <= set(table.columns):
        raise DataError(
            f"GDP table {str(path)!r} needs columns iso3,gdp; it has {list(table.columns)}."
        )
    return table.set_index(table["iso3"].str.upper())["gdp"].astype(float)


def provenance_of(ds: xr.Dataset) -> dict[str, Any]:
    """The provenance record of a baseline, decoded."""
    return dict(json.loads(ds.attrs.get("provenance", "{}")))


def read_baci_flows(
    path: Path, *, country_codes: Path | None = None, year: int | None = None
) -> pd.DataFrame:
    """Product-level flows of a BACI HS6 file: ``year, exporter, importer, hs6, value_usd``.

    Same file and country-code table as :func:`load_baci` (``v`` in thousands of USD, codes
    mapped to ISO3), without aggregation: the product-level view used by ``tradewinds diversify
    products``.
    """
    path = Path(path)
    raw = _read_baci(path, {"t", "i", "j", "k", "v"})
    if year is not None:
        raw = raw[raw["t"] == year]
    codes = _baci_codes(path, country_codes)
    _check_baci_countries(raw, codes)
    return pd.DataFrame(
        {
            "year": raw["t"].astype(int),
            "exporter": raw["i"].astype(int).map(codes),
            "importer": raw["j"].astype(int).map(codes),
            "hs6": raw["k"].astype(str).str.strip().str.zfill(6),
            "value_usd": pd.to_numeric(raw["v"], errors="coerce").fillna(0.0) * 1e3,
        }
    )
