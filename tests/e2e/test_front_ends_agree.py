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


#: Shipments (fields of the one Shipment record) covering every option of ``tradewinds duty``.
DUTY_CASES = [
    {
        "hts": "8703.23.0190",
        "origin": "MEX",
        "date": "2025-05-01",
        "value": 30000.0,
        "usmca": True,
        "us_content": 0.4,
    },
    {
        "hts": "7308.90.9590",
        "origin": "CAN",
        "date": "2025-09-01",
        "value": 1000.0,
        "metal_content": {"steel": 0.6},
    },
    {"hts": "0101.21.0010", "origin": "CHN", "date": "2026-03-01", "value": 2500.0},
    {
        "hts": "8431.49.9095",
        "origin": "DEU",
        "date": "2026-05-01",
        "value": 1000.0,
        "us_metal": True,
    },
    {
        "hts": "8542.31.0030",
        "origin": "KOR",
        "date": "2026-03-01",
        "value": 5000.0,
        "semiconductor": True,
    },
    {
        "hts": "8802.40.0140",
        "origin": "FRA",
        "date": "2026-03-01",
        "value": 90000.0,
        "civil_aircraft": True,
    },
    {
        "hts": "0201.30.0200",
        "origin": "BRA",
        "date": "2026-03-01",
        "value": 800.0,
        "named_article": True,
    },
    {
        "hts": "7208.10.1500",
        "origin": "MEX",
        "date": "2025-09-01",
        "value": 700.0,
        "transshipped": True,
    },
    {
        "hts": "8703.23.0190",
        "origin": "USA",
        "date": "2025-06-01",
        "value": 30000.0,
        "importer": "CAN",
    },
    {
        "hts": "0201.30.0200",
        "origin": "AUS",
        "date": "2025-06-01",
        "value": 800.0,
        "quantity": 100.0,
        "unit": "kg",
    },
]


def _cli_args(case: dict[str, Any]) -> list[str]:
    args = ["duty", "--format", "json"]
    for key, value in case.items():
        option = "--" + key.replace("_", "-")
        if key == "metal_content":
            args += [a for m, v in value.items() for a in ("--metal-content", f"{m}={v}")]
        elif value is True:
            args.append(option)
        else:
            args += [option, str(value)]
    return args


def _form(case: dict[str, Any]) -> dict[str, Any]:
    form = {k: ("true" if v is True else v) for k, v in case.items() if k != "metal_content"}
    return {**form, **case.get("metal_content", {})}


@pytest.mark.parametrize("case", DUTY_CASES, ids=lambda c: f"{c['hts']}-{c['origin']}")
def test_duty(client: TestClient, capsys: pytest.CaptureFixture[str], case: dict[str, Any]) -> None:
    """Python, the CLI, the API (GET and POST) and the web form build the same Shipment."""
    import re

    from tradewinds.measures import calculate

    python = calculate(**case).to_dict()
    cli = cli_json(capsys, _cli_args(case))
    posted = client.post("/api/v1/duty", json=case)
    assert posted.status_code == 200, posted.text
    get = client.get("/api/v1/duty", params=_form(case)).json()
    for key in ("total_duty", "mfn_duty", "additional_duty"):
        assert python[key] == cli[key] == posted.json()[key] == get[key], key
    assert python["layers"] == cli["layers"] == posted.json()["layers"] == get["layers"]
    page = client.get("/calculator", params=_form(case))
    assert page.status_code == 200, page.text
    shown = re.search(r'id="total-duty" data-value="([^"]+)"', page.text)
    assert shown is not None
    assert float(shown.group(1)) == python["total_duty"]


def test_declarations_change_the_answer_everywhere(client: TestClient) -> None:
    """``{"us_metal": true}`` is not ignored: the API answers as ``duty --us-metal`` (issue 21)."""
    case = {"hts": "8431.49.9095", "origin": "DEU", "date": "2026-05-01", "value": 1000.0}
    plain = client.post("/api/v1/duty", json=case).json()["total_duty"]
    declared = client.post("/api/v1/duty", json={**case, "us_metal": True}).json()["total_duty"]
    assert declared < plain
    typo = client.post("/api/v1/duty", json={**case, "us_metall": True})
    assert typo.status_code == 422
    assert "us_metall" in typo.text
    query = client.get("/api/v1/duty", params={**case, "us_metall": "true"})
    assert query.status_code == 422
    assert "us_metall" in query.text


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
