"""What a run leaves behind: the :class:`RunRecord`, its identity, and where it is kept.

The scenarios layer computes; it does not know about databases. It describes each run as a
:class:`RunRecord` plus tidy results and hands them to a :class:`ResultsSink` (implemented by
:class:`tradewinds.store.ResultsStore`). The same sink answers "was this exact run done
already?" through :meth:`ResultsSink.find_cached`, keyed by :func:`cache_key`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import secrets
import stat
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypedDict

from tradewinds import __version__
from tradewinds.core.canonical import to_json

if TYPE_CHECKING:
    import pandas as pd
    from typing_extensions import Unpack

    from tradewinds.scenarios.schema import Scenario

#: Kinds of run: a single scenario, a sweep and its grid points, a Monte Carlo and its draws.
RunKind = Literal["run", "sweep", "point", "montecarlo", "draw"]
RunStatus = Literal["ok", "failed"]

#: Columns of the tidy results every run stores (``Equilibrium.to_records()``).
RECORD_COLUMNS = ("country", "partner", "sector", "metric", "value", "unit")
#: Columns that identify a record (all but the value).
KEY_COLUMNS = ("country", "partner", "sector", "metric", "unit")


def new_run_id() -> str:
    """A short, time-sortable, unique run id such as ``20261123-105030-3fa9c1d2``."""
    now = dt.datetime.now(dt.UTC)
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(4)}"


def child_id(parent_id: str, letter: str, index: int) -> str:
    """Id of a sweep point (``p``) or draw (``d``): ``<parent>.p0003``."""
    return f"{parent_id}.{letter}{index:04d}"


def utc_now() -> str:
    """Current time in ISO 8601, UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def scenario_yaml(scenario: Scenario) -> str:
    """YAML text of a scenario's canonical form, for runs that have no file of their own."""
    return yaml_text(scenario.canonical())


def yaml_text(data: Any) -> str:
    """YAML text of plain data, keys in their order, as :func:`scenario_yaml` writes it.

    Written by libyaml's emitter where PyYAML has it (the same text as the pure-Python one for
    every bundled scenario, in an eighth of the time: a sweep writes one per grid point).
    """
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True)


@functools.cache
def code_fingerprint() -> str:
    """SHA-256 of the installed package's code and packaged data (computed once per process).

    The version number alone does not change between commits of a development tree, so a
    stored answer computed by older code would otherwise be served as current.

    Reading and hashing every file costs more than a small solve, so the hash is kept in the
    user cache (:mod:`tradewinds.core.cache`) under a key made of each file's path, size,
    modification time and inode: any file that is added, removed, rewritten or touched gives a
    new key and the contents are hashed again (the check ``make`` and git's index rely on).
    While a file is younger than two seconds (it could change again within one tick of the
    file system's clock), the contents are hashed every time and nothing is kept.
    """
    return fingerprint(Path(__file__).resolve().parents[1])


def fingerprint(root: Path) -> str:
    """:func:`code_fingerprint` of the package files under ``root``."""
    from tradewinds.core.cache import cached

    entries = _package_entries(root)
    listing = hashlib.sha256()
    for parts, st in entries:
        listing.update(f"{'/'.join(parts)}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n".encode())
    files = [root.joinpath(*parts) for parts, _ in entries]
    newest = max((st.st_mtime_ns for _, st in entries), default=0)
    if time.time_ns() - newest < RACY_NS:
        # a file written this recently could be written again within the same clock tick,
        # keeping its size and time: hash the contents and keep nothing (as git's index does)
        return _content_fingerprint(root, files)
    return cached(
        "code-fingerprint",
        [],
        lambda: _content_fingerprint(root, files),
        extra=f"{root}|{listing.hexdigest()}",
    )


#: Files modified less than this long ago (ns) are hashed every time (see code_fingerprint).
RACY_NS = 2_000_000_000
#: What counts as package code and data.
_SUFFIXES = frozenset({".py", ".yaml", ".csv", ".gz", ".nc", ".json"})


def _package_entries(root: Path) -> list[tuple[tuple[str, ...], os.stat_result]]:
    """Path parts (relative to ``root``) and stat of each package file, in path order."""
    out = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [d for d in subfolders if d != "__pycache__"]
        rel = os.path.relpath(folder, root)
        parts = () if rel == os.curdir else tuple(rel.split(os.sep))
        for name in names:
            if os.path.splitext(name)[1] in _SUFFIXES:
                st = os.stat(os.path.join(folder, name))
                if stat.S_ISREG(st.st_mode):
                    out.append(((*parts, name), st))
    out.sort(key=lambda entry: entry[0])
    return out


def _package_files(root: Path) -> list[Path]:
    """The package files under ``root``, in path order."""
    return [root.joinpath(*parts) for parts, _ in _package_entries(root)]


