"""Scenario files: schema, loading and the runner shared by every front end."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tradewinds.scenarios.schema import Scenario, load_scenario

if TYPE_CHECKING:
    from tradewinds.scenarios.runner import run_scenario

__all__ = ["Scenario", "load_scenario", "run_scenario"]


def __getattr__(name: str) -> Any:
    # the runner (xarray, pandas) loads on first use: reading a scenario file does not need it
    if name == "run_scenario":
        from tradewinds.scenarios.runner import run_scenario

        return run_scenario
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
