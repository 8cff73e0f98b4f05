"""The explorer's baseline lever: both multi-sector tables, and baselines that fit the model."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradewinds.core.errors import ScenarioError
from tradewinds.web import workbench

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "scenarios"


def _build(**levers: str) -> dict[str, object]:
    return workbench.build_scenario(workbench.Levers(**levers), LIBRARY)


def test_multi_sector_switch_takes_the_chosen_table() -> None:
    built = _build(library="measures-2025-09-01.yaml", model="multi-sector", baseline="wiod2023")
    assert built["baseline"] == "wiod2023"
    assert built["model"] == {"name": "multi-sector"}


def test_multi_sector_switch_without_a_choice_stays_on_wiod2011() -> None:
    built = _build(library="measures-2025-09-01.yaml", model="multi-sector")
    assert built["baseline"] == "wiod2011"


def test_a_multi_sector_table_chosen_alone_brings_its_model() -> None:
    built = _build(library="measures-2025-09-01.yaml", baseline="wiod2023")
    assert built["baseline"] == "wiod2023"
    assert built["model"] == {"name": "multi-sector"}


def test_a_2023_scenario_keeps_its_baseline() -> None:
    built = _build(library="measures-2025-09-01-wiod2023.yaml")
    assert built["baseline"] == "wiod2023"
    built = _build(library="measures-2025-09-01-wiod2023.yaml", model="multi-sector")
    assert built["baseline"] == "wiod2023"


def test_a_2023_scenario_switched_to_one_sector_leaves_the_wiod_table() -> None:
    built = _build(library="measures-2025-09-01-wiod2023.yaml", model="one-sector")
    assert built["baseline"] == "default"


@pytest.mark.parametrize(
    ("levers", "message"),
    [
        ({"baseline": "wiod2099"}, "Baseline 'wiod2099' must be one of"),
        ({"model": "one-sector", "baseline": "wiod2023"}, "needs a one-sector baseline"),
    ],
)
def test_bad_baseline_levers_are_refused(levers: dict[str, str], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        _build(library="measures-2025-09-01.yaml", **levers)
