"""Body of ``tradewinds etr`` (kept apart so the command list stays light)."""

from __future__ import annotations

from pathlib import Path

import typer

from tradewinds.core.errors import ScenarioError


def etr(
    country: str = typer.Option(..., "--country", help="Exporting country: CAN or MEX."),
    start: str | None = typer.Option(None, "--from", help="First date YYYY-MM-DD."),
    end: str | None = typer.Option(None, "--to", help="Last date YYYY-MM-DD."),
    date: str | None = typer.Option(None, "--date", help="A single date (with --format json)."),
    by: str | None = typer.Option(None, "--by", help="Sector breakdown: hs2, gtap or sector."),
    usmca_shares: str = typer.Option("2025h2", "--usmca-shares", help="2024, 2025 or 2025h2."),
    freq: str = typer.Option("daily", "--freq", help="daily or monthly."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
    output: Path | None = typer.Option(None, "--output", help="Write the series (CSV or JSON)."),
    plot: Path | None = typer.Option(None, "--plot", help="Plot to FILE.png or FILE.html."),
) -> None:
    """Import-weighted effective tariff rate, overall, by authority and optionally by sector."""
    raise ScenarioError("The etr command is not available in this build yet.")
