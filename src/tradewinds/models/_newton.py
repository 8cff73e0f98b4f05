"""Newton's method with an analytic Jacobian, chord steps, backtracking and a tâtonnement fallback.

Shared by the models' solvers. The caller supplies ``system(x) -> (residual, jacobian)``, where
``jacobian`` is an array or a zero-argument callable that computes it only when asked, and a
``measure(x) -> float`` that states convergence in the model's own terms (max relative excess
demand).

- The LU factors of the Jacobian are reused while each step cuts the residual norm at least a
  hundredfold (chord steps); otherwise the Jacobian is refreshed at the new point. Near the solution
  this keeps Newton's fast convergence at a fraction of the cost of a Jacobian per step.
- Steps are halved while the residual norm does not fall or turns non-finite, so no damping
  factor needs tuning; a step is also capped in size so extreme shocks cannot overflow.
- Far from the solution of a very large shock the residual norm can have a local minimum where
  Newton stalls; the caller's ``fallback`` (a tâtonnement step that raises the price of goods in
  excess demand, globally convergent under gross substitutes) then moves the iterate until the
  norm halves, and Newton resumes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from tradewinds.core.errors import ConvergenceError
from tradewinds.core.solver import SolverReport

Array = np.ndarray[Any, np.dtype[np.float64]]
Jacobian = Array | Callable[[], Array]
System = Callable[[Array], tuple[Array, Jacobian]]

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


def _jacobian(jac: Jacobian) -> Array:
    return jac() if callable(jac) else jac


def _factor(jac: Array) -> Any:
    """LU factors of ``jac`` (scipy), or, for a small system, the matrix itself (numpy)."""
    if jac.shape[0] <= DENSE_MAX:
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
        except np.linalg.LinAlgError:  # singular: let the line search see a non-finite step
            return np.full_like(rhs, np.nan)


def _solve(lu: Any, rhs: Array) -> Array:
    if isinstance(lu, _Dense):
        return lu.solve(rhs)
    from scipy.linalg import lu_solve

    return np.asarray(lu_solve(lu, rhs, check_finite=False), dtype=float)


def newton(
    system: System,
    measure: Callable[[Array], float],
    x0: Array,
    *,
    tol: float,
    max_iter: int,
    what: str,
    fallback: Callable[[Array], Array] | None = None,
    max_fallback: int = 2000,
) -> tuple[Array, SolverReport]:
    """Solve ``system(x)[0] = 0`` from ``x0``; raise :class:`ConvergenceError` on failure."""
    start = time.perf_counter()
    x = x0.astype(float).copy()
    f, jac = system(x)
    norm = float(np.linalg.norm(f))
    err = measure(x)
    iterations = 0
    lu: Any = None

    def report(converged: bool) -> SolverReport:
        return SolverReport(
            converged=converged,
            iterations=iterations,
            max_residual=err,
            tolerance=tol,
            seconds=time.perf_counter() - start,
            method="newton (analytic jacobian)",
        )

    while err > tol:
        if iterations >= max_iter:
            raise ConvergenceError(
                f"{what}: no solution within {max_iter} iterations; the shock may be too "
                "extreme for this baseline. Try a smaller shock or check the data",
                report(False),
            )
        iterations += 1
        fresh = lu is None
        if fresh:
            lu = _factor(_jacobian(jac))
        accepted = _line_search(system, x, f, norm, lu)
        if accepted is None and not fresh:
            lu = _factor(_jacobian(jac))  # the stale Jacobian misled: refresh and retry
            fresh = True
            accepted = _line_search(system, x, f, norm, lu)
        if accepted is None:
            trial, f_new, jac_new, norm_new, used = _tatonnement(
                system, fallback, x, norm, max_fallback
            )
            iterations += used
            if trial is None:
                err = measure(x)
                raise ConvergenceError(
                    f"{what}: neither Newton nor tâtonnement could reduce the residual",
                    report(False),
                )
            accepted = (trial, f_new, jac_new, norm_new, False)
        trial, f_new, jac_new, norm_new, full_step = accepted
        if not full_step or norm_new > CHORD_GAIN * norm:
            lu = None  # slow progress: refresh the Jacobian at the new point
        x, f, jac, norm = trial, f_new, jac_new, norm_new
        err = measure(x)
    return x, report(True)


def _line_search(
    system: System, x: Array, f: Array, norm: float, lu: Any
) -> tuple[Array, Array, Jacobian, float, bool] | None:
    """Backtrack along the (capped) Newton step until the residual norm falls."""
    step = _solve(lu, -f)
    biggest = float(np.max(np.abs(step))) if step.size else 0.0
    if not np.isfinite(biggest):
        return None
    if biggest > MAX_STEP:
        step *= MAX_STEP / biggest
    alpha = 1.0
    for _ in range(MAX_HALVINGS):
        trial = x + alpha * step
        f_new, jac_new = system(trial)
        norm_new = float(np.linalg.norm(f_new))
        if np.isfinite(norm_new) and norm_new < norm * (1 - 1e-4 * alpha) + 1e-300:
            return trial, f_new, jac_new, norm_new, alpha == 1.0 and biggest <= MAX_STEP
        alpha *= 0.5
    return None


def _tatonnement(
    system: System,
    fallback: Callable[[Array], Array] | None,
    x: Array,
    norm: float,
    max_steps: int,
) -> tuple[Any, Any, Any, float, int]:
    """Apply ``fallback`` until the residual norm halves; ``None`` on failure."""
    if fallback is None:
        return None, None, None, norm, 0
    trial = x
    for step in range(1, max_steps + 1):
        trial = fallback(trial)
        f_new, jac_new = system(trial)
        norm_new = float(np.linalg.norm(f_new))
        if not np.isfinite(norm_new):
            break
        if norm_new < 0.5 * norm:
            return trial, f_new, jac_new, norm_new, step
    return None, None, None, norm, max_steps
