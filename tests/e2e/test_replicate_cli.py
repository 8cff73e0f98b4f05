"""``tradewinds replicate cp2015-nafta`` end to end."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tradewinds.cli.main import main

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("closure", ["balanced", "fixed"])
def test_cp2015_nafta_writes_records(
    shared_data: Path, tmp_path: Path, closure: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nafta.csv"
    data = shared_data / "data" / "cp2015_nafta" / "csv"
    code = main(
        ["replicate", "cp2015-nafta", "--closure", closure, "--data", str(data), "-o", str(out)]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "MEX" in printed
    assert "terms of" in printed
    records = pd.read_csv(out)
    cols = ["country", "partner", "sector", "sector_name", "metric", "value", "unit"]
    assert list(records.columns) == cols
    mex = records[(records["country"] == "MEX") & (records["metric"] == "welfare_pct")]
    assert len(mex) == 1
    assert {"tot_pct", "vot_pct", "real_income_pct", "gross_output_pct"} <= set(records["metric"])


def test_cp2015_nafta_bad_closure(shared_data: Path) -> None:
    data = shared_data / "data" / "cp2015_nafta" / "csv"
    assert main(["replicate", "cp2015-nafta", "--closure", "nope", "--data", str(data)]) == 2


def test_cp2015_nafta_missing_data(tmp_path: Path) -> None:
    assert main(["replicate", "cp2015-nafta", "--data", str(tmp_path)]) == 3


def test_run_multisector_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``tradewinds run`` on a multi-sector scenario writes sector and decomposition records."""
    scenario = Path(__file__).resolve().parents[2] / "scenarios" / "wiod-50pct-basic-metals.yaml"
    out = tmp_path / "metals.json"
    assert main(["run", str(scenario), "-o", str(out)]) == 0
    assert "Section 232" in capsys.readouterr().out
    records = pd.read_json(out)
    metals = records[(records["sector"] == "c12") & (records["metric"] == "price_pct")]
    assert float(metals.loc[metals["country"] == "USA", "value"].iloc[0]) > 0
    assert {"tot_pct", "vot_pct"} <= set(records["metric"])
