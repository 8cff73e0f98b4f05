"""``tradewinds compare``: headline differences between two scenarios (or stored runs)."""

from __future__ import annotations

from pathlib import Path

import typer

from tradewinds.cli._common import STORE_HELP

FIRST = ("CAN", "MEX", "USA")

#: Differences shown: (metric, header).
DIFF_COLUMNS = (
    ("welfare_pct", "Δ welfare\npp"),
    ("real_wage_pct", "Δ real wage\npp"),
    ("price_index_pct", "Δ prices\npp"),
    ("exports_pct", "Δ exports\npp"),
    ("imports_pct", "Δ imports\npp"),
    ("tariff_revenue", "Δ tariff revenue\n{units}"),
)


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
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
    force: bool = typer.Option(False, "--force", help="Solve again even if stored."),
    no_store: bool = typer.Option(False, "--no-store", help="Do not read or write the store."),
) -> None:
    """Run A and B through the same runner and show B minus A for the headline metrics."""
    from rich.table import Table

    from tradewinds.cli._common import console, open_store, read_text, write_records
    from tradewinds.core.errors import ScenarioError
    from tradewinds.reporting.compare import compare_headlines
    from tradewinds.reporting.tables import order_countries, short_units
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
    out.print(f"A: [bold]{a.record.title}[/] (run {a.run_id})")
    out.print(f"B: [bold]{b.record.title}[/] (run {b.run_id})")
    if a.record.baseline_hash != b.record.baseline_hash:
        out.print("[yellow]note: A and B were solved on different baselines.[/]")
    wide = diff.pivot_table(index="country", columns="metric", values="difference", aggfunc="first")
    order = order_countries(
        diff[diff["metric"] == "welfare_pct"]
        .set_index("country")[["b"]]
        .rename(columns={"b": "welfare_pct"}),
        FIRST,
    )
    order = [c for c in order if c in wide.index]
    if not all_countries:
        order = order[:15]
    units = short_units(a.units)
    table = Table(title="B minus A", caption=f"{len(order)} of {len(wide)} countries; {units}")
    table.add_column("country")
    cols = [(m, h) for m, h in DIFF_COLUMNS if m in wide.columns]
    for _, header in cols:
        table.add_column(header.format(units=units), justify="right")
    table_values = {str(c): {str(k): v for k, v in row.items()} for c, row in wide.iterrows()}
    for country in order:
        table.add_row(
            country,
            *(
                f"{float(table_values[country][m]):+,.0f}"
                if m == "tariff_revenue"
                else f"{float(table_values[country][m]):+.3f}"
                for m, _ in cols
            ),
        )
    out.print(table)
    if output is not None:
        write_records(diff, output)
        out.print(f"Wrote {output}")
