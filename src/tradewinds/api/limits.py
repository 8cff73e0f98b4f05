"""Every request under the time limit, and no costly read on behalf of another web site.

Three ASGI middlewares, installed where the app is built (:func:`install`):

- :class:`RequestDeadline` gives every request but ``/api/v1/health`` and the job event streams a
  deadline of :attr:`Limits.request_seconds` (plus a second, so that a route's own limit, as
  in :func:`tradewinds.api.deps.bounded`, answers first). Past it the request is answered 504
  and its work is *stopped*: a route's synchronous work runs in a worker thread registered with
  the request's :class:`Budget`, and the budget raises :class:`WorkStopped` in that thread (the
  interpreter delivers it at the next bytecode, so a long loop or a chain of pandas calls ends
  within one call of the deadline). Asynchronous work is cancelled.
- :class:`CrossSiteGuard` refuses (403) a request that a browser sent on behalf of a page of
  another origin: an ``<img>``, ``<script>`` or ``fetch`` from a web site the user visits must
  not make a loopback server compute (or write). Browsers say where a request comes from in
  ``Sec-Fetch-Site`` and ``Origin``; a request without them (curl, scripts, the CLI's clients)
  passes. A top-level GET navigation (a link the user follows) passes; origins given with
  ``--cors`` pass.
- :class:`HostGuard` refuses (400) a request whose ``Host`` names a host the server was not
  given (DNS rebinding: another site's name pointed at 127.0.0.1).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import ctypes
import functools
import inspect
import json
import threading
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from typing import TYPE_CHECKING, Any, TypeVar

from tradewinds.core.errors import TradewindsError

if TYPE_CHECKING:
    from fastapi import FastAPI

    from tradewinds.api.security import ASGIApp, Settings

T = TypeVar("T")

#: Seconds the middleware waits past the per-request limit, so a route's own limit answers first.
GRACE_SECONDS = 1.0

#: Paths that are never cut short: liveness, and job event streams (long-lived by design).
UNLIMITED_PATHS = ("/api/v1/health",)


class RequestTimeoutError(TradewindsError, TimeoutError, http_status=504):
    """A synchronous request computed past the server's per-request limit."""


class CrossSiteError(TradewindsError, PermissionError, exit_code=2, http_status=403):
    """A browser sent the request on behalf of a page of another web site."""


class HostNotAllowedError(TradewindsError, PermissionError):
    """A request names a host (``Host`` header) this server does not answer for."""

    exit_code = 2
    http_status = 400


class WorkStopped(BaseException):
    """Raised inside a request's worker thread when the request's deadline has passed.

    A ``BaseException`` so that no ``except Exception`` in the work swallows it.
    """


class Budget:
    """The threads doing one request's synchronous work, stopped together when it expires."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._threads: collections.Counter[int] = collections.Counter()  # nested blocks count
        self.expired = False

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """Register the calling thread for the duration of the block (blocks may nest)."""
        ident = threading.get_ident()
        with self._lock:
            if self.expired:
                raise WorkStopped
            self._threads[ident] += 1
        try:
            yield
        finally:
            with self._lock:
                self._threads[ident] -= 1
                if self._threads[ident] <= 0:
                    del self._threads[ident]
                    # An exception raised by expire() but not yet delivered must not leak
                    # into the thread pool's next task.
                    _set_async_exc(ident, None)

    def expire(self) -> None:
        """Mark the budget spent and raise :class:`WorkStopped` in every registered thread."""
        with self._lock:
            self.expired = True
            for ident in self._threads:
                _set_async_exc(ident, WorkStopped)


def _set_async_exc(ident: int, exc: type[BaseException] | None) -> None:
    """Raise ``exc`` in thread ``ident`` at its next bytecode (``None`` clears a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(ident), ctypes.py_object(exc) if exc is not None else None
    )


_BUDGET: contextvars.ContextVar[Budget | None] = contextvars.ContextVar(
    "tradewinds_request_budget", default=None
)


def current_budget() -> Budget:
    """The budget of the request being served (a fresh one outside a request)."""
    return _BUDGET.get() or Budget()


def timeout_message(seconds: float) -> str:
    """The 504 message."""
    return (
        f"The request took longer than this server's limit of {seconds:g} s and was stopped; "
        "narrow it, or use a job for long work."
    )


def in_budget(fn: Callable[..., T]) -> Callable[..., T]:
    """``fn`` run with its thread registered in the request's budget (for sync endpoints)."""

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> T:
        with current_budget().running():
            return fn(*args, **kwargs)

    setattr(call, _WRAPPED, True)
    return call


_WRAPPED = "_tradewinds_in_budget"


