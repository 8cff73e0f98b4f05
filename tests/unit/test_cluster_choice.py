"""The default between a LocalCluster and in-process solving (``choose_workers``)."""

from __future__ import annotations

import pytest

from tradewinds.core.errors import ConvergenceError, ScenarioError
from tradewinds.core.solver import SolverReport
from tradewinds.scenarios import cluster


def test_small_runs_stay_in_process(monkeypatch):
    monkeypatch.setattr(cluster, "default_workers", lambda: 2)
    # 100 solves of 10 ms save at most 0.5 s on two workers: less than a cluster's start
    assert cluster.choose_workers(None, None, 100, lambda: 0.01) == 0
    # 1,000 solves of 20 ms save up to 10 s: start the cluster (None = default size)
    assert cluster.choose_workers(None, None, 1000, lambda: 0.02) is None


def test_crossover_is_start_cost_over_saving_per_solve():
    seconds = 0.01
    n_star = cluster.CLUSTER_START_S / (seconds * 0.5)
    assert not cluster.worth_a_cluster(int(n_star) - 1, seconds, 2)
    assert cluster.worth_a_cluster(int(n_star) + 1, seconds, 2)
    assert not cluster.worth_a_cluster(10**9, seconds, 1)  # one worker never pays


def test_explicit_choices_are_kept_and_not_probed():
    def probe() -> float:
        raise AssertionError("must not solve when the user chose")

    assert cluster.choose_workers(3, None, 10, probe) == 3
    assert cluster.choose_workers(0, None, 10**6, probe) == 0
    assert cluster.choose_workers(None, "tcp://x:8786", 10, probe) is None


@pytest.mark.parametrize(
    "error",
    [ScenarioError("bad"), ConvergenceError("no", SolverReport(False, 3, 1.0, 1e-10, 0.1, "x"))],
)
def test_failing_probe_leaves_the_default(monkeypatch, error):
    monkeypatch.setattr(cluster, "default_workers", lambda: 2)

    def probe() -> float:
        raise error

    assert cluster.choose_workers(None, None, 10, probe) is None


def test_the_probe_times_a_warm_draw_with_shocks_built_beforehand(monkeypatch):
    """``time_one_solve`` times what each draw costs, not loading and shock building."""
    import time
    from pathlib import Path

    from tradewinds.scenarios import load_scenario, runner

    scenario = load_scenario(Path(__file__).parents[2] / "scenarios" / "announced-2025-02.yaml")
    calls = []

    def solve(spec, baseline, *, shocks=None):
        calls.append(shocks)
        time.sleep(0.05 if len(calls) == 1 else 0.0)  # the first solve pays one-time costs

    monkeypatch.setattr(runner, "run_scenario", solve)
    seconds = cluster.time_one_solve(scenario, None)
    assert len(calls) == 2
    assert all(shocks is not None for shocks in calls)  # built once, beforehand
    assert seconds < 0.05
