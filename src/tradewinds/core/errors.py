"""The exception hierarchy users can cause.

Every error derives from :class:`TradewindsError`, says what went wrong, shows the offending value
and says what to do. Each class carries an exit code for the CLI and an HTTP status for the API, so
that each front end catches ``TradewindsError`` in exactly one place. The classes also subclass the
matching builtin, so callers that expect ``ValueError`` or ``KeyError`` keep working.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from tradewinds.core.solver import SolverReport


class TradewindsError(Exception):
    """Root of every error a user can cause.

    A subclass names its codes in its header, ``class ScenarioError(TradewindsError, ValueError,
    exit_code=2, http_status=422)``; a code it does not name is its parent's.
    """

    exit_code: ClassVar[int] = 1
    http_status: ClassVar[int] = 400

    def __init_subclass__(
        cls, *, exit_code: int | None = None, http_status: int | None = None, **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        if exit_code is not None:
            cls.exit_code = exit_code
        if http_status is not None:
            cls.http_status = http_status

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ScenarioError(TradewindsError, ValueError, exit_code=2, http_status=422):
    """A scenario file or command-line argument is malformed or inconsistent."""


class DataError(TradewindsError, ValueError, exit_code=3, http_status=422):
    """A dataset is missing, unreadable or fails its accounting checks."""


class StoreError(DataError, http_status=500):
    """The results store cannot be read or written (a damaged or foreign database file)."""


def _close(value: str, known: list[str]) -> list[str]:
    """Up to three labels of ``known`` spelled like ``value``."""
    found = difflib.get_close_matches(value, known, n=3, cutoff=0.5)
    return found or [k for k in known if k.startswith(value.upper()[:2])][:3]


class UnknownLabelError(TradewindsError, KeyError, exit_code=2, http_status=404):
    """A country, sector, HTS code or other label is not known; suggests the closest ones."""

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


class MeasureConflictError(TradewindsError, ValueError, exit_code=2, http_status=409):
    """Two tariff-measure records overlap or contradict each other."""


class ConvergenceError(TradewindsError, RuntimeError, exit_code=4, http_status=500):
    """A solver stopped without meeting its tolerance; carries the :class:`SolverReport`."""

    def __init__(self, message: str, report: SolverReport) -> None:
        super().__init__(f"{message} ({report.summary()})")
        self.report = report
