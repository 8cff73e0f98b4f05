"""Entry point of the ``tradewinds`` command.

Each command group lives in its own module of this package and exposes ``register(app)``. Heavy
libraries (numpy, xarray, scipy …) are imported inside the commands, never at module level, so
``tradewinds --help`` stays fast. Errors a user can cause (:class:`TradewindsError`) are caught
here, in one place, and printed as one line with the error's exit code.
"""

from __future__ import annotations

import importlib
import logging
import sys

import typer

from tradewinds.core.errors import TradewindsError

#: Modules of ``tradewinds.cli`` that register commands, in help order.
COMMAND_MODULES = (
    "run",
    "compare",
    "report",
    "results",
    "sweep",
    "montecarlo",
    "baseline",
    "scenarios",
    "replicate",
    "duty",
    "measures",
    "etr",
    "origin",
    "serve",
    "strategy",
    "gravity",
    "integrate",
    "corridors",
    "diversify",
)

app = typer.Typer(
    name="tradewinds",
    help="North American trade policy in numbers: duties, effective rates and GE trade models.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress to stderr."),
) -> None:
    """North American trade policy in numbers: duties, effective rates and GE trade models."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


for _name in COMMAND_MODULES:
    importlib.import_module(f"tradewinds.cli.{_name}").register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the process exit code instead of raising.

    Typer handles its own usage errors (exit code 2 with a usage line); errors a user causes
    inside a command arrive here as :class:`TradewindsError` and become one line on stderr.
    """
    try:
        app(args=argv, prog_name="tradewinds", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except TradewindsError as exc:
        _error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _error("Interrupted.")
        return 130
    return 0


def _error(message: str) -> None:
    from rich.console import Console

    Console(stderr=True, highlight=False, soft_wrap=True).print(f"[bold red]error:[/] {message}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
