"""The headline of a one-sector run on a bundled baseline, without xarray or pandas.

``tradewinds run`` on the 11-region default solves in a few milliseconds, while importing xarray
and pandas (for labelled arrays and tidy records) costs several times that. When a scenario
needs nothing those provide, the command answers from numpy arrays instead:

- the model is ``one-sector`` and the baseline a bundled one-sector name
  (:func:`tradewinds.data.arrays.bundled_arrays`);
- the shocks are explicit ``tariffs`` and ``trade_costs`` (no registry date, no retaliation, no
  gravity run), applied by the same functions as :func:`~tradewinds.scenarios.runner.build_shocks`
  (:mod:`tradewinds.scenarios.shock_cells`);
- the solve is the model's own (:func:`tradewinds.models.onesector.solve_arrays` and
  :func:`~tradewinds.models.onesector.outcomes`), with the runner's finiteness check
  (:func:`~tradewinds.scenarios.finite.check_finite_arrays`) and the records' metric
  definitions.

What is printed is built from the same columns whichever way they came (this module, the
store's index, or tidy records of the full runner), by :func:`headline_from_records`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tradewinds.core import dims
from tradewinds.core.solver import SolverReport
from tradewinds.data.arrays import (
    BaselineArrays,
    BaselineIdentity,
    bundled_arrays,
    bundled_identity,
)
from tradewinds.scenarios.schema import OneSectorSpec, Scenario

if TYPE_CHECKING:
    import numpy as np


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


def _servable(scenario: Scenario) -> bool:
    """Whether a stored run of ``scenario`` prints as its headline alone.

    One sector and no comparison; any shocks, those from the measure registry included, since
    the store's cache key covers the scenario, the baseline's identity and the code.
    """
    return isinstance(scenario.model, OneSectorSpec) and scenario.compare_against is None


def _eligible(scenario: Scenario) -> bool:
    """Whether the quick path can run ``scenario`` (on a bundled one-sector baseline)."""
    shocks = scenario.shocks
    if not _servable(scenario):
        return False
    if shocks.uses_registry() or shocks.retaliation:
        return False
    return all(tc.from_gravity is None for tc in shocks.trade_costs)


def arrays_for(scenario: Scenario, baseline: str | None) -> BaselineArrays | None:
    """The bundled baseline's arrays if the quick path can run ``scenario`` on it, else None."""
    if not _eligible(scenario):
        return None
    arrays = bundled_arrays(str(baseline or scenario.baseline))
    return arrays if arrays is not None and len(arrays.sectors) == 1 else None


def identity_for(scenario: Scenario, baseline: str | None) -> BaselineIdentity | None:
    """The bundled one-sector baseline's labels, attrs and hash (no numpy), for a store lookup.

    Unlike :func:`arrays_for` it serves scenarios whose shocks the quick solve cannot build
    (``tariffs_as_of``, retaliation, gravity trade costs): a store hit needs only the key.
    """
    if not _servable(scenario):
        return None
    identity = bundled_identity(str(baseline or scenario.baseline))
    return identity if identity is not None and len(identity.sectors) == 1 else None


def cache_key_for(scenario: Scenario, baseline: BaselineArrays | BaselineIdentity) -> str:
    """The store's cache key of ``scenario`` on this baseline (as ``execute`` computes it)."""
    from tradewinds.scenarios.recording import cache_key

    return cache_key("run", scenario.digest(), baseline.digest)


def solve(scenario: Scenario, arrays: BaselineArrays) -> tuple[Headline, SolverReport]:
    """Solve ``scenario`` on ``arrays``: the headline and the solver's report.

    Raises as the runner does: :class:`~tradewinds.core.errors.ScenarioError` for a bad shock,
    :class:`~tradewinds.core.errors.ConvergenceError` for no or a non-finite answer.
    """
    import numpy as np

    from tradewinds.core.errors import ConvergenceError
    from tradewinds.models.onesector import OneSectorModel, outcomes, solve_arrays
    from tradewinds.scenarios.finite import check_finite_arrays
    from tradewinds.scenarios.shock_cells import Cells, apply_tariffs, apply_trade_costs

    spec = scenario.model
    assert isinstance(spec, OneSectorSpec)
    labels = list(arrays.countries)
    cells = Cells(scenario, labels, (labels, labels, list(arrays.sectors)))
    tariff = arrays.tariff.copy()
    apply_tariffs(cells, tariff)
    cost = np.ones(tariff.shape)
    apply_trade_costs(cells, cost)
    model = OneSectorModel(eps=spec.eps, closure=spec.closure)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        solved = solve_arrays(
            labels,
            arrays.trade[:, :, 0],
            arrays.tariff[:, :, 0],
            tariff[:, :, 0],
            cost[:, :, 0],
            model=model,
        )
        country, pairs = outcomes(*solved[:-1])
    report = solved[-1]
    check_finite_arrays({"country": country, "bilateral": pairs}, report, spec.model_dump())
    if not report.converged:  # a solver must raise; never print such an answer
        raise ConvergenceError("one-sector returned an unconverged answer", report)
    records = _records(labels, arrays.sectors[0], country, pairs)
    return headline_from_records(records, arrays.units), report


#: The pair whose two-way trade ``run`` prints.
CAMX = ("CAN", "MEX")


def _records(
    labels: list[str],
    sector: str,
    country: Mapping[str, np.ndarray],
    pairs: Mapping[str, np.ndarray],
) -> dict[str, list[Any]]:
    """The tidy records the headline reads: country metrics and the CAN–MEX flows.

    Values as ``Equilibrium.to_records`` computes them: percent changes ``(x_hat - 1) * 100``,
    levels as they are, flows with positive baseline trade, exporter first.
    """
    from tradewinds.models.equilibrium import LEVEL_METRICS, PCT_METRICS

    metrics = [
        (name, (country[var] - 1) * 100) for var, name in PCT_METRICS.items() if var in country
    ]
    metrics += [(var, country[var]) for var in LEVEL_METRICS if var in country]
    rows: list[tuple[str, str, str, str, float]] = []
    for metric, values in metrics:
        rows += [
            (label, "", dims.TOTAL_SECTOR, metric, values[k]) for k, label in enumerate(labels)
        ]
    flows = [
        (i, j)
        for i, a in enumerate(labels)
        for j, b in enumerate(labels)
        if a != b and {a, b} == set(CAMX) and pairs["trade_baseline"][i, j] > 0
    ]
    for metric, values in (
        ("trade_pct", (pairs["trade_hat"] - 1) * 100),
        ("trade", pairs["trade"]),
    ):
        rows += [(labels[i], labels[j], sector, metric, values[i, j]) for i, j in flows]
    names = ("country", "partner", "sector", "metric", "value")
    return {name: [row[k] for row in rows] for k, name in enumerate(names)}


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
