"""``/api/v1`` through FastAPI's TestClient: every endpoint, its numbers and its errors."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from fastapi.testclient import TestClient

from tradewinds.api.security import Settings
from tradewinds.api.v1.answers import DutyAnswer
from tradewinds.measures import calculate
from tradewinds.measures import etr as etr_mod
from tradewinds.server import create_app

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SHAPE = {"error", "message", "field", "status"}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings(scenario_dir=ROOT / "scenarios")))


def error(response: Any, status: int, name: str | None = None) -> dict[str, Any]:
    """Check the one error shape and return its body."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == SHAPE, body
    assert body["status"] == status
    if name is not None:
        assert body["error"] == name
    assert "/work/" not in body["message"]
    assert "/tmp/" not in body["message"]
    return dict(body)


def extra_measure(rate: float = 0.5) -> str:
    record = {
        "id": "test-extra-horses",
        "title": "test duty on live horses",
        "authority": "section_232",
        "programme": "test_extra",
        "legal_basis": "test",
        "imposing": "USA",
        "targets": ["CAN"],
        "scope": {"hts_prefixes": ["0101"]},
        "rate": rate,
        "effective_from": "2025-01-01",
        "sources": [{"key": "TEST"}],
    }
    return yaml.safe_dump({"programme": "test_extra", "measures": [record]})


# -- meta ------------------------------------------------------------------------------------


def test_health_and_unknown_routes(client: TestClient) -> None:
    assert client.get("/api/v1/health").json()["status"] == "ok"
    body = error(client.get("/api/v1/nothing-here"), 404, "NotFound")
    assert body["field"] is None
    error(client.delete("/api/v1/health"), 405, "MethodNotAllowed")


def test_docs_page_is_offline(client: TestClient) -> None:
    import re

    page = client.get("/docs")
    assert page.status_code == 200
    hosts = re.findall(r"(?:src|href)=['\"]?(?:https?:)?//", page.text)
    assert not hosts, hosts
    assert "http://" not in page.text
    assert "https://" not in page.text
    assets = re.findall(r"(?:src|href)=['\"]([^'\"]+)['\"]", page.text)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert client.get("/openapi.json").json()["info"]["title"] == "tradewinds"


# -- measures --------------------------------------------------------------------------------


def test_measures_list_filters_and_show(client: TestClient) -> None:
    body = client.get("/api/v1/measures", params={"as_of": "2025-09-01", "target": "CAN"}).json()
    ids = {m["id"] for m in body["measures"]}
    assert "ieepa-ca-35" in ids
    assert body["count"] == len(body["measures"])
    only = client.get(
        "/api/v1/measures", params={"as_of": "2025-09-01", "target": "CAN", "authority": "ieepa"}
    ).json()["measures"]
    assert only
    assert all(m["authority"] == "ieepa" for m in only)
    assert len(only) < len(ids)
    shown = client.get("/api/v1/measures/ieepa-ca-35").json()
    assert shown["id"] == "ieepa-ca-35"
    assert shown["sources"]
    assert all("url" in s for s in shown["sources"])
    assert error(client.get("/api/v1/measures/ieepa-ca-3"), 404, "UnknownLabelError")["message"]
    bad = error(client.get("/api/v1/measures", params={"as_of": "2025-02-30"}), 422)
    assert bad["field"] == "as_of"


# -- duty ------------------------------------------------------------------------------------

LINE = {
    "hts": "8703.23.0190",
    "origin": "MEX",
    "date": "2025-05-01",
    "value": 30000,
    "usmca": True,
    "us_content": 0.4,
}


