"""tradewinds: North American trade policy in numbers.

Tariff measures as cited data, stacked duties, and general-equilibrium trade models solved by
exact hat algebra on real trade data.
"""

from __future__ import annotations

import functools

__all__ = ["__version__"]


@functools.cache
def _version() -> str:
    # importlib.metadata costs about 50 ms to import: read it only when the version is asked for.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tradewinds")
    except PackageNotFoundError:  # running from a source tree without installation
        return "0.1.0"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _version()
    raise AttributeError(f"module 'tradewinds' has no attribute {name!r}")
