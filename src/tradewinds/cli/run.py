"""``tradewinds run``: solve a scenario file and print the headline results."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from tradewinds.models.equilibrium import Equilibrium

#: Countries shown first in headline tables.
FIRST = ("CAN", "MEX", "USA")


def camx_trade(eq: Equilibrium) -> tuple[float, float] | None:
    """Two-way Canada–Mexico trade before and after (all sectors), or None if either is absent."""
    b = eq.bilateral
    if not {"CAN", "MEX"} <= {str(c) for c in b["exporter"].values}:
        return None

    def two_way(var: str) -> float:
        f = b[var]
        return float(
            f.sel(exporter="CAN", importer="MEX").sum()
            + f.sel(exporter="MEX", importer="CAN").sum()
        )

    return two_way("trade_baseline"), two_way("trade")


def register(app: typer.Typer) -> None:
    """Add the ``run`` command."""
    app.command("run")(run)


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
) -> None:
    """Solve SCENARIO and print welfare, real wages, trade and tariff revenue by country."""
    from tradewinds.cli._common import console, write_records
    from tradewinds.reporting.tables import headline_table
    from tradewinds.scenarios import load_scenario, run_scenario

    spec = load_scenario(scenario)
    eq = run_scenario(spec, baseline)
    out = console()
    out.print(
        headline_table(eq, title=spec.title, first=FIRST, limit=None if all_countries else 15)
    )
    pair = camx_trade(eq)
    if pair is not None:
        before, after = pair
        out.print(
            f"Canada–Mexico two-way trade: US${before / 1e3:,.1f} bn -> US${after / 1e3:,.1f} bn "
            f"({(after / before - 1) * 100:+.1f}%)"
            if "US dollars" in eq.units
            else f"Canada–Mexico two-way trade: {before:,.0f} -> {after:,.0f} {eq.units}"
        )
    out.print(f"[dim]{eq.report.summary()}[/]")
    other = spec.comparison()
    if other is not None:
        from tradewinds.reporting.difference import difference_table

        title = f"{spec.title}\nminus {spec.compare_against}: {other.title}"
        limit = None if all_countries else 15
        other_eq = run_scenario(other, baseline)
        out.print(difference_table(eq, other_eq, title=title, first=FIRST, limit=limit))
    if output is not None:
        write_records(eq.to_records(), output)
        out.print(f"Wrote {output}")
