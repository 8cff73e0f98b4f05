"""The one Newton routine of every model: analytic Jacobian, chord or Broyden, one line search.

A model states its equations as a :class:`Problem`: ``evaluate(x, origin)`` returns a point
holding ``x`` and the residual ``f`` (non-finite outside the model's domain), ``jacobian(point)``
the analytic ``df/dx`` there and ``error(point)`` the model's own convergence measure (max
relative excess demand). :func:`solve` then iterates:

- **Jacobian reuse.** With ``update="chord"`` the factors of the Jacobian are kept while each
  full step cuts the residual norm by at least ``chord_gain`` (a chord, or Shamanskii, step
  costs one residual and a triangular solve); otherwise the Jacobian is refreshed at the new
  point. With ``update="broyden"`` the Jacobian is updated by Broyden's rank-one formula after
  every step and recomputed exactly whenever an updated one fails to give a step that reduces
  the residual.
- **One line search.** A step is capped in size (``max_step``, the unknowns being logs) and
  halved while the residual norm does not fall by the Armijo margin or turns non-finite; a step
  with a reused Jacobian tries ``stale_halvings`` lengths before the Jacobian is refreshed.
- **Fallback.** Far from the solution of a very large shock the residual norm can have a local
  minimum where Newton stalls; the problem's ``fallback`` (a tâtonnement step that raises the
  price of goods in excess demand, globally convergent under gross substitutes) then moves the
  iterate until the norm halves, and Newton resumes.

Failure raises :class:`NewtonError` (a :class:`ConvergenceError` carrying the
:class:`SolverReport` and the last iterate, for a caller that tries another strategy from
there); an unconverged point is never returned. :func:`newton` is the same routine for a plain
``system(x) -> (residual, jacobian)``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, TypeVar

import numpy as np

from tradewinds.core.errors import ConvergenceError
from tradewinds.core.solver import SolverReport

Array = np.ndarray[Any, np.dtype[np.float64]]
Jacobian = Array | Callable[[], Array]
System = Callable[[Array], tuple[Array, Jacobian]]
Update = Literal["chord", "broyden"]

#: Default tolerance of every model: max excess demand relative to income at the solution.
TOL = 1e-10
#: Largest Newton step in any coordinate (the unknowns are logs, so 3 is a factor of 20).
MAX_STEP = 3.0
#: Halvings tried before a line search gives up.
MAX_HALVINGS = 40
#: A chord step must cut the residual norm by this factor to keep the old Jacobian.
CHORD_GAIN = 0.01
#: Up to this many unknowns a step solves the Jacobian afresh with numpy (microseconds to a few
#: milliseconds) instead of keeping scipy's LU factors: importing scipy.linalg costs 0.3-0.9 s,
#: more than every factorization of a small model's whole solve.
DENSE_MAX = 400


class Point(Protocol):
    """An evaluated iterate: the unknowns and the residual the line search measures."""

    @property
    def x(self) -> Array: ...

    @property
    def f(self) -> Array: ...


P = TypeVar("P", bound=Point)


class Problem(Generic[P]):
    """The equations of one solve; subclasses implement the first three methods."""

    def evaluate(self, x: Array, origin: P | None) -> P:
        """The point at ``x``; ``origin`` is the accepted iterate the step starts from."""
        raise NotImplementedError

    def jacobian(self, point: P) -> Array:
        """The analytic Jacobian ``df/dx`` at ``point`` (a fresh array the solver may modify)."""
        raise NotImplementedError

    def error(self, point: P) -> float:
        """The model's convergence measure at ``point`` (compared with the tolerance)."""
        raise NotImplementedError

    def refine(self, point: P) -> P | None:
        """A more accurate evaluation of a converged ``point``, or ``None`` if it is final."""
        return None

    def fallback(self, point: P) -> Array | None:
        """A globally convergent (tâtonnement) step from ``point``, or ``None`` if there is none."""
        return None

    def pin(self, jac: Array, point: P) -> None:
        """Overwrite, in place, rows of an updated Jacobian that are known exactly at ``point``."""


