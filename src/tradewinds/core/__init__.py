"""Core: errors, dimension names and shared types. Imports nothing else from tradewinds."""

from tradewinds.core.errors import (
    ConvergenceError,
    DataError,
    MeasureConflictError,
    ScenarioError,
    TradewindsError,
    UnknownLabelError,
)
from tradewinds.core.solver import SolverReport

__all__ = [
    "ConvergenceError",
    "DataError",
    "MeasureConflictError",
    "ScenarioError",
    "SolverReport",
    "TradewindsError",
    "UnknownLabelError",
]
