"""Scenario shocks from the tariff-measure registry: ``shocks.tariffs_as_of`` and its overrides.

The scenario's registry is the packaged one plus its measure files, then modified by the
overrides (copies of :class:`~tradewinds.measures.schema.Measure` records with updated fields):

* ``remove_usmca_exemption``: every US record gets ``usmca: none`` and the claim shares are set to
  zero (mode ``none`` of :mod:`tradewinds.measures.etr`), so the MFN preference of claimed lines,
  which the stacking engine keys on the claim rather than on a record, goes too;
* ``ieepa_rate``: every unconditional IEEPA record on the country in force on the date gets the
  rate (the transshipment penalty keeps its own);
* ``scale_programmes``: rates of a programme times the factor; a factor of 0 drops the records,
  so precedence rules no longer give way to the programme.

The applied US tariffs per model sector come from :func:`tradewinds.measures.shocks.sector_tariffs`
(MFN included) for the sector set the baseline uses, and set the (exporter, USA) cells of every
exporter of the baseline (:func:`exporter_members`: a country its own lines, a region its members'
lines weighted by their 2024 US imports, ``ROW`` every partner no other label claims), or of the
exporters in ``shocks.tariffs_only`` (for example ``[CAN, MEX]``, the Canada-Mexico-only question).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import logging
from collections.abc import Sequence
from importlib import resources

import numpy as np
import pandas as pd
import xarray as xr

from tradewinds.core import dims
from tradewinds.core.errors import ScenarioError, UnknownLabelError
from tradewinds.measures.registry import Registry, load_registry
from tradewinds.measures.schema import Measure
from tradewinds.scenarios.schema import RegistryOverrides, Scenario

log = logging.getLogger(__name__)

#: The Canada-Mexico lens: the partners whose US MFN rates the retaliation rules read.
REGISTRY_EXPORTERS = ("CAN", "MEX")
#: The regions of the bundled 11-region baseline (country, region), in ``tradewinds/defaults``.
REGION_TABLE = "regions_ld2023.csv"
WIOD_CODES = tuple(f"c{k}" for k in range(1, 36))
#: Packaged tables mapping WIOD codes to a baseline's sector labels (columns ``wiod_code`` and
#: ``name``, or ``sector``), looked up in ``tradewinds/defaults``.
SECTOR_TABLES = ("wiod2011_sectors.csv",)


def scenario_registry(scenario: Scenario, date: dt.date | None = None) -> Registry:
    """The packaged registry plus the scenario's measure files, with its overrides applied."""
    registry = load_registry(scenario.measure_file_paths())
    return apply_overrides(registry, scenario.shocks.overrides, date)


def apply_overrides(
    registry: Registry, overrides: RegistryOverrides, date: dt.date | None
) -> Registry:
    """A new registry with ``overrides`` applied to copies of the records (module docstring)."""
    if overrides.is_empty():
        return registry
    measures: list[Measure] = list(registry.measures)
    known = {m.id for m in measures}
    for measure_id in overrides.activate:
        if measure_id not in known:
            raise UnknownLabelError(
                "measure", measure_id, sorted(known), "shocks.overrides.activate"
            )
    measures = [
        m.model_copy(update={"status": "in_force"}) if m.id in overrides.activate else m
        for m in measures
    ]
    if overrides.remove_usmca_exemption:
        measures = [
            m.model_copy(update={"usmca": "none"}) if m.imposing == "USA" else m for m in measures
        ]
    for country, level in overrides.ieepa_rate.items():
        where = f"shocks.overrides.ieepa_rate.{country}"
        if date is None:
            raise ScenarioError(f"{where}: needs shocks.tariffs_as_of (the date it applies).")
        hits = [
            k
            for k, m in enumerate(measures)
            if m.authority == "ieepa"
            and m.imposing == "USA"
            and m.condition is None
            and m.in_force(date)
            and m.targets_country(country)
        ]
        if not hits:
            raise ScenarioError(
                f"{where}: no IEEPA measure on {country} is in force on {date.isoformat()}, so "
                "there is no rate to set. Add a measure file (overrides.measure_files) or an "
                "explicit entry in shocks.tariffs instead."
            )
        for k in hits:
            measures[k] = measures[k].model_copy(update={"rate": level})
    programmes = sorted({m.programme for m in measures})
    for programme, factor in overrides.scale_programmes.items():
        where = "shocks.overrides.scale_programmes"
        if programme not in programmes:
            raise UnknownLabelError("programme", programme, programmes, where)
        if factor == 0:
            measures = [m for m in measures if m.programme != programme]
        elif programme == "mfn":
            raise ScenarioError(
                f"{where}: the MFN rates come from the HTS table line by line and cannot be "
                "scaled; use 0 to drop MFN duties, or an explicit entry in shocks.tariffs."
            )
        else:
            measures = [
                m.model_copy(update={"rate": m.rate * factor}) if m.programme == programme else m
                for m in measures
            ]
    return dataclasses.replace(registry, measures=tuple(measures))


