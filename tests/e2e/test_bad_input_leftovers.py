"""Bad input found and left alone last stop: each gives one clear message, said once.

- A scenario field whose own check names the field (``tariffs_only``) is located once
  (``shocks.tariffs_only: ...``), not twice (``shocks.tariffs_only: tariffs_only: ...``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tradewinds.cli.main import main

pytestmark = pytest.mark.e2e


def _run(tmp_path: Path, capsys: Any, scenario: dict[str, Any]) -> str:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(scenario), encoding="utf-8")
    assert main(["run", str(path), "--no-store"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("shocks", "said"),
    [
        (
            {"tariffs_as_of": "2025-09-01", "tariffs_only": ["USA"]},
            "shocks.tariffs_only: USA imposes the tariffs",
        ),
        (
            {"tariffs_as_of": "2025-09-01", "tariffs_only": ["CAN", "CAN"]},
            "shocks.tariffs_only lists an exporter twice",
        ),
        (
            {"tariffs_as_of": "2025-09-01", "tariffs_only": []},
            "shocks.tariffs_only (tariffs_as_of.only) is empty",
        ),
        (
            {"trade_costs": [{"between": ["CAN", "MEX"], "change": -1.5}]},
            "would make trade costs non-positive",
        ),
    ],
)
def test_a_scenario_field_is_named_once(
    shocks: dict[str, Any], said: str, tmp_path: Path, capsys: Any
) -> None:
    err = _run(tmp_path, capsys, {"title": "t", "shocks": shocks})
    assert said in err
    for field in ("tariffs_only", "change"):
        # the field's name never stands twice in a row ("x: x ...", "x.x", "x: x:")
        assert not re.search(rf"\b{field}\b[:.]? {field}\b", err), err
    assert err.count("error:") == 1
