"""A plausibility check of sector answers: large output changes flagged and explained.

A multi-sector answer can hinge on one parameter. Caliendo & Parro's (2015) petroleum
elasticity (θ = 64.85) makes a modest cost advantage move a whole industry, so US tariffs on
2025-09-01 raise Mexican petroleum output by 64.9% on the WIOD 2011 table. The check flags every
sector whose gross output changes by more than :data:`THRESHOLD_PCT` percent, and for each
flagged sector shows what drives it and how much it depends on the elasticities:

- ``theta``: the sector's trade elasticity in the run;
- ``output_share``: the sector's share of the country's gross output in the baseline (a small
  base makes a large percent change);
- ``export_share``: the share of the sector's baseline output sold abroad (what the tariffs
  reach);
- the same change under each other elasticity set (``tradewinds.data.elasticities``), solved
  with the scenario otherwise unchanged.

The flag is information, not an error: the run is recorded and shown as it is.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING, Any

from tradewinds.core import dims
from tradewinds.core.errors import TradewindsError

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

    from tradewinds.scenarios.schema import Scenario

log = logging.getLogger(__name__)

#: Gross-output changes beyond plus or minus this many percent are flagged.
THRESHOLD_PCT = 25.0

#: The alternatives the flagged sectors are solved under: label -> ``model.elasticities``.
ALTERNATIVES: dict[str, Any] = {
    "cp2015": "cp2015",
    "bw2006": "bw2006",
    "hauk2012": "hauk2012",
    "uniform 5": {"uniform": 5},
}


def large_changes(
    records: pd.DataFrame, threshold: float = THRESHOLD_PCT, countries: list[str] | None = None
) -> pd.DataFrame:
    """Country–sector gross-output changes beyond ``threshold`` percent, largest first.

    Columns ``country, sector, sector_name, output_pct``; empty for runs without sectors.
    """
    import pandas as pd

    from tradewinds.reporting.sectors import sector_name

    rows = records[
        (records["metric"] == "gross_output_pct")
        & (records["partner"] == "")
        & (records["sector"] != dims.TOTAL_SECTOR)
    ]
    if countries is not None:
        rows = rows[rows["country"].isin(countries)]
    values = rows["value"].astype(float)
    big = rows[values.abs() > threshold]
    if big.empty:
        return pd.DataFrame(columns=["country", "sector", "sector_name", "output_pct"])
    out = pd.DataFrame(
        {
            "country": big["country"].astype(str).to_numpy(),
            "sector": big["sector"].astype(str).to_numpy(),
            "output_pct": big["value"].astype(float).to_numpy(),
        }
    )
    out.insert(2, "sector_name", [sector_name(s) for s in out["sector"]])
    order = out["output_pct"].abs().sort_values(ascending=False).index
    return out.loc[order].reset_index(drop=True)


def baseline_shares(baseline: xr.Dataset) -> pd.DataFrame:
    """``output_share`` and ``export_share`` of every (country, sector) in the baseline."""
    import numpy as np
    import pandas as pd

    trade = baseline[dims.TRADE].transpose(dims.EXPORTER, dims.IMPORTER, dims.SECTOR)
    values = np.asarray(trade.values, dtype=float)
    output = values.sum(axis=1)  # exporter x sector, domestic sales included
    domestic = np.einsum("iis->is", values)
    with np.errstate(invalid="ignore", divide="ignore"):
        export_share = np.where(output > 0, (output - domestic) / output, np.nan)
        output_share = output / output.sum(axis=1, keepdims=True)
    countries = [str(c) for c in trade[dims.EXPORTER].values]
    sectors = [str(s) for s in trade[dims.SECTOR].values]
    index = pd.MultiIndex.from_product([countries, sectors], names=["country", "sector"])
    return pd.DataFrame(
        {"output_share": output_share.ravel(), "export_share": export_share.ravel()}, index=index
    )


def check_sectors(
    records: pd.DataFrame,
    scenario: Scenario,
    baseline: xr.Dataset | str | None = None,
    *,
    threshold: float = THRESHOLD_PCT,
    countries: list[str] | None = None,
    alternatives: bool = True,
) -> pd.DataFrame:
    """The flagged sectors of a run with their elasticity, baseline shares and alternatives.

    Columns: those of :func:`large_changes`, then ``theta``, ``output_share``,
    ``export_share`` and, when ``alternatives`` is true and the model takes elasticity sets,
    one ``output_pct <label>`` column per entry of :data:`ALTERNATIVES` (NaN where that
    alternative does not solve). Empty when nothing is flagged.
    """
    flags = large_changes(records, threshold, countries)
    if flags.empty or "elasticities" not in type(scenario.model).model_fields:
        return flags
    import xarray as xr

    from tradewinds.data.loaders import load_baseline
    from tradewinds.scenarios.runner import trade_elasticities

    ds = (
        baseline
        if isinstance(baseline, xr.Dataset)
        else load_baseline(baseline or scenario.baseline)
    )
    sectors = [str(s) for s in ds[dims.SECTOR].values]
    theta = dict(zip(sectors, trade_elasticities(scenario, ds, sectors), strict=True))
    flags["theta"] = [theta.get(s, float("nan")) for s in flags["sector"]]
    shares = baseline_shares(ds)
    keys = list(zip(flags["country"], flags["sector"], strict=True))
    flags["output_share"] = [float(shares["output_share"].get(k, float("nan"))) for k in keys]
    flags["export_share"] = [float(shares["export_share"].get(k, float("nan"))) for k in keys]
    if alternatives:
        own = _own_label(scenario)
        for label, answers in _alternative_answers(scenario, ds, skip=own).items():
            flags[f"output_pct {label}"] = [answers.get(k, float("nan")) for k in keys]
        if own is not None:
            flags[f"output_pct {own}"] = flags["output_pct"]
        ordered = [f"output_pct {label}" for label in ALTERNATIVES]
        flags = flags[[c for c in flags.columns if c not in ordered] + ordered]
    return flags


def _own_label(scenario: Scenario) -> str | None:
    """The entry of :data:`ALTERNATIVES` the run itself used, if any (no ``theta`` override)."""
    spec = scenario.model
    if getattr(spec, "theta", None) is not None:
        return None
    chosen: Any = getattr(spec, "elasticities", None)
    plain = chosen if isinstance(chosen, str | None) else chosen.model_dump()
    for label, choice in ALTERNATIVES.items():
        if plain == choice:
            return label
    return None


def _alternative_answers(
    scenario: Scenario, baseline: xr.Dataset, skip: str | None = None
) -> dict[str, dict[tuple[str, str], float]]:
    """Gross-output changes by (country, sector) under each entry of :data:`ALTERNATIVES`.

    ``skip`` names the entry the run itself used, which needs no second solve.
    """
    return dict(_cached_alternatives(scenario.digest(), skip, _Keyed(scenario, baseline)))


class _Keyed:
    """A scenario and baseline carried through the cache, compared by digest and identity."""

    def __init__(self, scenario: Scenario, baseline: xr.Dataset) -> None:
        self.scenario = scenario
        self.baseline = baseline

    def __hash__(self) -> int:
        return hash(id(self.baseline))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Keyed) and other.baseline is self.baseline


@functools.lru_cache(maxsize=16)
def _cached_alternatives(
    digest: str, skip: str | None, keyed: _Keyed
) -> tuple[tuple[str, dict[tuple[str, str], float]], ...]:
    from tradewinds.scenarios.grid import apply_settings
    from tradewinds.scenarios.runner import build_shocks, run_scenario

    scenario, baseline = keyed.scenario, keyed.baseline
    shocks = build_shocks(scenario, baseline)
    out: list[tuple[str, dict[tuple[str, str], float]]] = []
    for label, choice in ALTERNATIVES.items():
        if label == skip:
            continue
        try:
            other = apply_settings(
                scenario, {"model.elasticities": choice, "model.theta": None}, label
            )
            eq = run_scenario(other, baseline, shocks=shocks)
        except TradewindsError as exc:
            log.info("plausibility: %s did not solve: %s", label, exc)
            out.append((label, {}))
            continue
        sector = eq.sector
        assert sector is not None  # the multi-sector model always reports sectors
        hat = sector["gross_output_hat"].transpose("country", dims.SECTOR)
        labels = [str(c) for c in hat["country"].values], [str(s) for s in hat[dims.SECTOR].values]
        answers = {
            (c, s): (float(v) - 1) * 100
            for c, row in zip(labels[0], hat.values.tolist(), strict=True)
            for s, v in zip(labels[1], row, strict=True)
            if v == v  # NaN where the sector has no baseline output
        }
        out.append((label, answers))
    return tuple(out)


def flag_note(threshold: float = THRESHOLD_PCT) -> str:
    """The sentence that says what a flag means, for every front end."""
    return (
        f"Sector output changes beyond ±{threshold:g}% are flagged for a second look: "
        "theta is the sector's trade elasticity, 'share of output' its share of the country's "
        "baseline gross output, 'exported' the share of its output sold abroad; the last "
        "columns solve the same scenario under each elasticity set. Information, not an error."
    )


def flag_rows(flags: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """Headers and formatted rows of a :func:`check_sectors` table (CLI, report and web)."""
    alt = [c for c in flags.columns if c.startswith("output_pct ")]
    heads = ["country", "sector", "name", "output %"]
    extra = [c for c in ("theta", "output_share", "export_share") if c in flags.columns]
    names = {"theta": "theta", "output_share": "share of output", "export_share": "exported"}
    heads += [names[c] for c in extra] + [c.removeprefix("output_pct ") + " %" for c in alt]
    rows = []
    for r in flags.to_dict(orient="records"):
        row = [str(r["country"]), str(r["sector"]), str(r["sector_name"]), _pct(r["output_pct"])]
        for c in extra:
            value = float(r[c])
            row.append(f"{value:.2f}" if c == "theta" else _share(value))
        row += [_pct(r[c]) for c in alt]
        rows.append(row)
    return heads, rows


def _pct(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    return "n/a" if number != number else f"{number:+.1f}"


def _share(value: float) -> str:
    return "n/a" if value != value else f"{value * 100:.1f}%"


def check_run(run: Any, records: pd.DataFrame) -> pd.DataFrame:
    """:func:`check_sectors` for a stored run (its canonical scenario and baseline name).

    A run whose scenario cannot be rebuilt here (a measure file no longer on disk, say) gets
    the flags without the explanation columns rather than an error: the check informs.
    """
    import json

    from tradewinds.scenarios.schema import parse_scenario

    flags = large_changes(records)
    if flags.empty or run.kind not in ("run", "montecarlo") or not run.scenario_json:
        return flags
    try:
        scenario = parse_scenario(json.loads(run.scenario_json), f"run {run.run_id}")
        return check_sectors(records, scenario, run.baseline or None)
    except (TradewindsError, OSError, ValueError) as exc:
        log.info("plausibility check of run %s without alternatives: %s", run.run_id, exc)
        return flags
