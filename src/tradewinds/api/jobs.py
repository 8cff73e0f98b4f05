"""Jobs: long work (scenario runs, Monte Carlo, strategy) queued, run in worker processes, tracked.

A :class:`JobManager` keeps a bounded queue (a full queue is refused with 429), a fixed number
of runner threads, each with one warm worker process (:mod:`tradewinds.api.worker`), and the
state of recent jobs. A runner sends the next job to its worker and reads progress from the
pipe. Cancelling sets a flag the worker checks between solves or draws; a worker that does not
stop within a grace period, or that passes the per-job time limit, is terminated and replaced.
States go ``queued -> running -> done | failed | cancelled``; every change bumps a version
number that the SSE stream watches.

A finished job keeps only its state in memory. Its result (the records of a WIOD run with
bilateral flows are tens of MB) is written compressed to a private folder of this process
(:class:`ResultStash`) under a byte budget: past it the oldest results are dropped (asking for
one then answers 410; the run itself stays in the results store).
"""

from __future__ import annotations

import collections
import datetime as dt
import gzip
import json
import logging
import multiprocessing
import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradewinds.api.security import LimitError
from tradewinds.core.errors import TradewindsError, UnknownLabelError

if TYPE_CHECKING:
    from tradewinds.api.worker import JobSpec

log = logging.getLogger(__name__)

TERMINAL = ("done", "failed", "cancelled")

#: Seconds a cancelled child has to stop by itself before it is terminated.
CANCEL_GRACE = 2.0

#: Seconds a warm worker process may sit idle before it is stopped (restarted on demand).
IDLE_SECONDS = 300.0

#: Finished jobs whose state is kept (oldest dropped first); their results live in the stash.
KEEP_FINISHED = 200

#: Bytes of compressed results kept on disk by one server process (oldest dropped first).
RESULT_BUDGET = 1_000_000_000


class QueueFullError(TradewindsError, RuntimeError, http_status=429):
    """The job queue is full; try again when a job has finished."""


class JobNotReadyError(TradewindsError, RuntimeError, http_status=409):
    """A job's result was asked for before the job finished."""


class JobTimeoutError(TradewindsError, TimeoutError, http_status=504):
    """A job ran past the server's per-job time limit and was stopped."""


class JobResultGoneError(TradewindsError, LookupError, http_status=410):
    """A finished job's result was dropped to keep within the server's result budget."""


class ResultStash:
    """Finished jobs' results, gzipped JSON in a private folder, within a byte budget."""

    def __init__(self, budget: int = RESULT_BUDGET) -> None:
        self.budget = budget
        self._folder: Path | None = None
        self._sizes: collections.OrderedDict[str, int] = collections.OrderedDict()
        self._lock = threading.Lock()

    @property
    def total(self) -> int:
        """Bytes held."""
        with self._lock:
            return sum(self._sizes.values())

    def _dir(self) -> Path:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="tradewinds-job-results-"))
        return self._folder

    def put(self, job_id: str, result: dict[str, Any]) -> int:
        """Keep ``result``; drop the oldest results past the budget. Returns its size."""
        data = gzip.compress(json.dumps(result, separators=(",", ":")).encode(), compresslevel=3)
        with self._lock:
            folder = self._dir()
            tmp = folder / f".{job_id}.tmp"
            tmp.write_bytes(data)
            tmp.replace(folder / f"{job_id}.json.gz")
            self._sizes[job_id] = len(data)
            while sum(self._sizes.values()) > self.budget and len(self._sizes) > 1:
                old, _ = self._sizes.popitem(last=False)
                (folder / f"{old}.json.gz").unlink(missing_ok=True)
        return len(data)

    def get(self, job_id: str) -> dict[str, Any] | None:
        """The result of ``job_id``, or ``None`` when it was dropped (or never kept)."""
        with self._lock:
            if job_id not in self._sizes or self._folder is None:
                return None
            data = (self._folder / f"{job_id}.json.gz").read_bytes()
        value = json.loads(gzip.decompress(data))
        assert isinstance(value, dict)
        return value

    def drop(self, job_id: str) -> None:
        """Forget ``job_id``'s result."""
        with self._lock:
            if self._sizes.pop(job_id, None) is not None and self._folder is not None:
                (self._folder / f"{job_id}.json.gz").unlink(missing_ok=True)

    def close(self) -> None:
        """Remove the folder."""
        with self._lock:
            if self._folder is not None:
                shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
            self._sizes.clear()


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


