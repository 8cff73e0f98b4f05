"""``tradewinds scenarios``: the scenario library."""

from __future__ import annotations

from pathlib import Path

import typer

scenarios_app = typer.Typer(help="The scenario library.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the ``scenarios`` command group."""
    app.add_typer(scenarios_app, name="scenarios")


@scenarios_app.command("list")
def list_scenarios(
    folder: Path = typer.Option(Path("scenarios"), "--dir", help="Folder of scenario files."),
    wide: bool = typer.Option(
        False, "--wide", help="Show every column at full width, even past the terminal."
    ),
) -> None:
    """List the scenario files in a folder with their model and title."""
    from rich.table import Table

    from tradewinds.cli._common import console
    from tradewinds.cli._display import print_table
    from tradewinds.core.errors import ScenarioError
    from tradewinds.scenarios import load_scenario

    if not folder.is_dir():
        raise ScenarioError(
            f"Scenario folder {str(folder)!r} does not exist; run from the repository root or "
            "pass --dir."
        )
    from tradewinds.core.inputs import check_input_folder

    check_input_folder(folder, "scenario folder", "*.yaml")
    from tradewinds.reporting.terminal import literal

    table = Table(title=literal(f"scenarios in {folder}"))
    table.add_column("file", no_wrap=True)
    table.add_column("model", no_wrap=True)
    table.add_column("title")
    for path in sorted(folder.glob("*.yaml")):
        spec = load_scenario(path)
        table.add_row(literal(path.name), spec.model.name, literal(spec.title))
    print_table(console(), table, wide=wide, drop=("model",))
