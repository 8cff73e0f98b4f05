"""``tradewinds results``: list, show and export runs in the results store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from tradewinds.cli._common import STORE_HELP
from tradewinds.cli._display import WIDE_HELP

if TYPE_CHECKING:
    from rich.console import Console

    from tradewinds.scenarios.recording import RunRecord

results_app = typer.Typer(help="Read the results store.", no_args_is_help=True)

FIRST = ("CAN", "MEX", "USA")

TABLES = ("results", "bands", "children", "child-results")


def register(app: typer.Typer) -> None:
    """Add the ``results`` command group."""
    app.add_typer(results_app, name="results")


@results_app.command("list")
def list_runs(
    limit: int = typer.Option(20, "--limit", "-n", help="Newest runs to show."),
    children: bool = typer.Option(
        False, "--children", help="Also list sweep points and Monte Carlo draws."
    ),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """List runs, newest first."""
    from rich.table import Table

    from tradewinds.cli._common import console, open_store
    from tradewinds.cli._display import print_table
    from tradewinds.reporting.terminal import literal

    sink = open_store(store)
    assert sink is not None
    frame = sink.list_runs(limit=limit, children=children)
    table = Table(title=literal(f"runs in {sink.directory}"), caption=f"{len(frame)} shown")
    for col in ("run id", "created (UTC)", "kind", "status", "model", "title", "children"):
        table.add_column(col, no_wrap=col in ("run id", "created (UTC)"))
    for row in frame.to_dict(orient="records"):
        n, bad = int(row["children"]), int(row["failed_children"])
        kids = (f"{n}" + (f" ({bad} failed)" if bad else "")) if n else ""
        table.add_row(
            str(row["run_id"]),
            str(row["created_at"]).replace("T", " ").replace("+00:00", ""),
            *(literal(row[k]) for k in ("kind", "status", "model", "title")),
            kids,
        )
    print_table(console(), table, wide=wide, drop=("children", "model", "status", "kind", "title"))


@results_app.command("show")
def show(
    run_id: str = typer.Argument(..., help="Run id (a unique prefix is enough)."),
    all_countries: bool = typer.Option(False, "--all", help="Show every country."),
    sort: str = typer.Option(
        "size", "--sort", help="Order after CAN, MEX, USA: size, country or a metric name."
    ),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Show a run: scenario, provenance, solver report, timings and headline results."""
    from tradewinds.cli._common import console, open_store
    from tradewinds.cli._display import (
        BAND_DROP,
        bands_table,
        failures_table,
        print_table,
        sweep_table,
    )
    from tradewinds.cli.run import print_sectors
    from tradewinds.reporting.tables import SECONDARY, frame_table, headline_frame
    from tradewinds.scenarios.sweeps import SweepResult

    sink = open_store(store)
    assert sink is not None
    run = sink.get_run(run_id)
    out = console()
    _print_facts(out, run)
    prov = run.baseline_attrs
    limit = None if all_countries else 15
    if run.kind == "sweep":
        sweep = SweepResult(
            record=run, points=sink.children(run.run_id), results=sink.child_results(run.run_id)
        )
        present = [c for c in FIRST if c in set(sweep.results["country"])]
        print_table(out, sweep_table(sweep.summary(present), title=run.title, countries=present))
        if sweep.failed:
            print_table(out, failures_table(sweep.points, title="grid points that did not solve"))
        return
    records = sink.results(run.run_id)
    if len(records):
        table = frame_table(
            headline_frame(records),
            units=str(prov.get("units", "")),
            title=run.title,
            first=FIRST,
            limit=limit,
            sort=sort,
        )
        print_table(out, table, wide=wide, drop=SECONDARY)
        print_sectors(out, records, wide=wide)
    if run.kind == "montecarlo":
        bands = bands_table(
            sink.bands(run.run_id), title="bands", first=FIRST, limit=limit, sort=sort
        )
        print_table(out, bands, wide=wide, drop=BAND_DROP)
        draws = sink.children(run.run_id)
        if any(d.status != "ok" for d in draws):
            print_table(out, failures_table(draws, title="draws that did not solve"))
    out.print("[dim]scenario:[/]")
    out.print(run.scenario_yaml or run.scenario_json, markup=False, highlight=False)


def _print_facts(out: Console, run: RunRecord) -> None:
    """A run's title and facts: provenance, model, solver, settings, timings, baseline notes."""
    import json

    from rich.text import Text

    from tradewinds.reporting.terminal import literal

    out.print(
        Text.assemble(literal(run.title, "bold"), f"  run {run.run_id} ({run.kind}, {run.status})")
    )
    prov = run.baseline_attrs
    facts = {
        "recorded": run.created_at,
        "parent run": run.parent_id or "",
        "scenario hash": run.scenario_hash,
        "baseline": f"{run.baseline} ({prov.get('source', '')}, {prov.get('year', '')}, "
        f"{prov.get('units', '')}); hash {run.baseline_hash[:16]}",
        "tradewinds": run.package_version,
        "model": f"{run.model} {json.dumps(run.params)}",
        "solver": json.dumps(run.solver) if run.solver else "",
        "settings": json.dumps(run.settings) if run.settings else "",
        "timings (s)": ", ".join(f"{k} {v:.3f}" for k, v in run.timings.items()),
        "error": run.error,
    }
    for key, value in facts.items():
        if value:
            out.print(Text.assemble((f"{key}:", "dim"), " ", literal(value)))
    for note in _baseline_notes(prov):
        out.print(Text.assemble(("baseline data note:", "dim"), " ", literal(note)))


def _baseline_notes(attrs: dict[str, object]) -> list[str]:
    """Data notes of the run's baseline (as ``baseline info`` lists them) from its provenance."""
    import json

    from tradewinds.reporting.baseline_info import data_notes

    raw = attrs.get("provenance")
    try:
        record = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return []
    return data_notes(record) if isinstance(record, dict) else []


@results_app.command("export")
def export(
    run_id: str = typer.Argument(..., help="Run id (a unique prefix is enough)."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="CSV or JSON file, by extension (required)."
    ),
    table: str = typer.Option(
        "results",
        "--table",
        "-t",
        help="results (a sweep's: its points'), bands, children (run records) or child-results.",
    ),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Export a run's tidy results, bands or children to a file."""
    from tradewinds.cli._common import check_output

    check_output(output)
    import pandas as pd

    from tradewinds.cli._common import console, open_store, write_records
    from tradewinds.core.canonical import to_json
    from tradewinds.core.errors import ScenarioError, UnknownLabelError

    if output is None:
        raise ScenarioError("Give the file to write with --output FILE (.csv or .json).")
    if table not in TABLES:
        raise UnknownLabelError("table", table, TABLES, "--table")
    sink = open_store(store)
    assert sink is not None
    run = sink.get_run(run_id)
    if table == "results":
        frame = sink.child_results(run.run_id) if run.kind == "sweep" else sink.results(run.run_id)
    elif table == "bands":
        frame = sink.bands(run.run_id)
    elif table == "child-results":
        frame = sink.child_results(run.run_id)
    else:
        frame = pd.DataFrame(
            [
                {
                    "run_id": c.run_id,
                    "status": c.status,
                    "settings": to_json(c.settings),
                    "error": c.error,
                    "iterations": (c.solver or {}).get("iterations"),
                    "max_residual": (c.solver or {}).get("max_residual"),
                    "seconds": c.timings.get("solve"),
                }
                for c in sink.children(run.run_id)
            ]
        )
    write_records(frame, output)
    console().print(f"Wrote {len(frame)} rows of {table} of run {run.run_id} to {output}")
