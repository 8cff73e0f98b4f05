"""Dashboard content on every partner: the overview's ranking and collected estimate, the rates
page's partner panel, the explorer's map of every partner (through the test client).

Every number on the pages is checked against the function the CLI calls (``etr.top``,
``etr.point``, ``collected.backtest``), so a second computation in the web layer would fail here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tradewinds.api.security import Settings
from tradewinds.measures import collected
from tradewinds.measures.etr import import_totals, partners, point, top
from tradewinds.server import create_app
from tradewinds.web import queries as q
from tradewinds.web.runs import _map_title

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    store = tmp_path_factory.mktemp("web-partners-store")
    return TestClient(create_app(Settings(store=store, scenario_dir=ROOT / "scenarios")))


def _day(html: str) -> dt.date:
    found = re.search(r"on\s*<strong>(\d{4}-\d{2}-\d{2})</strong>", html)
    assert found is not None
    return dt.date.fromisoformat(found.group(1))


def _figure(html: str, chart_id: str) -> dict[str, object]:
    found = re.search(
        rf'<script type="application/json" id="{chart_id}-data">(.*?)</script>', html, re.S
    )
    assert found is not None, chart_id
    figure: dict[str, object] = json.loads(found.group(1))
    return figure


def test_overview_ranks_canada_and_mexico_among_the_largest_partners(client: TestClient) -> None:
    html = client.get("/").text
    day = _day(html)
    expected = top(day, q.RANKED)
    assert {"CAN", "MEX", "CHN", "EU"} <= {str(r["country"]) for r in expected}
    for r in expected:
        row = re.search(rf'<tr id="rank-{r["country"]}">(.*?)</tr>', html, re.S)
        assert row is not None, r["country"]
        cells = re.findall(r'data-sort="([0-9.e-]+)"', row.group(1))
        assert float(cells[1]) == r["additional_rate"]
        assert float(cells[2]) == r["effective_rate"]
    figure = _figure(html, "etr-ranking")
    traces = figure["data"]
    assert isinstance(traces, list)
    assert [t["name"] for t in traces] == [
        "additional duty (excluding MFN)",
        "total (including MFN)",
    ]
    totals = traces[1]["x"]
    assert totals == sorted(totals, reverse=True)  # ranked, highest first
    labels = traces[1]["y"]
    assert "<b>Canada</b>" in labels
    assert "<b>Mexico</b>" in labels
    assert "European Union (27)" in labels
    assert "China" in labels
    assert all(t.endswith("%") for t in traces[1]["text"])  # each bar labelled


@pytest.mark.slow
def test_overview_says_statutory_and_shows_the_collected_estimate(client: TestClient) -> None:
    bt = collected.backtest()  # fills the user cache the page reads (minutes when cold)
    html = client.get("/").text
    assert html.count("statutory rate on 2024 import weights") >= 3  # CAN, MEX, US-wide
    card = re.search(r'id="etr-ALL".*?data-estimate="([0-9.e-]+)"', html, re.S)
    if collected.backtest_if_cached() is None:  # TRADEWINDS_CACHE=off: Treasury only
        assert card is None
        return
    assert card is not None
    month = max(collected.treasury())
    k = bt.months.index(month)
    assert float(card.group(1)) == bt.estimate[k]
    assert f"collected estimate {month}" in html
    assert float(card.group(1)) < bt.statutory[k]  # customs collects less than the schedule


def test_overview_timeline_has_a_partner_selector(client: TestClient) -> None:
    html = client.get("/?partner=CHN").text
    form = re.search(r'<form[^>]*id="timeline-partner".*?</form>', html, re.S)
    assert form is not None
    options = re.findall(r'<option value="([A-Z]{3})"', form.group(0))
    assert "CHN" in options
    assert "JPN" in options
    assert "CAN" not in options
    assert '<option value="CHN" selected>China (CHN)</option>' in form.group(0)


def test_rates_page_adds_any_partner(client: TestClient) -> None:
    html = client.get("/rates?partner=chn&date=2025-10-15").text
    assert 'id="h-CHN">China</h2>' in html
    shown = re.search(r'class="rate-CHN">([0-9.]+)%', html)
    assert shown is not None
    expected = point("CHN", dt.date(2025, 10, 15))["effective_rate"]
    assert float(shown.group(1)) == pytest.approx(100 * float(str(expected)), abs=0.005)
    assert 'id="series-CHN"' in html
    assert 'id="sectors-table-CHN"' in html
    assert 'id="h-CAN"' in html
    assert 'id="h-MEX"' in html


def test_rates_page_refuses_an_unknown_partner(client: TestClient) -> None:
    response = client.get("/rates?partner=XYZ")
    assert response.status_code == 404
    assert "XYZ" in response.text
    assert "partner" in response.text
    assert 'id="h-XYZ"' not in response.text


def test_explorer_map_colours_every_partner_by_its_rate(client: TestClient) -> None:
    response = client.get("/explorer/rates-map?date=2025-09-01")
    assert response.status_code == 200
    html = response.text
    figure = _figure(html, "rates-map")
    grey, trace = figure["data"]  # type: ignore[misc]
    assert "PRK" in grey["locations"]  # no 2024 imports: drawn grey, without a rate
    values = dict(zip(trace["locations"], trace["z"], strict=True))
    assert len(values) > 150  # every country of the map the weights know, not a region
    day = dt.date(2025, 9, 1)
    for code in ("CAN", "MEX", "CHN", "DEU", "FRA", "BRA", "IND", "JPN"):
        assert values[code] == pytest.approx(100 * float(str(point(code, day)["effective_rate"])))
    assert values["DEU"] != values["BRA"]  # each country its own rate
    rated = [c for c in partners() if import_totals().get(c, 0.0) > 0]
    assert len(re.findall(r"<tr><td>", html)) == len(rated)  # the table lists them all
    assert "NaN" not in html  # a partner without imports is left out, not drawn as NaN
    assert "Germany" in html


def test_explorer_map_refuses_a_bad_date(client: TestClient) -> None:
    response = client.get("/explorer/rates-map?date=2025-13-01")
    assert response.status_code == 422
    assert "2025-13-01" in response.text


def test_explorer_build_says_the_measures_date(client: TestClient) -> None:
    body = client.post("/explorer/build", json={"library": "measures-2025-09-01.yaml"}).json()
    assert body["as_of"] == "2025-09-01"
    body = client.post(
        "/explorer/build", json={"library": "measures-2025-09-01.yaml", "as_of": "2026-03-01"}
    ).json()
    assert body["as_of"] == "2026-03-01"


def test_run_map_legend_names_the_regions() -> None:
    title = _map_title({"CAN": -0.5, "MEX": -0.3, "EU27": 0.1, "ROW": 0.05})
    assert "EU27" in title
    assert "ROW" in title
    assert "region" in title
    assert _map_title({"CAN": -0.5, "DEU": 0.1}) == "welfare %"
