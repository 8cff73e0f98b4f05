"""Elasticity sets through the CLI: run (with the plausibility check), sweep, montecarlo."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tradewinds.cli.main import main

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
WIOD = ROOT / "scenarios" / "measures-2025-09-01-wiod.yaml"


def test_run_flags_mexican_petroleum_with_the_other_sets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["run", str(WIOD), "--no-store", "--wide"]) == 0  # a flag is not an error
    out = capsys.readouterr().out
    assert "Plausibility check" in out
    line = next(x for x in out.splitlines() if "petroleum" in x and "64.85" in x)
    cells = [c.strip() for c in line.split("│") if c.strip()]
    assert cells[:3] == ["MEX", "c8", "petroleum"]
    assert abs(float(cells[3])) > 25  # beyond the ±25% threshold: that is why it is flagged
    for name in ("bw2006", "hauk2012", "uniform 5", "share of"):
        assert name in out


def test_montecarlo_over_sets_gives_sector_bands(tmp_path: Path) -> None:
    out = tmp_path / "bands.csv"
    args = ["montecarlo", str(WIOD), "--sets", "cp2015,bw2006", "--spread", "0.1", "-n", "4"]
    assert main([*args, "--workers", "0", "--no-store", "-o", str(out)]) == 0
    bands = pd.read_csv(out)
    row = bands[
        (bands["country"] == "MEX")
        & (bands["sector"] == "c8")
        & (bands["metric"] == "gross_output_pct")
    ].iloc[0]
    assert row["n"] == 4
    assert row["p95"] > 25 > row["p05"]  # the sets disagree about Mexican petroleum


def test_sweep_over_sets(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["sweep", str(WIOD), "--set", "model.elasticities=cp2015,{uniform: 5}"]
    assert main([*args, "--workers", "0", "--no-store", "--no-bilateral"]) == 0
    out = capsys.readouterr().out
    assert "uniform" in out
    assert "cp2015" in out
