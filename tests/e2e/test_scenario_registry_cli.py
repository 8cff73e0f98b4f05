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
    for country in ("CAN", "MEX", "CHN", "JPN"):  # every exporter is taxed, its own rate
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


def test_scenarios_list_shows_the_registry_library(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "list", "--dir", str(ROOT / "scenarios")]) == 0
    out = capsys.readouterr().out
    for name in ("measures-2025-09-01.yaml", "usmca-collapse-wiod.yaml", "threat-escalation.yaml"):
        assert name in out


def test_bad_scenario_field_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("title: t\nshocks:\n  tariffs_as_of: 2025-09-01\n  usmca_shares: 2030\n")
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "shocks.usmca_shares" in err
    assert len(err.splitlines()) == 1
