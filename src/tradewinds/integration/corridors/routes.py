"""Routes between countries, leg by leg: distance, days, cost per TEU and US transit.

A route starts at the origin country's inland hub (``data/hubs.csv``, role ``origin``: Toronto,
Mexico City, Chicago) and ends at the destination's hub, or at its port for an overseas
destination. The routings compared:

- ``direct``: by sea from the origin's own ports (for North American pairs, port to port on the
  Pacific and on the Atlantic/Gulf coast; for overseas destinations, from the Pacific ports);
- ``via`` a third North American country ``V``: for an overseas destination, a *land bridge*
  (rail from the origin hub to ``V``'s Pacific port) or a *feeder* (by sea from the origin's
  Pacific port to ``V``'s, transshipped there); for a North American pair, *overland* by rail
  and by truck through ``V``.

US-transit rule: a route has ``us_transit`` when any leg runs on US territory (a land leg with a
place in the US) or calls at a US port (loading, discharge or transshipment); such a route is
exposed to US measures and procedures (entry, in-bond transit, inspections). A sea leg that only
sails past the US coast does not count: passage through the territorial sea is innocent passage
(UNCLOS Art. 17-19) and the cargo is not entered in US customs territory. Such legs are reported
in ``us_waters`` (US ports passed within ``us_waters_km``) so the reader can see them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tradewinds.core.errors import ScenarioError, UnknownLabelError
from tradewinds.core.records import attributes
from tradewinds.integration.corridors import network as net
from tradewinds.integration.corridors.params import CorridorParams, default_params

if TYPE_CHECKING:
    import pandas as pd

#: Routing names accepted by :func:`compare` besides the North American country codes.
DIRECT = "direct"
NORTH_AMERICA = ("CAN", "MEX", "USA")
HOURS_PER_DAY = 24.0


#: The quantities of a leg that a route totals, and the decimals they are reported with.
_TOTALS = ("distance_km", "days", "cost_usd_per_teu")
_DECIMALS = {"distance_km": 1, "estimated_km": 1, "days": 2, "cost_usd_per_teu": 1}


def _rounded(record: object, *names: str) -> dict[str, float]:
    """``{name: record.<name>}`` rounded to the decimals it is reported with."""
    return {name: round(getattr(record, name), _DECIMALS[name]) for name in names}


@dataclass(frozen=True)
class Leg:
    """One leg: a land or sea movement, or a stop at a port."""

    start: str
    end: str
    mode: str  # sea, rail, truck, port, transshipment
    distance_km: float
    days: float
    cost_usd_per_teu: float
    countries: tuple[str, ...]
    us_transit: bool
    borders: tuple[str, ...] = ()
    us_waters: tuple[str, ...] = ()
    coords: tuple[tuple[float, float], ...] = field(default=(), repr=False, compare=False)
    #: Kilometres of a land leg that are great-circle x circuity estimates, not published.
    estimated_km: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain data (without the geometry)."""
        return {
            "from": self.start,
            "to": self.end,
            "mode": self.mode,
            **_rounded(self, "distance_km", "estimated_km", "days", "cost_usd_per_teu"),
            "countries": list(self.countries),
            "us_transit": self.us_transit,
            "borders": list(self.borders),
            "us_waters": list(self.us_waters),
        }


@dataclass(frozen=True)
class Route:
    """A complete routing from an origin to a destination with its totals."""

    origin: str
    destination: str
    via: str
    kind: str
    legs: tuple[Leg, ...]
    best: bool = False
    #: Totals over the legs (door to door: hub to hub or port), summed once when it is built.
    distance_km: float = field(init=False)
    days: float = field(init=False)
    cost_usd_per_teu: float = field(init=False)

    def __post_init__(self) -> None:
        for total in _TOTALS:
            object.__setattr__(self, total, sum(getattr(leg, total) for leg in self.legs))

    @property
    def ports(self) -> list[str]:
        """Ports called at, in order."""
        return [leg.start for leg in self.legs if leg.mode in ("port", "transshipment")]

    @property
    def origin_port(self) -> str | None:
        """First port called at (None for an overland route)."""
        return self.ports[0] if self.ports else None

    @property
    def destination_port(self) -> str | None:
        """Last port called at (None for an overland route)."""
        return self.ports[-1] if self.ports else None

    @property
    def transshipment(self) -> list[str]:
        """Transshipment ports."""
        return [leg.start for leg in self.legs if leg.mode == "transshipment"]

    @property
    def us_transit(self) -> bool:
        """Whether any leg runs on US territory or calls at a US port."""
        return any(leg.us_transit for leg in self.legs)

    @property
    def us_waters(self) -> list[str]:
        """US ports that the sea legs pass close by (see the module docstring)."""
        seen: dict[str, None] = {}
        for leg in self.legs:
            seen.update(dict.fromkeys(leg.us_waters))
        return list(seen)

    @property
    def name(self) -> str:
        """A short label: origin, kind and the ports called at."""
        stops = ">".join(self.ports) if self.ports else "overland"
        return f"{self.origin}>{self.destination} {self.kind} {stops}"

    def generalized_cost(self, params: CorridorParams) -> float:
        """Cost per TEU plus the value of time (low time cost), for ranking routings."""
        per_day = params.time_cost_pct_per_day / 100 * params.value_usd_per_teu
        return self.cost_usd_per_teu + self.days * per_day

    def to_dict(self) -> dict[str, Any]:
        """One JSON object per route (the ``--format json`` shape)."""
        return {
            "route": self.name,
            **attributes(self, "origin", "destination", "via", "kind"),
            "origin_place": self.legs[0].start,
            "destination_place": self.legs[-1].end,
            **attributes(self, "origin_port", "destination_port", "transshipment"),
            **_rounded(self, *_TOTALS),
            **attributes(self, "us_transit", "us_waters", "best"),
            "ports": [net.port_attributes(p) for p in dict.fromkeys(self.ports)],
            "legs": [leg.to_dict() for leg in self.legs],
        }


