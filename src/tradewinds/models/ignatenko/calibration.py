r"""Baseline construction and calibration of Ignatenko et al. (2025).

Ignatenko, Macedoni, Lashkaripour & Simonovska (2025), "Making America Great Again? The Economic
Impacts of Liberation Day Tariffs", *Journal of International Economics*. The steps follow the
model note ``shared/models/ignatenko_2025.md``; the paper's orientation is exporter j (rows,
dim ``exporter``) and importer i (columns, dim ``importer``).

Steps::

    1. X_ji international trade (no domestic flows), Y_i GDP, in one money unit.
    2. nu = (nu_other, nu_US) solves, on the two-region aggregation (1 = non-US, 2 = US),
           E_r  = Y_r + (1 - nu_r) (sum_c X_cr - sum_c (1 - nu_c) X_rc)
           r_11 = (E_1 - X_21) / (E_1 - X_21 + X_12),  r_22 = (E_2 - X_12) / (E_2 - X_12 + X_21)
           (1 - r_11) nu_US + r_11 nu_other = 0.12,     r_22 nu_US + (1 - r_22) nu_other = 0.26
       (negative solutions set to 0).
    3. T_i = (1 - nu_i) (sum_j X_ji - sum_j (1 - nu_j) X_ij),  E_i = Y_i + T_i,
       X_ii = max(E_i - sum_j X_ji, 0).
    4. E_i = sum_j X_ji,  Y_i = sum_j (1 - nu_j) X_ij + nu_i sum_j X_ji,  T_i = E_i - Y_i,
       lambda_ji = X_ji / E_i.

Pass-through (``theta = eps / 0.67``)::

    phi~_i = (1 + theta) / ((1 - nu_i) theta) - 1/theta - 1,   phi_i = c + phi~_i

with ``c = 1`` in the benchmark and 0.5 or 0.25 in the partial pass-through cases.

Optimal tariffs (the paper's uniform-tariff formula ``t = 1 / ((1 + delta eps) phi - 1)``)::

    delta_r = sum_{c != r} X_rc (1 - nu_c)(1 - lambda_rc) / ((1 - nu_r)(Z_r - X_rr))

with ``lambda_rc = X_rc / sum_r' X_r'c``; for retaliation ``r`` is the non-US region of the
two-region aggregation and ``Z = Y``; for the US tariff the sum runs over the full country table and
``Z`` is the US's expenditure (``Y`` when the US faces optimal retaliation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from tradewinds.core.errors import ConvergenceError, DataError
from tradewinds.core.solver import SolverReport

Array = np.ndarray[Any, np.dtype[np.float64]]

#: Importer share of sales targets (the paper's distribution-margin moments): the share accruing
#: to importers in non-US sales and in US sales.
NU_TARGETS = (0.12, 0.26)
#: Ratio of the trade elasticity to the scale elasticity's numerator: ``psi = SCALE / eps`` and
#: ``theta = eps / SCALE``.
SCALE = 0.67


@dataclass(frozen=True)
class IgnatenkoBaseline:
    """The calibrated baseline (step 4), exporter rows and importer columns.

    Attributes
    ----------
    trade
        ``X_ji`` with domestic absorption on the diagonal.
    expenditure
        ``E_i = sum_j X_ji``.
    income
        ``Y_i = sum_j (1 - nu_j) X_ij + nu_i sum_j X_ji`` (GDP implied by the model).
    transfers
        ``T_i = E_i - Y_i``; they sum to zero.
    shares
        ``lambda_ji = X_ji / E_i``; columns sum to one.
    nu
        Importer share of sales per country (two values).
    nu_other, nu_us
        The two calibrated values.
    us
        Position of the United States.
    clipped
        Positions where ``E_i - imports_i`` was negative and domestic absorption set to zero.
    """

    trade: Array
    expenditure: Array
    income: Array
    transfers: Array
    shares: Array
    nu: Array
    nu_other: float
    nu_us: float
    us: int
    clipped: tuple[int, ...]

    @property
    def size(self) -> int:
        """Number of countries."""
        return int(self.income.size)


def two_regions(matrix: Array, us: int) -> Array:
    """Aggregate an (N, N) matrix to (non-US, US) x (non-US, US)."""
    agg = np.zeros((2, matrix.shape[0]))
    agg[0] = 1.0
    agg[0, us] = 0.0
    agg[1, us] = 1.0
    return np.asarray(agg @ matrix @ agg.T)


def _two_region_vector(vector: Array, us: int) -> Array:
    return np.array([vector.sum() - vector[us], vector[us]])


def calibrate_nu(
    trade: Array,
    gdp: Array,
    us: int,
    *,
    targets: tuple[float, float] = NU_TARGETS,
    tol: float = 1e-14,
    max_iter: int = 200,
) -> tuple[float, float]:
    """Step 2: ``(nu_other, nu_US)`` from international trade ``X_ji`` and GDP.

    The two moment conditions are linear in ``nu`` given the ratios ``r_11, r_22``, which depend
    on ``nu`` only through ``E``; iterating "ratios, then the 2 x 2 linear solve" is a contraction
    because ``E`` moves by the small importer margins only. Negative values are set to zero after
    convergence, as in the paper.
    """
    x = two_regions(np.where(np.eye(trade.shape[0], dtype=bool), 0.0, trade), us)
    y = _two_region_vector(gdp, us)
    nu = np.array([0.1, 0.24])  # [non-US, US]
    change = np.inf
    for _ in range(max_iter):
        spend = y + (1 - nu) * (x.sum(axis=0) - (x * (1 - nu)[None, :]).sum(axis=1))
        r11 = (spend[0] - x[1, 0]) / (spend[0] - x[1, 0] + x[0, 1])
        r22 = (spend[1] - x[0, 1]) / (spend[1] - x[0, 1] + x[1, 0])
        # rows: moments; columns: (nu_other, nu_US)
        system = np.array([[r11, 1 - r11], [1 - r22, r22]])
        new = np.linalg.solve(system, np.asarray(targets, dtype=float))
        change = float(np.max(np.abs(new - nu)))
        nu = new
        if change <= tol:
            break
    else:
        report = SolverReport(False, max_iter, change, tol, 0.0, "fixed point (nu)")
        raise ConvergenceError(
            f"The importer shares nu cannot be calibrated to the targets {targets} on this "
            "baseline: the two moment conditions have no solution when a region's imports are "
            "large relative to its GDP. Check that the trade matrix is exporter-by-importer and "
            "in the same unit as GDP",
            report,
        )
    return float(max(nu[0], 0.0)), float(max(nu[1], 0.0))


def build_baseline(
    trade: Array, gdp: Array, us: int, *, targets: tuple[float, float] = NU_TARGETS
) -> IgnatenkoBaseline:
    """Steps 1-4: calibrate ``nu`` and construct the model's baseline from ``X`` and ``Y``.

    Parameters
    ----------
    trade
        International flows ``X_ji`` (exporter rows, importer columns); the diagonal is ignored.
    gdp
        GDP ``Y_i`` in the unit of ``trade``.
    us
        Position of the United States.
    targets
        The two importer-share moments (non-US, US).
    """
    trade = np.asarray(trade, dtype=float)
    gdp = np.asarray(gdp, dtype=float)
    n = gdp.size
    if trade.shape != (n, n):
        raise DataError(f"Trade matrix has shape {trade.shape}; expected ({n}, {n}) to match GDP.")
    if not (0 <= us < n):
        raise DataError(f"US position {us} is outside 0..{n - 1}.")
    if not np.all(np.isfinite(trade)) or np.any(trade < 0):
        raise DataError("Trade flows must be finite and >= 0.")
    if not np.all(np.isfinite(gdp)) or np.any(gdp <= 0):
        k = int(np.argmax(~np.isfinite(gdp) | (gdp <= 0)))
        raise DataError(f"GDP at position {k} is {gdp[k]!r}; GDP must be positive.")
    flows = np.where(np.eye(n, dtype=bool), 0.0, trade)
    nu_other, nu_us = calibrate_nu(flows, gdp, us, targets=targets)
    nu = np.full(n, nu_other)
    nu[us] = nu_us
    imports = flows.sum(axis=0)
    transfers = (1 - nu) * (imports - (flows * (1 - nu)[None, :]).sum(axis=1))
    domestic = gdp + transfers - imports
    clipped = tuple(int(k) for k in np.flatnonzero(domestic < 0))
    np.fill_diagonal(flows, np.maximum(domestic, 0.0))
    expenditure = flows.sum(axis=0)
    income = (flows * (1 - nu)[None, :]).sum(axis=1) + nu * expenditure
    return IgnatenkoBaseline(
        trade=flows,
        expenditure=expenditure,
        income=income,
        transfers=expenditure - income,
        shares=flows / expenditure[None, :],
        nu=nu,
        nu_other=nu_other,
        nu_us=nu_us,
        us=us,
        clipped=clipped,
    )


def pass_through(nu: Array, theta: float, intercept: float = 1.0) -> Array:
    """``phi_i = intercept + (1 + theta) / ((1 - nu_i) theta) - 1/theta - 1``."""
    tilde = (1 + theta) / ((1 - nu) * theta) - 1 / theta - 1
    return np.asarray(intercept + tilde, dtype=float)


def _delta(trade: Array, nu: Array, denominator: Array, r: int) -> float:
    """``delta_r`` of the optimal-tariff formula on a square flow table."""
    lam = trade / trade.sum(axis=0)[None, :]
    others = np.arange(trade.shape[0]) != r
    top = (trade[r, others] * (1 - nu[others]) * (1 - lam[r, others])).sum()
    return float(top / ((1 - nu[r]) * (denominator[r] - trade[r, r])))


def optimal_retaliation_rate(base: IgnatenkoBaseline, eps: float, phi_other: float) -> float:
    """Uniform rate every partner sets on US goods: ``1 / ((1 + delta eps) phi - 1)``.

    ``delta`` is that of the non-US region on the two-region aggregation of the full baseline
    table, with income ``Y`` in the denominator.
    """
    x = two_regions(base.trade, base.us)
    nu = np.array([base.nu_other, base.nu_us])
    y = _two_region_vector(base.income, base.us)
    delta = _delta(x, nu, y, 0)
    return 1.0 / ((1 + delta * eps) * phi_other - 1)


def optimal_us_rate(
    base: IgnatenkoBaseline,
    eps: float,
    phi_us: float,
    denominator: Literal["expenditure", "income"] = "expenditure",
) -> float:
    """Uniform optimal US tariff ``1 / ((1 + delta_US eps) phi_US - 1)`` on the country table.

    ``denominator`` is ``expenditure`` without retaliation and ``income`` when the US faces
    optimal retaliation, as in the paper's replication code.
    """
    z = base.expenditure if denominator == "expenditure" else base.income
    delta = _delta(base.trade, base.nu, z, base.us)
    return 1.0 / ((1 + delta * eps) * phi_us - 1)
