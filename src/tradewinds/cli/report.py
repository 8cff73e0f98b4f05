"""``tradewinds report``: a self-contained HTML report of a stored run."""

from __future__ import annotations

from pathlib import Path

import typer

from tradewinds.cli._common import STORE_HELP


def register(app: typer.Typer) -> None:
    """Add the ``report`` command."""
    app.command("report")(report)


def report(
    run_id: str = typer.Argument(..., help="Run id (a unique prefix is enough)."),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="HTML file to write (default: reports/report-<run id>.html in the store folder).",
    ),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Write an HTML report of a run: headline table, sector view, solver report, charts, scenario.

    The page works offline (plotly.js is inline). Without --output it goes to the store folder,
    never into the current directory; the path written is printed.
    """
    from tradewinds.cli._common import check_output

    check_output(output, (".html", ".htm"))
    from tradewinds.cli._common import console, open_store
    from tradewinds.core.errors import ScenarioError
    from tradewinds.reporting.html import render_run

    sink = open_store(store)
    assert sink is not None
    run = sink.get_run(run_id)
    path = output or sink.directory / "reports" / f"report-{run.run_id}.html"
    if path.suffix.lower() not in {".html", ".htm"}:
        raise ScenarioError(f"Report file {str(path)!r} must end in .html.")
    page = render_run(sink, run.run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    console().print(f"Wrote {path} ({len(page) / 1e6:.1f} MB)", soft_wrap=True)
