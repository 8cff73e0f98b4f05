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
counterfactual starts from the baseline solve's last Jacobian. The iteration itself (Broyden
updates, the capped step and its line search) is the models' one Newton routine,
:mod:`._newton`; this module states the equations (:class:`_LabourMarket`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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
from tradewinds.models._newton import Problem, Settings
from tradewinds.models._newton import solve as solve_newton

#: Tolerance of the inner fixed points, well below the outer tolerance.
INNER_TOL = 1e-14
#: Relative accuracy of the Jacobian's linear solves (Newton needs no more).
JACOBIAN_TOL = 1e-6
#: How Newton iterates: Broyden updates between exact Jacobians; a step with an updated one is
#: tried at full length only; steps are at most 2 in any coordinate of ``log w_hat``.
SETTINGS = Settings(
    advice="the shock may be too extreme for this baseline or the deficits too large for the "
    "closure (the equilibrium may not exist under it)",
    method="newton-broyden on log wages (analytic jacobian)",
    update="broyden",
    max_step=2.0,
    halvings=30,
    stale_halvings=1,
    slack=1e-15,
)


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
    f: Array  # Newton's residual: ``residual`` with the numéraire in the largest country's row
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
    f = residual.copy()
    f[int(np.argmax(eco.va))] = labour.sum() / eco.va.sum() - 1
    if not ok:  # the line search rejects a point whose prices or spending did not solve
        f[:] = np.inf
    return State(x, log_p, log_c, pi_new, spend, output, residual, ok, inner_tol, f)


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


class _LabourMarket(Problem[State]):
    """Labour-market clearing in ``x = log w_hat``, one equation replaced by the numéraire.

    Far from the solution the inner fixed points are solved only as tightly as the outer
    residual warrants (``inner``), from a first-order prediction by the last Jacobian's
    derivatives; a converged point is re-evaluated at the full inner tolerance (``refine``).
    """

    def __init__(self, eco: Economy, shock: Shock, deficit: Deficits, warm: State | None) -> None:
        self.eco, self.shock, self.deficit, self.warm = eco, shock, deficit, warm
        self.derivs: tuple[Array | None, Array | None] = (
            (warm.d_price, warm.d_spend) if warm is not None else (None, None)
        )

    def evaluate(self, x: Array, origin: State | None) -> State:
        if origin is None:
            return evaluate(self.eco, self.shock, self.deficit, x, self.warm)
        d_price, d_spend = self.derivs
        move = x - origin.x
        guess = None if d_price is None or d_spend is None else (d_price @ move, d_spend @ move)
        inner = float(np.clip(1e-4 * np.max(np.abs(origin.f)), INNER_TOL, 1e-6))
        return evaluate(self.eco, self.shock, self.deficit, x, origin, inner, guess)

    def jacobian(self, point: State) -> Array:
        lin = linearize(self.eco, self.shock, point, self.derivs, self.deficit)
        self.derivs = (lin.d_price, lin.d_spend)
        self.pin(lin.jac, point)
        return lin.jac

    def pin(self, jac: Array, point: State) -> None:
        jac[int(np.argmax(self.eco.va)), :] = self.eco.va * np.exp(point.x) / self.eco.va.sum()

    def error(self, point: State) -> float:
        err = max(float(np.max(np.abs(point.f))), float(np.max(np.abs(point.residual))))
        return err if np.isfinite(err) else float("inf")

    def refine(self, point: State) -> State | None:
        if point.inner_tol <= INNER_TOL:
            return None
        return evaluate(self.eco, self.shock, self.deficit, point.x, point)


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
    Jacobian and the derivatives used to predict inner solutions. The shared Newton routine
    (:mod:`._newton`) runs with Broyden updates between exact Jacobians; the point accepted as
    the solution is always evaluated at the full inner tolerance.
    """
    n, _ = eco.shape
    problem = _LabourMarket(eco, shock, deficit, warm)
    settings = replace(SETTINGS, tol=tol, max_iter=max_iter, what=what)
    first = problem.evaluate(np.zeros(n) if warm is None else warm.x, None)
    if not first.inner_ok:
        report = SolverReport(False, 0, problem.error(first), tol, 0.0, settings.method)
        raise ConvergenceError(
            f"{what}: prices or spending have no solution at the baseline wages; check that "
            "input-output shares sum below one and final-demand shares sum to one",
            report,
        )
    jac0 = None if warm is None or warm.jac is None else warm.jac
    solution = solve_newton(problem, first, settings, jacobian=jac0)
    d_price, d_spend = problem.derivs
    state = replace(solution.point, d_price=d_price, d_spend=d_spend, jac=solution.jacobian)
    return state, solution.report
