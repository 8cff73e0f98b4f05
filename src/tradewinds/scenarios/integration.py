"""Integration targets on top of a scenario: the front ends' entry to ``solve_cut``.

:func:`tradewinds.integration.integrate.solve_cut` takes arrays; this builds them from a
scenario (its baseline, tariffs, trade-cost shocks and model settings) so the CLI, the API and
other commands (corridors, diversification) ask the same question the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import xarray as xr

from tradewinds.core import dims
from tradewinds.core.errors import ScenarioError
from tradewinds.data.loaders import load_baseline
from tradewinds.integration.integrate import BRACKET, IntegrationResult, Target, solve_cut
from tradewinds.models.multisector import MultiSectorModel
from tradewinds.models.onesector import OneSectorModel
from tradewinds.scenarios.schema import MultiSectorSpec, OneSectorSpec, Scenario

#: Default baseline of each model when neither a scenario nor a baseline is given.
DEFAULT_BASELINE = {"one-sector": "default", "multi-sector": "wiod2011"}


def integrate_on(
    pairs: Sequence[tuple[str, str]],
    target: Target | str,
    *,
    scenario: Scenario | None = None,
    baseline: xr.Dataset | str | None = None,
    model: str = "one-sector",
    sectors: Sequence[str] | None = None,
    bracket: tuple[float, float] = BRACKET,
) -> IntegrationResult:
    """The cut on ``pairs`` reaching ``target``, on top of ``scenario`` if one is given.

    With a scenario, its baseline (unless ``baseline`` overrides it), its shocks and its model
    settings are used and ``model`` is ignored; without one, ``model`` (``one-sector`` with eps 4
    and fixed deficits, or ``multi-sector``) runs on ``baseline`` or the model's default.
    """
    chosen: OneSectorModel | MultiSectorModel
    new_tariff = cost = None
    if scenario is not None:
        from tradewinds.scenarios.runner import build_shocks

        base = (
            baseline
            if isinstance(baseline, xr.Dataset)
            else load_baseline(baseline or scenario.baseline)
        )
        new_tariff, cost = build_shocks(scenario, base)
        spec = scenario.model
        if isinstance(spec, OneSectorSpec):
            chosen = OneSectorModel(eps=spec.eps, closure=spec.closure)
        elif isinstance(spec, MultiSectorSpec):
            theta = spec.thetas([str(s) for s in base[dims.SECTOR].values])
            chosen = MultiSectorModel(closure=spec.closure, theta=theta)
        else:
            raise ScenarioError(
                f"Integration targets run on the one-sector or multi-sector model; the scenario "
                f"{scenario.title!r} uses {spec.name!r}."
            )
    else:
        if model not in DEFAULT_BASELINE:
            raise ScenarioError(f"Model {model!r}: choose one-sector or multi-sector.")
        base = (
            baseline
            if isinstance(baseline, xr.Dataset)
            else load_baseline(baseline or DEFAULT_BASELINE[model])
        )
        chosen = OneSectorModel() if model == "one-sector" else MultiSectorModel()
    return solve_cut(
        base,
        pairs,
        target,
        model=chosen,
        sectors=sectors,
        new_tariff=new_tariff,
        trade_cost_hat=cost,
        bracket=bracket,
    )