def usmca_mode(scenario: Scenario) -> str:
    """The claim-share mode passed to the registry (``none`` when the exemption is removed)."""
    shocks = scenario.shocks
    return "none" if shocks.overrides.remove_usmca_exemption else shocks.usmca_shares or "2025h2"


def _sector_table() -> dict[str, str] | None:
    base = resources.files("tradewinds").joinpath("defaults")
    for name in SECTOR_TABLES:
        item = base.joinpath(name)
        if item.is_file():
            with resources.as_file(item) as path:
                table = pd.read_csv(path, dtype=str)
            label = next((c for c in ("sector", "name", "label") if c in table.columns), None)
            if "wiod_code" in table.columns and label is not None:
                return dict(zip(table["wiod_code"], table[label], strict=True))
            log.warning("%s has no wiod_code and name columns; not used", name)
    return None


def sector_mapping(baseline: xr.Dataset) -> tuple[str, dict[str, str]]:
    """The registry sector set for a baseline and the map from its labels to the baseline's.

    One-sector baselines use ``one``; baselines labelled with WIOD codes (``c1``..``c35``) or
    with the words of the packaged WIOD code table use ``wiod``; baselines labelled with the CP2015
    sector names use ``cp2015``. Anything else is a :class:`ScenarioError`.
    """
    from tradewinds.measures.shocks import CP2015_SECTORS

    labels = [str(s) for s in baseline[dims.SECTOR].values]
    if labels == [dims.TOTAL_SECTOR]:
        return "one", {dims.TOTAL_SECTOR: dims.TOTAL_SECTOR}
    if set(labels) <= set(WIOD_CODES):
        return "wiod", {c: c for c in WIOD_CODES}
    table = _sector_table()
    if table is not None and set(labels) <= set(table.values()):
        return "wiod", table
    goods = set(CP2015_SECTORS)
    if goods & set(labels) and goods <= set(labels):
        return "cp2015", {s: s for s in CP2015_SECTORS}
    shown = ", ".join(labels[:6]) + (", ..." if len(labels) > 6 else "")
    raise ScenarioError(
        f"Baseline sectors ({shown}) cannot be mapped to the measure registry's sector sets: "
        "one sector (TOTAL), WIOD codes c1..c35 or the labels of "
        f"{' / '.join(SECTOR_TABLES)}, or the 20 CP2015 goods sectors. Give the tariffs "
        "explicitly in shocks.tariffs instead of tariffs_as_of."
    )


@functools.cache
def _region_table() -> dict[str, str]:
    with resources.as_file(resources.files("tradewinds").joinpath("defaults", REGION_TABLE)) as p:
        table = pd.read_csv(p, dtype=str)
    return dict(zip(table["country"], table["region"], strict=True))


def exporter_members(labels: list[str]) -> dict[str, tuple[str, ...]]:
    """The partners (ISO3, 2024 US import weights) each baseline exporter label stands for.

    A label that is a partner stands for itself; a region of the bundled region table
    (``EU27``, ...) for its members not already labels of their own; ``EU`` for the 27 members;
    ``ROW`` for every partner no other label claims. ``USA`` and labels with no partner are
    left out (their US tariffs stay the baseline's).
    """
    from tradewinds.measures.etr import EU27, partners

    known = set(partners())
    regions = _region_table()
    out: dict[str, tuple[str, ...]] = {}
    for label in labels:
        if label != "USA" and label in known:
            out[label] = (label,)
    claimed = {c for group in out.values() for c in group}
    for label in labels:
        if label in out or label in ("USA", "ROW"):
            continue
        group = tuple(EU27) if label == "EU" else tuple(c for c, r in regions.items() if r == label)
        group = tuple(c for c in group if c in known and c not in claimed)
        if group:
            out[label] = group
            claimed.update(group)
    if "ROW" in labels:
        out["ROW"] = tuple(c for c in sorted(known) if c not in claimed and c != "USA")
    return out


