"""Running batches of draws on ``dask.distributed``: a LocalCluster or an existing scheduler.

The baseline is scattered to every worker once; the draws are cut into chunks, one task per
chunk, so each task amortises its overhead over many solves. Draws are generated on the client
from the seed before anything is sent out, and each draw's answer depends only on its
parameters, so a local cluster, a remote scheduler and in-process execution give the same
numbers.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import xarray as xr

from tradewinds.core.errors import ScenarioError
from tradewinds.scenarios.batch import BatchResult, solve_batch
from tradewinds.scenarios.distributions import Draw
from tradewinds.scenarios.schema import Scenario

log = logging.getLogger(__name__)

#: Called as ``progress(done_draws, total_draws)`` after each finished chunk.
Progress = Callable[[int, int], None]


def default_workers() -> int:
    """One worker per CPU available to this process."""
    from tradewinds.core.limits import available_cpus

    return available_cpus()


def check_chunk_size(chunk_size: int | None) -> None:
    """Refuse a ``--chunk-size`` below 1 (before anything is solved or recorded)."""
    if chunk_size is not None and chunk_size < 1:
        raise ScenarioError(
            f"--chunk-size {chunk_size}: give at least 1 draw per task (or leave it out)."
        )


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None) -> Iterator[Any]:
    """A ``distributed.Client``: to ``scheduler`` if given, else to a new LocalCluster.

    ``workers=0`` (and no scheduler) yields ``None``: run in this process, without Dask.
    LocalCluster workers are processes with one thread each, so numpy runs single-threaded
    in each and the GIL is never shared.
    """
    if scheduler is None and workers == 0:
        yield None
        return
    from distributed import Client, LocalCluster

    # Dask configures its loggers at INFO; keep its chatter out of the CLI's stderr.
    logging.getLogger("distributed").setLevel(logging.WARNING)
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="20s")  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            raise ScenarioError(
                f"Cannot reach the Dask scheduler at {scheduler!r} ({exc}). Start one with "
                "'dask scheduler' and at least one 'dask worker', or drop --scheduler to use a "
                "local cluster."
            ) from None
        try:
            client.wait_for_workers(1, timeout=60)
        except TimeoutError:
            client.close()  # type: ignore[no-untyped-call]
            raise ScenarioError(
                f"The Dask scheduler at {scheduler!r} has no workers after 60 s; start one with "
                f"'dask worker {scheduler}'."
            ) from None
        try:
            yield client
        finally:
            client.close()  # type: ignore[no-untyped-call]
        return
    n = workers if workers is not None else default_workers()
    from tradewinds.core.limits import check_workers

    check_workers(n)
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: runs side by side
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


#: Seconds a LocalCluster costs before its first answers: starting the worker processes,
#: scattering the baseline and a first task on each worker (which imports tradewinds there).
#: On the 2-core development machine: 1.0-1.5 s to start and scatter (load 0.6-2.4), 3.6 s
#: with the first tasks at load 3.1; see docs/sweeps.md and benchmarks/bench_crossover.py.
CLUSTER_START_S = 3.0


def worth_a_cluster(n_solves: int, seconds_per_solve: float, n_workers: int) -> bool:
    """Whether ``n_workers`` local processes save more than they cost to start.

    Spread over ``n_workers`` processes, ``n_solves`` solves save at most
    ``n_solves * seconds_per_solve * (1 - 1 / n_workers)`` seconds against running them here.
    """
    if n_workers <= 1:
        return False
    saving = n_solves * seconds_per_solve * (1.0 - 1.0 / n_workers)
    return saving > CLUSTER_START_S


def choose_workers(
    workers: int | None,
    scheduler: str | None,
    n_solves: int,
    probe: Callable[[], float],
) -> int | None:
    """``workers`` as the user gave it; by default 0 (in-process) when a cluster would not pay.

    ``probe()`` returns the seconds of one solve (it is called only when the choice is ours:
    no ``--workers`` and no ``--scheduler``). A probe that fails leaves the default (a cluster).
    """
    if workers is not None or scheduler is not None:
        return workers
    from tradewinds.core.errors import TradewindsError

    try:
        seconds = probe()
    except TradewindsError:
        return None
    n = default_workers()
    if worth_a_cluster(n_solves, seconds, n):
        return None
    log.info(
        "%d solves of about %.3f s: running in-process (a %d-worker cluster costs about %.1f s "
        "to start)",
        n_solves,
        seconds,
        n,
        CLUSTER_START_S,
    )
    return 0


def time_one_solve(scenario: Scenario, baseline: str | None) -> float:
    """Seconds of one in-process draw of ``scenario``: what each of many solves costs.

    As in a batch of draws, the baseline is loaded and the shocks are built beforehand, once;
    the faster of two solves is returned, since the first also pays one-time costs (lazy
    imports, caches). Timing one cold solve with its baseline and shocks overstated a draw of
    the default scenario forty-fold (58 ms against 1 ms), which started clusters that did not
    pay.
    """
    import time

    from tradewinds.data.loaders import load_baseline
    from tradewinds.scenarios.runner import build_shocks, run_scenario

    data = load_baseline(baseline or scenario.baseline)
    shocks = build_shocks(scenario, data)
    times = []
    for _ in range(2):
        start = time.perf_counter()
        run_scenario(scenario, data, shocks=shocks)
        times.append(time.perf_counter() - start)
    return min(times)


def chunk(draws: Sequence[Draw], size: int) -> list[list[Draw]]:
    """Consecutive chunks of at most ``size`` draws."""
    return [list(draws[k : k + size]) for k in range(0, len(draws), size)]


def default_chunk_size(n_draws: int, n_workers: int) -> int:
    """About four chunks per worker (for load balance), at most 100 draws each."""
    return max(1, min(100, math.ceil(n_draws / max(1, 4 * n_workers))))


def run_draws(
    client: Any,
    baseline: xr.Dataset,
    scenario: Scenario,
    draws: Sequence[Draw],
    *,
    bilateral: bool,
    chunk_size: int | None = None,
    progress: Progress | None = None,
    validated: Mapping[int, Scenario] | None = None,
) -> BatchResult:
    """Solve every draw; outcomes come back sorted by draw index.

    ``client`` is a ``distributed.Client`` or ``None`` for in-process execution. ``validated``
    holds draws' scenarios already validated with their settings, by draw index; only this
    process uses them (workers are sent the settings, not the scenarios).
    """
    data = scenario.canonical()
    base_dir = str(scenario.base_dir)
    total = len(draws)
    result = BatchResult()
    if client is None:
        size = chunk_size or max(1, total)
        done = 0
        for part in chunk(draws, size):
            result.merge(
                solve_batch(
                    baseline, data, part, bilateral, base_dir, parsed=scenario, validated=validated
                )
            )
            done += len(part)
            if progress is not None:
                progress(done, total)
    else:
        from distributed import as_completed

        n_workers = max(1, sum(client.nthreads().values()))
        size = chunk_size or default_chunk_size(total, n_workers)
        parts = chunk(draws, size)
        log.info(
            "%d draws in %d tasks of up to %d on %d workers", total, len(parts), size, n_workers
        )
        # hash=False: a fresh key per run. Scattering the same data under its content hash
        # right after a previous run released it races with the release (dask/distributed
        # #8576): 8 of 15 back-to-back runs on one client lost the baseline and failed.
        [shared] = client.scatter([baseline], broadcast=True, hash=False)
        futures = {
            client.submit(solve_batch, shared, data, part, bilateral, base_dir, pure=False): len(
                part
            )
            for part in parts
        }
        done = 0
        try:
            for future in as_completed(futures):  # type: ignore[no-untyped-call]
                result.merge(future.result())
                done += futures[future]
                if progress is not None:
                    progress(done, total)
        finally:
            client.cancel(list(futures))
    result.draws.sort(key=lambda d: d.index)
    return result
