"""A tariff-setting problem: a model seen as a map from tariffs to an equilibrium.

The policy layer never looks inside a model. A model enters as a :data:`TariffSolver`, a function
from a full tariff array on (exporter, importer, sector) and an optional warm start (a nearby
:class:`Equilibrium`) to the new :class:`Equilibrium`. Every model in the registry fits that
interface, so optimal tariffs, Nash wars and coalition games work unchanged for the one-sector and
multi-sector models. The scenarios layer builds the solver from a scenario file.

A model may also offer a :data:`TariffGradient`: the equilibrium together with the gradient of a
coalition's weighted welfare with respect to every tariff (the multi-sector model computes it by
the adjoint method). Searches over many rates then take one solve per gradient instead of two
per rate; models without one are differentiated numerically.

A player's *instrument* is the set of tariffs it controls: the rates that ``country`` charges on
goods from the partners in ``against``, either one uniform rate or one rate per sector.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from tradewinds.core import dims
from tradewinds.core.errors import ConvergenceError, ScenarioError, UnknownLabelError
from tradewinds.models.equilibrium import Equilibrium

log = logging.getLogger(__name__)

Array = np.ndarray[Any, np.dtype[np.float64]]

#: (new tariffs on (exporter, importer, sector), warm start or None) -> Equilibrium.
TariffSolver = Callable[[xr.DataArray, Equilibrium | None], Equilibrium]

#: (new tariffs, welfare weights by country, warm start or None) -> (Equilibrium, gradient): the
#: gradient of ``objective(eq, weights, metric)`` with respect to every tariff rate, on
#: (exporter, importer, sector).
TariffGradient = Callable[
    [xr.DataArray, Mapping[str, float], Equilibrium | None], tuple[Equilibrium, xr.DataArray]
]


@dataclass(frozen=True)
class Instrument:
    """The tariffs one player sets: ``country``'s rates on goods from ``against``.

    Attributes
    ----------
    country
        The importer setting the tariffs.
    against
        Exporters the tariffs apply to (never ``country`` itself).
    sectors
        ``None`` for one uniform rate on all sectors, or the sectors given one rate each.
    """

    country: str
    against: tuple[str, ...]
    sectors: tuple[str, ...] | None = None

    @property
    def size(self) -> int:
        """Number of rates the player chooses."""
        return 1 if self.sectors is None else len(self.sectors)

    def labels(self) -> list[str]:
        """Sector label of each rate (``TOTAL`` for a uniform rate)."""
        return [dims.TOTAL_SECTOR] if self.sectors is None else list(self.sectors)

    def apply(self, tariff: xr.DataArray, values: Array) -> xr.DataArray:
        """Copy of ``tariff`` with this instrument's cells set to ``values``."""
        out = tariff.copy()
        cell = {dims.IMPORTER: self.country, dims.EXPORTER: list(self.against)}
        if self.sectors is None:
            out.loc[cell] = float(values[0])
        else:
            for sector, value in zip(self.sectors, values, strict=True):
                out.loc[{**cell, dims.SECTOR: sector}] = float(value)
        return out

    def project(self, gradient: xr.DataArray) -> Array:
        """Derivative with respect to this instrument's rates, from one on every tariff cell.

        :meth:`apply` sets every cell of a rate to its value, so the derivative along the rate
        is the sum of the cells' derivatives (over partners, and over sectors if uniform).
        """
        cell = gradient.sel({dims.IMPORTER: self.country, dims.EXPORTER: list(self.against)})
        if self.sectors is None:
            return np.array([float(cell.sum())])
        by_sector = cell.sum(dims.EXPORTER).sel({dims.SECTOR: list(self.sectors)})
        return np.asarray(by_sector.values, dtype=float)

    def read(self, tariff: xr.DataArray) -> Array:
        """Current values of the instrument (unweighted mean over its partners).

        A uniform instrument over partners facing different rates starts at their mean, so a
        search or a war starts from that uniform rate, not from the differing rates.
        """
        cell = tariff.sel({dims.IMPORTER: self.country, dims.EXPORTER: list(self.against)})
        if self.sectors is None:
            return np.array([float(cell.mean())])
        return np.array([float(cell.sel({dims.SECTOR: s}).mean()) for s in self.sectors])


