"""A small index of recent runs beside the database, so that a store hit does not open DuckDB.

Serving a run from the store used to cost more than solving it again: importing DuckDB and
opening the database take longer than an 11-region solve. ``results.index.json`` beside
``results.duckdb`` holds, for the newest successful top-level runs with few result rows, what a
hit returns: the run record and its tidy results, keyed by cache key. DuckDB stays the source of
truth:

- The index is rewritten (to a temporary file, then renamed) by every write of the store, while
  the writer holds the store's file lock and after the database is closed. It records a *stamp*
  of the database: size, modification time, inode and change time of ``results.duckdb`` and of
  its write-ahead log.
- A reader uses the index only if the stamp it records equals the stamp of the database as it
  is now (read after the index). Any other change to the database (a writer that does not know
  the index, the ``duckdb`` shell, a damaged or replaced file) changes the stamp, and the reader
  goes to DuckDB as before, where a damaged database gives the usual error.
- A write carries the entries of the previous index forward only if that index was current
  before the write; otherwise it starts a new one. An entry is the same run the database query
  of :meth:`~tradewinds.store.ResultsStore.find_cached` returns (newest ``created_at``, then
  run id); a newer run with the same key that the index cannot hold removes the entry.

- Each entry carries a SHA-256 digest of its run and results as the writer wrote them, and a
  reader serves an entry only if the digest of what it read matches. The stamp proves that the
  database has not changed since the index was written; the digest proves that the entry is the
  one written then (an index edited by hand or damaged on disk, with the database untouched,
  matches its stamp but not its digests). Whoever can write the store directory can also
  rewrite the database, so the digest guards against damage and edits, not against forgery.

An unreadable index or entry is ignored; an index that cannot be written is removed or left
stale (and so ignored). The index never changes an answer, only where it is read from.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradewinds.core.canonical import to_json
from tradewinds.scenarios.recording import RECORD_COLUMNS, RunRecord

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

#: File name of the index inside the store directory.
INDEX_NAME = "results.index.json"
#: Layout of the index file; another value is ignored.
FORMAT = 2
#: Result rows the index holds in all (newest runs first), so that reading it stays cheap;
#: a run with more rows is served from DuckDB only. The 11-region default has about 400.
MAX_ROWS = 5_000
#: Runs kept in the index at most, newest first.
MAX_RUNS = 32


def stamp(db_path: Path) -> list[list[int]] | None:
    """Size, mtime, inode and ctime of the database and its write-ahead log (None: no database)."""
    out: list[list[int]] = []
    for path in (db_path, db_path.with_name(db_path.name + ".wal")):
        try:
            st = os.stat(path)
        except FileNotFoundError:
            if path == db_path:
                return None
            out.append([])
            continue
        out.append([st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns])
    return out


def _read(directory: Path) -> dict[str, Any] | None:
    path = directory / INDEX_NAME
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            # a FIFO or device would block the read: the index is only a cache, so it is left
            # unread (the database is read instead, and refuses a special file itself)
            log.info("ignoring the store index %s: not a regular file", path)
            return None
        with path.open("rb") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.info("ignoring the store index in %s (%s)", directory, exc)
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    return data


def current_runs(directory: Path, db_path: Path) -> dict[str, Any] | None:
    """The index's runs by cache key, if the index describes the database as it is now."""
    data = _read(directory)
    if data is None:
        return None
    now = stamp(db_path)  # after reading the index: the database is in the state it describes
    if now is None or data.get("stamp") != now:
        return None
    runs = data.get("runs")
    return runs if isinstance(runs, dict) else None


def lookup(directory: Path, db_path: Path, key: str) -> tuple[RunRecord, pd.DataFrame] | None:
    """The run a store hit on ``key`` returns, with its results, or None (ask DuckDB)."""
    found = lookup_columns(directory, db_path, key)
    if found is None:
        return None
    import pandas as pd

    record, columns = found
    frame = pd.DataFrame(columns)
    frame["value"] = frame["value"].astype(float)
    return record, frame


