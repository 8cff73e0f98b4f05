"""``tradewinds run``: solve a scenario file, record it, and print the headline results."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from tradewinds.cli._common import STORE_HELP
from tradewinds.cli._display import WIDE_HELP

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

#: Countries shown first in headline tables.
FIRST = ("CAN", "MEX", "USA")


def register(app: typer.Typer) -> None:
    """Add the ``run`` command."""
    app.command("run")(run)


def camx_trade(records: pd.DataFrame) -> tuple[float, float] | None:
    """Two-way Canada–Mexico trade before and after (all sectors) from tidy records.

    The records carry the new level (``trade``) and its change (``trade_pct``) of each flow, so
    the baseline level is ``trade / (1 + trade_pct / 100)``. Returns None when the flows are absent.
    """
    pairs = (records["country"].isin(["CAN", "MEX"])) & (records["partner"].isin(["CAN", "MEX"]))
    pairs &= records["country"] != records["partner"]
    rows = records[pairs]
    new = rows[rows["metric"] == "trade"].set_index(["country", "partner", "sector"])["value"]
    pct = rows[rows["metric"] == "trade_pct"].set_index(["country", "partner", "sector"])["value"]
    if new.empty:
        return None
    before = (new / (1 + pct.reindex(new.index) / 100)).sum()
    return float(before), float(new.sum())


def closure_note(headline: pd.DataFrame, params: dict[str, object]) -> str:
    """A line naming the closure when it explains a pattern of the headline table."""
    closure = params.get("closure")
    if closure is None or not {"exports_pct", "imports_pct"} <= set(headline.columns):
        return ""
    gap = (headline["exports_pct"] - headline["imports_pct"]).abs().max()
    if closure == "balanced" and gap < 1e-6:
        return (
            "closure balanced: every country's trade is balanced before and after, so its "
            "exports % equal its imports %."
        )
    return ""


def print_sectors(out: Console, records: pd.DataFrame, *, wide: bool = False) -> None:
    """The sectors of CAN, MEX and USA whose output gains and loses most (multi-sector runs)."""
    from tradewinds.cli._display import print_table
    from tradewinds.reporting.sectors import sector_movers
    from tradewinds.reporting.tables import sector_table

    movers = sector_movers(records, FIRST)
    if movers.empty:
        return
    table = sector_table(
        movers,
        title="Sectors that gain and lose most (gross output)",
        caption="percent changes; exports are sales to other countries",
    )
    print_table(out, table, wide=wide, drop=("prices\n%",))


def run(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write tidy records (CSV or JSON, by extension)."
    ),
    baseline: str | None = typer.Option(
        None, "--baseline", "-b", help="Bundled baseline name or path; overrides the scenario's."
    ),
    all_countries: bool = typer.Option(
        False, "--all", help="Show every country, not just the first rows."
    ),
    sort: str = typer.Option(
        "size",
        "--sort",
        help="Order after CAN, MEX, USA: size (largest economies), country, or a metric "
        "such as welfare_pct (ascending).",
    ),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
    force: bool = typer.Option(
        False, "--force", help="Solve again even if the store holds this exact run."
    ),
    no_store: bool = typer.Option(False, "--no-store", help="Do not read or write the store."),
) -> None:
    """Solve SCENARIO and print welfare, real wages, trade and tariff revenue by country.

    CAN, MEX and USA come first, then the largest economies (--sort, --all); a multi-sector run
    adds the sectors of CAN, MEX and USA whose output gains and loses most.

    The run is recorded in the results store and its run id printed; a scenario already run
    on the same baseline by the same tradewinds version is served from the store.
    """
    from tradewinds.cli._common import check_output

    check_output(output)
    from tradewinds.cli._common import console, open_store, read_text, solving, write_records
    from tradewinds.cli._display import print_table
    from tradewinds.reporting.tables import SECONDARY, frame_table, headline_frame
    from tradewinds.scenarios import load_scenario
    from tradewinds.scenarios.execute import execute

    spec = load_scenario(scenario)
    sink = open_store(store, enabled=not no_store)
    with solving(f"solving {scenario.name}"):
        result = execute(spec, text=read_text(scenario), baseline=baseline, sink=sink, force=force)
    out = console()
    headline = headline_frame(result.records)
    table = frame_table(
        headline,
        units=result.units,
        title=spec.title,
        first=FIRST,
        limit=None if all_countries else 15,
        sort=sort,
    )
    print_table(out, table, wide=wide, drop=SECONDARY)
    note = closure_note(headline, result.record.params)
    if note:
        out.print(f"[dim]{note}[/]")
    print_sectors(out, result.records, wide=wide)
    pair = camx_trade(result.records)
    if pair is not None:
        before, after = pair
        out.print(
            f"Canada–Mexico two-way trade: US${before / 1e3:,.1f} bn -> US${after / 1e3:,.1f} bn "
            f"({(after / before - 1) * 100:+.1f}%)"
            if "US dollars" in result.units
            else f"Canada–Mexico two-way trade: {before:,.0f} -> {after:,.0f} {result.units}"
        )
    solver = result.record.solver or {}
    if result.equilibrium is not None:
        out.print(f"[dim]{result.equilibrium.report.summary()}[/]")
    elif solver:
        out.print(
            f"[dim]{solver.get('method')} converged after {solver.get('iterations')} iterations "
            f"(recorded {result.record.created_at})[/]"
        )
    if sink is not None:
        how = "served from the store; --force to solve again" if result.cached else "recorded"
        out.print(f"run id: [bold]{result.run_id}[/] ({how}; store {sink.directory})")
    other = spec.comparison()
    if other is not None:
        from tradewinds.reporting.compare import (
            DIFF_SECONDARY,
            compare_headlines,
            difference_table,
        )

        other_path = spec.comparison_path()
        assert other_path is not None
        base = execute(other, text=read_text(other_path), baseline=baseline, sink=sink, force=force)
        title = f"{spec.title}\nminus {spec.compare_against}: {other.title}"
        diff = compare_headlines(base.records, result.records)
        limit = None if all_countries else 15
        print_table(
            out,
            difference_table(
                diff, units=result.units, title=title, first=FIRST, limit=limit, sort=sort
            ),
            wide=wide,
            drop=DIFF_SECONDARY,
        )
    if output is not None:
        write_records(result.records, output)
        out.print(f"Wrote {output}")
