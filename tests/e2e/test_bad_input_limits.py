# ruff: noqa: E501  (one case per line keeps the tables readable)
"""Unbounded work refused or stopped: ranges, counts, file inputs, time (issue 22).

Every route and command that takes a date range, a count or a file is bounded; each case here
once took gigabytes, minutes, waited forever or ended in a traceback. CLI cases run in-process
through ``tradewinds.cli.main.main`` and assert the exit code, a message naming the option and
that nothing was recorded; API cases use FastAPI's TestClient. See ``docs/input-limits.md``.
"""

from __future__ import annotations

import io
import os
import threading
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tradewinds.api.security import Limits, Settings
from tradewinds.cli.main import main
from tradewinds.server import create_app

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = "title: t\nshocks:\n  tariffs:\n    - {importer: USA, exporter: CAN, rate: 0.25}\n"


def _cli(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    text = out.getvalue() + err.getvalue()
    assert "Traceback" not in text, text
    return code, text


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings(scenario_dir=ROOT / "scenarios")))


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "store"
    monkeypatch.setenv("TRADEWINDS_STORE", str(folder))
    return folder


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


# -- date ranges: one rule (coverage date + 366 days) for every range ------------------------

RANGES = [
    ("/rates.csv", {"country": "CAN", "to": "9999-12-31"}, "to 9999-12-31"),
    (
        "/rates.csv",
        {"country": "MEX", "from": "2025-01-01", "to": "2031-01-01", "by": "hs2"},
        "to 2031-01-01",
    ),
    ("/api/v1/etr/series", {"country": "CAN", "end": "9999-12-31"}, "end 9999-12-31"),
    (
        "/api/v1/etr/series",
        {
            "country": "MEX",
            "start": "2025-02-01",
            "end": "2100-01-01",
            "by": "hs2",
            "freq": "monthly",
        },
        "end 2100-01-01",
    ),
]


@pytest.mark.parametrize(("path", "params", "named"), RANGES)
def test_range_past_coverage_refused_by_api(
    client: TestClient, path: str, params: dict[str, str], named: str
) -> None:
    start = time.perf_counter()
    response = client.get(path, params=params)
    assert response.status_code == 422, response.text
    message = response.json()["message"]
    assert named in message
    assert "coverage date" in message
    assert "on or before" in message
    assert time.perf_counter() - start < 5


def test_range_past_coverage_refused_by_cli(store: Path) -> None:
    code, text = _cli(["etr", "--country", "CAN", "--to", "9999-12-31"])
    assert code == 2
    assert "--to 9999-12-31" in text
    assert "coverage date" in text


