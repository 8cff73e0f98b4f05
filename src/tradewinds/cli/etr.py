"""``tradewinds etr``: import-weighted effective US tariff rates on Canada or Mexico over time."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the ``etr`` command (implemented in :mod:`tradewinds.cli._etr`)."""
    from tradewinds.cli._etr import etr

    app.command("etr")(etr)