@dataclass(frozen=True)
class Settings:
    """How :func:`solve` iterates; the defaults are those of the one-sector model.

    ``what`` names the equilibrium in messages, ``advice`` ends the message of a failure and
    ``method`` names the solver in the report.
    """

    tol: float = TOL
    max_iter: int = 100
    what: str = "equilibrium"
    advice: str = (
        "the shock may be too extreme for this baseline. Try a smaller shock or check the data"
    )
    method: str = "newton (analytic jacobian)"
    update: Update = "chord"
    chord_gain: float = CHORD_GAIN
    max_step: float = MAX_STEP
    halvings: int = MAX_HALVINGS
    stale_halvings: int = MAX_HALVINGS
    slack: float = 1e-300
    dense_max: int = DENSE_MAX
    max_fallback: int = 2000


class NewtonError(ConvergenceError):
    """No solution was found; ``last`` is the last accepted iterate (never an answer)."""

    def __init__(self, message: str, report: SolverReport, last: Array) -> None:
        super().__init__(message, report)
        self.last = last


@dataclass(frozen=True)
class Solution(Generic[P]):
    """A converged point, its report and the Broyden Jacobian of the last step (if any)."""

    point: P
    report: SolverReport
    jacobian: Array | None = None


def solve(
    problem: Problem[P], x0: Array | P, settings: Settings, *, jacobian: Array | None = None
) -> Solution[P]:
    """Solve ``f(x) = 0`` from ``x0`` (unknowns, or a point already evaluated there).

    ``jacobian`` (Broyden only) is a Jacobian near ``x0`` to start from, such as the last one of
    a nearby solve; it is treated as an updated one, so it is recomputed if it misleads. Raise
    :class:`NewtonError` on failure.
    """
    start = time.perf_counter()
    point: P = (
        x0 if not isinstance(x0, np.ndarray) else problem.evaluate(np.array(x0, dtype=float), None)
    )
    norm = _norm(point.f)
    iterations = factorisations = 0
    broyden = settings.update == "broyden"
    jac = None if jacobian is None or not broyden else np.array(jacobian, dtype=float)
    factors: Any = None
    fresh = False

    def report(converged: bool, err: float) -> SolverReport:
        method = settings.method
        if factorisations and not broyden:
            method += f", {factorisations} factorisations"
        return SolverReport(
            converged=converged,
            iterations=iterations,
            max_residual=err,
            tolerance=settings.tol,
            seconds=time.perf_counter() - start,
            method=method,
        )

    def fail(message: str) -> NewtonError:
        return NewtonError(
            f"{settings.what}: {message}", report(False, problem.error(point)), point.x
        )

    def refresh() -> Any:
        nonlocal jac, fresh, factorisations
        jac = problem.jacobian(point)
        factorisations += 1
        fresh = True
        return _factor(jac, settings.dense_max)

    while True:
        err = problem.error(point)
        if err <= settings.tol:
            better = problem.refine(point)
            if better is None:
                break
            point, norm = better, _norm(better.f)
            continue
        if iterations >= settings.max_iter:
            raise fail(
                f"no solution within {settings.max_iter} Newton iterations; {settings.advice}"
            )
        iterations += 1
        if factors is None:
            if jac is None:
                factors = refresh()
            else:  # an updated (Broyden) Jacobian: pin its exact rows and solve with it
                problem.pin(jac, point)
                factors = _factor(jac, settings.dense_max)
        tries = settings.halvings if fresh else settings.stale_halvings
        accepted = _line_search(problem, point, norm, factors, settings, tries)
        if accepted is None and not fresh:  # the reused Jacobian misled: refresh and retry
            factors = refresh()
            accepted = _line_search(problem, point, norm, factors, settings, settings.halvings)
        if accepted is None:
            found, used = _tatonnement(problem, point, norm, settings.max_fallback)
            iterations += used
            if found is None:
                raise fail(f"Newton steps no longer reduce the residual; {settings.advice}")
            accepted = (found, _norm(found.f), False)
            jac = factors = None
        new, norm_new, full_step = accepted
        if broyden and jac is not None:
            s_vec = new.x - point.x
            jac = jac + np.outer(new.f - point.f - jac @ s_vec, s_vec) / float(s_vec @ s_vec)
            factors = None
        elif not full_step or norm_new > settings.chord_gain * norm:
            jac = factors = None  # slow progress: refresh the Jacobian at the new point
        fresh = False
        point, norm = new, norm_new
    return Solution(point, report(True, err), jac if broyden and iterations else None)


def _norm(f: Array) -> float:
    return float(np.linalg.norm(f))


