r"""Newton–Broyden solver of the Caliendo–Parro (2015) equilibrium in changes.

Unknowns are ``x = log w_hat`` (one per country). Given ``x``, the prices solve the fixed point of
CP2015 eqs. (10)-(11) and spending the linear system (13) (both in :mod:`._cp_kernels`); the
residual is labour-market clearing, ``F_n = sum_j gamma_n^j Y'_nj / (w_hat_n w_n L_n) - 1``,
which with (13) is the trade balance (14). One equation (the largest country's) is replaced by
the numéraire, world labour income unchanged; Walras' law makes it redundant.

The Jacobian ``dF/dx`` is analytic: the implicit derivatives of prices and spending solve the
linearised (10)-(13) for all N directions at once, by the same batched products as the residual.
It is computed exactly at the start, updated by Broyden's rank-one formula after each step and
recomputed exactly whenever an updated one fails to give a step that reduces the residual; a
counterfactual starts from the baseline solve's last Jacobian. Steps are halved while the
residual norm does not fall (no damping factor to tune) and capped in size.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from tradewinds.core.errors import ConvergenceError
from tradewinds.core.solver import SolverReport
from tradewinds.models._cp_kernels import (
    Array,
    Economy,
    Shock,
    anderson,
    expenditure_operator,
    sales,
    solve_expenditure,
    solve_prices,
)

#: Tolerance of the inner fixed points, well below the outer tolerance.
INNER_TOL = 1e-14
#: Relative accuracy of the Jacobian's linear solves (Newton needs no more).
JACOBIAN_TOL = 1e-6
#: Largest Newton step in any coordinate of ``log w_hat``.
MAX_STEP = 2.0
MAX_HALVINGS = 30


@dataclass(frozen=True)
class Deficits:
    """Deficits ``D'_n`` of a closure, in units of world labour income.

    ``phi`` is ``None`` for fixed levels ``level``. Otherwise (the ``ratio`` closure) final
    spending net of tariffs is a fixed multiple of labour income up to one world factor,
    ``wL'_n + D'_n = kappa phi_n wL'_n`` with ``kappa = sum wL' / sum phi wL'``, so that
    deficits sum to zero.
    """

    level: Array
    phi: Array | None = None

    def at(self, labour: Array) -> Array:
        """``D'`` given labour income ``w_hat w L``."""
        if self.phi is None:
            return self.level
        kappa = labour.sum() / (self.phi * labour).sum()
        return np.asarray((kappa * self.phi - 1) * labour)

    def derivative(self, labour: Array) -> Array:
        """``dD'_n / d log w_hat_r``."""
        if self.phi is None:
            return np.zeros((labour.size, labour.size))
        total = (self.phi * labour).sum()
        kappa = labour.sum() / total
        d_kappa = labour / total * (1 - kappa * self.phi)  # d kappa / d x_r
        return np.asarray(
            np.outer(self.phi * labour, d_kappa) + np.diag((kappa * self.phi - 1) * labour)
        )


@dataclass(frozen=True)
class State:
    """An evaluated point: wages, prices, shares, spending, output and the residual."""

    x: Array  # log w_hat (N,)
    log_p: Array  # (N, J)
    log_c: Array  # (N, J)
    pi: Array  # (J, N, N)
    spend: Array  # X' (N, J), tariff-inclusive
    output: Array  # Y' (N, J), producer prices
    residual: Array  # labour-market excess demand relative to labour income (N,)
    inner_ok: bool
    inner_tol: float
    d_price: Array | None = None  # last Jacobian's price derivatives, to warm-start the next
    d_spend: Array | None = None
    jac: Array | None = None  # last Jacobian used, for a nearby solve to start from


def evaluate(
    eco: Economy,
    shock: Shock,
    deficit: Deficits,
    x: Array,
    warm: State | None,
    inner_tol: float = INNER_TOL,
    predict: tuple[Array, Array] | None = None,
) -> State:
    """Solve prices and spending at ``x`` to ``inner_tol``; return the labour-market residual."""
    n, j = eco.shape
    log_p0 = warm.log_p if warm is not None else np.zeros((n, j))
    if predict is not None:  # first-order predictor from the last Jacobian's derivatives
        log_p0 = log_p0 + predict[0]
    log_p, log_c, pi_new, _, err_p = solve_prices(eco, shock, x, log_p0, inner_tol)
    b, _m, apply = expenditure_operator(eco, shock, pi_new)
    labour = np.exp(x) * eco.va
    income = labour + deficit.at(labour)
    spend0 = warm.spend if warm is not None else eco.alpha * income[:, None]
    if predict is not None:
        spend0 = spend0 + predict[1]
    spend, _, err_x = solve_expenditure(eco, apply, income, spend0, inner_tol)
    output = sales(b, spend)
    residual = (eco.gva * output).sum(axis=1) / labour - 1
    ok = bool(err_p <= 1e3 * inner_tol and err_x <= 1e3 * inner_tol)
    ok = ok and bool(np.all(np.isfinite(residual)))
    return State(x, log_p, log_c, pi_new, spend, output, residual, ok, inner_tol)


