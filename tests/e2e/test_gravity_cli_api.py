"""``tradewinds gravity``, ``integrate``, ``replicate yotov2016`` and their HTTP routes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from tradewinds.cli.main import main
from tradewinds.server import create_app

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "gravity"


@pytest.fixture
def runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "runs"
    monkeypatch.setenv("TRADEWINDS_GRAVITY_RUNS", str(folder))
    return folder


def test_estimate_records_a_run_a_scenario_can_use(
    shared_data: Path, tmp_path: Path, runs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "fta.json"
    spec = EXAMPLES / "wiod-fta.yaml"
    assert (
        main(["gravity", "estimate", "--data", "wiod0014", "--spec", str(spec), "-o", str(out)])
        == 0
    )
    printed = capsys.readouterr().out
    assert "FTA" in printed
    records = json.loads(out.read_text())
    assert [r["variable"] for r in records] == ["FTA"]
    assert records[0]["n_obs"] == 7744
    run_id = records[0]["run_id"]
    assert (runs / f"{run_id}.json").exists()

    from tradewinds.scenarios.runner import run_scenario
    from tradewinds.scenarios.schema import parse_scenario

    scenario = parse_scenario(
        {
            "title": "an FTA between Canada and Mexico, again",
            "shocks": {
                "trade_costs": {
                    "from_gravity": {"run": run_id, "variable": "FTA", "pairs": ["CAN-MEX"]}
                }
            },
        }
    )
    eq = run_scenario(scenario)
    assert eq.report.converged
    beta = records[0]["estimate"]
    trade_up = float(eq.bilateral["trade_hat"].sel(exporter="CAN", importer="MEX").item())
    assert (trade_up > 1) == (beta > 0)


def test_bad_spec_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("regressors: [rta]\nfixed_efects: [pair]\n")
    assert main(["gravity", "estimate", "--spec", str(spec)]) == 2
    assert "unknown key 'fixed_efects'" in capsys.readouterr().err


def test_integrate_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, plot = tmp_path / "camx.csv", tmp_path / "camx.html"
    code = main(
        ["integrate", "--pair", "CAN,MEX", "--target", "2x", "-o", str(out), "--plot", str(plot)]
    )
    assert code == 0
    assert "CAN-MEX: trade costs" in capsys.readouterr().out
    records = pd.read_csv(out)
    cut = records[records["metric"] == "trade_cost_change_pct"]["value"].item()
    before = records[records["metric"] == "two_way_trade_baseline"]["value"].item()
    after = records[records["metric"] == "two_way_trade"]["value"].item()
    assert cut < 0
    assert after / before == pytest.approx(2.0, rel=1e-8)
    html = plot.read_text()
    assert "plotly" in html
    assert 'src="https://cdn.plot.ly' not in html  # plotly.js inlined from the package
    assert main(["integrate", "--pair", "CAN,MEX", "--target", "1000x"]) == 2
    assert "beyond the bracket" in capsys.readouterr().err


def test_integrate_offsets_the_2025_09_01_measures(tmp_path: Path) -> None:
    scenario = Path(__file__).resolve().parents[2] / "scenarios" / "measures-2025-09-01.yaml"
    out = tmp_path / "offset.json"
    args = ["integrate", "--pair", "CAN,MEX", "--target", "offset:CAN", "--scenario"]
    assert main([*args, str(scenario), "-o", str(out)]) == 0
    records = pd.DataFrame(json.loads(out.read_text()))
    welfare = records.query("metric == 'welfare_pct' and country == 'CAN'")["value"].item()
    assert welfare == pytest.approx(0.0, abs=1e-6)
    assert records.query("metric == 'trade_cost_change_pct'")["value"].item() < 0


def test_replicate_and_potential_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "t1.csv"
    assert main(["replicate", "yotov2016", "--table", "1", "-o", str(out)]) == 0
    records = pd.read_csv(out)
    assert list(records.columns) == [
        "table",
        "column",
        "variable",
        "estimate",
        "std_error",
        "n_obs",
    ]
    assert list(dict.fromkeys(records["column"])) == ["OLS", "REMOTENESS", "FIXED EFFECTS", "PPML"]
    pot = tmp_path / "pot.json"
    assert main(["gravity", "potential", "CAN", "MEX", "-o", str(pot)]) == 0
    rows = json.loads(pot.read_text())
    asked = [r for r in rows if r["role"] == "asked"]
    assert {(r["exporter"], r["importer"]) for r in asked} == {("CAN", "MEX"), ("MEX", "CAN")}
    assert all(r["predicted"] > 0 for r in rows)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(), raise_server_exceptions=False)


def test_api_estimate(client: TestClient, runs: Path) -> None:
    body = {"spec": "regressors: [FTA]\n", "data": "wiod0014"}
    res = client.post("/api/v1/gravity/estimate", json=body)
    assert res.status_code == 200, res.text
    payload = res.json()
    assert payload["n_obs"] == 7744
    assert payload["records"][0]["variable"] == "FTA"
    bad = client.post("/api/v1/gravity/estimate", json={**body, "data": "/etc/passwd"})
    assert bad.status_code == 422
    assert "/etc/passwd" not in json.dumps(bad.json().get("message", ""))
    unknown = client.post("/api/v1/gravity/estimate", json={**body, "spec": {"regresors": ["x"]}})
    assert unknown.status_code == 422


def test_api_integrate_matches_the_library(client: TestClient) -> None:
    from tradewinds.data.loaders import load_baseline
    from tradewinds.integration.integrate import solve_cut

    res = client.post("/api/v1/integrate", json={"pairs": ["CAN,MEX"], "target": "+50%"})
    assert res.status_code == 200, res.text
    lib = solve_cut(load_baseline("default"), [("CAN", "MEX")], "+50%")
    assert res.json()["summary"]["d_hat"] == pytest.approx(lib.d_hat, rel=1e-10)
    path = client.post(
        "/api/v1/integrate", json={"pairs": ["CAN,MEX"], "target": "2x", "baseline": "/tmp/x.nc"}
    )
    assert path.status_code == 422
    assert client.get("/api/v1/replicate/yotov2016", params={"table": 4}).status_code == 422
