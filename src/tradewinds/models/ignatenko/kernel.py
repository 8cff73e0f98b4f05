r"""Equilibrium in changes of Ignatenko et al. (2025): residuals and their analytic Jacobian.

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
Jacobian is analytic (derivations inline) and the solution strategy is in :mod:`.solve`. The
income equation of the largest economy is the one replaced by (K7): by Walras' law (transfers
sum to zero) it holds at the solution anyway, and the convergence measure checks it together
with all the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from tradewinds.models._newton import TOL
from tradewinds.models.ignatenko.calibration import Array, IgnatenkoBaseline

Recycling = Literal["income-tax", "lump-sum"]
RECYCLING: tuple[Recycling, ...] = ("income-tax", "lump-sum")


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
    """Every intermediate of (K1)-(K9) at one point, shared by residuals and Jacobian.

    The shares are kept factored, ``lambda'_ji = A_ji u_j / S_i`` with the shock-only matrix
    ``A_ji = lambda_ji d_hat_ji^(-eps) (1 + t_ji)^(-eps phi_i)`` and ``u_j = exp(-eps c_j)``, so
    a residual costs a few matrix-vector products and no N x N temporaries.
    """

    z: Array  # (log w_hat, log L_hat)
    x: Array  # log w_hat
    ell: Array  # log L_hat
    u: Array  # exp(-eps c), c = x - psi ell
    total: Array  # S_i = sum_j a_ji
    m: Array  # R'_i / E'_i
    y_new: Array  # Y'_i
    share: float  # s = sum Y' / sum Y
    e_new: Array  # E'_i
    log_p: Array  # log P_hat
    tau: Array
    sales: Array  # left side of (K6)
    g: Array  # labour-supply residual in logs
    valid: bool


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
        # A_ji = lambda_ji d_hat_ji^(-eps) (1 + t_ji)^(-eps phi_i), skipping neutral factors
        a0 = base.shares.copy()
        if np.any(tariff):
            a0 *= np.exp(-params.eps * params.phi[None, :] * np.log1p(tariff))
        if np.any(cost_hat != 1):
            a0 *= np.power(cost_hat, -params.eps)
        self.a0 = a0
        self.a0_mu = a0 * self.mu
        # producer share of foreign-market sales: A (1 - mu)(1 - nu_importer)
        self.c0 = (a0 - self.a0_mu) * (1 - base.nu)[None, :]
        self.world_income = float(base.income.sum())
        self.world_spending = float(base.expenditure.sum())
        self.drop = int(np.argmax(base.income))
        self._cache: State | None = None

    # -- state -----------------------------------------------------------------------------
    def state(self, z: Array) -> State:
        """Evaluate (K1)-(K9) at ``z = (log w_hat, log L_hat)``; cached for the last ``z``."""
        cached = self._cache
        if cached is not None and np.array_equal(cached.z, z):
            return cached
        n, p, base = self.n, self.p, self.base
        x, ell = z[:n], z[n:]
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            u = np.exp(-p.eps * (x - p.psi * ell))
            total = u @ self.a0
            m = (u @ self.a0_mu) / total
            y_new = np.exp(x + ell) * base.income
            share = float(y_new.sum() / self.world_income)
            e_new = (y_new + base.transfers * share) / (1 - m)
            log_p = (1 - p.phi) * (np.log(e_new / base.expenditure) - x) - np.log(total) / p.eps
            if p.recycling == "income-tax":
                tau = m * e_new / y_new
                log_tau_hat = -np.log1p(-tau)
            else:
                tau = np.zeros(n)
                log_tau_hat = tau
            sales = u * (self.c0 @ (e_new / total)) + base.nu * (1 - m) * e_new
            g = ell - p.kappa * (log_tau_hat + x - log_p)
        valid = bool(
            np.all(np.isfinite(u))
            and np.all(total > 0)
            and np.all(np.isfinite(y_new))
            and np.all(e_new > 0)
            and np.all(tau < 1)
        )
        st = State(z.copy(), x, ell, u, total, m, y_new, share, e_new, log_p, tau, sales, g, valid)
        self._cache = st
        return st

    def shares(self, st: State) -> Array:
        """New expenditure shares ``lambda'_ji`` (K2), exporter rows."""
        return np.asarray(self.a0 * st.u[:, None] / st.total[None, :])

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
    def system(self, z: Array) -> tuple[Array, Callable[[], Array]]:
        """Residuals and their analytic Jacobian with respect to ``z``, computed when asked."""
        return self.residual(z), lambda: self.jacobian(self.state(z))

    def jacobian(self, st: State) -> Array:
        r"""Analytic Jacobian of :meth:`residual`.

        Everything depends on ``z`` through the unit-cost change ``c = x - psi ell`` (shares),
        through ``y = log Y' = x + ell`` (incomes), and directly through ``x`` (prices, labour)
        and ``ell`` (labour). With ``Lam = lambda'``, ``mu = t / (1 + t)``,
        ``Bv_ji = (1 - nu_i) Lam_ji (1 - mu_ji)`` and ``[.]`` an indicator::

            d log S_i / d c_k  = -eps Lam_ki
            d m_i / d c_k      = eps (m_i Lam_ki - Lam_ki mu_ki)
            d E'_i             = (dY'_i + T_i ds + E'_i dm_i) / (1 - m_i)
            d log P_i          = (1 - phi_i)(dE'_i / E'_i - dx_i) + Lam_ki dc_k
            d tau_i            = (E'_i dm_i + m_i dE'_i) / Y'_i - tau_i dy_i
            d Sales_j / d c_k  = eps sum_i Bv_ji E'_i / (1 - m_i) Lam_ki (1 - mu_ki)
                                 - eps [j = k] sum_i Bv_ji E'_i
            d Sales_j / d y_k  = sum_i Bv_ji dE'_i/dy_k + nu_j (1 - m_j) dE'_j/dy_k

        The home-market part of sales, ``nu_j (1 - m_j) E'_j = nu_j (Y'_j + T_j s)``, does not
        depend on ``c``. Blocks are assembled from the factored shares (see :class:`State`):
        one matrix product and a dozen N x N element-wise operations.
        """
        n, p, base = self.n, self.p, self.base
        u, m, e, y, tau = st.u, st.m, st.e_new, st.y_new, st.tau
        inv_s = 1 / st.total
        one_m = 1 - m
        inv_y = 1 / y
        diag = np.diag_indices(n)
        # labour block in c: dg/dc = kappa Lam^T + rg (d m / d c)
        if p.recycling == "income-tax":
            inv_tax = 1 / ((1 - tau) * y)
            rg = p.kappa * ((1 - p.phi) - e * inv_tax) / one_m
        else:
            inv_tax = np.zeros(n)
            rg = p.kappa * (1 - p.phi) / one_m
        alpha = (p.kappa + p.eps * rg * m) * inv_s
        beta = p.eps * rg * inv_s
        dg_dc = ((self.a0 * alpha[None, :] - self.a0_mu * beta[None, :]) * u[:, None]).T
        # income block in c
        weight_c = e / (one_m * st.total**2)
        df_dc = (self.c0 * weight_c[None, :]) @ (self.a0 - self.a0_mu).T
        df_dc *= p.eps * (inv_y * u)[:, None] * u[None, :]
        foreign = u * (self.c0 @ (e * inv_s))
        df_dc[diag] -= p.eps * inv_y * foreign
        # y blocks: rank one plus diagonal (plus the foreign-sales term for income)
        de_diag = y / one_m
        de_left = base.transfers / one_m
        de_right = y / self.world_income
        scale_p = (1 - p.phi) / e
        ag = p.kappa * (scale_p - inv_tax * m) * de_left
        dg_diag = p.kappa * (scale_p * de_diag - inv_tax * (m * de_diag - tau * y))
        own = base.nu * one_m
        af = inv_y * (u * (self.c0 @ (de_left * inv_s)) + own * de_left)
        df_diag = inv_y * own * de_diag - st.sales * inv_y
        df_y = self.c0 * np.outer(inv_y * u, de_diag * inv_s)
        df_y += np.outer(af, de_right)
        df_y[diag] += df_diag
        dg_y = np.outer(ag, de_right)
        dg_y[diag] += dg_diag
        jac = np.empty((2 * n, 2 * n))
        top, bottom = jac[:n], jac[n:]
        np.add(df_dc, df_y, out=top[:, :n])
        np.subtract(df_y, p.psi * df_dc, out=top[:, n:])
        np.add(dg_dc, dg_y, out=bottom[:, :n])
        bottom[:, :n][diag] -= p.kappa * (2 - p.phi)
        np.subtract(dg_y, p.psi * dg_dc, out=bottom[:, n:])
        bottom[:, n:][diag] += 1.0
        # the normalisation (K7) replaces the income equation of the largest economy
        weight = np.exp(st.log_p) * base.expenditure / self.world_spending
        k_p = p.eps * (1 - p.phi) / one_m
        dn_dc = (self.a0 @ (weight * (1 + k_p * m) * inv_s)) * u
        dn_dc -= (self.a0_mu @ (weight * k_p * inv_s)) * u
        dn_dy = float(weight @ (scale_p * de_left)) * de_right + weight * scale_p * de_diag
        top[self.drop, :n] = dn_dc + dn_dy - weight * (1 - p.phi)
        top[self.drop, n:] = dn_dy - p.psi * dn_dc
        return jac

    def diagnose(self, z: Array, labels: list[str] | None = None, *, residuals: bool = True) -> str:
        """Where the conditions fail worst at ``z`` and who is closest to the edge, in words."""
        st = self.state(z)
        names = labels or [f"country {k}" for k in range(self.n)]
        if not st.valid:
            return "the iterate is outside the model's domain"
        parts = []
        if residuals:
            income = np.abs(st.sales / st.y_new - 1)
            labour = np.abs(np.expm1(-st.g))
            if income.max() >= labour.max():
                k = int(np.argmax(income))
                parts.append(
                    f"the largest residual is the income equation of {names[k]} ({income[k]:.2g})"
                )
            else:
                k = int(np.argmax(labour))
                parts.append(
                    f"the largest residual is the labour supply of {names[k]} ({labour[k]:.2g})"
                )
        e_hat = st.e_new / self.base.expenditure
        k = int(np.argmin(e_hat))
        surplus = -self.base.transfers[k] / self.base.income[k]
        text = f"{names[k]}'s expenditure is at {e_hat[k]:.0%} of baseline"
        if surplus > 0:
            text += f" (its transfers out are {surplus:.0%} of its income)"
        parts.append(text)
        parts.append(
            f"tariff revenue reaches {float(st.tau.max()):.1%} of a country's labour income"
        )
        return "; ".join(parts)

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
