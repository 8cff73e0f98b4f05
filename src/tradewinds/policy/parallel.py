"""Mapping independent searches over workers: serially in-process, or on ``dask.distributed``.

A :data:`Mapper` applies a function to a list of items and returns the results in order. Best
responses of different players, gradient coordinates and elasticity draws of a game are
independent, so they go through a mapper. :func:`serial_map` runs in-process (tests, small
jobs); :func:`client_mapper` runs the same calls on a ``distributed.Client``, which the
scenarios layer creates (``tradewinds.scenarios.cluster.dask_client``: a LocalCluster or a
running scheduler).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

#: (function, items) -> [function(item) for item in items], in order.
Mapper = Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]]


def serial_map(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """Apply ``fn`` to each item in this process."""
    return [fn(item) for item in items]


def client_mapper(client: Any) -> Mapper:
    """A mapper on a ``distributed.Client``: one task per item, results in order.

    An exception raised in a task is re-raised here with its own type, so a
    :class:`~tradewinds.core.errors.ConvergenceError` on a worker reaches the user unchanged.
    """

    def run(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        futures = client.map(fn, list(items), pure=False)
        return list(client.gather(futures))

    return run
