"""Mapping independent searches over workers: serially in-process, or on ``dask.distributed``.

A :data:`Mapper` applies a function to a list of items and returns the results in order. Best
responses of different players (and elasticity draws of a game) are independent, so they go
through a mapper; the serial one is for tests and small jobs, :func:`dask_mapper` runs the same
calls on a ``LocalCluster`` or on an existing scheduler named by address.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)

#: (function, items) -> [function(item) for item in items], in order.
Mapper = Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]]


def serial_map(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """Apply ``fn`` to each item in this process."""
    return [fn(item) for item in items]


@contextmanager
def dask_mapper(scheduler: str | None = None, workers: int | None = None) -> Iterator[Mapper]:
    """A mapper on ``dask.distributed``: the scheduler at ``scheduler``, or a new LocalCluster.

    The local cluster uses ``workers`` single-threaded processes (default 2) and no dashboard;
    it is closed on exit. Errors raised in a task are re-raised here with their own type, so a
    :class:`~tradewinds.core.errors.ConvergenceError` on a worker reaches the user unchanged.
    """
    distributed: Any = importlib.import_module("dask.distributed")
    client_cls, cluster_cls = distributed.Client, distributed.LocalCluster
    cluster = None
    if scheduler:
        client = client_cls(scheduler, timeout="10s")
    else:
        cluster = cluster_cls(
            n_workers=workers or 2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = client_cls(cluster)
    log.info("dask mapper on %s", client.scheduler.address if client.scheduler else "?")

    def run(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        futures = client.map(fn, list(items), pure=False)
        return list(client.gather(futures))

    try:
        yield run
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
