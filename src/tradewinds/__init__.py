"""tradewinds: North American trade policy in numbers.

Tariff measures as cited data, stacked duties, and general-equilibrium trade models solved by
exact hat algebra on real trade data.
"""

from __future__ import annotations

# a constant, not importlib.metadata (about 35 ms to import): the version is part of every
# run's cache key, and a store hit should cost little more than starting Python
from tradewinds._version import __version__

__all__ = ["__version__"]
