"""``tradewinds replicate``: reproduce published results on the papers' own data."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import typer

from tradewinds.cli._display import WIDE_HELP

if TYPE_CHECKING:
    import pandas as pd
    from rich.table import Table

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
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """Ignatenko, Macedoni, Lashkaripour & Simonovska (2025), "Making America Great Again?".

    Solves CASE on the paper's 194-country data; shows USA, CAN, MEX, CHN and NON_USA.

    NON_USA is the expenditure-weighted non-US average. Published figures are shown beside ours.
    """
    from tradewinds.cli._common import check_output
    from tradewinds.core.inputs import check_input_folder

    check_output(output)
    if data is not None and data.exists():  # a missing one: the loader names the files it needs
        check_input_folder(data, "--data folder")
    from tradewinds.cli._common import console, solving, write_records
    from tradewinds.cli._display import print_table
    from tradewinds.replication.ignatenko2025 import case_records, published_comparison, run_case

    with solving(f"solving case {case} on 194 countries"):
        eq = run_case(case, data)
    records = case_records(eq)
    out = console()
    print_table(out, _case_table(case, records), wide=wide, drop=("employ-\nment %", "prices\n%"))
    comparison = published_comparison(case, records)
    if len(comparison):
        print_table(out, _comparison_table(comparison), wide=wide)
    out.print(f"[dim]{eq.report.summary()}[/]")
    if output is not None:
        write_records(records, output)
        out.print(f"Wrote {output}")


#: Column headers of the Ignatenko et al. metrics (others are shown by name).
IGNATENKO_HEADERS = {
    "welfare_pct": "welfare\n%",
    "deficit_pct": "deficit\n%",
    "exports_gdp_pct": "X/GDP\n%",
    "imports_gdp_pct": "M/GDP\n%",
    "employment_pct": "employ-\nment %",
    "prices_pct": "prices\n%",
    "tariff_revenue_share": "revenue\n/ E",
}


def _case_table(case: str, records: pd.DataFrame) -> Table:
    """The metrics of a case for USA, CAN, MEX, CHN and NON_USA."""
    from rich.table import Table

    from tradewinds.replication.ignatenko2025 import CASES, METRICS

    table = Table(title=f"Ignatenko et al. (2025), case {case}: {CASES[case]}")
    table.add_column("country", no_wrap=True)
    for metric in METRICS:
        table.add_column(IGNATENKO_HEADERS.get(metric, metric), justify="right", no_wrap=True)
    by_country = records.pivot(index="country", columns="metric", values="value")
    for country in ("USA", "CAN", "MEX", "CHN", "NON_USA"):
        if country in by_country.index:
            row = by_country.loc[country]
            cells = [
                f"{row[m]:.4f}" if m == "tariff_revenue_share" else f"{row[m]:+.2f}"
                for m in METRICS
            ]
            table.add_row(country, *cells)
    return table


def _comparison_table(comparison: pd.DataFrame) -> Table:
    """Published figures beside ours, at the paper's printed rounding."""
    from rich.table import Table

    check = Table(title="published vs reproduced (at the paper's printed rounding)")
    for col in ("country", "metric", "published", "reproduced", "match"):
        check.add_column(col, no_wrap=True)
    for _, r in comparison.iterrows():
        check.add_row(
            r["country"],
            r["metric"],
            f"{r['published']:g}",
            f"{r['reproduced']:g}",
            "yes" if r["match"] else "NO",
        )
    return check


#: How each closure treats the 1993 deficits, for the table title.
DEFICITS = {
    "balanced": "zero deficits",
    "fixed": "observed 1993 deficits held fixed",
    "ratio": "1993 deficit-to-income ratios held",
}


