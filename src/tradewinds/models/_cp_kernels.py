r"""Numerical kernels of the Caliendo–Parro (2015) model in changes.

Paper notation to dims: importer n -> ``importer``, exporter i -> ``exporter``, sector j ->
``sector``, input sector k -> ``input_sector``. Arrays are laid out for batched matrix products:

- ``pi[j, n, i]``: share of importer n's spending on sector j bought from exporter i, tariffs
  included (:math:`\pi_{ni}^j`);
- ``theta[j]``: trade elasticity :math:`\theta^j`;
- ``gva[n, j]``: value-added share of gross output :math:`\gamma_n^j`;
- ``io[n, k, j]``: share of input k in the gross output of sector j, :math:`\gamma_n^{k,j}`;
- ``alpha[n, j]``: final-demand share :math:`\alpha_n^j`;
- ``va[n]``: labour income :math:`w_n L_n`; ``deficit[n]``: :math:`D_n`.

Equation numbers are those of Caliendo & Parro (2015, *Review of Economic Studies* 82(1),
section 3, the equilibrium conditions in relative changes): (10) input-bundle cost, (11) price
index, (12) trade shares, (13) sectoral expenditure, (14) trade balance (equivalently
labour-market clearing). Unknowns are ``x = log w_hat``; given ``x`` the prices solve the fixed
point (10)-(11) and expenditures the linear system (13); the residual is labour-market clearing.
Inner fixed points are accelerated with Anderson mixing, so nothing needs a damping factor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

Array = np.ndarray[Any, np.dtype[np.float64]]

#: Memory of Anderson acceleration in the inner fixed points.
ANDERSON_MEMORY = 6
#: Iteration caps of the inner fixed points (reached only on malformed inputs).
INNER_MAX_ITER = 500


@dataclass(frozen=True)
class Economy:
    """Baseline arrays of the kernels (money in units of world labour income)."""

    pi: Array  # (J, N, N) importer n, exporter i
    theta: Array  # (J,)
    gva: Array  # (N, J)
    io: Array  # (N, K, J)
    alpha: Array  # (N, J)
    va: Array  # (N,)
    tariff: Array  # (J, N, N) baseline tariffs, importer n on exporter i

    @property
    def io_by_user(self) -> Array:
        """``io`` as ``[n, j, k]`` (user sector first), contiguous, for batched products."""
        cached = self.__dict__.get("_io_by_user")
        if cached is None:
            cached = np.ascontiguousarray(self.io.transpose(0, 2, 1))
            object.__setattr__(self, "_io_by_user", cached)
        return np.asarray(cached)

    @property
    def shape(self) -> tuple[int, int]:
        """``(N, J)``: countries and sectors."""
        return self.gva.shape[0], self.gva.shape[1]


@dataclass(frozen=True)
class Shock:
    """A counterfactual's new tariffs and iceberg changes, precomputed for the kernels.

    ``weight[j, n, i] = pi_nij kappa_hat_nij^(-theta_j) / row_max[j, n]`` so that the price
    index (11) is a batched matrix-vector product; ``log_row_max`` restores the scale.
    """

    weight: Array  # (J, N, N), rows scaled to a maximum of one
    log_row_max: Array  # (J, N)
    inv_gross: Array  # 1 / (1 + t'), (J, N, N)
    tariff_share: Array  # t' / (1 + t'), (J, N, N)


def make_shock(eco: Economy, new_tariff: Array, cost_hat: Array) -> Shock:
    r"""Precompute :math:`\hat\kappa_{ni}^j = (1+t'_{ni})/(1+t_{ni})\,\hat d_{ni}` terms."""
    log_kappa = np.log1p(new_tariff) - np.log1p(eco.tariff) + np.log(cost_hat)
    with np.errstate(divide="ignore"):
        log_w = np.log(eco.pi) - eco.theta[:, None, None] * log_kappa
    top = np.max(log_w, axis=2)
    return Shock(
        weight=np.exp(log_w - top[:, :, None]),
        log_row_max=top,
        inv_gross=1.0 / (1.0 + new_tariff),
        tariff_share=new_tariff / (1.0 + new_tariff),
    )


def anderson(
    step: Any, z0: Array, *, tol: float, scale: Array | float = 1.0
) -> tuple[Array, int, float]:
    """Fixed point ``z = step(z)`` by Anderson acceleration (type II, small memory).

    Returns the fixed point, the iterations used and the last scaled change. Convergence means
    ``max |step(z) - z| / scale <= tol``; the caller decides what to do when it is not met. The
    mixing coefficients solve the small normal equations of the residual differences. The long
    inner products use ``einsum`` rather than BLAS: BLAS would thread them, and on a busy machine
    the thread hand-offs cost more than the products.
    """
    z = z0
    g = step(z)
    f = g - z
    err = float(np.max(np.abs(f) / scale)) if f.size else 0.0
    size = f.size
    d_g = np.empty((ANDERSON_MEMORY, size))
    d_f = np.empty((ANDERSON_MEMORY, size))
    gram = np.zeros((ANDERSON_MEMORY, ANDERSON_MEMORY))  # d_f @ d_f.T, updated one row a step
    used = 0
    it = 0
    while err > tol and it < INNER_MAX_ITER:
        it += 1
        if used:
            flat = f.ravel()
            rhs = np.einsum("mk,k->m", d_f[:used], flat)
            small = gram[:used, :used].copy()
            small[np.diag_indices(used)] *= 1 + 1e-12
            try:
                gamma = np.linalg.solve(small, rhs)
            except np.linalg.LinAlgError:
                gamma = np.linalg.lstsq(small, rhs, rcond=None)[0]
            z_new = g - np.einsum("m,mk->k", gamma, d_g[:used]).reshape(g.shape)
        else:
            z_new = g
        g_new = step(z_new)
        f_new = g_new - z_new
        slot = (it - 1) % ANDERSON_MEMORY
        d_g[slot] = (g_new - g).ravel()
        d_f[slot] = (f_new - f).ravel()
        used = min(used + 1, ANDERSON_MEMORY)
        row = np.einsum("mk,k->m", d_f[:used], d_f[slot])
        gram[slot, :used] = row
        gram[:used, slot] = row
        z, g, f = z_new, g_new, f_new
        err = float(np.max(np.abs(f) / scale))
        if not np.isfinite(err):
            break
    return g, it, err


def unit_cost(eco: Economy, x: Array, log_p: Array) -> Array:
    r"""Log input-bundle cost change, CP2015 eq. (10).

    :math:`\hat c_n^j = \hat w_n^{\gamma_n^j} \prod_k (\hat P_n^k)^{\gamma_n^{k,j}}`, i.e.
    ``log c[n, j] = gva[n, j] x[n] + sum_k io[n, k, j] log_p[n, k]``.
    """
    return np.asarray(eco.gva * x[:, None] + (eco.io_by_user @ log_p[:, :, None])[:, :, 0])


def _log_price(eco: Economy, shock: Shock, log_c: Array) -> tuple[Array, Array, Array]:
    """Log price index (eq. 10) and the pieces needed for shares: ``u`` and the row totals."""
    a = -eco.theta[:, None] * log_c.T  # (J, N): -theta_j log c_ij
    shift = a.max(axis=1, keepdims=True)
    u = np.exp(a - shift)
    total = (shock.weight @ u[:, :, None])[:, :, 0]  # (J, N)
    lse = shock.log_row_max + shift + np.log(total)
    return (-lse / eco.theta[:, None]).T, u, total


def price_index(eco: Economy, shock: Shock, log_c: Array) -> tuple[Array, Array]:
    r"""Log sectoral price-index change and new trade shares, CP2015 eqs. (11)-(12).

    ``P_hat_nj = [sum_i pi_nij (kappa_hat_nij c_hat_ij)^-theta_j]^(-1/theta_j)`` (11) and
    ``pi'_nij = pi_nij (c_hat_ij kappa_hat_nij / P_hat_nj)^-theta_j`` (12), computed with scaled
    exponentials (no overflow for any finite shock). Returns
    ``log_p[n, j]`` and ``pi_new[j, n, i]``.
    """
    log_p, u, total = _log_price(eco, shock, log_c)
    return log_p, shock.weight * u[:, None, :] / total[:, :, None]


def solve_prices(
    eco: Economy, shock: Shock, x: Array, log_p0: Array, tol: float
) -> tuple[Array, Array, Array, int, float]:
    """Fixed point of eqs. (10)-(11) in ``log P_hat`` given ``x = log w_hat``.

    A contraction (input shares sum below one), accelerated with Anderson mixing. Returns
    ``log_p, log_c, pi_new, iterations, last change``.
    """

    def step(log_p: Array) -> Array:
        return _log_price(eco, shock, unit_cost(eco, x, log_p))[0]

    log_p, it, err = anderson(step, log_p0, tol=tol)
    log_c = unit_cost(eco, x, log_p)
    log_p, pi_new = price_index(eco, shock, log_c)
    return log_p, log_c, pi_new, it, err


def expenditure_operator(eco: Economy, shock: Shock, pi_new: Array) -> tuple[Array, Array, Any]:
    r"""The linear map of CP2015 eq. (13), ``X' = L(X') + alpha (w_hat w L + D')``.

    :math:`X_n^{j\prime} = \sum_k \gamma_n^{j,k} \sum_i \pi_{in}^{k\prime} X_i^{k\prime}/(1+t'_{in})
    + \alpha_n^j I'_n` with :math:`I'_n = \hat w_n w_n L_n + \sum_j \sum_i t'_{ni}
    \pi_{ni}^{j\prime} X_n^{j\prime}/(1+t'_{ni}) + D'_n`. Returns ``b[j, n, i] = pi'/(1+t')``,
    ``m[n, j]`` (tariff revenue per unit of spending) and the homogeneous part ``L`` acting on
    arrays ``(N, J, R)``.
    """
    b = pi_new * shock.inv_gross
    m = (pi_new * shock.tariff_share).sum(axis=2).T  # (N, J)
    io_t = np.ascontiguousarray(eco.io)  # (N, K, J) used as [n, j(input), k(user)]
    bt = np.ascontiguousarray(b.transpose(0, 2, 1))  # (J, i, n)

    def apply(v: Array) -> Array:
        # sales[i, k, r] = sum_n b[k, n, i] v[n, k, r]
        sales = (bt @ v.transpose(1, 0, 2)).transpose(1, 0, 2)
        inter = io_t @ sales  # sum_k io[n, j, k] sales[n, k, r]
        revenue = np.einsum("nj,njr->nr", m, v)
        return np.asarray(inter + eco.alpha[:, :, None] * revenue[:, None, :])

    return b, m, apply


def sales(b: Array, spend: Array) -> Array:
    """Gross output at producer prices, ``Y'[i, k] = sum_n b[k, n, i] X'[n, k]`` (eq. 14)."""
    return np.asarray(np.einsum("kni,nk->ik", b, spend))


def solve_expenditure(
    eco: Economy, apply: Any, income: Array, spend0: Array, tol: float
) -> tuple[Array, int, float]:
    """Solve eq. (13) for ``X'`` given ``income = w_hat w L + D'``; Anderson-accelerated."""
    rhs = eco.alpha * income[:, None]
    scale = np.maximum(np.abs(income), eco.va * 1e-3)[:, None]

    def step(spend: Array) -> Array:
        return np.asarray(apply(spend[:, :, None])[:, :, 0] + rhs)

    spend, it, err = anderson(step, spend0, tol=tol, scale=scale)
    return spend, it, err
