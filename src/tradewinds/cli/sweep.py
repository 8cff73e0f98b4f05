"""``tradewinds sweep``: one scenario across a grid of field values, on Dask."""

from __future__ import annotations

from pathlib import Path

import typer

from tradewinds.cli._common import STORE_HELP
from tradewinds.cli._display import WIDE_HELP

FIRST = ("CAN", "MEX", "USA")

WORKERS_HELP = (
    "Local Dask workers (default: one per CPU, or none when the run is too small to pay for"
    " starting them; 0 solves in this process)."
)
SCHEDULER_HELP = (
    "Address of a running Dask scheduler, e.g. tcp://HOST:8786, instead of a local one."
)
#: Options ``sweep`` and ``montecarlo`` share (the same flags, defaults and help).
BASELINE_OPTION = typer.Option(
    None, "--baseline", "-b", help="Bundled baseline name or path; overrides the scenario's."
)
WORKERS_OPTION = typer.Option(None, "--workers", "-w", help=WORKERS_HELP)
SCHEDULER_OPTION = typer.Option(None, "--scheduler", help=SCHEDULER_HELP)
WIDE_OPTION = typer.Option(False, "--wide", help=WIDE_HELP)
STORE_OPTION = typer.Option(None, "--store", help=STORE_HELP)


def register(app: typer.Typer) -> None:
    """Add the ``sweep`` command."""
    app.command("sweep")(sweep)


def sweep(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    set_: list[str] | None = typer.Option(
        None,
        "--set",
        help="PATH=V1,V2,... (YAML values) for any scenario field; repeat for a full grid.",
    ),
    baseline: str | None = BASELINE_OPTION,
    workers: int | None = WORKERS_OPTION,
    scheduler: str | None = SCHEDULER_OPTION,
    chunk_size: int | None = typer.Option(
        None, "--chunk-size", help="Grid points per Dask task (default: about 4 tasks per worker)."
    ),
    bilateral: bool = typer.Option(
        True, "--bilateral/--no-bilateral", help="Keep bilateral flows of every grid point."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write every point's records with its settings (CSV/JSON)."
    ),
    wide: bool = WIDE_OPTION,
    store: Path | None = STORE_OPTION,
    force: bool = typer.Option(False, "--force", help="Solve again even if stored."),
    no_store: bool = typer.Option(False, "--no-store", help="Do not read or write the store."),
) -> None:
    """Solve SCENARIO at every combination of the --set values and tabulate the results.

    Example: tradewinds sweep s.yaml --set model.eps=2,4,6,8 --set model.closure=fixed,balanced
    """
    from tradewinds.cli._common import check_output

    check_output(output)
    from tradewinds.cli._common import console, open_store, progress_bar, read_text, write_records
    from tradewinds.cli._display import failures_table, print_table, sweep_table
    from tradewinds.core.errors import ScenarioError
    from tradewinds.scenarios import load_scenario
    from tradewinds.scenarios.cluster import dask_client
    from tradewinds.scenarios.grid import parse_set_option
    from tradewinds.scenarios.sweeps import run_sweep

    spec = load_scenario(scenario)
    if not set_:
        raise ScenarioError("Give at least one --set PATH=V1,V2,..., e.g. --set model.eps=2,4,6.")
    axes = [parse_set_option(option) for option in set_ or []]
    from tradewinds.scenarios.cluster import check_chunk_size, choose_workers, time_one_solve
    from tradewinds.scenarios.grid import check_grid

    points = check_grid(axes)  # before a cluster starts or the store opens
    check_chunk_size(chunk_size)
    sink = open_store(store, enabled=not no_store)
    workers = choose_workers(workers, scheduler, points, lambda: time_one_solve(spec, baseline))
    with progress_bar("sweep", "grid points") as update, dask_client(workers, scheduler) as client:
        result = run_sweep(
            spec,
            axes,
            text=read_text(scenario),
            baseline=baseline,
            sink=sink,
            force=force,
            client=client,
            bilateral=bilateral,
            chunk_size=chunk_size,
            progress=update,
        )
    out = console()
    present = [c for c in FIRST if c in set(result.results["country"])]
    table = sweep_table(result.summary(present), title=spec.title, countries=present)
    print_table(out, table, wide=wide)
    if result.failed:
        failed = failures_table(result.points, title="grid points that did not solve")
        print_table(out, failed, wide=wide)
    if sink is not None:
        how = "served from the store; --force to solve again" if result.cached else "recorded"
        out.print(f"run id: [bold]{result.record.run_id}[/] ({how}; store {sink.directory})")
    if output is not None:
        settings = {p.run_id: p.settings for p in result.points}
        frame = result.results.copy()
        for path in result.record.settings.get("grid", {}):
            frame.insert(1, path, frame["run_id"].map(lambda rid, p=path: settings[rid].get(p)))
        write_records(frame, output)
        out.print(f"Wrote {output}")
