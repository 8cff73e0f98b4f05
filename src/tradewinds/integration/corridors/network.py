"""Places, land links and sea paths of the corridor model.

- Ports come from the packaged World Port Index extract (``data/ports.csv``, built by
  ``scripts/build_corridor_data.py``); inland hubs from ``data/hubs.csv``.
- Land links (``data/land_links.csv``) join hubs and ports by rail and/or road. A link's route
  distance is the table's ``distance_km`` when given, else the great-circle distance between its
  ends times the circuity factor of the mode (a stated estimate, see ``docs/corridors.md``).
- Sea paths are shortest paths over the Eurostat MARNET maritime network shipped with the
  ``searoute`` package. The package builds its graph on first use and keeps it for the process;
  each port pair's path is cached here too.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from tradewinds.core.errors import UnknownLabelError

#: Mean Earth radius, km (IUGG).
EARTH_RADIUS_KM = 6371.0088
#: Kilometres per nautical mile.
KM_PER_NM = 1.852


def _table(name: str, **kwargs: object) -> pd.DataFrame:
    ref = resources.files("tradewinds.integration.corridors") / "data" / name
    with resources.as_file(ref) as path:
        return pd.read_csv(path, **kwargs)  # type: ignore[call-overload, no-any-return]


@dataclass(frozen=True)
class Place:
    """A port or an inland hub."""

    id: str
    name: str
    country: str
    lat: float
    lon: float
    kind: str  # "port" or "hub"
    coast: str = ""


@functools.cache
def ports() -> pd.DataFrame:
    """The packaged port table (World Port Index attributes), indexed by port id."""
    return _table("ports.csv", dtype={"wpi_locode": str}).set_index("port")


@functools.cache
def places() -> dict[str, Place]:
    """Every port and hub by id."""
    out: dict[str, Place] = {}
    table = ports()
    for pid, name, country, lat, lon, coast in zip(
        table.index, table["name"], table["country"], table["lat"], table["lon"],
        table["coast"], strict=True,
    ):  # fmt: skip
        out[str(pid)] = Place(str(pid), str(name), str(country), float(lat), float(lon), "port",
                              str(coast))  # fmt: skip
    hubs = _table("hubs.csv")
    for hub, name, country, lat, lon in zip(
        hubs["hub"], hubs["name"], hubs["country"], hubs["lat"], hubs["lon"], strict=True
    ):
        out[str(hub)] = Place(str(hub), str(name), str(country), float(lat), float(lon), "hub")
    return out


def place(pid: str) -> Place:
    """One place by id; :class:`UnknownLabelError` with suggestions otherwise."""
    known = places()
    if pid not in known:
        raise UnknownLabelError("place", pid, known, "the corridor network")
    return known[pid]


@functools.cache
def origin_hubs() -> dict[str, str]:
    """Country -> its default inland hub (``role == origin`` in ``data/hubs.csv``)."""
    hubs = _table("hubs.csv")
    rows = hubs[hubs["role"] == "origin"]
    return dict(zip(rows["country"].astype(str), rows["hub"].astype(str), strict=True))


def gateways(country: str, coast: str | None = None) -> list[str]:
    """Ports of ``country`` (on ``coast`` if given), in table order."""
    table = ports()
    rows = table[table["country"] == country]
    if coast is not None:
        rows = rows[rows["coast"] == coast]
    return [str(p) for p in rows.index]


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance on a sphere of mean Earth radius."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return float(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h)))


@dataclass(frozen=True)
class LandLink:
    """One row of the land-link table."""

    a: str
    b: str
    modes: tuple[str, ...]
    border: str
    distance_km: float | None
    source: str

    def length_km(self, mode: str, circuity: dict[str, float]) -> float:
        """Route distance by ``mode``: the table's figure, else great-circle x circuity."""
        if self.distance_km is not None:
            return self.distance_km
        pa, pb = place(self.a), place(self.b)
        return round(great_circle_km(pa.lat, pa.lon, pb.lat, pb.lon) * circuity[mode], 0)


@functools.cache
def land_links() -> tuple[LandLink, ...]:
    """The land-link table."""
    table = _table("land_links.csv", dtype=str, keep_default_na=False)
    out = []
    for row in table.itertuples(index=False):
        place(str(row.a)), place(str(row.b))  # every end must be a known place
        dist = str(row.distance_km).strip()
        out.append(
            LandLink(
                str(row.a), str(row.b), tuple(str(row.modes).split(";")), str(row.border),
                float(dist) if dist else None, str(row.source),
            )
        )  # fmt: skip
    return tuple(out)


@functools.cache
def _land_graph(mode: str, circuity: tuple[tuple[str, float], ...]) -> Any:
    import networkx as nx

    factors = dict(circuity)
    graph = nx.Graph()
    for link in land_links():
        if mode in link.modes:
            graph.add_edge(link.a, link.b, weight=link.length_km(mode, factors), link=link)
    return graph


