"""The plausibility check of sector answers and the robust sector heatmap grid."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradewinds.reporting.plausibility import (
    THRESHOLD_PCT,
    baseline_shares,
    check_sectors,
    flag_rows,
    large_changes,
)
from tradewinds.reporting.sectors import display_names, sector_grid
from tradewinds.scenarios import load_scenario
from tradewinds.scenarios.runner import run_scenario

ROOT = Path(__file__).resolve().parents[2]


def _records(rows: list[tuple[str, str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["country", "partner", "sector", "metric", "value"])


def test_large_changes_flags_beyond_the_threshold_only() -> None:
    records = _records(
        [
            ("MEX", "", "c8", "gross_output_pct", 64.9),
            ("CAN", "", "c12", "gross_output_pct", -24.1),
            ("CAN", "", "c2", "gross_output_pct", -30.0),
            ("CAN", "", "TOTAL", "welfare_pct", -40.0),
            ("USA", "", "c8", "price_pct", 90.0),
        ]
    )
    flags = large_changes(records)
    assert list(zip(flags["country"], flags["sector"], strict=True)) == [
        ("MEX", "c8"),
        ("CAN", "c2"),
    ]
    assert flags.loc[0, "sector_name"] == "petroleum"
    assert large_changes(records, threshold=20.0).shape[0] == 3
    assert THRESHOLD_PCT == 25.0


@pytest.mark.slow
def test_mexican_petroleum_is_flagged_with_its_elasticity_and_alternatives() -> None:
    """The issue's example: ``measures-2025-09-01-wiod`` gives Mexican petroleum +64.9%.

    The figure is the model's on the WIOD 2011 table with CP2015's petroleum θ = 64.85; under
    the other sets the same sector moves by a few percent, which the check must show. The
    example is the Canada-Mexico-only run (``tariffs_only: [CAN, MEX]``); with every partner
    taxed (the scenario file's default since issue 20) the sector moves by about +46%.
    """
    scenario = load_scenario(ROOT / "scenarios" / "measures-2025-09-01-wiod.yaml")
    only = scenario.shocks.model_copy(update={"tariffs_only": ["CAN", "MEX"]})
    scenario = scenario.model_copy(update={"shocks": only})
    records = run_scenario(scenario).to_records()
    flags = check_sectors(records, scenario)
    row = flags[(flags["country"] == "MEX") & (flags["sector"] == "c8")].iloc[0]
    assert row["output_pct"] == pytest.approx(64.9, abs=0.05)
    assert row["theta"] == pytest.approx(64.85)
    assert 0 < row["output_share"] < 0.1  # a small industry of Mexico's output
    assert 0 < row["export_share"] < 1
    assert row["output_pct cp2015"] == row["output_pct"]
    for other in ("bw2006", "hauk2012", "uniform 5"):
        assert abs(row[f"output_pct {other}"]) < THRESHOLD_PCT
    heads, rows = flag_rows(flags)
    assert heads[4] == "theta"
    assert rows[0][0] == "MEX"


def test_baseline_shares_add_up() -> None:
    from tradewinds.data.loaders import load_baseline

    shares = baseline_shares(load_baseline("wiod2011"))
    sums = shares["output_share"].groupby(level="country").sum()
    assert np.allclose(sums.to_numpy(), 1.0)
    export = shares["export_share"].dropna()
    assert ((export >= 0) & (export <= 1)).all()


def test_grid_clips_outliers_marks_them_and_hides_idle_sectors() -> None:
    rows = []
    rng = np.random.default_rng(0)
    for country in ("CAN", "MEX", "USA", "CHN"):
        for k in range(1, 31):
            rows.append((country, "", f"c{k}", "gross_output_pct", float(rng.normal(0, 2))))
        rows.append((country, "", "c35", "gross_output_pct", float("nan")))
    rows.append(("MEX", "", "c8", "gross_output_pct", 64.9))
    records = _records(rows).drop_duplicates(["country", "sector"], keep="last")
    grid = sector_grid(records, ("gross_output_pct",), first=("CAN", "MEX", "USA"))
    assert grid is not None
    assert "c35" in grid.hidden
    assert "c35" not in grid.codes
    assert grid.limit < 10  # the 98th percentile, not the outlier
    i, j = grid.countries.index("MEX"), grid.codes.index("c8")
    assert grid.clipped[i, j]
    assert grid.marks()[i][j] == "▲"
    assert "petroleum" in grid.names
    assert not set(grid.names) & set(grid.codes)  # names, never codes
    assert "hidden" in grid.scale_note()


def test_grid_hides_sectors_without_international_flows() -> None:
    records = _records(
        [
            ("CAN", "", "c1", "gross_output_pct", 1.0),
            ("CAN", "", "c2", "gross_output_pct", 2.0),
            ("CAN", "USA", "c1", "trade", 5.0),
            ("CAN", "CAN", "c2", "trade", 5.0),  # domestic only
        ]
    )
    grid = sector_grid(records, ("gross_output_pct",))
    assert grid is not None
    assert grid.codes == ["c1"]
    assert grid.hidden == ["c2"]


def test_display_names_are_never_duplicated() -> None:
    assert display_names(["c8", "c12"]) == ["petroleum", "basic & fabricated metals"]
    assert display_names(["x", "x"]) == ["x", "x"]  # unknown labels show as themselves
    named = display_names(["c12", "c12"])
    assert named[0] == named[1] == "basic & fabricated metals (c12)"
