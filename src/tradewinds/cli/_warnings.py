"""Print tradewinds warnings raised during a command on stderr, one line each."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def printed_warnings() -> Iterator[None]:
    """Collect :class:`TradewindsWarning` during the block and print them on stderr."""
    from rich.text import Text

    from tradewinds.cli._common import err_console
    from tradewinds.measures.warnings import TradewindsWarning
    from tradewinds.reporting.terminal import literal

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TradewindsWarning)
        try:
            yield
        finally:
            console = err_console()
            seen: set[str] = set()
            for w in caught:
                text = str(w.message)
                if issubclass(w.category, TradewindsWarning) and text not in seen:
                    seen.add(text)
                    console.print(Text.assemble(("warning:", "bold yellow"), " ", literal(text)))
