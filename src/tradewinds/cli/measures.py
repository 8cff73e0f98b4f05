"""``tradewinds measures list|show|timeline|validate|diff``: the registry and its upkeep."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from tradewinds.cli._common import console
from tradewinds.cli._display import print_table
from tradewinds.cli._options import ExtraMeasures, TableFormat, Wide, WidePast, check_format
from tradewinds.cli._warnings import printed_warnings

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.table import Table

    from tradewinds.measures.schema import Measure

#: Columns left out first when ``measures list`` does not fit the terminal.
DROP = ("status", "heading", "USMCA", "basis", "authority")


def register(app: typer.Typer) -> None:
    """Add the ``measures`` command group: list, show, timeline, validate and diff."""
    group = typer.Typer(help="Tariff measures in the registry: what is in force, and why.")
    app.add_typer(group, name="measures")
    # in this order in the group's help
    group.command("timeline")(timeline_)
    group.command("validate")(validate_)
    group.command("diff")(diff_)
    group.command("list")(list_)
    group.command("show")(show)


def list_(
    target: str | None = typer.Option(None, "--target", help="Targeted country (ISO3)."),
    imposing: str | None = typer.Option(None, "--imposing", help="Imposing country (ISO3)."),
    as_of: str | None = typer.Option(None, "--as-of", help="Date YYYY-MM-DD (default: all)."),
    measures: ExtraMeasures = None,
    fmt: TableFormat = "table",
    wide: Wide = False,
) -> None:
    """Measures in force on a date (or all records), optionally for one target country."""
    from tradewinds.measures.registry import load_registry

    with printed_warnings():
        registry = load_registry(measures or [])
        date = None
        if as_of is not None:
            from tradewinds.core.dates import parse_date

            date = parse_date(as_of, "--as-of")
            registry.check_date(date)
        rows = registry.select(date, target=target, imposing=imposing)
        if fmt == "json":
            typer.echo(json.dumps([m.model_dump(mode="json") for m in rows], indent=1))
            return
        title = f"Measures{' in force on ' + as_of if as_of else ''}" + (
            f" targeting {target.upper()}" if target else ""
        )
        out = console()
        print_table(out, _measures_table(title, rows), wide=wide, drop=DROP)
        out.print(
            f"{len(rows)} measure(s); registry coverage date {registry.coverage_date}; "
            "~ marks an approximate product scope."
        )


def _measures_table(title: str, rows: Sequence[Measure]) -> Table:
    """One row a measure: id, authority, heading, rate, basis, window, USMCA, status."""
    from rich.table import Table

    table = Table(title=title)
    for col in ("id", "authority", "heading", "rate", "basis", "from", "to"):
        table.add_column(col, no_wrap=col in ("id", "rate", "from", "to"))
    table.add_column("USMCA", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for m in rows:
        rate = "per HTS line" if m.programme == "mfn" else f"{m.rate:.2%}"
        basis = f"{m.metal} content" if m.metal else "full value"
        table.add_row(
            m.id,
            m.authority,
            m.heading or "-",
            rate + (" ~" if m.scope.approximate else ""),
            basis,
            m.effective_from.isoformat(),
            m.effective_to.isoformat() if m.effective_to else "open",
            m.usmca,
            m.status,
        )
    return table


def show(
    measure_id: str = typer.Argument(..., help="Measure id, e.g. ieepa-ca-35."),
    measures: ExtraMeasures = None,
) -> None:
    """One measure record in full, with its sources (URLs) and recorded choices."""
    import yaml

    from tradewinds.measures.registry import load_registry
    from tradewinds.measures.sources import source_url

    registry = load_registry(measures or [])
    m = registry.get(measure_id)
    data = m.model_dump(mode="json", exclude_defaults=False)
    for src in data["sources"]:
        src["url"] = src.get("url") or source_url(src["key"])
    data["file"] = registry.origin.get(m.id)
    typer.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))


def timeline_(
    target: str = typer.Option(..., "--target", help="Country (ISO3), e.g. CAN, MEX, CHN or USA."),
    measures: ExtraMeasures = None,
    fmt: TableFormat = "table",
    wide: WidePast = False,
) -> None:
    """Every change of rate or status on (or by) a country, by date, with sources."""
    from rich.table import Table

    from tradewinds.measures.registry import load_registry
    from tradewinds.measures.timeline import timeline

    check_format(fmt)
    with printed_warnings():
        rows = timeline(target, load_registry(measures or []))
    if fmt == "json":
        typer.echo(json.dumps(rows, indent=1))
        return
    table = Table(title=f"Measures on or by {target.upper()}, by date")
    # dates, changes, ids and rates are never cut; titles and source keys wrap
    for col in ("date", "change", "id", "title", "rate", "by", "sources"):
        table.add_column(col, no_wrap=col in ("date", "change", "id", "rate", "by"))
    for r in rows:
        rate = "-" if r["rate"] is None else f"{r['rate']:.0%}"
        keys = ", ".join(s["key"] for s in r["sources"])
        table.add_row(r["date"], r["kind"], r["id"], r["title"], rate, r["imposing"], keys)
    print_table(console(), table, wide=wide, drop=("sources", "by", "title"))


def validate_(file: Path = typer.Argument(..., help="Measure YAML file to check.")) -> None:
    """Check a measure file: schema, precedence rules, conflicts with existing records."""
    from tradewinds.cli._common import err_console
    from tradewinds.measures.validate import validate_file

    with printed_warnings():
        problems = validate_file(file)
    err = err_console()
    errors = [p for p in problems if p.level == "error"]
    for p in problems:
        err.print(f"{file}: {p.level}: {p}", markup=False)
    if errors:
        raise typer.Exit(code=2)
    console().print(f"{file}: valid ({len(problems)} note(s)).")


def diff_(
    old: Path = typer.Argument(..., help="Older Chapter 99 text or heading table (CSV)."),
    new: Path = typer.Argument(..., help="Newer Chapter 99 text or heading table (CSV)."),
    fmt: TableFormat = "table",
    only_registry: bool = typer.Option(
        False, "--only-registry", help="Show only headings that registry records name."
    ),
) -> None:
    """Headings added, removed and changed between two Chapter 99 editions."""
    import dataclasses

    from rich.table import Table

    from tradewinds.measures import ch99diff
    from tradewinds.reporting.terminal import literal

    check_format(fmt)
    with printed_warnings():
        changes = ch99diff.diff(ch99diff.read(old), ch99diff.read(new))
    if only_registry:
        changes = [c for c in changes if c.records]
    if fmt == "json":
        typer.echo(json.dumps([dataclasses.asdict(c) for c in changes], indent=1))
        return
    table = Table(title=literal(f"Chapter 99: {old.name} -> {new.name}"))
    # headings, kinds and record ids are never cut (one id a line); the description wraps
    for col in ("heading", "change", "what", "registry records"):
        table.add_column(col, no_wrap=col != "what")
    for c in changes:
        table.add_row(c.code, c.kind, literal(c.describe()), "\n".join(c.records) or "-")
    out = console()
    print_table(out, table)
    kinds = {k: sum(c.kind == k for c in changes) for k in ("added", "removed", "changed")}
    out.print(
        f"{kinds['added']} added, {kinds['removed']} removed, {kinds['changed']} changed; "
        f"{sum(bool(c.records) for c in changes)} touch registry records."
    )
