"""``tradewinds baseline``: describe baselines."""

from __future__ import annotations

import typer

baseline_app = typer.Typer(help="Inspect baselines.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the ``baseline`` command group."""
    app.add_typer(baseline_app, name="baseline")


@baseline_app.command("info")
def info(
    name: str = typer.Argument("default", help="Bundled baseline name or path."),
) -> None:
    """Describe a baseline: source, year, units, size, provenance and key flows."""
    import json

    from rich.table import Table

    from tradewinds.cli._common import console
    from tradewinds.core import dims
    from tradewinds.data import countries, expenditure, income, load_baseline

    ds = load_baseline(name)
    out = console()
    labels = countries(ds)
    out.print(f"[bold]{ds.attrs.get('source', name)}[/] ({name})")
    out.print(f"year {ds.attrs.get('year')}, units: {ds.attrs.get('units')}")
    out.print(
        f"{len(labels)} countries, {ds.sizes[dims.SECTOR]} sectors; "
        f"variables: {', '.join(sorted(map(str, ds.data_vars)))}"
    )
    y = income(ds)
    e = expenditure(ds)
    trade = ds[dims.TRADE].sum(dims.SECTOR)
    table = Table(title="largest economies")
    for col in ("country", "income", "expenditure", "exports", "imports", "deficit"):
        table.add_column(col, justify="right" if col != "country" else "left")
    order = sorted(labels, key=lambda c: -float(y.sel({dims.EXPORTER: c})))
    for c in order[:12]:
        exports = float(trade.sel({dims.EXPORTER: c}).sum()) - float(
            trade.sel({dims.EXPORTER: c, dims.IMPORTER: c})
        )
        imports = float(trade.sel({dims.IMPORTER: c}).sum()) - float(
            trade.sel({dims.EXPORTER: c, dims.IMPORTER: c})
        )
        table.add_row(
            c,
            f"{float(y.sel({dims.EXPORTER: c})):,.0f}",
            f"{float(e.sel({dims.IMPORTER: c})):,.0f}",
            f"{exports:,.0f}",
            f"{imports:,.0f}",
            f"{float(ds[dims.DEFICIT].sel({dims.IMPORTER: c})):,.0f}",
        )
    out.print(table)
    if {"CAN", "MEX"} <= set(labels):
        two_way = float(trade.sel({dims.EXPORTER: "CAN", dims.IMPORTER: "MEX"})) + float(
            trade.sel({dims.EXPORTER: "MEX", dims.IMPORTER: "CAN"})
        )
        out.print(f"Canada–Mexico two-way trade: US${two_way / 1e3:,.1f} bn")
    out.print("provenance:")
    out.print_json(json.dumps(json.loads(ds.attrs.get("provenance", "{}"))))
