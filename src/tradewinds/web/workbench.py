"""The scenario explorer and the strategy page.

Both run their long work as jobs of the HTTP API (``POST /api/v1/scenarios/run``,
``/api/v1/strategy/united-front`` and ``/api/v1/strategy/optimal-curve``, progress over
server-sent events); this module builds the scenario YAML from a library file or an upload and
the levers, and renders results from the jobs' records.
"""

from __future__ import annotations

import copy
import functools
import math
import os
import re
from pathlib import Path
from typing import Any

import yaml
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from tradewinds.core.errors import ScenarioError, UnknownLabelError
from tradewinds.data.elasticities import ELASTICITY_SETS, check_set_name
from tradewinds.models import registry
from tradewinds.web import charts
from tradewinds.web.render import fragment, page, scenario_dir_of

router = APIRouter(include_in_schema=False)

#: Environment variable naming the scenario library folder.
LIBRARY_ENV = "TRADEWINDS_SCENARIOS"
#: Largest uploaded scenario accepted (bytes of YAML).
MAX_UPLOAD = 256 * 1024
#: The explorer's model choice: every registered model, by name, with its title.
MODELS = {name: model.title for name, model in registry.MODELS.items()}
RETALIATION = {
    "keep": "as in the scenario",
    "none": "none",
    "canada": "Canada's countermeasures in force on the measures date",
    "mirror-can": "Canada mirrors US tariffs",
    "mirror-both": "Canada and Mexico mirror US tariffs",
}
USMCA = {
    "keep": "as in the scenario",
    "2025h2": "July–December 2025 claim shares",
    "2025": "2025 claim shares",
    "2024": "2024 claim shares",
    "none": "no USMCA preference (exemption removed)",
}


def writes_need_token(request: Request) -> bool:
    """Whether launching jobs on this server needs the bearer token (``--token-file``)."""
    settings = getattr(request.app.state, "settings", None)
    return bool(getattr(settings, "writes_need_token", False))


def library_dir(given: Path | None = None) -> Path:
    """The scenario library folder (first found of the candidates below).

    ``given`` (``serve --scenarios``), ``$TRADEWINDS_SCENARIOS``, ``./scenarios``, the repository's.
    """
    env = os.environ.get(LIBRARY_ENV)
    candidates = [given] if given is not None else []
    candidates += [Path(env)] if env else []
    candidates += [Path.cwd() / "scenarios", Path(__file__).resolve().parents[3] / "scenarios"]
    for folder in candidates:
        if folder.is_dir():
            return folder
    raise ScenarioError(
        f"No scenario library found; set ${LIBRARY_ENV} to the folder of scenario files."
    )


@functools.cache
def _library(folder: Path) -> tuple[tuple[str, str, str], ...]:
    from tradewinds.scenarios import load_scenario

    out = []
    for path in sorted(folder.glob("*.yaml")):
        spec = load_scenario(path)
        out.append((path.name, spec.model.name, spec.title))
    return tuple(out)


def library(given: Path | None = None) -> list[dict[str, str]]:
    """Library scenarios: file name, model and title."""
    try:
        folder = library_dir(given)
    except ScenarioError:
        return []
    return [{"file": f, "model": m, "title": t} for f, m, t in _library(folder)]


def library_text(name: str, given: Path | None = None) -> str:
    """The text of a library scenario, by file name (no path from the request reaches the disk)."""
    files = {s["file"]: s for s in library(given)}
    if name not in files:
        raise UnknownLabelError("library scenario", name, sorted(files), "the scenario library")
    return (library_dir(given) / name).read_text(encoding="utf-8")


class Levers(BaseModel):
    """The explorer form: a base scenario and the levers applied to it (empty = keep)."""

    model_config = ConfigDict(extra="ignore")

    library: str = ""
    base_text: str = Field(default="", max_length=MAX_UPLOAD)
    as_of: str = ""
    ieepa_can: str = ""
    ieepa_mex: str = ""
    s122: str = ""
    usmca: str = "keep"
    retaliation: str = "keep"
    camx: str = ""
    model: str = "keep"
    baseline: str = "keep"
    eps: str = ""
    elasticities: str = "keep"
    draws: str = ""


