"""Scenario files: schema, loading and the runner shared by every front end."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tradewinds.scenarios.runner import run_scenario
    from tradewinds.scenarios.schema import Scenario, load_scenario

__all__ = ["Scenario", "load_scenario", "run_scenario"]


def __getattr__(name: str) -> Any:
    # the runner (xarray, pandas) and the schema (pydantic) load on first use: a scenario
    # served from the store needs neither
    if name == "run_scenario":
        from tradewinds.scenarios.runner import run_scenario

        return run_scenario
    if name in ("Scenario", "load_scenario"):
        from tradewinds.scenarios import schema

        return getattr(schema, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