def _circuity(params: CorridorParams) -> dict[str, float]:
    return {"rail": params.circuity_rail, "truck": params.circuity_road}


def land_leg(
    start: str, end: str, mode: str, params: CorridorParams, countries: set[str] | None = None
) -> Leg | None:
    """Rail or truck from ``start`` to ``end`` over the land-link table, or None."""
    path = net.land_path(start, end, mode, _circuity(params), countries)
    if path is None:
        return None
    km = sum(d for _, d in path)
    estimated = sum(d for link, d in path if link.estimated)
    borders = tuple(link.border for link, _ in path if link.border)
    nodes = [start] + [
        link.b if link.a == prev else link.a
        for prev, (link, _) in zip(_walk(start, path), path, strict=True)
    ]
    if mode == "rail":
        days = km / params.rail_speed_kmh / HOURS_PER_DAY + params.rail_terminal_days
        cost = km * params.rail_usd_per_teu_km
    else:
        days = km / params.truck_km_per_day
        cost = km * params.truck_usd_per_teu_km
    days += len(borders) * params.border_crossing_hours / HOURS_PER_DAY
    cost += len(borders) * params.border_crossing_usd_per_teu
    in_countries = tuple(dict.fromkeys(net.place(p).country for p in nodes))
    coords = tuple((net.place(p).lon, net.place(p).lat) for p in nodes)
    return Leg(
        start, end, mode, km, days, cost, in_countries, "USA" in in_countries, borders, (), coords,
        estimated,
    )  # fmt: skip


def _walk(start: str, path: Sequence[tuple[net.LandLink, float]]) -> list[str]:
    """The place each link of ``path`` is entered from."""
    out, here = [], start
    for link, _ in path:
        out.append(here)
        here = link.b if link.a == here else link.a
    return out


def sea_leg(start: str, end: str, params: CorridorParams) -> Leg:
    """By sea between two ports over the MARNET network."""
    path = net.sea_path(start, end)
    days = path.distance_km / (params.sea_speed_knots * net.KM_PER_NM * HOURS_PER_DAY)
    cost = path.distance_km * params.sea_usd_per_teu_km
    a, b = net.place(start), net.place(end)
    us_end = "USA" in (a.country, b.country)
    waters = () if us_end else tuple(net.us_waters(start, end, params.us_waters_km))
    countries = tuple(dict.fromkeys((a.country, b.country)))
    return Leg(start, end, "sea", path.distance_km, days, cost, countries, us_end, (), waters,
               path.coords)  # fmt: skip


def port_leg(port: str, params: CorridorParams, *, transship: bool = False) -> Leg:
    """A port call (loading or discharge) or a transshipment."""
    p = net.place(port)
    if transship:
        days, cost = params.transshipment_dwell_days, params.transshipment_usd_per_teu
    else:
        days, cost = params.port_dwell_days, params.port_handling_usd_per_teu
    mode = "transshipment" if transship else "port"
    return Leg(port, port, mode, 0.0, days, cost, (p.country,), p.country == "USA",
               coords=((p.lon, p.lat),))  # fmt: skip


def _assemble(parts: Iterable[Leg | None]) -> tuple[Leg, ...] | None:
    legs = tuple(parts)
    if any(leg is None for leg in legs):
        return None
    return tuple(leg for leg in legs if leg is not None)


