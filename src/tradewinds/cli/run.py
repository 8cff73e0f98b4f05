"""``tradewinds run``: solve a scenario file, record it, and print the headline results."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from tradewinds.cli._common import STORE_HELP
from tradewinds.cli._display import WIDE_HELP

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from tradewinds.reporting.headline import Headline
    from tradewinds.scenarios.execute import RunResult
    from tradewinds.scenarios.schema import Scenario

#: Countries shown first in headline tables.
FIRST = ("CAN", "MEX", "USA")


def register(app: typer.Typer) -> None:
    """Add the ``run`` command."""
    app.command("run")(run)


def headline_of(records: pd.DataFrame, units: str) -> Headline:
    """What ``run`` prints of tidy records: the country rows and the CAN–MEX flows."""
    from tradewinds.core import dims
    from tradewinds.reporting.headline import CAMX, headline_from_records

    keep = (records["partner"] == "") & (records["sector"] == dims.TOTAL_SECTOR)
    keep |= records["country"].isin(CAMX) & records["partner"].isin(CAMX)
    rows = records[keep]
    columns = {c: rows[c].tolist() for c in ("country", "partner", "sector", "metric", "value")}
    return headline_from_records(columns, units)


def camx_trade(records: pd.DataFrame) -> tuple[float, float] | None:
    """Two-way Canada–Mexico trade before and after (all sectors) from tidy records.

    The records carry the new level (``trade``) and its change (``trade_pct``) of each flow, so
    the baseline level is ``trade / (1 + trade_pct / 100)``. Returns None when the flows are absent.
    """
    return headline_of(records, "").camx


def closure_note(headline: Headline, params: dict[str, object]) -> str:
    """A line naming the closure when it explains a pattern of the headline table."""
    import math

    closure = params.get("closure")
    if closure is None or not {"exports_pct", "imports_pct"} <= set(headline.columns):
        return ""
    pairs = zip(headline.columns["exports_pct"], headline.columns["imports_pct"], strict=True)
    gaps = [abs(x - m) for x, m in pairs]
    known = [g for g in gaps if not math.isnan(g)]  # the largest over countries with both
    gap = max(known) if known else math.nan
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
        caption="percent changes; exports are sales to other countries"
        + ("; * beyond ±25%, see the plausibility check" if _any_flag(movers) else ""),
    )
    print_table(out, table, wide=wide, drop=("prices\n%",))


def _any_flag(movers: pd.DataFrame) -> bool:
    from tradewinds.reporting.plausibility import THRESHOLD_PCT

    return bool((movers["output_pct"].abs() > THRESHOLD_PCT).any())


def print_flags(
    out: Console, records: pd.DataFrame, spec: Scenario, baseline: str | None, *, wide: bool
) -> None:
    """Sector output changes beyond the plausibility threshold, explained (information only)."""
    from rich.table import Table

    from tradewinds.cli._display import print_table
    from tradewinds.reporting.plausibility import check_sectors, flag_note, flag_rows

    flags = check_sectors(records, spec, baseline)
    if flags.empty:
        return
    heads, rows = flag_rows(flags)
    table = Table(title="Plausibility check: large sector output changes", caption=flag_note())
    stacked = [h.replace("share of ", "share of\n").replace(" %", "\n%") for h in heads]
    for k, head in enumerate(stacked):
        table.add_column(head, justify="left" if k < 3 else "right", no_wrap=k != 2)
    for row in rows:
        table.add_row(*row)
    drop = ("exported", "share of\noutput", "sector", "uniform 5\n%", "hauk2012\n%")
    print_table(out, table, wide=wide, drop=drop)


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
    from tradewinds.scenarios.identity import read_scenario_file

    spec = read_scenario_file(scenario)  # validated by pydantic only if it is solved
    show = _Show(all_countries, sort, wide)
    from tradewinds.scenarios.execute import execute

    sink = open_store(store, enabled=not no_store)
    with solving(f"solving {scenario.name}"):
        result = execute(spec, text=read_text(scenario), baseline=baseline, sink=sink, force=force)
    out = console()
    headline = _headline(result)
    print_headline(out, headline, spec.title, result.record.params, show)
    from tradewinds.models.registry import OneSector

    if spec.model_name != OneSector.name:  # one sector: no sector records to show
        print_sectors(out, result.records, wide=wide)
        print_flags(out, result.records, spec.scenario, baseline, wide=wide)
    print_camx(out, headline)
    solver = result.record.solver or {}
    if result.report is not None:
        out.print(f"[dim]{result.report.summary()}[/]")
    elif solver:
        out.print(_recorded(solver, result.record.created_at))
    if sink is not None:
        how = "served from the store; --force to solve again" if result.cached else "recorded"
        out.print(f"run id: [bold]{result.run_id}[/] ({how}; store {sink.directory})")
    other = spec.comparison()
    if other is not None:
        from tradewinds.cli._display import print_table
        from tradewinds.reporting.compare import (
            DIFF_SECONDARY,
            compare_headlines,
            difference_table,
        )

        base = execute(other, text=read_text(other.path), baseline=baseline, sink=sink, force=force)
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


@dataclass(frozen=True)
class _Show:
    """How the country table is shown (``--all``, ``--sort``, ``--wide``)."""

    all_countries: bool
    sort: str
    wide: bool


def print_headline(
    out: Console, headline: Headline, title: str, params: dict[str, object], show: _Show
) -> None:
    """The country table of a run and, where it explains a pattern, the closure."""
    from tradewinds.cli._display import print_table
    from tradewinds.reporting.tables import SECONDARY, columns_table

    table = columns_table(
        headline.countries,
        headline.columns,
        units=headline.units,
        title=title,
        first=FIRST,
        limit=None if show.all_countries else 15,
        sort=show.sort,
    )
    print_table(out, table, wide=show.wide, drop=SECONDARY)
    note = closure_note(headline, params)
    if note:
        out.print(f"[dim]{note}[/]")


def print_camx(out: Console, headline: Headline) -> None:
    """Canada–Mexico two-way trade before and after, when the run has those flows."""
    if headline.camx is None:
        return
    before, after = headline.camx
    out.print(
        f"Canada–Mexico two-way trade: US${before / 1e3:,.1f} bn -> US${after / 1e3:,.1f} bn "
        f"({(after / before - 1) * 100:+.1f}%)"
        if "US dollars" in headline.units
        else f"Canada–Mexico two-way trade: {before:,.0f} -> {after:,.0f} {headline.units}"
    )


def _headline(result: RunResult) -> Headline:
    """The headline of a run, from its columns as they came (a frame is filtered first)."""
    from collections.abc import Mapping

    from tradewinds.reporting.headline import headline_from_records

    if isinstance(result.tidy, Mapping):
        return headline_from_records(result.tidy, result.units)
    return headline_of(result.records, result.units)


def _recorded(solver: dict[str, object], created_at: str) -> str:
    return (
        f"[dim]{solver.get('method')} converged after {solver.get('iterations')} iterations "
        f"(recorded {created_at})[/]"
    )
