"""The store index: a hit served without DuckDB returns exactly what DuckDB would, or nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
import yaml

from tradewinds.core.errors import StoreError
from tradewinds.scenarios.execute import execute
from tradewinds.scenarios.recording import RunRecord, new_run_id
from tradewinds.scenarios.schema import parse_scenario
from tradewinds.store import ResultsStore
from tradewinds.store import index as store_index

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "announced-2025-02.yaml"


def _record(run_id: str, key: str = "key-1", **kw: Any) -> RunRecord:
    base: dict[str, Any] = {
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
        "params": {"eps": 4.0, "closure": "fixed"},
        "solver": {"converged": True, "iterations": 3, "max_residual": 1.2345678901234e-12},
        "timings": {"solve": 0.1 / 3},
        "cache_key": key,
    }
    base.update(kw)
    return RunRecord(**base)


def _results(n: int = 6) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": [f"C{k}" for k in range(n)][::-1],
            "partner": ["", *["USA"] * (n - 1)],
            "sector": "TOTAL",
            "metric": "welfare_pct",
            "value": [k / 7 for k in range(n)],
            "unit": "percent",
        }
    )


def test_index_answers_as_duckdb_does(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    rec = _record(new_run_id())
    store.record(rec, _results())
    served = store.indexed_run("key-1")
    assert served is not None
    record, results = served
    assert record == store.get_run(rec.run_id) == rec
    pd.testing.assert_frame_equal(results, store.results(rec.run_id))
    assert store.indexed_run("other") is None


def test_newest_run_of_a_key_wins_and_large_runs_stay_in_duckdb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ResultsStore(tmp_path)
    store.record(_record("20260101-000000-aaaaaaaa", created_at="2026-01-01T00:00:00+00:00"))
    assert store.indexed_run("key-1") is None  # a run without results is not indexed
    store.record(
        _record("20260101-000002-bbbbbbbb", created_at="2026-01-01T00:00:02+00:00"), _results()
    )
    store.record(  # an older run recorded later (a slower process) does not replace it
        _record("20260101-000001-cccccccc", created_at="2026-01-01T00:00:01+00:00"), _results(3)
    )
    served = store.indexed_run("key-1")
    assert served is not None
    assert served[0].run_id == store.find_cached("key-1") == "20260101-000002-bbbbbbbb"
    monkeypatch.setattr(store_index, "MAX_ROWS", 4)
    store.record(
        _record("20260101-000003-dddddddd", created_at="2026-01-01T00:00:03+00:00"), _results()
    )
    assert store.indexed_run("key-1") is None  # the newest run is too large for the index
    assert store.find_cached("key-1") == "20260101-000003-dddddddd"


def test_a_change_the_index_did_not_see_makes_it_ignored(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    store.record(_record(new_run_id()), _results())
    assert store.indexed_run("key-1") is not None
    con = duckdb.connect(str(store.db_path))  # a writer that does not know the index
    con.execute("DELETE FROM results")
    con.close()
    assert store.indexed_run("key-1") is None
    store.record(_record(new_run_id(), key="key-2"), _results())
    assert store.indexed_run("key-1") is None  # not carried forward from a stale index
    assert store.indexed_run("key-2") is not None


def test_a_damaged_index_is_ignored(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    rec = _record(new_run_id())
    store.record(rec, _results())
    (tmp_path / store_index.INDEX_NAME).write_text('{"format": 1, "stamp": ')
    assert store.indexed_run("key-1") is None
    assert store.find_cached("key-1") == rec.run_id


def _scenario() -> Any:
    return parse_scenario(yaml.safe_load(SCENARIO.read_text()))


def test_hit_from_the_index_equals_the_duckdb_hit(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    first = execute(_scenario(), sink=store)
    hit = execute(_scenario(), sink=store)
    (tmp_path / store_index.INDEX_NAME).unlink()
    from_db = execute(_scenario(), sink=store)
    assert hit.cached
    assert from_db.cached
    assert hit.run_id == from_db.run_id == first.run_id
    assert hit.record == from_db.record
    pd.testing.assert_frame_equal(hit.records, from_db.records)


def test_a_damaged_database_still_says_so(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    execute(_scenario(), sink=store)
    store.db_path.write_bytes(b"not a database" * 100)
    with pytest.raises(StoreError, match="damaged or not a tradewinds store"):
        execute(_scenario(), sink=store)


@pytest.mark.slow
def test_cli_hit_does_not_import_duckdb(tmp_path: Path) -> None:
    env = {**os.environ, "TRADEWINDS_STORE": str(tmp_path / "store")}
    code = (
        "import sys\nfrom tradewinds.cli.main import main\n"
        f"main(['run', {str(SCENARIO)!r}])\n"
        "print('duckdb' in sys.modules)"
    )
    outs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        ).stdout
        for _ in range(2)
    ]
    assert "(recorded;" in outs[0]
    assert "(served from the store;" in outs[1]
    assert outs[1].split()[-1] == "False"


def test_the_index_keeps_the_newest_runs_within_its_row_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_index, "MAX_ROWS", 7)
    store = ResultsStore(tmp_path)
    for k in range(3):
        rec = _record(f"20260101-00000{k}-0000000{k}", key=f"k{k}")
        store.record(replace(rec, created_at=f"2026-01-01T00:00:0{k}+00:00"), _results(3))
    assert [store.indexed_run(f"k{k}") is not None for k in range(3)] == [False, True, True]
    assert store.find_cached("k0") == "20260101-000000-00000000"
