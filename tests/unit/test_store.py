"""The DuckDB results store: round trips, ids, atomic writes and store location."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tradewinds.core.errors import ScenarioError, UnknownLabelError
from tradewinds.scenarios.recording import RunRecord, child_id, new_run_id
from tradewinds.store import ResultsStore, resolve_store_dir
from tradewinds.store.location import DB_NAME


def _record(run_id: str, **kw: object) -> RunRecord:
    base: dict[str, object] = {
        "run_id": run_id,
        "kind": "run",
        "title": "test",
        "scenario_hash": "abc",
        "scenario_yaml": "title: test\n",
        "scenario_json": '{"title":"test"}',
        "baseline": "default",
        "baseline_hash": "def",
        "model": "one-sector",
        "baseline_attrs": {"units": "US$ m", "provenance": {"files": {"a.csv": "123"}}},
        "params": {"eps": 4.0},
        "solver": {"converged": True, "iterations": 3},
        "timings": {"solve": 0.1},
        "cache_key": "key-1",
    }
    base.update(kw)
    return RunRecord(**base)  # type: ignore[arg-type]


def _results(n: int = 5) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": [f"C{k}" for k in range(n)][::-1],
            "partner": "",
            "sector": "TOTAL",
            "metric": "welfare_pct",
            "value": [float(k) for k in range(n)],
            "unit": "percent",
        }
    )


def test_round_trip_keeps_record_and_row_order(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    rec = _record(new_run_id())
    store.record(rec, _results())
    back = store.get_run(rec.run_id)
    assert back == rec
    got = store.results(rec.run_id)
    pd.testing.assert_frame_equal(got, _results(), check_dtype=False)
    assert store.find_cached("key-1") == rec.run_id
    assert store.find_cached("other") is None


def test_failed_runs_are_not_served_from_cache(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    store.record(_record("r1", status="failed", error="no convergence"))
    assert store.find_cached("key-1") is None
    assert store.get_run("r1").error == "no convergence"


def test_children_and_bands(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    parent = _record("p1", kind="montecarlo")
    kids = [
        _record(child_id("p1", "d", k), kind="draw", parent_id="p1", settings={"model.eps": k})
        for k in range(3)
    ]
    child_results = pd.concat(
        [_results(2).assign(run_id=c.run_id) for c in kids], ignore_index=True
    )
    bands = _results(2).drop(columns="value").assign(p05=0.0, p50=1.0, p95=2.0, mean=1, sd=1, n=3)
    store.record(parent, _results(), children=kids, child_results=child_results, bands=bands)
    assert [c.run_id for c in store.children("p1")] == [c.run_id for c in kids]
    assert store.children("p1")[2].settings == {"model.eps": 2}
    assert len(store.child_results("p1")) == 6
    assert store.bands("p1")["p95"].tolist() == [2.0, 2.0]
    listed = store.list_runs()
    assert listed["run_id"].tolist() == ["p1"]
    assert int(listed["children"].iloc[0]) == 3
    assert len(store.list_runs(children=True)) == 4


def test_prefixes_resolve_and_unknown_ids_suggest(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    store.record(_record("20260101-000000-aaaa0001"), _results())
    store.record(_record("20260101-000000-aaaa0002", cache_key="k2"), _results())
    store.record(_record("20260101-000000-bbbb0001.d0000", parent_id=None), None)
    assert store.get_run("20260101-000000-aaaa0001").run_id == "20260101-000000-aaaa0001"
    with pytest.raises(ScenarioError, match="matches 2 runs"):
        store.get_run("20260101-000000-aaaa")
    with pytest.raises(UnknownLabelError, match="Unknown run id"):
        store.get_run("nope")


def test_a_parent_prefix_names_the_parent_not_its_draws(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    kids = [_record(child_id("r-1", "d", k), parent_id="r-1", kind="draw") for k in range(2)]
    store.record(_record("r-1", kind="montecarlo"), children=kids)
    assert store.get_run("r-").run_id == "r-1"


def test_error_inside_the_transaction_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ResultsStore(tmp_path)
    store.record(_record("before"), _results())

    def boom() -> None:
        raise RuntimeError("killed mid-write")

    monkeypatch.setattr(store, "before_commit", boom)
    with pytest.raises(RuntimeError):
        store.record(_record("during", cache_key="k2"), _results(50))
    monkeypatch.undo()
    assert store.list_runs()["run_id"].tolist() == ["before"]
    with pytest.raises(UnknownLabelError):
        store.results("during")
    store.record(_record("after", cache_key="k3"), _results())
    assert len(store.list_runs()) == 2


def test_reading_an_absent_store_creates_nothing(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path / "absent")
    assert store.list_runs().empty
    assert store.find_cached("x") is None
    assert not (tmp_path / "absent").exists()


def test_store_location_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEWINDS_STORE", str(tmp_path / "env"))
    assert resolve_store_dir(tmp_path / "given") == tmp_path / "given"
    assert resolve_store_dir(tmp_path / "x" / DB_NAME) == tmp_path / "x"
    assert resolve_store_dir() == tmp_path / "env"
    monkeypatch.delenv("TRADEWINDS_STORE")
    assert resolve_store_dir().name == "tradewinds"


def test_a_busy_store_times_out_with_a_clear_message(tmp_path: Path) -> None:
    from filelock import FileLock

    from tradewinds.core.errors import DataError

    store = ResultsStore(tmp_path, lock_timeout=0.2)
    store.record(_record("r1"), _results())
    with FileLock(str(store.lock_path)), pytest.raises(DataError, match="stayed busy"):
        store.record(_record("r2", cache_key="k2"), _results())
    assert store.list_runs()["run_id"].tolist() == ["r1"]


@pytest.mark.slow
def test_a_first_write_killed_mid_schema_leaves_an_empty_store(tmp_path: Path) -> None:
    """A job killed during a new store's first write (its client went away) breaks nothing.

    The process dies after creating a table and before committing: readers then find no
    database, not one without tables that they would have to call damaged (seen in
    ``tests/e2e/test_api_abuse.py`` when a cancelled run was the store's first).
    """
    import os
    import subprocess
    import sys

    code = (
        "import os, sys\n"
        "from tradewinds.store import ResultsStore\n"
        "store = ResultsStore(sys.argv[1])\n"
        "def dying(con):\n"
        "    con.execute('BEGIN TRANSACTION')\n"
        "    con.execute('CREATE TABLE runs (run_id VARCHAR)')\n"
        "    os._exit(9)\n"
        "store._ensure_schema = dying\n"
        "store.list_runs()\n"
        "from tradewinds.scenarios.recording import RunRecord\n"
        "store.record(RunRecord(run_id='x', kind='run', title='t', scenario_hash='h',\n"
        "    scenario_yaml='', scenario_json='{}', baseline='default', baseline_hash='b',\n"
        "    model='one-sector', cache_key='k'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=False)
    assert done.returncode == 9
    assert not (tmp_path / DB_NAME).exists()
    store = ResultsStore(tmp_path)
    assert store.list_runs().empty
    store.record(_record("after"), _results())
    assert store.list_runs()["run_id"].tolist() == ["after"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(DB_NAME)) == [DB_NAME]
    assert os.path.getsize(tmp_path / DB_NAME) > 0
