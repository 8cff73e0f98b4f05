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

import csv
import dataclasses
import datetime as dt
import functools
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tradewinds.core import dims
from tradewinds.core.errors import ScenarioError, UnknownLabelError
from tradewinds.measures.fields import check_registry_date
from tradewinds.scenarios.schema import RegistryOverrides, Scenario

if TYPE_CHECKING:  # the registry, pandas and xarray load when a table is computed, not served
    import xarray as xr

    from tradewinds.measures.registry import Registry
    from tradewinds.measures.schema import Measure

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
    from tradewinds.measures.registry import load_registry

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
            import pandas as pd

            with resources.as_file(item) as path:
                table = pd.read_csv(path, dtype=str)
            label = next((c for c in ("sector", "name", "label") if c in table.columns), None)
            if "wiod_code" in table.columns and label is not None:
                return dict(zip(table["wiod_code"], table[label], strict=True))
            log.warning("%s has no wiod_code and name columns; not used", name)
    return None


def sector_mapping(baseline: xr.Dataset) -> tuple[str, dict[str, str]]:
    """The registry sector set for a baseline and the map from its labels to the baseline's."""
    return sector_mapping_of([str(s) for s in baseline[dims.SECTOR].values])


def sector_mapping_of(labels: list[str]) -> tuple[str, dict[str, str]]:
    """The registry sector set for these baseline sector labels, and the map to them.

    One-sector baselines use ``one``; baselines labelled with WIOD codes (``c1``..``c35``) or
    with the words of the packaged WIOD code table use ``wiod``; baselines labelled with the CP2015
    sector names use ``cp2015``. Anything else is a :class:`ScenarioError`.
    """
    from tradewinds.measures.shocks import CP2015_SECTORS

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
    text = resources.files("tradewinds").joinpath("defaults", REGION_TABLE).read_text("utf-8")
    return {row["country"]: row["region"] for row in csv.DictReader(text.splitlines())}


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
    registry: Registry | None,
    only: Sequence[str] | None = None,
) -> xr.DataArray:
    """Applied US tariffs on every exporter's goods (or ``only`` those) in the baseline's sectors.

    NaN marks a sector with no 2024 US imports from the exporter (its baseline rate stays).
    ``registry=None`` is the packaged registry (its tables are kept in the user cache).
    """
    known = [str(c) for c in baseline[dims.EXPORTER].values]
    sectors = [str(s) for s in baseline[dims.SECTOR].values]
    return _registry_table(date, known, sectors, usmca_shares, registry, only)


def _registry_table(
    date: dt.date,
    known: list[str],
    sectors: list[str],
    usmca_shares: str,
    registry: Registry | None,
    only: Sequence[str] | None,
) -> xr.DataArray:
    """:func:`registry_tariffs` for the baseline's exporter and sector labels."""
    from tradewinds.measures.shocks import sector_tariffs

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
    set_name, relabel = sector_mapping_of(sectors)
    table = sector_tariffs(
        date,
        sectors=set_name,
        usmca_shares=usmca_shares,
        exporters=exporters,
        registry=registry,
        members=groups,
    )
    labels = [relabel.get(str(s)) for s in table[dims.SECTOR].values]
    keep = [k for k, lab in enumerate(labels) if lab is not None and lab in sectors]
    dropped = [str(table[dims.SECTOR].values[k]) for k in range(len(labels)) if k not in keep]
    if dropped:
        log.info("registry sectors not in the baseline, left out: %s", dropped)
    table = table.isel({dims.SECTOR: keep})
    return table.assign_coords({dims.SECTOR: [labels[k] for k in keep]})


@dataclass(frozen=True)
class RegistryRates:
    """The registry's US tariff on each exporter's goods by sector (NaN: the baseline's stays)."""

    exporters: tuple[str, ...]
    sectors: tuple[str, ...]
    rates: np.ndarray  # (exporter, sector)
    #: The registry's coverage date and its open questions: a date past it is warned about on
    #: every use of the rates, cached or not.
    coverage_date: dt.date
    open_questions: tuple[str, ...] = ()


#: Rates already computed in this process, keyed by everything they depend on (sweeps and
#: Monte Carlo draws rebuild the shocks of one scenario many times).
_TABLES: dict[str, RegistryRates] = {}
_TABLES_MAX = 32


def _table_key(scenario: Scenario, countries: Sequence[str], sectors: Sequence[str]) -> str:
    shocks = scenario.shocks
    parts = {
        "date": str(shocks.tariffs_as_of),
        "mode": usmca_mode(scenario),
        "overrides": scenario.canonical()["shocks"]["overrides"],
        "only": shocks.tariffs_only,
        "inputs": scenario.inputs(),
        "sectors": list(sectors),
        "countries": list(countries),
    }
    return json.dumps(parts, sort_keys=True)


