r"""The model object, its outputs and the :class:`Equilibrium` it returns.

Outputs of Ignatenko et al. (2025), per country (``'`` marks the counterfactual)::

    welfare_hat   = delta_i E_hat_i / P_hat_i + (1 - delta_i) w_hat_i L_hat_i / P_hat_i,
                    delta_i = E_i / (E_i - kappa (1 - tau_i) Y_i / (1 + kappa))          (O1)
    deficit_pct   = 100 (D'_i - D_i) / |D_i|,  D = imports - exports (all flows)          (O2)
    exports_gdp_pct = 100 ((sum_{i != j} X'_ji / Y'_j) / (sum_{i != j} X_ji / Y_j) - 1)  (O3)
    imports_gdp_pct = the same on imports (column sums)                                   (O4)
    employment_hat = L_hat,  price_index_hat = P_hat                                      (O5)
    tariff_revenue_share = R'_i / E_i (baseline expenditure, as in the replication code)  (O6)

The "non-US average" of the paper weights countries other than the US by baseline expenditure
``E_i`` (:func:`expenditure_weighted_average`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from tradewinds.core import dims
from tradewinds.core.errors import ScenarioError, UnknownLabelError
from tradewinds.core.records import attributes
from tradewinds.core.solver import SolverReport
from tradewinds.models._newton import TOL
from tradewinds.models.equilibrium import Equilibrium
from tradewinds.models.ignatenko.calibration import (
    SCALE,
    Array,
    IgnatenkoBaseline,
    build_baseline,
    pass_through,
)
from tradewinds.models.ignatenko.kernel import (
    RECYCLING,
    Kernel,
    Params,
    Recycling,
    State,
)
from tradewinds.models.ignatenko.solve import solve_kernel

#: Registry name of the model.
NAME = "ignatenko2025"
#: Label of the United States, whose importer share is calibrated separately.
US = "USA"
#: Country label of the expenditure-weighted average of all other countries.
NON_US = "NON_USA"


@dataclass(frozen=True)
class IgnatenkoModel:
    """Parameters of the one-sector model with employment of Ignatenko et al. (2025).

    Attributes
    ----------
    eps
        Trade elasticity (4 in the paper, 8 in a robustness case).
    kappa
        Labour-supply (Frisch) elasticity, 0.5.
    pass_through
        Intercept ``c`` of ``phi_i = c + phi~_i``: 1 in the benchmark, 0.5 or 0.25 in the
        partial pass-through cases.
    recycling
        ``income-tax`` (tariff revenue relieves the income tax, the benchmark) or ``lump-sum``.
    psi
        Scale elasticity; ``None`` means ``0.67 / eps``.
    theta
        Parameter of the pass-through formula; ``None`` means ``eps / 0.67``. The paper's
        ``eps = 8`` robustness case keeps ``psi`` and ``theta`` at their ``eps = 4`` values.
    tol
        Max relative residual at the solution.
    """

    eps: float = 4.0
    kappa: float = 0.5
    pass_through: float = 1.0
    recycling: Recycling = "income-tax"
    psi: float | None = None
    theta: float | None = None
    tol: float = TOL

    def __post_init__(self) -> None:
        for name in ("eps", "kappa", "pass_through", "psi", "theta"):
            value = getattr(self, name)
            if value is not None and (not np.isfinite(value) or value <= 0):
                raise ScenarioError(f"Parameter {name}={value!r} must be a positive number.")
        if self.recycling not in RECYCLING:
            raise ScenarioError(
                f"Unknown recycling mode {self.recycling!r}; choose one of {', '.join(RECYCLING)}."
            )

    @property
    def psi_value(self) -> float:
        """The scale elasticity in use."""
        return SCALE / self.eps if self.psi is None else self.psi

    @property
    def theta_value(self) -> float:
        """The pass-through parameter theta in use."""
        return self.eps / SCALE if self.theta is None else self.theta

    def phi(self, base: IgnatenkoBaseline) -> Array:
        """Pass-through ``phi_i`` per importer."""
        return pass_through(base.nu, self.theta_value, self.pass_through)

    def params(self, base: IgnatenkoBaseline) -> Params:
        """Resolved numerical parameters for a baseline."""
        return Params(self.eps, self.kappa, self.psi_value, self.phi(base), self.recycling)

    def describe(self) -> dict[str, Any]:
        """Parameters for provenance."""
        described = attributes(self, "eps", "kappa")
        described |= {"psi": self.psi_value, "theta": self.theta_value}  # as resolved
        return described | attributes(self, "pass_through", "recycling", "tol")

    def solve_arrays(
        self,
        base: IgnatenkoBaseline,
        tariff: Array,
        labels: list[str],
        cost_hat: Array | None = None,
        *,
        sector: str = dims.TOTAL_SECTOR,
        units: str = "",
    ) -> Equilibrium:
        """Solve on a calibrated baseline with new tariffs ``t_ji`` (exporter rows)."""
        n = base.size
        tariff = np.asarray(tariff, dtype=float)
        cost = np.ones((n, n)) if cost_hat is None else np.asarray(cost_hat, dtype=float)
        if len(labels) != n or tariff.shape != (n, n) or cost.shape != (n, n):
            raise ScenarioError(
                f"Shapes disagree: {len(labels)} labels, tariffs {tariff.shape}, "
                f"trade-cost changes {cost.shape}, baseline of {n} countries."
            )
        if not np.all(np.isfinite(tariff)) or np.any(tariff < 0):
            raise ScenarioError("Tariffs must be finite rates >= 0 (0.25 for 25%).")
        if np.any(np.diag(tariff) != 0):
            k = int(np.argmax(np.diag(tariff) != 0))
            raise ScenarioError(f"{labels[k]} would tariff its own goods; domestic rates are 0.")
        if cost_hat is not None and (not np.all(np.isfinite(cost)) or np.any(cost <= 0)):
            raise ScenarioError("Trade-cost changes must be finite ratios above 0 (0.9 for -10%).")
        params = self.params(base)
        state, kernel, report = solve_kernel(
            base, tariff, cost, params, tol=self.tol, labels=labels
        )
        return _package(base, state, kernel, tariff, labels, report, self, sector, units)

    def solve(
        self,
        baseline: xr.Dataset,
        new_tariff: xr.DataArray | None = None,
        trade_cost_hat: xr.DataArray | None = None,
    ) -> Equilibrium:
        """Solve on a one-sector :class:`~tradewinds.data.baseline.Baseline`.

        The baseline must have zero tariffs (the model's baseline is tariff-free) and contain
        the United States (``USA``). Its off-diagonal flows are ``X_ji``; GDP is each country's
        income (sales including domestic absorption), corrected from the provenance record for
        countries whose domestic absorption the loader clipped to zero.
        """
        from tradewinds.models.onesector import _matrix

        if baseline.sizes[dims.SECTOR] != 1:
            raise ScenarioError(
                f"Model {NAME} needs a one-sector baseline; this one has "
                f"{baseline.sizes[dims.SECTOR]} sectors. Aggregate it first."
            )
        labels = [str(c) for c in baseline[dims.EXPORTER].values]
        if US not in labels:
            raise UnknownLabelError("country", US, labels, f"the baseline for model {NAME}")
        base_tariff = np.asarray(baseline[dims.TARIFF].values[:, :, 0], dtype=float)
        if np.any(base_tariff != 0):
            raise ScenarioError(
                f"Model {NAME} starts from a tariff-free baseline, but this baseline has tariffs "
                f"(largest {base_tariff.max():.3g}). Use the 194-country BACI baseline or the "
                "bundled default, whose tariffs are zero."
            )
        trade = np.asarray(baseline[dims.TRADE].values[:, :, 0], dtype=float)
        base = build_baseline(trade, baseline_gdp(baseline), labels.index(US))
        tariff = (
            _matrix(baseline, new_tariff, np.nan, "new tariff")
            if new_tariff is not None
            else base_tariff
        )
        cost = _matrix(baseline, trade_cost_hat, 1.0, "trade-cost change")
        return self.solve_arrays(
            base,
            tariff,
            labels,
            cost,
            sector=str(baseline[dims.SECTOR].values[0]),
            units=str(baseline.attrs.get("units", "")),
        )


def baseline_gdp(baseline: xr.Dataset) -> Array:
    """GDP behind a one-sector baseline: income, plus clipped domestic absorption if recorded.

    The loaders set domestic absorption to GDP minus exports and clip it at zero; they record
    the clipped (negative) value under ``domestic_absorption_clipped_to_zero`` in the
    provenance, which restores GDP exactly for those countries, or for the region holding them
    in an aggregated baseline (whose provenance lists the members under ``aggregation``).
    """
    gdp = np.asarray(baseline[dims.TRADE].sum((dims.IMPORTER, dims.SECTOR)).values, dtype=float)
    labels = [str(c) for c in baseline[dims.EXPORTER].values]
    record = json.loads(baseline.attrs.get("provenance", "{}") or "{}")
    clipped = record.get("domestic_absorption_clipped_to_zero", {}) or {}
    home = {c: c for c in labels}
    for region, members in (record.get("aggregation", {}) or {}).items():
        home.update(dict.fromkeys(members, region))
    for country, value in clipped.items():
        where = home.get(country)
        if where in labels:
            gdp[labels.index(where)] += float(value)
    return gdp


def outcomes(
    base: IgnatenkoBaseline, state: State, kernel: Kernel, tariff: Array
) -> dict[str, Array]:
    """Every output of the paper, (O1)-(O6), plus flows and levels, as numpy arrays."""
    p = kernel.p
    n = base.size
    w = np.exp(state.x)
    emp = np.exp(state.ell)
    p_hat = np.exp(state.log_p)
    e_hat = state.e_new / base.expenditure
    trade_new = kernel.shares(state) * state.e_new[None, :] / (1 + tariff)
    revenue = state.m * state.e_new
    delta = base.expenditure / (
        base.expenditure - p.kappa * (1 - state.tau) * base.income / (1 + p.kappa)
    )
    welfare = delta * e_hat / p_hat + (1 - delta) * w * emp / p_hat
    off = ~np.eye(n, dtype=bool)
    exports_old = np.where(off, base.trade, 0.0).sum(axis=1)
    imports_old = np.where(off, base.trade, 0.0).sum(axis=0)
    exports_new = np.where(off, trade_new, 0.0).sum(axis=1)
    imports_new = np.where(off, trade_new, 0.0).sum(axis=0)
    deficit_old = base.trade.sum(axis=0) - base.trade.sum(axis=1)
    deficit_new = trade_new.sum(axis=0) - trade_new.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "welfare_hat": welfare,
            "wage_hat": w,
            "price_index_hat": p_hat,
            "employment_hat": emp,
            "expenditure_hat": e_hat,
            "real_wage_hat": w / p_hat,
            "exports_hat": exports_new / exports_old,
            "imports_hat": imports_new / imports_old,
            "deficit_pct": 100 * (deficit_new - deficit_old) / np.abs(deficit_old),
            "exports_gdp_pct": 100
            * ((exports_new / state.y_new) / (exports_old / base.income) - 1),
            "imports_gdp_pct": 100
            * ((imports_new / state.y_new) / (imports_old / base.income) - 1),
            "prices_pct": 100 * (p_hat - 1),
            "tariff_revenue_share": revenue / base.expenditure,
            "tariff_revenue": revenue,
            "tariff_revenue_baseline": np.zeros(n),
            "exports": exports_new,
            "imports": imports_new,
            "income": state.y_new,
            "expenditure_baseline": base.expenditure,
            "nu": base.nu,
            "phi": p.phi,
            "trade_new": trade_new,
        }


def _package(
    base: IgnatenkoBaseline,
    state: State,
    kernel: Kernel,
    tariff: Array,
    labels: list[str],
    report: SolverReport,
    model: IgnatenkoModel,
    sector: str,
    units: str,
) -> Equilibrium:
    out = outcomes(base, state, kernel, tariff)
    trade_new = out.pop("trade_new")
    country = xr.Dataset(
        {name: (dims.COUNTRY, values) for name, values in out.items()},
        coords={dims.COUNTRY: labels},
    )
    country["tariff_revenue_share"].attrs["units"] = "fraction of baseline expenditure"
    bil = {dims.EXPORTER: labels, dims.IMPORTER: labels, dims.SECTOR: [sector]}
    shape = (*base.trade.shape, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        bilateral = xr.Dataset(
            {
                "trade_baseline": (tuple(bil), base.trade.reshape(shape)),
                "trade": (tuple(bil), trade_new.reshape(shape)),
                "trade_hat": (tuple(bil), (trade_new / base.trade).reshape(shape)),
            },
            coords=bil,
        )
    params = model.describe() | {"nu_other": base.nu_other, "nu_us": base.nu_us}
    return Equilibrium(
        model=NAME,
        country=country,
        bilateral=bilateral,
        report=report,
        units=units,
        params=params,
    )


def expenditure_weighted_average(
    eq: Equilibrium, variables: Iterable[str], *, exclude: Iterable[str] = (US,)
) -> dict[str, float]:
    """Average of country variables over all countries but ``exclude``, weighted by ``E_i``.

    This is the paper's "non-US average" with the default ``exclude``.
    """
    labels = [str(c) for c in eq.country[dims.COUNTRY].values]
    keep = np.array([c not in set(exclude) for c in labels])
    weight = np.asarray(eq.country["expenditure_baseline"].values, dtype=float)[keep]
    result = {}
    for var in variables:
        values = np.asarray(eq.country[var].values, dtype=float)[keep]
        result[var] = float((weight * values).sum() / weight.sum())
    return result
