"""``tradewinds replicate ignatenko2025`` and the Ignatenko scenarios, end to end."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tradewinds.cli.main import main

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def test_replicate_case_1_writes_tidy_records(tmp_path, shared_data):
    out = tmp_path / "case1.csv"
    data = shared_data / "data" / "liberation_day_ignatenko2025"
    code = main(["replicate", "ignatenko2025", "--case", "1", "--data", str(data), "-o", str(out)])
    assert code == 0
    records = pd.read_csv(out, keep_default_na=False)
    cols = ["country", "partner", "sector", "sector_name", "metric", "value", "unit"]
    assert list(records.columns) == cols
    assert set(records["metric"]) == {
        "welfare_pct",
        "deficit_pct",
        "exports_gdp_pct",
        "imports_gdp_pct",
        "employment_pct",
        "prices_pct",
        "tariff_revenue_share",
    }
    assert records["country"].nunique() == 195  # 194 countries and NON_USA
    usa = records[(records["country"] == "USA") & (records["metric"] == "welfare_pct")]
    assert round(float(usa["value"].iloc[0]), 2) == 1.13


def test_unknown_case_is_a_scenario_error(shared_data, capsys):
    data = shared_data / "data" / "liberation_day_ignatenko2025"
    code = main(["replicate", "ignatenko2025", "--case", "3", "--data", str(data)])
    assert code == 2
    assert "optimal-retaliation" in capsys.readouterr().err


def test_missing_data_folder_is_a_data_error(tmp_path, capsys):
    code = main(["replicate", "ignatenko2025", "--data", str(tmp_path / "nowhere")])
    assert code == 3
    assert "trade_cepii.csv" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "canada_gains"),
    [
        ("announced-2025-02-ignatenko.yaml", False),
        ("announced-2025-02-canada-retaliates-ignatenko.yaml", False),
        ("announced-2025-02-joint-retaliation-ignatenko.yaml", False),
        ("camx-trade-costs-minus-10-ignatenko.yaml", True),
    ],
)
def test_canada_mexico_scenarios_run_under_ignatenko(name, canada_gains, tmp_path):
    out = tmp_path / "out.json"
    assert main(["run", str(ROOT / "scenarios" / name), "-o", str(out)]) == 0
    records = pd.read_json(out)
    welfare = records[(records["metric"] == "welfare_pct") & (records["country"] == "CAN")]
    assert len(welfare) == 1
    assert (float(welfare["value"].iloc[0]) > 0) == canada_gains
