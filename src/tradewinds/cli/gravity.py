"""``tradewinds gravity``: structural gravity estimation and trade potential."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.table import Table

gravity_app = typer.Typer(
    help="Structural gravity: PPML with fixed effects, trade potential.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Add the ``gravity`` command group."""
    app.add_typer(gravity_app, name="gravity")


def _coefficient_table(title: str, records: object) -> Table:
    from rich.table import Table

    table = Table(title=title)
    for col in ("variable", "estimate", "std. error", "p-value"):
        table.add_column(col, justify="left" if col == "variable" else "right", no_wrap=True)
    for rec in records.itertuples():  # type: ignore[attr-defined]
        table.add_row(
            str(rec.variable), f"{rec.estimate:.3f}", f"({rec.std_error:.3f})", f"{rec.p_value:.3f}"
        )
    return table


@gravity_app.command("estimate")
def estimate_cmd(
    spec: Path = typer.Option(..., "--spec", help="Specification YAML (see examples/gravity)."),
    data: str = typer.Option(
        "yotov2016", "--data", help="yotov2016, wiod0014 or the path of a CSV of flows."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write tidy coefficients (CSV or JSON, by extension)."
    ),
    runs: Path | None = typer.Option(
        None, "--runs", help="Folder of recorded runs (default: 'gravity' beside the store)."
    ),
) -> None:
    """Estimate a gravity specification; print the coefficients and record the run.

    The run id printed at the end is what a scenario's trade_costs.from_gravity.run names.
    """
    from tradewinds.cli._common import console, write_records
    from tradewinds.integration.gravity import estimate, load_spec, save_run

    parsed = load_spec(spec)
    result = estimate(data, parsed)
    out = console()
    title = f"{parsed.name or spec.stem}: {parsed.estimator.upper()} on {data}"
    from tradewinds.cli._display import print_table

    print_table(out, _coefficient_table(title, result.coefficients))
    out.print(f"observations: {result.n_obs:,}; standard errors clustered by {parsed.cluster}")
    path = save_run(result, runs)
    out.print(f"run id: [bold]{result.run_id}[/] (recorded in {path})")
    if output is not None:
        write_records(result.to_records(), output)


@gravity_app.command("potential")
def potential_cmd(
    country: str = typer.Argument(..., help="First country (ISO3), e.g. CAN."),
    partner: str = typer.Argument(..., help="Second country (ISO3), e.g. MEX."),
    data: str = typer.Option(
        "wiod0014",
        "--data",
        help="wiod0014 (2000-2014, the newest), yotov2016 (1986-2006) or a CSV of flows.",
    ),
    year: int | None = typer.Option(None, "--year", help="Year (default: the data's latest)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write records (CSV/JSON)."),
    plot: Path | None = typer.Option(None, "--plot", help="Write an offline HTML figure."),
) -> None:
    """Predicted against actual bilateral trade, and the gap, for a pair and comparison pairs."""
    from rich.table import Table

    from tradewinds.cli._common import console, write_records
    from tradewinds.integration.potential import trade_potential

    records, _ = trade_potential(country.upper(), partner.upper(), data=data, year=year)
    table = Table(title=f"Trade potential ({data}, {int(records['year'].iloc[0])}, US$ millions)")
    for col in ("exporter", "importer", "actual", "predicted", "gap %", "role"):
        table.add_column(
            col,
            justify="right" if col in {"actual", "predicted", "gap %"} else "left",
            no_wrap=col != "role",
        )
    for r in records.to_dict("records"):
        table.add_row(
            str(r["exporter"]),
            str(r["importer"]),
            f"{float(r['actual']):,.0f}",
            f"{float(r['predicted']):,.0f}",
            f"{float(r['gap_pct']):+.1f}",
            str(r["role"]),
        )
    from tradewinds.cli._display import print_table

    out = console()
    print_table(out, table, drop=("role",))
    fitted = int(records["year"].iloc[0])
    latest = "the latest year of the data" if year is None else "as asked"
    out.print(f"Fitted on {data} trade of {fitted} ({latest}; --data and --year for others).")
    out.print(
        "gap % = 100 × (actual / predicted − 1); negative is trade below its gravity potential."
    )
    if output is not None:
        write_records(records, output)
    if plot is not None:
        from tradewinds.reporting.gravity_plots import potential_figure, write_html

        write_html(potential_figure(records), plot)
