"""HTTP endpoints for corridors and diversification (``/api/v1/corridors``, ``/api/v1/diversify``).

They call the same functions as ``tradewinds corridors compare`` and ``tradewinds diversify
exposure`` and return the same objects as their ``--format json``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from tradewinds.core.errors import ScenarioError

router = APIRouter(prefix="/api/v1", tags=["corridors", "diversify"])


def _codes(text: str, name: str) -> list[str]:
    codes = [c.strip() for c in text.split(",") if c.strip()]
    if not codes:
        raise ScenarioError(f"{name} needs at least one code.")
    return codes


@router.get("/corridors/compare")
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

    origin: list[str] = Field(alias="from", min_length=1, max_length=3)
    destination: list[str] = Field(alias="to", min_length=1, max_length=10)
    via: list[str] = Field(default=["direct", "USA", "CAN"], min_length=1, max_length=4)
    params: dict[str, Any] = Field(
        default_factory=dict, description="Parameter overrides, as in a --params file."
    )


@router.post("/corridors/compare")
def corridors_compare_with_params(request: CompareRequest) -> dict[str, Any]:
    """As the GET endpoint, with parameter overrides in the body."""
    from tradewinds.integration.corridors import compare, parse_params

    params = parse_params(request.params, "params")
    routes = compare(request.origin, request.destination, request.via, params)
    return {"routes": [r.to_dict() for r in routes]}


@router.get("/diversify/exposure")
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
