"""The explorer's elasticity-set lever builds ``model.elasticities`` and refuses misuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradewinds.core.errors import ScenarioError
from tradewinds.scenarios.schema import parse_scenario
from tradewinds.web import workbench

ROOT = Path(__file__).resolve().parents[2]


def test_lever_sets_the_elasticity_set() -> None:
    levers = workbench.Levers(
        library="measures-2025-09-01.yaml", model="multi-sector", elasticities="bw2006"
    )
    data = workbench.build_scenario(levers, ROOT / "scenarios")
    assert data["model"] == {"name": "multi-sector", "elasticities": "bw2006"}
    assert parse_scenario(data).model.elasticities == "bw2006"  # type: ignore[union-attr]
    assert "elasticities bw2006" in workbench.summary(data)


@pytest.mark.parametrize(
    ("levers", "message"),
    [
        ({"model": "one-sector", "elasticities": "bw2006"}, "multi-sector model"),
        ({"model": "multi-sector", "elasticities": "bw2007"}, "Bundled sets"),
    ],
)
def test_lever_refuses_bad_choices(levers: dict[str, str], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        workbench.build_scenario(
            workbench.Levers(library="measures-2025-09-01.yaml", **levers), ROOT / "scenarios"
        )
