"""Tariff measures as cited, time-versioned data: registry, stacking, duties, origin checks.

``load_registry`` reads the packaged YAML records (and user files); ``calculate`` stacks the
duties of one shipment; ``calculate_batch`` does the same for a table of lines; the effective
rates over time and the sector tariff tables for the models live in ``etr`` and ``shocks``.
"""

from tradewinds.measures.duty import DutyResult, Layer, calculate
from tradewinds.measures.registry import Registry, load_registry
from tradewinds.measures.schema import Measure, PrecedenceRule
from tradewinds.measures.warnings import CoverageWarning, TradewindsWarning

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
