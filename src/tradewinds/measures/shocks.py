"""From measures to model shocks: the applied US tariff per model sector, exporter and importer.

For a date and a USMCA-share mode, the tariff of sector ``s`` on exporter ``e`` (any partner of
the 2024 weights, or a region of several) into the US is the import-weighted mean over the HTS10
lines mapped to ``s`` from every member ``c`` of ``e``:

    t[e, USA, s] = Σ_{c∈e} Σ_{i∈s} d_ci / Σ_{c∈e} Σ_{i∈s} m_ci

with ``d_ci`` the USMCA-blended stacked duty of :mod:`tradewinds.measures.etr` (MFN included) on
the goods of ``c`` and ``m_ci`` 2024 US imports from ``c``; a region's rate is thus weighted by its
members' 2024 US imports, line by line. Concordances (packaged by
``scripts/build_defaults.py``): HTS10 → GTAP
(Budget Lab crosswalk), HTS10 → HS6 → ISIC Rev.3 → WIOD 35 industries (Kim's concordance), and
ISIC Rev.3 divisions → the 20 tradable CP2015 sectors (Caliendo and Parro 2015). Lines a set does
not map are left out and their import share is logged. With ``sectors="one"`` every line is in
the single sector ``TOTAL``, so the result equals the overall effective rate.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from tradewinds.core import dims
from tradewinds.core.errors import ScenarioError
from tradewinds.measures.etr import COUNTRIES, partners, snapshot
from tradewinds.measures.registry import Registry, load_registry

logger = logging.getLogger(__name__)

SectorSet = Literal["gtap", "wiod", "cp2015", "one"]
SECTOR_SETS: tuple[str, ...] = ("gtap", "wiod", "cp2015", "one")

#: The 20 tradable sectors of Caliendo and Parro (2015), by index (sectors 21-40 are services).
CP2015_SECTORS = (
    "Agriculture", "Mining", "Food", "Textile", "Wood", "Paper", "Petroleum", "Chemicals",
    "Plastic", "Minerals", "Basic metals", "Metal products", "Machinery n.e.c", "Office",
    "Electrical", "Communication", "Medical", "Auto", "Other Transport", "Other",
)  # fmt: skip


def _labels(lines: pd.DataFrame, sectors: str) -> np.ndarray:
    out = np.empty(len(lines), dtype=object)
    if sectors == "one":
        out[:] = dims.TOTAL_SECTOR
        return out
    missing = lines[sectors].isna().to_numpy()
    values = lines[sectors].astype(str).to_numpy(dtype=object)
    for k, (value, absent) in enumerate(zip(values, missing, strict=True)):
        if absent:
            out[k] = None
        elif sectors == "cp2015":
            out[k] = CP2015_SECTORS[int(float(value)) - 1]
        else:
            out[k] = str(value).upper() if sectors == "gtap" else str(value)
    return out


def _order(sectors: str) -> Any:
    if sectors == "wiod":
        return lambda s: int(s[1:])
    if sectors == "cp2015":
        return CP2015_SECTORS.index
    return str


def sector_tariffs(
    date: dt.date,
    *,
    sectors: str = "gtap",
    usmca_shares: str = "2025h2",
    exporters: Sequence[str] = COUNTRIES,
    registry: Registry | None = None,
    members: Mapping[str, Sequence[str]] | None = None,
) -> xr.DataArray:
    """Applied US tariff rates as a DataArray on (exporter, importer, sector).

    ``members`` maps an exporter label to the partners (ISO3) it stands for (a region); a label
    it does not name stands for itself. Members without 2024 US imports are skipped; an exporter
    none of whose members has any gets NaN in every sector.
    """
    if sectors not in SECTOR_SETS:
        raise ScenarioError(f"Sector set {sectors!r} must be one of {list(SECTOR_SETS)}.")
    registry = registry or load_registry()
    registry.check_date(date)
    if registry is not load_registry():
        return _sector_tariffs(date, sectors, usmca_shares, exporters, registry, members)
    # The packaged registry: every partner's table is seconds of work (one engine pass per
    # partner), so it is kept in the user cache, keyed by the registry's and the weights' files,
    # the engine's source and the arguments.
    from tradewinds.core.cache import cached
    from tradewinds.measures.registry_files import ENGINE_MODULES, packaged_sources

    groups = {e: list((members or {}).get(e, (e,))) for e in exporters}
    extra = json.dumps(
        {"date": date.isoformat(), "sectors": sectors, "shares": usmca_shares, "groups": groups},
        sort_keys=True,
    )
    return cached(
        "sector-tariffs",
        packaged_sources(),
        lambda: _sector_tariffs(date, sectors, usmca_shares, exporters, registry, members),
        code=ENGINE_MODULES,
        extra=f"{extra}|numpy {np.__version__}|xarray {xr.__version__}",
    )


def _sector_tariffs(
    date: dt.date,
    sectors: str,
    usmca_shares: str,
    exporters: Sequence[str],
    registry: Registry,
    members: Mapping[str, Sequence[str]] | None,
) -> xr.DataArray:
    known = set(partners())
    per_exporter: dict[str, dict[str, float]] = {}
    for exporter in exporters:
        group = [c for c in (members or {}).get(exporter, (exporter,)) if c in known]
        keys_parts: list[np.ndarray] = []
        duty_parts: list[np.ndarray] = []
        import_parts: list[np.ndarray] = []
        for country in group:
            snap = snapshot(country, date, usmca_shares, registry)
            labels = _labels(snap.lines.reset_index(drop=True), sectors)
            mapped = np.array([v is not None for v in labels], dtype=bool)
            if not mapped.all() and snap.imports.sum() > 0:
                share = snap.imports[~mapped].sum() / snap.imports.sum()
                logger.info(
                    "%s: %.2f%% of imports not mapped to %s sectors", country, 100 * share, sectors
                )
            keys_parts.append(labels[mapped].astype(str))
            duty_parts.append(snap.duty.sum(axis=1).to_numpy()[mapped])
            import_parts.append(snap.imports[mapped])
        if not keys_parts:
            per_exporter[exporter] = {}
            continue
        uniq, inv = np.unique(np.concatenate(keys_parts), return_inverse=True)
        duty = np.bincount(inv, weights=np.concatenate(duty_parts))
        value = np.bincount(inv, weights=np.concatenate(import_parts))
        with np.errstate(invalid="ignore", divide="ignore"):
            per_exporter[exporter] = dict(
                zip(uniq, np.where(value > 0, duty / value, np.nan), strict=True)
            )
    labels_all = sorted(set().union(*[set(v) for v in per_exporter.values()]), key=_order(sectors))
    data = np.array([[[per_exporter[e].get(s, np.nan) for s in labels_all]] for e in exporters])
    return xr.DataArray(
        data,
        dims=(dims.EXPORTER, dims.IMPORTER, dims.SECTOR),
        coords={dims.EXPORTER: list(exporters), dims.IMPORTER: ["USA"], dims.SECTOR: labels_all},
        name=dims.TARIFF,
        attrs={
            "units": "ad valorem fraction",
            "date": date.isoformat(),
            "usmca_shares": usmca_shares,
            "sector_set": sectors,
            "source": "tradewinds measure registry; weights US imports 2024 (Budget Lab)",
        },
    )


def as_shock_records(table: xr.DataArray, note: str = "") -> list[dict[str, Any]]:
    """The table as ``shocks.tariffs`` entries of a scenario (one per exporter/importer/sector)."""
    out: list[dict[str, Any]] = []
    label = note or f"registry tariffs as of {table.attrs.get('date', '?')}"
    for e in table[dims.EXPORTER].values:
        for i in table[dims.IMPORTER].values:
            for s in table[dims.SECTOR].values:
                rate = float(table.sel({dims.EXPORTER: e, dims.IMPORTER: i, dims.SECTOR: s}))
                if not np.isnan(rate):
                    out.append(
                        {
                            "importer": str(i),
                            "exporter": str(e),
                            "rate": round(rate, 6),
                            "sectors": [str(s)],
                            "note": label,
                        }
                    )
    return out
