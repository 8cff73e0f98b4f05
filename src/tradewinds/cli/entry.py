"""The ``tradewinds`` executable: the root help straight away, anything else through Typer.

``tradewinds --help`` is the command a new user types first, and ``--version`` the second.
Neither needs the command modules nor Typer (whose help formatter also imports a Markdown
parser), so both are answered before Typer is imported: the help by
:func:`tradewinds.cli._help.print_root_help`, the version from :mod:`tradewinds._version`.
Every other command line goes to :func:`tradewinds.cli.main.main`.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the CLI for ``argv`` (default: the process arguments); return the exit code."""
    args = sys.argv[1:] if argv is None else list(argv)
    from tradewinds.cli import _help

    if _help.is_root_help(args):
        _help.print_root_help("tradewinds", _help.ABOUT)
        return 0
    if args == ["--version"]:
        from tradewinds import __version__

        print(f"tradewinds {__version__}")
        return 0
    from tradewinds.cli.main import main as run

    return run(args)
