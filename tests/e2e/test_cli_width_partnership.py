"""The partnership and registry-tooling commands at 80 columns: codes, ids and numbers whole.

Same approach as ``test_cli_readability.py``: drive ``tradewinds.cli.main.main`` with
``COLUMNS`` set, then look for each code, id or number of the JSON output in the table.
"""

from __future__ import annotations

import json

import pytest

from tradewinds.cli.main import main

pytestmark = pytest.mark.e2e


def _table_rows(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln[:1] in "┏┃┡│└├"]


def test_measures_timeline_keeps_ids_and_dates_whole(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["measures", "timeline", "--target", "MEX", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["measures", "timeline", "--target", "MEX"]) == 0
    text = capsys.readouterr().out
    assert all(len(ln) <= 80 for ln in _table_rows(text))
    for r in records:
        assert r["id"] in text
        assert r["date"] in text


def test_corridors_compare_keeps_routings_and_numbers_whole(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["corridors", "compare", "--from", "MEX", "--to", "CHN", "--via", "direct,USA,CAN"]
    assert main([*args, "--format", "json"]) == 0
    routes = [r for r in json.loads(capsys.readouterr().out) if r.get("best", True)]
    monkeypatch.setenv("COLUMNS", "80")
    assert main(args) == 0
    text = capsys.readouterr().out
    assert all(len(ln) <= 80 for ln in _table_rows(text))
    assert "…" not in "".join(_table_rows(text))
    for r in routes:
        assert f"{r['distance_km']:,.0f}" in text
        assert f"{r['cost_usd_per_teu']:,.0f}" in text


def test_diversify_exposure_keeps_hts_codes_whole(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    args = ["diversify", "exposure", "--country", "CAN", "--date", "2025-09-01", "--top", "5"]
    assert main(args) == 0
    rows = _table_rows(capsys.readouterr().out)
    assert all(len(ln) <= 80 for ln in rows)
    codes = [c.strip() for ln in rows if ln.startswith("│") for c in ln.split("│")[1:2]]
    hts = [c for c in codes if c]
    assert len(hts) >= 5
    assert all(c.isdigit() and len(c) == 10 for c in hts[:5]), hts
