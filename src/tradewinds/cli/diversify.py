"""``tradewinds diversify``: exposure to US duties by product, and alternative markets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from tradewinds.cli._options import check_format
from tradewinds.core.errors import ScenarioError

if TYPE_CHECKING:
    import pandas as pd
    from rich.table import Table

diversify_app = typer.Typer(
    help="Diversification: what is exposed to US duties, and where else it could go.",
    no_args_is_help=True,
)

OUTPUT = typer.Option(None, "--output", "-o", help="Write the rows (.csv or .json).")
FORMAT = typer.Option("table", "--format", help="table or json.")


def register(app: typer.Typer) -> None:
    """Add the ``diversify`` command group."""
    app.add_typer(diversify_app, name="diversify")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ScenarioError(f"--date {text!r} is not a date YYYY-MM-DD.") from None


def _money(value: float) -> str:
    return f"{value / 1e9:,.2f} bn" if abs(value) >= 1e8 else f"{value / 1e6:,.1f} m"


@diversify_app.command("exposure")
def exposure(
    country: str = typer.Option(..., "--country", help="CAN or MEX."),
    date: str = typer.Option(..., "--date", help="Date YYYY-MM-DD of the duties."),
    top: int = typer.Option(30, "--top", min=1, help="Rows shown (and in JSON)."),
    by: str = typer.Option("hts10", "--by", help="hts10, hs2, wiod or mission."),
    sort: str = typer.Option("duty", "--sort", help="duty (US$), rate or value."),
    usmca_shares: str = typer.Option("2025h2", "--usmca-shares", help="2024, 2025, 2025h2, none."),
    fmt: str = FORMAT,
    output: Path | None = OUTPUT,
) -> None:
    """Rank what CAN or MEX sells to the US by the duty it faces on DATE.

    Value at stake is 2024 US imports by HTS10 (Budget Lab data); the duty is the stacked,
    USMCA-blended duty of the measure registry (as in `tradewinds etr`). The trade mission's
    sectors are summed below the table. --output writes every row of the chosen level.
    """
    import json

    from tradewinds.cli._common import console, write_records
    from tradewinds.cli._warnings import printed_warnings
    from tradewinds.integration.diversify.exposure import exposure as lines
    from tradewinds.integration.diversify.exposure import exposure_report, ranked, rollup

    check_format(fmt)
    day = _date(date)
    with printed_warnings():
        if fmt == "json":
            report = exposure_report(country, day, top=top, by=by, sort=sort,
                                     usmca_shares=usmca_shares)  # fmt: skip
            typer.echo(json.dumps(report, indent=1, ensure_ascii=False))
            if output is not None:
                frame = ranked(lines(country, day, usmca_shares=usmca_shares), by, sort)
                write_records(frame, output)
            return
        frame = lines(country, day, usmca_shares=usmca_shares)
        table = ranked(frame, by, sort)
    if output is not None:
        write_records(table, output)
    out = console()
    imports, duty = float(frame["imports_usd"].sum()), float(frame["duty_usd"].sum())
    from tradewinds.cli._display import print_table

    drop = ("USMCA", "authority", "description")
    shown = min(top, len(table))
    title = f"{country.upper()} exports to the US, duties on {day} (top {shown} by {sort})"
    print_table(out, _exposure_table(table.head(top), by, title), drop=drop)
    out.print(
        f"All {len(frame):,} lines: US${_money(imports)} of 2024 imports, duty US${_money(duty)} "
        f"({duty / imports:.2%} effective); USMCA claim shares {usmca_shares}."
    )
    if by != "mission":  # the ranked table above is this one already
        print_table(
            out,
            _exposure_table(rollup(frame, "mission"), "mission", "Trade mission sectors"),
            drop=drop,
        )
    if output is not None:
        out.print(f"wrote {len(table)} rows to {output}")


def _exposure_table(rows: pd.DataFrame, by: str, title: str) -> Table:
    from rich.table import Table

    table = Table(title=title)
    key = "hts10" if by == "hts10" else "group"
    cols = [(key, "left"), ("description", "left"), ("value at stake", "right"), ("duty", "right"),
            ("rate", "right"), ("authority", "left"), ("USMCA", "right")]  # fmt: skip
    for name, justify in cols:  # codes and numbers are never cut; descriptions wrap
        whole = name != "description"
        table.add_column(name, justify=justify, no_wrap=whole)  # type: ignore[arg-type]
    for row in rows.to_dict(orient="records"):
        table.add_row(
            str(row[key]),
            str(row["description"]),
            _money(float(row["imports_usd"])),
            _money(float(row["duty_usd"])),
            f"{float(row['rate']):.1%}",
            str(row["authority"]),
            f"{float(row['usmca_share']):.0%}",
        )
    return table


@diversify_app.command("markets")
def markets(
    scenario: Path | None = typer.Argument(None, help="Tariff scenario YAML file (or --run)."),
    country: str = typer.Option("CAN", "--country", help="Exporter whose markets are shown."),
    run_id: str | None = typer.Option(
        None, "--run", help="Use the records of a run in the results store instead."
    ),
    baseline: str | None = typer.Option(None, "--baseline", "-b", help="Baseline override."),
    store: Path | None = typer.Option(None, "--store", help="Results store (default: the usual)."),
    no_store: bool = typer.Option(False, "--no-store", help="Do not read or write the store."),
    fmt: str = FORMAT,
    output: Path | None = OUTPUT,
) -> None:
    """Where COUNTRY's exports go before and after the scenario, by destination (GE model).

    The scenario is solved (or served from the results store) with bilateral records; --run
    RUN_ID reads the records of a recorded run instead.
    """
    from rich.table import Table

    from tradewinds.cli._common import console, open_store, read_text, write_records
    from tradewinds.integration.diversify.markets import destinations
    from tradewinds.scenarios import load_scenario
    from tradewinds.scenarios.execute import execute

    check_format(fmt)
    if (scenario is None) == (run_id is None):
        raise ScenarioError("Give a scenario file or --run RUN_ID (one of the two).")
    if run_id is not None:
        recorded = open_store(store)
        assert recorded is not None
        full_id = recorded.resolve_id(run_id)
        records = recorded.results(full_id)
        trade_units = records.loc[records["metric"] == "trade", "unit"]
        units = str(trade_units.iloc[0]) if len(trade_units) else ""
        title, run_label = f"run {full_id}", full_id
    else:
        assert scenario is not None
        spec = load_scenario(scenario)
        sink = open_store(store, enabled=not no_store)
        result = execute(spec, text=read_text(scenario), baseline=baseline, sink=sink)
        records, units, title, run_label = result.records, result.units, spec.title, result.run_id
    frame = destinations(records, country)
    if output is not None:
        write_records(frame, output)
    if fmt == "json":
        typer.echo(frame.to_json(orient="records", indent=1))
        return
    from tradewinds.reporting.terminal import literal

    table = Table(title=literal(f"{country.upper()} exports by destination: {title}"))
    for col in ("destination", "before", "after", "change %", "share before", "share after"):
        table.add_column(col, justify="left" if col == "destination" else "right", no_wrap=True)
    for row in frame.to_dict(orient="records"):
        table.add_row(
            str(row["destination"]), f"{row['before']:,.0f}", f"{row['after']:,.0f}",
            f"{row['change_pct']:+.1f}", f"{row['share_before']:.1%}", f"{row['share_after']:.1%}",
        )  # fmt: skip
    from tradewinds.cli._display import print_table

    out = console()
    print_table(out, table, drop=("share before", "share after"))
    out.print(f"{units}; run id {run_label}")


@diversify_app.command("offset")
def offset(
    scenario: Path = typer.Argument(..., help="Tariff scenario YAML file."),
    country: str = typer.Option("CAN", "--country", help="Country whose loss is offset."),
    partners: str = typer.Option(
        "MEX,EU27,JPN,KOR,CPTPP", "--partners", help="Non-US partners (CPTPP = its members)."
    ),
    what: str = typer.Option("welfare", "--offset", help="welfare or exports."),
    baseline: str | None = typer.Option(None, "--baseline", "-b", help="Baseline override."),
    fmt: str = FORMAT,
    output: Path | None = OUTPUT,
) -> None:
    """The uniform trade-cost cut with PARTNERS that brings COUNTRY back to its baseline.

    On top of the scenario's tariffs; solved with the integration solver (see docs/gravity.md).
    """
    import json

    from tradewinds.cli._common import console, write_records
    from tradewinds.scenarios.offset import offset_cut

    check_format(fmt)
    names = [p for p in partners.split(",") if p.strip()]
    result, chosen = offset_cut(
        scenario,
        country,
        names,
        baseline=baseline,
        offset=what,  # type: ignore[arg-type]
    )
    if output is not None:
        write_records(result.to_records(), output)
    summary = result.summary() | {"partners": chosen, "offset": what}
    if fmt == "json":
        typer.echo(json.dumps(summary, indent=1))
        return
    out = console()
    out.print(
        f"[bold]{country.upper()}[/] with {', '.join(chosen)}: trade costs "
        f"{result.trade_cost_change_pct:+.2f}% (d_hat = {result.d_hat:.4f}) bring {what} back to "
        f"its baseline level ({result.evaluations} solves)."
    )
    out.print(
        f"Two-way trade on these pairs: {result.two_way_before:,.0f} -> "
        f"{result.two_way_after:,.0f} ({result.equilibrium.units})."
    )
    for key, value in summary.items():
        if key.startswith("welfare_pct_"):
            out.print(f"  welfare {key.removeprefix('welfare_pct_')}: {value:+.3f}%")


@diversify_app.command("products")
def products(
    country: str = typer.Option(..., "--country", help="CAN or MEX."),
    date: str = typer.Option(..., "--date", help="Date YYYY-MM-DD of the duties."),
    top: int = typer.Option(20, "--top", min=1, help="HS6 products shown."),
    baci: Path | None = typer.Option(
        None, "--baci", help="BACI HS6 file (else $TRADEWINDS_BACI); see docs/diversify.md."
    ),
    usmca_shares: str = typer.Option("2025h2", "--usmca-shares", help="2024, 2025, 2025h2, none."),
    fmt: str = FORMAT,
    output: Path | None = OUTPUT,
) -> None:
    """World import demand outside the US for the HS6 products most exposed to US duties.

    Needs a BACI HS6 file you download from CEPII (not shipped). Without one, the command says
    so and shows the exposed products only.
    """
    import json

    from tradewinds.cli._common import console, write_records
    from tradewinds.cli._warnings import printed_warnings
    from tradewinds.integration.diversify.products import NO_BACI, baci_path, exposed_products

    check_format(fmt)
    day = _date(date)
    path = baci_path(baci)
    with printed_warnings():
        hs6 = exposed_products(country, day, top=top, usmca_shares=usmca_shares, baci=path)
    if output is not None:
        write_records(hs6, output)
    if fmt == "json":
        body = {"baci": str(path) if path else None, "note": None if path else NO_BACI}
        typer.echo(json.dumps(body | {"rows": hs6.to_dict(orient="records")}, indent=1))
        return
    from rich.table import Table

    table = Table(title=f"{country.upper()}: most exposed HS6 products and world demand")
    cols = ["hs6", "description", "to US", "duty"]
    if path is not None:
        cols += ["world imports (ex. US)", "top importers", f"{country.upper()} share"]
    for col in cols:  # codes and amounts whole, text wraps
        table.add_column(col, no_wrap=col not in ("description", "top importers"))
    for row in hs6.to_dict(orient="records"):
        cells = [str(row["hs6"]), str(row["description"]), _money(row["imports_usd"]),
                 _money(row["duty_usd"])]  # fmt: skip
        if path is not None:
            share = row["country_share"]
            cells += [_money(float(row["world_imports_usd"])), str(row["top_importers"]),
                      "" if share != share else f"{share:.1%}"]  # fmt: skip
        table.add_row(*cells)
    from tradewinds.cli._display import print_table

    out = console()
    print_table(out, table, drop=("top importers", "description"))
    if path is None:
        out.print(f"[bold yellow]{NO_BACI}[/]")
