"""The exception hierarchy users can cause.

Every error derives from :class:`TradewindsError`, says what went wrong, shows the offending value
and says what to do. Each class carries an exit code for the CLI and an HTTP status for the API, so
that each front end catches ``TradewindsError`` in exactly one place. The classes also subclass the
matching builtin, so callers that expect ``ValueError`` or ``KeyError`` keep working.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from tradewinds.core.solver import SolverReport


class TradewindsError(Exception):
    """Root of every error a user can cause."""

    exit_code: ClassVar[int] = 1
    http_status: ClassVar[int] = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ScenarioError(TradewindsError, ValueError):
    """A scenario file or command-line argument is malformed or inconsistent."""

    exit_code = 2
    http_status = 422


class DataError(TradewindsError, ValueError):
    """A dataset is missing, unreadable or fails its accounting checks."""

    exit_code = 3
    http_status = 422


class StoreError(DataError):
    """The results store cannot be read or written (a damaged or foreign database file)."""

    http_status = 500


def _close(value: str, known: list[str]) -> list[str]:
    """Up to three labels of ``known`` spelled like ``value``."""
    found = difflib.get_close_matches(value, known, n=3, cutoff=0.5)
    return found or [k for k in known if k.startswith(value.upper()[:2])][:3]


class UnknownLabelError(TradewindsError, KeyError):
    """A country, sector, HTS code or other label is not known; suggests the closest ones."""

    exit_code = 2
    http_status = 404

    def __init__(
        self, kind: str, value: str, known: Iterable[str], where: str = "", hint: str = ""
    ) -> None:
        known = list(known)
        self.kind = kind
        self.value = value
        self.suggestions = [] if hint else _close(str(value), known)
        if hint:  # the caller knows why (a currency code, a region's member): no guesses
            hint = f" {hint}"
        elif self.suggestions:
            hint = f" Did you mean {', '.join(map(repr, self.suggestions))}?"
        elif 0 < len(known) <= 12:
            hint = f" Known: {', '.join(map(str, known))}."
        place = f" in {where}" if where else ""
        super().__init__(f"Unknown {kind} {value!r}{place}.{hint}")

    def __str__(self) -> str:  # KeyError would quote the message otherwise
        return self.message


class MeasureConflictError(TradewindsError, ValueError):
    """Two tariff-measure records overlap or contradict each other."""

    exit_code = 2
    http_status = 409


class ConvergenceError(TradewindsError, RuntimeError):
    """A solver stopped without meeting its tolerance; carries the :class:`SolverReport`."""

    exit_code = 4
    http_status = 500

    def __init__(self, message: str, report: SolverReport) -> None:
        super().__init__(f"{message} ({report.summary()})")
        self.report = report
