"""HTTP endpoints for corridors and diversification (``/api/v1/corridors``, ``/api/v1/diversify``).

They call the same functions as ``tradewinds corridors compare|scenario`` and ``tradewinds
diversify exposure|markets|offset|products`` and return the same objects as their ``--format
json``. A request never names a server file: scenarios are names in the server's scenario library,
runs are ids in its results store, baselines are bundled names, and the BACI file is the one the
server's operator configured (``TRADEWINDS_BACI``), if any. Nothing here writes a file or a run.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from tradewinds.api.deps import bounded, require_read
from tradewinds.api.v1 import answers
from tradewinds.core.errors import ScenarioError

if TYPE_CHECKING:
    from tradewinds.scenarios.schema import Scenario

router = APIRouter(
    prefix="/api/v1", tags=["corridors", "diversify"], dependencies=[Depends(require_read)]
)


def _codes(text: str, name: str) -> list[str]:
    codes = [c.strip() for c in text.split(",") if c.strip()]
    if not codes:
        raise ScenarioError(f"{name} needs at least one code.")
    return codes


@router.get("/corridors/compare", response_model=answers.Routes)
def corridors_compare(
    origin: str = Query(alias="from", description="Origin countries, e.g. MEX or CAN,MEX."),
    destination: str = Query(alias="to", description="Destinations, e.g. CHN,JPN,KOR."),
    via: str = Query("direct,USA,CAN", description="Routings: direct, CAN, MEX, USA."),
) -> dict[str, Any]:
    """Routes with distance, days, cost per TEU and the US-transit flag (default parameters)."""
    from tradewinds.integration.corridors import compare

    routes = compare(_codes(origin, "from"), _codes(destination, "to"), _codes(via, "via"))
    return {"routes": [r.to_dict() for r in routes]}


class CompareRequest(BaseModel):
    """A comparison with overridden cost and time parameters."""

    model_config = ConfigDict(extra="forbid")

    origin: list[str] = Field(alias="from", min_length=1, max_length=3)
    destination: list[str] = Field(alias="to", min_length=1, max_length=10)
    via: list[str] = Field(default=["direct", "USA", "CAN"], min_length=1, max_length=4)
    params: dict[str, Any] = Field(
        default_factory=dict, description="Parameter overrides, as in a --params file."
    )


@router.post("/corridors/compare", response_model=answers.Routes)
def corridors_compare_with_params(request: CompareRequest) -> dict[str, Any]:
    """As the GET endpoint, with parameter overrides in the body."""
    from tradewinds.integration.corridors import compare, parse_params

    params = parse_params(request.params, "params")
    routes = compare(request.origin, request.destination, request.via, params)
    return {"routes": [r.to_dict() for r in routes]}


@router.get("/diversify/exposure", response_model=answers.Exposure)
def diversify_exposure(
    country: str = Query(description="CAN or MEX."),
    date: str = Query(description="Date YYYY-MM-DD."),
    top: int = Query(30, ge=1, le=500),
    by: str = Query("hts10", description="hts10, hs2, wiod or mission."),
    usmca_shares: str = Query("2025h2"),
) -> dict[str, Any]:
    """What the country sells to the US ranked by the duty it faces on the date."""
    from tradewinds.integration.diversify.exposure import exposure_report

    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise ScenarioError(f"Date {date!r} is not an ISO date (YYYY-MM-DD).") from None
    return exposure_report(country, day, top=top, by=by, usmca_shares=usmca_shares)


# -- corridors scenario ------------------------------------------------------------------------

Routing = Literal["direct", "CAN", "MEX", "USA"]


class ScenarioRequest(BaseModel):
    """A change of routing for a pair, as ``tradewinds corridors scenario``."""

    model_config = ConfigDict(extra="forbid")

    pair: str = Field("CAN,MEX", description="Two countries, e.g. CAN,MEX.")
    new: str = Field("direct", description="New routing: direct, CAN, MEX or USA.")
    old: str = Field("USA", description="Old routing: direct, CAN, MEX or USA.")
    new_kind: str | None = Field(None, description="Restrict the new routing, e.g. sea-pacific.")
    old_kind: str | None = Field(None, description="Restrict the old routing, e.g. overland-rail.")
    time_cost: Literal["low", "high"] = "low"
    params: dict[str, Any] = Field(
        default_factory=dict, description="Parameter overrides, as in a --params file."
    )


def _route_scenario(request: ScenarioRequest) -> dict[str, Any]:
    import yaml

    from tradewinds.integration.corridors import parse_params
    from tradewinds.integration.corridors.trade_costs import parse_routing, route_shift

    codes = [c.upper() for c in _codes(request.pair, "pair")]
    if len(codes) != 2:
        raise ScenarioError(f"pair {request.pair!r} must name two countries, e.g. CAN,MEX.")
    shift = route_shift(
        codes[0], codes[1],
        to_via=parse_routing(request.new, "new"), from_via=parse_routing(request.old, "old"),
        to_kind=request.new_kind, from_kind=request.old_kind, which=request.time_cost,
        params=parse_params(request.params, "params"),
    )  # fmt: skip
    scenario = shift.scenario()
    text = yaml.safe_dump(scenario, sort_keys=False, allow_unicode=True, width=100)
    return {"scenario": scenario, "yaml": text, "shift": shift.to_dict()}


@router.post("/corridors/scenario", response_model=answers.RouteScenario)
async def corridors_scenario(http: Request, request: ScenarioRequest) -> dict[str, Any]:
    """A change of routing as a trade-cost scenario: the object, its YAML text and the numbers.

    Nothing is written on the server: send the YAML to ``POST /api/v1/scenarios/run`` to solve it.
    """
    return await bounded(http, _route_scenario, request)


@router.get("/corridors/scenario", response_model=answers.RouteScenario)
async def corridors_scenario_default(
    http: Request,
    pair: str = Query("CAN,MEX"),
    new: str = Query("direct", description="New routing: direct, CAN, MEX or USA."),
    old: str = Query("USA", description="Old routing: direct, CAN, MEX or USA."),
    new_kind: str | None = Query(None),
    old_kind: str | None = Query(None),
    time_cost: Literal["low", "high"] = Query("low"),
) -> dict[str, Any]:
    """As the POST endpoint, with the default parameters."""
    request = ScenarioRequest(
        pair=pair, new=new, old=old, new_kind=new_kind, old_kind=old_kind, time_cost=time_cost
    )
    return await bounded(http, _route_scenario, request)


# -- diversify markets, offset, products -----------------------------------------------------


def _library_scenario(request: Request, name: str, field: str) -> tuple[Scenario, str]:
    """A scenario of the server's library by name (never a path), and its text."""
    from tradewinds.api.security import plain_name
    from tradewinds.api.v1.resources import library_dir
    from tradewinds.core.errors import UnknownLabelError
    from tradewinds.scenarios import load_scenario

    plain_name(name, field)
    folder = library_dir(request)
    stem = name.removesuffix(".yaml")
    path = folder / f"{stem}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
        raise UnknownLabelError("scenario", stem, known, "the scenario library")
    return load_scenario(path), path.read_text(encoding="utf-8")


