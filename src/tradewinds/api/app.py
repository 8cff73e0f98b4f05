"""The FastAPI application.

Endpoints return the same numbers as the CLI because they call the same functions: the
scenario runner, the duty calculator, the effective-rate point and the origin check. Errors a
user can cause (:class:`~tradewinds.core.errors.TradewindsError`) are turned into JSON responses
with the error's HTTP status in one handler; anything else is a bug and a 500.
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

import tradewinds
from tradewinds.core.errors import ScenarioError, TradewindsError
from tradewinds.core.inputs import parse_yaml


class RunRequest(BaseModel):
    """A scenario to solve: YAML text (as in a scenario file) or the same data as JSON."""

    scenario: str | dict[str, Any] = Field(description="Scenario YAML text or object.")
    baseline: str | None = Field(default=None, description="Bundled name or path override.")
    bilateral: bool = Field(default=False, description="Include bilateral trade records.")


class OriginRequest(BaseModel):
    """A bill of materials, as YAML text or the same data as JSON."""

    bom: str | dict[str, Any]


def _data(payload: str | dict[str, Any], what: str) -> Any:
    if isinstance(payload, dict):
        return payload
    return parse_yaml(payload, what)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ScenarioError(f"Date {text!r} is not an ISO date (YYYY-MM-DD).") from None


def create_app() -> FastAPI:
    """Build the application (one per process; the registry and baselines load lazily)."""
    app = FastAPI(
        title="tradewinds",
        version=tradewinds.__version__,
        description="North American trade policy in numbers: duties, effective rates, GE models.",
    )

    @app.exception_handler(TradewindsError)
    async def _user_error(request: Request, exc: TradewindsError) -> JSONResponse:
        return JSONResponse(
            status_code=exc.http_status,
            content={"error": type(exc).__name__, "message": str(exc)},
        )

    @app.get("/health")
    def health() -> dict[str, str]:
        """Liveness and version."""
        return {"status": "ok", "version": tradewinds.__version__}

    @app.get("/baselines")
    def baselines() -> dict[str, list[str]]:
        """Names of the bundled baselines."""
        from tradewinds.data.loaders import bundled_names

        return {"bundled": bundled_names()}

    @app.post("/run")
    def run(request: RunRequest) -> dict[str, Any]:
        """Solve a scenario; return the solver report and tidy records."""
        from tradewinds.scenarios import run_scenario
        from tradewinds.scenarios.schema import parse_scenario

        spec = parse_scenario(_data(request.scenario, "scenario"), "scenario")
        eq = run_scenario(spec, request.baseline)
        records = eq.to_records(bilateral=request.bilateral)
        return {
            "title": spec.title,
            "scenario_hash": spec.digest(),
            "model": eq.model,
            "units": eq.units,
            "solver": eq.report.to_dict(),
            "records": records.to_dict(orient="records"),
        }

    @app.get("/duty")
    def duty(
        hts: str,
        origin: str,
        date: str,
        value: float = Query(gt=0),
        usmca: bool = False,
        us_content: float | None = None,
        steel: float | None = None,
        aluminum: float | None = None,
        copper: float | None = None,
        quantity: float | None = None,
        unit: str | None = None,
        importer: str = "USA",
    ) -> dict[str, Any]:
        """Stacked duty of one shipment, layer by layer (the CLI's ``--format json`` object)."""
        from tradewinds.measures import calculate

        metals = {
            k: v
            for k, v in (("steel", steel), ("aluminum", aluminum), ("copper", copper))
            if v is not None
        }
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = calculate(
                hts,
                origin.upper(),
                _date(date),
                value,
                importer=importer.upper(),
                usmca=usmca,
                us_content=us_content,
                metal_content=metals,
                quantity=quantity,
                unit=unit,
            )
        out = result.to_dict()
        out["notes"] = list(result.notes) + [str(w.message) for w in caught]
        return out

    @app.get("/etr")
    def etr(country: str, date: str, usmca_shares: str = "2025h2") -> dict[str, Any]:
        """Import-weighted effective US tariff rate on a country on one date, by authority."""
        from tradewinds.measures.etr import point

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = dict(point(country, _date(date), usmca_shares))
        out["notes"] = [str(w.message) for w in caught]
        return out

    @app.post("/origin/check")
    def origin_check(request: OriginRequest) -> dict[str, Any]:
        """USMCA rules-of-origin checks on a bill of materials."""
        from tradewinds.measures.origin import check_origin
        from tradewinds.measures.origin_schema import parse_bom

        bom = parse_bom(_data(request.bom, "bill of materials"), "bill of materials")
        return dict(check_origin(bom).to_dict())

    from tradewinds.api import routes_corridors

    app.include_router(routes_corridors.router)
    return app
