"""Statutory headlines say so, and put the collected rate beside them (dashboard and ``etr``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tradewinds.api.security import Settings
from tradewinds.cli.main import main
from tradewinds.measures import collected
from tradewinds.server import create_app

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def _fake(month: str) -> collected.Backtest:
    return collected.Backtest(
        months=("2026-02", month),
        statutory=(0.14, 0.1113),
        estimate=(0.10, 0.1026),
        treasury=(0.105, 0.0734),
        k=0.97,
        lag=1.5,
        eps=2.53,
        mae_in=0.0077,
        mae_out=0.0089,
    )


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(Settings(store=tmp_path, scenario_dir=ROOT / "scenarios")))


def test_overview_says_statutory_and_shows_treasury(client, monkeypatch):
    monkeypatch.setattr(collected, "backtest_if_cached", lambda: None)
    html = " ".join(client.get("/").text.split())
    month = max(collected.treasury())
    assert "statutory effective US tariff" in html
    assert "2024 import weights" in html
    assert f"in {month} (Treasury)" in html
    assert "tradewinds etr --country ALL --collected" in html


def test_overview_shows_the_estimate_once_computed(client, monkeypatch):
    month = max(collected.treasury())
    monkeypatch.setattr(collected, "backtest_if_cached", lambda: _fake(month))
    html = " ".join(client.get("/").text.split())
    assert "collected estimate for that month is 10.26%" in html
    assert "statutory rate of 11.13%" in html


def test_etr_headline_names_the_collected_rate(monkeypatch, capsys):
    month = max(collected.treasury())
    monkeypatch.setattr(collected, "backtest_if_cached", lambda: _fake(month))
    assert main(["etr", "--country", "CAN", "--date", "2025-09-01"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "statutory effective rate on 2024 import weights" in out
    assert f"collected {collected.treasury()[month]:.2%} of imports in {month}" in out
    assert "collected estimate 10.26% against statutory 11.13%" in out


def _with_parts(month: str) -> collected.Backtest:
    """:func:`_fake` with partner parts: Canada, Mexico and everyone else, two months."""
    import dataclasses

    import numpy as np

    n = len(collected.eps_grid())

    def arrays(rates: list[float], shares: list[float]) -> tuple[np.ndarray, np.ndarray]:
        weight = np.tile(shares, (n, 1))
        return weight * np.tile(rates, (n, 1)), weight

    feb = arrays([0.08, 0.09, 0.16], [0.13, 0.16, 0.71])
    mar = arrays([0.05, 0.06, 0.13], [0.13, 0.16, 0.71])
    parts = collected.Parts(
        partners=("CAN", "MEX", "CHN"),
        contrib={"2026-02": feb[0], month: mar[0]},
        weight={"2026-02": feb[1], month: mar[1]},
    )
    return dataclasses.replace(_fake(month), parts=parts)


def test_overview_cards_show_each_partner_estimate(client, monkeypatch):
    month = max(collected.treasury())
    bt = _with_parts(month)
    monkeypatch.setattr(collected, "backtest_if_cached", lambda: bt)
    html = client.get("/").text
    for code in ("CAN", "MEX"):
        est = bt.partner(code)
        card = re.search(rf'id="etr-{code}".*?</article>', html, re.S)
        assert card is not None
        text = " ".join(card.group(0).split())
        assert f'data-estimate="{est.estimate[-1]}"' in text
        assert f"collected estimate {month}: <strong>{est.estimate[-1]:.2%}</strong>" in text
        assert f"statutory {est.statutory[-1]:.2%}" in text
        assert "not tested by partner" in text
        assert "statutory rate on 2024 import weights" in text


def test_rates_page_puts_the_estimate_beside_each_partner_headline(client, monkeypatch):
    month = max(collected.treasury())
    bt = _with_parts(month)
    monkeypatch.setattr(collected, "backtest_if_cached", lambda: bt)
    html = " ".join(client.get(f"/rates?date={month}-01&partner=CHN").text.split())
    for code in ("CAN", "MEX", "CHN"):
        est = bt.partner(code)
        assert f'class="collected-{code}" data-estimate="{est.estimate[-1]}"' in html
    monkeypatch.setattr(collected, "backtest_if_cached", lambda: None)
    html = " ".join(client.get("/rates?date=2025-10-15").text.split())
    assert "statutory on 2024 import weights" in html
    assert "<code>tradewinds etr --country CAN --collected</code>" in html


def test_partner_headline_in_the_cli_names_its_estimate(monkeypatch, capsys):
    month = max(collected.treasury())
    bt = _with_parts(month)
    monkeypatch.setattr(collected, "backtest_if_cached", lambda: bt)
    assert main(["etr", "--country", "MEX", "--date", f"{month}-01"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    est = bt.partner("MEX")
    assert (
        f"MEX {month}: collected estimate {est.estimate[-1]:.2%} against statutory "
        f"{est.statutory[-1]:.2%}"
    ) in out
    assert "not tested against partner data" in out


def test_top_table_has_a_collected_column_once_computed(monkeypatch, capsys):
    month = max(collected.treasury())
    bt = _with_parts(month)  # CAN, MEX and CHN only: the EU shows n/a
    monkeypatch.setattr(collected, "backtest_if_cached", lambda: bt)
    assert main(["etr", "--top", "1", "--date", f"{month}-01", "--wide"]) == 0
    out = capsys.readouterr().out
    assert f"collected: the estimate for {month}" in " ".join(out.split())
    row = next(line for line in out.splitlines() if "CAN" in line)
    assert f"{bt.partner('CAN').estimate[-1]:.2%}" in row
    assert "n/a" in next(line for line in out.splitlines() if " EU " in line)
    monkeypatch.setattr(collected, "backtest_if_cached", lambda: None)
    assert main(["etr", "--top", "1", "--date", f"{month}-01"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "collected estimate by month: etr --country X --collected" in out


def test_narrow_top_table_puts_the_estimate_under_the_total(monkeypatch, capsys):
    month = max(collected.treasury())
    bt = _with_parts(month)
    monkeypatch.setattr(collected, "backtest_if_cached", lambda: bt)
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["etr", "--top", "1", "--date", f"{month}-01"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) <= 80
    first = next(i for i, line in enumerate(lines) if line.startswith("│ CAN"))
    assert f"({bt.partner('CAN').estimate[-1]:.2%})" in lines[first + 1]
