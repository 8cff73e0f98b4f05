"""Corridors: sea and land routes between Canada, Mexico, the US and Asia, with costs and time.

The public entry points are :func:`compare` (routes with distance, days, cost per TEU and the
US-transit flag), :func:`load_params` (the cost and time model) and
:func:`~tradewinds.integration.corridors.trade_costs.route_shift` (from a change of routing to
an ad-valorem-equivalent trade-cost change a scenario can use). See ``docs/corridors.md``.
"""

from tradewinds.integration.corridors.params import CorridorParams, load_params, parse_params
from tradewinds.integration.corridors.routes import Leg, Route, compare, routes_frame

__all__ = [
    "CorridorParams",
    "Leg",
    "Route",
    "compare",
    "load_params",
    "parse_params",
    "routes_frame",
]
