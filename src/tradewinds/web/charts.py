"""Plotly figures as plain JSON-ready dicts (drawn in the browser by the local plotly.js).

Building dicts rather than ``plotly.graph_objects`` keeps page rendering light; the shapes follow
plotly.js's figure schema (``data``, ``layout``). Colours come from a colour-blind-safe palette
and every chart also has a table or text alternative on its page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

#: Okabe–Ito colours, then Tol's muted scheme (distinguishable with common colour-vision
#: deficiencies), enough for every authority of the registry.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#882255",
    "#44AA99",
    "#999933",
    "#AA4499",
    "#332288",
    "#DDCC77",
    "#117733",
    "#88CCEE",
    "#661100",
)
COUNTRY_COLOURS = {
    "CAN": "#D55E00",
    "MEX": "#009E73",
    "USA": "#0072B2",
    "Canada": "#D55E00",
    "Mexico": "#009E73",
}
NEGATIVE, POSITIVE = "#B2182B", "#2166AC"
#: Losses red, gains blue, zero light grey (the bars' colours).
DIVERGING = [[0.0, NEGATIVE], [0.5, "#F2F2F2"], [1.0, POSITIVE]]
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13}


def _layout(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "font": FONT,
        "margin": {"l": 60, "r": 20, "t": 30, "b": 50},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "legend": {"orientation": "h", "y": -0.2},
        "hovermode": "closest",
    }
    base.update(extra)
    return base


def event_shapes(events: Sequence[Mapping[str, str]]) -> dict[str, list[dict[str, Any]]]:
    """Dotted vertical lines and rotated labels at event dates (close events already share one)."""
    shapes, notes = [], []
    for ev in events:
        shapes.append(
            {
                "type": "line",
                "x0": ev["date"],
                "x1": ev["date"],
                "y0": 0,
                "y1": 1,
                "yref": "paper",
                "line": {"color": "#777", "width": 1, "dash": "dot"},
            }
        )
        notes.append(
            {
                "x": ev["date"],
                "y": 1,
                "yref": "paper",
                "text": ev["label"],
                "hovertext": ev.get("detail", ev["label"]),
                "textangle": -90,
                "showarrow": False,
                "xanchor": "right",
                "yanchor": "top",
                "font": {"size": 10, "color": "#444"},
            }
        )
    return {"shapes": shapes, "annotations": notes}


def step_lines(
    series: Mapping[str, Mapping[str, Sequence[Any]]],
    events: Sequence[Mapping[str, str]],
    *,
    ytitle: str,
) -> dict[str, Any]:
    """One step line per named series ``{name: {dates, values}}`` with events marked."""
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "line": {"shape": "hv", "width": 2.5, "color": COUNTRY_COLOURS.get(name)},
            "name": name,
            "x": list(s["dates"]),
            "y": [100 * float(v) for v in s["values"]],
            "hovertemplate": f"{name} %{{x}}: %{{y:.2f}}%<extra></extra>",
        }
        for name, s in series.items()
    ]
    return {
        "data": data,
        "layout": _layout(
            yaxis={"title": {"text": ytitle}, "rangemode": "tozero", "ticksuffix": "%"},
            height=380,
            **event_shapes(events),
        ),
    }


def stacked_rates(wide: Mapping[str, Any], events: Sequence[Mapping[str, str]]) -> dict[str, Any]:
    """Stacked areas by authority and the total as a line (a :func:`series_by_change` dict)."""
    from tradewinds.measures.names import programme_name

    data: list[dict[str, Any]] = []
    for k, (key, values) in enumerate(wide["parts"].items()):
        name = programme_name(key)  # legends read "Section 232 metals (2026 tiers)"
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "stackgroup": "a",
                "line": {"shape": "hv", "width": 0.5, "color": PALETTE[k % len(PALETTE)]},
                "name": name,
                "x": wide["dates"],
                "y": [100 * v for v in values],
                "hovertemplate": f"{name}: %{{y:.2f}}%<extra></extra>",
            }
        )
    data.append(
        {
            "type": "scatter",
            "mode": "lines",
            "line": {"shape": "hv", "color": "#000", "width": 2},
            "name": "total",
            "x": wide["dates"],
            "y": [100 * v for v in wide["total"]],
            "hovertemplate": "total: %{y:.2f}%<extra></extra>",
        }
    )
    return {
        "data": data,
        "layout": _layout(
            yaxis={"title": {"text": "effective rate"}, "ticksuffix": "%", "rangemode": "tozero"},
            height=400,
            hovermode="x unified",
            **event_shapes(events),
        ),
    }


def hbars(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    xtitle: str,
    errors: tuple[Sequence[float], Sequence[float]] | None = None,
    fmt: str = ".3f",
    suffix: str = "%",
) -> dict[str, Any]:
    """Horizontal bars, blue for gains and red for losses, optional asymmetric whiskers."""
    trace: dict[str, Any] = {
        "type": "bar",
        "orientation": "h",
        "x": list(values),
        "y": list(labels),
        "marker": {"color": [NEGATIVE if v < 0 else POSITIVE for v in values]},
        "hovertemplate": f"%{{y}}: %{{x:{fmt}}}{suffix}<extra></extra>",
    }
    if errors is not None:
        trace["error_x"] = {
            "type": "data",
            "symmetric": False,
            "array": list(errors[1]),
            "arrayminus": list(errors[0]),
            "color": "#333",
        }
    return {
        "data": [trace],
        "layout": _layout(
            xaxis={"title": {"text": xtitle}, "zeroline": True},
            yaxis={"automargin": True, "autorange": "reversed"},
            height=max(220, 34 * len(labels) + 90),
            showlegend=False,
        ),
    }


def world_map(values: Mapping[str, float], names: Mapping[str, str], title: str) -> dict[str, Any]:
    """Choropleth of a value by ISO3 country on the packaged Natural Earth map."""
    iso = list(values)
    z = [float(values[c]) for c in iso]
    bound = max((abs(v) for v in z), default=1.0) or 1.0
    return {
        "data": [
            {
                "type": "choropleth",
                "locationmode": "ISO-3",
                "locations": iso,
                "z": z,
                "text": [names.get(c, c) for c in iso],
                "zmin": -bound,
                "zmax": bound,
                "colorscale": DIVERGING,
                "marker": {"line": {"color": "#fff", "width": 0.4}},
                "colorbar": {"title": {"text": title}, "ticksuffix": "%", "len": 0.8},
                "hovertemplate": "%{text}: %{z:+.3f}%<extra></extra>",
            }
        ],
        "layout": _layout(
            geo={
                "scope": "world",
                "resolution": 110,
                "projection": {"type": "natural earth"},
                "showframe": False,
                "showcoastlines": False,
                "showland": False,
                "showocean": False,
                "showlakes": False,
                "showrivers": False,
                "showcountries": False,
                "bgcolor": "rgba(0,0,0,0)",
            },
            margin={"l": 0, "r": 0, "t": 10, "b": 10},
            height=420,
        ),
    }


def heatmap(
    rows: Sequence[str],
    cols: Sequence[str],
    z: Sequence[Sequence[float | None]],
    *,
    title: str,
    limit: float | None = None,
    marks: Sequence[Sequence[str]] | None = None,
) -> dict[str, Any]:
    """A diverging heatmap (countries by sectors), centred on zero.

    ``limit`` clips the colour scale to ``[-limit, limit]`` (cells beyond take the end
    colours; hover shows their true values); ``marks`` is text drawn in each cell (the
    clipped cells' ``▲``/``▼``). ``None`` cells are gaps.
    """
    trace: dict[str, Any] = {
        "type": "heatmap",
        "z": [list(r) for r in z],
        "x": list(cols),
        "y": list(rows),
        "colorscale": DIVERGING,
        "zmid": 0,
        "colorbar": {"title": {"text": title}, "ticksuffix": "%"},
        "hovertemplate": "%{y}, %{x}: %{z:+.2f}%<extra></extra>",
    }
    if limit is not None:
        trace.update(zmin=-limit, zmax=limit)
    if marks is not None:
        trace.update(text=[list(r) for r in marks], texttemplate="%{text}")
    return {
        "data": [trace],
        "layout": _layout(
            xaxis={"tickangle": -45, "automargin": True},
            yaxis={"automargin": True, "autorange": "reversed"},
            height=max(300, 26 * len(rows) + 220),
            margin={"l": 60, "r": 20, "t": 20, "b": 40},
        ),
    }


def vbars(labels: Sequence[str], values: Sequence[float], *, ytitle: str) -> dict[str, Any]:
    """Vertical bars (sector rates)."""
    return {
        "data": [
            {
                "type": "bar",
                "x": list(labels),
                "y": list(values),
                "marker": {"color": PALETTE[0]},
                "hovertemplate": "%{x}: %{y:.2f}%<extra></extra>",
            }
        ],
        "layout": _layout(
            yaxis={"title": {"text": ytitle}, "ticksuffix": "%"},
            xaxis={"tickangle": -45, "automargin": True},
            height=380,
            showlegend=False,
        ),
    }
