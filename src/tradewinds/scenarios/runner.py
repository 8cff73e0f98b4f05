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
from tradewinds.models.equilibrium import Equilibrium
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


def build_shocks(scenario: Scenario, baseline: xr.Dataset) -> tuple[xr.DataArray, xr.DataArray]:
    """New tariffs and trade-cost changes on (exporter, importer, sector) for the baseline.

    Tariffs: the registry as of ``shocks.tariffs_as_of``, then ``shocks.tariffs`` in order, then
    ``shocks.retaliation`` in order.
    """
    known = countries(baseline)
    sectors = [str(s) for s in baseline[dims.SECTOR].values]
    from tradewinds.scenarios.registry_shocks import apply_registry_tariffs
    from tradewinds.scenarios.retaliation import apply_retaliation

    tariff = apply_registry_tariffs(scenario, baseline, baseline[dims.TARIFF].copy())
    cost = xr.ones_like(tariff)
    off_diag = xr.DataArray(
        ~np.eye(len(known), dtype=bool),
        dims=(dims.EXPORTER, dims.IMPORTER),
        coords={dims.EXPORTER: known, dims.IMPORTER: known},
    )
    for k, shock in enumerate(scenario.shocks.tariffs):
        where = f"shocks.tariffs.{k}"
        cells = {
            dims.EXPORTER: resolve_countries(shock.exporter, known, scenario.groups, where),
            dims.IMPORTER: resolve_countries(shock.importer, known, scenario.groups, where),
            dims.SECTOR: _sector_list(shock.sectors, sectors, where),
        }
        mask = off_diag.loc[{d: cells[d] for d in (dims.EXPORTER, dims.IMPORTER)}]
        current = tariff.loc[cells]
        new = shock.rate if shock.rate is not None else current + (shock.add or 0.0)
        tariff.loc[cells] = current.where(~mask, new)
        if float(tariff.min()) < 0:
            raise ScenarioError(f"{where}: the change makes a tariff negative.")
    tariff = apply_retaliation(scenario, baseline, tariff)
    for k, tc in enumerate(scenario.shocks.trade_costs):
        where = f"shocks.trade_costs.{k}"
        secs = _sector_list(tc.sectors, sectors, where)
        if tc.from_gravity is not None:
            _apply_gravity(scenario, baseline, cost, tc.from_gravity, secs, known, where)
            continue
        if tc.between is not None:
            group = resolve_countries(tc.between, known, scenario.groups, where)
            pairs = [(a, b) for a in group for b in group if a != b]
        else:
            assert tc.exporter is not None
            assert tc.importer is not None
            exps = resolve_countries(tc.exporter, known, scenario.groups, where)
            imps = resolve_countries(tc.importer, known, scenario.groups, where)
            pairs = [(a, b) for a in exps for b in imps if a != b]
        assert tc.change is not None
        for a, b in pairs:
            cost.loc[{dims.EXPORTER: a, dims.IMPORTER: b, dims.SECTOR: secs}] *= 1 + tc.change
    return tariff, cost


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
    cost: xr.DataArray,
    source: Any,
    secs: list[str],
    known: list[str],
    where: str,
) -> None:
    """Multiply the pairs' costs by ``exp(-scale * beta / eps)`` from a recorded gravity run."""
    from tradewinds.integration.gravity import load_run

    beta = load_run(source.run).coefficient(source.variable)
    eps = trade_elasticities(scenario, baseline, secs)
    factor = np.exp(-source.scale * beta / eps)
    for a, b in source.pair_tuples():
        for c in (a, b):
            if c not in known:
                raise UnknownLabelError("country", c, known, f"{where}.from_gravity.pairs")
        for x, y in ((a, b), (b, a)):
            cell = {dims.EXPORTER: x, dims.IMPORTER: y, dims.SECTOR: secs}
            cost.loc[cell] = cost.loc[cell] * factor


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
    return solver(scenario.model, baseline, tariff, cost)
