"""The first endpoints (before ``/api/v1``), kept working as thin aliases of the v1 routes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from tradewinds.api.deps import require_read, require_write, settings
from tradewinds.api.jobs import TERMINAL
from tradewinds.api.v1 import duty as duty_routes
from tradewinds.api.v1 import resources
from tradewinds.api.v1.jobs import RunRequest, submit_run

router = APIRouter(tags=["aliases"])


@router.get("/health")
def health() -> dict[str, str]:
    """Liveness and version."""
    return {"status": "ok", "version": __import__("tradewinds").__version__}


@router.get("/baselines", dependencies=[Depends(require_read)])
def baselines() -> dict[str, list[str]]:
    """Names of the bundled baselines."""
    from tradewinds.data.loaders import bundled_names

    return {"bundled": bundled_names()}


@router.post("/run", dependencies=[Depends(require_write)])
async def run(request: Request, body: RunRequest) -> Any:
    """Solve a scenario and wait for it (a job under the hood; bounded by the request limit).

    A client that disconnects cancels the job; one that outlasts the per-request limit gets
    504 and the job is cancelled.
    """
    import asyncio

    from fastapi.responses import JSONResponse

    from tradewinds.api.deps import RequestTimeoutError, manager

    if body.draws is not None:
        body = body.model_copy(update={"draws": None})
    jobs = manager(request)
    job = submit_run(request, body)
    limit = settings(request).limits.request_seconds
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while True:
        _, state = jobs.snapshot(job.job_id)
        if state["state"] in TERMINAL:
            break
        if await request.is_disconnected():
            jobs.cancel(job.job_id)
            return JSONResponse(status_code=499, content={})
        if loop.time() > deadline:
            jobs.cancel(job.job_id)
            raise RequestTimeoutError(
                f"The run took longer than this server's limit of {limit:g} s and was cancelled; "
                "submit it to /api/v1/scenarios/run as a job instead."
            )
        await asyncio.sleep(0.05)
    done = jobs.get(job.job_id)
    result = done.result
    if done.state != "done" or result is None:
        error = done.error or {"error": "JobCancelled", "message": "cancelled", "status": 409}
        return JSONResponse(status_code=int(error.get("status", 500)), content=error)
    return result


@router.get("/duty", dependencies=[Depends(require_read)], response_class=Response)
async def duty(
    request: Request,
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
) -> Response:
    """Alias of ``GET /api/v1/duty``."""
    return await duty_routes.duty_line(
        request,
        hts=hts,
        origin=origin,
        date=date,
        value=value,
        usmca=usmca,
        us_content=us_content,
        steel=steel,
        aluminum=aluminum,
        copper=copper,
        quantity=quantity,
        unit=unit,
        importer=importer,
    )


@router.get("/etr", dependencies=[Depends(require_read)])
async def etr(
    request: Request, country: str, date: str, usmca_shares: str = "2025h2"
) -> dict[str, Any]:
    """Alias of ``GET /api/v1/etr``."""
    return await resources.etr_point(request, country=country, date=date, usmca_shares=usmca_shares)


@router.post("/origin/check", dependencies=[Depends(require_read)])
async def origin_check(request: Request, body: resources.OriginRequest) -> dict[str, Any]:
    """Alias of ``POST /api/v1/origin/check``."""
    return await resources.origin_check(request, body)
