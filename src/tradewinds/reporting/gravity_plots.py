"""Plotly figures for gravity potential and integration targets (offline HTML)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def potential_figure(records: pd.DataFrame) -> Any:
    """Actual against predicted trade by directed pair, with the gap in the hover text."""
    import plotly.graph_objects as go

    labels = [f"{e}→{i}" for e, i in zip(records["exporter"], records["importer"], strict=True)]
    fig = go.Figure()
    for column, name in (("actual", "actual"), ("predicted", "gravity prediction")):
        fig.add_bar(
            x=labels,
            y=records[column],
            name=name,
            customdata=records["gap_pct"],
            hovertemplate="%{x}: %{y:,.0f}<br>gap %{customdata:+.1f}%<extra>" + name + "</extra>",
        )
    year = int(records["year"].iloc[0]) if len(records) else ""
    fig.update_layout(
        barmode="group",
        title=f"Trade potential: actual and predicted bilateral trade, {year}",
        yaxis={"title": "US$ millions", "type": "log"},
    )
    return fig


def integrate_figure(result: Any) -> Any:
    """Welfare change by country, and two-way trade of the pairs before and after the cut."""
    from plotly.subplots import make_subplots

    eq = result.equilibrium
    countries = [str(c) for c in eq.country["country"].values]
    welfare = (eq.country["welfare_hat"].values - 1) * 100
    fig = make_subplots(rows=1, cols=2, subplot_titles=("welfare, %", "two-way trade"))
    fig.add_bar(x=countries, y=welfare, name="welfare %", row=1, col=1)
    fig.add_bar(
        x=["before", "after"],
        y=[result.two_way_before, result.two_way_after],
        name=eq.units,
        row=1,
        col=2,
    )
    pairs = ", ".join("-".join(p) for p in result.pairs)
    change = f"{result.trade_cost_change_pct:+.1f}%"
    fig.update_layout(
        title=f"{pairs}: trade costs {change} reach {result.target.text}",
        showlegend=False,
    )
    return fig


def write_html(fig: Any, path: Path) -> None:
    """Offline HTML with plotly.js from the installed package (no network needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.write_html(str(path), include_plotlyjs=True, full_html=True)
