r"""Equilibrium in changes of Ignatenko et al. (2025): residuals, analytic Jacobian, solver.

Notation (paper -> code): exporter j -> rows, importer i -> columns; ``w_hat`` wages, ``E_hat``
expenditure, ``L_hat`` employment, ``t_ji`` tariffs (zero in the baseline), ``d_hat`` an optional
iceberg trade-cost change (an extension: 1 in every case of the paper). For each importer i::

    a_ji      = lambda_ji (d_hat_ji w_hat_j / L_hat_j^psi)^(-eps) (1 + t_ji)^(-eps phi_i)  (K1)
    lambda'_ji = a_ji / sum_j a_ji                                                    (K2)
    P_hat_i   = (E_hat_i / w_hat_i)^(1 - phi_i) (sum_j a_ji)^(-1/eps)                 (K3)
    X'_ji     = lambda'_ji E'_i / (1 + t_ji),  R'_i = sum_j lambda'_ji t_ji/(1+t_ji) E'_i (K4)
    tau_i     = R'_i / (w_hat_i L_hat_i Y_i),  tau_hat_i = 1 / (1 - tau_i)   (income-tax relief;
                tau_i = 0 and tau_hat_i = 1 with a lump-sum rebate)                   (K5)
    sum_i (1 - nu_i) X'_ji + nu_j sum_k X'_kj = w_hat_j L_hat_j Y_j     (income, all j but one) (K6)
    sum_i (P_hat_i - 1) E_i = 0                                          (normalisation) (K7)
    R'_i + w_hat_i L_hat_i Y_i + T_i (sum Y' / sum Y) = E'_i             (budget)        (K8)
    L_hat_i = (tau_hat_i w_hat_i / P_hat_i)^kappa                        (labour supply) (K9)

Since ``R'_i = m_i E'_i`` with ``m_i = sum_j lambda'_ji t_ji / (1 + t_ji)`` independent of
``E``, the budget (K8) gives ``E'_i = (Y'_i + T_i s) / (1 - m_i)`` in closed form
(``Y'_i = w_hat_i L_hat_i Y_i``, ``s = sum Y' / sum Y``). Newton then runs on the 2N unknowns
``(log w_hat, log L_hat)`` with (K6)-(K7) as relative excess demands and (K9) in logs; the
Jacobian is analytic (derivations inline). The income equation of the largest economy is the one
replaced by (K7): by Walras' law (transfers sum to zero) it holds at the solution anyway, and
the convergence measure checks it together with all the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from tradewinds.core.errors import ConvergenceError
from tradewinds.core.solver import SolverReport
from tradewinds.models._newton import newton
from tradewinds.models.ignatenko.calibration import Array, IgnatenkoBaseline

Recycling = Literal["income-tax", "lump-sum"]
RECYCLING: tuple[Recycling, ...] = ("income-tax", "lump-sum")

#: Default tolerance: max relative residual over every equilibrium condition.
TOL = 1e-10


@dataclass(frozen=True)
class Params:
    """Numerical parameters of one solve (already resolved: ``phi`` per importer)."""

    eps: float
    kappa: float
    psi: float
    phi: Array
    recycling: Recycling


@dataclass
class State:
    """Every intermediate of (K1)-(K9) at one point, shared by residuals and Jacobian."""

    x: Array  # log w_hat
    ell: Array  # log L_hat
    lam: Array  # lambda'
    log_s: Array  # log sum_j a_ji
    m: Array  # R'_i / E'_i
    y_new: Array  # Y'_i
    share: float  # s = sum Y' / sum Y
    e_new: Array  # E'_i
    log_p: Array  # log P_hat
    tau: Array
    sales: Array  # left side of (K6)
    g: Array  # labour-supply residual in logs
    valid: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


class Kernel:
    """Residuals and Jacobian of the system for one baseline, shock and parameter set."""

    def __init__(
        self,
        base: IgnatenkoBaseline,
        tariff: Array,
        cost_hat: Array,
        params: Params,
        tol: float = TOL,
    ) -> None:
        self.base = base
        self.tol = tol
        self.p = params
        self.n = base.size
        self.mu = tariff / (1 + tariff)
        with np.errstate(divide="ignore"):
            self.log_a0 = (
                np.log(base.shares)
                - params.eps * np.log(cost_hat)
                - params.eps * params.phi[None, :] * np.log1p(tariff)
            )
        self.world_income = float(base.income.sum())
        self.world_spending = float(base.expenditure.sum())
        self.drop = int(np.argmax(base.income))
        self._cache: State | None = None

    # -- state -----------------------------------------------------------------------------
    def state(self, z: Array) -> State:
        """Evaluate (K1)-(K9) at ``z = (log w_hat, log L_hat)``; cached for the last ``z``."""
        if self._cache is not None and np.array_equal(self._cache.extra["z"], z):
            return self._cache
        n, p, base = self.n, self.p, self.base
        x, ell = z[:n], z[n:]
        log_a = self.log_a0 - p.eps * (x - p.psi * ell)[:, None]
        top = np.max(log_a, axis=0)
        a = np.exp(log_a - top[None, :])
        total = a.sum(axis=0)
        lam = a / total[None, :]
        log_s = top + np.log(total)
        m = (lam * self.mu).sum(axis=0)
        y_new = np.exp(x + ell) * base.income
        share = float(y_new.sum() / self.world_income)
        e_new = (y_new + base.transfers * share) / (1 - m)
        valid = bool(np.all(e_new > 0) and np.all(np.isfinite(y_new)))
        with np.errstate(divide="ignore", invalid="ignore"):
            log_e_hat = np.log(e_new / base.expenditure)
            log_p = (1 - p.phi) * (log_e_hat - x) - log_s / p.eps
            if p.recycling == "income-tax":
                tau = m * e_new / y_new
                log_tau_hat = -np.log1p(-tau)
                valid = valid and bool(np.all(tau < 1))
            else:
                tau = np.zeros(n)
                log_tau_hat = tau
            bv = lam * (1 - self.mu) * (1 - base.nu)[None, :]
            sales = bv @ e_new + base.nu * (1 - m) * e_new
            g = ell - p.kappa * (log_tau_hat + x - log_p)
        st = State(x, ell, lam, log_s, m, y_new, share, e_new, log_p, tau, sales, g, valid)
        st.extra["z"] = z.copy()
        st.extra["bv"] = bv
        self._cache = st
        return st

    def residual(self, z: Array) -> Array:
        """The 2N conditions: (K6) relative, (K7) in place of the largest economy's, (K9)."""
        st = self.state(z)
        if not st.valid:
            return np.full(2 * self.n, np.inf)
        f = st.sales / st.y_new - 1
        f[self.drop] = self._normalisation(st)
        return np.concatenate([f, st.g])

    def _normalisation(self, st: State) -> float:
        return float((np.exp(st.log_p) * self.base.expenditure).sum() / self.world_spending - 1)

    def measure(self, z: Array) -> float:
        """Max relative residual over every condition, the dropped income equation included."""
        st = self.state(z)
        if not st.valid:
            return float("inf")
        income = np.abs(st.sales / st.y_new - 1)
        budget = np.abs(
            (st.m * st.e_new + st.y_new + self.base.transfers * st.share - st.e_new) / st.e_new
        )
        labour = np.abs(np.expm1(-st.g))
        return float(
            max(income.max(), budget.max(), labour.max(), abs(self._normalisation(st)), 0.0)
        )

    # -- Jacobian --------------------------------------------------------------------------
    def system(self, z: Array) -> tuple[Array, Array]:
        """Residuals and their analytic Jacobian with respect to ``z``.

        At a point that already meets the tolerance the Jacobian is never used (Newton stops
        there), so an identity stands in for it and saves one evaluation per solve.
        """
        f = self.residual(z)
        st = self.state(z)
        if not st.valid or self.measure(z) <= self.tol:
            return f, np.eye(2 * self.n)
        return f, self.jacobian(st)

    def jacobian(self, st: State) -> Array:
        r"""Analytic Jacobian of :meth:`residual`.

        Everything depends on ``z`` through the unit-cost change ``c = x - psi ell`` (shares),
        through ``y = log Y' = x + ell`` (incomes), and directly through ``x`` (prices, labour)
        and ``ell`` (labour). With ``Lam = lambda'``, ``mu = t / (1 + t)`` and
        ``Bv_ji = (1 - nu_i) Lam_ji (1 - mu_ji)``::

            d log S_i / d c_k  = -eps Lam_ki
            d m_i / d c_k      = -eps Lam_ki (mu_ki - m_i)
            d E'_i             = (dY'_i + T_i ds + E'_i dm_i) / (1 - m_i)
            d log P_i          = (1 - phi_i)(dE'_i / E'_i - dx_i) + Lam_ki dc_k
            d tau_i            = (E'_i dm_i + m_i dE'_i) / Y'_i - tau_i dy_i
            d Sales_j / d c_k  = eps sum_i Bv_ji E'_i / (1 - m_i) Lam_ki (1 - mu_ki)
                                 - eps [j = k] sum_i Bv_ji E'_i
                                 + nu_j (1 - m_j) dE'_j / dc_k - nu_j E'_j dm_j / dc_k

        (the first line of ``d Sales`` merges the share and expenditure effects of the
        foreign-market sales ``sum_i Bv_ji E'_i``).
        """
        n, p, base = self.n, self.p, self.base
        lam, m, e_new, y_new, tau = st.lam, st.m, st.e_new, st.y_new, st.tau
        bv: Array = st.extra["bv"]
        diag = np.diag_indices(n)
        one_minus_m = 1 - m
        # d m / d c, d E' / d c and d E' / d y (rows: country i, columns: k); the last is
        # diag(Y' / (1 - m)) + outer(T / (1 - m), Y' / sum Y), kept in that factored form.
        dm_dc = -p.eps * (lam * (self.mu - m[None, :])).T
        de_dc = (e_new / one_minus_m)[:, None] * dm_dc
        de_diag = y_new / one_minus_m
        de_left = base.transfers / one_minus_m
        de_right = y_new / self.world_income
        # log P
        scale_p = (1 - p.phi) / e_new
        dlp_dc = scale_p[:, None] * de_dc + lam.T
        dlp_dy = np.outer(scale_p * de_left, de_right)
        dlp_dy[diag] += scale_p * de_diag
        # labour residual g = ell - kappa (log tau_hat + x - log P)
        dg_dc = p.kappa * dlp_dc
        dg_dy = p.kappa * dlp_dy
        if p.recycling == "income-tax":
            inv = 1 / ((1 - tau) * y_new)
            dg_dc -= (p.kappa * inv * e_new)[:, None] * dm_dc + (p.kappa * inv * m)[:, None] * de_dc
            dg_dy -= np.outer(p.kappa * inv * m * de_left, de_right)
            dg_dy[diag] -= p.kappa * inv * (m * de_diag - tau * y_new)
        # income: F_j = Sales_j / Y'_j - 1
        inv_y = 1 / y_new
        own = base.nu * one_minus_m
        ds_dc = p.eps * ((bv * (e_new / one_minus_m)[None, :]) @ (lam * (1 - self.mu)).T)
        ds_dc[diag] -= p.eps * (bv @ e_new)
        ds_dc += own[:, None] * de_dc - (base.nu * e_new)[:, None] * dm_dc
        df_dc = inv_y[:, None] * ds_dc
        df_dy = np.outer(inv_y * ((bv @ de_left) + own * de_left), de_right)
        df_dy += bv * de_diag[None, :] * inv_y[:, None]
        df_dy[diag] += inv_y * own * de_diag - st.sales * inv_y
        jac = np.empty((2 * n, 2 * n))
        top, bottom = jac[:n], jac[n:]
        np.add(df_dc, df_dy, out=top[:, :n])
        np.subtract(df_dy, p.psi * df_dc, out=top[:, n:])
        np.add(dg_dc, dg_dy, out=bottom[:, :n])
        bottom[:, :n][diag] -= p.kappa * (2 - p.phi)
        np.subtract(dg_dy, p.psi * dg_dc, out=bottom[:, n:])
        bottom[:, n:][diag] += 1.0
        # the normalisation replaces the income equation of the largest economy
        weight = np.exp(st.log_p) * base.expenditure / self.world_spending
        dn_dc = weight @ dlp_dc
        dn_dy = weight @ dlp_dy
        top[self.drop, :n] = dn_dc + dn_dy - weight * (1 - p.phi)
        top[self.drop, n:] = dn_dy - p.psi * dn_dc
        return jac

    def tatonnement(self, z: Array) -> Array:
        """Fallback step: raise wages where sales exceed income, move employment to supply."""
        st = self.state(z)
        n = self.n
        x, ell = z[:n].copy(), z[n:].copy()
        if st.valid:
            excess = np.log(np.maximum(st.sales, 1e-300) / st.y_new)
            x += np.clip(excess / (1 + self.p.eps), -0.5, 0.5)
            ell -= np.clip(st.g, -0.5, 0.5) * 0.5
        else:
            x *= 0.5
            ell *= 0.5
        trial = np.concatenate([x, ell])
        level = self._normalisation(self.state(trial)) if self.state(trial).valid else 0.0
        trial[:n] -= np.log1p(level)
        return trial