@dataclass
class TariffProblem:
    """A model, the status-quo tariffs, and a warm-started evaluator.

    Attributes
    ----------
    solve
        The model as a :data:`TariffSolver`.
    tariff
        Status-quo tariffs on (exporter, importer, sector); others' tariffs stay at these values
        unless a search changes them.
    eps
        The model's trade elasticity where it has a single one (used only by closed forms).
    name
        Label for reports.
    metric
        The ``Equilibrium.country`` ratio searches maximise: an exact welfare change. For
        most models that is ``welfare_hat``; the multi-sector model's ``welfare_hat`` is the
        first-order CP2015 decomposition, which keeps rising with tariffs, so it uses
        ``real_income_hat`` (its exact real income).
    gradient
        The model's gradient of weighted ``metric`` with respect to tariffs, where it has one
        (``None``: searches use finite differences).
    """

    solve: TariffSolver
    tariff: xr.DataArray
    eps: float | None = None
    name: str = ""
    metric: str = "welfare_hat"
    gradient: TariffGradient | None = None
    evaluations: int = field(default=0, init=False)
    _warm: Equilibrium | None = field(default=None, init=False, repr=False)

    @property
    def countries(self) -> list[str]:
        """Country codes in baseline order."""
        return [str(c) for c in self.tariff[dims.EXPORTER].values]

    @property
    def sectors(self) -> list[str]:
        """Sector labels in baseline order."""
        return [str(s) for s in self.tariff[dims.SECTOR].values]

    def evaluate(self, tariff: xr.DataArray) -> Equilibrium:
        """Solve at ``tariff``, warm-started from the previous solution of this problem."""
        return self._accept(self.solve(tariff, self._warm))

    def evaluate_gradient(
        self, tariff: xr.DataArray, weights: Mapping[str, float]
    ) -> tuple[Equilibrium, xr.DataArray]:
        """Solve at ``tariff`` (warm-started) and return the gradient of the weighted welfare."""
        if self.gradient is None:
            raise ScenarioError(f"{self.name or 'This model'} offers no tariff gradient.")
        eq, grad = self.gradient(tariff, weights, self._warm)
        return self._accept(eq), grad

    def _accept(self, eq: Equilibrium) -> Equilibrium:
        """Count a solve and keep it as the next warm start, if it converged."""
        if not eq.report.converged:  # solvers raise, but never trust an unconverged answer
            raise ConvergenceError(f"{self.name or 'model'}: solve did not converge", eq.report)
        self._warm = eq
        self.evaluations += 1
        return eq

    def welfare(self, eq: Equilibrium) -> dict[str, float]:
        """Every country's welfare change in this problem's measure."""
        return welfare_changes(eq, self.metric)

    def objective(self, eq: Equilibrium, weights: Mapping[str, float]) -> float:
        """Weighted welfare change of a coalition in this problem's measure."""
        return objective(eq, weights, self.metric)

    def instrument(
        self,
        country: str,
        against: Sequence[str] | None = None,
        *,
        by_sector: bool = False,
        sectors: Sequence[str] | None = None,
    ) -> Instrument:
        """Validate labels and build ``country``'s instrument (``against=None``: all others).

        ``by_sector`` gives one rate per sector; ``sectors`` restricts the instrument to those
        sectors (one rate each), leaving the others at their current rates.
        """
        known = self.countries
        self.check(country, "--country")
        if against is None:
            partners = [c for c in known if c != country]
        else:
            for p in against:
                self.check(p, "--against")
            partners = [p for p in dict.fromkeys(against) if p != country]
        if not partners:
            raise ScenarioError(f"{country} has no partner to set tariffs against.")
        if sectors is not None:
            for sector in sectors:
                if sector not in self.sectors:
                    raise UnknownLabelError("sector", sector, self.sectors, "--sectors")
            chosen: tuple[str, ...] | None = tuple(dict.fromkeys(sectors))
        else:
            chosen = tuple(self.sectors) if by_sector else None
        return Instrument(country, tuple(partners), chosen)

    def check(self, country: str, where: str) -> None:
        """Raise :class:`UnknownLabelError` if ``country`` is not in the baseline."""
        if country not in self.countries:
            raise UnknownLabelError("country", country, self.countries, where)


def welfare_changes(eq: Equilibrium, metric: str = "welfare_hat") -> dict[str, float]:
    """Welfare change ``metric - 1`` by country (0.01 is +1%)."""
    if metric not in eq.country:
        raise ScenarioError(
            f"The {eq.model} model reports no {metric!r}; it cannot be used as the welfare "
            "measure of a strategy search."
        )
    w = eq.country[metric]
    return {str(c): float(v) - 1 for c, v in zip(w[dims.COUNTRY].values, w.values, strict=True)}


def objective(eq: Equilibrium, weights: Mapping[str, float], metric: str = "welfare_hat") -> float:
    """Weighted welfare ``sum_c weight_c (metric_c - 1)`` of a coalition."""
    return weighted(welfare_changes(eq, metric), weights)


def weighted(welfare: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """A coalition's weighted welfare ``sum_c weight_c welfare_c`` from welfare changes."""
    return float(sum(weight * welfare[c] for c, weight in weights.items()))


def apply_all(
    tariff: xr.DataArray, instruments: Sequence[Instrument], values: Array
) -> xr.DataArray:
    """Apply several instruments' values (concatenated in order) to ``tariff``."""
    out = tariff
    start = 0
    for inst in instruments:
        out = inst.apply(out, values[start : start + inst.size])
        start += inst.size
    return out