def _percent(text: str, what: str, low: float = 0.0, high: float = 1000.0) -> float | None:
    if not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise ScenarioError(f"{what} {text!r} is not a number (a percentage).") from None
    if not low <= value <= high:
        raise ScenarioError(f"{what} {value:g}% is outside {low:g}%–{high:g}%.")
    return value / 100


@functools.cache
def _s122_rate() -> float:
    from tradewinds.measures.registry import load_registry

    rates = [m.rate for m in load_registry().measures if m.programme == "s122"]
    if not rates:
        raise ScenarioError("The registry has no Section 122 measure to scale.")
    return float(max(rates))


def build_scenario(levers: Levers, given: Path | None = None) -> dict[str, Any]:
    """The scenario (plain data) of a base file with the levers applied, validated."""
    from tradewinds.scenarios.schema import parse_scenario

    data, source = _base_scenario(levers, given)
    base = copy.deepcopy(data)
    data["shocks"] = _shocks(levers, dict(data.get("shocks") or {}), source)
    data["model"] = _model(levers, data)
    changed = _changes(base, data)
    if changed:  # a run the levers changed is recorded under a title that says so
        data["title"] = f"{base.get('title', source)} (explorer: {'; '.join(changed)})"
    parse_scenario(data, "the explorer's scenario")  # validates; raises one clear message
    return data


def _base_scenario(levers: Levers, given: Path | None) -> tuple[dict[str, Any], str]:
    """The uploaded or library scenario the levers start from, and what to call it."""
    from tradewinds.core.inputs import parse_yaml

    if levers.base_text.strip():
        data = parse_yaml(levers.base_text, "uploaded scenario")
        source = "uploaded scenario"
    else:
        name = levers.library or "measures-2025-09-01.yaml"
        data = parse_yaml(library_text(name, given), name)
        source = name
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: a scenario must be a mapping of keys.")
    data.pop("compare_against", None)  # the explorer runs one scenario
    return data, source


def _shocks(levers: Levers, shocks: dict[str, Any], source: str) -> dict[str, Any]:
    """The scenario's shocks with the measure, retaliation and trade-cost levers applied."""
    overrides = dict(shocks.get("overrides") or {})
    if overrides.get("measure_files"):
        raise ScenarioError(
            f"{source}: shocks.overrides.measure_files names files on disk; the explorer takes "
            "scenarios as content only. Put the measures in the registry or run it with the CLI."
        )
    if levers.as_of:
        shocks["tariffs_as_of"] = levers.as_of
    ieepa = dict(overrides.get("ieepa_rate") or {})
    for country, text in (("CAN", levers.ieepa_can), ("MEX", levers.ieepa_mex)):
        rate = _percent(text, f"IEEPA rate on {country}", 0, 200)
        if rate is not None:
            ieepa[country] = rate
    if ieepa:
        overrides["ieepa_rate"] = ieepa
    s122 = _percent(levers.s122, "Section 122 rate", 0, 15)
    if s122 is not None:
        scale = dict(overrides.get("scale_programmes") or {})
        scale["s122"] = round(s122 / _s122_rate(), 6)
        overrides["scale_programmes"] = scale
    if levers.usmca not in USMCA:
        raise ScenarioError(f"USMCA mode {levers.usmca!r} must be one of {list(USMCA)}.")
    if levers.usmca == "none":
        overrides["remove_usmca_exemption"] = True
    elif levers.usmca != "keep":
        overrides["remove_usmca_exemption"] = False
        shocks["usmca_shares"] = levers.usmca
    if overrides:
        shocks["overrides"] = overrides
    _retaliation(levers, shocks)
    camx = _percent(levers.camx, "Canada–Mexico trade-cost change", -90, 100)
    if camx is not None:
        costs = [c for c in shocks.get("trade_costs") or [] if c.get("between") != ["CAN", "MEX"]]
        if camx != 0:
            costs.append({"between": ["CAN", "MEX"], "change": camx})
        shocks["trade_costs"] = costs
    return shocks