@dataclass(frozen=True)
class Linearization:
    """Derivatives at a point with respect to ``x = log w_hat``, one direction per country.

    ``jac[n, r] = dF_n / dx_r`` (labour-market rows; the caller sets the numéraire row),
    ``d_price[n, j, r] = d log P'_nj / dx_r``, ``d_spend[n, j, r] = d X'_nj / dx_r`` and
    ``d_revenue_share[n, j, r] = d m_nj / dx_r`` (tariff revenue per unit of spending).
    """

    jac: Array
    d_price: Array
    d_spend: Array
    d_revenue_share: Array


def linearize(
    eco: Economy,
    shock: Shock,
    s: State,
    warm: tuple[Array | None, Array | None] = (None, None),
    deficit: Deficits | None = None,
    tol: float = JACOBIAN_TOL,
) -> Linearization:
    """``dF/dx`` by implicit differentiation of eqs. (10)-(13), all directions at once.

    ``warm`` holds the price and spending derivatives of a nearby point to start the linear
    solves from; they are solved to relative accuracy ``tol``.
    """
    n, _ = s.log_p.shape
    theta = eco.theta
    eye = np.eye(n)
    pi_t = s.pi  # (J, N, N)
    io_ukj = eco.io_by_user  # (N, J, K): [i, j, k] = io[i, k, j]

    # Prices: dlogP[n, j, r] = sum_i pi'[j, n, i] dlogc[i, j, r],
    # dlogc[i, j, r] = gva[i, j] delta_ir + sum_k io[i, k, j] dlogP[i, k, r].
    direct = eco.gva[:, :, None] * eye[:, None, :]

    def cost(dp: Array) -> Array:
        return np.asarray(direct + io_ukj @ dp)

    def price_step(dp: Array) -> Array:
        dc = cost(dp)
        return np.asarray((pi_t @ dc.transpose(1, 0, 2)).transpose(1, 0, 2))

    start_p = warm[0] if warm[0] is not None else price_step(np.zeros_like(direct))
    dp, _, _ = anderson(price_step, start_p, tol=tol)
    dc = cost(dp)

    # Shares: dpi'[j, n, i, r] = pi'[j, n, i] (-theta_j) (dc[i, j, r] - dp[n, j, r]).
    b, m, apply = expenditure_operator(eco, shock, s.pi)
    q = b * s.spend.T[:, :, None]  # (J, n, i): b X'
    q_out = q.sum(axis=1)  # (J, i)
    # Output changes through shares at fixed spending: dY_pi[i, k, r].
    dy_pi = -theta[None, :, None] * (q_out.T[:, :, None] * dc) + theta[None, :, None] * (
        q.transpose(0, 2, 1) @ dp.transpose(1, 0, 2)
    ).transpose(1, 0, 2)
    ts = s.pi * shock.tariff_share  # (J, n, i)
    dm = -theta[None, :, None] * (ts @ dc.transpose(1, 0, 2)).transpose(1, 0, 2) + theta[
        None, :, None
    ] * (m[:, :, None] * dp)
    labour = np.exp(s.x) * eco.va
    inter_pi = eco.io @ dy_pi
    income_d = labour[:, None] * eye + np.einsum("njr,nj->nr", dm, s.spend)
    if deficit is not None:
        income_d = income_d + deficit.derivative(labour)
    rhs = inter_pi + eco.alpha[:, :, None] * income_d[:, None, :]

    def spend_step(dx: Array) -> Array:
        return np.asarray(apply(dx) + rhs)

    scale = labour.max()
    start_x = warm[1] if warm[1] is not None else rhs
    dx, _, _ = anderson(spend_step, start_x, tol=tol * scale)
    dy = (b.transpose(0, 2, 1) @ dx.transpose(1, 0, 2)).transpose(1, 0, 2) + dy_pi
    supply = (eco.gva * s.output).sum(axis=1)
    jac = np.einsum("nj,njr->nr", eco.gva, dy) / labour[:, None] - np.diag(supply / labour)
    return Linearization(np.asarray(jac), dp, dx, dm)


