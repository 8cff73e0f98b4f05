"""``/api/v1/runs``: the results store, as ``tradewinds results``, ``compare`` and ``report``."""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from tradewinds.api.deps import bounded, require_read, store
from tradewinds.api.v1 import answers
from tradewinds.api.v1.jobs import tabular
from tradewinds.api.worker import _records

router = APIRouter(prefix="/api/v1/runs", tags=["runs"], dependencies=[Depends(require_read)])


def _list(request: Request, limit: int, children: bool) -> list[dict[str, Any]]:
    frame = store(request).list_runs(limit=limit, children=children)
    return _records(frame)


@router.get("", response_model=answers.RunList)
async def list_runs(
    request: Request,
    limit: int = Query(20, ge=1, le=1000),
    children: bool = Query(False, description="Also list sweep points and Monte Carlo draws."),
) -> dict[str, Any]:
    """Runs in the store, newest first."""
    return {"runs": await bounded(request, _list, request, limit, children)}


def _compare(request: Request, a: str, b: str) -> dict[str, Any]:
    from tradewinds.reporting.compare import compare_headlines

    sink = store(request)
    run_a, run_b = sink.get_run(a), sink.get_run(b)
    diff = compare_headlines(sink.results(run_a.run_id), sink.results(run_b.run_id))
    return {
        "a": {"run_id": run_a.run_id, "title": run_a.title},
        "b": {"run_id": run_b.run_id, "title": run_b.title},
        "same_baseline": run_a.baseline_hash == run_b.baseline_hash,
        "records": _records(diff),
    }


@router.get("/compare", response_model=answers.RunCompare)
async def compare_runs(
    request: Request,
    a: str = Query(description="Run id A (a unique prefix is enough)."),
    b: str = Query(description="Run id B."),
) -> dict[str, Any]:
    """Headline differences B minus A, as ``tradewinds compare``."""
    return await bounded(request, _compare, request, a, b)


def _show(request: Request, run_id: str) -> dict[str, Any]:
    sink = store(request)
    run = sink.get_run(run_id)
    out = dataclasses.asdict(run)
    out["children"] = len(sink.children(run.run_id)) if run.kind in ("sweep", "montecarlo") else 0
    out["links"] = {
        "results": f"/api/v1/runs/{run.run_id}/results",
        "report": f"/api/v1/runs/{run.run_id}/report",
    }
    return out


@router.get("/{run_id}", response_model=answers.RunShow)
async def show_run(request: Request, run_id: str) -> dict[str, Any]:
    """A run with its provenance: scenario, baseline identity, solver report, timings."""
    return await bounded(request, _show, request, run_id)


def _results(request: Request, run_id: str, table: str) -> tuple[str, list[dict[str, Any]]]:
    sink = store(request)
    run = sink.get_run(run_id)
    if table == "bands":
        frame = sink.bands(run.run_id)
    elif table == "children" or run.kind == "sweep":
        frame = sink.child_results(run.run_id)
    else:
        frame = sink.results(run.run_id)
    return run.run_id, _records(frame)


@router.get("/{run_id}/results", response_model=answers.RunTable)
async def run_results(
    request: Request,
    run_id: str,
    table: Literal["results", "bands", "children"] = "results",
    format: Literal["json", "csv", "parquet"] = "json",
) -> Any:
    """A run's tidy results (or Monte Carlo bands, or children's results)."""
    full, records = await bounded(request, _results, request, run_id, table)
    if format == "json":
        return {"run_id": full, "table": table, "records": records}
    return tabular(records, format, f"{full}-{table}")


def _report(request: Request, run_id: str) -> str:
    from tradewinds.reporting.html import render_run

    sink = store(request)
    return render_run(sink, sink.get_run(run_id).run_id)


@router.get("/{run_id}/report", response_class=HTMLResponse)
async def run_report(request: Request, run_id: str) -> HTMLResponse:
    """The self-contained HTML report of a run, as ``tradewinds report``."""
    return HTMLResponse(await bounded(request, _report, request, run_id))
