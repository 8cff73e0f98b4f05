"""General-equilibrium trade models solved in changes (exact hat algebra).

Pure numerics: no file or network access, no printing. Each model takes a validated baseline and
a shock and returns an :class:`~tradewinds.models.equilibrium.Equilibrium`.

The names below load on first use, so that a numpy kernel (``models.onesector.solve_wages``)
can be imported without xarray and pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tradewinds.models.equilibrium import Equilibrium
    from tradewinds.models.onesector import OneSectorModel, solve_one_sector

__all__ = ["Equilibrium", "OneSectorModel", "solve_one_sector"]

_HOME = {
    "Equilibrium": "tradewinds.models.equilibrium",
    "OneSectorModel": "tradewinds.models.onesector",
    "solve_one_sector": "tradewinds.models.onesector",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