def _retaliation(levers: Levers, shocks: dict[str, Any]) -> None:
    """Set (or drop) the shocks' retaliation as the lever says."""
    if levers.retaliation not in RETALIATION:
        raise ScenarioError(
            f"Retaliation {levers.retaliation!r} must be one of {list(RETALIATION)}."
        )
    if levers.retaliation == "none":
        shocks.pop("retaliation", None)
    elif levers.retaliation == "canada":
        date = shocks.get("tariffs_as_of") or levers.as_of or "2025-09-01"
        shocks["retaliation"] = [{"by": "CAN", "countermeasures_as_of": date}]
    elif levers.retaliation == "mirror-can":
        shocks["retaliation"] = [{"by": "CAN", "mirror": True}]
    elif levers.retaliation == "mirror-both":
        shocks["retaliation"] = [{"by": ["CAN", "MEX"], "mirror": True}]


def _model(levers: Levers, data: dict[str, Any]) -> dict[str, Any]:
    """The model settings with the model, baseline and elasticity levers applied.

    Sets ``data["baseline"]`` when the chosen model or baseline needs another table.
    """
    model = dict(data.get("model") or {"name": "one-sector"})
    if levers.model not in ("keep", *MODELS):
        raise ScenarioError(f"Model {levers.model!r} must be one of {list(MODELS)}.")
    kinds = baseline_kinds()
    if levers.baseline not in ("keep", *kinds):
        raise ScenarioError(
            f"Baseline {levers.baseline!r} must be one of {list(kinds)} (or 'keep')."
        )
    model_before = model.get("name")
    if levers.model != "keep" and levers.model != model.get("name"):
        model = {"name": levers.model}
    elif levers.model == "keep" and levers.baseline != "keep":
        # a bundled baseline of the other kind brings its model (the runner refuses a mix)
        multi = kinds[levers.baseline] == "multi-sector"
        if multi != (model.get("name") == "multi-sector"):
            model = {"name": "multi-sector" if multi else "one-sector"}
    if levers.baseline != "keep" or model.get("name") != model_before:
        fitted = _baseline_for(model, data.get("baseline"), levers.baseline, kinds)
        if fitted is not None:
            data["baseline"] = fitted
    if levers.eps.strip():
        try:
            eps = float(levers.eps)
        except ValueError:
            raise ScenarioError(f"Elasticity {levers.eps!r} is not a number.") from None
        if not 0 < eps <= 50:
            raise ScenarioError(f"Elasticity {eps:g} must be above 0 and at most 50.")
        model["theta" if model.get("name") == "multi-sector" else "eps"] = eps
    if levers.elasticities != "keep":
        if model.get("name") != "multi-sector":
            raise ScenarioError(
                "An elasticity set applies to the multi-sector model; choose it under Model."
            )
        check_set_name(levers.elasticities)
        model["elasticities"] = levers.elasticities
    return model


@functools.cache
def baseline_kinds() -> dict[str, str]:
    """Every bundled baseline's name and kind (``one-sector`` or ``multi-sector``)."""
    from tradewinds.reporting.baseline_info import bundled_catalogue

    return {str(row["name"]): str(row["kind"]) for row in bundled_catalogue()}


def _baseline_for(model: dict[str, Any], current: Any, chosen: str, kinds: dict[str, str]) -> Any:
    """The baseline a scenario runs on after the levers: the chosen one, or one that fits.

    A baseline chosen on the form is kept, and refused if it does not fit the model. Otherwise a
    scenario's own baseline is kept when it fits the model (a 2023 library scenario stays on
    ``wiod2023``); a bundled baseline of the other kind is replaced by the first of the kind
    (``wiod2011`` for the multi-sector model, ``default`` for the others). A baseline that is not
    bundled (a path) is left to the runner, which checks its sectors.
    """
    multi = model.get("name") == "multi-sector"
    want = "multi-sector" if multi else "one-sector"
    if chosen != "keep":
        if kinds[chosen] != want:
            raise ScenarioError(
                f"Baseline {chosen!r} is {kinds[chosen]}; the {model.get('name')} model needs a "
                f"{want} baseline ({', '.join(n for n, k in kinds.items() if k == want)})."
            )
        return chosen
    name = "default" if current is None else current
    if not isinstance(name, str) or name not in kinds or kinds[name] == want:
        return current
    return "wiod2011" if multi else "default"


