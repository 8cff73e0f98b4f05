"""Self-contained HTML reports of stored runs, with Plotly charts.

One page per run: what was run (scenario text, hash, baseline provenance, package version,
solver report, timings), then charts built from the tidy records: welfare by country (with
Monte Carlo 5–95% bands where present), a sector heatmap when the model reports sectors, the
largest changes in bilateral trade flows, the distribution of welfare across draws, and welfare
along a sweep. plotly.js is embedded once, inline, so the page works offline.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

import pandas as pd

from tradewinds.core import dims
from tradewinds.reporting.compare import country_metrics
from tradewinds.reporting.tables import short_units
from tradewinds.scenarios.recording import ResultsSink, RunRecord

#: Countries always shown first in charts.
FIRST = ("CAN", "MEX", "USA")

#: Sector metrics preferred for the heatmap, in order.
SECTOR_METRICS = ("output_pct", "gross_output_pct", "value_added_pct", "exports_pct", "price_pct")

#: Countries shown in bar charts and heatmaps besides :data:`FIRST`.
MAX_COUNTRIES = 30


def render_run(sink: ResultsSink, run_id: str) -> str:
    """The HTML page of a stored run."""
    run = sink.get_run(run_id)
    figures: list[tuple[str, Any]] = []
    notes: list[str] = []
    if run.kind == "sweep":
        points = sink.children(run.run_id)
        results = _attach(sink.child_results(run.run_id), points)
        figures.append(("Welfare along the sweep", sweep_figure(results, points)))
        ok = [p for p in points if p.status == "ok"]
        if ok:
            notes.append(f"Country charts show grid point {ok[0].run_id} ({_params(ok[0])}).")
            records = results[results["run_id"] == ok[0].run_id].drop(columns="run_id")
        else:
            records = pd.DataFrame(columns=["country", "partner", "sector", "metric", "value"])
        failed = [p for p in points if p.status != "ok"]
    else:
        records = sink.results(run.run_id)
        failed = []
    bands = sink.bands(run.run_id) if run.kind == "montecarlo" else pd.DataFrame()
    if len(records):
        figures.append(("Welfare by country", welfare_figure(records, bands)))
        heat = sector_figure(records)
        if heat is not None:
            figures.append(("Sector results", heat))
        flows = trade_figure(records, short_units(str(run.baseline_attrs.get("units", ""))))
        if flows is not None:
            figures.append(("Largest changes in trade flows", flows))
    if run.kind == "montecarlo":
        draws = sink.children(run.run_id)
        failed = [d for d in draws if d.status != "ok"]
        figures.append(("Welfare across draws", draws_figure(sink.child_results(run.run_id))))
        notes.append(
            f"{len(draws) - len(failed)} of {len(draws)} draws converged; bars show the central "
            "answer and whiskers the 5th–95th percentile of the draws."
        )
    tables = _result_tables(records, str(run.baseline_attrs.get("units", "")))
    if len(records):
        tables += _flag_tables(run, records)
    return _page(run, figures, notes, failed, tables)


def _result_tables(records: pd.DataFrame, units: str) -> list[tuple[str, str]]:
    """(title, HTML) of the headline table and, for multi-sector runs, the sector movers."""
    from tradewinds.reporting.sectors import sector_movers
    from tradewinds.reporting.tables import (
        COLUMNS,
        flagged_figure,
        headline_frame,
        order_countries,
    )

    out: list[tuple[str, str]] = []
    if not len(records):
        return out
    frame = headline_frame(records)
    if len(frame):
        units = short_units(units)
        cols = [c for c in COLUMNS if c[0] in frame.columns]
        heads = [h.format(units=units).replace("\n", " ") for _, h, _ in cols]
        rows = [
            [str(c), *(fmt.format(frame.loc[c, key]) for key, _, fmt in cols)]
            for c in order_countries(frame, FIRST, "size")
        ]
        shown, rest = rows[:HEADLINE_ROWS], rows[HEADLINE_ROWS:]
        body = _html_table(["country", *heads], shown)
        if rest:
            body += (
                f"<details><summary>{len(rest)} more countries</summary>"
                f"{_html_table(['country', *heads], rest)}</details>"
            )
        out.append(("Headline results (CAN, MEX, USA, then the largest economies)", body))
    movers = sector_movers(records, FIRST)
    if not movers.empty:
        metrics = [
            (c, h)
            for c, h in (
                ("output_pct", "output %"),
                ("exports_pct", "exports %"),
                ("price_pct", "prices %"),
            )
            if c in movers.columns
        ]
        rows = [
            [
                str(r["country"]),
                str(r["move"]),
                str(r["sector"]),
                str(r["sector_name"]),
                *(flagged_figure(c, r[c], "{:+.2f}") for c, _ in metrics),
            ]
            for r in movers.to_dict(orient="records")
        ]
        heads = ["country", "", "sector", "name", *(h for _, h in metrics)]
        out.append(("Sectors that gain and lose most (gross output)", _html_table(heads, rows)))
    return out


def _flag_tables(run: RunRecord, records: pd.DataFrame) -> list[tuple[str, str]]:
    """The plausibility check as a (title, HTML) table, when a sector is flagged."""
    from tradewinds.reporting.plausibility import check_run, flag_note, flag_rows

    flags = check_run(run, records)
    if flags.empty:
        return []
    heads, rows = flag_rows(flags)
    body = f"<p class='note'>{html.escape(flag_note())}</p>" + _html_table(heads, rows)
    return [("Plausibility check: large sector output changes", body)]


#: Countries in the headline table before the rest fold away.
HEADLINE_ROWS = 15


def _html_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    esc = html.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table class='results'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _solver_lines(run: RunRecord) -> list[str]:
    """The solver report as readable lines."""
    solver = run.solver or {}
    if not solver:
        return []
    status = "converged" if solver.get("converged", True) else "did NOT converge"
    line = f"{solver.get('method', 'solver')} {status}"
    if solver.get("iterations") is not None:
        line += f" after {solver['iterations']} iterations"
    if solver.get("max_residual") is not None:
        line += f"; max residual {float(solver['max_residual']):.3g}"
    if solver.get("tolerance") is not None:
        line += f" (tolerance {float(solver['tolerance']):.3g})"
    if solver.get("seconds") is not None:
        line += f"; {float(solver['seconds']):.3f} s"
    lines = [line]
    lines += [f"{k}: {v}" for k, v in solver.items() if k not in SOLVER_KEYS]
    return lines


#: Solver report fields that :func:`_solver_lines` writes into its first line.
SOLVER_KEYS = ("method", "converged", "iterations", "max_residual", "tolerance", "seconds")


def _attach(results: pd.DataFrame, points: Sequence[RunRecord]) -> pd.DataFrame:
    return results.assign(point=results["run_id"].map({p.run_id: k for k, p in enumerate(points)}))


def _params(run: RunRecord) -> str:
    return ", ".join(f"{k}={v}" for k, v in run.settings.items())


def _pick_countries(values: pd.Series, limit: int = MAX_COUNTRIES) -> list[str]:
    first = [c for c in FIRST if c in values.index]
    rest = values.drop(index=first).abs().sort_values(ascending=False)
    return first + [str(c) for c in rest.index[:limit]]


def welfare_figure(records: pd.DataFrame, bands: pd.DataFrame) -> Any:
    """Horizontal bars of welfare change by country, with band whiskers when given."""
    import plotly.graph_objects as go

    cm = country_metrics(records)
    welfare = cm[cm["metric"] == "welfare_pct"].set_index("country")["value"]
    chosen = _pick_countries(welfare)[::-1]
    values = welfare.loc[chosen]
    error: dict[str, Any] | None = None
    if len(bands):
        b = bands[(bands["metric"] == "welfare_pct") & (bands["partner"] == "")]
        b = b.set_index("country").reindex(chosen)
        error = {
            "type": "data",
            "symmetric": False,
            "array": (b["p95"] - values).clip(lower=0).tolist(),
            "arrayminus": (values - b["p05"]).clip(lower=0).tolist(),
        }
    fig = go.Figure(
        go.Bar(
            x=values.tolist(),
            y=chosen,
            orientation="h",
            error_x=error,
            marker_color=["#b2182b" if v < 0 else "#2166ac" for v in values],
            hovertemplate="%{y}: %{x:.3f}%<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis_title="welfare change, %",
        height=max(350, 18 * len(chosen) + 100),
        margin={"l": 60, "r": 20, "t": 30, "b": 40},
    )
    return fig


def sector_figure(records: pd.DataFrame) -> Any | None:
    """Heatmap of a sector metric by country and sector, when the run has sector results.

    The colour scale is clipped at a percentile of the absolute changes and the cells beyond
    it are marked (:class:`~tradewinds.reporting.sectors.SectorGrid`); sectors with no trade
    are left out; sectors carry their names.
    """
    import plotly.graph_objects as go

    from tradewinds.reporting.sectors import metric_label, sector_grid

    grid = sector_grid(records, SECTOR_METRICS, first=FIRST, max_countries=25)
    if grid is None:
        return None
    fig = go.Figure(
        go.Heatmap(
            z=grid.values,
            x=grid.names,
            y=grid.countries,
            colorscale="RdBu",
            zmid=0,
            zmin=-grid.limit,
            zmax=grid.limit,
            text=grid.marks(),
            texttemplate="%{text}",
            hovertemplate="%{y}, %{x}: %{z:+.2f}%<extra></extra>",
            colorbar={"title": "%"},
        )
    )
    fig.update_layout(
        title=f"{metric_label(grid.metric)}, by country and sector",
        height=max(350, 22 * len(grid.countries) + 150),
        margin={"l": 60, "r": 20, "t": 50, "b": 120},
        annotations=[
            {
                "text": grid.scale_note(),
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 1.0,
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 11},
            }
        ],
    )
    return fig


def _sector_label(code: str) -> str:
    """``c15 transport equipment`` for a coded sector, the label itself otherwise."""
    from tradewinds.reporting.sectors import sector_name

    name = sector_name(code)
    return code if name == code else f"{code} {name}"


def trade_figure(records: pd.DataFrame, units: str, top: int = 25) -> Any | None:
    """Bars of the largest absolute changes in bilateral flows (summed over sectors)."""
    import plotly.graph_objects as go

    bil = records[(records["partner"] != "") & (records["metric"].isin(["trade", "trade_pct"]))]
    if bil.empty:
        return None
    wide = bil.pivot_table(
        index=["country", "partner", "sector"], columns="metric", values="value", aggfunc="first"
    ).dropna()
    wide = wide[wide.index.get_level_values(0) != wide.index.get_level_values(1)]
    if wide.empty or not {"trade", "trade_pct"} <= set(wide.columns):
        return None
    base = wide["trade"] / (1 + wide["trade_pct"] / 100)
    change = (wide["trade"] - base).groupby(level=["country", "partner"]).sum()
    before = base.groupby(level=["country", "partner"]).sum()
    largest = change.abs().sort_values(ascending=False).index[:top][::-1]
    labels = [f"{a} → {b}" for a, b in largest]
    values = change.loc[largest]
    pct = 100 * values / before.loc[largest]
    fig = go.Figure(
        go.Bar(
            x=values.tolist(),
            y=labels,
            orientation="h",
            customdata=pct.tolist(),
            marker_color=["#b2182b" if v < 0 else "#2166ac" for v in values],
            hovertemplate="%{y}: %{x:,.0f} (%{customdata:+.1f}%)<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis_title=f"change in exports, {units} (exporter → importer)",
        height=max(350, 20 * len(labels) + 100),
        margin={"l": 110, "r": 20, "t": 30, "b": 40},
    )
    return fig


def draws_figure(child_results: pd.DataFrame) -> Any:
    """Histograms of welfare change across Monte Carlo draws for the first countries."""
    import plotly.graph_objects as go

    rows = child_results[
        (child_results["metric"] == "welfare_pct")
        & (child_results["partner"] == "")
        & (child_results["sector"] == dims.TOTAL_SECTOR)
    ]
    fig = go.Figure()
    present = [c for c in FIRST if c in set(rows["country"])]
    for country in present or list(dict.fromkeys(rows["country"]))[:3]:
        fig.add_trace(
            go.Histogram(x=rows.loc[rows["country"] == country, "value"], name=country, opacity=0.6)
        )
    fig.update_layout(
        barmode="overlay",
        xaxis_title="welfare change, %",
        yaxis_title="draws",
        height=380,
        margin={"l": 60, "r": 20, "t": 30, "b": 40},
    )
    return fig


def sweep_figure(results: pd.DataFrame, points: Sequence[RunRecord]) -> Any:
    """Welfare change of the first countries at each grid point."""
    import plotly.graph_objects as go

    rows = results[
        (results["metric"] == "welfare_pct")
        & (results["partner"] == "")
        & (results["sector"] == dims.TOTAL_SECTOR)
    ]
    labels = [_params(p) for p in points]
    fig = go.Figure()
    present = [c for c in FIRST if c in set(rows["country"])]
    for country in present or list(dict.fromkeys(rows["country"]))[:3]:
        sub = rows[rows["country"] == country].set_index("point")["value"]
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=[sub.get(k) for k in range(len(points))],
                mode="lines+markers",
                name=country,
            )
        )
    fig.update_layout(
        xaxis_title="grid point",
        yaxis_title="welfare change, %",
        height=420,
        margin={"l": 60, "r": 20, "t": 30, "b": 120},
    )
    return fig


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222;
       padding: 0 1em; }
table.meta td { overflow-wrap: anywhere; }
.scroll { overflow-x: auto; }
details > summary { cursor: pointer; color: #444; margin: 0.5em 0; }
table.prov td { padding: 2px 10px; vertical-align: top; font-size: 0.85em; }
table.prov td:first-child { color: #666; white-space: nowrap; }
table.prov td:last-child { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
@media (max-width: 600px) { body { margin: 1em auto; } table.meta td { display: block; } }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table.meta td { padding: 2px 10px; vertical-align: top; } table.meta td:first-child { color: #666; }
pre { background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: 0.85em; }
.note { color: #555; } .failed { color: #b2182b; }
table.results { border-collapse: collapse; font-variant-numeric: tabular-nums; }
table.results th, table.results td { padding: 2px 8px; border-bottom: 1px solid #ddd; }
table.results td + td { text-align: right; }
"""


