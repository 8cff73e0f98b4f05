"""Map of compared corridors: routes, ports and the legs that transit the US (Plotly, offline).

The map uses Plotly's ``scattergeo`` with every base layer (land, coastlines, countries) turned
off, because those layers are fetched as topojson from a CDN. It draws the coastlines and
borders itself from the Natural Earth world atlas bundled for the dashboard, with the MARNET
maritime network shipped with the ``searoute`` package under the routes; the page's
``topojsonURL`` points at a local path so that no request can leave the machine. Labels of ports
close to each other go to different sides. The HTML embeds plotly.js from the installed package.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradewinds.core.errors import ScenarioError

if TYPE_CHECKING:
    from tradewinds.integration.corridors.routes import Route

#: Plotly config of the written page: no external topojson, no Plotly cloud link.
OFFLINE_CONFIG = {"topojsonURL": "./topojson-not-used/", "displaylogo": False}
#: Colours by routing.
COLOURS = {"direct": "#1f77b4", "CAN": "#d62728", "MEX": "#2ca02c", "USA": "#7f7f7f"}
US_TRANSIT_COLOUR = "#ff7f0e"


@functools.cache
def _marnet() -> tuple[list[float | None], list[float | None]]:
    """Lon/lat of the MARNET edges, separated by None (for one background trace)."""
    ref = resources.files("searoute") / "data" / "marnet_searoute.geojson"
    data = json.loads(ref.read_text(encoding="utf-8"))
    lons: list[float | None] = []
    lats: list[float | None] = []
    for feature in data["features"]:
        geom = feature["geometry"]
        lines = geom["coordinates"] if geom["type"] == "MultiLineString" else [geom["coordinates"]]
        for line in lines:
            for x, y in line:
                lons.append(round(float(x), 2))
                lats.append(round(float(y), 2))
            lons.append(None)
            lats.append(None)
    return lons, lats


@functools.cache
def _land() -> tuple[tuple[list[float | None], list[float | None]], ...]:
    """Coastlines and land borders of Natural Earth 1:110m, as (lon, lat) with None breaks.

    Read from the world atlas the dashboard ships (``web/static/map/world_110m.json``, a
    TopoJSON of Natural Earth's countries with its provenance beside it): an arc used by one
    country is coast, an arc two countries share is a border.
    """
    ref = resources.files("tradewinds") / "web" / "static" / "map" / "world_110m.json"
    topo = json.loads(ref.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    uses: dict[int, int] = {}

    def walk(arcs: Any) -> None:
        for item in arcs:
            if isinstance(item, list):
                walk(item)
            else:
                key = item if item >= 0 else ~item
                uses[key] = uses.get(key, 0) + 1

    for geometry in topo["objects"]["countries"]["geometries"]:
        walk(geometry.get("arcs", []))
    coast: tuple[list[float | None], list[float | None]] = ([], [])
    border: tuple[list[float | None], list[float | None]] = ([], [])
    for k, arc in enumerate(topo["arcs"]):
        lons, lats = coast if uses.get(k, 1) == 1 else border
        x = y = 0
        for dx, dy in arc:
            x, y = x + dx, y + dy
            lons.append(round(x * sx + tx, 3))
            lats.append(round(y * sy + ty, 3))
        lons.append(None)
        lats.append(None)
    return coast, border


def _label_positions(lons: Sequence[float], lats: Sequence[float]) -> list[str]:
    """Text positions that keep the labels of nearby places apart (alternating sides)."""
    sides = ["top center", "bottom center", "middle right", "middle left"]
    out: list[str] = []
    for k, (x, y) in enumerate(zip(lons, lats, strict=True)):
        near = {out[j] for j in range(k) if abs(lons[j] - x) < 8 and abs(lats[j] - y) < 3}
        out.append(next((side for side in sides if side not in near), sides[k % len(sides)]))
    return out


def _lines(routes: Sequence[Route], us: bool) -> tuple[list[float | None], list[float | None]]:
    lons: list[float | None] = []
    lats: list[float | None] = []
    for route in routes:
        for leg in route.legs:
            if leg.mode in ("port", "transshipment") or leg.us_transit != us:
                continue
            for x, y in leg.coords:
                lons.append(x)
                lats.append(y)
            lons.append(None)
            lats.append(None)
    return lons, lats


def corridor_figure(routes: Sequence[Route], *, title: str = "Corridors compared") -> Any:
    """A Plotly figure of ``routes``: one line per routing, US-transit legs highlighted.

    Returns a ``plotly.graph_objects.Figure`` (the dashboard can embed it as it is).
    """
    import plotly.graph_objects as go

    from tradewinds.integration.corridors import network as net

    if not routes:
        raise ScenarioError("No routes to map.")
    fig = go.Figure()
    (coast_lon, coast_lat), (border_lon, border_lat) = _land()
    for lon, lat, name, colour in (
        (coast_lon, coast_lat, "coastlines (Natural Earth)", "#8c8c8c"),
        (border_lon, border_lat, "borders", "#c8c8c8"),
    ):
        fig.add_trace(
            go.Scattergeo(
                lon=lon, lat=lat, mode="lines", name=name, hoverinfo="skip",
                line={"width": 0.8, "color": colour}, showlegend=False,
            )
        )  # fmt: skip
    bg_lon, bg_lat = _marnet()
    fig.add_trace(
        go.Scattergeo(
            lon=bg_lon, lat=bg_lat, mode="lines", name="maritime network (MARNET)",
            line={"width": 0.5, "color": "#d0d7de"}, hoverinfo="skip",
        )
    )  # fmt: skip
    by_via: dict[str, list[Route]] = {}
    for route in routes:
        by_via.setdefault(route.via, []).append(route)
    for via, group in by_via.items():
        lon, lat = _lines(group, us=False)
        if any(v is not None for v in lon):
            fig.add_trace(
                go.Scattergeo(
                    lon=lon, lat=lat, mode="lines", name=f"via {via}" if via != "direct" else via,
                    line={"width": 2, "color": COLOURS.get(via, "#9467bd")}, hoverinfo="name",
                )
            )  # fmt: skip
    lon, lat = _lines(routes, us=True)
    if any(v is not None for v in lon):
        fig.add_trace(
            go.Scattergeo(
                lon=lon, lat=lat, mode="lines", name="US-transit legs",
                line={"width": 3, "color": US_TRANSIT_COLOUR, "dash": "dot"}, hoverinfo="name",
            )
        )  # fmt: skip
    used = sorted({leg.start for r in routes for leg in r.legs} | {r.legs[-1].end for r in routes})
    pts = [net.place(p) for p in used]
    fig.add_trace(
        go.Scattergeo(
            lon=[p.lon for p in pts], lat=[p.lat for p in pts], mode="markers+text",
            text=[p.name for p in pts], name="ports and hubs",
            textposition=_label_positions([p.lon for p in pts], [p.lat for p in pts]),
            marker={"size": [9 if p.kind == "port" else 6 for p in pts],
                    "color": ["#ff7f0e" if p.country == "USA" else "#111" for p in pts],
                    "symbol": ["circle" if p.kind == "port" else "square" for p in pts]},
            hovertext=[f"{p.name} ({p.country}, {p.kind})" for p in pts], hoverinfo="text",
        )
    )  # fmt: skip
    overseas = any(r.destination not in ("CAN", "MEX", "USA") for r in routes)
    fig.update_geos(
        visible=False,
        projection={"type": "natural earth", "rotation": {"lon": -170 if overseas else -95}},
        lataxis={"range": [-10, 70] if overseas else [10, 60]},
        lonaxis={"range": [-90, 90] if overseas else [-50, 50]},
        bgcolor="white",
    )
    fig.update_layout(
        title=title,
        margin={"l": 0, "r": 0, "t": 50, "b": 0},
        legend={"orientation": "h", "y": -0.02},
        height=650,
    )
    return fig


def write_corridor_map(routes: Sequence[Route], path: Path, *, title: str | None = None) -> None:
    """Write the map as a self-contained HTML page (plotly.js embedded, no external request)."""
    if path.suffix.lower() != ".html":
        raise ScenarioError(f"--map {str(path)!r} must end in .html.")
    fig = corridor_figure(routes, title=title or "Corridors compared")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.write_html(path, include_plotlyjs=True, full_html=True, config=OFFLINE_CONFIG)
