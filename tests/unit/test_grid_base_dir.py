"""Sweeps keep resolving a scenario's relative paths against the scenario file's folder."""

from __future__ import annotations

from pathlib import Path

from tradewinds.scenarios import load_scenario
from tradewinds.scenarios.grid import apply_settings

ROOT = Path(__file__).resolve().parents[2]


def test_settings_keep_the_scenario_folder(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    spec = load_scenario(ROOT / "scenarios" / "canada-countermeasures-2025-09-01.yaml")
    monkeypatch.chdir(tmp_path)  # relative paths must not follow the working directory
    changed = apply_settings(spec, {"model.eps": 6.0}, "sweep point")
    assert changed.base_dir == spec.base_dir
    assert changed.comparison_path() == spec.comparison_path()
    assert changed.comparison_path() is not None
    assert changed.comparison_path().exists()  # type: ignore[union-attr]