def test_duty_get_and_post_match_the_calculator(client: TestClient) -> None:
    direct = calculate("8703.23.0190", "MEX", "2025-05-01", 30000, usmca=True, us_content=0.4)
    got = client.get("/api/v1/duty", params=LINE).json()
    posted = client.post("/api/v1/duty", json=LINE).json()
    assert got["total_duty"] == posted["total_duty"] == pytest.approx(direct.total_duty)
    # the answers are the model the OpenAPI schema names (the routes send encoded bytes)
    assert DutyAnswer.model_validate(got) == DutyAnswer.model_validate(posted)
    assert [x["measure_id"] for x in got["layers"]] == [x.measure_id for x in direct.layers]
    steel = {**LINE, "hts": "7308.90.9590", "origin": "CAN", "usmca": False}
    steel.pop("us_content")
    with_metal = client.post("/api/v1/duty", json={**steel, "metal_content": {"steel": 0.5}})
    direct = calculate("7308.90.9590", "CAN", "2025-05-01", 30000, metal_content={"steel": 0.5})
    assert with_metal.json()["total_duty"] == pytest.approx(direct.total_duty)
    beef = {"hts": "0201.10.1010", "origin": "BRA", "date": "2025-05-01", "value": 30000}
    specific = DutyAnswer.model_validate(client.get("/api/v1/duty", params=beef).json())
    assert "0.044 US$/kg" in [x.rate for x in specific.layers]  # a rate in words


def test_duty_with_a_measure_file_sent_as_content(client: TestClient) -> None:
    line = {"hts": "0101.21.0010", "origin": "CAN", "date": "2025-05-01", "value": 1000}
    plain = client.post("/api/v1/duty", json=line).json()
    more = client.post("/api/v1/duty", json={**line, "measure_files": {"x.yaml": extra_measure()}})
    assert more.status_code == 200, more.text
    assert more.json()["total_duty"] == pytest.approx(plain["total_duty"] + 500)
    broken = client.post("/api/v1/duty", json={**line, "measure_files": {"x.yaml": "a: [1"}})
    assert "x.yaml" in error(broken, broken.status_code)["message"]


def test_duty_errors(client: TestClient) -> None:
    missing = error(client.get("/api/v1/duty", params={"origin": "CAN"}), 422)
    assert missing["error"] == "RequestValidationError"
    assert missing["field"] in {"hts", "date", "value"}
    bad_date = error(client.get("/api/v1/duty", params={**LINE, "date": "2025-02-30"}), 422)
    assert bad_date["field"] == "date"
    metal = client.post("/api/v1/duty", json={**LINE, "metal_content": {"gold": 0.5}})
    assert error(metal, 422)["field"].startswith("metal_content.gold")  # pydantic adds ".[key]"
    error(client.get("/api/v1/duty", params={**LINE, "hts": "9999.99.9999"}), 404)
    negative = error(client.get("/api/v1/duty", params={**LINE, "value": -5}), 422)
    assert negative["field"] == "value"


