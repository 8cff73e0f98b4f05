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
from tradewinds.models.equilibrium import LEVEL_METRICS, PCT_METRICS, Equilibrium
from tradewinds.scenarios.schema import (
    AllExcept,
    CountrySet,
    IgnatenkoSpec,
    MultiSectorSpec,
    OneSectorSpec,
    Scenario,
)

log = logging.getLogger(__name__)


def _solve_one_sector(
    spec: Any, baseline: xr.Dataset, tariff: xr.DataArray, cost: xr.DataArray
) -> Equilibrium:
    from tradewinds.models.onesector import OneSectorModel

    assert isinstance(spec, OneSectorSpec)
    return OneSectorModel(eps=spec.eps, closure=spec.closure).solve(baseline, tariff, cost)


def _solve_ignatenko(
    spec: Any, baseline: xr.Dataset, tariff: xr.DataArray, cost: xr.DataArray
) -> Equilibrium:
    from tradewinds.models.ignatenko import IgnatenkoModel

    assert isinstance(spec, IgnatenkoSpec)
    model = IgnatenkoModel(
        eps=spec.eps, kappa=spec.kappa, pass_through=spec.pass_through, recycling=spec.recycling
    )
    return model.solve(baseline, tariff, cost)


def _solve_multi_sector(
    spec: Any, baseline: xr.Dataset, tariff: xr.DataArray, cost: xr.DataArray
) -> Equilibrium:
    from tradewinds.models.multisector import MultiSectorModel

    assert isinstance(spec, MultiSectorSpec)
    return MultiSectorModel(closure=spec.closure, theta=spec.theta).solve(baseline, tariff, cost)


#: Model name -> function(spec, baseline, new tariff, trade-cost change) -> Equilibrium.
MODELS: dict[str, Callable[[Any, xr.Dataset, xr.DataArray, xr.DataArray], Equilibrium]] = {
    "one-sector": _solve_one_sector,
    "ignatenko2025": _solve_ignatenko,
    "multi-sector": _solve_multi_sector,
}


def resolve_countries(
    value: CountrySet, known: list[str], groups: dict[str, list[str]], where: str
) -> list[str]:
    """Expand ``all``, groups, lists and ``all_except`` into baseline country codes."""
    if isinstance(value, AllExcept):
        drop = set(resolve_countries(value.all_except, known, groups, where))
        return [c for c in known if c not in drop]
    names = [value] if isinstance(value, str) else list(value)
    out: list[str] = []
    for name in names:
        if name == "all":
            out.extend(known)
        elif name in groups:
            out.extend(resolve_countries(groups[name], known, groups, f"{where} (group {name})"))
        elif name in known:
            out.append(name)
        else:
            raise UnknownLabelError("country", name, [*known, *groups], where)
    return list(dict.fromkeys(out))


def _sector_list(value: Any, known: list[str], where: str) -> list[str]:
    if value == "all":
        return known
    for s in value:
        if s not in known:
            raise UnknownLabelError("sector", s, known, where)
    return list(value)


def _positions(labels: list[str]) -> dict[str, int]:
    return {label: k for k, label in enumerate(labels)}


