r"""Gradient of weighted real income with respect to every tariff, by the adjoint method.

Objective: ``W = sum_n omega_n (RI_n - 1)`` with the exact real-income change of
:mod:`._cp_outputs`, ``RI_n = (wL'_n + R'_n) / (wL_n + R_n) * exp(-sum_j alpha_nj (log P'_nj -
log P_nj))`` and tariff revenue ``R'_n = sum_j m_nj X'_nj``, ``m_nj = sum_i pi'_nij t'_nij / (1 +
t'_nij)``. The equilibrium of :mod:`._cp_solver` is a system in three blocks: wages ``x = log
w_hat`` (labour-market clearing, CP2015 eq. 14), log prices (the fixed point of eqs. 10-11) and
spending (the linear system 13). By the implicit-function theorem

.. code-block:: text

    dW/dt' = dW~/dt' - mu' dF~/dt',      J' mu = dW~/dx,

where ``~`` means the prices and spending have been solved for at fixed ``x`` and ``J = dF~/dx``
is the solver's Jacobian (labour-market rows and the numéraire row). ``J`` and ``dW~/dx`` come
from the forward derivatives of :func:`._cp_solver.linearize` (one direction per country). The
remaining term is the gradient, at fixed ``x``, of the scalar ``W - mu' F`` with respect to all
``J N^2`` tariffs; it is computed in reverse: one transposed spending solve, one transposed price
solve (both contractions with the same spectra as the forward ones, Anderson-accelerated), and
arithmetic on the trade shares. The cost is one Jacobian plus two single-direction linear
solves, whatever the number of tariffs; central differences would need two solves per tariff.

Array layout as in :mod:`._cp_kernels` (``[j, n, i]``: sector, importer, exporter).
"""

from __future__ import annotations

import numpy as np

from tradewinds.models._cp_kernels import Array, Economy, Shock, anderson
from tradewinds.models._cp_solver import Deficits, State, linearize

#: Relative accuracy of the linear solves behind the gradient: far below the optimisers' noise.
GRADIENT_TOL = 1e-10


def real_income_gradient(
    eco: Economy,
    shock: Shock,
    deficit: Deficits,
    new: State,
    real_income: Array,
    weights: Array,
    *,
    tol: float = GRADIENT_TOL,
) -> Array:
    """``dW/dt'`` at the solved counterfactual ``new``.

    ``real_income[n]`` is ``RI_n`` at ``new`` (the outputs' ``real_income_hat``) and
    ``weights[n]`` is ``omega_n``; the gradient is ``[j, n, i]``, the derivative with respect to
    importer n's tariff rate on exporter i in sector j (``t'``, not ``1 + t'``).
    """
    n, _ = eco.shape
    theta = eco.theta[:, None, None]
    pi, spend = new.pi, new.spend
    inv_gross, ts = shock.inv_gross, shock.tariff_share
    b = pi * inv_gross  # (J, n, i)
    m = (pi * ts).sum(axis=2).T  # (N, J)
    labour = np.exp(new.x) * eco.va
    income = labour + (m * spend).sum(axis=1)  # wL' + R'
    rho = weights * real_income / income  # dW / d(wL' + R')
    p_weight = weights * real_income  # -dW / d(sum_j alpha log P')

    # Wages: J' mu = dW~/dx from the forward derivatives at fixed tariffs.
    lin = linearize(eco, shock, new, (new.d_price, new.d_spend), deficit, tol=tol)
    d_income = labour[:, None] * np.eye(n) + np.einsum("njr,nj->nr", lin.d_revenue_share, spend)
    d_income += np.einsum("nj,njr->nr", m, lin.d_spend)
    g_x = rho @ d_income - p_weight @ np.einsum("nj,njr->nr", eco.alpha, lin.d_price)
    jac = lin.jac.copy()
    top = int(np.argmax(eco.va))
    jac[top, :] = labour / eco.va.sum()
    mu = np.linalg.solve(jac.T, g_x)
    mu[top] = 0.0  # the numéraire row does not depend on prices, spending or tariffs
    phi = mu[:, None] * eco.gva / labour[:, None]  # -d(-mu'F)/dY'[n, j]

    # Spending (eq. 13) in reverse: zeta = T' zeta + dW/dX' - d(mu'F)/dX'.
    x_bar = rho[:, None] * m - np.einsum("kni,ik->nk", b, phi)
    io_by_user = eco.io_by_user

    def spend_adjoint(zeta: Array) -> Array:
        z_in = (io_by_user @ zeta[:, :, None])[:, :, 0]  # sum_j io[n, j, k] zeta[n, j]
        through_sales = np.einsum("kmn,nk->mk", b, z_in)
        return np.asarray(through_sales + m * (eco.alpha * zeta).sum(axis=1)[:, None] + x_bar)

    scale = max(float(np.max(np.abs(x_bar))), 1e-300)
    zeta, _, _ = anderson(spend_adjoint, x_bar, tol=tol * scale)
    z_in = (io_by_user @ zeta[:, :, None])[:, :, 0]
    y_bar = z_in - phi  # (N, J) on output Y'[i, k]
    b_bar = y_bar.T[:, None, :] * spend.T[:, :, None]  # [k, n, i] = y_bar[i, k] X'[n, k]
    m_bar = spend * ((eco.alpha * zeta).sum(axis=1) + rho)[:, None]  # (N, J)

    # Shares: b = pi' / (1 + t'), m = sum_i pi' t' / (1 + t').
    pi_bar = b_bar * inv_gross + m_bar.T[:, :, None] * ts
    t_bar = -(b_bar - m_bar.T[:, :, None]) * pi * inv_gross**2
    log_pi_bar = pi_bar * pi  # log pi' = log pi - theta (log kappa + log c_i - log P_n)
    kappa_bar = -theta * log_pi_bar
    c_bar = (-theta * log_pi_bar).sum(axis=1).T  # (N, J) on c[i, j]
    p_ext = -p_weight[:, None] * eco.alpha + (theta * log_pi_bar).sum(axis=2).T
    p_ext += (eco.io @ c_bar[:, :, None])[:, :, 0]  # c = gva x + sum_k io[., k, j] log P_k

    # Prices (eqs. 10-11) in reverse: eta = (dPhi/dlogP)' eta + p_ext.
    def price_adjoint(eta: Array) -> Array:
        c_tilde = np.einsum("jni,nj->ij", pi, eta)
        return np.asarray((eco.io @ c_tilde[:, :, None])[:, :, 0] + p_ext)

    scale = max(float(np.max(np.abs(p_ext))), 1e-300)
    eta, _, _ = anderson(price_adjoint, p_ext, tol=tol * scale)
    kappa_bar += pi * eta.T[:, :, None]
    grad = kappa_bar * inv_gross + t_bar  # d log kappa / dt' = 1 / (1 + t')
    return np.asarray(grad)