@replicate_app.command("cp2015-nafta")
def cp2015_nafta(
    closure: str = typer.Option(
        "balanced",
        "--closure",
        help="balanced: zero deficits in baseline and counterfactual (the paper's headline); "
        "fixed: observed 1993 deficits kept in both; ratio: deficits a fixed share of income.",
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write tidy records (CSV or JSON, by extension)."
    ),
    data: Path | None = typer.Option(
        None, "--data", help="The cp2015_nafta/csv folder (default: found under ../shared)."
    ),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """Caliendo & Parro (2015) NAFTA: 1993 -> 2005 tariffs among CAN, MEX, USA (Table 2)."""
    run_cp2015_nafta(closure, output, data, wide=wide)


def run_cp2015_nafta(
    closure: str, output: Path | None, data: Path | None, *, wide: bool = False
) -> None:
    """Body of ``replicate cp2015-nafta``: solve, print Table 2 beside the paper, write records."""
    from tradewinds.cli._common import check_output
    from tradewinds.core.inputs import check_input_folder

    check_output(output)
    if data is not None and data.exists():  # a missing one: the loader names the files it needs
        check_input_folder(data, "--data folder")
    from rich.table import Table

    from tradewinds.cli._common import console, solving, write_records
    from tradewinds.cli._display import print_table
    from tradewinds.core.errors import ScenarioError
    from tradewinds.replication.cp2015 import PUBLISHED, run_nafta

    closures: dict[str, Literal["balanced", "fixed", "ratio"]] = {
        "balanced": "balanced",
        "fixed": "fixed",
        "ratio": "ratio",
    }
    if closure not in closures:
        raise ScenarioError(f"--closure must be 'balanced', 'fixed' or 'ratio', not {closure!r}.")
    chosen = closures[closure]
    with solving("solving the NAFTA counterfactual"):
        result = run_nafta(data, closure=chosen)
    out = console()
    title = f"Caliendo & Parro (2015) NAFTA, Table 2 quantities ({DEFICITS[chosen]})"
    table = Table(title=title, caption="percent; [dim](paper)[/] shown for the headline closure")
    columns = (
        ("welfare_pct", "welfare", "welfare_pct", "{:+.3f}"),
        ("tot_pct", "terms of\ntrade", "tot_pct", "{:+.3f}"),
        ("vot_pct", "volume of\ntrade", "vot_pct", "{:+.3f}"),
        ("real_wage_pct", "real wage", "real_wage_pct", "{:+.2f}"),
        ("real_income_pct", "real income\n(exact)", None, "{:+.3f}"),
        ("intra_nafta_trade_pct", "imports from\nNAFTA", "intra_nafta_trade_pct", "{:+.1f}"),
    )
    table.add_column("country", no_wrap=True)
    for _, header, _, _ in columns:
        table.add_column(header, justify="right", no_wrap=True)
    for country, row in result.table.iterrows():
        cells = []
        for key, _, paper, fmt in columns:
            cell = fmt.format(row[key])
            if paper is not None and chosen == "balanced":
                printed = float(PUBLISHED.at[str(country), paper])  # type: ignore[arg-type]
                cell += f" [dim]({printed:+g})[/]"
            cells.append(cell)
        table.add_row(str(country), *cells)
    drop = ("real income\n(exact)", "imports from\nNAFTA", "real wage")
    print_table(out, table, wide=wide, drop=drop)
    out.print(
        "welfare = terms of trade + volume of trade (CP2015's decomposition); real income is "
        "the exact change in income deflated by the consumer price index."
    )
    out.print(f"[dim]{result.equilibrium.report.summary()}[/]")
    if output is not None:
        write_records(result.equilibrium.to_records(), output)
        out.print(f"Wrote {output}")


@replicate_app.command("yotov2016")
def yotov2016(
    table: int = typer.Option(..., "--table", "-t", help="1, 2 or 3 (Chapter 1)."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write tidy records (CSV or JSON, by extension)."
    ),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """Yotov et al. (2016), *An Advanced Guide to Trade Policy Analysis*, ch. 1, Tables 1-3.

    Re-estimates every column of the printed table on the book's data (PPML through pyfixest)
    and writes records table, column, variable, estimate, std_error, n_obs.
    """
    from rich.table import Table

    from tradewinds.cli._common import console, progress_bar, write_records
    from tradewinds.cli._display import print_table
    from tradewinds.integration.yotov2016 import COLUMNS, replicate_table

    with progress_bar(f"Estimating Table {table}", "columns") as update:
        records = replicate_table(table, progress=update)
    out = console()
    columns = COLUMNS[table]
    variables = list(dict.fromkeys(records["variable"]))
    # Split the columns over tables that fit the terminal (a variable column, then 3 spaces
    # of padding and border and at least 7 characters for "-0.123" a column).
    first = max(len("variable"), *map(len, variables)) + 4
    per = max(1, (out.width - first) // 10) if not wide else len(columns)
    parts = [columns[k : k + per] for k in range(0, len(columns), per)]
    for n, part in enumerate(parts, 1):
        more = f", columns {n} of {len(parts)}" if len(parts) > 1 else ""
        grid = Table(
            title=f"Yotov et al. (2016), Table {table} (standard errors clustered by pair{more})"
        )
        grid.add_column("variable", no_wrap=True)
        for col in part:
            grid.add_column(col, justify="right", no_wrap=True)
        for variable in variables:
            cells = []
            for col in part:
                hit = records[(records["column"] == col) & (records["variable"] == variable)]
                cells.append(
                    ""
                    if hit.empty
                    else f"{hit['estimate'].iloc[0]:.3f}\n({hit['std_error'].iloc[0]:.3f})"
                )
            if any(cells):
                grid.add_row(variable, *cells)
        n_obs = [f"{int(records.loc[records['column'] == c, 'n_obs'].iloc[0]):,}" for c in part]
        grid.add_row("N", *n_obs)
        print_table(out, grid, wide=wide)
    if output is not None:
        write_records(records, output)
