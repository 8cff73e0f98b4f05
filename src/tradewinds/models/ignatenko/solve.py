"""Solution strategy for the Ignatenko et al. (2025) equilibrium.

Every stage runs the models' one Newton routine (:mod:`tradewinds.models._newton`) on the
kernel's residuals and analytic Jacobian:

1. Newton–chord from the baseline (:data:`CHORD`): the Jacobian's factorisation is reused while
   steps at least halve the residual, since a chord step costs about a twentieth of a fresh
   Jacobian and its factorisation on 388 unknowns. On the paper's cases this is the whole solve.
2. If that stalls, continuation: the shock is scaled from 0 to 1 (tariffs ``s t``, trade-cost
   changes ``d_hat^s``), each solution starting the next step, and the step is halved on
   failure. Large shocks that defeat a cold start are usually reached this way.
3. Last resort: Newton with backtracking on every step and a tâtonnement fallback
   (:data:`FULL`) from the first stalled iterate.

If all three fail, a :class:`ConvergenceError` says where the conditions fail worst and why
that happens in this model.
"""

from __future__ import annotations

import time

import numpy as np

from tradewinds.core.errors import ConvergenceError
from tradewinds.core.solver import SolverReport
from tradewinds.models._newton import TOL, NewtonError, Settings, newton
from tradewinds.models._threads import single_blas_thread
from tradewinds.models.ignatenko.calibration import Array, IgnatenkoBaseline
from tradewinds.models.ignatenko.kernel import Kernel, Params, State

WHAT = "Ignatenko et al. (2025) equilibrium"
#: Stage 1 and continuation: chord steps (full length only) while each at least halves the
#: residual; always scipy's LU factors, which the chord steps reuse.
CHORD = Settings(
    what=WHAT,
    method="newton-chord (analytic jacobian)",
    chord_gain=0.5,
    stale_halvings=1,
    dense_max=0,
)
#: Stage 3: a fresh Jacobian unless a full step cuts the residual a hundredfold, backtracking on
#: every step, then tâtonnement.
FULL = Settings(what=WHAT, dense_max=0)
#: First continuation step, and the smallest one tried before giving up.
FIRST_STEP = 0.25
MIN_STEP = 1 / 256
#: Iterations allowed per continuation step (each starts next to its solution).
STEP_ITER = 40


def _newton(
    kernel: Kernel, z0: Array, tol: float, max_iter: int, settings: Settings = CHORD
) -> tuple[Array, SolverReport]:
    fallback = None if settings is CHORD else kernel.tatonnement
    return newton(
        kernel.system,
        kernel.measure,
        z0,
        tol=tol,
        max_iter=max_iter,
        what=WHAT,
        fallback=fallback,
        settings=settings,
    )


def _continuation(
    base: IgnatenkoBaseline, tariff: Array, cost_hat: Array, params: Params, tol: float
) -> tuple[bool, Kernel, Array, float, int, int]:
    """Follow the shock from 0 to 1.

    Returns whether it arrived, the kernel and solution of the furthest point reached, that
    point's share of the shock, the steps taken and the iterations used.
    """
    n = base.size
    s, h, z = 0.0, FIRST_STEP, np.zeros(2 * n)
    reached = Kernel(base, 0 * tariff, np.ones_like(cost_hat), params, tol)
    steps = iterations = 0
    while True:
        target = min(1.0, s + h)
        kernel = Kernel(base, target * tariff, np.power(cost_hat, target), params, tol)
        try:
            z_new, report = _newton(kernel, z, tol, STEP_ITER)
        except NewtonError as exc:
            iterations += exc.report.iterations
            h /= 2
            if h < MIN_STEP:
                return False, reached, z, s, steps, iterations
            continue
        iterations += report.iterations
        s, z, steps, reached = target, z_new, steps + 1, kernel
        if s >= 1.0:
            return True, kernel, z, s, steps, iterations
        h = min(2 * h, 0.5)


@single_blas_thread
def solve_kernel(
    base: IgnatenkoBaseline,
    tariff: Array,
    cost_hat: Array,
    params: Params,
    *,
    tol: float = TOL,
    max_iter: int = 100,
    labels: list[str] | None = None,
) -> tuple[State, Kernel, SolverReport]:
    """Solve (K1)-(K9) for a shock; raise :class:`ConvergenceError` if every strategy fails."""
    start = time.perf_counter()
    kernel = Kernel(base, tariff, cost_hat, params, tol)
    try:
        z, first = _newton(kernel, np.zeros(2 * base.size), tol, max_iter)
    except NewtonError as exc:
        stalled, used = exc.last, exc.report.iterations
    else:
        return kernel.state(z), kernel, first
    arrived, path_kernel, z, reached, steps, iterations = _continuation(
        base, tariff, cost_hat, params, tol
    )
    iterations += used
    if arrived:
        report = SolverReport(
            converged=True,
            iterations=iterations,
            max_residual=path_kernel.measure(z),
            tolerance=tol,
            seconds=time.perf_counter() - start,
            method=f"newton-chord (analytic jacobian), continuation in {steps} steps",
        )
        return path_kernel.state(z), path_kernel, report
    edge = path_kernel.diagnose(z, labels, residuals=False)
    try:
        z, last = _newton(kernel, stalled, tol, max_iter, FULL)
    except ConvergenceError as exc:
        reason = exc.message.removesuffix(f" ({exc.report.summary()})")
        raise ConvergenceError(
            f"{reason}. From the baseline, {kernel.diagnose(stalled, labels)}. Continuation "
            f"solved the model up to {reached:.0%} of the shock, where {edge}. Parameters: "
            f"eps={params.eps:g}, kappa={params.kappa:g}, psi={params.psi:g}, "
            f"recycling={params.recycling}; largest tariff {float(tariff.max()):.3g}. Transfers "
            "are a fixed share of world income, which a very large shock can make impossible "
            "for a country with a big surplus, and under income-tax relief revenue may approach "
            "a country's whole labour income. Try a smaller shock or the lump-sum rebate",
            _report(exc.report, iterations, start, steps),
        ) from exc
    return kernel.state(z), kernel, _report(last, iterations, start, steps)


def _report(last: SolverReport, iterations: int, start: float, steps: int) -> SolverReport:
    """One report for the whole strategy, ending with full Newton."""
    return SolverReport(
        converged=last.converged,
        iterations=iterations + last.iterations,
        max_residual=last.max_residual,
        tolerance=last.tolerance,
        seconds=time.perf_counter() - start,
        method=f"newton-chord, continuation ({steps} steps), then {last.method}",
    )
