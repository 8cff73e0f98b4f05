"""A compact binary cache of parsed packaged data (the measure registry, the HTS table).

Parsing the registry YAML and validating it costs far more than a command that uses it. The
parsed object is pickled under the user cache directory (``~/.cache/tradewinds`` on Linux, or
``$TRADEWINDS_CACHE``; ``TRADEWINDS_CACHE=off`` disables it). The file name carries a hash of

- the *contents* of every source file (so an edited YAML file invalidates it, whatever its
  timestamp),
- the *code* that turns them into the object (the source text of the named modules), and
- the Python and library versions the pickle depends on.

A cache file that cannot be read (truncated, corrupt, from an incompatible library, or a pickle
that is not one of this module's records for that name and key) is logged and rebuilt; a cache
directory that cannot be written is logged and the object is built each time. The cache never
changes an answer and never turns into an error.

Pickle executes code on load, so only files this user wrote are read: the directory is created
with mode 0700, and a directory or file owned by another user, or writable by the group or by
others (a cache pointed at ``/tmp``, say), is neither read nor written (a warning says so once).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

logger = logging.getLogger(__name__)

#: Environment variable naming the cache directory; ``off`` disables the cache.
ENV_VAR = "TRADEWINDS_CACHE"

T = TypeVar("T")

#: Tag of a cache record, and the version of its layout (part of every key).
RECORD = "tradewinds-cache-v2"

#: Directories already reported as untrusted (one warning per directory and process).
_WARNED: set[Path] = set()


def cache_dir() -> Path | None:
    """The cache directory, or None when the cache is disabled."""
    chosen = os.environ.get(ENV_VAR)
    if chosen is not None and chosen.strip().lower() in ("off", "0", "no", "false"):
        return None
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_cache_path

    return Path(user_cache_path("tradewinds", appauthor=False))


def _module_files(modules: Iterable[str]) -> list[Path]:
    files = []
    for name in modules:
        module = sys.modules.get(name)
        origin = getattr(module, "__file__", None)
        if origin is None:
            import importlib.util

            spec = importlib.util.find_spec(name)
            origin = spec.origin if spec is not None else None
        if origin is not None:
            files.append(Path(origin))
    return files


def content_key(sources: Sequence[Path], code: Iterable[str] = (), extra: str = "") -> str:
    """Hash of the sources' contents, the source text of modules ``code`` and ``extra``."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{sys.version}|{RECORD}|{extra}".encode())
    for path in [*sources, *_module_files(code)]:
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def cached(
    name: str,
    sources: Sequence[Path],
    build: Callable[[], T],
    *,
    code: Iterable[str] = (),
    extra: str = "",
) -> T:
    """``build()``, or its pickled result from an earlier call with identical inputs."""
    directory = cache_dir()
    if directory is None:
        return build()
    key = content_key(sources, code, extra)
    path = directory / f"{name}-{key}.pickle"
    if not _trusted_dir(directory):
        return build()
    try:
        return _load(path, name, key)  # type: ignore[return-value]
    except FileNotFoundError:
        pass
    except Exception as exc:
        logger.warning("Cache file %s is unreadable (%s); rebuilding it.", path, exc)
    value = build()
    _store(directory, name, path, (RECORD, name, key, value))
    return value


def _unsafe(info: os.stat_result) -> str | None:
    """Why a file or directory with this status may hold another user's pickle, if it may."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    if uid is not None and info.st_uid != uid:
        return f"it belongs to user id {info.st_uid}, not to this user ({uid})"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"it is writable by other users (mode {stat.filemode(info.st_mode)})"
    return None


def _trusted_dir(directory: Path) -> bool:
    """Whether ``directory`` (if it exists) is this user's and writable by no one else."""
    try:
        info = directory.stat()
    except FileNotFoundError:
        return True  # created by _store with mode 0700
    except OSError as exc:
        logger.info("Cannot use cache directory %s (%s); continuing without it.", directory, exc)
        return False
    why = _unsafe(info)
    if why is not None:
        if directory not in _WARNED:
            _WARNED.add(directory)
            logger.warning(
                "Not using cache directory %s: %s, and a cache file is code that runs when "
                "loaded. Point %s at a folder of your own (mode 0700).",
                directory,
                why,
                ENV_VAR,
            )
        return False
    return True


class _UntrustedCacheFile(Exception):
    pass


def _load(path: Path, name: str, key: str) -> object:
    """The value of this user's cache record at ``path`` (no symlink, nobody else's file)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise _UntrustedCacheFile("it is not a regular file")
        why = _unsafe(info)
        if why is not None:
            raise _UntrustedCacheFile(why)
        record = pickle.load(fh)
    if not isinstance(record, tuple) or len(record) != 4 or record[:3] != (RECORD, name, key):
        raise _UntrustedCacheFile(f"it holds a {type(record).__name__}, not this cache's record")
    return record[3]


#: Versions of one object kept side by side (several checkouts or versions may share the cache).
KEEP = 4


def _prune(directory: Path, name: str) -> None:
    """Remove all but the ``KEEP - 1`` most recently used versions of ``name``."""
    versions = []
    # NAME-<32 hex digits>.pickle exactly: "baseline-x" must not prune "baseline-x-y"'s files
    own = re.compile(re.escape(name) + r"-[0-9a-f]{32}\.pickle")
    for old in directory.glob(f"{name}-*.pickle"):
        if not own.fullmatch(old.name):
            continue
        try:
            versions.append((old.stat().st_mtime, old))
        except OSError:  # removed meanwhile by another process
            continue
    for _, old in sorted(versions, reverse=True)[KEEP - 1 :]:
        old.unlink(missing_ok=True)


def _store(directory: Path, name: str, path: Path, value: object) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        _prune(directory, name)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}-", suffix=".tmp")
    except OSError as exc:
        logger.info("Cannot write cache file %s (%s); continuing without it.", path, exc)
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception as exc:
        logger.info("Cannot write cache file %s (%s); continuing without it.", path, exc)
        Path(tmp).unlink(missing_ok=True)
