"""Scenario -> :class:`~tradewinds.policy.problem.TariffProblem`: the glue for strategy commands.

The policy layer sees a model as a function from tariffs to an equilibrium. This module builds
that function from a scenario: the baseline, the model from the registry
(:mod:`tradewinds.models.registry`), and the scenario's trade-cost shocks held fixed while
tariffs vary. A model that can use a warm start (``warm_start``) gets the previous equilibrium and
the tighter :data:`POLICY_TOL`; one with an adjoint gradient (``has_gradient``) supplies it; any
other registered model plugs in unchanged, starts every solve cold and is differentiated
numerically.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd
import xarray as xr

from tradewinds.core import dims
from tradewinds.core.errors import ConvergenceError, ScenarioError
from tradewinds.data.loaders import load_baseline
from tradewinds.models.equilibrium import Equilibrium
from tradewinds.models.registry import WELFARE_METRIC, get_model
from tradewinds.policy.options import UnitedFrontOptions
from tradewinds.policy.parallel import (
    Mapper,
    Progress,
    client_mapper,
    map_with_progress,
    serial_map,
)
from tradewinds.policy.problem import TariffProblem
from tradewinds.policy.united_front import (
    Cell,
    UnitedFront,
    equilibrium_frequencies,
    united_front,
)
from tradewinds.scenarios.cluster import dask_client
from tradewinds.scenarios.runner import build_shocks
from tradewinds.scenarios.schema import Scenario

#: Solver tolerance for strategy searches: tighter than a single run's, so welfare differences
#: between nearby tariffs (and central-difference gradients) are far above solver noise.
POLICY_TOL = 1e-12


@contextmanager
def dask_mapper(workers: int | None = None, scheduler: str | None = None) -> Iterator[Mapper]:
    """A :data:`Mapper` on Dask (``workers=0`` and no scheduler: in-process).

    The client comes from :func:`tradewinds.scenarios.cluster.dask_client`: a LocalCluster of
    ``workers`` single-threaded processes (default one per CPU), or the running scheduler at
    ``scheduler``. It is closed on exit.
    """
    with dask_client(workers, scheduler) as client:
        yield serial_map if client is None else client_mapper(client)


def tariff_problem(
    scenario: Scenario,
    baseline: xr.Dataset | str | None = None,
    *,
    status_quo: str = "scenario",
) -> tuple[TariffProblem, xr.DataArray]:
    """The scenario's model as a tariff problem, and the scenario's own tariffs.

    ``status_quo="scenario"`` starts from the scenario's tariffs (the usual case: others keep
    the tariffs the scenario gives them); ``"baseline"`` starts from the baseline's tariffs, as
    the united-front game needs (the threat is then one of the outcomes, not the start).
    """
    if not isinstance(baseline, xr.Dataset):
        baseline = load_baseline(baseline or scenario.baseline)
    tariff, cost = build_shocks(scenario, baseline)
    spec = scenario.model
    model = get_model(spec.name)
    tol = POLICY_TOL if model.warm_start else None
    data = baseline

    def solve(new_tariff: xr.DataArray, warm: Equilibrium | None) -> Equilibrium:
        return model.solve(spec, data, new_tariff, cost, warm=warm, tol=tol)

    def gradient(
        new_tariff: xr.DataArray, weights: Mapping[str, float], warm: Equilibrium | None
    ) -> tuple[Equilibrium, xr.DataArray]:
        return model.gradient(spec, data, new_tariff, cost, weights, warm=warm, tol=tol)

    if status_quo not in {"scenario", "baseline"}:
        raise ScenarioError(f"status_quo {status_quo!r} must be 'scenario' or 'baseline'.")
    start = tariff if status_quo == "scenario" else baseline["tariff"].copy()
    eps = getattr(spec, "eps", None)
    problem = TariffProblem(
        solve=solve,
        tariff=start,
        eps=float(eps) if isinstance(eps, int | float) else None,
        name=scenario.title,
        metric=WELFARE_METRIC.get(spec.name, "welfare_hat"),
        gradient=gradient if model.has_gradient else None,
    )
    return problem, tariff


def united_front_game(scenario: Scenario, options: UnitedFrontOptions) -> dict[str, Any]:
    """Keyword arguments of :func:`united_front` for ``scenario``: ``options`` first.

    A deal rate left unset in ``options`` (no ``--deal-rate``, no ``deal_rate`` in the API
    body) is taken from the scenario's ``strategy.united_front.deal_rate``, if it has one.
    """
    game = options.game()
    if game["deal_rate"] is None and scenario.strategy is not None:
        game["deal_rate"] = scenario.strategy.united_front.deal_rate
    return game


def with_elasticity(scenario: Scenario, eps: float) -> Scenario:
    """Copy of ``scenario`` with the model's trade elasticity set to ``eps``.

    Models with one elasticity (``eps``) get it directly; models with sector elasticities
    (``theta``, the multi-sector model) get ``eps`` in every sector.
    """
    fields = type(scenario.model).model_fields
    key = "eps" if "eps" in fields else "theta" if "theta" in fields else None
    if key is None:
        raise ScenarioError(
            f"Model {scenario.model.name!r} has no trade elasticity ('eps' or 'theta') to draw."
        )
    model = scenario.model.model_copy(update={key: float(eps)})
    return scenario.model_copy(update={"model": model})


@dataclass(frozen=True)
class Sensitivity:
    """The united-front game across elasticity draws.

    Attributes
    ----------
    eps
        The draws, in order.
    games
        The solved game for each draw that converged.
    failures
        ``(eps, message)`` for every draw that did not converge; never dropped silently.
    frequencies
        Cell -> share of converged draws in which it is a pure equilibrium.
    """

    eps: list[float]
    games: list[UnitedFront]
    failures: list[tuple[float, str]]
    frequencies: dict[Cell, float]

    def to_records(self, partners: tuple[str, str]) -> pd.DataFrame:
        """Tidy records of the sensitivity.

        Equilibrium shares (``equilibrium_share``), each draw's equilibria
        (``draw_equilibrium_eps``, the draw's elasticity as value) and failed draws.
        """
        a, b = partners
        rows = [
            {
                "country": "",
                "partner": f"{a}={ra};{b}={rb}",
                "sector": dims.TOTAL_SECTOR,
                "metric": "equilibrium_share",
                "value": share,
                "unit": "share of draws",
            }
            for (ra, rb), share in self.frequencies.items()
        ]
        games = iter(self.games)
        failed = {eps for eps, _ in self.failures}
        for eps in self.eps:
            if eps in failed:
                continue
            for ra, rb in next(games).equilibria:
                rows.append(
                    {
                        "country": "",
                        "partner": f"{a}={ra};{b}={rb}",
                        "sector": dims.TOTAL_SECTOR,
                        "metric": "draw_equilibrium_eps",
                        "value": eps,
                        "unit": "elasticity",
                    }
                )
        rows += [
            {
                "country": "",
                "partner": "",
                "sector": dims.TOTAL_SECTOR,
                "metric": "failed_draw_eps",
                "value": eps,
                "unit": "elasticity",
            }
            for eps, _ in self.failures
        ]
        columns = ["country", "partner", "sector", "metric", "value", "unit"]
        return pd.DataFrame(rows, columns=columns)


def _united_front_draw(task: tuple[Scenario, float, dict[str, Any]]) -> UnitedFront | str:
    """One elasticity draw of the game (top level, so Dask can ship it)."""
    scenario, eps, options = task
    try:
        problem, threat = tariff_problem(with_elasticity(scenario, eps), status_quo="baseline")
        return united_front(problem, threat, **options)
    except ConvergenceError as exc:
        return str(exc)


def united_front_sensitivity(
    scenario: Scenario,
    eps: Sequence[float],
    *,
    mapper: Mapper = serial_map,
    progress: Progress | None = None,
    **options: Any,
) -> Sensitivity:
    """Solve the united-front game of ``scenario`` at each trade elasticity in ``eps``.

    ``progress(done, total)`` is called as draws finish (see
    :func:`tradewinds.policy.parallel.map_with_progress`).
    """
    tasks = [(scenario, float(e), options) for e in eps]
    results = map_with_progress(mapper, _united_front_draw, tasks, progress, 0, len(tasks))
    games = [r for r in results if isinstance(r, UnitedFront)]
    failures = [(float(e), r) for e, r in zip(eps, results, strict=True) if isinstance(r, str)]
    return Sensitivity(
        eps=[float(e) for e in eps],
        games=games,
        failures=failures,
        frequencies=dict(equilibrium_frequencies(games)),
    )