def land_path(
    start: str, end: str, mode: str, circuity: dict[str, float], countries: set[str] | None = None
) -> list[tuple[LandLink, float]] | None:
    """Shortest land path by ``mode`` as ``[(link, km), ...]``, or None when there is none.

    ``countries`` keeps the path to places in those countries (the ends always count).
    """
    import networkx as nx

    graph = _land_graph(mode, tuple(sorted(circuity.items())))
    if countries is not None:
        keep = [n for n in graph if n in (start, end) or place(n).country in countries]
        graph = graph.subgraph(keep)
    if start not in graph or end not in graph:
        return None
    try:
        nodes = nx.shortest_path(graph, start, end, weight="weight")
    except nx.NetworkXNoPath:
        return None
    return [
        (graph.edges[u, v]["link"], float(graph.edges[u, v]["weight"]))
        for u, v in itertools.pairwise(nodes)
    ]


@dataclass(frozen=True)
class SeaPath:
    """A sea path between two ports over the MARNET network."""

    distance_km: float
    coords: tuple[tuple[float, float], ...]  # (lon, lat)
    passages: tuple[str, ...]


def sea_path(origin: str, destination: str) -> SeaPath:
    """Shortest sea path between two ports (cached per process, in either direction).

    The path runs from the port's position to the nearest network node, over the network and
    on to the other port (``append_orig_dest``); the Northwest Passage is closed, as in
    searoute's default.
    """
    if origin <= destination:
        return _sea_path(origin, destination)
    path = _sea_path(destination, origin)
    return SeaPath(path.distance_km, path.coords[::-1], path.passages[::-1])


@functools.cache
def _sea_path(origin: str, destination: str) -> SeaPath:
    import searoute

    po, pd_ = place(origin), place(destination)
    feature = searoute.searoute(
        [po.lon, po.lat],
        [pd_.lon, pd_.lat],
        units="km",
        append_orig_dest=True,
        return_passages=True,
    )
    props = feature["properties"]
    coords = tuple((float(x), float(y)) for x, y in feature["geometry"]["coordinates"])
    return SeaPath(
        float(props["length"]), coords, tuple(str(p) for p in props.get("traversed_passages", []))
    )


@functools.cache
def _us_ports() -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    table = _table("us_ports.csv")
    return (
        np.radians(table["lat"].to_numpy(dtype=float)),
        np.radians(table["lon"].to_numpy(dtype=float)),
        tuple(table["name"].astype(str)),
    )


def _densify(coords: tuple[tuple[float, float], ...], step_deg: float = 0.1) -> np.ndarray:
    """Points along the path no more than about ``step_deg`` degrees apart (lon, lat)."""
    pts = np.asarray(coords, dtype=float)
    gap = np.diff(pts, axis=0)
    jump = np.abs(gap[:, 0]) > 180  # antimeridian: searoute splits the line there
    n = np.where(jump, 1, np.maximum(1, np.ceil(np.abs(gap).max(axis=1) / step_deg))).astype(int)
    seg = np.repeat(np.arange(len(gap)), n)
    frac = (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n) + 1) / np.repeat(n, n)
    frac = np.where(jump[seg], 1.0, frac)
    return np.vstack([pts[:1], pts[seg] + frac[:, None] * gap[seg]])


def us_waters(origin: str, destination: str, within_km: float) -> list[str]:
    """US ports (World Port Index) within ``within_km`` of the sea path between two ports.

    A proxy for sailing through the US territorial sea: the distance is measured to ports only,
    so a path close to a stretch of coast with no port is missed (a lower bound).
    """
    if within_km <= 0:
        return []
    key = (origin, destination) if origin <= destination else (destination, origin)
    return list(_us_waters(*key, within_km))


@functools.cache
def _us_waters(origin: str, destination: str, within_km: float) -> tuple[str, ...]:
    path = sea_path(origin, destination)
    lat, lon, names = _us_ports()
    pts = np.radians(_densify(path.coords))
    margin = np.radians(within_km / EARTH_RADIUS_KM * 180 / np.pi * 3)
    box = (lat >= pts[:, 1].min() - margin) & (lat <= pts[:, 1].max() + margin)
    idx = np.flatnonzero(box)
    if idx.size == 0:
        return ()
    plat, plon = pts[:, 1][:, None], pts[:, 0][:, None]
    la, lo = lat[idx], lon[idx]
    h = np.sin((la - plat) / 2) ** 2 + np.cos(plat) * np.cos(la) * np.sin((lo - plon) / 2) ** 2
    dist = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    closest = dist.min(axis=0)
    near = np.flatnonzero(closest <= within_km)
    return tuple(names[idx[k]] for k in near[np.argsort(closest[near])])
