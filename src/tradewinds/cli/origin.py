"""``tradewinds origin``: USMCA rules-of-origin checks on a bill of materials."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from tradewinds.measures.origin import OriginResult

origin_app = typer.Typer(
    help="USMCA rules of origin: regional value content, automotive tests, de minimis.",
    no_args_is_help=True,
)


class OutputFormat(StrEnum):
    """How ``origin check`` prints its answer."""

    table = "table"
    json = "json"


def register(app: typer.Typer) -> None:
    """Add the ``origin`` command group."""
    app.add_typer(origin_app, name="origin")


@origin_app.command("check")
def check(
    bom: Path = typer.Argument(..., help="Bill of materials (YAML); see docs/origin.md."),
    output_format: OutputFormat = typer.Option(
        OutputFormat.table, "--format", "-f", help="table (readable) or json (one object)."
    ),
    wide: bool = typer.Option(
        False, "--wide", help="Show every column at full width, even past the terminal."
    ),
    report_only: bool = typer.Option(
        False, "--report-only", help="Always exit 0, whether or not the good qualifies."
    ),
    strict: bool = typer.Option(
        False, "--strict", hidden=True, help="Kept for old scripts: exiting 1 is the default now."
    ),
) -> None:
    """Check whether the good in BOM qualifies as originating under the USMCA.

    Computes the regional value content by the transaction-value and net-cost methods (Article
    4.5), the automotive tests of the appendix to Annex 4-B and the de minimis rule (Article
    4.12). Product-specific tariff-shift rules are out of scope.

    Exit codes, as for other checking commands: 0 the good qualifies, 1 it does not (the output
    says why), 2 or 3 the BOM or the command line is wrong. --report-only always exits 0.
    """
    import json

    from tradewinds.measures.origin import check_origin
    from tradewinds.measures.origin_schema import load_bom

    spec = load_bom(bom)
    result = check_origin(spec)
    if output_format is OutputFormat.json:
        typer.echo(json.dumps(result.to_dict(), indent=1))
    else:
        _print_table(result, wide)
    del strict  # the default since exit codes were added; the option is kept for old scripts
    if not result.qualifies and not report_only:
        raise typer.Exit(1)


def _print_table(result: OriginResult, wide: bool = False) -> None:
    from rich.table import Table

    from tradewinds.cli._common import console
    from tradewinds.cli._display import print_table

    out = console()
    verdict = "[bold green]QUALIFIES[/]" if result.qualifies else "[bold red]DOES NOT QUALIFY[/]"
    out.print(
        f"[bold]{result.description or result.hts}[/] (HTS {result.hts}, {result.category}, "
        f"claim date {result.claim_date.isoformat()}): {verdict}"
    )
    out.print(f"Requirement: {result.reason}. Amounts in {result.currency}.")
    table = Table()
    for col in ("test", "value", "threshold", "margin", "result", "basis"):
        table.add_column(
            col,
            justify="right" if col in ("value", "threshold", "margin") else "left",
            no_wrap=col in ("value", "threshold", "margin", "result"),
        )
    for c in result.checks:
        sign = ">=" if c.at_least else "<="
        table.add_row(
            c.label,
            _pct(c.value),
            f"{sign} {_pct(c.threshold)}" if c.threshold is not None else "",
            _pct(c.margin, signed=True),
            {"pass": "[green]pass[/]", "fail": "[red]fail[/]"}.get(c.outcome, c.outcome),
            c.article,
        )
    print_table(out, table, wide=wide, drop=("basis",))
    for c in result.checks:
        text = "; ".join(x for x in (c.lever.rstrip("."), c.note) if x)
        if text:
            out.print(f"- {c.label}: {text}.")
    if result.pivot:
        out.print(f"[bold]What moves it most:[/] {result.pivot}")
    for note in result.notes:
        out.print(f"[dim]Note: {note}[/]")


def _pct(x: float | None, signed: bool = False) -> str:
    if x is None:
        return ""
    return f"{100 * x:+.2f} pp" if signed else f"{100 * x:.2f}%"
