"""Jobs through the API: runs recorded as by the CLI, Monte Carlo, strategy, SSE, cancel."""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from tradewinds.api.security import Limits, Settings
from tradewinds.scenarios import load_scenario
from tradewinds.scenarios.execute import execute
from tradewinds.server import create_app
from tradewinds.store import ResultsStore

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ANNOUNCED = ROOT / "scenarios" / "announced-2025-02.yaml"
TERMINAL = {"done", "failed", "cancelled"}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings()))


def wait(client: TestClient, job_id: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(f"/api/v1/jobs/{job_id}").json()
        if state["state"] in TERMINAL:
            return dict(state)
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def test_run_job_is_recorded_like_the_cli(client: TestClient) -> None:
    text = ANNOUNCED.read_text()
    response = client.post("/api/v1/scenarios/run", json={"scenario": text})
    assert response.status_code == 202
    accepted = response.json()
    assert accepted["state"] == "queued"
    assert accepted["links"]["self"] == f"/api/v1/jobs/{accepted['job_id']}"
    state = wait(client, accepted["job_id"])
    assert state["state"] == "done", state
    assert state["progress"] == {"done": 1, "total": 1, "unit": "solves"}
    run_id = state["run_id"]
    stored = ResultsStore(os.environ["TRADEWINDS_STORE"]).get_run(run_id)
    assert stored.kind == "run"
    assert stored.scenario_yaml == text
    # the CLI's recorder, on the same store, serves the same run from the cache
    again = execute(
        load_scenario(ANNOUNCED), text=text, sink=ResultsStore(os.environ["TRADEWINDS_STORE"])
    )
    assert again.cached
    assert again.run_id == run_id
    result = client.get(f"/api/v1/jobs/{accepted['job_id']}/result").json()
    assert result["run_id"] == run_id
    assert result["solver"]["converged"] is True
    welfare = {r["country"]: r["value"] for r in result["records"] if r["metric"] == "welfare_pct"}
    expected = again.records.query("metric == 'welfare_pct' and partner == ''")
    assert welfare["CAN"] == pytest.approx(
        float(expected[expected["country"] == "CAN"]["value"].iloc[0]), rel=1e-12
    )
    csv = client.get(f"/api/v1/jobs/{accepted['job_id']}/result", params={"format": "csv"})
    assert pd.read_csv(io.StringIO(csv.text)).shape[0] == len(result["records"])
    parquet = client.get(f"/api/v1/jobs/{accepted['job_id']}/result", params={"format": "parquet"})
    import polars as pl

    assert pl.read_parquet(io.BytesIO(parquet.content)).height == len(result["records"])
    # the runs endpoints read the same store
    shown = client.get(f"/api/v1/runs/{run_id}").json()
    assert shown["scenario_hash"] == result["scenario_hash"]
    assert shown["baseline_attrs"]["provenance"]
    assert client.get("/api/v1/runs").json()["runs"][0]["run_id"] == run_id
    rows = client.get(f"/api/v1/runs/{run_id}/results").json()["records"]
    assert len(rows) == len(again.records)
    page = client.get(f"/api/v1/runs/{run_id}/report")
    assert page.headers["content-type"].startswith("text/html")
    assert "<html" in page.text.lower()


def test_compare_two_runs(client: TestClient) -> None:
    ids = []
    for name in ("announced-2025-02", "camx-trade-costs-minus-10"):
        text = (ROOT / "scenarios" / f"{name}.yaml").read_text()
        job = client.post("/api/v1/scenarios/run", json={"scenario": text}).json()
        ids.append(wait(client, job["job_id"])["run_id"])
    diff = client.get("/api/v1/runs/compare", params={"a": ids[0], "b": ids[1]}).json()
    assert diff["a"]["run_id"] == ids[0]
    row = next(r for r in diff["records"] if r["country"] == "CAN" and r["metric"] == "welfare_pct")
    assert row["difference"] == pytest.approx(row["b"] - row["a"])
    response = client.get("/api/v1/runs/compare", params={"a": ids[0], "b": "nope"})
    assert response.status_code == 404
    assert response.json()["error"] == "UnknownLabelError"


def test_montecarlo_job_streams_progress_and_has_bands(client: TestClient) -> None:
    body = {"scenario": ANNOUNCED.read_text(), "draws": 12, "seed": 3}
    job = client.post("/api/v1/scenarios/run", json=body).json()
    events = []
    with client.stream("GET", f"/api/v1/jobs/{job['job_id']}/events") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        for line in stream.iter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line[6:]))
    assert events[-1]["state"] == "done"
    assert events[-1]["progress"] == {"done": 12, "total": 12, "unit": "draws"}
    done = [e["progress"]["done"] for e in events]
    assert done == sorted(done)
    result = client.get(f"/api/v1/jobs/{job['job_id']}/result").json()
    assert result["converged"] == 12
    assert result["bands"]
    bands = client.get(
        f"/api/v1/jobs/{job['job_id']}/result", params={"format": "csv", "table": "bands"}
    )
    assert "p05" in bands.text.splitlines()[0]
    stored = client.get(f"/api/v1/runs/{result['run_id']}").json()
    assert stored["kind"] == "montecarlo"
    assert stored["children"] == 12


