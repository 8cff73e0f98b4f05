"""Elasticity priors: reproducible, within bounds, with the documented moments."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from tradewinds.core.errors import ScenarioError
from tradewinds.data.loaders import load_baseline
from tradewinds.scenarios.distributions import (
    CP2015_MEDIAN_RELATIVE_SE,
    CP2015_THETA,
    EPS_PRIOR,
    ScalarElasticity,
    SectorElasticities,
    TruncatedNormal,
    default_prior,
    sector_prior,
)
from tradewinds.scenarios.schema import parse_scenario


def test_scalar_prior_is_reproducible_and_has_its_moments() -> None:
    prior = ScalarElasticity()
    a = [d.settings["model.eps"] for d in prior.draws(20_000, seed=7)]
    b = [d.settings["model.eps"] for d in prior.draws(20_000, seed=7)]
    assert a == b
    assert a != [d.settings["model.eps"] for d in prior.draws(20_000, seed=8)]
    arr = np.asarray(a)
    assert EPS_PRIOR.low <= arr.min()
    assert arr.max() <= EPS_PRIOR.high
    # Truncation at mean -3 sd / +8 sd barely moves the moments of N(4, 1).
    assert abs(arr.mean() - 4.0) < 0.03
    assert abs(arr.std() - 1.0) < 0.03


def test_invalid_distribution_is_rejected() -> None:
    with pytest.raises(ScenarioError):
        TruncatedNormal(mean=4, sd=0, low=1, high=12)
    with pytest.raises(ScenarioError):
        TruncatedNormal(mean=0.5, sd=1, low=1, high=12)


def _sector_baseline(sectors: list[str], theta: list[float]) -> xr.Dataset:
    return xr.Dataset({"trade_elasticity": ("sector", theta)}, coords={"sector": sectors})


def test_sector_prior_uses_cp2015_errors_and_a_documented_fallback() -> None:
    prior = sector_prior(_sector_baseline(["Agriculture", "Food", "Services"], [9.11, 2.62, 5.0]))
    assert prior.se[0] == CP2015_THETA["Agriculture"][1]
    assert prior.se[1] == CP2015_THETA["Food"][1]
    assert prior.se[2] == pytest.approx(5.0 * CP2015_MEDIAN_RELATIVE_SE)
    assert "no published se" in prior.se_source[2]
    draws = prior.draws(4000, seed=1)
    values = np.array([d.baseline_vars["trade_elasticity"] for d in draws])
    low, high = prior.bounds()
    assert (values >= low).all()
    assert (values <= high).all()
    np.testing.assert_allclose(values.mean(axis=0), prior.mean, rtol=0.03)
    assert draws[0].params()["trade_elasticity"].keys() == {"Agriculture", "Food", "Services"}


def test_baseline_standard_errors_take_precedence() -> None:
    ds = _sector_baseline(["Food"], [2.62]).assign(trade_elasticity_se=("sector", [0.1]))
    assert sector_prior(ds).se == (0.1,)


def test_default_prior_follows_the_model() -> None:
    one = parse_scenario({"title": "t"})
    assert isinstance(default_prior(one, load_baseline("default")), ScalarElasticity)
    assert isinstance(sector_prior(_sector_baseline(["Food"], [2.62])), SectorElasticities)