def registry_rates(
    scenario: Scenario, countries: Sequence[str], sectors: Sequence[str]
) -> RegistryRates:
    """The rates ``shocks.tariffs_as_of`` sets, for a baseline with these labels.

    With the packaged registry and no overrides (the common case), the rates are kept in the
    user cache (:mod:`tradewinds.core.cache`), keyed by the registry's, weights' and region
    table's files, the engine's code and the arguments: a warm run reads a few numbers, without
    the registry, pandas or xarray.
    """
    date = scenario.shocks.tariffs_as_of
    if date is None:
        raise ScenarioError("shocks.tariffs_as_of is not set.")
    key = _table_key(scenario, countries, sectors)
    if key not in _TABLES:
        overrides = scenario.shocks.overrides
        packaged = not overrides.measure_files and overrides.is_empty()

        def build() -> RegistryRates:
            from tradewinds.measures.compiled import compiled

            registry = None if packaged else scenario_registry(scenario, date)
            snap = compiled(registry)
            table = _registry_table(
                date,
                list(countries),
                list(sectors),
                usmca_mode(scenario),
                registry,
                scenario.shocks.tariffs_only,
            )
            usa = table.sel({dims.IMPORTER: "USA"}).transpose(dims.EXPORTER, dims.SECTOR)
            return RegistryRates(
                tuple(str(c) for c in usa[dims.EXPORTER].values),
                tuple(str(s) for s in usa[dims.SECTOR].values),
                np.array(usa.values, dtype=float),
                snap.coverage_date,
                snap.open_questions,
            )

        if len(_TABLES) >= _TABLES_MAX:
            _TABLES.pop(next(iter(_TABLES)))
        _TABLES[key] = _cached_rates(key, build) if packaged else build()
    found = _TABLES[key]
    # Checked on every call: the build warns only when it runs, and a cached table does not.
    check_registry_date(date, found.coverage_date, found.open_questions)
    return found


def _cached_rates(key: str, build: Callable[[], RegistryRates]) -> RegistryRates:
    from tradewinds.core.cache import cached
    from tradewinds.measures.registry_files import ENGINE_MODULES, packaged_sources

    table = resources.files("tradewinds").joinpath("defaults", REGION_TABLE)
    return cached(
        "registry-rates",
        [*packaged_sources(), Path(str(table))],
        build,
        code=(*ENGINE_MODULES, __name__),
        extra=f"{key}|numpy {np.__version__}",
    )


def scenario_registry_tariffs(scenario: Scenario, baseline: xr.Dataset) -> xr.DataArray:
    """The rates of :func:`registry_rates` as a table on (exporter, importer USA, sector)."""
    import xarray as xr

    found = registry_rates(
        scenario,
        [str(c) for c in baseline[dims.EXPORTER].values],
        [str(s) for s in baseline[dims.SECTOR].values],
    )
    return xr.DataArray(
        found.rates[:, None, :].copy(),
        dims=(dims.EXPORTER, dims.IMPORTER, dims.SECTOR),
        coords={
            dims.EXPORTER: list(found.exporters),
            dims.IMPORTER: ["USA"],
            dims.SECTOR: list(found.sectors),
        },
        name=dims.TARIFF,
    )


def apply_registry_rates(
    scenario: Scenario, axes: tuple[list[str], list[str], list[str]], values: np.ndarray
) -> None:
    """Set the (exporter, USA) cells of ``values`` to the registry's rates (in place).

    ``axes`` are the labels of the (exporter, importer, sector) axes of ``values``; nothing
    changes without ``shocks.tariffs_as_of``.
    """
    if scenario.shocks.tariffs_as_of is None:
        return
    exporters, importers, sectors = axes
    found = registry_rates(scenario, exporters, sectors)
    e_pos = {c: k for k, c in enumerate(exporters)}
    s_pos = {c: k for k, c in enumerate(sectors)}
    e = np.array([e_pos[c] for c in found.exporters], dtype=np.intp)
    s = np.array([s_pos[c] for c in found.sectors], dtype=np.intp)
    usa = np.array([importers.index("USA")], dtype=np.intp)
    cells = np.ix_(e, usa, s)
    # A NaN rate means the registry has no lines for that sector: the baseline rate stays.
    values[cells] = np.where(np.isnan(found.rates), values[cells][:, 0, :], found.rates)[:, None, :]


def apply_registry_tariffs(
    scenario: Scenario, baseline: xr.Dataset, tariff: xr.DataArray
) -> xr.DataArray:
    """Set the US tariffs on every exporter's goods (or ``shocks.tariffs_only``) to the registry's.

    The rates are the registry's as of ``shocks.tariffs_as_of``.
    """
    if scenario.shocks.tariffs_as_of is None:
        return tariff
    order = (dims.EXPORTER, dims.IMPORTER, dims.SECTOR)
    out = tariff.transpose(*order).copy()
    exporters, importers, sectors = ([str(c) for c in out[d].values] for d in order)
    values = np.array(out.values, dtype=float)
    apply_registry_rates(scenario, (exporters, importers, sectors), values)
    return out.copy(data=values).transpose(*tariff.dims)
