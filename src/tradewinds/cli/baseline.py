"""``tradewinds baseline``: describe baselines."""

from __future__ import annotations

from typing import Any

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


def baseline_summary(ds: Any, name: str) -> dict[str, Any]:
    """The facts ``baseline info`` prints, as plain data (also its ``--json`` output)."""
    import json

    from tradewinds.core import dims
    from tradewinds.data import countries, expenditure, income

    labels = countries(ds)
    multi = dims.IO_SHARE in ds and dims.VALUE_ADDED in ds
    y = income(ds)
    trade = ds[dims.TRADE].sum(dims.SECTOR)
    domestic = {c: float(trade.sel({dims.EXPORTER: c, dims.IMPORTER: c})) for c in labels}
    exports = trade.sum(dims.IMPORTER)
    imports = trade.sum(dims.EXPORTER)
    if multi:
        size = ds[dims.VALUE_ADDED].sum(dims.SECTOR)
        columns = ["value_added", "gross_output", "exports", "imports", "deficit"]
    else:
        size = y
        spend = expenditure(ds)
        columns = ["income", "expenditure", "exports", "imports", "deficit"]
    order = sorted(labels, key=lambda c: -float(size.sel({dims.EXPORTER: c})))
    rows = []
    for c in order[:12]:
        row: dict[str, Any] = {"country": c}
        if multi:
            row["value_added"] = float(size.sel({dims.EXPORTER: c}))
            row["gross_output"] = float(y.sel({dims.EXPORTER: c}))
        else:
            row["income"] = float(y.sel({dims.EXPORTER: c}))
            row["expenditure"] = float(spend.sel({dims.IMPORTER: c}))
        row["exports"] = float(exports.sel({dims.EXPORTER: c})) - domestic[c]
        row["imports"] = float(imports.sel({dims.IMPORTER: c})) - domestic[c]
        row["deficit"] = float(ds[dims.DEFICIT].sel({dims.IMPORTER: c}))
        rows.append(row)
    provenance = json.loads(ds.attrs.get("provenance", "{}"))
    two_way = None
    if {"CAN", "MEX"} <= set(labels):
        two_way = float(trade.sel({dims.EXPORTER: "CAN", dims.IMPORTER: "MEX"})) + float(
            trade.sel({dims.EXPORTER: "MEX", dims.IMPORTER: "CAN"})
        )
    return {
        "name": name,
        "source": ds.attrs.get("source", name),
        "year": _plain(ds.attrs.get("year")),
        "units": ds.attrs.get("units"),
        "kind": "multi-sector" if multi else "one-sector",
        "countries": len(labels),
        "sectors": int(ds.sizes[dims.SECTOR]),
        "variables": sorted(map(str, ds.data_vars)),
        "columns": columns,
        "largest_economies": rows,
        "canada_mexico_two_way_trade": two_way,
        "data_notes": data_notes(provenance),
        "raw_files": len(provenance.get("raw_files", provenance.get("files", {}))),
        "built_by": provenance.get("built_by"),
    }


def data_notes(provenance: dict[str, Any]) -> list[str]:
    """Adjustments recorded in a provenance record, one readable line each."""
    notes = []
    clipped = provenance.get("domestic_absorption_clipped_to_zero") or {}
    if clipped:
        parts = ", ".join(f"{c} by US${-v:,.0f} m" for c, v in clipped.items())
        notes.append(
            f"exports exceed GDP for {', '.join(clipped)} ({parts}); their domestic "
            "absorption is set to zero"
        )
    for key, value in provenance.items():
        if (key.endswith(("_set_to_zero", "_set_to_zero_musd"))) and value:
            what = key.replace("_musd", "").replace("_", " ")
            if isinstance(value, dict) and {"cells", "total"} <= set(value):
                text = f"{value['cells']} cells, total {value['total']:,.0f}"
            elif isinstance(value, dict):
                text = ", ".join(f"{k} {v:,.0f}" for k, v in list(value.items())[:6])
                if len(value) > 6:
                    text += f" … ({len(value)} cells)"
            else:
                text = str(value)
            notes.append(f"{what}: {text}")
    return notes


def _plain(value: Any) -> Any:
    """A numpy scalar from netCDF attributes as a plain Python value (for JSON)."""
    return value.item() if hasattr(value, "item") else value