def _markets(
    request: Request, country: str, scenario: str | None, run: str | None, baseline: str | None
) -> dict[str, Any]:
    from tradewinds.api.deps import store
    from tradewinds.api.worker import _records
    from tradewinds.integration.diversify.markets import destinations
    from tradewinds.scenarios.execute import execute

    if (scenario is None) == (run is None):
        raise ScenarioError("Give a library scenario name or a run id (one of the two).")
    if run is not None:
        if baseline is not None:
            raise ScenarioError("baseline applies to a scenario, not to a recorded run.")
        sink = store(request)
        run_id = sink.resolve_id(run)
        records = sink.results(run_id)
        trade_units = records.loc[records["metric"] == "trade", "unit"]
        units = str(trade_units.iloc[0]) if len(trade_units) else ""
        title = f"run {run_id}"
    else:
        assert scenario is not None
        spec, text = _library_scenario(request, scenario, "scenario")
        result = execute(spec, text=text, baseline=baseline, sink=None)
        records, units, title, run_id = result.records, result.units, spec.title, None
    frame = destinations(records, country)
    return {"title": title, "run_id": run_id, "units": units, "rows": _records(frame)}


@router.get("/diversify/markets", response_model=answers.Markets)
async def diversify_markets(
    request: Request,
    country: str = Query("CAN", description="Exporter whose markets are shown."),
    scenario: str | None = Query(None, description="Name of a scenario in the server's library."),
    run: str | None = Query(None, description="Id (or unique prefix) of a recorded run."),
    baseline: str | None = Query(None, description="Bundled baseline (with a scenario)."),
) -> dict[str, Any]:
    """Where the country's exports go before and after, by destination (GE model).

    A library scenario is solved without being recorded; a run's records are read from the store.
    """
    from tradewinds.api.security import bundled_baseline

    bundled_baseline(baseline, "baseline")
    return await bounded(request, _markets, request, country, scenario, run, baseline)


