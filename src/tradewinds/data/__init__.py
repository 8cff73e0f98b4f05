"""Baseline datasets, their validation, loaders and aggregation.

The names below load on first use (they need xarray), so that :mod:`tradewinds.data.arrays`
serves a bundled baseline's arrays without it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tradewinds.data.baseline import (
        aggregate,
        countries,
        expenditure,
        income,
        make_baseline,
        tariff_revenue,
        validate_baseline,
    )
    from tradewinds.data.loaders import load_baseline

__all__ = [
    "aggregate",
    "countries",
    "expenditure",
    "income",
    "load_baseline",
    "make_baseline",
    "tariff_revenue",
    "validate_baseline",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        home = "loaders" if name == "load_baseline" else "baseline"
        return getattr(importlib.import_module(f"tradewinds.data.{home}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