def solve(
    eco: Economy,
    shock: Shock,
    deficit: Deficits,
    *,
    tol: float,
    what: str,
    warm: State | None = None,
    max_iter: int = 50,
) -> tuple[State, SolverReport]:
    """Solve for ``x = log w_hat``; raise :class:`ConvergenceError` if the tolerance is not met.

    ``warm`` (a nearby solution, e.g. the baseline equilibrium) supplies the starting point, the
    Jacobian and the derivatives used to predict inner solutions. Inexact: far from the solution
    the inner fixed points are solved only as tightly as the outer residual warrants; the point
    accepted as the solution is always re-evaluated at the full inner tolerance.
    """
    start = time.perf_counter()
    n, _ = eco.shape
    top = int(np.argmax(eco.va))
    world = eco.va.sum()

    def system(s: State) -> Array:
        f = s.residual.copy()
        f[top] = (np.exp(s.x) * eco.va).sum() / world - 1
        return f

    def inner(f: Array) -> float:
        return float(np.clip(1e-4 * np.max(np.abs(f)), INNER_TOL, 1e-6))

    state = evaluate(eco, shock, deficit, np.zeros(n) if warm is None else warm.x, warm)
    iterations = 0

    def report(converged: bool) -> SolverReport:
        return SolverReport(
            converged=converged,
            iterations=iterations,
            max_residual=float(np.max(np.abs(state.residual))),
            tolerance=tol,
            seconds=time.perf_counter() - start,
            method="newton-broyden on log wages (analytic jacobian)",
        )

    if not state.inner_ok:
        raise ConvergenceError(
            f"{what}: prices or spending have no solution at the baseline wages; check that "
            "input-output shares sum below one and final-demand shares sum to one",
            report(False),
        )
    f = system(state)
    norm = float(np.linalg.norm(f))
    last_jac: Array | None = None
    jac: Array | None = None if warm is None or warm.jac is None else warm.jac.copy()
    fresh = False
    derivs: tuple[Array | None, Array | None] = (
        (warm.d_price, warm.d_spend) if warm is not None else (None, None)
    )
    while True:
        if float(np.max(np.abs(f))) <= tol and float(np.max(np.abs(state.residual))) <= tol:
            if state.inner_tol <= INNER_TOL:
                break
            state = evaluate(eco, shock, deficit, state.x, state)
            f = system(state)
            norm = float(np.linalg.norm(f))
            continue
        if iterations >= max_iter:
            raise ConvergenceError(
                f"{what}: no solution within {max_iter} Newton iterations; the shock may be "
                "too extreme for this baseline or the deficits too large for the closure",
                report(False),
            )
        iterations += 1
        if jac is None:
            lin = linearize(eco, shock, state, derivs, deficit)
            jac, derivs = lin.jac, (lin.d_price, lin.d_spend)
            fresh = True
        jac[top, :] = eco.va * np.exp(state.x) / world
        try:
            step = np.linalg.solve(jac, -f)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(jac, -f, rcond=None)[0]
        biggest = float(np.max(np.abs(step)))
        if not np.isfinite(biggest):
            raise ConvergenceError(f"{what}: the Jacobian is singular", report(False))
        if biggest > MAX_STEP:
            step *= MAX_STEP / biggest
        alpha = 1.0
        accepted = None
        for _ in range(MAX_HALVINGS if fresh else 1):
            move = alpha * step
            guess = None
            if derivs[0] is not None and derivs[1] is not None:
                guess = (derivs[0] @ move, derivs[1] @ move)
            trial = evaluate(eco, shock, deficit, state.x + move, state, inner(f), guess)
            f_new = system(trial)
            norm_new = float(np.linalg.norm(f_new))
            if trial.inner_ok and norm_new < norm * (1 - 1e-4 * alpha) + 1e-15:
                accepted = trial
                break
            alpha *= 0.5
        if accepted is None:
            if not fresh:  # the reused Jacobian went stale: recompute it at this point
                jac = None
                continue
            raise ConvergenceError(
                f"{what}: Newton steps no longer reduce the labour-market residual; "
                "the equilibrium may not exist under this closure (large deficits) "
                "or the shock is extreme",
                report(False),
            )
        # Broyden's rank-one update keeps the Jacobian current between exact evaluations; it
        # is recomputed exactly when a step with the updated one fails to reduce the residual.
        s_vec = accepted.x - state.x
        jac = jac + np.outer(f_new - f - jac @ s_vec, s_vec) / float(s_vec @ s_vec)
        fresh = False
        last_jac = jac
        state, f, norm = accepted, f_new, norm_new
    state = State(**{**state.__dict__, "d_price": derivs[0], "d_spend": derivs[1], "jac": last_jac})
    return state, report(True)