def test_duty_batch_csv_round_trip(client: TestClient) -> None:
    from tradewinds.measures.batch import calculate_batch

    csv = (
        "hts,origin,date,value,usmca,us_content\n"
        "8703.23.0190,MEX,2025-05-01,30000,true,0.4\n"
        "7308.90.9590,CAN,2025-09-01,1000,false,\n"
    )
    response = client.post("/api/v1/duty/batch", content=csv, headers={"content-type": "text/csv"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    got = pd.read_csv(io.StringIO(response.text))
    lines = pd.read_csv(io.StringIO(csv), dtype=str, keep_default_na=False, na_values=[""])
    expected = calculate_batch(lines)
    assert got["total_duty"].tolist() == pytest.approx(expected["total_duty"].tolist())
    upload = client.post("/api/v1/duty/batch", files={"file": ("b.csv", csv, "text/csv")})
    assert upload.status_code == 200
    assert pd.read_csv(io.StringIO(upload.text))["total_duty"].tolist() == pytest.approx(
        expected["total_duty"].tolist()
    )
    error(client.post("/api/v1/duty/batch", content=b"", headers={"content-type": "text/csv"}), 422)
    binary = client.post("/api/v1/duty/batch", content=b"\xff\xfe\x00bad")
    assert error(binary, 422)["field"] == "body"


def test_batch_line_limit() -> None:
    from tradewinds.api.security import Limits

    small = TestClient(create_app(Settings(limits=Limits(max_batch_lines=2))))
    csv = "hts,origin,date,value\n" + "8703.23.0190,MEX,2025-05-01,100\n" * 3
    response = small.post("/api/v1/duty/batch", content=csv)
    assert "limit" in error(response, 413, "LimitError")["message"]


# -- effective rates -------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["2024", "2025", "2025h2", "none"])
def test_etr_point_in_each_usmca_mode(client: TestClient, mode: str) -> None:
    import datetime as dt

    body = client.get(
        "/api/v1/etr", params={"country": "MEX", "date": "2025-09-01", "usmca_shares": mode}
    ).json()
    direct = etr_mod.point("MEX", dt.date(2025, 9, 1), mode)
    assert body["effective_rate"] == direct["effective_rate"]
    assert body["by_authority"] == direct["by_authority"]


def test_etr_by_sector_and_series(client: TestClient) -> None:
    import datetime as dt

    point = client.get(
        "/api/v1/etr", params={"country": "CAN", "date": "2025-09-01", "by": "wiod"}
    ).json()
    assert point["by"] == "wiod"
    assert len(point["sectors"]) > 5
    frame = etr_mod.series("CAN", dt.date(2025, 9, 1), dt.date(2025, 9, 1), by="wiod")
    one = frame[(frame["sector"] == point["sectors"][0]["sector"])]
    assert point["sectors"][0]["total"] == pytest.approx(
        float(one[one["authority"] == "total"]["rate"].iloc[0])
    )
    params = {"country": "CAN", "start": "2025-03-01", "end": "2025-04-30", "freq": "monthly"}
    series = client.get("/api/v1/etr/series", params=params).json()
    expected = etr_mod.series("CAN", dt.date(2025, 3, 1), dt.date(2025, 4, 30), freq="monthly")
    assert series["count"] == len(expected)
    assert [r["rate"] for r in series["records"]] == pytest.approx(expected["rate"].tolist())
    csv = client.get("/api/v1/etr/series", params={**params, "format": "csv"})
    assert csv.text.startswith("date,country,sector,authority,rate")
    error(client.get("/api/v1/etr", params={"country": "USA", "date": "2025-09-01"}), 404)
    error(
        client.get("/api/v1/etr", params={"country": "CAN", "date": "2025-09-01", "by": "x"}), 422
    )


# -- baselines, scenarios, origin ------------------------------------------------------------


def test_baselines(client: TestClient) -> None:
    listed = client.get("/api/v1/baselines").json()["baselines"]
    assert {"default", "wiod2011"} <= {b["name"] for b in listed}
    info = client.get("/api/v1/baselines/default").json()
    assert "CAN" in info["country_codes"]
    assert info["provenance"]
    error(client.get("/api/v1/baselines/defualt"), 404, "UnknownLabelError")
    error(client.get("/api/v1/baselines/..%2F..%2Fetc%2Fpasswd"), 404)


def test_scenario_library_and_validation(client: TestClient) -> None:
    names = {s["name"] for s in client.get("/api/v1/scenarios").json()["scenarios"]}
    assert "announced-2025-02" in names
    shown = client.get("/api/v1/scenarios/announced-2025-02").json()
    assert shown["yaml"].startswith(("title", "#"))
    assert shown["canonical"]["title"] == shown["title"]
    error(client.get("/api/v1/scenarios/announced-2025-03"), 404)
    ok = client.post("/api/v1/scenarios/validate", json={"scenario": shown["yaml"]}).json()
    assert ok["valid"] is True
    assert len(ok["scenario_hash"]) == 64
    bad = {
        "title": "x",
        "modle": {},
        "shocks": {"tariffs": [{"importer": "USA", "exporter": "CAN", "rate": -1}]},
    }
    result = client.post("/api/v1/scenarios/validate", json={"scenario": bad}).json()
    assert result["valid"] is False
    fields = {e["field"] for e in result["errors"]}
    assert "scenario.modle" in fields
    assert "scenario.shocks.tariffs.0" in fields
    missing = {
        "title": "x",
        "shocks": {"tariffs_as_of": "2025-09-01", "overrides": {"measure_files": ["m.yaml"]}},
    }
    result = client.post("/api/v1/scenarios/validate", json={"scenario": missing}).json()
    assert result["errors"][0]["field"] == "scenario.shocks.overrides.measure_files.0"


def test_origin_check_matches_the_library(client: TestClient) -> None:
    from tradewinds.measures.origin import check_origin
    from tradewinds.measures.origin_schema import load_bom

    path = ROOT / "examples" / "origin" / "auto_part_gearbox.yaml"
    body = client.post("/api/v1/origin/check", json={"bom": path.read_text()}).json()
    assert body == check_origin(load_bom(path)).to_dict()
    error(client.post("/api/v1/origin/check", json={"bom": "good: {hts: 1}"}), 422)


def test_alias_bomb_is_refused_at_once(client: TestClient) -> None:
    import time

    bomb = "title: bomb\ndescription: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"k{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n" for i in range(1, 9)
    )
    start = time.perf_counter()
    body = error(client.post("/api/v1/scenarios/validate", json={"scenario": bomb}), 422)
    assert "aliases" in body["message"]
    assert time.perf_counter() - start < 2


def test_per_request_time_limit() -> None:
    from tradewinds.api.security import Limits

    hurried = TestClient(create_app(Settings(limits=Limits(request_seconds=0.001))))
    params = {"country": "CAN", "start": "2025-01-01", "end": "2025-12-31", "by": "hs2"}
    body = error(hurried.get("/api/v1/etr/series", params=params), 504, "RequestTimeoutError")
    assert "limit" in body["message"]
    assert hurried.get("/api/v1/health").status_code == 200


def test_batch_with_row_level_errors(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """A calculator that reports bad lines row by row: they come back in the CSV, named."""
    import datetime as dt
    from types import SimpleNamespace

    import polars as pl

    from tradewinds.measures import batch

    def duty_batch(lines: Any, *, registry: Any = None, where: str = "") -> Any:
        table = pl.DataFrame(
            {
                "row": [1, 3],
                "hts": ["8703230190", "0101210010"],
                "date": [dt.date(2025, 5, 1), dt.date(2025, 5, 2)],
                "total_duty": [4500.0, 10.0],
            }
        )
        errors = pl.DataFrame(
            {"row": [2], "field": ["us_content"], "value": ["abc"], "error": ["not a share"]}
        )
        return SimpleNamespace(table=table, errors=errors, n_input=3)

    monkeypatch.setattr(batch, "duty_batch", duty_batch, raising=False)
    csv = "hts,origin,date,value\n" + "8703.23.0190,MEX,2025-05-01,100\n" * 3
    response = client.post("/api/v1/duty/batch", content=csv)
    assert response.status_code == 200, response.text
    got = pd.read_csv(io.StringIO(response.text), keep_default_na=False)
    assert got["row"].tolist() == [1, 2, 3]
    assert got["error"].tolist() == ["", "us_content 'abc': not a share", ""]
    assert got["date"].tolist()[0] == "2025-05-01"


def test_warm_duty_lines_on_the_event_loop_answer_as_the_calculator(client: TestClient) -> None:
    """Once the registry is warm, new lines are computed on the event loop: same answers,
    same error shape, and the calculator's warnings still come back as notes."""
    import datetime as dt
    import warnings

    from tradewinds.api.v1 import duty as duty_routes
    from tradewinds.measures.registry import load_registry

    client.get("/api/v1/duty", params={**LINE, "value": 1234.5})  # warms, in a worker thread
    assert duty_routes._WARM.is_set()
    for value in (30001.25, 30002.5):  # new lines: not in the answer cache
        got = client.get("/api/v1/duty", params={**LINE, "value": value}).json()
        direct = calculate("8703.23.0190", "MEX", "2025-05-01", value, usmca=True, us_content=0.4)
        assert got == {**direct.to_dict(), "notes": list(direct.notes)}
    unknown = error(client.get("/api/v1/duty", params={**LINE, "hts": "8703.23.0199"}), 404)
    assert unknown["error"] == "UnknownLabelError"
    assert "8703.23.0190" in unknown["message"]
    late = (load_registry().coverage_date + dt.timedelta(days=400)).isoformat()
    answer = client.get("/api/v1/duty", params={**LINE, "date": late, "value": 777}).json()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        calculate("8703.23.0190", "MEX", late, 777, usmca=True, us_content=0.4)
    assert caught
    assert answer["notes"][-len(caught) :] == [str(w.message) for w in caught]
