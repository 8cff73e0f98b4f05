"""Deficit closures shared by the one-sector and multi-sector models.

- ``fixed``: each country keeps its observed deficit, in units of world income (DEK 2008).
- ``balanced``: deficits are removed first, and the shock is measured against that world.
- ``ratio``: each country's spending net of tariffs stays a fixed multiple of its income, up to
  one world factor, so that deficits sum to zero.

Each model's module docstring states the closure in its own equations.
"""

from __future__ import annotations

from typing import Literal

from tradewinds.core.errors import ScenarioError

Closure = Literal["fixed", "balanced", "ratio"]
CLOSURES: tuple[Closure, ...] = ("fixed", "balanced", "ratio")


def check_closure(closure: str, model: str) -> None:
    """Raise :class:`ScenarioError` unless ``closure`` is one of :data:`CLOSURES`."""
    if closure not in CLOSURES:
        raise ScenarioError(
            f"Unknown closure {closure!r} for the {model} model; choose one of "
            f"{', '.join(CLOSURES)}."
        )
