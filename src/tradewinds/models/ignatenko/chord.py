"""Newton's method that keeps a factorised analytic Jacobian while it contracts fast.

Each Newton step on the 2N = 388 unknowns of the 194-country model costs one analytic Jacobian
and one LU factorisation, which dominate a solve. Once the iterate is close, the Jacobian
barely changes, so the factorisation is reused (a chord, or Shamanskii, step costs one residual
and two triangular solves) for as long as each step shrinks the residual norm by at least
``1 / refresh_ratio``; a slower step, or one that fails to reduce the norm, triggers a fresh
Jacobian. Fresh steps backtrack like :func:`tradewinds.models._newton.newton`. If a fresh step
cannot reduce the norm, the solver stops and reports it, and the caller hands the iterate to
that full Newton with its tâtonnement fallback.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import scipy.linalg

from tradewinds.core.solver import SolverReport
from tradewinds.models._newton import MAX_HALVINGS, MAX_STEP, Array

#: Reuse the factorised Jacobian while each step at least halves the residual norm: a chord
#: step costs about a twentieth of a fresh Jacobian and its factorisation on 194 countries.
REFRESH_RATIO = 0.5


def newton_chord(
    residual: Callable[[Array], Array],
    jacobian: Callable[[Array], Array],
    measure: Callable[[Array], float],
    x0: Array,
    *,
    tol: float,
    max_iter: int,
    refresh_ratio: float = REFRESH_RATIO,
) -> tuple[Array, SolverReport]:
    """Solve ``residual(x) = 0``; the report says whether ``measure(x) <= tol`` was reached."""
    start = time.perf_counter()
    x = x0.astype(float).copy()
    f = residual(x)
    norm = float(np.linalg.norm(f))
    err = measure(x)
    iterations = 0
    factorisations = 0
    lu: tuple[Array, Array] | None = None
    refresh = True

    def report(converged: bool) -> SolverReport:
        return SolverReport(
            converged=converged,
            iterations=iterations,
            max_residual=err,
            tolerance=tol,
            seconds=time.perf_counter() - start,
            method=f"newton-chord (analytic jacobian, {factorisations} factorisations)",
        )

    while err > tol:
        if iterations >= max_iter:
            return x, report(False)
        fresh = refresh or lu is None
        if fresh:
            lu = scipy.linalg.lu_factor(jacobian(x), check_finite=False)
            factorisations += 1
        assert lu is not None
        step = scipy.linalg.lu_solve(lu, -f, check_finite=False)
        biggest = float(np.max(np.abs(step))) if step.size else 0.0
        if not np.isfinite(biggest):
            if fresh:
                return x, report(False)
            refresh = True
            continue
        if biggest > MAX_STEP:
            step *= MAX_STEP / biggest
        iterations += 1
        alpha = 1.0
        accepted = False
        for _ in range(MAX_HALVINGS if fresh else 1):
            trial = x + alpha * step
            f_new = residual(trial)
            norm_new = float(np.linalg.norm(f_new))
            if np.isfinite(norm_new) and norm_new < norm * (1 - 1e-4 * alpha) + 1e-300:
                accepted = True
                break
            alpha *= 0.5
        if not accepted:
            if fresh:
                return x, report(False)
            refresh = True
            continue
        refresh = norm_new > refresh_ratio * norm
        x, f, norm = trial, f_new, norm_new
        err = measure(x)
    return x, report(True)
