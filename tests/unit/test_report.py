"""HTML reports: self-contained, with the charts each kind of run calls for."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from tradewinds.reporting.compare import compare_headlines
from tradewinds.reporting.html import render_run, sector_figure
from tradewinds.scenarios import load_scenario
from tradewinds.scenarios.execute import execute
from tradewinds.scenarios.grid import parse_set_option
from tradewinds.scenarios.montecarlo import run_montecarlo
from tradewinds.scenarios.sweeps import run_sweep
from tradewinds.store import ResultsStore

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = load_scenario(ROOT / "scenarios" / "announced-2025-02.yaml")


def _offline(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert "Plotly.newPlot" in page
    # plotly.js itself is inline (megabytes of it): no script is fetched from anywhere.
    assert not re.search(r"<script[^>]*\bsrc=", page)
    assert len(page) > 1_000_000


def test_run_report(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    run = execute(SCENARIO, sink=store)
    page = render_run(store, run.run_id)
    _offline(page)
    assert "Welfare by country" in page
    assert "Largest changes in trade flows" in page
    assert "CAN \\u2192 USA" in page  # a trace name inside the figure's JSON (ASCII-escaped)
    assert "Welfare across draws" not in page


def test_montecarlo_report_has_bands(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    mc = run_montecarlo(SCENARIO, draws=8, seed=1, sink=store)
    page = render_run(store, mc.record.run_id)
    _offline(page)
    assert "Welfare across draws" in page
    assert "arrayminus" in page
    assert page.count("Plotly.newPlot") >= 3


def test_sweep_report(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    sw = run_sweep(SCENARIO, [parse_set_option("model.eps=3,5")], sink=store)
    page = render_run(store, sw.record.run_id)
    _offline(page)
    assert "Welfare along the sweep" in page


def test_sector_heatmap_appears_with_sector_results() -> None:
    records = pd.DataFrame(
        {
            "country": ["CAN", "CAN", "USA", "USA"],
            "partner": "",
            "sector": ["Auto", "Food", "Auto", "Food"],
            "metric": "output_pct",
            "value": [-3.0, 1.0, 2.0, -0.5],
            "unit": "percent",
        }
    )
    fig = sector_figure(records)
    assert fig is not None
    assert list(fig.data[0].x) == ["Auto", "Food"]
    assert sector_figure(records.assign(sector="TOTAL")) is None


def test_compare_headlines_differences() -> None:
    a = execute(SCENARIO).records
    b = execute(
        SCENARIO.model_copy(update={"model": SCENARIO.model.model_copy(update={"eps": 8.0})})
    ).records
    diff = compare_headlines(a, b)
    row = diff[(diff["country"] == "CAN") & (diff["metric"] == "welfare_pct")].iloc[0]
    assert row["difference"] == row["b"] - row["a"]
    assert row["difference"] > 0  # losses shrink with a higher elasticity
    same = compare_headlines(a, a)
    assert (same["difference"] == 0).all()
