"""Tariff measures as cited, time-versioned data: registry, stacking, duties, origin checks.

``load_registry`` reads the packaged YAML records (and user files); ``calculate`` stacks the
duties of one shipment; ``calculate_batch`` does the same for a table of lines; the effective
rates over time and the sector tariff tables for the models live in ``etr`` and ``shocks``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tradewinds.measures.duty import DutyResult, Layer, calculate
    from tradewinds.measures.registry import Registry, load_registry
    from tradewinds.measures.schema import Measure, PrecedenceRule
    from tradewinds.measures.warnings import CoverageWarning, TradewindsWarning

#: Where each public name lives; imported on first use, so that importing a submodule (say
#: ``tradewinds.measures.registry``) does not load the whole package.
_EXPORTS = {
    "DutyResult": "duty",
    "Layer": "duty",
    "calculate": "duty",
    "Registry": "registry",
    "load_registry": "registry",
    "Measure": "schema",
    "PrecedenceRule": "schema",
    "CoverageWarning": "warnings",
    "TradewindsWarning": "warnings",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"tradewinds.measures.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'tradewinds.measures' has no attribute {name!r}")


__all__ = [
    "CoverageWarning",
    "DutyResult",
    "Layer",
    "Measure",
    "PrecedenceRule",
    "Registry",
    "TradewindsWarning",
    "calculate",
    "load_registry",
]
