"""One set of inputs through the Python API, the CLI and the HTTP API: the same numbers.

Each case computes its answer three ways and compares them exactly (the HTTP answers are
JSON-serialised floats, which round-trip Python floats exactly; scenario runs are compared at
1e-12 relative, the solver's tolerance being far looser than any difference serialisation
could introduce).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from tradewinds.api.security import Settings
from tradewinds.cli.main import main
from tradewinds.server import create_app

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings()))


def cli_json(capsys: pytest.CaptureFixture[str], args: list[str]) -> Any:
    assert main(args) == 0
    return json.loads(capsys.readouterr().out)


DUTY_CASES = [
    {
        "hts": "8703.23.0190",
        "origin": "MEX",
        "date": "2025-05-01",
        "value": 30000.0,
        "usmca": True,
        "us_content": 0.4,
    },
    {"hts": "7308.90.9590", "origin": "CAN", "date": "2025-09-01", "value": 1000.0, "steel": 0.6},
    {"hts": "0101.21.0010", "origin": "CHN", "date": "2026-03-01", "value": 2500.0},
]


@pytest.mark.parametrize("case", DUTY_CASES, ids=lambda c: c["hts"])
def test_duty(client: TestClient, capsys: pytest.CaptureFixture[str], case: dict[str, Any]) -> None:
    from tradewinds.measures import calculate

    metals = {"steel": case["steel"]} if "steel" in case else {}
    python = calculate(
        case["hts"],
        case["origin"],
        case["date"],
        case["value"],
        usmca=case.get("usmca", False),
        us_content=case.get("us_content"),
        metal_content=metals,
    ).to_dict()
    args = [
        "duty",
        "--hts",
        case["hts"],
        "--origin",
        case["origin"],
        "--date",
        case["date"],
        "--value",
        str(case["value"]),
        "--format",
        "json",
    ]
    if case.get("usmca"):
        args.append("--usmca")
    if "us_content" in case:
        args += ["--us-content", str(case["us_content"])]
    if metals:
        args += ["--metal-content", f"steel={case['steel']}"]
    cli = cli_json(capsys, args)
    api = client.get("/api/v1/duty", params=case).json()
    for key in ("total_duty", "mfn_duty", "additional_duty"):
        assert python[key] == cli[key] == api[key], key
    assert python["layers"] == cli["layers"] == api["layers"]


@pytest.mark.parametrize(
    ("country", "date", "mode"), [("CAN", "2025-09-01", "2025h2"), ("MEX", "2025-04-10", "2024")]
)
def test_effective_rate(
    client: TestClient, capsys: pytest.CaptureFixture[str], country: str, date: str, mode: str
) -> None:
    from tradewinds.measures.etr import point

    python = point(country, dt.date.fromisoformat(date), mode)
    cli = cli_json(
        capsys,
        ["etr", "--country", country, "--date", date, "--usmca-shares", mode, "--format", "json"],
    )
    api = client.get(
        "/api/v1/etr", params={"country": country, "date": date, "usmca_shares": mode}
    ).json()
    assert python["effective_rate"] == cli["effective_rate"] == api["effective_rate"]
    assert python["by_authority"] == cli["by_authority"] == api["by_authority"]


def test_origin(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    from tradewinds.measures.origin import check_origin
    from tradewinds.measures.origin_schema import load_bom

    path = ROOT / "examples" / "origin" / "passenger_vehicle.yaml"
    python = json.loads(json.dumps(check_origin(load_bom(path)).to_dict()))
    cli = cli_json(capsys, ["origin", "check", str(path), "--format", "json"])
    api = client.post("/api/v1/origin/check", json={"bom": path.read_text()}).json()
    assert python == cli == api


@pytest.mark.slow
@pytest.mark.parametrize("name", ["announced-2025-02", "measures-2025-09-01"])
def test_scenario_run(
    client: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    from tradewinds.scenarios import load_scenario
    from tradewinds.scenarios.execute import execute

    path = ROOT / "scenarios" / f"{name}.yaml"
    python = execute(load_scenario(path)).records
    out = tmp_path / "cli.csv"
    assert main(["run", str(path), "--no-store", "--output", str(out)]) == 0
    capsys.readouterr()
    cli = pd.read_csv(out, keep_default_na=False, na_values=[""])
    job = client.post("/api/v1/scenarios/run", json={"scenario": path.read_text()}).json()
    deadline = time.monotonic() + 120
    while client.get(f"/api/v1/jobs/{job['job_id']}").json()["state"] not in {"done", "failed"}:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    api = pd.DataFrame(client.get(f"/api/v1/jobs/{job['job_id']}/result").json()["records"])
    assert len(python) == len(cli) == len(api)
    keys = ["country", "partner", "sector", "metric"]
    for other in (cli, api):
        other = other.fillna({"partner": "", "sector": ""})
        merged = python.merge(other, on=keys, suffixes=("", "_other"), validate="one_to_one")
        assert len(merged) == len(python)
        assert merged["value_other"].tolist() == pytest.approx(merged["value"].tolist(), rel=1e-12)
