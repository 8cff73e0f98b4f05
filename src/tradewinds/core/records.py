"""Plain-data views of records, for JSON answers and keyword arguments."""

from __future__ import annotations

from typing import Any


def attributes(record: object, *names: str) -> dict[str, Any]:
    """``{name: record.<name>}`` for each of ``names``, in that order (fields or properties)."""
    return {name: getattr(record, name) for name in names}
