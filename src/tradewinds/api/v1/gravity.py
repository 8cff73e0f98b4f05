"""HTTP routes (prefix ``/api/v1``) for gravity, potential, replication and integration.

Data and baselines are named, never given as server paths: gravity data is ``yotov2016`` or
``wiod0014`` and a baseline is a bundled name, so a request cannot make the server read a file.
The functions called are the ones the CLI calls, so both return the same numbers.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from tradewinds.api.deps import bounded, require_read, require_write
from tradewinds.api.v1 import answers
from tradewinds.core.errors import ScenarioError
from tradewinds.core.inputs import parse_yaml

# Reads follow the server's read rule (open on loopback unless --private); estimating records a
# gravity run, so it needs the write token. Every call runs under the per-request time limit.
router = APIRouter(prefix="/api/v1", tags=["gravity"], dependencies=[Depends(require_read)])

GravityData = Literal["yotov2016", "wiod0014"]


class EstimateRequest(BaseModel):
    """A gravity specification (YAML text or object) and a bundled dataset name."""

    model_config = ConfigDict(extra="forbid")

    spec: str | dict[str, Any] = Field(description="Specification YAML text or object.")
    data: GravityData = "yotov2016"


class IntegrateRequest(BaseModel):
    """Pairs, a target and the model; optionally a tariff scenario to cut on top of."""

    model_config = ConfigDict(extra="forbid")

    pairs: list[str] = Field(min_length=1, description="Pairs such as 'CAN,MEX'.")
    target: str = Field(description="2x, +50%, US$60bn or offset:CAN.")
    model: Literal["one-sector", "multi-sector"] = "one-sector"
    sectors: list[str] | None = None
    scenario: str | dict[str, Any] | None = Field(
        default=None, description="Scenario YAML text or object (its tariffs and model)."
    )
    baseline: str | None = Field(default=None, description="Bundled baseline name.")
    bilateral: bool = False


def _bundled_baseline(name: str) -> Any:
    from tradewinds.data.loaders import bundled_names, load_baseline

    if name not in bundled_names():
        known = ", ".join(bundled_names())
        raise ScenarioError(f"Baseline {name!r} is not a bundled name; the API accepts {known}.")
    return load_baseline(name)


@router.post(
    "/gravity/estimate",
    dependencies=[Depends(require_write)],
    response_model=answers.GravityEstimate,
)
async def gravity_estimate(http: Request, request: EstimateRequest) -> dict[str, Any]:
    """Estimate a specification; returns the run id and tidy coefficient records."""
    return await bounded(http, _estimate, request)


def _estimate(request: EstimateRequest) -> dict[str, Any]:
    from tradewinds.integration.gravity import estimate, parse_spec, save_run

    raw = parse_yaml(request.spec, "spec") if isinstance(request.spec, str) else request.spec
    spec = parse_spec(raw, "spec")
    result = estimate(request.data, spec)
    save_run(result)
    return {
        "run_id": result.run_id,
        "data": request.data,
        "n_obs": result.n_obs,
        "records": result.to_records().to_dict(orient="records"),
    }


@router.get("/gravity/potential", response_model=answers.RunRecords)
async def gravity_potential(
    http: Request,
    country: str,
    partner: str,
    data: GravityData = "wiod0014",
    year: int | None = None,
) -> dict[str, Any]:
    """Predicted against actual trade for the pair and the comparison pairs.

    The default data is the newest bundled (WIOD, 2014); each record carries its year.
    """
    from tradewinds.integration.potential import trade_potential

    records, result = await bounded(
        http, trade_potential, country.upper(), partner.upper(), data=data, year=year
    )
    return {"run_id": result.run_id, "records": records.to_dict(orient="records")}


@router.get("/replicate/yotov2016", response_model=answers.Table)
async def replicate_yotov2016(http: Request, table: int = Query(ge=1, le=3)) -> dict[str, Any]:
    """Every column of Table 1, 2 or 3 of Yotov et al. (2016), Chapter 1."""
    from tradewinds.integration.yotov2016 import replicate_table

    frame = await bounded(http, replicate_table, table)
    return {"records": frame.to_dict(orient="records")}


@router.post("/integrate", response_model=answers.Solved)
async def integrate(http: Request, request: IntegrateRequest) -> dict[str, Any]:
    """The uniform trade-cost cut on the pairs that reaches the target, and its equilibrium."""
    return await bounded(http, _integrate, request)


def _integrate(request: IntegrateRequest) -> dict[str, Any]:
    from tradewinds.scenarios.integration import integrate_on

    pairs = []
    for text in request.pairs:
        parts = [p.strip().upper() for p in text.split(",")]
        if len(parts) != 2:
            raise ScenarioError(f"Pair {text!r} must name two countries, as 'CAN,MEX'.")
        pairs.append((parts[0], parts[1]))
    scen = None
    if request.scenario is not None:
        from tradewinds.scenarios.schema import parse_scenario

        raw = request.scenario
        scen = parse_scenario(parse_yaml(raw, "scenario") if isinstance(raw, str) else raw)
    name = request.baseline or (scen.baseline if scen is not None else None)
    baseline = _bundled_baseline(name) if name is not None else None
    result = integrate_on(
        pairs,
        request.target,
        scenario=scen,
        baseline=baseline,
        model=request.model,
        sectors=request.sectors,
    )
    return {
        "summary": result.summary(),
        "solver": result.equilibrium.report.to_dict(),
        "records": result.to_records(bilateral=request.bilateral).to_dict(orient="records"),
    }
