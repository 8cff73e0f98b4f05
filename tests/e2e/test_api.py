"""The HTTP API returns the same numbers as the library and the CLI, and clear errors."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tradewinds.measures import calculate
from tradewinds.scenarios import load_scenario, run_scenario
from tradewinds.server import create_app

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def run_job(client: TestClient, body: dict[str, Any], timeout: float = 120) -> dict[str, Any]:
    """Submit ``POST /api/v1/scenarios/run`` and wait: the job's state (result or error)."""
    response = client.post("/api/v1/scenarios/run", json=body)
    assert response.status_code == 202, response.text
    job_id = response.json()["job_id"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(f"/api/v1/jobs/{job_id}").json()
        if state["state"] in {"done", "failed", "cancelled"}:
            if state["state"] == "done":
                return dict(client.get(f"/api/v1/jobs/{job_id}/result").json())
            return dict(state)
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def test_health_and_baselines(client: TestClient) -> None:
    assert client.get("/api/v1/health").json()["status"] == "ok"
    names = [b["name"] for b in client.get("/api/v1/baselines").json()["baselines"]]
    assert "default" in names


def test_unversioned_routes_are_gone(client: TestClient) -> None:
    for path in ("/health", "/baselines", "/duty", "/etr"):
        assert client.get(path).status_code in {404, 405}, path


@pytest.mark.slow
def test_run_matches_the_library(client: TestClient) -> None:
    path = ROOT / "scenarios" / "announced-2025-02.yaml"
    body = run_job(client, {"scenario": path.read_text()})
    welfare = {r["country"]: r["value"] for r in body["records"] if r["metric"] == "welfare_pct"}
    expected = run_scenario(load_scenario(path)).headline()["welfare_pct"]
    assert welfare["CAN"] == pytest.approx(expected["CAN"], rel=1e-12)
    assert body["solver"]["converged"] is True
    assert body["scenario_hash"] == load_scenario(path).digest()


@pytest.mark.slow
def test_run_errors_are_json_with_status(client: TestClient) -> None:
    bad = "title: x\nshocks:\n  tariffs:\n    - {importer: USA, exporter: CAM, rate: 0.25}\n"
    error = run_job(client, {"scenario": bad})["error"]
    assert error["status"] == 404
    assert error["error"] == "UnknownLabelError"
    assert "Did you mean 'CAN'" in error["message"]
    response = client.post("/api/v1/scenarios/run", json={"scenario": "title: x\nmodle: {}\n"})
    assert response.status_code == 422
    assert "unknown key 'modle'" in response.json()["message"]


def test_duty_matches_the_calculator(client: TestClient) -> None:
    """USMCA Mexican vehicle, 40% US content, 2025-05-01: 25% on the 60% non-US value."""
    params = {
        "hts": "8703.23.0190",
        "origin": "MEX",
        "date": "2025-05-01",
        "value": 30000,
        "usmca": True,
        "us_content": 0.4,
    }
    body = client.get("/api/v1/duty", params=params).json()
    direct = calculate("8703.23.0190", "MEX", "2025-05-01", 30000, usmca=True, us_content=0.4)
    assert body["total_duty"] == pytest.approx(direct.total_duty)
    assert body["additional_rate"] == pytest.approx(0.15)


def test_duty_unknown_hts_is_an_error(client: TestClient) -> None:
    response = client.get(
        "/api/v1/duty",
        params={"hts": "9999.99.9999", "origin": "CAN", "date": "2025-05-01", "value": 100},
    )
    assert response.status_code in {404, 422}
    assert response.json()["message"]


def test_etr_point(client: TestClient) -> None:
    body = client.get("/api/v1/etr", params={"country": "CAN", "date": "2025-09-01"}).json()
    assert body["country"] == "CAN"
    assert 0 < body["effective_rate"] < 0.5


def test_origin_check(client: TestClient) -> None:
    bom = (ROOT / "examples" / "origin" / "passenger_vehicle.yaml").read_text()
    response = client.post("/api/v1/origin/check", json={"bom": bom})
    assert response.status_code == 200
    assert response.json()["qualifies"] is True


@pytest.mark.slow
def test_run_keeps_bilateral_records(client: TestClient) -> None:
    path = ROOT / "scenarios" / "announced-2025-02.yaml"
    expected = run_scenario(load_scenario(path)).to_records(bilateral=True)
    for _ in range(2):  # solved, then served from the store: both give the bilateral flows
        body = run_job(client, {"scenario": path.read_text(), "bilateral": True})
        assert len(body["records"]) == len(expected)
        pairs = {(r["country"], r["partner"]) for r in body["records"] if r["partner"]}
        assert ("CAN", "USA") in pairs