def registry_tariffs(
    date: dt.date,
    baseline: xr.Dataset,
    *,
    usmca_shares: str,
    registry: Registry,
    only: Sequence[str] | None = None,
) -> xr.DataArray:
    """Applied US tariffs on every exporter's goods (or ``only`` those) in the baseline's sectors.

    NaN marks a sector with no 2024 US imports from the exporter (its baseline rate stays).
    """
    from tradewinds.measures.shocks import sector_tariffs

    known = [str(c) for c in baseline[dims.EXPORTER].values]
    if "USA" not in known:
        raise ScenarioError("shocks.tariffs_as_of: the baseline has no USA, which imposes them.")
    for label in only or ():
        if label not in known:
            raise UnknownLabelError("country", label, known, "shocks.tariffs_only")
    groups = exporter_members([c for c in known if only is None or c in only])
    exporters = list(groups)
    if not exporters:
        raise ScenarioError(
            "shocks.tariffs_as_of: none of the baseline's exporters "
            f"({', '.join(c for c in known if c != 'USA') or 'none'}) has 2024 US imports in the "
            "registry's weights."
        )
    set_name, relabel = sector_mapping(baseline)
    table = sector_tariffs(
        date,
        sectors=set_name,
        usmca_shares=usmca_shares,
        exporters=exporters,
        registry=registry,
        members=groups,
    )
    labels = [relabel.get(str(s)) for s in table[dims.SECTOR].values]
    keep = [k for k, lab in enumerate(labels) if lab is not None and lab in baseline[dims.SECTOR]]
    dropped = [str(table[dims.SECTOR].values[k]) for k in range(len(labels)) if k not in keep]
    if dropped:
        log.info("registry sectors not in the baseline, left out: %s", dropped)
    table = table.isel({dims.SECTOR: keep})
    return table.assign_coords({dims.SECTOR: [labels[k] for k in keep]})


#: Registry tables already computed, keyed by everything they depend on (sweeps and Monte Carlo
#: draws rebuild the shocks of one scenario many times).
_TABLES: dict[str, xr.DataArray] = {}
_TABLES_MAX = 32


def _table_key(scenario: Scenario, baseline: xr.Dataset) -> str:
    shocks = scenario.shocks
    parts = {
        "date": str(shocks.tariffs_as_of),
        "mode": usmca_mode(scenario),
        "overrides": shocks.overrides.model_dump(mode="json"),
        "only": shocks.tariffs_only,
        "inputs": scenario.inputs(),
        "sectors": [str(s) for s in baseline[dims.SECTOR].values],
        "countries": [str(c) for c in baseline[dims.EXPORTER].values],
    }
    return json.dumps(parts, sort_keys=True)


def scenario_registry_tariffs(scenario: Scenario, baseline: xr.Dataset) -> xr.DataArray:
    """The registry table of :func:`registry_tariffs` for a scenario (cached)."""
    date = scenario.shocks.tariffs_as_of
    if date is None:
        raise ScenarioError("shocks.tariffs_as_of is not set.")
    key = _table_key(scenario, baseline)
    if key not in _TABLES:
        registry = scenario_registry(scenario, date)
        mode = usmca_mode(scenario)
        if len(_TABLES) >= _TABLES_MAX:
            _TABLES.pop(next(iter(_TABLES)))
        _TABLES[key] = registry_tariffs(
            date, baseline, usmca_shares=mode, registry=registry, only=scenario.shocks.tariffs_only
        )
    return _TABLES[key].copy()


def apply_registry_tariffs(
    scenario: Scenario, baseline: xr.Dataset, tariff: xr.DataArray
) -> xr.DataArray:
    """Set the US tariffs on every exporter's goods (or ``shocks.tariffs_only``) to the registry's.

    The rates are the registry's as of ``shocks.tariffs_as_of``.
    """
    if scenario.shocks.tariffs_as_of is None:
        return tariff
    table = scenario_registry_tariffs(scenario, baseline)
    order = (dims.EXPORTER, dims.IMPORTER, dims.SECTOR)
    out = tariff.transpose(*order).copy()
    rates = table.sel({dims.IMPORTER: "USA"}).transpose(dims.EXPORTER, dims.SECTOR).values
    exporters = {str(c): k for k, c in enumerate(out[dims.EXPORTER].values)}
    sectors = {str(c): k for k, c in enumerate(out[dims.SECTOR].values)}
    e = np.array([exporters[str(c)] for c in table[dims.EXPORTER].values], dtype=np.intp)
    s = np.array([sectors[str(c)] for c in table[dims.SECTOR].values], dtype=np.intp)
    usa = np.array([[str(c) for c in out[dims.IMPORTER].values].index("USA")], dtype=np.intp)
    values = np.array(out.values, dtype=float)
    cells = np.ix_(e, usa, s)
    # A NaN rate means the registry has no lines for that sector: the baseline rate stays.
    values[cells] = np.where(np.isnan(rates), values[cells][:, 0, :], rates)[:, None, :]
    return out.copy(data=values).transpose(*tariff.dims)
