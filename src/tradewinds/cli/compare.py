"""``tradewinds compare``: headline differences between two scenarios (or stored runs)."""

from __future__ import annotations

from pathlib import Path

import typer

from tradewinds.cli._common import STORE_HELP
from tradewinds.cli._display import SORT_HELP, WIDE_HELP

FIRST = ("CAN", "MEX", "USA")


def register(app: typer.Typer) -> None:
    """Add the ``compare`` command."""
    app.command("compare")(compare)


def compare(
    first: str = typer.Argument(..., help="Scenario A: a YAML file or a stored run id."),
    second: str = typer.Argument(..., help="Scenario B: a YAML file or a stored run id."),
    baseline: str | None = typer.Option(
        None, "--baseline", "-b", help="Baseline for both scenario files; overrides theirs."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write country, metric, unit, a, b, difference (CSV/JSON)."
    ),
    all_countries: bool = typer.Option(False, "--all", help="Show every country."),
    sort: str = typer.Option("size", "--sort", help=SORT_HELP + " Metrics sort by B minus A."),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
    force: bool = typer.Option(False, "--force", help="Solve again even if stored."),
    no_store: bool = typer.Option(False, "--no-store", help="Do not read or write the store."),
) -> None:
    """Run A and B through the same runner and show B minus A for the headline metrics.

    CAN, MEX and USA come first, then the largest economies of B (--sort, --all).
    """
    from tradewinds.cli._common import check_output

    check_output(output)
    from tradewinds.cli._common import console, open_store, read_text, write_records
    from tradewinds.cli._display import print_table
    from tradewinds.core.errors import ScenarioError
    from tradewinds.reporting.compare import DIFF_SECONDARY, compare_headlines, difference_table
    from tradewinds.scenarios import load_scenario
    from tradewinds.scenarios.execute import RunResult, execute, fetch

    sink = open_store(store, enabled=not no_store)

    def obtain(arg: str) -> RunResult:
        path = Path(arg)
        if path.exists():
            spec = load_scenario(path)
            return execute(spec, text=read_text(path), baseline=baseline, sink=sink, force=force)
        if sink is None:
            raise ScenarioError(f"Scenario file {arg!r} does not exist.")
        if arg.endswith((".yaml", ".yml")):
            raise ScenarioError(f"Scenario file {arg!r} does not exist.")
        return fetch(sink, arg)

    a, b = obtain(first), obtain(second)
    diff = compare_headlines(a.records, b.records)
    out = console()
    from rich.text import Text

    from tradewinds.reporting.terminal import literal

    for name, side in (("A", a), ("B", b)):
        out.print(
            Text.assemble(f"{name}: ", literal(side.record.title, "bold"), f" (run {side.run_id})")
        )
    if a.record.baseline_hash != b.record.baseline_hash:
        out.print("[yellow]note: A and B were solved on different baselines.[/]")
    limit = None if all_countries else 15
    table = difference_table(diff, units=a.units, first=FIRST, limit=limit, sort=sort)
    print_table(out, table, wide=wide, drop=DIFF_SECONDARY)
    if output is not None:
        write_records(diff, output)
        out.print(f"Wrote {output}")