class OffsetRequest(BaseModel):
    """The uniform trade-cost cut with non-US partners that offsets a country's loss."""

    model_config = ConfigDict(extra="forbid")

    scenario: str = Field(description="Name of a scenario in the server's library.")
    country: str = "CAN"
    partners: list[str] = Field(
        default=["MEX", "EU27", "JPN", "KOR", "CPTPP"], min_length=1, max_length=30
    )
    offset: Literal["welfare", "exports"] = "welfare"
    baseline: str | None = Field(None, description="Bundled baseline name.")


def _offset(request: Request, body: OffsetRequest) -> dict[str, Any]:
    from tradewinds.api.worker import _records
    from tradewinds.scenarios.offset import offset_cut

    spec, _ = _library_scenario(request, body.scenario, "scenario")
    result, chosen = offset_cut(
        spec, body.country, body.partners, baseline=body.baseline, offset=body.offset
    )
    return {
        "summary": result.summary() | {"partners": chosen, "offset": body.offset},
        "solver": result.equilibrium.report.to_dict(),
        "records": _records(result.to_records()),
    }


@router.post("/diversify/offset", response_model=answers.Solved)
async def diversify_offset(request: Request, body: OffsetRequest) -> dict[str, Any]:
    """As ``tradewinds diversify offset``: a bounded synchronous solve (about 1 s by default)."""
    from tradewinds.api.security import bundled_baseline

    bundled_baseline(body.baseline, "baseline")
    return await bounded(request, _offset, request, body)


def _products(country: str, day: dt.date, top: int, usmca_shares: str) -> dict[str, Any]:
    from tradewinds.api.worker import _records
    from tradewinds.integration.diversify.products import (
        NO_BACI_SERVER,
        baci_path,
        exposed_products,
    )

    path = baci_path()
    rows = exposed_products(country, day, top=top, usmca_shares=usmca_shares, baci=path)
    return {
        "country": country.upper(),
        "date": day.isoformat(),
        "baci_configured": path is not None,
        "note": None if path is not None else NO_BACI_SERVER,
        "rows": _records(rows),
    }


@router.get("/diversify/products", response_model=answers.Products)
async def diversify_products(
    request: Request,
    country: str = Query(description="CAN or MEX."),
    date: str = Query(description="Date YYYY-MM-DD."),
    top: int = Query(20, ge=1, le=200),
    usmca_shares: str = Query("2025h2"),
) -> dict[str, Any]:
    """The HS6 products most exposed to US duties, with world demand when BACI is configured.

    The BACI file is the server's (``TRADEWINDS_BACI``); a request cannot name one. Without one
    the answer says so in ``note`` and ``baci_configured`` is false.
    """
    from tradewinds.api.deps import iso_date
    from tradewinds.api.security import ForbiddenPathError

    if "baci" in request.query_params:
        raise ForbiddenPathError(
            "The API does not take a BACI file: it uses the one this server was started with "
            "(TRADEWINDS_BACI), if any.",
            field="baci",
        )
    day = iso_date(date, "date")
    return await bounded(request, _products, country, day, top, usmca_shares)
