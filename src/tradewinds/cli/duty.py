"""``tradewinds duty``: stacked duties for one shipment or a CSV of shipment lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from tradewinds.cli._common import console
from tradewinds.cli._options import ExtraMeasures, TableFormat, WidePast, check_format
from tradewinds.cli._warnings import printed_warnings
from tradewinds.core.errors import ScenarioError

if TYPE_CHECKING:
    from rich.console import Console


def _metal_content(items: list[str]) -> dict[str, object]:
    """``--metal-content`` values as ``{metal: share}``; a metal given twice is refused."""
    out: dict[str, object] = {}
    for item in items:
        name, sep, share = item.partition("=")
        key = name.strip().lower()
        try:
            float(share)
        except ValueError:
            sep = ""
        if not sep or not key:
            raise ScenarioError(
                f"--metal-content {item!r} must look like steel=0.8 (a metal and a share of value)."
            )
        if key in out:
            raise ScenarioError(
                f"--metal-content {key} is given twice ({out[key]!r} and {share.strip()!r}); "
                "give each metal once."
            )
        out[key] = share.strip()
    return out


#: What the importer declares about the article (``measures.fields.DECLARATIONS``).
CIVIL_AIRCRAFT = (
    "Civil-aircraft article meeting general note 6 (Section 122 note 2(aa)(iv); Brazil, EU, UK, "
    "Japan, Korea and Swiss aircraft exemptions)."
)
NAMED_ARTICLE = (
    "A particular article a note names within its code (Section 122 note 2(aa)(iii), Brazil "
    "note 2(x)(iii)(b), Section 301 exclusions of note 20(vvv)/(www))."
)
US_METAL = "Metal melted/smelted in the US (2026 Section 232 metals, 10% tier)."
SEMICONDUCTOR = "A covered semiconductor article of U.S. note 39 (Proclamation 11002, 25%)."


def register(app: typer.Typer) -> None:
    """Add the ``duty`` command."""
    app.command("duty")(duty)


def duty(
    hts: str | None = typer.Option(None, "--hts", help="HTS10 code, e.g. 8703.23.0190."),
    origin: str | None = typer.Option(None, "--origin", help="Country of origin (ISO3)."),
    date: str | None = typer.Option(None, "--date", help="Entry date YYYY-MM-DD."),
    value: float | None = typer.Option(None, "--value", help="Customs value in US$."),
    usmca: bool = typer.Option(False, "--usmca/--no-usmca", help="USMCA preference claimed."),
    us_content: float | None = typer.Option(
        None, "--us-content", help="US content share of value (USMCA vehicles), e.g. 0.4."
    ),
    metal_content: list[str] = typer.Option(
        [], "--metal-content", help="Metal share of value, e.g. steel=0.8 (repeatable)."
    ),
    quantity: float | None = typer.Option(
        None, "--quantity", help="Quantity for specific MFN rates."
    ),
    unit: str | None = typer.Option(None, "--unit", help="Unit of --quantity, e.g. kg."),
    transshipped: bool = typer.Option(
        False, "--transshipped", help="CBP found the goods transshipped to evade duties."
    ),
    importer: str = typer.Option("USA", "--importer", help="Importing country (USA, CAN, MEX)."),
    civil_aircraft: bool = typer.Option(False, "--civil-aircraft", help=CIVIL_AIRCRAFT),
    named_article: bool = typer.Option(False, "--named-article", help=NAMED_ARTICLE),
    us_metal: bool = typer.Option(False, "--us-metal", help=US_METAL),
    semiconductor: bool = typer.Option(False, "--semiconductor", help=SEMICONDUCTOR),
    measures: ExtraMeasures = None,
    fmt: TableFormat = "table",
    batch: Path | None = typer.Option(None, "--batch", help="CSV of shipment lines."),
    output: Path | None = typer.Option(
        None, "--output", help="Output .csv or .xlsx for --batch ('-': CSV on stdout)."
    ),
    wide: WidePast = False,
) -> None:
    """Stacked duty of a shipment, layer by layer, with legal basis and Chapter 99 heading."""
    check_format(fmt)
    line: dict[str, object] = {
        "hts": hts,
        "origin": origin,
        "date": date,
        "value": value,
        "importer": importer,
        "usmca": usmca,
        "us_content": us_content,
        "metal_content": _metal_content(metal_content),
        "quantity": quantity,
        "unit": unit,
        "transshipped": transshipped,
        "civil_aircraft": civil_aircraft,
        "named_article": named_article,
        "us_metal": us_metal,
        "semiconductor": semiconductor,
    }
    with printed_warnings():
        if batch is not None:
            _refuse_shipment_fields(line)
            _run_batch(batch, output, measures or [])
        else:
            _run_one(line, output, measures or [], fmt, wide)


def _refuse_shipment_fields(line: dict[str, object]) -> None:
    """Refuse the fields of one shipment beside ``--batch`` (each line carries its own)."""
    given = [
        f"--{k.replace('_', '-')}"
        for k, v in line.items()
        if v not in (None, False, {}) and not (k == "importer" and v == "USA")
    ]
    if given:
        raise ScenarioError(
            f"{', '.join(given)} describe(s) one shipment and cannot go with --batch "
            "(each line of the batch file carries its own fields)."
        )


def _run_one(
    line: dict[str, object], output: Path | None, measures: list[Path], fmt: str, wide: bool
) -> None:
    """``duty`` of one shipment: its layers as a table (or JSON), the notes on stderr."""
    if output is not None:
        raise ScenarioError(
            "--output writes the duties of a --batch file; one shipment prints its "
            "duty (use --format json to keep it)."
        )
    missing = [f"--{k}" for k in ("hts", "origin", "date", "value") if line[k] is None]
    if missing:
        raise ScenarioError(f"Missing {', '.join(missing)} (or give --batch FILE).")
    from tradewinds.measures.duty import calculate

    registry = None
    if measures:
        from tradewinds.measures.registry import load_registry

        registry = load_registry(measures)
    # the fields go to the calculator as they are: its validator holds the record's rules, and
    # one line imports no pydantic
    result = calculate(**line, registry=registry)  # type: ignore[arg-type]
    if fmt == "json":
        typer.echo(json.dumps(result.to_dict(), indent=2))
    else:
        _print_table(result, wide)
    err = console_stderr()
    for note in result.notes:
        err.print(f"[dim]note:[/] {note}", markup=True)


def _run_batch(path: Path, output: Path | None, measures: list[Path]) -> None:
    """``duty --batch``: good lines computed, bad lines listed (errors CSV and summary)."""
    import sys

    from tradewinds.cli._common import check_output
    from tradewinds.measures.batch import OUTPUT_SUFFIXES, duty_batch, write_table
    from tradewinds.measures.registry import load_registry

    if output is None:
        raise ScenarioError("--batch needs --output FILE.csv (or .xlsx, or - for stdout).")
    to_stdout = str(output) == "-"
    if not to_stdout:
        # an output that is the --batch file itself is refused by the one rule of every
        # command (tradewinds.cli.main), before any work
        check_output(output, OUTPUT_SUFFIXES)
    registry = load_registry(measures) if measures else None
    result = duty_batch(path, registry=registry, where=f"batch file {str(path)!r}")
    errors_path = None if to_stdout else output.with_name(f"{output.stem}.errors.csv")
    if to_stdout:
        write_table(result.table, sys.stdout.buffer)
        sys.stdout.flush()
    else:
        write_table(result.table, output)
        if errors_path is not None and errors_path.exists():
            errors_path.unlink()  # a stale list of an earlier run would describe other lines
    err = console_stderr()
    total = float(result.table.get_column("total_duty").sum())
    where = "stdout" if to_stdout else str(output)
    err.print(
        f"wrote {where}: {result.table.height:,} of {result.n_input:,} lines, "
        f"total duty US$ {total:,.2f}",
        markup=False,
    )
    if not result.n_failed:
        return
    if errors_path is not None:
        write_table(result.errors, errors_path)
    for rec in result.errors.head(10).iter_rows(named=True):
        err.print(
            f"  row {rec['row']}: {rec['field']} = {rec['value']!r}: {rec['error']}", markup=False
        )
    if result.errors.height > 10:
        err.print(f"  ... and {result.errors.height - 10:,} more")
    listed = f"; every bad line is listed in {str(errors_path)!r}" if errors_path else ""
    raise ScenarioError(
        f"{result.n_failed:,} of {result.n_input:,} lines of batch file {str(path)!r} were not "
        f"computed{listed}. Fix them and run the batch again."
    )


def console_stderr() -> Console:
    """A Rich console on stderr (summaries, so that stdout can carry the CSV)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _print_table(result: object, wide: bool = False) -> None:
    from rich.table import Table

    from tradewinds.cli._display import print_table
    from tradewinds.measures.duty import DutyResult

    assert isinstance(result, DutyResult)
    value = result.customs_value
    table = Table(
        title=f"{result.hts} from {result.origin}, entered {result.date.isoformat()}, "
        f"customs value US$ {value:,.2f}"
    )
    for col in ("measure", "legal basis", "heading", "basis", "formula", "rate", "base", "amount"):
        table.add_column(
            col,
            justify="right" if col in ("rate", "base", "amount") else "left",
            no_wrap=col in ("measure", "rate", "base", "amount"),
        )
    for layer in result.layers:
        rate = f"{layer.rate:.2%}" if isinstance(layer.rate, float) else str(layer.rate)
        base = "-" if layer.base_value is None else f"{layer.base_value:,.2f}"
        amount = "not computed" if layer.amount is None else f"{layer.amount:,.2f}"
        table.add_row(
            layer.measure_id,
            layer.legal_basis,
            layer.heading or "-",
            layer.basis or "-",
            layer.formula,
            rate,
            base,
            amount,
        )
    out = console()
    print_table(out, table, wide=wide, drop=("heading", "base", "formula"))
    out.print(
        f"MFN duty US$ {result.mfn_duty:,.2f}; additional US$ {result.additional_duty:,.2f} "
        f"({result.additional_duty / value:.2%}); total US$ {result.total_duty:,.2f}; "
        f"effective rate {result.total_duty / value:.2%}",
        soft_wrap=True,
    )
