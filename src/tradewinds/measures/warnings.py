"""Warnings tradewinds emits, with a stack level that points at the user's code."""

from __future__ import annotations

import inspect
import warnings
from pathlib import Path

import tradewinds

_PACKAGE_DIR = str(Path(tradewinds.__file__).resolve().parent)


class TradewindsWarning(UserWarning):
    """Root of the warnings tradewinds emits."""


class CoverageWarning(TradewindsWarning):
    """A query goes past the date up to which the measure registry is known to be complete."""


def _stack_level() -> int:
    """The stack level of the first frame outside the tradewinds package (as xarray does)."""
    frame = inspect.currentframe()
    level = 0
    while frame is not None:
        if not str(Path(frame.f_code.co_filename).resolve()).startswith(_PACKAGE_DIR):
            break
        frame = frame.f_back
        level += 1
    return max(level, 1)


def warn(message: str, category: type[TradewindsWarning] = TradewindsWarning) -> None:
    """Issue ``message`` as a warning attributed to the caller outside tradewinds."""
    warnings.warn(message, category, stacklevel=_stack_level())
