"""``tradewinds integrate``: the trade-cost cut that reaches a two-way trade or welfare target."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from tradewinds.models.equilibrium import Equilibrium


def register(app: typer.Typer) -> None:
    """Add the ``integrate`` command."""
    app.command("integrate")(integrate)


def integrate(
    pair: list[str] = typer.Option(
        ..., "--pair", help="Two countries, e.g. CAN,MEX (repeat for more pairs)."
    ),
    target: str = typer.Option(
        ..., "--target", help="2x, +50%, US$60bn, or offset:CAN (welfare back to zero)."
    ),
    model: str = typer.Option("one-sector", "--model", help="one-sector or multi-sector."),
    sectors: list[str] | None = typer.Option(
        None, "--sectors", help="Sectors cut (WIOD codes or mission names such as ict, mission)."
    ),
    scenario: Path | None = typer.Option(
        None, "--scenario", help="A tariff scenario the cut comes on top of."
    ),
    baseline: str | None = typer.Option(
        None, "--baseline", help="Bundled baseline name or path (default: the scenario's)."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write records (CSV/JSON)."),
    plot: Path | None = typer.Option(None, "--plot", help="Write an offline HTML figure."),
) -> None:
    """Solve for the uniform trade-cost cut on the pairs that reaches the target in GE."""
    from tradewinds.cli._common import console, write_records
    from tradewinds.cli._display import print_table

    pairs = _pairs(pair)
    from tradewinds.scenarios.integration import integrate_on

    scen = None
    if scenario is not None:
        from tradewinds.scenarios.schema import load_scenario

        scen = load_scenario(scenario)
    result = integrate_on(
        pairs, target, scenario=scen, baseline=baseline, model=model, sectors=sectors or None
    )
    eq = result.equilibrium
    out = console()
    names = ", ".join("-".join(p) for p in pairs)
    out.print(
        f"[bold]{names}[/]: trade costs {result.trade_cost_change_pct:+.2f}% "
        f"(d_hat = {result.d_hat:.4f}) reach {result.target.text} "
        f"in {result.evaluations} solves; two-way trade {result.two_way_before:,.0f} -> "
        f"{result.two_way_after:,.0f} ({eq.units})."
    )
    print_table(out, _effects(eq, pairs))
    _print_diversion(out, eq, pairs)
    if output is not None:
        write_records(result.to_records(), output)
    if plot is not None:
        from tradewinds.reporting.gravity_plots import integrate_figure, write_html

        write_html(integrate_figure(result), plot)


def _pairs(texts: list[str]) -> list[tuple[str, str]]:
    """``--pair CAN,MEX`` values as country pairs."""
    from tradewinds.core.errors import ScenarioError

    pairs = []
    for text in texts:
        parts = [p.strip().upper() for p in text.split(",")]
        if len(parts) != 2:
            raise ScenarioError(f"--pair {text!r} must name two countries, as CAN,MEX.")
        pairs.append((parts[0], parts[1]))
    return pairs


def _effects(eq: Equilibrium, pairs: list[tuple[str, str]]) -> Table:
    """Welfare, real wage, exports and imports by country (percent): the pairs first."""
    from rich.table import Table

    table = Table(title="Effects by country (percent)")
    for col in ("country", "welfare", "real wage", "exports", "imports"):
        table.add_column(col, justify="left" if col == "country" else "right", no_wrap=True)
    labels = [str(x) for x in eq.country["country"].values]
    first = list(dict.fromkeys([*(c for p in pairs for c in p), "CAN", "MEX", "USA"]))
    ordered = [c for c in first if c in labels] + sorted(c for c in labels if c not in first)
    for c in ordered:
        row = eq.country.sel(country=c)
        table.add_row(
            c,
            *(
                f"{(float(row[v]) - 1) * 100:+.3f}"
                for v in ("welfare_hat", "real_wage_hat", "exports_hat", "imports_hat")
            ),
        )
    return table


def _print_diversion(out: Console, eq: Equilibrium, pairs: list[tuple[str, str]]) -> None:
    """One line a country and hub: the change of its exports to and imports from the hub."""
    from tradewinds.integration.integrate import diversion

    moves: dict[tuple[str, str], dict[str, float]] = {}
    for c, hub, metric, value in diversion(eq, pairs):
        moves.setdefault((c, hub), {})["exports" if metric.startswith("exports") else "imports"] = (
            value
        )
    for (c, hub), move in moves.items():
        out.print(
            f"Trade diverted, {c} with {hub}: exports to {hub} {move.get('exports', 0.0):+,.0f}, "
            f"imports from {hub} {move.get('imports', 0.0):+,.0f} ({eq.units})."
        )
