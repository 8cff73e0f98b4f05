"""A compact binary cache of parsed packaged data (the measure registry, the HTS table).

Parsing the registry YAML and validating it costs far more than a command that uses it. The
parsed object is pickled under the user cache directory (``~/.cache/tradewinds`` on Linux, or
``$TRADEWINDS_CACHE``; ``TRADEWINDS_CACHE=off`` disables it). The file name carries a hash of

- the *contents* of every source file (so an edited YAML file invalidates it, whatever its
  timestamp),
- the *code* that turns them into the object (the source text of the named modules), and
- the Python and library versions the pickle depends on.

A cache file that cannot be read (truncated, corrupt, from an incompatible library) is logged and
rebuilt; a cache directory that cannot be written is logged and the object is built each time.
The cache never changes an answer and never turns into an error. The files are the user's own
(pickle executes code on load): the directory is created with mode 0700.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

logger = logging.getLogger(__name__)

#: Environment variable naming the cache directory; ``off`` disables the cache.
ENV_VAR = "TRADEWINDS_CACHE"

T = TypeVar("T")


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
    digest.update(f"{sys.version}|{extra}".encode())
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
    path = directory / f"{name}-{content_key(sources, code, extra)}.pickle"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)  # type: ignore[no-any-return]
    except FileNotFoundError:
        pass
    except Exception as exc:
        logger.warning("Cache file %s is unreadable (%s); rebuilding it.", path, exc)
    value = build()
    _store(directory, name, path, value)
    return value


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
