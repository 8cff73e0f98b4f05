"""Every scenario shipped in scenarios/ parses, cites sources, and solves."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from tradewinds.cli.main import main
from tradewinds.measures.registry import load_registry
from tradewinds.measures.warnings import CoverageWarning
from tradewinds.scenarios import load_scenario

pytestmark = pytest.mark.e2e

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_library_scenario_runs(path: Path, tmp_path: Path) -> None:
    spec = load_scenario(path)
    assert spec.sources, f"{path.name} must cite the source of its numbers"
    assert spec.description.strip(), f"{path.name} needs a description"
    if spec.compare_against:
        assert (path.parent / spec.compare_against).is_file(), spec.compare_against
    for extra in spec.shocks.overrides.measure_files:
        assert (path.parent / extra).is_file(), extra
    # a date past the registry coverage date must say so (and name the open questions)
    date = spec.shocks.tariffs_as_of
    past = date is not None and date > load_registry().coverage_date
    expect = pytest.warns(CoverageWarning, match="Open at that date") if past else None
    with expect or contextlib.nullcontext():
        assert main(["run", str(path), "-o", str(tmp_path / "r.csv")]) == 0


def test_scenarios_list(capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parents[2]
    assert main(["scenarios", "list", "--dir", str(root / "scenarios")]) == 0
    out = capsys.readouterr().out
    assert "announced-2025-02.yaml" in out


def test_scenarios_list_missing_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "list", "--dir", "/nonexistent"]) == 2
    assert "does not exist" in capsys.readouterr().err