def solve_kernel(
    base: IgnatenkoBaseline,
    tariff: Array,
    cost_hat: Array,
    params: Params,
    *,
    tol: float = TOL,
    max_iter: int = 100,
) -> tuple[State, Kernel, SolverReport]:
    """Solve (K1)-(K9) by Newton from the baseline; raise :class:`ConvergenceError` if it fails."""
    kernel = Kernel(base, tariff, cost_hat, params, tol)
    n = base.size
    what = "Ignatenko et al. (2025) equilibrium"
    try:
        z, report = newton(
            kernel.system,
            kernel.measure,
            np.zeros(2 * n),
            tol=tol,
            max_iter=max_iter,
            what=what,
            fallback=kernel.tatonnement,
        )
    except ConvergenceError as exc:
        reason = exc.message.removesuffix(f" ({exc.report.summary()})")
        raise ConvergenceError(
            f"{reason}. Parameters: eps={params.eps:g}, "
            f"kappa={params.kappa:g}, psi={params.psi:g}, recycling={params.recycling}; "
            f"largest tariff {float(tariff.max()):.3g}. A tariff this high can push tariff "
            "revenue towards a country's whole labour income under income-tax relief; "
            "try the lump-sum rebate or a smaller shock",
            exc.report,
        ) from exc
    return kernel.state(z), kernel, report