def _line_search(
    problem: Problem[P], point: P, norm: float, factors: Any, settings: Settings, tries: int
) -> tuple[P, float, bool] | None:
    """Backtrack along the (capped) Newton step until the residual norm falls; ``None`` if not."""
    step = _solve(factors, -point.f)
    biggest = float(np.max(np.abs(step))) if step.size else 0.0
    if not np.isfinite(biggest):
        return None
    if biggest > settings.max_step:
        step *= settings.max_step / biggest
    alpha = 1.0
    for _ in range(tries):
        trial = problem.evaluate(point.x + alpha * step, point)
        norm_new = _norm(trial.f)
        if np.isfinite(norm_new) and norm_new < norm * (1 - 1e-4 * alpha) + settings.slack:
            return trial, norm_new, alpha == 1.0 and biggest <= settings.max_step
        alpha *= 0.5
    return None


def _tatonnement(
    problem: Problem[P], point: P, norm: float, max_steps: int
) -> tuple[P | None, int]:
    """Apply the problem's fallback until the residual norm halves; ``None`` on failure."""
    trial = point
    for step in range(1, max_steps + 1):
        x_new = problem.fallback(trial)
        if x_new is None:
            return None, step - 1
        trial = problem.evaluate(x_new, point)
        norm_new = _norm(trial.f)
        if not np.isfinite(norm_new):
            break
        if norm_new < 0.5 * norm:
            return trial, step
    return None, max_steps


def _factor(jac: Array, dense_max: int) -> Any:
    """LU factors of ``jac`` (scipy), or, for a small system, the matrix itself (numpy)."""
    if jac.shape[0] <= dense_max:
        return _Dense(np.array(jac, dtype=float))
    import warnings

    from scipy.linalg import LinAlgWarning, lu_factor

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LinAlgWarning)
        return lu_factor(jac, check_finite=False)


class _Dense:
    """A small Jacobian kept whole: each solve is one LAPACK ``gesv`` through numpy."""

    def __init__(self, jac: Array) -> None:
        self.jac = jac

    def solve(self, rhs: Array) -> Array:
        try:
            return np.asarray(np.linalg.solve(self.jac, rhs), dtype=float)
        except np.linalg.LinAlgError:  # singular: the least-squares step, checked by the search
            if not np.all(np.isfinite(self.jac)):
                return np.full_like(rhs, np.nan)
            return np.asarray(np.linalg.lstsq(self.jac, rhs, rcond=None)[0], dtype=float)


def _solve(factors: Any, rhs: Array) -> Array:
    if isinstance(factors, _Dense):
        return factors.solve(rhs)
    from scipy.linalg import lu_solve

    return np.asarray(lu_solve(factors, rhs, check_finite=False), dtype=float)


@dataclass(frozen=True)
class _Evaluated:
    x: Array
    f: Array
    jac: Jacobian


class Equations(Problem[_Evaluated]):
    """A plain system ``system(x) -> (residual, jacobian)`` as a :class:`Problem`.

    ``jacobian`` is an array or a zero-argument callable that computes it only when asked;
    ``measure(x)`` states convergence; ``fallback(x)`` is an optional tâtonnement step.
    """

    def __init__(
        self,
        system: System,
        measure: Callable[[Array], float],
        fallback: Callable[[Array], Array] | None = None,
    ) -> None:
        self.system = system
        self.measure = measure
        self.step = fallback

    def evaluate(self, x: Array, origin: _Evaluated | None) -> _Evaluated:
        f, jac = self.system(x)
        return _Evaluated(x, f, jac)

    def jacobian(self, point: _Evaluated) -> Array:
        jac = point.jac
        return np.array(jac() if callable(jac) else jac, dtype=float)

    def error(self, point: _Evaluated) -> float:
        return self.measure(point.x)

    def fallback(self, point: _Evaluated) -> Array | None:
        return None if self.step is None else self.step(point.x)


def newton(
    system: System,
    measure: Callable[[Array], float],
    x0: Array,
    *,
    tol: float,
    max_iter: int,
    what: str,
    fallback: Callable[[Array], Array] | None = None,
    settings: Settings | None = None,
) -> tuple[Array, SolverReport]:
    """:func:`solve` on a plain system; ``settings`` (default: the one-sector's) sets the rest."""
    base = settings or Settings()
    chosen = Settings(**{**base.__dict__, "tol": tol, "max_iter": max_iter, "what": what})
    solution = solve(Equations(system, measure, fallback), x0, chosen)
    return solution.point.x, solution.report