def _page(
    run: RunRecord,
    figures: list[tuple[str, Any]],
    notes: list[str],
    failed: list[RunRecord],
    tables: Sequence[tuple[str, str]] = (),
) -> str:
    esc = html.escape
    attrs = run.baseline_attrs
    meta = {
        "run id": run.run_id,
        "kind": f"{run.kind} ({run.status})",
        "recorded (UTC)": run.created_at,
        "scenario hash": run.scenario_hash,
        "baseline": f"{run.baseline}: {attrs.get('source', '')}, {attrs.get('year', '')}, "
        f"{attrs.get('units', '')} (hash {run.baseline_hash[:16]})",
        "model": f"{run.model} {json.dumps(run.params)}",
        "solver": json.dumps(run.solver) if run.solver else "",
        "settings": json.dumps(run.settings) if run.settings else "",
        "timings (s)": ", ".join(f"{k} {v:.3f}" for k, v in run.timings.items()),
        "tradewinds version": run.package_version,
        "error": run.error,
    }
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{esc(run.title)} — tradewinds report</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(run.title)}</h1>",
        "<table class='meta'>",
        *(f"<tr><td>{esc(k)}</td><td>{esc(str(v))}</td></tr>" for k, v in meta.items() if v),
        "</table>",
        *(f"<p class='note'>{esc(n)}</p>" for n in notes),
    ]
    solver = _solver_lines(run)
    if solver:
        parts.append("<h2>Solver report</h2>")
        parts.append("<pre>" + esc("\n".join(solver)) + "</pre>")
    for title, body in tables:
        parts.append(f"<h2>{esc(title)}</h2>")
        parts.append(f"<div class='scroll'>{body}</div>")
    for k, (title, fig) in enumerate(figures):
        parts.append(f"<h2>{esc(title)}</h2>")
        parts.append(
            fig.to_html(full_html=False, include_plotlyjs=(k == 0), config={"responsive": True})
        )
    if failed:
        parts.append(
            f"<h2 class='failed'>{len(failed)} runs that did not solve</h2><table class='meta'>"
        )
        for f in failed[:100]:
            parts.append(
                f"<tr><td>{esc(f.run_id)}</td><td>{esc(json.dumps(f.settings))}</td>"
                f"<td>{esc(f.error)}</td></tr>"
            )
        parts.append("</table>")
    parts.append("<h2>Scenario</h2>")
    parts.append(f"<pre>{esc(run.scenario_yaml or run.scenario_json)}</pre>")
    parts.append("<h2>Baseline provenance</h2>")
    parts.append(_provenance(attrs))
    parts.append("</body></html>")
    return "\n".join(parts)


