"""``tradewinds sweep``: one scenario across a grid of field values, on Dask."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import typer

from tradewinds.cli._options import (
    Baseline,
    Force,
    NoStore,
    ScenarioFile,
    Scheduler,
    Store,
    Wide,
    Workers,
)

FIRST = ("CAN", "MEX", "USA")


def register(app: typer.Typer) -> None:
    """Add the ``sweep`` command."""
    app.command("sweep")(sweep)


def sweep(
    scenario: ScenarioFile,
    set_: list[str] | None = typer.Option(
        None,
        "--set",
        help="PATH=V1,V2,... (YAML values) for any scenario field; repeat for a full grid.",
    ),
    baseline: Baseline = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    chunk_size: int | None = typer.Option(
        None, "--chunk-size", help="Grid points per Dask task (default: about 4 tasks per worker)."
    ),
    bilateral: bool = typer.Option(
        True, "--bilateral/--no-bilateral", help="Keep bilateral flows of every grid point."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write every point's records with its settings (CSV/JSON)."
    ),
    wide: Wide = False,
    store: Store = None,
    force: Force = False,
    no_store: NoStore = False,
) -> None:
    """Solve SCENARIO at every combination of the --set values and tabulate the results.

    Example: tradewinds sweep s.yaml --set model.eps=2,4,6,8 --set model.closure=fixed,balanced
    """
    from tradewinds.cli._common import check_output

    check_output(output)
    from tradewinds.cli._common import console, write_records
    from tradewinds.cli._display import failures_table, print_table, sweep_table
    from tradewinds.cli._many import ManyRuns, print_run_id
    from tradewinds.core.errors import ScenarioError
    from tradewinds.scenarios import load_scenario
    from tradewinds.scenarios.cluster import check_chunk_size
    from tradewinds.scenarios.grid import check_grid, parse_set_option
    from tradewinds.scenarios.sweeps import run_sweep

    spec = load_scenario(scenario)
    if not set_:
        raise ScenarioError("Give at least one --set PATH=V1,V2,..., e.g. --set model.eps=2,4,6.")
    axes = [parse_set_option(option) for option in set_ or []]
    points = check_grid(axes)  # before a cluster starts or the store opens
    check_chunk_size(chunk_size)
    many = ManyRuns(
        scenario, baseline, workers, scheduler, chunk_size, bilateral, store, no_store, force
    )
    result, sink = many.run(partial(run_sweep, spec, axes), spec, points, "sweep", "grid points")
    out = console()
    present = [c for c in FIRST if c in set(result.results["country"])]
    table = sweep_table(result.summary(present), title=spec.title, countries=present)
    print_table(out, table, wide=wide)
    if result.failed:
        failed = failures_table(result.points, title="grid points that did not solve")
        print_table(out, failed, wide=wide)
    print_run_id(out, result, sink)
    if output is not None:
        settings = {p.run_id: p.settings for p in result.points}
        frame = result.results.copy()
        for path in result.record.settings.get("grid", {}):
            frame.insert(1, path, frame["run_id"].map(lambda rid, p=path: settings[rid].get(p)))
        write_records(frame, output)
        out.print(f"Wrote {output}")
