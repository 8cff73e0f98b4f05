"""Statutory headlines say so, and put the collected rate beside them (dashboard and ``etr``)."""

from __future__ import annotations

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
