"""``tradewinds strategy``: optimal, nash and united-front through the CLI entry point."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from tradewinds.cli.main import main

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
THREAT = str(ROOT / "scenarios" / "threat-escalation.yaml")
ANNOUNCED = str(ROOT / "scenarios" / "announced-2025-02.yaml")


def test_optimal_writes_tariffs_and_welfare(tmp_path, capsys):
    out = tmp_path / "optimal.csv"
    code = main(
        ["strategy", "optimal", THREAT, "--country", "CAN", "--against", "USA", "-o", str(out)]
    )
    assert code == 0
    shown = capsys.readouterr().out
    assert "Optimal tariffs" in shown
    records = pd.read_csv(out)
    rate = records.query("metric == 'tariff_optimal'")["value"].item()
    assert 0.05 < rate < 0.35
    welfare = records.query("metric == 'welfare_pct'").set_index("country")["value"]
    before = records.query("metric == 'welfare_start_pct'").set_index("country")["value"]
    assert welfare["CAN"] > before["CAN"]  # the optimum beats no retaliation
    assert welfare["USA"] < before["USA"]  # and costs the target


def test_optimal_shows_closed_form_for_uniform_tariff_on_everyone(capsys):
    assert main(["strategy", "optimal", ANNOUNCED, "--country", "MEX"]) == 0
    assert "closed-form uniform tariff" in capsys.readouterr().out


def test_by_sector_optimum_on_wiod_uses_the_adjoint_gradient(tmp_path, capsys):
    """Canada's 35 sector rates on US goods under the measures of 2025-09-01, WIOD 2011.

    With the model's gradient each L-BFGS-B iteration is one solve; with central differences
    every iteration would cost 70 (so fewer than 70 solves in all shows the adjoint is used).
    """
    out = tmp_path / "optimal.csv"
    scenario = str(ROOT / "scenarios" / "measures-2025-09-01-wiod.yaml")
    args = ["strategy", "optimal", scenario, "--country", "CAN", "--against", "USA"]
    assert main([*args, "--by-sector", "-o", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "L-BFGS-B (adjoint gradient)" in shown
    solves = re.search(r"(\d+) model solves", shown)
    assert solves is not None
    assert int(solves.group(1)) < 70
    records = pd.read_csv(out)
    assert len(records.query("metric == 'tariff_optimal'")) == 35
    welfare = records.query("metric == 'welfare_pct'").set_index("country")["value"]
    before = records.query("metric == 'welfare_start_pct'").set_index("country")["value"]
    assert welfare["CAN"] > before["CAN"] + 0.1  # +0.16 pp measured
    assert welfare["USA"] < before["USA"]


def test_nash_reports_equilibrium_and_path(tmp_path, capsys):
    out = tmp_path / "nash.json"
    code = main(["strategy", "nash", ANNOUNCED, "--players", "USA,CAN,MEX", "-o", str(out)])
    assert code == 0
    shown = capsys.readouterr().out
    assert "Nash equilibrium after" in shown
    assert "Path of best responses" in shown
    records = pd.DataFrame(json.loads(out.read_text()))
    assert set(records.query("metric == 'tariff_nash'")["country"]) == {"USA", "CAN", "MEX"}
    assert "tariff_round_1" in set(records["metric"])
    assert "gain_round_1_pct" in set(records["metric"])


def test_nash_that_does_not_converge_exits_non_zero(capsys):
    code = main(["strategy", "nash", ANNOUNCED, "--players", "USA,CAN,MEX", "--max-rounds", "1"])
    assert code == 4
    captured = capsys.readouterr()
    assert "NOT an equilibrium" in captured.out
    assert "error:" in captured.err


def test_united_front_table_output_and_html(tmp_path, capsys):
    out, html = tmp_path / "game.csv", tmp_path / "game.html"
    code = main(
        ["strategy", "united-front", THREAT, "--draws", "2", "-o", str(out), "--html", str(html)]
    )
    assert code == 0
    shown = capsys.readouterr().out
    assert "pure Nash equilibrium" in shown
    assert "share of draws" in shown
    records = pd.read_csv(out)
    assert records.query("metric == 'nash_equilibrium'")["partner"].tolist() == [
        "CAN=deal;MEX=deal"
    ]
    assert "equilibrium_share" in set(records["metric"])
    assert (records["metric"] == "draw_equilibrium_eps").sum() == 2
    page = html.read_text()
    assert "<html>" in page
    assert "plotly" in page.lower()
    assert re.search(r"<script[^>]*\bsrc=", page) is None  # self-contained: nothing fetched


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["optimal", THREAT, "--country", "CNA"], "Unknown country 'CNA'"),
        (["optimal", THREAT, "--country", "CAN", "--bounds", "1"], "--bounds"),
        (["united-front", THREAT, "--partners", "CAN"], "exactly two"),
        (["optimal", THREAT, "--country", "CAN", "--sectors", "steel"], "Unknown sector"),
        (["united-front", THREAT, "--retaliation", "tit-for-tat"], "mirror or optimal"),
        (["nash", "missing.yaml"], "does not exist"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(args, needle, capsys):
    assert main(["strategy", *args]) == 2
    err = capsys.readouterr().err
    assert needle in err
