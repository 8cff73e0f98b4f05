"""The results store: every run, its scenario, provenance and tidy results, in embedded DuckDB."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tradewinds.store.location import ENV_VAR, default_store_dir, resolve_store_dir

if TYPE_CHECKING:
    from tradewinds.store.database import ResultsStore

__all__ = ["ENV_VAR", "ResultsStore", "default_store_dir", "resolve_store_dir"]


def __getattr__(name: str) -> Any:
    # the database layer loads on first use: a hit served from the index does not need it
    if name == "ResultsStore":
        from tradewinds.store.database import ResultsStore

        return ResultsStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
