"""Bad ``tariffs_only`` / ``tariffs_as_of.only`` input: one clear message, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tradewinds.cli.main import main

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("shocks", "message"),
    [
        ({"tariffs_only": ["CAN"]}, "give the date too"),
        ({"tariffs_as_of": "2025-09-01", "tariffs_only": []}, "is empty"),
        ({"tariffs_as_of": {"date": "2025-09-01", "exporter": ["CAN"]}}, "unknown key"),
        ({"tariffs_as_of": "2025-09-01", "tariffs_only": ["VNM"]}, "VNM"),
    ],
)
def test_run_refuses_bad_only(shocks, message, tmp_path: Path, capsys) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"title": "t", "shocks": shocks}), encoding="utf-8")
    assert main(["run", str(path), "--no-store"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert message in err
    assert "Traceback" not in err