def _overseas(origin: str, dest_port: str, via: str, params: CorridorParams) -> list[Route]:
    hub = net.origin_hubs()[origin]
    out: list[Route] = []
    if via == DIRECT:
        for p in net.gateways(origin, "pacific"):
            legs = _assemble(
                [
                    land_leg(hub, p, "rail", params, {origin}),
                    port_leg(p, params),
                    sea_leg(p, dest_port, params),
                    port_leg(dest_port, params),
                ]
            )
            if legs:
                out.append(Route(origin, net.place(dest_port).country, via, "sea", legs))
        return out
    dest = net.place(dest_port).country
    for q in net.gateways(via, "pacific"):
        legs = _assemble(
            [
                land_leg(hub, q, "rail", params, {origin, via}),
                port_leg(q, params),
                sea_leg(q, dest_port, params),
                port_leg(dest_port, params),
            ]
        )
        if legs:
            out.append(Route(origin, dest, via, "landbridge", legs))
    for p in net.gateways(origin, "pacific"):
        for q in net.gateways(via, "pacific"):
            legs = _assemble(
                [
                    land_leg(hub, p, "rail", params, {origin}),
                    port_leg(p, params),
                    sea_leg(p, q, params),
                    port_leg(q, params, transship=True),
                    sea_leg(q, dest_port, params),
                    port_leg(dest_port, params),
                ]
            )
            if legs:
                out.append(Route(origin, dest, via, "feeder", legs))
    return out


def _north_american(origin: str, dest: str, via: str, params: CorridorParams) -> list[Route]:
    hubs = net.origin_hubs()
    start, end = hubs[origin], hubs[dest]
    out: list[Route] = []
    if via == DIRECT:
        for coast in ("pacific", "atlantic"):
            for p in net.gateways(origin, coast):
                for q in net.gateways(dest, coast):
                    legs = _assemble(
                        [
                            land_leg(start, p, "rail", params, {origin}),
                            port_leg(p, params),
                            sea_leg(p, q, params),
                            port_leg(q, params),
                            land_leg(q, end, "rail", params, {dest}),
                        ]
                    )
                    if legs:
                        out.append(Route(origin, dest, via, f"sea-{coast}", legs))
        return out
    for mode in ("rail", "truck"):
        leg = land_leg(start, end, mode, params, {origin, dest, via})
        if leg is not None:
            out.append(Route(origin, dest, via, f"overland-{mode}", (leg,)))
    return out


def destinations() -> list[str]:
    """Countries a route can end in: the North American hubs and the overseas ports."""
    overseas = net.ports()[net.ports()["coast"] == "overseas"]["country"].astype(str)
    return [*NORTH_AMERICA, *overseas]


def _check(values: Sequence[str], known: Sequence[str], kind: str) -> list[str]:
    out = []
    for value in values:
        code = value.strip()
        code = code.lower() if code.lower() == DIRECT else code.upper()
        if code not in known:
            raise UnknownLabelError(kind, value, known, "the corridor model")
        out.append(code)
    return out


def routes_between(
    origin: str, destination: str, via: str, params: CorridorParams | None = None
) -> list[Route]:
    """Every route of one routing, the lowest generalized cost marked ``best``."""
    params = params or default_params()
    if origin == destination:
        raise ScenarioError(f"Origin and destination are both {origin!r}; give two countries.")
    if via in (origin, destination):
        return []
    if destination in NORTH_AMERICA:
        found = _north_american(origin, destination, via, params)
    else:
        dest_port = net.gateways(destination, "overseas")[0]
        found = _overseas(origin, dest_port, via, params)
    if not found:
        return []
    best = min(range(len(found)), key=lambda k: found[k].generalized_cost(params))
    return [
        Route(r.origin, r.destination, r.via, r.kind, r.legs, best=(k == best))
        for k, r in enumerate(found)
    ]


def compare(
    origins: Sequence[str],
    destinations_: Sequence[str],
    vias: Sequence[str] = (DIRECT, "USA", "CAN"),
    params: CorridorParams | None = None,
) -> list[Route]:
    """Routes for every origin x destination x routing (unknown codes are an error).

    A routing through the origin or the destination itself is skipped (it is ``direct``).
    """
    params = params or default_params()
    origins = _check(origins, NORTH_AMERICA, "origin country")
    dests = _check(destinations_, destinations(), "destination country")
    routings = _check(vias, [DIRECT, *NORTH_AMERICA], "routing")
    out: list[Route] = []
    for o in origins:
        for d in dests:
            if o == d:
                raise ScenarioError(f"Origin and destination are both {o!r}; give two countries.")
            for v in routings:
                out.extend(routes_between(o, d, v, params))
    return out


def routes_frame(routes: Sequence[Route]) -> pd.DataFrame:
    """One row per route (tidy output for ``--output``)."""
    import pandas as pd

    rows = []
    for r in routes:
        d = r.to_dict()
        d.pop("legs")
        d.pop("ports")
        d["transshipment"] = ";".join(d["transshipment"])
        d["us_waters"] = ";".join(d["us_waters"])
        d["legs"] = " | ".join(
            f"{leg.start}-{leg.end} {leg.mode}" for leg in r.legs if leg.mode not in ("port",)
        )
        rows.append(d)
    return pd.DataFrame(rows)
