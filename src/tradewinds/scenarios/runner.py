"""The runner: scenario -> baseline -> shocks -> model -> :class:`Equilibrium`.

Every front end (CLI, API, sweeps) calls :func:`run_scenario`, so they return the same numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy as np
import xarray as xr

from tradewinds.core import dims
from tradewinds.core.errors import ScenarioError, UnknownLabelError
from tradewinds.data.baseline import countries
from tradewinds.data.loaders import load_baseline
from tradewinds.models import registry
from tradewinds.models.equilibrium import Equilibrium
from tradewinds.scenarios.schema import MultiSectorSpec, Scenario
from tradewinds.scenarios.shock_cells import Cells, shock_arrays

# kept importable from here, where they lived before shock_cells
from tradewinds.scenarios.shock_cells import resolve_countries as resolve_countries
from tradewinds.scenarios.shock_cells import sector_list as _sector_list  # noqa: F401

log = logging.getLogger(__name__)


#: Model name -> function(spec, baseline, new tariff, trade-cost change) -> Equilibrium, from the
#: model registry (:mod:`tradewinds.models.registry`).
MODELS: dict[str, Callable[[Any, xr.Dataset, xr.DataArray, xr.DataArray], Equilibrium]] = {
    name: model.solve for name, model in registry.MODELS.items()
}


def build_shocks(scenario: Scenario, baseline: xr.Dataset) -> tuple[xr.DataArray, xr.DataArray]:
    """New tariffs and trade-cost changes on (exporter, importer, sector) for the baseline.

    Tariffs: the registry as of ``shocks.tariffs_as_of``, then ``shocks.tariffs`` in order, then
    ``shocks.retaliation`` in order. Each entry is one indexed numpy assignment on the block of
    cells it names (:func:`~tradewinds.scenarios.shock_cells.shock_arrays`), so the work is
    proportional to the number of entries and cells touched.
    """
    from tradewinds.scenarios.retaliation import apply_retaliation

    order = (dims.EXPORTER, dims.IMPORTER, dims.SECTOR)
    tariff = baseline[dims.TARIFF].transpose(*order)
    exporters, importers, sectors = ([str(c) for c in tariff[d].values] for d in order)

    def gravity(cells: Cells, costs: np.ndarray, source: Any, secs: np.ndarray, where: str) -> None:
        _apply_gravity(
            scenario,
            baseline,
            costs,
            (cells.exporters, cells.importers),
            source,
            (secs, [sectors[s] for s in secs]),
            where,
        )

    values, cost_values = shock_arrays(
        scenario, countries(baseline), (exporters, importers, sectors), tariff.values, gravity
    )
    new = apply_retaliation(scenario, baseline, tariff.copy(data=values))
    return new, tariff.copy(data=cost_values)


def sector_labels(baseline: xr.Dataset) -> list[str]:
    """The baseline's sector labels as strings."""
    return [str(s) for s in baseline[dims.SECTOR].values]


def trade_elasticities(scenario: Scenario, baseline: xr.Dataset, secs: list[str]) -> np.ndarray:
    """The model's trade elasticity for each sector in ``secs`` (eps, or theta by sector)."""
    spec = scenario.model
    if isinstance(spec, MultiSectorSpec):
        theta = spec.thetas(sector_labels(baseline))
        if isinstance(theta, int | float):
            return np.full(len(secs), float(theta))
        if dims.TRADE_ELASTICITY not in baseline:
            raise ScenarioError(
                "The multi-sector model needs trade elasticities: give model.theta or use a "
                "baseline with trade_elasticity."
            )
        base = baseline[dims.TRADE_ELASTICITY]
        return np.array(
            [float((theta or {}).get(s, base.sel({dims.SECTOR: s}))) for s in secs], dtype=float
        )
    return np.full(len(secs), float(spec.eps))


def _apply_gravity(
    scenario: Scenario,
    baseline: xr.Dataset,
    cost_values: np.ndarray,
    positions: tuple[dict[str, int], dict[str, int]],
    source: Any,
    sectors: tuple[np.ndarray, list[str]],
    where: str,
) -> None:
    """Multiply the pairs' costs by ``exp(-scale * beta / eps)`` from a recorded gravity run.

    ``positions`` are the exporter and importer positions of ``cost_values``; ``sectors`` the
    sector positions and their labels.
    """
    from tradewinds.integration.gravity import load_run

    exporters, importers = positions
    secs, labels = sectors
    beta = load_run(source.run).coefficient(source.variable)
    eps = trade_elasticities(scenario, baseline, labels)
    factor = np.exp(-source.scale * beta / eps)
    known = sorted(exporters)
    for a, b in source.pair_tuples():
        for c in (a, b):
            if c not in exporters or c not in importers:
                raise UnknownLabelError("country", c, known, f"{where}.from_gravity.pairs")
        for x, y in ((a, b), (b, a)):
            cost_values[exporters[x], importers[y], secs] *= factor


def run_scenario(
    scenario: Scenario,
    baseline: xr.Dataset | str | None = None,
    *,
    shocks: tuple[xr.DataArray, xr.DataArray] | None = None,
) -> Equilibrium:
    """Solve a scenario; ``baseline`` overrides the scenario's own (a dataset, name or path).

    ``shocks`` passes ``build_shocks(scenario, baseline)`` computed earlier, so sweeps and Monte
    Carlo draws that change only model parameters build them once.
    """
    if not isinstance(baseline, xr.Dataset):
        baseline = load_baseline(baseline or scenario.baseline)
    tariff, cost = shocks if shocks is not None else build_shocks(scenario, baseline)
    solver = MODELS.get(scenario.model.name)
    if solver is None:
        raise ScenarioError(
            f"Model {scenario.model.name!r} is not available; choose one of {', '.join(MODELS)}."
        )
    log.info(
        "solving %r with %s on %d countries",
        scenario.title,
        scenario.model.name,
        baseline.sizes[dims.EXPORTER],
    )
    # Overflow in a power term is judged on the answer (check_finite), not printed as numpy's
    # RuntimeWarning: an extreme parameter gets one clear error instead of both.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        eq = solver(scenario.model, baseline, tariff, cost)
    check_finite(eq, scenario.model.model_dump)  # parameters dumped only for the message
    return eq


def check_finite(
    eq: Equilibrium, params: dict[str, Any] | Callable[[], dict[str, Any]] | None = None
) -> None:
    """:class:`ConvergenceError` if an answer holds NaN or infinity where a number is defined.

    An extreme parameter (an elasticity of 1e-300, say) can overflow the model's power terms
    while the residual still looks solved; such an answer is refused rather than returned with
    NaN welfare. Checked: every country variable the tidy records report, and every sector and
    bilateral variable. Ratios over a zero baseline level (a flow or sector that does not exist)
    are undefined and allowed; the tidy records omit them. The check itself is
    :func:`tradewinds.scenarios.finite.check_finite_arrays`.
    """
    from tradewinds.scenarios.finite import check_finite_arrays

    arrays = {}
    for name in ("country", "sector", "bilateral"):
        ds = getattr(eq, name, None)
        if ds is not None:
            variables = ds.variables
            arrays[name] = {str(var): np.asarray(variables[var].values) for var in ds.data_vars}
    check_finite_arrays(arrays, eq.report, params)
