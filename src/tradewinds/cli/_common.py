"""Helpers shared by the CLI commands: consoles, output files and tables."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tradewinds.core.errors import ScenarioError

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console


def console() -> Console:
    """Console for results on stdout."""
    import sys

    from rich.console import Console

    # Piped or redirected output gets a width that fits the widest tables instead of 80.
    return Console(highlight=False, width=None if sys.stdout.isatty() else 132)


def write_records(records: pd.DataFrame, path: Path) -> None:
    """Write tidy records as CSV or JSON, chosen by the file extension."""
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".json"}:
        raise ScenarioError(
            f"Output file {str(path)!r} must end in .csv or .json (got {suffix or 'no suffix'!r})."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        records.to_csv(path, index=False)
    else:
        records.to_json(path, orient="records", indent=1)
