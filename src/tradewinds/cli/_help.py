"""The root ``tradewinds --help`` without importing every command module.

Typer lists each command with the first paragraph of its help. Building that list the ordinary
way imports all command modules and inspects every parameter of every command (about 50 ms of a
0.2 s ``--help``); none of it is needed to print one line per command. :data:`COMMANDS` holds
those lines in the order Typer lists them (commands, then command groups), and
:func:`help_app` builds an app with the same root options and one placeholder per command, which
Typer renders exactly as the full app. A test compares the two outputs, so a changed docstring
or a new command that is not added here fails it; a command module missing from the table makes
``tradewinds --help`` fall back to the full app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

#: (command, first paragraph of its help), in the order of ``tradewinds --help``.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("run", "Solve SCENARIO and print welfare, real wages, trade and tariff revenue by country."),
    (
        "compare",
        "Run A and B through the same runner and show B minus A for the headline metrics.",
    ),
    (
        "report",
        "Write an HTML report of a run: headline table, sector view, solver report, charts, "
        "scenario.",
    ),
    (
        "sweep",
        "Solve SCENARIO at every combination of the --set values and tabulate the results.",
    ),
    (
        "montecarlo",
        "Draw trade elasticities, solve SCENARIO for each draw, and report 5/50/95% bands.",
    ),
    (
        "duty",
        "Stacked duty of a shipment, layer by layer, with legal basis and Chapter 99 heading.",
    ),
    ("etr", "Import-weighted effective US tariff rate on CAN or MEX, by authority and sector."),
    ("serve", "Serve the HTTP API at /api/v1 (docs at /docs, offline) and the dashboard at /."),
    (
        "integrate",
        "Solve for the uniform trade-cost cut on the pairs that reaches the target in GE.",
    ),
    ("results", "Read the results store."),
    ("baseline", "Inspect baselines."),
    ("scenarios", "The scenario library."),
    ("replicate", "Reproduce published results."),
    ("measures", "Tariff measures in the registry: what is in force, and why."),
    ("origin", "USMCA rules of origin: regional value content, automotive tests, de minimis."),
    ("strategy", "Optimal tariffs, Nash tariff wars and the Canada–Mexico united-front game."),
    ("gravity", "Structural gravity: PPML with fixed effects, trade potential."),
    (
        "corridors",
        "Corridors: direct sea routes, routes through the US and via Canadian or Mexican ports.",
    ),
    ("diversify", "Diversification: what is exposed to US duties, and where else it could go."),
)


def covers(modules: tuple[str, ...]) -> bool:
    """Whether :data:`COMMANDS` names exactly the commands of ``modules`` (one per module)."""
    return {name for name, _ in COMMANDS} == set(modules)


def _placeholder() -> None:  # pragma: no cover - never invoked: a named command builds the real app
    raise AssertionError("placeholder command invoked")


def help_app(settings: dict[str, Any], root: Callable[..., None]) -> typer.Typer:
    """An app made like the real one (``settings``, root callback) with placeholder commands."""
    app = typer.Typer(**settings)
    app.callback()(root)
    for name, text in COMMANDS:
        app.command(name, help=text)(_placeholder)
    return app