def test_strategy_optimal_job_matches_the_library(client: TestClient) -> None:
    from tradewinds.policy.optimal import optimal_tariffs
    from tradewinds.scenarios.strategy import tariff_problem

    body = {"scenario": ANNOUNCED.read_text(), "country": ["CAN"], "against": ["USA"]}
    job = client.post("/api/v1/strategy/optimal", json=body).json()
    state = wait(client, job["job_id"])
    assert state["state"] == "done", state
    assert state["progress"]["unit"] == "solves"
    assert state["progress"]["done"] > 0
    result = client.get(f"/api/v1/jobs/{job['job_id']}/result").json()
    problem, _ = tariff_problem(load_scenario(ANNOUNCED))
    direct = optimal_tariffs(problem, [problem.instrument("CAN", ["USA"])]).to_records()
    got = pd.DataFrame(result["records"])
    assert got["value"].tolist() == pytest.approx(direct["value"].tolist(), rel=1e-9)


def test_optimal_curve_job_matches_the_library(client: TestClient) -> None:
    """The strategy page's curve as a job: the optimum and every point as the library gives."""
    import numpy as np

    from tradewinds.policy.optimal import optimal_tariffs
    from tradewinds.scenarios.strategy import tariff_problem

    body = {"scenario": ANNOUNCED.read_text(), "country": "can", "points": 5}
    response = client.post("/api/v1/strategy/optimal-curve", json=body)
    assert response.status_code == 202
    job = response.json()
    with client.stream("GET", job["links"]["events"]) as stream:
        events = [json.loads(line[5:]) for line in stream.iter_lines() if line.startswith("data:")]
    assert events[-1]["state"] == "done", events[-1]
    assert events[-1]["kind"] == "optimal-curve"
    progress = events[-1]["progress"]
    assert progress["unit"] == "solves"
    assert progress["total"] is not None
    assert progress["done"] == progress["total"] > 5
    result = client.get(f"/api/v1/jobs/{job['job_id']}/result").json()
    assert result["run_id"] is None
    got = pd.DataFrame(result["records"])
    problem, _ = tariff_problem(load_scenario(ANNOUNCED))
    inst = problem.instrument("CAN", None)
    best = optimal_tariffs(problem, [inst], bounds=(0.0, 2.0))
    single = got[got["metric"] != "welfare_pct"].set_index("metric")["value"]
    assert single["optimal_tariff"] == pytest.approx(float(best.values[0]), rel=1e-9)
    assert single["optimal_welfare_pct"] == pytest.approx(100 * best.welfare["CAN"], rel=1e-9)
    curve = got[got["metric"] == "welfare_pct"]
    top = max(0.6, 2.2 * float(best.values[0]))
    assert curve["tariff"].tolist() == pytest.approx(np.linspace(0, top, 5).tolist())
    direct = [
        100 * problem.welfare(problem.evaluate(inst.apply(problem.tariff, np.array([t]))))["CAN"]
        for t in curve["tariff"]
    ]
    assert curve["value"].tolist() == pytest.approx(direct, rel=1e-6, abs=1e-9)
    # the optimum is the top of the curve (no grid point does better)
    assert max(direct) <= single["optimal_welfare_pct"] + 1e-9
    bad = client.post("/api/v1/strategy/optimal-curve", json={**body, "points": 500})
    assert bad.status_code == 422
    assert bad.json()["error"] == "RequestValidationError"


