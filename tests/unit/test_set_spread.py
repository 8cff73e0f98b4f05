"""Monte Carlo over elasticity sets with a log-normal spread (``--sets``/``--spread``)."""

from __future__ import annotations

import numpy as np
import pytest

from tradewinds.core.errors import ScenarioError
from tradewinds.data.elasticities import elasticity_set
from tradewinds.data.loaders import load_baseline
from tradewinds.scenarios.distributions import SetSpread, set_prior
from tradewinds.scenarios.grid import apply_settings
from tradewinds.scenarios.schema import parse_scenario

SCENARIO = {
    "title": "t",
    "baseline": "wiod2011",
    "model": {"name": "multi-sector"},
    "shocks": {"tariffs": [{"importer": "USA", "exporter": "CAN", "rate": 0.25}]},
}


@pytest.fixture(scope="module")
def wiod() -> object:
    return load_baseline("wiod2011")


def test_draws_cycle_over_the_sets_with_their_values(wiod: object) -> None:
    scenario = parse_scenario(SCENARIO)
    prior = set_prior(scenario, wiod, ["cp2015", "bw2006", {"uniform": 5}])  # type: ignore[arg-type]
    draws = prior.draws(6, seed=1)
    chosen = [d.settings["model.elasticities"] for d in draws]
    assert chosen == ["cp2015", "bw2006", {"uniform": 5}] * 2
    assert all(d.settings["model.theta"] is None for d in draws)  # no spread: the sets as they are
    assert prior.thetas[1] == tuple(elasticity_set("bw2006").values())
    assert prior.thetas[0] == tuple(elasticity_set("cp2015").values())  # the baseline's own
    assert set(prior.thetas[2]) == {5.0}
    assert prior.describe()["sets"] == ["cp2015", "bw2006", "uniform 5"]


def test_spread_is_log_normal_around_each_sector_value(wiod: object) -> None:
    scenario = parse_scenario(SCENARIO)
    prior = set_prior(scenario, wiod, ["bw2006"], spread=0.25)  # type: ignore[arg-type]
    draws = prior.draws(2000, seed=7)
    base = np.array(prior.thetas[0])
    logs = np.log([[d.settings["model.theta"][s] for s in prior.sectors] for d in draws]) - np.log(
        base
    )
    # median at the set's value, sd of log theta at the spread (2000 draws: se about 0.004)
    assert np.abs(np.median(logs, axis=0)).max() < 0.03
    assert np.std(logs, axis=0).mean() == pytest.approx(0.25, abs=0.01)
    assert draws[0].settings == prior.draws(1, seed=7)[0].settings  # reproducible
    again = apply_settings(scenario, draws[0].settings, "draw 0")
    assert again.model.thetas(list(prior.sectors)) == draws[0].settings["model.theta"]  # type: ignore[union-attr]


@pytest.mark.parametrize("spread", [-0.1, 3.0, float("nan")])
def test_bad_spread_is_refused(spread: float) -> None:
    with pytest.raises(ScenarioError, match="spread"):
        SetSpread(("cp2015",), ("c1",), ((1.0,),), spread)


def test_sets_need_the_multi_sector_model(wiod: object) -> None:
    one = parse_scenario({**SCENARIO, "model": {"name": "one-sector"}})
    with pytest.raises(ScenarioError, match="multi-sector"):
        set_prior(one, wiod, ["bw2006"])  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match="Bundled sets"):
        set_prior(parse_scenario(SCENARIO), wiod, ["nope"])  # type: ignore[arg-type]


def test_default_prior_of_another_set_draws_around_that_set(wiod: object) -> None:
    from tradewinds.scenarios.distributions import CP2015_MEDIAN_RELATIVE_SE, default_prior

    model = {"name": "multi-sector", "elasticities": "hauk2012"}
    prior = default_prior(parse_scenario({**SCENARIO, "model": model}), wiod)  # type: ignore[arg-type]
    assert isinstance(prior, SetSpread)
    assert prior.choices == ("hauk2012",)
    assert prior.spread == pytest.approx(CP2015_MEDIAN_RELATIVE_SE)
    draw = prior.draws(1, seed=0)[0]
    assert set(draw.settings["model.theta"]) == set(prior.sectors)  # reaches the model
