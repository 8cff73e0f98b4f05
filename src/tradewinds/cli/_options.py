"""Options that several commands share, declared once (Typer's ``Annotated`` style).

A command names the option by its type alias and gives the default in its signature, e.g.
``wide: Wide = False``; the flag, its help text and its type are the same wherever it appears.
Only typer and the standard library are imported here, so the command list stays light.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradewinds.cli._common import STORE_HELP
from tradewinds.cli._display import SORT_HELP, WIDE_HELP
from tradewinds.core.errors import ScenarioError

#: Help text of the ``--wide`` option of the shipment and timeline tables.
WIDE_PAST_HELP = "Show every column at full width, even past the terminal."
WORKERS_HELP = (
    "Local Dask workers (default: one per CPU, or none when the run is too small to pay for"
    " starting them; 0 solves in this process)."
)
SCHEDULER_HELP = (
    "Address of a running Dask scheduler, e.g. tcp://HOST:8786, instead of a local one."
)

#: ``--wide``: tables at their natural width (default False).
Wide = Annotated[bool, typer.Option("--wide", help=WIDE_HELP)]
#: ``--wide`` with the shorter help of ``duty`` and ``measures timeline`` (default False).
WidePast = Annotated[bool, typer.Option("--wide", help=WIDE_PAST_HELP)]
#: ``--format table|json`` (default "table"; the command checks the value).
TableFormat = Annotated[str, typer.Option("--format", help="table or json.")]


def check_format(fmt: str) -> None:
    """Refuse a ``--format`` (:data:`TableFormat`) other than table or json."""
    if fmt not in ("table", "json"):
        raise ScenarioError(f"--format {fmt!r} must be 'table' or 'json'.")


#: ``--sort`` of country tables (default "size").
Sort = Annotated[str, typer.Option("--sort", help=SORT_HELP)]
#: ``--all``: every country rather than the first rows (default False).
AllCountries = Annotated[bool, typer.Option("--all", help="Show every country.")]
#: ``--measures FILE``: extra measure files on top of the packaged registry (default None).
ExtraMeasures = Annotated[
    list[Path] | None, typer.Option("--measures", help="Extra measure YAML file(s).")
]

#: The scenario file argument of ``sweep`` and ``montecarlo``.
ScenarioFile = Annotated[Path, typer.Argument(help="Scenario YAML file.")]
#: ``--store DIR`` (default None: $TRADEWINDS_STORE, else the user data directory).
Store = Annotated[Path | None, typer.Option("--store", help=STORE_HELP)]
#: ``--no-store``: neither read nor write the results store (default False).
NoStore = Annotated[bool, typer.Option("--no-store", help="Do not read or write the store.")]
#: ``--force``: solve again although the store holds the run (default False).
Force = Annotated[bool, typer.Option("--force", help="Solve again even if stored.")]

#: Options of the commands that run many scenarios on Dask (``sweep``, ``montecarlo``).
Baseline = Annotated[
    str | None,
    typer.Option(
        "--baseline", "-b", help="Bundled baseline name or path; overrides the scenario's."
    ),
]
Workers = Annotated[int | None, typer.Option("--workers", "-w", help=WORKERS_HELP)]
Scheduler = Annotated[str | None, typer.Option("--scheduler", help=SCHEDULER_HELP)]