def build_shocks(scenario: Scenario, baseline: xr.Dataset) -> tuple[xr.DataArray, xr.DataArray]:
    """New tariffs and trade-cost changes on (exporter, importer, sector) for the baseline.

    Tariffs: the registry as of ``shocks.tariffs_as_of``, then ``shocks.tariffs`` in order, then
    ``shocks.retaliation`` in order. Each entry is one indexed numpy assignment on the block of
    cells it names, so the work is proportional to the number of entries and cells touched.
    """
    known = countries(baseline)
    sectors = [str(s) for s in baseline[dims.SECTOR].values]
    from tradewinds.scenarios.registry_shocks import apply_registry_tariffs
    from tradewinds.scenarios.retaliation import apply_retaliation

    order = (dims.EXPORTER, dims.IMPORTER, dims.SECTOR)
    tariff = apply_registry_tariffs(scenario, baseline, baseline[dims.TARIFF].copy())
    tariff = tariff.transpose(*order).copy()
    exporters = _positions([str(c) for c in tariff[dims.EXPORTER].values])
    importers = _positions([str(c) for c in tariff[dims.IMPORTER].values])
    sector_pos = _positions(sectors)
    resolved: dict[str, list[str]] = {}

    def cells(value: Any, where: str) -> list[str]:
        key = repr(value)
        if key not in resolved:
            resolved[key] = resolve_countries(value, known, scenario.groups, where)
        return resolved[key]

    def index(value: Any, pos: dict[str, int], where: str) -> np.ndarray:
        return np.fromiter((pos[c] for c in cells(value, where)), dtype=np.intp)

    def sector_index(value: Any, where: str) -> np.ndarray:
        return np.fromiter(
            (sector_pos[s] for s in _sector_list(value, sectors, where)), dtype=np.intp
        )

    e_labels = np.array(list(exporters), dtype=object)
    i_labels = np.array(list(importers), dtype=object)

    def off_diagonal(exp: np.ndarray, imp: np.ndarray) -> np.ndarray:
        differ = np.not_equal.outer(e_labels[exp], i_labels[imp])
        return np.asarray(differ, dtype=bool)[:, :, None]

    values = np.array(tariff.values, dtype=float)
    for k, shock in enumerate(scenario.shocks.tariffs):
        where = f"shocks.tariffs.{k}"
        exp = index(shock.exporter, exporters, where)
        imp = index(shock.importer, importers, where)
        block = np.ix_(exp, imp, sector_index(shock.sectors, where))
        current = values[block]
        new = shock.rate if shock.rate is not None else current + (shock.add or 0.0)
        values[block] = np.where(off_diagonal(exp, imp), new, current)
        if shock.add is not None and shock.add < 0 and (values[block] < 0).any():
            raise ScenarioError(f"{where}: the change makes a tariff negative.")
    tariff = tariff.copy(data=values)
    cost = xr.ones_like(tariff)
    tariff = apply_retaliation(scenario, baseline, tariff)
    cost_values = np.ones(cost.shape)
    for k, tc in enumerate(scenario.shocks.trade_costs):
        where = f"shocks.trade_costs.{k}"
        secs = sector_index(tc.sectors, where)
        if tc.from_gravity is not None:
            _apply_gravity(
                scenario,
                baseline,
                cost_values,
                (exporters, importers),
                tc.from_gravity,
                (secs, [sectors[s] for s in secs]),
                where,
            )
            continue
        if tc.between is not None:
            exp = index(tc.between, exporters, where)
            imp = index(tc.between, importers, where)
        else:
            assert tc.exporter is not None
            assert tc.importer is not None
            exp = index(tc.exporter, exporters, where)
            imp = index(tc.importer, importers, where)
        assert tc.change is not None
        block = np.ix_(exp, imp, secs)
        cost_values[block] *= np.where(off_diagonal(exp, imp), 1 + tc.change, 1.0)
    return tariff, cost.copy(data=cost_values)


def trade_elasticities(scenario: Scenario, baseline: xr.Dataset, secs: list[str]) -> np.ndarray:
    """The model's trade elasticity for each sector in ``secs`` (eps, or theta by sector)."""
    spec = scenario.model
    if isinstance(spec, MultiSectorSpec):
        theta = spec.theta
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
            f"Model {scenario.model.name!r} is not available; choose one of {sorted(MODELS)}."
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
    check_finite(eq, scenario.model.model_dump())
    return eq


#: Changes that are undefined (0/0), not wrong, where the matching baseline level is zero.
_BASE_OF = {
    "trade_hat": "trade_baseline",
    "gross_output_hat": "gross_output_baseline",
    "value_added_hat": "value_added_baseline",
}


def _reported(var: str) -> bool:
    """Whether a country variable reaches the tidy records (``Equilibrium.to_records``)."""
    return var in PCT_METRICS or var in LEVEL_METRICS or var.endswith(("_pct", "_share"))


def check_finite(eq: Equilibrium, params: dict[str, Any] | None = None) -> None:
    """:class:`ConvergenceError` if an answer holds NaN or infinity where a number is defined.

    An extreme parameter (an elasticity of 1e-300, say) can overflow the model's power terms
    while the residual still looks solved; such an answer is refused rather than returned with
    NaN welfare. Checked: every country variable the tidy records report, and every sector and
    bilateral variable. Ratios over a zero baseline level (a flow or sector that does not exist)
    are undefined and allowed; the tidy records omit them.
    """
    bad: list[str] = []
    for name in ("country", "sector", "bilateral"):
        ds = getattr(eq, name, None)
        if ds is None:
            continue
        variables = ds.variables  # Variables, not DataArrays: no coordinates to build
        for var in ds.data_vars:
            values = variables[var].values
            if values.dtype.kind not in "fc" or (name == "country" and not _reported(str(var))):
                continue
            finite = np.isfinite(values)
            if finite.all():
                continue
            mask = ~finite
            base = _BASE_OF.get(str(var))
            if base is not None and base in ds:
                mask &= np.asarray(variables[base].values) != 0
            if mask.any():
                bad.append(f"{name}.{var}")
    if bad:
        from tradewinds.core.errors import ConvergenceError

        shown = ", ".join(bad[:4]) + (f" and {len(bad) - 4} more" if len(bad) > 4 else "")
        settings = f" with {params}" if params else ""
        raise ConvergenceError(
            f"The model's answer{settings} holds NaN or infinite values ({shown}): the "
            "parameters or shocks are outside the range it can evaluate numerically. Use "
            "elasticities and tariffs of a plausible size",
            eq.report,
        )