def _changes(base: dict[str, Any], data: dict[str, Any]) -> list[str]:
    """What the levers changed in a scenario, in words (empty: the base as it was)."""
    old, new = base.get("shocks") or {}, data.get("shocks") or {}
    old_over, new_over = old.get("overrides") or {}, new.get("overrides") or {}
    out = []
    if new.get("tariffs_as_of") != old.get("tariffs_as_of"):
        out.append(f"measures of {new.get('tariffs_as_of')}")
    for country, rate in (new_over.get("ieepa_rate") or {}).items():
        if (old_over.get("ieepa_rate") or {}).get(country) != rate:
            out.append(f"IEEPA {100 * float(rate):g}% on {country}")
    s122 = (new_over.get("scale_programmes") or {}).get("s122")
    if s122 != (old_over.get("scale_programmes") or {}).get("s122"):
        out.append(f"Section 122 × {s122:g}")
    if new_over.get("remove_usmca_exemption") != old_over.get("remove_usmca_exemption") or (
        new.get("usmca_shares") != old.get("usmca_shares")
    ):
        shares = new.get("usmca_shares")
        out.append(
            "no USMCA preference"
            if new_over.get("remove_usmca_exemption")
            else (f"USMCA claim shares {shares}" if shares else "USMCA preference")
        )
    if new.get("retaliation") != old.get("retaliation"):
        rules = new.get("retaliation") or []
        who = ", ".join(
            f"{'+'.join([r['by']] if isinstance(r['by'], str) else r['by'])} "
            + ("mirrors" if r.get("mirror") else "countermeasures")
            for r in rules
        )
        out.append(f"retaliation: {who}" if rules else "no retaliation")
    if new.get("trade_costs") != old.get("trade_costs"):
        camx = [c for c in new.get("trade_costs") or [] if c.get("between") == ["CAN", "MEX"]]
        out.append(
            f"CAN–MEX trade costs {100 * float(camx[0]['change']):+g}%"
            if camx
            else "no CAN–MEX trade-cost change"
        )
    old_model, new_model = base.get("model") or {}, data.get("model") or {}
    if new_model.get("name", "one-sector") != old_model.get("name", "one-sector"):
        out.append(f"model {new_model.get('name')}")
    if data.get("baseline", "default") != base.get("baseline", "default"):
        out.append(f"baseline {data.get('baseline')}")
    for key in ("eps", "theta"):
        if key in new_model and new_model.get(key) != old_model.get(key):
            out.append(f"elasticity {new_model[key]:g}")
    return out


def coverage_warnings(data: dict[str, Any]) -> list[str]:
    """The registry's warnings on the scenario's dates (past its coverage date), as text."""
    import datetime as dt
    import warnings

    from tradewinds.measures.registry import load_registry
    from tradewinds.measures.warnings import TradewindsWarning

    shocks = data.get("shocks") or {}
    dates = [shocks.get("tariffs_as_of")]
    dates += [r.get("countermeasures_as_of") for r in shocks.get("retaliation") or []]
    out: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TradewindsWarning)
        registry = load_registry()
        for day in dict.fromkeys(str(d) for d in dates if d):
            registry.check_date(dt.date.fromisoformat(day))
    for w in caught:
        if issubclass(w.category, TradewindsWarning) and str(w.message) not in out:
            out.append(str(w.message))
    return out


