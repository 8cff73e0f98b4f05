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

#: Progress callback of the long policy searches: ``progress(done, total)``, with ``total``
#: ``None`` when it is not known in advance. The CLI draws it with Rich; the API reports it as
#: job progress.
Progress = Callable[[int, int | None], None]


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


def map_with_progress(
    mapper: Mapper,
    fn: Callable[[Any], Any],
    items: Sequence[Any],
    progress: Progress | None,
    done: int = 0,
    total: int | None = None,
) -> list[Any]:
    """``mapper(fn, items)``, calling ``progress(done + k, total)`` as items finish.

    In-process (:func:`serial_map`) each item reports as it finishes; another mapper (Dask)
    returns everything at once, so progress is reported once at the end.
    """
    if progress is None:
        return mapper(fn, items)
    progress(done, total)
    if mapper is serial_map:
        out = []
        for k, item in enumerate(items, start=1):
            out.append(fn(item))
            progress(done + k, total)
        return out
    results = mapper(fn, items)
    progress(done + len(items), total)
    return results
