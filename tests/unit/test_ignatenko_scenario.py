"""Scenario files may name the Ignatenko et al. (2025) model."""

from __future__ import annotations

import pytest

from tradewinds.core.errors import ScenarioError
from tradewinds.scenarios.runner import MODELS, run_scenario
from tradewinds.scenarios.schema import IgnatenkoSpec, parse_scenario


def _scenario(**model):
    return {
        "title": "t",
        "model": {"name": "ignatenko2025", **model},
        "shocks": {"tariffs": [{"importer": "USA", "exporter": ["CAN", "MEX"], "rate": 0.25}]},
    }


def test_spec_defaults_are_the_papers_benchmark():
    spec = parse_scenario(_scenario()).model
    assert isinstance(spec, IgnatenkoSpec)
    assert (spec.eps, spec.kappa, spec.pass_through, spec.recycling) == (
        4.0,
        0.5,
        1.0,
        "income-tax",
    )
    assert "ignatenko2025" in MODELS


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ({"closure": "fixed"}, "unknown key 'model.ignatenko2025.closure'"),
        ({"pass_through": 1.5}, "pass_through"),
        ({"recycling": "helicopter"}, "recycling"),
        ({"kappa": 0}, "kappa"),
    ],
)
def test_bad_parameters_are_one_line_scenario_errors(model, message):
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(_scenario(**model))


def test_lump_sum_rebate_lowers_us_welfare_on_the_default_baseline():
    """Under a US tariff, income-tax relief beats a lump-sum rebate for the US (Table 1)."""
    relief = run_scenario(parse_scenario(_scenario()))
    rebate = run_scenario(parse_scenario(_scenario(recycling="lump-sum")))
    assert relief.model == "ignatenko2025"
    us = {"country": "USA"}
    assert float(relief.country["welfare_hat"].sel(us)) > float(
        rebate.country["welfare_hat"].sel(us)
    )
    assert relief.params["recycling"] == "income-tax"
