"""tradewinds: North American trade policy in numbers.

Tariff measures as cited data, stacked duties, and general-equilibrium trade models solved by
exact hat algebra on real trade data.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tradewinds")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.1.0"

__all__ = ["__version__"]
