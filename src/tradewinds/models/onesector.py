r"""One-sector Eaton–Kortum/Armington model with tariffs, solved in changes.

The model is that of Costinot & Rodríguez-Clare (2014, *Handbook of International Economics*
vol. 4, ch. 4, section 3) with tariff revenue rebated to the importer's households, solved by the
exact hat algebra of Dekle, Eaton & Kortum (2008). Paper notation (exporter i, importer n) maps to
dims as i -> ``exporter``, n -> ``importer``.

Baseline: ``Y_n = sum_k X_nk``, ``E_n = sum_i X_in (1 + t_in)``, ``R_n = sum_i t_in X_in``,
``D_n = E_n - Y_n - R_n`` and ``lambda_in = X_in (1 + t_in) / E_n``. A shock sets new tariffs
``t'`` and iceberg changes ``d_hat``, so ``tau_hat_in = (1 + t'_in) / (1 + t_in) d_hat_in``.

Equilibrium in ``w_hat`` with trade elasticity ``eps``::

    P_hat_n^(-eps)  = sum_i lambda_in (w_hat_i tau_hat_in)^(-eps)                    (1)
    lambda'_in      = lambda_in (w_hat_i tau_hat_in)^(-eps) / P_hat_n^(-eps)          (2)
    E'_n            = w_hat_n Y_n + R'_n + D'_n,  R'_n = sum_i t'_in/(1+t'_in) lambda'_in E'_n   (3)
    w_hat_i Y_i     = sum_n lambda'_in E'_n / (1 + t'_in)                              (4)
    welfare_hat_n   = ((w_hat_n Y_n + R'_n) / (Y_n + R_n)) / P_hat_n                   (5)

Closures: ``fixed`` keeps ``D'_n = D_n`` with world income as numéraire (DEK 2008); ``balanced``
first removes deficits (a counterfactual with ``D' = 0``) and measures the shock against that
zero-deficit baseline. ``ratio`` holds each country's ratio of expenditure at producer prices to
output, ``phi_n = (E_n - R_n) / Y_n = 1 + D_n / Y_n`` (with no tariffs ``E_n / Y_n``, the ``phi`` of
gegravity and Larch & Yotov 2016, eq. 30), up to one world factor ``kappa``. Eq. (3r) replaces (3)::

    E'_n - R'_n = kappa phi_n w_hat_n Y_n,   kappa = sum_i w_hat_i Y_i / sum_i phi_i w_hat_i Y_i
                                                                                         (3r)

Deficits ``D'_n = (kappa phi_n - 1) w_hat_n Y_n`` are then a fixed share of output and sum to
zero, as world sales must equal world spending net of tariffs. The ``phi_n`` cannot all be held
exactly, because ``sum_n phi_n w_hat_n Y_n`` moves with relative wages; ``kappa`` is 1 in the
baseline and differs from 1 only at second order (deficits times wage changes). It plays the part
of gegravity's world shares ``Y_i / Y`` and ``E_j / E``, which each sum to one. gegravity 0.3
itself holds those shares at their baseline values when it solves, so its answer differs from
(3r) at first order; see ``docs/model-one-sector.md``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from tradewinds.core import dims
from tradewinds.core.errors import ConvergenceError, ScenarioError
from tradewinds.core.solver import SolverReport
from tradewinds.models._newton import TOL, Array, newton
from tradewinds.models._threads import single_blas_thread
from tradewinds.models.closures import Closure, check_closure

if TYPE_CHECKING:  # xarray (and pandas under it) load with the first labelled solve
    import xarray as xr

    from tradewinds.models.equilibrium import Equilibrium

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Base:
    """Baseline arrays of the kernel (exporter rows, importer columns)."""

    lam: Array  # lambda_in, columns sum to one
    income: Array  # Y
    expenditure: Array  # E
    tariff: Array  # t_in
    deficit: Array  # D_n
    trade: Array  # X_in at producer prices
    revenue: Array  # R_n


def _base_from(trade: Array, tariff: Array) -> _Base:
    gross = trade * (1 + tariff)
    expenditure = gross.sum(axis=0)
    income = trade.sum(axis=1)
    revenue = (trade * tariff).sum(axis=0)
    return _Base(
        lam=gross / expenditure,
        income=income,
        expenditure=expenditure,
        tariff=tariff,
        deficit=expenditure - income - revenue,
        trade=trade,
        revenue=revenue,
    )


def _shares(log_base: Array, x: Array, eps: float) -> tuple[Array, Array]:
    """New shares lambda' (eq. 2) and log P_hat (eq. 1), computed stably in logs.

    ``log_base`` is ``log lambda - eps log tau_hat`` (constant during a solve); ``x`` is
    ``log w_hat``.
    """
    log_a = log_base - eps * x[:, None]
    top = np.max(log_a, axis=0)
    a = np.exp(log_a - top)
    total = a.sum(axis=0)
    log_phat = -(top + np.log(total)) / eps
    return a / total, log_phat


def _log_base(base: _Base, new_tariff: Array, trade_cost_hat: Array | None, eps: float) -> Array:
    """``log lambda - eps log tau_hat``, ``tau_hat_in = (1 + t'_in) / (1 + t_in) d_hat_in``.

    The tariff term is exactly zero where a tariff is unchanged (most pairs): only the changed
    cells are computed, and the cost term only when some cost changes.
    """
    with np.errstate(divide="ignore"):
        log_base = np.log(base.lam)
    changed = None if new_tariff is base.tariff else new_tariff != base.tariff
    log_tariff = None
    if changed is not None and changed.any():
        log_tariff = np.log1p(new_tariff[changed]) - np.log1p(base.tariff[changed])
    if trade_cost_hat is not None and not np.all(trade_cost_hat == 1):
        log_tau = np.log(trade_cost_hat)
        if log_tariff is not None:
            log_tau[changed] += log_tariff
        log_base -= eps * log_tau
    elif log_tariff is not None:
        log_base[changed] -= eps * log_tariff
    out: Array = log_base
    return out


def _expenditure(
    lam_new: Array, wy: Array, m: Array, deficit_new: Array, ratio: Array | None
) -> tuple[Array, Array, Array]:
    """``E'`` by (3) or (3r), ``s`` and ``a``; (3r) is ``E'_n = a_n w_n Y_n / (1 - s_n)``."""
    s = (lam_new * m).sum(axis=0)
    if ratio is None:
        return (wy + deficit_new) / (1 - s), s, np.ones(wy.size)
    a = ratio * (wy.sum() / (ratio * wy).sum())  # kappa phi_n
    return a * wy / (1 - s), s, a


def _jacobian(
    eps: float,
    m: Array,
    lam_new: Array,
    e_new: Array,
    at: tuple[Array, Array, Array],
    ratio: bool,
) -> Array:
    """Jacobian of the relative market-clearing residuals (4) in ``x = log w_hat``.

    ``at`` is ``(s, a, w_hat Y)`` of :func:`_expenditure` at the point; ``ratio`` says whether
    expenditure follows (3r). The caller overwrites the numéraire's row.
    """
    s, a, wy = at
    n = wy.size
    ab = lam_new * (1 - m)  # A_in
    bb = ab * e_new  # B_in
    sales = bb.sum(axis=1)
    # dE'_n/dx_k at fixed kappa:
    #   diag(a_n w_n Y_n / (1 - s_n)) + c_n (-eps) lambda'_kn (m_kn - s_n)
    c = e_new / (1 - s)
    g = -eps * (c[None, :] * lam_new * (m - s[None, :])).T
    g[np.diag_indices(n)] += a * wy / (1 - s)
    if ratio:
        # (3r) through kappa: dE'_n/dx_k += (E'_n / kappa) dkappa/dx_k, where
        # dkappa/dx_k = w_k Y_k (1 - kappa phi_k) / sum_i phi_i w_i Y_i.
        g += np.outer(e_new, wy * (1 - a) / a.dot(wy))
    dz = eps * bb @ lam_new.T + ab @ g
    dz[np.diag_indices(n)] -= eps * sales
    jac: Array = dz / wy[:, None]
    jac[np.diag_indices(n)] -= sales / wy
    return jac


@single_blas_thread
def solve_wages(
    base: _Base,
    new_tariff: Array,
    trade_cost_hat: Array | None,
    eps: float,
    *,
    deficit_new: Array,
    ratio: Array | None = None,
    tol: float = TOL,
    max_iter: int = 100,
    x0: Array | None = None,
) -> tuple[Array, Array, Array, Array, SolverReport]:
    """Solve eqs. (1)-(4) for ``w_hat``; return ``w_hat, lambda', E', log P_hat, report``.

    Newton on ``x = log w_hat`` with the analytic Jacobian; market clearing (4) divided by
    ``w_hat_i Y_i`` for every country but the largest, whose equation is replaced by the numéraire
    ``sum_i w_hat_i Y_i = sum_i Y_i`` (Walras' law makes it redundant when deficits sum to zero).
    With ``ratio`` (``phi_n`` of the ``ratio`` closure), expenditure follows (3r) instead of (3):
    ``E'_n = kappa phi_n w_hat_n Y_n / (1 - s_n)`` with ``s_n = sum_i m_in lambda'_in``, so
    deficits sum to zero and Walras' law holds.
    ``x0`` is an optional Newton start in ``log w_hat`` (a warm start from a nearby solution);
    the default is ``w_hat = 1``.
    """
    y = base.income
    m = new_tariff / (1 + new_tariff)
    log_base = _log_base(base, new_tariff, trade_cost_hat, eps)
    n = y.size
    world = y.sum()
    # Walras' law makes one market redundant; drop the largest, whose relative residual then
    # absorbs the others' rounding least.
    top = int(np.argmax(y))

    def expenditure(lam_new: Array, wy: Array) -> tuple[Array, Array, Array]:
        return _expenditure(lam_new, wy, m, deficit_new, ratio)

    last: dict[str, Any] = {}

    def system(x: Array) -> tuple[Array, Callable[[], Array]]:
        w = np.exp(x)
        wy = w * y
        lam_new, log_phat = _shares(log_base, x, eps)
        e_new, s, a = expenditure(lam_new, wy)
        if np.any(e_new <= 0):  # outside the domain: a surplus larger than income
            return np.full(n, np.inf), lambda: np.eye(n)
        ab = lam_new * (1 - m)  # A_in
        bb = ab * e_new  # B_in
        sales = bb.sum(axis=1)
        f = sales / wy - 1
        numeraire = wy.sum() / world - 1
        last["x"], last["err"] = x, max(float(np.max(np.abs(f))), abs(numeraire))
        last["answer"] = (lam_new, log_phat, e_new)
        f[top] = numeraire

        def jacobian() -> Array:
            jac = _jacobian(eps, m, lam_new, e_new, (s, a, wy), ratio is not None)
            jac[top, :] = wy / world
            return jac

        return f, jacobian

    def sales_at(x: Array) -> tuple[Array, Array]:
        """Sales (the right side of eq. 4) and income ``w_hat Y`` at ``x``."""
        wy = np.exp(x) * y
        lam_new, _ = _shares(log_base, x, eps)
        e_new = expenditure(lam_new, wy)[0]
        return (lam_new * (1 - m) * e_new).sum(axis=1), wy

    def measure(x: Array) -> float:
        if last.get("x") is x:
            return float(last["err"])
        sales, wy = sales_at(x)
        return max(float(np.max(np.abs(sales / wy - 1))), abs(float(wy.sum() / world) - 1))

    def tatonnement(x: Array) -> Array:
        # Raise the wage where sales exceed income; 1 + eps approximates minus the own-wage
        # elasticity of excess demand. Then restore the numéraire.
        sales, wy = sales_at(x)
        step = np.clip(np.log(np.maximum(sales, 1e-300) / wy) / (1 + eps), -1.0, 1.0)
        x_new = x + step
        return np.asarray(x_new - np.log((np.exp(x_new) * y).sum() / world))

    x, report = newton(
        system,
        measure,
        np.zeros(n) if x0 is None else np.asarray(x0, dtype=float),
        tol=tol,
        max_iter=max_iter,
        what="one-sector equilibrium",
        fallback=tatonnement,
    )
    w = np.exp(x)
    if last.get("x") is x:  # Newton's last evaluation was at the solution: reuse its arrays
        lam_new, log_phat, e_new = last["answer"]
    else:
        lam_new, log_phat = _shares(log_base, x, eps)
        e_new = expenditure(lam_new, w * y)[0]
    return w, lam_new, e_new, np.exp(log_phat), report


@dataclass(frozen=True)
class OneSectorModel:
    """Parameters of the one-sector model.

    Attributes
    ----------
    eps
        Trade elasticity (the Fréchet shape in EK, sigma - 1 in Armington). Default 4, the
        central value of Head & Mayer (2014) and Simonovska & Waugh (2014).
    closure
        ``fixed``, ``balanced`` or ``ratio``; see the module docstring.
    tol
        Max excess demand relative to income at the solution.
    """

    eps: float = 4.0
    closure: Closure = "fixed"
    tol: float = TOL

    def __post_init__(self) -> None:
        if not np.isfinite(self.eps) or self.eps <= 0:
            raise ScenarioError(f"Trade elasticity eps={self.eps!r} must be a positive number.")
        check_closure(self.closure, "one-sector")

    def solve(
        self,
        baseline: xr.Dataset,
        new_tariff: xr.DataArray | None = None,
        trade_cost_hat: xr.DataArray | None = None,
        *,
        wage_hat0: Array | None = None,
    ) -> Equilibrium:
        """Solve the counterfactual; see :func:`solve_one_sector`."""
        return solve_one_sector(
            baseline, new_tariff, trade_cost_hat, model=self, wage_hat0=wage_hat0
        )


def _same_labels(baseline: xr.Dataset, arr: xr.DataArray) -> Array | None:
    """``arr`` as numpy when its labels already equal the baseline's, else None.

    An exact alignment checks just that; when the labels differ, :func:`_matrix` aligns with
    xarray, whose error names the mismatch. Comparing two label arrays costs microseconds;
    ``xr.align`` costs milliseconds per call, which dominated a draw of the small models.
    """
    pair = {dims.EXPORTER, dims.IMPORTER}
    if set(arr.dims) not in (pair, pair | {dims.SECTOR}):
        return None
    for dim in (dims.EXPORTER, dims.IMPORTER):
        if dim not in arr.coords or dim not in baseline.coords:
            return None
        if not arr.get_index(dim).equals(baseline.get_index(dim)):
            return None
    values = np.asarray(arr.values, dtype=float)
    if dims.SECTOR in arr.dims:  # one sector (checked by the caller): drop that axis
        values = np.take(values, 0, axis=arr.get_axis_num(dims.SECTOR))
        order = [d for d in arr.dims if d != dims.SECTOR]
    else:
        order = list(arr.dims)
    return values if order == [dims.EXPORTER, dims.IMPORTER] else values.T


def _matrix(baseline: xr.Dataset, arr: xr.DataArray | None, fill: float, name: str) -> Array:
    """Align a (exporter, importer) array exactly to the baseline and return it as numpy."""
    if arr is None:
        n = baseline.sizes[dims.EXPORTER]
        return np.full((n, n), fill)
    if dims.SECTOR in arr.dims and arr.sizes[dims.SECTOR] != 1:
        raise ScenarioError(
            f"{name} has {arr.sizes[dims.SECTOR]} sectors; the one-sector model needs one."
        )
    fast = _same_labels(baseline, arr)
    if fast is not None:
        return fast
    import xarray as xr

    if dims.SECTOR in arr.dims:
        arr = arr.isel({dims.SECTOR: 0}, drop=True)
    ref = baseline[dims.TRADE].isel({dims.SECTOR: 0}, drop=True)
    try:
        ref, arr = xr.align(ref, arr, join="exact")
    except ValueError as exc:
        raise ScenarioError(f"{name} does not have the baseline's countries: {exc}") from exc
    return np.asarray(arr.transpose(dims.EXPORTER, dims.IMPORTER).values, dtype=float)


def solve_one_sector(
    baseline: xr.Dataset,
    new_tariff: xr.DataArray | None = None,
    trade_cost_hat: xr.DataArray | None = None,
    *,
    model: OneSectorModel | None = None,
    wage_hat0: Array | None = None,
) -> Equilibrium:
    """Counterfactual equilibrium of the one-sector model.

    Parameters
    ----------
    baseline
        A validated one-sector baseline.
    new_tariff
        New tariff rates on (exporter, importer); ``None`` keeps the baseline's.
    trade_cost_hat
        Iceberg trade-cost changes ``d_hat`` on (exporter, importer); ``None`` means no change.
    model
        Parameters; defaults to :class:`OneSectorModel()`.
    wage_hat0
        Optional Newton start for ``w_hat`` in baseline country order, such as the
        ``wage_hat`` of a nearby solution (a warm start for searches over tariffs). It changes
        only the path to the solution, never the solution.
    """
    model = model or OneSectorModel()
    if baseline.sizes[dims.SECTOR] != 1:
        raise ScenarioError(
            f"The one-sector model needs a one-sector baseline; this one has "
            f"{baseline.sizes[dims.SECTOR]} sectors. Aggregate it or use the multi-sector model."
        )
    labels = [str(c) for c in baseline.get_index(dims.EXPORTER).tolist()]
    trade = np.asarray(baseline.variables[dims.TRADE].values[:, :, 0], dtype=float)
    tariff = np.asarray(baseline.variables[dims.TARIFF].values[:, :, 0], dtype=float)
    t_new = (
        _matrix(baseline, new_tariff, np.nan, "new tariff") if new_tariff is not None else tariff
    )
    d_hat = None  # no trade-cost change: nothing to build, check or take the log of
    if trade_cost_hat is not None:
        d_hat = _matrix(baseline, trade_cost_hat, 1.0, "trade-cost change")
    solved = solve_arrays(labels, trade, tariff, t_new, d_hat, model=model, wage_hat0=wage_hat0)
    return _package(baseline, labels, *solved, model)


def solve_arrays(
    labels: list[str],
    trade: Array,
    tariff: Array,
    t_new: Array,
    d_hat: Array | None,
    *,
    model: OneSectorModel,
    wage_hat0: Array | None = None,
) -> tuple[_Base, Array, Array, Array, Array, Array, SolverReport]:
    """:func:`solve_one_sector` on plain (exporter, importer) arrays in ``labels`` order.

    Returns ``base, t_new, w_hat, lambda', E', P_hat, report`` (see :func:`outcomes`).
    """
    if not np.all(np.isfinite(t_new)) or np.any(t_new <= -1):
        raise ScenarioError("New tariffs must be finite rates above -1 (0.25 for 25%).")
    if d_hat is not None and (not np.all(np.isfinite(d_hat)) or np.any(d_hat <= 0)):
        raise ScenarioError("Trade-cost changes must be finite ratios above 0 (0.9 for -10%).")

    base = _base_from(trade, tariff)
    seconds = 0.0
    iterations = 0
    if model.closure == "balanced":
        # Remove deficits first (DEK 2008): the zero-deficit world becomes the baseline.
        _w0, lam0, e0, _, rep0 = solve_wages(
            base,
            tariff,
            None,
            model.eps,
            deficit_new=np.zeros_like(base.income),
            tol=model.tol,
        )
        base = _base_from(lam0 * e0 / (1 + tariff), tariff)
        seconds, iterations = rep0.seconds, rep0.iterations
    ratio = None
    if model.closure == "ratio":
        # phi_n = (E_n - R_n) / Y_n = 1 + D_n / Y_n: spending at producer prices over output.
        ratio = (base.expenditure - base.revenue) / base.income
    deficit_new = base.deficit if model.closure == "fixed" else np.zeros_like(base.income)
    try:
        w, lam_new, e_new, p_hat, report = solve_wages(
            base,
            t_new,
            d_hat,
            model.eps,
            deficit_new=deficit_new,
            ratio=ratio,
            tol=model.tol,
            x0=_warm_start(wage_hat0, len(labels)),
        )
    except ConvergenceError as exc:
        if model.closure == "balanced":
            raise
        k = int(np.argmin(base.deficit / base.income))
        rule = (
            "keep its baseline deficit in world-income units"
            if model.closure == "fixed"
            else "keep its deficit as a share of its output, financed by trade"
        )
        raise ConvergenceError(
            f"one-sector equilibrium: no solution under the {model.closure}-deficit closure. Each "
            f"country must {rule}, which a shock this large can make impossible or reachable "
            f"only at extreme wages (largest surplus: {labels[k]} at "
            f"{-base.deficit[k] / base.income[k]:.0%} of its income). "
            "Use closure 'balanced' for prohibitive shocks",
            exc.report,
        ) from exc
    if iterations:
        report = SolverReport(
            converged=report.converged,
            iterations=report.iterations + iterations,
            max_residual=report.max_residual,
            tolerance=report.tolerance,
            seconds=report.seconds + seconds,
            method=report.method,
        )
    return base, t_new, w, lam_new, e_new, p_hat, report


def _warm_start(wage_hat0: Array | None, n: int) -> Array | None:
    """``log w_hat`` start from a warm-start wage vector, or ``None`` if unusable."""
    if wage_hat0 is None:
        return None
    w = np.asarray(wage_hat0, dtype=float).reshape(-1)
    if w.size != n or not np.all(np.isfinite(w)) or np.any(w <= 0):
        raise ScenarioError(
            f"Warm start wage_hat0 must hold {n} positive finite ratios (got {w.size} values)."
        )
    out: Array = np.log(w)
    return out


@functools.lru_cache(maxsize=8)
def _templates(
    labels: tuple[str, ...],
    sectors: tuple[str, ...],
    country_names: tuple[str, ...],
    bilateral_names: tuple[str, ...],
) -> tuple[xr.Dataset, xr.Dataset]:
    """Empty output datasets (labels, indexes, variable names), built once per set of labels.

    Building the indexes and merging the variables costs more than a small model's Newton
    solve; each solve fills a shallow copy of these with its own arrays instead.
    """
    import xarray as xr

    n, k = len(labels), len(sectors)
    country = xr.Dataset(
        {name: (dims.COUNTRY, np.zeros(n)) for name in country_names},
        coords={dims.COUNTRY: list(labels)},
    )
    bil = (dims.EXPORTER, dims.IMPORTER, dims.SECTOR)
    bilateral = xr.Dataset(
        {name: (bil, np.zeros((n, n, k))) for name in bilateral_names},
        coords={
            dims.EXPORTER: list(labels),
            dims.IMPORTER: list(labels),
            dims.SECTOR: list(sectors),
        },
    )
    return country, bilateral


def _off_diagonal(flows: Array) -> Array:
    """A copy of ``flows`` with domestic flows (the diagonal) set to zero."""
    out = flows.copy()
    np.fill_diagonal(out, 0.0)
    return out


def outcomes(
    base: _Base, t_new: Array, w: Array, lam_new: Array, e_new: Array, p_hat: Array
) -> tuple[dict[str, Array], dict[str, Array]]:
    """Country variables (by country) and bilateral variables (exporter, importer) of a solve.

    The arrays the :class:`Equilibrium` datasets hold, before labels are attached; front ends
    that print a headline without xarray read them as they are.
    """
    trade_new = lam_new * e_new / (1 + t_new)
    revenue_old = base.revenue
    revenue_new = (trade_new * t_new).sum(axis=0)
    foreign_old = _off_diagonal(base.trade)
    foreign_new = _off_diagonal(trade_new)
    exports_old = foreign_old.sum(axis=1)
    exports_new = foreign_new.sum(axis=1)
    imports_old = foreign_old.sum(axis=0)
    imports_new = foreign_new.sum(axis=0)
    income_new = w * base.income + revenue_new
    income_old = base.income + revenue_old
    with np.errstate(divide="ignore", invalid="ignore"):
        country_vars = {
            "wage_hat": w,
            "price_index_hat": p_hat,
            "welfare_hat": income_new / income_old / p_hat,
            "real_wage_hat": w / p_hat,
            "expenditure_hat": e_new / base.expenditure,
            "exports_hat": exports_new / exports_old,
            "imports_hat": imports_new / imports_old,
            "domestic_share_hat": np.diag(lam_new) / np.diag(base.lam),
            "tariff_revenue": revenue_new,
            "tariff_revenue_baseline": revenue_old,
            "exports": exports_new,
            "imports": imports_new,
            "income": income_new,
        }
        bilateral_vars = {
            "trade_baseline": base.trade,
            "trade": trade_new,
            "trade_hat": trade_new / base.trade,
        }
    return country_vars, bilateral_vars


def _package(
    baseline: xr.Dataset,
    labels: list[str],
    base: _Base,
    t_new: Array,
    w: Array,
    lam_new: Array,
    e_new: Array,
    p_hat: Array,
    report: SolverReport,
    model: OneSectorModel,
) -> Equilibrium:
    from tradewinds.models.equilibrium import Equilibrium

    country_vars, pairs = outcomes(base, t_new, w, lam_new, e_new, p_hat)
    shape = (*base.trade.shape, 1)
    bilateral_vars = {name: values.reshape(shape) for name, values in pairs.items()}
    country_template, bilateral_template = _templates(
        tuple(labels),
        tuple(baseline.indexes[dims.SECTOR]),
        tuple(country_vars),
        tuple(bilateral_vars),
    )
    country = country_template.copy(deep=False, data=country_vars)
    bilateral = bilateral_template.copy(deep=False, data=bilateral_vars)
    params: dict[str, Any] = {"eps": model.eps, "closure": model.closure, "tol": model.tol}
    return Equilibrium(
        model="one-sector",
        country=country,
        bilateral=bilateral,
        report=report,
        units=str(baseline.attrs.get("units", "")),
        params=params,
    )