@dataclass
class Job:
    """One job's state as the API reports it."""

    job_id: str
    kind: str
    spec: JobSpec | None  # dropped when the job finishes (it may hold 2 MB of request files)
    state: str = "queued"
    done: int = 0
    total: int | None = None
    unit: str = "solves"
    run_id: str | None = None
    error: dict[str, Any] | None = None
    stash: ResultStash | None = field(default=None, repr=False)
    result_bytes: int = 0
    created: str = field(default_factory=_now)
    started: str | None = None
    finished: str | None = None
    version: int = 0
    cancel_requested: bool = False
    slot: _Slot | None = None  # the worker process running the job

    @property
    def result(self) -> dict[str, Any] | None:
        """The finished job's result, read from the stash (``None`` before it is done)."""
        if self.state != "done" or self.stash is None:
            return None
        value = self.stash.get(self.job_id)
        if value is None:
            raise JobResultGoneError(
                f"The result of job {self.job_id} was dropped to keep this server's results "
                f"within its budget; submit the job again"
                + (f" or read run {self.run_id} from /api/v1/runs." if self.run_id else ".")
            )
        return value

    def to_dict(self) -> dict[str, Any]:
        """The job as ``GET /api/v1/jobs/{id}`` returns it."""
        return {
            "job_id": self.job_id,
            "kind": self.kind,
            "state": self.state,
            "progress": {"done": self.done, "total": self.total, "unit": self.unit},
            "run_id": self.run_id,
            "error": self.error,
            "created": self.created,
            "started": self.started,
            "finished": self.finished,
        }

    def links(self) -> dict[str, str]:
        """URLs of the job, its event stream and its result."""
        base = f"/api/v1/jobs/{self.job_id}"
        return {"self": base, "events": f"{base}/events", "result": f"{base}/result"}


class JobManager:
    """Bounded queue, runner threads and the table of jobs of one API process."""

    def __init__(
        self,
        *,
        workers: int = 1,
        max_queue: int = 8,
        job_seconds: float = 1800.0,
        result_budget: int = RESULT_BUDGET,
    ):
        self.stash = ResultStash(result_budget)
        self.workers = max(1, workers)
        self.max_queue = max_queue
        self.job_seconds = job_seconds
        self._jobs: collections.OrderedDict[str, Job] = collections.OrderedDict()
        self._queue: collections.deque[str] = collections.deque()
        self._lock = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._slots: list[_Slot] = []
        self._stopping = False
        self._ctx = _context()

    # -- public API -------------------------------------------------------------------------

    def submit(self, kind: str, spec: JobSpec) -> Job:
        """Queue a job; :class:`QueueFullError` (429) when the queue is full."""
        with self._lock:
            if len(self._queue) >= self.max_queue:
                raise QueueFullError(
                    f"The job queue is full ({self.max_queue} jobs waiting); try again when one "
                    "has finished, or cancel one."
                )
            self._start_threads()
            job = Job(
                job_id=secrets.token_hex(8),
                kind=kind,
                spec=spec,
                unit="draws" if kind == "montecarlo" else "solves",
                total=spec.draws if kind == "montecarlo" else None,
            )
            self._jobs[job.job_id] = job
            self._queue.append(job.job_id)
            self._trim()
            self._lock.notify_all()
            return job

    def get(self, job_id: str) -> Job:
        """The job with this id; :class:`UnknownLabelError` (404) otherwise."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise UnknownLabelError("job", job_id, [], "the job table")
        return job

    def list(self) -> list[dict[str, Any]]:
        """Every known job, newest first."""
        with self._lock:
            return [j.to_dict() for j in reversed(self._jobs.values())]

    def cancel(self, job_id: str) -> Job:
        """Cancel a job: a queued one at once, a running one at its next check (or killed)."""
        with self._lock:
            job = self.get(job_id)
            if job.state == "queued":
                self._queue.remove(job_id)
                self._finish(job, "cancelled")
            elif job.state == "running":
                job.cancel_requested = True
                if job.slot is not None:
                    job.slot.cancel.set()
            return job

    def wait(self, job_id: str, version: int, timeout: float) -> Job:
        """Block until the job's version passes ``version`` or ``timeout`` seconds pass."""
        deadline = time.monotonic() + timeout
        with self._lock:
            job = self.get(job_id)
            while job.version <= version and job.state not in TERMINAL:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._lock.wait(left)
            return job

    def snapshot(self, job_id: str) -> tuple[int, dict[str, Any]]:
        """The job's version and its JSON, read together."""
        with self._lock:
            job = self.get(job_id)
            return job.version, job.to_dict()

    def shutdown(self) -> None:
        """Cancel everything and stop the runner threads (used at server shutdown)."""
        with self._lock:
            self._stopping = True
            for job_id in list(self._queue):
                self._finish(self._jobs[job_id], "cancelled")
            self._queue.clear()
            for job in self._jobs.values():
                if job.state == "running":
                    job.cancel_requested = True
                    if job.slot is not None:
                        job.slot.cancel.set()
            self._lock.notify_all()
        for slot in self._slots:
            slot.stop()
        self.stash.close()

    # -- internals --------------------------------------------------------------------------

    def _start_threads(self) -> None:
        while len(self._threads) < self.workers:
            slot = _Slot(self._ctx)
            self._slots.append(slot)
            thread = threading.Thread(
                target=self._runner,
                args=(slot,),
                name=f"tradewinds-job-{len(self._threads)}",
                daemon=True,
            )
            self._threads.append(thread)
            thread.start()

    def _trim(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.state in TERMINAL]
        for key in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            del self._jobs[key]
            self.stash.drop(key)

    def _bump(self, job: Job) -> None:
        job.version += 1
        self._lock.notify_all()

    def _finish(self, job: Job, state: str, error: dict[str, Any] | None = None) -> None:
        job.spec = None
        job.state = state
        job.error = error
        job.finished = _now()
        self._bump(job)

    def _runner(self, slot: _Slot) -> None:
        while True:
            with self._lock:
                while not self._queue and not self._stopping:
                    if not self._lock.wait(IDLE_SECONDS):
                        slot.stop()  # idle: give the worker's memory back
                if self._stopping:
                    return
                job = self._jobs[self._queue.popleft()]
                job.state = "running"
                job.started = _now()
                job.slot = slot
                slot.cancel.clear()
                self._bump(job)
            try:
                self._run(job, slot)
            except Exception:  # pragma: no cover - a bug in the runner itself
                log.exception("job %s: runner failed", job.job_id)
                with self._lock:
                    self._finish(job, "failed", _internal())

    def _run(self, job: Job, slot: _Slot) -> None:
        conn = slot.connect()
        assert job.spec is not None
        conn.send(job.spec)
        start = time.monotonic()
        cancelled_at: float | None = None
        # A single solve has no point at which to stop by itself: it is ended at once.
        grace = 0.0 if job.kind == "run" else CANCEL_GRACE
        outcome: tuple[str, Any] | None = None
        stop = False
        while outcome is None:
            try:
                ready = conn.poll(0.1)
                message = conn.recv() if ready else None
            except (EOFError, OSError):
                slot.stop()  # the process died
                break
            if message is not None:
                kind, payload = message
                if kind != "progress":
                    outcome = (kind, payload)
                    break
                with self._lock:
                    job.done = int(payload["done"])
                    job.total = payload["total"]
                    job.unit = str(payload["unit"])
                    self._bump(job)
                continue
            now = time.monotonic()
            if job.cancel_requested:
                cancelled_at = cancelled_at or now
                if now - cancelled_at >= grace:
                    outcome, stop = ("cancelled", None), True
            elif now - start > self.job_seconds:
                outcome, stop = ("failed", _timeout(self.job_seconds)), True
        if stop:
            slot.stop()  # ended before any cancelled or failed state is reported
        self._conclude(job, outcome)

    def _conclude(self, job: Job, outcome: tuple[str, Any] | None) -> None:
        with self._lock:
            if outcome is None:
                self._finish(job, "failed", _internal("The job's process ended unexpectedly."))
            elif outcome[0] == "done":
                job.result_bytes = self.stash.put(job.job_id, outcome[1])
                job.stash = self.stash
                job.run_id = outcome[1].get("run_id")
                if job.total is not None:
                    job.done = job.total
                self._finish(job, "done")
            elif outcome[0] == "cancelled" or job.cancel_requested:
                self._finish(job, "cancelled")
            else:
                self._finish(job, "failed", outcome[1])