Receive = Callable[[], Awaitable[Any]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


async def _answer(send: Send, status: int, content: dict[str, Any]) -> None:
    body = json.dumps(content).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _error_body(error: TradewindsError) -> dict[str, Any]:
    from tradewinds.api.errors import tradewinds_body

    return tradewinds_body(error)


class RequestDeadline:
    """ASGI middleware: answer 504 past the per-request limit and stop the request's work."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds
        self._covered = False
        self._lock = threading.Lock()

    def _cover(self, scope: MutableMapping[str, Any]) -> None:
        """Wrap the app's synchronous endpoints once, before its routes are first compiled."""
        with self._lock:
            if not self._covered:
                router = getattr(scope.get("app"), "router", None)
                _wrap_sync_endpoints(list(getattr(router, "routes", [])))
                self._covered = True

    def _limited(self, scope: MutableMapping[str, Any]) -> bool:
        path = str(scope.get("path", ""))
        return scope["type"] == "http" and not (path in UNLIMITED_PATHS or path.endswith("/events"))

    async def __call__(  # noqa: D102
        self, scope: MutableMapping[str, Any], receive: Receive, send: Send
    ) -> None:
        if not self._covered and scope["type"] in ("http", "websocket"):
            self._cover(scope)
        if not self._limited(scope):
            await self.app(scope, receive, send)
            return
        import anyio

        budget = Budget()
        token = _BUDGET.set(budget)
        started = False

        async def tracked(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        limit = self.seconds + GRACE_SECONDS
        timer = asyncio.get_running_loop().call_later(limit, budget.expire)
        try:
            with anyio.move_on_after(limit):
                await self.app(scope, receive, tracked)
        except WorkStopped:
            pass
        finally:
            timer.cancel()
            _BUDGET.reset(token)
        if budget.expired and not started:
            error = RequestTimeoutError(timeout_message(self.seconds))
            await _answer(send, 504, _error_body(error))


#: ``Sec-Fetch-Site`` values of a request the server's own pages (or no browser) made.
_OWN = {"same-origin", "none"}


class CrossSiteGuard:
    """ASGI middleware: refuse requests a browser makes for a page of another origin (403)."""

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...] = ()) -> None:
        self.app = app
        self.allowed = {a.rstrip("/").lower() for a in allowed}

    def refused(self, scope: MutableMapping[str, Any]) -> str | None:
        """Why the request is refused, or ``None`` when it may proceed."""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        origin = headers.get("origin", "").rstrip("/").lower()
        if origin and origin in self.allowed:
            return None
        site = headers.get("sec-fetch-site", "").lower()
        if site and site not in _OWN:
            top_level = (
                scope.get("method") == "GET"
                and headers.get("sec-fetch-mode", "").lower() == "navigate"
                and headers.get("sec-fetch-dest", "document").lower() == "document"
            )
            return None if top_level else f"Sec-Fetch-Site: {site}"
        if origin and origin != "null" and origin != _own_origin(scope, headers):
            return f"Origin: {origin}"
        if origin == "null" and scope.get("method") != "GET":
            return "Origin: null"
        return None

    async def __call__(  # noqa: D102
        self, scope: MutableMapping[str, Any], receive: Receive, send: Send
    ) -> None:
        if scope["type"] != "http" or scope.get("path") in UNLIMITED_PATHS:
            await self.app(scope, receive, send)
            return
        why = self.refused(scope)
        if why is None:
            await self.app(scope, receive, send)
            return
        error = CrossSiteError(
            f"Refused a request sent by a page of another web site ({why}): this server only "
            "answers its own pages and clients that are not browsers. Start it with --cors "
            "ORIGIN to let that site in."
        )
        await _answer(send, 403, _error_body(error))


class HostGuard:
    """ASGI middleware: answer 400 to a request whose ``Host`` this server does not answer for.

    The names allowed are :attr:`Settings.host_names` (the loopback names, ``--host`` and
    ``--allowed-host``). It keeps a page on another web site that rebinds its own DNS name to
    127.0.0.1 from reaching a loopback server as if it were that site (the browser would then
    call every request same-origin, which :class:`CrossSiteGuard` lets pass).
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(  # noqa: D102
        self, scope: MutableMapping[str, Any], receive: Receive, send: Send
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        hosts = [v.decode("latin-1") for k, v in scope["headers"] if k.lower() == b"host"]
        given = hosts[0] if len(hosts) == 1 else None
        if len(hosts) <= 1 and self.settings.host_allowed(given):
            await self.app(scope, receive, send)
            return
        shown = ", ".join(repr(h[:100]) for h in hosts)
        error = HostNotAllowedError(
            f"Refused a request for host {shown}: this server answers for "
            f"{', '.join(self.settings.host_names)} only (a page of another web site may point "
            "its name at this machine). If that is this server's name, start it with "
            "--allowed-host NAME or set TRADEWINDS_ALLOWED_HOSTS."
        )
        await _answer(send, 400, _error_body(error))


def _own_origin(scope: MutableMapping[str, Any], headers: dict[str, str]) -> str:
    scheme = str(scope.get("scheme", "http"))
    return f"{scheme}://{headers.get('host', '')}".lower()


def _wrap_sync_endpoints(routes: list[Any]) -> None:
    """Register the thread of every plain ``def`` endpoint in ``routes`` with its budget.

    FastAPI runs such an endpoint in its thread pool; the wrapper (which keeps the signature
    through ``__wrapped__``) is what lets the deadline stop it. Routers included in the app are
    walked too (newer FastAPI keeps them as ``_IncludedRouter`` entries holding the original
    router, whose routes it compiles on first use from each route's ``endpoint``). Idempotent:
    module-level routers are shared by every app built in one process.
    """
    from fastapi.routing import APIRoute

    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            _wrap_sync_endpoints(list(inner.routes))
            continue
        if not isinstance(route, APIRoute):
            continue
        endpoint = route.endpoint
        if inspect.iscoroutinefunction(endpoint) or getattr(endpoint, _WRAPPED, False):
            continue
        wrapped = in_budget(endpoint)
        route.endpoint = wrapped
        if route.dependant.call is endpoint:  # a route compiled already (added to the app)
            route.dependant.call = wrapped


def install(app: FastAPI, settings: Settings) -> None:
    """Add the three middlewares to ``app``.

    The synchronous endpoints are registered with their budgets at the first request (see
    :class:`RequestDeadline`), so routes included after this call (the dashboard's, mounted by
    :func:`tradewinds.server.create_app`) are covered too.
    """
    app.add_middleware(RequestDeadline, seconds=settings.limits.request_seconds)
    app.add_middleware(CrossSiteGuard, allowed=settings.cors)
    app.add_middleware(HostGuard, settings=settings)  # the outermost: checked first
