"""Newton's method with an analytic Jacobian, automatic backtracking and a tâtonnement fallback.

Shared by the models' solvers. The caller supplies ``F(x) -> (residual, jacobian)`` and a
``measure(x) -> float`` that states convergence in the model's own terms (max relative excess
demand). Steps are halved while the residual norm does not fall or turns non-finite, so no
damping factor needs tuning; a step is also capped in size so extreme shocks cannot overflow.
Far from the solution of a very large shock the residual norm can have a local minimum where
Newton stalls; the caller's ``fallback`` (a tâtonnement step that raises the price of goods in
excess demand, globally convergent under gross substitutes) then moves the iterate until the
norm falls below the stalled value, and Newton resumes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from tradewinds.core.errors import ConvergenceError
from tradewinds.core.solver import SolverReport

Array = np.ndarray[Any, np.dtype[np.float64]]

#: Largest Newton step in any coordinate (the unknowns are logs, so 3 is a factor of 20).
MAX_STEP = 3.0
#: Halvings tried before a line search gives up.
MAX_HALVINGS = 40


def newton(
    system: Callable[[Array], tuple[Array, Array]],
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
        try:
            step = np.linalg.solve(jac, -f)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(jac, -f, rcond=None)[0]
        biggest = float(np.max(np.abs(step))) if step.size else 0.0
        if not np.isfinite(biggest):
            raise ConvergenceError(f"{what}: the Jacobian is singular", report(False))
        if biggest > MAX_STEP:
            step *= MAX_STEP / biggest
        alpha = 1.0
        for _ in range(MAX_HALVINGS):
            trial = x + alpha * step
            f_new, jac_new = system(trial)
            norm_new = float(np.linalg.norm(f_new))
            if np.isfinite(norm_new) and norm_new < norm * (1 - 1e-4 * alpha) + 1e-300:
                break
            alpha *= 0.5
        else:
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
        x, f, jac, norm = trial, f_new, jac_new, norm_new
        err = measure(x)
    return x, report(True)


def _tatonnement(
    system: Callable[[Array], tuple[Array, Array]],
    fallback: Callable[[Array], Array] | None,
    x: Array,
    norm: float,
    max_steps: int,
) -> tuple[Any, Any, Any, float, int]:
    """Apply ``fallback`` until the residual norm drops below ``norm``; ``None`` on failure."""
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
