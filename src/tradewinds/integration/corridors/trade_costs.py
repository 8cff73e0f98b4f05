"""From a change of routing to an ad-valorem-equivalent trade-cost change a scenario can use.

A route's transport cost, as a share of the value of the goods, is

    ave = cost_usd_per_teu / value_usd_per_teu + days x time_cost_per_day,

the freight bill over the value of a loaded TEU (``value_usd_per_teu``, a stated assumption) plus
the value of time in transit: each day costs 0.6% (low) to 2.1% (high) of the value of the goods,
the range of Hummels and Schaur (2013, AER 103(7), "Time as a Trade Barrier").

Trade costs in the GE models are iceberg factors ``d``; with transport entering them
multiplicatively, ``d = d_other x (1 + ave)``, moving a pair's trade from routing A to routing B
changes them by

    d_hat = (1 + ave_B) / (1 + ave_A),

which is the ``trade_costs`` shock ``change = d_hat - 1`` of a scenario (``docs/scenarios.md``).
The shock assumes that all of the pair's trade moves to the new routing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from tradewinds.core.errors import ScenarioError
from tradewinds.integration.corridors.params import CorridorParams, default_params
from tradewinds.integration.corridors.routes import Route, routes_between

TimeCost = Literal["low", "high"]


def time_cost_per_day(params: CorridorParams, which: TimeCost = "low") -> float:
    """The value of a day in transit as a fraction of the goods' value."""
    pct = params.time_cost_pct_per_day if which == "low" else params.time_cost_pct_per_day_high
    return pct / 100


def ave(route: Route, params: CorridorParams, which: TimeCost = "low") -> float:
    """Ad-valorem equivalent of a route's transport cost and time (a fraction of value)."""
    freight = route.cost_usd_per_teu / params.value_usd_per_teu
    return freight + route.days * time_cost_per_day(params, which)


def ave_change(old: Route, new: Route, params: CorridorParams, which: TimeCost = "low") -> float:
    """``d_hat - 1`` when trade moves from ``old`` to ``new`` (negative: cheaper)."""
    return (1 + ave(new, params, which)) / (1 + ave(old, params, which)) - 1


@dataclass(frozen=True)
class RouteShift:
    """A pair's trade moving from one routing to another, both directions."""

    old: tuple[Route, Route]  # (a -> b, b -> a)
    new: tuple[Route, Route]
    change: tuple[float, float]  # d_hat - 1 for a -> b and b -> a
    which: TimeCost
    params: CorridorParams

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        rows = []
        for k in range(2):
            old, new = self.old[k], self.new[k]
            rows.append(
                {
                    "exporter": old.origin,
                    "importer": old.destination,
                    "from_route": old.name,
                    "to_route": new.name,
                    "days_change": round(new.days - old.days, 2),
                    "cost_usd_per_teu_change": round(
                        new.cost_usd_per_teu - old.cost_usd_per_teu, 1
                    ),
                    "ave_from": round(ave(old, self.params, self.which), 6),
                    "ave_to": round(ave(new, self.params, self.which), 6),
                    "trade_cost_change": round(self.change[k], 6),
                }
            )
        return {"time_cost": self.which, "pairs": rows}

    def scenario(self, *, title: str | None = None) -> dict[str, Any]:
        """A scenario (plain data, as in a YAML file) with the ``trade_costs`` shocks."""
        a, b = self.old[0].origin, self.old[0].destination
        old_via, new_via = self.old[0].via, self.new[0].via
        pct = self.params.time_cost_pct_per_day if self.which == "low" else (
            self.params.time_cost_pct_per_day_high
        )  # fmt: skip
        shocks = [
            {
                "exporter": self.old[k].origin,
                "importer": self.old[k].destination,
                "change": round(self.change[k], 6),
                "note": f"{self.old[k].name} -> {self.new[k].name}",
            }
            for k in range(2)
        ]
        return {
            "title": title or f"{a}–{b} trade moves from routing '{old_via}' to '{new_via}'",
            "description": (
                "Written by `tradewinds corridors scenario`. Trade-cost change = ratio of "
                "(1 + ad-valorem equivalent) of the new and old routes, with the freight cost "
                f"over US${self.params.value_usd_per_teu:,.0f} per TEU and "
                f"{pct:g}% of value per day in transit (Hummels and Schaur 2013). "
                "All of the pair's trade is assumed to move. See docs/corridors.md."
            ),
            "sources": [
                "Hummels, D. and Schaur, G. (2013), Time as a Trade Barrier, AER 103(7): 2935-59.",
                "tradewinds corridor model: docs/corridors.md",
            ],
            "baseline": "default",
            "model": {"name": "one-sector"},
            "shocks": {"trade_costs": shocks},
        }


#: Routings a route shift can name.
ROUTINGS = ("direct", "CAN", "MEX", "USA")


def parse_routing(value: str, field: str) -> str:
    """``direct`` or a country code of :data:`ROUTINGS` (case-insensitive); else one error."""
    text = value.strip()
    text = text.lower() if text.lower() == "direct" else text.upper()
    if text not in ROUTINGS:
        raise ScenarioError(f"{field} {value!r} must be direct, CAN, MEX or USA.")
    return text


def _best(routes: list[Route], kind: str | None, which: str, params: CorridorParams) -> Route:
    """The route of lowest generalized cost (of ``kind`` if given)."""
    pool = [r for r in routes if kind is None or r.kind == kind]
    if not pool:
        raise ScenarioError(
            f"No {which} route of kind {kind!r}; kinds: {sorted({r.kind for r in routes})}."
        )
    return min(pool, key=lambda r: r.generalized_cost(params))


def route_shift(
    a: str,
    b: str,
    *,
    to_via: str = "direct",
    from_via: str = "USA",
    to_kind: str | None = None,
    from_kind: str | None = None,
    which: TimeCost = "low",
    params: CorridorParams | None = None,
) -> RouteShift:
    """The trade-cost change when ``a``–``b`` trade moves from one routing to another.

    Within each routing the route with the lowest generalized cost is used (or the best one of
    ``to_kind``/``from_kind``, e.g. ``sea-pacific``, ``overland-rail``).
    """
    params = params or default_params()
    old, new, change = [], [], []
    for o, d in ((a, b), (b, a)):
        before = routes_between(o, d, from_via, params)
        after = routes_between(o, d, to_via, params)
        if not before or not after:
            missing = from_via if not before else to_via
            raise ScenarioError(f"No route from {o} to {d} via {missing!r}.")
        r_old = _best(before, from_kind, "old", params)
        r_new = _best(after, to_kind, "new", params)
        old.append(r_old)
        new.append(r_new)
        change.append(ave_change(r_old, r_new, params, which))
    return RouteShift((old[0], old[1]), (new[0], new[1]), (change[0], change[1]), which, params)
