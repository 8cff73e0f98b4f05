"""``tradewinds replicate``: reproduce published results on the papers' own data."""

from __future__ import annotations

from pathlib import Path

import typer

replicate_app = typer.Typer(help="Reproduce published results.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the ``replicate`` command group."""
    app.add_typer(replicate_app, name="replicate")


@replicate_app.command("ignatenko2025")
def ignatenko2025(
    case: str = typer.Option(
        "1",
        "--case",
        "-c",
        help="1, 2, reciprocal, optimal-retaliation, optimal-us or eps8.",
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write tidy records (CSV or JSON, by extension)."
    ),
    data: Path | None = typer.Option(
        None,
        "--data",
        help="Folder liberation_day_ignatenko2025 (default: ../shared/data beside the checkout).",
    ),
) -> None:
    """Ignatenko, Macedoni, Lashkaripour & Simonovska (2025), "Making America Great Again?".

    Solves CASE on the paper's 194-country data; shows USA, CAN, MEX, CHN and NON_USA.

    NON_USA is the expenditure-weighted non-US average. Published figures are shown beside ours.
    """
    from rich.table import Table

    from tradewinds.cli._common import console, write_records
    from tradewinds.replication.ignatenko2025 import (
        CASES,
        METRICS,
        case_records,
        published_comparison,
        run_case,
    )

    eq = run_case(case, data)
    records = case_records(eq)
    out = console()
    table = Table(title=f"Ignatenko et al. (2025), case {case}: {CASES[case]}")
    table.add_column("country")
    headers = {
        "welfare_pct": "welfare\n%",
        "deficit_pct": "deficit\n%",
        "exports_gdp_pct": "X/GDP\n%",
        "imports_gdp_pct": "M/GDP\n%",
        "employment_pct": "employ-\nment %",
        "prices_pct": "prices\n%",
        "tariff_revenue_share": "revenue\n/ E",
    }
    for metric in METRICS:
        table.add_column(headers.get(metric, metric), justify="right")
    wide = records.pivot(index="country", columns="metric", values="value")
    for country in ("USA", "CAN", "MEX", "CHN", "NON_USA"):
        if country in wide.index:
            row = wide.loc[country]
            cells = [
                f"{row[m]:.4f}" if m == "tariff_revenue_share" else f"{row[m]:+.2f}"
                for m in METRICS
            ]
            table.add_row(country, *cells)
    out.print(table)
    comparison = published_comparison(case, records)
    if len(comparison):
        check = Table(title="published vs reproduced (at the paper's printed rounding)")
        for col in ("country", "metric", "published", "reproduced", "match"):
            check.add_column(col)
        for _, r in comparison.iterrows():
            check.add_row(
                r["country"],
                r["metric"],
                f"{r['published']:g}",
                f"{r['reproduced']:g}",
                "yes" if r["match"] else "NO",
            )
        out.print(check)
    out.print(f"[dim]{eq.report.summary()}[/]")
    if output is not None:
        write_records(records, output)
        out.print(f"Wrote {output}")
