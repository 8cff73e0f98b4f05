"""Places, land links and sea paths of the corridor model.

- Ports come from the packaged World Port Index extract (``data/ports.csv``, built by
  ``scripts/build_corridor_data.py``); inland hubs from ``data/hubs.csv``.
- Land links (``data/land_links.csv``) join hubs and ports by rail and/or road. A link's route
  distance is the table's ``distance_km``, a published route distance cited in ``source``, when
  given; else (``estimated`` is ``yes``) the great-circle distance between its ends times the
  circuity factor of the mode (a stated estimate, see ``docs/corridors.md``). A pair may have one
  row per mode when only one mode's distance is published.
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

from tradewinds.core.errors import DataError, UnknownLabelError

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


#: World Port Index attributes reported with each port of a route.
PORT_ATTRIBUTES = (
    "wpi_number", "harbor_size", "harbor_type", "channel_depth_m", "cargo_pier_depth_m",
    "max_vessel_length_m",
)  # fmt: skip


@functools.cache
def port_attributes(port: str) -> dict[str, Any]:
    """A port's name, country and World Port Index attributes (0 m in the index: not given)."""
    row = {str(k): v for k, v in ports().loc[port].to_dict().items()}
    out: dict[str, Any] = {"port": port, "name": str(row["name"]), "country": str(row["country"])}
    for key in PORT_ATTRIBUTES:
        value = row[key]
        if key.endswith("_m"):
            out[key] = float(value) if float(value) > 0 else None
        elif key == "wpi_number":
            out[key] = int(value)
        else:
            out[key] = str(value)
    return out


def gateways(country: str, coast: str | None = None) -> list[str]:
    """Ports of ``country`` (on ``coast`` if given), in table order."""
    return list(_gateways(country, coast))


@functools.cache
def _gateways(country: str, coast: str | None) -> tuple[str, ...]:
    table = ports()
    rows = table[table["country"] == country]
    if coast is not None:
        rows = rows[rows["coast"] == coast]
    return tuple(str(p) for p in rows.index)


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

    @property
    def estimated(self) -> bool:
        """Whether the length is great-circle x circuity (no published route distance)."""
        return self.distance_km is None

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
    for k, row in enumerate(table.itertuples(index=False), start=2):
        place(str(row.a)), place(str(row.b))  # every end must be a known place
        dist = str(row.distance_km).strip()
        flag = str(row.estimated).strip()
        if flag not in ("yes", "no") or (flag == "yes") != (not dist):
            raise DataError(
                f"land_links.csv line {k}: 'estimated' must be 'yes' exactly when distance_km is "
                f"empty (got estimated={flag!r}, distance_km={dist!r})."
            )
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

    The path runs from the port's position to the nearest node of searoute's MARNET graph, over
    the graph and on to the other port, exactly as ``searoute.searoute(...,
    append_orig_dest=True)`` builds it, with the Northwest Passage closed as in searoute's
    default. Instead of one bidirectional search per pair, one single-source Dijkstra search
    from a port serves every destination (the tests check the lengths against
    ``searoute.searoute``).
    """
    key = (origin, destination) if origin <= destination else (destination, origin)
    if key not in _SEA:
        a, b = key
        source = a if a in _TREES or (b not in _TREES and place(a).country in _HOMES) else b
        path = _path_from(source, b if source == a else a)
        _SEA[key] = path if source == a else _reverse(path)
    path = _SEA[key]
    return path if key == (origin, destination) else _reverse(path)


#: North American ports are the preferred sources of single-source searches (every compared
#: sea leg has one at an end).
_HOMES = ("CAN", "MEX", "USA")
_SEA: dict[tuple[str, str], SeaPath] = {}
_TREES: dict[str, np.ndarray] = {}


def clear_caches() -> None:
    """Forget the sea paths and searches computed so far (the searoute graph stays built)."""
    _SEA.clear()
    _TREES.clear()
    _us_waters.cache_clear()
    _land_graph.cache_clear()


def _reverse(path: SeaPath) -> SeaPath:
    return SeaPath(path.distance_km, path.coords[::-1], path.passages[::-1])


def _marnet() -> Any:
    import searoute

    return searoute.setup_M()  # searoute caches the built graph for the process


@functools.cache
def _matrix() -> tuple[list[Any], dict[Any, int], Any]:
    """MARNET as a sparse matrix of edge weights (km), Northwest Passage edges left out."""
    from scipy.sparse import coo_matrix
    from searoute.classes.passages import Passage

    graph = _marnet()
    nodes = list(graph.nodes)
    index = {n: k for k, n in enumerate(nodes)}
    rows, cols, weights = [], [], []
    for u, v, data in graph.edges(data=True):
        if data.get("passage") == Passage.northwest:
            continue
        rows.append(index[u])
        cols.append(index[v])
        weights.append(float(data["weight"]))
    n = len(nodes)
    matrix = coo_matrix((weights, (rows, cols)), shape=(n, n)).tocsr()
    return nodes, index, matrix


def _tree(port: str) -> np.ndarray:
    """Predecessors of the single-source shortest paths from the graph node nearest ``port``."""
    if port not in _TREES:
        from scipy.sparse.csgraph import dijkstra

        _, index, matrix = _matrix()
        p = place(port)
        node = index[_marnet().kdtree.query([p.lon, p.lat])]
        _, pred = dijkstra(matrix, directed=False, indices=node, return_predecessors=True)
        _TREES[port] = pred
    return _TREES[port]


def _path_from(source: str, target: str) -> SeaPath:
    from searoute.utils import distance_length, process_route

    graph = _marnet()
    nodes, index, _ = _matrix()
    pred = _tree(source)
    ps, pt = place(source), place(target)
    start = index[graph.kdtree.query([ps.lon, ps.lat])]
    k = index[graph.kdtree.query([pt.lon, pt.lat])]
    chain = [k]
    while k != start:
        k = int(pred[k])
        if k < 0:
            raise DataError(f"No sea path from {source} to {target} on the MARNET network.")
        chain.append(k)
    route = [(ps.lon, ps.lat), *(nodes[j] for j in reversed(chain)), (pt.lon, pt.lat)]
    line, passages = process_route(route, graph, True)
    coords = tuple((float(x), float(y)) for x, y in line)
    km = float(distance_length(line, units="km"))
    return SeaPath(km, coords, tuple(str(p) for p in passages or []))


@functools.cache
def _us_ports() -> tuple[Any, tuple[str, ...]]:
    """A KD-tree of the US ports on the unit sphere, and their names."""
    from scipy.spatial import cKDTree

    table = _table("us_ports.csv")
    lat = np.radians(table["lat"].to_numpy(dtype=float))
    lon = np.radians(table["lon"].to_numpy(dtype=float))
    return cKDTree(_unit(lat, lon)), tuple(table["name"].astype(str))


def _unit(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


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
    tree, names = _us_ports()
    pts = np.radians(_densify(path.coords))
    # Great-circle distance d <-> chord 2 sin(d / 2R) on the unit sphere.
    chord = 2 * np.sin(within_km / (2 * EARTH_RADIUS_KM))
    xyz = _unit(pts[:, 1], pts[:, 0])
    hits = sorted({k for near in tree.query_ball_point(xyz, r=chord) for k in near})
    if not hits:
        return ()
    gap = np.linalg.norm(xyz[:, None, :] - tree.data[hits][None, :, :], axis=2).min(axis=0)
    return tuple(names[hits[k]] for k in np.argsort(gap, kind="stable"))
