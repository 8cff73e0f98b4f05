"""``tradewinds baseline``: describe baselines."""

from __future__ import annotations

import typer

from tradewinds.cli._display import WIDE_HELP

baseline_app = typer.Typer(help="Inspect baselines.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the ``baseline`` command group."""
    app.add_typer(baseline_app, name="baseline")


@baseline_app.command("info")
def info(
    name: str = typer.Argument("default", help="Bundled baseline name or path."),
    as_json: bool = typer.Option(
        False, "--json", help="Print the summary and the full provenance record as JSON."
    ),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """Describe a baseline: source, year, units, size, largest economies and data notes.

    Multi-sector baselines (with input-output shares) report value added (GDP) and gross
    output; one-sector baselines report income (= GDP) and expenditure. Adjustments made while
    building the baseline (such as exports above GDP) are listed as data notes; --json prints
    the full provenance record.
    """
    import json

    from rich.table import Table

    from tradewinds.cli._common import console
    from tradewinds.cli._display import print_table
    from tradewinds.data import load_baseline
    from tradewinds.reporting.baseline_info import baseline_summary

    ds = load_baseline(name)
    summary = baseline_summary(ds, name)
    if as_json:
        summary["provenance"] = json.loads(ds.attrs.get("provenance", "{}"))
        typer.echo(json.dumps(summary, indent=1))
        return
    out = console()
    out.print(f"[bold]{summary['source']}[/] ({name})")
    out.print(f"year {summary['year']}; money in {summary['units']}")
    out.print(
        f"{summary['countries']} countries x {summary['sectors']} sectors; "
        f"variables: {', '.join(summary['variables'])}"
    )
    economies = summary["largest_economies"]
    headers = summary["columns"]
    table = Table(title=f"largest economies ({len(economies)} of {summary['countries']})")
    table.add_column("country", no_wrap=True)
    for key in headers:
        table.add_column(COLUMN_HEADERS[key], justify="right", no_wrap=True)
    for row in economies:
        table.add_row(row["country"], *(f"{row[key]:,.0f}" for key in headers))
    print_table(out, table, wide=wide, drop=("deficit",))
    out.print(f"[dim]{COLUMN_NOTES[summary['kind']]}[/]")
    if summary.get("canada_mexico_two_way_trade") is not None:
        two_way = float(summary["canada_mexico_two_way_trade"])
        out.print(f"Canada–Mexico two-way trade: US${two_way / 1e3:,.1f} bn")
    notes = summary["data_notes"]
    if notes:
        out.print("data notes (properties of this baseline, recorded in every run's provenance):")
        for note in notes:
            out.print(f"  - {note}", markup=False)
    built = summary.get("built_by")
    out.print(
        f"[dim]provenance: {summary['raw_files']} raw files hashed"
        + (f"; built by `{built}`" if built else "")
        + "; --json for the full record[/]"
    )


#: Headers of the economies table.
COLUMN_HEADERS = {
    "value_added": "GDP\n(value added)",
    "gross_output": "gross\noutput",
    "income": "GDP\n(income)",
    "expenditure": "expenditure",
    "exports": "exports",
    "imports": "imports",
    "deficit": "deficit",
}

#: What the economies table measures, by kind of baseline.
COLUMN_NOTES = {
    "multi-sector": "gross output = sales of all sectors to all buyers (intermediate and final "
    "use); GDP = value added; exports and imports are gross flows, excluding domestic sales.",
    "one-sector": "income = GDP (sales at producer prices); expenditure includes tariffs; "
    "exports and imports exclude domestic absorption.",
}
