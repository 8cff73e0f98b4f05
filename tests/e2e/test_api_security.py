"""No request field reaches a server file; body limits; the bearer token; CORS; configuration."""

from __future__ import annotations

import builtins
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tradewinds.api.security import ConfigurationError, Limits, Settings
from tradewinds.server import create_app

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
MARK = "tw-secret"
PATHS = [f"../{MARK}.yaml", f"/etc/{MARK}", f"~/{MARK}.yaml", f"sub/../../{MARK}.yaml"]
TOKEN = "s3cret-token-0123456789"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings()))


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path containing the marker that the process opens or stats during the test."""
    seen: list[str] = []
    real_open, real_stat, real_os_open = builtins.open, os.stat, os.open

    def spy_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if MARK in str(file):
            seen.append(str(file))
        return real_open(file, *args, **kwargs)

    def spy_stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        if MARK in str(path):
            seen.append(str(path))
        return real_stat(path, *args, **kwargs)

    def spy_os_open(path: Any, *args: Any, **kwargs: Any) -> Any:
        if MARK in str(path):
            seen.append(str(path))
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(os, "stat", spy_stat)
    monkeypatch.setattr(os, "open", spy_os_open)
    return seen


def refused(response: Any, field_prefix: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "ForbiddenPathError"
    assert body["field"].startswith(field_prefix)
    assert "server files" in body["message"]


@pytest.mark.parametrize("path", PATHS)
def test_path_fields_are_refused_and_never_opened(
    client: TestClient, opened: list[str], path: str
) -> None:
    base = {"title": "t"}
    registry = {"tariffs_as_of": "2025-09-01"}
    cases = [
        ("/api/v1/scenarios/run", {"scenario": base, "baseline": path}, "baseline"),
        ("/api/v1/scenarios/run", {"scenario": {**base, "baseline": path}}, "scenario.baseline"),
        (
            "/api/v1/scenarios/run",
            {"scenario": {**base, "shocks": {**registry, "overrides": {"measure_files": [path]}}}},
            "scenario.shocks.overrides.measure_files.0",
        ),
        (
            "/api/v1/scenarios/run",
            {"scenario": {**base, "compare_against": path}},
            "scenario.compare_against",
        ),
        ("/api/v1/scenarios/run", {"scenario": base, "files": {path: "title: x"}}, "files."),
        ("/api/v1/strategy/nash", {"scenario": base, "baseline": path}, "baseline"),
        (
            "/api/v1/duty",
            {
                "hts": "0101.21.0010",
                "origin": "CAN",
                "date": "2025-05-01",
                "value": 1,
                "measure_files": {path: "a: 1"},
            },
            "measure_files.",
        ),
        (
            "/api/v1/scenarios/validate",
            {"scenario": {**base, "compare_against": path}},
            None,
        ),
    ]
    for url, body, field in cases:
        response = client.post(url, json=body)
        if field is None:  # validation reports the refusal as a field error
            result = response.json()
            assert result["valid"] is False
            assert result["errors"][0]["type"] == "ForbiddenPathError"
        else:
            refused(response, field)
    # a comparison scenario sent as content may not name server files either
    other = f"title: other\nbaseline: {path!r}\n"
    response = client.post(
        "/api/v1/scenarios/run",
        json={"scenario": {**base, "compare_against": "b.yaml"}, "files": {"b.yaml": other}},
    )
    refused(response, "files.b.yaml.baseline")
    assert opened == []


def test_a_measure_file_sent_as_content_runs(client: TestClient) -> None:
    import time

    from tests.e2e.test_api_v1 import extra_measure

    scenario = {
        "title": "extra horses",
        "shocks": {"tariffs_as_of": "2025-09-01", "overrides": {"measure_files": ["x.yaml"]}},
    }
    job = client.post(
        "/api/v1/scenarios/run", json={"scenario": scenario, "files": {"x.yaml": extra_measure()}}
    ).json()
    deadline = time.monotonic() + 120
    while (state := client.get(f"/api/v1/jobs/{job['job_id']}").json())["state"] in {
        "queued",
        "running",
    }:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert state["state"] == "done", state


def test_body_size_limit() -> None:
    small = TestClient(create_app(Settings(limits=Limits(max_body=1000))))
    response = small.post("/api/v1/scenarios/validate", json={"scenario": "x" * 2000})
    assert response.status_code == 413
    assert response.json() == {
        "error": "LimitError",
        "message": "The request body is larger than the server's limit of 1,000 bytes.",
        "field": None,
        "status": 413,
    }
    assert (
        small.post("/api/v1/scenarios/validate", json={"scenario": "title: x"}).status_code == 200
    )


def test_shock_entry_limit(client: TestClient) -> None:
    tariffs = [{"importer": "USA", "exporter": "CAN", "rate": 0.1}] * 2001
    response = client.post(
        "/api/v1/scenarios/run", json={"scenario": {"title": "t", "shocks": {"tariffs": tariffs}}}
    )
    assert response.status_code == 413
    assert response.json()["field"] == "scenario.shocks"


def test_token_for_writes_and_private_reads(tmp_path: Path) -> None:
    app = TestClient(create_app(Settings(token=TOKEN)))
    body = {"scenario": {"title": "t"}}
    denied = app.post("/api/v1/scenarios/run", json=body)
    assert denied.status_code == 401
    assert denied.json()["error"] == "AuthError"
    wrong = app.post("/api/v1/scenarios/run", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    ok = app.post("/api/v1/scenarios/run", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 202
    assert app.delete(f"/api/v1/jobs/{ok.json()['job_id']}").status_code == 401
    assert app.get("/api/v1/measures/ieepa-ca-35").status_code == 200  # reads stay open
    private = TestClient(create_app(Settings(token=TOKEN, private=True)))
    assert private.get("/api/v1/measures/ieepa-ca-35").status_code == 401
    assert private.get("/api/v1/health").status_code == 200
    authorised = {"Authorization": f"Bearer {TOKEN}"}
    assert private.get("/api/v1/measures/ieepa-ca-35", headers=authorised).status_code == 200


def test_public_host_needs_a_token(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="token-file"):
        create_app(Settings(host="0.0.0.0"))
    app = TestClient(create_app(Settings(host="0.0.0.0", token=TOKEN)))
    assert app.post("/api/v1/scenarios/run", json={"scenario": {"title": "t"}}).status_code == 401
    # on a public host every endpoint but /api/v1/health needs the token (issue 14) ...
    assert app.get("/api/v1/measures/ieepa-ca-35").status_code == 401
    assert app.get("/api/v1/health").status_code == 200
    authorised = {"Authorization": f"Bearer {TOKEN}"}
    assert app.get("/api/v1/measures/ieepa-ca-35", headers=authorised).status_code == 200
    # ... unless the operator opens the read-only endpoints
    open_reads = TestClient(create_app(Settings(host="0.0.0.0", token=TOKEN, public_reads=True)))
    assert open_reads.get("/api/v1/measures/ieepa-ca-35").status_code == 200
    assert (
        open_reads.post("/api/v1/scenarios/run", json={"scenario": {"title": "t"}}).status_code
        == 401
    )
    from tradewinds.api.security import read_token

    short = tmp_path / "short"
    short.write_text("abc\n")
    with pytest.raises(ConfigurationError, match="at least 16"):
        read_token(short)
    good = tmp_path / "token"
    good.write_text(TOKEN + "\n")
    assert read_token(good) == TOKEN


def test_cors_is_off_unless_asked(client: TestClient) -> None:
    origin = {"Origin": "http://example.org"}
    assert "access-control-allow-origin" not in client.get("/api/v1/health", headers=origin).headers
    allowed = TestClient(create_app(Settings(cors=("http://example.org",))))
    got = allowed.get("/api/v1/health", headers=origin)
    assert got.headers["access-control-allow-origin"] == "http://example.org"


def test_serve_refuses_a_public_host_without_token(capsys: pytest.CaptureFixture[str]) -> None:
    from tradewinds.cli.main import main

    code = main(["serve", "--host", "0.0.0.0", "--port", "1"])
    assert code == 2
    assert "token-file" in capsys.readouterr().err


def test_streamed_body_over_the_limit() -> None:
    small = TestClient(create_app(Settings(limits=Limits(max_body=1000))))

    def chunks() -> Iterator[bytes]:
        yield b'{"scenario": "'
        for _ in range(20):
            yield b"x" * 100
        yield b'"}'

    response = small.post(
        "/api/v1/scenarios/validate", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"] == "LimitError"


def test_gravity_routes_follow_the_token_rules() -> None:
    public = TestClient(create_app(Settings(host="0.0.0.0", token=TOKEN)))
    query = {"country": "CAN", "partner": "MEX"}
    assert public.get("/api/v1/gravity/potential", params=query).status_code == 401
    assert public.get("/api/v1/replicate/yotov2016", params={"table": 1}).status_code == 401
    # estimating records a gravity run: a write, so the token is needed wherever one is set
    local = TestClient(create_app(Settings(token=TOKEN)))
    body = {"spec": {"outcome": "trade"}, "data": "yotov2016"}
    assert local.post("/api/v1/gravity/estimate", json=body).status_code == 401
