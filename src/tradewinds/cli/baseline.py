"""``tradewinds baseline``: describe baselines."""

from __future__ import annotations

from typing import Any

import typer

from tradewinds.cli._display import WIDE_HELP
from tradewinds.cli._options import check_format

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
    balancing = summary.get("balancing")
    if balancing:
        _print_balancing(out, balancing, wide=wide)
    built = summary.get("built_by")
    out.print(
        f"[dim]provenance: {summary['raw_files']} raw files hashed"
        + (f"; built by `{built}`" if built else "")
        + "; --json for the full record[/]"
    )


def _print_balancing(out: Any, balancing: dict[str, Any], *, wide: bool) -> None:
    """The balancing report of a GRAS-updated baseline: targets and distances to them."""
    from rich.table import Table

    from tradewinds.cli._display import print_table

    state = "converged" if balancing["converged"] else "did NOT converge"
    out.print(
        f"balanced by {balancing['method']}: {state} after {balancing['iterations']} sweeps "
        f"(tolerance {balancing['tolerance']:.0e}); cells whose sign changed: "
        f"{balancing['sign_flips']}"
    )
    table = Table(title="targets and the distance to them (largest relative gap)")
    for header in ("target", "sets", "total\nUS$ bn", "balanced\ntable", "baseline", "worst"):
        table.add_column(header, justify="left" if header in ("target", "worst") else "right")
    for row in balancing["targets"]:
        base = row["baseline_gap"]
        table.add_row(
            row["what"],
            f"{row['sets']:,}",
            f"{row['total'] / 1e3:,.0f}",
            f"{row['balanced_gap']:.1e}",
            "" if base is None else f"{base:.2%}",
            row["baseline_worst"] or "",
        )
    print_table(out, table, wide=wide)
    share = balancing.get("us_imports_share_mapped")
    note = (
        "baseline = as stored, after negative final-use totals (inventory drawdowns) are set "
        "to zero as for wiod2011"
    )
    if share is not None:
        note += f"; US imports 2024 mapped HS10 -> ISIC Rev.3 -> WIOD: {share:.2%} of value"
    if balancing.get("targets_file"):
        note += f"; every target: tradewinds/defaults/{balancing['targets_file']}"
    out.print(f"[dim]{note}[/]")


@baseline_app.command("list")
def list_baselines(
    fmt: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Name every bundled baseline with its source, year, regions and sectors."""
    import json

    from rich.table import Table

    from tradewinds.cli._common import console
    from tradewinds.cli._display import print_table
    from tradewinds.reporting.baseline_info import bundled_catalogue

    check_format(fmt)
    rows = bundled_catalogue()
    if fmt == "json":
        typer.echo(json.dumps(rows, indent=1, ensure_ascii=False))
        return
    out = console()
    table = Table(title="bundled baselines (tradewinds baseline info NAME for more)")
    for header in ("name", "year", "regions", "sectors", "source"):
        table.add_column(
            header,
            justify="right" if header in ("regions", "sectors") else "left",
            no_wrap=header != "source",
        )
    for row in rows:
        alias = f" (= {', '.join(row['same_as'])})" if row["same_as"] else ""
        table.add_row(
            row["name"] + alias,
            str(row["year"]),
            str(row["regions"]),
            str(row["sectors"]),
            str(row["source"]),
        )
    print_table(out, table)


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
