"""Where the results store lives: ``--store PATH``, ``$TRADEWINDS_STORE``, or the user data dir."""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable naming the store directory.
ENV_VAR = "TRADEWINDS_STORE"

#: File name of the DuckDB database inside the store directory.
DB_NAME = "results.duckdb"

#: File name of the writer lock beside it.
LOCK_NAME = "results.lock"


def default_store_dir() -> Path:
    """The platform's user data directory (``~/.local/share/tradewinds`` on Linux)."""
    from platformdirs import user_data_path

    return Path(user_data_path("tradewinds", appauthor=False))


def resolve_store_dir(path: str | Path | None = None) -> Path:
    """The store directory: ``path`` if given, else ``$TRADEWINDS_STORE``, else the default.

    A path ending in ``.duckdb`` names the database file itself; its folder is the store.
    """
    chosen = path if path not in (None, "") else os.environ.get(ENV_VAR) or None
    if chosen is None:
        return default_store_dir()
    p = Path(chosen).expanduser()
    return p.parent if p.suffix == ".duckdb" else p
