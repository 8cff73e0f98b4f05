"""Runs in the results store: browse, one run's results (page and fragment), compare, report."""

from __future__ import annotations

import functools
import json
from typing import Any

import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from tradewinds.core import dims
from tradewinds.core.errors import TradewindsError
from tradewinds.web import charts
from tradewinds.web.render import fragment, page, store_of

router = APIRouter(include_in_schema=False)

FIRST = ("CAN", "MEX", "USA")
#: Headline columns of a run: (metric, header).
HEADLINE = (
    ("welfare_pct", "welfare %"),
    ("real_income_pct", "real income %"),
    ("real_wage_pct", "real wage %"),
    ("price_index_pct", "prices %"),
    ("exports_pct", "exports %"),
    ("imports_pct", "imports %"),
    ("tariff_revenue", "tariff revenue"),
)
#: Country labels of bundled baselines that are not ISO3 codes of the map.
LABEL_FIXES = {"ROM": "ROU"}
#: Rows of the tidy table shown on the page (the CSV has them all).
TABLE_ROWS = 200


@functools.cache
def map_countries() -> dict[str, str]:
    """ISO3 -> name of every country of the packaged world map."""
    from tradewinds.web.assets import asset_path

    topo = json.loads(asset_path("map/world_110m.json").read_text(encoding="utf-8"))
    return {g["id"]: g["properties"]["name"] for g in topo["objects"]["countries"]["geometries"]}


def _region_members() -> dict[str, str]:
    from tradewinds.data.regions import region_members

    return region_members()


def map_values(values: dict[str, float]) -> dict[str, float]:
    """Spread model-country values onto map countries: regions colour their members.

    Labels that are ISO3 codes colour themselves; ``EU27`` (and the other regions of the bundled
    11-region baseline) colour their members; ``ROW`` colours every map country left over.
    """
    out: dict[str, float] = {}
    members = _region_members()
    for label, value in values.items():
        code = LABEL_FIXES.get(label, label)
        if code in map_countries():
            out[code] = value
    for country, region in members.items():
        if region in values and country not in out and country in map_countries():
            out[country] = values[region]
    if "ROW" in values:
        for code in map_countries():
            out.setdefault(code, values["ROW"])
    return out


def _country_table(records: pd.DataFrame) -> pd.DataFrame:
    rows = records[(records["partner"] == "") & (records["sector"] == dims.TOTAL_SECTOR)]
    wide = rows.pivot_table(index="country", columns="metric", values="value", aggfunc="first")
    order = [c for c in FIRST if c in wide.index]
    rest = wide.drop(index=order)
    if "welfare_pct" in rest:
        rest = rest.sort_values("welfare_pct")
    return wide.loc[order + [str(c) for c in rest.index]]


def _bands(store: Any, run_id: str, metric: str, countries: list[str]) -> Any:
    bands = store.bands(run_id)
    if bands.empty:
        return None
    b = bands[(bands["metric"] == metric) & (bands["partner"] == "")]
    b = b[b["sector"] == dims.TOTAL_SECTOR].set_index("country").reindex(countries)
    if b["p05"].isna().all():
        return None
    return b


def _bars(table: pd.DataFrame, metric: str, label: str, bands: Any) -> dict[str, Any] | None:
    if metric not in table:
        return None
    shown = [c for c in FIRST if c in table.index]
    values = [float(v) for v in table[metric].reindex(shown).to_numpy()]
    errors = None
    if bands is not None:
        lo = [max(0.0, v - float(bands.loc[c, "p05"])) for c, v in zip(shown, values, strict=True)]
        hi = [max(0.0, float(bands.loc[c, "p95"]) - v) for c, v in zip(shown, values, strict=True)]
        errors = (lo, hi)
    return charts.hbars(shown, values, xtitle=label, errors=errors)


