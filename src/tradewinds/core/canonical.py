"""Canonical JSON: the one text form that hashes, cache keys and stored columns are built from."""

from __future__ import annotations

import json
import sys
from typing import Any


def to_json(value: Any) -> str:
    """Canonical JSON (sorted keys, numpy scalars as Python numbers)."""
    return _ENCODER.encode(value)


def _plain(value: Any) -> Any:
    np = sys.modules.get("numpy")  # a numpy value means numpy is loaded: never import it here
    if np is not None and isinstance(value, np.generic):
        return value.item()
    if np is not None and isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


# what json.dumps(value, sort_keys=True, separators=(",", ":"), default=_plain) builds per call
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=_plain)
