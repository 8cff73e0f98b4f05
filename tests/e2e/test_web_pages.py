"""Dashboard pages and helpers through the test client: same numbers as the CLI's functions."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tradewinds.api.security import Settings
from tradewinds.core.errors import ScenarioError, UnknownLabelError
from tradewinds.measures import calculate
from tradewinds.measures.etr import point
from tradewinds.server import create_app
from tradewinds.web import queries as q
from tradewinds.web import workbench
from tradewinds.web.runs import map_countries, map_values

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    store = tmp_path_factory.mktemp("web-pages-store")
    return TestClient(create_app(Settings(store=store, scenario_dir=ROOT / "scenarios")))


def test_assets_are_local_and_fixed(client: TestClient) -> None:
    js = client.get("/static/vendor/plotly.min.js")
    assert js.status_code == 200
    assert js.text.startswith("/**\n* plotly.js v")
    topo = client.get("/static/map/world_110m.json").json()
    ids = {g["id"] for g in topo["objects"]["countries"]["geometries"]}
    assert {"CAN", "MEX", "USA", "DEU", "ROU"} <= ids
    assert client.get("/static/../pyproject.toml").status_code in (404, 422)
    assert client.get("/static/app.py").status_code == 404


def test_no_page_names_another_host(client: TestClient) -> None:
    for path in ("/", "/calculator", "/rates", "/explorer", "/strategy", "/runs"):
        html = client.get(path).text
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        loaded = [s for s in sources if not s.startswith(("/", "#", "https://", "http://"))]
        assert loaded == [], path
        # only <a href> may point elsewhere (source links); scripts and styles are local
        assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', html), path


def test_overview_shows_the_etr_of_the_cli(client: TestClient) -> None:
    html = client.get("/").text
    day = re.search(r"on\s*<strong>(\d{4}-\d{2}-\d{2})</strong>", html)
    assert day is not None
    for country in ("CAN", "MEX"):
        expected = point(country, dt.date.fromisoformat(day.group(1)))["effective_rate"]
        shown = re.search(rf'id="etr-{country}".*?data-rate="([0-9.]+)"', html, re.S)
        assert shown is not None
        assert float(shown.group(1)) == pytest.approx(expected)
    assert "US$40.3 bn" in html  # two-way Canada–Mexico trade of the default baseline


def test_timeline_comes_from_the_registry() -> None:
    events = q.timeline()
    dates = [e["date"] for e in events]
    assert dates == sorted(dates)
    ids = {e["id"] for e in events}
    assert any(i.startswith("ieepa-ca") for i in ids)
    assert all(e["date"] >= "2025-01-01" for e in events)
    # the same records as `tradewinds measures timeline`, status events included
    from tradewinds.measures.timeline import timeline as registry_timeline

    listed = {r["id"] for p in ("CAN", "MEX") for r in registry_timeline(p)}
    assert ids <= listed
    assert any(e["change"] == "event" for e in events)


def test_hts_search_by_code_and_words(client: TestClient) -> None:
    by_code = client.get("/api/v1/hts/search", params={"q": "8703.23.01"}).json()
    assert by_code["count"] > 0
    assert all(r["code"].startswith("8703.23.01") for r in by_code["results"])
    words = client.get("/api/v1/hts/search", params={"q": "passenger motor vehicles"}).json()
    assert words["count"] > 0
    assert words["results"][0]["code"].startswith("8703")  # cars, not 8706 chassis (issue 22)
    for r in words["results"]:
        assert "motor" in r["description"].lower()
    lumber = client.get("/api/v1/hts/search", params={"q": "softwood lumber"}).json()
    assert lumber["results"][0]["code"].startswith("4407.1")
    none = client.get("/api/v1/hts/search", params={"q": "xyzzy qqq"})
    assert none.status_code == 200
    assert none.json()["count"] == 0
    assert client.get("/api/v1/hts/search", params={"q": ""}).status_code == 422


def test_calculator_matches_calculate(client: TestClient) -> None:
    params = {
        "hts": "7208.10.1500",
        "origin": "CAN",
        "date": "2025-09-01",
        "value": "1000",
        "steel": "1",
    }
    html = client.get("/calculator", params=params).text
    shown = re.search(r'id="total-duty" data-value="([0-9.]+)"', html)
    assert shown is not None
    expected = calculate(
        "7208.10.1500", "CAN", "2025-09-01", 1000, metal_content={"steel": 1.0}
    ).total_duty
    assert float(shown.group(1)) == pytest.approx(expected)
    bad = client.get("/calculator", params={**params, "hts": "8703"})
    assert bad.status_code == 404
    assert "Did you mean" in bad.text


def test_duty_strip_equals_single_shipments() -> None:
    from tradewinds.measures.shipment import Shipment

    shipment = Shipment.build(
        hts="8703.23.0190", origin="MEX", date="2025-06-01", value=30000, usmca=True, us_content=0.4
    )
    strip = q.duty_strip(shipment, end=dt.date(2026, 3, 1))
    for day, rate in list(zip(strip["dates"], strip["rate"], strict=True))[:-1:4]:
        one = calculate("8703.23.0190", "MEX", day, 30000, usmca=True, us_content=0.4)
        assert rate == pytest.approx(one.total_duty / 30000, abs=1e-6)


def test_rates_csv_is_the_etr_series(client: TestClient) -> None:
    resp = client.get(
        "/rates.csv", params={"country": "MEX", "from": "2025-09-01", "to": "2025-09-01"}
    )
    assert resp.status_code == 200
    lines = resp.text.strip().splitlines()
    assert lines[0] == "date,country,sector,authority,rate"
    total = next(line for line in lines if ",all,total," in line)
    assert float(total.rsplit(",", 1)[1]) == pytest.approx(
        point("MEX", dt.date(2025, 9, 1))["effective_rate"], abs=1e-6
    )
    assert client.get("/rates", params={"by": "nonsense"}).status_code == 422


def test_explorer_builds_valid_scenarios(client: TestClient) -> None:
    body = client.post(
        "/explorer/build",
        json={
            "library": "measures-2025-09-01.yaml",
            "ieepa_can": "25",
            "s122": "15",
            "usmca": "none",
            "retaliation": "mirror-both",
            "camx": "-10",
            "eps": "6",
        },
    ).json()
    from tradewinds.core.inputs import parse_yaml
    from tradewinds.scenarios.schema import parse_scenario

    assert "IEEPA 25% on CAN" in body["summary"]
    assert "trade costs -10% CAN–MEX" in body["summary"]
    spec = parse_scenario(parse_yaml(body["yaml"], "built"))
    assert spec.shocks.overrides.ieepa_rate == {"CAN": 0.25}
    assert spec.shocks.overrides.remove_usmca_exemption is True
    assert spec.shocks.overrides.scale_programmes["s122"] == pytest.approx(1.5)
    assert spec.shocks.retaliation[0].mirror is True
    assert spec.shocks.trade_costs[0].change == pytest.approx(-0.10)
    assert spec.model.eps == 6  # type: ignore[union-attr]
    switched = workbench.build_scenario(
        workbench.Levers(library="measures-2025-09-01.yaml", model="multi-sector", eps="5"),
        ROOT / "scenarios",
    )
    assert switched["baseline"] == "wiod2011"
    assert switched["model"] == {"name": "multi-sector", "theta": 5.0}


@pytest.mark.parametrize(
    ("levers", "message"),
    [
        ({"library": "../pyproject.toml"}, "Unknown library scenario"),
        ({"ieepa_can": "abc"}, "not a number"),
        ({"s122": "40"}, "outside"),
        ({"base_text": "title: x\nshocks: {nope: 1}\n"}, "unknown key"),
        (
            {
                "base_text": "title: x\nshocks:\n  tariffs_as_of: 2025-09-01\n  overrides:\n"
                "    measure_files: [/etc/passwd]\n"
            },
            "content only",
        ),
    ],
)
def test_explorer_refuses_bad_levers(levers: dict[str, str], message: str) -> None:
    with pytest.raises((ScenarioError, UnknownLabelError), match=message):
        workbench.build_scenario(workbench.Levers(**levers), ROOT / "scenarios")


def test_map_values_spread_regions() -> None:
    values = map_values({"CAN": -1.0, "EU27": 0.5, "ROW": 0.1, "ROM": 0.3})
    assert values["CAN"] == -1.0
    assert values["DEU"] == 0.5  # a member of EU27
    assert values["ROU"] == 0.3  # WIOD's ROM is Romania
    assert values["BRA"] == 0.1  # not in the model: rest of world
    assert set(values) == set(map_countries())


def test_runs_pages_and_compare(client: TestClient, tmp_path: Path) -> None:
    from tradewinds.scenarios import load_scenario
    from tradewinds.scenarios.execute import execute
    from tradewinds.store import ResultsStore

    store = ResultsStore(client.app.state.settings.store)  # type: ignore[attr-defined]
    a = execute(load_scenario(ROOT / "scenarios" / "announced-2025-02.yaml"), sink=store)
    b = execute(load_scenario(ROOT / "scenarios" / "camx-trade-costs-minus-10.yaml"), sink=store)
    listing = client.get("/runs").text
    assert a.run_id in listing
    assert b.run_id in listing
    page = client.get(f"/runs/{a.run_id}").text
    welfare = a.records[(a.records["metric"] == "welfare_pct") & (a.records["country"] == "CAN")]
    assert f'data-sort="{float(welfare["value"].iloc[0])}"' in page
    assert "tradewinds run scenario.yaml" in page
    csv = client.get(f"/runs/{a.run_id}/results.csv")
    assert csv.text.splitlines()[0] == "country,partner,sector,metric,value,unit"
    assert "<html" in client.get(f"/runs/{a.run_id}/report").text.lower()
    diff = client.get("/runs/compare", params={"a": a.run_id, "b": b.run_id}).text
    assert "B − A" in diff
    missing = client.get("/runs/nope-not-a-run")
    assert missing.status_code == 404


def test_united_front_view_from_records() -> None:
    records = []
    for ra in workbench.STRATEGIES:
        for rb in workbench.STRATEGIES:
            for country, value in (("CAN", -1.0), ("MEX", -2.0), ("USA", 0.5)):
                records.append(
                    {
                        "country": country,
                        "partner": f"CAN={ra};MEX={rb}",
                        "sector": "TOTAL",
                        "metric": "welfare_pct",
                        "value": value,
                        "unit": "percent",
                    }
                )
    records.append(
        {
            "country": "",
            "partner": "CAN=deal;MEX=deal",
            "sector": "TOTAL",
            "metric": "nash_equilibrium",
            "value": 1.0,
            "unit": "flag",
        }
    )
    ctx = workbench.united_front_context(records)
    assert ctx["partners"] == ("CAN", "MEX")
    assert [m["who"] for m in ctx["matrices"]] == ["CAN", "MEX", "USA"]
    deal = ctx["matrices"][0]["rows"][3]["cells"][3]
    assert deal["eq"] is True
    assert ctx["equilibria"] == ["CAN: deal / MEX: deal"]
    assert json.dumps(ctx)  # plain data


def test_private_server_closes_the_pages(tmp_path: Path) -> None:
    app = create_app(Settings(store=tmp_path, token="t" * 20, private=True))
    client = TestClient(app)
    assert client.get("/").status_code == 401
    assert client.get("/api/v1/hts/search", params={"q": "8703"}).status_code == 401
    ok = client.get(
        "/api/v1/hts/search", params={"q": "8703"}, headers={"Authorization": "Bearer " + "t" * 20}
    )
    assert ok.status_code == 200
    assert client.get("/static/app.css").status_code == 200  # assets carry no data


def test_token_server_asks_for_the_token_to_run_jobs(tmp_path: Path) -> None:
    client = TestClient(create_app(Settings(store=tmp_path, token="s" * 20)))
    page = client.get("/explorer")
    assert page.status_code == 200  # reads stay open
    assert 'class="api-token"' in page.text
    assert (
        'class="api-token"'
        not in TestClient(create_app(Settings(store=tmp_path))).get("/explorer").text
    )


def test_multi_sector_run_has_a_readable_sector_heatmap(client: TestClient) -> None:
    from tradewinds.scenarios import load_scenario
    from tradewinds.scenarios.execute import execute
    from tradewinds.store import ResultsStore

    store = ResultsStore(client.app.state.settings.store)  # type: ignore[attr-defined]
    run = execute(load_scenario(ROOT / "scenarios" / "wiod-25pct-can-mex-goods.yaml"), sink=store)
    html = client.get(f"/runs/{run.run_id}/view").text
    assert "By sector:" in html
    figure = re.search(r'id="heat-[^"]+-data">(.*?)</script>', html, re.S)
    assert figure is not None
    heat = json.loads(figure.group(1))["data"][0]
    assert "transport equipment" in heat["x"]  # WIOD c15, by name
    assert heat["y"][:3] == ["CAN", "MEX", "USA"]


@pytest.mark.slow
def test_monte_carlo_job_shows_bands(client: TestClient) -> None:
    import time

    text = (ROOT / "scenarios" / "announced-2025-02.yaml").read_text()
    job = client.post("/api/v1/scenarios/run", json={"scenario": text, "draws": 2, "seed": 3})
    assert job.status_code == 202
    url = job.json()["links"]["self"]
    deadline = time.monotonic() + 120
    state = client.get(url).json()
    while state["state"] not in ("done", "failed", "cancelled") and time.monotonic() < deadline:
        time.sleep(0.2)
        state = client.get(url).json()
    assert state["state"] == "done", state
    html = client.get(f"/runs/{state['run_id']}/view").text
    assert "5th–95th percentiles" in html
    bands = client.get(f"/api/v1/runs/{state['run_id']}/results", params={"table": "bands"})
    rows = bands.json()["records"]
    can = next(
        r
        for r in rows
        if r["country"] == "CAN" and r["metric"] == "welfare_pct" and not r["partner"]
    )
    assert f"CAN {can['p05']:+.3f} to {can['p95']:+.3f}" in html


def test_rates_page_dates_outside_the_registry(client: TestClient) -> None:
    early = client.get("/rates", params={"date": "2024-06-01"})
    assert early.status_code == 422
    assert "before 2025-01-01" in early.text
    late = client.get("/rates", params={"date": "2027-01-01"})
    assert late.status_code == 200
    assert "past the registry coverage date" in late.text


def test_rates_page_names_the_sectors(client: TestClient) -> None:
    html = client.get("/rates", params={"date": "2025-09-01", "by": "gtap"}).text
    assert "Ferrous metals" in html  # GTAP I_S
    assert "Motor vehicles and parts" in html  # GTAP MVH
    wiod = client.get("/rates", params={"date": "2025-09-01", "by": "wiod"}).text
    assert "transport equipment" in wiod


@pytest.mark.slow
def test_curve_view_from_a_job_result(client: TestClient) -> None:
    """The strategy page's curve fragment is drawn from an ``optimal-curve`` job's records."""
    grid = [0.0, 0.1, 0.2, 0.3, 0.4]
    records = [
        {
            "country": "MEX",
            "partner": "",
            "sector": "",
            "metric": "welfare_pct",
            "value": v,
            "unit": "%",
            "tariff": t,
        }
        for t, v in zip(grid, [0.0, 0.2, 0.25, 0.1, -0.2], strict=True)
    ]
    records += [
        {
            "country": "MEX",
            "partner": "",
            "sector": "",
            "metric": m,
            "value": v,
            "unit": "",
            "tariff": 0.18,
        }
        for m, v in (("optimal_tariff", 0.18), ("optimal_welfare_pct", 0.26), ("start_tariff", 0.0))
    ]
    ctx = workbench.curve_context(list(reversed(records)))
    assert ctx["grid"] == grid
    assert ctx["country"] == "MEX"
    view = client.post("/strategy/curve/view", json={"title": "T", "records": records})
    assert view.status_code == 200
    assert 'id="curve-optimum">18.00%' in view.text
    bad = client.post("/strategy/curve/view", json={"records": records[:5]})
    assert bad.status_code == 422
    assert "optimal_tariff" in bad.json()["message"]
