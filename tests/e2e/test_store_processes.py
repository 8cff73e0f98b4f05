"""Real processes against one store: a writer killed mid-transaction, and concurrent writers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tradewinds.cli.main import main
from tradewinds.store import ResultsStore

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).with_name("paused_writer.py")
SCENARIO = str(ROOT / "scenarios" / "announced-2025-02.yaml")


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **extra}
    env.pop("TRADEWINDS_STORE", None)
    return env


def _paused(seconds: float, *args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """``tradewinds ARGS`` in a child process whose store writes pause before COMMIT."""
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(seconds), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_writer_killed_inside_its_transaction_leaves_nothing(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    proc = _paused(120, "run", SCENARIO, "--store", str(store_dir), env=_env())
    try:
        deadline = time.monotonic() + 90
        while not list(store_dir.glob("in-transaction.*")):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "writer never reached its transaction"
            time.sleep(0.1)
        # The run row and all its results are inserted; COMMIT has not happened. Kill it.
        proc.kill()
    finally:
        proc.wait(timeout=30)
    assert proc.returncode != 0
    store = ResultsStore(store_dir, lock_timeout=30)
    assert store.list_runs().empty
    assert store.find_cached("anything") is None
    # The OS released the dead writer's lock: the store works as before.
    assert main(["run", SCENARIO, "--store", str(store_dir)]) == 0
    [run_id] = store.list_runs()["run_id"].tolist()
    assert len(store.results(run_id)) > 100


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    # Each writer holds its transaction open for 0.5 s, so their writes overlap in time.
    env = _env()
    n = 4
    procs = [
        _paused(0.5, "run", SCENARIO, "--store", str(store_dir), "--force", env=env)
        for _ in range(n)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err.decode()
    ids = {
        line.split()[2]
        for out, _ in outs
        for line in out.decode().splitlines()
        if line.startswith("run id:")
    }
    assert len(ids) == n
    store = ResultsStore(store_dir)
    listed = store.list_runs(limit=50)
    assert set(listed["run_id"]) == ids
    sizes = {len(store.results(i)) for i in ids}
    assert len(sizes) == 1
    assert sizes.pop() > 100
