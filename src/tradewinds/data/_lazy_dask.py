"""Keep xarray from importing dask when no dask array is in play.

xarray asks "is this a dask array?" whenever it builds a variable, and to answer it imports
``dask.array`` (about 0.4 s) as soon as dask is installed, although tradewinds never puts dask
arrays in a Dataset (it uses ``dask.distributed`` only to farm out whole solves). An object can
only be a dask array once ``dask.array`` has been imported, so the answer "not while
``dask.array`` is not in ``sys.modules``, else ``isinstance(obj, dask.array.Array)``" is exact.

:func:`install` gives xarray that answer through its cache of duck-array modules. If xarray's
internals differ from what is expected here, it does nothing and xarray imports dask as before:
only start-up time is at stake, never a result. The same holds for xarray's "is this a dask
collection?", which imports ``dask.base``: none can exist before ``dask.base`` is imported.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

logger = logging.getLogger(__name__)


class _DaskArrayCheck(type):
    """``isinstance(obj, DaskArray)`` without importing dask."""

    def __instancecheck__(cls, obj: object) -> bool:
        module = sys.modules.get("dask.array")
        return module is not None and isinstance(obj, module.Array)

    def __subclasscheck__(cls, sub: type) -> bool:
        module = sys.modules.get("dask.array")
        return module is not None and issubclass(sub, module.Array)


class DaskArray(metaclass=_DaskArrayCheck):
    """Stands for ``dask.array.Array`` in xarray's type checks until dask is imported."""


class _LazyDaskModule:
    """What xarray caches for "dask": the module and version are read on first use."""

    type = (DaskArray,)

    @property
    def module(self) -> Any:
        import dask

        return dask

    @property
    def version(self) -> Any:
        from packaging.version import Version

        return Version(self.module.__version__)

    @property
    def available(self) -> bool:
        import importlib.util

        return importlib.util.find_spec("dask") is not None


def install() -> None:
    """Put the lazy "dask" entry in xarray's duck-array cache (once; harmless if it cannot)."""
    if "dask.array" in sys.modules:
        return
    try:
        from xarray.namedarray import pycompat
    except ImportError:  # pragma: no cover - xarray is a dependency
        return
    cache = getattr(pycompat, "_cached_duck_array_modules", None)
    if not isinstance(cache, dict):
        logger.debug("xarray has no duck-array cache; dask is imported as usual")
        return
    cache.setdefault("dask", _LazyDaskModule())
    # "is it a dask collection?" imports dask.base; none exists before dask.base is imported
    from xarray.core import utils as core_utils
    from xarray.namedarray import utils as named_utils

    original = getattr(named_utils, "is_dask_collection", None)
    if original is None or getattr(original, "_tradewinds_lazy", False):
        return

    def is_dask_collection(x: object) -> bool:
        return "dask.base" in sys.modules and bool(original(x))

    is_dask_collection._tradewinds_lazy = True  # type: ignore[attr-defined]
    for module in (named_utils, core_utils):
        if getattr(module, "is_dask_collection", None) is original:
            module.is_dask_collection = is_dask_collection  # type: ignore[attr-defined]