def test_range_within_a_year_of_coverage_still_answers(client: TestClient) -> None:
    import datetime as dt

    from tradewinds.measures.fields import MAX_DAYS_PAST_COVERAGE
    from tradewinds.measures.registry import load_registry

    last = load_registry().coverage_date + dt.timedelta(days=MAX_DAYS_PAST_COVERAGE)
    response = client.get(
        "/api/v1/etr/series",
        params={
            "country": "CAN",
            "start": "2026-06-01",
            "end": last.isoformat(),
            "freq": "monthly",
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["records"][-1]["date"] == last.replace(day=1).isoformat()
    assert any("past the registry coverage date" in n for n in response.json()["notes"])
    over = client.get(
        "/api/v1/etr/series",
        params={"country": "CAN", "end": (last + dt.timedelta(days=1)).isoformat()},
    )
    assert over.status_code == 422


# -- the time limit stops the work of every route ---------------------------------------------


def test_sync_dashboard_route_is_cut_and_its_work_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    """``/rates.csv`` (a plain ``def`` route) past the limit: 504, and the thread stops."""
    import tradewinds.measures.etr as etr

    state: dict[str, Any] = {"stopped": threading.Event(), "loops": 0}

    def endless(*args: Any, **kwargs: Any) -> Any:
        try:
            while True:
                state["loops"] += 1
                sum(range(1000))
        except BaseException:
            state["stopped"].set()
            raise

    monkeypatch.setattr(etr, "series", endless)
    hurried = TestClient(create_app(Settings(limits=Limits(request_seconds=0.5))))
    start = time.perf_counter()
    response = hurried.get("/rates.csv", params={"country": "CAN"})
    assert response.status_code == 504, response.text
    assert response.json()["error"] == "RequestTimeoutError"
    assert time.perf_counter() - start < 5
    assert state["stopped"].wait(5), "the route's thread kept computing after the 504"
    loops = state["loops"]
    time.sleep(0.3)
    assert state["loops"] == loops
    assert hurried.get("/api/v1/health").status_code == 200


def test_bounded_api_work_is_stopped_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """``/api/v1/etr/series`` (run through ``bounded``): 504 and the worker thread ends."""
    import tradewinds.measures.etr as etr

    stopped = threading.Event()

    def endless(*args: Any, **kwargs: Any) -> Any:
        try:
            while True:
                sum(range(1000))
        except BaseException:
            stopped.set()
            raise

    monkeypatch.setattr(etr, "series", endless)
    hurried = TestClient(create_app(Settings(limits=Limits(request_seconds=0.3))))
    response = hurried.get("/api/v1/etr/series", params={"country": "CAN"})
    assert response.status_code == 504
    assert stopped.wait(5)


# -- jobs keep a summary in memory, results in a budgeted stash -----------------------------


def test_job_results_leave_memory_and_keep_a_byte_budget() -> None:
    from tradewinds.api.jobs import Job, JobResultGoneError, ResultStash
    from tradewinds.api.worker import JobSpec

    stash = ResultStash(budget=60_000)
    try:
        rng = __import__("random").Random(0)
        jobs = []
        for k in range(5):
            records = [{"country": f"C{i}", "value": rng.random()} for i in range(2_000)]
            job = Job(
                job_id=f"j{k}", kind="run", spec=JobSpec(kind="run", scenario=None), state="done"
            )  # type: ignore[arg-type]
            job.result_bytes = stash.put(job.job_id, {"records": records})
            job.stash = stash
            jobs.append(job)
        assert stash.total <= 60_000
        assert jobs[-1].result is not None
        assert len(jobs[-1].result["records"]) == 2_000
        assert "records" not in vars(jobs[-1])  # nothing but the size is held in memory
        with pytest.raises(JobResultGoneError, match="dropped"):
            _ = jobs[0].result
    finally:
        stash.close()


# -- counts: draws, grid points, workers, chunk sizes, materials ------------------------------

COUNTS = [
    (["montecarlo", "{s}", "--draws", "1000000000"], "--draws 1,000,000,000"),
    (["montecarlo", "{s}", "--draws", "0"], "--draws 0"),
    (
        ["montecarlo", "{s}", "--draws", "5", "--chunk-size", "-3", "--workers", "0"],
        "--chunk-size -3",
    ),
    (["montecarlo", "{s}", "--draws", "5", "--workers", "64"], "--workers 64"),
    (
        [
            "sweep",
            "{s}",
            "--set",
            "model.eps=" + ",".join(str(2 + k / 100) for k in range(100)),
            "--set",
            "shocks.tariffs.0.rate=" + ",".join(str(k / 100) for k in range(100)),
            "--set",
            "model.closure=fixed,balanced," + ",".join(["fixed"] * 98),
        ],
        "100 x 100 x 100",
    ),
    (["sweep", "{s}", "--set", "model.eps=2,3", "--chunk-size", "0"], "--chunk-size 0"),
    (["sweep", "{s}", "--set", "model.eps=2,3", "--workers", "500"], "--workers 500"),
]


@pytest.mark.parametrize(("argv", "named"), COUNTS, ids=[c[1] for c in COUNTS])
def test_cli_counts_bounded(argv: list[str], named: str, scenario: Path, store: Path) -> None:
    start = time.perf_counter()
    code, text = _cli([a.format(s=scenario) for a in argv])
    assert code == 2, text
    assert named in text, text
    assert time.perf_counter() - start < 20
    assert not (store / "results.duckdb").exists(), "a refused run was recorded"


def test_limit_override_by_environment(
    scenario: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEWINDS_MAX_DRAWS", "3")
    code, text = _cli(["montecarlo", str(scenario), "--draws", "4", "--workers", "0"])
    assert code == 2
    assert "limit of 3" in text
    monkeypatch.setenv("TRADEWINDS_MAX_DRAWS", "lots")
    code, text = _cli(["montecarlo", str(scenario), "--draws", "4", "--workers", "0"])
    assert code == 2
    assert "TRADEWINDS_MAX_DRAWS" in text


def _bom(n: int, duplicate: bool = False) -> str:
    lines = [
        'good: {hts: "8708.40.11", description: gearbox, category: auto_part, auto_part_table: core}',
        "claim_date: 2024-03-01",
        f"transaction_value: {200 * n}",
        f"net_cost: {150 * n}",
        "materials:",
    ]
    lines += [
        f'  - {{name: p{k}, hts: "8483.40", value: 100, originating: {str(k % 2 == 0).lower()}}}'
        for k in range(n)
    ]
    if duplicate:
        lines.append('  - {name: p0, hts: "8483.40", value: 100, originating: true}')
    return "\n".join(lines) + "\n"


def test_bom_duplicate_check_is_linear(tmp_path: Path) -> None:
    """15,000 materials with one duplicate name: refused in well under the old 16 s check."""
    import yaml

    from tradewinds.core.errors import DataError
    from tradewinds.measures.origin_schema import BillOfMaterials, check_accounts

    bom = BillOfMaterials.model_validate(yaml.safe_load(_bom(15_000, duplicate=True)))
    start = time.perf_counter()
    with pytest.raises(DataError, match="duplicate name"):
        check_accounts(bom)
    assert time.perf_counter() - start < 1.0


def test_bom_size_bounded_in_the_api(client: TestClient) -> None:
    body = {
        "bom": {
            "good": {
                "hts": "8708.40.11",
                "description": "x",
                "category": "auto_part",
                "auto_part_table": "core",
            },
            "claim_date": "2024-03-01",
            "transaction_value": 1e9,
            "materials": [
                {"name": f"p{k}", "hts": "8483.40", "value": 1, "originating": True}
                for k in range(5_001)
            ],
        }
    }
    response = client.post("/api/v1/origin/check", json=body)
    assert response.status_code == 413, response.text
    assert response.json()["field"] == "bom.materials"


# -- files: one check before any file is opened -------------------------------------------------

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


@needs_fifo
@pytest.mark.parametrize(
    "argv",
    [
        ["run", "{scenario}", "--baseline", "{fifo}.nc"],
        ["duty", "--batch", "{fifo}.csv", "--output", "{tmp}/out.csv"],
        ["gravity", "estimate", "--spec", "{spec}", "--data", "{fifo}.csv", "--runs", "{tmp}/g"],
        ["measures", "diff", "{fifo}.csv", "{fifo}.csv"],
        ["origin", "check", "{fifo}.yaml"],
        [
            "diversify",
            "products",
            "--country",
            "CAN",
            "--date",
            "2025-09-01",
            "--baci",
            "{fifo}.csv",
        ],
    ],
    ids=["baseline", "duty-batch", "gravity-data", "ch99-diff", "bom", "baci"],
)
def test_fifo_inputs_refused_not_waited_on(
    argv: list[str], tmp_path: Path, scenario: Path, store: Path
) -> None:
    fifo = tmp_path / "pipe"
    for suffix in (".nc", ".csv", ".yaml"):
        os.mkfifo(str(fifo) + suffix)
    spec = tmp_path / "spec.yaml"
    spec.write_text("name: t\nregressors: [rta]\nfixed_effects: [exporter_year, importer_year]\n")
    args = [a.format(scenario=scenario, fifo=fifo, tmp=tmp_path, spec=spec) for a in argv]
    result: dict[str, Any] = {}
    worker = threading.Thread(target=lambda: result.update(out=_cli(args)), daemon=True)
    worker.start()
    worker.join(60)
    if worker.is_alive():  # unblock the reader so the test process can end
        for suffix in (".nc", ".csv", ".yaml"):
            with open(str(fifo) + suffix, "wb", buffering=0):
                pass
        pytest.fail(f"{argv[0]} waited on a FIFO")
    code, text = result["out"]
    assert code != 0, text
    assert "FIFO" in text, text


def test_gravity_sample_too_small_is_refused_before_pyfixest(tmp_path: Path) -> None:
    data = tmp_path / "g.csv"
    data.write_text(
        "exporter,importer,year,trade,rta\nCAN,USA,2000,10,1\nUSA,CAN,2000,12,1\nMEX,USA,2000,5,0\n"
    )
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "name: t\noutcome: trade\nregressors: [rta]\nfixed_effects: [exporter_year, importer_year]\n"
    )
    code, text = _cli(
        [
            "gravity",
            "estimate",
            "--spec",
            str(spec),
            "--data",
            str(data),
            "--runs",
            str(tmp_path / "g"),
        ]
    )
    assert code == 3
    assert "3 observation(s)" in text


# -- environment and store lock -----------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "-1", "nan", "inf"])
def test_lock_timeout_environment_checked(
    value: str, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEWINDS_STORE_LOCK_TIMEOUT", value)
    code, text = _cli(["results", "list"])
    assert code == 2
    assert "TRADEWINDS_STORE_LOCK_TIMEOUT" in text
    assert repr(value) in text


def test_lock_that_is_a_folder(scenario: Path, store: Path) -> None:
    code, _ = _cli(["run", str(scenario)])
    assert code == 0
    (store / "results.lock").unlink(missing_ok=True)
    (store / "results.lock").mkdir()
    code, text = _cli(["results", "list"])
    assert code != 0
    assert "results.lock" in text
    assert "folder" in text


def test_scheduler_address_malformed(scenario: Path, store: Path) -> None:
    code, text = _cli(["montecarlo", str(scenario), "--draws", "2", "--scheduler", "http://[::1"])
    assert code == 2
    assert "http://[::1" in text


def test_integrate_target_of_zero_money(store: Path) -> None:
    code, text = _cli(["integrate", "--pair", "CAN,MEX", "--target", "US$0"])
    assert code == 2
    assert "US$0" in text
    assert "positive" in text


def test_integrate_target_of_zero_money_api(client: TestClient) -> None:
    response = client.post("/api/v1/integrate", json={"pairs": ["CAN,MEX"], "target": "US$0"})
    assert response.status_code in (400, 422), response.text
    assert "US$0" in response.json()["message"]


@needs_fifo
def test_token_file_fifo_refused(tmp_path: Path) -> None:
    from tradewinds.api.security import ConfigurationError, read_token

    fifo = tmp_path / "token"
    os.mkfifo(fifo)
    start = time.perf_counter()
    with pytest.raises(ConfigurationError, match="token"):
        read_token(fifo)
    assert time.perf_counter() - start < 2