def summary(data: dict[str, Any]) -> str:
    """One line on what a built scenario does (shown beside the levers)."""
    shocks = data.get("shocks") or {}
    overrides = shocks.get("overrides") or {}
    model = data.get("model") or {}
    parts = []
    if shocks.get("tariffs_as_of"):
        parts.append(f"US measures in force on {shocks['tariffs_as_of']}")
        if overrides.get("remove_usmca_exemption"):
            parts.append("no USMCA preference")
        elif shocks.get("usmca_shares"):
            parts.append(f"USMCA claim shares {shocks['usmca_shares']}")
    for country, rate in (overrides.get("ieepa_rate") or {}).items():
        parts.append(f"IEEPA {100 * float(rate):g}% on {country}")
    if "s122" in (overrides.get("scale_programmes") or {}):
        parts.append(f"Section 122 × {overrides['scale_programmes']['s122']:g}")
    if shocks.get("tariffs"):
        parts.append(f"{len(shocks['tariffs'])} explicit tariff change(s)")
    retaliation = shocks.get("retaliation") or []
    parts.append(f"{len(retaliation)} retaliation rule(s)" if retaliation else "no retaliation")
    for cost in shocks.get("trade_costs") or []:
        where = "–".join(cost.get("between") or []) or "a directed pair"
        parts.append(f"trade costs {100 * float(cost['change']):+g}% {where}")
    elasticity = model.get("theta", model.get("eps"))
    name = model.get("name", "one-sector")
    chosen = model.get("elasticities")
    parts.append(
        f"model {name}"
        + (f", elasticities {chosen}" if chosen else "")
        + (f", elasticity {elasticity}" if elasticity else "")
    )
    parts.append(f"baseline {data.get('baseline', 'default')}")
    return "; ".join(parts) + "."


def scenario_yaml(data: dict[str, Any]) -> str:
    """YAML text of a built scenario, keys in the order of the file."""
    text: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return text


@router.get("/explorer", response_class=HTMLResponse)
def explorer(request: Request, scenario: str = "") -> HTMLResponse:
    """The scenario explorer page."""
    return page(
        request,
        "explorer.html",
        title="Scenario explorer",
        library=library(scenario_dir_of(request)),
        chosen=scenario or "measures-2025-09-01.yaml",
        models=MODELS,
        elasticity_sets=ELASTICITY_SETS,
        retaliation=RETALIATION,
        usmca=USMCA,
        baselines=baseline_kinds(),
        max_upload=MAX_UPLOAD,
        needs_token=writes_need_token(request),
    )


@router.post("/explorer/build")
def explorer_build(request: Request, levers: Levers) -> dict[str, Any]:
    """The scenario the explorer's form describes, as YAML (validated)."""
    data = build_scenario(levers, scenario_dir_of(request))
    as_of = (data.get("shocks") or {}).get("tariffs_as_of") or ""
    return {
        "yaml": scenario_yaml(data),
        "title": data.get("title", ""),
        "summary": summary(data),
        "as_of": str(as_of),
        "warnings": coverage_warnings(data),
    }


@router.get("/explorer/rates-map", response_class=HTMLResponse)
def explorer_rates_map(date: str = "") -> HTMLResponse:
    """Fragment: every partner's effective US rate on ``date`` (default today) on the world map.

    The explorer fetches it after the page is drawn and whenever the measures date changes; the
    first request for a date computes about 230 partners (cached by date and registry hash).
    """
    from tradewinds.measures.registry import load_registry
    from tradewinds.web import queries as q
    from tradewinds.web.runs import map_countries

    coverage = load_registry().coverage_date
    day = q.parse_date(date, q.today(coverage), "measures date")
    rates = q.every_partner(day)
    # A partner with no 2024 imports (North Korea) has no rate: left grey, not NaN.
    values = {
        c: 100 * float(p["effective_rate"])
        for c, p in rates.items()
        if math.isfinite(float(p["effective_rate"]))
    }
    names = {**map_countries(), **{c: q.country_name(c) for c in values}}
    drawn = {c: v for c, v in values.items() if c in map_countries()}
    rows = [
        {
            "country": c,
            "name": names.get(c, c),
            "additional": float(rates[c]["additional_rate"]),
            "total": values[c] / 100,
        }
        for c in sorted(values, key=lambda c: -values[c])
    ]
    return HTMLResponse(
        fragment(
            "_rates_map.html",
            day=day.isoformat(),
            figure=charts.rate_map(drawn, map_countries(), "statutory rate,<br>% incl. MFN"),
            rows=rows,
            n_drawn=len(drawn),
            n_map=len(map_countries()),
        )
    )


