"""``tradewinds corridors`` and ``tradewinds diversify`` end to end, and their HTTP endpoints."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from tests.unit.test_diversify import ROOT, write_baci
from tradewinds.cli.main import main
from tradewinds.integration.corridors import compare
from tradewinds.measures import etr
from tradewinds.server import create_app

pytestmark = pytest.mark.e2e

KEYS = {"origin_port", "destination_port", "legs", "distance_km", "days", "cost_usd_per_teu",
        "us_transit", "ports"}  # fmt: skip


def test_compare_json_one_object_per_route(capsys):
    code = main(["corridors", "compare", "--from", "MEX", "--to", "CHN", "--via",
                 "direct,USA,CAN", "--format", "json"])  # fmt: skip
    assert code == 0
    routes = json.loads(capsys.readouterr().out)
    assert len(routes) == len(compare(["MEX"], ["CHN"], ["direct", "USA", "CAN"]))
    for r in routes:
        assert set(r) >= KEYS
        assert r["us_transit"] == (r["via"] == "USA")
        assert r["legs"][0]["from"] == "MEX_CITY"
        assert r["ports"][0]["port"] == r["origin_port"]
        assert r["ports"][0]["harbor_size"] in {"Very Small", "Small", "Medium", "Large"}


def test_compare_can_mex_table_csv_and_map(tmp_path, capsys):
    csv, html = tmp_path / "r.csv", tmp_path / "m.html"
    code = main(["corridors", "compare", "--from", "CAN", "--to", "MEX", "--via", "direct,USA",
                 "--output", str(csv), "--map", str(html)])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "overland-rail" in out
    assert "sea-atlantic" in out
    rows = pd.read_csv(csv)
    assert len(rows) == 10  # 4 Pacific + 4 Atlantic port pairs, rail and truck overland
    assert rows.groupby("via")["best"].sum().to_dict() == {"USA": 1, "direct": 1}
    page = html.read_text()
    assert '<script src="http' not in page  # plotly.js is embedded
    assert '"topojsonURL":"./topojson-not-used/"' in page.replace(" ", "")
    assert "US-transit legs" in page


def test_compare_errors_are_one_line(tmp_path, capsys):
    assert main(["corridors", "compare", "--from", "MEX", "--to", "CHN", "--via", "PAN"]) == 2
    assert "Unknown routing 'PAN'" in capsys.readouterr().err
    params = tmp_path / "p.yaml"
    params.write_text("sea_speed: 18\n")
    code = main(["corridors", "compare", "--from", "MEX", "--to", "CHN", "--params", str(params)])
    assert code == 2
    err = capsys.readouterr().err
    assert "unknown parameter 'sea_speed'" in err
    assert "Traceback" not in err


def test_scenario_written_and_solved(tmp_path, capsys):
    path = tmp_path / "direct.yaml"
    code = main(["corridors", "scenario", "--pair", "CAN,MEX", "--new", "direct", "--old", "USA",
                 "--new-kind", "sea-pacific", "--time-cost", "high", "-o", str(path)])  # fmt: skip
    assert code == 0
    assert "trade costs" in capsys.readouterr().out
    assert main(["run", str(path), "--no-store"]) == 0
    assert "Canada–Mexico two-way trade" in capsys.readouterr().out


def test_params_table(capsys):
    assert main(["corridors", "params"]) == 0
    assert "Hummels and Schaur" in capsys.readouterr().out


def test_diversify_exposure_table_json_and_csv(tmp_path, capsys):
    args = ["diversify", "exposure", "--country", "CAN", "--date", "2025-09-01", "--top", "30"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Trade mission sectors" in out
    assert "clean energy" in out
    csv = tmp_path / "e.csv"
    assert main([*args, "--format", "json", "--by", "mission", "--output", str(csv)]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["total"]["rate"] == pytest.approx(
        etr.point("CAN", pd.Timestamp("2025-09-01").date())["effective_rate"], abs=1e-6
    )
    assert pd.read_csv(csv)["by"].eq("mission").all()


def test_diversify_products_says_when_there_is_no_baci_file(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("TRADEWINDS_BACI", raising=False)
    args = ["diversify", "products", "--country", "CAN", "--date", "2025-09-01", "--top", "5"]
    assert main(args) == 0
    assert "No BACI HS6 file configured" in capsys.readouterr().out
    assert main([*args, "--baci", str(write_baci(tmp_path)), "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["note"] is None
    alu = [r for r in body["rows"] if r["hs6"] == "760110"]
    assert alu
    assert alu[0]["world_imports_usd"] == pytest.approx(4.5e6)


def test_diversify_markets_and_offset(capsys):
    scenario = str(ROOT / "scenarios" / "measures-2025-09-01.yaml")
    code = main(["diversify", "markets", scenario, "--country", "MEX", "--no-store",
                 "--format", "json"])  # fmt: skip
    assert code == 0
    rows = {r["destination"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["USA"]["change_pct"] < 0
    code = main(["diversify", "offset", scenario, "--country", "CAN", "--partners",
                 "MEX,EU27", "--format", "json"])  # fmt: skip
    assert code == 0
    body = json.loads(capsys.readouterr().out)
    assert body["partners"] == ["MEX", "EU27"]
    assert body["welfare_pct_CAN"] == pytest.approx(0.0, abs=1e-6)
    assert body["trade_cost_change_pct"] < 0


def test_diversify_markets_from_a_recorded_run(tmp_path, capsys):
    scenario = str(ROOT / "scenarios" / "measures-2025-09-01.yaml")
    store = str(tmp_path / "store")
    assert main(["run", scenario, "--store", store]) == 0
    capsys.readouterr()
    from tradewinds.store import ResultsStore

    run_id = str(ResultsStore(store).list_runs()["run_id"].iloc[0])
    args = ["diversify", "markets", "--run", run_id[:12], "--store", store, "--country", "CAN"]
    assert main([*args, "--format", "json"]) == 0
    from_store = {r["destination"]: r["after"] for r in json.loads(capsys.readouterr().out)}
    assert main(["diversify", "markets", scenario, "--no-store", "--format", "json"]) == 0
    solved = {r["destination"]: r["after"] for r in json.loads(capsys.readouterr().out)}
    assert from_store == pytest.approx(solved, rel=1e-9)
    assert main(["diversify", "markets", "--country", "CAN"]) == 2
    assert "one of the two" in capsys.readouterr().err


# --- HTTP ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def test_api_corridors_compare_matches_the_library(client):
    response = client.get("/api/v1/corridors/compare", params={"from": "MEX", "to": "JPN,KOR"})
    assert response.status_code == 200
    routes = response.json()["routes"]
    expected = [r.to_dict() for r in compare(["MEX"], ["JPN", "KOR"])]
    assert routes == expected


def test_api_corridors_compare_with_params_and_errors(client):
    body = {"from": ["CAN"], "to": ["MEX"], "via": ["direct"], "params": {"sea_speed_knots": 24}}
    fast = client.post("/api/v1/corridors/compare", json=body).json()["routes"]
    query = {"from": "CAN", "to": "MEX", "via": "direct"}
    slow = client.get("/api/v1/corridors/compare", params=query).json()["routes"]
    assert all(f["days"] < s["days"] for f, s in zip(fast, slow, strict=True))
    response = client.get("/api/v1/corridors/compare", params={"from": "MEX", "to": "XYZ"})
    assert response.status_code == 404
    assert response.json()["error"] == "UnknownLabelError"
    body["params"] = {"warp_speed": 9}
    response = client.post("/api/v1/corridors/compare", json=body)
    assert response.status_code == 422
    assert "unknown parameter 'warp_speed'" in response.json()["message"]


def test_api_diversify_exposure(client):
    response = client.get(
        "/api/v1/diversify/exposure", params={"country": "MEX", "date": "2025-09-01", "top": 3}
    )
    assert response.status_code == 200
    body = response.json()
    assert len(body["rows"]) == 3
    assert body["total"]["rate"] == pytest.approx(
        etr.point("MEX", pd.Timestamp("2025-09-01").date())["effective_rate"], abs=1e-6
    )
    bad = client.get("/api/v1/diversify/exposure", params={"country": "MEX", "date": "1 Sept"})
    assert bad.status_code == 422


def test_api_corridors_scenario_is_the_cli_scenario(client):
    from tradewinds.core.inputs import parse_yaml
    from tradewinds.integration.corridors.trade_costs import route_shift
    from tradewinds.scenarios.schema import parse_scenario

    body = {"pair": "CAN,MEX", "new": "direct", "old": "usa", "new_kind": "sea-pacific",
            "time_cost": "high"}  # fmt: skip
    response = client.post("/api/v1/corridors/scenario", json=body)
    assert response.status_code == 200
    answer = response.json()
    shift = route_shift("CAN", "MEX", to_via="direct", from_via="USA", to_kind="sea-pacific",
                        which="high")  # fmt: skip
    assert answer["scenario"] == shift.scenario()
    assert answer["shift"] == shift.to_dict()
    assert parse_yaml(answer["yaml"], "yaml") == answer["scenario"]
    parse_scenario(answer["scenario"])  # a valid scenario, ready for POST /scenarios/run
    default = client.get("/api/v1/corridors/scenario", params={"pair": "MEX,CAN"}).json()
    assert default["shift"] == route_shift("MEX", "CAN").to_dict()


def test_api_corridors_scenario_refusals(client):
    bad = client.post("/api/v1/corridors/scenario", json={"new": "PAN"})
    assert bad.status_code == 422
    assert "must be direct, CAN, MEX or USA" in bad.json()["message"]
    # No output file: the server never writes one.
    written = client.post("/api/v1/corridors/scenario", json={"output": "/tmp/s.yaml"})
    assert written.status_code == 422
    assert written.json()["error"] == "RequestValidationError"
    three = client.get("/api/v1/corridors/scenario", params={"pair": "CAN,MEX,USA"})
    assert three.status_code == 422
    kind = client.post("/api/v1/corridors/scenario", json={"new_kind": "sea-arctic"})
    assert kind.status_code == 422
    assert "sea-pacific" in kind.json()["message"]


SCENARIO = "measures-2025-09-01"


def test_api_diversify_markets_for_a_library_scenario(client):
    from tradewinds.integration.diversify.markets import destinations
    from tradewinds.scenarios import load_scenario
    from tradewinds.scenarios.execute import execute

    response = client.get("/api/v1/diversify/markets",
                          params={"scenario": SCENARIO, "country": "MEX"})  # fmt: skip
    assert response.status_code == 200
    body = response.json()
    assert body["run_id"] is None  # solved, not recorded
    solved = execute(load_scenario(ROOT / "scenarios" / f"{SCENARIO}.yaml"))
    expected = destinations(solved.records, "MEX")
    got = {r["destination"]: r["after"] for r in body["rows"]}
    assert got == pytest.approx(
        dict(zip(expected["destination"], expected["after"], strict=True)), rel=1e-9
    )
    assert got["USA"] < {r["destination"]: r["before"] for r in body["rows"]}["USA"]


def test_api_diversify_markets_from_a_recorded_run(tmp_path, capsys):
    from tradewinds.api.security import Settings
    from tradewinds.store import ResultsStore

    store = tmp_path / "store"
    assert main(["run", str(ROOT / "scenarios" / f"{SCENARIO}.yaml"), "--store", str(store)]) == 0
    capsys.readouterr()
    run_id = str(ResultsStore(store).list_runs()["run_id"].iloc[0])
    local = TestClient(create_app(Settings(store=store)))
    by_run = local.get("/api/v1/diversify/markets", params={"run": run_id[:12]}).json()
    by_name = local.get("/api/v1/diversify/markets", params={"scenario": SCENARIO}).json()
    assert by_run["run_id"] == run_id
    assert {r["destination"]: r["after"] for r in by_run["rows"]} == pytest.approx(
        {r["destination"]: r["after"] for r in by_name["rows"]}, rel=1e-9
    )
    unknown = local.get("/api/v1/diversify/markets", params={"run": "ffffffffffff"})
    assert unknown.status_code == 404


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"scenario": "../scenarios/measures-2025-09-01.yaml"}, 400),
        ({"scenario": "/etc/passwd"}, 400),
        ({"scenario": SCENARIO, "baseline": "/srv/secret.nc"}, 400),
        ({"scenario": "no-such-scenario"}, 404),
        ({"scenario": SCENARIO, "run": "abc"}, 422),
        ({}, 422),
    ],
)
def test_api_diversify_markets_refusals(client, params, status):
    response = client.get("/api/v1/diversify/markets", params=params)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error", "message", "field", "status"}
    if status == 400:
        assert body["error"] == "ForbiddenPathError"


def test_api_diversify_offset_matches_the_library(client):
    from tradewinds.scenarios.offset import offset_cut

    body = {"scenario": SCENARIO, "country": "CAN", "partners": ["MEX", "EU27"]}
    response = client.post("/api/v1/diversify/offset", json=body)
    assert response.status_code == 200
    summary = response.json()["summary"]
    result, chosen = offset_cut(ROOT / "scenarios" / f"{SCENARIO}.yaml", "CAN", ["MEX", "EU27"])
    assert summary["partners"] == chosen == ["MEX", "EU27"]
    assert summary["welfare_pct_CAN"] == pytest.approx(0.0, abs=1e-6)
    assert summary["trade_cost_change_pct"] == pytest.approx(result.trade_cost_change_pct)
    assert response.json()["records"]


def test_api_diversify_offset_refusals(client):
    url = "/api/v1/diversify/offset"
    path = client.post(url, json={"scenario": "/work/main/scenarios/measures-2025-09-01.yaml"})
    assert path.status_code == 400
    assert path.json()["field"] == "scenario"
    usa = client.post(url, json={"scenario": SCENARIO, "partners": ["USA"]})
    assert usa.status_code == 422
    assert "leave USA out" in usa.json()["message"]
    extra = client.post(url, json={"scenario": SCENARIO, "scenario_file": "x.yaml"})
    assert extra.status_code == 422


def test_api_diversify_products_with_and_without_baci(tmp_path, monkeypatch, client):
    monkeypatch.delenv("TRADEWINDS_BACI", raising=False)
    params = {"country": "CAN", "date": "2025-09-01", "top": 5}
    body = client.get("/api/v1/diversify/products", params=params).json()
    assert body["baci_configured"] is False
    assert "No BACI HS6 file is configured on this server" in body["note"]
    assert len(body["rows"]) == 5
    baci = write_baci(tmp_path)
    monkeypatch.setenv("TRADEWINDS_BACI", str(baci))
    body = client.get("/api/v1/diversify/products", params=params).json()
    assert body["baci_configured"] is True
    assert body["note"] is None
    assert str(tmp_path) not in json.dumps(body)  # the server's path is not echoed
    alu = [r for r in body["rows"] if r["hs6"] == "760110"]
    assert alu[0]["world_imports_usd"] == pytest.approx(4.5e6)
    refused = client.get("/api/v1/diversify/products", params={**params, "baci": str(baci)})
    assert refused.status_code == 400
    assert refused.json()["error"] == "ForbiddenPathError"
    assert str(baci) not in refused.text


def test_api_corridors_and_diversify_need_the_token_on_a_private_server():
    from tradewinds.api.security import Settings

    token = "corridors-secret-0123456789"
    private = TestClient(create_app(Settings(private=True, token=token)))
    url = "/api/v1/corridors/scenario"
    assert private.get(url).status_code == 401
    ok = private.get(url, headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
