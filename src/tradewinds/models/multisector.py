r"""Multi-sector model with input–output links: Caliendo & Parro (2015), solved in changes.

Caliendo, L. and Parro, F. (2015), "Estimates of the Trade and Welfare Effects of NAFTA",
*Review of Economic Studies* 82(1), 1–44. Paper letters map to dims as importer n ->
``importer``, exporter i -> ``exporter``, sector j -> ``sector``, input sector k ->
``input_sector``; the kernels (:mod:`._cp_kernels`) cite the paper's equations (10)-(14):

.. code-block:: text

    kappa_hat_nij = (1 + t'_nij) / (1 + t_nij) d_hat_nij
    c_hat_nj      = w_hat_n^gamma_nj prod_k P_hat_nk^gamma_nkj                          (10)
    P_hat_nj      = [sum_i pi_nij (kappa_hat_nij c_hat_ij)^-theta_j]^(-1/theta_j)       (11)
    pi'_nij       = pi_nij (c_hat_ij kappa_hat_nij / P_hat_nj)^-theta_j                 (12)
    X'_nj         = sum_k gamma_njk Y'_nk + alpha_nj I'_n,                              (13)
      I'_n = w_hat_n w_n L_n + sum_j sum_i t'_nij pi'_nij X'_nj / (1 + t'_nij) + D'_n
    w_hat_n w_n L_n = sum_j gamma_nj Y'_nj,  Y'_nj = sum_i pi'_inj X'_ij / (1 + t'_inj)  (14)

World labour income is the numéraire. Data enter only through the shares ``pi``, ``gamma``,
``alpha``, labour income ``w L`` (value added) and deficits, so observed data need not be an
equilibrium of the model. Following CP2015's protocol, every counterfactual is therefore measured
against a **baseline equilibrium** solved from the same data with the baseline tariffs and the
closure's deficits: ``balanced`` sets deficits to zero in both (the paper's headline), ``fixed``
keeps the observed deficits in both (in units of world labour income).

Outputs: ``welfare_hat`` is the paper's welfare, one plus its terms-of-trade and volume-of-trade
contributions (reported as ``tot_pct`` and ``vot_pct``, and by sector); ``real_income_hat`` is the
exact change in income net of deficits deflated by the final-demand price index. See
``docs/multisector.md``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import numpy as np
import xarray as xr

from tradewinds.core import dims
from tradewinds.core.errors import ConvergenceError, DataError, ScenarioError, UnknownLabelError
from tradewinds.core.solver import SolverReport
from tradewinds.models import _cp_adjoint, _cp_solver
from tradewinds.models._cp_kernels import Array, Economy, Shock, make_shock
from tradewinds.models._cp_outputs import package, welfare_by_partner
from tradewinds.models._newton import TOL
from tradewinds.models.closures import Closure, check_closure
from tradewinds.models.equilibrium import Equilibrium

__all__ = [
    "Closure",
    "MultiSectorModel",
    "PreparedBaseline",
    "prepare_baseline",
    "solve_multi_sector",
    "welfare_by_partner",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MultiSectorModel:
    """Parameters of the Caliendo–Parro model.

    Attributes
    ----------
    closure
        ``balanced`` (zero deficits in baseline and counterfactual, CP2015's headline),
        ``fixed`` (observed deficits kept in both) or ``ratio`` (each country's final spending
        net of tariffs a fixed multiple of its labour income, as observed, in both).
    theta
        Trade elasticities overriding the baseline's ``trade_elasticity``: one number for all
        sectors or a mapping sector -> value (unlisted sectors keep the baseline's).
    tol
        Max labour-market excess demand relative to labour income at the solution.
    """

    closure: Closure = "balanced"
    theta: float | Mapping[str, float] | None = None
    tol: float = TOL

    def __post_init__(self) -> None:
        check_closure(self.closure, "multi-sector")

    def solve(
        self,
        baseline: xr.Dataset,
        new_tariff: xr.DataArray | None = None,
        trade_cost_hat: xr.DataArray | None = None,
    ) -> Equilibrium:
        """Solve the counterfactual; see :func:`solve_multi_sector`."""
        return solve_multi_sector(baseline, new_tariff, trade_cost_hat, model=self)

    def prepare(self, baseline: xr.Dataset) -> PreparedBaseline:
        """Solve the baseline equilibrium once, for many counterfactuals on the same baseline."""
        return prepare_baseline(baseline, model=self)


def _thetas(baseline: xr.Dataset, sectors: list[str], model: MultiSectorModel) -> Array:
    if dims.TRADE_ELASTICITY in baseline:
        theta = np.asarray(
            baseline[dims.TRADE_ELASTICITY].sel({dims.SECTOR: sectors}).values, dtype=float
        )
    else:
        theta = np.full(len(sectors), np.nan)
    if isinstance(model.theta, int | float):
        theta[:] = float(model.theta)
    elif model.theta is not None:
        for name, value in model.theta.items():
            if name not in sectors:
                raise UnknownLabelError("sector", name, sectors, "the theta override")
            theta[sectors.index(name)] = float(value)
    bad = ~np.isfinite(theta) | (theta <= 0)
    if bad.any():
        k = int(np.argmax(bad))
        raise ScenarioError(
            f"Trade elasticity of sector {sectors[k]!r} is {theta[k]!r}; the baseline has no "
            "positive trade_elasticity there. Pass theta (one number or per sector)."
        )
    return theta


def _cube(baseline: xr.Dataset, arr: xr.DataArray | None, name: str) -> Array | None:
    """An (exporter, importer, sector) array aligned to the baseline, as ``[j, n, i]``."""
    if arr is None:
        return None
    ref = baseline[dims.TRADE]
    extra = set(map(str, arr.dims)) - {dims.EXPORTER, dims.IMPORTER, dims.SECTOR}
    if extra or not {dims.EXPORTER, dims.IMPORTER} <= set(map(str, arr.dims)):
        raise ScenarioError(
            f"{name} has dims {tuple(map(str, arr.dims))}; expected the baseline's labels on "
            "(exporter, importer[, sector])."
        )
    if dims.SECTOR not in arr.dims:
        arr = arr.expand_dims({dims.SECTOR: ref[dims.SECTOR].values})
    try:
        _, arr = xr.align(ref, arr, join="exact")
    except ValueError as exc:
        raise ScenarioError(f"{name} does not have the baseline's labels: {exc}") from exc
    return np.asarray(arr.transpose(dims.SECTOR, dims.IMPORTER, dims.EXPORTER).values, dtype=float)


@dataclass(frozen=True)
class _Data:
    eco: Economy
    deficit: Array  # observed, in units of world labour income
    scale: float  # world labour income in the baseline's money unit
    countries: list[str]
    sectors: list[str]


def economy_from(baseline: xr.Dataset, model: MultiSectorModel) -> _Data:
    """Shares, labour income and deficits of a baseline (CP2015 section 4.1)."""
    countries = [str(c) for c in baseline[dims.EXPORTER].values]
    sectors = [str(s) for s in baseline[dims.SECTOR].values]
    n, j = len(countries), len(sectors)
    order = (dims.SECTOR, dims.IMPORTER, dims.EXPORTER)
    trade = np.asarray(baseline[dims.TRADE].transpose(*order).values, dtype=float)
    tariff = np.asarray(baseline[dims.TARIFF].transpose(*order).values, dtype=float)
    gross = trade * (1 + tariff)
    spend = gross.sum(axis=2, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        pi = np.where(spend > 0, gross / spend, 0.0)
    # A sector an importer never buys: any shares do; put them on the domestic producer.
    empty = spend[:, :, 0] <= 0
    if empty.any():
        jj, nn = np.nonzero(empty)
        pi[jj, nn, nn] = 1.0
    if dims.VALUE_ADDED in baseline:
        va_nj = np.asarray(
            baseline[dims.VALUE_ADDED].transpose(dims.EXPORTER, dims.SECTOR).values, dtype=float
        )
    else:
        va_nj = trade.sum(axis=1).T  # no intermediates: value added = sales
    if dims.IO_SHARE in baseline:
        io = np.asarray(
            baseline[dims.IO_SHARE].transpose(dims.EXPORTER, dims.INPUT_SECTOR, dims.SECTOR).values,
            dtype=float,
        )
    else:
        io = np.zeros((n, j, j))
    if dims.FINAL_SHARE in baseline:
        alpha = np.asarray(
            baseline[dims.FINAL_SHARE].transpose(dims.IMPORTER, dims.SECTOR).values, dtype=float
        )
    elif j == 1:
        alpha = np.ones((n, 1))
    else:
        raise DataError(
            "The multi-sector model needs final-demand shares ('final_share' on importer, "
            "sector); this baseline has none. Load a multi-sector baseline (cp2015, wiod2011)."
        )
    va = va_nj.sum(axis=1)
    if (va <= 0).any():
        k = int(np.argmax(va <= 0))
        raise DataError(f"Country {countries[k]!r} has no value added; labour income must be > 0.")
    scale = float(va.sum())
    deficit = np.asarray(baseline[dims.DEFICIT].values, dtype=float) / scale
    eco = Economy(
        pi=pi,
        theta=_thetas(baseline, sectors, model),
        gva=np.clip(1.0 - io.sum(axis=1), 0.0, 1.0),
        io=io,
        alpha=alpha,
        va=va / scale,
        tariff=tariff,
    )
    return _Data(eco, deficit, scale, countries, sectors)


@dataclass(frozen=True)
class PreparedBaseline:
    """A baseline with its baseline equilibrium solved, ready for many counterfactuals.

    Sweeps, Monte Carlo draws over shocks and best-response searches solve one counterfactual
    after another on the same baseline and model; this solves the baseline equilibrium (half
    the work of :func:`solve_multi_sector`) once. The baseline must not be modified afterwards.
    """

    model: MultiSectorModel
    baseline: xr.Dataset
    data: _Data
    deficit: _cp_solver.Deficits
    state: _cp_solver.State
    report: SolverReport
    #: The last counterfactual solved here: a warm start at its point also reuses its Jacobian.
    _last: list[_cp_solver.State] = field(default_factory=list, init=False, repr=False)

    def solve(
        self,
        new_tariff: xr.DataArray | None = None,
        trade_cost_hat: xr.DataArray | None = None,
        *,
        start: tuple[Array, Array] | None = None,
    ) -> Equilibrium:
        """Counterfactual against the prepared baseline equilibrium.

        ``start`` (optional) is a warm start: ``(log wage_hat (N,), log price_hat (N, J))`` of a
        nearby counterfactual on this prepared baseline, in the order of its countries and
        sectors (:meth:`start_from` reads them off an :class:`Equilibrium`). Newton starts there
        instead of at the baseline equilibrium; the convergence test is unchanged, so the answer
        is the same to the solver's tolerance.
        """
        t_new, d_hat, _, new, report = self._counterfactual(new_tariff, trade_cost_hat, start)
        return self._package(t_new, d_hat, new, report)

    def real_income_gradient(
        self,
        new_tariff: xr.DataArray | None = None,
        trade_cost_hat: xr.DataArray | None = None,
        *,
        weights: Mapping[str, float],
        start: tuple[Array, Array] | None = None,
    ) -> tuple[Equilibrium, xr.DataArray]:
        """Counterfactual and the gradient of weighted real income with respect to tariffs.

        The objective is ``sum_c weights[c] * (real_income_hat_c - 1)``; the gradient is its
        derivative with respect to every tariff rate of the counterfactual, on (exporter,
        importer, sector), by the adjoint method (:mod:`._cp_adjoint`): one Jacobian and two
        linear solves, whatever the number of tariffs. ``start`` is as in :meth:`solve`.
        """
        countries = self.data.countries
        omega = np.zeros(len(countries))
        for country, weight in weights.items():
            if country not in countries:
                raise UnknownLabelError("country", country, countries, "the welfare weights")
            omega[countries.index(country)] = float(weight)
        t_new, d_hat, shock, new, report = self._counterfactual(new_tariff, trade_cost_hat, start)
        eq = self._package(t_new, d_hat, new, report)
        real_income = np.asarray(eq.country["real_income_hat"].values, dtype=float)
        grad = _cp_adjoint.real_income_gradient(
            self.data.eco, shock, self.deficit, new, real_income, omega
        )
        order = (dims.EXPORTER, dims.IMPORTER, dims.SECTOR)
        coords = {
            dims.EXPORTER: countries,
            dims.IMPORTER: countries,
            dims.SECTOR: self.data.sectors,
        }
        gradient = xr.DataArray(
            grad.transpose(2, 1, 0),
            dims=order,
            coords=coords,
            name="real_income_gradient",
            attrs={"units": "weighted real-income change per unit of tariff rate"},
        )
        return eq, gradient

    def _counterfactual(
        self,
        new_tariff: xr.DataArray | None,
        trade_cost_hat: xr.DataArray | None,
        start: tuple[Array, Array] | None,
    ) -> tuple[Array, Array, Shock, _cp_solver.State, SolverReport]:
        """Validated shocks, the kernels' shock, the solved state and the combined report."""
        eco = self.data.eco
        t_new = _cube(self.baseline, new_tariff, "new tariff")
        t_new = eco.tariff if t_new is None else t_new
        d_hat = _cube(self.baseline, trade_cost_hat, "trade-cost change")
        d_hat = np.ones_like(eco.tariff) if d_hat is None else d_hat
        if not np.all(np.isfinite(t_new)) or np.any(t_new <= -1):
            raise ScenarioError("New tariffs must be finite rates above -1 (0.25 for 25%).")
        if not np.all(np.isfinite(d_hat)) or np.any(d_hat <= 0):
            raise ScenarioError("Trade-cost changes must be finite ratios above 0 (0.9 for -10%).")
        shock = make_shock(eco, t_new, d_hat)
        with _fixed_deficit_hint(self.model, self.data):
            new, rep1 = _cp_solver.solve(
                eco,
                shock,
                self.deficit,
                tol=self.model.tol,
                what="multi-sector counterfactual equilibrium",
                warm=self._start_state(start),
            )
        self._last[:] = [new]
        rep0 = self.report
        log.info("multi-sector counterfactual: %s", rep1.summary())
        report = SolverReport(
            converged=True,
            iterations=rep0.iterations + rep1.iterations,
            max_residual=max(rep0.max_residual, rep1.max_residual),
            tolerance=self.model.tol,
            seconds=rep0.seconds + rep1.seconds,
            method=rep1.method,
        )
        return t_new, d_hat, shock, new, report

    def _package(
        self, t_new: Array, d_hat: Array, new: _cp_solver.State, report: SolverReport
    ) -> Equilibrium:
        base_deficit = self.deficit.at(np.exp(self.state.x) * self.data.eco.va)
        return package(
            self.baseline,
            self.data,
            base_deficit,
            t_new,
            d_hat,
            self.state,
            new,
            report,
            self.model,
        )

    def _start_state(self, start: tuple[Array, Array] | None) -> _cp_solver.State:
        """The baseline state moved to ``start``; its Jacobian and derivatives are kept."""
        if start is None:
            return self.state
        n, j = self.data.eco.shape
        log_w, log_p = (np.asarray(a, dtype=float) for a in start)
        if log_w.shape != (n,) or log_p.shape != (n, j):
            raise ScenarioError(
                f"Warm start has shapes {log_w.shape} and {log_p.shape}; expected ({n},) log "
                f"wage changes and ({n}, {j}) log price changes of this baseline."
            )
        if not (np.all(np.isfinite(log_w)) and np.all(np.isfinite(log_p))):
            return self.state  # nothing usable: start cold
        x = self.state.x + log_w
        for last in self._last:  # the point just solved: reuse its Jacobian and derivatives
            if last.jac is not None and np.allclose(last.x, x, rtol=0, atol=1e-12):
                return last
        return replace(self.state, x=self.state.x + log_w, log_p=self.state.log_p + log_p)

    def start_from(self, eq: Equilibrium) -> tuple[Array, Array] | None:
        """``(log wage_hat, log price_hat)`` of ``eq`` for :meth:`solve`'s ``start``.

        ``None`` when ``eq`` is not a multi-sector equilibrium on these countries and sectors.
        """
        countries, sectors = self.data.countries, self.data.sectors
        sector = eq.sector
        if sector is None or "price_hat" not in sector or "wage_hat" not in eq.country:
            return None
        try:
            w = eq.country["wage_hat"].sel({dims.COUNTRY: countries})
            p = sector["price_hat"].sel({dims.COUNTRY: countries, dims.SECTOR: sectors})
        except (KeyError, IndexError, ValueError):
            return None
        p = p.transpose(dims.COUNTRY, dims.SECTOR)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(np.asarray(w.values, dtype=float)), np.log(
                np.asarray(p.values, dtype=float)
            )


@contextmanager
def _fixed_deficit_hint(model: MultiSectorModel, data: _Data) -> Iterator[None]:
    """Re-raise a ConvergenceError under the fixed closure with the likely cause named."""
    try:
        yield
    except ConvergenceError as exc:
        if model.closure == "balanced":
            raise
        eco = data.eco
        k = int(np.argmax(np.abs(data.deficit) / eco.va))
        raise ConvergenceError(
            f"multi-sector equilibrium: no solution under the {model.closure!r} closure; each "
            "country keeps its observed deficit, in world-income units or relative to its labour "
            "income (largest relative to labour "
            f"income: {data.countries[k]} at {data.deficit[k] / eco.va[k]:+.0%}). "
            "Use closure 'balanced'",
            exc.report,
        ) from exc


def prepare_baseline(
    baseline: xr.Dataset, *, model: MultiSectorModel | None = None
) -> PreparedBaseline:
    """Solve the baseline equilibrium under ``model``; see :class:`PreparedBaseline`."""
    model = model or MultiSectorModel()
    data = economy_from(baseline, model)
    eco = data.eco
    if model.closure == "fixed":
        deficit = _cp_solver.Deficits(data.deficit)
    elif model.closure == "ratio":
        deficit = _cp_solver.Deficits(data.deficit, phi=1 + data.deficit / eco.va)
    else:
        deficit = _cp_solver.Deficits(np.zeros_like(data.deficit))
    with _fixed_deficit_hint(model, data):
        state, report = _cp_solver.solve(
            eco,
            make_shock(eco, eco.tariff, np.ones_like(eco.tariff)),
            deficit,
            tol=model.tol,
            what="multi-sector baseline equilibrium",
        )
    log.info("multi-sector baseline: %s", report.summary())
    return PreparedBaseline(model, baseline, data, deficit, state, report)


def solve_multi_sector(
    baseline: xr.Dataset,
    new_tariff: xr.DataArray | None = None,
    trade_cost_hat: xr.DataArray | None = None,
    *,
    model: MultiSectorModel | None = None,
) -> Equilibrium:
    """Counterfactual equilibrium of the Caliendo–Parro model against its baseline equilibrium.

    Parameters
    ----------
    baseline
        A validated baseline; one-sector baselines work too (no input-output links).
    new_tariff
        New tariff rates on (exporter, importer, sector); ``None`` keeps the baseline's.
    trade_cost_hat
        Iceberg trade-cost changes on (exporter, importer, sector); ``None`` means none.
    model
        Parameters; defaults to :class:`MultiSectorModel()`.
    """
    prepared = prepare_baseline(baseline, model=model)
    return prepared.solve(new_tariff, trade_cost_hat)
