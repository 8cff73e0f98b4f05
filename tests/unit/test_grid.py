"""Field paths, --set parsing and grids."""

from __future__ import annotations

import pytest

from tradewinds.core.errors import ScenarioError, UnknownLabelError
from tradewinds.scenarios.grid import apply_settings, expand_grid, grid_scenarios, parse_set_option
from tradewinds.scenarios.schema import parse_scenario

BASE = parse_scenario(
    {
        "title": "t",
        "shocks": {"tariffs": [{"importer": "USA", "exporter": "CAN", "rate": 0.25}]},
    }
)


def test_values_are_parsed_as_yaml() -> None:
    assert parse_set_option("model.eps=2,4.5,6") == ("model.eps", [2, 4.5, 6])
    assert parse_set_option("model.closure=fixed,balanced") == (
        "model.closure",
        ["fixed", "balanced"],
    )
    assert parse_set_option("shocks.tariffs.0.exporter=[CAN,MEX],USA") == (
        "shocks.tariffs.0.exporter",
        [["CAN", "MEX"], "USA"],
    )


@pytest.mark.parametrize("bad", ["model.eps", "=2", "model.eps=", "model.eps=[1,"])
def test_malformed_set_options_raise(bad: str) -> None:
    with pytest.raises(ScenarioError, match="--set"):
        parse_set_option(bad)


def test_unknown_path_is_named_with_suggestion() -> None:
    with pytest.raises(UnknownLabelError, match=r"model\.epz.*Did you mean 'model\.eps'"):
        apply_settings(BASE, {"model.epz": 3}, "x")


def test_list_index_out_of_range_is_named() -> None:
    with pytest.raises(ScenarioError, match=r"shocks\.tariffs.*1 entries"):
        apply_settings(BASE, {"shocks.tariffs.3.rate": 0.1}, "x")


def test_settings_apply_and_validate() -> None:
    new = apply_settings(BASE, {"model.eps": 6, "shocks.tariffs.0.rate": 0.35}, "x")
    assert new.model.eps == 6
    assert new.shocks.tariffs[0].rate == 0.35
    assert new.digest() != BASE.digest()
    with pytest.raises(ScenarioError, match=r"grid point: model\..*eps"):
        apply_settings(BASE, {"model.eps": -1}, "grid point")


def test_grid_is_the_full_product() -> None:
    axes = [parse_set_option("model.eps=2,4,6"), parse_set_option("model.closure=fixed,balanced")]
    grid = expand_grid(axes)
    assert len(grid) == 6
    assert grid[1] == {"model.eps": 2, "model.closure": "balanced"}
    points = grid_scenarios(BASE, axes)
    assert [p.model.eps for _, p in points] == [2, 2, 4, 4, 6, 6]
    with pytest.raises(ScenarioError, match="more than once"):
        expand_grid([("a", [1]), ("a", [2])])
