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
    data = shared_data / "cp2015_nafta" / "csv"
    code = main(
        ["replicate", "cp2015-nafta", "--closure", closure, "--data", str(data), "-o", str(out)]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "MEX" in printed
    assert "terms of" in printed
    records = pd.read_csv(out)
    assert list(records.columns) == ["country", "partner", "sector", "metric", "value", "unit"]
    mex = records[(records["country"] == "MEX") & (records["metric"] == "welfare_pct")]
    assert len(mex) == 1
    assert {"tot_pct", "vot_pct", "real_income_pct", "gross_output_pct"} <= set(records["metric"])


def test_cp2015_nafta_bad_closure(shared_data: Path) -> None:
    data = shared_data / "cp2015_nafta" / "csv"
    assert main(["replicate", "cp2015-nafta", "--closure", "ratio", "--data", str(data)]) == 2


def test_cp2015_nafta_missing_data(tmp_path: Path) -> None:
    assert main(["replicate", "cp2015-nafta", "--data", str(tmp_path)]) == 3
