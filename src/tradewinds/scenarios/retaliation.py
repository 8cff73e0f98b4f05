"""Retaliation shocks: a partner's countermeasures from the registry, or a mirror of US tariffs.

**Countermeasures (approximate).** Canada's surtax orders list Canadian tariff items, and
Canadian imports by product are not in the data, so the added rate on US goods is built from the
covered values the sources state (:data:`COVERED_VALUE_CAD_BN`):

    one sector:   a = Σ_m r_m · f_m · V_m / X                                          (1)
    sector s:     a_s = min(Σ_m r_m · f_m · V_m · w_ms / X_s, max_m r_m),
                  w_ms = X_s c_ms / Σ_k X_k c_mk                                        (2)

``r_m`` is the measure's rate, ``V_m`` its covered value converted to US dollars at
:data:`CAD_PER_USD`, ``X`` (``X_s``) the baseline's imports of the partner from the US (in
sector ``s``), ``c_ms`` the share of the HTS10 lines of sector ``s`` (lines of 2024 US imports
from Canada and Mexico, mapped by the registry's concordance) inside the measure's HS scope, and
``f_m`` the taxed share of value: 1, or ``1 − PARTNER_CONTENT`` for a measure that taxes only the
non-partner content of USMCA-claimed goods (Canada's auto surtax), every such good assumed
claimed. Remission (fact sheet C-05, C-06) is not counted, so the rate is an upper bound of the
duty actually collected. The added rate goes on top of the baseline tariff.

**Mirror.** The partner sets on goods of ``against`` the rate ``against`` sets on the partner's
goods after the registry and the explicit tariffs, sector by sector: ``t[US, P, s] = t[P, US, s]``.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging

import numpy as np
import xarray as xr

from tradewinds.core import dims
from tradewinds.core.errors import ScenarioError, UnknownLabelError
from tradewinds.measures.registry import Registry
from tradewinds.measures.schema import Measure
from tradewinds.scenarios.schema import Retaliation, Scenario

log = logging.getLogger(__name__)

#: Covered values (C$ billion) the sources state for the countermeasures in the registry, by id.
#: Fact sheet ``tariff_measures_2025.md`` table 5: C-01 "about C$30B" [FIN-CA-MAR4]; C-03
#: "steel C$12.6B, aluminium C$3.0B, other goods C$14.2B" [FIN-CA-LIST]; C-04 "C$35.6B of US
#: vehicle imports in 2024" [FIN-CA-APR8].
COVERED_VALUE_CAD_BN: dict[str, float] = {
    "ca-surtax-tranche1-25": 30.0,
    "ca-surtax-steel-aluminum-25": 12.6 + 3.0,
    "ca-surtax-mar13-other-25": 14.2,
    "ca-surtax-autos-25": 35.6,
}

#: Canadian dollars per US dollar, Bank of Canada annual average exchange rate for 2024.
CAD_PER_USD = 1.3698

#: Partner (Canadian and Mexican) content of a claimed US-assembled vehicle, by symmetry with the
#: US content the registry assumes for claimed Canadian vehicles (Budget Lab, 40%).
PARTNER_CONTENT = 0.40


def _taxed_share(m: Measure) -> float:
    return 1.0 - PARTNER_CONTENT if m.usmca == "non_us_content" else 1.0


def covered_value_usd_m(m: Measure) -> float:
    """The covered value of a countermeasure in millions of US dollars."""
    if m.id not in COVERED_VALUE_CAD_BN:
        raise ScenarioError(
            f"Countermeasure {m.id!r} has no stated covered value, so its average rate cannot be "
            f"approximated (known: {sorted(COVERED_VALUE_CAD_BN)}). Use an explicit entry in "
            "shocks.tariffs for it, or drop its programme with overrides.scale_programmes."
        )
    return COVERED_VALUE_CAD_BN[m.id] * 1e3 / CAD_PER_USD


def _line_shares(m: Measure, set_name: str, relabel: dict[str, str]) -> dict[str, float]:
    """Share ``c_ms`` of each sector's HTS10 lines inside the measure's scope."""
    return dict(_line_shares_cached(m, set_name, tuple(sorted(relabel.items()))))


@functools.cache
def _line_shares_cached(
    m: Measure, set_name: str, relabel_items: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, float], ...]:
    relabel = dict(relabel_items)
    from tradewinds.measures.etr import weights
    from tradewinds.measures.products import scope_mask
    from tradewinds.measures.shocks import CP2015_SECTORS

    lines = weights().drop_duplicates("hts10")
    column = lines[set_name]
    ok = column.notna().to_numpy()
    raw = column[ok].astype(str).to_numpy()
    if set_name == "cp2015":
        raw = np.array([CP2015_SECTORS[int(float(v)) - 1] for v in raw])
    labels = np.array([relabel.get(str(v), "") for v in raw])
    inside = scope_mask(m.scope, where=f"measure {m.id!r}")[lines["code"].to_numpy()[ok]]
    out: list[tuple[str, float]] = []
    for label in np.unique(labels):
        if label:
            out.append((str(label), float(inside[labels == label].mean())))
    return tuple(out)


def countermeasure_rates(
    partner: str,
    against: str,
    date: dt.date,
    baseline: xr.Dataset,
    registry: Registry,
    where: str = "countermeasures_as_of",
) -> xr.DataArray:
    """Added rate per baseline sector on goods of ``against`` entering ``partner`` (eqs. 1-2).

    A partner without a countermeasure in force on ``date`` is an error: the entry would
    change nothing.
    """
    from tradewinds.scenarios.registry_shocks import sector_mapping

    registry.check_date(date)
    measures = [m for m in registry.in_force(date, target=against) if m.imposing == partner]
    sectors = [str(s) for s in baseline[dims.SECTOR].values]
    cell = {dims.EXPORTER: against, dims.IMPORTER: partner, dims.SECTOR: sectors}
    flows = baseline[dims.TRADE].sel(cell).to_numpy().astype(float)
    added = np.zeros(len(sectors))
    if not measures:
        imposing = sorted({m.imposing for m in registry.measures if m.imposing != "USA"})
        raise ScenarioError(
            f"{where}: the registry holds no countermeasure of {partner} on goods "
            f"of {against} in force on {date.isoformat()}, so this entry would change nothing "
            f"(countermeasures are encoded for {', '.join(imposing) or 'no country'}). Give "
            "another date or partner, or use 'mirror', 'us_mfn' or shocks.tariffs."
        )
    units = str(baseline.attrs.get("units", ""))
    if "millions" not in units or "US dollars" not in units:
        raise ScenarioError(
            f"countermeasures_as_of: the covered values are in millions of US dollars and "
            f"the baseline's trade is in {units!r}; use a baseline in US$ millions or give "
            "the rates explicitly in shocks.tariffs."
        )
    set_name, relabel = sector_mapping(baseline)
    for m in measures:
        value = covered_value_usd_m(m) * m.rate * _taxed_share(m)
        if set_name == "one":
            weight: np.ndarray = np.ones(1)
        else:
            shares = _line_shares(m, set_name, relabel)
            reach = flows * np.array([shares.get(s, 0.0) for s in sectors])
            if reach.sum() <= 0:
                raise ScenarioError(
                    f"Countermeasure {m.id!r}: its HS scope maps to no sector of the "
                    "baseline with imports from the target; cannot allocate it."
                )
            weight = reach / reach.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            added += np.where(flows > 0, value * weight / flows, 0.0)
    added = np.minimum(added, max(m.rate for m in measures))
    return xr.DataArray(
        added,
        dims=(dims.SECTOR,),
        coords={dims.SECTOR: sectors},
        attrs={"approximate": "covered values / baseline imports; see docs/scenarios.md"},
    )


def us_mfn_rates(
    goods: str, baseline: xr.Dataset, date: dt.date | None, where: str
) -> xr.DataArray:
    """The US MFN rate on goods of ``goods`` (CAN or MEX) per baseline sector, no USMCA claim.

    Import-weighted over 2024 US imports from ``goods`` (the registry's weights); sectors without
    lines get 0.
    """
    from tradewinds.measures.registry import load_registry
    from tradewinds.scenarios.registry_shocks import REGISTRY_EXPORTERS, registry_tariffs

    if goods not in REGISTRY_EXPORTERS:
        raise ScenarioError(
            f"{where}: us_mfn needs US MFN rates on the goods taxed, which the registry has for "
            f"{list(REGISTRY_EXPORTERS)} only (got {goods!r})."
        )
    sectors = tuple(str(s) for s in baseline[dims.SECTOR].values)
    countries = tuple(str(c) for c in baseline[dims.EXPORTER].values)
    key = (date or dt.date(2025, 1, 1), goods, sectors, countries)
    if key not in _MFN:
        full = load_registry()
        mfn_only = Registry(
            tuple(m for m in full.measures if m.programme == "mfn"), (), full.coverage_date
        )
        table = registry_tariffs(
            key[0], baseline, usmca_shares="none", registry=mfn_only, only=(goods,)
        )
        table = table.sel({dims.EXPORTER: goods, dims.IMPORTER: "USA"}, drop=True)
        _MFN[key] = table.reindex({dims.SECTOR: list(sectors)}).fillna(0.0)
    return _MFN[key].copy()


_MFN: dict[tuple[object, ...], xr.DataArray] = {}


def _check_country(code: str, known: list[str], where: str) -> None:
    if code not in known:
        raise UnknownLabelError("country", code, known, where)


def apply_retaliation(
    scenario: Scenario, baseline: xr.Dataset, tariff: xr.DataArray
) -> xr.DataArray:
    """Apply ``shocks.retaliation`` entries in order to the tariff table."""
    entries: list[Retaliation] = list(scenario.shocks.retaliation)
    if not entries:
        return tariff
    from tradewinds.scenarios.registry_shocks import scenario_registry

    known = [str(c) for c in baseline[dims.EXPORTER].values]
    tariff = tariff.copy()
    registry: Registry | None = None
    for k, entry in enumerate(entries):
        where = f"shocks.retaliation.{k}"
        _check_country(entry.against, known, where)
        for partner in entry.partners():
            _check_country(partner, known, where)
            if partner == entry.against:
                raise ScenarioError(f"{where}: {partner} cannot retaliate against itself.")
            into = {dims.EXPORTER: entry.against, dims.IMPORTER: partner}
            if entry.mirror:
                back = {dims.EXPORTER: partner, dims.IMPORTER: entry.against}
                tariff.loc[into] = tariff.loc[back].to_numpy()
                continue
            if entry.us_mfn:
                goods = partner if entry.against == "USA" else entry.against
                mfn = us_mfn_rates(goods, baseline, scenario.shocks.tariffs_as_of, where)
                tariff.loc[into] = mfn.sel({dims.SECTOR: tariff[dims.SECTOR].values}).to_numpy()
                continue
            assert entry.countermeasures_as_of is not None
            if registry is None:
                registry = scenario_registry(scenario, scenario.shocks.tariffs_as_of)
            added = countermeasure_rates(
                partner,
                entry.against,
                entry.countermeasures_as_of,
                baseline,
                registry,
                f"{where}.countermeasures_as_of",
            )
            tariff.loc[into] = tariff.loc[into] + added.sel(
                {dims.SECTOR: tariff[dims.SECTOR].values}
            )
    return tariff