# -- strategy --------------------------------------------------------------------------------


STRATEGIES = ("accept", "alone", "joint", "deal")


@router.get("/strategy", response_class=HTMLResponse)
def strategy(request: Request) -> HTMLResponse:
    """The united-front game and the optimal tariff curve."""
    return page(
        request,
        "strategy.html",
        title="Strategy",
        library=[s for s in library(scenario_dir_of(request)) if s["model"] != "multi-sector"],
        chosen="threat-escalation.yaml",
        needs_token=writes_need_token(request),
    )


@router.get("/strategy/scenario", response_class=PlainTextResponse)
def strategy_scenario(request: Request, name: str = Query(max_length=200)) -> str:
    """A library scenario's text (sent to the strategy job as content)."""
    return library_text(name, scenario_dir_of(request))


class JobResult(BaseModel):
    """A job result as the API returns it (only the records are used here)."""

    model_config = ConfigDict(extra="ignore")

    run_id: str | None = None
    records: list[dict[str, Any]] = Field(max_length=100_000)


#: A payoff cell of the united-front game: ``CAN=deal;MEX=retaliate``.
_CELL = re.compile(r"([A-Za-z0-9]{2,8})=([A-Za-z_]+);([A-Za-z0-9]{2,8})=([A-Za-z_]+)")