def _na_trade(records: pd.DataFrame) -> list[dict[str, Any]]:
    """Exports between Canada, Mexico and the US: before, after and change (all sectors)."""
    bil = records[
        records["country"].isin(FIRST)
        & records["partner"].isin(FIRST)
        & (records["country"] != records["partner"])
        & records["metric"].isin(["trade", "trade_pct"])
    ]
    if bil.empty:
        return []
    wide = bil.pivot_table(
        index=["country", "partner", "sector"], columns="metric", values="value", aggfunc="first"
    )
    if not {"trade", "trade_pct"} <= set(wide.columns):
        return []
    base = wide["trade"] / (1 + wide["trade_pct"] / 100)
    after = wide["trade"].groupby(level=["country", "partner"]).sum()
    before = base.groupby(level=["country", "partner"]).sum()
    out = []
    for (a, b), prior, value in zip(
        after.index.tolist(), before.reindex(after.index).tolist(), after.tolist(), strict=True
    ):
        out.append(
            {
                "flow": f"{a} → {b}",
                "before": float(prior),
                "after": float(value),
                "change": float(value) - float(prior),
                "pct": 100 * (float(value) / float(prior) - 1) if prior else float("nan"),
            }
        )
    return sorted(out, key=lambda r: r["flow"])


def _sector_heat(records: pd.DataFrame) -> dict[str, Any] | None:
    """The sector heatmap: names, robust colour scale with marked clipped cells, no idle sectors."""
    from tradewinds.reporting.html import SECTOR_METRICS
    from tradewinds.reporting.sectors import metric_label, sector_grid

    grid = sector_grid(records, SECTOR_METRICS, first=FIRST, max_countries=len(FIRST) + 12)
    if grid is None:
        return None
    figure = charts.heatmap(
        grid.countries,
        grid.names,
        [[v if v == v else None for v in row] for row in grid.values.tolist()],
        title="%",
        limit=grid.limit,
        marks=grid.marks(),
    )
    label = metric_label(grid.metric)
    return {"metric": label, "figure": figure, "note": grid.scale_note()}


def _flags(run: Any, records: pd.DataFrame) -> dict[str, Any] | None:
    """The plausibility check's table (large sector output changes, explained), if any."""
    from tradewinds.reporting.plausibility import check_run, flag_note, flag_rows

    flags = check_run(run, records)
    if flags.empty:
        return None
    heads, rows = flag_rows(flags)
    return {"heads": heads, "rows": rows, "note": flag_note()}


def _solver_text(solver: dict[str, Any] | None) -> str:
    """``method: converged in N iterations, max residual R (tolerance T), S s``."""
    if not solver or "converged" not in solver:
        return json.dumps(solver) if solver else ""
    try:
        state = "converged" if solver.get("converged") else "did NOT converge"
        return (
            f"{solver.get('method', '')}: {state} in {solver.get('iterations')} iterations, "
            f"max residual {float(solver.get('max_residual', float('nan'))):.2e} "
            f"(tolerance {float(solver.get('tolerance', float('nan'))):.0e}), "
            f"{float(solver.get('seconds', float('nan'))):.3f} s"
        )
    except (TypeError, ValueError):
        return json.dumps(solver)


def run_context(store: Any, run_id: str) -> dict[str, Any]:
    """Everything a run's page shows: provenance, charts, North American trade, tidy table."""
    run = store.get_run(run_id)
    records = store.results(run.run_id)
    ctx: dict[str, Any] = {"run": run, "units": str(run.baseline_attrs.get("units", ""))}
    ctx["provenance"] = {
        "run id": run.run_id,
        "kind / status": f"{run.kind} / {run.status}",
        "recorded": run.created_at,
        "scenario hash": run.scenario_hash,
        "baseline": f"{run.baseline} ({run.baseline_attrs.get('source', '')}, "
        f"{run.baseline_attrs.get('year', '')}); hash {run.baseline_hash[:16]}",
        "model": f"{run.model} {json.dumps(run.params)}",
        "tradewinds": run.package_version,
        "solver": _solver_text(run.solver),
        "settings": json.dumps(run.settings) if run.settings else "",
        "error": run.error,
    }
    if records.empty:
        ctx.update(
            headline=[], columns=[], charts={}, trade=[], heat=None, flags=None, tidy=[], n_rows=0
        )
        return ctx
    table = _country_table(records)
    columns = [(m, h) for m, h in HEADLINE if m in table]
    ctx["columns"] = columns
    ctx["headline"] = [
        {"country": str(c), **{m: float(table.loc[c, m]) for m, _ in columns}} for c in table.index
    ]
    shown = [c for c in FIRST if c in table.index]
    bands = _bands(store, run.run_id, "welfare_pct", shown) if run.kind == "montecarlo" else None
    wage_bands = (
        _bands(store, run.run_id, "real_wage_pct", shown) if run.kind == "montecarlo" else None
    )
    found: dict[str, Any] = {}
    welfare = _bars(table, "welfare_pct", "welfare change, %", bands)
    if welfare is not None:
        found["welfare"] = welfare
    wage = _bars(table, "real_wage_pct", "real wage change, %", wage_bands)
    if wage is not None:
        found["wage"] = wage
    if "welfare_pct" in table:
        values = {str(c): float(v) for c, v in table["welfare_pct"].items()}
        found["map"] = charts.world_map(map_values(values), map_countries(), "welfare %")
    ctx["charts"] = found
    ctx["bands"] = (
        [
            {"country": c, "p05": float(bands.loc[c, "p05"]), "p95": float(bands.loc[c, "p95"])}
            for c in shown
        ]
        if bands is not None
        else []
    )
    ctx["trade"] = _na_trade(records)
    ctx["heat"] = _sector_heat(records)
    ctx["flags"] = _flags(run, records)
    ctx["tidy"] = [
        {str(k): v for k, v in r.items()} for r in records.head(TABLE_ROWS).to_dict("records")
    ]
    ctx["n_rows"] = len(records)
    return ctx


