"""Optimal tariffs: the rates that maximise a country's (or a coalition's) welfare.

The search treats the model as a map from tariffs to welfare (see :mod:`.problem`). Every
evaluation is a full general-equilibrium solve to the solver's tolerance, warm-started from the
previous solution, so the many nearby solves of a search take one or two Newton steps each.

- One uniform rate: :func:`scipy.optimize.minimize_scalar` (bounded Brent) on the explicit box.
- Several rates (by sector, or a coalition): L-BFGS-B with the explicit box, in rates scaled
  by the square root of their share of the taxed trade (a diagonal preconditioner). The
  gradient is the model's own where the problem has one (:data:`~.problem.TariffGradient`; the
  multi-sector model's is an adjoint, exact to the solver's tolerance, one solve per gradient);
  otherwise central differences on warm-started solves (one-sided at a bound), accurate to
  about ``tol / h + h^2`` and costing two solves per rate.

:func:`uniform_tariff_formula` gives the closed form derived in ``docs/strategy.md``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from scipy import optimize

from tradewinds.core import dims
from tradewinds.core.errors import ConvergenceError, ScenarioError
from tradewinds.core.solver import SolverReport
from tradewinds.models.equilibrium import Equilibrium
from tradewinds.policy.defaults import BOUNDS
from tradewinds.policy.parallel import Mapper, Progress, serial_map
from tradewinds.policy.problem import Array, Instrument, TariffProblem, apply_all, weighted

log = logging.getLogger(__name__)

#: Absolute tolerance on an optimal rate (0.0001 percentage points).
XTOL = 1e-6
#: Central-difference step for gradients, in tariff-rate units. It balances truncation error
#: (about step^2 times the third derivative of welfare) against solver noise (about the
#: solver tolerance divided by the step): 1e-8 each for solves at 1e-12, 1e-6 at 1e-10.
GRAD_STEP = 1e-4
#: L-BFGS-B stops when the projected gradient is below this (welfare change per unit of
#: tariff rate), just above the gradient's noise for solves at 1e-10.
GTOL = 1e-6


@dataclass(frozen=True)
class OptimalTariffs:
    """The answer of :func:`optimal_tariffs`.

    Attributes
    ----------
    instruments
        The tariffs searched over, in the order of ``values``.
    weights
        Coalition weights on welfare changes.
    start, values
        Instrument values before and after the search.
    welfare_start, welfare
        Welfare change of every country (``welfare_hat - 1``) before and after.
    equilibrium
        The equilibrium at the optimum.
    evaluations
        Model solves used.
    method
        Optimiser used.
    """

    instruments: tuple[Instrument, ...]
    weights: dict[str, float]
    start: Array
    values: Array
    welfare_start: dict[str, float]
    welfare: dict[str, float]
    equilibrium: Equilibrium
    evaluations: int
    method: str

    @property
    def objective_start(self) -> float:
        """Weighted welfare change at ``start``."""
        return weighted(self.welfare_start, self.weights)

    @property
    def objective(self) -> float:
        """Weighted welfare change at ``values`` (the optimum)."""
        return weighted(self.welfare, self.weights)

    @property
    def gain(self) -> float:
        """Weighted welfare gain of the optimum over the start."""
        return self.objective - self.objective_start

    def tariff_records(self) -> pd.DataFrame:
        """One row per rate: ``country, against, sector, start, optimal``."""
        rows = []
        k = 0
        for inst in self.instruments:
            for label in inst.labels():
                rows.append(
                    {
                        "country": inst.country,
                        "against": ",".join(inst.against),
                        "sector": label,
                        "start": float(self.start[k]),
                        "optimal": float(self.values[k]),
                    }
                )
                k += 1
        return pd.DataFrame(rows)

    def to_records(self) -> pd.DataFrame:
        """Tidy records ``country, partner, sector, metric, value, unit``."""
        frames = []
        t = self.tariff_records()
        for col, metric in (("start", "tariff_start"), ("optimal", "tariff_optimal")):
            frames.append(
                pd.DataFrame(
                    {
                        "country": t["country"],
                        "partner": t["against"],
                        "sector": t["sector"],
                        "metric": metric,
                        "value": t[col],
                        "unit": "rate",
                    }
                )
            )
        countries = list(self.welfare)
        for metric, data in (
            ("welfare_start_pct", self.welfare_start),
            ("welfare_pct", self.welfare),
        ):
            frames.append(
                pd.DataFrame(
                    {
                        "country": countries,
                        "partner": "",
                        "sector": dims.TOTAL_SECTOR,
                        "metric": metric,
                        "value": [100 * data[c] for c in countries],
                        "unit": "percent",
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)


def _weights(
    instruments: Sequence[Instrument], weights: Mapping[str, float] | None
) -> dict[str, float]:
    if weights is None:
        return dict.fromkeys(dict.fromkeys(i.country for i in instruments), 1.0)
    out = {str(c): float(w) for c, w in weights.items()}
    if not out or any(not np.isfinite(w) or w < 0 for w in out.values()) or sum(out.values()) <= 0:
        raise ScenarioError(f"Coalition weights {out!r} must be non-negative with a positive sum.")
    return out


def _check_bounds(bounds: tuple[float, float]) -> tuple[float, float]:
    lo, hi = float(bounds[0]), float(bounds[1])
    if not (np.isfinite(lo) and np.isfinite(hi) and -1 < lo < hi):
        raise ScenarioError(f"Tariff bounds {bounds!r} must satisfy -1 < lower < upper.")
    return lo, hi


def optimal_tariffs(
    problem: TariffProblem,
    instruments: Sequence[Instrument],
    weights: Mapping[str, float] | None = None,
    *,
    tariff: xr.DataArray | None = None,
    bounds: tuple[float, float] = BOUNDS,
    xtol: float = XTOL,
    max_iter: int = 200,
    mapper: Mapper = serial_map,
    progress: Progress | None = None,
) -> OptimalTariffs:
    """Maximise the weighted welfare of the instruments' owners over their tariffs.

    Parameters
    ----------
    problem
        Model and status-quo tariffs.
    instruments
        The tariffs to choose (one per coalition member).
    weights
        Weight of each country's welfare change; default 1 for each instrument's owner.
    tariff
        Tariffs everyone else keeps (default: the problem's status quo).
    bounds
        Explicit box for every rate.
    xtol
        Absolute tolerance on the rates.
    max_iter
        Iteration cap of the optimiser; hitting it raises :class:`ConvergenceError`.
    mapper
        How the gradient's coordinates (sectors, coalition members) are evaluated when there
        are several rates: serially, or in parallel on Dask (:mod:`.parallel`). Each task
        carries the problem with its current warm start. Unused when the problem has its own
        gradient (one solve gives every coordinate).
    progress
        Called as ``progress(solves, None)`` after each objective (and gradient) evaluation,
        with the number of model solves so far; the total is not known in advance.
    """
    lo, hi = _check_bounds(bounds)
    w = _weights(instruments, weights)
    for c in w:
        problem.check(c, "coalition weights")
    base = problem.tariff if tariff is None else tariff
    instruments = tuple(instruments)
    start = np.concatenate([i.read(base) for i in instruments])
    used0 = problem.evaluations
    eq0 = problem.evaluate(base)
    welfare0 = problem.welfare(eq0)
    goal = _Objective(_Welfare(problem, base, instruments, w, (lo, hi)), used0, progress)
    if start.size == 1:
        x, res, method = _search_scalar(goal, xtol, max_iter)
    else:
        x, res, method = _search_box(goal, start, _scales(eq0, instruments), mapper, max_iter)
    if not bool(res.success):
        raise ConvergenceError(
            f"optimal tariffs for {', '.join(w)}: the optimiser stopped without converging "
            f"({res.message}); try narrower --bounds",
            SolverReport(False, int(getattr(res, "nit", 0)), float("nan"), xtol, 0.0, method),
        )
    eq = problem.evaluate(goal.welfare.tariff(x))
    log.info("optimal tariffs %s: %s after %d solves", list(w), x, problem.evaluations - used0)
    return OptimalTariffs(
        instruments=instruments,
        weights=w,
        start=start,
        values=x,
        welfare_start=welfare0,
        welfare=problem.welfare(eq),
        equilibrium=eq,
        evaluations=problem.evaluations - used0,
        method=method,
    )


@dataclass(frozen=True)
class _Welfare:
    """The weighted welfare of the instruments' owners as a function of their rates.

    What a search and each of its (Dask) gradient tasks need to evaluate it: the problem, the
    tariffs everyone else keeps, the instruments, the weights and the search box.
    """

    problem: TariffProblem
    base: xr.DataArray
    instruments: tuple[Instrument, ...]
    weights: dict[str, float]
    box: tuple[float, float]

    def tariff(self, x: Array) -> xr.DataArray:
        """The full tariff array with the instruments at rates ``x``."""
        return apply_all(self.base, self.instruments, x)

    def __call__(self, x: Array) -> float:
        """The weighted welfare change at rates ``x`` (one model solve)."""
        return self.problem.objective(self.problem.evaluate(self.tariff(x)), self.weights)


@dataclass(frozen=True)
class _Objective:
    """Minus the weighted welfare, as the optimiser sees it: failures explained, solves counted."""

    welfare: _Welfare
    used0: int
    progress: Progress | None

    @property
    def box(self) -> tuple[float, float]:
        """The search box of every rate."""
        return self.welfare.box

    def failed(self, x: Array, exc: ConvergenceError) -> ConvergenceError:
        """The model's failure at ``x``, said in the search's terms."""
        rates = ", ".join(f"{100 * v:.2f}%" for v in x)
        lo, hi = self.box
        return ConvergenceError(
            f"optimal tariffs for {', '.join(self.welfare.weights)}: the model has no solution at "
            f"rates [{rates}] inside the search box {lo:g}..{hi:g}; narrow --bounds or use the "
            f"balanced closure. Model said: {exc.message}",
            exc.report,
        )

    def tick(self) -> None:
        """Report the solves so far."""
        if self.progress is not None:
            self.progress(self.welfare.problem.evaluations - self.used0, None)

    def value(self, x: Array) -> float:
        """Minus the objective at rates ``x``."""
        try:
            welfare = self.welfare(x)
        except ConvergenceError as exc:
            raise self.failed(x, exc) from exc
        self.tick()
        return -welfare

    def value_and_gradient(self, x: Array) -> tuple[float, Array]:
        """Minus the objective and its gradient, from the model's own (adjoint) gradient."""
        problem, weights = self.welfare.problem, self.welfare.weights
        try:
            eq, g = problem.evaluate_gradient(self.welfare.tariff(x), weights)
        except ConvergenceError as exc:
            raise self.failed(x, exc) from exc
        self.tick()
        grad = -np.concatenate([i.project(g) for i in self.welfare.instruments])
        return -problem.objective(eq, weights), grad

    def differences(self, x: Array, mapper: Mapper) -> Array:
        """The gradient by central differences, one coordinate per task of ``mapper``."""
        if mapper is serial_map:
            g = np.empty_like(x)
            for k in range(x.size):
                g[k] = _difference(self.value, x, k, *self.box)
            return g
        used = mapper(_partial, [_Partial(self.welfare, x, k) for k in range(x.size)])
        self.welfare.problem.evaluations += 2 * x.size
        self.tick()
        return -np.asarray(used, dtype=float)


def _search_scalar(goal: _Objective, xtol: float, max_iter: int) -> tuple[Array, Any, str]:
    """One rate: bounded Brent."""
    res = optimize.minimize_scalar(
        lambda t: goal.value(np.array([t])),
        bounds=goal.box,
        method="bounded",
        options={"xatol": xtol, "maxiter": max_iter},
    )
    return np.array([float(res.x)]), res, "bounded Brent (minimize_scalar)"


def _search_box(
    goal: _Objective, start: Array, scale: Array, mapper: Mapper, max_iter: int
) -> tuple[Array, Any, str]:
    """Several rates: L-BFGS-B with the model's gradient, else central differences.

    Diagonal preconditioning: welfare's curvature in a rate grows with the trade it taxes, so
    the search runs in ``y = x * scale`` with ``scale ~ sqrt(trade share)``; rates on (almost) no
    trade would otherwise make the problem badly conditioned.
    """
    lo, hi = goal.box
    if goal.welfare.problem.gradient is not None:

        def fun(y: Array) -> tuple[float, Array]:
            f, g = goal.value_and_gradient(y / scale)
            return f, g / scale

        method = "L-BFGS-B (adjoint gradient)"
    else:

        def fun(y: Array) -> tuple[float, Array]:
            x = y / scale
            return goal.value(x), goal.differences(x, mapper) / scale

        method = "L-BFGS-B (central-difference gradient)"
    res = optimize.minimize(
        fun,
        np.clip(start, lo, hi) * scale,
        jac=True,
        method="L-BFGS-B",
        bounds=list(zip(lo * scale, hi * scale, strict=True)),
        options={"maxiter": max_iter, "ftol": 1e-14, "gtol": GTOL},
    )
    return np.clip(np.asarray(res.x, dtype=float) / scale, lo, hi), res, method


def _scales(eq: Equilibrium, instruments: Sequence[Instrument]) -> Array:
    """Square root of each rate's share of the taxed trade (floored at 1e-2), one per rate."""
    trade = eq.bilateral.get("trade_baseline")
    volumes = []
    for inst in instruments:
        if trade is None:
            volumes.extend([1.0] * inst.size)
            continue
        taxed = trade.sel({dims.IMPORTER: inst.country, dims.EXPORTER: list(inst.against)})
        taxed = taxed.sum(dims.EXPORTER)
        if inst.sectors is None:
            volumes.append(float(taxed.sum()))
        else:
            volumes.extend(float(taxed.sel({dims.SECTOR: s})) for s in inst.sectors)
    v = np.asarray(volumes, dtype=float)
    if not np.all(np.isfinite(v)) or v.max() <= 0:
        return np.ones_like(v)
    out: Array = np.sqrt(np.maximum(v / v.max(), 1e-4))
    return out


def _difference(f: Callable[[Array], float], x: Array, k: int, lo: float, hi: float) -> float:
    """Derivative of ``f`` along rate ``k``: central, or second-order one-sided at a bound.

    Near a bound the central stencil would evaluate outside the box, where some models reject
    the tariff (a negative rate); the one-sided stencil stays inside.
    """
    h = GRAD_STEP

    def at(step: float) -> float:
        y = x.copy()
        y[k] += step
        return f(y)

    if x[k] - h < lo:
        return (-3 * at(0.0) + 4 * at(h) - at(2 * h)) / (2 * h)
    if x[k] + h > hi:
        return (3 * at(0.0) - 4 * at(-h) + at(-2 * h)) / (2 * h)
    return (at(h) - at(-h)) / (2 * h)


@dataclass(frozen=True)
class _Partial:
    """One coordinate of a finite-difference gradient, shipped to a worker."""

    welfare: _Welfare
    x: Array
    k: int


def _partial(task: _Partial) -> float:
    """Derivative of the weighted welfare along rate ``k`` (top level, for Dask)."""
    return _difference(task.welfare, task.x, task.k, *task.welfare.box)


def uniform_tariff_formula(
    eq: Equilibrium, tariff: xr.DataArray, country: str, eps: float
) -> float:
    r"""Closed-form optimal uniform import tariff of ``country`` at equilibrium ``eq``.

    ``t* = 1 / (eps * sum_j chi_j (1 - lambda_j) / (1 - m_j lambda_j))`` over export markets
    ``j``, with ``chi_j`` the share of ``j`` in the country's exports, ``lambda_j`` the country's
    share in ``j``'s spending and ``m_j = t_j / (1 + t_j)`` for ``j``'s tariff on it (derivation in
    ``docs/strategy.md``). Exact in the two-country one-sector model with balanced trade; in a
    many-country world it is the sufficient-statistic approximation of Lashkaripour (2021), which
    holds the other countries' relative wages fixed. Evaluate it at the optimum: it is a
    fixed-point condition, not an explicit solution.
    """
    trade = eq.bilateral["trade"].sum(dims.SECTOR)
    t = tariff.isel({dims.SECTOR: 0}, drop=True) if dims.SECTOR in tariff.dims else tariff
    if dims.SECTOR in tariff.dims and tariff.sizes[dims.SECTOR] != 1:
        raise ScenarioError("The closed-form optimal tariff is for the one-sector model only.")
    gross = trade * (1 + t)
    lam = (gross / gross.sum(dims.EXPORTER)).sel({dims.EXPORTER: country})
    exports = trade.sel({dims.EXPORTER: country}).drop_sel({dims.IMPORTER: country})
    chi = exports / exports.sum()
    markets = chi[dims.IMPORTER].values
    lam = lam.sel({dims.IMPORTER: markets})
    m = (t / (1 + t)).sel({dims.EXPORTER: country, dims.IMPORTER: markets})
    stat = float((chi * (1 - lam) / (1 - m * lam)).sum())
    return 1.0 / (eps * stat)
