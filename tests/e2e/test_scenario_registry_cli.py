"""``tradewinds run`` with registry shocks agrees with ``tradewinds etr --date``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tradewinds.cli.main import main
from tradewinds.data.loaders import load_baseline
from tradewinds.scenarios import load_scenario
from tradewinds.scenarios.runner import build_shocks

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("mode", ["2024", "2025h2"])
def test_tariffs_as_of_equals_etr_cli(
    mode: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        yaml.safe_dump(
            {"title": "t", "shocks": {"tariffs_as_of": "2025-09-01", "usmca_shares": mode}}
        ),
        encoding="utf-8",
    )
    tariff, _ = build_shocks(load_scenario(path), load_baseline("default"))
    for country in ("CAN", "MEX"):
        args = ["etr", "--country", country, "--date", "2025-09-01", "--usmca-shares", mode]
        assert main([*args, "--format", "json"]) == 0
        reported = json.loads(capsys.readouterr().out)["effective_rate"]
        modelled = float(tariff.sel(exporter=country, importer="USA").sum())
        assert modelled == pytest.approx(reported, abs=1e-6)


def test_run_prints_the_comparison(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    library = ROOT / "scenarios"
    path = tmp_path / "s.yaml"
    text = (library / "measures-2026-03-01.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["compare_against"] = str(library / "measures-2025-09-01.yaml")
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["run", str(path)]) == 0
    out = capsys.readouterr().out
    assert "difference" in out
    assert "measures-2025-09-01.yaml" in out