@router.get("/runs", response_class=HTMLResponse)
def runs(request: Request, limit: int = Query(default=50, ge=1, le=500)) -> HTMLResponse:
    """Newest runs first, with a form to compare two."""
    store = store_of(request)
    frame = store.list_runs(limit=limit)
    rows = [{str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")]
    return page(request, "runs.html", title="Runs", rows=rows, store=str(store.directory))


@router.get("/runs/compare", response_class=HTMLResponse)
def compare(request: Request, a: str = "", b: str = "") -> HTMLResponse:
    """Two runs side by side: headline metrics of each and the difference (b − a)."""
    from tradewinds.reporting.compare import compare_headlines

    store = store_of(request)
    error = ""
    rows: list[dict[str, Any]] = []
    runs_ab: list[Any] = []
    try:
        if not a or not b:
            message = "Choose two runs to compare (a and b)."
            return page(
                request, "compare.html", title="Compare runs", error=message, rows=[], runs=[]
            )
        ra, rb = store.get_run(a), store.get_run(b)
        runs_ab = [ra, rb]
        diff = compare_headlines(store.results(ra.run_id), store.results(rb.run_id))
        order = [c for c in FIRST if c in set(diff["country"])]
        order += sorted(set(diff["country"]) - set(order))
        diff["rank"] = diff["country"].map({c: k for k, c in enumerate(order)})
        ordered = diff.sort_values(["rank", "metric"]).drop(columns="rank")
        rows = [{str(k): v for k, v in r.items()} for r in ordered.to_dict(orient="records")]
    except TradewindsError as exc:
        error = str(exc)
    return page(request, "compare.html", title="Compare runs", error=error, rows=rows, runs=runs_ab)


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: str) -> HTMLResponse:
    """One run: provenance, charts, tables, scenario, links to the CSV and the report."""
    try:
        ctx = run_context(store_of(request), run_id)
    except TradewindsError as exc:
        return page(
            request,
            "error.html",
            title="Run not found",
            error=str(exc),
            status_code=exc.http_status,
        )
    return page(request, "run.html", title=ctx["run"].title, **ctx)


@router.get("/runs/{run_id}/view", response_class=HTMLResponse)
def run_view(request: Request, run_id: str) -> HTMLResponse:
    """A run's results as an HTML fragment (the scenario explorer inserts it)."""
    ctx = run_context(store_of(request), run_id)
    return HTMLResponse(fragment("_run.html", **ctx))


@router.get("/runs/{run_id}/results.csv")
def run_csv(request: Request, run_id: str) -> Response:
    """A run's tidy results as CSV (``tradewinds results export``)."""
    store = store_of(request)
    run = store.get_run(run_id)
    frame = store.results(run.run_id)
    return Response(
        frame.to_csv(index=False),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="run-{run.run_id}.csv"'},
    )


@router.get("/runs/{run_id}/report", response_class=HTMLResponse)
def run_report(request: Request, run_id: str) -> HTMLResponse:
    """The run's self-contained HTML report (``tradewinds report``)."""
    from tradewinds.reporting.html import render_run

    return HTMLResponse(render_run(store_of(request), run_id))
