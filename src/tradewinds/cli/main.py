"""Entry point of the ``tradewinds`` command.

Each command group lives in its own module of this package and exposes ``register(app)``. Heavy
libraries (numpy, xarray, scipy …) are imported inside the commands, never at module level, so
``tradewinds --help`` stays fast. Errors a user can cause (:class:`TradewindsError`) are caught
here, in one place, and printed as one line with the error's exit code.
"""

from __future__ import annotations

import functools
import importlib
import logging
import sys
from typing import Any

import typer

from tradewinds.cli._help import ABOUT
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

#: How the root app is made (also the placeholder app of the root help, ``cli._help``).
APP_SETTINGS: dict[str, Any] = {
    "name": "tradewinds",
    "help": ABOUT,
    "no_args_is_help": True,
    "add_completion": False,
    "pretty_exceptions_enable": False,
    "rich_markup_mode": "rich",
}

app = typer.Typer(**APP_SETTINGS)


def _print_version(value: bool) -> None:
    if value:
        from tradewinds import __version__

        typer.echo(f"tradewinds {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress to stderr."),
    version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print the tradewinds version and exit.",
    ),
) -> None:
    """North American trade policy in numbers: duties, effective rates and GE trade models."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


_registered: set[str] = set()


def _register(names: tuple[str, ...] = COMMAND_MODULES) -> typer.Typer:
    """Add the commands of modules ``names`` to ``app`` (each once); return ``app``."""
    for name in names:
        if name not in _registered:
            _registered.add(name)
            importlib.import_module(f"tradewinds.cli.{name}").register(app)
    return app


def _needed(argv: list[str]) -> tuple[str, ...]:
    """Command modules a command line needs: the named command's alone, else all (for help).

    Building only the invoked command keeps start-up short; the root options take no values, so
    the first word that is not an option names the command.
    """
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    if first in COMMAND_MODULES:
        return (first,)
    if first is None and "--version" in argv and "--help" not in argv:
        return ()
    return COMMAND_MODULES


def _root_help_app(args: list[str]) -> typer.Typer | None:
    """For a command line without a command (root help), the app of ``cli._help``, else None.

    It prints the same help as the full app without importing every command module.
    """
    if any(not arg.startswith("-") for arg in args) or _needed(args) == ():
        return None
    from tradewinds.cli import _help

    if not _help.covers(COMMAND_MODULES):
        return None
    return _help.help_app(APP_SETTINGS, _root)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the process exit code instead of raising.

    Typer handles its own usage errors (exit code 2 with a usage line); errors a user causes
    inside a command arrive here as :class:`TradewindsError` and become one line on stderr.
    """
    args = sys.argv[1:] if argv is None else list(argv)
    runner = _root_help_app(args) or _register(_needed(args))
    try:
        from tradewinds.cli._warnings import printed_warnings

        command = typer.main.get_command(runner)
        _guard_outputs(command)
        with printed_warnings():
            command.main(args=args, prog_name="tradewinds", standalone_mode=True)
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


def _guard_outputs(command: Any, path: str = "") -> None:
    """Make every command check its output paths before any work (one rule for all).

    The format its name says must be one the command writes, the place must be writable, and
    no output may be one of the command's inputs or another output
    (:func:`tradewinds.cli._common.check_outputs`).

    ``command`` is the Click command Typer builds (Typer bundles its own Click, so it is
    walked by its ``commands`` and ``callback`` attributes rather than by Click's classes).
    """
    for name, sub in (getattr(command, "commands", None) or {}).items():
        _guard_outputs(sub, f"{path} {name}".strip())
    callback = command.callback
    if callback is None or getattr(callback, "_outputs_guarded", False):
        return

    @functools.wraps(callback)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        from tradewinds.cli._common import check_outputs

        opts = {
            p.name: p.name.upper() if p.param_type_name == "argument" else p.opts[0]
            for p in command.params
            if p.name and p.opts
        }
        check_outputs(path, kwargs, opts)
        return callback(*args, **kwargs)

    guarded._outputs_guarded = True  # type: ignore[attr-defined]
    command.callback = guarded


def _error(message: str) -> None:
    from rich.text import Text

    from tradewinds.cli._common import err_console
    from tradewinds.reporting.terminal import literal

    err_console().print(Text.assemble(("error:", "bold red"), " ", literal(message)))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