def lookup_columns(
    directory: Path, db_path: Path, key: str
) -> tuple[RunRecord, dict[str, list[Any]]] | None:
    """:func:`lookup` with the results as columns of plain values (no pandas)."""
    runs = current_runs(directory, db_path)
    entry = None if runs is None else runs.get(key)
    if not isinstance(entry, dict):
        return None
    try:
        if entry.get("digest") != _digest(entry["run"], entry["results"]):
            raise ValueError("its checksum does not match its content")
        record = RunRecord(**entry["run"])
        stored = entry["results"]
        columns = {name: list(stored[name]) for name in RECORD_COLUMNS}
        if len({len(values) for values in columns.values()}) != 1:
            raise ValueError("columns of different lengths")
    except (KeyError, TypeError, ValueError) as exc:
        log.info("ignoring a damaged store index entry (%s)", exc)
        return None
    return record, columns


def _digest(run: Any, results: Any) -> str:
    """SHA-256 of an entry's run and results in a canonical JSON form."""
    text = json.dumps([run, results], sort_keys=True, separators=(",", ":"), allow_nan=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _entry(run: RunRecord, results: pd.DataFrame) -> dict[str, Any] | None:
    """What :func:`lookup` returns for ``run``, as JSON data; None if a label is not text."""
    columns: dict[str, list[Any]] = {}
    for name in RECORD_COLUMNS:
        values = results[name]
        if name == "partner":
            values = values.fillna("")  # as ResultsStore.results reads it
        columns[name] = values.astype(float).tolist() if name == "value" else values.tolist()
        if name != "value" and not all(isinstance(v, str) for v in columns[name]):
            return None
    stored = json.loads(to_json(dataclasses.asdict(run)))
    return {"run": stored, "results": columns, "digest": _digest(stored, columns)}


def _newer(a: RunRecord, b: dict[str, Any]) -> bool:
    """Whether run ``a`` comes before the indexed run ``b`` in find_cached's order."""
    return (a.created_at, a.run_id) > (str(b.get("created_at")), str(b.get("run_id")))


def update(
    directory: Path,
    db_path: Path,
    before: list[list[int]] | None,
    written: Sequence[RunRecord],
    results: pd.DataFrame | None,
) -> None:
    """Rewrite the index after a committed write of runs ``written`` (the first with ``results``).

    Called with the store's file lock held and the database closed; ``before`` is the stamp
    taken under the lock before the database was opened.
    """
    old = _read(directory)
    runs: dict[str, Any] = {}
    if old is not None and before is not None and old.get("stamp") == before:
        runs = dict(old.get("runs") or {})
    for k, run in enumerate(written):
        if run.status != "ok" or not run.cache_key:
            continue
        held = runs.get(run.cache_key)
        if isinstance(held, dict) and not _newer(run, held.get("run", {})):
            continue
        entry = None
        if k == 0 and run.kind == "run" and run.parent_id is None and results is not None:
            entry = _entry(run, results) if len(results) <= MAX_ROWS else None
        if entry is not None:
            runs[run.cache_key] = entry
        else:
            runs.pop(run.cache_key, None)  # the database now holds a newer run for this key
    newest = sorted(runs.items(), key=lambda kv: str(kv[1]["run"]["created_at"]), reverse=True)
    kept: dict[str, Any] = {}
    rows = 0
    for key, entry in newest[:MAX_RUNS]:
        rows += len(entry["results"]["value"])
        if rows > MAX_ROWS:
            break
        kept[key] = entry
    data = {"format": FORMAT, "stamp": stamp(db_path), "runs": kept}
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".index-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, separators=(",", ":"))
            os.chmod(tmp, os.stat(db_path).st_mode & 0o666)  # readable by whoever reads the db
            os.replace(tmp, directory / INDEX_NAME)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.warning("cannot write the store index in %s (%s); hits read DuckDB", directory, exc)
        with contextlib.suppress(OSError):  # a stale index is ignored anyway
            (directory / INDEX_NAME).unlink(missing_ok=True)
