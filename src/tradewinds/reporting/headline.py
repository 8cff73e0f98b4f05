"""The headline of a run: what ``tradewinds run`` prints, from tidy records given as columns.

A run's records reach the CLI as plain columns (``country … value``), whether the store's index
served them, the array solve of :func:`tradewinds.scenarios.execute.execute` computed them, or
they were read from a frame; this module reads them without pandas or numpy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tradewinds.core import dims


@dataclass(frozen=True)
class Headline:
    """What ``run`` prints for a solve: one value per country and metric, and two flows.

    ``columns`` maps each headline metric (``welfare_pct``, ``income`` …, as in the tidy
    records) to its values in ``countries`` order; ``camx`` is Canada–Mexico two-way trade
    before and after, or None.
    """

    countries: list[str]
    #: Plain floats (a store hit prints its table without numpy).
    columns: dict[str, list[float]]
    camx: tuple[float, float] | None
    units: str


#: The pair whose two-way trade ``run`` prints.
CAMX = ("CAN", "MEX")


def headline_from_records(records: Mapping[str, Sequence[Any]], units: str) -> Headline:
    """The headline of tidy records given as columns (``country … value``).

    The country table is that of :func:`tradewinds.reporting.tables.headline_frame` (countries
    in the order the records list them, one column per metric with a value, the first value of
    each cell); Canada–Mexico trade is the sum over sectors of the two flows, the level before
    being ``trade / (1 + trade_pct / 100)``.
    """
    order: dict[str, None] = {}
    cells: dict[tuple[str, str], float] = {}
    new: dict[tuple[str, str, str], float] = {}
    pct: dict[tuple[str, str, str], float] = {}
    rows = zip(
        records["country"],
        records["partner"],
        records["sector"],
        records["metric"],
        records["value"],
        strict=True,
    )
    for country, partner, sector, metric, raw in rows:
        value = float(raw)
        if partner == "" and sector == dims.TOTAL_SECTOR:
            order.setdefault(str(country), None)
            if value == value:  # the first value that is not NaN, as pivot_table's "first"
                cells.setdefault((str(country), str(metric)), value)
        elif metric in ("trade", "trade_pct") and {country, partner} == set(CAMX):
            flows = new if metric == "trade" else pct
            flows.setdefault((str(country), str(partner), str(sector)), value)
    labels = list(order)
    metrics = sorted({metric for _, metric in cells})
    columns = {m: [cells.get((c, m), math.nan) for c in labels] for m in metrics}
    camx = None
    if new:
        before = [_before(a, pct.get(key, math.nan)) for key, a in new.items()]
        camx = (_nansum(before), _nansum(list(new.values())))
    return Headline(labels, columns, camx, units)


def _before(after: float, change_pct: float) -> float:
    """The level before a change of ``change_pct`` percent that ended at ``after``."""
    factor = 1 + change_pct / 100
    return after / factor if factor != 0 else math.nan  # a flow that fell to zero: 0 / 0


def _nansum(values: list[float]) -> float:
    """The sum of the values that are not NaN (exactly rounded when they are all finite)."""
    known = [x for x in values if not math.isnan(x)]
    return math.fsum(known) if all(math.isfinite(x) for x in known) else sum(known)