def united_front_context(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Payoff matrices, equilibria and the partners' summary from the game's tidy records."""
    import pandas as pd

    frame = pd.DataFrame(records)
    if frame.empty:
        raise ScenarioError("The united-front result has no records.")
    missing = [c for c in ("country", "partner", "metric", "value") if c not in frame.columns]
    if missing:
        raise ScenarioError(
            f"records: the united-front result's records lack {missing}; each needs country, "
            "partner, metric and value (as GET /api/v1/jobs/ID/result returns them)."
        )
    frame["partner"] = frame["partner"].fillna("").astype(str)
    frame["country"] = frame["country"].astype(str)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    cells = frame[
        (frame["metric"] == "welfare_pct") & frame["partner"].str.fullmatch(_CELL.pattern)
    ]
    if cells.empty:
        raise ScenarioError(
            "records: the result has no payoff cells (metric welfare_pct, partner like "
            "'CAN=deal;MEX=deal')."
        )
    match = _CELL.fullmatch(str(cells["partner"].iloc[0]))
    assert match is not None
    a, b = match.group(1), match.group(3)
    eq = set(frame.loc[frame["metric"] == "nash_equilibrium", "partner"])
    players = [a, b] + [c for c in ("USA",) if c in set(cells["country"])]
    payoff = {
        (str(p), str(c)): float(v)
        for p, c, v in cells[["partner", "country", "value"]].itertuples(index=False)
    }
    matrices = []
    for who in players:
        values = [
            [payoff.get((f"{a}={r};{b}={c}", who), float("nan")) for c in STRATEGIES]
            for r in STRATEGIES
        ]
        bound = max((abs(v) for row in values for v in row if v == v), default=0.0) or 1.0
        matrices.append(
            {
                "who": who,
                "rows": [
                    {
                        "strategy": r,
                        "cells": [
                            {
                                "value": v,
                                "eq": f"{a}={r};{b}={c}" in eq,
                                "style": _heat(v, bound),
                            }
                            for c, v in zip(STRATEGIES, row, strict=True)
                        ],
                    }
                    for r, row in zip(STRATEGIES, values, strict=True)
                ],
            }
        )
    summary = []
    for p in (a, b):
        row: dict[str, Any] = {"partner": p}
        for metric in (
            "coordination_value_pct",
            "coordination_vs_disagreement_pct",
            "best_unilateral_pct",
            "disagreement_pct",
            "alone_rate",
            "joint_rate",
        ):
            sel = frame[(frame["metric"] == metric) & (frame["country"] == p)]
            row[metric] = float(sel["value"].iloc[0]) if len(sel) else float("nan")
        summary.append(row)
    equilibria = [e.replace(";", " / ").replace("=", ": ") for e in sorted(eq)]
    shares = frame[frame["metric"] == "equilibrium_share"]
    draws = [
        {"cell": str(p).replace(";", " / ").replace("=", ": "), "share": float(v)}
        for p, v in zip(shares["partner"], shares["value"], strict=True)
    ]
    return {
        "draws": draws,
        "partners": (a, b),
        "strategies": STRATEGIES,
        "matrices": matrices,
        "summary": summary,
        "equilibria": equilibria,
    }


def _heat(value: float, bound: float) -> str:
    """Background colour of a payoff cell: blue gains, red losses (text stays dark)."""
    if value != value:
        return ""
    share = min(abs(value) / bound, 1.0) * 0.55
    colour = "33,102,172" if value >= 0 else "178,24,43"
    return f"background-color: rgba({colour},{share:.2f})"


@router.post("/strategy/united-front/view", response_class=HTMLResponse)
def united_front_view(result: JobResult) -> HTMLResponse:
    """The game's heat tables from a finished job's result."""
    ctx = united_front_context(result.records)
    return HTMLResponse(fragment("_united_front.html", run_id=result.run_id, **ctx))


def curve_context(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The curve (grid, welfare) and the optimum from an ``optimal-curve`` job's records."""
    points = [r for r in records if r.get("metric") == "welfare_pct" and "tariff" in r]
    single = {str(r.get("metric")): r for r in records if r.get("metric") != "welfare_pct"}
    missing = {"optimal_tariff", "optimal_welfare_pct", "start_tariff"} - set(single)
    if not points or missing:
        raise ScenarioError(
            "The result is not an optimal tariff curve (it needs welfare_pct by tariff and "
            "optimal_tariff, optimal_welfare_pct, start_tariff)."
        )
    points.sort(key=lambda r: float(r["tariff"]))
    return {
        "country": str(points[0]["country"]),
        "grid": [float(r["tariff"]) for r in points],
        "welfare": [float(r["value"]) for r in points],
        "optimum": float(single["optimal_tariff"]["value"]),
        "optimum_welfare": float(single["optimal_welfare_pct"]["value"]),
        "start": float(single["start_tariff"]["value"]),
    }


class CurveResult(JobResult):
    """An ``optimal-curve`` job's result (its title and records are used)."""

    title: str = ""


@router.post("/strategy/curve/view", response_class=HTMLResponse)
def curve_view(result: CurveResult) -> HTMLResponse:
    """The optimal tariff curve of one country as a chart fragment, from a finished job."""
    curve = {**curve_context(result.records), "title": result.title}
    figure: dict[str, Any] = {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": [100 * t for t in curve["grid"]],
                "y": curve["welfare"],
                "name": f"{curve['country']} welfare",
                "line": {"color": charts.COUNTRY_COLOURS.get(curve["country"], "#0072B2")},
                "hovertemplate": "tariff %{x:.1f}%: welfare %{y:+.3f}%<extra></extra>",
            },
            {
                "type": "scatter",
                "mode": "markers",
                "x": [100 * curve["optimum"]],
                "y": [curve["optimum_welfare"]],
                "name": "optimum",
                "marker": {"size": 13, "symbol": "star", "color": "#000"},
                "hovertemplate": "optimum %{x:.2f}%: %{y:+.3f}%<extra></extra>",
            },
        ],
        "layout": charts._layout(
            xaxis={
                "title": {"text": f"{curve['country']} uniform tariff on all partners"},
                "ticksuffix": "%",
            },
            yaxis={"title": {"text": "welfare change"}, "ticksuffix": "%"},
            height=380,
        ),
    }
    return HTMLResponse(fragment("_curve.html", curve=curve, figure=figure))
