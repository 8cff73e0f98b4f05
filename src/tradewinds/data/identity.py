"""A baseline's identity: the hash of its labels, values and attributes, and its plain attributes.

The results store keys every run by this hash (a run on changed data is a different run), and
the cached arrays of a run carry it (:mod:`tradewinds.data.arrays`), so both read it here.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from tradewinds.core.canonical import to_json

if TYPE_CHECKING:
    import xarray as xr


def baseline_digest(ds: xr.Dataset) -> str:
    """SHA-256 of a baseline's labels, values and attributes: its identity in the store."""
    import numpy as np

    h = hashlib.sha256()
    for name in sorted(map(str, ds.variables)):
        var = ds.variables[name]
        h.update(f"{name}{var.dims}".encode())
        arr = np.asarray(var.values)
        if arr.dtype.kind in "OUS":
            h.update(to_json([str(v) for v in arr.ravel()]).encode())
        else:
            h.update(str(arr.dtype).encode())
            h.update(np.ascontiguousarray(arr).tobytes())
    h.update(to_json({str(k): v for k, v in ds.attrs.items()}).encode())
    return h.hexdigest()


def baseline_attrs(ds: xr.Dataset) -> dict[str, Any]:
    """The baseline's ``attrs`` as plain data; the provenance JSON string is decoded."""
    out: dict[str, Any] = {}
    for key, value in ds.attrs.items():
        if key == "provenance" and isinstance(value, str):
            try:
                out[key] = json.loads(value)
                continue
            except json.JSONDecodeError:
                pass
        out[str(key)] = json.loads(to_json(value))
    return out