def test_job_errors(client: TestClient) -> None:
    missing = client.get("/api/v1/jobs/0123456789abcdef")
    assert missing.status_code == 404
    assert missing.json()["error"] == "UnknownLabelError"
    bad = "title: x\nshocks:\n  tariffs:\n    - {importer: USA, exporter: CAM, rate: 0.25}\n"
    job = client.post("/api/v1/scenarios/run", json={"scenario": bad}).json()
    state = wait(client, job["job_id"])
    assert state["state"] == "failed"
    assert state["error"]["error"] == "UnknownLabelError"
    assert state["error"]["status"] == 404
    not_ready = client.get(f"/api/v1/jobs/{job['job_id']}/result")
    assert not_ready.status_code == 409
    assert set(not_ready.json()) == {
        "error",
        "message",
        "field",
        "status",
    }
    draws = client.post("/api/v1/scenarios/run", json={"scenario": bad, "draws": 0})
    assert draws.status_code == 422
    assert draws.json()["field"] == "draws"
    invalid = client.post(
        "/api/v1/strategy/united-front", json={"scenario": bad, "partners": ["CAN"]}
    )
    assert invalid.status_code == 422
    assert invalid.json()["error"] == "RequestValidationError"


def test_cancel_queue_and_time_limit() -> None:
    limits = Limits(max_queue=1, job_seconds=60)
    client = TestClient(create_app(Settings(limits=limits)))
    long = {"scenario": ANNOUNCED.read_text(), "draws": 3000}
    first = client.post("/api/v1/scenarios/run", json=long).json()
    deadline = time.monotonic() + 60
    while client.get(f"/api/v1/jobs/{first['job_id']}").json()["state"] == "queued":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    second = client.post("/api/v1/scenarios/run", json=long).json()
    full = client.post("/api/v1/scenarios/run", json=long)
    assert full.status_code == 429
    assert full.json()["error"] == "QueueFullError"
    queued = client.delete(f"/api/v1/jobs/{second['job_id']}").json()
    assert queued["state"] == "cancelled"
    start = time.monotonic()
    client.delete(f"/api/v1/jobs/{first['job_id']}")
    state = wait(client, first["job_id"], timeout=30)
    assert state["state"] == "cancelled"
    assert time.monotonic() - start < 10
    assert state["progress"]["done"] < 3000

    quick = TestClient(create_app(Settings(limits=Limits(job_seconds=1.0))))
    job = quick.post("/api/v1/scenarios/run", json=long).json()
    state = wait(quick, job["job_id"], timeout=30)
    assert state["state"] == "failed"
    assert state["error"]["error"] == "JobTimeoutError"


def test_united_front_job_with_a_draw(client: TestClient) -> None:
    from tradewinds.policy.united_front import united_front
    from tradewinds.scenarios.strategy import tariff_problem

    path = ROOT / "scenarios" / "united-front-joint-retaliation.yaml"
    body = {"scenario": path.read_text(), "draws": 1, "seed": 7}
    job = client.post("/api/v1/strategy/united-front", json=body).json()
    state = wait(client, job["job_id"])
    assert state["state"] == "done", state
    assert state["progress"] == {"done": 1, "total": 1, "unit": "draws"}
    result = client.get(f"/api/v1/jobs/{job['job_id']}/result").json()
    problem, threat = tariff_problem(load_scenario(path), status_quo="baseline")
    game = united_front(problem, threat, partners=("CAN", "MEX"))
    assert result["solver"]["equilibria"] == [list(c) for c in game.equilibria]
    got = pd.DataFrame(result["records"])
    direct = game.to_records()
    head = got.iloc[: len(direct)]
    assert head["metric"].tolist() == direct["metric"].tolist()
    assert head["value"].tolist() == pytest.approx(direct["value"].tolist(), rel=1e-9)
    assert "equilibrium_share" in set(got["metric"])
    assert result["solver"]["draws"] == 1


@pytest.mark.slow
def test_montecarlo_job_on_a_dask_scheduler() -> None:
    """With --scheduler the draws run on Dask and give the in-process numbers."""
    from distributed import LocalCluster

    from tradewinds.scenarios.montecarlo import run_montecarlo

    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=":0",
    ) as cluster:
        client = TestClient(create_app(Settings(scheduler=cluster.scheduler_address)))
        body = {"scenario": ANNOUNCED.read_text(), "draws": 4, "seed": 11}
        job = client.post("/api/v1/scenarios/run", json=body).json()
        state = wait(client, job["job_id"])
    assert state["state"] == "done", state
    result = client.get(f"/api/v1/jobs/{job['job_id']}/result").json()
    local = run_montecarlo(load_scenario(ANNOUNCED), draws=4, seed=11).bands
    got = pd.DataFrame(result["bands"])
    assert got["p50"].tolist() == pytest.approx(local["p50"].tolist(), rel=1e-12, nan_ok=True)
