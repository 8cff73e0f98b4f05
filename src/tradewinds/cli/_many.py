"""What ``sweep`` and ``montecarlo`` share: many solves of one scenario on Dask, and the store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console

    from tradewinds.scenarios.schema import Scenario
    from tradewinds.store import ResultsStore

T = TypeVar("T")


class StoredRun(Protocol):
    """What a sweep or Monte Carlo result tells about its recording."""

    @property
    def cached(self) -> bool: ...

    @property
    def record(self) -> Any: ...


@dataclass(frozen=True)
class ManyRuns:
    """The options of a command that solves SCENARIO many times, in the command's order.

    Where to solve (``--baseline``, ``--workers``, ``--scheduler``, ``--chunk-size``), what to
    keep (``--bilateral``) and the store (``--store``, ``--no-store``, ``--force``).
    """

    scenario: Path
    baseline: str | None
    workers: int | None
    scheduler: str | None
    chunk_size: int | None
    bilateral: bool
    store: Path | None
    no_store: bool
    force: bool

    def run(
        self, run: Callable[..., T], spec: Scenario, solves: int, label: str, unit: str
    ) -> tuple[T, ResultsStore | None]:
        """``run(text=..., baseline=..., sink=..., client=..., ...)`` under a progress bar.

        The store is opened before a cluster starts; the number of workers is chosen for
        ``solves`` solves of ``spec``. Returns the result and the store it was recorded in
        (None with ``--no-store``).
        """
        from tradewinds.cli._common import open_store, progress_bar, read_text
        from tradewinds.scenarios.cluster import choose_workers, dask_client, time_one_solve

        sink = open_store(self.store, enabled=not self.no_store)
        workers = choose_workers(
            self.workers, self.scheduler, solves, lambda: time_one_solve(spec, self.baseline)
        )
        with progress_bar(label, unit) as update, dask_client(workers, self.scheduler) as client:
            result = run(
                text=read_text(self.scenario),
                baseline=self.baseline,
                sink=sink,
                force=self.force,
                client=client,
                bilateral=self.bilateral,
                chunk_size=self.chunk_size,
                progress=update,
            )
        return result, sink


def print_run_id(out: Console, result: StoredRun, sink: ResultsStore | None) -> None:
    """The line that names the recorded run (nothing with ``--no-store``)."""
    if sink is not None:
        how = "served from the store; --force to solve again" if result.cached else "recorded"
        out.print(f"run id: [bold]{result.record.run_id}[/] ({how}; store {sink.directory})")
