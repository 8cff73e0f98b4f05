"""Scenario files: schema, loading and the runner shared by every front end."""

from tradewinds.scenarios.runner import run_scenario
from tradewinds.scenarios.schema import Scenario, load_scenario

__all__ = ["Scenario", "load_scenario", "run_scenario"]
