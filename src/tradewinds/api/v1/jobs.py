"""``/api/v1``: scenario runs, Monte Carlo and strategy as jobs; job state, events, results."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from tradewinds.api.deps import manager, require_read, require_write, settings
from tradewinds.api.inputs import scenario_input
from tradewinds.api.jobs import TERMINAL, Job, JobNotReadyError, check_draws
from tradewinds.api.security import scenario_error
from tradewinds.api.v1 import answers
from tradewinds.api.worker import JobSpec
from tradewinds.policy.defaults import BOUNDS
from tradewinds.policy.options import (
    NashOptions,
    OptimalOptions,
    UnitedFrontOptions,
    check_bounds,
)
from tradewinds.store.location import resolve_store_dir

router = APIRouter(prefix="/api/v1", tags=["jobs"])
F = TypeVar("F", bound=Callable[..., Any])

ScenarioPayload = str | dict[str, Any]
FILES: Any = Field(
    default_factory=dict,
    description="Files the scenario names (measure files, compare_against): file name -> YAML "
    "text. The API never reads server files.",
)


class RunRequest(BaseModel):
    """A scenario to run as a job; with ``draws`` it is a Monte Carlo."""

    model_config = ConfigDict(extra="forbid")

    scenario: ScenarioPayload = Field(description="Scenario YAML text or the same as JSON.")
    baseline: str | None = Field(default=None, description="Bundled baseline name (overrides).")
    bilateral: bool = Field(default=False, description="Include bilateral trade records.")
    draws: int | None = Field(default=None, description="Monte Carlo draws of elasticities.")
    seed: int | None = Field(
        default=None, ge=0, lt=2**32, description="Seed of the draws (default 0)."
    )
    files: dict[str, str] = FILES


class StrategyCommon(BaseModel):
    """Options every strategy job shares (the subclasses inherit: unknown keys are refused)."""

    model_config = ConfigDict(extra="forbid")

    scenario: ScenarioPayload = Field(description="Scenario YAML text or the same as JSON.")
    baseline: str | None = None
    files: dict[str, str] = FILES


class OptimalRequest(StrategyCommon, OptimalOptions):
    """``tradewinds strategy optimal``; options as in :class:`.OptimalOptions`."""


class CurveRequest(StrategyCommon):
    """One country's optimal tariff curve (the dashboard's strategy page)."""

    country: str = Field(pattern=r"^[A-Za-z]{3}$", description="ISO3 code of the country.")
    points: int = Field(default=21, ge=5, le=41, description="Tariffs on the curve.")
    bounds: tuple[float, float] = BOUNDS


class NashRequest(StrategyCommon, NashOptions):
    """``tradewinds strategy nash``; options as :class:`~tradewinds.policy.options.NashOptions`."""


class UnitedFrontRequest(StrategyCommon, UnitedFrontOptions):
    """``tradewinds strategy united-front`` (the game at the scenario's elasticity, with draws).

    Options: :class:`~tradewinds.policy.options.UnitedFrontOptions`; ``deal_rate`` prices a
    separate deal (left unset, the scenario's ``strategy.united_front.deal_rate``; with neither, a
    deal lifts every new tariff at no cost).
    """


class JobAccepted(BaseModel):
    """Answer to a job submission (202)."""

    job_id: str
    state: str
    links: dict[str, str]


def _submits(path: str, **options: Any) -> Callable[[F], F]:
    """A route that queues a job: ``POST``, write access, answered 202 with :class:`JobAccepted`."""
    return router.post(
        path,
        status_code=202,
        response_model=JobAccepted,
        dependencies=[Depends(require_write)],
        **options,
    )


def _accepted(job: Job) -> JSONResponse:
    # "queued" is the state it was accepted in (a free runner may have started it since).
    body = {"job_id": job.job_id, "state": "queued", "links": job.links()}
    return JSONResponse(status_code=202, content=body, headers={"Location": job.links()["self"]})


def _bounds(bounds: tuple[float, float]) -> tuple[float, float]:
    try:
        return check_bounds(bounds)
    except ValueError as exc:
        raise scenario_error(f"bounds: {list(bounds)}: {exc}.", "bounds") from None


def submit_run(request: Request, body: RunRequest) -> Job:
    """Validate a run request and queue it."""
    conf = settings(request)
    check_draws(body.draws, conf.limits.max_draws)
    given = scenario_input(
        body.scenario, files=body.files, baseline=body.baseline, limits=conf.limits
    )
    kind = "montecarlo" if body.draws is not None else "run"
    spec = JobSpec(
        kind=kind,
        scenario=given,
        store=resolve_store_dir(conf.store),
        scheduler=conf.scheduler,
        bilateral=body.bilateral,
        draws=body.draws,
        seed=body.seed,
    )
    return manager(request).submit(kind, spec)


@_submits("/scenarios/run", summary="Run a scenario (or a Monte Carlo with draws) as a job")
def run_scenario_job(request: Request, body: RunRequest) -> JSONResponse:
    """Queue a scenario run; it is recorded in the results store as ``tradewinds run`` does."""
    return _accepted(submit_run(request, body))


def _strategy(request: Request, kind: str, body: StrategyCommon, **options: Any) -> Job:
    """Queue a strategy job: the body's own fields, then ``options`` normalised by the route."""
    conf = settings(request)
    given = scenario_input(
        body.scenario, files=body.files, baseline=body.baseline, limits=conf.limits
    )
    spec = JobSpec(
        kind=kind,
        scenario=given,
        store=resolve_store_dir(conf.store),
        scheduler=conf.scheduler,
        options=body.model_dump(exclude={"scenario", "baseline", "files"}) | options,
    )
    return manager(request).submit(kind, spec)


@_submits("/strategy/optimal")
def strategy_optimal(request: Request, body: OptimalRequest) -> JSONResponse:
    """Optimal tariffs of a country or coalition, others' tariffs fixed (a job)."""
    return _accepted(_strategy(request, "optimal", body))


@_submits("/strategy/optimal-curve")
def strategy_optimal_curve(request: Request, body: CurveRequest) -> JSONResponse:
    """A country's welfare against its uniform tariff on every partner, and its optimum (a job).

    Records: ``welfare_pct`` at each ``tariff`` of an even grid from 0 to a little over twice
    the optimum, and ``optimal_tariff``, ``optimal_welfare_pct``, ``start_tariff``.
    """
    return _accepted(
        _strategy(
            request,
            "optimal-curve",
            body,
            country=body.country.upper(),
            bounds=_bounds(body.bounds),
        )
    )


@_submits("/strategy/nash")
def strategy_nash(request: Request, body: NashRequest) -> JSONResponse:
    """A Nash tariff war by iterated best responses (a job)."""
    return _accepted(_strategy(request, "nash", body))


@_submits("/strategy/united-front")
def strategy_united_front(request: Request, body: UnitedFrontRequest) -> JSONResponse:
    """The 4x4 united-front game of two partners facing a threat (a job), with draws."""
    check_draws(body.draws or None, settings(request).limits.max_draws)
    return _accepted(_strategy(request, "united-front", body))


@router.get("/jobs", dependencies=[Depends(require_read)], response_model=answers.JobList)
def list_jobs(request: Request) -> dict[str, Any]:
    """Jobs of this server process, newest first."""
    return {"jobs": manager(request).list()}


@router.get("/jobs/{job_id}", dependencies=[Depends(require_read)], response_model=answers.JobState)
def get_job(request: Request, job_id: str) -> dict[str, Any]:
    """State and progress of a job."""
    return manager(request).get(job_id).to_dict()


@router.delete(
    "/jobs/{job_id}", dependencies=[Depends(require_write)], response_model=answers.JobState
)
def cancel_job(request: Request, job_id: str) -> dict[str, Any]:
    """Cancel a job (queued: at once; running: at its next solve or draw, or stopped)."""
    return manager(request).cancel(job_id).to_dict()


@router.get(
    "/jobs/{job_id}/events",
    dependencies=[Depends(require_read)],
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def job_events(request: Request, job_id: str) -> StreamingResponse:
    """Server-sent events: one ``data: <job JSON>`` per change, ending after a terminal state."""
    jobs = manager(request)
    jobs.get(job_id)  # 404 before the stream starts

    async def stream() -> Any:
        seen = -1
        while True:
            version, state = jobs.snapshot(job_id)
            if version != seen:
                seen = version
                yield f"data: {json.dumps(state)}\n\n"
                if state["state"] in TERMINAL:
                    return
            if await request.is_disconnected():
                return
            await asyncio.sleep(0.1)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)


def frame_of(records: list[dict[str, Any]]) -> Any:
    """Records as a pandas DataFrame."""
    import pandas as pd

    return pd.DataFrame.from_records(records)


def tabular(
    records: list[dict[str, Any]], fmt: str, name: str
) -> Response:  # shared with the runs routes
    """Records as CSV or Parquet bytes."""
    frame = frame_of(records)
    if fmt == "csv":
        return Response(
            frame.to_csv(index=False),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    import polars as pl

    columns = {
        str(c): frame[c].to_numpy().tolist() if frame[c].dtype == object else frame[c].to_numpy()
        for c in frame.columns
    }
    buffer = io.BytesIO()
    pl.DataFrame(columns).write_parquet(buffer)
    return Response(
        buffer.getvalue(),
        media_type="application/vnd.apache.parquet",
        headers={"Content-Disposition": f'attachment; filename="{name}.parquet"'},
    )


@router.get(
    "/jobs/{job_id}/result", dependencies=[Depends(require_read)], response_model=answers.JobResult
)
def job_result(
    request: Request,
    job_id: str,
    format: Literal["json", "csv", "parquet"] = Query("json"),
    table: Literal["records", "bands"] = Query("records"),
) -> Any:
    """The job's answer: JSON (run id, solver, records), or one table as CSV or Parquet."""
    job = manager(request).get(job_id)
    result = job.result  # read once from the stash (410 if it was dropped)
    if job.state != "done" or result is None:
        raise JobNotReadyError(
            f"Job {job_id} is {job.state}; its result is available once it is done"
            + (" (see its 'error')." if job.state == "failed" else ".")
        )
    if format == "json":
        return result
    if table == "bands" and "bands" not in result:
        raise scenario_error("table: only Monte Carlo jobs have 'bands'.", "table")
    return tabular(result[table], format, f"{job.kind}-{job.run_id or job.job_id}")
