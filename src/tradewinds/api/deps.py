"""Shared pieces of the API routes: settings, the job manager, auth, bounded synchronous work."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
from fastapi import Request

from tradewinds.api.limits import RequestTimeoutError as RequestTimeoutError
from tradewinds.api.limits import current_budget, timeout_message
from tradewinds.api.security import Settings, check_token
from tradewinds.core.errors import ScenarioError

if TYPE_CHECKING:
    import datetime as dt

    from tradewinds.api.jobs import JobManager
    from tradewinds.store import ResultsStore

T = TypeVar("T")


def settings(request: Request) -> Settings:
    """The server's settings."""
    value = request.app.state.settings
    assert isinstance(value, Settings)
    return value


def manager(request: Request) -> JobManager:
    """The server's job manager."""
    from tradewinds.api.jobs import JobManager

    value = request.app.state.jobs
    assert isinstance(value, JobManager)
    return value


# The two dependencies below are ``async`` on purpose: they only compare a header, and a plain
# ``def`` dependency would be sent to a worker thread on every request (a thread hand-off that
# cost more than the check itself).


async def require_read(request: Request) -> None:
    """Dependency: reads need the token only on a ``--private`` server."""
    check_token(settings(request), request.headers.get("authorization"), write=False)


async def require_write(request: Request) -> None:
    """Dependency: launching jobs and writing to the store need the token when configured."""
    check_token(settings(request), request.headers.get("authorization"), write=True)


def store(request: Request) -> ResultsStore:
    """The results store the server reads and records to."""
    from tradewinds.store import ResultsStore

    return ResultsStore(settings(request).store)


async def bounded(request: Request, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``fn`` in a worker thread, answering 504 past the per-request time limit.

    Past the limit the thread is stopped too (:class:`tradewinds.api.limits.Budget`), not left
    computing in the background.
    """
    limit = settings(request).limits.request_seconds
    budget = current_budget()

    def call() -> T:
        with budget.running():
            return fn(*args, **kwargs)

    with anyio.move_on_after(limit) as scope:
        return await anyio.to_thread.run_sync(call, abandon_on_cancel=True)
    assert scope.cancelled_caught
    budget.expire()
    raise RequestTimeoutError(timeout_message(limit))


def with_notes(fn: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, list[str]]:
    """Call ``fn`` and return its result and the texts of the warnings it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(*args, **kwargs)
    return out, [str(w.message) for w in caught]


def iso_date(text: str, field: str) -> dt.date:
    """An ISO date, or a 422 naming the field (the CLI's date parser, so the same message)."""
    from tradewinds.core.dates import parse_date

    try:
        return parse_date(text, field)
    except ScenarioError as error:
        error.field = field  # type: ignore[attr-defined]
        raise
