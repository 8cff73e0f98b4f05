"""Monte Carlo on a real Dask scheduler and worker (separate processes on loopback).

The same draws solved in-process, on a LocalCluster and on the external scheduler must give
identical numbers: draws are made on the client from the seed, and each solve is deterministic.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradewinds.cli.main import main
from tradewinds.scenarios import load_scenario
from tradewinds.scenarios.montecarlo import run_montecarlo

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "announced-2025-02.yaml"
DASK = str(Path(sys.executable).with_name("dask"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process group this test started (SIGTERM, then SIGKILL)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=20)


@pytest.fixture
def scheduler() -> Iterator[str]:
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    common = {"env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    sched = subprocess.Popen(
        [DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        start_new_session=True,
        **common,  # type: ignore[call-overload]
    )
    procs = [sched]
    try:
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert sched.poll() is None, "dask scheduler exited"
            assert time.monotonic() < deadline, "dask scheduler did not start"
            time.sleep(0.2)
        worker = subprocess.Popen(
            [
                DASK,
                "worker",
                address,
                "--nthreads",
                "1",
                "--nworkers",
                "1",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
            ],
            start_new_session=True,
            **common,  # type: ignore[call-overload]
        )
        procs.append(worker)
        yield address
    finally:
        for proc in reversed(procs):
            _stop(proc)
    assert all(p.poll() is not None for p in procs)


def test_external_scheduler_and_local_cluster_match_in_process(
    scheduler: str, tmp_path: Path
) -> None:
    scenario = load_scenario(SCENARIO)
    local = run_montecarlo(scenario, draws=24, seed=5, client=None)
    remote_csv = tmp_path / "remote.csv"
    args = ["montecarlo", str(SCENARIO), "--draws", "24", "--seed", "5", "--no-store"]
    assert main([*args, "--scheduler", scheduler, "--chunk-size", "5", "-o", str(remote_csv)]) == 0
    cluster_csv = tmp_path / "cluster.csv"
    assert main([*args, "--workers", "2", "-o", str(cluster_csv)]) == 0
    expected = local.bands.reset_index(drop=True)
    for path in (remote_csv, cluster_csv):
        got = pd.read_csv(path, keep_default_na=False)
        assert got[["country", "metric"]].equals(expected[["country", "metric"]])
        for col in ("p05", "p50", "p95", "mean", "sd"):
            np.testing.assert_allclose(got[col], expected[col], rtol=1e-12, atol=1e-12)


def test_back_to_back_runs_on_one_client_keep_their_baseline() -> None:
    """Each run scatters the baseline under a key of its own (dask/distributed #8576).

    With the content-hash key, a run that scattered the same baseline just after the previous
    run released it lost it: 8 of 15 back-to-back runs on one client failed with "lost
    dependencies".
    """
    from tradewinds.data.loaders import load_baseline
    from tradewinds.scenarios.cluster import dask_client, run_draws
    from tradewinds.scenarios.distributions import ScalarElasticity

    scenario = load_scenario(SCENARIO)
    baseline = load_baseline(scenario.baseline)
    with dask_client(2) as client:
        for k in range(12):
            draws = ScalarElasticity().draws(4, k)
            remote = run_draws(client, baseline, scenario, draws, bilateral=False, chunk_size=1)
            local = run_draws(None, baseline, scenario, draws, bilateral=False)
            assert [d.status for d in remote.draws] == ["ok"] * 4
            for a, b in zip(remote.draws, local.draws, strict=True):
                np.testing.assert_array_equal(a.values, b.values)
