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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer
    from rich.console import Console
    from rich.highlighter import Highlighter

#: The root help's description (``APP_SETTINGS["help"]`` of ``cli.main``).
ABOUT = "North American trade policy in numbers: duties, effective rates and GE trade models."

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
    ("etr", "Import-weighted effective US tariff rate on any partner, by authority and sector."),
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
    import typer

    app = typer.Typer(**settings)
    app.callback()(root)
    for name, text in COMMANDS:
        app.command(name, help=text)(_placeholder)
    return app


#: The root options as ``tradewinds --help`` lists them: (long name, short name, help).
ROOT_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--verbose", "-v", "Log progress to stderr."),
    ("--version", "", "Print the tradewinds version and exit."),
    ("--help", "", "Show this message and exit."),
)


def is_root_help(args: list[str]) -> bool:
    """Whether ``args`` asks for the root help and nothing else (``--help``, maybe ``-v``)."""
    return "--help" in args and all(arg in ("--help", "-v", "--verbose") for arg in args)


def print_root_help(prog: str, about: str) -> None:
    """Print the root help as Typer's rich formatter does, with rich alone.

    Typer's formatter (``typer.rich_utils``) imports ``rich.markdown`` and its Markdown parser,
    which the root help never uses; importing Typer, that formatter and the parser takes longer
    than the whole help takes without them. The layout, styles, highlighting and environment
    switches (``TERMINAL_WIDTH``, ``FORCE_COLOR``, ``PY_COLORS``, ``GITHUB_ACTIONS``,
    ``_TYPER_FORCE_DISABLE_TERMINAL``) are Typer's; a test compares the output with Typer's,
    in plain and in colour, byte for byte.
    """
    from rich.align import Align
    from rich.columns import Columns
    from rich.console import Group
    from rich.padding import Padding
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    options, negative, types = _highlighters()
    console = _console(options)
    usage = f"Usage: {prog} [OPTIONS] COMMAND [ARGS]..."
    console.print(Padding(options(usage), 1), style="bold")
    text = Group(options(Text.from_markup(about, style="")))
    console.print(Padding(Align(text, pad=False), (0, 1, 1, 1)))
    table = Table(highlight=True, show_header=False, expand=True, box=None, **_TABLE)
    for long, short, about_option in ROOT_OPTIONS:
        table.add_row(
            options(long),
            options(short),
            negative(""),
            negative(""),
            types(Text(style="bold yellow", overflow="fold")),
            Columns([options(Text.from_markup(about_option, style=""))]),
        )
    console.print(Panel(table, border_style="dim", title="Options", title_align="left"))
    table = Table(highlight=False, show_header=False, expand=True, box=None, **_TABLE)
    table.add_column(style="bold cyan", no_wrap=True, width=max(len(n) for n, _ in COMMANDS))
    table.add_column("Description", justify="left", no_wrap=False, ratio=10)
    for name, about_command in COMMANDS:
        table.add_row(Text(name), options(Text.from_markup(about_command, style="")))
    console.print(Panel(table, border_style="dim", title="Commands", title_align="left"))
    print()  # Typer's help command then echoes its (empty) plain help: one more line


def _highlighters() -> tuple[Highlighter, Highlighter, Highlighter]:
    """Typer's highlighters of the help: options and usage, negative options, types."""
    from rich.highlighter import RegexHighlighter

    class Options(RegexHighlighter):
        highlights = [  # noqa: RUF012 - rich's interface is a class attribute
            r"(^|\W)(?P<switch>\-\w+)(?![a-zA-Z0-9])",
            r"(^|\W)(?P<option>\-\-[\w\-]+)(?![a-zA-Z0-9])",
            r"(?P<types>\<[^\>]+\>)",
            r"(?P<usage>Usage: )",
        ]

    class Negative(RegexHighlighter):
        highlights = [  # noqa: RUF012
            r"(^|\W)(?P<negative_switch>\-\w+)(?![a-zA-Z0-9])",
            r"(^|\W)(?P<negative_option>\-\-[\w\-]+)(?![a-zA-Z0-9])",
        ]

    class Types(RegexHighlighter):
        highlights = [  # noqa: RUF012
            r"^(?P<types_sep>(\[|<))",
            r"(?P<types_sep>\|)",
            r"(?P<types_sep>(\]|>))(\.\.\.)?$",
        ]

    return Options(), Negative(), Types()


def _console(highlighter: Highlighter) -> Console:
    """Typer's help console: its theme, and its environment switches of width and colour."""
    import os

    from rich.console import Console
    from rich.theme import Theme

    width = os.environ.get("TERMINAL_WIDTH")
    force = bool(os.environ.get("GITHUB_ACTIONS") or os.environ.get("FORCE_COLOR"))
    force = force or bool(os.environ.get("PY_COLORS"))
    return Console(
        theme=Theme(
            {
                "option": "bold cyan",
                "switch": "bold green",
                "negative_option": "bold magenta",
                "negative_switch": "bold red",
                "types": "bold yellow",
                "types_sep": "dim",
                "usage": "yellow",
            }
        ),
        highlighter=highlighter,
        color_system="auto",
        force_terminal=False if os.environ.get("_TYPER_FORCE_DISABLE_TERMINAL") else force or None,
        width=int(width) if width else None,
    )


_TABLE: dict[str, Any] = {
    "show_lines": False,
    "leading": 0,
    "row_styles": None,
    "border_style": None,
    "pad_edge": False,
    "padding": (0, 1),
}