def _provenance(attrs: dict[str, Any]) -> str:
    """The baseline's provenance folded away: one summary line, then one row per field.

    Lists (the 194 country codes, say) and mappings (file hashes) are written on one line each
    rather than one item a line, so the record no longer fills most of the page.
    """
    esc = html.escape
    files = (
        attrs.get("provenance", {}).get("files")
        if isinstance(attrs.get("provenance"), dict)
        else None
    )
    bits = [str(attrs.get(k)) for k in ("source", "year", "units") if attrs.get(k)]
    if isinstance(files, dict):
        bits.append(f"{len(files)} raw files hashed")
    rows = []
    for key, value in _flat(attrs):
        text = value if isinstance(value, str) else json.dumps(value, default=str)
        rows.append(f"<tr><td>{esc(key)}</td><td>{esc(text)}</td></tr>")
    return (
        f"<details><summary>{esc('; '.join(bits) or 'record')} (show the full record)</summary>"
        f"<table class='prov'>{''.join(rows)}</table></details>"
    )


def _flat(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """``(dotted key, leaf)`` of nested mappings; lists stay whole."""
    if isinstance(value, dict) and value:
        out: list[tuple[str, Any]] = []
        for key, inner in value.items():
            out.extend(_flat(inner, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return [(prefix, value)]
