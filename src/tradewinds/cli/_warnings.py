"""Print tradewinds warnings raised during a command on stderr, one line each."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def printed_warnings() -> Iterator[None]:
    """Collect :class:`TradewindsWarning` during the block and print them on stderr.

    Each distinct message is printed once as ``warning: …`` (the one style of every command;
    :func:`tradewinds.cli.main.main` wraps every command in it). Other warnings (a library's
    deprecation, say) are shown as Python shows them.
    """
    from rich.text import Text

    from tradewinds.cli._common import err_console
    from tradewinds.measures.warnings import TradewindsWarning
    from tradewinds.reporting.terminal import literal

    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", TradewindsWarning)
            yield
    finally:
        console = err_console()
        seen: set[str] = set()
        for w in caught:
            text = str(w.message)
            if not issubclass(w.category, TradewindsWarning):
                warnings.showwarning(w.message, w.category, w.filename, w.lineno, w.file, w.line)
            elif text not in seen:
                seen.add(text)
                console.print(Text.assemble(("warning:", "bold yellow"), " ", literal(text)))
