"""Effective tariff rates: identities that must hold, and the series/point interfaces."""

from __future__ import annotations

import datetime as dt

import pytest

from tradewinds.measures import etr


def test_breakdown_sums_to_total():
    p = etr.point("CAN", dt.date(2025, 9, 1))
    assert sum(p["by_authority"].values()) == pytest.approx(p["effective_rate"], abs=1e-5)


def test_before_any_measure_only_mfn_and_adcvd():
    p = etr.point("MEX", dt.date(2025, 2, 1))
    assert set(p["by_authority"]) <= {"mfn", "adcvd"}
    assert p["effective_rate"] < 0.01


def test_pre_exemption_days_are_near_full_ieepa():
    """2025-03-04..06: every Mexican good paid 25% (no energy carve-out, no USMCA relief)."""
    p = etr.point("MEX", dt.date(2025, 3, 5))
    assert p["by_authority"]["ieepa"] == pytest.approx(0.25, abs=1e-6)


def test_lower_usmca_shares_raise_the_rate():
    low = etr.point("CAN", dt.date(2025, 9, 1), "2024")["effective_rate"]
    high = etr.point("CAN", dt.date(2025, 9, 1), "2025h2")["effective_rate"]
    assert low > high


def test_sector_rates_aggregate_to_overall():
    snap = etr.snapshot("MEX", dt.date(2025, 11, 15))
    overall = etr.rates(snap).loc["all", "total"]
    by = etr.rates(snap, "hs2")
    duty = snap.duty.sum(axis=1).groupby(snap.lines["hs2"].to_numpy()).sum()
    imports = snap.lines.groupby("hs2")["imports"].sum()
    assert (by["total"] * imports).sum() / imports.sum() == pytest.approx(overall)
    assert duty.sum() / imports.sum() == pytest.approx(overall)


def test_monthly_series_has_one_row_per_month_and_authority():
    s = etr.series("CAN", dt.date(2025, 1, 1), dt.date(2025, 6, 30), freq="monthly")
    totals = s[s["authority"] == "total"]
    assert len(totals) == 6
    assert totals["rate"].iloc[-1] > totals["rate"].iloc[0]


def test_series_by_sector_keeps_the_overall_rows():
    s = etr.series("MEX", dt.date(2025, 5, 1), dt.date(2025, 5, 3), by="hs2")
    assert "all" in set(s["sector"])
    assert "87" in set(s["sector"])
    day = s[(s["date"] == "2025-05-02") & (s["authority"] == "total")].set_index("sector")["rate"]
    assert day["87"] > day["all"]


@pytest.mark.parametrize("by", ["hs2", "wiod", "cp2015"])
def test_point_by_sector_matches_the_pandas_rates(by):
    """``point`` sums numpy columns; ``rates`` groups the snapshot with pandas: same numbers."""
    day = dt.date(2025, 9, 1)
    p = etr.point("MEX", day, by=by)
    snap = etr.snapshot("MEX", day)
    assert p["effective_rate"] == pytest.approx(etr.rates(snap).loc["all", "total"], abs=1e-6)
    table = etr.rates(snap, by)
    assert [s["sector"] for s in p["by_sector"]] == [
        str(k) for k in table.sort_values("total", ascending=False).index
    ]
    for entry in p["by_sector"]:
        row = table.loc[entry["sector"]]
        assert entry["effective_rate"] == pytest.approx(row["total"], abs=1e-6)
        for key, value in entry["by_authority"].items():
            assert value == pytest.approx(row[key], abs=1e-6)
    assert sum(s["import_share"] for s in p["by_sector"]) == pytest.approx(1, abs=1e-4)


def test_weights_frame_is_the_cached_columns():
    """The cached numpy columns give back the table built from the packaged CSV files."""
    from importlib import resources
    from pathlib import Path

    import pandas as pd

    base = Path(str(resources.files("tradewinds.measures").joinpath("data/derived")))
    built = etr._build_weights(base / "weights_2024.csv.gz", base / "sectors.csv.gz")
    lens = built[built["country"].isin(etr.COUNTRIES)].reset_index(drop=True)
    pd.testing.assert_frame_equal(etr.weights(), lens)  # the Canada-Mexico rows only
    assert built["wiod"].isna().any()  # missing codes survive the round trip as NaN
    assert len(etr.weight_columns()["code"]) == len(built) > 10_000


@pytest.mark.slow
def test_one_date_rate_imports_neither_pandas_nor_the_registry(tmp_path):
    """``etr --date`` answers from cached numpy columns and the duty-line snapshot (issue 15).

    Neither pandas nor the pydantic registry (pydantic, PyYAML) is imported once the user cache
    is warm.
    """
    import os
    import subprocess
    import sys

    from tradewinds.core import cache

    env = {**os.environ, cache.ENV_VAR: str(tmp_path / "cache")}
    code = (
        "from tradewinds.cli.main import main\n"
        "main(['etr', '--country', 'CAN', '--date', '2025-06-01', '--by', 'hs2'])\n"
        "import sys; print(sorted({'pandas', 'pydantic', 'yaml'} & set(sys.modules)))"
    )
    for _ in range(2):  # the first run builds the caches (with pandas), the second reads them
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
    assert "effective rate" in out.stdout
    assert out.stdout.splitlines()[-1] == "[]"
