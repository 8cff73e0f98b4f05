"""``tradewinds duty``: stacked duties for one shipment or a CSV of shipment lines."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from tradewinds.cli._common import console
from tradewinds.cli._warnings import printed_warnings
from tradewinds.core.errors import ScenarioError


def _metal_content(items: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items:
        name, sep, share = item.partition("=")
        try:
            out[name.strip().lower()] = float(share)
        except ValueError:
            sep = ""
        if not sep:
            raise ScenarioError(
                f"--metal-content {item!r} must look like steel=0.8 (a metal and a share of value)."
            )
    return out


def register(app: typer.Typer) -> None:
    """Add the ``duty`` command."""

    @app.command("duty")
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
        importer: str = typer.Option(
            "USA", "--importer", help="Importing country (USA, CAN, MEX)."
        ),
        civil_aircraft: bool = typer.Option(
            False,
            "--civil-aircraft",
            help="Civil-aircraft article meeting general note 6 (Section 122 note 2(aa)(iv)).",
        ),
        named_article: bool = typer.Option(
            False,
            "--named-article",
            help="One of the particular articles named in Section 122 note 2(aa)(iii).",
        ),
        us_metal: bool = typer.Option(
            False,
            "--us-metal",
            help="Metal melted/smelted in the US (2026 Section 232 metals, 10% tier).",
        ),
        semiconductor: bool = typer.Option(
            False,
            "--semiconductor",
            help="A covered semiconductor article of U.S. note 39 (Proclamation 11002, 25%).",
        ),
        measures: list[Path] = typer.Option([], "--measures", help="Extra measure YAML file(s)."),
        fmt: str = typer.Option("table", "--format", help="table or json."),
        batch: Path | None = typer.Option(None, "--batch", help="CSV of shipment lines."),
        output: Path | None = typer.Option(None, "--output", help="Output CSV for --batch."),
    ) -> None:
        """Stacked duty of a shipment, layer by layer, with legal basis and Chapter 99 heading."""
        from tradewinds.measures.registry import load_registry

        if fmt not in ("table", "json"):
            raise ScenarioError(f"--format {fmt!r} must be 'table' or 'json'.")
        with printed_warnings():
            registry = load_registry(measures)
            if batch is not None:
                _run_batch(batch, output, registry)
                return
            missing = [
                name
                for name, v in (
                    ("--hts", hts),
                    ("--origin", origin),
                    ("--date", date),
                    ("--value", value),
                )
                if v is None
            ]
            if missing:
                raise ScenarioError(f"Missing {', '.join(missing)} (or give --batch FILE).")
            from tradewinds.measures.duty import calculate

            result = calculate(
                str(hts),
                str(origin),
                str(date),
                float(value or 0.0),
                importer=importer,
                usmca=usmca,
                us_content=us_content,
                metal_content=_metal_content(metal_content),
                quantity=quantity,
                unit=unit,
                transshipped=transshipped,
                registry=registry,
                civil_aircraft=civil_aircraft,
                named_article=named_article,
                us_metal=us_metal,
                semiconductor=semiconductor,
            )
            if fmt == "json":
                typer.echo(json.dumps(result.to_dict(), indent=2))
            else:
                _print_table(result)
            from rich.console import Console

            err = Console(stderr=True, highlight=False, soft_wrap=True)
            for note in result.notes:
                err.print(f"[dim]note:[/] {note}")


def _run_batch(path: Path, output: Path | None, registry: object) -> None:

    from tradewinds.measures.batch import calculate_batch, read_csv, write_csv
    from tradewinds.measures.registry import Registry

    assert isinstance(registry, Registry)
    if output is None:
        raise ScenarioError("--batch needs --output FILE.csv.")
    if not path.is_file():
        raise ScenarioError(f"Batch file {str(path)!r} does not exist.")
    try:
        lines = read_csv(path)
    except Exception as exc:  # polars and pandas raise their own parser errors
        raise ScenarioError(f"Cannot read batch file {str(path)!r}: {exc}") from exc
    result = calculate_batch(lines, registry=registry, where=str(path))
    write_csv(result, output)
    console().print(
        f"wrote {output}: {len(result)} lines, total duty US$ {result['total_duty'].sum():,.2f}"
    )


def _print_table(result: object) -> None:
    from rich.table import Table

    from tradewinds.measures.duty import DutyResult

    assert isinstance(result, DutyResult)
    value = result.customs_value
    table = Table(
        title=f"{result.hts} from {result.origin}, entered {result.date.isoformat()}, "
        f"customs value US$ {value:,.2f}"
    )
    for col in ("measure", "legal basis", "heading", "basis", "rate", "base", "amount"):
        table.add_column(col, justify="right" if col in ("rate", "base", "amount") else "left")
    for layer in result.layers:
        rate = f"{layer.rate:.2%}" if isinstance(layer.rate, float) else str(layer.rate)
        base = "-" if layer.base_value is None else f"{layer.base_value:,.2f}"
        amount = "not computed" if layer.amount is None else f"{layer.amount:,.2f}"
        table.add_row(
            layer.measure_id,
            layer.legal_basis,
            layer.heading or "-",
            layer.basis or "-",
            rate,
            base,
            amount,
        )
    out = console()
    out.print(table)
    out.print(
        f"MFN duty US$ {result.mfn_duty:,.2f}; additional US$ {result.additional_duty:,.2f} "
        f"({result.additional_duty / value:.2%}); total US$ {result.total_duty:,.2f}; "
        f"effective rate {result.total_duty / value:.2%}",
        soft_wrap=True,
    )
