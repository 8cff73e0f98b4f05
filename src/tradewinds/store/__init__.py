"""The results store: every run, its scenario, provenance and tidy results, in embedded DuckDB."""

from tradewinds.store.database import ResultsStore
from tradewinds.store.location import ENV_VAR, default_store_dir, resolve_store_dir

__all__ = ["ENV_VAR", "ResultsStore", "default_store_dir", "resolve_store_dir"]