class _Slot:
    """One warm worker process (started on first use, restarted after it is stopped)."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.cancel = ctx.Event()
        self.proc: Any = None
        self.conn: Any = None

    def connect(self) -> Any:
        """The pipe to a live worker process, starting one if needed."""
        from tradewinds.api import worker

        if self.proc is None or not self.proc.is_alive():
            self.stop()
            parent, child = self.ctx.Pipe(duplex=True)
            self.proc = self.ctx.Process(
                target=worker.serve, args=(child, self.cancel), daemon=True
            )
            self.proc.start()
            child.close()
            self.conn = parent
        return self.conn

    def stop(self) -> None:
        """End the worker process at once (a store write is atomic, so nothing is half-done)."""
        if self.proc is not None:
            if self.proc.is_alive():
                self.proc.terminate()
            self.proc.join(timeout=5)
            if self.proc.is_alive():  # pragma: no cover - a child that ignores SIGTERM
                self.proc.kill()
                self.proc.join()
        if self.conn is not None:
            self.conn.close()
        self.proc = None
        self.conn = None


def _internal(message: str = "The job failed with an internal error.") -> dict[str, Any]:
    return {"error": "InternalError", "message": message, "field": None, "status": 500}


def _timeout(seconds: float) -> dict[str, Any]:
    return {
        "error": "JobTimeoutError",
        "message": f"The job ran past this server's per-job limit of {seconds:g} s and was "
        "stopped.",
        "field": None,
        "status": 504,
    }


_CONTEXT: Any = None


def _context() -> Any:
    """The multiprocessing context for job processes: a warm ``forkserver``.

    Forking the API process itself would copy its threads' locks mid-flight; a forkserver is a
    clean single-threaded process that imports the numerical stack once and forks from there.
    """
    global _CONTEXT
    if _CONTEXT is None:
        from tradewinds.api.worker import PRELOAD

        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        _CONTEXT = ctx
    return _CONTEXT


def check_draws(draws: int | None, limit: int, field: str = "draws") -> None:
    """Refuse a draw count outside ``1..limit``."""
    if draws is None:
        return
    if draws < 1:
        raise LimitError(f"{field}: give at least one draw (got {draws}).", field, status=422)
    if draws > limit:
        raise LimitError(
            f"{field}: {draws:,} draws is more than this server's limit of {limit:,}.", field
        )