def _content_fingerprint(root: Path, files: list[Path]) -> str:
    """SHA-256 over the files' paths (relative to ``root``) and contents."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(kind: RunKind, scenario_hash: str, baseline_hash: str, **settings: Any) -> str:
    """Identity of a computation: same key means the stored answer can be served.

    It covers the kind of run, the scenario hash, the baseline contents, the package version,
    a fingerprint of the package's code and data, and any run settings (sweep grid, Monte Carlo
    distribution and seed).
    """
    payload = {
        "kind": kind,
        "scenario": scenario_hash,
        "baseline": baseline_hash,
        "version": __version__,
        "code": code_fingerprint(),
        "settings": settings,
    }
    return hashlib.sha256(to_json(payload).encode()).hexdigest()


@dataclass(frozen=True)
class RunRecord:
    """Everything the store keeps about one run, except its tidy results.

    Attributes
    ----------
    run_id, parent_id
        Identity; draws and grid points point at their Monte Carlo or sweep parent.
    kind, status, error
        What ran and how it ended (``failed`` runs keep the error and solver report).
    title, scenario_hash, scenario_yaml, scenario_json
        The scenario as written (YAML text) and in canonical JSON, with its SHA-256.
    baseline, baseline_hash, baseline_attrs
        The baseline as named, its content hash and its ``attrs`` (units, year, provenance).
    package_version, model, params, solver
        Code version, model name, model parameters and ``SolverReport.to_dict()``.
    settings
        Sweep grid or Monte Carlo settings; drawn parameters for a draw.
    timings
        Seconds spent per step (``baseline``, ``solve``, ``records``, ``total`` …).
    cache_key, created_at
        See :func:`cache_key`; ISO UTC time of recording.
    """

    run_id: str
    kind: RunKind
    title: str
    scenario_hash: str
    scenario_yaml: str
    scenario_json: str
    baseline: str
    baseline_hash: str
    model: str
    status: RunStatus = "ok"
    error: str = ""
    parent_id: str | None = None
    baseline_attrs: dict[str, Any] = field(default_factory=dict)
    package_version: str = __version__
    params: dict[str, Any] = field(default_factory=dict)
    solver: dict[str, Any] | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    cache_key: str = ""
    created_at: str = field(default_factory=utc_now)


#: Tidy results as plain columns (``RECORD_COLUMNS`` -> values), as a store hit reads them.
Columns = Mapping[str, Sequence[Any]]
#: A run found in a sink by its cache key: its record and its tidy results.
StoredRun = tuple[RunRecord, Columns]


class RunParts(TypedDict, total=False):
    """What a run is recorded with besides its own results (all optional).

    ``children``: grid points or draws; ``child_results``: their tidy results with a
    ``run_id`` column; ``bands``: Monte Carlo percentile bands.
    """

    children: Sequence[RunRecord]
    child_results: pd.DataFrame | None
    bands: pd.DataFrame | None


class ResultsSink(Protocol):
    """Where runs are recorded and found (implemented by :class:`tradewinds.store.ResultsStore`).

    :func:`~tradewinds.scenarios.execute.execute` is given a sink (or none) by its caller; it
    asks :meth:`lookup` before solving and :meth:`record` after.
    """

    def lookup(self, key: str) -> StoredRun | None:
        """The newest successful top-level run with this cache key and its results, or None."""
        ...

    def find_cached(self, key: str) -> str | None:
        """Run id of a successful run with this cache key, newest first, or ``None``."""
        ...

    def record(
        self, run: RunRecord, results: pd.DataFrame | None = None, **parts: Unpack[RunParts]
    ) -> None:
        """Write a run, its results, children (results with a ``run_id``) and bands atomically."""
        ...

    def get_run(self, run_id: str) -> RunRecord:
        """The record of a run (unique id prefixes accepted)."""
        ...

    def results(self, run_id: str) -> pd.DataFrame:
        """Tidy results of a run."""
        ...

    def child_results(self, run_id: str) -> pd.DataFrame:
        """Tidy results of every child of a run, with a ``run_id`` column."""
        ...

    def bands(self, run_id: str) -> pd.DataFrame:
        """Percentile bands of a Monte Carlo run (empty for other runs)."""
        ...

    def children(self, run_id: str) -> list[RunRecord]:
        """Grid points or draws of a run, in the order they were drawn."""
        ...


def json_dict(text: str | None) -> dict[str, Any]:
    """Decode a JSON object column (empty for ``None``)."""
    if not text:
        return {}
    value = json.loads(text)
    return value if isinstance(value, dict) else {"value": value}


def plain_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Model parameters as JSON-able data."""
    return dict(json.loads(to_json(dict(params))))
