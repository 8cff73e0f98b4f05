"""The results store: one embedded DuckDB file guarded by one file lock.

Design (see ``docs/store.md``):

- **Atomic runs.** A run, its grid points or draws, their tidy results and Monte Carlo bands are
  written in ONE DuckDB transaction. DuckDB logs the transaction to its write-ahead log and marks
  it committed only at ``COMMIT``; a process killed before that leaves an uncommitted tail that
  the next opener discards. Readers therefore see a run completely or not at all.
- **Concurrent writers.** DuckDB lets one process at a time open a database file for writing.
  Every access (read or write) takes an exclusive OS file lock (``filelock``, ``flock`` on Unix)
  on ``results.lock`` beside the database, opens the database, does its work and closes it.
  Waiting processes block with a timeout (``$TRADEWINDS_STORE_LOCK_TIMEOUT``, default 600 s).
  The OS drops the lock of a killed process, so a crash never wedges the store. The lock is
  held only while reading or writing, never while solving. A database held open by a program
  that does not take the lock (the ``duckdb`` shell, say) is retried until the timeout.
- **Hits without DuckDB.** Every write also rewrites ``results.index.json``
  (:mod:`tradewinds.store.index`), from which a repeated run is served without importing DuckDB
  while the index matches the database file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradewinds.core.canonical import to_json
from tradewinds.core.errors import DataError, ScenarioError, StoreError, UnknownLabelError
from tradewinds.scenarios.recording import (
    KEY_COLUMNS,
    RECORD_COLUMNS,
    RunParts,
    RunRecord,
    StoredRun,
    json_dict,
)
from tradewinds.store import index
from tradewinds.store.location import DB_NAME, LOCK_NAME, resolve_store_dir

if TYPE_CHECKING:
    import duckdb
    import pandas as pd
    from typing_extensions import Unpack

log = logging.getLogger(__name__)

#: Version of the table layout below; stored in ``meta``.
SCHEMA_VERSION = 1

LOCK_TIMEOUT_ENV = "TRADEWINDS_STORE_LOCK_TIMEOUT"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """CREATE TABLE IF NOT EXISTS runs (
        run_id VARCHAR PRIMARY KEY,
        parent_id VARCHAR,
        kind VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        error VARCHAR,
        title VARCHAR,
        scenario_hash VARCHAR NOT NULL,
        scenario_yaml VARCHAR,
        scenario_json VARCHAR,
        baseline VARCHAR,
        baseline_hash VARCHAR,
        baseline_attrs VARCHAR,
        package_version VARCHAR,
        model VARCHAR,
        params VARCHAR,
        solver VARCHAR,
        settings VARCHAR,
        timings VARCHAR,
        cache_key VARCHAR,
        created_at VARCHAR,
        seq INTEGER
    )""",
    """CREATE TABLE IF NOT EXISTS results (
        run_id VARCHAR NOT NULL, row INTEGER NOT NULL, country VARCHAR, partner VARCHAR,
        sector VARCHAR, metric VARCHAR, value DOUBLE, unit VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS bands (
        run_id VARCHAR NOT NULL, row INTEGER NOT NULL, country VARCHAR, partner VARCHAR,
        sector VARCHAR, metric VARCHAR, unit VARCHAR, p05 DOUBLE, p50 DOUBLE, p95 DOUBLE,
        mean DOUBLE, sd DOUBLE, n INTEGER
    )""",
)

_RUN_COLUMNS = (
    "run_id",
    "parent_id",
    "kind",
    "status",
    "error",
    "title",
    "scenario_hash",
    "scenario_yaml",
    "scenario_json",
    "baseline",
    "baseline_hash",
    "baseline_attrs",
    "package_version",
    "model",
    "params",
    "solver",
    "settings",
    "timings",
    "cache_key",
    "created_at",
    "seq",
)
_JSON_COLUMNS = ("baseline_attrs", "params", "solver", "settings", "timings")
BAND_COLUMNS = (*KEY_COLUMNS, "p05", "p50", "p95", "mean", "sd", "n")


class ResultsStore:
    """Runs and their tidy results in ``<directory>/results.duckdb``.

    Parameters
    ----------
    path
        Store directory (or the ``.duckdb`` file in it); ``None`` uses ``$TRADEWINDS_STORE`` or
        the platform's user data directory.
    lock_timeout
        Seconds to wait for other processes using the store.
    """

    #: Called (without arguments) inside every write transaction, after the inserts and before
    #: ``COMMIT``: the seam where tests hold a transaction open or break it. ``None`` by default.
    before_commit: Callable[[], None] | None = None

    def __init__(self, path: str | Path | None = None, *, lock_timeout: float | None = None):
        self.directory = resolve_store_dir(path)
        self.db_path = self.directory / DB_NAME
        self.lock_path = self.directory / LOCK_NAME
        self._shared = threading.local()  # the read connection of a ``reading()`` block
        self.lock_timeout = _lock_timeout(lock_timeout)

    def __repr__(self) -> str:
        return f"ResultsStore({str(self.directory)!r})"

    # -- connections -------------------------------------------------------------------------

    @contextmanager
    def _connect(
        self,
        *,
        write: bool,
        written: tuple[Sequence[RunRecord], pd.DataFrame | None] | None = None,
    ) -> Iterator[duckdb.DuckDBPyConnection | None]:
        """Lock, open and yield a connection; ``None`` when reading a store that does not exist.

        ``written``: the runs a write records (the first with its results), for the index
        rewritten after the database is closed, under the lock.
        """
        import duckdb

        shared = getattr(self._shared, "con", None)
        if not write and shared is not None:  # inside reading(): reuse its connection
            yield shared
            return
        if self.directory.exists() and not self.directory.is_dir():
            raise StoreError(
                f"The results store {str(self.directory)!r} is a file, not a folder; point "
                "--store (or $TRADEWINDS_STORE) at a folder."
            )
        if not write and not self.db_path.exists():
            yield None
            return
        if self.db_path.exists() and not self.db_path.is_file():
            raise StoreError(
                f"The results database {str(self.db_path)!r} is a folder or special file (a "
                "FIFO, socket or device), not the database tradewinds writes; move it aside or "
                "point --store at another folder."
            )
        if not write and not os.access(self.directory, os.W_OK):
            # A store this user may only read (a shared or archived folder, a read-only
            # mount): no lock can be taken there, and no writer of this user can be at work.
            yield from self._read_only()
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DataError(
                f"Cannot create the results store at {str(self.directory)!r}: {exc}"
            ) from None
        from filelock import FileLock, Timeout

        if self.lock_path.exists() and not self.lock_path.is_file():
            raise StoreError(
                f"The store's lock {str(self.lock_path)!r} is a folder or special file, not the "
                "lock file tradewinds writes; move it aside (nothing else of the store changes)."
            )
        lock = FileLock(str(self.lock_path), timeout=self.lock_timeout)
        try:
            lock.acquire()
        except Timeout:
            raise DataError(
                f"The results store {str(self.directory)!r} stayed busy for "
                f"{self.lock_timeout:.0f} s (another tradewinds process is writing). Try again, "
                f"raise ${LOCK_TIMEOUT_ENV}, or use another store with --store."
            ) from None
        except OSError as exc:  # a read-only folder or file system (Timeout, an OSError, is above)
            if not write:
                yield from self._read_only()
                return
            raise StoreError(
                f"Could not write the results store {str(self.directory)!r}: its lock file "
                f"cannot be created ({exc.strerror or exc}). Nothing was recorded. Point "
                "--store at a writable folder, or use --no-store."
            ) from None
        try:
            before = index.stamp(self.db_path) if write else None
            if write and not self.db_path.exists():
                self._create_database()
            con = self._open_database()
            try:
                if write:
                    self._ensure_schema(con)
                yield con
            except duckdb.Error as exc:
                raise self._failed(exc) from None
            finally:
                try:
                    con.close()
                except duckdb.Error:
                    log.warning("closing the results store %s failed", self.db_path)
            if write:  # reached only when the block succeeded
                runs, results = written or ((), None)
                index.update(self.directory, self.db_path, before, runs, results)
        finally:
            lock.release()

    def _read_only(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection to a store whose folder this process cannot write."""
        import duckdb

        try:
            con = duckdb.connect(str(self.db_path), read_only=True)
        except duckdb.Error as exc:
            raise self._failed(exc) from None
        try:
            yield con
        except duckdb.Error as exc:
            raise self._failed(exc) from None
        finally:
            with contextlib.suppress(duckdb.Error):
                con.close()

    def _failed(self, exc: BaseException) -> StoreError:
        """The error for a database DuckDB could not read or write: its true cause if known.

        A full disk, a file-size limit, a quota or a read-only file system make DuckDB fail
        with the system's message; those are not damage, and the store is as it was.
        """
        text = str(exc)
        for needle, cause, remedy in _IO_CAUSES:
            if needle in text:
                first = text.splitlines()[0]
                return StoreError(
                    f"Could not write the results store {str(self.directory)!r}: {cause} "
                    f"({first}). Nothing was recorded, and the runs already stored are as they "
                    f"were. {remedy}"
                )
        return self._damaged(exc)

    def _damaged(self, exc: BaseException) -> StoreError:
        """The error for a database file DuckDB cannot read: what happened and how to recover."""
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return StoreError(
            f"The results store {str(self.db_path)!r} is damaged or not a tradewinds store "
            f"({first}). Nothing was changed. To recover, move the file aside (e.g. "
            f"'mv {self.db_path} {self.db_path}.damaged') and run again to start a new store, "
            "or point --store at another directory."
        )

    def _open_database(self) -> duckdb.DuckDBPyConnection:
        import duckdb

        deadline = time.monotonic() + self.lock_timeout
        delay = 0.05
        while True:
            try:
                return duckdb.connect(str(self.db_path))
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() or _io_cause(exc):
                    raise self._failed(exc) from None
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"Cannot open the results store {str(self.db_path)!r}: {exc}"
                    ) from None
                log.info("results store held by another program; retrying in %.2f s", delay)
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
            except duckdb.Error as exc:
                raise self._failed(exc) from None

    def _create_database(self) -> None:
        """Create the database file with its schema in one step (called under the lock).

        The schema is written to a file beside it, closed (DuckDB checkpoints it on close) and
        renamed into place, so a first write interrupted at any point (a job killed when its
        client went away, say) leaves either no database or one with every table: never a file
        that readers would have to call damaged.
        """
        import duckdb

        fresh = self.db_path.with_name(self.db_path.name + ".new")
        for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
            leftover.unlink(missing_ok=True)
        try:
            con = duckdb.connect(str(fresh))
            try:
                self._ensure_schema(con)
                # Into the file itself: DuckDB may leave a small write-ahead log on close, and
                # that log (results.duckdb.new.wal) would not follow the file renamed below.
                con.execute("CHECKPOINT")
            finally:
                con.close()
        except duckdb.Error as exc:
            for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
                leftover.unlink(missing_ok=True)
            raise self._failed(exc) from None
        fresh.with_name(fresh.name + ".wal").unlink(missing_ok=True)
        os.replace(fresh, self.db_path)

    def _ensure_schema(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute("BEGIN TRANSACTION")
        for statement in _SCHEMA:
            con.execute(statement)
        con.execute(
            "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT DO NOTHING",
            [str(SCHEMA_VERSION)],
        )
        con.execute("COMMIT")
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None or int(row[0]) != SCHEMA_VERSION:
            raise DataError(
                f"The results store {str(self.db_path)!r} has schema version {row and row[0]}, "
                f"this tradewinds reads version {SCHEMA_VERSION}. Use a new store (--store)."
            )

    # -- writing -----------------------------------------------------------------------------

    def record(
        self, run: RunRecord, results: pd.DataFrame | None = None, **parts: Unpack[RunParts]
    ) -> None:
        """Write a run with its results, children (with ``child_results``) and bands atomically.

        ``results`` has the columns of ``Equilibrium.to_records()``; ``child_results`` has the
        same plus ``run_id``; ``bands`` has ``country … unit, p05, p50, p95, mean, sd, n``.
        """
        import duckdb
        import pandas as pd

        children = parts.get("children", ())
        child_results = parts.get("child_results")
        bands = parts.get("bands")

        runs = pd.DataFrame(
            [_run_row(r, seq) for seq, r in enumerate([run, *children])],
            columns=list(_RUN_COLUMNS),
        )
        frames = []
        if results is not None and len(results):
            frames.append(_result_rows(results, run.run_id))
        if child_results is not None and len(child_results):
            frames.append(_result_rows(child_results, None))
        rows = pd.concat(frames, ignore_index=True) if frames else None
        band_rows = None
        if bands is not None and len(bands):
            band_rows = bands.loc[:, list(BAND_COLUMNS)].reset_index(drop=True)
            band_rows.insert(0, "row", range(len(band_rows)))
            band_rows.insert(0, "run_id", run.run_id)
        with self._connect(write=True, written=([run, *children], results)) as con:
            assert con is not None
            con.execute("BEGIN TRANSACTION")
            try:
                con.register("runs_in", runs)
                con.execute("INSERT INTO runs SELECT * FROM runs_in")
                if rows is not None:
                    con.register("results_in", rows)
                    con.execute("INSERT INTO results SELECT * FROM results_in")
                if band_rows is not None:
                    con.register("bands_in", band_rows)
                    con.execute("INSERT INTO bands SELECT * FROM bands_in")
                if self.before_commit is not None:
                    self.before_commit()
                con.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(duckdb.Error):  # a failed COMMIT ends the transaction
                    con.execute("ROLLBACK")
                raise
        log.info(
            "recorded run %s (%d children, %d result rows) in %s",
            run.run_id,
            len(children),
            0 if rows is None else len(rows),
            self.db_path,
        )

    # -- reading -----------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Share one read connection (and one lock) among the reads made inside the block.

        Opening the database costs tens of milliseconds; serving a run from the store makes
        several reads. Per thread: other threads open their own connections as before.
        """
        if getattr(self._shared, "con", None) is not None:
            yield
            return
        with self._connect(write=False) as con:
            self._shared.con = con
            try:
                yield
            finally:
                self._shared.con = None

    def indexed_run(self, key: str) -> tuple[RunRecord, pd.DataFrame] | None:
        """The run :meth:`find_cached` would find for ``key`` and its results, from the index.

        None when the index does not hold it or does not match the database (then ask
        :meth:`find_cached`). Takes no lock and does not open DuckDB; see
        :mod:`tradewinds.store.index`.
        """
        if self.directory.exists() and not self.directory.is_dir():
            return None  # find_cached gives the error
        return index.lookup(self.directory, self.db_path, key)

    def lookup(self, key: str) -> StoredRun | None:
        """The newest successful top-level run with this cache key and its results, or None.

        Read from the index when it holds the run (no lock, no DuckDB, no pandas), else from
        the database in one read.
        """
        found = index.lookup_columns(self.directory, self.db_path, key)
        if found is not None:
            return found
        with self.reading():
            hit = self.find_cached(key)
            if hit is None:
                return None
            results = self.results(hit)
            columns = {name: results[name].tolist() for name in RECORD_COLUMNS}
            return self.get_run(hit), columns

    def find_cached(self, key: str) -> str | None:
        """Newest successful top-level run with this cache key, or ``None``."""
        with self._connect(write=False) as con:
            if con is None:
                return None
            row = con.execute(
                "SELECT run_id FROM runs WHERE cache_key = ? AND status = 'ok' "
                "ORDER BY created_at DESC, run_id DESC LIMIT 1",
                [key],
            ).fetchone()
        return None if row is None else str(row[0])

    def resolve_id(self, run_id: str) -> str:
        """Full run id from a unique prefix; one clear error if unknown or ambiguous."""
        with self._connect(write=False) as con:
            matches: list[str] = []
            recent: list[str] = []
            if con is not None:
                matches = [
                    str(r[0])
                    for r in con.execute(
                        "SELECT run_id FROM runs WHERE starts_with(run_id, ?) ORDER BY run_id",
                        [run_id],
                    ).fetchall()
                ]
                if not matches:
                    recent = [
                        str(r[0])
                        for r in con.execute(
                            "SELECT run_id FROM runs WHERE parent_id IS NULL "
                            "ORDER BY created_at DESC LIMIT 50"
                        ).fetchall()
                    ]
        if run_id in matches:
            return run_id
        shortest = min(matches, key=len) if matches else ""
        if matches and all(m.startswith(shortest) for m in matches):
            return shortest  # a run and its children: the prefix names the run

        if not matches:
            raise UnknownLabelError("run id", run_id, recent, f"the results store {self.directory}")
        raise ScenarioError(
            f"Run id prefix {run_id!r} matches {len(matches)} runs "
            f"({', '.join(matches[:4])}{' …' if len(matches) > 4 else ''}); give more characters."
        )

    def get_run(self, run_id: str) -> RunRecord:
        """The record of a run (a unique prefix of its id is enough)."""
        full = self.resolve_id(run_id)
        with self._connect(write=False) as con:
            assert con is not None
            frame = con.execute("SELECT * FROM runs WHERE run_id = ?", [full]).df()
        return _record_from_row(frame.iloc[0].to_dict())

    def _rows_of(self, run_id: str, query: str) -> pd.DataFrame:
        """The rows ``query`` selects for the run ``run_id`` names (its one ``?``), tidied."""
        full = self.resolve_id(run_id)
        with self._connect(write=False) as con:
            assert con is not None
            frame = con.execute(query, [full]).df()
        for col in ("partner",):
            if col in frame:
                frame[col] = frame[col].fillna("")
        return frame

    def results(self, run_id: str) -> pd.DataFrame:
        """Tidy results of a run, in the order they were recorded."""
        return self._rows_of(
            run_id,
            "SELECT country, partner, sector, metric, value, unit FROM results "
            "WHERE run_id = ? ORDER BY row",
        )

    def child_results(self, run_id: str) -> pd.DataFrame:
        """Tidy results of every child of a run, with a ``run_id`` column."""
        return self._rows_of(
            run_id,
            "SELECT r.run_id, r.country, r.partner, r.sector, r.metric, r.value, r.unit "
            "FROM results r JOIN runs c ON r.run_id = c.run_id WHERE c.parent_id = ? "
            "ORDER BY c.seq, r.row",
        )

    def bands(self, run_id: str) -> pd.DataFrame:
        """Percentile bands of a Monte Carlo run; empty for other kinds."""
        return self._rows_of(
            run_id, f"SELECT {', '.join(BAND_COLUMNS)} FROM bands WHERE run_id = ? ORDER BY row"
        )

    def children(self, run_id: str) -> list[RunRecord]:
        """Grid points or draws of a run, in recorded order."""
        full = self.resolve_id(run_id)
        with self._connect(write=False) as con:
            assert con is not None
            frame = con.execute("SELECT * FROM runs WHERE parent_id = ? ORDER BY seq", [full]).df()
        return [_record_from_row(row) for row in frame.to_dict(orient="records")]

    def list_runs(self, *, limit: int = 20, children: bool = False) -> pd.DataFrame:
        """Newest runs first: id, time, kind, status, title, model, hash, counts."""
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ScenarioError(f"--limit {limit!r} must be a whole number of runs, 1 or more.")
        where = "" if children else "WHERE r.parent_id IS NULL"
        with self._connect(write=False) as con:
            if con is None:
                import pandas as pd

                return pd.DataFrame(
                    columns=[
                        "run_id",
                        "created_at",
                        "kind",
                        "status",
                        "title",
                        "model",
                        "scenario_hash",
                        "children",
                        "failed_children",
                    ]
                )
            return con.execute(
                "SELECT r.run_id, r.created_at, r.kind, r.status, r.title, r.model, "
                "r.scenario_hash, count(c.run_id) AS children, "
                "count(c.run_id) FILTER (WHERE c.status <> 'ok') AS failed_children "
                f"FROM runs r LEFT JOIN runs c ON c.parent_id = r.run_id {where} "
                "GROUP BY ALL ORDER BY r.created_at DESC, r.run_id DESC LIMIT ?",
                [int(limit)],
            ).df()


#: Failures of the system under DuckDB, by the text of its message: (text, cause, remedy).
_IO_CAUSES = (
    (
        "No space left on device",
        "the disk is full",
        "Free some space, or point --store at another disk (or use --no-store).",
    ),
    (
        "File too large",
        "a file-size limit (ulimit -f) stops the file from growing",
        "Raise the limit, or point --store at another folder (or use --no-store).",
    ),
    (
        "Disk quota exceeded",
        "the disk quota is used up",
        "Free some space, or point --store at another disk (or use --no-store).",
    ),
    (
        "Read-only file system",
        "the file system is read-only",
        "Point --store at a writable folder, or use --no-store.",
    ),
    (
        "Permission denied",
        "this user may not write it",
        "Point --store at a writable folder, or use --no-store.",
    ),
)


def _io_cause(exc: BaseException) -> bool:
    """Whether ``exc`` is a failure of the system under DuckDB rather than of the database."""
    return any(needle in str(exc) for needle, _, _ in _IO_CAUSES)


def _run_row(run: RunRecord, seq: int) -> dict[str, Any]:
    row: dict[str, Any] = {name: getattr(run, name, None) for name in _RUN_COLUMNS}
    for name in _JSON_COLUMNS:
        value = getattr(run, name)
        row[name] = None if value is None else to_json(value)
    row["seq"] = seq
    return row


def _record_from_row(row: Mapping[Any, Any]) -> RunRecord:
    kwargs: dict[str, Any] = {}
    for name in _RUN_COLUMNS:
        if name == "seq":
            continue
        value = row.get(name)
        if isinstance(value, float) and value != value:  # NaN: a missing value
            value = None
        if name in _JSON_COLUMNS:
            value = None if value is None and name == "solver" else json_dict(value)
        elif value is None and name not in {"parent_id"}:
            value = ""
        kwargs[name] = value
    return RunRecord(**kwargs)


def _result_rows(frame: pd.DataFrame, run_id: str | None) -> pd.DataFrame:
    missing = [c for c in RECORD_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"Results to store lack the columns {missing}.")
    out = frame.loc[:, list(RECORD_COLUMNS)].reset_index(drop=True)
    if run_id is None:
        ids = frame["run_id"].reset_index(drop=True)
        rows = frame.groupby("run_id", sort=False, observed=True).cumcount().to_numpy()
        out.insert(0, "row", rows)
        out.insert(0, "run_id", ids)
    else:
        out.insert(0, "row", range(len(out)))
        out.insert(0, "run_id", run_id)
    out["value"] = out["value"].astype(float)
    return out


def _lock_timeout(given: float | None) -> float:
    """Seconds to wait for the store's lock: ``given``, ``$TRADEWINDS_STORE_LOCK_TIMEOUT`` or 600.

    A value that is not a finite number of seconds of at least 0 is refused (filelock reads a
    negative timeout as "wait forever").
    """
    import math

    source = "lock_timeout" if given is not None else f"${LOCK_TIMEOUT_ENV}"
    raw: object = given if given is not None else os.environ.get(LOCK_TIMEOUT_ENV) or 600.0
    try:
        value = float(str(raw).strip()) if isinstance(raw, str) else float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise ScenarioError(
            f"{source} {raw!r} is not a number of seconds; give a finite number of at least 0 "
            "(default 600)."
        )
    return value
